"""Compiled kernels: one decorator, the on-disk cache and the one-off compile notice.

Every weekly process keeps its arithmetic in one compiled kernel (numba, `cache=True`),
next to the Python function that calls it: there is no numpy twin that could drift.
Kernels draw no random numbers; the callers pass in uniforms drawn from the run's numpy
Generator, so a run is the same on every executor and machine.

The first simulation in a fresh install compiles the kernels (and numba caches them on
disk); `ensure_compiled()` announces that once ("compiling the model once, about N s")
and leaves a stamp so later processes stay quiet and load the cache.

LLVM optimisation level 1 (`NUMBA_OPT`, unless the environment sets it; numba re-reads
it at every compile, and child processes inherit it): the kernels are bound by memory
and call overhead, level 1 runs them as fast as numba's default 3 (measured at 250 and
100,000 employees) and compiles about a fifth sooner. No kernel uses fast-math, and the
golden outputs are the same at both levels on this machine (numba's optional Intel SVML
library, absent here, could make vectorised `exp` differ in the last bits).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("NUMBA_OPT", "1")  # before numba reads its configuration

import numba  # noqa: E402
import numpy as np  # noqa: E402

COMPILE_ESTIMATE_S = 15  # 12-21 s measured on a busy 2-core machine; said in the notice
_ready = False


def njit(fn: Callable) -> Callable:
    """Compile `fn` with numba: cached on disk, no Python objects, releases the GIL."""
    return numba.njit(cache=True, nogil=True)(fn)


@njit
def csr_matvec(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, x: np.ndarray):
    """y = A x for a CSR matrix (the same summation order as scipy's csr_matvec)."""
    n = indptr.size - 1
    y = np.empty(n)
    for i in range(n):
        s = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            s += data[jj] * x[indices[jj]]
        y[i] = s
    return y


@njit
def csr_matvecs(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, xs: tuple):
    """A x for every vector x of the tuple `xs` in one pass over A (scipy's summation
    order); the result is (len(xs), n). The vectors are first laid side by side, so
    each tie reads a neighbour's values from one cache line instead of len(xs)."""
    m = len(xs)
    n = indptr.size - 1
    cols = np.empty((n, m))
    for r in range(m):
        x = xs[r]
        for j in range(n):
            cols[j, r] = x[j]
    out = np.empty((m, n))
    acc = np.empty(m)
    for i in range(n):
        acc[:] = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            a = data[jj]
            for r in range(m):
                acc[r] += a * cols[j, r]
        for r in range(m):
            out[r, i] = acc[r]
    return out


@njit
def _block(a: np.ndarray, lo: int, n: int) -> float:
    """numpy's pairwise_sum on a block of at most 128 values."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r = np.empty(8)
    for j in range(8):
        r[j] = a[lo + j]
    i = 8
    while i < n - (n % 8):
        for j in range(8):
            r[j] += a[lo + i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit
def total(a: np.ndarray) -> float:
    """The sum of a contiguous float vector in numpy's pairwise order (`a.sum()`
    gives the same bits), so moving a sum into a kernel changes no result.

    numpy splits a block of n > 128 values at n/2 rounded down to a multiple of 8 and
    adds the two halves' sums; this walks that tree with a stack (numba's disk cache
    does not take recursive functions).
    """
    lo_s = np.empty(64, dtype=np.int64)
    n_s = np.empty(64, dtype=np.int64)
    state = np.zeros(64, dtype=np.int8)  # 0 new, 1 left half pending, 2 right pending
    left = np.empty(64)
    top = 0
    lo_s[0], n_s[0], state[0] = 0, a.size, 0
    while True:
        lo, n = lo_s[top], n_s[top]
        if n > 128:
            half = n // 2
            half -= half % 8
            state[top] = 1
            top += 1
            lo_s[top], n_s[top], state[top] = lo, half, 0
            continue
        v = _block(a, lo, n)
        top -= 1
        while top >= 0 and state[top] == 2:
            v = left[top] + v
            top -= 1
        if top < 0:
            return 0.0 + v
        left[top] = v
        state[top] = 2
        half = n_s[top] // 2
        half -= half % 8
        lo_s[top + 1] = lo_s[top] + half
        n_s[top + 1] = n_s[top] - half
        state[top + 1] = 0
        top += 1


def matvec(a: Any, x: np.ndarray) -> np.ndarray:
    """`a @ x` for a scipy CSR matrix `a` and a float vector `x`, compiled."""
    return csr_matvec(a.indptr, a.indices, a.data, np.ascontiguousarray(x, dtype=np.float64))


def per_employee(x: Any, n: int, dtype: type = np.float64) -> np.ndarray:
    """A contiguous length-n array from a per-employee array or one number for all."""
    if isinstance(x, np.ndarray) and x.shape == (n,):
        return np.ascontiguousarray(x, dtype=dtype)  # no copy when it already is one
    return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=dtype), (n,)))


def matvecs(a: Any, *xs: np.ndarray) -> np.ndarray:
    """(`a @ x` for each x) in one pass over the CSR matrix `a`, as (contiguous) rows of
    an array."""
    vectors = tuple(np.ascontiguousarray(x, dtype=np.float64) for x in xs)
    return csr_matvecs(a.indptr, a.indices, a.data, vectors)


def _kernel_modules() -> list[Path]:
    """The package's modules that define compiled kernels."""
    root = Path(__file__).resolve().parent
    return [p for p in sorted(root.rglob("*.py")) if "@njit" in p.read_text(encoding="utf-8")]


def _stamp() -> Path:
    """A file that says this install's kernels have been compiled and cached."""
    # the level numba compiles at: it re-reads NUMBA_OPT at every compile, so this holds
    # even when numba was imported (and configured) before this module
    level = os.environ.get("NUMBA_OPT", "")
    versions = f"{numba.__version__} {sys.version} {np.__version__} O{level}"
    h = hashlib.sha256(versions.encode())
    for path in _kernel_modules():
        h.update(path.read_bytes())
    name = f"adoptsim-jit-{h.hexdigest()[:16]}.stamp"
    cache = os.environ.get("NUMBA_CACHE_DIR")
    folder = Path(cache) if cache else Path(__file__).resolve().parent / "__pycache__"
    return folder / name


def ensure_compiled(quiet: bool = False) -> float:
    """Compile (or load from the disk cache) every kernel once in this process.

    On the first run after install this compiles, telling the user on stderr once;
    returns the seconds it took (0.0 when already done in this process).
    """
    global _ready
    if _ready:
        return 0.0
    _ready = True
    stamp = _stamp()
    fresh = not stamp.exists()
    if fresh:
        _clear_cache()
    if fresh and not quiet:
        print(
            f"compiling the model once, about {COMPILE_ESTIMATE_S} s ...",
            file=sys.stderr,
            flush=True,
        )
    start = time.perf_counter()
    warm()
    seconds = time.perf_counter() - start
    if fresh:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(f"{seconds:.1f}\n", encoding="utf-8")
        except OSError:  # a read-only install: the notice shows again, harmless
            pass
    return seconds


def _clear_cache() -> None:
    """Delete the kernels' cached machine code and old stamps.

    numba checks only the timestamp of a kernel's own file: a kernel that calls a
    kernel of another module would keep the old callee's code after an edit. The stamp
    hashes every kernel module, so any edit clears the whole cache here.
    """
    cache = os.environ.get("NUMBA_CACHE_DIR")
    if cache:  # numba keeps everything under this folder; the stamp sits at its top
        folders = {Path(cache)} | {p.parent for p in Path(cache).rglob("*.nbi")}
    else:
        folders = {p.parent / "__pycache__" for p in _kernel_modules()}
    stems = {p.stem for p in _kernel_modules()}
    for folder in folders:
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            old_stamp = f.name.startswith("adoptsim-jit-")
            if old_stamp or (f.suffix in (".nbi", ".nbc") and f.name.split(".")[0] in stems):
                try:
                    f.unlink()
                except OSError:
                    pass


def warm() -> None:
    """Run small simulations that reach every kernel (compiling or loading each)."""
    from model.engine import Simulation
    from model.scenario import load_scenario

    overrides = {
        "organisation.employees": 40,
        "organisation.departments": 3,
        "weeks": 30,
    }
    for preset in ("five_phase", "typical_sme"):
        Simulation(load_scenario(preset, overrides), seed=0).run()
