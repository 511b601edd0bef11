"""Training raises competence by format retention and eases overload; competence grows
with practice and decays without it."""

from __future__ import annotations

import numpy as np

from model.parameters import Parameters
from model.processes.concerns import relieve
from model.state import ACTIVE, OVERLOAD, TRIAL, State


def train(state: State, effective_hours: np.ndarray, p: Parameters) -> None:
    """Apply retention-weighted training hours (already scaled by fit and format)."""
    gain = 1.0 - np.exp(-p.learn_per_hour * effective_hours)
    state.competence += gain * (1.0 - state.competence)
    relieve(state, np.minimum(p.training_relief * gain, 1.0), p, OVERLOAD)
    state.understand += 0.5 * gain * (1.0 - state.understand)
    trained = effective_hours > 0
    state.aware[trained] = np.maximum(state.aware[trained], 0.9)
    state.informed[trained] = 1.0


def practice_and_decay(state: State, p: Parameters, community: bool) -> None:
    """Users learn by doing (more in a community of practice), in skill and in understanding;
    others slowly forget their skill."""
    use = np.where(state.stage == ACTIVE, 1.0, np.where(state.stage == TRIAL, 0.5, 0.0))
    rate = (
        p.practice_rate
        * (p.anchoring.community_practice_factor if community else 1.0)
        * (1.0 + state.support)
    )
    state.competence += rate * use * (1.0 - state.competence)
    state.competence -= p.competence_decay * (use == 0) * state.competence
    state.understand += rate * use * (1.0 - state.understand)  # users learn what it does
