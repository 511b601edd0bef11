"""Issue 13: provenance in manifests and `run --out/--json`, the sampler seed separate
from the run seed, honest Sobol noise (a warning with --runs 1, a noise estimate with
replicates)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from test_cli_basic import cli

import model
from experiments.provenance import scenario_hash
from model import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--set", "organisation.employees=30", "--set", "weeks=10"]


def head_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return None


def check_environment(obj: dict) -> None:
    assert obj["package_version"] == model.__version__ == "0.8.0"
    v = obj["versions"]
    for name in ("python", "numpy", "scipy", "pandas", "SALib", "mesa"):
        assert isinstance(v[name], str) and v[name][0].isdigit(), name
    if (ROOT / ".git").exists():
        assert obj["git_commit"] == head_commit()
        assert isinstance(obj["git_dirty"], bool)


def test_package_version_is_the_same_everywhere():
    import tomllib
    from importlib import metadata

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == model.__version__ == metadata.version("adoptsim")


def test_scenario_hash_is_stable_and_sensitive():
    a = load_scenario("five_phase")
    assert scenario_hash(a) == scenario_hash(load_scenario("five_phase"))
    assert scenario_hash(a) == scenario_hash(a.model_dump(mode="json", exclude_none=True))
    assert scenario_hash(a) != scenario_hash(a.with_overrides({"strategy.champions.count": 1}))
    assert len(scenario_hash(a)) == 64


def test_ensemble_manifest_records_provenance(tmp_path, capsys):
    out = tmp_path / "ens"
    code, _, err = cli(capsys, "ensemble", "five_phase", "--runs", "2", *SMALL,
                       "--seed", "4", "--out", str(out), "--no-change-roi", "--json")  # fmt: skip
    assert code == 0, err
    man = json.loads((out / "manifest.json").read_text())
    check_environment(man)
    sc = load_scenario("five_phase", {"organisation.employees": 30, "weeks": 10})
    assert man["scenario_hash"] == scenario_hash(sc)
    assert man["base_seed"] == 4 and man["sampler_seed"] is None
    assert "ensemble" in man["argv"]


def test_run_out_writes_a_sidecar_and_json_carries_provenance(tmp_path, capsys):
    weekly = tmp_path / "w.csv"
    code, out, err = cli(capsys, "run", "five_phase", *SMALL, "--seed", "7",
                         "--out", str(weekly), "--json")  # fmt: skip
    assert code == 0, err
    printed = json.loads(out)
    side = json.loads((tmp_path / "w.csv.json").read_text())
    for prov in (printed["provenance"], side):
        check_environment(prov)
        assert prov["scenario_name"] == "five_phase" and prov["seed"] == 7
        assert prov["scenario"]["organisation"]["employees"] == 30
        sc = load_scenario(prov["scenario"])
        assert prov["scenario_hash"] == scenario_hash(sc)
    assert side["summary"]["final_active_share"] == printed["final_active_share"]
    # the sidecar reproduces the weekly table
    again = model.run(load_scenario(side["scenario"]), seed=side["seed"])
    pd.testing.assert_frame_equal(
        pd.read_csv(weekly), pd.read_csv(_csv(again.weekly, tmp_path)), check_dtype=False
    )


def _csv(df: pd.DataFrame, tmp_path: Path) -> Path:
    from experiments.output import write_table

    path = tmp_path / "again.csv"
    write_table(df, path)
    return path


# --------------------------------------------------------------------------- Sobol noise

NOISY = """
outputs = ["final_active_share"]
[[parameter]]
key = "organisation.employees"
bounds = [20, 60]
[[parameter]]
key = "strategy.champions.count"
bounds = [0, 6]
[[parameter]]
key = "tool.usefulness"
bounds = [0.3, 0.9]
"""
QUIET = """
outputs = ["final_mean_attitude"]
[[parameter]]
key = "tool.usefulness"
bounds = [0.2, 0.9]
[[parameter]]
key = "budget.total_eur"
bounds = [10000, 60000]
"""
SOBOL = ["--samples", "8", "--set", "weeks=20", "--set", "organisation.employees=40"]


def sobol(capsys, tmp_path, text: str, *extra: str) -> tuple[dict, str]:
    problem = tmp_path / "problem.toml"
    problem.write_text(text)
    code, out, err = cli(capsys, "sensitivity", "five_phase", "--problem", str(problem),
                         *SOBOL, *extra, "--json")  # fmt: skip
    assert code == 0, err
    return json.loads(out), err


def test_runs_1_warns_that_seed_noise_is_credited_to_parameters(capsys, tmp_path):
    res, err = sobol(capsys, tmp_path, NOISY, "--runs", "1")
    assert "seed noise is credited to the parameters" in err
    assert res["seed_noise"]["warning"] and res["seed_noise"]["replicates"] == 1


def test_replicates_give_a_noise_estimate_and_name_noisy_parameters(capsys, tmp_path):
    res, err = sobol(capsys, tmp_path, NOISY, "--runs", "3")
    noise = res["seed_noise"]["noise"]["final_active_share"]
    assert set(noise) == {"organisation.employees", "strategy.champions.count", "tool.usefulness"}
    assert all(v is not None and v >= 0 for v in noise.values())
    assert "organisation.employees" in res["seed_noise"]["noisy"]["final_active_share"]
    assert "seed noise" in err and "organisation.employees" in err
    table = res["indices"]["final_active_share"]
    assert table["organisation.employees"]["seed_noise"] == pytest.approx(
        noise["organisation.employees"]
    )


def test_no_warning_with_enough_replicates_on_a_quiet_design(capsys, tmp_path):
    res, err = sobol(
        capsys, tmp_path, QUIET, "--runs", "3", "--samples", "16", "--ci-target", "0.5"
    )
    assert res["seed_noise"]["warning"] is None and "warning" not in err
    assert 0 < max(res["seed_noise"]["noise"]["final_mean_attitude"].values()) < 0.5


def test_seed_changes_run_seeds_only_sampler_seed_changes_the_design(capsys, tmp_path):
    def design(*extra):
        out = tmp_path / "-".join(extra)
        res, _ = sobol(capsys, tmp_path, QUIET, "--runs", "1", "--out", str(out), *extra)
        man = json.loads((out / "manifest.json").read_text())
        return man, pd.read_csv(out / "design.csv"), res

    m1, d1, r1 = design("--seed", "1")
    m2, d2, r2 = design("--seed", "2")
    m3, d3, r3 = design("--seed", "1", "--sampler-seed", "9")
    pd.testing.assert_frame_equal(d1.iloc[:, :3], d2.iloc[:, :3])  # same design
    assert not d1.iloc[:, 1:3].equals(d3.iloc[:, 1:3])
    assert m1["sampler_seed"] == m2["sampler_seed"] == 1 and m3["sampler_seed"] == 9
    assert (m1["base_seed"], m2["base_seed"], m3["base_seed"]) == (1, 2, 1)
    assert r1["sampler_seed"] == 1 and r2["base_seed"] == 2
    assert m1["design"]["sampler_seed"] == 1
    check_environment(m1)


# --------------------------------------------------------------------------- reproduce

COUNT = """[[parameter]]
key = "strategy.champions.count"
bounds = [0, 5]
"""
REPRO = {
    "ensemble": ["ensemble", "five_phase", "--runs", "3"],
    "compare": ["compare", "five_phase", "big_bang", "--runs", "2"],
    "sweep": ["sweep", "five_phase", "--param", "strategy.champions.count=0,3", "--runs", "2"],
    "sensitivity": ["sensitivity", "five_phase", "--samples", "4", "--runs", "2"],
    "discover": ["discover", "typical_sme", "--samples", "12", "--goal", "roi<0"],
}


@pytest.mark.parametrize("command", list(REPRO))
def test_manifest_reproduces_the_stored_runs_exactly(command, capsys, tmp_path):
    from experiments.batch import reproduce
    from experiments.store import ResultStore

    argv = list(REPRO[command])
    if command in ("sensitivity", "discover"):
        problem = tmp_path / "p.toml"
        problem.write_text(QUIET + COUNT)
        argv += ["--problem", str(problem)]
    if command == "ensemble":
        argv += ["--population", "sme"]
    out = tmp_path / "out"
    code, _, err = cli(capsys, *argv, *SMALL, "--seed", "3", "--out", str(out), "--json")
    assert code == 0, err
    stored = ResultStore(out).frame()
    again = reproduce(out, workers=2)
    assert len(again) == len(stored) > 0
    pd.testing.assert_frame_equal(again[stored.columns], stored, check_dtype=False)


def test_noise_estimate_with_second_order_and_morris(capsys, tmp_path):
    res, _ = sobol(capsys, tmp_path, QUIET, "--runs", "2", "--second-order")
    assert res["seed_noise"]["noise"]["final_mean_attitude"]
    res, _ = sobol(capsys, tmp_path, QUIET, "--runs", "2", "--method", "morris")
    noise = res["seed_noise"]["noise"]["final_mean_attitude"]
    assert set(noise) == {"tool.usefulness", "budget.total_eur"}
    assert "seed_noise" in res["indices"]["final_mean_attitude"]["tool.usefulness"]
