"""Honest sensitivity noise: how much of an index is seed noise?

Every design point runs on the same run seeds (common random numbers), which freezes the
noise across the design. But a parameter that changes *how many* random draws a run
consumes (e.g. `organisation.employees`) shifts every later draw: with one run per point
its index then also measures seed noise, and re-running the same design with another
seed moves it (issue 13: 0.43 / 0.20 / 0.47 with seeds 1, 2, 3).

With `--runs R >= 2` each replicate r (run index r of every point) is analysed on its
own (a replicate whose output is constant over the design counts as all indices 0);
the spread (SD) of a parameter's index across replicates is its seed noise, and
the index of the averaged output (what is reported) carries about SD / sqrt(R) of it.
The noise reference of a parameter is the 95% half-width 1.96 SD / sqrt(R) (Sobol: of
ST; Morris: of mu*, relative to the output's largest mu*). A parameter whose noise
reference exceeds `--ci-target` is named in a warning. With `--runs 1` the noise cannot
be estimated and a warning says that seed noise is credited to the parameters.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

RUNS_1_WARNING = (
    "--runs 1: seed noise is credited to the parameters (a parameter that changes how "
    "many random draws a run uses gets the noise as its effect); use --runs 2 or more "
    "for a noise estimate"
)


def seed_noise(
    spec,
    method: str,
    X: np.ndarray,
    df: pd.DataFrame,
    outputs: list[str],
    n_points: int,
    weeks: int,
    second_order: bool,
    levels: int,
    seed: int,
    runs: int,
    target: float,
) -> dict[str, Any]:
    """Per output and parameter the seed-noise half-width of the index, the parameters
    above `target` and the warning text (None when there is nothing to warn about)."""
    from experiments.sensitivity import analyse, output_matrix

    if runs < 2:
        return {"replicates": runs, "noise": {}, "noisy": {}, "warning": RUNS_1_WARNING}
    col = "ST" if method == "sobol" else "mu_star"
    per_rep: dict[str, list[np.ndarray]] = {}
    for r in range(runs):
        ys, skipped = output_matrix(df[df["run"] == r], outputs, n_points, weeks)
        tables, _ = analyse(spec, method, X, ys, second_order, levels, seed)
        for out, why in skipped.items():  # no variance in this replicate: no effects
            if why.startswith("constant"):
                per_rep.setdefault(out, []).append(np.zeros(len(spec.parameters)))
        for out, t in tables.items():
            vals = t[col].to_numpy(dtype=float)
            if method == "morris":
                top = np.nanmax(vals) if len(vals) else 0.0
                vals = vals / top if top > 0 else vals * 0.0
            per_rep.setdefault(out, []).append(vals)
    names = [p.key for p in spec.parameters]
    noise: dict[str, dict[str, float | None]] = {}
    noisy: dict[str, list[str]] = {}
    for out, reps in per_rep.items():
        if len(reps) < 2:
            continue
        sd = np.nanstd(np.vstack(reps), axis=0, ddof=1)
        half = 1.96 * sd / math.sqrt(runs)
        pairs = list(zip(names, half, strict=True))
        noise[out] = {n: (float(h) if math.isfinite(h) else None) for n, h in pairs}
        bad = [n for n, h in pairs if not math.isfinite(h) or h > target]
        if bad:
            noisy[out] = bad
    warning = None
    if noisy:
        what = "; ".join(f"{out}: {', '.join(ps)}" for out, ps in noisy.items())
        warning = (
            f"seed noise: the {col} index of these parameters moves by more than "
            f"{target} (95% half-width over {runs} replicates): {what}; use more --runs"
        )
    return {"replicates": runs, "noise": noise, "noisy": noisy, "warning": warning}
