"""The employees' side of a week in two compiled calls, around the levers' responses.

`learn_and_hear` (after messages and training): the network averages of use, of users'
skill and of awareness; practice and forgetting; the grapevine and rumours.

`employee_week` (after the levers' responses): attitudes take one Friedkin-Johnsen
step and concerns drift towards the colleagues' (`influence`); support demand meets
the hours available (`support`); each employee's experienced value; trials start;
trials and use turn into active use or lapse; hours freed; experience of the tool;
word of mouth.

`end_of_week` (after the levers have booked): change fatigue (`training.tire`), then
beliefs, trust, competence and concerns are kept in [0, 1].

Each step is its process's own kernel (in `training`, `communication`, `influence`,
`support` and `adoption`, where the per-process functions call the same kernels with
the same coefficients); this module only chains them, so that a week costs three calls
from Python instead of about twenty-five.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.jit import csr_matvec, csr_matvecs, njit
from model.processes.adoption import (
    _experience,
    _hours,
    _transitions,
    _try,
    _value,
    _word_of_mouth,
    delivered,
    effective_reliability,
    experience_coeffs,
    hours_coeffs,
    managers_using,
    transition_coeffs,
    try_coeffs,
    value_coeffs,
    wom_coeffs,
)
from model.processes.communication import _grapevine, grapevine_coeffs
from model.processes.concerns import band
from model.processes.influence import fj_and_contagion
from model.processes.support import served, support_coeffs
from model.processes.training import _practice, _tire, practice_coeffs, tire_coeffs
from model.state import ACTIVE, TRIAL, clip_unit

if TYPE_CHECKING:
    from model.engine import Simulation


@njit
def _learn_and_hear(
    w_plain: tuple, stage: np.ndarray, competence: np.ndarray, aware: np.ndarray,
    support: np.ndarray, skill_ceiling: np.ndarray, understand: np.ndarray,
    informed: np.ndarray, concerns: np.ndarray, ceiling: np.ndarray,
    c_practice: np.ndarray, c_grapevine: np.ndarray,
):  # fmt: skip
    """Returns (using, using share); updates competence, understanding, awareness,
    information and concerns in place. c_grapevine: word of mouth, observation, rumour
    rate, information decay (`grapevine_coeffs`)."""
    n = stage.size
    using = np.empty(n)
    for i in range(n):
        using[i] = 1.0 if (stage[i] == TRIAL or stage[i] == ACTIVE) else 0.0
    near = csr_matvecs(w_plain[0], w_plain[1], w_plain[2], (using, competence * using, aware))
    _practice(stage, support, skill_ceiling, near[1], near[0], c_practice, competence, understand)
    _grapevine(near[2], near[0], c_grapevine, aware, informed, concerns, ceiling)
    return using, near[0]


def learn_and_hear(sim: Simulation, rumour_factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Practice, forgetting, grapevine and rumours (see the module); returns who uses
    the tool this week (0/1) and the share of each one's colleagues who do.
    `rumour_factor` scales the rumour rate (objection anticipation lowers it)."""
    st, p = sim.state, sim.p
    return _learn_and_hear(
        _csr(sim.w_plain), st.stage, st.competence, st.aware, st.support, sim.ceiling,
        st.understand, st.informed, st.concerns, band(st, p)[1],
        practice_coeffs(p, sim.prog.community), grapevine_coeffs(p, rumour_factor),
    )  # fmt: skip


@njit
def _week(
    w_influence: tuple, adj: tuple, w_plain: tuple,
    target: np.ndarray, role: np.ndarray, department: np.ndarray, n_dep: int,
    attitude: np.ndarray, own: np.ndarray, lam: np.ndarray, concerns: np.ndarray,
    floor: np.ndarray, ceiling: np.ndarray,
    stage: np.ndarray, weeks_in_stage: np.ndarray, ever_user: np.ndarray,
    habit: np.ndarray, competence: np.ndarray, usefulness: np.ndarray,
    support: np.ndarray, champion: np.ndarray, access: np.ndarray, aware: np.ndarray,
    trust: np.ndarray, benefit: np.ndarray, informed: np.ndarray,
    using: np.ndarray, using_share: np.ndarray, u_try: np.ndarray, u_stay: np.ndarray,
    contagion: float, mandate: bool,
    c_support: np.ndarray, c_value: np.ndarray, c_try: np.ndarray,
    c_stay: np.ndarray, c_hours: np.ndarray, c_exp: np.ndarray, c_wom: np.ndarray,
):  # fmt: skip
    """Returns (attitude, served share, value, hours freed, relief); updates the
    rest of the state in place. Matrices come as (indptr, indices, data)."""
    attitude = fj_and_contagion(
        w_influence[0], w_influence[1], w_influence[2], attitude, own, lam, concerns,
        contagion,
    )  # fmt: skip
    share_served = served(stage, target, competence, champion, c_support)
    value = _value(competence, usefulness, attitude, support, concerns, c_value, share_served)
    eligible = target & access
    using_count = csr_matvec(adj[0], adj[1], adj[2], using)
    leaders = managers_using(role, department, n_dep, using)
    _try(
        u_try, eligible, using_share, using_count, leaders, mandate, c_try, attitude, aware,
        stage, weeks_in_stage, ever_user,
    )  # fmt: skip
    quit_now = _transitions(u_stay, value, c_stay, stage, weeks_in_stage, ever_user, habit)
    hours = _hours(stage, target, competence, usefulness, c_hours)
    relief = _experience(
        stage, value, hours, c_exp, trust, benefit, informed, concerns, floor, ceiling
    )
    told = csr_matvecs(
        w_plain[0], w_plain[1], w_plain[2], (relief.astype(np.float64), quit_now.astype(np.float64))
    )
    _word_of_mouth(told[0], told[1], c_wom, benefit, concerns, ceiling)
    return attitude, share_served, value, hours, relief


def _csr(a) -> tuple:
    return a.indptr, a.indices, a.data


def employee_week(sim: Simulation, using: np.ndarray, using_share: np.ndarray) -> None:
    """The employees' week after the levers (see the module): `using` is who used the
    tool at the start of the week (0/1), `using_share` the share of colleagues who did.
    Draws two blocks of uniforms from the run's generator (trial, then transitions)."""
    st, wf, p, cp, prog, sc = sim.state, sim.wf, sim.p, sim.cp, sim.prog, sim.scenario
    n = wf.n
    u_try, u_stay = sim.rng.random(n), sim.rng.random(n)
    integrated = prog.integrated
    habit_boost = (p.habit_integration if integrated else 0.0) + (
        p.anchoring.community_habit if prog.community else 0.0
    )
    floor, ceiling = band(st, p)
    c_try, c_wom, c_exp = sim.per_plan("employee_week", _fixed_coeffs)
    delivery = delivered(sc.tool, p, prog.integration)
    c_support = support_coeffs(n, sim.plan.champions.time_share, prog.trainer_hours, p)
    attitude, prog.served, st.value, st.hours_freed, st.relief = _week(
        _csr(sim.w_influence), _csr(sim.adj), _csr(sim.w_plain),
        wf.is_target, wf.role, wf.department, sim.n_departments,
        st.attitude, st.own, sim.lam, st.concerns, floor, ceiling,
        st.stage, st.weeks_in_stage, st.ever_user, st.habit, st.competence, st.usefulness,
        st.support, st.champion, st.access, st.aware, st.trust, st.benefit, st.informed,
        using, using_share, u_try, u_stay, p.concern_contagion, bool(integrated),
        c_support, value_coeffs(sc.tool, delivery, prog.friction, p, cp), c_try,
        transition_coeffs(habit_boost, p, cp), hours_coeffs(sc.tool, p, prog.integration),
        c_exp, c_wom,
    )  # fmt: skip
    st.attitude = attitude


def _fixed_coeffs(sim: Simulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The coefficients of trial, word of mouth and experience: fixed for a plan."""
    p, cp = sim.p, sim.cp
    reliability = effective_reliability(sim.scenario.tool, p)
    return try_coeffs(p, cp), wom_coeffs(p, cp), experience_coeffs(reliability, p)


@njit
def _end(
    c_tire: np.ndarray, fatigue: np.ndarray, exposure: np.ndarray, receptivity: np.ndarray,
    concerns: np.ndarray, ceiling: np.ndarray, aware: np.ndarray, understand: np.ndarray,
    knows_benefit: np.ndarray, benefit: np.ndarray, trust: np.ndarray,
    competence: np.ndarray,
) -> None:  # fmt: skip
    _tire(c_tire, fatigue, exposure, receptivity, concerns, ceiling)
    clip_unit(aware, understand, knows_benefit, benefit, trust, competence)
    clip_unit(concerns)


def end_of_week(sim: Simulation) -> None:
    """Change fatigue, then beliefs, trust, competence and concerns kept in [0, 1]."""
    st, p = sim.state, sim.p
    _end(
        sim.per_plan("tire", lambda s: tire_coeffs(s.p)), st.fatigue, st.exposure,
        st.receptivity, st.concerns, band(st, p)[1], st.aware, st.understand,
        st.knows_benefit, st.benefit, st.trust, st.competence,
    )  # fmt: skip
