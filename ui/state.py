"""UI logic without widgets: scenario drafts with inline problems, live runs, groups.

`Draft` is a preset (or uploaded) scenario plus the user's edits as dotted overrides;
`Draft.build()` validates and returns the scenario or the problems by field.
`LiveRun` wraps a `model.engine.Simulation` for Run / Step / Reset and records the
active use of every role, age band and department week by week for the charts.
"""

from __future__ import annotations

import logging
import time
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from model import Problem, Scenario, ScenarioError, load_scenario, preset_names
from model.engine import Simulation
from model.metrics import summarise
from model.run import change_roi
from model.scenario import ROLES, validate_scenario
from model.state import ACTIVE
from ui.sim_view import SimulationClock

log = logging.getLogger("adoptsim.ui")

DEFAULT_PRESET = "typical_sme"
AGE_BANDS = ("under 35", "35-49", "50+")
AGE_CUTS = (35.0, 50.0)
MAX_GROUP_LINES = 8


# --------------------------------------------------------------------------- presets


def what_if_presets() -> list[str]:
    """Every preset (cases and validation included), the default first."""
    names = preset_names()
    return sorted(names, key=lambda n: (n != DEFAULT_PRESET, n.startswith("validation/"), n))


def plan_presets() -> list[str]:
    """Presets that are change plans (limiting validation cases left out)."""
    return [n for n in what_if_presets() if not n.startswith("validation/")]


def load_uploaded(name: str, data: bytes) -> Scenario:
    """A scenario from an uploaded TOML file; ScenarioError naming the file otherwise."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError([Problem(name, "", "", "a UTF-8 TOML text file", "not text")]) from None
    except tomllib.TOMLDecodeError as exc:
        problem = Problem(name, "", "", "valid TOML", f"malformed TOML: {exc}")
        raise ScenarioError([problem]) from None
    return validate_scenario(raw, name)


# --------------------------------------------------------------------------- drafts


def get_dotted(data: dict[str, Any], key: str, default: Any = None) -> Any:
    node: Any = data
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return default
    return node


# Problems raised by a section-level validator are shown next to this field.
SECTION_FIELD = {
    "organisation": "organisation.roles",
    "strategy.training": "strategy.training.formats",
    "": "name",
}


def problem_text(p: Problem) -> str:
    allowed = f" (allowed: {p.allowed})" if p.allowed and p.allowed != p.message else ""
    msg = p.message
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return f"{msg}{allowed}"


def problems_by_field(problems: list[Problem]) -> dict[str, list[str]]:
    """Problem texts keyed by the dotted key of the field that should show them."""
    out: dict[str, list[str]] = {}
    for p in problems:
        key = SECTION_FIELD.get(p.key, p.key)
        out.setdefault(key, []).append(problem_text(p))
    return out


def messages_for(by_field: dict[str, list[str]], key: str) -> list[str]:
    """Messages for a field: its own key and any key below it (e.g. list items)."""
    return [m for k, msgs in by_field.items() if k == key or k.startswith(key + ".") for m in msgs]


UPLOAD_PREFIX = "upload: "  # the label of a draft from an uploaded file: "upload: NAME"


@dataclass(frozen=True)
class Draft:
    """A base scenario and the user's edits (dotted key -> value)."""

    base: Scenario
    label: str = DEFAULT_PRESET
    overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def preset(cls, name: str) -> Draft:
        return cls(load_scenario(name), name)

    @cached_property
    def _data(self) -> dict[str, Any]:
        return self.base.model_dump(mode="python")

    def data(self) -> dict[str, Any]:
        return self._data

    def value(self, key: str) -> Any:
        if key in self.overrides:
            return self.overrides[key]
        return get_dotted(self.data(), key)

    def set(self, key: str, value: Any) -> Draft:
        """A draft with one more edit (an edit back to the base value is dropped)."""
        new = dict(self.overrides)
        if get_dotted(self.data(), key) == value:
            new.pop(key, None)
        else:
            new[key] = value
        return Draft(self.base, self.label, new)

    def build(self) -> tuple[Scenario | None, list[Problem]]:
        """The edited scenario, or None and one Problem per bad field."""
        try:
            return self.base.with_overrides(self.overrides, source="edit"), []
        except ScenarioError as exc:
            return None, list(exc.problems)


# --------------------------------------------------------------------------- groups


def age_band(age: np.ndarray) -> np.ndarray:
    return np.digitize(age, AGE_CUTS)


@dataclass
class GroupHistory:
    """Weekly active share of target users per role, age band and department."""

    labels: dict[str, list[str]]
    index: dict[str, np.ndarray]
    sizes: dict[str, np.ndarray]
    rows: dict[str, list[np.ndarray]] = field(default_factory=dict)

    @classmethod
    def start(cls, sim: Simulation) -> GroupHistory:
        wf = sim.wf
        t = wf.is_target
        n_dep = int(wf.department.max()) + 1
        index = {
            "role": wf.role.astype(np.int64),
            "age band": age_band(wf.age),
            "department": wf.department.astype(np.int64),
        }
        labels = {
            "role": list(ROLES),
            "age band": list(AGE_BANDS),
            "department": [f"dept {d + 1}" for d in range(n_dep)],
        }
        sizes = {k: np.bincount(v[t], minlength=len(labels[k])) for k, v in index.items()}
        hist = cls(labels, index, sizes, {k: [] for k in index})
        hist.record(sim)
        return hist

    def record(self, sim: Simulation) -> None:
        active = (sim.state.stage == ACTIVE) & sim.wf.is_target
        for k, idx in self.index.items():
            n = len(self.labels[k])
            count = np.bincount(idx[active], minlength=n)
            with np.errstate(invalid="ignore", divide="ignore"):
                self.rows[k].append(np.where(self.sizes[k] > 0, count / self.sizes[k], np.nan))

    def table(self, kind: str) -> pd.DataFrame:
        """Weeks x groups (only groups with target users; the largest few departments)."""
        arr = np.vstack(self.rows[kind])
        sizes = self.sizes[kind]
        keep = np.flatnonzero(sizes > 0)
        if kind == "department" and keep.size > MAX_GROUP_LINES:
            keep = np.sort(keep[np.argsort(-sizes[keep], kind="stable")[:MAX_GROUP_LINES]])
        return pd.DataFrame(arr[:, keep], columns=[self.labels[kind][i] for i in keep])


# --------------------------------------------------------------------------- live runs


class LiveRun(SimulationClock):
    """One simulation shown in the What-if view: Step, Run to the end, summary."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else int(seed)
        self.sim = Simulation(scenario, seed=self.seed)
        self.groups = GroupHistory.start(self.sim)
        self._change_roi: float | None = None
        self.compute_seconds = 0.0

    @cached_property
    def key(self) -> tuple[str, int]:
        """Scenario digest and seed: with the week, what the charts show."""
        from ui.png_cache import scenario_key

        return scenario_key(self.scenario), self.seed

    def step(self, weeks: int = 1) -> None:
        t0 = time.perf_counter()
        for _ in range(weeks):
            if self.finished:
                break
            self.sim.step()
            self.groups.record(self.sim)
        if self.finished:
            self._finish()
        self.compute_seconds = time.perf_counter() - t0

    def run_to_end(self) -> None:
        self.step(self.weeks - self.week)

    def _finish(self) -> None:
        if self._change_roi is None and self.sim.mode == "full":
            try:
                self._change_roi = change_roi(
                    self.sim, summarise(self.sim, self.weekly()), self.seed
                )
            except Exception:  # the counterfactual is a nice-to-have; never break the run
                log.exception("change ROI counterfactual failed")

    def weekly(self) -> pd.DataFrame:
        return self.sim.recorder.weekly(self.sim.week)

    def summary(self) -> dict[str, Any]:
        out = summarise(self.sim, self.weekly())
        out["change_roi"] = self._change_roi if self.finished else None
        return out


def over_budget(budget_eur: float, spent_eur: float) -> float:
    """EUR spent beyond the budget (0 when within it)."""
    return max(0.0, float(spent_eur) - float(budget_eur))


def budget_rows(
    budget_eur: float, spent_eur: float, spent_label: str
) -> list[tuple[str, str, str]]:
    """(label, value, css class) rows: budget, spent, and over budget in a warning colour."""
    over = over_budget(budget_eur, spent_eur)
    if over > 0:
        share = f" ({100 * over / budget_eur:.0f}% over)" if budget_eur > 0 else ""
        last = ("over budget", f"{fmt_eur(over)}{share}", "over-budget")
    else:
        last = ("over budget", "no, within budget", "within-budget")
    return [
        ("budget (change measures)", fmt_eur(budget_eur), ""),
        (spent_label, fmt_eur(spent_eur), ""),
        last,
    ]


def fmt_pct(x: Any, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    return f"{100.0 * float(x):.{digits}f}%"


def fmt_eur(x: Any) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    return f"EUR {float(x):,.0f}"


def fmt_num(x: Any, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    return f"{float(x):,.{digits}f}"
