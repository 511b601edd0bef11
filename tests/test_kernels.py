"""Compiled kernels give the same bits as the numpy/scipy code they replaced, and the
compile notice shows once per install."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from model.jit import matvec, matvecs, per_employee, total
from model.network import erdos_renyi
from model.selection import _diverse


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 250, 1000, 8193, 100_003])
def test_total_is_numpys_pairwise_sum_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for scale in (1.0, 1e-3, 1e6):
        a = rng.random(n) ** 3 * scale
        assert total(a) == a.sum()


def test_matvec_is_scipys_product_bit_for_bit():
    rng = np.random.default_rng(1)
    adj = erdos_renyi(500, 8.0, rng)
    w = sp.csr_matrix(adj, copy=True)
    w.data = rng.random(w.nnz)
    x, y = rng.random(500), rng.random(500) < 0.3
    assert np.array_equal(matvec(w, x), w @ x)
    ax, ay = matvecs(w, x, y)
    assert np.array_equal(ax, w @ x) and np.array_equal(ay, w @ y.astype(float))


def test_per_employee_broadcasts_numbers_and_keeps_arrays():
    a = np.arange(4.0)
    assert per_employee(a, 4) is a
    assert np.array_equal(per_employee(0.5, 3), [0.5, 0.5, 0.5])
    assert per_employee(np.ones(3, bool), 3, np.bool_).all()


def _greedy_by_definition(count, wf, attitude, degree, rng):
    """Champions by diversity as first written: argmax over everyone, every pick."""
    band = np.digitize(wf.age, [35.0, 50.0])
    score = attitude + 0.2 * degree / max(degree.mean(), 1.0) + rng.random(wf.n) * 1e-9
    used_dep = np.zeros(int(wf.department.max()) + 1)
    used_role, used_band = np.zeros(5), np.zeros(3)
    free = np.ones(wf.n, dtype=bool)
    chosen = []
    for _ in range(min(count, wf.n)):
        penalty = 3.0 * used_dep[wf.department] + used_role[wf.role] + used_band[band]
        i = int(np.argmax(np.where(free, score - penalty, -np.inf)))
        chosen.append(i)
        free[i] = False
        used_dep[wf.department[i]] += 1
        used_role[wf.role[i]] += 1
        used_band[band[i]] += 1
    return np.array(chosen, dtype=np.int64)


@pytest.mark.parametrize(
    ("n", "departments", "count", "seed"),
    [(30, 1, 30, 1), (50, 3, 60, 2), (250, 5, 12, 3), (250, 5, 250, 4), (3000, 15, 400, 5)],
)
def test_diversity_picks_match_the_greedy_definition(n, departments, count, seed):
    rng = np.random.default_rng(seed)
    wf = SimpleNamespace(
        n=n,
        age=rng.uniform(20, 65, n).round(0),
        department=rng.integers(0, departments, n).astype(np.int32),
        role=rng.integers(0, 5, n).astype(np.int8),
    )
    attitude = np.round(rng.uniform(-1, 1, n), 1)  # many equal scores before the jitter
    degree = rng.integers(1, 10, n).astype(float)
    got = _diverse(count, wf, attitude, degree, np.random.default_rng(seed))
    want = _greedy_by_definition(count, wf, attitude, degree, np.random.default_rng(seed))
    assert np.array_equal(got, want)


NOTICE = "compiling the model once"
CHILD = "from model.jit import ensure_compiled; ensure_compiled()"


@pytest.mark.slow
def test_compile_notice_shows_once_per_install(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    assert NOTICE in runs[0].stderr
    assert NOTICE not in runs[1].stderr


def test_the_compile_stamp_names_the_optimisation_level(monkeypatch):
    """A kernel cache compiled at another NUMBA_OPT level is not taken as this one's."""
    from model.jit import _stamp

    monkeypatch.setenv("NUMBA_OPT", "1")
    level_1 = _stamp()
    monkeypatch.setenv("NUMBA_OPT", "3")
    assert _stamp() != level_1
