"""Matplotlib charts of the UI (they render offline, as SVG in the page).

Every function returns a `matplotlib.figure.Figure` built without pyplot (thread-safe);
`to_svg` turns it into the vector image shown in the page (it scales with the page and
stays sharp when zoomed), `to_png` into the raster offered for download and embedded in
reports; `Chart` holds both ways. The weekly line charts mark their axes with
`week_hover`: their SVG then has a band a week that tells every line's value that week
when pointed at (`hover_bands`, the same as on the Workshop's SVG trend).
"""

from __future__ import annotations

import hashlib
import html
import io
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from model.state import ACTIVE, LAPSED, NON_USER, TRIAL
from model.workforce import CONCERNS

STAGE_NAMES = ("non_user", "trial", "active", "lapsed")
# Colour-blind-safe colours: Okabe and Ito's palette (its yellow left out: too faint on
# white) followed by Paul Tol's muted wine, olive, indigo and sand and a dark brown.
# Any two of the twelve stay apart (CIE76 distance >= 13) for normal vision and when
# protanopia, deuteranopia or tritanopia is simulated (tests/test_palette.py).
PLAN_COLOURS = (
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#000000",  # black
    "#882255",  # wine
    "#999933",  # olive
    "#332288",  # indigo
    "#661100",  # brown
    "#ddcc77",  # sand
)
LINE_STYLES = ("-", "--", ":")
STAGE_COLOURS = {
    "non_user": "#cfcfcf",
    "trial": "#e69f00",
    "active": "#009e73",
    "lapsed": "#882255",
}
# distinct from the stage colours, so trial and a concern never share a colour
CONCERN_COLOURS = {
    "existential": "#d55e00",
    "overload": "#56b4e9",
    "control": "#332288",
    "quality": "#999933",
}
NO_CONCERN = "#e8e8e8"


def series_style(j: int) -> tuple[str, str]:
    """Colour and line style of the j-th series: twelve colours, then dashed, dotted."""
    return PLAN_COLOURS[j % len(PLAN_COLOURS)], LINE_STYLES[(j // len(PLAN_COLOURS)) % 3]


PHASE_LABELS = {
    "awareness": "A",
    "vision": "V",
    "empowerment": "E",
    "implementation": "I",
    "anchoring": "An",
}
MAX_NETWORK_NODES = 300
DPI = 90


def to_png(fig: Figure, dpi: int = DPI) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def to_svg(fig: Figure) -> bytes:
    """The figure as SVG: text kept as text (sharp at any zoom), no date, stable ids, the
    week bands of its `week_hover` axes on top. Matplotlib's style sheet (`*{...}`) is
    scoped to the figure's own <svg>: in the page it would style every element."""
    buf = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "adoptsim"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue().decode()
    svg = svg.replace("<svg ", '<svg class="mpl" ', 1).replace(">*{", ">svg.mpl *{", 1)
    bands = [b for ax, lines in getattr(fig, "week_hover", ()) for b in _week_bands(ax, lines)]
    end = svg.rindex("</svg>")
    return (svg[:end] + "".join(bands) + svg[end:]).encode()


@dataclass(frozen=True)
class Line:
    """A weekly share (values[w] is week w's, a fraction): drawn as a line by
    `ui.svg_chart`, told on hover by `hover_bands`; `lo`, `hi`: a band around it."""

    label: str
    values: np.ndarray
    colour: str
    width: float = 1.5
    dash: str = ""
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None

    def at(self, w: int) -> str | None:
        """'label 45%' (a band: 'label 45% (band 30-60%)'); None where undefined."""
        if w >= len(self.values) or not np.isfinite(self.values[w]):
            return None
        text = f"{self.label} {100 * float(self.values[w]):.0f}%"
        if self.lo is not None and self.hi is not None:
            text += f" (band {100 * float(self.lo[w]):.0f}-{100 * float(self.hi[w]):.0f}%)"
        return text


def hover_bands(lines: list[Line], x, top: float, height: float) -> list[str]:
    """One transparent band a week over the plot (`x(week)`: its horizontal centre; `top`,
    `height`: the plot's, in the SVG's units); pointing at it shows every line's value
    that week (an SVG <title>: the browser's tooltip, with no script)."""
    n = max((len(line.values) for line in lines), default=0)
    half = (x(1) - x(0)) / 2
    out = []
    for w in range(n):
        values = [text for line in lines if (text := line.at(w)) is not None]
        tip = html.escape(f"Week {w}: " + ", ".join(values))
        out.append(
            f"<rect class='week-band' x='{x(w) - half:.1f}' y='{top:.1f}' "
            f"width='{2 * half:.1f}' height='{height:.1f}' fill='transparent'>"
            f"<title>{tip}</title></rect>"
        )
    return out


def week_hover(ax, lines: list[Line]) -> None:
    """In the figure's SVG, pointing at a week of `ax` tells every line's value that week
    (x in data units is the week)."""
    ax.figure.week_hover = [*getattr(ax.figure, "week_hover", []), (ax, lines)]


def plot_weekly(ax, series: dict, **style) -> None:
    """One line per named series over weeks 0, 1, ..., coloured and dashed by
    `series_style` in order (`style`: matplotlib's line keywords), all told on hover."""
    lines = []
    for j, (name, values) in enumerate(series.items()):
        colour, dash = series_style(j)
        lines.append(Line(str(name), np.asarray(values, dtype=float), colour))
        ax.plot(np.arange(len(lines[-1].values)), lines[-1].values, color=colour, ls=dash,
                label=lines[-1].label, **style)  # fmt: skip
    week_hover(ax, lines)


def _week_bands(ax, lines: list[Line]) -> list[str]:
    """`hover_bands` over `ax`, placed with its transform (display pixels at the figure's
    dpi, y up; the SVG is in points, 72 an inch, y down); the week axis is linear."""
    fig = ax.figure
    pt = 72.0 / fig.dpi
    box = ax.bbox
    x0, x1 = ax.transData.transform([(0.0, 0.0), (1.0, 0.0)])[:, 0] * pt
    return hover_bands(
        lines, lambda w: x0 + w * (x1 - x0), (fig.bbox.height - box.y1) * pt, box.height * pt
    )


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the SVG shown in the page, a PNG redrawn only when downloaded;
    `hover`: the SVG tells a week's values when pointed at (to be shown in the page
    itself, not as an image)."""

    svg: bytes
    redraw: Callable[[], Figure]
    hover: bool = False

    def png(self) -> bytes:
        return to_png(self.redraw(), dpi=2 * DPI)


def draw_chart(make: Callable[..., Figure], *args: object) -> Chart:
    """Draw `make(*args)` as a `Chart`."""
    fig = make(*args)
    return Chart(to_svg(fig), lambda: make(*args), hover=hasattr(fig, "week_hover"))


def _pct_axis(ax, top: float = 1.0) -> None:
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", alpha=0.3)


def _phase_marks(ax, phases: dict[str, int], planned: dict[str, int] | None, weeks: int):
    """Vertical marks where phases started (solid) or are planned (dotted)."""
    for name, label in PHASE_LABELS.items():
        w, style = phases.get(name), "-"
        if w is None and planned is not None:
            w, style = planned.get(name), ":"
        if w is None or w > weeks:
            continue
        ax.axvline(w, color="#555555", lw=0.8, ls=style, alpha=0.6)
        ax.text(
            w,
            1.005,
            label,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7,
            color="#555555",
        )


# --------------------------------------------------------------------------- what-if


def stages_figure(
    weekly: pd.DataFrame,
    weeks: int,
    goal: float,
    goal_week: int,
    phases: dict[str, int] | None = None,
    planned: dict[str, int] | None = None,
) -> Figure:
    """Stacked usage stages of target users, resistance of all staff, the goal."""
    fig = Figure(figsize=(7.6, 3.3))
    fig.subplots_adjust(left=0.1, right=0.76, top=0.86, bottom=0.14)
    ax = fig.subplots()
    w = weekly["week"].to_numpy()
    active = weekly["active_share"].to_numpy()
    trial = weekly["trial_share"].to_numpy()
    lapsed = weekly["lapsed_share"].to_numpy()
    non_user = np.clip(1.0 - active - trial - lapsed, 0.0, 1.0)
    stack = [
        Line("active", active, STAGE_COLOURS["active"]),
        Line("trial", trial, STAGE_COLOURS["trial"]),
        Line("lapsed", lapsed, STAGE_COLOURS["lapsed"]),
        Line("not using", non_user, STAGE_COLOURS["non_user"]),
    ]
    ax.stackplot(
        w,
        *[s.values for s in stack],
        colors=[s.colour for s in stack],
        labels=[s.label for s in stack],
        alpha=0.9,
    )
    resistant = Line("resistant (all staff)", weekly["resistant_share"].to_numpy(), "black")
    ax.plot(w, resistant.values, color=resistant.colour, lw=1.6, ls="--", label=resistant.label)
    week_hover(ax, [*stack, resistant])
    ax.axhline(goal, color="#1d3557", lw=1.0, ls=":")
    ax.plot(
        [goal_week],
        [goal],
        marker="*",
        color="#1d3557",
        ms=10,
        ls="none",
        label=f"goal {100 * goal:.0f}% by week {goal_week}",
    )
    _phase_marks(ax, phases or {}, planned, weeks)
    ax.set_xlim(0, max(weeks, 1))
    _pct_axis(ax)
    ax.set_xlabel("week")
    ax.set_ylabel("share of target users")
    ax.set_title(f"Adoption stages, week {int(w[-1])} of {weeks}", fontsize=10, loc="left", pad=14)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, frameon=False)
    return fig


def groups_figure(tables: dict[str, pd.DataFrame], weeks: int) -> Figure:
    """Active use of target users by role, age band and department over the weeks."""
    fig = Figure(figsize=(9.6, 2.9))
    fig.subplots_adjust(left=0.07, right=0.99, top=0.9, bottom=0.16, wspace=0.06)
    axes = fig.subplots(1, len(tables), sharey=True)
    for ax, (kind, df) in zip(np.atleast_1d(axes), tables.items(), strict=False):
        plot_weekly(ax, {col: df[col] for col in df.columns}, lw=1.5)
        ax.set_xlim(0, max(weeks, 1))
        _pct_axis(ax)
        ax.set_title(f"by {kind}", fontsize=9, loc="left")
        ax.set_xlabel("week")
        if len(df.columns):
            ax.legend(fontsize=6.5, loc="upper left", framealpha=0.85)
    np.atleast_1d(axes)[0].set_ylabel("active use")
    return fig


def concern_matrix(
    concerns: np.ndarray, department: np.ndarray, attitude: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Share holding each concern (and share resistant) per department; sizes; row names."""
    n_dep = int(department.max()) + 1
    size = np.bincount(department, minlength=n_dep).astype(float)
    rows = [
        np.bincount(department, weights=(concerns[i] >= 0.5).astype(float), minlength=n_dep)
        for i in range(len(CONCERNS))
    ]
    rows.append(np.bincount(department, weights=(attitude < 0).astype(float), minlength=n_dep))
    with np.errstate(invalid="ignore", divide="ignore"):
        mat = np.vstack(rows) / size
    return mat, size, [*CONCERNS, "resistant"]


def resistance_figure(
    concerns: np.ndarray,
    department: np.ndarray,
    attitude: np.ndarray,
    week: int,
    max_departments: int = 30,
) -> Figure:
    """Heat map: concern type (rows) x department (columns), share holding the concern."""
    mat, size, names = concern_matrix(concerns, department, attitude)
    cols = np.arange(mat.shape[1])
    note = ""
    if cols.size > max_departments:
        cols = np.sort(np.argsort(-size, kind="stable")[:max_departments])
        note = f" ({max_departments} largest of {mat.shape[1]} departments)"
    mat = mat[:, cols]
    fig = Figure(figsize=(6.4, 3.0))
    fig.subplots_adjust(left=0.14, right=1.0, top=0.9, bottom=0.15)
    ax = fig.subplots()
    im = ax.imshow(mat, cmap="Reds", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xticks(range(cols.size), [str(c + 1) for c in cols], fontsize=7)
    ax.set_xlabel("department")
    if cols.size <= 15:
        for i in range(mat.shape[0]):
            for j in range(mat.shape[1]):
                v = mat[i, j]
                if np.isfinite(v):
                    ax.text(
                        j,
                        i,
                        f"{100 * v:.0f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if v > 0.6 else "black",
                    )
    ax.axhline(len(CONCERNS) - 0.5, color="white", lw=2)
    fig.colorbar(im, ax=ax, format=PercentFormatter(1.0, decimals=0), shrink=0.9)
    ax.set_title(
        f"Resistance map, week {week}: % holding each concern{note}", fontsize=10, loc="left"
    )
    return fig


# --------------------------------------------------------------------------- network


@dataclass(frozen=True)
class NetworkLayout:
    """Positions of the drawn employees (all, or a connected sample of big networks)."""

    nodes: np.ndarray  # employee ids drawn
    pos: np.ndarray  # (k, 2)
    edges: np.ndarray  # (m, 2) indices into nodes
    total: int


_LAYOUTS: OrderedDict[str, NetworkLayout] = OrderedDict()


def _adjacency_key(adj: sp.csr_matrix, seed: int) -> str:
    h = hashlib.sha1()
    h.update(np.asarray(adj.indptr).tobytes())
    h.update(np.asarray(adj.indices).tobytes())
    h.update(str(seed).encode())
    return h.hexdigest()


def snowball(adj: sp.csr_matrix, limit: int) -> np.ndarray:
    """Up to `limit` employees reached breadth-first from the best-connected one."""
    n = adj.shape[0]
    degree = np.diff(adj.indptr)
    seen = np.zeros(n, dtype=bool)
    order: list[int] = []
    for start in np.argsort(-degree, kind="stable"):
        if len(order) >= limit:
            break
        if seen[start]:
            continue
        frontier = [int(start)]
        seen[start] = True
        while frontier and len(order) < limit:
            order.extend(frontier[: limit - len(order)])
            nxt = []
            for i in frontier:
                for j in adj.indices[adj.indptr[i] : adj.indptr[i + 1]]:
                    if not seen[j]:
                        seen[j] = True
                        nxt.append(int(j))
            frontier = nxt
    return np.sort(np.array(order[:limit], dtype=np.int64))


def network_layout(
    adj: sp.csr_matrix, seed: int = 0, max_nodes: int = MAX_NETWORK_NODES
) -> NetworkLayout:
    """Spring layout with a fixed seed, cached per network (computed once per scenario)."""
    key = _adjacency_key(adj, seed)
    if key in _LAYOUTS:
        _LAYOUTS.move_to_end(key)
        return _LAYOUTS[key]
    n = adj.shape[0]
    nodes = np.arange(n) if n <= max_nodes else snowball(adj, max_nodes)
    sub = sp.csr_matrix(adj[nodes][:, nodes])
    g = nx.from_scipy_sparse_array(sub)
    pos_d = nx.spring_layout(g, seed=seed, iterations=60)
    pos = np.array([pos_d[i] for i in range(nodes.size)])
    upper = sp.triu(sub, k=1).tocoo()
    layout = NetworkLayout(nodes, pos, np.column_stack([upper.row, upper.col]), n)
    _LAYOUTS[key] = layout
    while len(_LAYOUTS) > 16:
        _LAYOUTS.popitem(last=False)
    return layout


def dominant_concern(concerns: np.ndarray) -> np.ndarray:
    """Index of each employee's strongest held concern, -1 when none is held."""
    top = np.argmax(concerns, axis=0)
    held = concerns.max(axis=0) >= 0.5
    return np.where(held, top, -1)


def network_figure(
    layout: NetworkLayout,
    stage: np.ndarray,
    attitude: np.ndarray,
    champion: np.ndarray,
    concerns: np.ndarray | None = None,
    colour_by: str = "stage",
    week: int = 0,
) -> Figure:
    """The influence network, nodes coloured by usage stage or attitude.

    With `concerns` given, nodes are coloured by their strongest *held* concern (hidden
    from colleagues in the real organisation) and sized by its intensity.
    """
    fig = Figure(figsize=(5.2, 4.4))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.01)
    ax = fig.subplots()
    ids, pos = layout.nodes, layout.pos
    if layout.edges.size:
        segs = np.stack([pos[layout.edges[:, 0]], pos[layout.edges[:, 1]]], axis=1)
        ax.add_collection(LineCollection(segs, colors="#9a9a9a", linewidths=0.4, alpha=0.35))
    size = np.full(ids.size, 22.0)
    handles = []
    if concerns is not None:
        dom = dominant_concern(concerns[:, ids])
        palette = np.array([*CONCERN_COLOURS.values(), NO_CONCERN])
        colours = palette[np.where(dom >= 0, dom, len(CONCERNS))]
        size = 12.0 + 60.0 * np.clip(concerns[:, ids].max(axis=0) - 0.3, 0.0, 1.0)
        handles = [
            Line2D([], [], marker="o", ls="none", color=c, label=k)
            for k, c in CONCERN_COLOURS.items()
        ]
        handles.append(Line2D([], [], marker="o", ls="none", color=NO_CONCERN, label="none held"))
        title = "Hidden concerns"
        sc = ax.scatter(pos[:, 0], pos[:, 1], s=size, c=colours, linewidths=0, zorder=2)
    elif colour_by == "attitude":
        sc = ax.scatter(
            pos[:, 0],
            pos[:, 1],
            s=size,
            c=attitude[ids],
            cmap="RdBu",
            norm=Normalize(-1.0, 1.0),
            linewidths=0,
            zorder=2,
        )
        fig.colorbar(sc, ax=ax, shrink=0.7, label="attitude")
        title = "Attitude"
    else:
        palette = np.array([STAGE_COLOURS[s] for s in STAGE_NAMES])
        sc = ax.scatter(pos[:, 0], pos[:, 1], s=size, c=palette[stage[ids]], linewidths=0, zorder=2)
        labels = {NON_USER: "not using", TRIAL: "trial", ACTIVE: "active", LAPSED: "lapsed"}
        handles = [
            Line2D([], [], marker="o", ls="none", color=STAGE_COLOURS[STAGE_NAMES[k]], label=v)
            for k, v in labels.items()
        ]
        title = "Usage stage"
    champs = champion[ids]
    if champs.any():
        ax.scatter(
            pos[champs, 0],
            pos[champs, 1],
            s=size[champs] + 40,
            facecolors="none",
            edgecolors="black",
            linewidths=1.2,
            zorder=3,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                ls="none",
                markerfacecolor="none",
                markeredgecolor="black",
                label="champion",
            )
        )
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="lower left", framealpha=0.85)
    shown = "" if ids.size == layout.total else f" ({ids.size} of {layout.total} shown)"
    ax.set_title(f"Influence network, week {week}: {title}{shown}", fontsize=10, loc="left")
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.autoscale_view()
    return fig


# --------------------------------------------------------------------------- compare


def band_figure(result, column: str, title: str, lo: float = 5.0, hi: float = 95.0) -> Figure:
    """Median and lo-hi percentile band of a weekly column for every plan."""
    fig = Figure(figsize=(6.4, 3.3))
    fig.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.14)
    ax = fig.subplots()
    lines = []
    for j, plan in enumerate(result.plans):
        b = result.band(plan, column, lo, hi)
        colour, style = series_style(j)
        ax.fill_between(b["week"], b["lo"], b["hi"], color=colour, alpha=0.18, lw=0)
        ax.plot(b["week"], b["median"], color=colour, ls=style, lw=1.8, label=plan)
        lines.append(
            Line(plan, b["median"].to_numpy(), colour, lo=b["lo"].to_numpy(), hi=b["hi"].to_numpy())
        )
    week_hover(ax, lines)
    ax.set_xlim(0, int(result.weeks[-1]))
    _pct_axis(ax)
    ax.set_xlabel("week")
    ax.set_title(
        f"{title}: median and {lo:g}-{hi:g}% band, {result.runs} runs per plan",
        fontsize=10,
        loc="left",
    )
    ax.legend(fontsize=7, loc="best", framealpha=0.85)
    return fig


def teams_figure(
    curves: dict[str, pd.Series],
    weeks: int,
    title: str,
    size: tuple[float, float] = (6.4, 3.2),
    fontsize: float = 8.0,
) -> Figure:
    """One line per team (a weekly share so far), each team in its own colour."""
    fig = Figure(figsize=size)
    fig.subplots_adjust(left=0.1, right=0.78, top=0.9, bottom=0.15)
    ax = fig.subplots()
    plot_weekly(ax, curves, lw=2)
    ax.set_xlim(0, max(weeks, 1))
    _pct_axis(ax)
    ax.set_xlabel("week", fontsize=fontsize)
    ax.tick_params(labelsize=fontsize)
    ax.set_title(title, fontsize=fontsize + 2, loc="left")
    if curves:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=fontsize, frameon=False)
    return fig
