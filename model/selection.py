"""Choosing people for programme roles: champions, pilot users, advisers, innovators."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.jit import njit
from model.workforce import Workforce


def _top(score: np.ndarray, candidates: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of the k highest scores among candidates (random tie-breaking)."""
    idx = np.flatnonzero(candidates)
    if k <= 0 or idx.size == 0:
        return np.empty(0, dtype=np.int64)
    jitter = rng.random(idx.size) * 1e-9
    order = np.argsort(-(score[idx] + jitter), kind="stable")
    return idx[order[: min(k, idx.size)]]


def select_champions(
    selection: str,
    count: int,
    wf: Workforce,
    adj: sp.csr_matrix,
    attitude: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Champion indices by `random`, `centrality` (degree), `diversity` or `critics`."""
    n = wf.n
    everyone = np.ones(n, dtype=bool)
    degree = np.diff(adj.indptr).astype(float)
    if selection == "random":
        return rng.choice(n, size=min(count, n), replace=False)
    if selection == "centrality":
        return _top(degree, everyone, count, rng)
    if selection == "critics":
        # the sharpest critics among the well-connected (converted into champions)
        score = -attitude + 0.5 * degree / max(degree.mean(), 1.0)
        return _top(score, everyone, count, rng)
    return _diverse(count, wf, attitude, degree, rng)


def _diverse(
    count: int, wf: Workforce, attitude: np.ndarray, degree: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Greedy spread over departments, roles and age bands; the best-disposed first.

    Each pick takes the free employee with the highest score minus the penalty of their
    (department, role, age band) group (the lowest index among equals); within a group
    the order by score never changes, so only each group's best free member competes.
    """
    n = wf.n
    band = np.digitize(wf.age, [35.0, 50.0])
    score = attitude + 0.2 * degree / max(degree.mean(), 1.0) + rng.random(n) * 1e-9
    n_dep = int(wf.department.max()) + 1
    group = (wf.department.astype(np.int64) * 5 + wf.role) * 3 + band
    order = np.lexsort((np.arange(n), -score, group))
    starts = np.searchsorted(group[order], np.arange(n_dep * 15 + 1))
    return _greedy_spread(min(count, n), order, starts, score, n_dep)


@njit
def _greedy_spread(
    count: int, order: np.ndarray, starts: np.ndarray, score: np.ndarray, n_dep: int
) -> np.ndarray:
    """The picks of `_diverse`; `order` sorts employees by group, score (descending)
    and index; group g holds order[starts[g]:starts[g + 1]]."""
    n_groups = starts.size - 1
    used_dep = np.zeros(n_dep)
    used_role = np.zeros(5)
    used_band = np.zeros(3)
    nxt = starts[:-1].copy()  # each group's best free member (position in `order`)
    live = np.array([g for g in range(n_groups) if starts[g + 1] > starts[g]], dtype=np.int64)
    n_live = live.size
    dep = live // 15
    role = (live // 3) % 5
    band = live % 3
    chosen = np.empty(count, dtype=np.int64)
    for c in range(count):
        best_v = -np.inf
        best_i = -1
        best_k = -1
        for k in range(n_live):
            g = live[k]
            pos = nxt[g]
            end = starts[g + 1]
            pen = 3.0 * used_dep[dep[k]] + used_role[role[k]] + used_band[band[k]]
            i = order[pos]
            v = score[i] - pen
            q = pos + 1  # equal values after rounding: the lowest index wins
            while q < end and score[order[q]] - pen == v:
                if order[q] < i:
                    i = order[q]
                q += 1
            if v > best_v or (v == best_v and i < best_i):
                best_v, best_i, best_k = v, i, k
        chosen[c] = best_i
        g = live[best_k]
        # take best_i out of its group (it is within the group's leading equal run)
        pos = nxt[g]
        j = pos
        while order[j] != best_i:
            j += 1
        while j > pos:
            order[j] = order[j - 1]
            j -= 1
        order[pos] = best_i
        nxt[g] = pos + 1
        used_dep[dep[best_k]] += 1.0
        used_role[role[best_k]] += 1.0
        used_band[band[best_k]] += 1.0
        if nxt[g] >= starts[g + 1]:  # the group is used up: drop it from the live list
            n_live -= 1
            live[best_k] = live[n_live]
            dep[best_k] = dep[n_live]
            role[best_k] = role[n_live]
            band[best_k] = band[n_live]
    return chosen


def select_pilot(
    kind: str,
    size: int,
    eligible: np.ndarray,
    attitude: np.ndarray,
    fit: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Pilot users among eligible target users: most receptive, random or most resistant.

    "Most receptive" is a pilot where success is likely (DOMAIN section 2, phase 4):
    people who are open to the tool and whose work it fits, attitude and task fit
    weighted equally as z-scores among the eligible."""
    if kind == "none" or size <= 0:
        return np.empty(0, dtype=np.int64)
    if kind == "most_receptive":
        return _top(_z(attitude, eligible) + _z(fit, eligible), eligible, size, rng)
    if kind == "most_resistant":
        return _top(-attitude, eligible, size, rng)
    idx = np.flatnonzero(eligible)
    return rng.choice(idx, size=min(size, idx.size), replace=False)


def _z(x: np.ndarray, among: np.ndarray) -> np.ndarray:
    """x standardised over `among` (0 where it does not vary)."""
    vals = x[among]
    sd = float(vals.std()) if vals.size else 0.0
    return (x - vals.mean()) / sd if sd > 0 else np.zeros_like(x, dtype=float)


def select_advisers(
    count: int, adj: sp.csr_matrix, attitude: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The most influential critics (low attitude, many ties) become advisers."""
    degree = np.diff(adj.indptr).astype(float)
    score = -attitude + 0.5 * degree / max(degree.mean(), 1.0)
    return _top(score, attitude < 0, count, rng)


def select_innovators(
    count: int, competence: np.ndarray, users: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The most competent active users take the 'AI process innovator' role."""
    return _top(competence, users, count, rng)
