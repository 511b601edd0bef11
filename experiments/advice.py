"""`adoptsim advice`: can the model's advice be trusted? The mechanism checks of
docs/ODD.md ("Mechanisms"), each on paired seeds (common random numbers) with a 95%
interval, printed as one table; exit 1 when a check fails.

Every cell is a plan (preset plus overrides) run `--runs` times on the same run seeds,
through the one batch runner (experiments/runner.py).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.executors import make_executor
from experiments.runner import Batch, execute, make_context
from experiments.stats import mean_ci
from model.scenario import CULTURES, load_scenario

FIVE, BIG, NONE, TYPICAL = "five_phase", "big_bang", "no_change_management", "typical_sme"
HOURS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
# removing one lever from five_phase: (name, overrides, KPI, direction the domain gives)
REMOVALS: tuple[tuple[str, dict[str, Any], str, int], ...] = (
    (
        "communication",
        {"strategy.communication": []},
        "final_concern_existential_share",
        +1,
    ),
    (
        "transparency",
        {"strategy.transparency.updates_every_weeks": 0},
        "final_concern_existential_share",
        +1,
    ),
    ("training", {"strategy.training.budget_share": 0.0}, "final_mean_competence", -1),
    (
        "champions",
        {"strategy.champions.count": 0},  # an explicit count wins over the per-head rule
        "final_active_share",
        -1,
    ),
    (
        "quick wins",
        {"strategy.quick_wins.pilot": "none", "strategy.quick_wins.broadcast": False},
        "final_expects_benefit_share",
        -1,
    ),
    ("concern board", {"strategy.resistance.concern_board": False}, "final_mean_attitude", -1),
    (
        "objection anticipation",
        {"strategy.resistance.objection_anticipation": False},
        "final_concern_existential_share",
        +1,
    ),
    (
        "critics as advisers",
        {"strategy.resistance.critics_as_advisors": False},
        "final_mean_attitude",
        -1,
    ),
    (
        "works council early",
        {"strategy.works_council.involvement": "late"},
        "final_concern_control_share",
        +1,
    ),
    ("leadership", {"strategy.leadership.role_modelling": False}, "final_mean_attitude", -1),
    (
        "process integration",
        {"strategy.anchoring.process_integration_week": None},
        "final_active_share",
        -1,
    ),
    (
        "community of practice",
        {"strategy.anchoring.community_of_practice": False},
        "final_new_use_cases",
        -1,
    ),
)


@dataclass(frozen=True)
class Cell:
    """A plan with overrides (as sorted JSON, so that cells can be dictionary keys)."""

    plan: str
    overrides_json: str = "{}"
    counterfactual: bool = False

    @property
    def overrides(self) -> dict[str, Any]:
        return json.loads(self.overrides_json)


def cell(plan: str, counterfactual: bool = False, **overrides: Any) -> Cell:
    dotted = {k.replace("__", "."): v for k, v in overrides.items()}
    return Cell(plan, json.dumps(dotted, sort_keys=True), counterfactual)


def culture(plan: str, c: str) -> Cell:
    return cell(plan, organisation__culture=c)


def _cells() -> list[Cell]:
    cells = [culture(p, c) for p in (FIVE, BIG, NONE) for c in CULTURES]
    cells += [cell(FIVE, tool__hours_saved_per_week=h) for h in HOURS]
    cells.append(cell(FIVE, tool__usefulness=0.2, tool__reliability=0.5, tool__ease_of_use=0.2))
    cells += [cell(p, True, tool__hours_saved_per_week=2.0) for p in (FIVE, TYPICAL)]
    cells += [cell(FIVE, organisation__employees=n) for n in (20, 200)]
    cells.append(cell(FIVE))
    cells += [
        cell(FIVE, **{k.replace(".", "__"): v for k, v in ov.items()}) for _, ov, _, _ in REMOVALS
    ]
    return cells


def run_cells(cells: list[Cell], runs: int, seed: int, workers: int) -> dict[Cell, pd.DataFrame]:
    """Every cell's per-run summaries (rows ordered by run index), through the runner."""
    out: dict[Cell, pd.DataFrame] = {}
    for counterfactual in (False, True):
        group = [c for c in cells if c.counterfactual == counterfactual]
        if not group:
            continue
        plans = sorted({c.plan for c in group})
        ctx = make_context([load_scenario(p) for p in plans], {}, seed, None, counterfactual)
        points = [(plans.index(c.plan), c.overrides) for c in group]
        store = _ListStore()
        executor = make_executor(workers)
        try:
            execute(Batch(ctx, points, runs), store, executor)
        finally:
            executor.close()
        df = pd.DataFrame(store.records).sort_values(["point", "run"])
        for i, c in enumerate(group):
            out[c] = df[df["point"] == i].reset_index(drop=True)
    return out


class _ListStore:
    """The runner's store protocol, in memory."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def done(self) -> set[tuple[int, int]]:
        return set()

    def write(self, records: list[dict[str, Any]]) -> None:
        self.records += records


@dataclass
class Check:
    name: str
    value: float
    ci: tuple[float | None, float | None]
    passed: bool
    wanted: str


def _x(df: pd.DataFrame, field: str) -> np.ndarray:
    return pd.to_numeric(df[field], errors="coerce").to_numpy(dtype=float)


def _mean(
    name: str, x: np.ndarray, ok: Callable[[float, float, float], bool], wanted: str
) -> Check:
    x = x[np.isfinite(x)]
    lo, hi = mean_ci(x)
    m = float(x.mean()) if x.size else float("nan")
    lo_, hi_ = (m if lo is None else lo), (m if hi is None else hi)
    return Check(name, m, (lo, hi), bool(ok(m, lo_, hi_)), wanted)


def checks(res: dict[Cell, pd.DataFrame]) -> list[Check]:
    """Every check of issue 10's list, from the cells' results."""
    out: list[Check] = []
    act = "final_active_share"
    at = {h: _x(res[cell(FIVE, tool__hours_saved_per_week=h)], act) for h in HOURS}
    out.append(
        _mean(
            "tool saving 0 h: five_phase active share",
            at[0.0],
            lambda m, lo, hi: m <= 0.10,
            "<= 0.10",
        )
    )
    poor = cell(FIVE, tool__usefulness=0.2, tool__reliability=0.5, tool__ease_of_use=0.2)
    out.append(
        _mean(
            "poor tool: five_phase active share",
            _x(res[poor], act),
            lambda m, lo, hi: m <= 0.30,
            "<= 0.30",
        )
    )
    means = [at[h].mean() for h in HOURS]
    steps = np.diff(means)
    out.append(
        Check(
            "more hours saved never lowers active share (min step)",
            float(steps.min()),
            (None, None),
            bool((steps >= 0).all()),
            ">= 0",
        )
    )
    for c in CULTURES:
        none_c = _x(res[culture(NONE, c)], act)
        out.append(
            _mean(
                f"no_change_management {c}: active share",
                none_c,
                lambda m, lo, hi: lo > 0.02,
                "clearly > 0",
            )
        )
        diff = none_c - _x(res[culture(FIVE, c)], act)
        out.append(
            _mean(f"no_change_management - five_phase {c}", diff, lambda m, lo, hi: hi < 0, "< 0")
        )
    f = {c: _x(res[culture(FIVE, c)], act) for c in CULTURES}
    for a, b in zip(CULTURES, CULTURES[1:], strict=False):
        out.append(_mean(f"five_phase {a} - {b}", f[a] - f[b], lambda m, lo, hi: m > 0, "> 0"))
    gap = f["innovation"] - f["hierarchy"]
    out.append(
        _mean("five_phase innovation - hierarchy", gap, lambda m, lo, hi: m >= 0.15, ">= 0.15")
    )
    adv = {}
    for c in CULTURES:
        peak = _x(res[culture(BIG, c)], "peak_resistant_share") - _x(
            res[culture(FIVE, c)], "peak_resistant_share"
        )
        out.append(
            _mean(
                f"peak resistance big_bang - five_phase {c}", peak, lambda m, lo, hi: lo > 0, "> 0"
            )
        )
        adv[c] = _x(res[culture(FIVE, c)], "final_positive_share") - _x(
            res[culture(BIG, c)], "final_positive_share"
        )
    out.append(
        _mean(
            "phasing's positive-share advantage: hierarchy - innovation",
            adv["hierarchy"] - adv["innovation"],
            lambda m, lo, hi: m > 0,
            "> 0",
        )
    )
    roi5 = res[cell(FIVE, True, tool__hours_saved_per_week=2.0)]
    roit = res[cell(TYPICAL, True, tool__hours_saved_per_week=2.0)]
    out.append(
        _mean(
            "five_phase 3-year ROI (2 h/week, ~60% users)",
            _x(roi5, "roi_horizon"),
            lambda m, lo, hi: m > 0,
            "> 0",
        )
    )
    out.append(
        _mean(
            "change_roi five_phase - typical_sme (3 years)",
            _x(roi5, "change_roi") - _x(roit, "change_roi"),
            lambda m, lo, hi: m > 0,
            "> 0",
        )
    )
    small, big = (
        _x(res[cell(FIVE, organisation__employees=n)], "cost_total_eur") for n in (20, 200)
    )
    ratio = float(small.mean() / big.mean())
    out.append(
        Check("five_phase cost at 20 / at 200 staff", ratio, (None, None), ratio < 0.25, "< 0.25")
    )
    base = res[cell(FIVE)]
    for name, ov, kpi, sign in REMOVALS:
        d = _x(res[cell(FIVE, **{k.replace(".", "__"): v for k, v in ov.items()})], kpi) - _x(
            base, kpi
        )
        ok = (lambda m, lo, hi: lo > 0) if sign > 0 else (lambda m, lo, hi: hi < 0)
        out.append(_mean(f"without {name}: {kpi}", d, ok, "> 0" if sign > 0 else "< 0"))
    return out


def _fmt(v: float | None) -> str:
    return "-" if v is None or not np.isfinite(v) else f"{v:.3f}"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("advice", help="mechanism checks: can the model's advice be trusted?")
    p.add_argument(
        "--runs",
        type=int,
        default=200,
        help="runs per cell (paired seeds; 200 resolve the smallest effect checked, "
        "champions removed from five_phase, about -0.02)",
    )
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--workers", type=int, default=0, help="worker processes (0 = all cores)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_advice)


def cmd_advice(args: argparse.Namespace) -> int:
    res = run_cells(_cells(), args.runs, args.seed, args.workers)
    found = checks(res)
    if args.json:
        print(json.dumps({"runs": args.runs, "checks": [c.__dict__ for c in found]}, default=float))
    else:
        print(f"{'check':64s} {'value':>8s} {'95% CI':>20s} {'wanted':>10s}  ok")
        for c in found:
            ci = f"[{_fmt(c.ci[0])}, {_fmt(c.ci[1])}]"
            ok = "PASS" if c.passed else "FAIL"
            print(f"{c.name:64s} {_fmt(c.value):>8s} {ci:>20s} {c.wanted:>10s}  {ok}")
        print(
            f"{sum(c.passed for c in found)}/{len(found)} checks pass ({args.runs} runs per cell)"
        )
    return 0 if all(c.passed for c in found) else 1
