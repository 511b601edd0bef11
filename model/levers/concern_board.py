"""The concern board: anonymous worries, answered by the project team every week."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Lever, Price, switch_action
from model.processes.concerns import relieve

if TYPE_CHECKING:
    from model.engine import Simulation


def weekly_cost(sim: Simulation) -> float:
    """The project team's weekly hours, sized to the posts expected from the workforce."""
    b = sim.p.concern_board
    return (b.base_hours + b.hours_per_post * b.post_share * sim.wf.n) * sim.hourly


def _respond(sim: Simulation) -> None:
    if not (sim.plan.resistance.concern_board and sim.started("awareness")):
        return
    st, p, b, prog = sim.state, sim.p, sim.p.concern_board, sim.prog
    posting = (st.aware > b.aware_threshold) & (sim.rng.random(st.aware.size) < b.post_share)
    relieve(st, p.board_relief * posting, p)
    if sim.week % b.feedback_every_weeks == 0:
        prog.friction = max(b.friction_floor, prog.friction * b.friction_factor)
    sim.ledger.add("resistance", sim.per_plan("concern_board", weekly_cost))


LEVER = Lever(
    "concern_board",
    ("strategy.resistance.concern_board",),
    respond=_respond,
    actions=(
        switch_action(
            "concern_board",
            "Open a concern board",
            "Anonymous worries, answered weekly; also yields design feedback.",
            "resistance",
            lambda sim: Price(sim.p.concern_board.opening_hours * sim.hourly, weekly_cost(sim)),
            "strategy.resistance.concern_board",
            True,
            "concern board open: answers every week from now on",
            "already open",
            book_now=True,
        ),
    ),
    doc="From the awareness phase, aware staff post worries (share `post_share` a "
    "week); answers ease their concerns; design feedback lowers friction monthly.",
)
