"""Scenario schema (pydantic v2, frozen, unknown keys forbidden), TOML load/dump, overrides.

A scenario is everything a run needs besides its seed: the organisation, its influence
network, the AI tool, the budget, the change strategy, the goal and the dynamics mode.
`load_scenario` accepts a preset name (a TOML file under `scenarios/`), a path, a dict
of scenario keys or a Scenario; numpy scalars (e.g. `np.int64` from EMA Workbench) are
accepted wherever a Python number is.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import numpy as np
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.errors import MAX_PROBLEMS, Problem, ScenarioError
from model.parameters import Parameters
from model.validation import validate

Role = Literal["executive", "middle_manager", "specialist", "admin", "operations"]
Culture = Literal["innovation", "performance", "harmony", "hierarchy"]
NetworkKind = Literal[
    "organisation", "small_world", "scale_free", "erdos_renyi", "complete", "ring_lattice"
]
TrainingFormat = Literal[
    "lecture", "manual", "demo", "practice", "peer_teaching", "microlearning", "mentoring"
]
Audience = Literal[
    "all", "executives", "middle_managers", "direct_users", "indirect_users", "works_council"
]
Channel = Literal[
    "email", "intranet", "newsletter", "faq_portal", "video", "info_event", "meeting",
    "team_workshop", "hands_on", "management_workshop", "executive_briefing",
    "formal_consultation", "ai_breakfast",
]  # fmt: skip

ROLES: tuple[str, ...] = get_args(Role)
CULTURES: tuple[str, ...] = get_args(Culture)
NETWORK_KINDS: tuple[str, ...] = get_args(NetworkKind)
TRAINING_FORMATS: tuple[str, ...] = get_args(TrainingFormat)
AUDIENCES: tuple[str, ...] = get_args(Audience)
CHANNELS: tuple[str, ...] = get_args(Channel)

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
MAX_FILE_BYTES = 64 * 2**20  # a per-employee list for 200,000 employees takes ~2 MiB
MAX_DEPTH = 16  # scenario tables nest 4 deep; deeper input is refused before validation
MAX_EUR = 1e12  # money amounts: far above any organisation, far below float overflow
Weight = Annotated[float, Field(ge=0.0, le=1e6)]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Week = Annotated[int, Field(ge=0, le=520)]


DEFAULT_BUDGET_EUR = 30_000.0
DEFAULT_PILOT_SIZE = 8


class Strict(BaseModel):
    """Base for every section: frozen, unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Organisation(Strict):
    employees: int = Field(120, ge=2, le=200_000)
    culture: Culture = "harmony"
    departments: int = Field(5, ge=1, le=20_000)
    mean_age: float = Field(43.0, ge=20.0, le=65.0)
    mean_tenure_years: float = Field(8.7, ge=0.0, le=40.0)
    roles: dict[Role, Weight] = Field(
        default_factory=lambda: {
            "executive": 0.05,
            "middle_manager": 0.12,
            "specialist": 0.25,
            "admin": 0.20,
            "operations": 0.38,
        }
    )
    works_council: bool = True

    @model_validator(mode="after")
    def _roles_positive(self) -> Organisation:
        if sum(self.roles.values()) <= 0:
            raise ValueError("roles: at least one role share must be > 0")
        return self


class Network(Strict):
    kind: NetworkKind = "organisation"
    mean_degree: float = Field(8.0, ge=1.0, le=1000.0)
    cross_department_share: Share = 0.2
    rewiring: Share = 0.1


class Tool(Strict):
    usefulness: Share = 0.6
    ease_of_use: Share = 0.6
    reliability: Share = 0.8
    hours_saved_per_week: float = Field(2.5, ge=0.0, le=40.0)
    target_roles: list[Role] = Field(
        default_factory=lambda: ["middle_manager", "specialist", "admin"], min_length=1
    )
    licence_eur_per_user_month: float = Field(25.0, ge=0.0, le=1e6)
    # not every failure is human: integration, data, technology (DOMAIN section 1)
    integration_weeks: Annotated[int, Field(ge=0, le=520)] = 0  # IT work after go-live
    integration_eur: float = Field(0.0, ge=0.0, le=MAX_EUR)  # cash for connecting systems
    data_quality: Share = 0.8  # how complete and clean the data the tool works on is


class Budget(Strict):
    """The AI implementation budget (cash: licences, integration, change measures).

    Give `total_eur`, or `eur_per_employee` to scale it with the firm (`total_eur`
    wins when both are given); neither: EUR 30,000.
    """

    total_eur: float | None = Field(None, ge=0.0, le=MAX_EUR)
    eur_per_employee: float | None = Field(None, ge=0.0, le=1e7)
    hourly_cost_eur: float = Field(45.0, gt=0.0, le=1e5)


class Phases(Strict):
    awareness: Week = 0
    vision: Week = 6
    empowerment: Week = 12
    implementation: Week = 18
    anchoring: Week = 30
    gated: bool = False
    max_wait_weeks: Annotated[int, Field(ge=0, le=104)] = 12

    @model_validator(mode="after")
    def _ordered(self) -> Phases:
        weeks = [self.awareness, self.vision, self.empowerment, self.implementation, self.anchoring]
        if any(b < a for a, b in zip(weeks, weeks[1:], strict=False)):
            raise ValueError(
                "phase start weeks must not decrease: awareness <= vision <= empowerment"
                " <= implementation <= anchoring"
            )
        return self


class Communication(Strict):
    audience: Audience = "all"
    channel: Channel = "email"
    framing: Literal["technical", "benefits", "storytelling"] = "technical"
    start_week: Week = 0
    every_weeks: Annotated[int, Field(ge=0, le=520)] = 0
    end_week: Week | None = None

    @model_validator(mode="after")
    def _window(self) -> Communication:
        if self.end_week is not None and self.end_week < self.start_week:
            raise ValueError("end_week must be >= start_week")
        return self


class Transparency(Strict):
    updates_every_weeks: Annotated[int, Field(ge=0, le=52)] = 0


class Training(Strict):
    budget_share: Share = 0.3
    formats: dict[TrainingFormat, Weight] = Field(default_factory=lambda: {"lecture": 1.0})
    role_specific: bool = False
    tandem_teams: bool = False

    @model_validator(mode="after")
    def _formats(self) -> Training:
        if self.budget_share > 0 and sum(self.formats.values()) <= 0:
            raise ValueError("formats: at least one format weight must be > 0")
        return self


class Champions(Strict):
    # lever sizes: give the number, or a per-head rule that scales with the firm (the
    # number wins when both are given; neither: none)
    count: Annotated[int, Field(ge=0, le=10_000)] | None = None
    employees_per_champion: Annotated[int, Field(ge=1, le=10_000)] | None = None
    selection: Literal["random", "centrality", "diversity", "critics"] = "random"
    time_share: Annotated[float, Field(ge=0.0, le=0.5)] = 0.1
    start_week: Week = 6


class QuickWins(Strict):
    pilot: Literal["none", "most_receptive", "random", "most_resistant"] = "none"
    pilot_size: Annotated[int, Field(ge=0, le=100_000)] | None = None  # neither: 8
    pilot_share: Share | None = None  # share of the target users (scales with the firm)
    start_week: Week = 14
    broadcast: bool = False


class Resistance(Strict):
    concern_board: bool = False
    critics_as_advisors: bool = False
    objection_anticipation: bool = False


class WorksCouncil(Strict):
    involvement: Literal["early", "late", "none"] = "late"


class Leadership(Strict):
    role_modelling: bool = False


class Anchoring(Strict):
    process_integration_week: Week | None = None
    community_of_practice: bool = False
    innovator_roles: Annotated[int, Field(ge=0, le=10_000)] | None = None
    # or one innovator per this many employees (scales with the firm)
    employees_per_innovator: Annotated[int, Field(ge=1, le=100_000)] | None = None
    incentives: bool = False


class Strategy(Strict):
    rollout: Literal["phased", "big_bang", "pilot_first"] = "phased"
    scale_out_after_weeks: Annotated[int, Field(ge=0, le=104)] = 8
    phases: Phases = Phases()
    communication: list[Communication] = Field(default_factory=list)
    transparency: Transparency = Transparency()
    training: Training = Training()
    champions: Champions = Champions()
    quick_wins: QuickWins = QuickWins()
    resistance: Resistance = Resistance()
    works_council: WorksCouncil = WorksCouncil()
    leadership: Leadership = Leadership()
    anchoring: Anchoring = Anchoring()


class Economics(Strict):
    """How benefits are valued beyond the simulated weeks (DOMAIN section 8)."""

    horizon_years: Annotated[float, Field(gt=0.0, le=20.0)] = 3.0
    indirect_share: Annotated[float, Field(ge=0.0, le=5.0)] = 0.25  # fewer errors, speed
    strategic_eur_per_year: float = Field(0.0, ge=0.0)  # off by default: an assumption


class Goals(Strict):
    target_active_share: Share = 0.5
    by_week: Annotated[int, Field(ge=1, le=520)] = 52


class Bass(Strict):
    p: Share = 0.03
    q: Annotated[float, Field(ge=0.0, le=10.0)] = 0.38


class Threshold(Strict):
    phi: Share | list[Share] = 0.25
    seeds: Annotated[int, Field(ge=0, le=200_000)] = 1
    seed_ids: list[Annotated[int, Field(ge=0, le=200_000)]] | None = None


class Dynamics(Strict):
    mode: Literal["full", "bass", "threshold"] = "full"
    bass: Bass = Bass()
    threshold: Threshold = Threshold()


class Scenario(Strict):
    name: str = "unnamed"
    description: str = ""
    weeks: Annotated[int, Field(ge=1, le=520)] = 52
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 1
    organisation: Organisation = Organisation()
    network: Network = Network()
    tool: Tool = Tool()
    budget: Budget = Budget()
    strategy: Strategy = Strategy()
    goals: Goals = Goals()
    economics: Economics = Economics()
    dynamics: Dynamics = Dynamics()
    parameters: Parameters = Parameters()

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        th = self.dynamics.threshold
        n = self.organisation.employees
        if isinstance(th.phi, list) and len(th.phi) != n:
            raise ValueError(
                f"dynamics.threshold.phi: a list needs one value per employee ({n}),"
                f" got {len(th.phi)}"
            )
        if th.seed_ids is not None and any(i >= n for i in th.seed_ids):
            raise ValueError(f"dynamics.threshold.seed_ids: ids must be < employees ({n})")
        _check_divisors(self.parameters)
        return self

    @property
    def budget_eur(self) -> float:
        """The budget in EUR: per employee times employees when so given, else the total."""
        b = self.budget
        if b.total_eur is not None:
            return b.total_eur
        if b.eur_per_employee is not None:
            return b.eur_per_employee * self.organisation.employees
        return DEFAULT_BUDGET_EUR

    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """A copy with dotted-key overrides applied and validated again.

        `source` names where the overrides came from in error messages."""
        if not overrides:
            return self
        data = self.model_dump(mode="python", exclude_none=True)  # a fresh dict
        return validate_scenario(apply_overrides(data, overrides, source), source)

    def to_toml(self) -> str:
        """TOML text that loads back into an equal scenario."""
        return tomli_w.dumps(self.model_dump(mode="json", exclude_none=True))


def _check_divisors(p: Parameters) -> None:
    """Parameters the model divides by (their own ranges allow the value that breaks it):
    a barrier threshold of 0 (or of 1 for the "below this" ones) and a zero value scale."""
    b = p.barriers
    if b.integration <= 0:
        raise ValueError("parameters.barriers.integration: a threshold > 0 (it divides)")
    for name in ("data_quality", "reliability"):
        if getattr(b, name) >= 1:
            raise ValueError(f"parameters.barriers.{name}: a threshold < 1 (1 - it divides)")
    if p.value_scale <= 0:
        raise ValueError("parameters.value_scale: a number > 0 (it divides)")


# --------------------------------------------------------------------------- loading


def preset_names() -> list[str]:
    """Preset names: TOML files under scenarios/ (sub-folders as `cases/name`)."""
    return sorted(
        p.relative_to(SCENARIO_DIR).with_suffix("").as_posix() for p in SCENARIO_DIR.rglob("*.toml")
    )


def resolve_path(spec: str | Path) -> Path:
    """The file for a preset name or a path; ScenarioError if there is none."""
    path = Path(spec)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ScenarioError([Problem(str(spec), "", str(spec), "an existing TOML file")])
        return path
    candidates = [SCENARIO_DIR / f"{spec}.toml"]
    candidates += [SCENARIO_DIR / sub / f"{spec}.toml" for sub in ("cases", "validation")]
    for cand in candidates:
        if cand.is_file():
            return cand
    allowed = "a TOML file path or a preset: " + ", ".join(preset_names())
    raise ScenarioError([Problem(str(spec), "", str(spec), allowed, "unknown scenario")])


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; malformed TOML becomes a ScenarioError naming the file."""
    return parse_toml(read_file(path), str(path))


def read_file(path: Path) -> bytes:
    """A scenario file's bytes; too large or unreadable is a ScenarioError naming it."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                [
                    Problem(
                        str(path),
                        "",
                        f"{size:,} bytes",
                        f"a scenario file of at most {MAX_FILE_BYTES // 2**20} MiB",
                        "file too large",
                    )
                ]
            )
        return path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(str(path), "", "", "a readable file", str(exc))]) from None


def parse_toml(raw: bytes, source: str) -> dict[str, Any]:
    """Parse TOML bytes; malformed TOML becomes a ScenarioError naming `source`."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(
            [Problem(source, "", "", "valid TOML", f"malformed TOML: {exc}")]
        ) from None
    except RecursionError:
        raise ScenarioError([_too_deep(source, "")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(source, "", "", "a UTF-8 text file (TOML)", f"not UTF-8 text: {exc}")]
        ) from None
    check_depth(data, source)
    return data


def _too_deep(source: str, key: str) -> Problem:
    return Problem(
        source,
        key,
        "",
        f"values nested at most {MAX_DEPTH} levels deep",
        "nested too deeply",
    )


def check_depth(data: Any, source: str, prefix: str = "") -> None:
    """Refuse lists and tables nested deeper than MAX_DEPTH (checked without recursion,
    so no RecursionError later in validation, copying or printing)."""
    stack = [(data, 0, prefix)]
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError([_too_deep(source, path)])
        if isinstance(node, dict):
            stack.extend((v, depth + 1, f"{path}.{k}" if path else str(k)) for k, v in node.items())
        elif isinstance(node, list | tuple):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(node))


# a bare word: plain text without quotes, brackets, braces or control characters (an
# unclosed `"a` or `[1, 2` is a mistake, not text)
_BARE_WORD = re.compile(r"[^\"'\[\]{}\x00-\x1f\x7f]+")


def parse_override(text: str) -> tuple[str, Any]:
    """Parse one `key.path=value` override; the value is read as TOML (bare words as text).

    The value must be exactly one TOML value: a second line (`weeks=5` + newline + `bogus=1`) or an
    unclosed quote or bracket is an error, never silently ignored or taken literally.
    """
    if not isinstance(text, str):
        raise ScenarioError([Problem("--set", "", text, 'a text "KEY=VALUE"')])
    if "=" not in text:
        raise ScenarioError(
            [Problem("--set", text, text, "KEY=VALUE, e.g. strategy.champions.count=12")]
        )
    key, raw = (s.strip() for s in text.split("=", 1))
    if not key or any(not part.strip() for part in key.split(".")):
        raise ScenarioError([Problem("--set", key, text, "a dotted key such as weeks or a.b.c")])
    allowed = "one TOML value: a number, true/false, text (in quotes), [list] or {table}"
    if any(ch in raw for ch in "\r\n"):
        raise ScenarioError([Problem("--set", key, raw, allowed, "more than one line")])
    try:
        parsed = tomllib.loads(f"v = {raw}")
    except tomllib.TOMLDecodeError:
        if not _BARE_WORD.fullmatch(raw):
            raise ScenarioError([Problem("--set", key, raw, allowed, "not a TOML value")]) from None
        parsed = {"v": raw}  # bare words (e.g. culture=innovation) are taken as strings
    except RecursionError:
        raise ScenarioError([_too_deep("--set", key)]) from None
    if set(parsed) != {"v"}:
        raise ScenarioError([Problem("--set", key, raw, allowed, "more than one value")])
    value = parsed["v"]
    check_depth(value, "--set", key)
    return key, value


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any], source: str) -> dict:
    """Set dotted keys in a nested dict, in place (and return it); a key through a
    non-table is an error."""
    out = data
    for key, value in overrides.items():
        if not isinstance(key, str) or not key or any(not p for p in key.split(".")):
            raise ScenarioError(
                [Problem(source, str(key), value, "a dotted key such as weeks or a.b.c")]
            )
        check_depth(value, source, key)
        value = plain(value)
        node = out
        parts = key.split(".")
        for i, part in enumerate(parts[:-1]):
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                path = ".".join(parts[: i + 1])
                raise ScenarioError(
                    [Problem(source, key, value, f"{path} is a value, not a table")]
                )
            node = nxt
        node[parts[-1]] = value
    return out


def plain(value: Any) -> Any:
    """numpy scalars and arrays as Python numbers and lists (recursively in dicts/lists),
    so that `np.int64(12)` is accepted wherever `12` is."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def validate_scenario(data: dict[str, Any], source: str) -> Scenario:
    """Validate a raw dict; every problem becomes one line of a ScenarioError.

    Tables of `[parameters]` that hold one entry per culture or per role (e.g.
    `[parameters.culture.innovation]`, `parameters.attitude_role`) may be partial: what
    they leave out keeps its default; a culture or role name that does not exist is an
    error.
    """
    if not isinstance(data, dict):
        raise ScenarioError([Problem(source, "", data, "a table of scenario keys")])
    unknown = _unknown_keys(data, source)
    if len(unknown) > MAX_PROBLEMS:  # e.g. a million junk keys: skip the full validation
        raise ScenarioError(unknown)
    data, problems = _merge_parameter_tables(data, source)
    try:
        scenario = validate(Scenario, plain(data), source)
    except ScenarioError as exc:
        raise ScenarioError(problems + exc.problems) from None
    except RecursionError:
        raise ScenarioError([_too_deep(source, "")]) from None
    if problems:
        raise ScenarioError(problems)
    return scenario


def _unknown_keys(data: dict[str, Any], source: str) -> list[Problem]:
    """Unknown keys at the top level and in the sections (a quick pre-pass)."""
    out = []
    for key, value in data.items():
        field = Scenario.model_fields.get(key)
        if field is None:
            known = "one of the keys " + ", ".join(Scenario.model_fields)
            out.append(Problem(source, str(key), value, known, "unknown key"))
            continue
        model = field.annotation
        if isinstance(value, dict) and isinstance(model, type) and issubclass(model, BaseModel):
            known = "one of the keys " + ", ".join(model.model_fields)
            out += [
                Problem(source, f"{key}.{k}", v, known, "unknown key")
                for k, v in value.items()
                if k not in model.model_fields
            ]
    return out


def _parameter_tables() -> dict[str, dict[str, Any]]:
    """The defaults of every `[parameters]` key whose value is a table (per culture/role)."""
    global _PARAM_TABLES
    if _PARAM_TABLES is None:
        dumped = Parameters().model_dump(mode="python")
        _PARAM_TABLES = {k: v for k, v in dumped.items() if isinstance(v, dict)}
    return _PARAM_TABLES


_PARAM_TABLES: dict[str, dict[str, Any]] | None = None


def _merge_parameter_tables(data: dict[str, Any], source: str) -> tuple[dict, list[Problem]]:
    """Partial per-culture / per-role parameter tables completed from the defaults."""
    params = data.get("parameters")
    if not isinstance(params, dict):
        return data, []
    problems: list[Problem] = []
    merged = dict(params)
    for name, default in _parameter_tables().items():
        given = params.get(name)
        if not isinstance(given, dict):
            continue  # absent, or not a table: the schema reports it
        table = dict(default)
        for entry, value in given.items():
            if entry not in default:
                problems.append(
                    Problem(
                        source,
                        f"parameters.{name}.{entry}",
                        entry,
                        "one of " + ", ".join(default),
                        "unknown name",
                    )
                )
            elif isinstance(value, dict) and isinstance(default[entry], dict):
                table[entry] = {**default[entry], **value}
            else:
                table[entry] = value
        merged[name] = table
    return {**data, "parameters": merged}, problems


def load_scenario(
    spec: str | Path | Scenario | dict[str, Any],
    overrides: dict[str, Any] | list[str] | None = None,
    *,
    source: str | None = None,
) -> Scenario:
    """Load a preset name, a TOML path, a dict of scenario keys or a Scenario, then apply
    dotted overrides.

    `overrides` is a dict {"a.b": value} (values may be numpy scalars) or a list of
    "a.b=value" strings (as `--set`). Problems raise a ScenarioError naming the key path;
    `source` names where the overrides came from (default "--set" for a list of strings,
    "overrides" for a dict). Anything else (e.g. a number for `spec`, a text for
    `overrides`) is a ScenarioError too, as a bad file is.
    """
    if isinstance(overrides, list | tuple):
        source = source or "--set"
    source = source or "overrides"
    overrides = check_overrides(overrides)
    if isinstance(spec, Scenario):
        return spec.with_overrides(overrides, source)
    if isinstance(spec, dict):
        check_depth(spec, "scenario dict")
        scenario = validate_scenario(spec, "scenario dict")
        return scenario.with_overrides(overrides, source)
    if not isinstance(spec, str | Path) or not str(spec).strip():
        raise ScenarioError(
            [
                Problem(
                    "load_scenario",
                    "",
                    spec if isinstance(spec, str) else type(spec).__name__,
                    "a preset name, a TOML path, a dict of scenario keys or a Scenario",
                    "not a scenario",
                )
            ]
        )
    kept = _load_file(resolve_path(spec))  # shared: give the caller its own object
    return kept.with_overrides(overrides, source) if overrides else kept.model_copy(deep=True)


# validated scenario files by path and the hash of their content (a batch, the bench or a
# notebook loading a preset by name in a loop validates it once)
_FILES: dict[tuple[str, bytes], Scenario] = {}
_FILES_KEPT = 64


def _load_file(path: Path) -> Scenario:
    """Read and validate a scenario file, once per content. The result is shared:
    callers hand out copies (a Scenario is frozen, its tables and lists are not)."""
    raw = read_file(path)
    key = (str(path), hashlib.sha256(raw).digest())
    kept = _FILES.get(key)
    if kept is None:
        kept = validate_scenario(parse_toml(raw, str(path)), str(path))
        if len(_FILES) >= _FILES_KEPT:
            _FILES.pop(next(iter(_FILES)))
        _FILES[key] = kept
    return kept


def check_overrides(overrides: Any) -> dict[str, Any]:
    """Overrides as a dict {"dotted.key": value}; a list of "k=v" strings is parsed."""
    if overrides is None:
        return {}
    if isinstance(overrides, list | tuple):
        if not all(isinstance(s, str) for s in overrides):
            raise ScenarioError(
                [Problem("overrides", "", overrides, 'a list of "a.b=value" strings')]
            )
        parsed, problems = {}, []
        for text in overrides:
            try:
                key, value = parse_override(text)
            except ScenarioError as exc:
                problems += exc.problems
                continue
            parsed[key] = value
        if problems:
            raise ScenarioError(problems)
        return parsed
    if not isinstance(overrides, dict):
        raise ScenarioError(
            [
                Problem(
                    "overrides",
                    "",
                    overrides,
                    'a dict {"a.b": value} or a list of "a.b=value" strings',
                )
            ]
        )
    bad = [k for k in overrides if not isinstance(k, str)]
    if bad:
        raise ScenarioError(
            [Problem("overrides", str(k), k, "dotted keys as text, e.g. 'weeks'") for k in bad]
        )
    return overrides


def dump_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write a scenario as TOML (round-trips through load_scenario)."""
    Path(path).write_text(scenario.to_toml(), encoding="utf-8")
