"""Light charts drawn as SVG text, for pages that are redrawn every week by many teams at
once (a Workshop team's trend and influence network). They cost a few milliseconds
where a matplotlib PNG costs a tenth of a second, and they scale with the page. Colours
as in `ui.charts`."""

from __future__ import annotations

import base64
import html

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from model.workforce import CONCERNS
from ui.charts import (
    CONCERN_COLOURS,
    NO_CONCERN,
    STAGE_COLOURS,
    STAGE_NAMES,
    Line,
    NetworkLayout,
    dominant_concern,
    hover_bands,
)

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 46, 170, 26, 34


def line_chart_svg(
    lines: list[Line],
    weeks: int,
    title: str,
    marks: list[int] = (),  # type: ignore[assignment]
    goal: float | None = None,
    x_label: str = "week",
) -> str:
    """An SVG document: one polyline per line, y from 0 to 100%, x from week 0 to
    `weeks`; vertical marks (decisions) and a dotted goal line; the legend on the right."""
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(w: float) -> float:
        return LEFT + pw * w / max(weeks, 1)

    def y(v: float) -> float:
        return TOP + ph * (1.0 - v)

    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {HEIGHT}' "
        "font-family='sans-serif' font-size='12'>",
        "<rect width='100%' height='100%' fill='white'/>",
        f"<text x='{LEFT}' y='16' font-size='13'>{html.escape(title)}</text>",
    ]
    for k in range(0, 101, 20):
        yy = y(k / 100)
        out.append(f"<line x1='{LEFT}' x2='{LEFT + pw}' y1='{yy:.1f}' y2='{yy:.1f}' "
                   "stroke='#ddd'/>")  # fmt: skip
        out.append(f"<text x='{LEFT - 6}' y='{yy + 4:.1f}' text-anchor='end'>{k}%</text>")
    step = 10 if weeks > 30 else 5
    for w in range(0, weeks + 1, step):
        out.append(f"<text x='{x(w):.1f}' y='{TOP + ph + 16}' text-anchor='middle'>{w}</text>")
    out.append(
        f"<text x='{LEFT + pw / 2:.1f}' y='{HEIGHT - 4}' text-anchor='middle'>"
        f"{html.escape(x_label)}</text>"
    )
    out.append(f"<rect x='{LEFT}' y='{TOP}' width='{pw}' height='{ph}' fill='none' "
               "stroke='#333'/>")  # fmt: skip
    for w in marks:
        out.append(f"<line x1='{x(w):.1f}' x2='{x(w):.1f}' y1='{TOP}' y2='{TOP + ph}' "
                   "stroke='#1d3557' stroke-opacity='0.5'/>")  # fmt: skip
    if goal is not None:
        out.append(f"<line x1='{LEFT}' x2='{LEFT + pw}' y1='{y(goal):.1f}' y2='{y(goal):.1f}' "
                   "stroke='#1d3557' stroke-dasharray='2,3'/>")  # fmt: skip
    for i, line in enumerate(lines):
        vals = np.nan_to_num(np.asarray(line.values, dtype=float), nan=0.0)
        pts = " ".join(f"{x(w):.1f},{y(min(max(v, 0.0), 1.0)):.1f}" for w, v in enumerate(vals))
        dash = f" stroke-dasharray='{line.dash}'" if line.dash else ""
        out.append(f"<polyline fill='none' stroke='{line.colour}' stroke-width='{line.width}'"
                   f"{dash} points='{pts}'/>")  # fmt: skip
        ly = TOP + 8 + 18 * i
        out.append(f"<line x1='{LEFT + pw + 10}' x2='{LEFT + pw + 30}' y1='{ly}' y2='{ly}' "
                   f"stroke='{line.colour}' stroke-width='{line.width}'{dash}/>")  # fmt: skip
        out.append(f"<text x='{LEFT + pw + 36}' y='{ly + 4}'>{html.escape(line.label)}</text>")
    out += hover_bands(lines, x, TOP, ph)
    out.append("</svg>")
    return "".join(out)


def workshop_svg(weekly: pd.DataFrame, weeks: int, decision_weeks: list[int], goal: float) -> str:
    """The Workshop trend: active use, trial, resistance and the four concerns so far
    (concerns dotted, so none is told from a usage line by colour alone)."""
    lines = [
        Line("active use", weekly["active_share"].to_numpy(), STAGE_COLOURS["active"], 2.5),
        Line("trial", weekly["trial_share"].to_numpy(), STAGE_COLOURS["trial"], 1.8),
        Line("resistant (all staff)", weekly["resistant_share"].to_numpy(), "black", 2.0, "6,3"),
    ]
    lines += [
        Line(
            f"{c} concern", weekly[f"concern_{c}_share"].to_numpy(), CONCERN_COLOURS[c], 1.4, "2,2"
        )  # fmt: skip
        for c in CONCERNS
    ]
    week = int(weekly["week"].iloc[-1])
    return line_chart_svg(
        lines,
        weeks,
        f"Week {week} of {weeks}",
        sorted(set(decision_weeks)),
        goal,
        "week (vertical lines: your decisions)",
    )


NET_W, NET_H, NET_PAD = 520, 440, 24
STAGE_LABELS = ("not using", "trial", "active", "lapsed")
# the attitude scale in 21 steps of the diverging map the PNG uses (-1 red ... +1 blue)
ATTITUDE_STEPS = [to_hex(colormaps["RdBu"](k / 20)) for k in range(21)]


def network_svg(
    layout: NetworkLayout,
    stage: np.ndarray,
    attitude: np.ndarray,
    champion: np.ndarray,
    concerns: np.ndarray | None = None,
    colour_by: str = "stage",
    week: int = 0,
) -> str:
    """The influence network as `ui.charts.network_figure` draws it (same layout, colours,
    champion rings and legend), as an SVG document."""
    ids, pos = layout.nodes, layout.pos
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    xy = NET_PAD + (pos - lo) / span * np.array([NET_W - 2 * NET_PAD, NET_H - 2 * NET_PAD - 20])
    xy[:, 1] += 20
    size = np.full(ids.size, 3.0)
    if concerns is not None:
        dom = dominant_concern(concerns[:, ids])
        palette = np.array([*CONCERN_COLOURS.values(), NO_CONCERN])
        colours = palette[np.where(dom >= 0, dom, len(CONCERNS))]
        size = 2.0 + 5.0 * np.clip(concerns[:, ids].max(axis=0) - 0.3, 0.0, 1.0)
        legend = [*CONCERN_COLOURS.items(), ("none held", NO_CONCERN)]
        title = "Hidden concerns"
    elif colour_by == "attitude":
        steps = np.rint((np.clip(attitude[ids], -1.0, 1.0) + 1.0) * 10).astype(int)
        colours = np.array(ATTITUDE_STEPS)[steps]
        legend = [("against", ATTITUDE_STEPS[0]), ("neutral", ATTITUDE_STEPS[10]),
                  ("for", ATTITUDE_STEPS[20])]  # fmt: skip
        title = "Attitude"
    else:
        palette = np.array([STAGE_COLOURS[s] for s in STAGE_NAMES])
        colours = palette[stage[ids]]
        legend = [(lab, STAGE_COLOURS[n]) for n, lab in zip(STAGE_NAMES, STAGE_LABELS, strict=True)]
        title = "Usage stage"
    shown = "" if ids.size == layout.total else f" ({ids.size} of {layout.total} shown)"
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {NET_W} {NET_H}' "
        "font-family='sans-serif' font-size='11'>",
        "<rect width='100%' height='100%' fill='white'/>",
        f"<text x='6' y='15' font-size='13'>"
        f"{html.escape(f'Influence network, week {week}: {title}{shown}')}</text>",
    ]
    if layout.edges.size:
        a, b = xy[layout.edges[:, 0]], xy[layout.edges[:, 1]]
        path = "".join(
            f"M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}"
            for (x0, y0), (x1, y1) in zip(a.tolist(), b.tolist(), strict=True)
        )
        out.append(f"<path d='{path}' stroke='#9a9a9a' stroke-width='0.5' stroke-opacity='0.35'/>")
    out.append("<g class='nodes'>")
    out.extend(
        f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{c}'/>"
        for (x, y), r, c in zip(xy.tolist(), size.tolist(), colours.tolist(), strict=True)
    )
    out.append("</g>")
    champs = np.flatnonzero(champion[ids])
    out.extend(
        f"<circle cx='{xy[i, 0]:.1f}' cy='{xy[i, 1]:.1f}' r='{size[i] + 3:.1f}' fill='none' "
        "stroke='black' stroke-width='1.2'/>"
        for i in champs
    )
    if champs.size:
        legend = [*legend, ("champion", "")]
    top = NET_H - 8 - 14 * len(legend)
    out.append(f"<rect x='4' y='{top - 10}' width='110' height='{14 * len(legend) + 8}' "
               "fill='white' fill-opacity='0.85' stroke='#ccc'/>")  # fmt: skip
    for k, (label, colour) in enumerate(legend):
        y = top + 14 * k
        paint = f"fill='{colour}'" if colour else "fill='none' stroke='black'"
        out.append(f"<circle cx='14' cy='{y:.0f}' r='4' {paint}/>")
        out.append(f"<text x='24' y='{y + 4:.0f}'>{html.escape(label)}</text>")
    out.append("</svg>")
    return "".join(out)


def svg_inline(svg: str, classes: list[str]) -> str:
    """The SVG in the page itself (not as an image), scaling with its container, so its
    tooltips (the values of a week) show on hover."""
    cls = html.escape(" ".join(["chart", *classes]))
    svg = svg[svg.index("<svg") :]  # no XML declaration or doctype in the page
    sized = svg.replace("<svg ", "<svg style='width:100%;height:auto;display:block' ", 1)
    return f"<div class='{cls}' role='img' aria-label='chart'>{sized}</div>"


def svg_img(svg: str, classes: list[str]) -> str:
    """An <img> showing the SVG (as data), scaling with its container."""
    data = base64.b64encode(svg.encode()).decode()
    cls = html.escape(" ".join(["chart", *classes]))
    return (
        f"<img class='{cls}' style='width:100%;height:auto' alt='chart' "
        f"src='data:image/svg+xml;base64,{data}'>"
    )
