"""The simulation engine: builds workforce and network, runs the weekly processes.

`Simulation` is plain numpy (no Mesa objects) so batch runs are fast; `AdoptionModel`
(model/model.py) wraps it as a mesa.Model with Employee agents as views.
"""

from __future__ import annotations

import numpy as np

from model.levers import select_advisers, select_champions, select_innovators, select_pilot
from model.metrics import Ledger, Recorder
from model.network import build_network
from model.processes import limiting
from model.processes.adoption import experience, experienced_value, transitions, try_tool
from model.processes.communication import deliver, grapevine_and_rumours, transparency_update
from model.processes.concerns import aggravate, relieve
from model.processes.influence import (
    disposition,
    influence,
    influence_matrix,
    own_assessment,
    susceptibility,
)
from model.processes.training import practice_and_decay, train
from model.programme import (
    CHANNELS,
    HOURS_PER_WEEK,
    PHASES,
    PhaseClock,
    event_active,
    mean_retention,
    planned_phases,
    training_hours_per_trainee,
)
from model.scenario import Scenario
from model.state import (
    ACTIVE,
    COMPETENCE_CUTS,
    CONTROL,
    EXISTENTIAL,
    OVERLOAD,
    QUALITY,
    TRIAL,
    State,
)
from model.workforce import sample_workforce

SeedLike = int | np.random.SeedSequence | None


class Simulation:
    """One run of a scenario: `step()` advances a week, `recorder` holds the tables."""

    def __init__(
        self,
        scenario: Scenario,
        seed: SeedLike = None,
        rng: np.random.Generator | None = None,
        snapshot_weeks: set[int] | None = None,
    ):
        self.scenario = sc = scenario
        self.p = sc.parameters
        self.cp = self.p.culture[sc.organisation.culture]
        if rng is None:
            rng = np.random.default_rng(sc.seed if seed is None else seed)
        self.rng = rng
        self.mode = sc.dynamics.mode
        self.wf = wf = sample_workforce(sc, rng)
        if self.mode != "full":
            wf.is_target[:] = True
        net = sc.network
        self.adj = build_network(
            net.kind, wf, net.mean_degree, net.cross_department_share, net.rewiring, rng
        )
        self.degree = np.diff(self.adj.indptr)
        self.state = State.initial(wf)
        self.fixed = disposition(wf, self.p, self.cp)
        self.lam = susceptibility(wf, self.p, self.cp)
        self.weight = np.where(wf.role <= 1, self.cp.manager_weight, 1.0)
        self.w_plain = influence_matrix(self.adj, np.ones(wf.n))
        full = self.mode == "full"
        self.w_influence = influence_matrix(self.adj, self.weight) if full else self.w_plain
        self.audiences = {
            "all": np.ones(wf.n, dtype=bool),
            "executives": wf.role == 0,
            "middle_managers": wf.role == 1,
            "direct_users": wf.is_target,
            "indirect_users": ~wf.is_target,
            "works_council": wf.works_council,
        }
        self.usefulness = np.full(wf.n, sc.tool.usefulness)
        self.friction = 1.0
        self.clock = PhaseClock(
            planned_phases(sc), sc.strategy.phases.gated, sc.strategy.phases.max_wait_weeks
        )
        self.criteria: dict[str, int | None] = dict.fromkeys(PHASES, None)
        self.ledger = Ledger()
        self.week = 0
        self.successes = 0
        self.communicated = 0
        self.pending_stories = 0
        self.support_peak = 0.0
        self.initial_users: np.ndarray | None = None
        self.done: set[str] = set()
        st = self.state
        st.own = own_assessment(st, self.fixed, self.p)
        st.attitude = st.own.copy()
        if self.mode == "threshold":
            limiting.seed_threshold(st, sc.dynamics.threshold, rng)
        self.recorder = Recorder(self, snapshot_weeks)
        self.recorder.record()

    # ------------------------------------------------------------------ public

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

    # ------------------------------------------------------------------ full model

    def _full_step(self) -> None:
        sc, st, p, rng, wk = self.scenario, self.state, self.p, self.rng, self.week
        self.clock.update(wk, self.criteria)
        self._one_off_levers()
        self._communicate()
        self._train()
        practice_and_decay(st, p, self._community_of_practice())
        grapevine_and_rumours(
            st, self.w_plain @ st.aware, p, sc.strategy.resistance.objection_anticipation
        )
        self._resistance_handling()
        np.clip(st.concerns, 0.0, 1.0, out=st.concerns)
        st.own = own_assessment(st, self.fixed, p)
        influence(st, self.w_influence, self.lam, p)
        value = experienced_value(st, sc.tool, self.usefulness, self.friction, p, self.cp)
        st.value = value
        using = ((st.stage == TRIAL) | (st.stage == ACTIVE)).astype(float)
        try_tool(
            st,
            self.wf.is_target & st.access,
            self.w_plain @ using,
            self.adj @ using,
            self._integrated(),
            p,
            self.cp,
            rng,
        )
        habit_boost = (p.habit_integration if self._integrated() else 0.0) + (
            0.3 if self._community_of_practice() else 0.0
        )
        transitions(st, value, habit_boost, p, rng)
        self._hours_freed()
        experience(st, sc.tool, value, p, st.hours_freed)
        self._quick_wins()
        self._use_cases()
        self._accounting()
        for arr in (st.aware, st.understand, st.knows_benefit, st.benefit, st.trust, st.competence):
            np.clip(arr, 0.0, 1.0, out=arr)
        np.clip(st.concerns, 0.0, 1.0, out=st.concerns)
        self._criteria()

    def _started(self, phase: str) -> bool:
        start = self.clock.start(phase)
        return start is not None and self.week >= start

    def _community_of_practice(self) -> bool:
        """A community of practice meets from the start of anchoring, if planned."""
        return self.scenario.strategy.anchoring.community_of_practice and self._started("anchoring")

    def _integrated(self) -> bool:
        w = self.scenario.strategy.anchoring.process_integration_week
        return w is not None and self.week >= max(w, 1)

    def _once(self, key: str) -> bool:
        """True the first time it is asked for `key`."""
        if key in self.done:
            return False
        self.done.add(key)
        return True

    # ------------------------------------------------------------------ levers

    def _one_off_levers(self) -> None:
        sc, st, wf, p, rng = self.scenario, self.state, self.wf, self.p, self.rng
        strat = sc.strategy
        wk = self.week
        hourly = sc.budget.hourly_cost_eur
        targets = wf.is_target
        rebuild = False
        # tool access by rollout
        impl = self.clock.start("implementation")
        if impl is not None and wk >= impl:
            if strat.rollout != "pilot_first" or wk >= impl + strat.scale_out_after_weeks:
                st.access |= targets
        pilot_week = max(strat.quick_wins.start_week, 1)
        if strat.rollout == "pilot_first" and impl is not None:
            pilot_week = impl
        pilot_kind = strat.quick_wins.pilot
        if strat.rollout == "pilot_first" and pilot_kind == "none":
            pilot_kind = "random"
        if pilot_kind != "none" and wk >= pilot_week and self._once("pilot"):
            chosen = select_pilot(
                pilot_kind, strat.quick_wins.pilot_size, targets, st.attitude, rng
            )
            st.pilot[chosen] = True
            st.access[chosen] = True
            st.competence[chosen] += 0.3 * (1.0 - st.competence[chosen])
            st.set_stage(st.pilot & (st.stage != ACTIVE), TRIAL)
            self.ledger.add("quick_wins", chosen.size * 4.0 * hourly)
        # champions
        ch = strat.champions
        if ch.count > 0 and wk >= max(ch.start_week, 1) and self._once("champions"):
            chosen = select_champions(ch.selection, ch.count, wf, self.adj, st.attitude, rng)
            st.champion[chosen] = True
            st.shift[chosen] += 1.0
            st.competence[chosen] = np.maximum(st.competence[chosen], 0.7)
            st.access[chosen] = True
            st.set_stage(st.champion & (st.stage != ACTIVE), TRIAL)
            self.weight[chosen] *= p.champion_weight * np.sqrt(ch.time_share / 0.1)
            rebuild = True
            self.ledger.add("champions", chosen.size * 16.0 * hourly)  # intensive training
            self._champion_support()
        # leadership role-modelling
        if strat.leadership.role_modelling and self._started("vision") and self._once("lead"):
            leaders = wf.role <= 1
            st.access |= leaders
            st.set_stage(leaders & (st.stage == 0), TRIAL)
            st.shift[leaders] += 3.0 * p.leader_shift
            st.shift += p.leader_shift * self.cp.manager_weight / 1.5
            self.weight[leaders] *= 1.5
            rebuild = True
        # critics become advisers
        if strat.resistance.critics_as_advisors and self._started("vision") and self._once("adv"):
            chosen = select_advisers(max(2, round(wf.n / 20)), self.adj, st.attitude, rng)
            st.adviser[chosen] = True
            # their objections shape the design: colleagues see their worries addressed
            near = (self.adj @ st.adviser.astype(float)) > 0
            relieve(st, 0.3 * near, p, CONTROL)
            relieve(st, 0.3 * near, p, QUALITY)
            st.shift[chosen] += p.adviser_shift
            st.concerns[CONTROL, chosen] = np.minimum(
                st.concerns[CONTROL, chosen], p.concern_floor * st.concerns0[CONTROL, chosen]
            )
            self.weight[chosen] *= p.adviser_weight
            self.friction *= 0.9  # their design feedback removes friction
            rebuild = True
        # objection anticipation: facts on job security before fears are voiced
        if (
            strat.resistance.objection_anticipation
            and self._started("awareness")
            and self._once("anticipate")
        ):
            relieve(st, p.anticipation_relief, p, EXISTENTIAL)
            relieve(st, 0.5 * p.anticipation_relief, p, CONTROL)
            self.ledger.add("resistance", 16.0 * hourly)
        self._works_council_agreement()
        # anchoring roles
        anch = strat.anchoring
        if self._started("anchoring") and self._once("anchor"):
            self.initial_users = st.ever_user & targets
            if anch.innovator_roles > 0:
                users = (st.stage == ACTIVE) & targets
                chosen = select_innovators(anch.innovator_roles, st.competence, users, rng)
                st.innovator[chosen] = True
                st.shift[chosen] += 0.5
            if anch.incentives:
                st.shift[targets] += p.incentive_shift
        if rebuild:
            self.w_influence = influence_matrix(self.adj, self.weight)

    def _champion_support(self) -> None:
        """Support reaching each employee from champions in their team and network."""
        st, ch = self.state, self.scenario.strategy.champions
        champ = st.champion.astype(float)
        near = (self.adj @ champ) > 0
        dep_has = np.bincount(self.wf.department, weights=champ) > 0
        reach = 0.5 * dep_has[self.wf.department] + near
        st.support = np.clip(self.p.champion_support * (ch.time_share / 0.1) * reach, 0.0, 1.0)

    def _works_council_agreement(self) -> None:
        sc, st, p = self.scenario, self.state, self.p
        if not sc.organisation.works_council:
            return
        inv = sc.strategy.works_council.involvement
        aw, impl = self.clock.start("awareness"), self.clock.start("implementation")
        due = None
        if inv == "early" and aw is not None:
            due, strength = aw + 4, 1.0
        elif inv == "late" and impl is not None:
            due, strength = impl + 6, 0.5
        if due is not None and self.week >= due and self._once("agreement"):
            relieve(st, p.works_council_relief * strength, p, CONTROL)
            relieve(st, 0.5 * p.works_council_relief * strength, p, EXISTENTIAL)
            st.trust += 0.1 * strength * (1.0 - st.trust)
            st.shift[self.wf.works_council] += 0.5 * strength
            hours = 30.0 + 2.0 * self.wf.works_council.sum()
            self.ledger.add("works_council", hours * sc.budget.hourly_cost_eur)

    def _resistance_handling(self) -> None:
        """Weekly: concern board answers, works-council conflict while no agreement."""
        sc, st, p, rng = self.scenario, self.state, self.p, self.rng
        hourly = sc.budget.hourly_cost_eur
        if sc.strategy.resistance.concern_board and self._started("awareness"):
            posting = (st.aware > 0.5) & (rng.random(st.aware.size) < 0.5)
            relieve(st, p.board_relief * posting, p)
            if self.week % 4 == 0:
                self.friction = max(0.7, self.friction * 0.98)  # design feedback
            self.ledger.add("resistance", (4.0 + 0.05 * posting.sum()) * hourly)
        if sc.strategy.resistance.critics_as_advisors and self._started("vision"):
            self.ledger.add("resistance", 1.0 * st.adviser.sum() * hourly)
        if sc.organisation.works_council and self._started("implementation"):
            inv = sc.strategy.works_council.involvement
            conflict = inv == "none" or (inv == "late" and "agreement" not in self.done)
            if conflict:
                rate = p.works_council_conflict * (0.5 if inv == "none" else 1.0)
                aggravate(st, rate, p, CONTROL)
                st.trust -= 0.5 * rate * st.trust
        if sc.strategy.works_council.involvement == "early" and sc.organisation.works_council:
            if self._started("awareness") and self.week % 4 == 0:
                self.ledger.add("works_council", 2.0 * self.wf.works_council.sum() * hourly)

    def _communicate(self) -> None:
        sc, st, p, rng = self.scenario, self.state, self.p, self.rng
        hourly = sc.budget.hourly_cost_eur
        masks = self.audiences
        for c in sc.strategy.communication:
            if event_active(c, self.week):
                reached = deliver(st, masks[c.audience], c.channel, c.framing, p, rng)
                hours = CHANNELS[c.channel][2] * reached.sum() + 4.0
                self.ledger.add("communication", hours * hourly)
        every = sc.strategy.transparency.updates_every_weeks
        aw = self.clock.start("awareness")
        if every > 0 and aw is not None and self.week >= aw and (self.week - aw) % every == 0:
            reached = transparency_update(st, p, rng)
            self.ledger.add("communication", (3.0 + 0.1 * reached.sum()) * hourly)

    def _train(self) -> None:
        sc, st, wf = self.scenario, self.state, self.wf
        tr = sc.strategy.training
        start = self.clock.start("empowerment")
        if start is None or tr.budget_share <= 0:
            return
        planned = planned_phases(sc)
        length = max(planned["implementation"] - planned["empowerment"], 4)
        if sc.strategy.rollout == "big_bang":
            length = 6
        if not start <= self.week < start + length:
            return
        trainees = wf.is_target
        hours, cost_per_hour = training_hours_per_trainee(sc, int(trainees.sum()))
        weekly = hours / length
        fit = np.where(tr.role_specific, 1.0, self.p.generic_fit) * np.ones(wf.n)
        if tr.tandem_teams:
            older = trainees & (wf.age >= 45)
            fit = fit * np.where(older, 1.0 + self.p.tandem_bonus, 1.1)
            # a younger partner at one's side: less overwhelmed, help at hand
            relieve(st, self.p.tandem_bonus * older, self.p, OVERLOAD)
            st.support = np.maximum(st.support, 0.3 * older)
        mentoring = tr.formats.get("mentoring", 0.0) / max(sum(tr.formats.values()), 1e-12)
        effective = trainees * weekly * mean_retention(sc) * fit
        train(st, effective, self.p)
        if tr.role_specific:
            st.knows_benefit += 0.15 * trainees * (1.0 - st.knows_benefit)
        if mentoring > 0:
            st.support = np.maximum(st.support, np.minimum(1.0, mentoring) * trainees * 0.5)
        self.ledger.add("training", trainees.sum() * weekly * cost_per_hour)

    def _hours_freed(self) -> None:
        st, tool = self.state, self.scenario.tool
        if not st.ever_user.any():
            st.hours_freed = np.zeros(self.wf.n)
            return
        per_user = tool.hours_saved_per_week * (0.3 + 0.7 * st.competence) * tool.reliability
        per_user = per_user * (self.usefulness / max(tool.usefulness, 1e-9))
        use = np.where(st.stage == ACTIVE, 1.0, np.where(st.stage == TRIAL, 0.3, 0.0))
        st.hours_freed = per_user * use * self.wf.is_target

    def _quick_wins(self) -> None:
        """Pilot users with noticeable relief become success stories; broadcast them."""
        st, qw, p = self.state, self.scenario.strategy.quick_wins, self.p
        pool = st.pilot if st.pilot.any() else self.wf.is_target
        won = pool & (st.stage == ACTIVE) & (st.weeks_in_stage >= 2) & st.relief
        new = won & ~st.counters.setdefault("won", np.zeros(st.aware.size, dtype=bool))
        st.counters["won"] |= won
        self.successes += int(new.sum())
        if self.pending_stories and qw.broadcast:
            stories = min(self.pending_stories, 3)
            aware = st.aware > 0.3
            strength = p.persuasion * stories / 3.0 * aware
            st.benefit += strength * (1.0 - st.benefit)
            st.knows_benefit += strength * (1.0 - st.knows_benefit)
            relieve(st, p.story_relief * stories / 3.0 * aware, p)
            self.communicated += self.pending_stories
            self.ledger.add("quick_wins", 4.0 * self.scenario.budget.hourly_cost_eur)
        self.pending_stories = int(new.sum())

    def _use_cases(self) -> None:
        st, wf, p, rng = self.state, self.wf, self.p, self.rng
        draw = rng.random(wf.n)
        active = (st.stage == ACTIVE) & wf.is_target
        if not active.any():
            return
        k = st.competence
        expert, advanced = k >= COMPETENCE_CUTS[2], k >= COMPETENCE_CUTS[1]
        rate = p.use_case_rate * (0.3 * advanced + 0.7 * expert)
        if self._community_of_practice():
            rate = rate * 1.5
        rate = np.where(st.innovator, np.maximum(rate, 0.05) * 5.0, rate)
        if self.scenario.strategy.anchoring.incentives and self._started("anchoring"):
            rate = rate * 1.3
        new = active & (draw < rate)
        st.use_cases += new
        if new.any():
            per_dep = np.bincount(wf.department[new], minlength=wf.department.max() + 1)
            bonus = np.minimum(
                0.01 * per_dep[wf.department],
                0.15 - (self.usefulness - self.scenario.tool.usefulness),
            )
            self.usefulness = self.usefulness + np.maximum(bonus, 0.0)

    def _accounting(self) -> None:
        sc, st, wf = self.scenario, self.state, self.wf
        hourly = sc.budget.hourly_cost_eur
        ch = sc.strategy.champions
        if st.champion.any():
            weekly_hours = st.champion.sum() * ch.time_share * HOURS_PER_WEEK
            self.ledger.add("champions", weekly_hours * hourly)
        if sc.strategy.leadership.role_modelling and self._started("vision"):
            self.ledger.add("leadership", (wf.role <= 1).sum() * 0.25 * hourly)
        if self._community_of_practice() and self.week % 4 == 0:
            self.ledger.add("anchoring", (st.stage == ACTIVE).sum() * hourly)
        if st.innovator.any():
            self.ledger.add("anchoring", st.innovator.sum() * 0.2 * HOURS_PER_WEEK * hourly)
        if sc.strategy.anchoring.incentives and self._started("anchoring"):
            self.ledger.add("anchoring", 500.0 * 12 / 52)
        self.ledger.add(
            "licences",
            (st.access & wf.is_target).sum() * sc.tool.licence_eur_per_user_month * 12 / 52,
        )
        self.ledger.benefit_hours += float(st.hours_freed.sum())
        self.ledger.benefit_eur = self.ledger.benefit_hours * hourly

    # ------------------------------------------------------------------ criteria

    def _criteria(self) -> None:
        st, wf = self.state, self.wf
        crit, wk = self.criteria, self.week
        targets = wf.is_target
        n_t = max(int(targets.sum()), 1)
        if crit["awareness"] is None and np.mean((st.understand >= 0.5) & (st.aware >= 0.5)) >= 0.8:
            crit["awareness"] = wk
        if crit["vision"] is None and (st.knows_benefit[targets] >= 0.5).sum() / n_t >= 0.7:
            crit["vision"] = wk
        support = self.recorder.support_requests(self)
        self.support_peak = max(self.support_peak, support)
        users = st.ever_user & targets
        if (
            crit["empowerment"] is None
            and users.sum() >= max(3, 0.1 * n_t)
            and np.mean(st.competence[users] >= COMPETENCE_CUTS[0]) >= 0.9
            and support <= 0.5 * self.support_peak
        ):
            crit["empowerment"] = wk
        pool = st.pilot if st.pilot.any() else users
        if (
            crit["implementation"] is None
            and self.communicated >= 3
            and pool.any()
            and st.relief[pool].mean() >= 0.6
        ):
            crit["implementation"] = wk
        if crit["anchoring"] is None and self._integrated() and self.initial_users is not None:
            initial = self.initial_users
            if initial.any() and (st.use_cases[initial] > 0).mean() >= 0.15:
                crit["anchoring"] = wk
