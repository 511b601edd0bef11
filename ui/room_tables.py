"""HTML tables of a room (leaderboard, event feed, decision logs, debrief effects) and
its CSV export: shared by the facilitator's dashboard, the projector and the report."""

from __future__ import annotations

import html
import time

import pandas as pd

from ui.glossary import header_tooltips
from ui.room import LEADERBOARD_KPIS, Room
from ui.state import fmt_eur, fmt_pct
from ui.workshop import is_event


def leaderboard_html(
    room: Room, kpi: str | None = None, limit: int | None = None, compact: bool = False
) -> str:
    """The ranked teams; `compact` (projector): rank, team, week, active use,
    resistance, budget left."""
    df = room.leaderboard(kpi)
    if df.empty:
        return "<p class='no-teams' style='color:#777'>No team has joined yet.</p>"
    column = LEADERBOARD_KPIS.get(kpi or room.kpi, ("active_share", False))[0]
    rows = []
    for i, r in enumerate(df.head(limit).itertuples(index=False), start=1):
        roi = "-" if pd.isna(r.roi) else f"{r.roi:+.2f}"
        cells = [
            ("v", str(i)),
            ("team", f"<b>{html.escape(r.team)}</b>"),
            ("v", str(r.week)),
            ("v" + (" kpi-col" if column == "active_share" else ""), fmt_pct(r.active_share)),
            ("v" + (" kpi-col" if column == "resistant_share" else ""), fmt_pct(r.resistant_share)),
            ("v" + (" kpi-col" if column == "roi" else ""), roi),
            ("v", fmt_eur(r.spent_eur)),
            ("v" + (" kpi-col" if column == "budget_left" else ""), fmt_eur(r.budget_left)),
            ("v", str(r.decisions)),
            ("", html.escape(r.last_decision)),
        ]
        if compact:
            cells = [cells[i] for i in COMPACT]
        rows.append("<tr>" + "".join(f"<td class='{c}'>{x}</td>" for c, x in cells) + "</tr>")
    names = ["#", "team", "week", "active use", "resistant", "ROI", "spent", "budget left",
             "decisions", "last decision"]  # fmt: skip
    if compact:
        names = [names[i] for i in COMPACT]
    head = "<tr>" + "".join(f"<th>{n}</th>" for n in names) + "</tr>"
    return header_tooltips(f"<table class='kpi leaderboard'>{head}{''.join(rows)}</table>")


COMPACT = (0, 1, 2, 3, 4, 7)  # the projector's columns


def feed_html(room: Room, limit: int = 6) -> str:
    """The latest lines of the event feed, newest first."""
    items = "".join(
        f"<li><span class='when'>{time.strftime('%H:%M:%S', time.localtime(t))}</span> "
        f"{html.escape(text)}</li>"
        for t, text in reversed(room.feed[-limit:])
    )
    return f"<ul class='room-feed'>{items}</ul>"


def team_logs_html(room: Room) -> str:
    """Every team's decision log side by side (event cards in italics)."""
    cols = []
    with room.lock:
        teams = {name: list(s.log) for name, s in room.teams.items()}
    for name, log in teams.items():
        items = "".join(
            f"<li class='{'event' if is_event(d) else 'decision'}'>week {d.week}: "
            f"{html.escape(d.label)}</li>"
            for d in log
        )
        cols.append(
            f"<div class='team-log'><b>{html.escape(name)}</b>"
            f"<ol>{items or '<li>no decisions</li>'}</ol></div>"
        )
    return f"<div class='team-logs'>{''.join(cols)}</div>"


def effects_html(effects: pd.DataFrame) -> str:
    if effects.empty:
        return "<p>No team took a decision.</p>"

    def pts(m: float, lo: float, hi: float) -> str:
        if m is None or pd.isna(m):
            return "-"
        return f"{100 * m:+.1f} pts [{100 * lo:+.1f}, {100 * hi:+.1f}]"

    rows = "".join(
        f"<tr><td>{html.escape(r.team)}</td><td class='v'>{r.week}</td>"
        f"<td>{html.escape(r.decision)}</td>"
        f"<td class='v'>{pts(r.active_share_effect, r.active_share_low, r.active_share_high)}</td>"
        f"<td class='v'>"
        f"{pts(r.resistant_share_effect, r.resistant_share_low, r.resistant_share_high)}</td></tr>"
        for r in effects.itertuples(index=False)
    )
    runs = int(effects["runs"].iloc[0])
    head = (
        "<tr><th>team</th><th>week</th><th>decision</th>"
        f"<th>effect on active use (mean of {runs} seeds, 95% CI)</th>"
        "<th>effect on resistance</th></tr>"
    )
    return f"<table class='kpi debrief-effects'>{head}{rows}</table>"


def room_csv(room: Room) -> str:
    """One row per team and week (the weekly KPIs), then the decision and event log."""
    frames = []
    with room.lock:
        for name, s in room.teams.items():
            w = s.weekly().copy()
            w.insert(0, "team", name)
            frames.append(w)
        log = [
            {
                "team": name,
                "week": d.week,
                "kind": "event" if is_event(d) else "decision",
                "entry": d.label,
                "cost_eur": d.cost_eur,
                "weekly_eur": d.weekly_eur,
                "outcome": d.outcome,
            }  # fmt: skip
            for name, s in room.teams.items()
            for d in s.log
        ]
    weekly = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["team"])
    return (
        f"# room {room.code}: {room.preset}, seed {room.seed}\n"
        + weekly.to_csv(index=False)
        + "\n# decisions and event cards\n"
        + pd.DataFrame(
            log, columns=["team", "week", "kind", "entry", "cost_eur", "weekly_eur", "outcome"]
        ).to_csv(index=False)
    )
