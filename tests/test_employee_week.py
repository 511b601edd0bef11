"""The compiled week (model/processes/employee_week.py) is the per-process functions in
order, bit for bit; values kept per plan follow live decisions; the communication
schedule is the documented rule; a batch's run needs no weekly DataFrame; each load of
a preset is its own object."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from model import load_scenario, run
from model.engine import Simulation
from model.jit import matvec, matvecs
from model.levers import anticipation
from model.metrics import summarise
from model.processes import support
from model.processes.adoption import (
    delivered,
    effective_reliability,
    experience,
    experienced_value,
    hours_freed,
    managers_using,
    transitions,
    try_tool,
    word_of_mouth,
)
from model.processes.communication import grapevine_and_rumours
from model.processes.employee_week import employee_week, end_of_week, learn_and_hear
from model.processes.influence import influence
from model.processes.training import practice_and_decay, tire
from model.programme import message_weeks
from model.run import simulate
from model.scenario import Communication
from model.state import ACTIVE, TRIAL, clip_unit

ARRAYS = (
    "aware", "understand", "knows_benefit", "benefit", "concerns", "trust", "attitude",
    "competence", "stage", "weeks_in_stage", "informed", "habit", "value", "hours_freed",
    "relief", "ever_user", "fatigue", "exposure", "receptivity",
)  # fmt: skip


def mid_run(preset: str, weeks: int, seed: int = 3) -> Simulation:
    """A simulation stopped after `weeks` weeks (levers have acted, tool in use)."""
    sim = Simulation(load_scenario(preset), seed=seed)
    for _ in range(weeks):
        sim.step()
    return sim


def assert_same_state(a: Simulation, b: Simulation) -> None:
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a.state, name), getattr(b.state, name), name)
    assert a.prog.served == b.prog.served
    assert a.rng.random() == b.rng.random()  # the same draws were taken


def by_process(sim: Simulation, using: np.ndarray, using_share: np.ndarray) -> None:
    """The week after the levers' responses, one process function after the other."""
    st, p, cp, prog, sc, wf = sim.state, sim.p, sim.cp, sim.prog, sim.scenario, sim.wf
    influence(st, sim.w_influence, sim.lam, p)
    c = support.support_coeffs(wf.n, sim.plan.champions.time_share, prog.trainer_hours, p)
    prog.served = support.served(st.stage, wf.is_target, st.competence, st.champion, c)
    delivery = delivered(sc.tool, p, prog.integration)
    st.value = value = experienced_value(st, sc.tool, delivery, prog.friction, prog.served, p, cp)
    leaders = managers_using(wf.role, wf.department, sim.n_departments, using)
    eligible = wf.is_target & st.access
    count = matvec(sim.adj, using)
    try_tool(st, eligible, using_share, count, leaders, prog.integrated, p, cp, sim.rng)
    habit_boost = (p.habit_integration if prog.integrated else 0.0) + (
        p.anchoring.community_habit if prog.community else 0.0
    )
    quit_now = transitions(st, value, habit_boost, p, cp, sim.rng)
    st.hours_freed = hours_freed(st, wf.is_target, sc.tool, p, prog.integration)
    experience(st, effective_reliability(sc.tool, p), value, p, st.hours_freed)
    word_of_mouth(st, sim.w_plain, quit_now, p, cp)


@pytest.mark.parametrize(
    ("preset", "weeks"),
    [("five_phase", 0), ("five_phase", 20), ("big_bang", 30), ("typical_sme", 40)],
)
def test_employee_week_is_the_process_functions_in_order(preset, weeks):
    sim = mid_run(preset, weeks)
    st = sim.state
    using = ((st.stage == TRIAL) | (st.stage == ACTIVE)).astype(float)
    using_share = matvecs(sim.w_plain, using)[0]
    fused, chained = copy.deepcopy(sim), copy.deepcopy(sim)
    employee_week(fused, using, using_share)
    by_process(chained, using, using_share)
    assert_same_state(fused, chained)


@pytest.mark.parametrize(("preset", "weeks"), [("five_phase", 5), ("pilot_first", 25)])
def test_learn_and_hear_and_end_of_week_are_the_process_functions(preset, weeks):
    sim = mid_run(preset, weeks)
    fused, chained = copy.deepcopy(sim), copy.deepcopy(sim)
    using, share = learn_and_hear(fused, anticipation.rumour_factor(fused))
    st, p = chained.state, chained.p
    expect_using = ((st.stage == TRIAL) | (st.stage == ACTIVE)).astype(float)
    expect_share, peer_skill, spread = matvecs(
        chained.w_plain, expect_using, st.competence * expect_using, st.aware
    )
    practice_and_decay(st, chained.ceiling, p, chained.prog.community, peer_skill, expect_share)
    grapevine_and_rumours(st, spread, expect_share, p, anticipation.rumour_factor(chained))
    np.testing.assert_array_equal(using, expect_using)
    np.testing.assert_array_equal(share, expect_share)
    end_of_week(fused)
    tire(st, p)
    clip_unit(st.aware, st.understand, st.knows_benefit, st.benefit, st.trust, st.competence)
    clip_unit(st.concerns)
    assert_same_state(fused, chained)


def test_per_plan_values_last_until_a_live_decision_changes_the_plan():
    sim = mid_run("typical_sme", 3)
    calls = []

    def plan_has_board(s: Simulation) -> bool:
        calls.append(s.week)
        return s.plan.resistance.concern_board

    assert sim.per_plan("board", plan_has_board) is False
    sim.step()
    assert sim.per_plan("board", plan_has_board) is False
    assert calls == [3]  # worked out once for the plan
    sim.apply("concern_board")
    assert sim.per_plan("board", plan_has_board) is True
    assert calls == [3, 4]
    assert sim.per_plan("other key", lambda s: 7) == 7


def test_a_live_decision_books_the_cost_of_the_new_plan():
    """The concern board's weekly cost, kept per plan, is booked once the board opens."""
    sim = mid_run("typical_sme", 10)
    sim.apply("concern_board")
    before = sim.ledger.costs.get("resistance", 0.0)
    sim.step()
    assert sim.ledger.costs["resistance"] > before


def _sends(c: Communication, week: int) -> bool:
    """The schedule rule, written out week by week: from the start week, every
    `every_weeks` weeks up to the end week; once when `every_weeks` is 0."""
    start = max(c.start_week, 1)
    if week < start or (c.end_week is not None and week > max(c.end_week, 1)):
        return False
    return week == start if c.every_weeks == 0 else (week - start) % c.every_weeks == 0


@given(
    start=hs.integers(0, 60),
    every=hs.integers(0, 20),
    length=hs.none() | hs.integers(0, 60),
)
def test_message_weeks_follow_the_schedule_rule(start, every, length):
    end = None if length is None else start + length
    c = Communication(
        audience="all", channel="email", framing="technical", start_week=start,
        every_weeks=every, end_week=end,
    )  # fmt: skip
    weeks = message_weeks(c)
    assert [w for w in range(0, 130) if w in weeks] == [w for w in range(0, 130) if _sends(c, w)]


def test_summary_from_columns_equals_summary_from_the_dataframe():
    sim = mid_run("five_phase", 52, seed=11)
    columns = sim.recorder.columns(52)
    frame = sim.recorder.weekly(52)
    assert summarise(sim, columns) == summarise(sim, frame)
    assert list(frame.columns) == list(columns)


def test_batches_get_the_runs_columns_and_summary_without_a_dataframe():
    sc = load_scenario("pilot_first")
    res = run(sc, seed=4)
    sim, columns, summary = simulate(sc, 4, {0, sc.weeks}, counterfactual=True)
    assert summary == res.summary
    assert all(isinstance(v, np.ndarray | list) for v in columns.values())
    pd.testing.assert_frame_equal(res.weekly, sim.recorder.weekly(sc.weeks))
    assert dataclasses.replace(res, summary={}).weekly is res.weekly  # still a dataclass


def test_each_load_of_a_preset_is_its_own_object(tmp_path):
    first = load_scenario("five_phase")
    first.strategy.training.formats["practice"] = 99.0  # frozen model, mutable table
    assert load_scenario("five_phase").strategy.training.formats.get("practice") != 99.0
    path = tmp_path / "plan.toml"
    path.write_text('name = "t"\nweeks = 30\n')
    assert load_scenario(str(path)).weeks == 30
    path.write_text('name = "t"\nweeks = 40\n')
    assert load_scenario(str(path)).weeks == 40  # a changed file is read again
