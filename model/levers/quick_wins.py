"""Quick wins: a pilot group where success is likely, and success stories broadcast."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.levers.base import Action, Lever, Price
from model.processes.concerns import relieve
from model.scenario import explicit
from model.selection import select_pilot
from model.state import ACTIVE, TRIAL

if TYPE_CHECKING:
    from model.engine import Simulation


def _pilot_week_and_kind(sim: Simulation) -> tuple[int, str]:
    plan = sim.plan
    week = max(plan.quick_wins.start_week, 1)
    impl = sim.clock.start("implementation")
    if plan.rollout == "pilot_first" and impl is not None:
        week = impl
    kind = plan.quick_wins.pilot
    if plan.rollout == "pilot_first" and kind == "none":
        kind = "random"
    return week, kind


def pilot_size(sim: Simulation) -> int:
    """`pilot_size`, or `pilot_share` of the target users (at least the minimum)."""
    q = sim.plan.quick_wins
    if q.pilot_share is None or explicit(q, "pilot_size"):
        return q.pilot_size
    share = round(q.pilot_share * int(sim.wf.is_target.sum()))
    return max(int(sim.p.quick_wins.min_pilot), share)


def _start_pilot(sim: Simulation) -> None:
    st, q = sim.state, sim.p.quick_wins
    week, kind = _pilot_week_and_kind(sim)
    if kind == "none" or sim.week < week or not sim.once("pilot"):
        return
    chosen = select_pilot(kind, pilot_size(sim), sim.wf.is_target, st.attitude, sim.rng)
    sim.prog.pilot_week = sim.week
    st.pilot[chosen] = True
    st.access[chosen] = True
    st.competence[chosen] += q.pilot_competence * (1.0 - st.competence[chosen])
    st.set_stage(st.pilot & (st.stage != ACTIVE), TRIAL)
    sim.ledger.add("quick_wins", chosen.size * q.pilot_onboarding_hours * sim.hourly)


def story_cost(sim: Simulation) -> float:
    return sim.p.quick_wins.story_hours * sim.hourly


def tell_stories(sim: Simulation, stories: float) -> int:
    """Broadcast `stories` success stories to everyone aware of the project."""
    st, p, q = sim.state, sim.p, sim.p.quick_wins
    aware = st.aware > q.story_awareness
    strength = p.persuasion * min(stories, q.stories_per_broadcast) / q.stories_per_broadcast
    strength = strength * aware
    st.benefit += strength * (1.0 - st.benefit)
    st.knows_benefit += strength * (1.0 - st.knows_benefit)
    share = min(stories, q.stories_per_broadcast) / q.stories_per_broadcast
    relieve(st, p.story_relief * share * aware, p)
    sim.ledger.add("quick_wins", story_cost(sim))
    return int(aware.sum())


def _harvest(sim: Simulation) -> None:
    """Pilot users with noticeable relief become success stories; broadcast them."""
    st, prog, q = sim.state, sim.prog, sim.p.quick_wins
    pool = st.pilot if st.pilot.any() else sim.wf.is_target
    won = pool & (st.stage == ACTIVE) & (st.weeks_in_stage >= q.win_weeks) & st.relief
    new = won & ~st.won
    st.won |= won
    prog.successes += int(new.sum())
    if prog.pending_stories and sim.plan.quick_wins.broadcast:
        tell_stories(sim, prog.pending_stories)
        prog.communicated += prog.pending_stories
    prog.pending_stories = int(new.sum())


def _share_story(sim: Simulation, rng: np.random.Generator) -> str:
    reached = tell_stories(sim, 1)
    sim.prog.communicated += 1
    return f"story shared with {reached} aware employees"


def _no_story(sim: Simulation) -> str | None:
    return None if (sim.state.stage == ACTIVE).any() else "no active user has a story yet"


LEVER = Lever(
    "quick_wins",
    ("strategy.quick_wins",),
    start=_start_pilot,
    harvest=_harvest,
    actions=(
        Action(
            "story",
            "Share a success story",
            "One active user's success, told to everyone aware of the project.",
            "quick_wins",
            price=lambda sim: Price(story_cost(sim)),
            apply=_share_story,
            blocked=_no_story,
        ),
    ),
    doc="A pilot of `pilot_size` target users gets access and a head start; pilot users "
    "who feel relief become success stories, broadcast the week after.",
)
