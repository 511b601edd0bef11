"""Training raises competence by format retention and eases overload; competence grows
with practice and decays without it.

Competence levels follow the domain's model (basic ~80%, advanced ~15%, expert ~5% under
a full programme): courses lift competence towards a training ceiling (advanced at
best); practice lifts it towards a personal ceiling that rises with digital affinity;
expert level needs more: creating new use cases (model/processes/use_cases.py).
"""

from __future__ import annotations

import numpy as np

from model.parameters import Parameters
from model.processes.concerns import aggravate, relieve
from model.state import ACTIVE, OVERLOAD, TRIAL, State


def train(state: State, effective_hours: np.ndarray, p: Parameters) -> None:
    """Apply retention-weighted training hours (already scaled by fit and format)."""
    effective_hours = effective_hours * state.receptivity
    gain = 1.0 - np.exp(-p.learn_per_hour * effective_hours)
    room = np.maximum(p.training_ceiling - state.competence, 0.0)
    state.competence += gain * room
    relieve(state, np.minimum(p.training_relief * gain, 1.0), p, OVERLOAD)
    state.understand += p.training_understanding * gain * (1.0 - state.understand)
    trained = effective_hours > 0
    state.aware[trained] = np.maximum(state.aware[trained], p.training_awareness)
    state.informed[trained] = 1.0
    state.exposure += effective_hours * p.fatigue_per_training_hour


def practice_ceiling(affinity: np.ndarray, p: Parameters) -> np.ndarray:
    """The competence practice alone can reach: higher with digital affinity."""
    return p.practice_ceiling + p.practice_affinity * affinity


def practice_and_decay(
    state: State,
    ceiling: np.ndarray,
    p: Parameters,
    community: bool,
    peer_skill: np.ndarray,
    using_share: np.ndarray,
) -> None:
    """Users learn by doing (more in a community of practice) and from colleagues who use
    the tool, in skill and in understanding; others slowly forget their skill.

    `peer_skill` is the influence-weighted sum of using colleagues' competence and
    `using_share` the weighted share of colleagues using: a user is shown what those
    colleagues can do beyond their own level (DOMAIN section 5: mentoring by
    tech-savvy colleagues, "teach the team"). Both stop at the personal `ceiling`.
    """
    use = np.where(
        state.stage == ACTIVE, 1.0, np.where(state.stage == TRIAL, p.trial_practice, 0.0)
    )
    rate = p.practice_rate * (p.anchoring.community_practice_factor if community else 1.0)
    rate = rate * (1.0 + state.support)
    shown = np.maximum(peer_skill - using_share * state.competence, 0.0)
    learnt = state.competence + use * (
        rate * np.maximum(ceiling - state.competence, 0.0) + p.peer_learning * shown
    )
    # learning by doing and from colleagues stops at one's own ceiling
    state.competence[:] = np.maximum(np.minimum(learnt, ceiling), state.competence)
    state.competence -= p.competence_decay * (use == 0) * state.competence
    state.understand += rate * use * (1.0 - state.understand)  # users learn what it does


def tire(state: State, p: Parameters) -> None:
    """Change fatigue: this week's measures add to a slowly recovering load; beyond
    capacity people feel overloaded and take in less of the next measures."""
    state.fatigue = state.fatigue * (1.0 - p.fatigue_recovery) + state.exposure
    state.exposure[:] = 0.0
    excess = np.maximum(state.fatigue - p.fatigue_capacity, 0.0)
    aggravate(state, p.fatigue_overload * excess / (1.0 + excess), p, OVERLOAD)
    state.receptivity = 1.0 / (1.0 + p.fatigue_receptivity * excess)
