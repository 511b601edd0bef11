"""Workshop mode logic: levers applied live to a running simulation, within a budget.

A trainer steps a simulation week by week and pulls levers between weeks. Every lever
is one of the engine's live actions (`Simulation.actions()` / `apply()`, declared in
the lever modules under model/levers/), so what participants see is the model's own
response and every price is what the engine books.

A session logs every decision with its week, so `replay()` rebuilds the same run from
the same seed, and `debrief()` summarises what happened and what each decision did.
UI code stays out of model/: this module only drives the model's public pieces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model import Scenario
from model.engine import Simulation
from model.levers import ACTIONS, EVENTS
from model.workforce import CONCERNS
from ui.sim_view import SimulationClock

LEVERS = {**ACTIONS, **EVENTS}  # the engine's live actions, and the event cards a room plays

MAX_LEAVE_ONE_OUT = 12


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
    return float(max(5_000.0, scenario.budget_eur))


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

    def price(self, key: str) -> float:
        """What pulling a lever now commits: one-off cost + running cost to the end."""
        return self.sim.price(key).until(self.weeks_left)

    def weekly(self) -> pd.DataFrame:
        return self.sim.recorder.weekly(self.sim.week)

    def status(self) -> list[LeverStatus]:
        """Every lever with its price and whether it can be pulled now."""
        out = []
        for a in self.sim.actions():
            reason = a.blocked
            total = a.price.until(self.weeks_left)
            if reason is None and self.finished:
                reason = "the run is over"
            if reason is None and self.remaining_eur <= 0:
                reason = "budget exhausted"
            if reason is None and total > self.remaining_eur + 1e-9:
                reason = "not enough budget left"
            out.append(
                LeverStatus(
                    a.name,
                    a.label,
                    a.description,
                    a.price.one_off,
                    a.price.weekly,
                    total,
                    reason is None,
                    reason,
                )
            )
        return out

    # ---------------------------------------------------------------- actions
    def apply(self, key: str, check: bool = True) -> Decision:
        """Pull a lever now (before the next week is simulated)."""
        lv = LEVERS[key]
        if check and key not in EVENTS:
            st = next(s for s in self.status() if s.key == key)
            if not st.enabled:
                raise ValueError(f"{lv.label}: {st.reason}")
        price = self.sim.price(key)
        one_off, weekly = price.one_off, price.weekly
        outcome = self.sim.apply(key)
        self.spent_eur += one_off
        self.weekly_eur += weekly
        self.spent_by_lever[key] = self.spent_by_lever.get(key, 0.0) + one_off
        self.weekly_by_lever[key] = self.weekly_by_lever.get(key, 0.0) + weekly
        decision = Decision(self.week, key, lv.label, one_off, weekly, outcome)
        self.log.append(decision)
        return decision

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
        if is_event(d):
            continue
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


def is_event(d: Decision) -> bool:
    """Whether a logged entry is an event card the facilitator played (not a decision)."""
    return d.lever in EVENTS


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
