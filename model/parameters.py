"""Behavioural parameters of the model, with their calibrated defaults.

They live in the scenario under `[parameters]` so that any of them can be overridden
(`--set parameters.trial_rate=0.2`), swept or put into a sensitivity analysis. The
defaults are fitted by `experiments/fit.py` to `experiments/calibration/targets.toml`;
docs/ODD.md lists every equation they enter and docs/calibration.md which target fixed
which parameter.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Coef = Annotated[float, Field(ge=-20.0, le=20.0)]
Rate = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(ge=0.0, le=100.0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CultureParams(_Frozen):
    """How an organisation's culture shifts behaviour (DOMAIN section 2, culture table)."""

    openness: Coef = 0.0  # shift of every employee's own attitude (latent scale)
    conformity: Rate = 0.35  # weight of colleagues' attitudes against one's own
    manager_weight: Positive = 1.5  # influence weight of managers and executives
    error_tolerance: Coef = 0.0  # shift of the value at which users keep or drop the tool
    experimentation: Positive = 1.0  # multiplier of the weekly trial hazard


def _cultures() -> dict[str, CultureParams]:
    return {
        "innovation": CultureParams(
            openness=0.0768,
            conformity=0.30,
            manager_weight=1.0,
            error_tolerance=0.10,
            experimentation=1.5,
        ),
        "performance": CultureParams(
            openness=-0.1507,
            conformity=0.30,
            manager_weight=1.6,
            error_tolerance=0.02,
            experimentation=1.1,
        ),
        "harmony": CultureParams(
            openness=-0.2394,
            conformity=0.45,
            manager_weight=1.2,
            error_tolerance=-0.03,
            experimentation=0.8,
        ),
        "hierarchy": CultureParams(
            openness=-0.3401,
            conformity=0.35,
            manager_weight=3.0,
            error_tolerance=-0.10,
            experimentation=0.55,
        ),
    }


def _role(**kw: float) -> dict[str, float]:
    base = dict.fromkeys(("executive", "middle_manager", "specialist", "admin", "operations"), 0.0)
    base.update(kw)
    return base


class Parameters(_Frozen):
    """Every coefficient of the weekly processes and of the initial conditions."""

    # --- initial beliefs and concerns: intensity = Phi(latent), held when latent >= 0
    benefit_base: Coef = 0.2471
    benefit_age_per_decade: Coef = 0.2851
    existential_base: Coef = -0.0355
    existential_role: dict[str, Coef] = Field(
        default_factory=lambda: _role(
            executive=-0.6, middle_manager=-0.1, specialist=0.05, admin=0.6483, operations=0.25
        )
    )
    overload_base: Coef = 0.0103
    overload_age_per_decade: Coef = 0.50
    overload_affinity: Coef = -1.5
    control_base: Coef = -0.5
    control_role: dict[str, Coef] = Field(
        default_factory=lambda: _role(
            executive=0.3, middle_manager=0.7275, specialist=0.2, admin=0.0, operations=-0.1
        )
    )
    quality_base: Coef = -0.4
    quality_role: dict[str, Coef] = Field(
        default_factory=lambda: _role(
            executive=0.1, middle_manager=0.2, specialist=0.4251, admin=0.0, operations=-0.1
        )
    )
    trust_base: Coef = 0.0
    # --- own attitude: tanh of a latent sum (DOMAIN section 2)
    attitude_base: Coef = 0.15
    attitude_benefit: Coef = 0.55
    attitude_concern: Coef = 0.45
    attitude_tenure_per_decade: Coef = 0.35
    attitude_role: dict[str, Coef] = Field(
        default_factory=lambda: _role(
            executive=0.35, middle_manager=-0.45, specialist=-0.15, admin=0.0, operations=0.05
        )
    )
    attitude_noise: Positive = 0.5
    culture: dict[str, CultureParams] = Field(default_factory=_cultures)
    # --- band of concerns (model/processes/concerns.py)
    concern_floor: Rate = 0.7
    concern_ceiling: Rate = 0.3
    # --- communication and rumours
    reach_scale: Rate = 1.0
    learn_understanding: Rate = 0.45
    learn_benefit: Rate = 0.35
    persuasion: Rate = 0.12
    info_decay: Rate = 0.75
    rumour_rate: Rate = 0.015
    transparency_relief: Rate = 0.03
    story_relief: Rate = 0.04
    # --- training and competence
    learn_per_hour: Rate = 0.06
    generic_fit: Rate = 0.55
    tandem_bonus: Positive = 0.35
    training_relief: Rate = 0.9
    practice_rate: Rate = 0.04
    competence_decay: Rate = 0.015
    # --- social influence (Friedkin-Johnsen) and contagion of concerns
    stubbornness_max: Rate = 0.6
    stubbornness_half_tenure: Positive = 10.0
    concern_contagion: Rate = 0.08
    champion_weight: Positive = 4.0
    adviser_weight: Positive = 3.0
    # --- trial and adoption
    trial_rate: Rate = 0.0635
    trial_social: Positive = 2.0
    intent_threshold: Coef = -0.05
    intent_slope: Positive = 6.0
    retry_factor: Rate = 0.3
    value_friction: Positive = 0.5
    value_overload: Positive = 0.25
    value_quality: Positive = 0.2
    value_attitude: Positive = 0.35
    activate_rate: Rate = 0.35
    activate_value: Coef = 0.18
    drop_rate: Rate = 0.25
    drop_value: Coef = 0.02
    lapse_rate: Rate = 0.10
    value_scale: Positive = 0.08
    habit_per_week: Rate = 0.04
    # --- experience feedback
    trust_learn: Rate = 0.08
    experience_update: Rate = 0.06
    # --- levers
    champion_support: Rate = 0.25
    leader_shift: Coef = 0.12
    works_council_relief: Rate = 0.4
    works_council_conflict: Rate = 0.03
    board_relief: Rate = 0.06
    anticipation_relief: Rate = 0.25
    adviser_shift: Coef = 1.5
    incentive_shift: Coef = 0.15
    mandate_rate: Rate = 0.08
    habit_integration: Rate = 0.6
    use_case_rate: Rate = 0.04
    support_rate: Positive = 1.0
