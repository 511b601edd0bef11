"""Leadership role-modelling: executives and managers use the tool visibly."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.levers.base import Lever, Price, switch_action
from model.state import NON_USER, TRIAL

if TYPE_CHECKING:
    from model.engine import Simulation


def _leaders(sim: Simulation) -> np.ndarray:
    return sim.wf.role <= 1


def _start(sim: Simulation) -> None:
    if not (sim.plan.leadership.role_modelling and sim.started("vision") and sim.once("lead")):
        return
    st, p, lp = sim.state, sim.p, sim.p.leadership
    leaders = _leaders(sim)
    st.access |= leaders
    st.set_stage(leaders & (st.stage == NON_USER), TRIAL)
    st.shift[leaders] += lp.own_shift_factor * p.leader_shift
    st.shift += p.leader_shift * sim.cp.manager_weight / lp.reference_manager_weight
    st.weight[leaders] *= lp.weight_factor
    sim.prog.rebuild_influence = True


def _renew(sim: Simulation) -> None:
    """Role-modelling goes on every week: its pull on everyone's view is renewed as fast
    as lever shifts fade, so it holds while leaders keep it up (and fades after)."""
    if sim.plan.leadership.role_modelling and sim.started("vision") and sim.fired("lead"):
        p = sim.p
        sim.state.shift += (
            p.shift_decay
            * p.leader_shift
            * sim.cp.manager_weight
            / (p.leadership.reference_manager_weight)
        )


def weekly_cost(sim: Simulation) -> float:
    return float(_leaders(sim).sum() * sim.p.leadership.hours_per_week * sim.hourly)


def _book(sim: Simulation) -> None:
    if sim.plan.leadership.role_modelling and sim.started("vision"):
        sim.ledger.add("leadership", sim.per_plan("leadership", weekly_cost))


LEVER = Lever(
    "leadership",
    ("strategy.leadership",),
    start=_start,
    respond=_renew,
    book=_book,
    actions=(
        switch_action(
            "leaders",
            "Leaders as role models",
            "Managers use the tool visibly and talk about it (from the vision phase on).",
            "leadership",
            lambda sim: Price(0.0, weekly_cost(sim)),
            "strategy.leadership.role_modelling",
            True,
            "leaders use the tool visibly from the vision phase on",
            "already role models",
        ),
    ),
    doc="From the vision phase, leaders get access, try the tool and weigh more in the "
    "network; their example shifts everyone's own assessment a little.",
)
