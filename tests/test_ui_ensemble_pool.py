"""Compare runs its ensembles in the batch runner's process pool: the same numbers as the
old in-process loop for any number of workers, runs in other processes, progress,
cancellation; and the runner's stop hook (`execute(..., should_stop=...)`)."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pandas as pd
import pytest

from experiments.executors import ProcessExecutor, SerialExecutor
from experiments.runner import Batch, Context, execute, run_seed
from model import run
from model.scenario import load_scenario
from ui import ensemble
from ui.ensemble import BAND_COLUMNS, CompareResult, run_compare, seeds

SMALL = {"organisation.employees": 40, "weeks": 20}
_MEASURE = ensemble.compare_measure


@pytest.fixture(scope="module")
def plans() -> dict:
    return {name: load_scenario(name, SMALL) for name in ("typical_sme", "five_phase")}


def old_loop(plans: dict, runs: int, seed: int) -> CompareResult:
    """The serial loop `run_compare` used before the process pool (the reference)."""
    children = seeds(seed, runs)
    names = list(plans)
    weekly = {p: {c: [] for c in BAND_COLUMNS} for p in names}
    rows: dict[str, list[dict]] = {p: [] for p in names}
    for child in children:
        for name in names:
            res = run(plans[name], seed=child, counterfactual=False)
            for c in BAND_COLUMNS:
                weekly[name][c].append(res.weekly[c].to_numpy(dtype=float))
            rows[name].append(res.summary)
    return CompareResult(
        plans=names,
        runs=runs,
        seed=seed,
        weekly={p: {c: np.vstack(v) for c, v in cols.items()} for p, cols in weekly.items()},
        summaries={p: pd.DataFrame(rows[p]) for p in names},
    )


def assert_identical(a: CompareResult, b: CompareResult) -> None:
    assert a.plans == b.plans and a.runs == b.runs and a.seed == b.seed
    for p in a.plans:
        assert set(a.weekly[p]) == set(b.weekly[p]) == set(BAND_COLUMNS)
        for c in BAND_COLUMNS:
            assert a.weekly[p][c].dtype == b.weekly[p][c].dtype == np.float64
            np.testing.assert_array_equal(a.weekly[p][c], b.weekly[p][c])  # bit for bit
        pd.testing.assert_frame_equal(a.summaries[p], b.summaries[p], check_exact=True)


def test_seeds_of_the_runner_are_the_common_random_numbers():
    for child, i in zip(seeds(9, 5), range(5), strict=True):
        same = run_seed(9, i)
        assert (child.entropy, child.spawn_key) == (same.entropy, same.spawn_key)
        assert np.array_equal(child.generate_state(8), same.generate_state(8))


def test_pool_gives_exactly_the_old_serial_results(plans):
    reference = old_loop(plans, runs=3, seed=4)
    one = run_compare(plans, runs=3, seed=4, workers=1)
    two = run_compare(plans, runs=3, seed=4, workers=2)
    assert one is not None and two is not None
    assert_identical(one, reference)
    assert_identical(two, reference)
    assert two.seconds > 0
    # the format the UI database keeps is unchanged
    back = CompareResult.from_dict(two.to_dict())
    for p in two.plans:
        np.testing.assert_array_equal(
            back.weekly[p]["active_share"], reference.weekly[p]["active_share"]
        )


def no_new_children(before: set) -> bool:
    """No worker process of ours outlived the comparison (others' children may)."""
    return set(multiprocessing.active_children()) <= before


def _pid_measure(ctx, task, seed_seq) -> dict:
    """The compare measure, plus the id of the process that ran it."""
    out = _MEASURE(ctx, task, seed_seq)
    return {**out, "summary": {**out["summary"], "worker_pid": os.getpid()}}


def test_runs_happen_in_worker_processes(plans, monkeypatch):
    monkeypatch.setattr(ensemble, "compare_measure", _pid_measure)
    me = os.getpid()
    before = set(multiprocessing.active_children())
    two = run_compare(plans, runs=3, seed=4, workers=2)
    pids = {int(x) for p in two.plans for x in two.summaries[p]["worker_pid"]}
    assert pids and me not in pids  # every run ran in another process
    one = run_compare(plans, runs=3, seed=4, workers=1)
    assert {int(x) for p in one.plans for x in one.summaries[p]["worker_pid"]} == {me}
    assert no_new_children(before)  # the pool is gone after a comparison


def test_progress_reaches_100(plans):
    for workers in (1, 2):
        progress: list[float] = []
        res = run_compare(plans, runs=3, seed=1, on_progress=progress.append, workers=workers)
        assert res is not None
        assert progress and progress[-1] == 100.0
        assert progress == sorted(progress) and progress[0] > 0


@pytest.mark.parametrize("workers", [1, 2])
def test_cancelled_comparison_returns_none(plans, workers):
    before = set(multiprocessing.active_children())
    assert run_compare(plans, runs=3, should_stop=lambda: True, workers=workers) is None
    # stopped after the first finished chunk: None, not every run done, the pool gone
    progress: list[float] = []
    res = run_compare(
        plans,
        runs=20,
        seed=2,
        on_progress=progress.append,
        should_stop=lambda: bool(progress),
        workers=workers,
    )
    assert res is None
    assert progress and progress[-1] < 100.0
    assert no_new_children(before)


def _draw(ctx, task, seed_seq) -> dict:
    return {"draw": float(np.random.default_rng(seed_seq).random())}


@pytest.mark.parametrize("executor", [SerialExecutor(), ProcessExecutor(2)], ids=["serial", "fork"])
def test_execute_stops_between_chunks(plans, executor):
    before = set(multiprocessing.active_children())
    ctx = Context(plans=(plans["typical_sme"],), overrides={}, seed=3, measure=_draw)
    batch = Batch(ctx, [(0, {})], runs=40)
    records: list[dict] = []
    assert execute(batch, None, executor, chunk_size=2, on_result=records.extend) is True
    assert len(records) == 40
    records.clear()
    assert (
        execute(batch, None, executor, on_result=records.extend, should_stop=lambda: True) is False
    )
    assert records == []  # asked before the first chunk: nothing ran
    stopped = execute(
        batch,
        None,
        executor,
        chunk_size=2,
        on_result=records.extend,
        should_stop=lambda: bool(records),
    )
    assert stopped is False and 0 < len(records) < 40
    assert no_new_children(before)
