"""Transparency: regular all-staff status updates that starve rumours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Action, Lever, Price
from model.processes.communication import transparency_update

if TYPE_CHECKING:
    from model.engine import Simulation


def update_cost(sim: Simulation, reached: float) -> float:
    t = sim.p.transparency
    return (t.prep_hours + t.hours_per_reader * reached) * sim.hourly


def _deliver(sim: Simulation) -> None:
    every = sim.plan.transparency.updates_every_weeks
    aw = sim.clock.start("awareness")
    if every > 0 and aw is not None and sim.week >= aw and (sim.week - aw) % every == 0:
        reached = transparency_update(sim.state, sim.p, sim.rng)
        sim.ledger.add("communication", update_cost(sim, float(reached.sum())))


LIVE_EVERY_WEEKS = 2


def _price(sim: Simulation) -> Price:
    expected = sim.p.transparency.reach * sim.p.reach_scale * sim.wf.n
    return Price(0.0, update_cost(sim, expected) / LIVE_EVERY_WEEKS)


LEVER = Lever(
    "transparency",
    ("strategy.transparency",),
    deliver=_deliver,
    actions=(
        Action(
            "transparency",
            "Fortnightly updates",
            "All-staff status updates that starve rumours.",
            price=_price,
            apply=lambda sim, rng: sim.switch_on(
                {"strategy.transparency.updates_every_weeks": LIVE_EVERY_WEEKS},
                "fortnightly all-staff updates from now on",
            ),
            blocked=lambda sim: (
                "already running" if sim.plan.transparency.updates_every_weeks else None
            ),
        ),
    ),
    doc="Every `updates_every_weeks` from the awareness phase: an update reaches most "
    "staff, informs them and calms rumour-fed concerns.",
)
