"""Adoption: trial spreads as a complex contagion among target users with access; trial
becomes active use when the experienced value is high, users drop out when it is low."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from model.parameters import CultureParams, Parameters
from model.processes.concerns import aggravate, relieve
from model.scenario import Tool
from model.state import ACTIVE, EXISTENTIAL, LAPSED, NON_USER, OVERLOAD, QUALITY, TRIAL, State


def experienced_value(
    state: State,
    tool: Tool,
    usefulness: np.ndarray,
    friction: float,
    p: Parameters,
    cp: CultureParams,
) -> np.ndarray:
    """Value of the tool as the employee experiences or expects it (can be negative)."""
    k = state.competence
    gain = usefulness * (0.35 + 0.65 * k) * tool.reliability
    cost = (
        p.value_friction
        * friction
        * (1.0 - tool.ease_of_use)
        * (1.0 - k)
        * (1.0 - 0.5 * state.support)
    )
    worry = p.value_overload * (state.concerns[OVERLOAD] - 0.5) + p.value_quality * (
        state.concerns[QUALITY] - 0.5
    )
    return gain - cost - worry + p.value_attitude * state.attitude + cp.error_tolerance


def try_tool(
    state: State,
    eligible: np.ndarray,
    using_share: np.ndarray,
    using_count: np.ndarray,
    mandate: bool,
    p: Parameters,
    cp: CultureParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Non-users (and, less often, lapsed users) with access start a trial. Returns who."""
    intent = state.aware * expit(p.intent_slope * (state.attitude - p.intent_threshold))
    complex_exposure = using_share * (using_count >= 2)  # complex contagion: >= 2 sources
    hazard = p.trial_rate * cp.experimentation * intent * (1.0 + p.trial_social * complex_exposure)
    if mandate:
        hazard = hazard + p.mandate_rate
    hazard = np.where(state.stage == LAPSED, p.retry_factor * hazard, hazard)
    candidates = eligible & ((state.stage == NON_USER) | (state.stage == LAPSED))
    starts = candidates & (rng.random(hazard.size) < -np.expm1(-hazard))
    state.set_stage(starts, TRIAL)
    return starts


def transitions(
    state: State, value: np.ndarray, habit_boost: float, p: Parameters, rng: np.random.Generator
) -> None:
    """Trial -> active or dropped; active -> lapsed unless habit holds."""
    u = rng.random(value.size)
    up = expit((value - p.activate_value) / p.value_scale)
    down = expit((p.drop_value - value) / p.value_scale)
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
    state.habit[still] += p.habit_per_week * (1.0 - state.habit[still])
    state.habit[~still] *= 0.9


def experience(
    state: State, tool: Tool, value: np.ndarray, p: Parameters, hours_freed: np.ndarray
) -> None:
    """Using the tool updates trust, quality worries, expected benefit and job fears."""
    in_use = (state.stage == TRIAL) | (state.stage == ACTIVE)
    if not in_use.any():
        state.relief[:] = False
        return
    users = in_use.astype(float)
    state.trust += p.trust_learn * users * (tool.reliability - state.trust)
    good = p.trust_learn * users * (tool.reliability - 0.5)
    relieve(state, np.maximum(good, 0.0), p, QUALITY)
    aggravate(state, np.maximum(-good, 0.0), p, QUALITY)
    target = expit(4.0 * value)
    state.benefit += p.experience_update * users * (target - state.benefit)
    relieved = hours_freed >= 1.0
    relieve(state, 0.02 * relieved, p, EXISTENTIAL)
    relieve(state, 0.03 * relieved, p, OVERLOAD)
    state.relief = relieved & (state.concerns[OVERLOAD] < 0.5)
