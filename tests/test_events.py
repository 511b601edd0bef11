"""Event cards (model/levers/events.py): each moves what it says it moves, by the size
its parameter under `parameters.events` gives, and a card costs nothing."""

from __future__ import annotations

import numpy as np
import pytest

from model import load_scenario
from model.engine import Simulation
from model.state import CONTROL, EXISTENTIAL


def _sim(**overrides: float) -> Simulation:
    sc = load_scenario("five_phase").with_overrides(
        {f"parameters.events.{k}": v for k, v in overrides.items()}
    )
    sim = Simulation(sc, seed=3)
    for _ in range(10):
        sim.step()
    return sim


@pytest.mark.parametrize(
    ("card", "size_key", "column"),
    [
        ("event_rumour", "rumour_aggravation", EXISTENTIAL),
        ("event_works_council_objects", "objection_aggravation", CONTROL),
    ],
)
def test_fear_cards_raise_their_concern_by_their_parameter(card, size_key, column):
    rises = []
    for size in (0.0, 0.2, 0.6):
        sim = _sim(**{size_key: size})
        before = sim.state.concerns[column].mean()
        cost = sim.ledger.total
        trust = sim.state.trust.mean()
        sim.apply(card)
        rises.append(sim.state.concerns[column].mean() - before)
        assert sim.ledger.total == cost  # a card costs nothing
        assert sim.state.trust.mean() < trust
    assert rises[0] == pytest.approx(0.0, abs=1e-12)
    assert 0 < rises[1] < rises[2]


def test_a_leaving_champion_unsettles_the_neighbours_by_leaver_shift():
    shifts = []
    for size in (0.0, -0.5):
        sim = _sim(leaver_shift=size)
        champions = np.flatnonzero(sim.state.champion)
        assert champions.size > 0
        before = sim.state.shift.copy()
        sim.apply("event_champion_leaves")
        assert sim.state.champion.sum() == champions.size - 1
        shifts.append((sim.state.shift - before).sum())
    assert shifts[0] == 0.0
    assert shifts[1] < 0
