"""Quick wins: a pilot group where success is likely, and success stories broadcast."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.jit import njit
from model.levers.base import Action, Lever, Price
from model.processes.concerns import relieve
from model.scenario import DEFAULT_PILOT_SIZE
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
    if q.pilot_size is not None:
        return q.pilot_size
    if q.pilot_share is None:
        return DEFAULT_PILOT_SIZE
    share = round(q.pilot_share * int(sim.wf.is_target.sum()))
    return max(int(sim.p.quick_wins.min_pilot), share)


def _start_pilot(sim: Simulation) -> None:
    if sim.fired("pilot"):
        return  # chosen once
    st, q = sim.state, sim.p.quick_wins
    week, kind = _pilot_week_and_kind(sim)
    if kind == "none" or sim.week < week or not sim.once("pilot"):
        return
    chosen = select_pilot(
        kind, pilot_size(sim), sim.wf.is_target, st.attitude, st.usefulness, sim.rng
    )
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


@njit
def new_wins(
    pilot: np.ndarray,
    target: np.ndarray,
    stage: np.ndarray,
    weeks_in_stage: np.ndarray,
    win_weeks: float,
    relief: np.ndarray,
    won: np.ndarray,
) -> int:
    """Active users of the pool (the pilot, else all target users) in use for
    `win_weeks` with relief become success stories (`won`); returns how many are new."""
    pool = pilot if pilot.any() else target
    new = 0
    for i in range(stage.size):
        if pool[i] and stage[i] == ACTIVE and weeks_in_stage[i] >= win_weeks and relief[i]:
            if not won[i]:
                new += 1
                won[i] = True
    return new


def _harvest(sim: Simulation) -> None:
    """Pilot users with noticeable relief become success stories; broadcast them."""
    st, prog, q = sim.state, sim.prog, sim.p.quick_wins
    new = new_wins(
        st.pilot, sim.wf.is_target, st.stage, st.weeks_in_stage, q.win_weeks, st.relief, st.won
    )
    prog.successes += new
    if prog.pending_stories and sim.plan.quick_wins.broadcast:
        tell_stories(sim, prog.pending_stories)
        prog.communicated += prog.pending_stories
        prog.story_weeks += [sim.week] * prog.pending_stories
    prog.pending_stories = new


def _share_story(sim: Simulation, rng: np.random.Generator) -> str:
    reached = tell_stories(sim, 1)
    sim.prog.communicated += 1
    sim.prog.story_weeks.append(sim.week)
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
