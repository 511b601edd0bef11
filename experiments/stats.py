"""The one statistics module: means, medians, 95% confidence intervals, paired differences.

Every interval the CLI and the UI show comes from here:

- `interval(x)`: the t interval of the mean (mean +- t(0.975, n-1) s/sqrt(n)) for numbers,
  or the Wilson score interval of the share when the data are 0/1 (auto-selected, or
  forced with `binary=`). With `bounds` (e.g. (0, 1) for a share) the interval never
  leaves the values the quantity can take; the Wilson interval always lies in [0, 1].
- `paired_interval(a, b)`: the mean of the per-run differences b - a (common random
  numbers) with its interval: for 0/1 data Newcombe's hybrid score interval for paired
  proportions (within [-1, 1] by construction), otherwise the t interval of the
  differences, bounded to [lo - hi, hi - lo] of the quantity's `bounds` (a difference of
  shares lies in [-1, 1]).
- `bounds_of(field)`: the range of a run-summary field known to be bounded (shares,
  trust, competence in [0, 1]; mean attitude in [-1, 1]; NPS in [-100, 100]).

Run tables (`summarise_runs`, `paired_differences`): numbers over the runs where the
field is defined (e.g. `goal_week` only where the goal was reached; the count of
undefined runs is reported under "missing"); booleans as shares; text fields
(`main_barrier`, `final_phase`) as counts per value under "categories".
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from model.metrics import SUMMARY_FIELDS

INDEX_COLUMNS = ("point", "run")
LEVEL = 0.95
UNIT = (0.0, 1.0)
# run-summary fields (and weekly columns, with or without `final_`) that are bounded
_BOUNDED = {
    "trust": UNIT,
    "mean_competence": UNIT,
    "mean_attitude": (-1.0, 1.0),
    "nps": (-100.0, 100.0),
}


def bounds_of(field: str) -> tuple[float, float] | None:
    """The values a summary field can take, when it is bounded (None otherwise)."""
    name = str(field).removeprefix("final_").removeprefix("weekly_")
    if name.endswith("_share") or name == "goal_reached":
        return UNIT
    return _BOUNDED.get(name)


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


def _num(x: float | None) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def as_array(values: Any) -> np.ndarray:
    """Finite float values of a sequence (booleans as 0/1; None, NaN and text dropped)."""
    s = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    x = pd.to_numeric(s.astype(object).map(_to_float), errors="coerce").to_numpy(dtype=float)
    return x[np.isfinite(x)]


def _to_float(v: Any) -> float:
    if v is None or isinstance(v, str):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def is_binary(x: np.ndarray) -> bool:
    """True when every value is 0 or 1 (and there is at least one)."""
    return x.size > 0 and bool(np.all((x == 0.0) | (x == 1.0)))


def _clip(lo, hi, bounds: tuple[float, float] | None):
    if bounds is None:
        return lo, hi
    return np.clip(lo, *bounds), np.clip(hi, *bounds)


def t_halfwidth(sd, n, level: float = LEVEL):
    """Half-width of the t interval of a mean (vectorised; NaN where n < 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = _st.t.ppf(0.5 + level / 2, np.where(n >= 2, n - 1, np.nan))
        return t * np.asarray(sd, dtype=float) / np.sqrt(n)


def mean_ci(
    x: np.ndarray, level: float = LEVEL, bounds: tuple[float, float] | None = None
) -> tuple[float | None, float | None]:
    """t interval of the mean within `bounds`; (None, None) with fewer than 2 values."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return (None, None)
    m = float(x.mean())
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        return (m, m)
    half = float(t_halfwidth(sd, x.size, level))
    lo, hi = _clip(m - half, m + half, bounds)
    return (float(lo), float(hi))


def wilson(k: float, n: int, level: float = LEVEL) -> tuple[float | None, float | None]:
    """Wilson score interval of a share k/n (within [0, 1])."""
    if n == 0:
        return (None, None)
    z = float(_st.norm.ppf(0.5 + level / 2))
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(max(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) / (1 + z2 / n)
    lo = 0.0 if k <= 0 else max(0.0, centre - half)
    hi = 1.0 if k >= n else min(1.0, centre + half)
    return (lo, hi)


def interval(
    values: Any,
    level: float = LEVEL,
    bounds: tuple[float, float] | None = None,
    binary: bool | None = None,
) -> tuple[float | None, float | None, float | None]:
    """(mean, lo, hi): Wilson for 0/1 data (`binary=None` detects it), t otherwise."""
    x = as_array(values)
    if x.size == 0:
        return (None, None, None)
    m = float(x.mean())
    if binary if binary is not None else is_binary(x):
        lo, hi = wilson(float(x.sum()), x.size, level)
    else:
        lo, hi = mean_ci(x, level, bounds)
    return (m, lo, hi)


def newcombe_paired(
    a: np.ndarray, b: np.ndarray, level: float = LEVEL
) -> tuple[float | None, float | None]:
    """Newcombe's (1998, method 10) interval of p(b) - p(a) for paired 0/1 data."""
    n = a.size
    if n == 0:
        return (None, None)
    e = float(np.sum((a == 1) & (b == 1)))
    f = float(np.sum((a == 1) & (b == 0)))
    g = float(np.sum((a == 0) & (b == 1)))
    h = float(n - e - f - g)
    p1, p2 = (e + f) / n, (e + g) / n
    l1, u1 = wilson(e + f, n, level)
    l2, u2 = wilson(e + g, n, level)
    denom = (e + f) * (g + h) * (e + g) * (f + h)
    phi = (e * h - f * g) / math.sqrt(denom) if denom > 0 else 0.0
    d = p2 - p1
    delta = math.sqrt(max((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2, 0))
    eps = math.sqrt(max((u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2, 0))
    return (max(-1.0, d - delta), min(1.0, d + eps))


def paired_interval(
    base: Any,
    other: Any,
    level: float = LEVEL,
    bounds: tuple[float, float] | None = None,
) -> tuple[float | None, float | None, float | None]:
    """(mean, lo, hi) of the per-run differences other - base (pairs with both defined).

    0/1 data: Newcombe's paired interval; numbers: the t interval of the differences,
    within [lo - hi, hi - lo] of `bounds` (so a difference of shares stays in [-1, 1]).
    """
    a = np.asarray([_to_float(v) for v in base], dtype=float)
    b = np.asarray([_to_float(v) for v in other], dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if a.size == 0:
        return (None, None, None)
    d = b - a
    m = float(d.mean())
    if is_binary(a) and is_binary(b):
        lo, hi = newcombe_paired(a, b, level)
    else:
        span = None if bounds is None else (bounds[0] - bounds[1], bounds[1] - bounds[0])
        lo, hi = mean_ci(d, level, span)
    return (m, lo, hi)


def describe(values: pd.Series, kind: str, bounds: tuple[float, float] | None = None) -> dict:
    """{"mean", "median", "ci95"} of one field."""
    x = as_array(values)
    if x.size == 0:
        return {"mean": None, "median": None, "ci95": [None, None]}
    m, lo, hi = interval(x, bounds=bounds, binary=kind == "bool")
    return {"mean": _num(m), "median": _num(np.median(x)), "ci95": [_num(lo), _num(hi)]}


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
        fields[name] = describe(s, kind, bounds_of(name))
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
        xa = [_to_float(v) for v in a[name]]
        xb = [_to_float(v) for v in b[name]]
        m, lo, hi = paired_interval(xa, xb, bounds=bounds_of(name))
        d = np.asarray(xb) - np.asarray(xa)
        d = d[np.isfinite(d)]
        fields[name] = {
            "mean": _num(m),
            "median": _num(np.median(d)) if d.size else None,
            "ci95": [_num(lo), _num(hi)],
        }
    return {"runs": int(len(common)), "fields": fields}


def significant(entry: dict[str, Any]) -> bool:
    """True when a 95% interval excludes 0."""
    lo, hi = entry.get("ci95", [None, None])
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def band(
    series: list, lo: float = 5.0, hi: float = 95.0, bounds: tuple[float, float] | None = UNIT
) -> dict[str, np.ndarray]:
    """Mean, percentile band and 95% CI of the mean of weekly series (runs x weeks).

    The series are shares by default, so the CI stays in [0, 1] (`bounds=None` for
    unbounded series)."""
    width = max((len(s) for s in series), default=0)
    m = np.full((len(series), width), np.nan)
    for i, s in enumerate(series):
        m[i, : len(s)] = np.asarray(s, dtype=float)
    n = np.sum(np.isfinite(m), axis=0)
    mean = np.nanmean(m, axis=0)
    sd = np.nanstd(m, axis=0, ddof=1) if len(series) > 1 else np.zeros(width)
    half = np.where(sd > 0, t_halfwidth(sd, n), 0.0)
    half = np.nan_to_num(half, nan=0.0)
    ci_lo, ci_hi = _clip(mean - half, mean + half, bounds)
    return {
        "week": np.arange(width),
        "mean": mean,
        "lo": np.nanpercentile(m, lo, axis=0),
        "hi": np.nanpercentile(m, hi, axis=0),
        "ci_lo": ci_lo,
        "ci_hi": ci_hi,
    }
