"""PNG charts of batch results (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def _save(fig, path: str | Path) -> None:
    """Write through a temporary file and rename (a kill never leaves half a PNG)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, dpi=120, bbox_inches="tight", format="png")
    plt.close(fig)
    os.replace(tmp, path)


def band_chart(
    bands: dict[str, dict[str, np.ndarray]],
    path: str | Path,
    title: str,
    ylabel: str = "active share of target users",
) -> None:
    """One line per plan (mean over runs), a light 5-95% band of the runs and a darker
    band for the 95% CI of the mean."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, b) in enumerate(bands.items()):
        c = colours[i % len(colours)]
        ax.fill_between(b["week"], b["lo"], b["hi"], color=c, alpha=0.15, linewidth=0)
        ax.fill_between(b["week"], b["ci_lo"], b["ci_hi"], color=c, alpha=0.35, linewidth=0)
        ax.plot(b["week"], b["mean"], color=c, label=label, linewidth=2)
    ax.set_xlabel("week")
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(
        loc="upper left", fontsize=9, title="mean; bands: 95% CI, 5-95% of runs", title_fontsize=8
    )
    _save(fig, path)


def indices_chart(
    method: str, tables: dict[str, pd.DataFrame], path: str | Path, title: str
) -> None:
    """Bar chart of sensitivity indices, one panel per output.

    Sobol: first order S1 and total order ST with 95% CI whiskers. Morris: mu* with its
    CI and sigma.
    """
    outputs = list(tables)
    n = max(1, len(outputs))
    n_params = max((len(t) for t in tables.values()), default=1)
    fig, axes = plt.subplots(n, 1, figsize=(max(6.0, 0.7 * n_params + 2), 2.8 * n), squeeze=False)
    for ax, out in zip(axes[:, 0], outputs, strict=False):
        t = tables[out]
        x = np.arange(len(t))
        w = 0.4
        if method == "sobol":
            ax.bar(x - w / 2, t["S1"], w, yerr=t["S1_conf"], capsize=2, label="first order S1")
            ax.bar(x + w / 2, t["ST"], w, yerr=t["ST_conf"], capsize=2, label="total order ST")
            ax.set_ylabel("index")
        else:
            ax.bar(x - w / 2, t["mu_star"], w, yerr=t["mu_star_conf"], capsize=2, label="mu*")
            ax.bar(x + w / 2, t["sigma"], w, label="sigma")
            ax.set_ylabel("elementary effect")
        ax.set_xticks(x)
        ax.set_xticklabels([_short(p) for p in t["parameter"]], rotation=35, ha="right", fontsize=8)
        ax.set_title(out, fontsize=10)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    _save(fig, path)


def sweep_chart(
    points: pd.DataFrame, params: list[str], field: str, path: str | Path, title: str
) -> None:
    """Mean of `field` (with 95% CI) against the first swept parameter, one line per
    combination of the others."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    x_key = params[0]
    groups = [((), points)] if len(params) == 1 else points.groupby(params[1:], sort=False)
    for key, g in groups:
        g = g.sort_values(x_key, key=_sort_key)
        xs = [str(v) for v in g[x_key]]
        mean = g[f"{field}.mean"].to_numpy(dtype=float)
        lo = g[f"{field}.ci95_lo"].to_numpy(dtype=float)
        hi = g[f"{field}.ci95_hi"].to_numpy(dtype=float)
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(f"{_short(k)}={v}" for k, v in zip(params[1:], key, strict=False))
        ax.errorbar(
            xs,
            mean,
            yerr=[np.nan_to_num(mean - lo), np.nan_to_num(hi - mean)],
            marker="o",
            capsize=3,
            label=label or None,
        )
    ax.set_xlabel(x_key)
    ax.set_ylabel(field)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(params) > 1:
        ax.legend(fontsize=8)
    _save(fig, path)


def _sort_key(s: pd.Series) -> pd.Series:
    num = pd.to_numeric(s, errors="coerce")
    return num if num.notna().all() else s.astype(str)


def _short(key: str) -> str:
    parts = str(key).split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else str(key)
