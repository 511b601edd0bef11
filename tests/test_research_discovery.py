"""Issue 13: scenario discovery. PRIM (experiments.prim) on known boxes, and the
`adoptsim discover` command (LHS design on the shared runner, boxes with coverage and
density, --json, --out with manifest, resume and executor independence)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_cli_basic import cli

from experiments.discovery import evaluate, parse_goal
from experiments.prim import prim
from model import ScenarioError

# --------------------------------------------------------------------------- PRIM


def test_prim_finds_a_known_box_and_ignores_a_noise_input():
    rng = np.random.default_rng(0)
    X = rng.random((2000, 3))
    X[:, 2] = rng.integers(0, 5, 2000)  # an integer input that does not matter
    y = (X[:, 0] < 0.3) & (X[:, 1] > 0.5)
    res = prim(X, y, max_boxes=1)
    assert res.cases == int(y.sum()) and res.base_rate == pytest.approx(y.mean())
    (box,) = res.boxes
    assert sorted(box.restricted) == [0, 1]
    assert box.hi[0] == pytest.approx(0.3, abs=0.03) and box.lo[1] == pytest.approx(0.5, abs=0.03)
    assert box.density > 0.9 and box.coverage > 0.8
    inside = box.contains(X)
    assert box.mass == pytest.approx(inside.mean())
    assert box.density == pytest.approx(y[inside].mean())
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum())
    assert all(q < 0.05 for q in box.qp.values())
    # the trajectory starts from the whole space and peels down to the minimum mass
    masses = [b.mass for b in res.trajectory]
    assert masses[0] == 1.0 and masses == sorted(masses, reverse=True)
    assert masses[-1] >= 0.05 and masses[-1] < 0.1


def test_prim_covering_finds_two_regions():
    rng = np.random.default_rng(1)
    X = rng.random((3000, 2))
    y = ((X[:, 0] < 0.25) & (X[:, 1] < 0.25)) | ((X[:, 0] > 0.75) & (X[:, 1] > 0.75))
    res = prim(X, y, max_boxes=3)
    assert len(res.boxes) >= 2
    b1, b2 = res.boxes[:2]
    assert b1.density > 0.8 and b2.density > 0.8
    assert b1.coverage + b2.coverage > 0.8
    corners = {(round(b.lo[0]), round(b.hi[0])) for b in (b1, b2)}
    assert corners == {(0, 0), (1, 1)}


def test_prim_when_the_condition_never_holds():
    X = np.random.default_rng(2).random((50, 2))
    res = prim(X, np.zeros(50, dtype=bool))
    assert res.boxes == [] and res.cases == 0


# --------------------------------------------------------------------------- goals


@pytest.mark.parametrize(
    "text, parsed",
    [
        ("not goal_reached", ("goal_reached", "==", False)),
        ("goal_reached", ("goal_reached", "==", True)),
        ("goal_reached==false", ("goal_reached", "==", False)),
        ("final_active_share < 0.4", ("final_active_share", "<", 0.4)),
        ("goal_week>=20", ("goal_week", ">=", 20.0)),
        ("main_barrier==competence", ("main_barrier", "==", "competence")),
    ],
)
def test_parse_goal(text, parsed):
    assert parse_goal(text) == parsed


@pytest.mark.parametrize("text", ["", "final_active_share <", "nonsense_field>1", "main_barrier<2"])
def test_bad_goals_are_user_errors(text):
    with pytest.raises(ScenarioError, match="--goal"):
        parse_goal(text)


def test_evaluate_censors_undefined_weeks():
    df = pd.DataFrame(
        {
            "goal_week": [10.0, np.nan, 30.0],
            "goal_reached": pd.array([True, False, True], dtype="boolean"),
            "roi": [0.1, np.nan, -0.2],
        }
    )
    assert evaluate(df, parse_goal("goal_week>25"), weeks=52).tolist() == [False, True, True]
    assert evaluate(df, parse_goal("not goal_reached"), weeks=52).tolist() == [False, True, False]
    assert evaluate(df, parse_goal("roi<0"), weeks=52).tolist() == [False, False, True]


# --------------------------------------------------------------------------- command

PROBLEM = """
[[parameter]]
key = "tool.usefulness"
bounds = [0.2, 0.9]
[[parameter]]
key = "strategy.champions.count"
bounds = [0, 6]
[[parameter]]
key = "organisation.mean_age"
bounds = [36.0, 52.0]
"""
ARGS = ["--samples", "80", "--goal", "final_active_share<0.3"]
ARGS += ["--set", "organisation.employees=40", "--set", "weeks=30"]


@pytest.fixture
def problem(tmp_path):
    path = tmp_path / "uncertainties.toml"
    path.write_text(PROBLEM)
    return str(path)


def discover(capsys, problem, *extra) -> tuple[int, str, str]:
    return cli(capsys, "discover", "typical_sme", "--problem", problem, *ARGS, *extra)


def test_discover_prints_boxes_with_coverage_and_density(capsys, problem):
    code, out, err = discover(capsys, problem)
    assert code == 0, err
    assert "condition final_active_share < 0.3:" in out
    assert "box 1: coverage" in out and "density" in out and "mass" in out
    # a restricted dimension with its limits: the tool's usefulness (experience decides)
    assert "tool.usefulness" in out and "of [" in out


def test_discover_json_same_whatever_the_workers_and_resumes_exactly(capsys, problem, tmp_path):
    code, out, err = discover(capsys, problem, "--json")
    assert code == 0, err
    serial = json.loads(out)
    out_dir = tmp_path / "d"
    code, out, _ = discover(capsys, problem, "--json", "--workers", "2", "--out", str(out_dir))
    two = json.loads(out)
    for res in (serial, two):
        res.pop("seconds")
    assert serial == two
    assert serial["runs"] == 80 and 0 < serial["cases"] < 80
    box = serial["boxes"][0]
    assert {"coverage", "density", "mass", "runs", "restricted", "limits"} <= set(box)
    assert 0 < box["coverage"] <= 1 and box["density"] > serial["base_rate"]
    assert box["restricted"] and all("qp" in v for v in box["restricted"].values())
    man = json.loads((out_dir / "manifest.json").read_text())
    assert man["command"] == "discover" and man["sampler_seed"] == 1
    assert man["design"]["method"] == "lhs" and man["scenario_hash"]
    for name in ("boxes.json", "discover.png", "design.csv"):
        assert (out_dir / name).is_file(), name
    parts = sorted((out_dir / "parts").glob("*.parquet"))
    inputs = pd.read_parquet(out_dir / "parts")
    assert {"tool.usefulness", "strategy.champions.count"} <= set(inputs.columns)
    # the same command again: nothing recomputed, the same boxes
    code, out, err = discover(capsys, problem, "--out", str(out_dir), "--json")
    again = json.loads(out)
    again.pop("seconds")
    assert again == two and sorted((out_dir / "parts").glob("*.parquet")) == parts


def test_discover_sampler_seed_changes_the_design(capsys, problem):
    a = json.loads(discover(capsys, problem, "--json", "--samples", "20")[1])
    b = json.loads(discover(capsys, problem, "--json", "--samples", "20", "--sampler-seed", "5")[1])
    assert a["sampler_seed"] == 1 and b["sampler_seed"] == 5
    assert a["ranges"] != b["ranges"]


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--goal", "final_active_share<<1"], "--goal"),
        (["--samples", "3"], "--samples"),
        (["--threshold", "0"], "--threshold"),
    ],
)
def test_discover_bad_input_exits_2(capsys, problem, extra, needle):
    code, _, err = discover(capsys, problem, *extra)
    assert code == 2 and needle in err


def test_discover_refuses_a_text_key_prim_cannot_box(capsys, tmp_path):
    path = tmp_path / "culture.toml"
    path.write_text(
        '[[parameter]]\nkey = "tool.usefulness"\nbounds = [0.2, 0.9]\n'
        '[[parameter]]\nkey = "organisation.culture"\nlevels = ["harmony", "hierarchy"]\n'
    )
    code, _, err = discover(capsys, str(path))
    assert code == 2 and "parameter.1.levels" in err and "PRIM" in err, err


# --------------------------------------------------------------------------- Python


def test_discover_from_python_equals_the_command_and_reports_progress(capsys, problem):
    from experiments.discovery import discover as discover_py

    code, out, err = discover(capsys, problem, "--json", "--samples", "30")
    assert code == 0, err
    cli_result = json.loads(out)
    seen: list[tuple[int, int]] = []
    ranges = {"tool.usefulness": (0.2, 0.9), "strategy.champions.count": (0, 6)}
    ranges["organisation.mean_age"] = (36.0, 52.0)
    res = discover_py(
        "typical_sme",
        ranges,
        "final_active_share<0.3",
        samples=30,
        overrides={"organisation.employees": 40, "weeks": 30},
        chunk_size=7,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    for r in (res, cli_result):
        r.pop("seconds")
    assert res == cli_result  # the same design, runs and boxes as `adoptsim discover`
    assert [d for d, _ in seen] == [7, 14, 21, 28, 30] and {t for _, t in seen} == {30}


def test_discover_from_python_names_bad_keys():
    from experiments.discovery import discover as discover_py

    with pytest.raises(ScenarioError) as exc:
        discover_py("typical_sme", {"tool.usefulness": (0.9, 0.2), "tool.nope": (0, 1)}, "x<1")
    text = str(exc.value)
    assert "uncertainties: tool.usefulness: not bounds: got [0.9, 0.2]" in text
    assert "uncertainties: tool.nope: unknown scenario key" in text
    assert "goal: x: " in text
