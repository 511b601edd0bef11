"""The Workshop's influence network drawn as SVG (`ui.svg_chart.network_svg`): one node
per employee shown, coloured as the PNG version colours them, champions ringed."""

from __future__ import annotations

import re

import numpy as np

from model import load_scenario
from model.engine import Simulation
from ui.charts import CONCERN_COLOURS, STAGE_COLOURS, STAGE_NAMES, network_layout
from ui.svg_chart import network_svg


def _week(weeks: int = 12) -> Simulation:
    sim = Simulation(load_scenario("five_phase"), seed=2)
    for _ in range(weeks):
        sim.step()
    return sim


def _fills(svg: str) -> list[str]:
    """The fill of every employee's node, in the layout's order."""
    nodes = svg.split("<g class='nodes'>")[1].split("</g>")[0]
    return re.findall(r"fill='(#[0-9a-f]{6})'", nodes)


def test_nodes_follow_the_usage_stage_and_champions_are_ringed():
    sim = _week()
    layout = network_layout(sim.adj, seed=0)
    st = sim.state
    svg = network_svg(layout, st.stage, st.attitude, st.champion, None, "stage", sim.week)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert f"week {sim.week}: Usage stage" in svg
    fills = _fills(svg)
    assert len(fills) == layout.nodes.size
    expected = [STAGE_COLOURS[STAGE_NAMES[k]] for k in st.stage[layout.nodes]]
    assert fills == expected
    rings = svg.count("fill='none' stroke='black' stroke-width='1.2'")
    assert rings == int(st.champion[layout.nodes].sum()) > 0


def test_hidden_concerns_and_attitude_change_the_colours():
    sim = _week()
    layout = network_layout(sim.adj, seed=0)
    st = sim.state
    by_concern = network_svg(layout, st.stage, st.attitude, st.champion, st.concerns, "stage")
    assert "Hidden concerns" in by_concern
    used = set(_fills(by_concern))
    assert used & set(CONCERN_COLOURS.values())
    by_attitude = network_svg(layout, st.stage, st.attitude, st.champion, None, "attitude")
    fills = _fills(by_attitude)
    order = np.argsort(st.attitude[layout.nodes])
    # the most negative and the most positive employee get different ends of the scale
    assert fills[order[0]] != fills[order[-1]]
