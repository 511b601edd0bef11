"""Support capacity: help is a resource (champions' and trainers' hours, a helpdesk).

Users with low competence ask for help; demand beyond the hours available this week
goes unmet, and unmet demand makes first steps frustrating (experienced value falls;
bad first experiences then travel by word of mouth).
"""

from __future__ import annotations

import numpy as np

from model.jit import njit, total
from model.parameters import Parameters
from model.programme import HOURS_PER_WEEK
from model.state import ACTIVE, TRIAL, State


@njit
def _demand(stage: np.ndarray, target: np.ndarray, competence: np.ndarray) -> float:
    need = np.zeros(stage.size)
    for i in range(stage.size):
        if target[i] and (stage[i] == TRIAL or stage[i] == ACTIVE):
            need[i] = (1.0 - competence[i]) * (1.0 - competence[i])
    return total(need)


def demand_hours(state: State, target: np.ndarray, p: Parameters) -> float:
    """Support hours users ask for this week: (1 - competence)^2 each, while using."""
    return _demand(state.stage, target, state.competence) * p.support_hours_per_request


def capacity_hours(
    state: State, n: int, champion_time_share: float, trainer_hours: float, p: Parameters
) -> float:
    """Support hours available: the helpdesk, champions' support time, trainers."""
    helpdesk = p.helpdesk_hours_per_100 * n / 100.0
    champions = state.champion.sum() * champion_time_share * HOURS_PER_WEEK
    return helpdesk + p.champion_support_share * champions + trainer_hours


def served_share(demand: float, capacity: float) -> float:
    """Share of this week's demand that is met, in [0, 1]."""
    return 1.0 if demand <= capacity else capacity / demand
