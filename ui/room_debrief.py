"""The room's debrief: every team's decisions, each with its effect estimated over many
seeds (the room's seed shows one possible future; a lesson should hold across many).

For each team the full decision log (event cards included) and the log without one
decision are replayed on `runs` seeds (`SeedSequence(room seed).spawn(runs)`, common
random numbers), in the batch runner's worker processes, not in the web server's
threads. A decision's effect is the paired mean difference of the final shares (with
minus without) with its 95% interval (`experiments.stats.paired_interval`).

Each replay also returns its weekly active and resistant shares (float32, weeks + 1
values), so the debrief keeps, per design point, the mean weekly curve over the seeds:
the facilitator's "with / without" chart of one decision (`debrief_svg`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.executors import collect
from experiments.runner import Batch, Context, Task
from experiments.stats import paired_interval
from model import load_scenario
from ui.charts import PLAN_COLOURS
from ui.workshop import LEVERS, MAX_LEAVE_ONE_OUT, Decision, WorkshopSession, is_event

DEBRIEF_RUNS = 20
OUTCOMES = ("active_share", "resistant_share")


def replay_measure(ctx: Context, task: Task, seed_seq: np.random.SeedSequence) -> dict[str, Any]:
    """One replay of a decision log (the point's `log`) on one seed: the final shares
    (`active_share`, `resistant_share`) and their weekly curves (`weekly_active_share`,
    `weekly_resistant_share`: float32 arrays of weeks + 1 values, week 0 first)."""
    _, _, plan, overrides = task
    session = WorkshopSession(ctx.plans[plan], seed_seq, float("inf"))  # type: ignore[arg-type]
    session.script = [Decision(int(w), str(k), "", 0.0, 0.0, "") for w, k in overrides["log"]]
    session.run_to_end()
    weekly = session.weekly()
    out: dict[str, Any] = {c: float(weekly[c].iloc[-1]) for c in OUTCOMES}
    for c in OUTCOMES:
        out[f"weekly_{c}"] = weekly[c].to_numpy(dtype=np.float32)
    return out


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


EFFECT_COLUMNS = (
    ["team", "week", "decision"]
    + [f"{c}_{s}" for c in OUTCOMES for s in ("effect", "low", "high")]
    + [f"{c}_{s}" for c in OUTCOMES for s in ("with", "without")]
    + ["runs"]
)


@dataclass(frozen=True)
class Debrief:
    """The debrief's table (`effects`, one row per team decision) and the mean weekly
    curves over the seeds: `full[team][outcome]` with the team's whole log,
    `without[row][outcome]` without the decision of `effects` row `row`."""

    effects: pd.DataFrame
    full: dict[str, dict[str, np.ndarray]]
    without: list[dict[str, np.ndarray]]

    def curves(self, row: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """outcome -> (mean curve with all the team's decisions, without this row's)."""
        team = str(self.effects["team"].iloc[row])
        return {c: (self.full[team][c], self.without[row][c]) for c in OUTCOMES}

    def choices(self) -> list[str]:
        """One unique label per table row (for a select)."""
        return [
            f"{i + 1}. {r.team}, week {r.week}: {r.decision}"
            for i, r in enumerate(self.effects.itertuples(index=False))
        ]


def run_debrief(
    preset: str,
    seed: int,
    logs: dict[str, list[Decision]],
    runs: int = DEBRIEF_RUNS,
    workers: int = 2,
    on_progress: Callable[[float], None] | None = None,
) -> Debrief:
    """One row per team decision: its effect on the final active and resistant shares
    (mean over `runs` seeds, 95% CI) and the mean final shares with and without it; and
    the mean weekly curves of every replayed log (the with / without chart)."""
    points = debrief_points(logs)
    if not points:
        return Debrief(pd.DataFrame(columns=EFFECT_COLUMNS), {}, [])
    ctx = Context(
        plans=(load_scenario(preset),), overrides={}, seed=int(seed), measure=replay_measure
    )
    records = collect(Batch(ctx, [(0, p) for p in points], runs), workers, on_progress)
    table = pd.DataFrame(records)
    by_point = {p: g for p, g in table.groupby("point")}

    def mean_curves(k: int) -> dict[str, np.ndarray]:
        g = by_point[k]
        return {c: np.stack(list(g[f"weekly_{c}"])).astype(float).mean(axis=0) for c in OUTCOMES}

    full_of = {p["team"]: k for k, p in enumerate(points) if p["left_out"] is None}
    full = {team: mean_curves(k) for team, k in full_of.items()}
    rows, without = [], []
    for k, p in enumerate(points):
        if p["left_out"] is None:
            continue
        with_ = by_point[full_of[p["team"]]]
        wo = by_point[k]
        d: Decision = logs[p["team"]][p["left_out"]]
        row: dict[str, Any] = {"team": p["team"], "week": d.week, "decision": d.label}
        for c in OUTCOMES:
            m, lo, hi = paired_interval(wo[c], with_[c], bounds=(0.0, 1.0))
            row[f"{c}_effect"], row[f"{c}_low"], row[f"{c}_high"] = m, lo, hi
            row[f"{c}_with"], row[f"{c}_without"] = float(with_[c].mean()), float(wo[c].mean())
        row["runs"] = runs
        rows.append(row)
        without.append(mean_curves(k))
    return Debrief(pd.DataFrame(rows, columns=EFFECT_COLUMNS), full, without)


# blue / vermillion of the UI's colour-blind-safe palette; also thick / thin
WITH_COLOUR, WITHOUT_COLOUR = PLAN_COLOURS[0], PLAN_COLOURS[1]


def debrief_svg(debrief: Debrief, row: int) -> str:
    """The with / without chart of one decision (`effects` row `row`): the mean active
    use (solid) and resistant share (dotted) over the seeds, week by week, with all of
    the team's decisions (blue, thick) and without this one (orange, thin); a vertical
    line at the decision's week."""
    from ui.svg_chart import Line, line_chart_svg  # not in the replay workers

    r = debrief.effects.iloc[row]
    curves = debrief.curves(row)
    (act_with, act_without), (res_with, res_without) = (curves[c] for c in OUTCOMES)
    lines = [
        Line("active use: with", act_with, WITH_COLOUR, 2.6),
        Line("active use: without", act_without, WITHOUT_COLOUR, 1.6),
        Line("resistant: with", res_with, WITH_COLOUR, 2.6, "2,3"),
        Line("resistant: without", res_without, WITHOUT_COLOUR, 1.6, "2,3"),
    ]
    weeks = len(act_with) - 1
    title = f"{r.team}: {r.decision} (week {r.week}), mean of {int(r.runs)} seeds"
    return line_chart_svg(
        lines, weeks, title, [int(r.week)], x_label="week (vertical line: the decision)"
    )


def labelled(log: list[tuple[int, str]]) -> list[Decision]:
    """Decisions from (week, lever key) pairs."""
    return [Decision(int(w), k, LEVERS[k].label, 0.0, 0.0, "") for w, k in log if k in LEVERS]
