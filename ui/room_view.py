"""Room tab: a facilitator opens a workshop room (a short code), controls the rounds,
plays event cards and watches a live dashboard; teams join with the code and a team
name and play in their Workshop tab. Pages poll the room once a second."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara
import solara.lab

from model.levers import EVENTS
from ui.charts import teams_figure
from ui.glossary import tooltip
from ui.room import LEADERBOARD_KPIS, MODES, Room, find_room, open_room
from ui.room_debrief import DEBRIEF_RUNS, Debrief, debrief_svg, run_debrief
from ui.room_tables import effects_html, feed_html, leaderboard_html, room_csv, team_logs_html
from ui.state import fmt_eur, fmt_pct
from ui.store import Store, guarded
from ui.svg_chart import svg_inline
from ui.whatif import CARD_STYLE, TABLE_CSS, ChartCard, safe_chart
from ui.widgets import Download, Heading, LazyData, Para

ROOM_CSS = """
.room-feed { margin: 0; padding-left: 16px; font-size: 13px; }
.room-feed .when { color: #777; font-size: 11px; }
.team-logs { display: flex; flex-wrap: wrap; gap: 18px; font-size: 13px; }
.team-logs ol { margin: 2px 0 0 0; padding-left: 18px; }
.team-logs .event, .room-feed .event { font-style: italic; color: #8a4b00; }
.kpi td.kpi-col { background: #eef5ff; }
"""
POLL_SECONDS = 1.0


def term_help(label: str) -> str:
    """A '?' whose tooltip defines the KPI `label` (glossary), or nothing."""
    tip = tooltip(label)
    if tip is None:
        return ""
    return (
        f"<span class='term rank-by-help' title='{html.escape(tip, quote=True)}' "
        "style='color:#888;cursor:help'>?</span>"
    )


def countdown(room: Room) -> str:
    left = room.seconds_left()
    if left is None:
        return ""
    return f"{int(left) // 60}:{int(left) % 60:02d} left in this round"


@solara.component
def RoomTimer(room: Room, big: bool = False):
    """The round's countdown; any page showing it also ends an expired round."""

    def probe() -> tuple[int, str]:
        room.check_timer()
        return room.broadcast, countdown(room)

    _, text = use_poll_probe(probe)
    size = "30px" if big else "15px"
    solara.Text(text, classes=["room-timer"], style={"font-size": size, "font-weight": "700"})


def use_poll_probe(probe: Callable[[], Any]) -> Any:
    from ui.poll import use_poll

    return use_poll(probe, POLL_SECONDS)


@solara.component
def RoomDebrief(room: Room, version: int = 0):
    """Effects of every team's decisions over DEBRIEF_RUNS seeds (worker processes)."""

    def job() -> Any:
        with room.lock:
            logs = {name: list(s.log) for name, s in room.teams.items()}

        def progress(pct: float) -> None:
            task.progress = pct

        return run_debrief(room.preset, room.seed, logs, on_progress=progress)

    task = solara.lab.use_task(job, dependencies=None, raise_error=False)
    with solara.Card(margin=0, style=CARD_STYLE, classes=["room-debrief"]):
        Heading("Debrief: decision logs side by side")
        solara.HTML(unsafe_innerHTML=team_logs_html(room))
        solara.Button(
            f"Estimate each decision's effect ({DEBRIEF_RUNS} seeds)",
            icon_name="mdi-chart-box-outline",
            on_click=lambda: task(),
            disabled=task.pending or not room.teams,
        )
        if task.pending:
            solara.ProgressLinear(task.progress or True)
            solara.Text("Replaying every team's decisions on many seeds ...")
        if task.error:
            solara.Error(f"The debrief failed: {task.exception}")
        if task.finished and task.value is not None:
            debrief = task.value
            room.effects = debrief.effects
            solara.HTML(unsafe_innerHTML=effects_html(debrief.effects))
            Para(
                "Effect = final share with all of the team's decisions minus a replay "
                "without that one decision, paired over the same seeds (the room's seed "
                "is one of many possible futures).",
                style={"font-size": "12px", "color": "#555"},
            )
            if not debrief.effects.empty:
                DebriefChart(debrief)


@solara.component
def DebriefChart(debrief: Debrief):
    """One decision of the debrief, chosen by the facilitator: the mean active use and
    resistant share over the seeds, week by week, with and without it."""
    choices = debrief.choices()
    chosen, set_chosen = solara.use_state(choices[0])
    row = choices.index(chosen) if chosen in choices else 0
    svg = solara.use_memo(lambda: debrief_svg(debrief, row), [debrief, row])
    r = debrief.effects.iloc[row]
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        solara.Select(
            "Decision to chart (with / without)",
            values=choices,
            value=choices[row],
            on_value=set_chosen,
            classes=["debrief-choice"],
            style={"min-width": "360px"},
        )
        Download(svg, f"debrief_{row + 1}.svg", "SVG", "image/svg+xml")
    solara.HTML(unsafe_innerHTML=svg_inline(svg, ["chart-debrief", f"row-{row}"]))
    Para(
        f"Final active use {fmt_pct(r.active_share_with, 1)} with all of {r.team}'s "
        f"decisions, {fmt_pct(r.active_share_without, 1)} without this one; resistant "
        f"{fmt_pct(r.resistant_share_with, 1)} / {fmt_pct(r.resistant_share_without, 1)} "
        f"(means of {int(r.runs)} seeds; solid: active use of target users, dotted: "
        "resistant share of all staff; blue: with, orange: without).",
        style={"font-size": "12px", "color": "#555"},
    )


@solara.component
def Dashboard(store: Store, room: Room):
    report = store.ws_error.set
    version = use_poll_probe(lambda: room.version)
    minutes, set_minutes = solara.use_state(float(room.timer_minutes))
    curves = solara.use_memo(
        lambda: safe_chart(
            teams_figure,
            room.curves("active_share"),
            next(iter(room.teams.values())).weeks if room.teams else 52,
            "Active use of target users, per team",
        ),
        [version],
    )
    csv_data = solara.use_memo(LazyData, [])
    csv_data.make = lambda: room_csv(room)
    html_data = solara.use_memo(LazyData, [])

    def make_report() -> str:
        from ui.report import room_report

        return room_report(room, room.effects)

    html_data.make = make_report
    act = guarded(report)

    solara.Style(TABLE_CSS + ROOM_CSS)
    solara.HTML(
        unsafe_innerHTML=(
            "<div style='font-size:14px'>Room code: <span class='room-code' "
            f"style='font-size:34px;font-weight:700;letter-spacing:4px'>{room.code}"
            f"</span> &nbsp; <a href='?projector={room.code}' target='_blank' "
            "class='projector-link'>open the projector view</a></div>"
            "<div style='font-size:13px'>Teams open this page's address with "
            f"<code class='join-link'>?join={room.code}</code> at the end: the Room tab "
            "opens with the code filled in.</div>"
            f"<div style='font-size:13px;color:#555'>{room.preset}, seed {room.seed}, budget "
            f"{fmt_eur(room.budget_eur)}; {len(room.teams)} team(s); round (median week) "
            f"{room.week()}</div>"
        )
    )
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        solara.ToggleButtonsSingle(
            value=room.mode,
            values=list(MODES),
            on_value=act(room.set_mode),
            dense=True,
            classes=["room-mode"],
        )
        solara.Text(MODES[room.mode], style={"font-size": "13px"})
        solara.Button(
            "Next week for all teams",
            icon_name="mdi-skip-next",
            color="primary",
            on_click=store.once("room:advance", act(room.advance_all)),
            disabled=not room.teams,
        )
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        solara.InputFloat(
            "Round timer (minutes)",
            value=minutes,
            on_value=set_minutes,
            dense=True,
            style={"max-width": "180px"},
        )
        solara.Button(
            "Start timer", icon_name="mdi-timer", on_click=act(lambda: room.start_timer(minutes))
        )
        solara.Button("Stop timer", text=True, on_click=act(room.stop_timer))
        RoomTimer(room)
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "6px"}):
        solara.Text("Event cards (reach every team now):", style={"font-weight": "600"})
        for key, card in EVENTS.items():
            solara.Button(
                card.label,
                outlined=True,
                small=True,
                color="warning",
                classes=["event-card"],
                on_click=store.once(f"event:{key}", act(lambda k=key: room.play_event(k))),
                disabled=not room.teams,
            )
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Select(
            "Rank by", values=list(LEADERBOARD_KPIS), value=room.kpi, on_value=act(room.set_kpi)
        )
        solara.HTML(unsafe_innerHTML=term_help(room.kpi))
        solara.FileDownload(
            csv_data, filename=f"room_{room.code}.csv", label="Room (CSV)",
            icon_name="mdi-download", mime_type="text/csv",
        )  # fmt: skip
        solara.FileDownload(
            html_data, filename=f"room_{room.code}.html", label="Room report (HTML)",
            icon_name="mdi-download", mime_type="text/html",
        )  # fmt: skip
    solara.HTML(unsafe_innerHTML=leaderboard_html(room), classes=[f"board-v{version}"])
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px", "align-items": "flex-start"}):
        ChartCard(
            "Teams' adoption", *curves, f"room_{room.code}.png", ["chart-room"], flex="3 1 420px"
        )
        with solara.Card(margin=0, style={**CARD_STYLE, "flex": "2 1 260px"}):
            solara.Text("What just happened", style={"font-weight": "600"})
            solara.HTML(unsafe_innerHTML=feed_html(room, limit=10))
    RoomDebrief(room, version)


@solara.component
def Facilitator(store: Store):
    report = store.ws_error.set
    room: Room | None = store.room_hosted.value

    @guarded(report)
    def open_new() -> None:
        store.room_hosted.value = open_room(
            store.ws_preset.value, int(store.ws_seed.value), float(store.ws_budget.value)
        )

    with solara.Card(margin=0, style=CARD_STYLE, classes=["room-facilitator"]):
        Heading("Facilitator")
        if room is None:
            Para(
                f"Opens a room on the Workshop settings: {store.ws_preset.value}, seed "
                f"{store.ws_seed.value}, budget {fmt_eur(store.ws_budget.value)} (change them "
                "in the Workshop tab first). Teams join with the room code."
            )
            solara.Button(
                "Open a room",
                icon_name="mdi-door-open",
                color="primary",
                on_click=store.once("room:open", open_new),
            )
            return
        Dashboard(store, room)


@solara.component
def JoinRoom(store: Store, on_joined: Callable[[], None]):
    report = store.ws_error.set
    code, set_code = solara.use_state(store.join_code)
    team, set_team = solara.use_state("")

    @guarded(report)
    def join() -> None:
        room = find_room(code)
        session = room.join(team)
        store.join_team(room, " ".join(team.split()), session)
        on_joined()

    with solara.Card(margin=0, style=CARD_STYLE, classes=["room-join"]):
        Heading("Team: join a room")
        solara.InputText("Room code", value=code, on_value=set_code, continuous_update=True)
        solara.InputText("Team name", value=team, on_value=set_team, continuous_update=True)
        solara.Button(
            "Join",
            icon_name="mdi-account-group",
            color="primary",
            on_click=store.once("room:join", join),
            disabled=not (code.strip() and team.strip()),
        )


@solara.component
def RoomView(store: Store, on_joined: Callable[[], None] = lambda: None):
    with solara.Column(gap="8px", classes=["room"], style={"max-width": "1200px"}):
        Para(
            "A workshop for several teams: the facilitator opens a room and reads out the "
            "code; each team joins from its own browser and plays the same organisation, "
            "plan, seed and budget in its Workshop tab. The facilitator's dashboard updates "
            "live; rooms are kept in the UI database and survive a server restart."
        )
        if store.ws_error.value:
            solara.Error(store.ws_error.value)
        with solara.Row(style={"flex-wrap": "wrap", "gap": "12px", "align-items": "flex-start"}):
            if store.room_hosted.value is None:
                with solara.Column(style={"flex": "1 1 300px"}):
                    JoinRoom(store, on_joined)
            with solara.Column(style={"flex": "2 1 620px"}):
                Facilitator(store)


def room_of(code: str) -> Room | None:
    try:
        return find_room(code)
    except Exception:  # noqa: BLE001 - unknown code: the caller says so
        return None
