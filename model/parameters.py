"""Behavioural parameters of the model, with their calibrated defaults.

They live in the scenario under `[parameters]` so that any of them can be overridden
(`--set parameters.trial_rate=0.2`), swept or put into a sensitivity analysis. The
defaults are fitted by `experiments/fit.py` to `experiments/calibration/targets.toml`;
docs/ODD.md lists every equation they enter and docs/calibration.md which target fixed
which parameter.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

CALIBRATED_FILE = Path(__file__).with_name("calibrated.toml")


@cache
def calibrated() -> dict[str, Any]:
    """The fitted values (model/calibrated.toml): `parameters` and `population` tables."""
    with CALIBRATED_FILE.open("rb") as fh:
        return tomllib.load(fh)


def deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """`base` with `top` laid over it, table by table (top wins)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


Coef = Annotated[float, Field(ge=-20.0, le=20.0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Grounding = Literal["domain", "literature", "fit", "assumption"]


def P(  # noqa: N802 - reads as a declaration
    default: float,
    unit: str,
    grounding: Grounding,
    lo: float = 0.0,
    hi: float = 1.0,
    doc: str = "",
) -> Any:
    """A coefficient: default, unit, allowed range [lo, hi], grounding and meaning.

    grounding: `domain` (a figure of DOMAIN.md), `literature` (a cited study), `fit`
    (calibrated against experiments/calibration/targets.toml), `assumption` (a stated
    guess, a candidate for sensitivity analysis).
    """
    return Field(
        default,
        ge=lo,
        le=hi,
        description=doc,
        json_schema_extra={"unit": unit, "grounding": grounding},
    )


def PD(  # noqa: N802 - reads as a declaration
    factory: Any,
    unit: str,
    grounding: Grounding,
    lo: float = 0.0,
    hi: float = 1.0,
    doc: str = "",
) -> Any:
    """A table of coefficients (one per role): like `P`; the range is the value type's."""
    return Field(
        default_factory=factory,
        description=doc,
        json_schema_extra={"unit": unit, "grounding": grounding, "lo": lo, "hi": hi},
    )


class QuickWinParams(_Frozen):
    """Pilot and success stories (model/levers/quick_wins.py)."""

    pilot_competence: float = P(
        0.3, "share of the gap to full competence", "assumption", doc="head start of pilot users"
    )
    pilot_onboarding_hours: float = P(4.0, "hours per pilot user", "assumption", hi=40.0)
    story_hours: float = P(4.0, "hours per broadcast", "assumption", hi=40.0)
    stories_per_broadcast: float = P(
        3.0,
        "stories",
        "domain",
        lo=1.0,
        hi=10.0,
        doc=">=3 successes communicated (DOMAIN section 3, phase 4)",
    )
    story_awareness: float = P(
        0.3, "awareness", "assumption", doc="awareness needed to hear a story"
    )
    win_weeks: float = P(
        2.0, "weeks", "assumption", hi=26.0, doc="weeks of active use before a success counts"
    )
    min_pilot: int = P(3, "users", "assumption", lo=1, hi=100)
    window_weeks: int = P(
        9,
        "weeks",
        "domain",
        lo=1,
        hi=52,
        doc="successes within 60 days (DOMAIN section 3, phase 4)",
    )
    relief_share: float = P(
        0.6,
        "share of pilot users",
        "domain",
        doc=">=60% of pilot users report relief (DOMAIN section 3)",
    )


class ChampionParams(_Frozen):
    """Change champions (model/levers/champions.py)."""

    training_hours: float = P(
        16.0,
        "hours per champion",
        "domain",
        hi=80.0,
        doc="intensive training: expert workshop of about two days (DOMAIN section 5-6)",
    )
    attitude_shift: float = P(1.0, "latent attitude", "assumption", hi=5.0)
    competence_floor: float = P(0.7, "competence", "assumption")
    reference_time_share: float = P(
        0.1,
        "share of working time",
        "domain",
        lo=0.01,
        doc="10-20% of working time (DOMAIN section 6)",
    )
    team_reach: float = P(
        0.5,
        "support reach",
        "assumption",
        doc="support reaching a champion's department beyond direct contacts",
    )
    candidate_supporter_bonus: float = P(
        2.0, "score", "assumption", hi=10.0, doc="the Workshop appoints supporters before sceptics"
    )


class LeadershipParams(_Frozen):
    """Leaders as role models (model/levers/leadership.py)."""

    own_shift_factor: float = P(3.0, "x leader_shift", "assumption", hi=10.0)
    reference_manager_weight: float = P(1.5, "influence weight", "assumption", lo=0.1, hi=10.0)
    weight_factor: float = P(1.5, "x influence weight", "assumption", lo=1.0, hi=5.0)
    hours_per_week: float = P(0.25, "hours per leader and week", "assumption", hi=10.0)


class AdviserParams(_Frozen):
    """Critics made advisers (model/levers/advisers.py)."""

    employees_per_adviser: float = P(20.0, "employees", "assumption", lo=2.0, hi=500.0)
    min_count: int = P(2, "advisers", "assumption", lo=1, hi=50)
    neighbour_relief: float = P(0.3, "share of excess concern", "assumption")
    friction_factor: float = P(0.9, "x friction", "assumption", lo=0.5)
    hours_per_week: float = P(1.0, "hours per adviser and week", "assumption", hi=10.0)
    convert_base: float = P(
        0.4, "probability", "assumption", doc="a critic made adviser becomes an advocate"
    )
    convert_listening: float = P(
        0.15, "probability", "assumption", doc="... more if a concern board listens"
    )
    convert_facts: float = P(
        0.1, "probability", "assumption", doc="... more if fears are answered with facts"
    )
    convert_trial: float = P(
        0.15, "probability", "assumption", doc="... more if critics can test it in a pilot"
    )
    harden_shift: float = P(
        0.8, "latent attitude", "assumption", hi=5.0, doc="a hardened critic's drop"
    )


class AnticipationParams(_Frozen):
    """Objection anticipation (model/levers/anticipation.py)."""

    control_share: float = P(0.5, "x anticipation_relief", "assumption")
    hours: float = P(16.0, "hours", "assumption", hi=200.0)
    rumour_factor: float = P(0.5, "x rumour rate", "assumption")


class ConcernBoardParams(_Frozen):
    """The anonymous concern board (model/levers/concern_board.py)."""

    post_share: float = P(0.5, "share of aware staff a week", "assumption")
    aware_threshold: float = P(0.5, "awareness", "assumption")
    base_hours: float = P(4.0, "hours a week", "assumption", hi=40.0)
    hours_per_post: float = P(0.05, "hours per post", "assumption")
    opening_hours: float = P(8.0, "hours", "assumption", hi=80.0)
    feedback_every_weeks: int = P(4, "weeks", "assumption", lo=1, hi=52)
    friction_factor: float = P(0.98, "x friction", "assumption", lo=0.5)
    friction_floor: float = P(0.7, "friction", "assumption")


class WorksCouncilParams(_Frozen):
    """Works-council participation (model/levers/works_council.py)."""

    early_weeks: int = P(4, "weeks after awareness starts", "assumption", hi=52)
    late_weeks: int = P(6, "weeks after implementation starts", "assumption", hi=52)
    late_strength: float = P(
        0.5,
        "x agreement effect",
        "domain",
        doc="late involvement breeds resistance (DOMAIN section 7)",
    )
    existential_share: float = P(0.5, "x works_council_relief", "assumption")
    trust_gain: float = P(0.1, "share of the gap to full trust", "assumption")
    member_shift: float = P(0.5, "latent attitude", "assumption", hi=5.0)
    negotiation_hours: float = P(30.0, "hours", "assumption", hi=500.0)
    hours_per_member: float = P(2.0, "hours per member", "assumption", hi=40.0)
    meeting_every_weeks: int = P(4, "weeks", "assumption", lo=1, hi=52)
    ignored_factor: float = P(0.5, "x conflict rate", "assumption")
    trust_loss_share: float = P(0.5, "x conflict rate", "assumption")


class CommunicationParams(_Frozen):
    """Planned messages (model/levers/communication.py)."""

    prep_hours: float = P(4.0, "hours per message", "assumption", hi=40.0)


class TransparencyParams(_Frozen):
    """All-staff updates (model/levers/transparency.py, processes/communication.py)."""

    prep_hours: float = P(3.0, "hours per update", "assumption", hi=40.0)
    hours_per_reader: float = P(0.1, "hours per reader", "assumption")
    reach: float = P(0.8, "share of staff", "assumption")
    awareness: float = P(0.5, "share of the awareness gap", "assumption")
    understanding: float = P(0.3, "x learn_understanding", "assumption")
    exposure: float = P(0.25, "measures", "assumption", doc="load of one update (fatigue)")


class EventParams(_Frozen):
    """Workshop event cards (model/levers/events.py): a visible, not overwhelming,
    setback; they enter no preset or calibration target."""

    rumour_aggravation: float = P(
        0.5, "share of the way to the concern ceiling", "assumption",
        doc="job fear added by a rumour among those who hear it",
    )  # fmt: skip
    rumour_trust_loss: float = P(0.1, "share of trust", "assumption")
    rumour_reach_unaware: float = P(
        1 / 3, "share of staff", "assumption", doc="who hears the rumour without knowing the tool"
    )
    objection_aggravation: float = P(
        0.5, "share of the way to the concern ceiling", "assumption",
        doc="control fear added when the works council objects (twice for its members)",
    )  # fmt: skip
    objection_trust_loss: float = P(0.05, "share of trust", "assumption")
    leaver_shift: float = P(
        -0.3, "attitude", "assumption", lo=-1.0, hi=0.0,
        doc="attitude shift of a leaving champion's network neighbours",
    )  # fmt: skip


class TrainingParams(_Frozen):
    """Training (model/levers/training.py)."""

    min_weeks: int = P(4, "weeks", "assumption", lo=1, hi=52)
    big_bang_weeks: int = P(6, "weeks", "assumption", lo=1, hi=52)
    role_specific_benefit: float = P(0.15, "share of the gap", "assumption")
    tandem_age: float = P(
        45.0,
        "years",
        "domain",
        lo=18.0,
        hi=70.0,
        doc="over-45s feel unequal to new demands (DOMAIN section 2)",
    )
    tandem_young_fit: float = P(1.1, "x fit", "assumption", lo=1.0, hi=3.0)
    tandem_support: float = P(0.3, "support", "assumption")
    mentoring_support: float = P(0.5, "support per mentoring share", "assumption")
    hands_on_hours: float = P(
        2.0, "hours", "domain", hi=40.0, doc="basic training of 2 h (DOMAIN section 5)"
    )
    mentor_hours_per_week: float = P(0.5, "hours per mentored trainee", "assumption", hi=10.0)


class AnchoringParams(_Frozen):
    """Anchoring and new use cases (model/levers/anchoring.py, processes/use_cases.py)."""

    innovator_shift: float = P(0.5, "latent attitude", "assumption", hi=5.0)
    innovator_time_share: float = P(
        0.2,
        "share of working time",
        "domain",
        doc="20% of working time (DOMAIN section 3, phase 5)",
    )
    community_every_weeks: int = P(4, "weeks", "assumption", lo=1, hi=52)
    community_hours: float = P(1.0, "hours per active user and meeting", "assumption", hi=10.0)
    incentive_eur_per_month: float = P(500.0, "EUR per month", "assumption", hi=1e6)
    community_habit: float = P(0.3, "x habit", "assumption", hi=5.0)
    community_practice_factor: float = P(1.5, "x practice rate", "assumption", lo=1.0, hi=5.0)
    community_use_case_factor: float = P(1.5, "x use-case rate", "assumption", lo=1.0, hi=5.0)
    incentive_use_case_factor: float = P(1.3, "x use-case rate", "assumption", lo=1.0, hi=5.0)
    innovator_min_rate: float = P(0.05, "use cases a week", "assumption")
    innovator_factor: float = P(5.0, "x use-case rate", "assumption", lo=1.0, hi=20.0)
    advanced_share: float = P(
        0.3,
        "share of the use-case rate",
        "assumption",
        doc="advanced users' share of the rate experts reach",
    )
    usefulness_per_use_case: float = P(0.01, "usefulness", "assumption", hi=0.2)
    usefulness_cap: float = P(0.15, "usefulness", "assumption")
    use_case_competence: float = P(
        0.35,
        "share of the gap to full competence",
        "assumption",
        doc="conceiving a use case makes experts (DOMAIN section 5)",
    )


class RolloutParams(_Frozen):
    """The launch (model/levers/rollout.py)."""

    launch_awareness: float = P(
        0.7,
        "share of the awareness gap",
        "assumption",
        doc="a launch notice: users hear of the tool without any plan",
    )
    launch_information: float = P(
        0.5, "informed", "assumption", doc="the notice says what the tool does"
    )
    launch_trial: float = P(
        0.4, "probability", "assumption", doc="a willing user tries the tool at go-live"
    )
    backfire: float = P(
        0.5,
        "share of the way to the concern ceiling",
        "domain",
        doc="skipping preparation provokes defensive reactions (DOMAIN section 4)",
    )
    backfire_shift: float = P(1.5, "latent attitude", "assumption", hi=5.0)
    scar: float = P(
        0.3,
        "share of the way to full concern",
        "assumption",
        doc="lasting rise of the baseline fears of the unprepared",
    )


class CriteriaParams(_Frozen):
    """The five phases' success criteria (DOMAIN section 3; engine `_criteria`)."""

    awareness_share: float = P(
        0.8, "share of staff", "domain", doc=">=80% can explain basics and benefit"
    )
    vision_share: float = P(
        0.7, "share of target users", "domain", doc=">=70% name concrete benefits"
    )
    unaided_share: float = P(
        0.9, "share of users", "domain", doc=">=90% use the basic functions unaided"
    )
    support_fall: float = P(
        0.5, "share of the peak", "domain", doc="support requests fall by >=50%"
    )
    min_users: int = P(
        3, "users", "assumption", lo=1, hi=100, doc="users needed before competence is judged"
    )
    min_user_share: float = P(0.1, "share of target users", "assumption")
    use_case_share: float = P(
        0.15, "share of initial users", "domain", doc=">=15% develop new use cases"
    )


class BarrierParams(_Frozen):
    """When a barrier counts as binding in a run (model/metrics.py)."""

    integration: float = P(0.25, "share of the goal period before integration", "assumption")
    data_quality: float = P(
        0.6,
        "data quality",
        "fit",
        doc="binding at or below this: a failed project cites lack of data (a measurement "
        "threshold, set so that 27% of failed projects cite it; prior 0.6)",
    )
    reliability: float = P(
        0.75,
        "reliability",
        "fit",
        doc="binding at or below this: a failed project cites technological problems (set "
        "so that 18% cite them; prior 0.75, one answer in four wrong)",
    )
    min_ramp_weeks: int = P(
        22,
        "weeks from launch to goal",
        "domain",
        hi=104,
        doc="launch to stable use takes at least 1 month of implementation and 4 of "
        "anchoring (DOMAIN section 9)",
    )


class CultureParams(_Frozen):
    """How an organisation's culture shifts behaviour (DOMAIN section 2, culture table)."""

    openness: float = P(
        0.0,
        "latent attitude",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="shift of every employee's own attitude; fitted per culture to the adoption"
        " degrees 73/52/38/21% (DOMAIN section 2)",
    )
    conformity: float = P(
        0.35, "weight", "assumption", doc="weight of colleagues' attitudes against one's own"
    )
    manager_weight: float = P(
        1.5,
        "influence weight",
        "assumption",
        hi=100.0,
        doc="influence weight of managers and executives (highest in hierarchy)",
    )
    error_tolerance: float = P(
        0.0,
        "value",
        "assumption",
        lo=-20.0,
        hi=20.0,
        doc="shift of the value at which users keep or drop the tool (innovation:"
        " 'error-tolerant', DOMAIN section 2; sizes assumed)",
    )
    experimentation: float = P(
        1.0,
        "x trial hazard",
        "assumption",
        hi=100.0,
        doc="room to experiment (innovation: 'experimental', DOMAIN section 2; sizes assumed)",
    )
    error_cost: float = P(
        0.0,
        "value per unit of error rate",
        "assumption",
        hi=100.0,
        doc="value lost per unit of the tool's error rate (liability)",
    )
    consensus: float = P(
        0.0,
        "share of the trial hazard",
        "assumption",
        doc="share that waits for colleagues' use (harmony: 'consensus-based', DOMAIN"
        " section 2; sizes assumed)",
    )
    deference: float = P(
        0.0,
        "share of the trial hazard",
        "assumption",
        doc="share that waits for one's managers' use (hierarchy: 'rule-bound')",
    )


def _cultures() -> dict[str, CultureParams]:
    return {
        "innovation": CultureParams(
            error_cost=0.0,
            consensus=0.0,
            deference=0.0,
            openness=0.0768,
            conformity=0.30,
            manager_weight=1.0,
            error_tolerance=0.10,
            experimentation=1.5,
        ),
        "performance": CultureParams(
            error_cost=0.15,
            consensus=0.2,
            deference=0.2,
            openness=-0.1507,
            conformity=0.30,
            manager_weight=1.6,
            error_tolerance=0.02,
            experimentation=1.1,
        ),
        "harmony": CultureParams(
            error_cost=0.15,
            consensus=0.5,
            deference=0.2,
            openness=-0.2394,
            conformity=0.45,
            manager_weight=1.2,
            error_tolerance=-0.03,
            experimentation=0.8,
        ),
        "hierarchy": CultureParams(
            error_cost=0.25,
            consensus=0.3,
            deference=0.3,
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
    """Every coefficient of the weekly processes and of the initial conditions.

    Values come in three layers: the grounded defaults below, the fitted values of
    model/calibrated.toml over them, and a scenario's `[parameters]` over both; nested
    tables (roles, cultures, lever groups) merge key by key, so a partial table
    changes only what it names.
    """

    @model_validator(mode="before")
    @classmethod
    def _layers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return deep_merge(_default_tree(), data)
        return data

    # --- initial beliefs and concerns: intensity = Phi(latent), held when latent >= 0
    # (model/workforce.py). `fit`: fitted to the prevalences of DOMAIN section 2.
    benefit_base: float = P(
        0.2471,
        "latent (probit)",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="expected personal benefit at age 45 (71% of under-35s vs 42% of over-50s expect"
        " productivity gains, DOMAIN section 2)",
    )
    benefit_age_per_decade: float = P(
        0.2851,
        "latent per decade of age",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="drop of expected benefit per decade of age (DOMAIN section 2)",
    )
    existential_base: float = P(
        -0.0355,
        "latent (probit)",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="baseline fear of job loss (56% fear devaluation overall, DOMAIN section 2)",
    )
    existential_role: dict[str, Coef] = PD(
        lambda: _role(
            executive=-0.6, middle_manager=-0.1, specialist=0.05, admin=0.6483, operations=0.25
        ),
        "latent, by role",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="role shift of the fear of job loss; admin fitted (73% of admin staff, DOMAIN"
        " section 2), other roles assumption",
    )
    overload_base: float = P(
        0.0103,
        "latent (probit)",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="fear of overload at age 45 (65% of over-45s, DOMAIN section 2)",
    )
    overload_age_per_decade: float = P(
        0.50, "latent per decade of age", "assumption", lo=-20.0, hi=20.0
    )
    overload_affinity: float = P(
        -1.5,
        "latent per unit of digital affinity",
        "assumption",
        lo=-20.0,
        hi=20.0,
        doc="digital affinity lowers the fear of overload",
    )
    control_base: float = P(
        -0.5,
        "latent (probit)",
        "assumption",
        lo=-20.0,
        hi=20.0,
        doc="baseline fear of losing control",
    )
    control_role: dict[str, Coef] = PD(
        lambda: _role(
            executive=0.3, middle_manager=0.7275, specialist=0.2, admin=0.0, operations=-0.1
        ),
        "latent, by role",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="role shift of the fear of losing control; middle managers fitted (59%, DOMAIN"
        " section 2), other roles assumption",
    )
    quality_base: float = P(
        -0.4, "latent (probit)", "assumption", lo=-20.0, hi=20.0, doc="baseline quality doubts"
    )
    quality_role: dict[str, Coef] = PD(
        lambda: _role(
            executive=0.1, middle_manager=0.2, specialist=0.4251, admin=0.0, operations=-0.1
        ),
        "latent, by role",
        "fit",
        lo=-20.0,
        hi=20.0,
        doc="role shift of quality and liability doubts; specialists fitted (51% of domain"
        " experts, DOMAIN section 2), other roles assumption",
    )
    trust_base: float = P(
        0.0, "latent (probit)", "assumption", lo=-20.0, hi=20.0, doc="initial trust in AI output"
    )
    # --- own attitude: tanh of a latent sum (model/processes/influence.py, DOMAIN section 2)
    attitude_base: float = P(0.15, "latent attitude", "assumption", lo=-20.0, hi=20.0)
    attitude_benefit: float = P(
        0.35, "latent attitude per unit of benefit", "assumption", lo=-20.0, hi=20.0
    )
    attitude_concern: float = P(
        0.35, "latent attitude per unit of concern", "assumption", lo=-20.0, hi=20.0
    )
    attitude_tenure_per_decade: float = P(
        0.35,
        "latent attitude per decade of tenure",
        "assumption",
        lo=-20.0,
        hi=20.0,
        doc="long tenure goes with stronger resistance (direction: DOMAIN section 1)",
    )
    attitude_role: dict[str, Coef] = PD(
        lambda: _role(
            executive=0.35, middle_manager=-0.45, specialist=-0.15, admin=0.0, operations=0.05
        ),
        "latent attitude, by role",
        "assumption",
        lo=-20.0,
        hi=20.0,
        doc="middle management often the largest source of resistance (direction: DOMAIN"
        " section 2)",
    )
    attitude_noise: float = P(
        1.0, "latent attitude (sd)", "assumption", hi=100.0, doc="spread of personal disposition"
    )
    culture: dict[str, CultureParams] = Field(default_factory=_cultures)
    # --- band of concerns (model/processes/concerns.py)
    concern_floor: float = P(
        0.7, "x initial concern", "assumption", doc="relief never lowers a concern below this"
    )
    concern_ceiling: float = P(
        0.3,
        "share of the way to full concern",
        "assumption",
        doc="rumours and backfire never raise a concern above this",
    )
    # --- communication and rumours (model/processes/communication.py)
    reach_scale: float = P(1.0, "x channel reach", "assumption")
    learn_understanding: float = P(0.45, "share of the gap per message", "assumption")
    learn_benefit: float = P(0.35, "share of the gap per message", "assumption")
    persuasion: float = P(0.12, "share of the gap per message", "assumption")
    info_decay: float = P(0.75, "share kept a week", "assumption", doc="being informed fades")
    rumour_rate: float = P(
        0.008,
        "concern a week",
        "assumption",
        doc="an information vacuum feeds rumours (DOMAIN section 4)",
    )
    transparency_relief: float = P(0.03, "share of excess concern per update", "assumption")
    story_relief: float = P(0.04, "share of excess concern per story", "assumption")
    # --- training and competence (model/processes/training.py, levers/training.py)
    learn_per_hour: float = P(
        0.6,
        "1/effective hour",
        "domain",
        hi=10.0,
        doc="a 2 h hands-on basics session (about 1.5 effective hours) takes a typical "
        "user past basic (DOMAIN section 5's ladder)",
    )
    generic_fit: float = P(
        0.55,
        "x learning",
        "assumption",
        doc="one-size-fits-all training works less (direction: DOMAIN section 4)",
    )
    generic_ceiling: float = P(
        0.8,
        "share of the training ceiling",
        "assumption",
        doc="one-size-fits-all courses teach the tool, not one's own use cases, so they "
        "stop short of the ceiling role-specific modules reach (DOMAIN sections 4, 5)",
    )
    tandem_bonus: float = P(
        0.35,
        "x learning, over-45s",
        "assumption",
        hi=100.0,
        doc="tandem teams helped older staff (direction: DOMAIN section 5)",
    )
    training_relief: float = P(0.9, "share of excess overload per unit of gain", "assumption")
    practice_rate: float = P(0.04, "share of the gap a week of use", "assumption")
    peer_learning: float = P(
        0.3,
        "share of the gap to using colleagues a week",
        "assumption",
        doc="colleagues who use the tool show how (DOMAIN section 5: mentoring by "
        "tech-savvy colleagues)",
    )
    competence_decay: float = P(0.015, "share a week without use", "assumption")
    # --- social influence (Friedkin-Johnsen) and contagion of concerns
    stubbornness_max: float = P(
        0.6, "weight of own attitude", "assumption", doc="stubbornness grows with tenure"
    )
    stubbornness_half_tenure: float = P(10.0, "years", "assumption", hi=100.0)
    concern_contagion: float = P(0.08, "share of the gap to neighbours a week", "assumption")
    champion_weight: float = P(4.0, "x influence weight", "assumption", hi=100.0)
    adviser_weight: float = P(3.0, "x influence weight", "assumption", hi=100.0)
    # --- trial and adoption (model/processes/adoption.py)
    trial_rate: float = P(
        0.0635, "probability a week", "fit", doc="weekly trial hazard of a willing, aware user"
    )
    trial_social: float = P(
        2.0, "x per unit of complex exposure", "assumption", hi=100.0, doc="trial as contagion"
    )
    intent_threshold: float = P(
        -0.05, "attitude", "assumption", lo=-20.0, hi=20.0, doc="attitude at half willingness"
    )
    intent_slope: float = P(6.0, "1/attitude", "assumption", hi=100.0)
    retry_factor: float = P(0.3, "x trial hazard", "assumption", doc="lapsed users try again")
    value_friction: float = P(0.35, "value", "assumption", hi=100.0, doc="cost of a hard tool")
    value_overload: float = P(0.25, "value per unit of held overload", "assumption", hi=100.0)
    value_quality: float = P(0.2, "value per unit of held quality doubt", "assumption", hi=100.0)
    value_attitude: float = P(0.35, "x gain per unit of attitude", "assumption", hi=100.0)
    activate_rate: float = P(0.35, "probability a week", "assumption", doc="trial becomes use")
    activate_value: float = P(
        0.08, "value", "assumption", lo=-20.0, hi=20.0, doc="value at half the activation rate"
    )
    drop_rate: float = P(0.25, "probability a week", "assumption", doc="a trial is given up")
    drop_value: float = P(
        0.02, "value", "assumption", lo=-20.0, hi=20.0, doc="value at half the drop rate"
    )
    lapse_rate: float = P(0.10, "probability a week", "assumption", doc="active users lapse")
    value_scale: float = P(0.08, "value", "assumption", hi=100.0, doc="width of the logistic")
    habit_per_week: float = P(0.04, "share of the gap a week", "assumption")
    # --- experience feedback
    trust_learn: float = P(0.08, "share of the gap a week of use", "assumption")
    experience_update: float = P(0.06, "share of the gap a week of use", "assumption")
    # --- levers
    champion_support: float = P(0.25, "support", "assumption")
    leader_shift: float = P(0.12, "latent attitude", "assumption", lo=-20.0, hi=20.0)
    works_council_relief: float = P(0.4, "share of excess concern", "assumption")
    works_council_conflict: float = P(0.03, "concern a week", "assumption")
    board_relief: float = P(0.06, "share of excess concern a week", "assumption")
    anticipation_relief: float = P(0.25, "share of excess concern", "assumption")
    adviser_shift: float = P(1.5, "latent attitude", "assumption", lo=-20.0, hi=20.0)
    incentive_shift: float = P(0.15, "latent attitude", "assumption", lo=-20.0, hi=20.0)
    mandate_rate: float = P(
        0.08, "probability a week", "assumption", doc="trials once use is in the process"
    )
    habit_integration: float = P(0.6, "x habit", "assumption")
    use_case_rate: float = P(0.04, "use cases a week per expert", "assumption")
    support_rate: float = P(1.0, "requests per unsupported user", "assumption", hi=100.0)
    word_of_mouth: float = P(0.25, "share of the awareness gap", "assumption")
    # --- mechanisms of the second build (docs/ODD.md, "Mechanisms")
    hours_half: float = P(
        1.0,
        "hours a week",
        "assumption",
        lo=0.1,
        hi=40.0,
        doc="hours saved at which the tool is worth half its potential",
    )
    tenure_reference: float = P(
        8.7,
        "years",
        "domain",
        lo=0.0,
        hi=40.0,
        doc="SME average tenure: the tenure at which tenure shifts nothing (DOMAIN section 1)",
    )
    attitude_trust: float = P(0.75, "latent attitude per unit of trust", "assumption", hi=5.0)
    training_understanding: float = P(
        0.5, "x training gain", "assumption", doc="courses also explain what the tool is for"
    )
    training_awareness: float = P(0.9, "awareness", "assumption", doc="a trainee knows of the tool")
    trial_practice: float = P(0.5, "share of an active user's practice", "assumption")
    gain_base: float = P(0.1, "share of gain without competence", "assumption")
    full_gain_competence: float = P(
        0.4,
        "competence",
        "assumption",
        lo=0.05,
        doc="competence from which a user gets the tool's planned gain (applies the "
        "prescribed workflows unaided: above basic, DOMAIN section 5)",
    )
    gain_scale: float = P(
        1.2, "value per unit of delivered usefulness", "assumption", lo=0.1, hi=5.0
    )
    task_fit_spread: float = P(
        0.5,
        "coefficient of variation",
        "assumption",
        hi=3.0,
        doc="how much the tool's fit varies between people's tasks (the share of their "
        "hours it addresses; wide in exposure studies, docs/calibration.md)",
    )
    data_floor: float = P(0.4, "reliability factor at data quality 0", "assumption")
    standalone_share: float = P(0.5, "share of value before integration", "assumption")
    support_relief: float = P(0.5, "share of friction support removes", "assumption")
    unmet_support: float = P(
        0.3, "value", "assumption", doc="frustration when help is not available"
    )
    benefit_sensitivity: float = P(4.0, "1/value", "assumption", lo=0.1, hi=20.0)
    relief_hours: float = P(
        1.0,
        "hours a week",
        "assumption",
        hi=40.0,
        doc="hours saved that count as noticeable relief",
    )
    relief_existential: float = P(0.02, "share of excess concern a week", "assumption")
    relief_overload: float = P(0.03, "share of excess concern a week", "assumption")
    trial_use: float = P(0.3, "share of full use", "assumption")
    habit_decay: float = P(0.1, "share a week", "assumption")
    wom_good: float = P(
        0.05,
        "share of the gap a week",
        "assumption",
        doc="relieved colleagues raise expected benefit",
    )
    wom_bad: float = P(
        0.15, "share a week", "assumption", doc="colleagues who give up lower expected benefit"
    )
    wom_tolerance: float = P(3.0, "x error tolerance", "assumption", hi=20.0)
    wom_bad_concern: float = P(0.1, "share of the way to the ceiling", "assumption")
    observation: float = P(
        0.2, "share of the awareness gap", "assumption", doc="seeing colleagues use the tool"
    )
    consensus_share: float = P(
        0.3,
        "share of colleagues using",
        "assumption",
        lo=0.01,
        doc="colleagues' use at which a consensus culture stops waiting",
    )
    shift_decay: float = P(
        0.08,
        "share a week",
        "assumption",
        doc="lever-induced shifts fade (half-life about 8 weeks)",
    )
    training_ceiling: float = P(
        0.55,
        "competence",
        "domain",
        doc="courses teach the prescribed workflows: solid basic users, not advanced ones "
        "(who adapt and optimise, by practice; DOMAIN section 5)",
    )
    practice_ceiling: float = P(
        0.35,
        "competence",
        "domain",
        doc="with `practice_affinity`: about the fifth of users with the highest digital "
        "affinity can reach advanced by practice (DOMAIN section 5: ~15% advanced, ~5% "
        "experts)",
    )
    practice_affinity: float = P(
        0.3,
        "competence per unit of digital affinity",
        "assumption",
        doc="sets how many reach advanced by practice: with 0.3 a full programme "
        "(five_phase, SME population) ends with about 17% advanced users and 8% experts "
        "(DOMAIN section 5: ~15% / ~5%); 0.35 gave 26% / 9%",
    )
    fatigue_recovery: float = P(0.35, "share a week", "assumption")
    fatigue_capacity: float = P(
        2.0, "measures", "assumption", hi=50.0, doc="load of measures people absorb without fatigue"
    )
    fatigue_overload: float = P(0.1, "share of the way to the ceiling", "assumption")
    fatigue_receptivity: float = P(0.5, "1/measure", "assumption", hi=10.0)
    fatigue_per_training_hour: float = P(0.125, "measures per effective hour", "assumption")
    support_hours_per_request: float = P(0.5, "hours", "assumption", hi=10.0)
    helpdesk_hours_per_100: float = P(4.0, "hours a week per 100 staff", "assumption", hi=100.0)
    champion_support_share: float = P(0.5, "share of champions' time", "assumption")
    # --- lever groups: each lever's coefficients (see the lever's module)
    quick_wins: QuickWinParams = Field(default_factory=QuickWinParams)
    champions: ChampionParams = Field(default_factory=ChampionParams)
    leadership: LeadershipParams = Field(default_factory=LeadershipParams)
    advisers: AdviserParams = Field(default_factory=AdviserParams)
    anticipation: AnticipationParams = Field(default_factory=AnticipationParams)
    concern_board: ConcernBoardParams = Field(default_factory=ConcernBoardParams)
    works_council: WorksCouncilParams = Field(default_factory=WorksCouncilParams)
    communication: CommunicationParams = Field(default_factory=CommunicationParams)
    transparency: TransparencyParams = Field(default_factory=TransparencyParams)
    training: TrainingParams = Field(default_factory=TrainingParams)
    anchoring: AnchoringParams = Field(default_factory=AnchoringParams)
    rollout: RolloutParams = Field(default_factory=RolloutParams)
    barriers: BarrierParams = Field(default_factory=BarrierParams)
    criteria: CriteriaParams = Field(default_factory=CriteriaParams)
    events: EventParams = Field(default_factory=EventParams)


@cache
def _default_tree() -> dict[str, Any]:
    """Grounded defaults with the calibrated values laid over them, as plain tables."""
    grounded = Parameters.model_construct().model_dump()
    return deep_merge(grounded, calibrated().get("parameters", {}))
