"""A function model for EMA Workbench (or any tool that calls `f(**inputs) -> outcomes`).

    from experiments.ema import ema_function
    f = ema_function("five_phase", outcomes=["final_active_share", "goal_reached"], runs=2)
    f(**{"strategy.champions.count": np.int64(6), "tool.usefulness": 0.7})
    # {"final_active_share": 0.61, "goal_reached": 1.0}

    from ema_workbench import Model, RealParameter, IntegerParameter, ScalarOutcome
    model = Model("adoptsim", function=f)
    model.uncertainties = [RealParameter("tool.usefulness", 0.3, 0.9)]
    model.levers = [IntegerParameter("strategy.champions.count", 0, 15)]
    model.outcomes = [ScalarOutcome("final_active_share"), ScalarOutcome("goal_reached")]

Each call runs the experiment's point `runs` times through `run_batch` (the one runner)
on the run seeds of `seed` (default: the scenario's), the same for every experiment
(common random numbers), and returns each outcome's mean over the runs (booleans as
shares; undefined values are skipped; NaN when undefined in every run). Keyword names
are dotted scenario keys; numpy scalars are accepted. ema_workbench itself is not a
dependency of adoptsim (ema-workbench 2.5 runs on Python 3.11, 3.x needs 3.12).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.batch import run_batch
from model.scenario import Scenario, load_scenario


def ema_function(
    scenario: str | Path | dict | Scenario,
    outcomes: Sequence[str] = ("final_active_share", "goal_reached", "roi"),
    *,
    runs: int = 1,
    seed: int | None = None,
    overrides: dict[str, Any] | None = None,
    counterfactual: bool = False,
) -> Callable[..., dict[str, float]]:
    """`f(**experiment) -> {outcome: mean over runs}` for one scenario."""
    base = load_scenario(scenario, overrides)
    wanted = list(outcomes)
    needs_cf = counterfactual or "change_roi" in wanted

    def adoptsim_model(**experiment: Any) -> dict[str, float]:
        df = run_batch(base, [experiment], runs=runs, seed=seed, counterfactual=needs_cf)
        return {name: _mean(df, name) for name in wanted}

    adoptsim_model.__name__ = f"adoptsim_{base.name}"
    return adoptsim_model


def _mean(df: pd.DataFrame, name: str) -> float:
    if name not in df:
        return float("nan")
    col = df[name]
    x = pd.to_numeric(col.astype("Float64") if col.dtype == "boolean" else col, errors="coerce")
    x = x.astype(float).dropna()
    return float(x.mean()) if len(x) else float(np.nan)
