"""The public action API: every live action is priced by what the engine books for it."""

from __future__ import annotations

import pytest

from model import load_scenario
from model.engine import Simulation
from model.levers import ACTIONS

WEEK = 20  # every phase of the base plan has started
# per action: overrides that switch the matching scenario lever off (or make it possible)
OFF = {
    "storytelling": {},
    "champions": {"strategy.champions.count": 0},
    "concern_board": {"strategy.resistance.concern_board": False},
    "hands_on": {},
    "works_council": {
        "organisation.works_council": True,
        "strategy.works_council.involvement": "none",
    },
    "leaders": {"strategy.leadership.role_modelling": False},
    "advisers": {"strategy.resistance.critics_as_advisors": False},
    "transparency": {"strategy.transparency.updates_every_weeks": 0},
    "anticipate": {"strategy.resistance.objection_anticipation": False},
    "story": {},
}


def _pair(overrides: dict) -> tuple[Simulation, Simulation]:
    sc = load_scenario(
        "typical_sme",
        {"strategy.phases.anchoring": 10, "weeks": 40, **overrides},
    )
    a, b = Simulation(sc, seed=4), Simulation(sc, seed=4)
    for sim in (a, b):
        while sim.week < WEEK:
            sim.step()
    return a, b


def test_every_action_has_a_price_check():
    assert set(OFF) == set(ACTIONS), "add the new action to OFF in this test"


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_price_equals_what_the_engine_books(name):
    a, b = _pair(OFF[name])
    category = ACTIONS[name].category
    price = b.price(name)
    assert next(s for s in b.actions() if s.name == name).blocked is None
    b.apply(name)
    a.run()
    b.run()
    booked = b.ledger.costs.get(category, 0.0) - a.ledger.costs.get(category, 0.0)
    assert price.until(b.week - WEEK) > 0
    assert booked == pytest.approx(price.until(b.week - WEEK), rel=1e-9)


def test_a_blocked_action_is_refused_with_its_reason():
    sc = load_scenario("typical_sme", {"organisation.works_council": False})
    sim = Simulation(sc, seed=1)
    with pytest.raises(ValueError, match="no works council"):
        sim.apply("works_council")
    with pytest.raises(ValueError, match="unknown action"):
        sim.apply("hackathon")


def test_actions_do_not_shift_the_runs_random_stream():
    """A decision draws from its own generator: a run's later draws stay aligned."""
    a, b = _pair({})
    b.apply("storytelling")
    a.step()
    b.step()
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
