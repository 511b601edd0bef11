"""The SME population: a different organisation for every run (`--population sme`).

`draw_organisation` replaces the scenario's `[organisation]` (size, culture, age and
tenure mix, roles, departments, works council) by a draw from the SME distribution
below, keeping the strategy. Overrides (`--set organisation.culture=...`) are applied
after the draw by the caller, so they fix what they name.

Distributions (docs/ODD.md, "Initialisation"; assumptions unless a source is named):
- size: log-uniform on 10..250 employees (most SMEs are small);
- culture: `CULTURE_MIX`, about 31% innovation + performance and 69% harmony +
  hierarchy (DOMAIN: German-speaking SMEs are mostly harmony or hierarchy cultures; no
  source gives the shares). The split within the pairs (innovation : performance 3 : 4,
  harmony : hierarchy 7 : 6) is an assumption; the share of the two high-adoption
  cultures is *calibrated*: `experiments/fit.py` sets it so that the mean project
  success rate of `typical_sme` over this population is one third (target
  `project_success_rate`), given the adoption degree of each culture (its own targets);
- mean age: normal(43, 3) clipped to 35..52; mean tenure: normal(8.7, 2) clipped to
  3..15 years (DOMAIN: SME average tenure 8.7 years);
- roles: Dirichlet around the default shares (concentration 40);
- departments: about one per 20 employees, 1..12;
- works council: probability 0.1 below 50 employees, 0.4 from 50 (assumption).
"""

from __future__ import annotations

import numpy as np

from model.parameters import calibrated
from model.scenario import CULTURES, ROLES, Organisation, Scenario

CULTURE_MIX: dict[str, float] = dict(calibrated()["population"]["culture_mix"])
POPULATIONS = ("sme",)


def population_rng(seed_seq: np.random.SeedSequence) -> np.random.Generator:
    """An RNG for the organisation draw, independent of the run's own stream."""
    return np.random.default_rng(
        np.random.SeedSequence(seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, 7919))
    )


def draw_organisation(scenario: Scenario, seed_seq: np.random.SeedSequence) -> Scenario:
    """The scenario with its organisation drawn from the SME population."""
    rng = population_rng(seed_seq)
    employees = int(round(np.exp(rng.uniform(np.log(10), np.log(250)))))
    culture = str(rng.choice(CULTURES, p=[CULTURE_MIX[c] for c in CULTURES]))
    mean_age = float(np.clip(rng.normal(43.0, 3.0), 35.0, 52.0))
    tenure = float(np.clip(rng.normal(8.7, 2.0), 3.0, 15.0))
    default = Organisation().roles
    alpha = 40.0 * np.array([default[r] for r in ROLES])
    shares = rng.dirichlet(alpha)
    departments = int(np.clip(round(employees / 20), 1, 12))
    works_council = bool(rng.random() < (0.1 if employees < 50 else 0.4))
    org = Organisation(
        employees=employees,
        culture=culture,
        departments=departments,
        mean_age=round(mean_age, 1),
        mean_tenure_years=round(tenure, 1),
        roles={r: round(float(s), 4) for r, s in zip(ROLES, shares, strict=True)},
        works_council=works_council,
    )
    # validated again (not a bare model_copy): values tied to the organisation's size,
    # e.g. a per-employee threshold list, are checked against the drawn size
    return scenario.with_overrides(
        {"organisation": org.model_dump(mode="python")}, "--population sme"
    )
