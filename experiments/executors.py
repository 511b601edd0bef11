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
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from typing import Any

from experiments.runner import Batch, ChunkResult, Context, Task, execute, run_chunk
from model.errors import Problem, ScenarioError
from model.jit import ensure_compiled

_WORKER_CTX: Context | None = None


_PARENT_PID: int | None = None


def _init_worker(ctx: Context, parent: int | None = None) -> None:
    global _WORKER_CTX, _PARENT_PID
    _WORKER_CTX = ctx
    _PARENT_PID = parent
    die_with_parent(parent)


def die_with_parent(parent: int | None) -> None:
    """Make this worker die with the process that started it, even after `kill -9`.

    Linux: prctl(PR_SET_PDEATHSIG, SIGKILL) asks the kernel to kill us when the parent
    goes; if the parent is already gone (it died before this ran), exit now. Elsewhere
    `_run_in_worker` checks the parent before every chunk.
    """
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def _run_in_worker(tasks: list[Task]) -> ChunkResult:
    assert _WORKER_CTX is not None, "worker not initialised"
    if _PARENT_PID is not None and os.getppid() != _PARENT_PID:
        os._exit(1)  # orphaned: the batch that wanted this chunk is gone
    return run_chunk(_WORKER_CTX, tasks)


PR_SET_PDEATHSIG = 1


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
        ensure_compiled()  # once here: forked workers inherit the loaded kernels
        try:
            mp = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: the context is pickled once instead
            mp = multiprocessing.get_context("spawn")
        self.workers = max(1, min(self.workers, len(chunks)))  # no idle processes
        pool = ProcessPoolExecutor(
            self.workers, mp_context=mp, initializer=_init_worker, initargs=(ctx, os.getpid())
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
        check_scheduler_address(address)
        from dask.distributed import Client

        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise _scheduler_problem(address, f"cannot connect ({exc})") from None
        self.address = address
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT)
        except (TimeoutError, OSError):
            self.client.close()
            raise _scheduler_problem(
                address,
                f"the scheduler has no workers (waited {WORKER_WAIT:g} s); start some with "
                f"`dask worker {address}`",
            ) from None
        info = self.client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        self.workers = max(1, threads)

    def map_chunks(self, ctx: Context, chunks: Sequence[list[Task]]) -> Iterator[ChunkResult]:
        from dask.distributed import as_completed

        try:
            ctx_future = self.client.scatter(ctx, broadcast=True, hash=False)
        except (TimeoutError, OSError) as exc:
            raise _scheduler_problem(
                self.address, f"cannot send the batch to the workers ({exc})"
            ) from None
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
                try:
                    result = fut.result()
                except (CancelledError, OSError, TimeoutError) as exc:
                    raise _scheduler_problem(
                        self.address,
                        f"the cluster lost this chunk ({type(exc).__name__}: {exc}); "
                        "finished chunks are stored: rerun with the same --out to resume",
                    ) from None
                except Exception as exc:
                    if type(exc).__name__ not in ("KilledWorker", "CommClosedError"):
                        raise
                    raise _scheduler_problem(
                        self.address,
                        f"the cluster's workers died ({type(exc).__name__}); finished "
                        "chunks are stored: rerun with the same --out to resume",
                    ) from None
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


WORKER_WAIT = 10.0  # seconds to wait for a first worker of a Dask cluster
SCHEDULER_ALLOWED = "the address of a running dask scheduler, e.g. tcp://127.0.0.1:8786"
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def _scheduler_problem(address: str, message: str) -> ScenarioError:
    return ScenarioError([Problem("--scheduler", "", address, SCHEDULER_ALLOWED, message)])


def check_scheduler_address(address: str, timeout: float = 3.0) -> None:
    """Refuse a malformed address at once, and an address where nothing listens within
    `timeout` seconds, before dask's client starts its own (slow) retries."""
    scheme, sep, rest = address.strip().partition("://")
    if not sep:
        scheme, rest = "tcp", address.strip()
    host, colon, port = rest.rpartition(":")
    host = host.strip("[]")
    if scheme not in SCHEMES or not host or not colon or not port.isdigit():
        raise _scheduler_problem(address, "not a scheduler address (SCHEME://HOST:PORT)")
    if not 0 < int(port) < 65536:
        raise _scheduler_problem(address, "the port must be in 1..65535")
    if scheme not in ("tcp", "tls"):
        return
    try:
        sock = socket.create_connection((host, int(port)), timeout=timeout)
    except OSError as exc:
        raise _scheduler_problem(address, f"cannot connect ({exc})") from None
    if scheme != "tcp":
        sock.close()
        return
    try:  # a dask scheduler greets every connection at once (its handshake)
        with sock:
            greeting = sock.recv(1)
    except OSError:
        greeting = b""
    if not greeting:
        raise _scheduler_problem(
            address,
            f"something listens there but it is not a dask scheduler (no reply in {timeout:g} s)",
        )


def make_executor(workers: int | None = None, scheduler: str | None = None):
    """Serial (workers 1), local processes (workers > 1; 0 = all cores) or Dask."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    n = workers if workers is not None else 1
    if n == 0:
        n = os.cpu_count() or 1
    if n < 0:
        raise ScenarioError([Problem("--workers", "", n, "a number >= 0 (0 = all cores)")])
    return SerialExecutor() if n == 1 else ProcessExecutor(n)


def collect(
    batch: Batch,
    workers: int,
    on_progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[dict[str, Any]] | None:
    """Every record of `batch`, run on `workers` processes (1: in this process), sorted by
    point and run; `on_progress` gets the percentage done; None when `should_stop` ended
    it early. For callers that keep nothing on disk (the UI's comparisons, debriefs)."""
    records: list[dict[str, Any]] = []
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if on_progress is not None:
            on_progress(100.0 * done[0] / batch.size)

    finished = execute(
        batch,
        None,
        make_executor(workers),
        on_result=records.extend,
        on_progress=progress,
        should_stop=should_stop,
    )
    if not finished:
        return None
    return sorted(records, key=lambda r: (r["point"], r["run"]))
