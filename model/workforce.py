"""Sampling the workforce: static attributes and initial beliefs, all from one RNG.

Initial beliefs and concerns are probit-style: each has a latent value
`z = role/age/tenure/culture terms + N(0, 1)`; its intensity is `Phi(z)` in [0, 1], so
the share holding it (intensity >= 0.5, i.e. z >= 0) in a group is the mean of
`Phi(linear predictor)`. This makes the calibration of initial conditions transparent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from model.scenario import ROLES, Scenario

QUALIFICATIONS = ("low", "medium", "high")
TENURE_BANDS = ("0-2", "3-7", "8-14", "15+")
CONCERNS = ("existential", "overload", "control", "quality")

_ROLE_AGE_OFFSET = np.array([6.0, 3.0, 0.0, -1.0, -2.0])  # ROLES order
_QUALIFICATION_BY_ROLE = np.array(
    [
        [0.05, 0.35, 0.60],  # executive
        [0.10, 0.50, 0.40],  # middle_manager
        [0.02, 0.28, 0.70],  # specialist
        [0.20, 0.65, 0.15],  # admin
        [0.55, 0.40, 0.05],  # operations
    ]
)


@dataclass
class Workforce:
    """Static attributes (one array per attribute) and initial latent beliefs."""

    role: np.ndarray  # int8 index into ROLES
    department: np.ndarray  # int32
    age: np.ndarray  # float64 years
    tenure: np.ndarray  # float64 years
    qualification: np.ndarray  # int8 index into QUALIFICATIONS
    affinity: np.ndarray  # digital affinity in [0, 1]
    works_council: np.ndarray  # bool: member of the works council
    is_target: np.ndarray  # bool: the AI tool is relevant to the role
    benefit0: np.ndarray  # initial perceived benefit, Phi(latent)
    concerns0: np.ndarray  # (4, n) initial concern intensities, CONCERNS order
    trust0: np.ndarray  # initial trust in AI output
    attitude_noise: np.ndarray  # fixed personal disposition (latent attitude scale)

    @property
    def n(self) -> int:
        return int(self.role.shape[0])

    def tenure_band(self) -> np.ndarray:
        """Index into TENURE_BANDS for each employee."""
        return np.digitize(self.tenure, [3.0, 8.0, 15.0]).astype(np.int8)


def sample_roles(n: int, shares: dict[str, float], rng: np.random.Generator) -> np.ndarray:
    """Role index per employee: counts by largest remainder, then shuffled."""
    p = np.array([shares.get(r, 0.0) for r in ROLES], dtype=float)
    p = p / p.sum()
    counts = np.floor(p * n).astype(int)
    rest = n - counts.sum()
    if rest:
        order = np.argsort(-(p * n - counts), kind="stable")
        counts[order[:rest]] += 1
    roles = np.repeat(np.arange(len(ROLES), dtype=np.int8), counts)
    rng.shuffle(roles)
    return roles


def sample_workforce(scenario: Scenario, rng: np.random.Generator) -> Workforce:
    """Draw a workforce for the scenario's organisation from `rng`."""
    org = scenario.organisation
    par = scenario.parameters
    n = org.employees
    role = sample_roles(n, org.roles, rng)
    n_dep = max(1, min(org.departments, n))
    department = rng.integers(0, n_dep, size=n).astype(np.int32)
    department[: min(n_dep, n)] = np.arange(min(n_dep, n))  # no empty department
    age = np.clip(rng.normal(org.mean_age + _ROLE_AGE_OFFSET[role], 9.5), 18.0, 67.0)
    career = np.maximum(age - 17.0, 0.5)
    scale = (career / max(org.mean_age - 17.0, 1.0)) ** 0.7
    tenure = np.minimum(rng.gamma(1.6, org.mean_tenure_years / 1.6, size=n) * scale, career)
    cum = _QUALIFICATION_BY_ROLE[role].cumsum(axis=1)
    qualification = (rng.random(n)[:, None] > cum).sum(axis=1).astype(np.int8)
    affinity = np.clip(
        rng.normal(0.55 - 0.012 * (age - 40.0) + 0.05 * qualification, 0.15), 0.0, 1.0
    )
    works_council = np.zeros(n, dtype=bool)
    if org.works_council and n >= 5:
        members = max(1, round(0.03 * n))
        works_council[rng.choice(n, size=members, replace=False)] = True
    targets = np.array([r in scenario.tool.target_roles for r in ROLES])
    is_target = targets[role]

    def role_term(table: dict[str, float]) -> np.ndarray:
        return np.array([table.get(r, 0.0) for r in ROLES])[role]

    noise = rng.standard_normal((6, n))
    decades = (age - 40.0) / 10.0
    benefit_z = par.benefit_base - par.benefit_age_per_decade * decades + noise[0]
    concern_z = np.empty((4, n))
    concern_z[0] = par.existential_base + role_term(par.existential_role) + noise[1]
    concern_z[1] = (
        par.overload_base
        + par.overload_age_per_decade * (age - 45.0) / 10.0
        + par.overload_affinity * (affinity - 0.5)
        + noise[2]
    )
    concern_z[2] = par.control_base + role_term(par.control_role) + noise[3]
    concern_z[3] = par.quality_base + role_term(par.quality_role) + noise[4]
    trust0 = ndtr(par.trust_base - 0.5 * concern_z[3] + 0.3 * noise[5])
    return Workforce(
        role=role,
        department=department,
        age=age,
        tenure=tenure,
        qualification=qualification,
        affinity=affinity,
        works_council=works_council,
        is_target=is_target,
        benefit0=ndtr(benefit_z),
        concerns0=ndtr(concern_z),
        trust0=trust0,
        attitude_noise=rng.normal(0.0, par.attitude_noise, size=n),
    )
