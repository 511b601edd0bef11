"""Choosing people for programme roles: champions, pilot users, advisers, innovators."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

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
    """Greedy spread over departments, roles and age bands; the best-disposed first."""
    n = wf.n
    band = np.digitize(wf.age, [35.0, 50.0])
    score = attitude + 0.2 * degree / max(degree.mean(), 1.0) + rng.random(n) * 1e-9
    used_dep = np.zeros(int(wf.department.max()) + 1)
    used_role = np.zeros(5)
    used_band = np.zeros(3)
    free = np.ones(n, dtype=bool)
    chosen: list[int] = []
    for _ in range(min(count, n)):
        penalty = 3.0 * used_dep[wf.department] + used_role[wf.role] + used_band[band]
        i = int(np.argmax(np.where(free, score - penalty, -np.inf)))
        chosen.append(i)
        free[i] = False
        used_dep[wf.department[i]] += 1
        used_role[wf.role[i]] += 1
        used_band[band[i]] += 1
    return np.array(chosen, dtype=np.int64)


def select_pilot(
    kind: str, size: int, eligible: np.ndarray, attitude: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Pilot users among eligible target users: most receptive, random or most resistant."""
    if kind == "none" or size <= 0:
        return np.empty(0, dtype=np.int64)
    if kind == "most_receptive":
        return _top(attitude, eligible, size, rng)
    if kind == "most_resistant":
        return _top(-attitude, eligible, size, rng)
    idx = np.flatnonzero(eligible)
    return rng.choice(idx, size=min(size, idx.size), replace=False)


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
