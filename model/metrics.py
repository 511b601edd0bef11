"""KPIs: the weekly table, employee snapshots, the run summary, costs and ROI.

Shares of *target users* (employees for whom the tool is relevant): trial, active,
lapsed, basic/advanced/expert, relief, mean_competence. Shares of *all employees*:
awareness, understanding, benefit, expects_benefit, attitude, resistance, concerns,
trust. `benefit_share` counts target users who can name concrete benefits for their own
work (knows_benefit >= 0.5).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.programme import PHASES, planned_phases
from model.scenario import ROLES, Scenario
from model.state import ACTIVE, COMPETENCE_CUTS, COMPETENCE_LEVELS, LAPSED, STAGES, TRIAL
from model.workforce import CONCERNS, QUALIFICATIONS, TENURE_BANDS

if TYPE_CHECKING:
    from model.engine import Simulation

WEEKLY_COLUMNS = (
    "week", "phase", "aware_share", "understanding_share", "benefit_share",
    "expects_benefit_share", "positive_share", "mean_attitude", "resistant_share",
    "trial_share", "active_share", "lapsed_share", "basic_share", "advanced_share",
    "expert_share", "support_requests", "nps", "trust", "relief_share",
    "concern_existential_share", "concern_overload_share", "concern_control_share",
    "concern_quality_share", "new_use_cases", "hours_freed", "mean_competence",
    "cost_cumulative_eur", "benefit_cumulative_eur", "roi",
)  # fmt: skip
NUMERIC_COLUMNS = WEEKLY_COLUMNS[2:]
SNAPSHOT_COLUMNS = (
    "id", "age", "tenure", "tenure_band", "role", "department", "qualification",
    "is_target_user", "is_champion", "attitude", "expects_benefit", "concern_existential",
    "concern_overload", "concern_control", "concern_quality", "trust", "competence",
    "competence_level", "stage",
)  # fmt: skip
SUMMARY_FIELDS = (
    "goal_reached", "goal_week", "final_active_share", "peak_active_share",
    "stable_use_week", "initial_positive_share", "final_positive_share",
    "final_resistant_share", "benefits_realised", "cost_total_eur", "hours_freed_total",
    "roi", "change_roi", "criterion_awareness_week", "criterion_vision_week",
    "criterion_competence_week", "criterion_quick_wins_week", "criterion_anchoring_week",
    "main_barrier", "barriers", "budget_eur", "spent_eur", "over_budget_eur",
    "roi_horizon",
)  # fmt: skip
BARRIERS = ("acceptance", "competence", "integration", "expectations", "data", "technology")
POSITIVE_ATTITUDE = 0.25
CRITERION_PHASE = {
    "awareness": "awareness",
    "vision": "vision",
    "competence": "empowerment",
    "quick_wins": "implementation",
    "anchoring": "anchoring",
}


COST_CATEGORIES = (
    "anchoring", "champions", "communication", "integration", "leadership", "licences",
    "quick_wins", "resistance", "training", "works_council",
)  # fmt: skip


ONGOING = ("licences", "anchoring")


@dataclass
class Ledger:
    """Costs by category (EUR): staff time and cash; and the realised benefit.

    Cash (licences, trainers' fees, integration, incentives) is paid from the AI
    implementation budget; staff time (hours x hourly cost) is costed but not paid
    from it.
    """

    costs: dict[str, float] = field(default_factory=dict)
    cash: dict[str, float] = field(default_factory=dict)
    benefit_hours: float = 0.0
    benefit_eur: float = 0.0
    ongoing_weekly: list[float] = field(default_factory=list)  # see `close_week`

    def close_week(self) -> None:
        """Note this week's ongoing costs: what goes on after the programme (licences
        and the anchored structures: community, innovator roles, incentives)."""
        total = sum(self.costs.get(c, 0.0) for c in ONGOING)
        self.ongoing_weekly.append(total - sum(self.ongoing_weekly))

    def ongoing_rate(self, weeks: int = 4) -> float:
        """Mean ongoing cost per week over the last `weeks` weeks."""
        tail = self.ongoing_weekly[-weeks:]
        return sum(tail) / len(tail) if tail else 0.0

    def add(self, category: str, eur: float, cash: bool = False) -> None:
        self.costs[category] = self.costs.get(category, 0.0) + float(eur)
        if cash:
            self.cash[category] = self.cash.get(category, 0.0) + float(eur)

    @property
    def cash_total(self) -> float:
        return sum(self.cash.values())

    @property
    def total(self) -> float:
        return sum(self.costs.values())

    @property
    def change_cost(self) -> float:
        """Cost of the change measures: everything except tool licences."""
        return self.total - self.costs.get("licences", 0.0)


_TRACKED = (
    "aware",
    "understand",
    "knows_benefit",
    "benefit",
    "attitude",
    "trust",
    "competence",
    "support",
    "stage",
    "relief",
)
BULK_LIMIT = 2_000_000  # employees x weeks up to which states are kept and KPIs batched


def support_requests(stage, competence, support, target, rate: float):
    """Expected support requests: users with low competence ask for help (last axis)."""
    using = ((stage == TRIAL) | (stage == ACTIVE)) & target
    need = (1.0 - competence) ** 2 * (1.0 - 0.5 * support)
    return rate * np.where(using, need, 0.0).sum(axis=-1)


def kpi_rows(b: dict[str, np.ndarray], target: np.ndarray, rate: float) -> np.ndarray:
    """KPI columns (NUMERIC_COLUMNS) for a block of weeks: arrays shaped (weeks, n).

    `b` holds the _TRACKED arrays, `held` (weeks, 4, n) and `scalars` (weeks, 4):
    use cases, hours freed, cost, benefit.
    """
    n = b["attitude"].shape[1]
    n_t = max(int(np.count_nonzero(target)), 1)

    def share(mask: np.ndarray, of_target: bool = False) -> np.ndarray:
        if of_target:
            return np.count_nonzero(mask & target, axis=1) / n_t
        return np.count_nonzero(mask, axis=1) / n

    stage, att, comp = b["stage"], b["attitude"], b["competence"]
    level = np.searchsorted(COMPETENCE_CUTS, comp, side="right")
    aware = b["aware"] >= 0.5
    users = (stage != 0) & target
    n_users = np.count_nonzero(users, axis=1)
    promoters = np.count_nonzero(users & (att > 0.5) & (stage == ACTIVE), axis=1)
    detractors = np.count_nonzero(users & ((att < 0.0) | (stage == LAPSED)), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = np.where(n_users > 0, 100.0 * (promoters - detractors) / n_users, np.nan)
    held = np.count_nonzero(b["held"], axis=2) / n
    uses, hours, cost, benefit = b["scalars"].T
    roi = np.divide(benefit - cost, cost, out=np.zeros_like(cost), where=cost > 0)
    return np.column_stack(
        [
            share(aware),
            share((b["understand"] >= 0.5) & aware),
            share(b["knows_benefit"] >= 0.5, True),
            share(b["benefit"] >= 0.5),
            share(att > POSITIVE_ATTITUDE),
            att.sum(axis=1) / n,
            share(att < 0.0),
            share(stage == TRIAL, True),
            share(stage == ACTIVE, True),
            share(stage == LAPSED, True),
            share(level == 1, True),
            share(level == 2, True),
            share(level == 3, True),
            support_requests(stage, comp, b["support"], target, rate),
            nps,
            b["trust"].sum(axis=1) / n,
            share(b["relief"], True),
            *held.T,
            uses,
            hours,
            np.where(target, comp, 0.0).sum(axis=1) / n_t,
            cost,
            benefit,
            roi,
        ]
    )


class Recorder:
    """Collects one KPI row per week.

    For runs up to BULK_LIMIT employee-weeks the states are copied each week and the
    KPIs computed for all pending weeks at once when the table is read (one numpy call
    per KPI per run instead of per week); larger runs compute each week's row at once.
    """

    def __init__(self, sim: Simulation, snapshot_weeks: set[int] | None = None):
        self._sim = sim
        weeks, n = sim.scenario.weeks + 1, sim.wf.n
        self.rows = np.full((weeks, len(NUMERIC_COLUMNS)), np.nan)
        self.phases: list[str] = []
        self.snapshots = Snapshots(sim.wf)
        self.snapshot_weeks: set[int] = {0} | set(snapshot_weeks or ())
        self._bulk = n * weeks <= BULK_LIMIT
        size = weeks if self._bulk else 1
        st = sim.state
        self._buf = {k: np.empty((size, n), dtype=getattr(st, k).dtype) for k in _TRACKED}
        self._buf["held"] = np.empty((size, 4, n), dtype=bool)
        self._buf["scalars"] = np.empty((size, 4))
        self._pending: list[int] = []

    @staticmethod
    def support_requests(sim: Simulation) -> float:
        """Expected support requests this week (see `support_requests`)."""
        st = sim.state
        return float(
            support_requests(
                st.stage, st.competence, st.support, sim.wf.is_target, sim.p.support_rate
            )
        )

    def record(self, sim: Simulation | None = None) -> None:
        """Keep the current week's state (and a snapshot if one is asked for)."""
        sim = sim or self._sim
        st, week = sim.state, sim.week
        i = week if self._bulk else 0
        buf = self._buf
        for k in _TRACKED:
            buf[k][i] = getattr(st, k)
        np.greater_equal(st.concerns, 0.5, out=buf["held"][i])
        buf["scalars"][i] = (
            st.use_cases.sum(),
            st.hours_freed.sum(),
            sim.ledger.total,
            sim.ledger.benefit_eur,
        )
        self._pending.append(week)
        if not self._bulk:
            self._flush()
        self.phases.append(sim.phase if sim.mode == "full" else sim.mode)
        if week in self.snapshot_weeks:
            self.snapshots.keep(week, sim)

    def _flush(self) -> None:
        """Compute the KPI rows of all pending weeks."""
        if not self._pending:
            return
        weeks = np.asarray(self._pending)
        idx = weeks if self._bulk else np.zeros(1, dtype=int)
        block = {k: v[idx] for k, v in self._buf.items()}
        sim = self._sim
        self.rows[weeks] = kpi_rows(block, sim.wf.is_target, sim.p.support_rate)
        self._pending.clear()

    def row(self, week: int) -> np.ndarray:
        """The KPI row of `week` (NUMERIC_COLUMNS order)."""
        self._flush()
        return self.rows[week]

    def weekly(self, weeks: int) -> pd.DataFrame:
        """The weekly table (weeks 0..weeks) with the DESIGN columns in order."""
        self._flush()
        df = pd.DataFrame(self.rows[: weeks + 1], columns=list(NUMERIC_COLUMNS))
        df.insert(0, "phase", self.phases[: weeks + 1])
        df.insert(0, "week", np.arange(weeks + 1))
        return df


_SNAPSHOT_STATE = ("attitude", "benefit", "concerns", "trust", "competence", "stage", "champion")


def _state_copy(sim: Simulation) -> dict[str, np.ndarray]:
    """The per-employee arrays a snapshot needs, copied (cheap; no DataFrame yet)."""
    return {name: getattr(sim.state, name).copy() for name in _SNAPSHOT_STATE}


def _frame(wf, raw: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per employee with the DESIGN snapshot columns."""
    return pd.DataFrame(
        {
            "id": np.arange(wf.n),
            "age": np.round(wf.age, 1),
            "tenure": np.round(wf.tenure, 1),
            "tenure_band": np.asarray(TENURE_BANDS)[wf.tenure_band()],
            "role": np.asarray(ROLES)[wf.role],
            "department": wf.department,
            "qualification": np.asarray(QUALIFICATIONS)[wf.qualification],
            "is_target_user": wf.is_target.copy(),
            "is_champion": raw["champion"],
            "attitude": raw["attitude"],
            "expects_benefit": raw["benefit"] >= 0.5,
            **{f"concern_{c}": raw["concerns"][i] for i, c in enumerate(CONCERNS)},
            "trust": raw["trust"],
            "competence": raw["competence"],
            "competence_level": np.asarray(COMPETENCE_LEVELS)[
                np.searchsorted(COMPETENCE_CUTS, raw["competence"], side="right")
            ],
            "stage": np.asarray(STAGES)[raw["stage"]],
        }
    )


def snapshot(sim: Simulation) -> pd.DataFrame:
    """Employee snapshot of the simulation's current week."""
    return _frame(sim.wf, _state_copy(sim))


class Snapshots(Mapping):
    """Week -> employee snapshot; the arrays are copied during the run, the DataFrames
    are built only when asked for (batch runs that never look at them stay fast)."""

    def __init__(self, wf) -> None:
        self._wf = wf
        self._raw: dict[int, dict[str, np.ndarray]] = {}
        self._frames: dict[int, pd.DataFrame] = {}

    def keep(self, week: int, sim: Simulation) -> None:
        self._raw[week] = _state_copy(sim)
        self._frames.pop(week, None)

    def __getitem__(self, week: int) -> pd.DataFrame:
        if week not in self._frames:
            self._frames[week] = _frame(self._wf, self._raw[week])
        return self._frames[week]

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._raw))

    def __len__(self) -> int:
        return len(self._raw)


STABLE_WINDOW = 12  # weeks the active share must stay within the band
STABLE_BAND = 0.05


def stable_use_week(active: np.ndarray, band: float = STABLE_BAND) -> int | None:
    """First week with use (active share > 0) from which the active share stays within
    `band` of that week's level for the next STABLE_WINDOW weeks.

    It looks only forward a fixed window, so a longer run does not move it; None if use
    never settles within the run.
    """
    for w in range(1, active.size - STABLE_WINDOW):
        window = active[w : w + STABLE_WINDOW + 1]
        if active[w] > 0 and np.abs(window - active[w]).max() <= band:
            return w
    return None


def planned_hours(sim: Simulation) -> np.ndarray:
    """The plan's own benefit path, weeks 0..weeks: the goal's share of target users
    saving the tool's hours, ramping up linearly from the planned launch to the goal
    week, then flat."""
    sc = sim.scenario
    goal, weeks = sc.goals, np.arange(sc.weeks + 1)
    launch = max(planned_phases(sc)["implementation"], 1)
    span = max(goal.by_week - launch, 1)
    ramp = np.clip((weeks - launch + 1) / span, 0.0, 1.0)
    n_target = int(sim.wf.is_target.sum())
    return goal.target_active_share * n_target * sc.tool.hours_saved_per_week * ramp


def barrier_scores(sim: Simulation, goal_week: int | None) -> dict[str, float]:
    """Every barrier's strength, scaled so that >= 1 means binding (docs/ODD.md)."""
    st, wf, sc, b = sim.state, sim.wf, sim.scenario, sim.p.barriers
    tool, goals = sc.tool, sc.goals
    gap = wf.is_target & (st.stage != ACTIVE)
    n_gap = max(int(gap.sum()), 1)
    launch = sim.prog.launch_week or planned_phases(sc)["implementation"]
    goal_span = max(goals.by_week - launch, 1)
    late = goal_week is not None and goal_week > goals.by_week
    too_soon = goals.by_week - planned_phases(sc)["implementation"] < b.min_ramp_weeks
    return {
        "acceptance": float((gap & (st.attitude < 0)).sum() / n_gap) / b.acceptance,
        "competence": float((gap & (st.competence < COMPETENCE_CUTS[0])).sum() / n_gap)
        / b.competence,
        "integration": tool.integration_weeks / goal_span / b.integration,
        "expectations": 1.0 if (late or too_soon) else 0.0,
        "data": (1.0 - tool.data_quality) / (1.0 - b.data_quality),
        "technology": (1.0 - tool.reliability) / (1.0 - b.reliability),
    }


def horizon(weekly: pd.DataFrame, sc: Scenario, ongoing_rate: float) -> dict[str, float]:
    """Costs and the three levels of benefit over the economic horizon.

    Beyond the simulated weeks the programme is over: the last four weeks' benefit per
    week is carried forward, and so are the ongoing costs (`ongoing_rate`, EUR a week:
    licences and the anchored structures), not the programme's measures (docs/ODD.md).
    """
    eco = sc.economics
    weeks = int(round(52 * eco.horizon_years))
    cost, benefit = (
        weekly[c].to_numpy() for c in ("cost_cumulative_eur", "benefit_cumulative_eur")
    )
    last = len(cost) - 1
    if weeks <= last:
        c, d = float(cost[weeks]), float(benefit[weeks])
    else:
        tail = min(4, last)
        rate_c = ongoing_rate
        rate_b = (benefit[last] - benefit[last - tail]) / max(tail, 1)
        c = float(cost[last] + rate_c * (weeks - last))
        d = float(benefit[last] + rate_b * (weeks - last))
    indirect = eco.indirect_share * d
    strategic = eco.strategic_eur_per_year * eco.horizon_years
    return {
        "horizon_years": eco.horizon_years,
        "cost_horizon_eur": c,
        "benefit_direct_eur": d,
        "benefit_indirect_eur": indirect,
        "benefit_strategic_eur": strategic,
        "roi_horizon": (d + indirect + strategic - c) / c if c > 0 else None,
    }


def summarise(sim: Simulation, weekly: pd.DataFrame) -> dict[str, Any]:
    """The run summary (DESIGN section 4) plus final_<column> for every weekly column."""
    sc = sim.scenario
    active = weekly["active_share"].to_numpy()
    goal = sc.goals
    reached = np.flatnonzero(active >= goal.target_active_share - 1e-12)
    goal_week = int(reached[0]) if reached.size else None
    led = sim.ledger
    planned = planned_hours(sim)[: len(active)].sum()
    cost = led.total
    out: dict[str, Any] = {
        "goal_reached": bool(goal_week is not None and goal_week <= goal.by_week),
        "goal_week": goal_week,
        "final_active_share": float(active[-1]),
        "peak_active_share": float(np.nanmax(active)),
        "stable_use_week": stable_use_week(active),
        "initial_positive_share": float(weekly["positive_share"].iloc[0]),
        "final_positive_share": float(weekly["positive_share"].iloc[-1]),
        "final_resistant_share": float(weekly["resistant_share"].iloc[-1]),
        "peak_resistant_share": float(weekly["resistant_share"].max()),
        "benefits_realised": led.benefit_hours / planned if planned > 0 else None,
        "cost_total_eur": cost,
        "hours_freed_total": led.benefit_hours,
        "roi": (led.benefit_eur - cost) / cost if cost > 0 else None,
        "change_roi": None,
        "change_cost_eur": led.change_cost,
        "benefit_total_eur": led.benefit_eur,
        "budget_eur": float(sc.budget_eur),
        "spent_eur": led.cash_total,
        "over_budget_eur": max(led.cash_total - sc.budget_eur, 0.0),
        "staff_time_eur": cost - led.cash_total,
        **horizon(weekly, sc, led.ongoing_rate()),
    }
    for name, phase in CRITERION_PHASE.items():
        out[f"criterion_{name}_week"] = sim.criteria.get(phase)
    if sim.mode == "full" and (sim.wf.is_target & (sim.state.stage != ACTIVE)).any():
        scores = barrier_scores(sim, goal_week)
        out["barriers"] = [b for b, v in scores.items() if v >= 1.0]
        out["main_barrier"] = max(scores, key=lambda b: scores[b])
    else:
        out["barriers"] = []
        out["main_barrier"] = "none"
    for category in COST_CATEGORIES:
        out[f"cost_{category}_eur"] = led.costs.get(category, 0.0)
    last = weekly.iloc[-1]
    for col in NUMERIC_COLUMNS:
        v = last[col]
        out[f"final_{col}"] = None if pd.isna(v) else float(v)
    out["final_phase"] = str(last["phase"])
    return out


__all__ = [
    "BARRIERS",
    "Ledger",
    "NUMERIC_COLUMNS",
    "PHASES",
    "Recorder",
    "SNAPSHOT_COLUMNS",
    "SUMMARY_FIELDS",
    "WEEKLY_COLUMNS",
    "barrier_scores",
    "snapshot",
    "stable_use_week",
    "summarise",
]
