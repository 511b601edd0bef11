"""The SME population: a different organisation for every run (`--population sme`).

`draw_organisation` replaces the scenario's `[organisation]` (size, culture, age and
tenure mix, roles, departments, works council) by a draw from the SME distribution
below, keeping the strategy. Overrides (`--set organisation.culture=...`) are applied
after the draw by the caller, so they fix what they name.

Distributions (docs/ODD.md, "Initialisation"; assumptions unless a source is named):
- size: log-uniform on 10..250 employees (most SMEs are small);
- culture: `CULTURE_MIX`, about 44% innovation + performance and 56% harmony +
  hierarchy (DOMAIN: German-speaking SMEs are mostly harmony or hierarchy cultures; no
  source gives the shares). The mix is *calibrated* through three numbers of the joint
  fit (`experiments/fit.py`): the share of the two high-adoption cultures and the split
  within each pair (innovation : performance between 1 : 3 and 3 : 2, harmony :
  hierarchy between 2 : 3 and 7 : 3: neither culture of a pair a rarity). With each
  culture's adoption degree fixed by its own target, the mix is what the population
  targets see: the success rate, the training ratio (innovation firms reach the goal
  without courses, hierarchy firms rarely with them, so courses decide in performance
  and harmony firms), benefits without change management and the failure causes
  (docs/calibration.md);
- mean age: normal(43, 3) clipped to 35..52; mean tenure: normal(8.7, 2) clipped to
  3..15 years (DOMAIN: SME average tenure 8.7 years);
- roles: Dirichlet around the default shares (concentration 40);
- departments: about one per 20 employees, 1..12;
- works council: probability 0.1 below 50 employees, 0.4 from 50 (assumption).

The tool and the goal are drawn too (`draw_tool_and_goal`, on a stream of their own so
the organisation draw is unchanged): SMEs buy different tools, into systems and data of
different states, with different expectations. DOMAIN section 1 names integration, data,
technology and unrealistic expectations as causes of failure, so they must vary between
firms for those causes to appear (assumptions, docs/calibration.md):
- usefulness and ease of use: normal around the scenario's value, sd 0.1, clipped to
  0.2..0.95; hours saved a week: log-normal around the scenario's value (sd 0.35 on the
  log scale; DOMAIN section 8: about 2.3 h a week for a search assistant);
- reliability: 0.55 + 0.4 x Beta(4, 2) (mean 0.82: most tools work, some err often);
- data quality: Beta(5, 2.5) (mean 0.67: data in SMEs is often incomplete);
- integration: half the tools must be connected to existing systems, taking 4..30
  weeks after go-live (uniform); the others work standalone;
- the goal's date: the scenario's `by_week` or earlier: 26 weeks (30%), 39 weeks
  (30%) or as planned (40%): many firms expect results within months, where a
  structured programme needs 7-9 months to stable use (DOMAIN section 9).

Stratified over an ensemble: the three draws that divide firms most (culture, whether
the tool needs integration, the goal's date) take their uniform number from a randomly
shifted Kronecker sequence over the run's index (`stratified`), not an independent
draw. Each firm's distribution is unchanged (the shift is uniform), but any R
consecutive runs hold each culture, goal date and integration need in their population
share to within about one firm, so population means vary less between base seeds
(docs/ODD.md, "Initialisation"). The other draws stay independent.
"""

from __future__ import annotations

import numpy as np

from model.parameters import calibrated
from model.scenario import CULTURES, ROLES, Organisation, Scenario

CULTURE_MIX: dict[str, float] = dict(calibrated()["population"]["culture_mix"])
POPULATIONS = ("sme",)
# Kronecker steps of the stratified draws (culture, integration, goal date): the
# fractional parts of the golden ratio, sqrt(2) and sqrt(3), mutually irrational
STRATA_STEPS = ((5**0.5 - 1) / 2, 2**0.5 - 1, 3**0.5 - 1)


def population_rng(seed_seq: np.random.SeedSequence) -> np.random.Generator:
    """An RNG for the organisation draw, independent of the run's own stream."""
    return np.random.default_rng(
        np.random.SeedSequence(seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, 7919))
    )


def stratified(seed_seq: np.random.SeedSequence) -> tuple[float, ...]:
    """The run's uniform numbers for the stratified draws: frac(shift + i * step), i the
    run's index in its ensemble (the last spawn key; 0 for a lone run) and the shift
    drawn once per ensemble (its entropy and parent keys)."""
    *parent, index = seed_seq.spawn_key or (0,)
    shift = np.random.default_rng(
        np.random.SeedSequence(seed_seq.entropy, spawn_key=(*parent, 7922))
    ).random(len(STRATA_STEPS))
    return tuple(float((s + index * a) % 1.0) for s, a in zip(shift, STRATA_STEPS, strict=True))


def pick(u: float, options: tuple | list, shares: list[float]) -> object:
    """The option whose share of the cumulative shares holds u in [0, 1)."""
    cum = np.cumsum(shares) / sum(shares)
    return options[min(int(np.searchsorted(cum, u, side="right")), len(options) - 1)]


def draw_organisation(scenario: Scenario, seed_seq: np.random.SeedSequence) -> Scenario:
    """The scenario with its organisation drawn from the SME population."""
    # validated again (not a bare model_copy): values tied to the organisation's size,
    # e.g. a per-employee threshold list, are checked against the drawn size
    return scenario.with_overrides(drawn_firm(scenario, seed_seq), "--population sme")


def drawn_firm(scenario: Scenario, seed_seq: np.random.SeedSequence) -> dict:
    """One firm of the SME population (its organisation, tool and goal date) as scenario
    sections, to lay over `scenario`."""
    rng = population_rng(seed_seq)
    employees = int(round(np.exp(rng.uniform(np.log(10), np.log(250)))))
    u_culture, *u_tool = stratified(seed_seq)
    culture = str(pick(u_culture, CULTURES, [CULTURE_MIX[c] for c in CULTURES]))
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
    return {
        "organisation": org.model_dump(mode="python"),
        **draw_tool_and_goal(scenario, seed_seq, tuple(u_tool)),
    }


def draw_tool_and_goal(
    scenario: Scenario, seed_seq: np.random.SeedSequence, strata: tuple[float, float]
) -> dict:
    """The firm's tool and goal date (module docstring), as scenario sections; `strata`
    are the run's stratified numbers for the integration need and the goal date."""
    rng = np.random.default_rng(
        np.random.SeedSequence(seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, 7920))
    )
    tool, goals = scenario.tool, scenario.goals

    def around(value: float) -> float:
        return round(float(np.clip(rng.normal(value, 0.1), 0.2, 0.95)), 3)

    u_integration, u_goal = strata
    needs_integration = u_integration < 0.5
    by_week = int(pick(u_goal, [26, 39, goals.by_week], [0.3, 0.3, 0.4]))
    return {
        "tool": {
            **tool.model_dump(mode="python"),
            "usefulness": around(tool.usefulness),
            "ease_of_use": around(tool.ease_of_use),
            "hours_saved_per_week": round(
                float(tool.hours_saved_per_week * np.exp(rng.normal(0.0, 0.35))), 2
            ),
            "reliability": round(0.55 + 0.4 * float(rng.beta(4.0, 2.0)), 3),
            "data_quality": round(float(rng.beta(5.0, 2.5)), 3),
            "integration_weeks": int(rng.integers(4, 31)) if needs_integration else 0,
        },
        "goals": {**goals.model_dump(mode="python"), "by_week": min(by_week, goals.by_week)},
    }
