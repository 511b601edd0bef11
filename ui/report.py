"""Self-contained HTML reports (a comparison, a room): charts embedded as PNG data, tables
inline, no script and no outside link, so a report opens offline and can be mailed."""

from __future__ import annotations

import base64
import html
import time

import pandas as pd

from ui.charts import band_figure, teams_figure, to_png
from ui.ensemble import CompareResult
from ui.room import Room
from ui.room_tables import effects_html, feed_html, leaderboard_html, team_logs_html

REPORT_CSS = """
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; }
td, th { padding: 3px 10px 3px 0; font-size: 13px; text-align: left; vertical-align: top; }
td.v { text-align: right; font-weight: 600; white-space: nowrap; }
.over-budget, td.worse { color: #b00020; } td.better { color: #1b7f3b; }
.team-logs { display: flex; flex-wrap: wrap; gap: 24px; } .event { font-style: italic; }
img { max-width: 100%; } .room-feed { font-size: 13px; } .when { color: #777; }
"""


def img_tag(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode()
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>"


def page(title: str, body: str) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{REPORT_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p style='color:#555'>adoptsim report, {stamp}</p>"
        f"{body}</body></html>"
    )


def comparison_report(result: CompareResult, reference: str) -> str:
    """The comparison as one HTML page: band charts, plan outcomes, differences."""
    from ui.compare import differences_html, plan_table_html
    from ui.ensemble import differences

    charts = "".join(
        img_tag(to_png(band_figure(result, col, title), dpi=110), title)
        for col, title in (
            ("active_share", "Active use of target users"),
            ("resistant_share", "Resistant staff"),
        )
    )
    body = (
        f"<p>{len(result.plans)} plans, {result.runs} runs per plan, seed {result.seed}, "
        "common random numbers.</p>"
        f"<h2>Curves (median and 5-95% band)</h2>{charts}"
        f"<h2>Plan outcomes (mean [95% CI])</h2>{plan_table_html(result)}"
        f"<h2>Differences to '{html.escape(reference)}'</h2>"
        f"{differences_html(differences(result, reference))}"
    )
    return page("Comparison of plans: " + ", ".join(result.plans), body)


def room_report(room: Room, effects: pd.DataFrame | None = None) -> str:
    """The room as one HTML page: leaderboard, curves, decision logs, feed, debrief."""
    weeks = max((s.weeks for s in room.teams.values()), default=52)
    charts = "".join(
        img_tag(to_png(teams_figure(room.curves(col), weeks, title), dpi=110), title)
        for col, title in (
            ("active_share", "Active use of target users, per team"),
            ("resistant_share", "Resistant staff, per team"),
        )
    )
    debrief = (
        effects_html(effects)
        if effects is not None
        else "<p>The debrief (effects over many seeds) was not run.</p>"
    )
    body = (
        f"<p>Room {room.code}: {html.escape(room.preset)}, seed {room.seed}, budget "
        f"EUR {room.budget_eur:,.0f}; {len(room.teams)} teams.</p>"
        f"<h2>Leaderboard ({html.escape(room.kpi)})</h2>{leaderboard_html(room)}"
        f"<h2>Curves</h2>{charts}<h2>Decisions</h2>{team_logs_html(room)}"
        f"<h2>Debrief: what each decision did</h2>{debrief}"
        f"<h2>Event feed</h2>{feed_html(room, limit=40)}"
    )
    return page(f"Workshop room {room.code}", body)
