"""Room tab: a facilitator opens a workshop room (a short code) and watches a live
leaderboard; teams join with the code and a team name and play in their Workshop tab."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import solara

from ui.room import LEADERBOARD_KPIS, Room, find_room, open_room
from ui.state import fmt_eur, fmt_pct
from ui.store import Store, guarded
from ui.whatif import CARD_STYLE, TABLE_CSS
from ui.widgets import Heading, Para


def leaderboard_html(room: Room, kpi: str) -> str:
    df = room.leaderboard(kpi)
    if df.empty:
        return "<p style='color:#777;font-size:13px'>No team has joined yet.</p>"
    rows = "".join(
        f"<tr><td class='v'>{i}</td><td><b>{html.escape(r.team)}</b></td>"
        f"<td class='v'>{r.week}</td><td class='v'>{fmt_pct(r.active_share)}</td>"
        f"<td class='v'>{fmt_pct(r.resistant_share)}</td>"
        f"<td class='v'>{fmt_eur(r.spent_eur)}</td><td class='v'>{r.decisions}</td>"
        f"<td>{html.escape(r.last_decision)}</td></tr>"
        for i, r in enumerate(df.itertuples(index=False), start=1)
    )
    head = (
        "<tr><th>#</th><th>team</th><th>week</th><th>active use</th><th>resistant</th>"
        "<th>spent</th><th>decisions</th><th>last decision</th></tr>"
    )
    return f"<table class='kpi leaderboard'>{head}{rows}</table>"


@solara.component
def Facilitator(store: Store):
    report = store.ws_error.set
    room: Room | None = store.room_hosted.value
    kpi_label, set_kpi_label = solara.use_state(next(iter(LEADERBOARD_KPIS)))
    refreshed, set_refreshed = solara.use_state(0.0)

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
        solara.HTML(
            unsafe_innerHTML=(
                "<div style='font-size:14px'>Room code: <span class='room-code' "
                f"style='font-size:34px;font-weight:700;letter-spacing:4px'>{room.code}"
                f"</span></div><div style='font-size:13px;color:#555'>{room.preset}, seed "
                f"{room.seed}, budget {fmt_eur(room.budget_eur)}; {len(room.teams)} team(s)"
                "</div>"
            )
        )
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Select(
                "Rank by", values=list(LEADERBOARD_KPIS), value=kpi_label, on_value=set_kpi_label
            )
            solara.Button(
                "Refresh",
                icon_name="mdi-refresh",
                on_click=lambda: set_refreshed(time.time()),
            )
        solara.Style(TABLE_CSS)
        solara.HTML(unsafe_innerHTML=leaderboard_html(room, LEADERBOARD_KPIS[kpi_label]))
        if refreshed:
            solara.Text(
                f"updated {time.strftime('%H:%M:%S', time.localtime(refreshed))}",
                style={"font-size": "12px", "color": "#777"},
            )


@solara.component
def JoinRoom(store: Store, on_joined: Callable[[], None]):
    report = store.ws_error.set
    code, set_code = solara.use_state("")
    team, set_team = solara.use_state("")

    @guarded(report)
    def join() -> None:
        room = find_room(code)
        session = room.join(team)
        with store.batch():
            store.room_team.value = (room, " ".join(team.split()))
            store.ws_preset.value = room.preset
            store.ws_seed.value = room.seed
            store.ws_budget.value = room.budget_eur
            store.ws_started.value = (room.preset, room.seed, room.budget_eur)
            store.ws_session.value = session
            store.ws_version.value += 1
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
    with solara.Column(gap="8px", classes=["room"], style={"max-width": "980px"}):
        Para(
            "A workshop for several teams: the facilitator opens a room and reads out the "
            "code; each team joins from its own browser and plays the same organisation, "
            "plan, seed and budget in its Workshop tab; the leaderboard shows every team's "
            "week, results and decisions (press Refresh)."
        )
        if store.ws_error.value:
            solara.Error(store.ws_error.value)
        with solara.Row(style={"flex-wrap": "wrap", "gap": "12px", "align-items": "flex-start"}):
            with solara.Column(style={"flex": "1 1 300px"}):
                JoinRoom(store, on_joined)
            with solara.Column(style={"flex": "2 1 520px"}):
                Facilitator(store)
