"""Works-council participation: a framework agreement early, late, or conflict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Action, Lever, Price
from model.processes.concerns import aggravate, relieve
from model.state import CONTROL, EXISTENTIAL

if TYPE_CHECKING:
    from model.engine import Simulation


def _members(sim: Simulation) -> int:
    return int(sim.wf.works_council.sum())


def agreement_cost(sim: Simulation) -> float:
    w = sim.p.works_council
    return (w.negotiation_hours + w.hours_per_member * _members(sim)) * sim.hourly


def involvement_cost(sim: Simulation) -> float:
    """Continuous involvement: members' meeting hours, spread over the weeks."""
    w = sim.p.works_council
    return w.hours_per_member * _members(sim) / w.meeting_every_weeks * sim.hourly


def _due(sim: Simulation) -> tuple[int | None, float]:
    w, inv = sim.p.works_council, sim.plan.works_council.involvement
    aw, impl = sim.clock.start("awareness"), sim.clock.start("implementation")
    if inv == "early" and aw is not None:
        return aw + w.early_weeks, 1.0
    if inv == "late" and impl is not None:
        return impl + w.late_weeks, w.late_strength
    return None, 0.0


def _start(sim: Simulation) -> None:
    if not sim.scenario.organisation.works_council or sim.fired("agreement"):
        return
    due, strength = _due(sim)
    if due is None or sim.week < due or not sim.once("agreement"):
        return
    st, p, w = sim.state, sim.p, sim.p.works_council
    relieve(st, p.works_council_relief * strength, p, CONTROL)
    relieve(st, w.existential_share * p.works_council_relief * strength, p, EXISTENTIAL)
    st.trust += w.trust_gain * strength * (1.0 - st.trust)
    st.shift[sim.wf.works_council] += w.member_shift * strength
    sim.ledger.add("works_council", agreement_cost(sim))


def _respond(sim: Simulation) -> None:
    if not sim.scenario.organisation.works_council:
        return
    st, p, w = sim.state, sim.p, sim.p.works_council
    inv = sim.plan.works_council.involvement
    if sim.started("implementation"):
        if inv == "none" or (inv == "late" and not sim.fired("agreement")):
            rate = p.works_council_conflict * (w.ignored_factor if inv == "none" else 1.0)
            aggravate(st, rate, p, CONTROL)
            st.trust -= w.trust_loss_share * rate * st.trust
    if inv == "early" and sim.started("awareness"):
        sim.ledger.add("works_council", sim.per_plan("works_council", involvement_cost))


def _blocked(sim: Simulation) -> str | None:
    if not sim.scenario.organisation.works_council:
        return "this organisation has no works council"
    if sim.fired("agreement") or sim.plan.works_council.involvement == "early":
        return "already involved"
    return None


LEVER = Lever(
    "works_council",
    ("strategy.works_council",),
    start=_start,
    respond=_respond,
    actions=(
        Action(
            "works_council",
            "Involve the works council",
            "Negotiate a framework agreement now instead of late.",
            "works_council",
            price=lambda sim: Price(agreement_cost(sim), involvement_cost(sim)),
            apply=lambda sim, rng: sim.switch_on(
                {"strategy.works_council.involvement": "early"},
                "works council involved: agreement expected within weeks",
            ),
            blocked=_blocked,
        ),
    ),
    doc="Early involvement: an agreement `early_weeks` after awareness starts eases "
    "control and job fears and builds trust; late: a weaker one after implementation; "
    "none (or late, until agreed): conflict aggravates control concerns.",
)
