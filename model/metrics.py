"""KPIs: the weekly table, employee snapshots, the run summary, costs and ROI.

Every weekly KPI is named once, in `KPIS`: its column name, denominator (share of
*target users*, employees for whom the tool is relevant, or of *all employees*), the
function computing it and its definition. The column lists, the Recorder's tracked
arrays and the table in docs/ODD.md (`kpi_table()`) derive from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.jit import njit, total
from model.processes.adoption import effective_reliability
from model.programme import PHASES, planned_phases
from model.scenario import ROLES, Scenario
from model.state import ACTIVE, COMPETENCE_CUTS, COMPETENCE_LEVELS, LAPSED, STAGES, TRIAL
from model.workforce import CONCERNS, QUALIFICATIONS, TENURE_BANDS

if TYPE_CHECKING:
    from model.engine import Simulation

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
    "staff_time_eur", "peak_resistant_share", "horizon_years", "horizon_cost_eur",
    "horizon_benefit_direct_eur", "horizon_benefit_indirect_eur",
    "horizon_benefit_strategic_eur", "roi_horizon", "pilot_active_share",
    "scaled_active_share",
)  # fmt: skip
# summary fields that are the week of an event, None when the run ended before it
EVENT_WEEK_FIELDS = (
    "goal_week", "stable_use_week", "criterion_awareness_week", "criterion_vision_week",
    "criterion_competence_week", "criterion_quick_wins_week", "criterion_anchoring_week",
)  # fmt: skip
BARRIERS = ("acceptance", "competence", "integration", "expectations", "data", "technology")
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
POSITIVE_ATTITUDE = 0.25
SHARE_OF = {"all": "all employees", "target": "target users"}  # Kpi.of of a share
# Per-week values the Recorder takes from the simulation, not from employee arrays.
SCALARS: dict[str, Callable[[Simulation], float]] = {
    "use_cases": lambda sim: sim.state.use_cases.sum(),
    "hours_freed": lambda sim: sim.state.hours_freed.sum(),
    "cost": lambda sim: sim.ledger.total,
    "benefit": lambda sim: sim.ledger.benefit_eur,
}
_SCALAR_INDEX = {name: j for j, name in enumerate(SCALARS)}


class Block:
    """The recorded state of a block of weeks, as a KPI function sees it.

    Attributes named in `TRACKED` are (weeks, n) arrays; `held` is (weeks, 4, n) (concern
    held, intensity >= 0.5); `scalar(name)` is a per-week value from `SCALARS`.
    Derived arrays used by several KPIs are computed once per block.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], target: np.ndarray, rate: float):
        self._arrays = arrays
        self.target = target
        self.rate = rate
        self.n = target.size
        # a share of an empty group is undefined (NaN), not 0
        self.n_target = int(np.count_nonzero(target)) or np.nan

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["_arrays"][name]
        except KeyError:
            raise AttributeError(f"KPI block has no array {name!r}") from None

    def scalar(self, name: str) -> np.ndarray:
        return self._arrays["scalars"][:, _SCALAR_INDEX[name]]

    def share(self, mask: np.ndarray, of: str) -> np.ndarray:
        """Share of all employees (of="all") or of target users (of="target")."""
        if of == "target":
            return np.count_nonzero(mask & self.target, axis=1) / self.n_target
        return np.count_nonzero(mask, axis=1) / self.n

    @cached_property
    def level(self) -> np.ndarray:
        """Competence level index (0 none, 1 basic, 2 advanced, 3 expert)."""
        return np.searchsorted(COMPETENCE_CUTS, self.competence, side="right")

    @cached_property
    def aware_mask(self) -> np.ndarray:
        return self.aware >= 0.5


@dataclass(frozen=True)
class Kpi:
    """One weekly KPI column: its name, denominator, function and definition.

    of: "all" (share of all employees) or "target" (share of target users): `fn` then
    returns a (weeks, n) boolean mask and the column is its share; any other value
    (e.g. "count", "EUR") names the unit of a column that `fn` computes itself.
    reads: the tracked arrays `fn` uses (the Recorder keeps exactly these).
    """

    name: str
    of: str
    fn: Callable[[Block], np.ndarray]
    doc: str
    reads: tuple[str, ...] = ()

    @property
    def is_share(self) -> bool:
        return self.of in SHARE_OF

    def values(self, b: Block) -> np.ndarray:
        out = self.fn(b)
        return b.share(out, self.of) if self.is_share else out


def _nps(b: Block) -> np.ndarray:
    stage, att = b.stage, b.attitude
    users = (stage != 0) & b.target
    n_users = np.count_nonzero(users, axis=1)
    # promoters: a good experience (noticeable relief) and a positive view
    promoters = np.count_nonzero(users & (att > 0.5) & (stage == ACTIVE) & b.relief, axis=1)
    detractors = np.count_nonzero(users & ((att < 0.0) | (stage == LAPSED)), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_users > 0, 100.0 * (promoters - detractors) / n_users, np.nan)


def _roi(b: Block) -> np.ndarray:
    cost, benefit = b.scalar("cost"), b.scalar("benefit")
    return np.divide(benefit - cost, cost, out=np.zeros_like(cost), where=cost > 0)


def _concern(i: int) -> Callable[[Block], np.ndarray]:
    return lambda b: b.held[:, i, :]


# The weekly KPIs, in the order of the DESIGN output contract (after week and phase).
# Adding a KPI: one entry here; the table, the Mesa DataCollector, the `final_<name>`
# summary fields, sensitivity outputs and the ODD table follow from it.
KPIS: tuple[Kpi, ...] = (
    Kpi("aware_share", "all", lambda b: b.aware_mask, "aware >= 0.5", ("aware",)),
    Kpi(
        "understanding_share", "all",
        lambda b: (b.understand >= 0.5) & b.aware_mask,
        "aware >= 0.5 and understand >= 0.5", ("aware", "understand"),
    ),
    Kpi(
        "benefit_share", "target", lambda b: b.knows_benefit >= 0.5,
        "knows_benefit >= 0.5 (can name concrete benefits for own work)", ("knows_benefit",),
    ),
    Kpi("expects_benefit_share", "all", lambda b: b.benefit >= 0.5, "benefit >= 0.5", ("benefit",)),
    Kpi(
        "positive_share", "all", lambda b: b.attitude > POSITIVE_ATTITUDE,
        f"attitude > {POSITIVE_ATTITUDE}", ("attitude",),
    ),
    Kpi("mean_attitude", "all employees (mean)", lambda b: b.attitude.sum(axis=1) / b.n,
        "mean attitude", ("attitude",)),
    Kpi("resistant_share", "all", lambda b: b.attitude < 0.0, "attitude < 0", ("attitude",)),
    Kpi("trial_share", "target", lambda b: b.stage == TRIAL, "stage trial", ("stage",)),
    Kpi("active_share", "target", lambda b: b.stage == ACTIVE, "stage active", ("stage",)),
    Kpi("lapsed_share", "target", lambda b: b.stage == LAPSED, "stage lapsed", ("stage",)),
    Kpi("basic_share", "target", lambda b: b.level == 1,
        f"competence level basic ({COMPETENCE_CUTS[0]} <= competence < {COMPETENCE_CUTS[1]})",
        ("competence",)),
    Kpi("advanced_share", "target", lambda b: b.level == 2,
        f"competence level advanced ({COMPETENCE_CUTS[1]} <= competence < {COMPETENCE_CUTS[2]})",
        ("competence",)),
    Kpi("expert_share", "target", lambda b: b.level == 3,
        f"competence level expert (competence >= {COMPETENCE_CUTS[2]})", ("competence",)),
    Kpi(
        "support_requests", "count",
        lambda b: support_requests(b.stage, b.competence, b.support, b.target, b.rate),
        "expected support requests this week: `support_rate` x sum over target users in "
        "trial or active use of (1 - competence)^2 (1 - 0.5 support)",
        ("stage", "competence", "support"),
    ),
    Kpi(
        "nps", "target users who used the tool", _nps,
        "100 (promoters - detractors) / users; users: target users who ever left "
        "non_user; promoters: active, with noticeable relief and attitude > 0.5 (experience "
        "and attitude); detractors: attitude < 0 or lapsed; empty (NaN) without users",
        ("stage", "attitude", "relief"),
    ),
    Kpi("trust", "all employees (mean)", lambda b: b.trust.sum(axis=1) / b.n,
        "mean trust in AI output", ("trust",)),
    Kpi("relief_share", "target", lambda b: b.relief,
        "relief (>= 1 h freed and overload concern < 0.5)", ("relief",)),
    *(
        Kpi(f"concern_{c}_share", "all", _concern(i), f"{c} concern held (intensity >= 0.5)",
            ("held",))
        for i, c in enumerate(CONCERNS)
    ),
    Kpi("new_use_cases", "count", lambda b: b.scalar("use_cases"),
        "new use cases created since the start (cumulative)", ("scalars",)),
    Kpi("hours_freed", "hours", lambda b: b.scalar("hours_freed"), "hours freed this week",
        ("scalars",)),
    Kpi(
        "mean_competence", "target users (mean)",
        lambda b: np.where(b.target, b.competence, 0.0).sum(axis=1) / b.n_target,
        "mean competence", ("competence",),
    ),
    Kpi("cost_cumulative_eur", "EUR", lambda b: b.scalar("cost"), "cumulative costs",
        ("scalars",)),
    Kpi("benefit_cumulative_eur", "EUR", lambda b: b.scalar("benefit"),
        "cumulative benefit = cumulative hours freed x `hourly_cost_eur`", ("scalars",)),
    Kpi("roi", "-", _roi, "(benefit - cost) / cost, cumulative (0 while nothing is spent)",
        ("scalars",)),
)  # fmt: skip
KPI_BY_NAME = {k.name: k for k in KPIS}
NUMERIC_COLUMNS = tuple(k.name for k in KPIS)
WEEKLY_COLUMNS = ("week", "phase", *NUMERIC_COLUMNS)
COLUMN_INDEX = {name: j for j, name in enumerate(NUMERIC_COLUMNS)}  # in Recorder.rows
# the weekly table: a DataFrame, or its columns by name (`Recorder.columns`)
WeeklyColumns = pd.DataFrame | Mapping[str, Any]


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


# The per-employee State arrays the Recorder keeps each week: those the KPIs read.
TRACKED = tuple(dict.fromkeys(r for k in KPIS for r in k.reads if r not in ("held", "scalars")))
BULK_LIMIT = 2_000_000  # employees x weeks up to which states are kept and KPIs batched


@njit
def _support_rows(
    stage: np.ndarray, competence: np.ndarray, support: np.ndarray, target: np.ndarray
) -> np.ndarray:
    weeks, n = stage.shape
    out = np.empty(weeks)
    need = np.empty(n)
    for w in range(weeks):
        for i in range(n):
            using = target[i] and (stage[w, i] == TRIAL or stage[w, i] == ACTIVE)
            k = competence[w, i]
            need[i] = (1.0 - k) * (1.0 - k) * (1.0 - 0.5 * support[w, i]) if using else 0.0
        out[w] = total(need)
    return out


def support_requests(stage, competence, support, target, rate: float):
    """Expected support requests: users with low competence ask for help (last axis:
    employees; a 1-D week gives a number, a (weeks, n) block one per week)."""
    rows = _support_rows(
        np.atleast_2d(stage), np.atleast_2d(competence), np.atleast_2d(support), target
    )
    return rate * (rows[0] if np.ndim(stage) == 1 else rows)


def kpi_rows(b: Mapping[str, np.ndarray], target: np.ndarray, rate: float) -> dict[str, np.ndarray]:
    """KPI columns by name for a block of weeks: arrays shaped (weeks, n).

    `b` holds the TRACKED arrays, `held` (weeks, 4, n) and `scalars` (weeks, 4; SCALARS).
    """
    block = Block(b, target, rate)
    return {k.name: k.values(block) for k in KPIS}


def kpi_table() -> str:
    """The weekly columns as a Markdown table (docs/ODD.md section 2.10 holds a copy)."""
    lines = [
        "| column | definition | denominator |",
        "|---|---|---|",
        '| `week`, `phase` | week number; latest started phase ("preparation" before the '
        "first; the mode name in limiting modes) | - |",
    ]
    for k in KPIS:
        lines.append(f"| `{k.name}` | {k.doc} | {SHARE_OF.get(k.of, k.of)} |")
    return "\n".join(lines) + "\n"


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
        self._buf = {k: np.empty((size, n), dtype=getattr(st, k).dtype) for k in TRACKED}
        self._buf["held"] = np.empty((size, 4, n), dtype=bool)
        self._buf["scalars"] = np.empty((size, len(SCALARS)))
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
        for k in TRACKED:
            buf[k][i] = getattr(st, k)
        np.greater_equal(st.concerns, 0.5, out=buf["held"][i])
        buf["scalars"][i] = [scalar(sim) for scalar in SCALARS.values()]
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
        kpis = kpi_rows(block, sim.wf.is_target, sim.p.support_rate)
        for name, values in kpis.items():
            self.rows[weeks, COLUMN_INDEX[name]] = values
        self._pending.clear()

    def row(self, week: int) -> np.ndarray:
        """The KPI row of `week` (NUMERIC_COLUMNS order)."""
        self._flush()
        return self.rows[week]

    def columns(self, weeks: int) -> dict[str, Any]:
        """The weekly table (weeks 0..weeks) as columns: numpy arrays by name (views of
        the recorded rows), `phase` a list. What a summary reads, without a DataFrame."""
        self._flush()
        rows = self.rows[: weeks + 1]
        cols: dict[str, Any] = {"week": np.arange(weeks + 1), "phase": self.phases[: weeks + 1]}
        cols.update((name, rows[:, j]) for j, name in enumerate(NUMERIC_COLUMNS))
        return cols

    def weekly(self, weeks: int) -> pd.DataFrame:
        """The weekly table (weeks 0..weeks) with the DESIGN columns in order."""
        return weekly_frame(self.columns(weeks))


def weekly_frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    """The weekly table as a DataFrame (its own copy of `Recorder.columns`)."""
    return pd.DataFrame(dict(columns))


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
    """The plan's own benefit path (its business case), weeks 0..weeks: every target
    user saving the tool's hours at its known reliability, ramping up linearly from the
    plan's implementation start to its anchoring start (when the plan expects use to be
    in place), then flat."""
    sc = sim.scenario
    weeks = np.arange(sc.weeks + 1)
    planned = planned_phases(sc)
    launch = max(planned["implementation"], 1)
    span = max(planned["anchoring"] - launch, 1)
    ramp = np.clip((weeks - launch + 1) / span, 0.0, 1.0)
    n_target = int(sim.wf.is_target.sum())
    per_user = sc.tool.hours_saved_per_week * effective_reliability(sc.tool, sim.p)
    return n_target * per_user * ramp


def barrier_scores(sim: Simulation, goal_week: int | None) -> dict[str, float]:
    """Every barrier's strength, scaled so that >= 1 means binding (docs/ODD.md)."""
    st, wf, sc, b = sim.state, sim.wf, sim.scenario, sim.p.barriers
    tool, goals = sc.tool, sc.goals
    gap = wf.is_target & (st.stage != ACTIVE)
    # people barriers bind when the non-users they hold back would have closed the
    # shortfall to the goal on their own
    shortfall = goals.target_active_share * int(wf.is_target.sum()) - int(
        (wf.is_target & (st.stage == ACTIVE)).sum()
    )
    shortfall = max(shortfall, 1.0)
    launch = sim.prog.launch_week or planned_phases(sc)["implementation"]
    goal_span = max(goals.by_week - launch, 1)
    late = goal_week is not None and goal_week > goals.by_week
    too_soon = goals.by_week - planned_phases(sc)["implementation"] < b.min_ramp_weeks
    return {
        "acceptance": float((gap & (st.attitude < 0)).sum()) / shortfall,
        "competence": float((gap & (st.competence < COMPETENCE_CUTS[0])).sum()) / shortfall,
        "integration": tool.integration_weeks / goal_span / b.integration,
        "expectations": 1.0 if (late or too_soon) else 0.0,
        "data": (1.0 - tool.data_quality) / (1.0 - b.data_quality),
        "technology": (1.0 - tool.reliability) / (1.0 - b.reliability),
    }


def horizon(weekly: WeeklyColumns, sc: Scenario, ongoing_rate: float) -> dict[str, float]:
    """Costs and the three levels of benefit over the economic horizon.

    Beyond the simulated weeks the programme is over: the last four weeks' benefit per
    week is carried forward, and so are the ongoing costs (`ongoing_rate`, EUR a week:
    licences and the anchored structures), not the programme's measures (docs/ODD.md).
    """
    eco = sc.economics
    weeks = int(round(52 * eco.horizon_years))
    cost, benefit = (
        np.asarray(weekly[c]) for c in ("cost_cumulative_eur", "benefit_cumulative_eur")
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
        "horizon_cost_eur": c,
        "horizon_benefit_direct_eur": d,
        "horizon_benefit_indirect_eur": indirect,
        "horizon_benefit_strategic_eur": strategic,
        "roi_horizon": (d + indirect + strategic - c) / c if c > 0 else None,
    }


def pilot_and_scaled(sim: Simulation) -> dict[str, float | None]:
    """Active use at the end among the pilot's members and among the other target users
    (both null without a pilot): a pilot can succeed while the scale-up does not."""
    st, target = sim.state, sim.wf.is_target
    pilot, rest = target & st.pilot, target & ~st.pilot
    if not pilot.any():
        return {"pilot_active_share": None, "scaled_active_share": None}
    active = st.stage == ACTIVE
    scaled = float(active[rest].mean()) if rest.any() else None
    return {"pilot_active_share": float(active[pilot].mean()), "scaled_active_share": scaled}


def _max(values: np.ndarray) -> float:
    """The largest value, NaN skipped (as pandas' max): NaN only if all are NaN."""
    kept = values[~np.isnan(values)]
    return float(kept.max()) if kept.size else float("nan")


def summarise(sim: Simulation, weekly: WeeklyColumns) -> dict[str, Any]:
    """The run summary (DESIGN section 4) plus final_<column> for every weekly column.

    `weekly`: the weekly table, as a DataFrame or as `Recorder.columns`."""
    sc = sim.scenario
    active = np.asarray(weekly["active_share"])
    positive, resistant = (np.asarray(weekly[c]) for c in ("positive_share", "resistant_share"))
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
        "peak_active_share": float(np.nanmax(active)) if np.isfinite(active).any() else None,
        "stable_use_week": stable_use_week(active),
        "initial_positive_share": float(positive[0]),
        "final_positive_share": float(positive[-1]),
        "final_resistant_share": float(resistant[-1]),
        "peak_resistant_share": _max(resistant),
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
    for col in NUMERIC_COLUMNS:
        v = float(np.asarray(weekly[col])[-1])
        out[f"final_{col}"] = None if np.isnan(v) else v
    out["final_phase"] = str(np.asarray(weekly["phase"])[-1])
    out.update(pilot_and_scaled(sim))
    levels = [out[f"final_{lv}_share"] for lv in ("basic", "advanced", "expert")]
    out["final_basic_or_better_share"] = None if None in levels else float(sum(levels))
    return out


__all__ = [
    "BARRIERS",
    "KPIS",
    "Kpi",
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
