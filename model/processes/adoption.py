"""Adoption: trial spreads as a complex contagion among target users with access; trial
becomes active use when the experienced value is high, users drop out when it is low.

Experience decides: the value of the tool as a user experiences it comes from what it
delivers (usefulness for the role, hours saved, reliability, data quality, how far it is
integrated) and how well the user can work with it (competence, support), minus friction
and held worries. Attitude colours the perceived gain but cannot create value where the
tool delivers none. Good and bad experiences travel by word of mouth.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.jit import matvecs, njit, per_employee
from model.parameters import CultureParams, Parameters
from model.processes.concerns import band
from model.scenario import Tool
from model.state import ACTIVE, EXISTENTIAL, LAPSED, NON_USER, OVERLOAD, QUALITY, TRIAL, State


def time_value(tool: Tool, p: Parameters) -> float:
    """What the hours saved are worth to a user, in [0, 1): h / (h + hours_half)."""
    h = tool.hours_saved_per_week
    return h / (h + p.hours_half)


def effective_reliability(tool: Tool, p: Parameters) -> float:
    """Reliability as users meet it: poor data makes even a sound tool err."""
    return tool.reliability * (p.data_floor + (1.0 - p.data_floor) * tool.data_quality)


def delivered(tool: Tool, p: Parameters, integration: float) -> float:
    """How much of its promise the tool delivers this week, in [0, 1].

    reliability x data quality factor x time value x integration factor; before the tool
    is integrated into existing systems only `standalone_share` of it is reachable.
    """
    integrated = p.standalone_share + (1.0 - p.standalone_share) * integration
    return effective_reliability(tool, p) * time_value(tool, p) * integrated


@njit
def expit(x: float) -> float:
    """The logistic function (as scipy.special.expit computes it)."""
    return 1.0 / (1.0 + np.exp(-x))


@njit
def skill_factor(competence: float, gain_base: float, full_gain_competence: float) -> float:
    """Share of the tool's planned gain a user gets at this competence: `gain_base`
    without skill, all of it from `full_gain_competence` (a user who applies the
    prescribed workflows unaided, the competence the plan's hours assume)."""
    skill = min(competence / full_gain_competence, 1.0)
    return gain_base + (1.0 - gain_base) * skill


@njit
def _hours(
    stage: np.ndarray,
    target: np.ndarray,
    competence: np.ndarray,
    usefulness: np.ndarray,
    c: np.ndarray,
) -> np.ndarray:
    """c: `hours_coeffs`."""
    n = stage.size
    out = np.empty(n)
    for i in range(n):
        h = c[0] * skill_factor(competence[i], c[1], c[2])
        h = h * usefulness[i] / c[3]
        use = 1.0 if stage[i] == ACTIVE else (c[4] if stage[i] == TRIAL else 0.0)
        out[i] = h * use * (1.0 if target[i] else 0.0)
    return out


def hours_coeffs(tool: Tool, p: Parameters, integration: float) -> np.ndarray:
    """`_hours`' coefficients: hours per user, gain base, full-gain competence, the
    tool's usefulness, trial use."""
    integrated = p.standalone_share + (1.0 - p.standalone_share) * integration
    per_user = tool.hours_saved_per_week * effective_reliability(tool, p) * integrated
    return np.array(
        [per_user, p.gain_base, p.full_gain_competence, max(tool.usefulness, 1e-9), p.trial_use]
    )


def hours_freed(
    state: State, target: np.ndarray, tool: Tool, p: Parameters, integration: float
) -> np.ndarray:
    """Hours each employee saves this week: active users fully, triallists in part;
    more with competence, less before integration or with poor data."""
    c = hours_coeffs(tool, p, integration)
    return _hours(state.stage, target, state.competence, state.usefulness, c)


@njit
def _value(
    competence: np.ndarray,
    usefulness: np.ndarray,
    attitude: np.ndarray,
    support: np.ndarray,
    concerns: np.ndarray,
    c: np.ndarray,
    served: float,
) -> np.ndarray:
    """c: `value_coeffs`; unmet support weighs (1 - served)."""
    n = competence.size
    out = np.empty(n)
    unmet_rate = c[5] * (1.0 - served)
    for i in range(n):
        k = competence[i]
        gain = c[0] * usefulness[i] * c[9] * skill_factor(k, c[1], c[10])
        gain = gain * (1.0 + c[2] * attitude[i])
        cost = c[3] * (1.0 - k) * (1.0 - c[4] * (support[i] * served))
        unmet = unmet_rate * ((1.0 - k) * (1.0 - k))
        worry = c[7] * max(concerns[OVERLOAD, i] - 0.5, 0.0)
        worry = worry + c[8] * max(concerns[QUALITY, i] - 0.5, 0.0)
        out[i] = gain - cost - unmet - worry - c[6]
    return out


def experienced_value(
    state: State,
    tool: Tool,
    delivery: float,
    friction: float,
    served: float,
    p: Parameters,
    cp: CultureParams,
) -> np.ndarray:
    """Value of the tool as the employee experiences or expects it (can be negative).

    `delivery` is `delivered(...)`; `served` the share of support demand that support
    capacity meets this week (unmet demand makes first steps frustrating). Gain: usefulness
    x delivery x competence, coloured by attitude; minus friction (less with competence
    and support), unmet support, held overload and quality worries, and errors.
    """
    c = value_coeffs(tool, delivery, friction, p, cp)
    s = state
    return _value(s.competence, s.usefulness, s.attitude, s.support, s.concerns, c, served)


def value_coeffs(
    tool: Tool, delivery: float, friction: float, p: Parameters, cp: CultureParams
) -> np.ndarray:
    """`_value`'s coefficients: gain scale, gain base, value-attitude, friction cost,
    support relief, unmet support, error cost, overload and quality weights, delivery,
    full-gain competence."""
    return np.array(
        [
            p.gain_scale, p.gain_base, p.value_attitude,
            p.value_friction * friction * (1.0 - tool.ease_of_use), p.support_relief,
            p.unmet_support, cp.error_cost * (1.0 - effective_reliability(tool, p)),
            p.value_overload, p.value_quality, delivery, p.full_gain_competence,
        ]
    )  # fmt: skip


@njit
def managers_using(
    role: np.ndarray, department: np.ndarray, n_dep: int, using: np.ndarray
) -> np.ndarray:
    """Share of the managers (executives, middle managers) of each employee's
    department who use the tool; executives count for every department."""
    per_dep = np.zeros(n_dep)
    bosses = np.zeros(n_dep)
    top_using = 0.0
    top = 0
    for i in range(role.size):
        if role[i] == 1:
            per_dep[department[i]] += using[i]
            bosses[department[i]] += 1.0
        elif role[i] == 0:
            top_using += using[i]
            top += 1
    out = np.empty(role.size)
    for i in range(role.size):
        d = department[i]
        out[i] = (per_dep[d] + top_using) / max(bosses[d] + top, 1.0)
    return out


@njit
def _try(
    u: np.ndarray,
    eligible: np.ndarray,
    using_share: np.ndarray,
    using_count: np.ndarray,
    managers_using: np.ndarray,
    mandate: bool,
    c: np.ndarray,
    attitude: np.ndarray,
    aware: np.ndarray,
    stage: np.ndarray,
    weeks_in_stage: np.ndarray,
    ever_user: np.ndarray,
) -> np.ndarray:
    """c: intent slope, intent threshold, consensus, consensus share, deference,
    trial rate x experimentation, trial social, mandate rate, retry factor."""
    n = u.size
    starts = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        st = stage[i]
        if not (eligible[i] and (st == NON_USER or st == LAPSED)):
            continue
        willing = expit(c[0] * (attitude[i] - c[1]))
        intent = aware[i] * willing
        exposure = using_share[i] if using_count[i] >= 2 else 0.0  # complex contagion
        social = (1.0 - c[2]) + c[2] * min(using_share[i] / c[3], 1.0)
        led = (1.0 - c[4]) + c[4] * managers_using[i]
        hazard = c[5] * intent * (1.0 + c[6] * exposure)
        hazard = hazard * social * led
        if mandate:
            hazard = hazard + c[7] * aware[i] * (0.5 + 0.5 * willing)
        if st == LAPSED:
            hazard = c[8] * hazard
        if u[i] < -np.expm1(-hazard):
            starts[i] = True
            stage[i] = TRIAL
            weeks_in_stage[i] = 0
            ever_user[i] = True
    return starts


def try_coeffs(p: Parameters, cp: CultureParams) -> np.ndarray:
    """`_try`'s coefficients (see there)."""
    return np.array(
        [
            p.intent_slope, p.intent_threshold, cp.consensus, p.consensus_share, cp.deference,
            p.trial_rate * cp.experimentation, p.trial_social, p.mandate_rate, p.retry_factor,
        ]
    )  # fmt: skip


def try_tool(
    state: State,
    eligible: np.ndarray,
    using_share: np.ndarray,
    using_count: np.ndarray,
    managers_using: np.ndarray,
    mandate: bool,
    p: Parameters,
    cp: CultureParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Non-users (and, less often, lapsed users) with access start a trial. Returns who.

    Culture acts on the decision: where consensus matters (harmony), part of the hazard
    waits until colleagues use the tool; where people defer to managers (hierarchy),
    part waits until the managers of one's department use it. Process integration
    (`mandate`) makes use part of the job: aware employees are asked to use the tool,
    and comply the more the less they resist.
    """
    n = state.stage.size
    u = rng.random(eligible.size)
    share, count, lead = (per_employee(x, n) for x in (using_share, using_count, managers_using))
    c = try_coeffs(p, cp)
    s = state
    return _try(
        u, per_employee(eligible, n, np.bool_), share, count, lead, bool(mandate), c,
        s.attitude, s.aware, s.stage, s.weeks_in_stage, s.ever_user,
    )  # fmt: skip


@njit
def _transitions(
    u: np.ndarray,
    value: np.ndarray,
    c: np.ndarray,
    stage: np.ndarray,
    weeks_in_stage: np.ndarray,
    ever_user: np.ndarray,
    habit: np.ndarray,
) -> np.ndarray:
    """c: activate value, value scale, drop value - error tolerance, activate rate,
    drop rate, lapse rate, habit boost, habit per week, 1 - habit decay."""
    n = u.size
    quit_now = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        up = expit((value[i] - c[0]) / c[1])
        down = expit((c[2] - value[i]) / c[1])
        st = stage[i]
        if st == TRIAL and weeks_in_stage[i] >= 1:
            if u[i] < c[3] * up:
                stage[i] = ACTIVE
                weeks_in_stage[i] = 0
                ever_user[i] = True
            elif u[i] > 1.0 - c[4] * down:
                stage[i] = LAPSED
                weeks_in_stage[i] = 0
                quit_now[i] = True
        elif st == ACTIVE:
            h = min(habit[i] * (1.0 + c[6]), 1.0)
            if u[i] < c[5] * down * (1.0 - h):
                stage[i] = LAPSED
                weeks_in_stage[i] = 0
                quit_now[i] = True
        weeks_in_stage[i] += 1
        # a routine forms only where using the tool pays off
        if stage[i] == ACTIVE:
            habit[i] += c[7] * up * (1.0 - habit[i])
        else:
            habit[i] *= c[8]
    return quit_now


def transition_coeffs(habit_boost: float, p: Parameters, cp: CultureParams) -> np.ndarray:
    """`_transitions`' coefficients (see there)."""
    return np.array(
        [
            p.activate_value, p.value_scale, p.drop_value - cp.error_tolerance,
            p.activate_rate, p.drop_rate, p.lapse_rate, habit_boost, p.habit_per_week,
            1.0 - p.habit_decay,
        ]
    )  # fmt: skip


def transitions(
    state: State,
    value: np.ndarray,
    habit_boost: float,
    p: Parameters,
    cp: CultureParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Trial -> active or dropped; active -> lapsed unless habit holds. Returns who quit.

    The culture's error tolerance lowers the value below which users give up.
    """
    u = rng.random(value.size)
    c = transition_coeffs(habit_boost, p, cp)
    s = state
    return _transitions(u, value, c, s.stage, s.weeks_in_stage, s.ever_user, s.habit)


@njit
def _experience(
    stage: np.ndarray,
    value: np.ndarray,
    hours: np.ndarray,
    c: np.ndarray,
    trust: np.ndarray,
    benefit: np.ndarray,
    informed: np.ndarray,
    concerns: np.ndarray,
    floor: np.ndarray,
    ceiling: np.ndarray,
) -> np.ndarray:
    """c: trust learning, reliability, benefit sensitivity, experience update, relief
    hours, relief of existential and of overload concerns. Returns who feels relief
    (nobody, and nothing changes, while nobody uses the tool)."""
    n = stage.size
    relief = np.zeros(n, dtype=np.bool_)
    in_use = False
    for i in range(n):
        if stage[i] == TRIAL or stage[i] == ACTIVE:
            in_use = True
            break
    if not in_use:
        return relief
    for i in range(n):
        user = stage[i] == TRIAL or stage[i] == ACTIVE
        if user:
            informed[i] = 1.0  # using the tool is first-hand information
            trust[i] += c[0] * (c[1] - trust[i])
            good = c[0] * (c[1] - 0.5)
            q = concerns[QUALITY, i]
            if good > 0.0:
                concerns[QUALITY, i] = q - good * max(q - floor[QUALITY, i], 0.0)
            elif good < 0.0:
                concerns[QUALITY, i] = q + (-good) * max(ceiling[QUALITY, i] - q, 0.0)
            target = expit(c[2] * value[i])
            benefit[i] += c[3] * (target - benefit[i])
        if hours[i] >= c[4]:
            e = concerns[EXISTENTIAL, i]
            concerns[EXISTENTIAL, i] = e - c[5] * max(e - floor[EXISTENTIAL, i], 0.0)
            o = concerns[OVERLOAD, i]
            concerns[OVERLOAD, i] = o - c[6] * max(o - floor[OVERLOAD, i], 0.0)
            relief[i] = concerns[OVERLOAD, i] < 0.5
    return relief


def experience_coeffs(reliability: float, p: Parameters) -> np.ndarray:
    """`_experience`'s coefficients (see there)."""
    return np.array(
        [
            p.trust_learn, reliability, p.benefit_sensitivity, p.experience_update,
            p.relief_hours, p.relief_existential, p.relief_overload,
        ]
    )  # fmt: skip


def experience(
    state: State, reliability: float, value: np.ndarray, p: Parameters, hours_freed: np.ndarray
) -> None:
    """Using the tool updates trust, quality worries, expected benefit and job fears."""
    c = experience_coeffs(reliability, p)
    floor, ceiling = band(state, p)
    s = state
    s.relief = _experience(
        s.stage, value, hours_freed, c, s.trust, s.benefit, s.informed, s.concerns, floor,
        ceiling,
    )  # fmt: skip


@njit
def _word_of_mouth(
    good: np.ndarray,
    bad: np.ndarray,
    c: np.ndarray,
    benefit: np.ndarray,
    concerns: np.ndarray,
    ceiling: np.ndarray,
) -> None:
    """c: good-story rate, bad-story rate x harshness, bad-story concern x harshness."""
    for i in range(benefit.size):
        benefit[i] += c[0] * good[i] * (1.0 - benefit[i])
        benefit[i] -= c[1] * bad[i] * benefit[i]
        o = concerns[OVERLOAD, i]
        concerns[OVERLOAD, i] = o + c[2] * bad[i] * max(ceiling[OVERLOAD, i] - o, 0.0)


def wom_coeffs(p: Parameters, cp: CultureParams) -> np.ndarray:
    """`_word_of_mouth`'s coefficients (see there)."""
    harsh = max(1.0 - p.wom_tolerance * cp.error_tolerance, 0.0)
    return np.array([p.wom_good, p.wom_bad * harsh, p.wom_bad_concern * harsh])


def word_of_mouth(
    state: State,
    w_plain: sp.csr_matrix,
    quit_now: np.ndarray,
    p: Parameters,
    cp: CultureParams,
) -> None:
    """Colleagues tell each other: relief raises, giving up lowers expected benefit.

    Bad stories weigh more where errors are not tolerated (culture's error tolerance).
    """
    good, bad = matvecs(w_plain, state.relief, quit_now)
    c = wom_coeffs(p, cp)
    _word_of_mouth(good, bad, c, state.benefit, state.concerns, band(state, p)[1])
