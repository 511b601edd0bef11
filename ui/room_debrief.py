"""The room's debrief: every team's decisions, each with its effect estimated over many
seeds (the room's seed shows one possible future; a lesson should hold across many).

For each team the full decision log (event cards included) and the log without one
decision are replayed on `runs` seeds (`SeedSequence(room seed).spawn(runs)`, common
random numbers), in the batch runner's worker processes, not in the web server's
threads. A decision's effect is the paired mean difference of the final shares (with
minus without) with its 95% interval (`experiments.stats.paired_interval`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from experiments.executors import ProcessExecutor, SerialExecutor
from experiments.runner import Batch, Context, Task, execute
from experiments.stats import paired_interval
from model import load_scenario
from ui.workshop import LEVERS, MAX_LEAVE_ONE_OUT, Decision, WorkshopSession, is_event

DEBRIEF_RUNS = 20
OUTCOMES = ("active_share", "resistant_share")


def replay_measure(ctx: Context, task: Task, seed_seq: np.random.SeedSequence) -> dict[str, Any]:
    """One replay of a decision log (the point's `decisions`) on one seed: final shares."""
    _, _, plan, overrides = task
    session = WorkshopSession(ctx.plans[plan], seed_seq, float("inf"))  # type: ignore[arg-type]
    session.script = [Decision(int(w), str(k), "", 0.0, 0.0, "") for w, k in overrides["log"]]
    session.run_to_end()
    last = session.weekly().iloc[-1]
    return {c: float(last[c]) for c in OUTCOMES}


def debrief_points(logs: dict[str, list[Decision]]) -> list[dict[str, Any]]:
    """Design points: per team its full log, then the log without each decision."""
    points = []
    for team, log in logs.items():
        full = [[d.week, d.lever] for d in log]
        points.append({"team": team, "left_out": None, "log": full})
        for i, d in enumerate(log[:MAX_LEAVE_ONE_OUT]):
            if not is_event(d):
                points.append({"team": team, "left_out": i, "log": full[:i] + full[i + 1 :]})
    return points


def estimate_effects(
    preset: str,
    seed: int,
    logs: dict[str, list[Decision]],
    runs: int = DEBRIEF_RUNS,
    workers: int = 2,
    on_progress: Callable[[float], None] | None = None,
) -> pd.DataFrame:
    """One row per team decision: its effect on the final active and resistant shares
    (mean over `runs` seeds, 95% CI), and the team's mean final shares."""
    points = debrief_points(logs)
    ctx = Context(
        plans=(load_scenario(preset),), overrides={}, seed=int(seed), measure=replay_measure
    )
    batch = Batch(ctx, [(0, p) for p in points], runs)
    records: list[dict[str, Any]] = []
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if on_progress is not None:
            on_progress(100.0 * done[0] / batch.size)

    executor = ProcessExecutor(workers) if workers > 1 else SerialExecutor()
    execute(batch, None, executor, on_result=records.extend, on_progress=progress)
    table = pd.DataFrame(records).sort_values(["point", "run"])
    by_point = {p: g for p, g in table.groupby("point")}
    rows = []
    full_of: dict[str, int] = {}
    for k, p in enumerate(points):
        if p["left_out"] is None:
            full_of[p["team"]] = k
    for k, p in enumerate(points):
        if p["left_out"] is None:
            continue
        with_ = by_point[full_of[p["team"]]]
        without = by_point[k]
        d: Decision = logs[p["team"]][p["left_out"]]
        row: dict[str, Any] = {"team": p["team"], "week": d.week, "decision": d.label}
        for c in OUTCOMES:
            m, lo, hi = paired_interval(without[c], with_[c], bounds=(0.0, 1.0))
            row[f"{c}_effect"], row[f"{c}_low"], row[f"{c}_high"] = m, lo, hi
        row["runs"] = runs
        rows.append(row)
    cols = ["team", "week", "decision"]
    cols += [f"{c}_{s}" for c in OUTCOMES for s in ("effect", "low", "high")] + ["runs"]
    return pd.DataFrame(rows, columns=cols)


def labelled(log: list[tuple[int, str]]) -> list[Decision]:
    """Decisions from (week, lever key) pairs."""
    return [Decision(int(w), k, LEVERS[k].label, 0.0, 0.0, "") for w, k in log if k in LEVERS]
