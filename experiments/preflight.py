"""Checks made before a command runs anything (issue 15): output paths, the resources
the whole command needs, and every design point of a batch.

- `check_outputs`: `--out`, `--chart` and `--snapshots` can be written (not below a
  file, not a file where a directory is wanted); the result store itself refuses a
  directory adoptsim did not create (experiments/store.py).
- `check_population`: a scenario that `--population sme` cannot resize (a per-employee
  `phi` list, `seed_ids`) is refused up front, not in the middle of the runs.
- `check_points`: every design point of a sweep or sensitivity design is validated
  first; problems name the point and its values.
- `check_batch_memory` / `check_run_memory`: estimated memory (model/limits.py) against
  the machine, before a task list, a design or a network is allocated.
- `useful_workers`: no more worker processes than there are chunks of work.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from experiments.output import check_writable
from model import limits
from model.errors import Problem, ScenarioError
from model.scenario import Scenario

SME_MAX_EMPLOYEES = 250  # the largest organisation --population sme draws
SME_MIN_EMPLOYEES = 10  # ... and the smallest


def check_outputs(args: argparse.Namespace) -> None:
    """Output paths of a batch command, checked before any run."""
    check_writable(getattr(args, "out", None), "--out", "dir")
    check_writable(getattr(args, "chart", None), "--chart")


def check_population(plans: Sequence[Scenario], population: str | None) -> None:
    """Scenario values that only make sense for a fixed organisation size."""
    if not population:
        return
    problems = []
    for sc in plans:
        th = sc.dynamics.threshold
        if isinstance(th.phi, list):
            problems.append(
                Problem(
                    "--population",
                    "dynamics.threshold.phi",
                    f"a list of {len(th.phi)} values",
                    f"one number: --population {population} draws "
                    f"{SME_MIN_EMPLOYEES}..{SME_MAX_EMPLOYEES} employees per run",
                    "a per-employee list cannot follow the drawn size",
                )
            )
        if th.seed_ids is not None and max(th.seed_ids, default=-1) >= SME_MIN_EMPLOYEES:
            problems.append(
                Problem(
                    "--population",
                    "dynamics.threshold.seed_ids",
                    th.seed_ids,
                    f"ids < {SME_MIN_EMPLOYEES} (the smallest drawn organisation), "
                    "or `seeds` (a number of random adopters) instead",
                    "ids beyond the drawn size would be dropped silently",
                )
            )
    if problems:
        raise ScenarioError(problems)


def check_points(
    plans: Sequence[Scenario],
    points: Sequence[tuple[int, dict[str, Any]]],
    source: str,
    population: str | None = None,
) -> int:
    """Validate every design point's scenario now; all problems (bounded) at once, each
    naming the point (its index and values). Returns the largest run memory (bytes)."""
    most = 0
    problems: list[Problem] = []
    bad_points = 0
    for k, (plan, overrides) in enumerate(points):
        try:
            sc = plans[plan].with_overrides(overrides, source) if overrides else plans[plan]
            most = max(most, max_run_bytes([sc], population))
        except ScenarioError as exc:
            bad_points += 1
            if len(problems) < 20:
                values = ", ".join(f"{key}={val!r}" for key, val in overrides.items())
                problems += [
                    Problem(
                        e.source,
                        e.key,
                        e.value,
                        e.allowed,
                        f"design point {k} ({values}): {e.message}",
                    )
                    for e in exc.problems
                ]
    if problems:
        if bad_points > 1:
            problems.append(
                Problem(
                    source,
                    "",
                    f"{bad_points} of {len(points)} points",
                    "every point valid",
                    "invalid design points",
                )
            )
        raise ScenarioError(problems[:19] + problems[-1:] if len(problems) > 20 else problems)
    return most


def max_run_bytes(scenarios: Sequence[Scenario], population: str | None) -> int:
    """The largest single-run memory among `scenarios` (at the largest drawn size)."""
    most = 0
    for sc in scenarios:
        if population:
            n = max(sc.organisation.employees, SME_MAX_EMPLOYEES)
            net = sc.network
            b = n * limits.EMPLOYEE_BYTES + limits.network_bytes(net.kind, n, net.mean_degree)
        else:
            b = limits.run_bytes(sc)
        most = max(most, b)
    return most


def useful_workers(requested: int | None, scheduler: str | None, tasks: int) -> int:
    """Local worker processes that will actually get work (0 with a Dask scheduler)."""
    if scheduler:
        return 0
    import os

    n = requested if requested is not None else 1
    if n == 0:
        n = os.cpu_count() or 1
    return max(1, min(n, tasks))


def check_batch_memory(
    args: argparse.Namespace,
    n_points: int,
    runs: int,
    run_bytes: int,
    weeks: int = 52,
    weekly: int = 0,
    point_bytes: int = 0,
) -> None:
    """Refuse a batch whose task list, stored results or workers cannot fit in memory."""
    tasks = n_points * runs
    workers = useful_workers(getattr(args, "workers", 1), getattr(args, "scheduler", None), tasks)
    stored = limits.STORED_RUN_BYTES + 8 * (weeks + 1) * weekly * 4
    parent = limits.BASE_BYTES + tasks * (limits.TASK_BYTES + stored) + n_points * point_bytes
    if workers <= 1:
        parent += run_bytes if not getattr(args, "scheduler", None) else 0
        needed, pool = parent, ""
    else:
        needed = parent + workers * (limits.BASE_BYTES + run_bytes)
        pool = f" and {workers} workers"
    what = f"{n_points:,} design point(s) x {runs:,} run(s) = {tasks:,} runs{pool}"
    limits.check_memory(needed, what, "--runs" if n_points == 1 else "design", "")


def check_run_memory(sc: Scenario, source: str) -> None:
    """Refuse one run that cannot fit in memory, naming the scenario."""
    n = sc.organisation.employees
    limits.check_memory(
        limits.BASE_BYTES + limits.run_bytes(sc),
        f"{n:,} employees, {sc.network.kind} network of mean degree {sc.network.mean_degree:g}",
        source,
        "organisation.employees, network",
    )


def check_plans(
    args: argparse.Namespace,
    plans: Sequence[Scenario],
    n_points: int,
    weekly: int = 0,
    point_bytes: int = 0,
) -> None:
    """Before a batch is built: output paths, population, memory of the whole batch."""
    check_outputs(args)
    population = getattr(args, "population", None)
    check_population(plans, population)
    most = max_run_bytes(plans, population)
    weeks = max(p.weeks for p in plans)
    check_batch_memory(args, n_points, args.runs, most, weeks, weekly, point_bytes)
