"""What-if view (strategists): pick or upload a scenario, edit it, Run / Step / Reset,
charts, the KPI dashboard and downloads."""

from __future__ import annotations

import base64
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import reacton.core
import solara

from model import ScenarioError
from model.programme import PHASES
from ui.charts import (
    Chart,
    draw_chart,
    groups_figure,
    network_figure,
    network_layout,
    resistance_figure,
    stages_figure,
)
from ui.discover_view import FailureFinder
from ui.editors import ERROR_STYLE, EditContext, ScenarioEditor
from ui.glossary import Glossary, label_cell, tooltip
from ui.png_cache import cached
from ui.state import (
    UPLOAD_PREFIX,
    Draft,
    LiveRun,
    budget_rows,
    fmt_eur,
    fmt_num,
    fmt_pct,
    load_uploaded,
    problem_text,
    problems_by_field,
    what_if_presets,
)
from ui.store import Store, guarded
from ui.svg_chart import svg_inline
from ui.url_state import keep_upload
from ui.widgets import Download, Heading, LazyData, Para

log = logging.getLogger("adoptsim.ui")

CRITERIA_TEXT = {
    "awareness": ">= 80% of staff can explain the basics and the benefit",
    "vision": ">= 70% of target users can name concrete benefits",
    "empowerment": ">= 90% of users master the basics; support requests halved",
    "implementation": ">= 3 successes communicated; >= 60% of pilot users feel relief",
    "anchoring": "AI in the processes; >= 15% of the first users create use cases",
}
CARD_STYLE = {"padding": "10px 12px", "margin": "0"}
TABLE_CSS = """
.kpi td { padding: 1px 8px 1px 0; font-size: 13px; vertical-align: top; }
.kpi td.v { text-align: right; font-weight: 600; white-space: nowrap; }
.kpi th { text-align: left; font-size: 12px; color: #555; font-weight: 600; padding-right: 8px; }
.kpi .ok { color: #1b7f3b; } .kpi .no { color: #9e9e9e; }
.kpi .over-budget td, .kpi td.over-budget { color: #b00020; font-weight: 700; }
.kpi .within-budget td.v { color: #1b7f3b; }
.kpi td.better { color: #1b7f3b; } .kpi td.worse { color: #b00020; }
.kpi-card { flex: 1 1 230px; min-width: 230px; }
img.chart { width: 100%; height: auto; }
"""


def safe_chart(make, *args: Any) -> tuple[Chart | None, str | None]:
    """A drawn chart, or an error text (never an exception in the page)."""
    try:
        return draw_chart(make, *args), None
    except Exception as exc:  # noqa: BLE001
        log.exception("chart failed")
        return None, f"This chart could not be drawn ({type(exc).__name__}: {exc})."


def html_table(rows: list[tuple[str, ...]], cls: str = "kpi") -> str:
    """Label/value rows; a third item is a CSS class of the row (e.g. over-budget)."""
    body = "".join(
        f"<tr class='{html.escape(r[2]) if len(r) > 2 else ''}'>{label_cell(r[0])}"
        f"<td class='v'>{html.escape(r[1])}</td></tr>"
        for r in rows
    )
    return f"<table class='{cls}'>{body}</table>"


# --------------------------------------------------------------------------- source


MAX_UPLOAD_BYTES = 1_000_000


def handle_upload(store: Store, name: str, data: bytes) -> bool:
    """Load an uploaded scenario TOML into the What-if view; problems are listed under
    the upload zone, one per line (the current scenario stays). Returns whether it
    loaded."""
    try:
        scenario = load_uploaded(name, data)
    except ScenarioError as exc:
        with store.batch():
            store.upload_rejected.value = name
            store.upload_problems.value = [problem_line(p) for p in exc.problems]
        return False
    with store.batch():
        store.upload_rejected.value = ""
        store.upload_problems.value = []
        draft = Draft(scenario, f"{UPLOAD_PREFIX}{name}")
        keep_upload(draft)  # reload, a second tab or a sent link bring it back
        store.set_draft(draft)
    return True


def problem_line(p) -> str:
    """One problem of an uploaded file: where (key) and what is wrong."""
    return f"{p.key or '(file)'}: {problem_text(p)}"


def reject_upload(store: Store, name: str, reason: str) -> None:
    """A drop or file the browser could not send (not a file, too large, unreadable)."""
    with store.batch():
        store.upload_rejected.value = name
        store.upload_problems.value = [reason]


@solara.component_vue("upload.vue")
def UploadZone(
    label: str,
    generation: int,
    max_bytes: int,
    event_upload: Callable[[dict], None],
    event_rejected: Callable[[dict], None],
):
    """Click to browse or drop a file; shows a busy indicator until `generation`
    changes (the server has handled the file)."""


@solara.component
def UploadProblems(store: Store):
    problems = store.upload_problems.value
    if not problems:
        return
    name = store.upload_rejected.value
    n = len(problems)
    head = f"{html.escape(name) + ' was' if name else 'The file was'} not loaded"
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    solara.HTML(
        unsafe_innerHTML=(
            f"<div style='color:#b00020;font-size:12px'><b>{head} "
            f"({n} problem{'s' if n != 1 else ''}):</b>"
            f"<ul class='upload-problems' style='margin:2px 0 6px 18px;padding:0'>{items}</ul>"
            "</div>"
        )
    )


@solara.component
def SourcePanel(store: Store, problems: list):
    draft = store.draft.value
    presets = what_if_presets()
    report = store.error.set

    @guarded(report)
    def choose(name: str | None) -> None:
        if name:
            old = store.draft.value
            with store.batch():
                store.upload_problems.value = []
                store.upload_rejected.value = ""
                store.set_draft(Draft.preset(name))
                # edits are not carried over to another preset: say so, offer them back
                store.discarded.value = old if old.overrides else None

    @guarded(report)
    def restore() -> None:
        old = store.discarded.value
        if old is not None:
            with store.batch():
                store.set_draft(old)
                store.discarded.value = None

    generation, set_generation = solara.use_state(0)

    def on_upload(info: dict) -> None:
        try:
            guarded(report)(handle_upload)(
                store, str(info.get("name") or "upload.toml"), base64.b64decode(info["b64"])
            )
        finally:
            set_generation(lambda g: g + 1)  # ends the busy indicator

    def on_rejected(info: dict) -> None:
        reject_upload(store, str(info.get("name") or ""), str(info.get("reason")))

    @guarded(report)
    def undo() -> None:
        store.set_draft(Draft(draft.base, draft.label))

    scenario, _ = draft.build()
    with solara.Card(margin=0, style=CARD_STYLE):
        Heading("Scenario")
        solara.Select(
            "Preset",
            values=presets,
            value=draft.label if draft.label in presets else None,
            on_value=choose,
            dense=True,
        )
        discarded = store.discarded.value
        if discarded is not None and discarded is not draft:
            n = len(discarded.overrides)
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Text(
                    f"Switching to {draft.label} discarded your {n} edit{'s' if n != 1 else ''} "
                    f"to {discarded.label}.",
                    classes=["discarded-edits"],
                    style={"font-size": "13px", "color": "#8a4b00"},
                )
                solara.Button("Restore them", text=True, small=True, on_click=restore)
        UploadZone(
            label="... or click here to choose a scenario TOML file (or drop one here)",
            generation=generation,
            max_bytes=MAX_UPLOAD_BYTES,
            event_upload=on_upload,
            event_rejected=on_rejected,
        )
        UploadProblems(store)
        if draft.label.startswith(UPLOAD_PREFIX):
            solara.Text(f"Loaded {draft.label[len(UPLOAD_PREFIX) :]}", style={"font-size": "13px"})
        desc = " ".join(draft.base.description.split())
        if desc:
            Para(
                desc[:400] + ("..." if len(desc) > 400 else ""),
                style={"font-size": "12px", "color": "#555"},
            )
        n_edits = len(draft.overrides)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text(f"{n_edits} edit{'s' if n_edits != 1 else ''}", style={"font-size": "13px"})
            solara.Button("Undo edits", text=True, on_click=undo, disabled=not n_edits)
            if scenario is not None:
                Download(
                    scenario.to_toml(), f"{scenario.name}.toml", "Scenario TOML", "application/toml"
                )
    if problems:
        with solara.Card(margin=0, style={**CARD_STYLE, "border-left": "4px solid #b00020"}):
            solara.Text(
                f"{len(problems)} problem{'s' if len(problems) > 1 else ''}: "
                "fix the fields marked in red (Run is off meanwhile).",
                style={"color": "#b00020", "font-weight": "600"},
            )
            for p in problems[:8]:
                solara.Text(f"{p.key or '(scenario)'}: {problem_text(p)}", style=ERROR_STYLE)


# --------------------------------------------------------------------------- run bar


@solara.component
def RunBar(store: Store, valid: bool):
    live = store.live.value
    store.version.value  # re-render after every step  # noqa: B018
    report = store.error.set
    # the live run that Run simulated to the end (its time is shown until it is replaced)
    busy, set_busy = solara.use_state(None)

    @guarded(report)
    def run() -> None:
        store.advance(LiveRun.run_to_end)
        set_busy(store.live.value)

    @guarded(report)
    def step() -> None:
        store.advance(LiveRun.step)

    @guarded(report)
    def reset() -> None:
        scenario, _ = store.draft.value.build()
        if scenario is not None:
            store.live.value = LiveRun(scenario)
            store.version.value += 1

    finished = live is None or live.finished
    with solara.Card(margin=0, style=CARD_STYLE):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(
                "Run",
                icon_name="mdi-play",
                color="primary",
                on_click=store.once("whatif:run", run),
                disabled=not valid or finished,
            )
            solara.Button(
                "Step",
                icon_name="mdi-skip-next",
                on_click=store.once("whatif:step", step),
                disabled=not valid or finished,
            )
            solara.Button(
                "Reset",
                icon_name="mdi-restore",
                on_click=store.once("whatif:reset", reset),
                disabled=not valid,
            )
            if live is not None:
                solara.Text(
                    f"Week {live.week} of {live.weeks} - phase: {live.sim.phase}",
                    classes=["run-status"],
                    style={"font-weight": "600"},
                )
                if busy is live and live.finished and live.compute_seconds > 0:
                    solara.Text(
                        f"simulated in {live.compute_seconds:.2f} s",
                        style={"font-size": "12px", "color": "#555"},
                    )
            if not valid:
                solara.Text("Fix the problems in the editor to run.", style=ERROR_STYLE)
            elif live is not None and live.scenario.organisation.employees > 20_000:
                solara.Text(
                    "Large organisation: a run takes a few seconds.",
                    style={"font-size": "12px", "color": "#555"},
                )
        Para(
            "Run simulates to the last week; Step advances one week; Reset (or any edit) "
            "starts again at week 0 with the scenario's seed.",
            style={"font-size": "12px", "color": "#555", "margin-top": "4px"},
        )


# --------------------------------------------------------------------------- results


@solara.component
def ChartCard(
    title: str,
    chart: Chart | None,
    error: str | None,
    filename: str,
    classes: list[str],
    toolbar: Callable[[], None] | None = None,
    flex: str = "1 1 420px",
    busy: bool = False,
):
    """A chart in a card: title, downloads (SVG, PNG), a busy bar, the chart or why not."""
    png = solara.use_memo(LazyData, [])  # the PNG is drawn only when its button is clicked
    with solara.Card(margin=0, style={**CARD_STYLE, "flex": flex, "min-width": "0"}):
        with solara.Row(
            style={"align-items": "center", "justify-content": "space-between", "flex-wrap": "wrap"}
        ):
            solara.Text(title, style={"font-weight": "600"})
            with solara.Row(style={"align-items": "center"}):
                if toolbar is not None:
                    toolbar()
                if chart is not None:
                    Download(chart.svg, filename.replace(".png", ".svg"), "SVG", "image/svg+xml")
                    png.make = chart.png
                    solara.FileDownload(
                        png, filename=filename, label="PNG", icon_name="mdi-download",
                        mime_type="image/png",
                    )  # fmt: skip
        solara.ProgressLinear(busy, style={"height": "3px"})
        if chart is not None and chart.hover:  # in the page, so a week's values show on hover
            solara.HTML(unsafe_innerHTML=svg_inline(chart.svg.decode(), classes))
        elif chart is not None:
            solara.Image(chart.svg, format="svg+xml", classes=["chart", *classes])
        elif busy:
            solara.Text("drawing ...", style={"color": "#777"})
        else:
            solara.Warning(error or "no chart")


@solara.component
def KpiDashboard(live: LiveRun, version: int):
    summary = solara.use_memo(live.summary, [live, version])
    weekly = solara.use_memo(live.weekly, [live, version])
    last = weekly.iloc[-1]
    sc = live.scenario
    sim = live.sim
    goal = sc.goals
    goal_txt = f"week {summary['goal_week']}" if summary.get("goal_week") is not None else "not yet"
    hours_month = float(last["hours_freed"]) * 52.0 / 12.0
    dims = [
        (
            "Adoption and use",
            [
                ("active users (of target group)", fmt_pct(last["active_share"])),
                (f"goal {fmt_pct(goal.target_active_share)} by week {goal.by_week}", goal_txt),
                ("trying it out", fmt_pct(last["trial_share"])),
                ("dropped out (lapsed)", fmt_pct(last["lapsed_share"])),
                ("peak active use", fmt_pct(summary["peak_active_share"])),
                *(
                    [
                        (
                            "active use: pilot group / the rest",
                            " / ".join(
                                fmt_pct(summary[k])
                                for k in ("pilot_active_share", "scaled_active_share")
                            ),
                        )
                    ]  # fmt: skip
                    if summary.get("pilot_active_share") is not None
                    else []
                ),
            ],
        ),
        (
            "Competence and self-reliance",
            [
                ("mean competence", fmt_pct(last["mean_competence"])),
                (
                    "basic / advanced / expert",
                    " / ".join(
                        fmt_pct(last[c]) for c in ("basic_share", "advanced_share", "expert_share")
                    ),
                ),
                ("support requests this week", fmt_num(last["support_requests"])),
                ("new use cases (total)", fmt_num(last["new_use_cases"], 0)),
            ],
        ),
        (
            "Acceptance and satisfaction",
            [
                ("net promoter score", fmt_num(last["nps"], 0)),
                ("trust in AI output", fmt_pct(last["trust"])),
                ("users feeling relief", fmt_pct(last["relief_share"])),
                ("positive attitude (all staff)", fmt_pct(last["positive_share"])),
                ("resistant (all staff)", fmt_pct(last["resistant_share"])),
            ],
        ),
        (
            "Business impact",
            [
                ("hours freed per month (now)", fmt_num(hours_month, 0)),
                ("hours freed so far", fmt_num(summary["hours_freed_total"], 0)),
                ("benefit so far", fmt_eur(summary["benefit_total_eur"])),
                ("benefits realised vs plan", fmt_pct(summary["benefits_realised"])),
            ],
        ),
    ]
    solara.Style(TABLE_CSS)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}, classes=["kpi-dashboard"]):
        for title, rows in dims:
            with solara.Card(margin=0, style=CARD_STYLE, classes=["kpi-card"]):
                solara.Text(title, style={"font-weight": "600", "font-size": "14px"})
                solara.HTML(unsafe_innerHTML=html_table(rows))
    # phase criteria, costs and ROI
    crit_rows = []
    for ph in PHASES:
        start = sim.clock.start(ph)
        planned = sim.clock.planned.get(ph)
        met = sim.criteria.get(ph)
        started = f"started wk {start}" if start is not None else f"planned wk {planned}"
        mark = (
            f"<span class='ok'>&#10004; met wk {met}</span>"
            if met is not None
            else "<span class='no'>&#9675; not met</span>"
        )
        crit_rows.append(
            f"<tr><td><b>{ph}</b> ({started})<br><span style='color:#555'>"
            f"{html.escape(CRITERIA_TEXT[ph])}</span></td><td class='v'>{mark}"
            "</td></tr>"
        )
    costs = sorted(sim.ledger.costs.items(), key=lambda kv: -kv[1])
    cost_rows = [(k.replace("_", " "), fmt_eur(v)) for k, v in costs]
    total = sim.ledger.total
    cost_rows += [
        ("total cost", fmt_eur(total)),
        ("change measures (staff time and cash, excl. licences)", fmt_eur(sim.ledger.change_cost)),
        *budget_rows(
            sc.budget_eur,
            sim.ledger.cash_total,
            "spent from the budget (cash)" + ("" if live.finished else " so far"),
        ),
        ("benefit (hours freed x hourly cost)", fmt_eur(sim.ledger.benefit_eur)),
        ("ROI (benefit - cost) / cost", fmt_num(summary["roi"], 2)),
        (
            "change ROI (vs tool only)",
            fmt_num(summary.get("change_roi"), 2) if live.finished else "after the last week",
        ),
    ]
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        with solara.Card(
            margin=0, style={**CARD_STYLE, "flex": "2 1 380px"}, classes=["phase-criteria"]
        ):
            solara.Text("Phase criteria checklist", style={"font-weight": "600"})
            solara.HTML(unsafe_innerHTML=f"<table class='kpi'>{''.join(crit_rows)}</table>")
        with solara.Card(
            margin=0, style={**CARD_STYLE, "flex": "1 1 260px"}, classes=["costs-roi"]
        ):
            solara.Text("Costs and ROI", style={"font-weight": "600"})
            solara.HTML(unsafe_innerHTML=html_table(cost_rows))
            all_met = all(sim.criteria.get(ph) is not None for ph in PHASES)
            barrier = summary.get("main_barrier")
            if all_met:
                rest = (
                    f" Target users not yet active are held back mostly by: {barrier}."
                    if barrier and barrier != "none"
                    else ""
                )
                solara.Text(
                    f"Every phase criterion is met.{rest}",
                    classes=["barrier-none"],
                    style={"font-size": "13px", "color": "#1b7f3b"},
                )
            elif summary.get("main_barrier") and summary["main_barrier"] != "none":
                solara.HTML(
                    unsafe_innerHTML=(
                        f"<span title='{html.escape(tooltip('main barrier') or '')}'>Main "
                        f"barrier now: {html.escape(str(summary['main_barrier']))}</span>"
                    ),
                    classes=["main-barrier"],
                    style={"font-size": "13px", "color": "#b00020"},
                )


@dataclass(frozen=True)
class Frame:
    """A consistent copy of what the charts need at one week (safe to draw in a thread)."""

    key: tuple  # (the run's key, week): names the charts in the shared image cache
    name: str
    week: int
    weeks: int
    goal: float
    goal_week: int
    weekly: pd.DataFrame
    phases: dict
    planned: dict
    groups: dict
    concerns: np.ndarray
    department: np.ndarray
    attitude: np.ndarray
    stage: np.ndarray
    champion: np.ndarray
    adj: Any


def frame(live: LiveRun) -> Frame:
    sim, sc = live.sim, live.scenario
    return Frame(
        key=(live.key, sim.week),
        name=sc.name,
        week=sim.week,
        weeks=sc.weeks,
        goal=sc.goals.target_active_share,
        goal_week=sc.goals.by_week,
        weekly=live.weekly(),
        phases=dict(sim.clock.started),
        planned=dict(sim.clock.planned),
        groups={k: live.groups.table(k) for k in ("role", "age band", "department")},
        concerns=sim.state.concerns.copy(),
        department=sim.wf.department,
        attitude=sim.state.attitude.copy(),
        stage=sim.state.stage.copy(),
        champion=sim.state.champion.copy(),
        adj=sim.adj,
    )


def draw_stages(f: Frame) -> tuple[Chart | None, str | None]:
    """The adoption chart of a frame, drawn now."""
    return safe_chart(stages_figure, f.weekly, f.weeks, f.goal, f.goal_week, f.phases, f.planned)


def stages_chart(f: Frame) -> tuple[Chart | None, str | None]:
    """The adoption chart of a frame, drawn once per run and week for every session."""
    return cached(("stages", f.key), lambda: draw_stages(f))


def detail_charts(f: Frame, colour_by: str) -> dict[str, tuple[Chart | None, str | None]]:
    """The charts drawn after the main one (in a background thread): groups,
    resistance map and network (shared by sessions showing the same run and week)."""
    return cached(("details", f.key, colour_by), lambda: draw_details(f, colour_by))


def draw_details(f: Frame, colour_by: str) -> dict[str, tuple[Chart | None, str | None]]:
    out = {
        "groups": safe_chart(groups_figure, f.groups, f.weeks),
        "resistance": safe_chart(resistance_figure, f.concerns, f.department, f.attitude, f.week),
    }
    try:
        layout = network_layout(f.adj, seed=0)
        out["network"] = safe_chart(
            network_figure, layout, f.stage, f.attitude, f.champion, None, colour_by, f.week
        )
    except Exception as exc:  # noqa: BLE001
        log.exception("layout failed")
        out["network"] = (None, f"The network could not be laid out ({exc}).")
    out["week"] = f.week  # type: ignore[assignment]
    return out


@solara.component
def Results(store: Store):
    live = store.live.value
    version = store.version.value
    colour_by = store.colour_by.value
    current = solara.use_memo(lambda: frame(live) if live is not None else None, [live, version])
    main = solara.use_memo(
        lambda: stages_chart(current) if current is not None else None, [current]
    )
    details = solara.use_thread(
        lambda: detail_charts(current, colour_by) if current is not None else None,
        dependencies=[current, colour_by],
        intrusive_cancel=False,
    )
    if live is None or current is None or main is None:
        solara.Info("Fix the problems in the editor to see results.")
        return
    name, week = current.name, current.week
    shown = details.value or {}
    pending = (
        details.state
        in (solara.ResultState.STARTING, solara.ResultState.RUNNING, solara.ResultState.WAITING)
        or shown.get("week") != week
    )

    def detail(key: str) -> tuple[bytes | None, str | None]:
        return shown.get(key) or (None, "drawing ...")

    detail_week = shown.get("week", week)
    # the adoption chart first (in the first screen), the KPI cards under it
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        ChartCard(
            "Adoption stages over weeks",
            *main,
            f"{name}_stages.png",
            ["chart-stages", f"week-{week}"],
            flex="3 1 520px",
        )

        def colour_toggle() -> None:
            solara.ToggleButtonsSingle(
                value=colour_by,
                values=["stage", "attitude"],
                on_value=store.colour_by.set,
                dense=True,
            )

        ChartCard(
            "Influence network",
            *detail("network"),
            f"{name}_network.png",
            ["chart-network", f"week-{detail_week}"],
            toolbar=colour_toggle,
            flex="2 1 380px",
            busy=pending,
        )
    KpiDashboard(live, version)
    Glossary()
    ChartCard(
        "Active use by role, age band and department",
        *detail("groups"),
        f"{name}_groups.png",
        ["chart-groups", f"week-{detail_week}"],
        busy=pending,
    )
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        ChartCard(
            "Resistance map (concern x department)",
            *detail("resistance"),
            f"{name}_resistance.png",
            ["chart-resistance", f"week-{detail_week}"],
            busy=pending,
            flex="0 1 640px",
        )
    with solara.Card(margin=0, style=CARD_STYLE):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text("Downloads:", style={"font-weight": "600"})
            Download(live.scenario.to_toml(), f"{name}.toml", "Scenario (TOML)", "application/toml")
            Download(
                current.weekly.to_csv(index=False),
                f"{name}_weekly.csv",
                "Weekly table (CSV)",
                "text/csv",
            )
            solara.Text(
                "Chart PNGs: the PNG button on each chart.",
                style={"font-size": "12px", "color": "#555"},
            )


# --------------------------------------------------------------------------- view


@solara.component
def WhatIfView(store: Store):
    store.attach(reacton.core.get_render_context(required=False))
    draft = store.draft.value
    scenario, problems = solara.use_memo(draft.build, [draft])
    by_field = problems_by_field(problems)
    from ui.plans_view import PlansPanel

    ctx = EditContext(draft, by_field, guarded(store.error.set)(store.edit), scenario)
    with solara.Row(style={"align-items": "flex-start", "gap": "12px"}, classes=["whatif"]):
        with solara.Column(gap="8px", style={"flex": "0 0 410px", "max-width": "410px"}):
            SourcePanel(store, problems)
            PlansPanel(store)
            ScenarioEditor(ctx)
        with solara.Column(gap="8px", style={"flex": "1 1 600px", "min-width": "0"}):
            RunBar(store, scenario is not None)
            if store.error.value:
                solara.Error(store.error.value)
            Results(store)
            FailureFinder(store)  # when does this plan fail? (ui/discover_view.py)
