"""`adoptsim robustness`: ranking statistics, a small real run and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.robustness import rank_points

ASSUMPTIONS = Path(__file__).resolve().parent.parent / "experiments" / "assumptions.toml"


def test_rank_points_counts_where_the_default_ranking_holds():
    # point -1: the defaults (a > b > c); at points 0-3 the ranking holds at 0 and 1,
    # b overtakes a at point 2, c is best at point 3
    table = pd.DataFrame(
        {
            "a": [0.9, 0.8, 0.7, 0.4, 0.3],
            "b": [0.5, 0.5, 0.6, 0.6, 0.2],
            "c": [0.1, 0.2, 0.1, 0.1, 0.9],
        },
        index=[-1, 0, 1, 2, 3],
    )
    res = rank_points(table, ["c", "b", "a"])
    assert res["ranking_at_defaults"] == ["a", "b", "c"]
    assert res["ranking_holds"] == 0.5
    assert res["best_stays_best"] == 0.5
    assert res["pairs"] == {"a > b": 0.75, "a > c": 0.75, "b > c": 0.75}


def test_a_small_run_reports_every_group(capsys):
    code = main(
        [
            "robustness", "five_phase", "no_change_management", "--problem", str(ASSUMPTIONS),
            "--samples", "3", "--runs", "1", "--json",
            "--by", "organisation.culture=innovation,hierarchy",
            "--outcome", "final_active_share",
        ]
    )  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out["groups"]) == {"innovation", "hierarchy"}
    for g in out["groups"].values():
        assert g["ranking_at_defaults"][0] == "five_phase"
        assert 0.0 <= g["ranking_holds"] <= 1.0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["five_phase", "--by", "organisation.culture"], "--by"),
        (["five_phase"], "at least 2 plans"),
        (["five_phase", "typical_sme", "--samples", "1"], "--samples"),
    ],
)
def test_bad_input_exits_2(capsys, args, needle):
    code = main(["robustness", *args, "--problem", str(ASSUMPTIONS)])
    assert code == 2 and needle in capsys.readouterr().err


def test_by_a_key_the_problem_varies_is_refused(capsys, tmp_path):
    """The design's points would override the --by value, so every group would be
    the same: refused instead of reported."""
    problem = tmp_path / "p.toml"
    problem.write_text(
        '[[parameter]]\nkey = "organisation.culture"\nlevels = ["harmony", "hierarchy"]\n'
    )
    args = ["robustness", "five_phase", "typical_sme", "--problem", str(problem)]
    code = main([*args, "--by", "organisation.culture=innovation,hierarchy", "--samples", "4"])
    err = capsys.readouterr().err
    assert code == 2 and "--by" in err and "does not vary" in err


def test_the_assumption_problem_holds_only_assumptions():
    """experiments/assumptions.toml varies the guesses: every key is an `assumption` in
    the parameter table (a fitted parameter is identified by the targets, not guessed),
    and every default lies inside its range."""
    import tomllib

    from experiments.params_doc import rows

    table = {r.key: r for r in rows()}
    spec = tomllib.loads(ASSUMPTIONS.read_text())
    for p in spec["parameter"]:
        row = table[p["key"]]
        assert row.grounding == "assumption", (p["key"], row.grounding)
        lo, hi = p["bounds"]
        assert lo <= row.default <= hi, (p["key"], row.default, p["bounds"])


def test_a_problem_every_plan_shares_is_reported_once_and_no_by_needs_no_label(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[parameter]]\nkey = "tool.usefulnes"\nbounds = [0.3, 0.9]\n')
    assert main(["robustness", "five_phase", "typical_sme", "--problem", str(bad)]) == 2
    assert capsys.readouterr().err.count("tool.usefulnes'") == 1
    ok = tmp_path / "ok.toml"
    ok.write_text('[[parameter]]\nkey = "tool.usefulness"\nbounds = [0.3, 0.9]\n')
    args = ["five_phase", "typical_sme", "--problem", str(ok), "--samples", "3", "--runs", "1"]
    assert main(["robustness", *args]) == 0
    out = capsys.readouterr().out
    assert "\nRanking at the defaults five_phase" in out and "None" not in out
