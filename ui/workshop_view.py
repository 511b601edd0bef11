"""Workshop view (trainers): step week by week, pull levers within a budget, reveal the
hidden concerns on the network, replay with the same seed, debrief at the end."""

from __future__ import annotations

import html

import reacton.core
import solara

from model import load_scenario
from ui.charts import network_layout
from ui.png_cache import cached, scenario_key
from ui.poll import use_poll
from ui.room_tables import feed_html
from ui.room_view import ROOM_CSS, RoomTimer
from ui.state import fmt_eur, fmt_pct, plan_presets
from ui.store import InputProblem, Store, guarded
from ui.svg_chart import network_svg, svg_img, svg_inline, workshop_svg
from ui.whatif import CARD_STYLE, TABLE_CSS, html_table
from ui.widgets import Download, Heading, Para
from ui.workshop import WorkshopSession, default_budget, is_event


def lever_price(one_off: float, weekly: float) -> str:
    parts = []
    if one_off > 0 or weekly == 0:
        parts.append(fmt_eur(one_off))
    if weekly > 0:
        parts.append(f"EUR {weekly:,.0f}/week")
    return " + ".join(parts)


def log_html(session: WorkshopSession) -> str:
    if not session.log:
        return "<p style='color:#777;font-size:13px'>No decisions yet.</p>"
    rows = "".join(
        f"<tr><td>{d.week}</td><td>{html.escape(d.label)}</td>"
        f"<td class='v'>{html.escape(lever_price(d.cost_eur, d.weekly_eur))}</td>"
        f"<td>{html.escape(d.outcome)}</td></tr>"
        for d in session.log
    )
    return (
        "<table class='kpi decision-log'><tr><th>week</th><th>decision</th><th>cost</th>"
        f"<th>what happened</th></tr>{rows}</table>"
    )


@solara.component
def Setup(store: Store, version: object = None):
    """Session settings, or the team's room panel (`version`: redraw on room changes)."""
    presets = plan_presets()
    report = store.ws_error.set

    @guarded(report)
    def choose(name: str | None) -> None:
        if not name:
            return
        sc = load_scenario(name)
        store.ws_preset.value = name
        store.ws_seed.value = int(sc.seed)
        store.ws_budget.value = default_budget(sc)

    @guarded(report)
    def start() -> None:
        sc = load_scenario(store.ws_preset.value)
        budget = float(store.ws_budget.value)
        if not budget >= 0:
            raise InputProblem(
                f"The workshop budget must be EUR 0 or more (got {budget:,.0f}); "
                "the session was not started."
            )
        with store.batch():
            store.ws_session.value = WorkshopSession(sc, int(store.ws_seed.value), budget)
            store.ws_started.value = (store.ws_preset.value, int(store.ws_seed.value), budget)
            store.ws_version.value += 1

    team = store.room_team.value
    if team is not None:
        room, name = team

        def leave() -> None:
            store.room_team.value = None

        with solara.Card(margin=0, style=CARD_STYLE, classes=["room-team"]):
            Heading(f"Team {name} in room {room.code}")
            Para(
                f"{room.preset}, seed {room.seed}, budget {fmt_eur(room.budget_eur)}: the "
                "same for every team. The facilitator sees your week, results and decisions."
            )
            if not room.can_teams_advance:
                Para(
                    "The facilitator advances the weeks for every team.",
                    classes=["facilitator-paced"],
                    style={"color": "#1d3557", "font-weight": "600"},
                )
            RoomTimer(room)
            solara.Style(ROOM_CSS)
            solara.Text("What just happened in the room", style={"font-weight": "600"})
            solara.HTML(unsafe_innerHTML=feed_html(room, limit=3), classes=["team-feed"])
            solara.Button("Leave the room", text=True, on_click=leave)
        return
    with solara.Card(margin=0, style=CARD_STYLE):
        Heading("Session")
        solara.Select(
            "Organisation and plan",
            values=presets,
            value=store.ws_preset.value,
            on_value=choose,
            dense=True,
        )
        with solara.Row():
            solara.InputInt(
                "Seed", value=store.ws_seed.value, on_value=store.ws_seed.set, dense=True
            )
            solara.InputFloat(
                "Workshop budget",
                value=store.ws_budget.value,
                on_value=store.ws_budget.set,
                dense=True,
                suffix="EUR",
            )
        solara.Button(
            "Start new session",
            icon_name="mdi-flag-checkered",
            on_click=store.once("workshop:start", start),
            outlined=True,
        )
        chosen = (store.ws_preset.value, int(store.ws_seed.value), float(store.ws_budget.value))
        if chosen != store.ws_started.value:
            Para(
                "Press Start new session to use these settings.",
                style={"color": "#1d3557", "margin-top": "6px"},
            )


@solara.component
def Levers(store: Store, session: WorkshopSession, version: int):
    report = store.ws_error.set

    def pull(key: str) -> None:
        @guarded(report)
        def go() -> None:
            if session.finished:
                return
            with store.team_lock():
                st = next(s for s in session.status() if s.key == key)
                if not st.enabled:
                    raise InputProblem(f"{st.label}: {st.reason}")
                before = len(session.log)
                session.apply(key)
                store.team_acted(before)
            store.ws_version.value += 1

        go()

    statuses = session.status()
    budget = session.budget_eur
    committed = session.committed_eur
    with solara.Card(margin=0, style=CARD_STYLE):
        solara.Text("Budget", style={"font-weight": "600"})
        solara.HTML(
            unsafe_innerHTML=html_table(
                [
                    ("spent so far", fmt_eur(session.spent_eur)),
                    ("running costs", f"EUR {session.weekly_eur:,.0f}/week"),
                    ("committed to the last week", fmt_eur(committed)),
                    ("available", fmt_eur(session.remaining_eur)),
                ]
            )
        )
        share = 100.0 * committed / budget if budget > 0 else 100.0
        solara.ProgressLinear(min(share, 100.0), color="error" if share >= 100 else "primary")
    with solara.Card(margin=0, style=CARD_STYLE, classes=["levers"]):
        solara.Text("Levers (applied before the next week)", style={"font-weight": "600"})
        for st in statuses:
            with solara.Column(gap="0px", style={"margin-bottom": "6px"}):
                with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                    solara.Button(
                        st.label,
                        on_click=store.once(f"lever:{st.key}", lambda k=st.key: pull(k)),
                        disabled=not st.enabled,
                        small=True,
                        outlined=True,
                        color="primary",
                    )
                    solara.Text(
                        lever_price(st.one_off, st.weekly),
                        style={"font-size": "12px", "font-weight": "600"},
                    )
                note = st.description if st.enabled else f"{st.description} ({st.reason})"
                solara.Text(note, style={"font-size": "12px", "color": "#555"})


@solara.component
def Debrief(session: WorkshopSession, version: int):
    debrief = solara.use_memo(session.debrief, [session, version])
    with solara.Card(
        margin=0, style={**CARD_STYLE, "border-left": "4px solid #2a9d8f"}, classes=["debrief"]
    ):
        Heading("Debrief")
        for line in debrief.lines:
            Para(line, style={"font-size": "14px"})
        peaks = ", ".join(f"{c} {fmt_pct(v)} (week {w})" for c, v, w in debrief.concern_peaks)
        Para(f"Concern peaks: {peaks}.")
        if not debrief.effects.empty:
            rows = "".join(
                f"<tr><td>{int(r.week)}</td><td>{html.escape(r.decision)}</td>"
                f"<td class='v'>{fmt_eur(r.cost_eur)}</td>"
                f"<td class='v'>{100 * r.active_effect:+.1f} pts</td>"
                f"<td class='v'>{100 * r.resistant_effect:+.1f} pts</td></tr>"
                for r in debrief.effects.itertuples()
            )
            solara.HTML(
                unsafe_innerHTML=(
                    "<table class='kpi'><tr><th>week</th><th>decision</th><th>cost to the end</th>"
                    "<th>active use</th><th>resistance</th></tr>" + rows + "</table>"
                )
            )
            Para(
                "Effect of a decision = final value with all decisions minus the final value "
                "of a replay without that one decision (same seed).",
                style={"font-size": "12px", "color": "#555"},
            )
        costs = [(k.replace("_", " "), fmt_eur(v)) for k, v in debrief.costs_by_category.items()]
        costs.append(("ROI of the whole run", "-" if debrief.roi is None else f"{debrief.roi:.2f}"))
        Para(
            "All costs of the run (plan and your levers)",
            style={"font-weight": "600", "margin-top": "8px"},
        )
        solara.HTML(unsafe_innerHTML=html_table(costs))


@solara.component
def WorkshopView(store: Store):
    store.attach(reacton.core.get_render_context(required=False))
    session = store.ws_session.value
    team = store.room_team.value
    room = team[0] if team is not None else None
    # a team page redraws when the room changed (an event card, the facilitator's week)
    room_version = use_poll(lambda: room.broadcast if room is not None else 0, key=id(room))
    version = (store.ws_version.value, room_version)
    reveal = store.ws_reveal.value
    colour_by = store.ws_colour_by.value
    report = store.ws_error.set

    def act(key: str, fn):
        @guarded(report)
        def go() -> None:
            if session.finished:
                return
            with store.team_lock():
                if room is not None and not room.can_teams_advance:
                    raise InputProblem("The facilitator advances the weeks in this room.")
                before = len(session.log)
                fn()
                store.team_acted(before)
            store.ws_version.value += 1

        return store.once(f"workshop:{key}", go)

    @guarded(report)
    def replay() -> None:
        store.set_ws_session(session.replay_script())

    @guarded(report)
    def restart() -> None:
        store.set_ws_session(session.restart())

    can_undo = (
        bool(session.log) and session.log[-1].week == session.week and not is_event(session.log[-1])
    )
    paced = room is not None and not room.can_teams_advance

    @guarded(report)
    def undo() -> None:
        if not can_undo:
            return
        # the same seed, every decision but the last one: as if it had not been taken
        new = session.replay(until=session.week, skip=len(session.log) - 1)
        new.script = list(session.script)
        store.set_ws_session(new)

    run_key = solara.use_memo(lambda: scenario_key(session.scenario), [session])
    key = (run_key, session.seed, tuple((d.week, d.lever) for d in session.log), session.week)
    trend = solara.use_memo(
        lambda: cached(
            ("workshop-svg", key),
            lambda: workshop_svg(
                session.weekly(),
                session.weeks,
                [d.week for d in session.log],
                session.scenario.goals.target_active_share,
            ),
        ),
        [session, version],
    )

    def network() -> str:
        sim = session.sim
        return network_svg(
            network_layout(sim.adj, seed=0),
            sim.state.stage,
            sim.state.attitude,
            sim.state.champion,
            sim.state.concerns if reveal else None,
            colour_by,
            sim.week,
        )

    net = solara.use_memo(
        lambda: cached(("workshop-network-svg", key, reveal, colour_by), network),
        [session, version, reveal, colour_by],
    )
    solara.Style(TABLE_CSS)
    finished = session.finished
    with solara.Row(style={"align-items": "flex-start", "gap": "12px"}, classes=["workshop"]):
        with solara.Column(gap="8px", style={"flex": "0 0 360px", "max-width": "360px"}):
            Setup(store, version)
            Levers(store, session, version)
        with solara.Column(gap="8px", style={"flex": "1 1 600px", "min-width": "0"}):
            with solara.Card(margin=0, style=CARD_STYLE):
                with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                    solara.Button(
                        "Next week",
                        icon_name="mdi-skip-next",
                        color="primary",
                        on_click=act("next", session.step),
                        disabled=finished or paced,
                    )
                    solara.Button(
                        "+4 weeks",
                        on_click=act("plus4", lambda: session.step(4)),
                        disabled=finished or paced,
                    )
                    solara.Button(
                        "To the end",
                        icon_name="mdi-skip-forward",
                        on_click=act("end", session.run_to_end),
                        disabled=finished or paced,
                    )
                    solara.Button(
                        "Replay (same seed)",
                        icon_name="mdi-replay",
                        on_click=store.once("workshop:replay", replay),
                        disabled=not (session.log or session.script) or room is not None,
                    )
                    solara.Button(
                        "Undo last decision",
                        icon_name="mdi-undo",
                        on_click=store.once("workshop:undo", undo),
                        disabled=not can_undo,
                        text=True,
                    )
                    solara.Button(
                        "Restart",
                        icon_name="mdi-restore",
                        on_click=store.once("workshop:restart", restart),
                        disabled=room is not None,
                        text=True,
                    )
                    solara.Text(
                        f"Week {session.week} of {session.weeks} - phase: {session.sim.phase}",
                        classes=["workshop-status"],
                        style={"font-weight": "600"},
                    )
                if session.script:
                    solara.Text(
                        f"Replaying with seed {session.seed}: {len(session.script)} "
                        "logged decision(s) will be re-applied at their weeks.",
                        style={"font-size": "13px", "color": "#1d3557"},
                    )
                if store.ws_error.value:
                    solara.Error(store.ws_error.value)
            with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
                with solara.Card(
                    margin=0, style={**CARD_STYLE, "flex": "3 1 520px", "min-width": "0"}
                ):
                    with solara.Row(
                        style={"align-items": "center", "justify-content": "space-between"}
                    ):
                        solara.Text("Adoption and concerns so far", style={"font-weight": "600"})
                        Download(trend, "workshop_trend.svg", "SVG", "image/svg+xml")
                    solara.HTML(
                        unsafe_innerHTML=svg_inline(
                            trend, ["chart-workshop", f"week-{session.week}"]
                        )
                    )

                def toolbar() -> None:
                    solara.Switch(
                        label="Reveal hidden concerns", value=reveal, on_value=store.ws_reveal.set
                    )
                    if not reveal:
                        solara.ToggleButtonsSingle(
                            value=colour_by,
                            values=["stage", "attitude"],
                            on_value=store.ws_colour_by.set,
                            dense=True,
                        )

                with solara.Card(
                    margin=0, style={**CARD_STYLE, "flex": "2 1 380px", "min-width": "0"}
                ):
                    with solara.Row(
                        style={
                            "align-items": "center",
                            "justify-content": "space-between",
                            "flex-wrap": "wrap",
                        }
                    ):
                        solara.Text("Influence network", style={"font-weight": "600"})
                        with solara.Row(style={"align-items": "center"}):
                            toolbar()
                            Download(net, "workshop_network.svg", "SVG", "image/svg+xml")
                    solara.HTML(
                        unsafe_innerHTML=svg_img(
                            net, ["chart-workshop-network", "concerns" if reveal else "plain"]
                        )
                    )
            with solara.Card(margin=0, style=CARD_STYLE):
                solara.Text("Decision log", style={"font-weight": "600"})
                solara.HTML(unsafe_innerHTML=log_html(session))
            if finished:
                Debrief(session, version)
            else:
                solara.Text(
                    "The debrief appears after the last week (To the end).",
                    style={"font-size": "13px", "color": "#555"},
                )
