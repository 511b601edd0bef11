"""Completeness: what a lever or a coefficient needs besides its own module.

A strategy key needs an owning lever (model/levers/), a UI editor (ui/editors.py) and a
paired-seed effect check (experiments/lever_effects.py); a lever needs a Workshop
action and an entry in docs/ODD.md; a behavioural parameter needs a unit and a
grounding (model/parameters.py `P`). The gaps known today are listed in
tests/completeness_gaps.toml: a new gap fails here naming the missing piece, and so
does a listed gap that has been closed (strike it off the list). After closing gaps,
`python tests/test_completeness.py --write` rewrites the list.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from experiments.lever_effects import CHECKS
from model.levers import LEVERS
from model.parameters import Parameters
from model.scenario import Strategy

ROOT = Path(__file__).resolve().parents[1]
PROGRAMME = ("strategy.phases",)  # the phase plan: model/programme.py, not a lever
GAPS = Path(__file__).with_name("completeness_gaps.toml")
WHAT = {
    "no_lever": "strategy keys that no lever owns (Lever.keys)",
    "no_editor": "strategy keys without an editor in ui/editors.py",
    "no_effect_check": "strategy keys that no LeverCheck varies (lever_effects.CHECKS)",
    "no_action": "levers without a Workshop action (Lever.actions)",
    "no_odd_entry": "levers that docs/ODD.md does not name",
    "ungrounded": "Parameters fields without a unit and grounding (declare with P(...))",
}


def _leaves(model: type[BaseModel], prefix: str) -> list[tuple[str, dict]]:
    """Dotted keys of a schema's leaves (lists and tables of values are leaves)."""
    out = []
    for name, f in model.model_fields.items():
        tp = f.annotation
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            out += _leaves(tp, f"{prefix}{name}.")
        else:
            out.append((f"{prefix}{name}", f.json_schema_extra or {}))
    return out


def _under(key: str, prefix: str) -> bool:
    return key == prefix or key.startswith(prefix + ".")


def _varied(check) -> set[str]:
    keys = set(check.on) | set(check.off)
    return {k for k in keys if check.on.get(k) != check.off.get(k)}


def current_gaps() -> dict[str, list[str]]:
    keys = [k for k, _ in _leaves(Strategy, "strategy.")]
    editors = (ROOT / "ui" / "editors.py").read_text()
    odd = (ROOT / "docs" / "ODD.md").read_text().lower()
    varied = set().union(*(_varied(c) for c in CHECKS))

    def edited(key: str) -> bool:  # a literal key, or f"{parent}.{...}" over a list
        return f'"{key}"' in editors or f'"{key.rsplit(".", 1)[0]}.{{' in editors

    gaps = {
        "no_lever": [
            k
            for k in keys
            if not any(_under(k, p) for p in (*PROGRAMME, *(p for lv in LEVERS for p in lv.keys)))
        ],
        "no_editor": [k for k in keys if not edited(k)],
        "no_effect_check": [
            k for k in keys if not any(_under(k, v) or _under(v, k) for v in varied)
        ],
        "no_action": [lv.name for lv in LEVERS if not lv.actions],
        "no_odd_entry": [lv.name for lv in LEVERS if lv.name.replace("_", " ") not in odd],
        "ungrounded": [
            k
            for k, extra in _leaves(Parameters, "")
            if not (isinstance(extra, dict) and extra.get("unit") and extra.get("grounding"))
        ],
    }
    return {cat: sorted(v) for cat, v in gaps.items()}


def known_gaps() -> dict[str, list[str]]:
    data = tomllib.loads(GAPS.read_text())
    return {cat: data.get(cat, []) for cat in WHAT}


@pytest.fixture(scope="module")
def gaps() -> dict[str, list[str]]:
    return current_gaps()


@pytest.mark.parametrize("category", WHAT)
def test_no_new_gap(gaps, category):
    new = sorted(set(gaps[category]) - set(known_gaps()[category]))
    assert not new, f"{WHAT[category]}: {', '.join(new)}"


@pytest.mark.parametrize("category", WHAT)
def test_closed_gaps_are_struck_off(gaps, category):
    closed = sorted(set(known_gaps()[category]) - set(gaps[category]))
    assert not closed, f"closed, remove from {GAPS.name} [{category}]: {', '.join(closed)}"


def test_the_checks_see_a_missing_piece(monkeypatch):
    """The detectors work: a lever with no actions and an unowned key are reported."""
    import dataclasses

    stripped = tuple(dataclasses.replace(lv, actions=(), keys=()) for lv in LEVERS)
    monkeypatch.setattr(sys.modules[__name__], "LEVERS", stripped)
    gaps = current_gaps()
    assert set(gaps["no_action"]) == {lv.name for lv in LEVERS}
    assert "strategy.champions.count" in gaps["no_lever"]


def write() -> None:
    lines = [
        "# Known completeness gaps (tests/test_completeness.py). Close a gap, then strike",
        "# it off here (or rewrite with `python tests/test_completeness.py --write`).",
    ]
    for cat, items in current_gaps().items():
        lines += ["", f"# {WHAT[cat]}", f"{cat} = ["]
        lines += [f'    "{item}",' for item in items]
        lines.append("]")
    GAPS.write_text("\n".join(lines) + "\n")


if __name__ == "__main__" and "--write" in sys.argv:
    write()
