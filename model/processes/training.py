"""Training raises competence by format retention and eases overload; competence grows
with practice and decays without it.

Competence levels follow the domain's model (basic ~80%, advanced ~15%, expert ~5% under
a full programme): courses lift competence towards a training ceiling (advanced at
best); practice lifts it towards a personal ceiling that rises with digital affinity;
expert level needs more: creating new use cases (model/processes/use_cases.py).
"""

from __future__ import annotations

import numpy as np

from model.jit import njit, per_employee
from model.parameters import Parameters
from model.processes.concerns import band
from model.state import ACTIVE, OVERLOAD, TRIAL, State


@njit
def _train(
    hours: np.ndarray,
    gain: np.ndarray,
    c: np.ndarray,
    competence: np.ndarray,
    understand: np.ndarray,
    aware: np.ndarray,
    informed: np.ndarray,
    exposure: np.ndarray,
    concerns: np.ndarray,
    floor: np.ndarray,
) -> None:
    """c: training ceiling, overload relief, understanding, awareness, fatigue per hour."""
    for i in range(hours.size):
        g = gain[i]
        competence[i] += g * max(c[0] - competence[i], 0.0)
        o = concerns[OVERLOAD, i]
        concerns[OVERLOAD, i] = o - min(c[1] * g, 1.0) * max(o - floor[OVERLOAD, i], 0.0)
        understand[i] += c[2] * g * (1.0 - understand[i])
        if hours[i] > 0:
            aware[i] = max(aware[i], c[3])
            informed[i] = 1.0
        exposure[i] += hours[i] * c[4]


def train(
    state: State, effective_hours: np.ndarray, p: Parameters, *, role_specific: bool = False
) -> None:
    """Apply retention-weighted training hours (already scaled by fit and format).

    Generic courses stop at `generic_ceiling` of the training ceiling; role-specific
    modules reach all of it.
    """
    ceiling = p.training_ceiling * (1.0 if role_specific else p.generic_ceiling)
    hours = np.ascontiguousarray(effective_hours * state.receptivity, dtype=np.float64)
    gain = 1.0 - np.exp(-p.learn_per_hour * hours)
    c = np.array(
        [
            ceiling, p.training_relief, p.training_understanding,
            p.training_awareness, p.fatigue_per_training_hour,
        ]
    )  # fmt: skip
    s = state
    _train(
        hours, gain, c, s.competence, s.understand, s.aware, s.informed, s.exposure,
        s.concerns, band(s, p)[0],
    )  # fmt: skip


def practice_ceiling(affinity: np.ndarray, p: Parameters) -> np.ndarray:
    """The competence practice alone can reach: higher with digital affinity."""
    return p.practice_ceiling + p.practice_affinity * affinity


@njit
def _practice(
    stage: np.ndarray,
    support: np.ndarray,
    ceiling: np.ndarray,
    peer_skill: np.ndarray,
    using_share: np.ndarray,
    c: np.ndarray,
    competence: np.ndarray,
    understand: np.ndarray,
) -> None:
    """c: practice rate (community factor included), trial practice, peer learning,
    competence decay."""
    for i in range(stage.size):
        use = 1.0 if stage[i] == ACTIVE else (c[1] if stage[i] == TRIAL else 0.0)
        rate = c[0] * (1.0 + support[i])
        k = competence[i]
        shown = max(peer_skill[i] - using_share[i] * k, 0.0)
        learnt = k + use * (rate * max(ceiling[i] - k, 0.0) + c[2] * shown)
        # learning by doing and from colleagues stops at one's own ceiling
        k = max(min(learnt, ceiling[i]), k)
        if use == 0:
            k -= c[3] * k
        competence[i] = k
        understand[i] += rate * use * (1.0 - understand[i])  # users learn what it does


def practice_coeffs(p: Parameters, community: bool) -> np.ndarray:
    """`_practice`'s coefficients (see there)."""
    rate = p.practice_rate * (p.anchoring.community_practice_factor if community else 1.0)
    return np.array([rate, p.trial_practice, p.peer_learning, p.competence_decay])


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
    c = practice_coeffs(p, community)
    n = state.stage.size
    s = state
    _practice(
        s.stage, s.support, per_employee(ceiling, n), per_employee(peer_skill, n),
        per_employee(using_share, n), c, s.competence, s.understand,
    )  # fmt: skip


@njit
def _tire(
    c: np.ndarray,
    fatigue: np.ndarray,
    exposure: np.ndarray,
    receptivity: np.ndarray,
    concerns: np.ndarray,
    ceiling: np.ndarray,
) -> None:
    """c: 1 - recovery, capacity, overload per excess, receptivity loss per excess."""
    for i in range(fatigue.size):
        fatigue[i] = fatigue[i] * c[0] + exposure[i]
        exposure[i] = 0.0
        excess = max(fatigue[i] - c[1], 0.0)
        o = concerns[OVERLOAD, i]
        amount = c[2] * excess / (1.0 + excess)
        concerns[OVERLOAD, i] = o + amount * max(ceiling[OVERLOAD, i] - o, 0.0)
        receptivity[i] = 1.0 / (1.0 + c[3] * excess)


def tire_coeffs(p: Parameters) -> np.ndarray:
    """`_tire`'s coefficients (see there)."""
    return np.array(
        [1.0 - p.fatigue_recovery, p.fatigue_capacity, p.fatigue_overload, p.fatigue_receptivity]
    )


def tire(state: State, p: Parameters) -> None:
    """Change fatigue: this week's measures add to a slowly recovering load; beyond
    capacity people feel overloaded and take in less of the next measures."""
    c = tire_coeffs(p)
    s = state
    _tire(c, s.fatigue, s.exposure, s.receptivity, s.concerns, band(s, p)[1])
