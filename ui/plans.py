"""Named plans: a What-if draft saved under a name in the workspace (UI database).

A plan built on a preset is kept as the preset's name and the edits; a plan built on an
uploaded file keeps the whole scenario. Compare offers every saved plan as
`plan: NAME`.
"""

from __future__ import annotations

from typing import Any

from model import Scenario, ScenarioError, load_scenario, preset_names
from ui.db import UiDb
from ui.state import UPLOAD_PREFIX, Draft

PLAN_PREFIX = "plan: "
UPLOADED = "upload"


def plan_record(draft: Draft) -> tuple[str, dict[str, Any]]:
    """(preset, edits) to store for a draft; a whole scenario for an upload."""
    if draft.label in preset_names():
        return draft.label, dict(draft.overrides)
    scenario, problems = draft.build()
    if scenario is None:
        raise ScenarioError(problems)
    return UPLOADED, {"scenario": scenario.model_dump(mode="json")}


def plan_draft(name: str, preset: str, edits: dict[str, Any]) -> Draft:
    """The What-if draft of a saved plan."""
    if preset == UPLOADED:
        return Draft(load_scenario(edits["scenario"]), f"{UPLOAD_PREFIX}{name}")
    return Draft(load_scenario(preset), preset, dict(edits))


def plan_scenario(name: str, preset: str, edits: dict[str, Any]) -> Scenario:
    scenario, problems = plan_draft(name, preset, edits).build()
    if scenario is None:
        raise ScenarioError(problems)
    return scenario.model_copy(update={"name": name})


def saved_plans(db: UiDb, workspace: str) -> dict[str, Scenario]:
    """Every saved plan of the workspace that still builds, as `plan: NAME` -> scenario."""
    out = {}
    for name, preset, edits in db.plans(workspace):
        try:
            out[PLAN_PREFIX + name] = plan_scenario(name, preset, edits)
        except (ScenarioError, KeyError, ValueError):
            continue  # e.g. a preset that was renamed since: not offered
    return out
