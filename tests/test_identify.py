"""The joint fit's linear algebra (experiments/identify.py) on problems with known answers."""

from __future__ import annotations

import numpy as np

from experiments.identify import identification, leave_one_out, lm_step

RNG = np.random.default_rng(5)
A = RNG.normal(size=(8, 3))
TRUTH = np.array([0.3, 0.6, 0.45])


def residual(x: np.ndarray, b: np.ndarray) -> np.ndarray:
    return A @ x - b


def test_an_undamped_step_solves_a_linear_problem() -> None:
    b = A @ TRUTH
    x0 = np.array([0.5, 0.5, 0.5])
    step = lm_step(A, residual(x0, b), 1e-12, x0)
    np.testing.assert_allclose(x0 + step, TRUTH, atol=1e-8)


def test_steps_stay_inside_the_ranges() -> None:
    b = A @ np.array([3.0, -2.0, 0.5])  # the best fit lies outside [0, 1]
    x0 = np.full(3, 0.5)
    x1 = x0 + lm_step(A, residual(x0, b), 1e-9, x0)
    assert ((x1 >= 0.0) & (x1 <= 1.0)).all()
    assert x1[0] == 1.0 and x1[1] == 0.0


def test_damping_shortens_the_step() -> None:
    b = A @ TRUTH
    x0 = np.full(3, 0.5)
    r = residual(x0, b)
    assert np.linalg.norm(lm_step(A, r, 100.0, x0)) < np.linalg.norm(lm_step(A, r, 1e-9, x0))


def test_leave_one_out_equals_refitting_without_the_target() -> None:
    noise = RNG.normal(scale=0.05, size=A.shape[0])
    b = A @ TRUTH + noise
    fitted = np.linalg.lstsq(A, b, rcond=None)[0]
    loo = leave_one_out(A, residual(fitted, b), fitted, damping=1e-12)
    for k in range(A.shape[0]):
        keep = np.arange(A.shape[0]) != k
        refit = np.linalg.lstsq(A[keep], b[keep], rcond=None)[0]
        assert abs(loo[k] - (A[k] @ refit - b[k])) < 1e-8


def test_a_parameter_no_target_moves_is_not_identified() -> None:
    J = np.column_stack([A[:, 0], np.zeros(8), 0.1 * A[:, 1]])
    J[0, 0] = 3.0
    ident = identification(J, ["strong", "silent", "weak"], [f"t{k}" for k in range(8)])
    assert "silent" in ident.unidentified()
    assert ident.informs["silent"] == []
    assert "t0" in ident.informs["strong"]
    assert ident.singular_values[-1] < 1e-12  # the silent column is a null direction
    assert abs(ident.weakest_direction[1]) > 0.99


def test_broyden_update_reproduces_the_step_it_saw() -> None:
    from experiments.identify import broyden

    J = np.eye(3)
    dx, dr = np.array([0.1, 0.0, -0.2]), np.array([0.3, 0.1, 0.0])
    updated = broyden(J, dx, dr)
    np.testing.assert_allclose(updated @ dx, dr, atol=1e-12)
    orth = np.array([0.0, 1.0, 0.0])  # directions orthogonal to the step are kept
    np.testing.assert_allclose(updated @ orth, J @ orth)
