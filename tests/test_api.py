"""The Python API of DESIGN section 4: load_scenario, run, AdoptionModel (a mesa.Model)."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest
from conftest import DESIGN_SUMMARY_FIELDS, DESIGN_WEEKLY_COLUMNS

from model import AdoptionModel, RunResult, load_scenario, run
from model.agents import Employee
from model.scenario import ROLES
from model.state import STAGES


@pytest.fixture(scope="module")
def sc():
    return load_scenario("typical_sme", overrides={"strategy.champions.count": 12})


@pytest.fixture(scope="module")
def finished(sc):
    """An AdoptionModel stepped to the scenario's last week."""
    m = AdoptionModel(sc, seed=3)
    while m.running:
        m.step()
    return m


def test_design_example(sc):
    assert sc.strategy.champions.count == 12
    res = run(sc, seed=3)
    assert isinstance(res, RunResult)
    assert isinstance(res.weekly, pd.DataFrame) and len(res.weekly) == 53
    assert isinstance(res.summary, dict)
    assert set(DESIGN_SUMMARY_FIELDS) <= set(res.summary)
    assert len(res.snapshot(0)) == 120 and len(res.snapshot(52)) == 120
    m = AdoptionModel(sc, seed=3)
    assert isinstance(m, mesa.Model)
    m.step()
    assert m.week == 1
    assert len(m.agents) == 120
    assert isinstance(m.datacollector, mesa.DataCollector)


def test_model_stepped_to_the_end_equals_run(sc, finished):
    assert finished.week == sc.weeks and not finished.running
    pd.testing.assert_frame_equal(finished.weekly(), run(sc, seed=3).weekly)


def test_model_summary_equals_run_summary_without_change_roi(sc, finished):
    ours = finished.summary()
    theirs = run(sc, seed=3, counterfactual=False).summary
    assert ours.keys() == theirs.keys()
    for k, v in theirs.items():
        assert ours[k] == v or (v != v and ours[k] != ours[k]), k


def test_stepping_past_the_end_does_nothing(sc, finished):
    before = finished.weekly()
    finished.step()
    assert finished.week == sc.weeks and not finished.running
    pd.testing.assert_frame_equal(finished.weekly(), before)


def test_one_employee_agent_per_employee_viewing_the_state(finished):
    sim = finished.sim
    agents = list(finished.agents)
    assert len(agents) == sim.wf.n
    assert all(isinstance(a, Employee) for a in agents)
    assert sorted(a.index for a in agents) == list(range(sim.wf.n))
    assert len({a.unique_id for a in agents}) == len(agents)
    for a in agents:
        i = a.index
        assert a.role == ROLES[sim.wf.role[i]]
        assert a.age == sim.wf.age[i] and a.tenure == sim.wf.tenure[i]
        assert a.department == sim.wf.department[i]
        assert a.is_target_user == bool(sim.wf.is_target[i])
        assert a.attitude == sim.state.attitude[i]
        assert a.competence == sim.state.competence[i]
        assert a.trust == sim.state.trust[i]
        assert a.stage == STAGES[sim.state.stage[i]]
        assert a.is_champion == bool(sim.state.champion[i])
        assert list(a.concerns.values()) == list(sim.state.concerns[:, i])
    assert sum(a.is_champion for a in agents) == 12


def test_agents_are_live_views(sc):
    m = AdoptionModel(sc, seed=3)
    a = next(iter(m.agents))
    m.sim.state.attitude[a.index] = 0.123
    assert a.attitude == 0.123


def test_agentset_works_for_mesa_queries(finished):
    users = finished.agents.select(lambda a: a.stage in ("trial", "active"))
    stage = finished.sim.state.stage
    assert len(users) == int(np.isin(stage, (1, 2)).sum())
    by_role = finished.agents.groupby("role")
    assert sum(len(g) for _, g in by_role) == len(finished.agents)


def test_datacollector_has_the_kpi_columns(sc, finished):
    df = finished.datacollector.get_model_vars_dataframe()
    assert len(df) == sc.weeks + 1
    for col in DESIGN_WEEKLY_COLUMNS[1:]:
        assert col in df.columns, col
    weekly = finished.weekly()
    np.testing.assert_allclose(
        df["active_share"].to_numpy(float), weekly["active_share"].to_numpy(float)
    )
    assert df["phase"].tolist() == weekly["phase"].tolist()


def test_model_accepts_a_preset_name_overrides_and_default_seed():
    m = AdoptionModel("typical_sme", overrides={"organisation.employees": 30, "weeks": 4})
    assert len(m.agents) == 30
    while m.running:
        m.step()
    sc = load_scenario("typical_sme", {"organisation.employees": 30, "weeks": 4})
    pd.testing.assert_frame_equal(m.weekly(), run(sc).weekly)  # scenario seed by default


def test_run_accepts_names_overrides_weeks_and_snapshot_weeks():
    res = run(
        "typical_sme", seed=2, weeks=6, overrides={"organisation.employees": 25}, snapshots=[2]
    )
    assert len(res.weekly) == 7
    assert sorted(res.snapshots) == [0, 2, 6]
    assert len(res.snapshot(2)) == 25
    with pytest.raises(KeyError, match="no snapshot for week 3"):
        res.snapshot(3)


def test_run_seed_can_be_a_seed_sequence():
    ss = np.random.SeedSequence(5).spawn(2)
    a = run("typical_sme", seed=ss[0], weeks=5).weekly
    b = run("typical_sme", seed=np.random.SeedSequence(5).spawn(2)[0], weeks=5).weekly
    c = run("typical_sme", seed=ss[1], weeks=5).weekly
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_change_roi_only_with_counterfactual(sc):
    with_cf = run(sc, seed=3).summary
    without = run(sc, seed=3, counterfactual=False).summary
    assert with_cf["change_roi"] is not None
    assert without["change_roi"] is None
    assert with_cf["roi"] == without["roi"]
