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
from scipy.special import expit

from model.parameters import CultureParams, Parameters
from model.processes.concerns import aggravate, relieve
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


def skill_factor(competence: np.ndarray, p: Parameters) -> np.ndarray:
    """Share of the tool's planned gain a user gets at this competence: `gain_base`
    without skill, all of it from `full_gain_competence` (a user who applies the
    prescribed workflows unaided, the competence the plan's hours assume)."""
    skill = np.minimum(competence / p.full_gain_competence, 1.0)
    return p.gain_base + (1.0 - p.gain_base) * skill


def hours_freed(
    state: State, target: np.ndarray, tool: Tool, p: Parameters, integration: float
) -> np.ndarray:
    """Hours each employee saves this week: active users fully, triallists in part;
    more with competence, less before integration or with poor data."""
    integrated = p.standalone_share + (1.0 - p.standalone_share) * integration
    per_user = tool.hours_saved_per_week * effective_reliability(tool, p) * integrated
    per_user = per_user * skill_factor(state.competence, p)
    per_user = per_user * state.usefulness / max(tool.usefulness, 1e-9)
    use = np.where(state.stage == ACTIVE, 1.0, np.where(state.stage == TRIAL, p.trial_use, 0.0))
    return per_user * use * target


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
    capacity meets this week (unmet demand makes first steps frustrating).
    """
    k = state.competence
    gain = p.gain_scale * state.usefulness * delivery * skill_factor(k, p)
    gain = gain * (1.0 + p.value_attitude * state.attitude)
    support = state.support * served
    cost = (
        p.value_friction
        * friction
        * (1.0 - tool.ease_of_use)
        * (1.0 - k)
        * (1.0 - p.support_relief * support)
    )
    unmet = p.unmet_support * (1.0 - served) * (1.0 - k) ** 2
    errors = cp.error_cost * (1.0 - effective_reliability(tool, p))
    worry = p.value_overload * np.maximum(state.concerns[OVERLOAD] - 0.5, 0.0)
    worry = worry + p.value_quality * np.maximum(state.concerns[QUALITY] - 0.5, 0.0)
    return gain - cost - unmet - worry - errors


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
    willing = expit(p.intent_slope * (state.attitude - p.intent_threshold))
    intent = state.aware * willing
    complex_exposure = using_share * (using_count >= 2)  # complex contagion: >= 2 sources
    social = (1.0 - cp.consensus) + cp.consensus * np.minimum(using_share / p.consensus_share, 1.0)
    led = (1.0 - cp.deference) + cp.deference * managers_using
    hazard = p.trial_rate * cp.experimentation * intent * (1.0 + p.trial_social * complex_exposure)
    hazard = hazard * social * led
    if mandate:
        hazard = hazard + p.mandate_rate * state.aware * (0.5 + 0.5 * willing)
    hazard = np.where(state.stage == LAPSED, p.retry_factor * hazard, hazard)
    candidates = eligible & ((state.stage == NON_USER) | (state.stage == LAPSED))
    starts = candidates & (rng.random(hazard.size) < -np.expm1(-hazard))
    state.set_stage(starts, TRIAL)
    return starts


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
    up = expit((value - p.activate_value) / p.value_scale)
    down = expit((p.drop_value - cp.error_tolerance - value) / p.value_scale)
    in_trial = (state.stage == TRIAL) & (state.weeks_in_stage >= 1)
    activate = in_trial & (u < p.activate_rate * up)
    drop = in_trial & ~activate & (u > 1.0 - p.drop_rate * down)
    active = state.stage == ACTIVE
    habit = np.minimum(state.habit * (1.0 + habit_boost), 1.0)
    lapse = active & (u < p.lapse_rate * down * (1.0 - habit))
    state.set_stage(activate, ACTIVE)
    state.set_stage(drop | lapse, LAPSED)
    state.weeks_in_stage += 1
    still = state.stage == ACTIVE
    # a routine forms only where using the tool pays off
    state.habit[still] += p.habit_per_week * up[still] * (1.0 - state.habit[still])
    state.habit[~still] *= 1.0 - p.habit_decay
    return drop | lapse


def experience(
    state: State, reliability: float, value: np.ndarray, p: Parameters, hours_freed: np.ndarray
) -> None:
    """Using the tool updates trust, quality worries, expected benefit and job fears."""
    in_use = (state.stage == TRIAL) | (state.stage == ACTIVE)
    if not in_use.any():
        state.relief[:] = False
        return
    users = in_use.astype(float)
    state.informed[in_use] = 1.0  # using the tool is first-hand information
    state.trust += p.trust_learn * users * (reliability - state.trust)
    good = p.trust_learn * users * (reliability - 0.5)
    relieve(state, np.maximum(good, 0.0), p, QUALITY)
    aggravate(state, np.maximum(-good, 0.0), p, QUALITY)
    target = expit(p.benefit_sensitivity * value)
    state.benefit += p.experience_update * users * (target - state.benefit)
    relieved = hours_freed >= p.relief_hours
    relieve(state, p.relief_existential * relieved, p, EXISTENTIAL)
    relieve(state, p.relief_overload * relieved, p, OVERLOAD)
    state.relief = relieved & (state.concerns[OVERLOAD] < 0.5)


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
    good = w_plain @ state.relief.astype(float)
    bad = w_plain @ quit_now.astype(float)
    state.benefit += p.wom_good * good * (1.0 - state.benefit)
    harsh = max(1.0 - p.wom_tolerance * cp.error_tolerance, 0.0)
    state.benefit -= p.wom_bad * harsh * bad * state.benefit
    aggravate(state, p.wom_bad_concern * harsh * bad, p, OVERLOAD)
