"""What-if's "When does this plan fail?" (ui/discover_view.py): a Latin-hypercube run
of the current plan in the background, with progress, then PRIM boxes in plain words."""

from __future__ import annotations

import re

import pytest
from test_ui_components import all_widgets, button, eventually, page_text, render, wait_until

from model import load_scenario
from ui.discover_view import (
    FailureFinder,
    box_text,
    condition_text,
    summary_text,
    uncertainties_for,
)
from ui.store import Store

__all__ = ["render"]  # the fixture, imported for these tests


def test_ranges_sit_around_the_plans_values_within_what_the_scenario_allows():
    sc = load_scenario("typical_sme", {"tool.usefulness": 0.9, "tool.reliability": 0.1})
    r = uncertainties_for(sc)
    assert r["tool.usefulness"] == (0.65, 1.0)  # capped at 1
    assert r["tool.reliability"] == (0.0, 0.3)  # floored at 0
    trial = sc.parameters.trial_rate
    assert r["parameters.trial_rate"] == pytest.approx((trial * 0.5, trial * 1.5), abs=1e-4)
    assert all(lo < hi for lo, hi in r.values())


def test_boxes_in_plain_words():
    full = (0.35, 0.85)
    assert (
        condition_text("tool.usefulness", 0.35, 0.5, full) == "the tool's usefulness is below 0.50"
    )
    assert condition_text("tool.usefulness", 0.6, 0.85, full).endswith("is above 0.60")
    assert condition_text("x.y", 0.4, 0.6, full) == "x.y is between 0.40 and 0.60"
    box = {
        "coverage": 0.9,
        "density": 0.8,
        "mass": 0.3,
        "runs": 36,
        "restricted": {"tool.usefulness": {"lo": 0.35, "hi": 0.5, "qp": 0.001}},
    }
    text = box_text(box, {"tool.usefulness": list(full)})
    assert text.startswith("The plan is likely to fail when the tool's usefulness is below 0.50.")
    assert "fails in 80% of the runs (density)" in text
    assert "90% of all failures (coverage)" in text
    box["restricted"]["tool.reliability"] = {"lo": 0.7, "hi": 0.9, "qp": 0.3}
    text = box_text(box, {"tool.usefulness": list(full), "tool.reliability": [0.6, 0.9]})
    assert "below 0.50 (less clearly also when the tool's reliability is above 0.70)." in text
    box["restricted"] = {}
    assert "no condition explains its failures" in box_text(box, {})
    sc = load_scenario("typical_sme")
    none = summary_text({"runs": 60, "cases": 0, "base_rate": 0.0}, sc)
    assert "reaches its goal (50% active use by week 52) in all 60" in none


def test_failure_finder_runs_in_the_background_and_shows_a_box(render):
    store = Store(preset="five_phase")
    # a weak tool: the plan fails in part of the explored futures, depending on it
    store.edit("tool.usefulness", 0.35)
    root = render(FailureFinder(store, samples=60))
    text = page_text(root)
    assert "When does this plan fail?" in text and "the tool's usefulness 0.10 - 0.60" in text
    button(root, "Find failure conditions").click()
    wait_until(lambda: "Running 60 simulations in the background" in page_text(root))
    assert button(root, "Find failure conditions").disabled
    wait_until(lambda: "simulated futures" in page_text(root), timeout=120)
    text = page_text(root)
    assert "The plan misses its goal (50% active use by week 52) in" in text
    assert "of 60 simulated futures" in text
    m = re.search(r"likely to fail when the tool's usefulness is (below|between [\d.]+ and) "
                  r"([\d.]+)", text)  # fmt: skip
    assert m and float(m.group(2)) < 0.5  # the weak end of the tool's range 0.10 - 0.60
    assert "Box 1</b>: coverage" in text and "Traceback" not in text
    # an edit: the result is marked as belonging to the plan before it
    store.edit("tool.usefulness", 0.5)
    eventually(lambda: _contains(root, "Computed for the plan before your last edits"))


def test_failure_finder_cancel_stops_the_run(render):
    store = Store(preset="five_phase")
    root = render(FailureFinder(store, samples=400))
    button(root, "Find failure conditions").click()
    wait_until(lambda: "Running 400 simulations in the background" in page_text(root), timeout=90)
    button(root, "Cancel").click()
    wait_until(lambda: not button(root, "Find failure conditions").disabled, timeout=90)
    text = page_text(root)
    assert "Running 400" not in text and "simulated futures" not in text


def test_whatif_view_has_the_failure_finder(render):
    from ui.whatif import WhatIfView

    root = render(WhatIfView(Store()))
    eventually(lambda: _contains(root, "When does this plan fail?"))
    assert not button(root, "Find failure conditions").disabled
    labels = [w for w in all_widgets(root) if "futures" in getattr(w, "children", [])]
    assert labels and "may take many minutes" not in page_text(root)


def test_large_organisations_are_flagged_as_slow(render):
    store = Store()
    store.edit("organisation.employees", 5000)
    root = render(FailureFinder(store))
    text = page_text(root)
    assert "5,000 employees: each run takes a while, 200 runs may take many minutes" in text


def _contains(root, needle: str) -> None:
    assert needle in page_text(root)
