"""Event cards: shocks a workshop facilitator plays on every team's run.

An event is an `Action` like a lever's, taken through `Simulation.apply` (so it draws
from the action generator and replays exactly), but it costs nothing and is not offered
to the players: `Simulation.actions()` lists levers only. Each event acts through the
same concern and attitude functions the levers use. The sizes are the parameters under
`parameters.events` (workshop assumptions, not calibrated figures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.levers.base import Action, Price
from model.processes.concerns import aggravate
from model.state import CONTROL, EXISTENTIAL

if TYPE_CHECKING:
    from model.engine import Simulation


def _free(sim: Simulation, **kw: object) -> Price:
    return Price()


def _rumour(sim: Simulation, rng: np.random.Generator) -> str:
    """Job fears rise among those who have heard of the tool (and a third of the rest)."""
    st, e = sim.state, sim.p.events
    hears = (st.aware >= 0.5) | (rng.random(sim.wf.n) < e.rumour_reach_unaware)
    aggravate(st, e.rumour_aggravation * hears, sim.p, EXISTENTIAL)
    st.trust -= e.rumour_trust_loss * hears * st.trust
    return f"a rumour about job cuts reached {int(hears.sum())} employees"


def _champion_leaves(sim: Simulation, rng: np.random.Generator) -> str:
    """The best-connected champion (or supporter, if none) leaves; the team is shaken."""
    st = sim.state
    pool = np.flatnonzero(st.champion)
    who = "champion"
    if pool.size == 0:
        pool, who = np.flatnonzero(st.attitude > 0), "supporter"
    if pool.size == 0:
        return "nobody left: there was no supporter to lose"
    leaver = int(pool[np.argmax(sim.degree[pool])])
    st.champion[leaver] = False
    st.weight[leaver] = 0.0
    st.support[leaver] = 0.0
    neighbours = sim.adj.indices[sim.adj.indptr[leaver] : sim.adj.indptr[leaver + 1]]
    st.shift[neighbours] += sim.p.events.leaver_shift
    sim.prog.rebuild_influence = True
    return f"the key {who} (employee {leaver}) left; {neighbours.size} colleagues are unsettled"


def _works_council_objects(sim: Simulation, rng: np.random.Generator) -> str:
    """Control concerns rise and trust falls (members most), whatever the plan."""
    st, e = sim.state, sim.p.events
    amount = np.where(sim.wf.works_council, 2, 1) * e.objection_aggravation
    aggravate(st, np.minimum(amount, 1.0), sim.p, CONTROL)
    st.trust -= e.objection_trust_loss * st.trust
    return "the works council objects to monitoring by the tool: control fears rise"


EVENTS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "event_rumour",
            "A rumour spreads",
            "Word goes round that the tool will cost jobs.",
            "events",
            price=_free,
            apply=_rumour,
        ),
        Action(
            "event_champion_leaves",
            "A key champion leaves",
            "The best-connected champion (or supporter) leaves the company.",
            "events",
            price=_free,
            apply=_champion_leaves,
        ),
        Action(
            "event_works_council_objects",
            "The works council objects",
            "The works council objects to how the tool could monitor staff.",
            "events",
            price=_free,
            apply=_works_council_objects,
        ),
    )
}
