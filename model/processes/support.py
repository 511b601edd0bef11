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
from model.state import ACTIVE, TRIAL


@njit
def _demand(stage: np.ndarray, target: np.ndarray, competence: np.ndarray) -> float:
    need = np.zeros(stage.size)
    for i in range(stage.size):
        if target[i] and (stage[i] == TRIAL or stage[i] == ACTIVE):
            need[i] = (1.0 - competence[i]) * (1.0 - competence[i])
    return total(need)


@njit
def served_share(demand: float, capacity: float) -> float:
    """Share of this week's demand that is met, in [0, 1]."""
    return 1.0 if demand <= capacity else capacity / demand


@njit
def served(
    stage: np.ndarray, target: np.ndarray, competence: np.ndarray, champion: np.ndarray,
    c: np.ndarray,
) -> float:  # fmt: skip
    """Share of this week's support demand that the hours available meet.

    Demand: (1 - competence)^2 requests per user, each `c[0]` hours. Capacity: the
    helpdesk (`c[1]` hours), the champions' support share (`c[2]`) of their time share
    (`c[3]`) of the week, the trainers' hours (`c[4]`); see `support_coeffs`.
    """
    demand = _demand(stage, target, competence) * c[0]
    count = 0
    for i in range(champion.size):
        count += champion[i]
    champions = count * c[3] * HOURS_PER_WEEK
    return served_share(demand, c[1] + c[2] * champions + c[4])


def support_coeffs(
    n: int, champion_time_share: float, trainer_hours: float, p: Parameters
) -> np.ndarray:
    """`served`'s coefficients for a workforce of n this week."""
    helpdesk = p.helpdesk_hours_per_100 * n / 100.0
    return np.array(
        [
            p.support_hours_per_request, helpdesk, p.champion_support_share,
            champion_time_share, trainer_hours,
        ]
    )  # fmt: skip
