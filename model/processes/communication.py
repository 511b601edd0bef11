"""Communication: messages raise awareness, understanding and expected benefit; an
information vacuum (aware of the project but not informed lately) feeds rumours."""

from __future__ import annotations

import numpy as np

from model.jit import njit
from model.parameters import Parameters
from model.processes.concerns import band, move_towards
from model.programme import CHANNELS, FRAMINGS
from model.state import State


@njit
def _message(
    reached: np.ndarray,
    depth: float,
    aware: np.ndarray,
    understand: np.ndarray,
    knows_benefit: np.ndarray,
    benefit: np.ndarray,
    trust: np.ndarray,
    attitude: np.ndarray,
    receptivity: np.ndarray,
    exposure: np.ndarray,
    informed: np.ndarray,
    gains: np.ndarray,
    concerns: np.ndarray,
    floor: np.ndarray,
) -> None:
    """The effect of one message on those `reached`; gains = (understanding,
    knowledge, persuasion, relief, trust) rates, already times the framing."""
    n = aware.size
    relief = np.zeros(n)
    for i in range(n):
        if not reached[i]:
            continue
        exposure[i] += depth
        r = depth * receptivity[i]
        aware[i] = min(aware[i] + r * (1.0 - aware[i]) * 1.5 / (1.0 + depth), 1.0)
        understand[i] += gains[0] * r * (1.0 - understand[i])
        knows_benefit[i] += gains[1] * r * (1.0 - knows_benefit[i])
        receptive = 0.5 + 0.25 * (1.0 + attitude[i])  # motivated reasoning
        benefit[i] += gains[2] * r * receptive * (1.0 - benefit[i])
        relief[i] = gains[3] * r
        trust[i] += gains[4] * r * (1.0 - trust[i])
        informed[i] = 1.0
    if gains[3] != 0.0:
        move_towards(concerns, floor, relief, 0, 4, -1.0)


def deliver(
    state: State,
    audience: np.ndarray,
    channel: str,
    framing: str,
    p: Parameters,
    rng: np.random.Generator,
) -> np.ndarray:
    """One message to an audience (bool mask). Returns who was reached."""
    reach, depth, _ = CHANNELS[channel]
    f_und, f_know, f_pers, f_relief = FRAMINGS[framing]
    reached = audience & (rng.random(audience.size) < reach * p.reach_scale)
    relief = p.story_relief * f_relief if f_relief else 0.0
    trust = 0.5 * p.story_relief * f_relief if f_relief else 0.0
    gains = np.array(
        [p.learn_understanding * f_und, p.learn_benefit * f_know, p.persuasion * f_pers]
        + [relief, trust]
    )
    s = state
    _message(
        reached, float(depth), s.aware, s.understand, s.knows_benefit, s.benefit, s.trust,
        s.attitude, s.receptivity, s.exposure, s.informed, gains, s.concerns, band(s, p)[0],
    )  # fmt: skip
    return reached


@njit
def _update(
    reached: np.ndarray,
    t_exposure: float,
    awareness: float,
    understanding: float,
    relief: float,
    aware: np.ndarray,
    understand: np.ndarray,
    receptivity: np.ndarray,
    exposure: np.ndarray,
    informed: np.ndarray,
    concerns: np.ndarray,
    floor: np.ndarray,
) -> None:
    n = aware.size
    amount = np.zeros(n)
    for i in range(n):
        if not reached[i]:
            continue
        exposure[i] += t_exposure
        r = receptivity[i]
        aware[i] += awareness * r * (1.0 - aware[i])
        understand[i] += understanding * r * (1.0 - understand[i])
        amount[i] = relief * r
        informed[i] = 1.0
    move_towards(concerns, floor, amount, 0, 4, -1.0)


def transparency_update(state: State, p: Parameters, rng: np.random.Generator) -> np.ndarray:
    """An all-staff status update: informs, and calms rumour-fed concerns."""
    t = p.transparency
    reached = rng.random(state.aware.size) < t.reach * p.reach_scale
    s = state
    _update(
        reached, float(t.exposure), t.awareness, t.understanding * p.learn_understanding,
        p.transparency_relief, s.aware, s.understand, s.receptivity, s.exposure, s.informed,
        s.concerns, band(s, p)[0],
    )  # fmt: skip
    return reached


@njit
def _grapevine(
    spread: np.ndarray,
    seen: np.ndarray,
    c: np.ndarray,
    aware: np.ndarray,
    informed: np.ndarray,
    concerns: np.ndarray,
    ceiling: np.ndarray,
) -> None:
    """c: `grapevine_coeffs`."""
    n = aware.size
    amount = np.empty(n)
    for i in range(n):
        heard = min(c[0] * spread[i] + c[1] * seen[i], 1.0)
        aware[i] += heard * (1.0 - aware[i])
        amount[i] = c[2] * (aware[i] * (1.0 - informed[i]))
    move_towards(concerns, ceiling, amount, 0, 4, 1.0)
    for i in range(n):
        informed[i] *= c[3]


def grapevine_coeffs(p: Parameters, rumour_factor: float) -> np.ndarray:
    """`_grapevine`'s coefficients: word of mouth, observation, rumour rate (times
    `rumour_factor`), information decay."""
    return np.array([p.word_of_mouth, p.observation, p.rumour_rate * rumour_factor, p.info_decay])


def grapevine_and_rumours(
    state: State,
    spread: np.ndarray,
    seen: np.ndarray,
    p: Parameters,
    rumour_factor: float = 1.0,
) -> None:
    """Awareness spreads by word of mouth and by seeing colleagues use the tool; the
    aware but uninformed grow concerns.

    `spread` and `seen` are the row-normalised network averages of awareness and of use.
    `rumour_factor` scales the rumour rate (objection anticipation lowers it).
    """
    c = grapevine_coeffs(p, rumour_factor)
    _grapevine(spread, seen, c, state.aware, state.informed, state.concerns, band(state, p)[1])
