"""PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999), in numpy.

Scenario discovery: given input points `X` (rows = cases, columns = uncertainties) and a
boolean outcome `y` (the cases of interest, e.g. runs that miss their goal), find boxes
`lo <= x <= hi` of the input space where the cases of interest are dense.

Peeling: starting from the box holding every case, repeatedly remove the slice (a share
`alpha` of the cases in the box, at the low or the high end of one input) after whose
removal the remaining box is densest, until the box would hold less than `min_mass` of
all cases (a step may lower the density: the trajectory goes on, as in Friedman and
Fisher's PRIM, so that regions reachable only through a dip are found). Every step is a box on the
peeling trajectory; the box reported is the one with the highest coverage among those
with density >= `threshold` (or, if none reaches it, the densest). Covering: the cases
in that box are set aside and PRIM runs again on the rest, for up to `max_boxes` boxes,
while a box is denser than the cases left.

Pruning: a restriction whose quasi-p-value (one-sided binomial test of the box's
density against the box without that restriction; EMA Workbench reports the same) is
above `p_max` (0.05) is dropped, least significant first, as long as the box keeps its
density within `max_loss` (0.05); the qp values of the kept restrictions are reported.

- coverage: cases of interest in the box / all cases of interest,
- density: cases of interest in the box / cases in the box,
- mass: cases in the box / all cases.

Integer and boolean inputs work as they are: when an `alpha` quantile cuts nothing
(many equal values), the peel removes the lowest (highest) value instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Box:
    """One box: limits per input (inclusive) and its statistics."""

    lo: np.ndarray
    hi: np.ndarray
    coverage: float
    density: float
    mass: float
    n: int
    restricted: list[int] = field(default_factory=list)  # inputs narrower than the data
    qp: dict[int, float] = field(default_factory=dict)  # quasi-p-value per restricted input

    def contains(self, X: np.ndarray) -> np.ndarray:
        return np.all((X >= self.lo) & (X <= self.hi), axis=1)


@dataclass
class PrimResult:
    """The chosen boxes and the peeling trajectory of the first."""

    boxes: list[Box]
    trajectory: list[Box]
    base_rate: float
    cases: int
    total: int


def _box(X, y, inside, lo, hi, total_cases, full_lo, full_hi, n_all) -> Box:
    n = int(inside.sum())
    hits = int(y[inside].sum())
    restricted = [j for j in range(X.shape[1]) if lo[j] > full_lo[j] or hi[j] < full_hi[j]]
    return Box(
        lo.copy(),
        hi.copy(),
        coverage=hits / total_cases if total_cases else 0.0,
        density=hits / n if n else 0.0,
        mass=n / n_all,
        n=n,
        restricted=restricted,
    )


def peel(
    X: np.ndarray,
    y: np.ndarray,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    total_cases: int | None = None,
    full: tuple[np.ndarray, np.ndarray] | None = None,
    n_all: int | None = None,
) -> list[Box]:
    """The peeling trajectory of one box over the cases (X, y)."""
    n_all = n_all or len(y)
    total_cases = int(y.sum()) if total_cases is None else total_cases
    full_lo, full_hi = full if full is not None else (X.min(axis=0), X.max(axis=0))
    lo, hi = X.min(axis=0).astype(float), X.max(axis=0).astype(float)
    inside = np.ones(len(y), dtype=bool)
    traj = [_box(X, y, inside, lo, hi, total_cases, full_lo, full_hi, n_all)]
    min_n = max(1, int(np.ceil(min_mass * n_all)))
    while True:
        best = None  # (density, -removed, j, side, new mask, new limit)
        xs_in, y_in = X[inside], y[inside]
        for j in range(X.shape[1]):
            col = xs_in[:, j]
            for side in ("lo", "hi"):
                if side == "lo":
                    cut = np.quantile(col, alpha)
                    keep = col >= cut if np.any(col < cut) else col > col.min()
                else:
                    cut = np.quantile(col, 1 - alpha)
                    keep = col <= cut if np.any(col > cut) else col < col.max()
                kept = int(keep.sum())
                if kept < min_n or kept == len(col):
                    continue
                density = float(y_in[keep].mean())
                cand = (density, -(len(col) - kept), j, side, keep)
                if best is None or cand[:2] > best[:2]:
                    best = cand
        if best is None:
            return traj
        _, _, j, side, keep = best
        idx = np.flatnonzero(inside)
        inside = inside.copy()
        inside[idx[~keep]] = False
        vals = X[inside, j]
        if side == "lo":
            lo[j] = vals.min()
        else:
            hi[j] = vals.max()
        traj.append(_box(X, y, inside, lo, hi, total_cases, full_lo, full_hi, n_all))


def quasi_p(X: np.ndarray, y: np.ndarray, box: Box, j: int, full) -> float:
    """How likely is the box's density if input j did not matter? One-sided binomial
    test of the box's hits against the density of the box with input j unrestricted."""
    from scipy.stats import binom

    inside = box.contains(X)
    lo, hi = box.lo.copy(), box.hi.copy()
    lo[j], hi[j] = full[0][j], full[1][j]
    relaxed = np.all((X >= lo) & (X <= hi), axis=1)
    n, h = int(inside.sum()), int(y[inside].sum())
    p = float(y[relaxed].mean()) if relaxed.any() else 0.0
    return float(binom.sf(h - 1, n, p)) if n else 1.0


def prune(
    X, y, box: Box, total: int, full, n_all: int, p_max: float = 0.05, max_loss: float = 0.05
) -> Box:
    """Drop restrictions that do not matter: while the least significant restricted
    input has a quasi-p-value > p_max and relaxing it to its whole range costs at most
    `max_loss` of the chosen box's density, relax it."""
    floor = box.density - max_loss
    while box.restricted:
        qps = {j: quasi_p(X, y, box, j, full) for j in box.restricted}
        box.qp = qps
        for j in sorted(qps, key=qps.get, reverse=True):
            if qps[j] <= p_max:
                return box
            lo, hi = box.lo.copy(), box.hi.copy()
            lo[j], hi[j] = full[0][j], full[1][j]
            inside = np.all((X >= lo) & (X <= hi), axis=1)
            relaxed = _box(X, y, inside, lo, hi, total, full[0], full[1], n_all)
            if relaxed.density >= floor:
                box = relaxed
                break
        else:
            return box
    return box


def choose(traj: list[Box], threshold: float) -> Box:
    """Highest coverage with density >= threshold; else the densest box."""
    good = [b for b in traj if b.density >= threshold]
    if good:
        return max(good, key=lambda b: (b.coverage, b.density))
    return max(traj, key=lambda b: (b.density, b.coverage))


def prim(
    X: np.ndarray,
    y: np.ndarray,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    threshold: float = 0.8,
    max_boxes: int = 2,
    p_max: float = 0.05,
) -> PrimResult:
    """Boxes of the input space where `y` is dense (covering: up to `max_boxes`)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError("X must be (cases, inputs) and y one value per case")
    total = int(y.sum())
    full = (X.min(axis=0), X.max(axis=0))
    boxes: list[Box] = []
    first_traj: list[Box] = []
    left = np.ones(len(y), dtype=bool)
    while len(boxes) < max_boxes and left.any() and y[left].any():
        Xl, yl = X[left], y[left]
        traj = peel(Xl, yl, alpha, min_mass, total, full, n_all=len(y))
        box = prune(Xl, yl, choose(traj, threshold), total, full, len(y), p_max)
        if boxes and (box.density <= yl.mean() or not box.restricted):
            break  # no better than what is left: stop covering
        if not box.restricted:
            boxes.append(box)
            first_traj = first_traj or traj
            break
        boxes.append(box)
        first_traj = first_traj or traj
        left &= ~box.contains(X)
    return PrimResult(boxes, first_traj, total / len(y) if len(y) else 0.0, total, len(y))
