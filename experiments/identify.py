"""The linear algebra of the joint fit: Levenberg-Marquardt steps on scaled residuals,
identifiability from the Jacobian, and leave-one-target-out predictions.

Residuals are `(model - target) / tolerance` (so a target passes when |r| <= 1) and
parameters are scaled to [0, 1] over their bounds, so the Jacobian `J[k, j]` is the
change of target k, in tolerances, over parameter j's whole range. All functions are
pure numpy and deterministic; `experiments/fit.py` supplies the residuals and the
finite-difference Jacobian (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# a parameter moves a target by less than this many tolerances over its whole range:
# the targets do not inform it
WEAK = 0.5


def lm_step(J: np.ndarray, r: np.ndarray, damping: float, x: np.ndarray) -> np.ndarray:
    """The damped Gauss-Newton step for scaled parameters `x` in [0, 1]: minimises
    |r + J d|^2 + damping |d|^2, clipped so that x + d stays in [0, 1]."""
    n = J.shape[1]
    d = np.linalg.solve(J.T @ J + damping * np.eye(n), -J.T @ r)
    return np.clip(x + d, 0.0, 1.0) - x


def broyden(J: np.ndarray, dx: np.ndarray, dr: np.ndarray) -> np.ndarray:
    """Broyden's rank-one update: the Jacobian that maps the step `dx` just taken to the
    residual change `dr` it caused, closest to `J` (so one evaluation per iteration
    refines the finite-difference Jacobian)."""
    norm = float(dx @ dx)
    if norm == 0.0:
        return J
    return J + np.outer(dr - J @ dx, dx) / norm


@dataclass(frozen=True)
class Identification:
    """What the targets say about each parameter, from the Jacobian at the fit."""

    names: list[str]
    influence: np.ndarray  # per parameter: norm of its Jacobian column (tolerances)
    singular_values: np.ndarray
    weakest_direction: np.ndarray  # right singular vector of the smallest singular value
    informs: dict[str, list[str]]  # parameter -> targets it moves by >= WEAK tolerances

    def unidentified(self) -> list[str]:
        """Parameters no target moves by WEAK tolerances over their whole range."""
        return [n for n, v in zip(self.names, self.influence, strict=True) if v < WEAK]


def identification(J: np.ndarray, names: list[str], targets: list[str]) -> Identification:
    """Column norms, singular values and which targets each parameter moves."""
    influence = np.linalg.norm(J, axis=0)
    _, s, vt = np.linalg.svd(J, full_matrices=False)
    informs = {
        n: [t for t, v in zip(targets, J[:, j], strict=True) if abs(v) >= WEAK]
        for j, n in enumerate(names)
    }
    return Identification(names, influence, s, vt[-1], informs)


def leave_one_out(J: np.ndarray, r: np.ndarray, x: np.ndarray, damping: float = 1e-3) -> np.ndarray:
    """Predicted residual of every target when the fit is redone without it.

    The refit is linearised at the fitted point: the parameters move by the step that
    minimises the other targets' squared residuals (`lm_step` on the reduced system),
    and target k's residual is predicted as r_k + J_k . step. Returns one prediction
    (in tolerances) per target.
    """
    out = np.empty(r.size)
    for k in range(r.size):
        keep = np.arange(r.size) != k
        step = lm_step(J[keep], r[keep], damping, x)
        out[k] = r[k] + J[k] @ step
    return out
