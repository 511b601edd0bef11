"""sensitivity: Sobol and Morris on a tiny design, reports, resume, bad problem files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from experiments.sensitivity import convert, load_problem

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--set", "organisation.employees=30", "--set", "weeks=12"]
TINY = """
outputs = ["final_active_share", "goal_reached", "roi"]

[[parameter]]
key = "strategy.champions.count"
bounds = [0, 6]

[[parameter]]
key = "tool.usefulness"
bounds = [0.3, 0.9]

[[parameter]]
key = "strategy.leadership.role_modelling"
bounds = [0, 1]
"""


CULTURE = """
[[parameter]]
key = "organisation.culture"
levels = ["innovation", "performance", "harmony"]
weights = "sme"
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def run_json(capsys, argv: list[str]) -> dict:
    rc = main(argv + ["--json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    return json.loads(captured.out)


def test_example_problem_file_is_valid():
    spec, problems = load_problem(ROOT / "experiments" / "sensitivity_example.toml")
    assert problems == []
    assert len(spec.parameters) >= 10 and spec.outputs


def test_sobol_tiny(capsys, tiny, tmp_path):
    out = tmp_path / "sobol"
    argv = [
        "sensitivity",
        "five_phase",
        "--problem",
        str(tiny),
        "--method",
        "sobol",
        "--samples",
        "8",
        "--out",
        str(out),
        *SMALL,
    ]
    res = run_json(capsys, argv)
    assert res["method"] == "sobol" and res["samples"] == 8
    # N(D+2) design points, each run twice by default (seed noise is averaged out)
    assert res["design_points"] == 8 * (3 + 2) and res["runs"] == 2 * res["design_points"]
    assert res["parameters"] == [
        "strategy.champions.count",
        "tool.usefulness",
        "strategy.leadership.role_modelling",
    ]
    assert "final_active_share" in res["indices"]
    for table in res["indices"].values():
        assert set(table) == set(res["parameters"])
        for e in table.values():
            # with replicates (the default) each index carries its seed-noise estimate
            assert set(e) == {"S1", "S1_conf", "ST", "ST_conf", "seed_noise"}
    assert isinstance(res["narrow_enough"], bool)
    if not res["narrow_enough"]:
        assert res["suggested_samples"] >= 16
        assert res["suggested_samples"] & (res["suggested_samples"] - 1) == 0
    csv = pd.read_csv(out / "indices.csv")
    assert {"output", "parameter", "S1", "S1_conf", "ST", "ST_conf"} <= set(csv.columns)
    assert json.loads((out / "indices.json").read_text())["indices"] == res["indices"]
    assert (out / "indices.png").read_bytes()[:4] == b"\x89PNG"
    design = pd.read_csv(out / "design.csv")
    assert len(design) == res["design_points"]
    # resume: nothing computed again, the same indices
    again = run_json(capsys, argv)
    assert again["indices"] == res["indices"]
    text_rc = main(argv)
    text = capsys.readouterr()
    assert text_rc == 0 and "0 runs computed" in text.out and "CIs" in text.out


def test_sobol_second_order_and_two_workers(capsys, tiny, tmp_path):
    base = [
        "sensitivity",
        "five_phase",
        "--problem",
        str(tiny),
        "--samples",
        "4",
        "--second-order",
        *SMALL,
    ]
    one = run_json(capsys, base)
    two = run_json(capsys, base + ["--workers", "2", "--out", str(tmp_path / "s2")])
    assert one["runs"] == 2 * 4 * (2 * 3 + 2)
    assert one["indices"] == two["indices"]
    assert len(one["second_order"]["final_active_share"]) == 3
    assert (tmp_path / "s2" / "indices_second_order.csv").exists()


def test_morris_tiny(capsys, tiny, tmp_path):
    res = run_json(
        capsys,
        [
            "sensitivity",
            "five_phase",
            "--problem",
            str(tiny),
            "--method",
            "morris",
            "--samples",
            "4",
            "--out",
            str(tmp_path / "m"),
            *SMALL,
        ],
    )
    assert res["method"] == "morris" and res["runs"] == 2 * 4 * (3 + 1)
    for table in res["indices"].values():
        for e in table.values():
            assert set(e) == {"mu", "mu_star", "mu_star_conf", "sigma", "seed_noise"}
            assert e["mu_star"] >= 0
    csv = pd.read_csv(tmp_path / "m" / "indices.csv")
    assert {"mu_star", "sigma"} <= set(csv.columns)


def test_outputs_flag_and_change_roi(capsys, tiny, tmp_path):
    out = tmp_path / "cr"
    res = run_json(
        capsys,
        [
            "sensitivity",
            "five_phase",
            "--problem",
            str(tiny),
            "--samples",
            "2",
            "--outputs",
            "change_roi,goal_week",
            "--out",
            str(out),
            *SMALL,
        ],
    )
    assert res["outputs"] == ["change_roi", "goal_week"]
    man = json.loads((out / "manifest.json").read_text())
    assert man["design"]["change_roi"] is True


def test_changed_problem_refused(capsys, tiny, tmp_path):
    out = tmp_path / "s"
    argv = [
        "sensitivity",
        "five_phase",
        "--problem",
        str(tiny),
        "--samples",
        "2",
        "--out",
        str(out),
        *SMALL,
    ]
    run_json(capsys, argv)
    tiny.write_text(TINY.replace("[0, 6]", "[0, 8]"))
    assert main(argv) == 2
    assert "different design" in capsys.readouterr().err


BAD = {
    "missing_outputs": (
        TINY.replace('outputs = ["final_active_share", "goal_reached", "roi"]', ""),
        "outputs",
    ),
    "missing_parameters": ('outputs = ["roi"]\n', "parameter"),
    "missing_bounds": (
        'outputs = ["roi"]\n[[parameter]]\nkey = "tool.usefulness"\n'
        '[[parameter]]\nkey = "tool.reliability"\nbounds = [0.5, 0.9]\n',
        "parameter.0.bounds",
    ),
    "missing_key": ('outputs = ["roi"]\n[[parameter]]\nbounds = [0, 1]\n', "parameter.0.key"),
    "unknown_scenario_key": (
        TINY.replace("tool.usefulness", "tool.usefullness"),
        "tool.usefullness",
    ),
    "reversed_bounds": (TINY.replace("[0.3, 0.9]", "[0.9, 0.3]"), "parameter.1.bounds"),
    "bounds_out_of_range": (TINY.replace("[0.3, 0.9]", "[0.3, 1.5]"), "tool.usefulness"),
    "three_bounds_for_uniform": (
        TINY.replace("[0.3, 0.9]", "[0.3, 0.9, 1.0]"),
        "parameter.1.bounds",
    ),
    "unknown_distribution": (
        TINY.replace("bounds = [0.3, 0.9]", 'bounds = [0.3, 0.9]\ndistribution = "cauchy"'),
        "parameter.1.distribution",
    ),
    "unknown_method": ('method = "fast"\n' + TINY, "method"),
    "unknown_output": (TINY.replace('"roi"]', '"roi", "happiness"]'), "happiness"),
    "text_output": (TINY.replace('"roi"]', '"main_barrier"]'), "main_barrier"),
    "text_key_without_levels": (
        TINY.replace("tool.usefulness", "organisation.culture"),
        "parameter.1.levels",
    ),
    "levels_with_bounds": (
        TINY.replace("tool.usefulness", "organisation.culture").replace(
            "bounds = [0.3, 0.9]", 'bounds = [0.3, 0.9]\nlevels = ["harmony", "hierarchy"]'
        ),
        "parameter.1.bounds",
    ),
    "levels_for_a_number": (
        TINY.replace("bounds = [0.3, 0.9]", 'levels = ["low", "high"]'),
        "levels are for text keys",
    ),
    "unknown_level": (TINY + CULTURE.replace('"harmony"]', '"harmonie"]'), "harmonie"),
    "weights_per_level": (
        TINY + CULTURE.replace('weights = "sme"', "weights = [1, 2]"),
        "parameter.3.weights",
    ),
    "weight_not_positive": (
        TINY + CULTURE.replace('weights = "sme"', "weights = [1, 0, 2]"),
        "parameter.3.weights.1",
    ),
    "unknown_weights_name": (TINY + CULTURE.replace('"sme"', '"SME"'), "parameter.3.weights"),
    "one_level": (TINY + CULTURE.replace('"performance", "harmony"', '"innovation"'), "2 distinct"),
    "sme_weights_not_culture": (
        TINY.replace("bounds = [0, 6]", 'levels = ["a", "b"]\nweights = "sme"'),
        "organisation.culture",
    ),
    "table_key": (TINY.replace("tool.usefulness", "strategy.champions"), "strategy.champions"),
    "unknown_top_key": ("samplez = 3\n" + TINY, "samplez"),
    "malformed": ("outputs = [\n", "malformed TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_problem_file_exits_2(capsys, tmp_path, case):
    text, needle = BAD[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    rc = main(["sensitivity", "five_phase", "--problem", str(path), "--samples", "2", *SMALL])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert str(path) in err or case == "missing_file"
    assert needle in err
    assert "allowed" in err and "Traceback" not in err
    assert "constrained-float" not in err and "literal[" not in err  # no pydantic internals


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--method", "fast"], "--method"),
        (["--outputs", "final_active_share,nope"], "nope"),
        (["--samples", "1"], "--samples"),
        (["--levels", "3", "--method", "morris"], "--levels"),
    ],
)
def test_bad_flags_exit_2(capsys, tiny, flags, needle):
    rc = main(["sensitivity", "five_phase", "--problem", str(tiny), *flags, *SMALL])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err


def test_missing_problem_file(capsys, tmp_path):
    rc = main(["sensitivity", "five_phase", "--problem", str(tmp_path / "none.toml")])
    assert rc == 2 and "--problem" in capsys.readouterr().err


def test_a_text_key_is_a_factor_drawn_by_its_levels_weights(capsys, tiny, tmp_path):
    """Culture as a Sobol factor: each point's culture is the level whose share of the
    weights (here the SME population's mix) holds the sampled number; the stored design
    reads back (resume) and culture carries variance of final active use."""
    from model.population import CULTURE_MIX

    spec, problems = load_problem(ROOT / "experiments" / "calibration" / "people_levers.toml")
    assert problems == []
    (culture,) = [p for p in spec.parameters if p.key == "organisation.culture"]
    assert culture.weights == tuple(CULTURE_MIX[c] for c in culture.levels)
    culture.kind = "level"
    grid = [convert(culture, u) for u in (np.arange(10_000) + 0.5) / 10_000]
    for level in culture.levels:
        assert grid.count(level) / len(grid) == pytest.approx(CULTURE_MIX[level], abs=1e-3)
    assert convert(culture, 1.0) == culture.levels[-1] and convert(culture, "harmony") == "harmony"

    tiny.write_text(TINY + CULTURE)
    out = tmp_path / "culture"
    argv = ["sensitivity", "five_phase", "--problem", str(tiny), "--samples", "8", "--out",
            str(out), "--set", "organisation.employees=30"]  # fmt: skip
    res = run_json(capsys, argv)
    assert res["parameters"][-1] == "organisation.culture"
    assert res["indices"]["final_active_share"]["organisation.culture"]["ST"] > 0.05
    u = pd.read_csv(out / "design.csv")["organisation.culture"]  # the sampled numbers
    assert u.between(0, 1).all() and u.nunique() > 8
    assert run_json(capsys, argv)["indices"] == res["indices"]  # resumed from the store


def test_morris_refuses_a_grid_that_never_draws_a_level(capsys, tiny):
    """Morris samples only its grid's points: with 4 grid levels (0, 1/3, 2/3, 1) no
    point falls in performance's slice of this mix (0.136 to 0.317), so the run is
    refused, naming the level and a grid that reaches every level."""
    culture = CULTURE.replace('"harmony"]', '"harmony", "hierarchy"]')
    tiny.write_text(TINY + culture.replace('"sme"', "[0.136, 0.1814, 0.3676, 0.315]"))
    argv = ["sensitivity", "five_phase", "--problem", str(tiny), "--method", "morris",
            "--samples", "2", *SMALL]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--levels" in err and "performance" in err and "--levels 6" in err
    res = run_json(capsys, [*argv, "--levels", "6"])
    assert "organisation.culture" in res["indices"]["final_active_share"]
