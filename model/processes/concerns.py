"""Concerns move within a band around each employee's initial level.

Facts, answers and good experience *relieve* a concern towards a floor (by default 70% of
the initial intensity: a baseline fear can be eased, not abolished); rumours, conflict
and bad experience *aggravate* it towards a ceiling (by default 30% of the way from the
initial intensity to 1). Every lever that acts on concerns goes through these two.
"""

from __future__ import annotations

import numpy as np

from model.jit import njit
from model.parameters import Parameters
from model.state import State


def band(state: State, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """(floor, ceiling) of every concern, computed once per state and parameter set."""
    cached = state.band
    if cached is None or cached[0] is not p:
        c0 = state.concerns0
        cached = (p, p.concern_floor * c0, c0 + p.concern_ceiling * (1.0 - c0))
        state.band = cached
    return cached[1], cached[2]


@njit
def move_towards(
    c: np.ndarray, bound: np.ndarray, amount: np.ndarray, lo: int, hi: int, sign: float
) -> None:
    """Rows lo..hi-1 of concerns `c` move a fraction `amount` (per employee) towards
    `bound`: down to a floor (sign -1) or up to a ceiling (sign +1), never past it."""
    n = c.shape[1]
    for k in range(lo, hi):
        for i in range(n):
            if sign < 0.0:
                c[k, i] -= amount[i] * max(c[k, i] - bound[k, i], 0.0)
            else:
                c[k, i] += amount[i] * max(bound[k, i] - c[k, i], 0.0)


def _rows(which: int | slice) -> tuple[int, int]:
    if isinstance(which, slice):
        return 0, 4
    return int(which), int(which) + 1


def _amount(amount: np.ndarray | float, n: int) -> np.ndarray:
    if np.ndim(amount) == 0:
        return np.full(n, float(amount))
    return np.ascontiguousarray(amount, dtype=np.float64)


def relieve(
    state: State, amount: np.ndarray | float, p: Parameters, which: int | slice = slice(None)
) -> None:
    """Move concern(s) `which` a fraction `amount` (per employee) towards the floor."""
    lo, hi = _rows(which)
    c = state.concerns
    move_towards(c, band(state, p)[0], _amount(amount, c.shape[1]), lo, hi, -1.0)


def aggravate(
    state: State, amount: np.ndarray | float, p: Parameters, which: int | slice = slice(None)
) -> None:
    """Move concern(s) `which` a fraction `amount` (per employee) towards the ceiling."""
    lo, hi = _rows(which)
    c = state.concerns
    move_towards(c, band(state, p)[1], _amount(amount, c.shape[1]), lo, hi, 1.0)
