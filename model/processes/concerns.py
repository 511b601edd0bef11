"""Concerns move within a band around each employee's initial level.

Facts, answers and good experience *relieve* a concern towards a floor (by default 70% of
the initial intensity: a baseline fear can be eased, not abolished); rumours, conflict
and bad experience *aggravate* it towards a ceiling (by default 30% of the way from the
initial intensity to 1). Every lever that acts on concerns goes through these two.
"""

from __future__ import annotations

import numpy as np

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


def relieve(
    state: State, amount: np.ndarray | float, p: Parameters, which: int | slice = slice(None)
) -> None:
    """Move concern(s) `which` a fraction `amount` (per employee) towards the floor."""
    c = state.concerns[which]
    c -= amount * np.maximum(c - band(state, p)[0][which], 0.0)


def aggravate(
    state: State, amount: np.ndarray | float, p: Parameters, which: int | slice = slice(None)
) -> None:
    """Move concern(s) `which` a fraction `amount` (per employee) towards the ceiling."""
    c = state.concerns[which]
    c += amount * np.maximum(band(state, p)[1][which] - c, 0.0)
