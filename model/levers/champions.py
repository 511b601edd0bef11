"""Change champions: trusted colleagues with training, time and legitimacy to help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.levers.base import Action, Lever, Price
from model.programme import HOURS_PER_WEEK
from model.selection import select_champions
from model.state import ACTIVE, TRIAL

if TYPE_CHECKING:
    from model.engine import Simulation


def appoint(sim: Simulation, chosen: np.ndarray) -> None:
    """Make `chosen` champions: training, access, weight in the network, support."""
    st, p, c = sim.state, sim.p, sim.p.champions
    time_share = sim.plan.champions.time_share
    st.champion[chosen] = True
    st.shift[chosen] += c.attitude_shift
    st.competence[chosen] = np.maximum(st.competence[chosen], c.competence_floor)
    st.access[chosen] = True
    st.set_stage(st.champion & (st.stage != ACTIVE), TRIAL)
    st.weight[chosen] *= p.champion_weight * np.sqrt(time_share / c.reference_time_share)
    sim.prog.rebuild_influence = True
    sim.ledger.add("champions", training_cost(sim, chosen.size))
    _support(sim)


def training_cost(sim: Simulation, count: int) -> float:
    return count * sim.p.champions.training_hours * sim.hourly


def weekly_cost(sim: Simulation, count: int) -> float:
    return count * sim.plan.champions.time_share * HOURS_PER_WEEK * sim.hourly


def _support(sim: Simulation) -> None:
    """Support reaching each employee from champions in their team and network."""
    st, c = sim.state, sim.p.champions
    champ = st.champion.astype(float)
    near = (sim.adj @ champ) > 0
    dep_has = np.bincount(sim.wf.department, weights=champ) > 0
    reach = c.team_reach * dep_has[sim.wf.department] + near
    scale = sim.plan.champions.time_share / c.reference_time_share
    support = np.clip(sim.p.champion_support * scale * reach, 0.0, 1.0)
    st.support = np.maximum(st.support, support)


def planned_count(sim: Simulation) -> int:
    """`count`, or one champion per `employees_per_champion` staff (at least one)."""
    ch = sim.plan.champions
    if ch.count is not None:
        return ch.count
    if ch.employees_per_champion is not None:
        return max(1, int(np.ceil(sim.wf.n / ch.employees_per_champion)))
    return 0


def _start(sim: Simulation) -> None:
    if sim.fired("champions"):
        return  # appointed once
    ch = sim.plan.champions
    count = planned_count(sim)
    if count > 0 and sim.week >= max(ch.start_week, 1) and sim.once("champions"):
        chosen = select_champions(ch.selection, count, sim.wf, sim.adj, sim.state.attitude, sim.rng)
        appoint(sim, chosen)


def _book(sim: Simulation) -> None:
    n = int(sim.state.champion.sum())
    if n:
        sim.ledger.add("champions", weekly_cost(sim, n))


def candidates(sim: Simulation, count: int) -> np.ndarray:
    """The best-connected non-champions among those who like the idea (or anyone)."""
    st = sim.state
    degree = sim.degree.astype(float)
    bonus = sim.p.champions.candidate_supporter_bonus
    score = degree / max(degree.mean(), 1.0) + bonus * (st.attitude > 0) + st.attitude
    idx = np.flatnonzero(~st.champion)
    return idx[np.argsort(-score[idx], kind="stable")][:count]


def _appoint_action(sim: Simulation, rng: np.random.Generator, count: int = 2) -> str:
    chosen = candidates(sim, count)
    appoint(sim, chosen)
    return f"appointed {chosen.size} champions (employees {', '.join(map(str, chosen))})"


def _price(sim: Simulation, count: int = 2) -> Price:
    k = candidates(sim, count).size
    return Price(training_cost(sim, k), weekly_cost(sim, k))


def _blocked(sim: Simulation, count: int = 2) -> str | None:
    return None if candidates(sim, count).size else "everyone is a champion"


LEVER = Lever(
    "champions",
    ("strategy.champions",),
    start=_start,
    book=_book,
    actions=(
        Action(
            "champions",
            "Appoint 2 champions",
            "Two well-connected supporters get training and time to help.",
            "champions",
            price=_price,
            apply=_appoint_action,
            blocked=_blocked,
            defaults={"count": 2},
        ),
    ),
    doc="`count` champions chosen by `selection` get intensive training, time "
    "(`time_share` of their week), weight in the network and give support nearby.",
)
