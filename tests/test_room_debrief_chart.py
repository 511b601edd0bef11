"""The room debrief's "with / without" chart: the mean weekly curves over the seeds of
every team's full decision log and of the log without each decision."""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest
import solara
from test_ui_components import all_widgets

from ui.room import open_room
from ui.room_debrief import OUTCOMES, debrief_svg, run_debrief

RUNS = 20  # the debrief's own number; a 52-week replay takes a few milliseconds


@pytest.fixture(scope="module")
def debrief():
    """Two teams: A tells stories in week 1 and appoints champions in week 3 (an event
    card between them); B takes no decision."""
    room = open_room("typical_sme", 1, 30_000.0)
    a, b = room.join("A"), room.join("B")
    a.step()
    a.apply("storytelling")
    a.step(2)
    room.play_event("event_works_council_objects")
    a.apply("champions")
    a.step()
    b.step(2)
    logs = {name: list(s.log) for name, s in room.teams.items()}
    return run_debrief(room.preset, room.seed, logs, runs=RUNS, workers=1), a.weeks


def test_every_decision_has_with_and_without_curves(debrief):
    result, weeks = debrief
    effects = result.effects
    assert list(effects.decision) == ["Run a storytelling town hall", "Appoint 2 champions"]
    assert set(result.full) == {"A", "B"}  # a team without decisions still has its curve
    assert len(result.without) == len(effects)
    for row in range(len(effects)):
        curves = result.curves(row)
        assert set(curves) == set(OUTCOMES)
        for with_, without in curves.values():
            assert with_.shape == without.shape == (weeks + 1,)
            assert np.all((with_ >= 0) & (with_ <= 1)) and np.all((without >= 0) & (without <= 1))


def test_curves_agree_with_the_table(debrief):
    result, _ = debrief
    for row, r in enumerate(result.effects.itertuples(index=False)):
        for c in OUTCOMES:
            with_, without = result.curves(row)[c]
            # the curves' last week is the mean final share the table reports
            assert with_[-1] == pytest.approx(getattr(r, f"{c}_with"), abs=1e-6)
            assert without[-1] == pytest.approx(getattr(r, f"{c}_without"), abs=1e-6)
            # and the effect is their difference (paired over the same seeds)
            assert with_[-1] - without[-1] == pytest.approx(getattr(r, f"{c}_effect"), abs=1e-6)
        assert r.runs == RUNS


def test_a_decision_that_matters_changes_the_curve_after_its_week(debrief):
    result, _ = debrief
    row = list(result.effects.decision).index("Appoint 2 champions")
    week = int(result.effects.week.iloc[row])
    with_, without = result.curves(row)["active_share"]
    # same seeds, same decisions before it: identical up to the decision's week
    np.testing.assert_allclose(with_[: week + 1], without[: week + 1])
    assert np.abs(with_[week + 1 :] - without[week + 1 :]).max() > 0.02
    assert with_[-1] > without[-1]  # champions raise active use (mean of the seeds)


def test_svg_has_two_polylines_per_outcome(debrief):
    result, weeks = debrief
    svg = debrief_svg(result, 1)
    lines = re.findall(r"<polyline [^>]*points='([^']*)'", svg)
    assert len(lines) == 2 * len(OUTCOMES)
    assert all(len(pts.split()) == weeks + 1 for pts in lines)
    dotted = re.findall(r"<polyline [^>]*stroke-dasharray", svg)
    assert len(dotted) == 2  # the resistant share, with and without
    assert "Appoint 2 champions (week 3)" in svg and f"mean of {RUNS} seeds" in svg
    assert "active use: with" in svg and "resistant: without" in svg
    assert svg != debrief_svg(result, 0)


def test_replays_return_small_weekly_arrays():
    from experiments.runner import Context, run_seed
    from model import load_scenario
    from ui.room_debrief import replay_measure

    ctx = Context(plans=(load_scenario("typical_sme"),), overrides={}, seed=1)
    out = replay_measure(ctx, (0, 0, 0, {"log": [[1, "storytelling"]]}), run_seed(1, 0))
    for c in OUTCOMES:
        assert isinstance(out[c], float)
        arr = out[f"weekly_{c}"]
        assert arr.dtype == np.float32 and arr.shape == (53,)
        assert arr[-1] == pytest.approx(out[c], abs=1e-6)


def test_no_decision_no_rows():
    result = run_debrief("typical_sme", 1, {}, runs=2, workers=1)
    assert result.effects.empty and result.choices() == []


def _html(root: widgets.Widget) -> str:
    """The HTML and the text of every widget below root."""
    parts = []
    for w in all_widgets(root):
        inner = getattr(w, "unsafe_innerHTML", None)
        parts += [inner] if isinstance(inner, str) else []
        children = getattr(w, "children", None)
        parts += [c for c in children if isinstance(c, str)] if isinstance(children, list) else []
    return "\n".join(parts)


def test_facilitator_picks_the_decision_to_chart(debrief):
    import ipyvuetify as v

    from ui.room_view import DebriefChart

    result, _ = debrief
    box, rc = solara.render(DebriefChart(result), handle_error=False)
    try:
        page = _html(box)
        assert "chart-debrief row-0" in page and "<title>Week 0: " in page
        assert "with all of A's decisions" in page
        select = next(
            w for w in all_widgets(box) if isinstance(w, v.Select) and "with / without" in w.label
        )
        assert select.items == result.choices() and select.v_model == result.choices()[0]
        select.v_model = result.choices()[1]
        assert "chart-debrief row-1" in _html(box)
    finally:
        rc.close()
