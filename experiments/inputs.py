"""Schemas of the input files besides scenarios: the sensitivity problem file and the
calibration targets file.

Both are pydantic models validated like the scenario (`model.validation.validate`):
unknown keys are errors, and every problem is reported at once as file, key path, bad
value and what is allowed (CLI exit code 2).
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from model.metrics import BARRIERS, NUMERIC_COLUMNS, SUMMARY_FIELDS
from model.population import POPULATIONS
from model.validation import invalid


class Input(BaseModel):
    """Base of every input-file table: frozen, strict types, unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Number = Annotated[float, Field(allow_inf_nan=False)]
Tolerance = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]

# --------------------------------------------------------------------------- outputs

NON_NUMERIC = ("main_barrier", "barriers", "final_phase")
COST_FIELD = re.compile(r"^cost_[a-z_]+_eur$")
OUTPUTS_ALLOWED = (
    "numeric run-summary fields, e.g. final_active_share, goal_reached, roi, "
    "change_roi, goal_week, final_resistant_share, final_<weekly column>, "
    "cost_<lever>_eur"
)


def output_names() -> list[str]:
    names = [f for f in SUMMARY_FIELDS if f not in NON_NUMERIC]
    return names + [f"final_{c}" for c in NUMERIC_COLUMNS]


def known_output(name: str) -> bool:
    numeric = set(output_names()) | {"change_cost_eur", "benefit_total_eur"}
    return name in numeric or bool(COST_FIELD.match(name))


def _output(name: str) -> str:
    if name in NON_NUMERIC:
        raise invalid("not a numeric output", OUTPUTS_ALLOWED)
    if not known_output(name):
        near = difflib.get_close_matches(name, output_names(), n=2)
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        raise invalid("unknown output", OUTPUTS_ALLOWED + hint)
    return name


def _split(value: Any) -> Any:
    """ "a, b" -> ["a", "b"] (the --outputs flag and a one-line file entry)."""
    if isinstance(value, str):
        return [s.strip() for s in value.split(",") if s.strip()]
    return value


def _outputs(names: list[str]) -> list[str]:
    if not names:
        raise invalid("no outputs", "a non-empty list of " + OUTPUTS_ALLOWED)
    if len(set(names)) != len(names):
        raise invalid("duplicate output", "each output once")
    return names


Outputs = Annotated[
    list[Annotated[str, AfterValidator(_output)]],
    BeforeValidator(_split),
    AfterValidator(_outputs),
]

# --------------------------------------------------------------------------- problem file

METHODS = ("sobol", "morris")
DISTRIBUTIONS = {  # our name -> (SALib name, number of bounds values, meaning)
    "uniform": ("unif", 2, "[low, high]"),
    "unif": ("unif", 2, "[low, high]"),
    "loguniform": ("logunif", 2, "[low, high], both > 0"),
    "logunif": ("logunif", 2, "[low, high], both > 0"),
    "triangular": ("triang", 3, "[low, high, peak as a fraction of the width in [0, 1)]"),
    "triang": ("triang", 3, "[low, high, peak as a fraction of the width in [0, 1)]"),
    "normal": ("norm", 2, "[mean, sd > 0]"),
    "norm": ("norm", 2, "[mean, sd > 0]"),
    "truncnorm": ("truncnorm", 4, "[low, high, mean, sd > 0]"),
    "lognormal": ("lognorm", 2, "[log-mean, log-sd > 0]"),
    "lognorm": ("lognorm", 2, "[log-mean, log-sd > 0]"),
}


# `weights = "sme"`: a level's weight is its share in the SME population (culture only)
LEVEL_WEIGHTS = {"sme": "the SME population's culture mix, model/population.py"}


# a level's weight: positive numbers, one per level, or a named mix (errors name the key
# and what is allowed, not pydantic's union branches)
LevelWeights = Annotated[
    Annotated[list[Annotated[float, Field(gt=0, allow_inf_nan=False)]], Tag("list")]
    | Annotated[Literal[tuple(LEVEL_WEIGHTS)], Tag("name")],  # type: ignore[valid-type]
    Discriminator(lambda v: "name" if isinstance(v, str) else "list"),
]


def bad_bounds(dist: str, b: list[float]) -> str:
    """What is wrong with the bounds of a SALib distribution ("" if nothing)."""
    if dist in ("unif", "triang", "truncnorm", "logunif") and not b[0] < b[1]:
        return "lower bound must be < upper bound"
    if dist == "logunif" and b[0] <= 0:
        return "log-uniform bounds must be > 0"
    if dist == "triang" and not 0 <= b[2] < 1:
        return "the peak must be a fraction in [0, 1)"
    if dist in ("norm", "lognorm") and b[1] <= 0:
        return "the standard deviation must be > 0"
    if dist == "truncnorm" and b[3] <= 0:
        return "the standard deviation must be > 0"
    return ""


class ParameterSpec(Input):
    """One `[[parameter]]`: a dotted scenario key, its distribution and bounds; or a text
    key (e.g. `organisation.culture`) with its `levels` and their `weights`."""

    key: str = Field(min_length=1)
    bounds: list[Number] | None = None
    distribution: Literal[tuple(DISTRIBUTIONS)] = "uniform"  # type: ignore[valid-type]
    levels: list[Annotated[str, Field(min_length=1)]] | None = None
    weights: LevelWeights | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _bounds_fit(self) -> ParameterSpec:
        if self.levels is not None:
            return self._levels_fit()
        if self.weights is not None:
            raise invalid("weights without levels", "weights only with `levels`", "weights",
                          self.weights)  # fmt: skip
        dist, n, meaning = DISTRIBUTIONS[self.distribution]
        allowed = f"{n} numbers for {self.distribution}: {meaning}"
        if self.bounds is None:
            raise invalid("missing", allowed + " (or `levels` for a text key)", "bounds", None)
        if len(self.bounds) != n:
            raise invalid(f"{len(self.bounds)} bounds values", allowed, "bounds", self.bounds)
        bad = bad_bounds(dist, self.bounds)
        if bad:
            raise invalid(bad, allowed, "bounds", self.bounds)
        return self

    def _levels_fit(self) -> ParameterSpec:
        levels = self.levels or []
        if len(set(levels)) < 2:
            allowed = "at least 2 distinct levels"
            raise invalid(f"{len(set(levels))} distinct", allowed, "levels", levels)
        if len(set(levels)) != len(levels):
            raise invalid("a level twice", "each level once", "levels", levels)
        if self.bounds is not None or "distribution" in self.model_fields_set:
            what = "bounds" if self.bounds is not None else "distribution"
            raise invalid(
                f"{what} with levels",
                "`levels` (and `weights`) alone: a level is drawn by its weight",
                what,
                self.bounds if self.bounds is not None else self.distribution,
            )
        w = self.weights
        if isinstance(w, list) and len(w) != len(levels):
            allowed = f"{len(levels)} positive numbers, one per level, or " + " / ".join(
                f'"{k}" ({v})' for k, v in LEVEL_WEIGHTS.items()
            )
            raise invalid(f"{len(w)} weights", allowed, "weights", w)
        if isinstance(w, str) and self.key != "organisation.culture":
            allowed = "a list of weights (the SME mix is for organisation.culture)"
            raise invalid(f'"{w}" for {self.key}', allowed, "weights", w)
        return self

    @property
    def salib_dist(self) -> str:
        return "unif" if self.levels is not None else DISTRIBUTIONS[self.distribution][0]

    @property
    def design_bounds(self) -> list[float]:
        """The bounds of the sampled number: a level is drawn from a uniform on [0, 1]."""
        return [0.0, 1.0] if self.levels is not None else list(self.bounds or [])


def _unique_keys(params: list[ParameterSpec]) -> list[ParameterSpec]:
    seen: set[str] = set()
    for i, p in enumerate(params):
        if p.key in seen:
            raise invalid("duplicate key", "each key once", f"{i}.key", p.key)
        seen.add(p.key)
    return params


Parameters = Annotated[list[ParameterSpec], Field(min_length=1), AfterValidator(_unique_keys)]
# A problem-file path or its [[parameter]] tables inline (errors name the table's key).
ParametersOrPath = Annotated[
    Annotated[str, Tag("path")] | Annotated[Parameters, Tag("tables")],
    Discriminator(lambda v: "path" if isinstance(v, str) else "tables"),
]


class ProblemFile(Input):
    """The sensitivity problem file (DESIGN section 4); command-line flags win."""

    outputs: Outputs | None = None
    parameter: Parameters
    method: Literal[METHODS] | None = None  # type: ignore[valid-type]
    samples: int | None = Field(None, ge=2)
    second_order: bool | None = None
    description: str | None = None


# --------------------------------------------------------------------------- targets


class Target(Input):
    """What every calibration target has."""

    id: str = Field(min_length=1)
    kind: str
    fact: str = ""
    source: str = ""
    scenario: str = Field(min_length=1)
    population: Literal[POPULATIONS] | None = None  # type: ignore[valid-type]
    set: dict[str, Any] = Field(default_factory=dict)
    runs: int = Field(ge=1)


class SnapshotTarget(Target):
    week: int = Field(0, ge=0)
    filter: str | None = None
    where: str


class ShareTarget(SnapshotTarget):
    kind: Literal["share"]
    value: Number
    tolerance: Tolerance


class RunTarget(Target):
    kind: Literal["run_mean", "run_median"]
    field: str
    value: Number
    tolerance: Tolerance


class OrderTarget(SnapshotTarget):
    kind: Literal["order"]
    group_by: str
    groups: list[str] = Field(min_length=2)
    order: Literal["increasing", "decreasing"]


class HighestTarget(SnapshotTarget):
    kind: Literal["highest"]
    group_by: str
    group: str


class RatioTarget(Target):
    """Paired ratio b/a of the run mean of `field` (runs of a with `set_a`, of b with
    `set_b`, on the same seeds); passes within `tolerance` of `value` or inside `range`."""

    kind: Literal["ratio"]
    field: str
    set_a: dict[str, Any] = Field(default_factory=dict)
    set_b: dict[str, Any] = Field(default_factory=dict)
    value: Number
    tolerance: Tolerance | None = None
    range: list[Number] | None = Field(None, min_length=2, max_length=2)

    @model_validator(mode="after")
    def _criterion(self) -> RatioTarget:
        if self.tolerance is None and self.range is None:
            allowed = "tolerance = x or range = [low, high]"
            raise invalid("no pass criterion", allowed, "tolerance", "missing")
        if self.range is not None and not self.range[0] <= self.range[1]:
            raise invalid("low > high", "range = [low, high], low <= high", "range", self.range)
        return self


class FailedWithTarget(Target):
    """Among runs that miss their goal, the share with `barrier` binding."""

    kind: Literal["failed_with"]
    barrier: Literal[BARRIERS]  # type: ignore[valid-type]
    value: Number
    tolerance: Tolerance


class VarianceShareTarget(Target):
    """Sobol total-order share of the `people` parameters against `technology` ones:
    each a problem-file path (its [[parameter]] tables) or a list of parameter tables."""

    kind: Literal["variance_share"]
    runs: int = Field(1, ge=1)
    field: str
    samples: int = Field(ge=2)
    people: ParametersOrPath
    technology: ParametersOrPath
    value: Number
    tolerance: Tolerance


class PlausibleTarget(Target):
    """Every pandas expression in `holds` (over run means of summary fields) holds."""

    kind: Literal["plausible"]
    holds: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)


TARGET_KINDS: dict[str, type[Target]] = {
    "share": ShareTarget,
    "run_mean": RunTarget,
    "run_median": RunTarget,
    "order": OrderTarget,
    "highest": HighestTarget,
    "ratio": RatioTarget,
    "failed_with": FailedWithTarget,
    "variance_share": VarianceShareTarget,
    "plausible": PlausibleTarget,
}


class TargetsFile(Input):
    """The targets file: `[[target]]` tables, each validated by the model of its kind."""

    target: list[dict[str, Any]] = Field(min_length=1)
