"""Influence-network builders. Each returns a symmetric 0/1 CSR adjacency without loops.

All builders are vectorised numpy (no networkx), so 100,000 employees take well under a
second, and every random draw comes from the model's RNG (`rng`), so a seed fixes the
network. `to_networkx` converts for analysis and drawing.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

from model.limits import check_network
from model.workforce import Workforce

MANAGER_ROLES = (0, 1)  # executive, middle_manager (indices into ROLES)


def _from_pairs(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_matrix:
    """Symmetric 0/1 CSR from undirected pairs; drops loops and duplicates."""
    keep = src != dst
    src, dst = src[keep], dst[keep]
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    adj = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    adj.sum_duplicates()
    adj.data[:] = 1.0
    return adj


def complete(n: int) -> sp.csr_matrix:
    """Everyone knows everyone (built straight as CSR: no dense n x n detour)."""
    cols = np.broadcast_to(np.arange(n, dtype=np.int32), (n, n))[~np.eye(n, dtype=bool)]
    indptr = np.arange(n + 1, dtype=np.int64) * (n - 1)
    return sp.csr_matrix((np.ones(cols.size), cols, indptr), shape=(n, n))


def ring_lattice(n: int, degree: int) -> sp.csr_matrix:
    """Each node tied to its `degree/2` nearest neighbours on each side of a ring."""
    half = max(1, min(int(degree) // 2, (n - 1) // 2))
    src = np.repeat(np.arange(n), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    return _from_pairs(n, src, dst)


def small_world(n: int, degree: int, rewiring: float, rng: np.random.Generator) -> sp.csr_matrix:
    """Watts-Strogatz: a ring lattice whose ties are rewired with probability `rewiring`."""
    half = max(1, min(int(degree) // 2, (n - 1) // 2))
    src = np.repeat(np.arange(n), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    flip = rng.random(src.size) < rewiring
    dst = dst.copy()
    dst[flip] = rng.integers(0, n, size=int(flip.sum()))
    return _from_pairs(n, src, dst)


def erdos_renyi(n: int, mean_degree: float, rng: np.random.Generator) -> sp.csr_matrix:
    """G(n, m) with m = n * mean_degree / 2 random ties."""
    m = int(round(n * mean_degree / 2))
    return _from_pairs(n, rng.integers(0, n, m), rng.integers(0, n, m))


def scale_free(n: int, mean_degree: float, rng: np.random.Generator) -> sp.csr_matrix:
    """Chung-Lu graph with power-law expected degrees (exponent 2.5): a few hubs."""
    weights = (np.arange(1, n + 1) ** (-1.0 / 1.5))[rng.permutation(n)]
    p = weights / weights.sum()
    m = int(round(n * mean_degree / 2))
    return _from_pairs(n, rng.choice(n, m, p=p), rng.choice(n, m, p=p))


def organisation(
    wf: Workforce, mean_degree: float, cross_share: float, rng: np.random.Generator
) -> sp.csr_matrix:
    """Departments as dense clusters with age homophily, reporting lines, cross ties.

    Each employee draws about `(1 - cross_share) * mean_degree / 2` ties inside the
    department (partners close in age are likelier: an offset in the department's age
    ranking drawn from a normal of sd = a third of the department size) and
    `cross_share * mean_degree / 2` ties across the organisation (also by age rank).
    Everyone is tied to a manager of their department (or an executive), every middle
    manager to an executive.
    """
    n = wf.n
    order = np.lexsort((wf.age, wf.department))  # by department, then age
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    dep_sorted = wf.department[order]
    starts = np.searchsorted(dep_sorted, wf.department, side="left")
    ends = np.searchsorted(dep_sorted, wf.department, side="right")
    size = ends - starts
    k_in = (1.0 - cross_share) * mean_degree / 2.0
    k_out = cross_share * mean_degree / 2.0
    pairs_src, pairs_dst = [], []

    def draw(count_per_node: float, lo: np.ndarray, width: np.ndarray, sd: np.ndarray) -> None:
        reps = rng.poisson(count_per_node, size=n)
        src = np.repeat(np.arange(n), reps)
        if src.size == 0:
            return
        offset = np.rint(rng.normal(0.0, 1.0, src.size) * sd[src]).astype(np.int64)
        pos = _reflect(rank_in(src) + offset, width[src])
        pairs_src.append(src)
        pairs_dst.append(order[lo[src] + pos])

    def rank_in(src: np.ndarray) -> np.ndarray:
        return rank[src] - starts[src]

    draw(k_in, starts, size, np.maximum(size / 3.0, 1.0))
    if k_out > 0:
        global_order = np.argsort(wf.age, kind="stable")
        grank = np.empty(n, dtype=np.int64)
        grank[global_order] = np.arange(n)
        reps = rng.poisson(k_out, size=n)
        src = np.repeat(np.arange(n), reps)
        offset = np.rint(rng.normal(0.0, n / 4.0, src.size)).astype(np.int64)
        pairs_src.append(src)
        pairs_dst.append(global_order[_reflect(grank[src] + offset, np.full(src.size, n))])
    src, dst = _reporting_lines(wf, rng)
    pairs_src.append(src)
    pairs_dst.append(dst)
    return _from_pairs(n, np.concatenate(pairs_src), np.concatenate(pairs_dst))


def _reflect(pos: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Fold positions into [0, width - 1] by mirroring at both ends.

    Clipping instead would pile every draw past an end onto the youngest and oldest
    employee, turning them into hubs with 10x the mean degree.
    """
    top = np.maximum(width - 1, 0)
    period = np.maximum(2 * top, 1)
    x = np.abs(pos) % period
    return np.where(x > top, period - x, x)


def _reporting_lines(wf: Workforce, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Ties from each employee to a manager of their department, managers to executives."""
    n = wf.n
    execs = np.flatnonzero(wf.role == 0)
    managers = np.flatnonzero(wf.role == 1)
    bosses = managers if managers.size else execs
    if bosses.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # pick, for each employee, a random boss of the same department if there is one
    boss_dep = wf.department[bosses]
    sort = np.argsort(boss_dep, kind="stable")
    bosses, boss_dep = bosses[sort], boss_dep[sort]
    lo = np.searchsorted(boss_dep, wf.department, side="left")
    hi = np.searchsorted(boss_dep, wf.department, side="right")
    has = hi > lo
    pick = lo + np.floor(rng.random(n) * np.maximum(hi - lo, 1)).astype(np.int64)
    any_boss = bosses[rng.integers(0, bosses.size, n)]
    boss = np.where(has, bosses[np.minimum(pick, bosses.size - 1)], any_boss)
    src, dst = [np.arange(n)], [boss]
    if execs.size and managers.size:
        src.append(managers)
        dst.append(execs[rng.integers(0, execs.size, managers.size)])
    return np.concatenate(src), np.concatenate(dst)


def build_network(
    kind: str,
    wf: Workforce,
    mean_degree: float,
    cross_share: float,
    rewiring: float,
    rng: np.random.Generator,
) -> sp.csr_matrix:
    """Dispatch on the scenario's `network.kind`; refuses (ScenarioError) a network
    that cannot fit in memory before allocating any of it."""
    n = wf.n
    check_network(kind, n, mean_degree)
    if kind == "organisation":
        return organisation(wf, mean_degree, cross_share, rng)
    if kind == "complete":
        return complete(n)
    if kind == "ring_lattice":
        return ring_lattice(n, int(round(mean_degree)))
    if kind == "small_world":
        return small_world(n, int(round(mean_degree)), rewiring, rng)
    if kind == "erdos_renyi":
        return erdos_renyi(n, mean_degree, rng)
    if kind == "scale_free":
        return scale_free(n, mean_degree, rng)
    raise ValueError(f"unknown network kind {kind!r}")


def to_networkx(adj: sp.csr_matrix) -> nx.Graph:
    """The adjacency as a networkx graph (for layout, drawing and analysis)."""
    return nx.from_scipy_sparse_array(adj)
