"""`adoptsim calibrate` on reduced run counts, its JSON shape and exit codes; the fit
script's writers; every case preset loads, checks and runs."""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from experiments.calibrate import (
    DEFAULT_TARGETS,
    KINDS,
    Target,
    evaluate,
    load_targets,
    run_scenario,
    run_targets,
)
from experiments.cli import main
from model import load_scenario, run
from model.scenario import CULTURES

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "scenarios" / "cases").glob("*.toml"))
ONE_OF_EACH = [
    "existential_admin",  # share
    "culture_innovation",  # run_mean
    "time_to_stable_use",  # run_median
    "tenure_resistance",  # order
    "middle_management_resists_most",  # highest
]


def _calibrate(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["calibrate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _targets_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the command


def test_json_shape_and_one_target_of_each_kind(capsys):
    code, out, _ = _calibrate(
        capsys, "--only", ",".join(ONE_OF_EACH), "--runs-scale", "0.25", "--json"
    )
    data = json.loads(out)
    assert set(data) == {"targets", "passed", "total", "provenance", "parameters"}
    assert data["total"] == len(ONE_OF_EACH)
    prov = data["provenance"]
    assert prov["command"] == "calibrate" and prov["runs_scale"] == 0.25
    assert len(prov["targets_sha256"]) == 64 and prov["package_version"]
    assert {"numpy", "pandas", "scipy"} <= set(prov["versions"])
    assert set(prov["scenario_hash"]) == {"typical_sme", "five_phase"}
    # the grounding table: every parameter, with the targets that inform it
    params = {p["key"]: p for p in data["parameters"]}
    assert params["parameters.existential_role.admin"]["informed_by"] == "existential_admin"
    assert params["parameters.existential_role.admin"]["grounding"] == "fit"
    assert all(p["grounding"] and p["unit"] for p in data["parameters"])
    assert data["passed"] == sum(t["pass"] for t in data["targets"])
    assert code == (0 if data["passed"] == data["total"] else 1)
    by_id = {t["id"]: t for t in data["targets"]}
    file_order = [t.id for t in load_targets()]
    assert list(by_id) == [i for i in file_order if i in ONE_OF_EACH]  # file order
    for t in data["targets"]:
        assert set(t) == {"id", "model", "value", "tolerance", "pass", "se", "edge_in_se"}
    share = by_id["existential_admin"]
    assert 0.0 <= share["model"] <= 1.0 and share["value"] == 0.73 and share["tolerance"] == 0.05
    mean = by_id["culture_innovation"]
    assert 0.0 <= mean["model"] <= 1.0 and mean["tolerance"] == 0.07
    median = by_id["time_to_stable_use"]
    assert 0 <= median["model"] <= 52 and median["value"] == 34.5
    order = by_id["tenure_resistance"]
    assert set(order["model"]) == {"0-2", "3-7", "8-14", "15+"}
    assert order["value"] == {"order": "increasing", "groups": ["0-2", "3-7", "8-14", "15+"]}
    assert order["tolerance"] is None
    highest = by_id["middle_management_resists_most"]
    assert highest["value"] == "middle_manager"
    assert set(highest["model"]) == {
        "executive",
        "middle_manager",
        "specialist",
        "admin",
        "operations",
    }
    # the initial-condition targets pool thousands of employees at 25 runs
    assert share["pass"] and order["pass"] and highest["pass"]


def test_table_output(capsys):
    code, out, _ = _calibrate(
        capsys, "--only", "quality_experts", "--runs-scale", "0.05", "--workers", "1"
    )
    assert code in (0, 1)
    assert "quality_experts" in out and ("PASS" in out or "FAIL" in out)
    assert "targets pass" in out and "0.51" in out


def test_runs_scale_scales_the_dynamic_targets_only(capsys):
    _, out, _ = _calibrate(
        capsys, "--only", "culture_innovation,quality_experts", "--runs-scale", "0.02"
    )
    table = {line.split()[0]: line for line in out.splitlines()[2:4]}
    assert " 4  " in table["culture_innovation"]  # 200 runs x 0.02
    assert " 100  " in table["quality_experts"]  # week-0 targets keep their runs


def test_standard_errors_and_the_distance_to_the_edge():
    """Each numeric target carries its Monte Carlo standard error (runs are the
    independent units) and how many of them the value lies inside its tolerance."""
    (mean_t,) = [t for t in load_targets() if t.id == "project_success_rate"]
    per_run = [1.0] * 30 + [0.0] * 70
    r = evaluate(mean_t, per_run)
    assert r.model == pytest.approx(0.3)
    assert r.se == pytest.approx(np.std(per_run, ddof=1) / 10)
    assert r.edge_distance() == pytest.approx((0.3 - 0.27) / r.se)
    assert r.as_json()["edge_in_se"] == round((0.3 - 0.27) / r.se, 2)
    (share_t,) = [t for t in load_targets() if t.id == "existential_all"]
    one_each = [{"": (k % 2, 1)} for k in range(100)]  # one employee per run: binomial
    assert evaluate(share_t, one_each).se == pytest.approx(np.sqrt(0.25 / 99))
    pooled = [{"": (5, 10)}] * 50  # every run exactly half: no between-run variation
    assert evaluate(share_t, pooled).se == pytest.approx(0.0)
    (ratio_t,) = [t for t in load_targets() if t.id == "training_share_success"]
    paired = [[a, 2.0 * a] for a in np.linspace(0.1, 0.5, 40)]  # b = 2 a exactly
    rr = evaluate(ratio_t, paired)
    assert rr.model == pytest.approx(2.0) and rr.se == pytest.approx(0.0, abs=1e-12)
    assert rr.edge_distance() is None  # a zero standard error gives no distance
    steps = zip(np.linspace(0.1, 0.5, 40), np.tile([0.1, -0.1], 20), strict=True)
    noisy = [[a, 2.0 * a + e] for a, e in steps]
    assert evaluate(ratio_t, noisy).se > 0


def test_same_result_for_any_worker_count(capsys):
    args = ["--only", "culture_hierarchy,overload_over_45", "--runs-scale", "0.03", "--json"]
    _, one, _ = _calibrate(capsys, *args, "--workers", "1")
    _, two, _ = _calibrate(capsys, *args, "--workers", "2")
    # results are the same; provenance records each command line (the worker count)
    a, b = json.loads(one), json.loads(two)
    assert a.pop("provenance")["argv"] != b.pop("provenance")["argv"]
    assert a == b


def test_impossible_target_fails_with_exit_1(tmp_path, capsys):
    path = _targets_file(
        tmp_path,
        """
[[target]]
id = "impossible"
scenario = "typical_sme"
runs = 2
kind = "share"
where = "expects_benefit"
value = 2.0
tolerance = 0.0

[[target]]
id = "wrong_order"
scenario = "typical_sme"
runs = 2
kind = "order"
group_by = "tenure_band"
groups = ["0-2", "3-7", "8-14", "15+"]
where = "attitude < 0"
order = "decreasing"
""",
    )
    code, out, _ = _calibrate(capsys, "--targets", str(path), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["passed"] == 0 and data["total"] == 2
    assert not any(t["pass"] for t in data["targets"])


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("this is [not toml", "malformed TOML"),
        ("x = 1", "target"),
        ('[[target]]\nid = "a"\nscenario = "typical_sme"\nruns = 1\nkind = "mode"', "kind"),
        (
            '[[target]]\nid = "a"\nscenario = "typical_sme"\nruns = 1\nkind = "share"\n'
            "value = 0.5\ntolerance = 0.1",
            "where",
        ),
        (
            '[[target]]\nid = "a"\nscenario = "typical_sme"\nruns = 0\nkind = "run_mean"\n'
            'field = "goal_reached"\nvalue = 0.5\ntolerance = 0.1',
            "runs",
        ),
        (
            '[[target]]\nid = "a"\nscenario = "no_such_preset"\nruns = 1\nkind = "run_mean"\n'
            'field = "goal_reached"\nvalue = 0.5\ntolerance = 0.1',
            "no_such_preset",
        ),
        (
            '[[target]]\nid = "a"\nscenario = "typical_sme"\nruns = 1\nkind = "run_mean"\n'
            'field = "no_such_field"\nvalue = 0.5\ntolerance = 0.1',
            "no_such_field",
        ),
        (
            '[[target]]\nid = "a"\nscenario = "typical_sme"\nruns = 1\nkind = "share"\n'
            'where = "no_such_column > 1"\nvalue = 0.5\ntolerance = 0.1',
            "where",
        ),
        (
            '[[target]]\nid = "a"\nscenario = "typical_sme"\nruns = 1\nkind = "run_mean"\n'
            'set = { "organisation.culture" = "anarchy" }\nfield = "goal_reached"\n'
            "value = 0.5\ntolerance = 0.1",
            "organisation.culture",
        ),
        (
            '[[target]]\nid = "a"\nscenario = "typical_sme"\nruns = 1\nkind = "highest"\n'
            'group_by = "role"\ngroup = "admin"\nwhere = "attitude < 0"\ncolour = 1',
            "colour",
        ),
    ],
)
def test_bad_targets_file_exits_2(tmp_path, capsys, body, needle):
    path = _targets_file(tmp_path, body)
    code, out, err = _calibrate(capsys, "--targets", str(path))
    assert code == 2
    assert needle in err and str(path) in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--only", "no_such_target"], "no_such_target"),
        (["--targets", "missing_targets.toml"], "missing_targets.toml"),
        (["--runs-scale", "0"], "--runs-scale"),
        (["--workers", "0"], "--workers"),
        (["--only", "culture_harmony", "--set", "strategy.nope=1"], "strategy.nope"),
    ],
)
def test_bad_arguments_exit_2(capsys, args, needle):
    code, _, err = _calibrate(capsys, *args)
    assert code == 2 and needle in err


# --------------------------------------------------------------------------- pieces


def test_default_targets_file_has_every_kind():
    targets = load_targets()
    assert DEFAULT_TARGETS.is_file() and len(targets) == 27
    assert {t.kind for t in targets} == set(KINDS)


def test_failed_with_targets_share_their_runs():
    """The five failure-cause targets run the same plan: one set of runs serves all,
    and each reads its own barrier from it."""
    ids = [t.id for t in load_targets() if t.kind == "failed_with"]
    targets = [t.scaled(0.02) for t in load_targets() if t.id in ids]
    results = run_targets(targets, workers=1, base_seed=3)
    assert len(results) == 5
    assert all(r.per_run == results[0].per_run for r in results)
    assert len({round(r.model, 6) for r in results if r.model == r.model}) > 1


def test_population_draw_then_set():
    t = next(t for t in load_targets() if t.id == "culture_innovation")
    base = load_scenario(t.scenario)
    seqs = np.random.SeedSequence(5).spawn(6)
    scs = [run_scenario(t, base, s) for s in seqs]
    assert all(sc.organisation.culture == "innovation" for sc in scs)
    assert len({sc.organisation.employees for sc in scs}) > 1  # a different organisation each


def _t(**kw) -> Target:
    base = dict(id="t", scenario="typical_sme", runs=2, kind="order", where="x")
    return Target(**{**base, **kw})


def test_evaluate_order_highest_and_run_kinds():
    runs = [{"a": (1, 10), "b": (2, 10)}, {"a": (1, 10), "b": (4, 10)}]
    up = evaluate(_t(kind="order", group_by="g", groups=("a", "b"), order="increasing"), runs)
    assert up.passed and up.model == {"a": 0.1, "b": 0.3}
    down = evaluate(_t(kind="order", group_by="g", groups=("a", "b"), order="decreasing"), runs)
    assert not down.passed
    missing = evaluate(_t(kind="order", group_by="g", groups=("a", "c"), order="increasing"), runs)
    assert not missing.passed
    assert evaluate(_t(kind="highest", group_by="g", group="b"), runs).passed
    assert not evaluate(_t(kind="highest", group_by="g", group="a"), runs).passed
    tie = [{"a": (1, 10), "b": (1, 10)}]
    assert not evaluate(_t(kind="highest", group_by="g", group="a"), tie).passed
    share = evaluate(_t(kind="share", value=0.25, tolerance=0.05), [{"": (1, 4)}, {"": (1, 4)}])
    assert share.passed and share.model == 0.25
    med = evaluate(_t(kind="run_median", field="f", value=3.0, tolerance=0.5), [1.0, 3.0, 9.0])
    assert med.passed and med.model == 3.0
    mean = evaluate(_t(kind="run_mean", field="f", value=3.0, tolerance=0.5), [1.0, 3.0, 9.0])
    assert not mean.passed and mean.model == pytest.approx(13 / 3)


def test_fit_writes_the_data_file_not_source(tmp_path):
    from experiments import fit

    data = tmp_path / "calibrated.toml"
    shutil.copy(fit.CALIBRATED_FILE, data)
    values = {
        "benefit_base": 0.1234,
        "existential_role.admin": 0.777,
        "culture.harmony.error_tolerance": -0.0421,
        "trial_rate": 0.0567,
    }
    mix = {"innovation": 0.1, "performance": 0.2, "harmony": 0.4, "hierarchy": 0.3}
    fit.write_calibrated(values, mix, data)
    with data.open("rb") as fh:
        written = tomllib.load(fh)
    p = written["parameters"]
    assert p["benefit_base"] == 0.1234 and p["trial_rate"] == 0.0567
    assert p["existential_role"]["admin"] == 0.777
    assert p["culture"]["harmony"]["error_tolerance"] == -0.0421
    assert p["culture"]["harmony"]["openness"] == fit.calibrated_value("culture.harmony.openness")
    assert written["population"]["culture_mix"] == mix
    assert data.read_text().startswith("# Calibrated values")


def test_fit_sets_the_culture_mix_from_its_three_shares(monkeypatch):
    """The joint fit moves the SME culture mix through three numbers: the high-adoption
    pair's share and the split within each pair; the mix they give sums to one and
    reads back as the same three numbers."""
    from experiments import fit
    from model import population

    monkeypatch.setattr(population, "CULTURE_MIX", dict(population.CULTURE_MIX))
    f = fit.Fit([], seed=1, workers=1, scale=1.0)
    values = {fit.MIX_KEY: 0.36, fit.INNOVATION_KEY: 1 / 3, fit.HARMONY_KEY: 0.6}
    mix = f.set_mix(values)
    assert mix == population.CULTURE_MIX
    assert mix == pytest.approx(
        {"innovation": 0.12, "performance": 0.24, "harmony": 0.384, "hierarchy": 0.256}
    )
    assert sum(mix.values()) == pytest.approx(1.0)
    assert f.mix_values() == pytest.approx(values, abs=1e-4)
    # a key left out keeps the current mix's value
    assert f.set_mix({fit.MIX_KEY: 0.3})["innovation"] == pytest.approx(0.1, abs=1e-4)
    assert set(fit.MIX_KEYS) <= set(fit.JOINT)


@pytest.mark.parametrize(
    ("free", "needle"),
    [
        ("trial_rat", "unknown joint parameter(s) trial_rat; allowed: culture."),
        (",", "at least one"),
    ],
)
def test_fit_free_names_joint_parameters(capsys, free, needle):
    from experiments import fit

    with pytest.raises(SystemExit) as exc:
        fit.main(["--stages", "joint", "--free", free])
    assert exc.value.code == 2 and needle in capsys.readouterr().err


def test_a_partial_fit_moves_only_its_free_parameters():
    """`--free` narrows the joint stage to the named parameters; the rest hold."""
    from experiments import fit

    f = fit.Fit([], seed=1, workers=1, scale=1.0, free=["trial_rate", fit.MIX_KEY])
    assert list(f.free) == ["trial_rate", fit.MIX_KEY]
    x = f.start()
    assert x.shape == (2,) and set(f.unscale(x)) == {"trial_rate", fit.MIX_KEY}
    assert f.unscale(x)["trial_rate"] == pytest.approx(fit.calibrated_value("trial_rate"))


def test_fourth_power_loss_steps_towards_the_worst_miss():
    """With the fourth-power loss the Gauss-Newton step works on r^2 and 2 r J, so its
    squares are r^4; of two targets pulling a parameter opposite ways, the step follows
    the one missed worse, where least squares would split the difference."""
    from experiments import fit
    from experiments.identify import lm_step

    r = np.array([-2.0, 1.0])  # target 0 missed by two tolerances, target 1 by one
    J = np.array([[1.0], [1.0]])  # one parameter raises both
    squares = fit.Fit([], seed=1, workers=1, scale=1.0)
    fourth = fit.Fit([], seed=1, workers=1, scale=1.0, loss_kind="fourth")
    assert fourth.loss(r) == 17.0 and squares.loss(r) == 5.0
    Jt, rt = fourth.gauss_newton(J, r)
    assert rt.tolist() == [4.0, 1.0] and Jt.ravel().tolist() == [-4.0, 2.0]
    x = np.array([0.0])
    step_sq = lm_step(*squares.gauss_newton(J, r), 0.0, x)
    step_4 = lm_step(Jt, rt, 0.0, x)
    assert step_sq[0] == pytest.approx(0.5)  # the least-squares compromise
    assert step_4[0] == pytest.approx(0.7)  # further towards fixing the worse miss


def test_margin_loss_adds_two_standard_errors_to_each_miss():
    """The margin loss weighs |r| + 2 se (both in tolerances): of two targets missed
    alike, the noisier one pulls harder, as it is the one another seed would fail."""
    from experiments import fit

    f = fit.Fit([], seed=1, workers=1, scale=1.0, loss_kind="margin")
    f.noise = np.array([0.4, 0.1])
    r = np.array([-0.5, 0.5])
    assert f.reach(r).tolist() == pytest.approx([1.3, 0.7])
    assert f.loss(r) == pytest.approx(1.3**4 + 0.7**4)
    Jt, rt = f.gauss_newton(np.array([[1.0], [1.0]]), r)
    assert rt.tolist() == pytest.approx([1.69, 0.49])
    assert Jt.ravel().tolist() == pytest.approx([-2.6, 1.4])
    # one parameter raising both: the step raises it, towards the noisier target's value
    assert fit.lm_step(Jt, rt, 0.0, np.array([0.0]))[0] > 0


def test_parameters_load_the_calibrated_file():
    from model.parameters import Parameters, calibrated

    fitted = calibrated()["parameters"]
    p = Parameters()
    assert p.trial_rate == fitted["trial_rate"]
    assert p.culture["hierarchy"].openness == fitted["culture"]["hierarchy"]["openness"]
    # a partial table changes only what it names
    q = Parameters(culture={"innovation": {"conformity": 0.2}}, existential_role={"admin": 0.9})
    assert q.culture["innovation"].openness == fitted["culture"]["innovation"]["openness"]
    assert q.culture["harmony"] == p.culture["harmony"]
    assert q.existential_role["executive"] == p.existential_role["executive"]


# --------------------------------------------------------------------------- case presets


def test_there_are_case_presets():
    assert len(CASES) >= 6


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_preset_checks_and_runs(path, capsys):
    assert main(["check", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Case:") and "Taken from the case" in text and "Assumed" in text
    sc = load_scenario(f"cases/{path.stem}")
    res = run(sc, seed=1, counterfactual=False)
    assert len(res.weekly) == sc.weeks + 1
    assert 0.0 <= res.summary["final_active_share"] <= 1.0


def test_set_applies_to_every_target_after_its_own(capsys):
    """--set acts like on every command: here it switches the tool off for everyone."""
    args = ["--only", "culture_innovation", "--runs-scale", "0.1", "--json"]
    code, out, _ = _calibrate(
        capsys, *args, "--set", "tool.usefulness=0.0", "--set", 'organisation.culture="hierarchy"'
    )
    data = json.loads(out)
    # the target fixes innovation, the user's --set comes after and wins: adoption collapses
    assert code == 1 and data["targets"][0]["model"] < 0.2


EFFECT_KINDS = """
[[target]]
id = "same_plan_ratio"
scenario = "typical_sme"
set = { "organisation.employees" = 30, "weeks" = 8 }
runs = 3
kind = "ratio"
field = "final_aware_share"
set_a = { "strategy.champions.count" = 2 }
set_b = { "strategy.champions.count" = 2 }
value = 1.0
range = [0.999, 1.001]

[[target]]
id = "sizes"
scenario = "typical_sme"
set = { "organisation.employees" = 30, "weeks" = 8 }
runs = 3
kind = "plausible"
holds = ["final_active_share <= 1", "final_aware_share > 2"]
"""


def test_ratio_and_plausible_targets_run(tmp_path, capsys):
    """Plans a and b of a ratio share their seeds (the same plan gives exactly 1);
    a plausible target fails when one condition fails and reports the means it used."""
    path = tmp_path / "t.toml"
    path.write_text(EFFECT_KINDS)
    code, out, _ = _calibrate(capsys, "--targets", str(path), "--json")
    by_id = {t["id"]: t for t in json.loads(out)["targets"]}
    assert code == 1
    assert by_id["same_plan_ratio"]["model"] == 1.0 and by_id["same_plan_ratio"]["pass"]
    sizes = by_id["sizes"]
    assert set(sizes["model"]) == {"final_active_share", "final_aware_share"}
    assert sizes["value"] == ["final_active_share <= 1", "final_aware_share > 2"]
    assert not sizes["pass"]


def test_ratio_evaluation_uses_range_or_tolerance(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(EFFECT_KINDS)
    ratio = load_targets(path)[0]
    per_run = [[0.2, 0.5], [0.2, 0.3], [float("nan"), 1.0]]  # NaN run left out: 0.4/0.2
    assert evaluate(ratio, per_run).model == pytest.approx(2.0)
    assert not evaluate(ratio, per_run).passed
    wide = replace(ratio, spec=ratio.spec.model_copy(update={"range": [1.5, 2.5]}))
    assert evaluate(wide, per_run).passed
    tol = replace(
        ratio, value=2.1, spec=ratio.spec.model_copy(update={"range": None}), tolerance=0.05
    )
    assert not evaluate(tol, per_run).passed
    assert evaluate(replace(tol, tolerance=0.1), per_run).passed


def test_bad_plausible_expression_exits_2(tmp_path, capsys):
    path = tmp_path / "t.toml"
    path.write_text(EFFECT_KINDS.replace('"final_aware_share > 2"', '"final_happiness > 2"'))
    code, out, err = _calibrate(capsys, "--targets", str(path))
    assert code == 2 and "target 'sizes'.holds.1" in err and "final_happiness" in err


TECH = '[[parameter]]\nkey = "tool.usefulness"\nbounds = [0.3, 0.9]\n'
VARIANCE = """
[[target]]
id = "v"
scenario = "typical_sme"
set = { "organisation.employees" = 30, "weeks" = 8 }
kind = "variance_share"
field = "final_mean_attitude"
samples = 4
people = [{ key = "strategy.champions.count", bounds = [0, 6] }]
technology = "tech.toml"
value = 0.5
tolerance = 0.5
"""


def test_variance_share_target_runs_a_sobol_design(tmp_path, capsys):
    """people / (people + technology) total-order indices over N(D+2) design points; the
    technology side is a problem file next to the targets file."""
    (tmp_path / "tech.toml").write_text(TECH)
    path = tmp_path / "t.toml"
    path.write_text(VARIANCE)
    (target,) = load_targets(path)
    assert [p.key for p in target.problem.parameters] == [
        "strategy.champions.count",
        "tool.usefulness",
    ]
    assert target.total_runs == 4 * (2 + 2)
    code, out, _ = _calibrate(capsys, "--targets", str(path), "--json", "--workers", "1")
    (result,) = json.loads(out)["targets"]
    assert code == 0 and result["pass"] and 0.0 <= result["model"] <= 1.0


def test_people_versus_technology_counts_culture_on_the_people_side():
    """The target names "the change programme's levers and the organisation's culture"
    as people: culture is a factor of the design, drawn in the SME mix, and it replaces
    the culture of each base row's firm."""
    from experiments.sensitivity import points_of
    from model.population import CULTURE_MIX

    (t,) = [t for t in load_targets() if t.id == "people_versus_technology"]
    sides = dict(zip((p.key for p in t.problem.parameters), t.problem.extra["sides"], strict=True))
    assert sides["organisation.culture"] == "people" and sides["tool.usefulness"] == "technology"
    (culture,) = [p for p in t.problem.parameters if p.key == "organisation.culture"]
    assert culture.kind == "level" and culture.weights == tuple(CULTURE_MIX[c] for c in CULTURES)
    X = np.full((1, len(t.problem.parameters)), 0.99)
    (point,) = points_of(t.problem, X)
    assert point["organisation.culture"] == "hierarchy"


def test_variance_share_takes_inline_levels(tmp_path, capsys):
    (tmp_path / "tech.toml").write_text(TECH)
    path = tmp_path / "t.toml"
    culture = '{ key = "organisation.culture", levels = ["harmony", "hierarchy"] }'
    path.write_text(VARIANCE.replace("bounds = [0, 6] }]", f"bounds = [0, 6] }}, {culture}]"))
    (target,) = load_targets(path)
    assert [p.kind for p in target.problem.parameters] == ["int", "level", "float"]
    bad = VARIANCE.replace(
        "bounds = [0, 6] }]", f"bounds = [0, 6] }}, {culture[:-1]}, bounds = [0, 1] }}]"
    )
    path.write_text(bad)
    code, out, err = _calibrate(capsys, "--targets", str(path))
    assert code == 2 and "target 'v'" in err and "levels" in err and out == ""


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('"tech.toml"', '"no_such.toml"', "target 'v'.technology: no such file"),
        ("bounds = [0, 6]", "bounds = [0, -6]", "target 'v'.people.0.bounds"),
        ("strategy.champions.count", "strategy.champions.cout", "target 'v'.people.0.key"),
    ],
)
def test_variance_share_problems_exit_2(tmp_path, capsys, old, new, needle):
    (tmp_path / "tech.toml").write_text(TECH)
    path = tmp_path / "t.toml"
    path.write_text(VARIANCE.replace(old, new))
    code, out, err = _calibrate(capsys, "--targets", str(path))
    assert code == 2 and needle in err and out == ""


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("tool.usefulness", "tool.usefulnes", "parameter.0.key"),
        ("bounds = [0.3, 0.9]", "bounds = [0.3, 1.9]", "parameter.0.bounds"),
    ],
)
def test_variance_share_names_the_problem_file(tmp_path, capsys, old, new, needle):
    """A mistake inside a side's problem file is reported against that file and its
    own key path (as `adoptsim sensitivity` would name it), not the targets file."""
    (tmp_path / "tech.toml").write_text(TECH.replace(old, new))
    path = tmp_path / "t.toml"
    path.write_text(VARIANCE)
    code, out, err = _calibrate(capsys, "--targets", str(path))
    assert code == 2 and out == ""
    line = next(line for line in err.splitlines() if needle in line)
    assert "tech.toml" in line and "target 'v'" not in line


FAILED_WITH = """
[[target]]
id = "f"
scenario = "typical_sme"
set = { "organisation.employees" = 30, "weeks" = 12, "strategy.champions.count" = 2 }
runs = 6
kind = "failed_with"
barrier = "BARRIER"
value = 0.5
tolerance = 0.5
"""


@pytest.mark.parametrize("barrier", ["acceptance", "data"])
def test_failed_with_counts_the_barrier_among_failed_runs(tmp_path, capsys, barrier):
    from experiments.runner import run_seed

    path = tmp_path / "t.toml"
    path.write_text(FAILED_WITH.replace("BARRIER", barrier))
    code, out, _ = _calibrate(capsys, "--targets", str(path), "--json", "--workers", "1")
    (result,) = json.loads(out)["targets"]
    sc = load_scenario("typical_sme").with_overrides(
        {"organisation.employees": 30, "weeks": 12, "strategy.champions.count": 2}
    )
    summaries = [run(sc, seed=run_seed(sc.seed, i), counterfactual=False).summary for i in range(6)]
    failed = [s for s in summaries if not s["goal_reached"]]
    assert failed, "the scenario should miss its goal"
    expected = sum(barrier in s["barriers"] for s in failed) / len(failed)
    assert result["model"] == pytest.approx(expected)
    assert result["pass"] == (abs(expected - 0.5) <= 0.5) and code == (0 if result["pass"] else 1)


def test_fit_constraints_are_one_sided_and_keep_the_culture_order():
    """The joint fit's mechanism checks cost nothing while they hold and grow with the
    breach: five_phase's culture gap below its minimum, a culture more open than the
    one DOMAIN ranks above it."""
    from experiments import fit

    order = {"innovation": 1.0, "performance": 0.8, "harmony": 0.6, "hierarchy": 0.4}
    values = {f"culture.{c}.openness": v for c, v in order.items()}
    held = fit.constraint_residuals(fit.constraint_values(fit.GAP_MIN + 0.01, values))
    assert held == [0.0] * len(fit.CONSTRAINT_IDS)
    values["culture.harmony.openness"] = 0.9  # harmony above performance
    small, large = (
        fit.constraint_residuals(fit.constraint_values(fit.GAP_MIN - d, values))
        for d in (0.01, 0.05)
    )
    assert 0 < small[0] < large[0]
    assert small[2] == pytest.approx(0.1 / fit.ORDER_TOL) and small[1] == small[3] == 0.0


def test_the_barrier_thresholds_are_measured_from_the_failed_runs():
    """The data and technology thresholds (measurement, not mechanism) are set from the
    failed runs of their failure-cause targets, so that the share of failed runs citing
    the cause is the target's value; the joint stage leaves those targets out."""
    from experiments import fit
    from experiments.runner import run_seed

    small = {"organisation.employees": 25, "weeks": 20}
    targets = [
        replace(t, runs=40, overrides={**t.overrides, **small})
        for t in load_targets()
        if t.id in ("failure_data", "failure_technology")
    ]
    f = fit.Fit(targets, seed=3, workers=1, scale=1.0)
    assert f.loss_ids == []
    f.stage_barriers()
    summaries = []
    for i in range(40):
        ss = run_seed(3, i)
        sc = run_scenario(targets[0], load_scenario("typical_sme"), ss)
        sc = sc.with_overrides({f"parameters.{k}": v for k, v in f.values.items()})
        summaries.append(run(sc, seed=ss, counterfactual=False).summary)
    failed = [s for s in summaries if not s["goal_reached"]]
    assert len(failed) >= 10
    for t in targets:
        barrier = t.spec.barrier
        share = sum(barrier in s["barriers"] for s in failed) / len(failed)
        assert share == pytest.approx(round(t.value * len(failed)) / len(failed))


def test_a_population_sobol_design_draws_a_firm_per_base_row():
    """With population = "sme", each Saltelli block (A, the d AB points, B) is one firm
    of the population, so the people/technology share averages over firms instead of
    describing the one firm that the shared run seed would draw; the target's
    overrides, then the point's values, lie on top of the firm."""
    from experiments.calibrate import firm_per_base_row

    base = load_scenario("typical_sme")
    d = 2
    points = [{"tool.usefulness": round(0.3 + 0.05 * k, 2)} for k in range(3 * (d + 2))]
    out = firm_per_base_row(points, base, {"organisation.culture": "hierarchy"}, d, seed=5)
    scenarios = [base.with_overrides(p) for p in out]
    orgs = [sc.organisation.model_dump() for sc in scenarios]
    blocks = [orgs[k * (d + 2) : (k + 1) * (d + 2)] for k in range(3)]
    assert all(all(o == b[0] for o in b) for b in blocks)  # one firm per block
    assert blocks[0][0] != blocks[1][0] != blocks[2][0]  # a new firm per block
    assert all(sc.organisation.culture == "hierarchy" for sc in scenarios)
    assert [sc.tool.usefulness for sc in scenarios] == [p["tool.usefulness"] for p in points]
    again = firm_per_base_row(points, base, {"organisation.culture": "hierarchy"}, d, seed=5)
    assert again == out  # reproducible
    with pytest.raises(ValueError, match="blocks"):
        firm_per_base_row(points[:-1], base, {}, d, seed=5)


def test_the_median_week_of_an_event_counts_runs_that_never_reach_it_as_later():
    """Runs that end before use settles are censored, not dropped: dropping them would
    report the median of the fast runs only."""
    t = _t(kind="run_median", field="stable_use_week", value=30.0, tolerance=4.0)
    weeks = [20.0, 25.0, 30.0, None, None]
    assert evaluate(t, weeks).model == 30.0  # dropping the two would give 25
    late = evaluate(t, [20.0, None, None])
    assert late.model == np.inf and not late.passed
    other = _t(kind="run_median", field="benefits_realised", value=0.5, tolerance=0.1)
    assert evaluate(other, [0.4, 0.5, None, None]).model == 0.45  # no event: left out
