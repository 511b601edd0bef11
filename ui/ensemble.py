"""Compare plans on one organisation: ensembles with common random numbers, bands, CIs.

Every plan runs with the same R seeds, `numpy.random.SeedSequence(seed).spawn(R)`, so
run r of every plan sees the same workforce, network and random draws as far as the
plans allow: differences are paired, and their confidence intervals are much narrower
than those of two independent ensembles.

The runs go through the batch runner (`experiments.runner.execute`): one design point
per plan, run `i` seeded by `run_seed(seed, i)`, which is `seeds(seed, runs)[i]`, in the
runner's worker processes (2 by default), not in the web server's threads. A run depends
only on its plan and seed, so the result is the same for any number of workers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.executors import collect
from experiments.runner import Batch, Context, Task
from experiments.stats import bounds_of, interval, paired_interval
from model import Scenario, load_scenario, run

COMPARE_WORKERS = 2  # worker processes of a comparison (1: in this process)

BAND_COLUMNS = ("active_share", "resistant_share", "positive_share", "cost_cumulative_eur")

# (summary field, label, kind) for the tables; kind: share | eur | number | rate
COMPARE_FIELDS = (
    ("final_active_share", "active use at the end", "share"),
    ("peak_active_share", "peak active use", "share"),
    ("final_resistant_share", "resistant at the end", "share"),
    ("final_positive_share", "positive at the end", "share"),
    ("goal_reached", "goal reached", "rate"),
    ("final_nps", "NPS at the end", "number"),
    ("final_mean_competence", "mean competence", "share"),
    ("hours_freed_total", "hours freed", "number"),
    ("cost_total_eur", "total cost", "eur"),
    ("budget_eur", "budget (change measures)", "eur"),
    ("spent_eur", "spent from the budget (cash)", "eur"),
    ("over_budget_eur", "over budget", "eur"),
    ("benefit_total_eur", "benefit", "eur"),
    ("roi", "ROI", "number"),
)
# a higher value is better for all fields except these
NEUTRAL = {"budget_eur"}  # a plan's choice, neither good nor bad
LOWER_IS_BETTER = {"final_resistant_share", "cost_total_eur", "spent_eur", "over_budget_eur"}


def plan_on_organisation(base: Scenario, plan: Scenario) -> Scenario:
    """The plan's strategy and budget applied to the base scenario's organisation.

    Organisation, network, tool, goals, horizon, seed, dynamics and parameters come from
    `base`; only what a planner decides (strategy and budget) comes from `plan`.
    """
    return base.model_copy(
        update={
            "name": plan.name,
            "description": plan.description,
            "strategy": plan.strategy,
            "budget": plan.budget,
        }
    )


def seeds(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """The common random numbers: one child seed per run, shared by every plan."""
    return np.random.SeedSequence(int(seed)).spawn(int(runs))


@dataclass
class CompareResult:
    plans: list[str]
    runs: int
    seed: int
    weekly: dict[str, dict[str, np.ndarray]]  # plan -> column -> (runs, weeks + 1)
    summaries: dict[str, pd.DataFrame]  # plan -> one row per run
    seconds: float = 0.0

    @property
    def weeks(self) -> np.ndarray:
        first = self.weekly[self.plans[0]]["active_share"]
        return np.arange(first.shape[1])

    def band(self, plan: str, column: str, lo: float = 5.0, hi: float = 95.0) -> pd.DataFrame:
        """Median and the lo-hi percentile band of a weekly column, week by week."""
        arr = self.weekly[plan][column]
        q = np.nanpercentile(arr, [lo, 50.0, hi], axis=0)
        return pd.DataFrame({"week": self.weeks, "lo": q[0], "median": q[1], "hi": q[2]})

    def to_dict(self) -> dict:
        """Plain data (lists, records) for the UI database; `from_dict` reverses it."""
        return {
            "plans": self.plans,
            "runs": self.runs,
            "seed": self.seed,
            "seconds": self.seconds,
            "weekly": {
                p: {c: a.tolist() for c, a in cols.items()} for p, cols in self.weekly.items()
            },
            "summaries": {p: df.to_json(orient="records") for p, df in self.summaries.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> CompareResult:
        return cls(
            plans=list(data["plans"]),
            runs=int(data["runs"]),
            seed=int(data["seed"]),
            weekly={
                p: {c: np.asarray(a, dtype=float) for c, a in cols.items()}
                for p, cols in data["weekly"].items()
            },
            summaries={
                p: pd.read_json(io.StringIO(text), orient="records")
                for p, text in data["summaries"].items()
            },
            seconds=float(data.get("seconds", 0.0)),
        )

    def runs_table(self) -> pd.DataFrame:
        """All per-run summaries, one row per plan and run (for the CSV download)."""
        rows = [
            {"plan": plan, "run": i, **row}
            for plan in self.plans
            for i, row in enumerate(self.summaries[plan].to_dict("records"))
        ]
        return pd.DataFrame(rows)


def compare_measure(ctx: Context, task: Task, seed_seq: np.random.SeedSequence) -> dict:
    """One run of a compared plan (the task's plan) on its run seed: the band columns of
    its weekly table as float arrays, and its summary."""
    _, _, plan, _ = task
    res = run(ctx.plans[plan], seed=seed_seq, counterfactual=ctx.counterfactual)
    weekly = {c: res.weekly[c].to_numpy(dtype=float) for c in BAND_COLUMNS}
    return {"weekly": weekly, "summary": res.summary}


def run_compare(
    plans: dict[str, Scenario],
    runs: int = 20,
    seed: int = 1,
    on_progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    workers: int = COMPARE_WORKERS,
) -> CompareResult | None:
    """Run every plan `runs` times with common random numbers; None if stopped early.

    The runs go to the batch runner's worker processes (`workers`; 1 runs them in this
    process); `should_stop` is asked between chunks of runs, `on_progress` gets the
    percentage done after each chunk.
    """
    import time

    t0 = time.perf_counter()
    names = list(plans)
    ctx = Context(
        plans=tuple(plans[n] for n in names),
        overrides={},
        seed=int(seed),
        counterfactual=False,
        measure=compare_measure,
    )
    batch = Batch(ctx, [(k, {}) for k in range(len(names))], int(runs))
    by_run = collect(batch, workers, on_progress, should_stop)
    if by_run is None:
        return None
    of_plan = {name: [r for r in by_run if r["point"] == k] for k, name in enumerate(names)}
    return CompareResult(
        plans=names,
        runs=runs,
        seed=seed,
        weekly={
            p: {c: np.vstack([r["weekly"][c] for r in rs]) for c in BAND_COLUMNS}
            for p, rs in of_plan.items()
        },
        summaries={p: pd.DataFrame([r["summary"] for r in rs]) for p, rs in of_plan.items()},
        seconds=time.perf_counter() - t0,
    )


def _values(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)


def plan_table(result: CompareResult) -> pd.DataFrame:
    """Mean and 95% CI (experiments.stats.interval) of every compared field: one row
    per field, one column per plan."""
    out = []
    for name, label, kind in COMPARE_FIELDS:
        row = {"field": name, "label": label, "kind": kind}
        for plan in result.plans:
            row[plan] = interval(_values(result.summaries[plan], name), bounds=bounds_of(name))
        out.append(row)
    return pd.DataFrame(out)


def verdict(field: str, difference: float | None, significant: bool) -> str:
    """'better', 'worse' or '' (not significant, no difference, or no better direction)."""
    if not significant or difference is None or field in NEUTRAL or difference == 0:
        return ""
    good = difference < 0 if field in LOWER_IS_BETTER else difference > 0
    return "better" if good else "worse"


def differences(result: CompareResult, reference: str | None = None) -> pd.DataFrame:
    """Paired differences (plan - reference) with 95% CIs, per plan and field.

    `better_share` / `worse_share`: the shares of runs in which the plan beats / trails
    the reference (lower is better for resistance and cost; the rest are ties);
    `verdict`: 'better' or 'worse' when the 95% CI excludes zero, '' otherwise.
    """
    reference = reference or result.plans[0]
    ref = result.summaries[reference]
    out = []
    for plan in result.plans:
        if plan == reference:
            continue
        df = result.summaries[plan]
        for name, label, kind in COMPARE_FIELDS:
            a, b = _values(df, name), _values(ref, name)
            d = a - b
            m, lo, hi = paired_interval(b, a, bounds=bounds_of(name))
            ok = np.isfinite(d)
            sign = -1.0 if name in LOWER_IS_BETTER else 1.0
            better = float(np.mean(sign * d[ok] > 1e-12)) if ok.any() else np.nan
            worse = float(np.mean(sign * d[ok] < -1e-12)) if ok.any() else np.nan
            significant = lo is not None and hi is not None and (lo > 0 or hi < 0)
            out.append(
                {
                    "plan": plan,
                    "reference": reference,
                    "field": name,
                    "label": label,
                    "kind": kind,
                    "reference_mean": float(np.nanmean(b)) if ok.any() else np.nan,
                    "plan_mean": float(np.nanmean(a)) if ok.any() else np.nan,
                    "difference": np.nan if m is None else m,
                    "ci_low": np.nan if lo is None else lo,
                    "ci_high": np.nan if hi is None else hi,
                    "better_share": better,
                    "worse_share": worse,
                    "significant": significant,
                    "verdict": verdict(name, m, significant),
                }
            )
    return pd.DataFrame(out)


def plans_from_names(
    base: Scenario,
    names: list[str],
    edited: Scenario | None = None,
    edited_label: str = "edited (What-if)",
    saved: dict[str, Scenario] | None = None,
    own_organisation: bool = False,
) -> dict[str, Scenario]:
    """Scenarios for the chosen plan names (presets, the edited What-if scenario, saved
    plans) on the base organisation, or each on its own (`own_organisation`)."""
    out: dict[str, Scenario] = {}
    saved = saved or {}
    for name in names:
        if name == edited_label and edited is not None:
            plan = edited
        elif name in saved:
            plan = saved[name]
        else:
            plan = load_scenario(name)
        out[name] = plan if own_organisation else plan_on_organisation(base, plan)
    return out
