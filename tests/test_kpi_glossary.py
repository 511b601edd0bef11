"""Every KPI label the UI shows has a glossary tooltip: the What-if results (KPI cards,
costs and ROI, every cost category), the Compare tables and the room's leaderboard. The
labels come from the code's own tables (or from what it renders), so a new KPI without
a glossary entry fails here."""

from __future__ import annotations

import html
import re

import pytest
import solara
from test_ui_components import all_widgets

from model.metrics import COST_CATEGORIES
from ui.glossary import GLOSSARY, header_tooltips, label_cell, tooltip
from ui.room import LEADERBOARD_KPIS, open_room
from ui.room_tables import leaderboard_html

# leaderboard columns that name or count something, not a measure
NOT_KPIS = {"#", "team", "week", "last decision"}


def whatif_labels(monkeypatch, scenario, finish: bool) -> list[str]:
    """The first cell of every row the What-if KPI dashboard puts in its tables."""
    import ui.whatif as whatif
    from ui.state import LiveRun

    seen: list[str] = []
    original = whatif.html_table

    def recording(rows, cls="kpi"):
        seen.extend(r[0] for r in rows)
        return original(rows, cls)

    monkeypatch.setattr(whatif, "html_table", recording)
    live = LiveRun(scenario)
    if finish:
        live.run_to_end()
    else:
        live.step()
    _, rc = solara.render(whatif.KpiDashboard(live, 0), handle_error=False)
    rc.close()
    return seen


@pytest.mark.parametrize("finish", [False, True])
def test_whatif_kpi_labels_have_tooltips(monkeypatch, small, finish):
    labels = whatif_labels(monkeypatch, small, finish)
    assert len(labels) > 20 and "total cost" in labels
    assert any(lab.startswith("spent from the budget (cash)") for lab in labels)
    missing = [lab for lab in labels if tooltip(lab) is None]
    assert not missing, f"KPI labels without a glossary entry: {missing}"
    for lab in labels:  # and the cell shows it
        assert f"title='{html.escape(tooltip(lab), quote=True)}'" in label_cell(lab)


def test_a_pilot_shows_pilot_and_scale_up_use_with_a_tooltip(monkeypatch):
    from model import load_scenario

    pilot = load_scenario("pilot_first", {"organisation.employees": 60, "weeks": 30})
    labels = whatif_labels(monkeypatch, pilot, finish=True)
    assert "active use: pilot group / the rest" in labels
    assert "pilot" in tooltip("active use: pilot group / the rest")
    assert not [lab for lab in labels if tooltip(lab) is None]


def test_every_cost_category_has_its_own_entry():
    for category in COST_CATEGORIES:
        label = category.replace("_", " ")  # as the What-if costs table shows it
        assert tooltip(label) == GLOSSARY[label], category
        assert tooltip(label).startswith("Cost category")
    # the cost category "resistance" is not the leaderboard's resistance
    assert tooltip("resistance (lower is better)") != tooltip("resistance")
    assert "staff" in tooltip("resistance (lower is better)")


def test_compare_rows_have_tooltips():
    from ui.ensemble import COMPARE_FIELDS

    missing = [label for _, label, _ in COMPARE_FIELDS if tooltip(label) is None]
    assert not missing, f"Compare rows without a glossary entry: {missing}"
    assert "Cash" in tooltip("spent from the budget (cash)")


def test_leaderboard_headers_and_ranking_have_tooltips():
    room = open_room("typical_sme", 1, 10_000.0)
    room.join("A")
    for compact in (False, True):  # the dashboard and report; the projector
        table = leaderboard_html(room, compact=compact)
        headers = [html.unescape(h) for h in re.findall(r"<th[^>]*>([^<]*)", table)]
        assert len(headers) >= (6 if compact else 8)
        kpis = [h for h in headers if h not in NOT_KPIS]
        missing = [h for h in kpis if tooltip(h) is None]
        assert not missing, f"leaderboard headers without a glossary entry: {missing}"
        for h in kpis:
            assert f"title='{html.escape(tooltip(h), quote=True)}'>{html.escape(h)}" in table
        assert "<th>team</th>" in table  # not a KPI: no tooltip
    assert header_tooltips(table) == table  # applied once, by the table itself
    missing = [k for k in LEADERBOARD_KPIS if tooltip(k) is None]
    assert not missing, f"'Rank by' measures without a glossary entry: {missing}"
    assert tooltip("budget left") != tooltip("budget (change measures)")


def test_facilitator_dashboard_shows_the_leaderboard_tooltips():
    from ui.room_view import RoomView
    from ui.store import Store

    room = open_room("typical_sme", 1, 10_000.0)
    room.join("A")
    store = Store()
    store.room_hosted.value = room
    box, rc = solara.render(RoomView(store), handle_error=False)
    try:
        page = "\n".join(
            w.unsafe_innerHTML
            for w in all_widgets(box)
            if isinstance(getattr(w, "unsafe_innerHTML", None), str)
        )
        assert f"title='{html.escape(tooltip('budget left'), quote=True)}'>budget left" in page
        assert "rank-by-help" in page  # the '?' next to "Rank by"
    finally:
        rc.close()
