"""Transparency: regular all-staff status updates that starve rumours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Lever, Price, switch_action
from model.processes.communication import transparency_update

if TYPE_CHECKING:
    from model.engine import Simulation


def weekly_cost(sim: Simulation, every: int) -> float:
    """One update (preparation and the expected readers' time), spread over `every` weeks."""
    t = sim.p.transparency
    readers = min(t.reach * sim.p.reach_scale, 1.0) * sim.wf.n
    return (t.prep_hours + t.hours_per_reader * readers) * sim.hourly / every


def _deliver(sim: Simulation) -> None:
    every = sim.plan.transparency.updates_every_weeks
    aw = sim.clock.start("awareness")
    if every <= 0 or aw is None or sim.week < aw:
        return
    if (sim.week - aw) % every == 0:
        transparency_update(sim.state, sim.p, sim.rng)
    sim.ledger.add("communication", sim.per_plan("transparency", lambda s: weekly_cost(s, every)))


LIVE_EVERY_WEEKS = 2


def _price(sim: Simulation) -> Price:
    return Price(0.0, weekly_cost(sim, LIVE_EVERY_WEEKS))


LEVER = Lever(
    "transparency",
    ("strategy.transparency",),
    deliver=_deliver,
    actions=(
        switch_action(
            "transparency",
            "Fortnightly updates",
            "All-staff status updates that starve rumours.",
            "communication",
            _price,
            "strategy.transparency.updates_every_weeks",
            LIVE_EVERY_WEEKS,
            "fortnightly all-staff updates from now on",
            "already running",
        ),
    ),
    doc="Every `updates_every_weeks` from the awareness phase: an update reaches most "
    "staff, informs them and calms rumour-fed concerns.",
)
