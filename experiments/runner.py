"""The one runner of every batch command: (design point, run index) tasks -> run summaries.

A *batch* is a list of design points (a plan, i.e. a base scenario, plus dotted-key
overrides) times `runs` run indices. Ensemble: one point; compare: one point per plan;
sweep: the factorial grid; sensitivity: one point per sample row.

Seeding (DESIGN section 4): run `i` uses `numpy.random.SeedSequence(seed).spawn(R)[i]`,
which is `SeedSequence(seed, spawn_key=(i,))` whatever R is. Every design point uses the
same run seeds (common random numbers), so a result depends only on (point, run index):
never on the executor, the worker count or the chunking, and a store can grow its
number of runs later without changing the runs it holds.

With `--population sme` run `i` first draws its organisation from its run seed
(`model.population.draw_organisation`), then the `--set` overrides and the point's
overrides are applied, so `--set organisation.culture=hierarchy` fixes the culture.

Tasks travel to workers in chunks; the `Context` (validated Scenario objects, overrides,
seed) is shipped once per worker, never re-loaded from disk per run.

What one run records is `run()`'s summary by default; a `Context.measure` (a picklable
module-level function, e.g. a calibration target's measurement) replaces it, so every
multi-seed loop (batch commands, calibration, lever checks) shares this runner, its
executors and its seeding. `execute` reports finished records and progress through
callbacks, and stops between chunks when asked to; the store is optional.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.errors import Problem, ScenarioError
from model.population import draw_organisation
from model.run import simulate
from model.scenario import Scenario, load_scenario, parse_override

# (point index, run index, plan index, the point's overrides)
Task = tuple[int, int, int, dict[str, Any]]
MAX_CHUNK = 64


def run_seed(seed: int, index: int) -> np.random.SeedSequence:
    """The seed of run `index`: equal to `SeedSequence(seed).spawn(R)[index]` for any R."""
    return np.random.SeedSequence(seed, spawn_key=(index,))


@dataclass(frozen=True)
class Context:
    """What every task of a batch shares; shipped to each worker once."""

    plans: tuple[Scenario, ...]  # validated, with the --set overrides applied
    overrides: dict[str, Any]  # the --set overrides (re-applied after a population draw)
    seed: int
    population: str | None = None
    counterfactual: bool = True  # compute change_roi (doubles the cost of a run)
    weekly: tuple[str, ...] = ()  # weekly columns kept per run as lists (for charts)
    # measure(ctx, task, seed_seq) -> the run's record fields, instead of run()'s summary
    measure: Callable[[Context, Task, np.random.SeedSequence], dict[str, Any]] | None = None


@dataclass
class ChunkResult:
    """Records of a finished chunk, or the user-input problems that stopped it."""

    tasks: list[Task]
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def scenario_for(ctx: Context, plan: int, overrides: dict, seed_seq) -> Scenario:
    """The scenario of one run: population draw (if any), then --set, then the point."""
    sc = ctx.plans[plan]
    if ctx.population:
        sc = draw_organisation(sc, seed_seq)
        if ctx.overrides:
            sc = sc.with_overrides(ctx.overrides, "--set")
    if overrides:
        sc = sc.with_overrides(overrides, "design point")
    return sc


def run_task(ctx: Context, task: Task, cache: dict | None = None) -> dict[str, Any]:
    """One run: its summary plus `point`, `run`, the point's inputs (dotted keys as
    columns; lists and tables as JSON text) and the kept weekly columns."""
    point, index, plan, overrides = task
    seed_seq = run_seed(ctx.seed, index)
    if ctx.measure is not None:
        return {"point": point, "run": index, **ctx.measure(ctx, task, seed_seq)}
    if ctx.population:
        sc = scenario_for(ctx, plan, overrides, seed_seq)
    else:  # the scenario of a point is the same for all its runs
        key = (plan, point)
        sc = None if cache is None else cache.get(key)
        if sc is None:
            sc = scenario_for(ctx, plan, overrides, seed_seq)
            if cache is not None:
                cache.clear()  # chunks hold few points; keep one
                cache[key] = sc
    _, columns, summary = simulate(sc, seed_seq, {0, sc.weeks}, ctx.counterfactual)
    inputs = {k: v if _scalar(v) else json.dumps(v) for k, v in overrides.items()}
    record = {"point": point, "run": index, **inputs, **summary}
    for col in ctx.weekly:
        record[f"weekly_{col}"] = np.asarray(columns[col], dtype=float).tolist()
    return record


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, bool | int | float | str)


def run_chunk(ctx: Context, tasks: list[Task]) -> ChunkResult:
    """Run a chunk of tasks; user-input problems are returned (they pickle), not raised."""
    start = time.perf_counter()
    out = ChunkResult(tasks)
    cache: dict = {}
    try:
        out.records = [run_task(ctx, t, cache) for t in tasks]
    except ScenarioError as exc:
        out.records = []
        out.problems = list(exc.problems)
    out.seconds = time.perf_counter() - start
    return out


# --------------------------------------------------------------------------- batches


@dataclass
class Batch:
    """Design points x run indices, with the context every run shares."""

    ctx: Context
    points: list[tuple[int, dict[str, Any]]]  # (plan index, overrides)
    runs: int
    point_runs: Sequence[int] | None = None  # runs of each point, if not `runs` for all

    def runs_of(self, point: int) -> int:
        return self.runs if self.point_runs is None else self.point_runs[point]

    @property
    def size(self) -> int:
        return sum(self.runs_of(p) for p in range(len(self.points)))

    def tasks(self, done: Iterable[tuple[int, int]] = ()) -> list[Task]:
        """Tasks not yet done, ordered point by point, run by run."""
        done = set(done)
        return [
            (p, r, plan, ov)
            for p, (plan, ov) in enumerate(self.points)
            for r in range(self.runs_of(p))
            if (p, r) not in done
        ]


def chunk_size_for(n_tasks: int, workers: int, requested: int | None = None) -> int:
    """Chunks small enough to balance load and to lose little on a kill, large enough
    to keep the per-chunk overhead (one Parquet part) small: at most 64 runs."""
    if requested:
        return max(1, requested)
    return max(1, min(MAX_CHUNK, math.ceil(n_tasks / max(1, workers * 8))))


def chunked(tasks: Sequence[Task], size: int) -> list[list[Task]]:
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


def execute(
    batch: Batch,
    store,
    executor,
    *,
    progress: bool = False,
    chunk_size: int | None = None,
    label: str = "runs",
    on_result: Callable[[list[dict[str, Any]]], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> bool:
    """Run every task the store does not hold yet; each finished chunk goes to the store.

    store: a ResultStore, or None to keep nothing (the callbacks then get the records).
    on_result(records): called with each finished chunk's records, in finishing order.
    on_progress(n): called with the number of runs each finished chunk completed.
    should_stop(): asked before the first chunk and after each finished chunk; when it
    returns true, the executor drops the chunks not yet finished (a process pool lets
    the running ones end first) and `execute` returns False; True when all tasks ran.
    """
    todo = batch.tasks(store.done() if store is not None else ())
    if not todo:
        return True
    if should_stop is not None and should_stop():
        return False
    size = chunk_size_for(len(todo), executor.workers, chunk_size)
    chunks = chunked(todo, size)
    bar = make_bar(len(todo), progress, label, initial=batch.size - len(todo), total=batch.size)
    results = executor.map_chunks(batch.ctx, chunks)
    try:
        for result in results:
            if result.problems:
                raise ScenarioError(result.problems)
            if store is not None:
                store.write(result.records)
            if on_result is not None:
                on_result(result.records)
            if on_progress is not None:
                on_progress(len(result.records))
            if bar is not None:
                bar.update(len(result.records))
            if should_stop is not None and should_stop():
                return False
    finally:
        close = getattr(results, "close", None)
        if close is not None:  # a generator: its cleanup cancels what has not started
            close()
        if bar is not None:
            bar.close()
    return True


def make_bar(n: int, progress: bool, label: str, initial: int = 0, total: int | None = None):
    """A tqdm bar (runs/s, ETA) on stderr when it is a terminal and progress is wanted."""
    if not progress or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    try:
        sized = os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (OSError, ValueError):
        sized = False
    # a pseudo-terminal without a size (e.g. under `script`) would get an empty bar
    return tqdm(
        total=total or n,
        initial=initial,
        unit=" runs",
        desc=label,
        file=sys.stderr,
        dynamic_ncols=sized,
        ncols=None if sized else 100,
        nrows=None if sized else 20,
        smoothing=0.1,
    )


# --------------------------------------------------------------------------- plans


def parse_overrides(texts: list[str]) -> dict[str, Any]:
    """`--set k=v` strings as a dict (ScenarioError on bad syntax)."""
    return dict(parse_override(t) for t in texts)


def load_plans(specs: Sequence[str], overrides: dict[str, Any]) -> list[Scenario]:
    """Load and validate every plan with the --set overrides; all problems at once."""
    plans, problems = [], []
    for spec in specs:
        try:
            plans.append(load_scenario(spec, overrides, source="--set"))
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return plans


def make_context(
    plans: Sequence[Scenario],
    overrides: dict[str, Any],
    seed: int | None,
    population: str | None = None,
    counterfactual: bool = True,
    weekly: Sequence[str] = (),
) -> Context:
    """The shared context; the base seed defaults to the first plan's `seed`."""
    base_seed = plans[0].seed if seed is None else seed
    if base_seed < 0:
        raise ScenarioError([Problem("--seed", "", base_seed, "an integer >= 0")])
    return Context(
        tuple(plans), dict(overrides), int(base_seed), population, counterfactual, tuple(weekly)
    )
