"""Training: the budget buys hours in a mix of formats; role-specific, tandem teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.levers.base import Action, Lever, Price
from model.processes.concerns import relieve
from model.processes.training import train
from model.programme import FORMATS, mean_retention, planned_phases, training_hours_per_trainee
from model.state import OVERLOAD

if TYPE_CHECKING:
    from model.engine import Simulation


def _length(sim: Simulation) -> int:
    """Weeks over which the training budget is spread."""
    t = sim.p.training
    if sim.plan.rollout == "big_bang":
        return t.big_bang_weeks
    planned = planned_phases(sim.scenario)
    return max(planned["implementation"] - planned["empowerment"], t.min_weeks)


def _deliver(sim: Simulation) -> None:
    st, wf, p, t = sim.state, sim.wf, sim.p, sim.p.training
    tr = sim.plan.training
    start = sim.clock.start("empowerment")
    sim.prog.trainer_hours = 0.0
    if start is None or tr.budget_share <= 0:
        return
    length = sim.per_plan("training_weeks", _length)
    if not start <= sim.week < start + length:
        return
    trainees = wf.is_target
    hours, cost_per_hour = training_hours_per_trainee(sim.scenario, int(trainees.sum()))
    weekly = hours / length
    fit = np.where(tr.role_specific, 1.0, p.generic_fit) * np.ones(wf.n)
    if tr.tandem_teams:
        older = trainees & (wf.age >= t.tandem_age)
        fit = fit * np.where(older, 1.0 + p.tandem_bonus, t.tandem_young_fit)
        # a younger partner at one's side: less overwhelmed, help at hand
        relieve(st, p.tandem_bonus * older, p, OVERLOAD)
        st.support = np.maximum(st.support, t.tandem_support * older)
    mentoring = tr.formats.get("mentoring", 0.0) / max(sum(tr.formats.values()), 1e-12)
    effective = trainees * weekly * mean_retention(sim.scenario) * fit
    train(st, effective, p, role_specific=tr.role_specific)
    if tr.role_specific:
        st.knows_benefit += t.role_specific_benefit * trainees * (1.0 - st.knows_benefit)
    if mentoring > 0:
        mentored = np.minimum(1.0, mentoring) * trainees * t.mentoring_support
        st.support = np.maximum(st.support, mentored)
    # mentors stay available for questions while the training runs
    sim.prog.trainer_hours = float(trainees.sum()) * mentoring * t.mentor_hours_per_week
    hours = float(trainees.sum()) * weekly
    sim.ledger.add("training", hours * cost_per_hour, cash=True)  # trainers' fees
    sim.ledger.add("training", hours * sim.hourly)  # participants' time


def hands_on_hours(sim: Simulation) -> float:
    return float(sim.wf.is_target.sum()) * sim.p.training.hands_on_hours


def hands_on_cost(sim: Simulation) -> float:
    return hands_on_hours(sim) * (sim.hourly + FORMATS["practice"][1])


def _hands_on(sim: Simulation, rng: np.random.Generator) -> str:
    trainees = sim.wf.is_target
    hours = sim.p.training.hands_on_hours
    effective = trainees * hours * FORMATS["practice"][0] * sim.p.generic_fit
    train(sim.state, effective, sim.p)
    sim.ledger.add("training", hands_on_hours(sim) * FORMATS["practice"][1], cash=True)
    sim.ledger.add("training", hands_on_hours(sim) * sim.hourly)
    return f"{int(trainees.sum())} target users trained hands-on for {hours:g} h"


LEVER = Lever(
    "training",
    ("strategy.training",),
    deliver=_deliver,
    actions=(
        Action(
            "hands_on",
            "Hands-on training (2 h)",
            "Every target user practises on real tasks (retention ~73%).",
            "training",
            price=lambda sim: Price(hands_on_cost(sim)),
            apply=_hands_on,
        ),
    ),
    doc="From the empowerment phase, the training budget (`budget_share` of the budget) "
    "buys hours spread over the weeks until implementation; retention by format mix.",
)
