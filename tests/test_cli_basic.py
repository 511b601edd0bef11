"""CLI `run`, `scenarios`, `check`: outputs, reproducibility, and exit 2 on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import DESIGN_SNAPSHOT_COLUMNS, DESIGN_SUMMARY_FIELDS, DESIGN_WEEKLY_COLUMNS

from experiments.cli import main
from model import preset_names

ROOT = Path(__file__).resolve().parent.parent


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr). argparse errors exit too."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def cli_process(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m experiments ...` in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "experiments", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


# --------------------------------------------------------------------------- run


def test_run_writes_the_weekly_table_and_prints_the_summary_json(tmp_path):
    proc = cli_process(
        "run", "typical_sme", "--seed", "1", "--out", "w.csv", "--json", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    weekly = pd.read_csv(tmp_path / "w.csv")
    assert len(weekly) == 53
    assert tuple(weekly.columns) == DESIGN_WEEKLY_COLUMNS
    assert weekly["week"].tolist() == list(range(53))
    summary = json.loads(proc.stdout)
    for field in DESIGN_SUMMARY_FIELDS:
        assert field in summary, field
    for col in DESIGN_WEEKLY_COLUMNS[2:]:
        assert f"final_{col}" in summary, col
    assert summary["final_active_share"] == pytest.approx(weekly["active_share"].iloc[-1])
    assert "Traceback" not in proc.stderr


def test_same_command_twice_is_byte_identical_other_seed_differs(capsys, tmp_path):
    outputs = []
    for name, seed in (("a.csv", "1"), ("b.csv", "1"), ("c.csv", "2")):
        code, out, _ = cli(capsys, "run", "typical_sme", "--seed", seed, "--out", name, "--json")
        assert code == 0
        outputs.append(out)
    a, b, c = ((tmp_path / n).read_bytes() for n in ("a.csv", "b.csv", "c.csv"))
    assert a == b and outputs[0] == outputs[1]
    assert a != c and outputs[0] != outputs[2]


def test_parquet_output_equals_csv_output(capsys, tmp_path):
    for name in ("w.parquet", "w.csv"):
        code, _, _ = cli(capsys, "run", "typical_sme", "--weeks", "10", "--out", name)
        assert code == 0
    pq = pd.read_parquet(tmp_path / "w.parquet")
    csv = pd.read_csv(tmp_path / "w.csv")
    assert tuple(pq.columns) == DESIGN_WEEKLY_COLUMNS
    assert len(pq) == 11
    pd.testing.assert_frame_equal(pq, csv, check_dtype=False, rtol=1e-9)


def test_out_into_a_new_folder(capsys, tmp_path):
    code, _, _ = cli(capsys, "run", "typical_sme", "--weeks", "3", "--out", "sub/dir/w.csv")
    assert code == 0 and (tmp_path / "sub/dir/w.csv").is_file()


def test_snapshots_write_week_zero_last_week_and_asked_weeks(capsys, tmp_path):
    code, _, _ = cli(
        capsys,
        "run",
        "typical_sme",
        "--weeks",
        "8",
        "--snapshots",
        "snaps",
        "--snapshot-weeks",
        "3,5",
    )
    assert code == 0
    files = sorted(p.name for p in (tmp_path / "snaps").iterdir())
    assert files == [f"snapshot_week{w:03d}.csv" for w in (0, 3, 5, 8)]
    week0 = pd.read_csv(tmp_path / "snaps" / "snapshot_week000.csv")
    assert tuple(week0.columns) == DESIGN_SNAPSHOT_COLUMNS
    assert len(week0) == 120
    assert set(week0["stage"]) == {"non_user"}
    assert set(week0["tenure_band"]) <= {"0-2", "3-7", "8-14", "15+"}


def test_plain_summary_names_every_design_field(capsys):
    code, out, _ = cli(capsys, "run", "typical_sme", "--weeks", "4")
    assert code == 0
    assert "typical_sme" in out
    for field in DESIGN_SUMMARY_FIELDS:
        assert field in out


def test_weeks_and_set_apply(capsys, tmp_path):
    code, out, _ = cli(
        capsys,
        "run",
        "typical_sme",
        "--weeks",
        "6",
        "--json",
        "--out",
        "w.csv",
        "--set",
        "strategy.champions.count=5",
        "--set",
        "strategy.champions.start_week=1",
    )
    assert code == 0
    assert len(pd.read_csv(tmp_path / "w.csv")) == 7
    assert json.loads(out)["cost_champions_eur"] > 0


# --------------------------------------------------------------------------- scenarios, check


def test_scenarios_lists_every_preset(capsys):
    code, out, _ = cli(capsys, "scenarios")
    assert code == 0
    for name in preset_names():
        assert name in out
    code, out, _ = cli(capsys, "scenarios", "--json")
    assert {r["name"] for r in json.loads(out)} == set(preset_names())


def test_check_ok(capsys):
    path = ROOT / "scenarios" / "five_phase.toml"
    code, out, err = cli(capsys, "check", str(path), "typical_sme")
    assert code == 0, err
    assert out.count(": ok") == 2


def test_check_bad_file_reports_every_problem(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("weeks = 0\n[organisation]\nfoo = 1\n[network]\nkind = 'star'\n")
    good = ROOT / "scenarios" / "typical_sme.toml"
    code, out, err = cli(capsys, "check", str(good), str(bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert all(str(bad) in line for line in lines)
    assert any("weeks" in line and "[1, 520]" in line for line in lines)
    assert any("organisation.foo" in line for line in lines)
    assert any("network.kind" in line and "small_world" in line for line in lines)


# --------------------------------------------------------------------------- bad input


def _bad_toml(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return str(path)


BAD_INPUTS = {
    # name: (argv builder, substrings every one of which the error line must contain)
    "unknown key": (
        lambda t: ["run", _bad_toml(t, "[tool]\ncolour = 1\n")],
        ["bad.toml", "tool.colour", "1", "one of the keys usefulness"],
    ),
    "wrong type": (
        lambda t: ["run", _bad_toml(t, "[organisation]\nemployees = 'ten'\n")],
        ["bad.toml", "organisation.employees", "'ten'", "integer"],
    ),
    "out of range": (
        lambda t: ["run", _bad_toml(t, "[tool]\nreliability = 1.2\n")],
        ["bad.toml", "tool.reliability", "1.2", "[0.0, 1.0]"],
    ),
    "bad choice": (
        lambda t: ["run", "typical_sme", "--set", "network.kind=star"],
        ["--set", "network.kind", "'star'", "small_world"],
    ),
    "unknown preset": (lambda t: ["run", "no_such_preset"], ["no_such_preset", "typical_sme"]),
    "missing file": (
        lambda t: ["run", "nowhere/missing.toml"],
        ["missing.toml", "existing TOML file"],
    ),
    "malformed TOML": (
        lambda t: ["run", _bad_toml(t, "weeks = = 3\n")],
        ["bad.toml", "malformed TOML", "line 1", "valid TOML"],
    ),
    "not UTF-8": (lambda t: ["check", _binary(t)], ["binary.toml", "UTF-8"]),
    "bad --set": (
        lambda t: ["run", "typical_sme", "--set", "strategy.champions.count"],
        ["--set", "strategy.champions.count", "KEY=VALUE"],
    ),
    "bad --set value": (
        lambda t: ["run", "typical_sme", "--set", "strategy.champions.count=-2"],
        ["--set", "strategy.champions.count", "-2", "[0, 10000]"],
    ),
    "bad --out suffix": (
        lambda t: ["run", "typical_sme", "--out", "w.xlsx"],
        ["--out", "w.xlsx", ".csv or .parquet"],
    ),
    "unwritable --out": (
        lambda t: ["run", "typical_sme", "--weeks", "1", "--out", _file(t) + "/w.csv"],
        ["--out", "w.csv", "writable"],
    ),
    "bad --weeks": (
        lambda t: ["run", "typical_sme", "--weeks", "0"],
        ["--weeks", "weeks", "0", "[1, 520]"],
    ),
    "negative --seed": (lambda t: ["run", "typical_sme", "--seed", "-4"], ["--seed", "-4", ">= 0"]),
    "bad --snapshot-weeks": (
        lambda t: ["run", "typical_sme", "--weeks", "1", "--snapshot-weeks", "1,x"],
        ["--snapshot-weeks", "1,x", "week numbers"],
    ),
    "non-integer --seed": (lambda t: ["run", "typical_sme", "--seed", "abc"], ["--seed", "abc"]),
}


def _binary(tmp_path: Path) -> str:
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00\x01")
    return str(path)


def _file(tmp_path: Path) -> str:
    path = tmp_path / "a_file"
    path.write_text("x")
    return str(path)


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_naming_it(case, capsys, tmp_path):
    build, parts = BAD_INPUTS[case]
    code, out, err = cli(capsys, *build(tmp_path))
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    problem_lines = [ln for ln in err.splitlines() if "error" in ln]
    assert len(problem_lines) == 1, err
    for part in parts:
        assert part in problem_lines[0], (part, problem_lines[0])


def test_bad_input_in_a_real_process_exits_2_without_traceback(tmp_path):
    bad = _bad_toml(tmp_path, "[organisation]\nemployees = 1\nculture = 'x'\n")
    proc = cli_process("run", bad, "--set", "weeks=0", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    # the file's two problems (the --set is never reached: the file fails first)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("error: ") and "bad.toml" in line for line in lines)


def test_unknown_command_and_flag_exit_2(capsys):
    assert cli(capsys, "frobnicate")[0] == 2
    code, _, err = cli(capsys, "run", "typical_sme", "--frobnicate")
    assert code == 2 and "--frobnicate" in err


def test_app_launcher_starts_the_server_offline(monkeypatch):
    """`adoptsim app` switches Solara's telemetry, version check and CDN downloads off
    itself (whatever the caller's environment says); --allow-network opts in."""
    from experiments import commands_basic
    from experiments.cli import main

    calls = []
    monkeypatch.setattr(
        commands_basic.subprocess, "call", lambda cmd, env: calls.append((cmd, env))
    )
    monkeypatch.setenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "True")
    assert main(["app", "--port", "8999"]) == 0
    cmd, env = calls[-1]
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")
    assert "--no-check-version" in cmd and "--production" in cmd
    assert main(["app", "--port", "8999", "--allow-network"]) == 0
    assert calls[-1][1]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "True"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_top_level_help_lists_every_command(capsys, flag):
    """argparse formats every sub-command's help text (a bare % once crashed it)."""
    with pytest.raises(SystemExit) as exc:
        main([flag])
    out = capsys.readouterr().out
    assert exc.value.code == 0 and "ensemble" in out and "calibrate" in out
