"""Issue 15: hostile input never gives a traceback, a silently wrong answer or a lost
file. Each test reproduces one reported case; fast (tiny scenarios, 1-2 weeks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli_basic import ROOT, cli

from model import ScenarioError, load_scenario, run


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("error:")]


def write(tmp_path: Path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- nesting

DEEP = 5000


@pytest.mark.parametrize(
    "text",
    [
        "name = " + "[" * DEEP + "]" * DEEP + "\n",
        "name = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n",
        "[" + ".".join(["a"] * DEEP) + "]\nx = 1\n",
        "name = " + "[" * 40 + "]" * 40 + "\n",  # parses, but deeper than any scenario key
    ],
    ids=["arrays", "inline-tables", "table-header", "parsed-40-deep"],
)
def test_deeply_nested_toml_exits_2(tmp_path, capsys, text):
    path = write(tmp_path, text)
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2
    assert len(lines) == 1 and path in lines[0] and "nested too deeply" in lines[0]


def test_deeply_nested_set_value_exits_2(capsys):
    value = "[" * DEEP + "]" * DEEP
    code, _, err = cli(capsys, "check", "typical_sme", "--set", f"name={value}")
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "nested too deeply" in lines[0]
    with pytest.raises(ScenarioError, match="nested too deeply"):
        nested: list = []
        for _ in range(DEEP):
            nested = [nested]
        load_scenario("typical_sme", {"name": nested})


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "setting, key",
    [
        ("organisation.roles.executive=inf", "organisation.roles.executive"),
        ("tool.licence_eur_per_user_month=inf", "tool.licence_eur_per_user_month"),
        ("tool.licence_eur_per_user_month=nan", "tool.licence_eur_per_user_month"),
        ("budget.total_eur=1e308", "budget.total_eur"),
        ("budget.hourly_cost_eur=1e308", "budget.hourly_cost_eur"),
        ("strategy.training.formats.lecture=inf", "strategy.training.formats.lecture"),
        ("parameters.trial_rate=nan", "parameters.trial_rate"),
    ],
)
def test_non_finite_and_huge_numbers_refused(capsys, setting, key):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", setting)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and key in lines[0]


def test_licence_inf_in_file_refused_not_null_roi(tmp_path, capsys):
    path = write(tmp_path, "[tool]\nlicence_eur_per_user_month = inf\n")
    code, _, err = cli(capsys, "run", path, "--weeks", "1", "--json")
    lines = error_lines(err)
    assert code == 2 and "tool.licence_eur_per_user_month" in lines[0]
    assert "finite" in lines[0]


# --------------------------------------------------------------------------- tables


def test_partial_culture_table_keeps_other_defaults(tmp_path, capsys):
    path = write(tmp_path, "[parameters.culture.innovation]\nopenness = 0.1\n")
    sc = load_scenario(path)
    default = load_scenario("typical_sme").parameters
    assert sc.parameters.culture["innovation"].openness == 0.1
    assert (
        sc.parameters.culture["innovation"].conformity == default.culture["innovation"].conformity
    )
    assert sc.parameters.culture["harmony"] == default.culture["harmony"]
    code, _, err = cli(capsys, "run", path, "--weeks", "2")
    assert code == 0, err


def test_partial_role_table_restating_a_default_changes_nothing(tmp_path):
    base = load_scenario("typical_sme", {"weeks": 8})
    admin = base.parameters.existential_role["admin"]
    path = write(tmp_path, base.to_toml().split("[parameters]")[0])
    plain = run(load_scenario(path), seed=3, counterfactual=False).summary
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"\n[parameters.existential_role]\nadmin = {admin}\n")
    sc = load_scenario(path)
    assert sc.parameters.existential_role == base.parameters.existential_role
    again = run(sc, seed=3, counterfactual=False).summary
    assert again["final_active_share"] == plain["final_active_share"]


@pytest.mark.parametrize(
    "text, key",
    [
        ("[parameters.culture.bogus]\nopenness = 0.1\n", "parameters.culture.bogus"),
        ("[parameters.attitude_role]\nboss = 0.1\n", "parameters.attitude_role.boss"),
    ],
)
def test_unknown_culture_or_role_name_refused(tmp_path, capsys, text, key):
    path = write(tmp_path, text)
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and key in lines[0] and "unknown name" in lines[0]


# --------------------------------------------------------------------------- --set syntax


def test_multi_line_set_value_refused(capsys):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", "weeks=5\nweeks = 7\nbogus=1")
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "weeks" in lines[0]


def test_unclosed_quote_in_set_refused(capsys):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", 'name="a')
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "not a TOML value" in lines[0]
    # bare words stay accepted
    code, out, err = cli(capsys, "check", "typical_sme", "--set", "organisation.culture=hierarchy")
    assert code == 0, err


def test_every_bad_set_is_reported(capsys):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", 'name="a', "--set", "x")
    assert code == 2 and len(error_lines(err)) == 2


# --------------------------------------------------------------------------- error text


def test_error_lines_are_bounded_and_escaped(tmp_path, capsys):
    keys = "".join(f"bogus{i} = {i}\n" for i in range(500))
    big = "{" + ", ".join(f"k{i} = {i}" for i in range(200)) + "}"
    path = write(tmp_path, f'name = "\\u001b[31mred"\ndescription = 5\nzz = {big}\n' + keys)
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2
    assert len(lines) == 21 and lines[-1].startswith("error: and ") and "more problem" in lines[-1]
    assert all(len(line) < 900 for line in lines)
    sub = [line for line in lines if ": zz:" in line]
    assert sub and "..." in sub[0] and "k150" not in sub[0]


def test_ansi_in_bad_value_escaped(tmp_path, capsys):
    path = write(tmp_path, '[organisation]\nculture = "\\u001b[31mred"\n')
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1
    assert "\x1b" not in err and "\\x1b[31mred" in lines[0]


def test_ansi_in_scenario_name_escaped_in_output(tmp_path, capsys):
    path = write(tmp_path, 'name = "\\u001b[2J\\u001b[31mevil"\nweeks = 1\n')
    code, out, err = cli(capsys, "check", path)
    assert code == 0, err
    assert "\x1b" not in out and "\\x1b" in out


# --------------------------------------------------------------------------- Python API


@pytest.mark.parametrize(
    "args",
    [(123,), (None,), ("typical_sme", "weeks=5"), ("typical_sme", {5: 1}), ("typical_sme", [5])],
    ids=["number", "none", "overrides-str", "overrides-int-key", "overrides-list-int"],
)
def test_load_scenario_bad_arguments_raise_scenario_error(args):
    with pytest.raises(ScenarioError):
        load_scenario(*args)


# --------------------------------------------------------------------------- pipes


def test_broken_pipe_exits_quietly(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments", "run", "typical_sme", "--weeks", "1", "--json"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert code == 141
