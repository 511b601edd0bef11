"""Executors: where chunks of runs are computed. All yield `ChunkResult`s as they finish.

- `SerialExecutor`: in this process, one chunk after the other.
- `ProcessExecutor`: local worker processes started with `fork`; the batch context is
  handed over once per worker (inherited at fork, not pickled per run) and runs travel in
  chunks; a bounded number of chunks is in flight so memory stays flat.
- `DaskExecutor`: a running dask.distributed scheduler (`--scheduler tcp://HOST:PORT`);
  the context is scattered once to every worker, chunks are submitted as futures.

Which executor ran a chunk never changes its results: every run is seeded by its index.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from experiments.runner import ChunkResult, Context, Task, run_chunk
from model.errors import Problem, ScenarioError

_WORKER_CTX: Context | None = None


def _init_worker(ctx: Context) -> None:
    global _WORKER_CTX
    _WORKER_CTX = ctx


def _run_in_worker(tasks: list[Task]) -> ChunkResult:
    assert _WORKER_CTX is not None, "worker not initialised"
    return run_chunk(_WORKER_CTX, tasks)


class SerialExecutor:
    """Runs chunks in this process."""

    workers = 1
    name = "serial"

    def map_chunks(self, ctx: Context, chunks: Sequence[list[Task]]) -> Iterator[ChunkResult]:
        for chunk in chunks:
            yield run_chunk(ctx, chunk)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """Local worker processes (fork start method), chunks in flight at most 2 per worker."""

    name = "processes"

    def __init__(self, workers: int):
        self.workers = max(1, workers)

    def map_chunks(self, ctx: Context, chunks: Sequence[list[Task]]) -> Iterator[ChunkResult]:
        try:
            mp = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: the context is pickled once instead
            mp = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            self.workers, mp_context=mp, initializer=_init_worker, initargs=(ctx,)
        )
        pending = set()
        queue = iter(chunks)
        limit = 2 * self.workers
        try:
            for chunk in queue:
                pending.add(pool.submit(_run_in_worker, chunk))
                if len(pending) >= limit:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.add(pool.submit(_run_in_worker, nxt))
        finally:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        pass


class DaskExecutor:
    """Chunks as futures on a dask.distributed cluster; the context is scattered once."""

    name = "dask"

    def __init__(self, address: str, timeout: float = 15.0):
        from dask.distributed import Client

        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ScenarioError(
                [
                    Problem(
                        "--scheduler",
                        "",
                        address,
                        "the address of a running dask scheduler, e.g. tcp://127.0.0.1:8786",
                        f"cannot connect ({exc})",
                    )
                ]
            ) from None
        info = self.client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        self.workers = max(1, threads)

    def map_chunks(self, ctx: Context, chunks: Sequence[list[Task]]) -> Iterator[ChunkResult]:
        from dask.distributed import as_completed

        ctx_future = self.client.scatter(ctx, broadcast=True, hash=False)
        queue = iter(chunks)
        limit = 2 * self.workers + 2
        pending = set()
        for chunk in queue:
            pending.add(self.client.submit(run_chunk, ctx_future, chunk, pure=False))
            if len(pending) >= limit:
                break
        ac = as_completed(list(pending), loop=self.client.loop)
        try:
            for fut in ac:
                result = fut.result()
                pending.discard(fut)
                fut.release()
                yield result
                nxt = next(queue, None)
                if nxt is not None:
                    new = self.client.submit(run_chunk, ctx_future, nxt, pure=False)
                    pending.add(new)
                    ac.add(new)
        finally:
            for fut in pending:
                fut.cancel()
            ctx_future.release()

    def close(self) -> None:
        self.client.close()


def make_executor(workers: int | None = None, scheduler: str | None = None):
    """Serial (workers 1), local processes (workers > 1; 0 = all cores) or Dask."""
    if scheduler:
        return DaskExecutor(scheduler)
    n = workers if workers is not None else 1
    if n == 0:
        n = os.cpu_count() or 1
    if n < 0:
        raise ScenarioError([Problem("--workers", "", n, "a number >= 0 (0 = all cores)")])
    return SerialExecutor() if n == 1 else ProcessExecutor(n)
