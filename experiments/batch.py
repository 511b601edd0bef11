"""`run_batch`: a batch of design points from Python, on the one runner of the CLI.

    from model import run_batch
    df = run_batch("five_phase", [{"strategy.champions.count": 0},
                                  {"strategy.champions.count": 12}], runs=20, seed=1)

`points` is a pandas DataFrame (one row per design point, dotted scenario keys as
columns; an empty cell leaves the key at the scenario's value) or a list of dicts of
dotted keys; values may be numpy scalars. Every point runs
the same run seeds (common random numbers): run `i` uses
`numpy.random.SeedSequence(seed).spawn(R)[i]`, so the result depends only on (point, run
index), never on `workers`, `scheduler` or the chunking. The result has one row per run:
`point`, `run`, the point's inputs (its dotted keys), then every run-summary field.

This is `experiments.runner` (tasks, chunks, executors, result store) without the
command line: `adoptsim ensemble/sweep/sensitivity` run through the same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.executors import make_executor
from experiments.runner import Batch, execute, make_context
from experiments.store import open_store
from model.errors import Problem, ScenarioError
from model.scenario import Scenario, load_scenario, plain


def normalise_points(points: Any) -> list[dict[str, Any]]:
    """Design points as a list of {dotted key: plain Python value}."""
    if points is None:
        return [{}]
    if isinstance(points, pd.DataFrame):  # an empty cell (NaN, None) leaves the key unset
        rows = [
            {k: v for k, v in row.items() if not _missing(v)} for row in points.to_dict("records")
        ]
    elif isinstance(points, Mapping):
        rows = [dict(points)]
    elif isinstance(points, Sequence) and not isinstance(points, str):
        rows = list(points)
    else:
        raise ScenarioError(
            [
                Problem(
                    "points",
                    "",
                    type(points).__name__,
                    "a DataFrame or a list of dicts of dotted scenario keys",
                    "not design points",
                )
            ]
        )
    out, problems = [], []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            problems.append(Problem(f"points[{i}]", "", row, "a dict of dotted scenario keys"))
            continue
        bad = [k for k in row if not isinstance(k, str) or not k]
        if bad:
            problems.append(Problem(f"points[{i}]", str(bad[0]), bad[0], "dotted scenario keys"))
            continue
        out.append({k: plain(v) for k, v in row.items()})
    if problems:
        raise ScenarioError(problems)
    return out or [{}]


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def check_points(scenario: Scenario, points: list[dict[str, Any]]) -> None:
    """Validate every point against the scenario before anything runs; all problems at
    once, each naming `points[i]` and the key path."""
    problems: list[Problem] = []
    for i, point in enumerate(points):
        try:
            scenario.with_overrides(point, f"points[{i}]")
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)


def run_batch(
    scenario: str | Path | dict | Scenario,
    points: Any = None,
    *,
    runs: int = 1,
    seed: int | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    overrides: dict[str, Any] | None = None,
    population: str | None = None,
    counterfactual: bool = False,
    out: str | Path | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run every design point `runs` times; one row per run.

    scenario: preset name, TOML path, dict or Scenario (`overrides` applied first).
    points: DataFrame or list of dicts of dotted keys (None: the scenario itself).
    seed: base seed of the run seeds (default: the scenario's `seed`).
    workers: local processes (1 = in this process, 0 = all cores); or `scheduler`, the
    address of a dask.distributed scheduler. Results never depend on either.
    counterfactual: also compute `change_roi` (a second, tool-only run per run; off by
    default here, unlike `run()` and the CLI, because it doubles the cost).
    out: a result directory (manifest.json with provenance + Parquet parts); calling
    again with the same arguments resumes and computes only the missing runs.
    on_progress(done, total): called after every finished chunk (e.g. for a progress
    bar in the UI); an exception it raises stops the batch (what finished is kept in
    `out`).
    """
    runs = int(plain(runs))
    if runs < 1:
        raise ScenarioError([Problem("run_batch", "runs", runs, "an integer >= 1")])
    base = load_scenario(scenario, overrides)
    pts = normalise_points(points)
    check_points(base, pts)
    seed = plain(seed)
    ctx = make_context([base], {}, seed, population, counterfactual)
    batch = Batch(ctx, [(0, p) for p in pts], runs)
    ident = {
        "command": "run_batch",
        "scenario": _identity(base),
        "overrides": {},
        "base_seed": ctx.seed,
        "design": {"population": population, "change_roi": counterfactual, "points": pts},
    }
    executor = make_executor(workers, scheduler)
    try:
        store = open_store(None if out is None else str(out), ident, runs)
        try:
            done = [batch.size - len(batch.tasks(store.done()))]

            def report(n: int) -> None:
                done[0] += n
                if on_progress is not None:
                    on_progress(done[0], batch.size)

            execute(
                batch, store, executor, progress=progress, chunk_size=chunk_size, on_progress=report
            )
            df = store.frame(runs=runs)
        finally:
            store.close()
    finally:
        executor.close()
    return df[df["point"] < len(pts)].reset_index(drop=True)


def _identity(sc: Scenario) -> dict:
    data = sc.model_dump(mode="json", exclude_none=True)
    data.pop("description", None)
    return data


# --------------------------------------------------------------------------- reproduce


def reproduce(
    directory: str | Path,
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    out: str | Path | None = None,
) -> pd.DataFrame:
    """Run a result directory's batch again from its `manifest.json` alone (the resolved
    scenario(s), `--set` overrides, base seed, population, runs) and the design points
    (from the manifest, or for sampled designs the input columns of its parts); returns
    the run table, which equals the stored one (`ResultStore(directory).frame()`)."""
    import json

    from experiments.store import ResultStore

    directory = Path(directory)
    man = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    scen = man["scenario"]
    plans = [load_scenario(s) for s in (scen if isinstance(scen, list) else [scen])]
    design = man.get("design") or {}
    runs = int(man["runs"])
    if "points" in design:
        points = [
            (int(p.get("plan", 0)), {k: v for k, v in p.items() if k != "plan"})
            if man["command"] == "compare"
            else (0, p)
            for p in design["points"]
        ]
    else:
        stored = ResultStore(directory).frame()
        points = [(0, p) for p in _sampled_points(plans[0], design, stored)]
    ctx = make_context(
        plans,
        man.get("overrides") or {},
        man["base_seed"],
        design.get("population"),
        bool(design.get("change_roi", False)),
        weekly=tuple(design.get("weekly") or ()),
    )
    batch = Batch(ctx, points, runs)
    executor = make_executor(workers, scheduler)
    try:
        ident = {k: man[k] for k in ("command", "scenario", "overrides", "base_seed", "design")}
        store = open_store(None if out is None else str(out), ident, runs)
        try:
            execute(batch, store, executor)
            df = store.frame(runs=runs)
        finally:
            store.close()
    finally:
        executor.close()
    return df


def _sampled_points(plan: Scenario, design: dict, stored: pd.DataFrame) -> list[dict]:
    """The points of a sampled design (sensitivity, discover) from the parts' inputs,
    typed as the scenario stores them (integers rounded, booleans)."""
    from experiments.sensitivity import Parameter, ProblemSpec, check_against_scenario, convert

    params = [Parameter.from_design(p, i) for i, p in enumerate(design.get("parameters") or [])]
    problems = check_against_scenario(ProblemSpec("manifest.json", params, []), plan)
    if problems:
        raise ScenarioError(problems)
    first = stored.drop_duplicates("point").set_index("point").sort_index()
    n = int(first.index.max()) + 1 if len(first) else 0
    if list(first.index) != list(range(n)):
        raise ScenarioError(
            [Problem("manifest.json", "design", n, "every design point stored at least once")]
        )
    return [{p.key: convert(p, first.at[i, p.key]) for p in params} for i in range(n)]
