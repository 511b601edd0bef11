"""`run()`: one simulation of a scenario and seed, returned as tables and a summary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from model.checks import check_seed, check_snapshot_weeks
from model.engine import SeedLike, Simulation
from model.metrics import horizon, summarise, weekly_frame
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
    """Run a scenario (object, preset name, path or dict) once.

    seed: int or numpy SeedSequence (default: the scenario's `seed`).
    snapshots: extra weeks for employee snapshots (week 0 and the last week always).
    counterfactual: True by default: a *second* simulation, the tool-only plan
    (`tool_only`: same tool, rollout and phases, no change measures) on the same seed,
    gives `change_roi`, the return of the change measures themselves. It roughly
    doubles the cost of a run; `counterfactual=False` skips it (`change_roi` is then
    None). It runs only in the "full" dynamics mode and when the plan has change costs.
    """
    sc = load_scenario(scenario, overrides)
    if weeks is not None:
        sc = sc.with_overrides({"weeks": weeks})
    seed = check_seed(seed)
    weeks_wanted = set(check_snapshot_weeks(snapshots, sc.weeks)) | {0, sc.weeks}
    sim, columns, summary = simulate(sc, seed, weeks_wanted, counterfactual)
    return RunResult(weekly_frame(columns), summary, sim.recorder.snapshots)


def simulate(
    sc: Scenario, seed: SeedLike, snapshot_weeks: set[int], counterfactual: bool
) -> tuple[Simulation, dict[str, Any], dict[str, Any]]:
    """One run of a validated scenario: the simulation, its weekly columns
    (`Recorder.columns`) and its summary, with no DataFrame built; batches that keep
    only summaries and a few weekly columns call this instead of `run()`."""
    seed = check_seed(seed)
    sim = Simulation(sc, seed=seed, snapshot_weeks=snapshot_weeks).run()
    columns = sim.recorder.columns(sc.weeks)
    summary = summarise(sim, columns)
    if counterfactual and sc.dynamics.mode == "full":
        summary["change_roi"] = change_roi(sim, summary, seed)
    return sim, columns, summary


def change_roi(sim: Simulation, summary: dict[str, Any], seed: SeedLike) -> float | None:
    """Return of the change measures over the economic horizon: (extra benefit thanks
    to them - their cost) / their cost, against a real run of the same scenario and
    seed without change management (`tool_only`). Benefits count direct and indirect
    effects; the cost of the measures is the plan's cost beyond the bare rollout's."""
    base_sim = Simulation(tool_only(sim.scenario), seed=seed).run()
    base_weekly = base_sim.recorder.columns(sim.scenario.weeks)
    base = horizon(base_weekly, sim.scenario, base_sim.ledger.ongoing_rate())

    def benefit(h: dict[str, Any]) -> float:
        return h["horizon_benefit_direct_eur"] + h["horizon_benefit_indirect_eur"]

    cost = summary["horizon_cost_eur"] - base["horizon_cost_eur"]
    if cost <= 0:
        return None
    return (benefit(summary) - benefit(base) - cost) / cost
