"""Resource limits decided before anything runs: the memory a run, or a batch, needs.

A run's memory is dominated by the influence network (CSR adjacency, its weighted
copies and the pair arrays it is built from): about `EDGE_BYTES` per directed tie, plus
`EMPLOYEE_BYTES` per employee for the state arrays and tables, plus the interpreter and
its libraries (`BASE_BYTES` per process). The figures are measured peaks (peak RSS of
2-week runs from 1,000 to 100,000 employees and mean degree 8 to 800, every network
kind), rounded up. A batch adds, in the parent process, its task list and the stored
per-run summaries it reads back (`STORED_RUN_BYTES` a run).

What does not fit the machine (physical memory, or the cgroup limit when lower) is
refused with exit 2 and the figures. `--max-memory GB` (or the environment variable
`ADOPTSIM_MAX_MEMORY_GB`) sets the limit for bigger machines or to be more careful.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from model.errors import Problem, ScenarioError

GIB = 1024**3
BASE_BYTES = 300 * 1024**2
EMPLOYEE_BYTES = 4 * 1024
EDGE_BYTES = 80
STORED_RUN_BYTES = 4 * 1024
TASK_BYTES = 400
ENV = "ADOPTSIM_MAX_MEMORY_GB"


@functools.lru_cache(maxsize=1)
def machine_memory() -> int:
    """Physical memory, or the cgroup's memory limit when it is lower (bytes)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 * GIB
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < total:
            total = int(text)
    return int(total)


def memory_limit() -> tuple[int, str]:
    """(bytes, how to name the figure): ADOPTSIM_MAX_MEMORY_GB or the machine's."""
    raw = os.environ.get(ENV, "").strip()
    if raw:
        try:
            gb = float(raw)
        except ValueError:
            gb = -1.0
        if not 0 < gb < 1e9:
            raise ScenarioError([Problem(ENV, "", raw, "a number of GB > 0, e.g. 64")])
        return int(gb * GIB), "the limit (--max-memory) is"
    return machine_memory(), "this machine has"


def network_ties(kind: str, n: int, mean_degree: float) -> int:
    """Directed ties (twice the undirected ones) the network builder will hold."""
    if kind == "complete":
        return n * (n - 1)
    if kind in ("ring_lattice", "small_world"):
        half = max(1, min(int(round(mean_degree)) // 2, (n - 1) // 2))
        return 2 * n * half
    if kind == "organisation":
        return int(n * (mean_degree + 3))  # plus reporting lines
    return int(n * mean_degree)


def network_bytes(kind: str, n: int, mean_degree: float) -> int:
    extra = n * n if kind == "complete" else 0  # the builder's n x n diagonal mask
    return network_ties(kind, n, mean_degree) * EDGE_BYTES + extra


def run_bytes(scenario) -> int:
    """Peak memory of one run of `scenario` beyond the interpreter (bytes)."""
    n = scenario.organisation.employees
    net = scenario.network
    return n * EMPLOYEE_BYTES + network_bytes(net.kind, n, net.mean_degree)


def gib(b: float) -> str:
    g = b / GIB
    return f"{g:.0f}" if g >= 10 else f"{g:.1f}" if g >= 0.1 else f"{g:.2f}"


def check_memory(needed: int, what: str, source: str, key: str = "") -> None:
    """ScenarioError when `needed` bytes exceed the memory limit."""
    limit, where = memory_limit()
    if needed <= limit:
        return
    raise ScenarioError(
        [
            Problem(
                source,
                key,
                what,
                "fewer employees, a lower mean degree, fewer runs or workers "
                "(or --max-memory GB on a bigger machine)",
                f"needs about {gib(needed)} GiB of memory; {where} {gib(limit)} GiB",
            )
        ]
    )


def check_network(kind: str, n: int, mean_degree: float) -> None:
    """Guard of the network builders: refuse a network that cannot fit in memory."""
    needed = BASE_BYTES + n * EMPLOYEE_BYTES + network_bytes(kind, n, mean_degree)
    check_memory(
        needed,
        f"{kind} network of {n:,} employees, mean degree {mean_degree:g}",
        "network",
        "network.kind",
    )
