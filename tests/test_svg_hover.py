"""Hover values on the SVG line charts: the Workshop trend and the room debrief's
with/without chart (`ui.svg_chart`) and the matplotlib week charts of What-if, Compare
and the room (`ui.charts`, `week_hover`) are shown in the page, and pointing at a week
shows every line's value that week (an SVG <title>, no script)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from model import load_scenario
from model.engine import Simulation
from ui.charts import (
    band_figure,
    draw_chart,
    groups_figure,
    resistance_figure,
    stages_figure,
)
from ui.ensemble import CompareResult
from ui.svg_chart import Line, line_chart_svg, svg_inline, workshop_svg


def test_every_week_has_a_band_whose_tooltip_lists_each_line():
    lines = [
        Line("active use", np.array([0.0, 0.25, 0.5]), "#000"),
        Line("resistant", np.array([0.1, np.nan, 0.3]), "#111"),
    ]
    svg = line_chart_svg(lines, 10, "t")
    ElementTree.fromstring(svg)  # well-formed
    tips = re.findall(r"<title>([^<]*)</title>", svg)
    assert tips == [
        "Week 0: active use 0%, resistant 10%",
        "Week 1: active use 25%",  # an undefined value is left out, not shown as 0
        "Week 2: active use 50%, resistant 30%",
    ]
    xs = [float(v) for v in re.findall(r"<rect class='week-band' x='([-0-9.]+)'", svg)]
    assert np.allclose(np.diff(xs), xs[1] - xs[0]) and xs[1] > xs[0]


def test_the_workshop_trend_tells_the_values_of_a_week_in_the_page():
    sim = Simulation(load_scenario("five_phase"), seed=3)
    for _ in range(6):
        sim.step()
    weekly = sim.recorder.weekly(sim.week)
    svg = workshop_svg(weekly, 52, [2], 0.5)
    tip = re.findall(r"<title>(Week 6: [^<]*)</title>", svg)[0]
    active = 100 * weekly["active_share"].iloc[6]
    assert tip.startswith(f"Week 6: active use {active:.0f}%, trial ")
    assert "existential concern" in tip
    shown = svg_inline(svg, ["chart-workshop", "week-6"])
    assert shown.startswith("<div class='chart chart-workshop week-6'")
    assert "<svg style='width:100%" in shown and "data:image" not in shown


# --------------------------------------------------------------------------- matplotlib

SVG = "{http://www.w3.org/2000/svg}"


def bands(svg: str) -> list[tuple[float, float, float, str]]:
    """Every week band: its horizontal centre, top, bottom and tooltip (in SVG units)."""
    out = []
    for r in ElementTree.fromstring(svg).iter(f"{SVG}rect"):
        if r.get("class") == "week-band":
            x, w = float(r.get("x")), float(r.get("width"))
            y, h = float(r.get("y")), float(r.get("height"))
            out.append((x + w / 2, y, y + h, r.find(f"{SVG}title").text))
    return out


def drawn_lines(svg: str) -> list[np.ndarray]:
    """The vertices (x, y) of every line matplotlib drew (its `line2d_*` paths)."""
    out = []
    for g in ElementTree.fromstring(svg).iter(f"{SVG}g"):
        if g.get("id", "").startswith("line2d_"):
            path = g.find(f"{SVG}path")
            if path is not None:
                nums = [float(v) for v in re.findall(r"-?[0-9.]+", path.get("d"))]
                out.append(np.array(nums).reshape(-1, 2))
    return out


def plot_area(svg: str, axes: int = 1) -> tuple[float, float]:
    """Top and bottom of the n-th axes' background rectangle (its first patch)."""
    g = next(
        g for g in ElementTree.fromstring(svg).iter(f"{SVG}g") if g.get("id") == f"axes_{axes}"
    )
    ys = [float(v) for v in re.findall(r"-?[0-9.]+", g.find(f"{SVG}g/{SVG}path").get("d"))][1::2]
    return min(ys), max(ys)


def test_the_adoption_chart_band_of_a_week_sits_over_that_week_and_tells_its_values():
    sim = Simulation(load_scenario("five_phase"), seed=3)
    for _ in range(20):
        sim.step()
    weekly = sim.recorder.weekly(sim.week)
    chart = draw_chart(stages_figure, weekly, 52, 0.6, 40, dict(sim.clock.started), {})
    svg = chart.svg.decode()
    assert chart.hover and svg.count("class='week-band'") == 21
    found = bands(svg)
    # the resistant share: the one drawn line with a vertex a week (matplotlib placed them)
    (resistant,) = [v for v in drawn_lines(svg) if len(v) == 21]
    top, bottom = plot_area(svg)
    for k, (centre, y0, y1, tip) in enumerate(found):
        assert abs(centre - resistant[k, 0]) < 0.1, (k, centre, resistant[k, 0])
        assert abs(y0 - top) < 0.1 and abs(y1 - bottom) < 0.1
        assert y0 <= resistant[k, 1] <= y1
        assert tip.startswith(f"Week {k}: ")
    row = weekly.iloc[12]
    non_user = 1.0 - row.active_share - row.trial_share - row.lapsed_share
    assert found[12][3] == (
        f"Week 12: active {100 * row.active_share:.0f}%, trial {100 * row.trial_share:.0f}%, "
        f"lapsed {100 * row.lapsed_share:.0f}%, not using {100 * non_user:.0f}%, "
        f"resistant (all staff) {100 * row.resistant_share:.0f}%"
    )
    # in the page: no XML prolog, matplotlib's style sheet applies to this chart only
    shown = svg_inline(svg, ["chart-stages", "week-20"])
    assert shown.startswith("<div class='chart chart-stages week-20'")
    assert "<?xml" not in shown and "DOCTYPE" not in shown
    assert "svg.mpl *{" in shown and ">*{" not in shown
    assert "<svg style='width:100%;height:auto;display:block' class=\"mpl\"" in shown


def test_each_panel_of_the_groups_chart_has_its_own_bands():
    rng = np.random.default_rng(1)
    tables = {
        kind: pd.DataFrame(rng.uniform(0, 1, (11, 2)), columns=[f"{kind} a", f"{kind} b"])
        for kind in ("role", "age band", "department")
    }
    chart = draw_chart(groups_figure, tables, 30)
    svg = chart.svg.decode()
    found = bands(svg)
    assert chart.hover and len(found) == 3 * 11
    lines = drawn_lines(svg)
    for p, (kind, df) in enumerate(tables.items()):
        panel = found[11 * p : 11 * (p + 1)]
        first = next(v for v in lines if len(v) == 11 and abs(v[0, 0] - panel[0][0]) < 0.1)
        assert np.allclose([b[0] for b in panel], first[:, 0], atol=0.1)
        assert np.allclose([b[1:3] for b in panel], plot_area(svg, p + 1), atol=0.1)
        a, b = df.iloc[7]
        assert panel[7][3] == f"Week 7: {kind} a {100 * a:.0f}%, {kind} b {100 * b:.0f}%"


def test_the_compare_band_chart_tells_each_plans_median_and_band():
    rng = np.random.default_rng(2)
    weekly = {p: {"active_share": rng.uniform(0, 1, (9, 13))} for p in ("a", "b")}
    result = CompareResult(["a", "b"], 9, 1, weekly=weekly, summaries={})
    chart = draw_chart(band_figure, result, "active_share", "Active use")
    found = bands(chart.svg.decode())
    assert chart.hover and len(found) == 13
    parts = []
    for p in ("a", "b"):
        lo, mid, hi = np.percentile(weekly[p]["active_share"][:, 5], [5, 50, 95])
        parts.append(f"{p} {100 * mid:.0f}% (band {100 * lo:.0f}-{100 * hi:.0f}%)")
    assert found[5][3] == "Week 5: " + ", ".join(parts)


def test_charts_without_weeks_stay_images():
    concerns = np.zeros((4, 6))
    chart = draw_chart(resistance_figure, concerns, np.arange(6) % 2, np.zeros(6), 3)
    assert not chart.hover and b"week-band" not in chart.svg
