"""Summaries of per-run results: means, medians, 95% confidence intervals, paired differences.

- Numbers: mean, median and the t interval of the mean (mean +- t(0.975, n-1) s/sqrt(n)),
  over the runs where the field is defined (e.g. `goal_week` only where the goal was
  reached; the count of undefined runs is reported under "missing").
- Booleans: the share of runs where it is true, the median of 0/1 and the Wilson score
  interval of the share (well behaved at 0 and 1).
- Text fields (`main_barrier`, `final_phase`): counts per value under "categories".
- Paired differences (compare, common random numbers): per run index, plan minus
  baseline; booleans as 0/1; mean, median and the t interval of the mean difference.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from model.metrics import SUMMARY_FIELDS

INDEX_COLUMNS = ("point", "run")
Z95 = 1.959963984540054


def field_kind(s: pd.Series) -> str | None:
    """'bool', 'number', 'text' or None (index, weekly series or nothing defined)."""
    if s.name in INDEX_COLUMNS or str(s.name).startswith("weekly_"):
        return None
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return "number"
    present = s.dropna()
    if present.empty:
        return "number"
    if all(isinstance(v, bool | np.bool_) for v in present):
        return "bool"
    if all(isinstance(v, int | float | np.integer | np.floating) for v in present):
        return "number"
    return "text"


def ordered_fields(columns) -> list[str]:
    """DESIGN summary fields first, then the others in table order."""
    cols = [c for c in columns if c not in INDEX_COLUMNS and not str(c).startswith("weekly_")]
    first = [f for f in SUMMARY_FIELDS if f in cols]
    return first + [c for c in cols if c not in first]


def _num(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def mean_ci(x: np.ndarray) -> tuple[float | None, float | None]:
    """95% t interval of the mean; (None, None) with fewer than 2 values."""
    n = x.size
    if n < 2:
        return (None, None)
    m = float(x.mean())
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        return (m, m)
    half = float(_st.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return (m - half, m + half)


def wilson(k: float, n: int) -> tuple[float | None, float | None]:
    """95% Wilson score interval of a share k/n."""
    if n == 0:
        return (None, None)
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def describe(values: pd.Series, kind: str) -> dict[str, Any]:
    """{"mean", "median", "ci95"} of one field."""
    if kind == "bool":
        x = values.dropna().astype(float).to_numpy()
        lo, hi = wilson(float(x.sum()), x.size)
    else:
        x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        lo, hi = mean_ci(x)
    if x.size == 0:
        return {"mean": None, "median": None, "ci95": [None, None]}
    return {"mean": _num(x.mean()), "median": _num(np.median(x)), "ci95": [_num(lo), _num(hi)]}


def summarise_runs(df: pd.DataFrame) -> dict[str, Any]:
    """`{"runs": R, "fields": {FIELD: {"mean","median","ci95"}}, ...}` of a run table."""
    fields: dict[str, Any] = {}
    categories: dict[str, dict[str, int]] = {}
    missing: dict[str, int] = {}
    for name in ordered_fields(df.columns):
        s = df[name]
        kind = field_kind(s)
        if kind is None:
            continue
        if kind == "text":
            counts = s.fillna("-").astype(str).value_counts()
            categories[name] = {str(k): int(v) for k, v in counts.items()}
            continue
        fields[name] = describe(s, kind)
        n_missing = int(s.isna().sum())
        if n_missing:
            missing[name] = n_missing
    out: dict[str, Any] = {"runs": int(len(df)), "fields": fields}
    if categories:
        out["categories"] = categories
    if missing:
        out["missing"] = missing
    return out


def paired_differences(base: pd.DataFrame, other: pd.DataFrame) -> dict[str, Any]:
    """Per run index `other - base` for every numeric or boolean field."""
    a = base.set_index("run")
    b = other.set_index("run")
    common = a.index.intersection(b.index)
    a, b = a.loc[common], b.loc[common]
    fields: dict[str, Any] = {}
    for name in ordered_fields(a.columns):
        if name not in b.columns:
            continue
        kind = field_kind(a[name])
        if kind not in ("bool", "number") or field_kind(b[name]) not in ("bool", "number"):
            continue
        xa = pd.to_numeric(a[name].astype("Float64"), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        xb = pd.to_numeric(b[name].astype("Float64"), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        d = xb - xa
        d = d[np.isfinite(d)]
        if d.size == 0:
            fields[name] = {"mean": None, "median": None, "ci95": [None, None]}
            continue
        lo, hi = mean_ci(d)
        fields[name] = {
            "mean": _num(d.mean()),
            "median": _num(np.median(d)),
            "ci95": [_num(lo), _num(hi)],
        }
    return {"runs": int(len(common)), "fields": fields}


def significant(entry: dict[str, Any]) -> bool:
    """True when a 95% interval excludes 0."""
    lo, hi = entry.get("ci95", [None, None])
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def band(series: list, lo: float = 5.0, hi: float = 95.0) -> dict[str, np.ndarray]:
    """Mean, percentile band and 95% CI of the mean of weekly series (runs x weeks)."""
    width = max((len(s) for s in series), default=0)
    m = np.full((len(series), width), np.nan)
    for i, s in enumerate(series):
        m[i, : len(s)] = np.asarray(s, dtype=float)
    n = np.sum(np.isfinite(m), axis=0)
    mean = np.nanmean(m, axis=0)
    sd = np.nanstd(m, axis=0, ddof=1) if len(series) > 1 else np.zeros(width)
    half = Z95 * sd / np.sqrt(np.maximum(n, 1))
    return {
        "week": np.arange(width),
        "mean": mean,
        "lo": np.nanpercentile(m, lo, axis=0),
        "hi": np.nanpercentile(m, hi, axis=0),
        "ci_lo": mean - half,
        "ci_hi": mean + half,
    }
