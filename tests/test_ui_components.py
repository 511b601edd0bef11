"""UI tests without a browser: the logic behind the views and every view rendered with
`solara.render` (widgets in this process), driven by clicking its buttons."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import ipyvuetify as v
import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
import solara

from model import load_scenario
from ui.ensemble import (
    CompareResult,
    differences,
    plan_on_organisation,
    plans_from_names,
    run_compare,
    seeds,
)
from ui.state import Draft, LiveRun, load_uploaded, problems_by_field
from ui.store import Store, guarded
from ui.workshop import LEVERS, WorkshopSession

# --------------------------------------------------------------------------- helpers


def all_widgets(root: widgets.Widget) -> list[widgets.Widget]:
    """Every widget below root, in document order."""
    seen: set[int] = set()
    stack, out = [root], []
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        out.append(w)
        below = []
        for name in w.keys:
            value = getattr(w, name, None)
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, widgets.Widget):
                    below.append(item)
        stack.extend(reversed(below))
    return out


def page_text(root: widgets.Widget) -> str:
    parts = []
    for w in all_widgets(root):
        children = getattr(w, "children", None)
        if isinstance(children, list | tuple):
            parts += [c for c in children if isinstance(c, str)]
        inner = getattr(w, "unsafe_innerHTML", None)
        if isinstance(inner, str):
            parts.append(html.unescape(inner))
    return "\n".join(parts)


def button(root: widgets.Widget, label: str) -> v.Btn:
    found = [w for w in all_widgets(root) if isinstance(w, v.Btn) and label in w.children]
    assert len(found) == 1, f"{len(found)} buttons labelled {label!r}"
    return found[0]


def images(root: widgets.Widget, *classes: str) -> list[widgets.Image]:
    return [
        w
        for w in all_widgets(root)
        if isinstance(w, widgets.Image) and all(c in w._dom_classes for c in classes)
    ]


def wait_until(cond: Callable[[], bool], timeout: float = 30.0) -> None:
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def eventually(check: Callable[[], None], timeout: float = 30.0) -> None:
    """Retry an assertion: a background thread (charts, comparisons) may be rendering,
    and reacton then leaves our re-render to it, so the page updates a moment later."""
    t0 = time.monotonic()
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() - t0 > timeout:
                raise
            time.sleep(0.02)


@pytest.fixture
def render():
    """solara.render with cleanup; returns the root widget."""
    contexts = []

    def _render(element):
        box, rc = solara.render(element, handle_error=False)
        contexts.append(rc)
        return box

    yield _render
    for rc in contexts:
        rc.close()


# --------------------------------------------------------------------------- logic


def test_draft_edits_and_problems_by_field():
    d = Draft.preset("typical_sme")
    assert d.build()[0] is not None and not d.overrides
    d2 = d.set("organisation.employees", 1).set("strategy.phases.vision", 50)
    sc, problems = d2.build()
    assert sc is None
    by = problems_by_field(problems)
    assert "organisation.employees" in by and "strategy.phases" in by
    assert any("2" in m for m in by["organisation.employees"])  # says what is allowed
    # an edit back to the base value disappears from the overrides
    assert d.set("organisation.employees", 7).set("organisation.employees", 120).overrides == {}


def test_uploaded_toml_is_validated():
    good = load_scenario("typical_sme").to_toml().encode()
    assert load_uploaded("mine.toml", good).name == "typical_sme"
    with pytest.raises(Exception) as exc:
        load_uploaded("bad.toml", b"[organisation]\nemployees = -3\n")
    assert exc.value.problems[0].key == "organisation.employees"
    with pytest.raises(Exception) as exc:
        load_uploaded("broken.toml", b"this is = = not toml")
    assert "malformed" in str(exc.value)


def test_live_run_steps_and_groups():
    live = LiveRun(load_scenario("typical_sme", {"weeks": 12}))
    live.step()
    assert live.week == 1 and len(live.weekly()) == 2
    live.run_to_end()
    assert live.finished and live.week == 12
    assert len(live.groups.table("role")) == 13
    assert set(live.groups.table("age band").columns) <= {"under 35", "35-49", "50+"}
    assert live.summary()["final_active_share"] == live.weekly()["active_share"].iloc[-1]


def test_compare_uses_common_random_numbers():
    base = load_scenario("typical_sme", {"organisation.employees": 40, "weeks": 10})
    a = [s.entropy for s in seeds(5, 4)]
    assert a == [s.entropy for s in seeds(5, 4)]
    assert [s.spawn_key for s in seeds(5, 4)] == [(i,) for i in range(4)]
    plans = plans_from_names(base, ["typical_sme", "five_phase"])
    plans["again"] = plan_on_organisation(base, load_scenario("typical_sme"))
    assert plans["five_phase"].organisation == base.organisation
    progress = []
    res = run_compare(plans, runs=4, seed=5, on_progress=progress.append)
    assert progress[-1] == pytest.approx(100.0)
    diff = differences(res, "typical_sme")
    same = diff[diff.plan == "again"]
    assert np.allclose(same.difference.fillna(0), 0.0)  # identical plan, identical runs
    band = res.band("five_phase", "active_share")
    assert (band.lo <= band["median"] + 1e-12).all() and (band["median"] <= band.hi + 1e-12).all()
    assert run_compare(plans, runs=2, should_stop=lambda: True) is None


def test_workshop_levers_budget_and_replay():
    sc = load_scenario("typical_sme", {"weeks": 20})
    s = WorkshopSession(sc, seed=3, budget_eur=20_000)
    s.step(2)
    s.apply("storytelling")
    s.apply("concern_board")
    assert s.sim.scenario.strategy.resistance.concern_board
    assert {st.key: st.enabled for st in s.status()}["concern_board"] is False
    s.step(3)
    s.apply("champions")
    assert s.sim.state.champion.sum() == 2
    assert s.committed_eur <= s.budget_eur
    # the budget blocks what it cannot pay for
    poor = WorkshopSession(sc, seed=3, budget_eur=100)
    assert not any(st.enabled for st in poor.status() if st.price > 100)
    with pytest.raises(ValueError):
        poor.apply("hands_on")
    # replay with the same seed reproduces the run exactly
    again = s.replay()
    cols = [c for c in s.weekly().columns if c != "phase"]
    assert np.allclose(again.weekly()[cols], s.weekly()[cols], equal_nan=True)
    scripted = s.replay_script()
    scripted.step(s.week)  # decisions of the current week are re-applied on the next step
    assert [d.lever for d in scripted.log] == [d.lever for d in s.log if d.week < s.week]
    assert [d.lever for d in scripted.script] == ["champions"]
    assert np.allclose(scripted.weekly()[cols], s.weekly()[cols], equal_nan=True)
    s.run_to_end()
    d = s.debrief()
    assert len(d.effects) == 3 and d.lines and 0 <= d.resistance_peak <= 1
    assert set(LEVERS) >= {"storytelling", "champions", "concern_board"}


def test_guarded_turns_errors_into_messages():
    messages = []

    @guarded(messages.append)
    def boom():
        raise RuntimeError("kaputt")

    boom()
    assert "kaputt" in messages[-1] and "Traceback" not in messages[-1]


# --------------------------------------------------------------------------- views


def test_page_has_four_tabs(render):
    import app

    root = render(app.Page())
    tabs = [w for w in all_widgets(root) if isinstance(w, v.Tab)]
    labels = [c for t in tabs for c in t.children if isinstance(c, str)]
    assert labels == ["What-if", "Compare", "Workshop", "Room"]
    text = page_text(root)
    assert "Traceback" not in text


def test_whatif_run_step_reset(render):
    from ui.whatif import WhatIfView

    store = Store()
    root = render(WhatIfView(store))
    eventually(lambda: _contains(root, "Week 0 of 52"))
    button(root, "Step").click()
    eventually(lambda: _contains(root, "Week 1 of 52"))
    eventually(lambda: _contains_html(root, "class='chart chart-stages week-1'"))
    button(root, "Run").click()
    eventually(lambda: _contains(root, "Week 52 of 52"))
    eventually(lambda: _contains_html(root, "class='chart chart-stages week-52'"))
    _contains_html(root, "<title>Week 52: active ")  # in the page, with its week tooltips
    text = page_text(root)
    assert "Phase criteria checklist" in text and "Business impact" in text
    assert "Costs and ROI" in text and "change ROI" in text
    for chart in ("chart-network", "chart-resistance"):
        eventually(lambda chart=chart: _has_image(root, chart, "week-52"))
    eventually(lambda: _contains_html(root, "class='chart chart-groups week-52'"))
    assert button(root, "Run").disabled
    button(root, "Reset").click()
    eventually(lambda: _contains(root, "Week 0 of 52"))
    assert "Traceback" not in page_text(root)


def _contains(root: widgets.Widget, text: str) -> None:
    assert text in page_text(root), text


def _contains_html(root: widgets.Widget, fragment: str) -> None:
    """Some HTML widget holds `fragment` (e.g. an SVG chart's classes)."""
    htmls = [getattr(w, "unsafe_innerHTML", "") or "" for w in all_widgets(root)]
    assert any(fragment in h for h in htmls), fragment


def _has_image(root: widgets.Widget, *classes: str) -> None:
    assert images(root, *classes), classes


def _error_next_to(root: widgets.Widget, label: str) -> str:
    """The red message in the same column as the input labelled `label` ("" if none)."""
    columns = [
        w
        for w in all_widgets(root)
        if isinstance(w, v.Sheet)
        and any(isinstance(c, v.TextField) and c.label == label for c in w.children)
    ]
    assert len(columns) == 1, f"{len(columns)} fields labelled {label!r}"
    errors = [
        c
        for c in columns[0].children
        if isinstance(c, v.Html) and "field-error" in (c.class_ or "")
    ]
    return errors[0].children[0] if errors else ""


def test_whatif_invalid_edit_shows_message_next_to_field(render):
    from ui.whatif import WhatIfView

    store = Store()
    root = render(WhatIfView(store))
    store.edit("organisation.employees", 1)

    def employees_error() -> None:
        assert "greater than or equal to 2" in _error_next_to(root, "Employees")
        assert button(root, "Run").disabled

    eventually(employees_error)
    # phase order: a section-level problem next to the timeline
    store.edit("organisation.employees", 60)
    store.edit("strategy.phases.vision", 40)
    eventually(lambda: _contains(root, "phase start weeks must not decrease"))
    assert button(root, "Run").disabled
    store.edit("strategy.phases.vision", 2)

    def all_clear() -> None:
        assert not button(root, "Run").disabled
        assert "field-error" not in " ".join(
            w.class_ or "" for w in all_widgets(root) if isinstance(w, v.Html)
        )

    eventually(all_clear)


def test_whatif_upload_and_preset(render):
    from ui.whatif import WhatIfView, handle_upload

    store = Store()
    root = render(WhatIfView(store))
    assert not handle_upload(store, "bad.toml", b"[tool]\nusefulness = 3\n")
    eventually(lambda: _contains(root, "tool.usefulness"))
    sc = load_scenario("five_phase", {"organisation.employees": 50})
    assert handle_upload(store, "mine.toml", sc.to_toml().encode())
    assert store.draft.value.label == "upload: mine.toml"
    eventually(lambda: _contains(root, "Loaded mine.toml"))
    assert store.live.value.scenario.organisation.employees == 50


def test_compare_runs_in_background(render):
    from ui.compare import CompareView

    store = Store()
    store.edit("organisation.employees", 40)
    store.compare_runs.value = 3
    root = render(CompareView(store))
    button(root, "Run comparison").click()
    wait_until(lambda: "common random numbers; computed" in page_text(root))
    text = page_text(root)
    assert "active use at the end" in text and "95% CI" in text
    _contains_html(root, "class='chart chart-compare-active'")
    _contains_html(root, "class='chart chart-compare-resistance'")
    _contains_html(root, "<title>Week 3: ")
    store.compare_plans.value = ["typical_sme"]
    wait_until(lambda: "Pick at least two plans." in page_text(root))
    assert button(root, "Run comparison").disabled


def test_workshop_session(render):
    from ui.workshop_view import WorkshopView

    store = Store()
    root = render(WorkshopView(store))
    button(root, "Next week").click()
    eventually(lambda: _contains(root, "Week 1 of 52"))
    button(root, "Run a storytelling town hall").click()
    eventually(lambda: _contains(root, "heard colleagues' stories"))
    assert button(root, "Run a storytelling town hall").disabled is False  # repeatable
    button(root, "+4 weeks").click()
    eventually(lambda: _contains_html(root, "class='chart chart-workshop week-5'"))
    store.ws_reveal.value = True
    eventually(lambda: _contains_html(root, "class='chart chart-workshop-network concerns'"))
    button(root, "To the end").click()
    eventually(lambda: _contains(root, "Resistance peaked"))
    assert "Debrief" in page_text(root)
    final = store.ws_session.value.weekly()["active_share"].iloc[-1]
    button(root, "Replay (same seed)").click()
    eventually(lambda: _contains(root, "Week 0 of 52"))
    button(root, "To the end").click()
    eventually(lambda: _contains(root, "Week 52 of 52"))
    assert store.ws_session.value.weekly()["active_share"].iloc[-1] == final
    assert "Traceback" not in page_text(root)


def test_double_clicks_book_a_lever_once_and_advance_one_week(render):
    from ui.workshop_view import WorkshopView

    store = Store()
    root = render(WorkshopView(store))
    lever = button(root, "Run a storytelling town hall")
    lever.click()
    lever.click()  # the second click of a double-click
    eventually(lambda: _contains(root, "heard colleagues' stories"))
    assert len(store.ws_session.value.log) == 1
    nxt = button(root, "Next week")
    nxt.click()
    nxt.click()
    eventually(lambda: _contains(root, "Week 1 of 52"))
    assert store.ws_session.value.week == 1
    time.sleep(0.6)  # a deliberate second click (after the double-click time) counts
    button(root, "Next week").click()
    eventually(lambda: _contains(root, "Week 2 of 52"))


def test_workshop_budget_problem_is_a_message_not_a_traceback(render, caplog):
    from ui.workshop_view import WorkshopView

    store = Store()
    root = render(WorkshopView(store))
    before = store.ws_session.value
    store.ws_budget.value = -100.0
    with caplog.at_level("ERROR", logger="adoptsim.ui"):
        button(root, "Start new session").click()
        eventually(lambda: _contains(root, "The workshop budget must be EUR 0 or more"))
    text = page_text(root)
    assert "That did not work" not in text and "ValueError" not in text
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert store.ws_session.value is before  # the running session is kept


def set_compare_runs(store: Store, root: widgets.Widget, runs: int) -> None:
    """Set Compare's runs per plan and wait until the field (and so the Run button's
    handler) has the new value."""
    store.compare_runs.value = runs

    def field_shows_it() -> None:
        fields = [w for w in all_widgets(root) if isinstance(w, v.TextField)]
        assert any(f.label == "Runs per plan" and str(f.v_model) == str(runs) for f in fields)

    eventually(field_shows_it)


def _compared_once(render) -> tuple[Store, widgets.Widget]:
    """A Compare view of a small organisation with one finished 2-run comparison."""
    from ui.compare import CompareView

    store = Store()
    store.edit("organisation.employees", 30)
    store.edit("weeks", 20)
    store.compare_runs.value = 2
    root = render(CompareView(store))
    button(root, "Run comparison").click()
    wait_until(lambda: "common random numbers; computed" in page_text(root))
    return store, root


def test_cancelling_a_rerun_keeps_the_previous_comparison(render):
    store, root = _compared_once(render)
    first = store.compare_result.value
    set_compare_runs(store, root, 400)
    button(root, "Run comparison").click()
    wait_until(lambda: "Running 800 simulations" in page_text(root))
    eventually(lambda: _contains(root, "the previous comparison, until the new one is done"))
    _contains(root, "2 runs per plan")
    button(root, "Cancel").click()
    wait_until(lambda: "Cancelled. The previous comparison is still shown." in page_text(root))
    text = page_text(root)
    assert "2 runs per plan" in text and "active use at the end" in text
    assert store.compare_result.value is first


def test_a_rerun_updates_the_shown_comparison_in_place(render):
    """The results keep their place while a new comparison runs and when it ends, so
    their widgets (e.g. a download button someone is clicking) are updated, not
    rebuilt: a click on a rebuilt widget is lost ("no comm channel" in the browser)."""
    store, root = _compared_once(render)
    csv = button(root, "Per-run summaries (CSV)")
    first = store.compare_result.value
    set_compare_runs(store, root, 100)  # long enough to be seen running
    button(root, "Run comparison").click()
    wait_until(lambda: "Running 200 simulations" in page_text(root))
    assert button(root, "Per-run summaries (CSV)") is csv  # while the new one runs
    wait_until(lambda: store.compare_result.value is not first, timeout=120)
    wait_until(lambda: "Running" not in page_text(root), timeout=60)
    eventually(lambda: _contains(root, "100 runs per plan"))
    assert button(root, "Per-run summaries (CSV)") is csv  # and when it is done


def test_whatif_flags_a_budget_overrun(render):
    store, root = _whatif(render, "five_phase")
    store.edit("budget.total_eur", 10_000)  # licences and trainers' fees cost more
    button(root, "Run").click()
    eventually(lambda: _contains(root, "Week 52 of 52"))
    live = store.live.value
    budget, spent = live.scenario.budget_eur, live.sim.ledger.cash_total
    assert spent > budget
    row = "<tr class='over-budget'><td class='term'"

    def flagged() -> None:  # the cost table may render a moment after the chart
        assert row in page_text(root)

    eventually(flagged)
    html_text = page_text(root)
    assert f"EUR {spent - budget:,.0f}" in html_text


def test_compare_shows_budget_rows_and_highlights_overruns():
    from ui.compare import plan_table_html

    base = load_scenario("typical_sme", {"organisation.employees": 30, "weeks": 20})
    plans = plans_from_names(base, ["typical_sme"])
    plans["five_phase"] = plan_on_organisation(  # licences alone exceed EUR 100
        base, load_scenario("five_phase", {"budget.total_eur": 100})
    )
    res = run_compare(plans, runs=2, seed=3)
    five = res.summaries["five_phase"]
    assert (five["budget_eur"] == plans["five_phase"].budget.total_eur).all()
    assert (five["over_budget_eur"] == (five["spent_eur"] - five["budget_eur"]).clip(0)).all()
    table = plan_table_html(res)
    assert "budget (change measures)" in table and "over budget" in table
    assert (
        five["over_budget_eur"].mean() > 0
        and res.summaries["typical_sme"]["over_budget_eur"].max() == 0
    )
    assert table.count("class='v over-budget'>EUR") == 1  # five_phase's cell only


def _whatif(render, preset: str = "typical_sme"):
    from ui.whatif import WhatIfView

    store = Store(preset)
    return store, render(WhatIfView(store))


def test_whatif_no_red_barrier_when_every_criterion_is_met(render):
    store, root = _whatif(render, "pilot_first")  # every criterion met, barrier competence
    button(root, "Run").click()
    eventually(lambda: _contains(root, "Week 52 of 52"))
    assert store.live.value.summary()["main_barrier"] != "none"
    eventually(lambda: _contains(root, "Every phase criterion is met."))
    assert "Main barrier now" not in page_text(root)


def test_whatif_run_time_not_shown_after_undo(render):
    store, root = _whatif(render)
    store.edit("weeks", 20)
    eventually(lambda: _contains(root, "Week 0 of 20"))
    button(root, "Run").click()
    eventually(lambda: _contains(root, "simulated in"))
    button(root, "Undo edits").click()
    eventually(lambda: _contains(root, "Week 0 of 52"))
    assert "simulated in" not in page_text(root)


def test_whatif_switching_preset_says_edits_were_discarded(render):
    store, root = _whatif(render)
    store.edit("organisation.employees", 60)
    select = next(w for w in all_widgets(root) if isinstance(w, v.Select) and w.label == "Preset")
    select.v_model = "five_phase"
    eventually(lambda: _contains(root, "Switching to five_phase discarded your 1 edit"))
    assert store.draft.value.label == "five_phase" and not store.draft.value.overrides
    button(root, "Restore them").click()
    eventually(lambda: _contains(root, "1 edit"))
    assert store.draft.value.overrides == {"organisation.employees": 60}
    assert "discarded your" not in page_text(root)


def test_kpi_labels_have_glossary_tooltips(render):
    from ui.glossary import tooltip
    from ui.whatif import WhatIfView

    for label in ("net promoter score", "benefits realised vs plan", "change ROI (vs tool only)"):
        assert tooltip(label)
    assert "tool only" not in tooltip("ROI (benefit - cost) / cost")
    root = render(WhatIfView(Store()))
    text = page_text(root)
    assert "Glossary: what the measures mean" in text
    for label in ("net promoter score", "benefits realised vs plan", "change ROI (vs tool only)"):
        assert f"title='{tooltip(label)}'>{label}" in text.replace("&#x27;", "'"), label


def test_whatif_draft_round_trips_through_the_address():
    from ui.url_state import decode_draft, encode_draft

    d = Draft.preset("five_phase").set("organisation.employees", 60).set("weeks", 30)
    back, msg = decode_draft(encode_draft(d))
    assert msg is None and back.label == "five_phase" and back.overrides == d.overrides
    assert encode_draft(Draft.preset("typical_sme")) == ""
    assert decode_draft("") == (None, None)
    assert (
        decode_draft("preset=nope")[0] is None
        and "unknown preset" in decode_draft("preset=nope")[1]
    )
    draft, msg = decode_draft("preset=five_phase&edits=!!!")
    assert draft.label == "five_phase" and not draft.overrides and "could not be read" in msg


def test_an_uploaded_draft_and_its_edits_round_trip_through_the_address():
    from ui.url_state import decode_draft, encode_draft, keep_upload

    mine = load_scenario("five_phase", {"organisation.employees": 70, "tool.usefulness": 0.45})
    d = Draft(mine, "upload: mine.toml").set("weeks", 30)
    keep_upload(d)
    query = encode_draft(d)
    assert "upload=" in query and "edits=" in query
    back, msg = decode_draft(query)
    assert msg is None and back.label == "upload: mine.toml"
    assert back.base == mine and back.overrides == {"weeks": 30}
    # an address naming an upload this server does not hold: a message, no draft
    gone, msg = decode_draft("upload=0123456789abcdef")
    assert gone is None and "upload it again" in msg


def test_workshop_session_round_trips_through_the_address():
    from ui.url_state import decode_workshop, encode_state, tab_from

    full = WorkshopSession(load_scenario("typical_sme"), seed=4, budget_eur=30_000)
    full.step(1)
    full.apply("storytelling")
    full.step(2)
    full.apply("champions")
    query = encode_state(Draft.preset("typical_sme"), full, "typical_sme", 2)
    assert tab_from(query) == 2
    (preset, back), msg = decode_workshop(query)
    assert msg is None and preset == "typical_sme"
    assert back.week == 3 and [d.lever for d in back.log] == ["storytelling", "champions"]
    assert back.spent_eur == pytest.approx(full.spent_eur)
    cols = [c for c in full.weekly().columns if c != "phase"]
    assert np.allclose(back.weekly()[cols], full.weekly()[cols], equal_nan=True)
    assert decode_workshop("ws=garbage")[0] is None


def test_differences_show_ties_and_good_or_bad():
    from ui.compare import differences_html

    runs = 10
    a = pd.DataFrame({"final_active_share": [0.2] * runs, "final_resistant_share": [0.1] * runs})
    b = pd.DataFrame(
        {
            "final_active_share": [0.2] * 4 + [0.6] * 6,  # 6 better, 4 tied
            "final_resistant_share": [0.3] * runs,  # more resistance: worse
        }
    )
    result = CompareResult(["a", "b"], runs, 1, weekly={}, summaries={"a": a, "b": b})
    diff = differences(result, "a").set_index("field")
    active, resist = diff.loc["final_active_share"], diff.loc["final_resistant_share"]
    assert (active.better_share, active.worse_share) == (0.6, 0.0)
    assert active.verdict == "better" and resist.verdict == "worse"
    table = differences_html(diff.reset_index())
    assert "60% / 40% / 0%" in table and "runs better / same / worse" in table
    assert "class='v better'" in table and "class='v worse'" in table


def test_compare_setup_round_trips_through_the_address():
    from ui.url_state import encode_state, restore_from_url

    store = Store()
    setup = (["typical_sme", "big_bang", "five_phase"], 7, 3)
    query = encode_state(store.draft.value, store.ws_session.value, "typical_sme", 1, setup)
    assert "cmp=" in query
    again = Store()
    restore_from_url(again, query, again.error.set)
    assert (again.compare_plans.value, again.compare_runs.value, again.compare_seed.value) == setup
    assert again.error.value is None


def test_room_facilitator_and_three_teams(render):
    from ui.room_view import RoomView
    from ui.workshop_view import WorkshopView

    host = Store()
    host_root = render(RoomView(host))
    button(host_root, "Open a room").click()
    eventually(lambda: _contains(host_root, "Room code"))
    room = host.room_hosted.value
    teams = {}
    for name, weeks, lever in (("Alpha", 3, "storytelling"), ("Beta", 1, None), ("Gamma", 2, None)):
        store = Store()
        joined = []
        root = render(RoomView(store, on_joined=lambda j=joined: j.append(True)))
        _text_field(root, "Room code").v_model = room.code.lower()  # any case
        _text_field(root, "Team name").v_model = name
        eventually(lambda r=root: button(r, "Join"))
        time.sleep(0.05)
        button(root, "Join").click()
        eventually(lambda j=joined: _truthy(j))
        session = store.ws_session.value
        assert session is room.teams[name] and session.seed == room.seed
        ws = render(WorkshopView(store))
        eventually(lambda w=ws, n=name: _contains(w, f"Team {n} in room {room.code}"))
        if lever:
            button(ws, "Run a storytelling town hall").click()
        for _ in range(weeks):
            with room.lock:  # as the team's page steps: the dashboard reads under it
                session.step()
        teams[name] = session
    board = room.leaderboard("active_share")
    assert list(board.team) == list(board.sort_values("active_share", ascending=False).team)
    assert set(board.team) == {"Alpha", "Beta", "Gamma"}
    assert dict(zip(board.team, board.week, strict=True)) == {"Alpha": 3, "Beta": 1, "Gamma": 2}
    assert dict(zip(board.team, board.decisions, strict=True))["Alpha"] == 1
    eventually(lambda: _contains(host_root, "Gamma"))  # the dashboard updates by itself
    text = page_text(host_root)
    assert "Alpha" in text and "Run a storytelling town hall" in text
    # a wrong code is a message, not a traceback
    other = Store()
    root = render(RoomView(other))
    next(
        w for w in all_widgets(root) if isinstance(w, v.TextField) and w.label == "Room code"
    ).v_model = "ZZZZZ"
    next(
        w for w in all_widgets(root) if isinstance(w, v.TextField) and w.label == "Team name"
    ).v_model = "X"
    time.sleep(0.05)
    button(root, "Join").click()
    eventually(lambda: _contains(root, "There is no room with the code"))


def _text_field(root: widgets.Widget, label: str) -> v.TextField:
    return next(w for w in all_widgets(root) if isinstance(w, v.TextField) and w.label == label)


def _truthy(x) -> None:
    assert x


def test_workshop_undo_last_decision_of_this_week(render):
    from ui.workshop_view import WorkshopView

    store = Store()
    root = render(WorkshopView(store))
    assert button(root, "Undo last decision").disabled
    button(root, "Next week").click()
    eventually(lambda: _contains(root, "Week 1 of 52"))
    button(root, "Run a storytelling town hall").click()
    eventually(lambda: _contains(root, "heard colleagues' stories"))
    assert store.ws_session.value.spent_eur > 0
    button(root, "Undo last decision").click()
    eventually(lambda: _contains(root, "No decisions yet."))
    s = store.ws_session.value
    assert s.week == 1 and not s.log and s.spent_eur == 0.0
    assert button(root, "Undo last decision").disabled
    plain = WorkshopSession(s.scenario, s.seed, s.budget_eur)
    plain.step()
    cols = [c for c in plain.weekly().columns if c != "phase"]
    assert np.allclose(s.weekly()[cols], plain.weekly()[cols], equal_nan=True)
