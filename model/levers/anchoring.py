"""Anchoring: process integration, a community of practice, innovator roles, incentives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Lever
from model.programme import HOURS_PER_WEEK
from model.scenario import explicit
from model.selection import select_innovators
from model.state import ACTIVE

if TYPE_CHECKING:
    from model.engine import Simulation

WEEKS_PER_MONTH = 52.0 / 12.0


def innovator_count(sim: Simulation) -> int:
    """`innovator_roles`, or one per `employees_per_innovator` staff (at least one)."""
    anch = sim.plan.anchoring
    if anch.employees_per_innovator is not None and not explicit(anch, "innovator_roles"):
        return max(1, round(sim.wf.n / anch.employees_per_innovator))
    return anch.innovator_roles


def _start(sim: Simulation) -> None:
    anch, prog = sim.plan.anchoring, sim.prog
    w = anch.process_integration_week
    prog.integrated = w is not None and sim.week >= max(w, 1)
    anchoring = sim.started("anchoring")
    prog.community = anch.community_of_practice and anchoring
    prog.incentives = anch.incentives and anchoring
    if prog.incentives and sim.fired("anchor"):
        # incentives are paid every month: their pull is renewed as fast as it fades
        sim.state.shift[sim.wf.is_target] += sim.p.shift_decay * sim.p.incentive_shift
    if not (anchoring and sim.once("anchor")):
        return
    st, p, a = sim.state, sim.p, sim.p.anchoring
    targets = sim.wf.is_target
    st.initial_user = st.ever_user & targets
    count = innovator_count(sim)
    if count > 0:
        users = (st.stage == ACTIVE) & targets
        chosen = select_innovators(count, st.competence, users, sim.rng)
        st.innovator[chosen] = True
        st.shift[chosen] += a.innovator_shift
    if anch.incentives:
        st.shift[targets] += p.incentive_shift


def _book(sim: Simulation) -> None:
    st, a, prog = sim.state, sim.p.anchoring, sim.prog
    if prog.community and sim.week % a.community_every_weeks == 0:
        hours = (st.stage == ACTIVE).sum() * a.community_hours
        sim.ledger.add("anchoring", hours * sim.hourly)
    if st.innovator.any():
        hours = st.innovator.sum() * a.innovator_time_share * HOURS_PER_WEEK
        sim.ledger.add("anchoring", hours * sim.hourly)
    if prog.incentives:
        sim.ledger.add("anchoring", a.incentive_eur_per_month / WEEKS_PER_MONTH, cash=True)


LEVER = Lever(
    "anchoring",
    ("strategy.anchoring",),
    start=_start,
    book=_book,
    doc="Process integration (from its week) makes use part of the job; from the "
    "anchoring phase a community of practice, innovator roles and incentives.",
)
