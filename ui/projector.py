"""The room's projector view (`?projector=CODE`): for the wall at 1280x720 without
scrolling: large type, the room code and week, the round timer, an event feed of what
just happened, the teams' adoption chart and the leaderboard. It only reads the room."""

from __future__ import annotations

from urllib.parse import parse_qs

import solara

from ui.charts import teams_figure
from ui.room import Room
from ui.room_tables import feed_html, leaderboard_html
from ui.room_view import ROOM_CSS, RoomTimer, room_of, use_poll_probe
from ui.whatif import TABLE_CSS, safe_chart

PROJECTOR_CSS = """
.projector { font-size: 22px; height: 100vh; box-sizing: border-box; overflow: hidden; }
.projector .kpi td { font-size: 19px; padding: 2px 12px 2px 0; }
.projector .kpi th { font-size: 14px; }
.projector .room-feed { font-size: 19px; } .projector .room-feed .when { font-size: 14px; }
.projector img.chart-room { width: 100%; height: auto; max-height: 52vh; object-fit: contain; }
"""
MAX_ROWS = 12
FEED_LINES = 4


def projector_code(search: str | None) -> str | None:
    """The room code of a projector address, or None for the normal app."""
    q = parse_qs((search or "").lstrip("?"))
    return q["projector"][0].strip().upper() if "projector" in q else None


# Browser checks (tests, room bench): how far the page scrolls and how much of the
# projector's frame, which hides its overflow, is cut off (pixels, x and y)
OVERFLOW_JS = """() => { const p = document.querySelector('.projector');
  const d = document.documentElement;
  return {page: [d.scrollWidth - window.innerWidth, d.scrollHeight - window.innerHeight],
          frame: [p.scrollWidth - p.clientWidth, p.scrollHeight - p.clientHeight]}; }"""
FITS_JS = f"() => Object.values(({OVERFLOW_JS})()).flat().every(x => x <= 1)"


@solara.component
def ProjectorView(code: str):
    room = solara.use_memo(lambda: room_of(code), [code])
    solara.Style(TABLE_CSS + ROOM_CSS + PROJECTOR_CSS)
    if room is None:
        return solara.Error(f"There is no room with the code '{code}'.")
    return ProjectorBoard(room)


@solara.component
def ProjectorBoard(room: Room):
    version = use_poll_probe(lambda: room.version)
    weeks = next(iter(room.teams.values())).weeks if room.teams else 52
    chart = solara.use_memo(
        lambda: safe_chart(
            teams_figure,
            room.curves("active_share"),
            weeks,
            "Active use, per team",
            (7.2, 3.6),
            11.0,
        ),
        [version],
    )
    with solara.Column(gap="6px", classes=["projector"], style={"padding": "10px 18px"}):
        with solara.Row(style={"align-items": "baseline", "gap": "28px", "flex-wrap": "wrap"}):
            solara.Text(f"Room {room.code}", style={"font-size": "34px", "font-weight": "700"})
            solara.Text(
                f"Week {room.week()} of {weeks}",
                classes=["projector-week"],
                style={"font-size": "34px", "font-weight": "700", "color": "#1d3557"},
            )
            solara.Text(f"ranked by {room.kpi}", style={"font-size": "20px", "color": "#555"})
            RoomTimer(room, big=True)
        with solara.Row(style={"gap": "18px", "align-items": "flex-start"}):
            with solara.Column(style={"flex": "0 0 56%", "min-width": "0"}):
                drawn, error = chart
                if drawn is not None:
                    solara.Image(drawn.svg, format="svg+xml", classes=["chart", "chart-room"])
                else:
                    solara.Warning(error or "no chart")
                solara.HTML(unsafe_innerHTML=feed_html(room, limit=FEED_LINES))
            with solara.Column(style={"flex": "1 1 40%", "min-width": "0"}):
                solara.HTML(
                    unsafe_innerHTML=leaderboard_html(room, limit=MAX_ROWS, compact=True),
                    classes=["projector-board"],
                )
