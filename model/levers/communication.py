"""Planned communication: the stakeholder matrix's messages, and a live town hall."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.levers.base import Action, Lever, Price
from model.processes.communication import deliver
from model.programme import CHANNELS, message_weeks
from model.scenario import Communication

if TYPE_CHECKING:
    from model.engine import Simulation


def message_cost(sim: Simulation, channel: str, audience: np.ndarray) -> float:
    """The expected participants' hours on the channel plus the sender's preparation."""
    reach, _, hours = CHANNELS[channel]
    expected = min(reach * sim.p.reach_scale, 1.0) * float(audience.sum())
    return (hours * expected + sim.p.communication.prep_hours) * sim.hourly


def _schedule(sim: Simulation) -> list[tuple[Communication, range, float]]:
    """Each entry of the plan with its weeks and the cost of one message."""
    return [
        (c, message_weeks(c), message_cost(sim, c.channel, sim.audiences[c.audience]))
        for c in sim.plan.communication
    ]


def _deliver(sim: Simulation) -> None:
    for c, weeks, cost in sim.per_plan("communication", _schedule):
        if sim.week in weeks:
            audience = sim.audiences[c.audience]
            deliver(sim.state, audience, c.channel, c.framing, sim.p, sim.rng)
            sim.ledger.add("communication", cost)


def _town_hall_price(sim: Simulation) -> Price:
    return Price(message_cost(sim, "info_event", sim.audiences["all"]))


def _town_hall(sim: Simulation, rng: np.random.Generator) -> str:
    everyone = sim.audiences["all"]
    reached = deliver(sim.state, everyone, "info_event", "storytelling", sim.p, rng)
    sim.ledger.add("communication", _town_hall_price(sim).one_off)
    return f"{int(reached.sum())} employees heard colleagues' stories"


LEVER = Lever(
    "communication",
    ("strategy.communication",),
    deliver=_deliver,
    actions=(
        Action(
            "storytelling",
            "Run a storytelling town hall",
            "All staff hear colleagues' before/after stories (1 h each).",
            "communication",
            price=_town_hall_price,
            apply=_town_hall,
        ),
    ),
    doc="Each `[[strategy.communication]]` entry sends its message to its audience on "
    "its weeks; channel sets reach, depth and participants' hours, framing the effect.",
)
