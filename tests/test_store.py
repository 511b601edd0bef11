"""Result store: manifest + atomic Parquet parts, resume after a kill, refusing another
design, growing --runs, the directory lock, leftovers of interrupted writes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.store import ResultStore, records_frame

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--set", "organisation.employees=30", "--set", "weeks=12"]


def ensemble(out: Path, runs: int, *extra: str) -> list[str]:
    return ["ensemble", "five_phase", "--runs", str(runs), "--out", str(out), *SMALL, *extra]


def parts(out: Path) -> list[Path]:
    return sorted((out / "parts").glob("part-*.parquet"))


def digest(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def stored(out: Path) -> pd.DataFrame:
    return ResultStore(out).frame()


def test_records_frame_types():
    df = records_frame(
        [
            {
                "point": 0,
                "run": 0,
                "goal_reached": True,
                "goal_week": None,
                "roi": 0.5,
                "main_barrier": "trust",
                "weekly_active_share": [0.0, 0.5],
            },
            {
                "point": 0,
                "run": 1,
                "goal_reached": False,
                "goal_week": 7,
                "roi": None,
                "main_barrier": None,
                "weekly_active_share": [0.0, 0.1],
                "cost_x_eur": 3.0,
            },
        ]
    )
    assert str(df["goal_reached"].dtype) == "boolean"
    assert df["goal_week"].dtype == float and pd.isna(df["goal_week"][0])
    assert df["roi"].dtype == float
    assert list(df["main_barrier"]) == ["trust", None]
    assert pd.isna(df["cost_x_eur"][0]) and df["cost_x_eur"][1] == 3.0


def test_manifest_and_parts(tmp_path, capsys):
    out = tmp_path / "ens"
    assert main(ensemble(out, 6, "--chunk-size", "2", "--no-change-roi", "--json")) == 0
    capsys.readouterr()
    man = json.loads((out / "manifest.json").read_text())
    for key in (
        "command",
        "scenario",
        "overrides",
        "base_seed",
        "design",
        "runs",
        "package_version",
    ):
        assert key in man
    assert man["command"] == "ensemble" and man["runs"] == 6 and man["base_seed"] == 1
    assert man["overrides"] == {"organisation.employees": 30, "weeks": 12}
    assert len(parts(out)) == 3
    assert not list((out / "parts").glob(".*"))
    assert not (out / ".lock").exists()
    df = stored(out)
    assert sorted(df["run"]) == list(range(6))
    assert json.loads((out / "summary.json").read_text())["runs"] == 6
    assert (out / "active_share.png").exists()


def test_rerun_computes_nothing_and_grows_runs(tmp_path, capsys):
    out = tmp_path / "ens"
    argv = ensemble(out, 4, "--chunk-size", "2", "--no-change-roi")
    assert main(argv + ["--json"]) == 0
    first = capsys.readouterr().out
    before = digest(parts(out))
    assert main(argv + ["--json"]) == 0
    assert capsys.readouterr().out == first
    assert digest(parts(out)) == before
    # more runs: only the new ones are computed, the old parts are untouched
    assert main(ensemble(out, 7, "--chunk-size", "2", "--no-change-roi")) == 0
    text = capsys.readouterr()
    assert "resuming" in text.err and "4 of 7" in text.err
    assert "3 runs computed" in text.out
    after = digest(parts(out))
    assert {k: after[k] for k in before} == before
    assert sorted(stored(out)["run"]) == list(range(7))
    assert json.loads((out / "manifest.json").read_text())["runs"] == 7
    # fewer runs: the first ones are used, nothing is computed
    assert main(argv + ["--json"]) == 0
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    "change",
    [
        ["--set", "strategy.champions.count=9"],
        ["--seed", "5"],
        ["--population", "sme"],
    ],
)
def test_refuses_a_changed_design(tmp_path, capsys, change):
    out = tmp_path / "ens"
    assert main(ensemble(out, 2, "--no-change-roi", "--json")) == 0
    capsys.readouterr()
    before = digest(parts(out))
    rc = main(ensemble(out, 2, "--no-change-roi", "--json", *change))
    err = capsys.readouterr().err
    assert rc == 2
    assert "manifest.json" in err and "different design" in err
    assert digest(parts(out)) == before
    assert not (out / ".lock").exists()


def test_refuses_another_command(tmp_path, capsys):
    out = tmp_path / "d"
    assert main(ensemble(out, 2, "--no-change-roi", "--json")) == 0
    rc = main(
        [
            "compare",
            "five_phase",
            "big_bang",
            "--runs",
            "2",
            "--no-change-roi",
            "--out",
            str(out),
            *SMALL,
        ]
    )
    assert rc == 2
    assert "command" in capsys.readouterr().err


def test_live_lock_refused_stale_lock_taken(tmp_path, capsys):
    out = tmp_path / "ens"
    out.mkdir()
    (out / ".lock").write_text(str(os.getppid()))  # a live process that is not us
    assert main(ensemble(out, 2, "--no-change-roi")) == 2
    assert "another process" in capsys.readouterr().err
    (out / ".lock").write_text("999999999")  # no such process
    assert main(ensemble(out, 2, "--no-change-roi", "--json")) == 0


def test_leftovers_of_interrupted_writes(tmp_path, capsys):
    out = tmp_path / "ens"
    argv = ensemble(out, 4, "--chunk-size", "2", "--no-change-roi", "--json")
    assert main(argv) == 0
    clean = capsys.readouterr().out
    (out / "parts" / ".part-000007.parquet.tmp").write_bytes(b"half a part")
    victim = parts(out)[0]
    victim.write_bytes(b"not parquet")  # e.g. a disk error: set aside, runs recomputed
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out == clean
    assert "unreadable" in captured.err
    assert (out / "parts" / (victim.name + ".corrupt")).exists()
    assert not (out / "parts" / ".part-000007.parquet.tmp").exists()
    assert sorted(stored(out)["run"]) == list(range(4))


def test_resume_after_kill(tmp_path):
    """Kill a running ensemble (SIGKILL, whole process group) after its first part;
    the rerun keeps every finished part, adds the missing runs, none twice, and the
    result equals a clean run."""
    out = tmp_path / "killed"
    runs = 64
    argv = [
        sys.executable,
        "-m",
        "experiments",
        *ensemble(out, runs, "--chunk-size", "4", "--workers", "2", "--json"),
    ]
    proc = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not parts(out) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(0.2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    survived = parts(out)
    assert survived, "no part was written before the kill"
    before = digest(survived)
    n_before = len(stored(out))
    assert 0 < n_before < runs, "the ensemble finished before it could be killed"
    for p in survived:  # every part is complete and readable
        pd.read_parquet(p)

    rerun = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    after = digest(parts(out))
    assert {k: after[k] for k in before} == before  # finished parts kept as they were
    df = stored(out)
    assert len(df) == runs and not df.duplicated(["point", "run"]).any()
    raw = pd.concat([pd.read_parquet(p) for p in parts(out)])
    assert len(raw) == runs  # nothing was computed twice

    clean = tmp_path / "clean"
    assert main(ensemble(clean, runs, "--workers", "2", "--json")) == 0
    pd.testing.assert_frame_equal(df, stored(clean))
    assert json.loads(rerun.stdout) == json.loads((clean / "summary.json").read_text())
