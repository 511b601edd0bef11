"""Rollout: who gets the tool when (phased, big bang, pilot first), and its licences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Lever

if TYPE_CHECKING:
    from model.engine import Simulation

WEEKS_PER_MONTH = 52.0 / 12.0


def _grant_access(sim: Simulation) -> None:
    plan, st = sim.plan, sim.state
    impl = sim.clock.start("implementation")
    if impl is not None and sim.week >= impl:
        if plan.rollout != "pilot_first" or sim.week >= impl + plan.scale_out_after_weeks:
            st.access |= sim.wf.is_target


def licence_cost(sim: Simulation) -> float:
    """Licences this week for every target user with access."""
    users = (sim.state.access & sim.wf.is_target).sum()
    return float(users * sim.scenario.tool.licence_eur_per_user_month / WEEKS_PER_MONTH)


def _book(sim: Simulation) -> None:
    sim.ledger.add("licences", licence_cost(sim))


LEVER = Lever(
    "rollout",
    ("strategy.rollout", "strategy.scale_out_after_weeks"),
    start=_grant_access,
    book=_book,
    doc="Target users get access when implementation starts (pilot_first: after the "
    "pilot has run `scale_out_after_weeks`); licences are booked per user with access.",
)
