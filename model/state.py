"""The structure of arrays holding every employee's dynamic state (one array per variable)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.jit import njit
from model.workforce import Workforce

STAGES = ("non_user", "trial", "active", "lapsed")
NON_USER, TRIAL, ACTIVE, LAPSED = range(4)
EXISTENTIAL, OVERLOAD, CONTROL, QUALITY = range(4)
COMPETENCE_LEVELS = ("none", "basic", "advanced", "expert")
COMPETENCE_CUTS = (0.25, 0.6, 0.85)  # basic, advanced, expert thresholds


@dataclass
class State:
    """Dynamic per-employee state; all arrays have length n (concerns: 4 x n)."""

    aware: np.ndarray
    understand: np.ndarray
    knows_benefit: np.ndarray
    benefit: np.ndarray
    concerns: np.ndarray
    concerns0: np.ndarray  # initial intensities: the band concerns move in
    trust: np.ndarray
    attitude: np.ndarray
    own: np.ndarray
    shift: np.ndarray  # lever-induced shift of the own attitude (latent scale)
    competence: np.ndarray
    stage: np.ndarray
    weeks_in_stage: np.ndarray
    informed: np.ndarray
    access: np.ndarray
    habit: np.ndarray
    value: np.ndarray
    hours_freed: np.ndarray
    relief: np.ndarray
    ever_user: np.ndarray
    use_cases: np.ndarray
    champion: np.ndarray
    adviser: np.ndarray
    advocate: np.ndarray  # an adviser won over (the others hardened)
    innovator: np.ndarray
    pilot: np.ndarray
    support: np.ndarray  # weekly support from champions / mentors in [0, 1]
    weight: np.ndarray  # influence weight of each employee on colleagues
    usefulness: np.ndarray  # the tool's usefulness for each employee (grows with use cases)
    won: np.ndarray  # has become a success story
    initial_user: np.ndarray  # had used the tool when the anchoring phase began
    fatigue: np.ndarray  # accumulated load of change measures (recovers weekly)
    exposure: np.ndarray  # load of this week's measures
    receptivity: np.ndarray  # share of a measure's effect taken in (fatigue lowers it)
    band: tuple | None = None  # cached (parameters, floor, ceiling) of the concern band

    @classmethod
    def initial(cls, wf: Workforce) -> State:
        """Week-0 state from the sampled workforce (attitude filled by the engine)."""
        n = wf.n
        zeros = np.zeros(n)
        return cls(
            aware=zeros.copy(),
            understand=0.35 * wf.affinity,
            knows_benefit=0.2 * wf.benefit0,
            benefit=wf.benefit0.copy(),
            concerns=wf.concerns0.copy(),
            concerns0=wf.concerns0.copy(),
            trust=wf.trust0.copy(),
            attitude=zeros.copy(),
            own=zeros.copy(),
            shift=zeros.copy(),
            competence=0.3 * wf.affinity,
            stage=np.zeros(n, dtype=np.int8),
            weeks_in_stage=np.zeros(n, dtype=np.int32),
            informed=zeros.copy(),
            access=np.zeros(n, dtype=bool),
            habit=zeros.copy(),
            value=zeros.copy(),
            hours_freed=zeros.copy(),
            relief=np.zeros(n, dtype=bool),
            ever_user=np.zeros(n, dtype=bool),
            use_cases=np.zeros(n, dtype=np.int32),
            champion=np.zeros(n, dtype=bool),
            adviser=np.zeros(n, dtype=bool),
            advocate=np.zeros(n, dtype=bool),
            innovator=np.zeros(n, dtype=bool),
            pilot=np.zeros(n, dtype=bool),
            support=zeros.copy(),
            weight=np.ones(n),
            usefulness=zeros.copy(),
            won=np.zeros(n, dtype=bool),
            initial_user=np.zeros(n, dtype=bool),
            fatigue=zeros.copy(),
            exposure=zeros.copy(),
            receptivity=np.ones(n),
        )

    def set_stage(self, mask: np.ndarray, stage: int) -> None:
        """Move the employees in `mask` to `stage`, restarting their stage clock."""
        self.stage[mask] = stage
        self.weeks_in_stage[mask] = 0
        if stage in (TRIAL, ACTIVE):
            self.ever_user[mask] = True

    def competence_level(self) -> np.ndarray:
        """Index into COMPETENCE_LEVELS."""
        return np.digitize(self.competence, COMPETENCE_CUTS).astype(np.int8)


@njit
def clip_unit(*arrays: np.ndarray) -> None:
    """Clip every value of the given arrays (1-D or 2-D) to [0, 1], in place."""
    for a in arrays:
        flat = a.reshape(-1)
        for i in range(flat.size):
            flat[i] = min(max(flat[i], 0.0), 1.0)


@dataclass
class ProgrammeState:
    """Programme-level state of a run (everything that is not per employee)."""

    friction: float = 1.0  # multiplier of the tool's friction; design feedback lowers it
    successes: int = 0  # pilot successes so far
    communicated: int = 0  # success stories communicated so far
    story_weeks: list[int] = field(default_factory=list)  # the week of each story told
    pending_stories: int = 0  # successes of this week, told next week
    support_peak: float = 0.0  # highest weekly support requests so far
    integrated: bool = False  # AI use is part of job and process descriptions
    community: bool = False  # a community of practice meets
    incentives: bool = False  # incentives reward use and new use cases
    rebuild_influence: bool = False  # a lever changed influence weights this week
    launched: bool = False  # target users have been given the tool
    launch_week: int | None = None  # week of the launch
    integration: float = 0.0  # progress of integrating the tool into existing systems
    served: float = 1.0  # share of this week's support demand that was met
    trainer_hours: float = 0.0  # trainers' hours available for support this week
    pilot_week: int | None = None  # week the pilot started
    fired: set[str] = field(default_factory=set)  # one-off interventions done
