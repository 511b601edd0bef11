"""The simulation engine: builds workforce and network, runs the weekly processes.

`Simulation` is plain numpy (no Mesa objects) so batch runs are fast; `AdoptionModel`
(model/model.py) wraps it as a mesa.Model with Employee agents as views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from model.jit import ensure_compiled, njit
from model.levers import ACTIONS, EVENTS, Action, Price, anticipation, hooks
from model.metrics import Ledger, Recorder
from model.network import build_network
from model.processes import limiting, use_cases
from model.processes.employee_week import employee_week, end_of_week, learn_and_hear
from model.processes.influence import (
    disposition,
    influence_matrix,
    own_assessment,
    susceptibility,
)
from model.processes.training import practice_ceiling
from model.programme import PHASES, PhaseClock, planned_phases
from model.scenario import Scenario, Strategy
from model.state import COMPETENCE_CUTS, ProgrammeState, State, clip_unit
from model.workforce import sample_workforce

SeedLike = int | np.random.SeedSequence | None
T = TypeVar("T")
# the phase criteria that need the week's counts (anchoring reads use cases only)
_COUNTED = ("awareness", "vision", "empowerment", "implementation")
_HOOKS = {name: hooks(name) for name in ("start", "deliver", "respond", "harvest", "book")}


@dataclass(frozen=True)
class ActionStatus:
    """One entry of the action catalogue: what it is, its price now, why blocked."""

    name: str
    label: str
    description: str
    price: Price
    blocked: str | None


def task_fit(usefulness: float, n: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    """The tool's usefulness for each employee's tasks: the tool's usefulness times a
    gamma-distributed fit with mean 1 and coefficient of variation `spread`.

    Not capped: the fit also scales the hours a user saves, and the plan's business
    case counts the mean fit (1), so a cap would bias realised benefits low."""
    if spread <= 0:
        return np.full(n, usefulness)
    shape = 1.0 / spread**2
    return usefulness * rng.gamma(shape, 1.0 / shape, n)


def _action(name: str) -> Action:
    """A lever's live action or an event card (`model.levers.events`)."""
    found = ACTIONS.get(name) or EVENTS.get(name)
    if found is None:
        raise ValueError(f"unknown action {name!r}; available: {', '.join(ACTIONS)}")
    return found


@njit
def criteria_counts(
    understand: np.ndarray,
    aware: np.ndarray,
    knows_benefit: np.ndarray,
    target: np.ndarray,
    ever_user: np.ndarray,
    competence: np.ndarray,
    unaided_cut: float,
    pilot: np.ndarray,
    relief: np.ndarray,
) -> np.ndarray:
    """Counts the phase criteria read, in one pass: employees, target users, those who
    can explain the change, target users naming benefits, users (target users who have
    used the tool), users competent unaided, pilot users, pilot users with relief,
    users with relief (a belief is held at 0.5)."""
    out = np.zeros(9, dtype=np.int64)
    out[0] = understand.size
    for i in range(understand.size):
        if understand[i] >= 0.5 and aware[i] >= 0.5:
            out[2] += 1
        if pilot[i]:
            out[6] += 1
            if relief[i]:
                out[7] += 1
        if not target[i]:
            continue
        out[1] += 1
        if knows_benefit[i] >= 0.5:
            out[3] += 1
        if ever_user[i]:
            out[4] += 1
            if competence[i] >= unaided_cut:
                out[5] += 1
            if relief[i]:
                out[8] += 1
    return out


class Simulation:
    """One run of a scenario: `step()` advances a week, `recorder` holds the tables.

    Public surface: `scenario`, `plan` (the strategy in force, which live actions may
    change), `wf` (workforce), `state` (per-employee arrays), `prog` (programme state),
    `ledger`, `recorder`, `week`, `phase`, `criteria`; `step()`, `run()`, and the action
    API `actions()` / `price()` / `apply()` for live decisions.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: SeedLike = None,
        rng: np.random.Generator | None = None,
        snapshot_weeks: set[int] | None = None,
    ):
        ensure_compiled()
        self.scenario = sc = scenario
        self.p = sc.parameters
        self.cp = self.p.culture[sc.organisation.culture]
        self.hourly = float(sc.budget.hourly_cost_eur)
        if rng is None:
            rng = np.random.default_rng(sc.seed if seed is None else seed)
        self.rng = rng
        self._action_key = int(rng.bit_generator.seed_seq.generate_state(1)[0])
        self.mode = sc.dynamics.mode
        self.wf = wf = sample_workforce(sc, rng)
        if self.mode != "full":
            wf.is_target[:] = True
        net = sc.network
        self.adj = build_network(
            net.kind, wf, net.mean_degree, net.cross_department_share, net.rewiring, rng
        )
        self.degree = np.diff(self.adj.indptr)
        self.state = st = State.initial(wf)
        self.prog = ProgrammeState()
        self.fixed = disposition(wf, self.p, self.cp)
        self.lam = susceptibility(wf, self.p, self.cp)
        self.ceiling = practice_ceiling(wf.affinity, self.p)
        self.n_departments = int(wf.department.max()) + 1
        st.weight = np.where(wf.role <= 1, self.cp.manager_weight, 1.0)
        spread = self.p.task_fit_spread if self.mode == "full" else 0.0
        st.usefulness = task_fit(sc.tool.usefulness, wf.n, spread, rng)
        self.usefulness0 = st.usefulness.copy()
        self.w_plain = influence_matrix(self.adj, np.ones(wf.n))
        full = self.mode == "full"
        self.w_influence = influence_matrix(self.adj, st.weight) if full else self.w_plain
        self.audiences = {
            "all": np.ones(wf.n, dtype=bool),
            "executives": wf.role == 0,
            "middle_managers": wf.role == 1,
            "direct_users": wf.is_target,
            "indirect_users": ~wf.is_target,
            "works_council": wf.works_council,
        }
        self.clock = PhaseClock(
            planned_phases(sc), sc.strategy.phases.gated, sc.strategy.phases.max_wait_weeks
        )
        self.criteria: dict[str, int | None] = dict.fromkeys(PHASES, None)
        self.ledger = Ledger()
        self.week = 0
        self._per_plan: dict[str, tuple[Scenario, Any]] = {}
        self.decisions = 0
        st.own = own_assessment(st, self.fixed, self.p)
        st.attitude = st.own.copy()
        if self.mode == "threshold":
            limiting.seed_threshold(st, sc.dynamics.threshold, rng)
        self.recorder = Recorder(self, snapshot_weeks)
        self.recorder.record()

    # ------------------------------------------------------------------ public

    @property
    def plan(self) -> Strategy:
        """The strategy in force (the scenario's, plus any live decisions)."""
        return self.scenario.strategy

    def per_plan(self, key: str, compute: Callable[[Simulation], T]) -> T:
        """`compute(self)`, worked out once while the scenario stays the same (a live
        decision that changes the plan makes it work the value out again). For what
        depends only on the plan and the run's fixed inputs: schedules, weekly rates."""
        kept = self._per_plan.get(key)
        if kept is None or kept[0] is not self.scenario:
            kept = (self.scenario, compute(self))
            self._per_plan[key] = kept
        return kept[1]

    def run(self) -> Simulation:
        """Advance to the scenario's last week."""
        while self.week < self.scenario.weeks:
            self.step()
        return self

    def step(self) -> None:
        """Simulate one week and record it."""
        self.week += 1
        if self.mode == "bass":
            limiting.bass_step(self.state, self.w_plain, self.scenario.dynamics.bass, self.rng)
        elif self.mode == "threshold":
            limiting.threshold_step(self.state, self.adj, self.degree, self.scenario.dynamics)
        else:
            self._full_step()
        self.recorder.record()

    @property
    def phase(self) -> str:
        return self.clock.current()

    def started(self, phase: str) -> bool:
        """Whether `phase` has started by this week."""
        start = self.clock.start(phase)
        return start is not None and self.week >= start

    def once(self, key: str) -> bool:
        """True the first time it is asked for `key` (one-off interventions)."""
        if key in self.prog.fired:
            return False
        self.prog.fired.add(key)
        return True

    def fired(self, key: str) -> bool:
        """Whether the one-off intervention `key` has happened."""
        return key in self.prog.fired

    # ------------------------------------------------------------------ actions

    def actions(self) -> list[ActionStatus]:
        """Every live action with its price now and why it is blocked (None: free)."""
        out = []
        for a in ACTIONS.values():
            reason = a.blocked(self)
            if reason is None and self.mode != "full":
                reason = "levers act only in the full model"
            out.append(ActionStatus(a.name, a.label, a.description, a.price(self), reason))
        return out

    def price(self, name: str, **kw: Any) -> Price:
        """What the engine will book for action `name` (see `Action.price`)."""
        return _action(name).price(self, **kw)

    def apply(self, name: str, **kw: Any) -> str:
        """Take live action `name` now (before the next week); returns what happened.

        Raises ValueError naming the reason when it cannot be taken.
        """
        action = _action(name)
        reason = action.blocked(self, **kw)
        if reason is not None:
            raise ValueError(f"{action.label}: {reason}")
        rng = np.random.default_rng([self._action_key, self.week, self.decisions])
        self.decisions += 1
        outcome = action.apply(self, rng, **kw)
        if self.prog.rebuild_influence:
            self._rebuild_influence()
        return outcome

    def switch_on(
        self, overrides: dict[str, Any], outcome: str, one_off: tuple[str, float] | None = None
    ) -> str:
        """Change the plan from the next week on (a live decision); book a one-off cost."""
        self.scenario = self.scenario.with_overrides(overrides, source="action")
        if one_off is not None:
            self.ledger.add(*one_off)
        return outcome

    # ------------------------------------------------------------------ full model

    def _full_step(self) -> None:
        st, p, rng, prog = self.state, self.p, self.rng, self.prog
        self.clock.update(self.week, self.criteria)
        for hook in _HOOKS["start"]:
            hook(self)
        if prog.rebuild_influence:
            self._rebuild_influence()
        for hook in _HOOKS["deliver"]:
            hook(self)
        using, using_share = learn_and_hear(self, anticipation.rumour_factor(self))
        for hook in _HOOKS["respond"]:
            hook(self)
        clip_unit(st.concerns)
        st.shift *= 1.0 - p.shift_decay  # lever effects fade unless renewed
        st.own = own_assessment(st, self.fixed, p)
        employee_week(self, using, using_share)
        for hook in _HOOKS["harvest"]:
            hook(self)
        use_cases.discover(st, self.wf, prog, self.usefulness0, p, rng)
        for hook in _HOOKS["book"]:
            hook(self)
        self._accounting()
        end_of_week(self)
        self._criteria()

    def _rebuild_influence(self) -> None:
        self.w_influence = influence_matrix(self.adj, self.state.weight)
        self.prog.rebuild_influence = False

    def _accounting(self) -> None:
        """Benefits: hours freed this week, valued at the hourly cost."""
        led = self.ledger
        led.benefit_hours += float(self.state.hours_freed.sum())
        led.benefit_eur = led.benefit_hours * self.hourly
        led.close_week()

    # ------------------------------------------------------------------ criteria

    def _criteria(self) -> None:
        st, wf = self.state, self.wf
        crit, wk = self.criteria, self.week
        c = self.p.criteria
        if crit["anchoring"] is None and self.prog.integrated:
            initial = st.initial_user
            if initial.any() and (st.use_cases[initial] > 0).mean() >= c.use_case_share:
                crit["anchoring"] = wk
        if all(crit[k] is not None for k in _COUNTED):
            return  # the counts below read nothing else
        counts = criteria_counts(
            st.understand, st.aware, st.knows_benefit, wf.is_target, st.ever_user,
            st.competence, COMPETENCE_CUTS[0], st.pilot, st.relief,
        )  # fmt: skip
        n, n_target, explain, vision, n_users, unaided, n_pilot, pilot_relief, users_relief = (
            int(x) for x in counts
        )
        n_t = max(n_target, 1)
        if crit["awareness"] is None and explain / n >= c.awareness_share:
            crit["awareness"] = wk
        if crit["vision"] is None and vision / n_t >= c.vision_share:
            crit["vision"] = wk
        if crit["empowerment"] is None:
            support = self.recorder.support_requests(self)
            self.prog.support_peak = max(self.prog.support_peak, support)
        if (
            crit["empowerment"] is None
            and n_users >= max(c.min_users, c.min_user_share * n_t)
            and n_users > 0
            and unaided / n_users >= c.unaided_share
            and support <= (1.0 - c.support_fall) * self.prog.support_peak
        ):
            crit["empowerment"] = wk
        # the pilot group if there is one, else the target users who have used the tool
        n_pool, pool_relief = (n_pilot, pilot_relief) if n_pilot else (n_users, users_relief)
        began = self.prog.pilot_week if self.prog.pilot_week is not None else self.prog.launch_week
        q = self.p.quick_wins
        if (
            crit["implementation"] is None
            and began is not None
            and wk - began <= q.window_weeks  # within 60 days of the pilot (or launch)
            and sum(w >= began for w in self.prog.story_weeks) >= q.stories_per_broadcast
            and n_pool > 0
            and pool_relief / n_pool >= q.relief_share
        ):
            crit["implementation"] = wk
