"""Each weekly process on its own (model/processes/*.py), on a sampled workforce's state."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import scipy.sparse as sp

from model import load_scenario
from model.engine import Simulation
from model.network import erdos_renyi, ring_lattice
from model.parameters import CultureParams, Parameters
from model.processes import limiting
from model.processes.adoption import delivered, experienced_value, transitions, try_tool
from model.processes.communication import deliver, grapevine_and_rumours, transparency_update
from model.processes.concerns import aggravate, relieve
from model.processes.influence import (
    fj_fixed_point,
    fj_step,
    influence,
    influence_matrix,
    own_assessment,
    susceptibility,
)
from model.processes.training import practice_and_decay, practice_ceiling, train
from model.programme import FORMATS, mean_retention
from model.scenario import Bass, Tool
from model.state import ACTIVE, LAPSED, NON_USER, OVERLOAD, TRIAL

P = Parameters()
CP = CultureParams()
ALL_LEAD = 1.0  # every manager uses the tool (no deference brake)
CEILING = 0.9  # a practice ceiling above every test's starting competence


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def everyone(state) -> np.ndarray:
    return np.ones(state.aware.size, dtype=bool)


def _copy(state):
    """An independent copy of a State (arrays and caches)."""
    return copy.deepcopy(state)


# --------------------------------------------------------------------------- communication


def test_message_raises_awareness_understanding_and_benefit_of_the_reached(state):
    before = {
        k: getattr(state, k).copy() for k in ("aware", "understand", "knows_benefit", "benefit")
    }
    reached = deliver(state, everyone(state), "team_workshop", "benefits", P, rng())
    assert 0.7 < reached.mean() < 1.0  # team workshop reach 0.9
    for k, old in before.items():
        new = getattr(state, k)
        assert np.all(new[reached] > old[reached]), k
        assert np.array_equal(new[~reached], old[~reached]), k
    assert np.all(state.aware <= 1.0)
    assert np.all(state.informed[reached] == 1.0) and np.all(state.informed[~reached] == 0.0)


def test_message_reaches_only_its_audience(state):
    audience = np.arange(state.aware.size) % 2 == 0
    reached = deliver(state, audience, "hands_on", "technical", P, rng())
    assert not reached[~audience].any()
    assert np.all(state.aware[~audience] == 0.0)


def test_deeper_channels_teach_more(state):
    shallow, deep = _copy(state), _copy(state)
    a = deliver(shallow, everyone(state), "email", "technical", P, rng(1))
    b = deliver(deep, everyone(state), "hands_on", "technical", P, rng(1))
    both = a & b
    assert both.any()
    assert np.all(deep.understand[both] > shallow.understand[both])


def test_storytelling_persuades_more_than_technical_talk(state):
    story, tech = _copy(state), _copy(state)
    a = deliver(story, everyone(state), "video", "storytelling", P, rng(3))
    b = deliver(tech, everyone(state), "video", "technical", P, rng(3))
    assert np.array_equal(a, b)  # same reach
    gain_story = story.benefit - state.benefit
    gain_tech = tech.benefit - state.benefit
    assert np.all(gain_story[a] > gain_tech[a])
    assert gain_story.mean() > 2 * gain_tech.mean()
    # stories also ease concerns; technical explanations do not
    assert story.concerns[:, a].sum() < state.concerns[:, a].sum()
    assert np.array_equal(tech.concerns, state.concerns)
    # technical talk teaches the mechanics better
    assert np.all(tech.understand[a] > story.understand[a])


def test_transparency_update_informs_and_relieves(state):
    state.concerns[:] = np.maximum(state.concerns, 0.6)  # above the relief floor
    before = state.concerns.copy()
    reached = transparency_update(state, P, rng(4))
    assert 0.7 < reached.mean() < 0.9
    assert np.all(state.concerns[:, reached] < before[:, reached])
    assert np.array_equal(state.concerns[:, ~reached], before[:, ~reached])
    assert np.all(state.informed[reached] == 1.0)


def test_information_vacuum_feeds_concerns_and_anticipation_halves_the_rate(state):
    state.aware[:] = 1.0
    no_spread = np.zeros(state.aware.size)
    plain, anticipated, informed = _copy(state), _copy(state), _copy(state)
    informed.informed[:] = 1.0
    grapevine_and_rumours(plain, no_spread, no_spread, P)
    grapevine_and_rumours(anticipated, no_spread, no_spread, P, P.anticipation.rumour_factor)
    grapevine_and_rumours(informed, no_spread, no_spread, P)
    rise = plain.concerns - state.concerns
    rise_anticipated = anticipated.concerns - state.concerns
    assert np.all(rise > 0)
    np.testing.assert_allclose(rise_anticipated, 0.5 * rise, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(informed.concerns, state.concerns)  # no vacuum
    np.testing.assert_allclose(informed.informed, P.info_decay)  # information goes stale


def test_unaware_staff_hear_no_rumours_but_the_grapevine_makes_them_aware(state):
    before = state.concerns.copy()
    none = np.zeros(state.aware.size)
    grapevine_and_rumours(state, none, none, P)
    np.testing.assert_array_equal(state.concerns, before)
    grapevine_and_rumours(state, np.ones(state.aware.size), none, P)
    assert np.all(state.aware > 0)


def test_seeing_colleagues_use_the_tool_makes_people_aware(state):
    none = np.zeros(state.aware.size)
    grapevine_and_rumours(state, none, np.ones(state.aware.size), P)
    np.testing.assert_allclose(state.aware, P.observation)


def test_concerns_move_within_their_band(state):
    c0 = state.concerns0
    for _ in range(200):
        relieve(state, 0.5, P)
    np.testing.assert_allclose(state.concerns, P.concern_floor * c0, atol=1e-9)
    for _ in range(400):
        aggravate(state, 0.5, P)
    np.testing.assert_allclose(state.concerns, c0 + P.concern_ceiling * (1 - c0), atol=1e-9)


# --------------------------------------------------------------------------- training


def test_retention_table_follows_the_learning_pyramid():
    r = {f: FORMATS[f][0] for f in FORMATS}
    assert r["lecture"] < r["manual"] < r["demo"] < r["practice"] < r["peer_teaching"]
    assert 0.05 <= r["lecture"] <= 0.10 and 0.85 <= r["peer_teaching"] <= 0.90


def test_more_effective_hours_raise_competence_more_and_ease_overload(state):
    low, high = _copy(state), _copy(state)
    hours = np.full(state.aware.size, 4.0)
    train(low, hours * FORMATS["lecture"][0], P)
    train(high, hours * FORMATS["practice"][0], P)
    assert np.all(low.competence > state.competence)
    assert np.all(high.competence > low.competence)
    above_floor = state.concerns[OVERLOAD] > P.concern_floor * state.concerns0[OVERLOAD] + 1e-9
    assert np.all(high.concerns[OVERLOAD][above_floor] < low.concerns[OVERLOAD][above_floor])
    assert np.all(high.aware >= 0.9) and np.all(high.informed == 1.0)


def test_generic_courses_stop_below_the_ceiling_role_specific_modules_reach(state):
    generic, specific = _copy(state), _copy(state)
    for _ in range(20):  # far more hours than any plan buys: both at their ceilings
        train(generic, np.full(state.aware.size, 10.0), P)
        train(specific, np.full(state.aware.size, 10.0), P, role_specific=True)
    low = state.competence < P.generic_ceiling * P.training_ceiling - 1e-9
    assert low.any()
    np.testing.assert_allclose(generic.competence[low], P.generic_ceiling * P.training_ceiling)
    np.testing.assert_allclose(specific.competence[low], P.training_ceiling)


def test_untrained_are_untouched(state):
    before = _copy(state)
    train(state, np.zeros(state.aware.size), P)
    for k in ("competence", "concerns", "aware", "understand", "informed"):
        np.testing.assert_array_equal(getattr(state, k), getattr(before, k))


def test_engine_training_with_higher_retention_raises_competence_more():
    """Same budget, same seed: practice beats lecture although its hour costs more. The
    budget (10%) is one where neither format reaches the training ceiling, at which both
    would end alike."""
    base = {"organisation.employees": 60, "weeks": 12, "strategy.training.budget_share": 0.1}
    out = {}
    for fmt in ("lecture", "practice"):
        sc = load_scenario("typical_sme", {**base, "strategy.training.formats": {fmt: 1.0}})
        sim = Simulation(sc, seed=1)
        end = 4 + 4  # empowerment starts in week 4 and lasts >= 4 weeks
        while sim.week < end:
            sim.step()
        t = sim.wf.is_target
        out[fmt] = sim.state.competence[t].mean()
    assert (
        mean_retention(
            load_scenario("typical_sme", {"strategy.training.formats": {"practice": 1.0}})
        )
        == FORMATS["practice"][0]
    )
    assert out["practice"] > out["lecture"] + 0.05


def _practise(state, ceiling, community: bool) -> None:
    """Practice with no colleague using the tool (no peer learning)."""
    none = np.zeros(state.aware.size)
    practice_and_decay(state, ceiling, P, community, none, none)


def test_colleagues_who_use_the_tool_show_how(state):
    """Peer learning: a user whose using colleagues are more competent learns more, one
    whose colleagues know less learns nothing from them; non-users learn nothing."""
    n = state.aware.size
    state.competence[:] = 0.2
    state.stage[:] = np.where(np.arange(n) % 2 == 0, ACTIVE, NON_USER)
    alone, shown = _copy(state), _copy(state)
    share = np.full(n, 0.5)
    _practise(alone, CEILING, community=False)
    practice_and_decay(shown, CEILING, P, False, 0.5 * np.full(n, 0.6), share)
    users = state.stage == ACTIVE
    gap = 0.5 * 0.6 - 0.5 * 0.2
    np.testing.assert_allclose(
        shown.competence[users] - alone.competence[users], P.peer_learning * gap
    )
    np.testing.assert_array_equal(shown.competence[~users], alone.competence[~users])
    weaker = _copy(state)
    practice_and_decay(weaker, CEILING, P, False, 0.5 * np.full(n, 0.1), share)
    np.testing.assert_array_equal(weaker.competence, alone.competence)


def test_practice_raises_competence_and_decay_lowers_it_for_non_users(state):
    n = state.aware.size
    state.competence[:] = 0.5
    stage = np.array([NON_USER, TRIAL, ACTIVE, LAPSED])[np.arange(n) % 4]
    state.stage[:] = stage
    _practise(state, CEILING, community=False)
    c = state.competence
    assert np.all(c[stage == ACTIVE] > c[stage == TRIAL])
    assert np.all(c[stage == TRIAL] > 0.5)
    assert np.all(c[stage == NON_USER] < 0.5) and np.all(c[stage == LAPSED] < 0.5)
    np.testing.assert_allclose(c[stage == NON_USER], 0.5 * (1 - P.competence_decay))
    np.testing.assert_allclose(c[stage == ACTIVE], 0.5 + P.practice_rate * (0.9 - 0.5))


def test_practice_alone_stops_at_the_personal_ceiling(state, workforce):
    state.stage[:] = ACTIVE
    ceiling = practice_ceiling(workforce.affinity, P)
    for _ in range(300):
        _practise(state, ceiling, community=True)
    assert np.all(state.competence <= np.maximum(ceiling, 0.3 * workforce.affinity) + 1e-9)
    assert ceiling.max() < 0.85  # expert level needs more than practice


def test_users_gain_understanding_by_practice(state):
    n = state.aware.size
    state.understand[:] = 0.2
    stage = np.array([NON_USER, TRIAL, ACTIVE, LAPSED])[np.arange(n) % 4]
    state.stage[:] = stage
    _practise(state, CEILING, community=False)
    u = state.understand
    assert np.all(u[stage == ACTIVE] > u[stage == TRIAL]) and np.all(u[stage == TRIAL] > 0.2)
    np.testing.assert_array_equal(u[(stage == NON_USER) | (stage == LAPSED)], 0.2)


def test_community_of_practice_and_support_speed_up_learning(state):
    state.stage[:] = ACTIVE
    state.competence[:] = 0.2
    plain, community, supported = _copy(state), _copy(state), _copy(state)
    supported.support[:] = 1.0
    _practise(plain, CEILING, community=False)
    _practise(community, CEILING, community=True)
    _practise(supported, CEILING, community=False)
    assert np.all(community.competence > plain.competence)
    assert np.all(supported.competence > plain.competence)


# --------------------------------------------------------------------------- influence


@pytest.fixture
def w_random():
    adj = erdos_renyi(300, 6.0, rng(5))
    weight = rng(6).uniform(0.5, 3.0, 300)
    return influence_matrix(adj, weight), adj


def test_influence_matrix_is_row_stochastic_over_neighbours(w_random):
    w, adj = w_random
    np.testing.assert_allclose(np.asarray(w.sum(axis=1)).ravel(), 1.0, atol=1e-12)
    isolated = np.diff(adj.indptr) == 0
    assert np.all(w.diagonal()[isolated] == 1.0)
    assert np.all(w.diagonal()[~isolated] == 0.0)
    assert ((w > 0) != ((adj + sp.diags(isolated.astype(float))) > 0)).nnz == 0


def test_influence_matrix_weighs_heavier_neighbours_more():
    adj = ring_lattice(5, 2)  # node 0 sees 1 and 4
    w = influence_matrix(adj, np.array([1.0, 3.0, 1.0, 1.0, 1.0]))
    assert w[0, 1] == pytest.approx(0.75) and w[0, 4] == pytest.approx(0.25)


def test_fj_step_limits(w_random):
    w, _ = w_random
    x = rng(7).uniform(-1, 1, 300)
    anchor = rng(8).uniform(-1, 1, 300)
    np.testing.assert_allclose(fj_step(x, anchor, w, np.zeros(300)), anchor)
    np.testing.assert_allclose(fj_step(x, anchor, w, np.ones(300)), w @ x)


def test_fj_iteration_converges_to_the_fixed_point(w_random):
    w, _ = w_random
    lam = rng(9).uniform(0.0, 0.9, 300)
    anchor = rng(10).uniform(-1, 1, 300)
    x = anchor.copy()
    for _ in range(500):
        x = fj_step(x, anchor, w, lam)
    star = fj_fixed_point(anchor, w, lam)
    np.testing.assert_allclose(x, star, atol=1e-12)
    np.testing.assert_allclose(fj_step(star, anchor, w, lam), star, atol=1e-12)


def test_influence_pulls_attitudes_and_concerns_towards_neighbours(state, workforce):
    adj = ring_lattice(state.aware.size, 4)
    w = influence_matrix(adj, np.ones(state.aware.size))
    lam = susceptibility(workforce, P, CP)
    assert np.all((lam > 0) & (lam <= CP.conformity))
    # long-tenured employees are more stubborn
    assert lam[np.argmax(workforce.tenure)] < lam[np.argmin(workforce.tenure)]
    state.own[:] = 0.0
    state.attitude[:] = np.where(np.arange(state.aware.size) == 0, -1.0, 1.0)
    spread_before = np.abs(state.concerns - (w @ state.concerns.T).T).sum()
    influence(state, w, lam, P)
    assert -1.0 < state.attitude[0] < 1.0 and state.attitude[1] < 1.0
    assert np.abs(state.concerns - (w @ state.concerns.T).T).sum() < spread_before


def test_own_assessment_rises_with_benefit_and_falls_with_concerns(state):
    fixed = np.zeros(state.aware.size)
    base = own_assessment(state, fixed, P)
    state.benefit += 0.2
    better = own_assessment(state, fixed, P)
    state.concerns += 0.2
    worse = own_assessment(state, fixed, P)
    assert np.all(better > base) and np.all(worse < better)
    assert np.all(np.abs(worse) < 1.0)


# --------------------------------------------------------------------------- adoption


def _trial_inputs(state):
    n = state.aware.size
    return np.zeros(n), np.zeros(n)


def test_trial_requires_access_and_awareness(state):
    n = state.aware.size
    state.attitude[:] = 0.8
    share, count = _trial_inputs(state)
    half = np.arange(n) < n // 2
    # aware but without access: nobody
    state.aware[:] = 1.0
    assert not try_tool(state, np.zeros(n, bool), share, count, ALL_LEAD, False, P, CP, rng()).any()
    # access but unaware: nobody
    state.aware[:] = 0.0
    assert not try_tool(state, everyone(state), share, count, ALL_LEAD, False, P, CP, rng()).any()
    # aware with access (half of them): only those start, and some do
    state.aware[:] = 1.0
    starts = np.zeros(n, bool)
    for week in range(20):
        starts |= try_tool(state, half, share, count, ALL_LEAD, False, P, CP, rng(week))
    assert starts[half].mean() > 0.3 and not starts[~half].any()
    assert np.all(state.stage[starts] == TRIAL)


def test_trial_hazard_grows_with_attitude(state):
    state.aware[:] = 1.0
    share, count = _trial_inputs(state)
    keen, sceptic = _copy(state), _copy(state)
    keen.attitude[:] = 0.9
    sceptic.attitude[:] = -0.9
    a = try_tool(keen, everyone(state), share, count, ALL_LEAD, False, P, CP, rng(1))
    b = try_tool(sceptic, everyone(state), share, count, ALL_LEAD, False, P, CP, rng(1))
    assert a.sum() > b.sum() and np.all(a >= b)


def test_trial_is_a_complex_contagion(state):
    """One using neighbour adds nothing; two or more raise the hazard."""
    n = state.aware.size
    state.aware[:] = 1.0
    state.attitude[:] = 0.0
    share = np.full(n, 0.5)
    runs = {}
    for c in (0, 1, 2):
        s = _copy(state)
        runs[c] = try_tool(
            s, everyone(s), share, np.full(n, float(c)), ALL_LEAD, False, P, CP, rng(2)
        )
    assert np.array_equal(runs[0], runs[1])
    assert runs[2].sum() > runs[1].sum() and np.all(runs[2] >= runs[1])


def test_process_integration_mandate_adds_hazard_even_for_resisters(state):
    state.aware[:] = 1.0
    state.attitude[:] = -1.0  # no intent of their own
    share, count = _trial_inputs(state)
    free, mandated = _copy(state), _copy(state)
    a = try_tool(free, everyone(state), share, count, ALL_LEAD, False, P, CP, rng(3))
    b = try_tool(mandated, everyone(state), share, count, ALL_LEAD, True, P, CP, rng(3))
    assert b.sum() > a.sum() and np.all(b >= a)
    # but nobody is asked to use a tool they have not heard of
    state.aware[:] = 0.0
    assert not try_tool(state, everyone(state), share, count, ALL_LEAD, True, P, CP, rng(3)).any()


def test_deference_waits_for_the_managers(state):
    state.aware[:] = 1.0
    state.attitude[:] = 0.5
    share, count = _trial_inputs(state)
    deferent = CP.model_copy(update={"deference": 0.8})
    led, unled = _copy(state), _copy(state)
    a = try_tool(led, everyone(state), share, count, 1.0, False, P, deferent, rng(4))
    b = try_tool(unled, everyone(state), share, count, 0.0, False, P, deferent, rng(4))
    assert a.sum() > b.sum() and np.all(a >= b)


def test_high_value_activates_low_value_drops(state):
    n = state.aware.size
    high, low = _copy(state), _copy(state)
    for s in (high, low):
        s.stage[:] = TRIAL
        s.weeks_in_stage[:] = 1
    for week in range(10):
        transitions(high, np.full(n, 1.0), 0.0, P, CP, rng(week))
        transitions(low, np.full(n, -1.0), 0.0, P, CP, rng(week))
    assert (high.stage == ACTIVE).mean() > 0.9 and not (high.stage == LAPSED).any()
    assert (low.stage == LAPSED).mean() > 0.9 and not (low.stage == ACTIVE).any()


def test_a_trial_lasts_at_least_one_week(state):
    state.stage[:] = TRIAL
    state.weeks_in_stage[:] = 0
    transitions(state, np.full(state.aware.size, 5.0), 0.0, P, CP, rng())
    assert np.all(state.stage == TRIAL) and np.all(state.weeks_in_stage == 1)


def test_active_users_lapse_at_low_value_unless_habit_holds(state):
    n = state.aware.size
    loose, habitual = _copy(state), _copy(state)
    for s in (loose, habitual):
        s.stage[:] = ACTIVE
    habitual.habit[:] = 1.0
    for week in range(30):
        transitions(loose, np.full(n, -1.0), 0.0, P, CP, rng(week))
        transitions(habitual, np.full(n, -1.0), 0.0, P, CP, rng(week))
    assert (loose.stage == LAPSED).mean() > 0.5
    assert (habitual.stage == LAPSED).mean() < (loose.stage == LAPSED).mean() / 2


def test_experienced_value_rises_with_competence_reliability_and_ease(state):
    state.usefulness = np.full(state.aware.size, 0.6)
    tool = Tool()

    def value(t: Tool = tool, friction: float = 1.0, served: float = 1.0) -> np.ndarray:
        return experienced_value(state, t, delivered(t, P, 1.0), friction, served, P, CP)

    v0 = value()
    state.competence += 0.3
    v1 = value()
    assert np.all(v1 > v0)
    assert np.all(value(tool.model_copy(update={"reliability": 0.3})) < v1)
    assert np.all(value(tool.model_copy(update={"ease_of_use": 0.95})) > v1)
    assert np.all(value(friction=0.5) > v1)  # less friction
    assert np.all(value(tool.model_copy(update={"hours_saved_per_week": 0.0})) < v1)
    assert np.all(value(tool.model_copy(update={"data_quality": 0.2})) < v1)


def test_a_tool_that_saves_no_time_delivers_nothing():
    assert delivered(Tool(hours_saved_per_week=0.0), P, 1.0) == 0.0
    assert delivered(Tool(), P, 0.0) < delivered(Tool(), P, 1.0)  # before integration


# --------------------------------------------------------------------------- limiting cases


def test_bass_step_innovation_and_imitation(state):
    n = state.aware.size
    w = influence_matrix(ring_lattice(n, 4), np.ones(n))
    none = _copy(state)
    limiting.bass_step(none, w, Bass(p=0.0, q=5.0), rng())
    assert not (none.stage == ACTIVE).any()  # imitation needs adopters
    limiting.bass_step(state, w, Bass(p=1.0, q=0.0), rng())
    assert np.all(state.stage == ACTIVE)  # p = 1: everyone innovates


def test_threshold_step_is_synchronous(state):
    n = state.aware.size
    adj = ring_lattice(n, 2)
    state.stage[0] = ACTIVE
    dyn = load_scenario(
        "typical_sme", {"dynamics.mode": "threshold", "dynamics.threshold.phi": 0.5}
    ).dynamics
    limiting.threshold_step(state, adj, np.diff(adj.indptr), dyn)
    assert set(np.flatnonzero(state.stage == ACTIVE).tolist()) == {0, 1, n - 1}
