"""New use cases: competent active users find new uses; each makes the tool a little
more useful for their department."""

from __future__ import annotations

import numpy as np

from model.parameters import Parameters
from model.state import ACTIVE, COMPETENCE_CUTS, ProgrammeState, State
from model.workforce import Workforce


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
    active = (st.stage == ACTIVE) & wf.is_target
    if not active.any():
        return
    k = st.competence
    expert, advanced = k >= COMPETENCE_CUTS[2], k >= COMPETENCE_CUTS[1]
    rate = p.use_case_rate * (a.advanced_share * advanced + (1.0 - a.advanced_share) * expert)
    if prog.community:
        rate = rate * a.community_use_case_factor
    rate = np.where(st.innovator, np.maximum(rate, a.innovator_min_rate) * a.innovator_factor, rate)
    if prog.incentives:
        rate = rate * a.incentive_use_case_factor
    new = active & (draw < rate)
    st.use_cases += new
    # conceiving new use cases is what makes an expert (DOMAIN section 5)
    st.competence += a.use_case_competence * new * (1.0 - st.competence)
    if new.any():
        per_dep = np.bincount(wf.department[new], minlength=wf.department.max() + 1)
        bonus = np.minimum(
            a.usefulness_per_use_case * per_dep[wf.department],
            a.usefulness_cap - (st.usefulness - base_usefulness),
        )
        st.usefulness = st.usefulness + np.maximum(bonus, 0.0)
