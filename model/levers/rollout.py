"""Rollout: who gets the tool when (phased, big bang, pilot first), and its licences.

The launch is itself an event: a launch notice makes the users aware of the tool (people
hear of it without any plan), and users given the tool before they know what it is for
react defensively: job and control fears rise and their own assessment drops (the shift
fades). Integrating the tool into existing systems takes `tool.integration_weeks` after
the launch; until then only part of its value is reachable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from model.levers.base import Lever
from model.processes.concerns import aggravate
from model.state import CONTROL, EXISTENTIAL, NON_USER, TRIAL

if TYPE_CHECKING:
    from model.engine import Simulation

WEEKS_PER_MONTH = 52.0 / 12.0


def _launch_due(sim: Simulation) -> bool:
    plan = sim.plan
    impl = sim.clock.start("implementation")
    if impl is None or sim.week < impl:
        return False
    return plan.rollout != "pilot_first" or sim.week >= impl + plan.scale_out_after_weeks


def readiness(sim: Simulation) -> np.ndarray:
    """How prepared each employee is for the tool: aware x understands, in [0, 1]."""
    st = sim.state
    return st.aware * st.understand


def launch(sim: Simulation, new: np.ndarray) -> None:
    """Give the tool to `new` users: a launch notice, and defensive reactions where
    people are not prepared."""
    st, p, r = sim.state, sim.p, sim.p.rollout
    unprepared = (1.0 - readiness(sim)) * new
    st.aware += r.launch_awareness * new * (1.0 - st.aware)
    st.informed = np.maximum(st.informed, r.launch_information * new)
    st.access |= new
    # a defensive stance, once taken, stays: the baseline of these fears moves up
    for which in (EXISTENTIAL, CONTROL):
        st.concerns0[which] += r.scar * unprepared * (1.0 - st.concerns0[which])
    st.band = None
    aggravate(st, r.backfire * unprepared, p, EXISTENTIAL)
    aggravate(st, r.backfire * unprepared, p, CONTROL)
    st.shift -= r.backfire_shift * unprepared
    # go-live: many try the tool at once, the more willing the sooner
    willing = expit(p.intent_slope * (st.attitude - p.intent_threshold))
    first = (
        new & (st.stage == NON_USER) & (sim.rng.random(st.aware.size) < r.launch_trial * willing)
    )
    st.set_stage(first, TRIAL)
    if not sim.prog.launched:
        sim.prog.launched = True
        sim.prog.launch_week = sim.week
        if sim.scenario.tool.integration_eur > 0:
            sim.ledger.add("integration", sim.scenario.tool.integration_eur, cash=True)


def integration_progress(sim: Simulation) -> float:
    """Share of the integration work done: 0 at launch, 1 after `integration_weeks`."""
    weeks = sim.scenario.tool.integration_weeks
    if weeks <= 0:
        return 1.0
    if sim.prog.launch_week is None:
        return 0.0
    return min((sim.week - sim.prog.launch_week) / weeks, 1.0)


def _start(sim: Simulation) -> None:
    if _launch_due(sim):
        new = sim.wf.is_target & ~sim.state.access
        if new.any() or not sim.prog.launched:
            launch(sim, new)
    sim.prog.integration = integration_progress(sim)


def licence_cost(sim: Simulation) -> float:
    """Licences this week for every target user with access."""
    users = (sim.state.access & sim.wf.is_target).sum()
    return float(users * sim.scenario.tool.licence_eur_per_user_month / WEEKS_PER_MONTH)


def _book(sim: Simulation) -> None:
    sim.ledger.add("licences", licence_cost(sim), cash=True)


LEVER = Lever(
    "rollout",
    ("strategy.rollout", "strategy.scale_out_after_weeks"),
    start=_start,
    book=_book,
    doc="Target users get the tool when implementation starts (pilot_first: after the "
    "pilot has run `scale_out_after_weeks`): a launch notice, defensive reactions of "
    "the unprepared, integration over `tool.integration_weeks`; licences per user.",
)
