"""Limiting cases that verify the engine against known diffusion results.

`bass`: each non-adopter adopts with probability p + q x (adopted share of its
neighbours) per week; on a complete graph this is the discrete Bass recursion.
`threshold`: Granovetter/Watts fractional thresholds, synchronous and absorbing.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.scenario import Bass, Dynamics, Threshold
from model.state import ACTIVE, State


def bass_step(state: State, w_plain: sp.csr_matrix, bass: Bass, rng: np.random.Generator) -> None:
    """One synchronous Bass week on the network (w_plain: row-normalised adjacency)."""
    adopted = state.stage == ACTIVE
    share = w_plain @ adopted.astype(float)
    prob = np.clip(bass.p + bass.q * share, 0.0, 1.0)
    new = ~adopted & (rng.random(adopted.size) < prob)
    state.set_stage(new, ACTIVE)


def seed_threshold(state: State, th: Threshold, rng: np.random.Generator) -> None:
    """Initial adopters: the listed `seed_ids`, else `seeds` drawn at random."""
    n = state.stage.size
    ids = (
        np.asarray(th.seed_ids, dtype=np.int64)
        if th.seed_ids is not None
        else rng.choice(n, size=min(th.seeds, n), replace=False)
    )
    state.set_stage(np.isin(np.arange(n), ids), ACTIVE)


def threshold_step(state: State, adj: sp.csr_matrix, degree: np.ndarray, dyn: Dynamics) -> None:
    """Adopt when the adopted share of one's neighbours reaches phi (synchronous)."""
    adopted = state.stage == ACTIVE
    count = adj @ adopted.astype(float)
    phi = np.asarray(dyn.threshold.phi, dtype=float)
    reachable = (degree > 0) | (phi <= 0)
    new = ~adopted & reachable & (count >= phi * degree - 1e-9)
    state.set_stage(new, ACTIVE)
