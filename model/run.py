"""`run()`: one simulation of a scenario and seed, returned as tables and a summary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from model.checks import check_seed, check_snapshot_weeks
from model.engine import SeedLike, Simulation
from model.metrics import summarise
from model.scenario import Scenario, Strategy, WorksCouncil, load_scenario


@dataclass
class RunResult:
    """Weekly KPI table, run summary and the employee snapshots that were recorded."""

    weekly: pd.DataFrame
    summary: dict[str, Any]
    snapshots: Mapping[int, pd.DataFrame] = field(default_factory=dict)

    def snapshot(self, week: int) -> pd.DataFrame:
        """Employee snapshot of `week` (week 0 and the last week are always recorded)."""
        if week not in self.snapshots:
            raise KeyError(
                f"no snapshot for week {week}; recorded: {sorted(self.snapshots)} "
                "(ask for more with run(..., snapshots=[...]))"
            )
        return self.snapshots[week]


def tool_only(scenario: Scenario) -> Scenario:
    """The counterfactual without change measures: same tool, rollout and phase plan;
    no communication, training, champions, quick wins, resistance handling, leadership
    or anchoring; the works council (where there is one) involved late, as the law needs.
    """
    s = scenario.strategy
    bare = Strategy(
        rollout=s.rollout,
        scale_out_after_weeks=s.scale_out_after_weeks,
        phases=s.phases.model_copy(update={"gated": False}),
        training=s.training.model_copy(update={"budget_share": 0.0}),
        works_council=WorksCouncil(involvement="late"),
    )
    return scenario.model_copy(update={"strategy": bare})


def run(
    scenario: Scenario | str,
    seed: SeedLike = None,
    *,
    weeks: int | None = None,
    overrides: dict[str, Any] | None = None,
    snapshots: Iterable[int] | None = None,
    counterfactual: bool = True,
) -> RunResult:
    """Run a scenario (object, preset name or path) once.

    seed: int or numpy SeedSequence (default: the scenario's `seed`).
    snapshots: extra weeks for employee snapshots (week 0 and the last week always).
    counterfactual: also run the tool-only plan with the same seed to compute
    `change_roi` (the return of the change measures themselves).
    """
    sc = load_scenario(scenario, overrides)
    if weeks is not None:
        sc = sc.with_overrides({"weeks": weeks})
    seed = check_seed(seed)
    weeks_wanted = set(check_snapshot_weeks(snapshots, sc.weeks)) | {0, sc.weeks}
    sim = Simulation(sc, seed=seed, snapshot_weeks=weeks_wanted).run()
    weekly = sim.recorder.weekly(sc.weeks)
    summary = summarise(sim, weekly)
    if counterfactual and sc.dynamics.mode == "full":
        summary["change_roi"] = change_roi(sim, seed)
    return RunResult(weekly, summary, sim.recorder.snapshots)


def change_roi(sim: Simulation, seed: SeedLike) -> float | None:
    """(extra benefit thanks to the change measures - their cost) / their cost."""
    cost = sim.ledger.change_cost
    if cost <= 0:
        return None
    base = Simulation(tool_only(sim.scenario), seed=seed).run()
    extra = sim.ledger.benefit_eur - base.ledger.benefit_eur
    return (extra - cost) / cost
