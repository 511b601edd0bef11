"""Workshop mode logic: levers applied live to a running simulation, within a budget.

A trainer steps a simulation week by week and pulls levers between weeks. Each lever is
a small, well-named function that changes the live `Simulation` the way the matching
scenario lever would (same processes, same parameters), so what participants see is the
model's own response. Levers that are switches in the scenario (concern board,
transparency updates, ...) are switched on by replacing the simulation's (frozen)
scenario with a copy; the engine then runs and books them from the next week on.

A session logs every decision with its week, so `replay()` rebuilds the same run from
the same seed, and `debrief()` summarises what happened and what each decision did.
UI code stays out of model/: this module only drives the model's public pieces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model import Scenario
from model.engine import Simulation
from model.processes.communication import deliver
from model.processes.influence import influence_matrix
from model.processes.training import train
from model.programme import FORMATS, HOURS_PER_WEEK
from model.state import ACTIVE, TRIAL
from model.workforce import CONCERNS
from ui.sim_view import SimulationClock

HANDS_ON_HOURS = 2.0
CHAMPION_TRAINING_HOURS = 16.0
MAX_LEAVE_ONE_OUT = 12


def _hourly(sim: Simulation) -> float:
    return float(sim.scenario.budget.hourly_cost_eur)


def _switch_on(sim: Simulation, overrides: dict[str, Any]) -> None:
    """Change scenario levers of a running simulation from the next week on."""
    sim.scenario = sim.scenario.with_overrides(overrides, source="workshop")


# --------------------------------------------------------------------------- levers


def run_storytelling_town_hall(sim: Simulation, rng: np.random.Generator | None = None) -> str:
    """An all-staff info event where colleagues tell their before/after stories.

    `rng` draws who attends; the workshop passes a generator of its own so that the
    simulation's random stream stays aligned with a run without this decision.
    """
    everyone = np.ones(sim.wf.n, dtype=bool)
    rng = sim.rng if rng is None else rng
    reached = deliver(sim.state, everyone, "info_event", "storytelling", sim.p, rng)
    sim.ledger.add("communication", town_hall_cost(sim))
    return f"{int(reached.sum())} employees heard colleagues' stories"


def town_hall_cost(sim: Simulation) -> float:
    return (0.75 * sim.wf.n * 1.0 + 8.0) * _hourly(sim)


def appoint_champions(sim: Simulation, count: int = 2) -> str:
    """Appoint well-connected, well-disposed employees as champions (16 h training)."""
    st, p = sim.state, sim.p
    chosen = champion_candidates(sim, count)
    if chosen.size == 0:
        return "no one left to appoint"
    time_share = sim.scenario.strategy.champions.time_share
    st.champion[chosen] = True
    st.shift[chosen] += 1.0
    st.competence[chosen] = np.maximum(st.competence[chosen], 0.7)
    st.access[chosen] = True
    new_users = np.zeros(sim.wf.n, dtype=bool)
    new_users[chosen] = st.stage[chosen] != ACTIVE
    st.set_stage(new_users, TRIAL)
    sim.weight[chosen] *= p.champion_weight * np.sqrt(time_share / 0.1)
    sim.w_influence = influence_matrix(sim.adj, sim.weight)
    # support now reaches their teams and network contacts
    champ = st.champion.astype(float)
    near = (sim.adj @ champ) > 0
    dep_has = np.bincount(sim.wf.department, weights=champ) > 0
    reach = 0.5 * dep_has[sim.wf.department] + near
    support = np.clip(p.champion_support * (time_share / 0.1) * reach, 0.0, 1.0)
    st.support = np.maximum(st.support, support)
    sim.ledger.add("champions", chosen.size * CHAMPION_TRAINING_HOURS * _hourly(sim))
    return f"appointed {chosen.size} champions (employees {', '.join(map(str, chosen))})"


def champion_candidates(sim: Simulation, count: int) -> np.ndarray:
    """The best-connected non-champions among those who like the idea (or anyone)."""
    st = sim.state
    degree = np.diff(sim.adj.indptr).astype(float)
    free = ~st.champion
    score = degree / max(degree.mean(), 1.0) + 2.0 * (st.attitude > 0) + st.attitude
    idx = np.flatnonzero(free)
    order = idx[np.argsort(-score[idx], kind="stable")]
    return order[:count]


def champion_weekly_cost(sim: Simulation, count: int = 2) -> float:
    ts = sim.scenario.strategy.champions.time_share
    return count * ts * HOURS_PER_WEEK * _hourly(sim)


def open_concern_board(sim: Simulation) -> str:
    """An anonymous board where staff post worries; the team answers them weekly."""
    _switch_on(sim, {"strategy.resistance.concern_board": True})
    sim.ledger.add("resistance", 8.0 * _hourly(sim))
    return "concern board open: answers every week from now on"


def run_hands_on_training(sim: Simulation) -> str:
    """Four hours of hands-on practice on real tasks for every target user."""
    trainees = sim.wf.is_target
    retention = FORMATS["practice"][0]
    effective = trainees * HANDS_ON_HOURS * retention * sim.p.generic_fit
    train(sim.state, effective, sim.p)
    sim.ledger.add("training", hands_on_cost(sim))
    return f"{int(trainees.sum())} target users trained hands-on for {HANDS_ON_HOURS:g} h"


def hands_on_cost(sim: Simulation) -> float:
    per_hour = _hourly(sim) + FORMATS["practice"][1]
    return float(sim.wf.is_target.sum()) * HANDS_ON_HOURS * per_hour


def involve_works_council(sim: Simulation) -> str:
    """Negotiate a framework agreement with the works council now."""
    _switch_on(sim, {"strategy.works_council.involvement": "early"})
    return "works council involved: agreement expected within weeks"


def works_council_cost(sim: Simulation) -> float:
    return (30.0 + 2.0 * float(sim.wf.works_council.sum())) * _hourly(sim)


def make_leaders_role_models(sim: Simulation) -> str:
    """Executives and managers use the tool visibly and talk about it."""
    _switch_on(sim, {"strategy.leadership.role_modelling": True})
    return "leaders use the tool visibly from the vision phase on"


def leaders_weekly_cost(sim: Simulation) -> float:
    return float((sim.wf.role <= 1).sum()) * 0.25 * _hourly(sim)


def turn_critics_into_advisers(sim: Simulation) -> str:
    """Invite the most influential critics to advise on the rollout."""
    _switch_on(sim, {"strategy.resistance.critics_as_advisors": True})
    return "the sharpest critics become advisers (from the vision phase on)"


def advisers_weekly_cost(sim: Simulation) -> float:
    return 2.0 * max(1, round(sim.wf.n / 40)) * _hourly(sim)


def start_transparency_updates(sim: Simulation) -> str:
    """Fortnightly all-staff status updates against rumours."""
    _switch_on(sim, {"strategy.transparency.updates_every_weeks": 2})
    return "fortnightly all-staff updates from now on"


def transparency_weekly_cost(sim: Simulation) -> float:
    return (3.0 + 0.1 * 0.8 * sim.wf.n) * _hourly(sim) / 2.0


def anticipate_objections(sim: Simulation) -> str:
    """Answer job-security fears with facts before they are voiced."""
    _switch_on(sim, {"strategy.resistance.objection_anticipation": True})
    return "facts on job security published; rumours spread more slowly"


def share_success_story(sim: Simulation) -> str:
    """Broadcast one success story of an active user to everyone aware of the project."""
    st, p = sim.state, sim.p
    aware = (st.aware > 0.3).astype(float)
    strength = p.persuasion * aware
    st.benefit += strength * (1.0 - st.benefit)
    st.knows_benefit += strength * (1.0 - st.knows_benefit)
    st.concerns -= p.story_relief * aware * st.concerns
    sim.communicated += 1
    sim.ledger.add("quick_wins", 4.0 * _hourly(sim))
    return f"story shared with {int(aware.sum())} aware employees"


# --------------------------------------------------------------------------- catalogue


def _scenario_flag(key: str) -> Callable[[Simulation], bool]:
    def get(sim: Simulation) -> bool:
        node: Any = sim.scenario
        for part in key.split("."):
            node = getattr(node, part)
        return bool(node)

    return get


@dataclass(frozen=True)
class Lever:
    key: str
    label: str
    description: str
    apply: Callable[..., str]  # (sim) or, with uses_rng, (sim, rng) -> what happened
    one_off: Callable[[Simulation], float]
    weekly: Callable[[Simulation], float] = lambda sim: 0.0
    blocked: Callable[[Simulation], str | None] = lambda sim: None
    uses_rng: bool = False


def _already(flag: str, text: str) -> Callable[[Simulation], str | None]:
    get = _scenario_flag(flag)
    return lambda sim: text if get(sim) else None


def _no_users(sim: Simulation) -> str | None:
    return None if (sim.state.stage == ACTIVE).any() else "no active user has a story yet"


def _works_council_blocked(sim: Simulation) -> str | None:
    if not sim.scenario.organisation.works_council:
        return "this organisation has no works council"
    if "agreement" in sim.done or sim.scenario.strategy.works_council.involvement == "early":
        return "already involved"
    return None


def _no_candidates(sim: Simulation) -> str | None:
    return None if champion_candidates(sim, 2).size else "everyone is a champion"


LEVERS: dict[str, Lever] = {
    lv.key: lv
    for lv in (
        Lever(
            "storytelling",
            "Run a storytelling town hall",
            "All staff hear colleagues' before/after stories (1 h each).",
            run_storytelling_town_hall,
            town_hall_cost,
            uses_rng=True,
        ),
        Lever(
            "champions",
            "Appoint 2 champions",
            "Two well-connected supporters get 16 h training and time to help.",
            appoint_champions,
            lambda sim: 2 * CHAMPION_TRAINING_HOURS * _hourly(sim),
            champion_weekly_cost,
            _no_candidates,
        ),
        Lever(
            "concern_board",
            "Open a concern board",
            "Anonymous worries, answered weekly; also yields design feedback.",
            open_concern_board,
            lambda sim: 8.0 * _hourly(sim),
            lambda sim: (4.0 + 0.025 * sim.wf.n) * _hourly(sim),
            _already("strategy.resistance.concern_board", "already open"),
        ),
        Lever(
            "hands_on",
            "Hands-on training (2 h)",
            "Every target user practises on real tasks (retention ~73%).",
            run_hands_on_training,
            hands_on_cost,
        ),
        Lever(
            "works_council",
            "Involve the works council",
            "Negotiate a framework agreement now instead of late.",
            involve_works_council,
            works_council_cost,
            blocked=_works_council_blocked,
        ),
        Lever(
            "leaders",
            "Leaders as role models",
            "Managers use the tool visibly and talk about it.",
            make_leaders_role_models,
            lambda sim: 0.0,
            leaders_weekly_cost,
            _already("strategy.leadership.role_modelling", "already role models"),
        ),
        Lever(
            "advisers",
            "Make critics advisers",
            "The most influential critics shape the rollout.",
            turn_critics_into_advisers,
            lambda sim: 0.0,
            advisers_weekly_cost,
            _already("strategy.resistance.critics_as_advisors", "already advisers"),
        ),
        Lever(
            "transparency",
            "Fortnightly updates",
            "All-staff status updates that starve rumours.",
            start_transparency_updates,
            lambda sim: 0.0,
            transparency_weekly_cost,
            _already("strategy.transparency.updates_every_weeks", "already running"),
        ),
        Lever(
            "anticipate",
            "Answer fears up front",
            "Publish facts on job security before fears are voiced.",
            anticipate_objections,
            lambda sim: 16.0 * _hourly(sim),
            blocked=_already("strategy.resistance.objection_anticipation", "already done"),
        ),
        Lever(
            "story",
            "Share a success story",
            "One active user's success, told to everyone aware of the project.",
            share_success_story,
            lambda sim: 4.0 * _hourly(sim),
            blocked=_no_users,
        ),
    )
}


# --------------------------------------------------------------------------- session


@dataclass(frozen=True)
class Decision:
    week: int
    lever: str
    label: str
    cost_eur: float
    weekly_eur: float
    outcome: str


@dataclass
class LeverStatus:
    key: str
    label: str
    description: str
    one_off: float
    weekly: float
    price: float
    enabled: bool
    reason: str | None


def default_budget(scenario: Scenario) -> float:
    """The workshop budget for live levers: the scenario's budget, at least EUR 5,000."""
    return float(max(5_000.0, scenario.budget.total_eur))


@dataclass
class WorkshopSession(SimulationClock):
    """A live run, the levers pulled so far and the money committed to them."""

    scenario: Scenario
    seed: int
    budget_eur: float
    sim: Simulation = field(init=False)
    log: list[Decision] = field(default_factory=list)
    spent_eur: float = 0.0
    weekly_eur: float = 0.0
    spent_by_lever: dict[str, float] = field(default_factory=dict)
    weekly_by_lever: dict[str, float] = field(default_factory=dict)
    script: list[Decision] = field(default_factory=list)  # decisions a replay re-applies

    def __post_init__(self) -> None:
        self.sim = Simulation(self.scenario, seed=self.seed)

    # ---------------------------------------------------------------- state
    @property
    def weeks_left(self) -> int:
        return max(self.weeks - self.week, 0)

    @property
    def committed_eur(self) -> float:
        """Spent so far plus the running costs of pulled levers up to the last week."""
        return self.spent_eur + self.weekly_eur * self.weeks_left

    @property
    def remaining_eur(self) -> float:
        return self.budget_eur - self.committed_eur

    def price(self, lever: Lever) -> float:
        """What pulling a lever now commits: one-off cost + running cost to the end."""
        return lever.one_off(self.sim) + lever.weekly(self.sim) * self.weeks_left

    def weekly(self) -> pd.DataFrame:
        return self.sim.recorder.weekly(self.sim.week)

    def status(self) -> list[LeverStatus]:
        """Every lever with its price and whether it can be pulled now."""
        out = []
        for lv in LEVERS.values():
            one_off, weekly = lv.one_off(self.sim), lv.weekly(self.sim)
            reason = lv.blocked(self.sim)
            if reason is None and self.finished:
                reason = "the run is over"
            if reason is None and self.remaining_eur <= 0:
                reason = "budget exhausted"
            if reason is None and self.price(lv) > self.remaining_eur + 1e-9:
                reason = "not enough budget left"
            out.append(
                LeverStatus(
                    lv.key,
                    lv.label,
                    lv.description,
                    one_off,
                    weekly,
                    self.price(lv),
                    reason is None,
                    reason,
                )
            )
        return out

    # ---------------------------------------------------------------- actions
    def apply(self, key: str, check: bool = True) -> Decision:
        """Pull a lever now (before the next week is simulated)."""
        lv = LEVERS[key]
        if check:
            st = next(s for s in self.status() if s.key == key)
            if not st.enabled:
                raise ValueError(f"{lv.label}: {st.reason}")
        one_off, weekly = lv.one_off(self.sim), lv.weekly(self.sim)
        if lv.uses_rng:
            outcome = lv.apply(self.sim, self.lever_rng(key))
        else:
            outcome = lv.apply(self.sim)
        self.spent_eur += one_off
        self.weekly_eur += weekly
        self.spent_by_lever[key] = self.spent_by_lever.get(key, 0.0) + one_off
        self.weekly_by_lever[key] = self.weekly_by_lever.get(key, 0.0) + weekly
        decision = Decision(self.week, key, lv.label, one_off, weekly, outcome)
        self.log.append(decision)
        return decision

    def lever_rng(self, key: str) -> np.random.Generator:
        """Random draws of a lever: from seed, week and lever, not from the run's stream."""
        return np.random.default_rng([self.seed, self.week, list(LEVERS).index(key), len(self.log)])

    def step(self, weeks: int = 1) -> None:
        """Simulate weeks; a replay first re-applies the decisions logged for this week."""
        for _ in range(weeks):
            if self.finished:
                return
            due = [d for d in self.script if d.week == self.week]
            if due:
                self.script = [d for d in self.script if d.week != self.week]
                for d in due:
                    self.apply(d.lever, check=False)
            self.sim.step()
            self.spent_eur += self.weekly_eur
            for key, eur in self.weekly_by_lever.items():
                self.spent_by_lever[key] = self.spent_by_lever.get(key, 0.0) + eur

    def run_to_end(self) -> None:
        self.step(self.weeks - self.week)

    def restart(self) -> WorkshopSession:
        """The same scenario and seed, no decisions."""
        return WorkshopSession(self.scenario, self.seed, self.budget_eur)

    def replay_script(self) -> WorkshopSession:
        """Week 0 again, same seed: stepping re-applies the logged decisions on time."""
        new = WorkshopSession(self.scenario, self.seed, self.budget_eur)
        new.script = sorted([*self.log, *self.script], key=lambda d: d.week)
        return new

    def replay(self, until: int | None = None, skip: int | None = None) -> WorkshopSession:
        """Re-run from week 0 with the same seed and the logged decisions.

        `until`: the week to stop at (default: the current week); `skip`: index of a
        logged decision to leave out (for the debrief's leave-one-out effects).
        """
        until = self.week if until is None else until
        new = WorkshopSession(self.scenario, self.seed, self.budget_eur)
        by_week: dict[int, list[Decision]] = {}
        for i, d in enumerate(self.log):
            if i != skip:
                by_week.setdefault(d.week, []).append(d)
        for w in range(until + 1):
            for d in by_week.get(w, []):
                new.apply(d.lever, check=False)
            if w < until:
                new.step()
        return new

    # ---------------------------------------------------------------- debrief
    def debrief(self) -> Debrief:
        return make_debrief(self)


@dataclass
class Debrief:
    final_active: float
    baseline_active: float
    final_resistant: float
    baseline_resistant: float
    goal: float
    goal_week: int | None
    resistance_peak: float
    resistance_peak_week: int
    concern_peaks: list[tuple[str, float, int]]
    spent_eur: float
    budget_eur: float
    costs_by_category: dict[str, float]
    roi: float | None
    effects: pd.DataFrame  # per decision: leave-one-out effect on the final shares
    lines: list[str]


def make_debrief(session: WorkshopSession) -> Debrief:
    """What happened, what each decision did (same seed, that decision left out), cost."""
    full = session if session.finished else session.replay(until=session.weeks)
    if not full.finished:
        full.run_to_end()
    weekly = full.weekly()
    base = WorkshopSession(session.scenario, session.seed, session.budget_eur)
    base.run_to_end()
    bw = base.weekly()
    final_active = float(weekly["active_share"].iloc[-1])
    final_res = float(weekly["resistant_share"].iloc[-1])
    goal = session.scenario.goals.target_active_share
    reached = np.flatnonzero(weekly["active_share"].to_numpy() >= goal - 1e-12)
    res = weekly["resistant_share"].to_numpy()
    peak_week = int(np.argmax(res))
    concern_peaks = []
    for c in CONCERNS:
        col = weekly[f"concern_{c}_share"].to_numpy()
        concern_peaks.append((c, float(col.max()), int(np.argmax(col))))
    rows = []
    for i, d in enumerate(session.log[:MAX_LEAVE_ONE_OUT]):
        without = session.replay(until=session.weeks, skip=i)
        ww = without.weekly()
        rows.append(
            {
                "week": d.week,
                "decision": d.label,
                "cost_eur": session_cost_of(session, i),
                "active_effect": final_active - float(ww["active_share"].iloc[-1]),
                "resistant_effect": final_res - float(ww["resistant_share"].iloc[-1]),
            }
        )
    effects = pd.DataFrame(
        rows, columns=["week", "decision", "cost_eur", "active_effect", "resistant_effect"]
    )
    cost = full.sim.ledger.total
    roi = (full.sim.ledger.benefit_eur - cost) / cost if cost > 0 else None
    lines = _debrief_lines(
        session,
        full.spent_eur,
        final_active,
        float(bw["active_share"].iloc[-1]),
        final_res,
        float(bw["resistant_share"].iloc[-1]),
        goal,
        int(reached[0]) if reached.size else None,
        res[peak_week],
        peak_week,
        effects,
    )
    return Debrief(
        final_active=final_active,
        baseline_active=float(bw["active_share"].iloc[-1]),
        final_resistant=final_res,
        baseline_resistant=float(bw["resistant_share"].iloc[-1]),
        goal=goal,
        goal_week=int(reached[0]) if reached.size else None,
        resistance_peak=float(res[peak_week]),
        resistance_peak_week=peak_week,
        concern_peaks=concern_peaks,
        spent_eur=full.spent_eur,
        budget_eur=session.budget_eur,
        costs_by_category=dict(sorted(full.sim.ledger.costs.items())),
        roi=roi,
        effects=effects,
        lines=lines,
    )


def session_cost_of(session: WorkshopSession, i: int) -> float:
    """One-off cost plus the weekly cost of decision i up to the end of the run."""
    d = session.log[i]
    return d.cost_eur + d.weekly_eur * max(session.weeks - d.week, 0)


def _debrief_lines(
    session: WorkshopSession,
    spent: float,
    active: float,
    base_active: float,
    resistant: float,
    base_resistant: float,
    goal: float,
    goal_week: int | None,
    peak: float,
    peak_week: int,
    effects: pd.DataFrame,
) -> list[str]:
    pct = lambda x: f"{100 * x:.0f}%"  # noqa: E731
    lines = [
        f"Active use at week {session.weeks}: {pct(active)} of target users "
        f"(without your decisions: {pct(base_active)}; goal {pct(goal)}"
        + (f", reached in week {goal_week})." if goal_week is not None else ", not reached)."),
        f"Resistance peaked at {pct(peak)} of staff in week {peak_week}; it ended at "
        f"{pct(resistant)} (without your decisions: {pct(base_resistant)}).",
        f"Your {len(session.log)} decisions cost EUR {spent:,.0f} of the EUR "
        f"{session.budget_eur:,.0f} workshop budget (running costs up to week {session.weeks}).",
    ]
    if not effects.empty:
        best = effects.sort_values("active_effect", ascending=False).iloc[0]
        if best["active_effect"] > 0.005:
            lines.append(
                f"What worked best: '{best['decision']}' in week {int(best['week'])} "
                f"(+{100 * best['active_effect']:.0f} points of active use)."
            )
        weak = effects[effects["active_effect"].abs() <= 0.005]
        if len(weak):
            lines.append(
                "Little visible effect: "
                + ", ".join(f"'{r.decision}' (week {int(r.week)})" for r in weak.itertuples())
                + "."
            )
    return lines
