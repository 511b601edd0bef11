"""Communication: messages raise awareness, understanding and expected benefit; an
information vacuum (aware of the project but not informed lately) feeds rumours."""

from __future__ import annotations

import numpy as np

from model.parameters import Parameters
from model.processes.concerns import aggravate, relieve
from model.programme import CHANNELS, FRAMINGS
from model.state import State


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
    state.exposure += reached * depth
    r = reached * depth * state.receptivity
    state.aware += r * (1.0 - state.aware) * 1.5 / (1.0 + depth)
    np.minimum(state.aware, 1.0, out=state.aware)
    state.understand += p.learn_understanding * f_und * r * (1.0 - state.understand)
    state.knows_benefit += p.learn_benefit * f_know * r * (1.0 - state.knows_benefit)
    receptive = 0.5 + 0.25 * (1.0 + state.attitude)  # motivated reasoning
    state.benefit += p.persuasion * f_pers * r * receptive * (1.0 - state.benefit)
    if f_relief:
        relieve(state, p.story_relief * f_relief * r, p)
        state.trust += 0.5 * p.story_relief * f_relief * r * (1.0 - state.trust)
    state.informed[reached] = 1.0
    return reached


def transparency_update(state: State, p: Parameters, rng: np.random.Generator) -> np.ndarray:
    """An all-staff status update: informs, and calms rumour-fed concerns."""
    t = p.transparency
    reached = rng.random(state.aware.size) < t.reach * p.reach_scale
    state.exposure += reached * t.exposure
    r = reached * state.receptivity
    state.aware += t.awareness * r * (1.0 - state.aware)
    state.understand += t.understanding * p.learn_understanding * r * (1.0 - state.understand)
    relieve(state, p.transparency_relief * r, p)
    state.informed[reached] = 1.0
    return reached


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
    heard = np.minimum(p.word_of_mouth * spread + p.observation * seen, 1.0)
    state.aware += heard * (1.0 - state.aware)
    vacuum = state.aware * (1.0 - state.informed)
    rate = p.rumour_rate * rumour_factor
    aggravate(state, rate * vacuum, p)
    state.informed *= p.info_decay
