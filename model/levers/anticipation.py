"""Objection anticipation: facts on job security before fears are voiced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Lever, Price, switch_action
from model.processes.concerns import relieve
from model.state import CONTROL, EXISTENTIAL

if TYPE_CHECKING:
    from model.engine import Simulation


def cost(sim: Simulation) -> float:
    return sim.p.anticipation.hours * sim.hourly


def _start(sim: Simulation) -> None:
    if not (
        sim.plan.resistance.objection_anticipation
        and sim.started("awareness")
        and sim.once("anticipate")
    ):
        return
    st, p = sim.state, sim.p
    relieve(st, p.anticipation_relief, p, EXISTENTIAL)
    relieve(st, p.anticipation.control_share * p.anticipation_relief, p, CONTROL)
    sim.ledger.add("resistance", cost(sim))


def rumour_factor(sim: Simulation) -> float:
    """How much of the rumour rate remains where fears are answered up front."""
    return sim.p.anticipation.rumour_factor if sim.plan.resistance.objection_anticipation else 1.0


LEVER = Lever(
    "anticipation",
    ("strategy.resistance.objection_anticipation",),
    start=_start,
    actions=(
        switch_action(
            "anticipate",
            "Answer fears up front",
            "Publish facts on job security before fears are voiced.",
            "resistance",
            lambda sim: Price(cost(sim)),  # booked by the lever when awareness starts
            "strategy.resistance.objection_anticipation",
            True,
            "facts on job security published; rumours spread more slowly",
            "already done",
        ),
    ),
    doc="Once the awareness phase starts: existential and control concerns are eased "
    "and rumours spread at `rumour_factor` of their rate.",
)
