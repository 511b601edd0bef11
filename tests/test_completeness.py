"""Completeness: every lever, scenario key, action and parameter has all its pieces.

Adding a lever touches its module, the scenario schema and `model.levers.LEVERS`; this
test then names each piece that is still missing (see CONTRIBUTING.md):

- a strategy key (each field of each section of `model.scenario.Strategy`) without an
  owning lever (`Lever.keys`), a UI editor (ui/editors.py), a paired-seed effect check
  (experiments/lever_effects.py CHECKS or experiments/advice.py REMOVALS) or an entry in
  docs/ODD.md;
- any other user-facing scenario key without a UI editor;
- a lever without a Workshop action or without its name in docs/ODD.md;
- a Workshop action without a price test (tests/test_actions.py OFF);
- a parameter without a unit, range and grounding.

Exemptions are explicit lists below, each with its reason (they replace the earlier
list of known gaps, tests/completeness_gaps.toml: a gap is now either closed or
exempted with a reason). Text checks read the source, so the test is fast and imports
no UI code.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import sys
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from model.levers import ACTIONS, LEVERS
from model.scenario import Scenario, Strategy

ROOT = Path(__file__).resolve().parent.parent
EDITORS = (ROOT / "ui" / "editors.py").read_text(encoding="utf-8")
ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")

# Keys that belong to no lever: the phase plan is the programme's schedule
# (model/programme.py), read by every lever, not a lever of its own.
NO_LEVER = {
    "strategy.phases.awareness",
    "strategy.phases.vision",
    "strategy.phases.empowerment",
    "strategy.phases.implementation",
    "strategy.phases.anchoring",
    "strategy.phases.gated",
    "strategy.phases.max_wait_weeks",
}

# Keys without a paired-seed effect check of their own.
NO_EFFECT_CHECK = {
    # the phase plan: when the levers act, not a lever; the levers' checks run under it
    *(NO_LEVER - {"strategy.phases.anchoring"}),  # (phases.anchoring is in a check)
    # start weeks shift when a lever acts, not what it does: the lever's own check
    # (and advice's removal of the lever) covers its direction
    "strategy.champions.start_week",
    "strategy.quick_wins.start_week",
    "strategy.scale_out_after_weeks",
    # sizes: the lever's direction is checked through its switch or count
    # (`quick_wins.pilot`, `champions.count`, `anchoring.innovator_roles`); these keys
    # only set the size, the per-head ones scaling it with the firm
    "strategy.quick_wins.pilot_size",
    "strategy.quick_wins.pilot_share",
    "strategy.champions.employees_per_champion",
    "strategy.anchoring.employees_per_innovator",
}

# Still missing (a real gap, not an exemption): no paired-seed check names the key yet.
# Remove a key from here when its check exists.
EFFECT_CHECK_PENDING = {
    "strategy.rollout",  # phased vs big_bang is compared by `adoptsim advice` as plans
    "strategy.champions.time_share",  # more time per champion: more support capacity
}

# Levers without a live Workshop action.
NO_ACTION = {
    "rollout",  # go-live is the plan's backbone (phase clock), not a live decision
    "anchoring",  # acts from the anchoring phase over months: a plan decision
}

# Scenario keys (outside the strategy) that need no UI editor.
NO_EDITOR = {
    "name",  # the plan's name is set where it is saved (ui/state.py)
    "description",
    # limiting cases for researchers (CLI and tests), not for planners
    "dynamics",
    # expert coefficients: --set parameters.x=..., listed by `adoptsim params`
    "parameters",
}


def _fields(model: type[BaseModel], prefix: str) -> list[str]:
    """Dotted leaf keys of a pydantic model (a list of sections is one key)."""
    out: list[str] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        tp: Any = field.annotation
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            out += _fields(tp, key + ".")
        else:
            out.append(key)
    return out


STRATEGY_KEYS = _fields(Strategy, "strategy.")
SCENARIO_KEYS = [k for k in _fields(Scenario, "") if not k.startswith("strategy.")]


def _owner(key: str) -> str | None:
    for lever in LEVERS:
        if any(key == k or key.startswith(k + ".") for k in lever.keys):
            return lever.name
    return None


def _has_editor(key: str) -> bool:
    """The key appears quoted in ui/editors.py, or as `f"parent.{...}"` with its leaf quoted
    (e.g. the phase weeks, edited in a loop over PHASE_KEYS)."""
    if f'"{key}"' in EDITORS:
        return True
    parent, _, leaf = key.rpartition(".")
    return f'f"{parent}.{{' in EDITORS and f'"{leaf}"' in EDITORS


def _dotted_keys(value: Any) -> set[str]:
    """Every dotted override key in a (nested) structure of dicts, lists and dataclasses."""
    if isinstance(value, dict):
        return {str(k) for k in value} | {x for v in value.values() for x in _dotted_keys(v)}
    if isinstance(value, (list, tuple)):
        return {x for v in value for x in _dotted_keys(v)}
    if hasattr(value, "__dataclass_fields__"):
        return {x for f in value.__dataclass_fields__ for x in _dotted_keys(getattr(value, f))}
    return set()


def _checked_keys() -> set[str]:
    from experiments.advice import REMOVALS
    from experiments.lever_effects import CHECKS

    return _dotted_keys(CHECKS) | _dotted_keys(REMOVALS)


def _report(missing: dict[str, list[str]]) -> str:
    return "\n".join(f"{key}: no {', no '.join(what)}" for key, what in sorted(missing.items()))


def test_the_schema_has_strategy_keys():
    assert len(STRATEGY_KEYS) > 20
    assert "strategy.champions.count" in STRATEGY_KEYS


def test_every_strategy_key_has_all_its_pieces():
    checked = _checked_keys()
    missing: dict[str, list[str]] = {}
    for key in STRATEGY_KEYS:
        gaps = []
        if key not in NO_LEVER and _owner(key) is None:
            gaps.append("owning lever (Lever.keys in model/levers/)")
        if not _has_editor(key):
            gaps.append("UI editor (ui/editors.py)")
        if key not in NO_EFFECT_CHECK | EFFECT_CHECK_PENDING and key not in checked:
            gaps.append("paired-seed effect check (lever_effects.CHECKS or advice.REMOVALS)")
        if f"`{key}`" not in ODD:
            gaps.append("docs/ODD.md entry (the key in backticks)")
        if gaps:
            missing[key] = gaps
    assert not missing, "strategy keys with missing pieces:\n" + _report(missing)


def test_exemption_lists_name_real_keys_and_no_stale_gaps():
    keys = set(STRATEGY_KEYS)
    assert NO_LEVER <= keys and NO_EFFECT_CHECK <= keys and EFFECT_CHECK_PENDING <= keys
    checked = _checked_keys()
    stale = sorted(k for k in EFFECT_CHECK_PENDING | NO_EFFECT_CHECK if k in checked)
    assert not stale, f"these keys now have an effect check; drop their exemption: {stale}"
    owned = sorted(k for k in NO_LEVER if _owner(k) is not None)
    assert not owned, f"these keys now have a lever; drop their exemption: {owned}"


def test_every_lever_key_is_a_scenario_key():
    keys = set(STRATEGY_KEYS)
    for lever in LEVERS:
        for k in lever.keys:
            assert any(s == k or s.startswith(k + ".") for s in keys), (lever.name, k)


def test_every_scenario_key_has_a_ui_editor():
    missing = [
        k
        for k in SCENARIO_KEYS
        if k.split(".")[0] not in NO_EDITOR and k not in NO_EDITOR and not _has_editor(k)
    ]
    assert not missing, "scenario keys without a UI editor (ui/editors.py): " + ", ".join(missing)


def test_every_lever_has_an_action_and_an_odd_entry():
    odd = ODD.lower()
    no_action = sorted(lv.name for lv in LEVERS if not lv.actions and lv.name not in NO_ACTION)
    assert not no_action, f"levers without a Workshop action (Lever.actions): {no_action}"
    stale = sorted(lv.name for lv in LEVERS if lv.actions and lv.name in NO_ACTION)
    assert not stale, f"these levers now have actions; drop their exemption: {stale}"
    unnamed = sorted(lv.name for lv in LEVERS if lv.name.replace("_", " ") not in odd)
    assert not unnamed, f"levers that docs/ODD.md does not name: {unnamed}"


def test_the_checks_see_a_missing_piece(monkeypatch):
    """The detectors work: with every lever stripped of keys and actions, an owned key
    and an action-bearing lever are reported."""
    stripped = tuple(dataclasses.replace(lv, actions=(), keys=()) for lv in LEVERS)
    monkeypatch.setattr(sys.modules[__name__], "LEVERS", stripped)
    assert _owner("strategy.champions.count") is None
    with pytest.raises(AssertionError, match="strategy.champions.count: no owning lever"):
        test_every_strategy_key_has_all_its_pieces()
    with pytest.raises(AssertionError, match="without a Workshop action"):
        test_every_lever_has_an_action_and_an_odd_entry()


def test_every_workshop_action_has_a_price_test():
    tree = ast.parse((ROOT / "tests" / "test_actions.py").read_text(encoding="utf-8"))
    off = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "OFF" for t in node.targets)
    )
    assert isinstance(off, ast.Dict)
    priced = {k.value for k in off.keys if isinstance(k, ast.Constant)}
    missing = sorted(set(ACTIONS) - priced)
    assert not missing, f"actions without a price test (tests/test_actions.py OFF): {missing}"


def test_every_action_is_documented():
    missing = sorted(name for name in ACTIONS if f"`{name}`" not in ODD)
    assert not missing, f"actions not named in docs/ODD.md (in backticks): {missing}"


def test_every_parameter_has_a_grounding():
    from experiments.params_doc import ungrounded

    missing = ungrounded()
    assert not missing, "parameters without unit or grounding (use P(...)): " + ", ".join(missing)


def test_no_plain_typed_parameter_field_remains():
    """A field declared with a bare type (no P(...)/PD(...)) has no metadata to show."""
    from model.parameters import CultureParams, Parameters

    groups: list[type[BaseModel]] = [Parameters, CultureParams]
    for field in Parameters.model_fields.values():
        tp: Any = field.annotation
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            groups.append(tp)
    bare = [
        f"{g.__name__}.{name}"
        for g in groups
        for name, field in g.model_fields.items()
        if not _grounded(field)
        and not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel))
        and not (get_origin(field.annotation) is dict and _dict_of_models(field.annotation))
    ]
    assert not bare, "parameters declared without P(...): " + ", ".join(bare)


def _grounded(field: Any) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, dict) and "grounding" in extra


def _dict_of_models(tp: Any) -> bool:
    args = get_args(tp)
    return len(args) == 2 and isinstance(args[1], type) and issubclass(args[1], BaseModel)


def test_keys_named_in_odd_exist():
    """Every `strategy.x.y` named in docs/ODD.md is a real key (no stale documentation)."""
    named = set(re.findall(r"`(strategy\.[a-z_]+(?:\.[a-z_]+)?)`", ODD))
    known = set(STRATEGY_KEYS) | {k.rpartition(".")[0] for k in STRATEGY_KEYS}
    stale = sorted(named - known)
    assert not stale, f"docs/ODD.md names keys that do not exist: {stale}"
