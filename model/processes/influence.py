"""Social influence: expressed attitudes follow a Friedkin-Johnsen process anchored in
each employee's own assessment; concerns spread between colleagues."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.jit import njit
from model.parameters import CultureParams, Parameters
from model.scenario import ROLES
from model.state import State
from model.workforce import Workforce

# beliefs and concerns are intensities in [0, 1] centred on 0.5 (four concerns on 2.0);
# this converts them to the latent attitude scale, where the weights are parameters
BELIEF_SCALE = 2.5


def disposition(wf: Workforce, p: Parameters, cp: CultureParams) -> np.ndarray:
    """The fixed part of the own attitude (latent scale): culture, tenure, role, person."""
    role = np.array([p.attitude_role.get(r, 0.0) for r in ROLES])[wf.role]
    return (
        p.attitude_base
        + cp.openness
        - p.attitude_tenure_per_decade * (wf.tenure - p.tenure_reference) / 10.0
        + role
        + wf.attitude_noise
    )


@njit
def _latent(
    fixed: np.ndarray,
    benefit: np.ndarray,
    concerns: np.ndarray,
    trust: np.ndarray,
    shift: np.ndarray,
    c: np.ndarray,
) -> np.ndarray:
    out = np.empty(fixed.size)
    for i in range(fixed.size):
        held = ((concerns[0, i] + concerns[1, i]) + concerns[2, i]) + concerns[3, i]
        out[i] = (
            fixed[i]
            + c[0] * (benefit[i] - 0.5)
            - c[1] * (held - 2.0)
            + c[2] * (trust[i] - 0.5)
            + shift[i]
        )
    return out


def own_assessment(state: State, fixed: np.ndarray, p: Parameters) -> np.ndarray:
    """Private attitude: tanh of disposition + beliefs - concerns + trust + lever shifts."""
    c = np.array(
        [p.attitude_benefit * BELIEF_SCALE, p.attitude_concern * BELIEF_SCALE, p.attitude_trust]
    )
    s = state
    return np.tanh(_latent(fixed, s.benefit, s.concerns, s.trust, s.shift, c))


def susceptibility(wf: Workforce, p: Parameters, cp: CultureParams) -> np.ndarray:
    """Weight on colleagues' views: culture's conformity times (1 - stubbornness(tenure))."""
    stubborn = p.stubbornness_max * wf.tenure / (wf.tenure + p.stubbornness_half_tenure)
    return cp.conformity * (1.0 - stubborn)


def influence_matrix(adj: sp.csr_matrix, weight: np.ndarray) -> sp.csr_matrix:
    """Row-stochastic W: row i averages i's neighbours, neighbour j weighted by weight[j].

    An employee without colleagues (isolated node) keeps a self-weight of one.
    """
    n = adj.shape[0]
    row = np.repeat(np.arange(n), np.diff(adj.indptr))
    data = adj.data * weight[adj.indices]
    sums = np.bincount(row, weights=data, minlength=n)
    isolated = sums <= 0
    if isolated.any():
        loops = sp.diags(isolated.astype(float), format="csr")
        return influence_matrix((adj + loops).tocsr(), np.where(isolated, 1.0, weight))
    return sp.csr_matrix((data / sums[row], adj.indices, adj.indptr), shape=adj.shape)


def fj_step(x: np.ndarray, anchor: np.ndarray, w: sp.csr_matrix, lam: np.ndarray) -> np.ndarray:
    """One Friedkin-Johnsen step: x' = Lambda W x + (I - Lambda) anchor."""
    return lam * (w @ x) + (1.0 - lam) * anchor


def fj_fixed_point(anchor: np.ndarray, w: sp.csr_matrix, lam: np.ndarray) -> np.ndarray:
    """Closed form of the FJ equilibrium: (I - Lambda W)^-1 (I - Lambda) anchor."""
    from scipy.sparse.linalg import spsolve

    n = anchor.size
    a = sp.identity(n, format="csc") - sp.diags(lam) @ w
    return spsolve(a.tocsc(), (1.0 - lam) * anchor)


@njit
def fj_and_contagion(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    attitude: np.ndarray,
    own: np.ndarray,
    lam: np.ndarray,
    concerns: np.ndarray,
    contagion: float,
) -> np.ndarray:
    """One pass over the ties: the FJ step of attitudes (returned, clipped to [-1, 1])
    and the drift of the four concerns towards the neighbours' average (in place)."""
    n = attitude.size
    out = np.empty(n)
    near = np.empty((4, n))
    for i in range(n):
        s = 0.0
        c0 = c1 = c2 = c3 = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            w = data[jj]
            s += w * attitude[j]
            c0 += w * concerns[0, j]
            c1 += w * concerns[1, j]
            c2 += w * concerns[2, j]
            c3 += w * concerns[3, j]
        x = lam[i] * s + (1.0 - lam[i]) * own[i]
        out[i] = min(max(x, -1.0), 1.0)
        near[0, i] = c0
        near[1, i] = c1
        near[2, i] = c2
        near[3, i] = c3
    for k in range(4):
        for i in range(n):
            concerns[k, i] += contagion * lam[i] * (near[k, i] - concerns[k, i])
    return out


def influence(state: State, w: sp.csr_matrix, lam: np.ndarray, p: Parameters) -> None:
    """Attitudes move by one FJ step; concerns drift towards the neighbours' average."""
    state.attitude = fj_and_contagion(
        w.indptr, w.indices, w.data, state.attitude, state.own, lam, state.concerns,
        p.concern_contagion,
    )  # fmt: skip
