"""Hover values on the SVG line charts (`ui.svg_chart`): the Workshop trend and the room
debrief's with/without chart are shown in the page, and pointing at a week shows every
line's value that week (an SVG <title>, no script)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import numpy as np

from model import load_scenario
from model.engine import Simulation
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
