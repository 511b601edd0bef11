"""New use cases: competent active users find new uses; each makes the tool a little
more useful for their department."""

from __future__ import annotations

import numpy as np

from model.jit import njit
from model.parameters import Parameters
from model.state import ACTIVE, COMPETENCE_CUTS, ProgrammeState, State
from model.workforce import Workforce


@njit
def _discover(
    draw: np.ndarray,
    stage: np.ndarray,
    target: np.ndarray,
    innovator: np.ndarray,
    department: np.ndarray,
    n_dep: int,
    competence: np.ndarray,
    use_cases: np.ndarray,
    usefulness: np.ndarray,
    base_usefulness: np.ndarray,
    rates: np.ndarray,
    community: bool,
    incentives: bool,
) -> None:
    """rates: use-case rate, advanced share, community factor, innovator minimum,
    innovator factor, incentive factor, competence gain, usefulness per use case, cap,
    advanced cut, expert cut."""
    n = draw.size
    per_dep = np.zeros(n_dep, dtype=np.int64)
    found = False
    for i in range(n):
        if not (stage[i] == ACTIVE and target[i]):
            continue
        k = competence[i]
        advanced = 1.0 if k >= rates[9] else 0.0
        expert = 1.0 if k >= rates[10] else 0.0
        rate = rates[0] * (rates[1] * advanced + (1.0 - rates[1]) * expert)
        if community:
            rate = rate * rates[2]
        if innovator[i]:
            rate = max(rate, rates[3]) * rates[4]
        if incentives:
            rate = rate * rates[5]
        if draw[i] < rate:
            found = True
            use_cases[i] += 1
            # conceiving new use cases is what makes an expert (DOMAIN section 5)
            competence[i] += rates[6] * (1.0 - k)
            per_dep[department[i]] += 1
    if not found:
        return
    for i in range(n):
        bonus = min(
            rates[7] * per_dep[department[i]], rates[8] - (usefulness[i] - base_usefulness[i])
        )
        usefulness[i] = usefulness[i] + max(bonus, 0.0)


def discover(
    st: State,
    wf: Workforce,
    prog: ProgrammeState,
    base_usefulness: np.ndarray,
    p: Parameters,
    rng: np.random.Generator,
) -> None:
    """This week's new use cases (a draw for every employee, every week)."""
    a = p.anchoring
    draw = rng.random(wf.n)
    rates = np.array(
        [
            p.use_case_rate, a.advanced_share, a.community_use_case_factor,
            a.innovator_min_rate, a.innovator_factor, a.incentive_use_case_factor,
            a.use_case_competence, a.usefulness_per_use_case, a.usefulness_cap,
            COMPETENCE_CUTS[1], COMPETENCE_CUTS[2],
        ],
        dtype=np.float64,
    )  # fmt: skip
    _discover(
        draw, st.stage, wf.is_target, st.innovator, wf.department, int(wf.department.max()) + 1,
        st.competence, st.use_cases, st.usefulness, base_usefulness, rates,
        bool(prog.community), bool(prog.incentives),
    )  # fmt: skip
