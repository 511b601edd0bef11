"""Critics as advisers: the most influential critics shape the rollout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.levers.base import Lever, Price, switch_action
from model.processes.concerns import relieve
from model.selection import select_advisers
from model.state import CONTROL, QUALITY

if TYPE_CHECKING:
    from model.engine import Simulation


def adviser_count(sim: Simulation) -> int:
    a = sim.p.advisers
    return max(a.min_count, round(sim.wf.n / a.employees_per_adviser))


def _start(sim: Simulation) -> None:
    if not (sim.plan.resistance.critics_as_advisors and sim.started("vision") and sim.once("adv")):
        return
    st, p, a = sim.state, sim.p, sim.p.advisers
    chosen = select_advisers(adviser_count(sim), sim.adj, st.attitude, sim.rng)
    st.adviser[chosen] = True
    # their objections shape the design: colleagues see their worries addressed
    near = (sim.adj @ st.adviser.astype(float)) > 0
    relieve(st, a.neighbour_relief * near, p, CONTROL)
    relieve(st, a.neighbour_relief * near, p, QUALITY)
    sim.prog.friction *= a.friction_factor  # their design feedback removes friction
    # each adviser becomes an advocate or hardens; either way their voice carries
    won = sim.rng.random(chosen.size) < conversion_probability(sim)
    converted, hardened = chosen[won], chosen[~won]
    st.advocate[converted] = True
    st.shift[converted] += p.adviser_shift
    st.concerns[CONTROL, converted] = st.concerns[CONTROL, converted].clip(
        max=p.concern_floor * st.concerns0[CONTROL, converted]
    )
    st.shift[hardened] -= a.harden_shift
    st.weight[chosen] *= p.adviser_weight
    sim.prog.rebuild_influence = True


def _renew(sim: Simulation) -> None:
    """Advocates keep advising: their own conviction is renewed as fast as it fades."""
    if sim.plan.resistance.critics_as_advisors and sim.fired("adv"):
        sim.state.shift[sim.state.advocate] += sim.p.shift_decay * sim.p.adviser_shift


def conversion_probability(sim: Simulation) -> float:
    """Chance that a critic made adviser becomes an advocate rather than hardening:
    higher when the project listens (concern board), answers with facts (objection
    anticipation) and lets critics test the tool in a controlled trial (a pilot)."""
    a, plan = sim.p.advisers, sim.plan
    chance = a.convert_base
    chance += a.convert_listening * plan.resistance.concern_board
    chance += a.convert_facts * plan.resistance.objection_anticipation
    chance += a.convert_trial * (plan.quick_wins.pilot != "none" or plan.rollout == "pilot_first")
    return min(chance, 1.0)


def weekly_cost(sim: Simulation) -> float:
    """The advisers' planned time (one seat per `employees_per_adviser` staff)."""
    return adviser_count(sim) * sim.p.advisers.hours_per_week * sim.hourly


def _book(sim: Simulation) -> None:
    if sim.plan.resistance.critics_as_advisors and sim.started("vision"):
        sim.ledger.add("resistance", sim.per_plan("advisers", weekly_cost))


LEVER = Lever(
    "advisers",
    ("strategy.resistance.critics_as_advisors",),
    start=_start,
    respond=_renew,
    book=_book,
    actions=(
        switch_action(
            "advisers",
            "Make critics advisers",
            "The most influential critics shape the rollout (from the vision phase on).",
            "resistance",
            lambda sim: Price(0.0, weekly_cost(sim)),
            "strategy.resistance.critics_as_advisors",
            True,
            "the sharpest critics become advisers (from the vision phase on)",
            "already advisers",
        ),
    ),
    doc="From the vision phase, one critic per `employees_per_adviser` staff advises "
    "the project: their contacts' control and quality worries ease, friction falls.",
)
