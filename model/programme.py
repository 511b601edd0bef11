"""The five-phase programme: phase timing (planned or gated), rollout, and weekly doses.

Week numbering: row 0 of every table is the state before anything happens; step `t`
simulates week `t` (1, 2, ...). A start week of 0 means "from the first week".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from model.scenario import Communication, Scenario

PHASES = ("awareness", "vision", "empowerment", "implementation", "anchoring")

# channel: (reach of the audience, depth of the message, participant hours)
CHANNELS: dict[str, tuple[float, float, float]] = {
    "email": (0.60, 0.20, 0.05),
    "intranet": (0.35, 0.25, 0.10),
    "newsletter": (0.50, 0.25, 0.10),
    "faq_portal": (0.30, 0.45, 0.25),
    "video": (0.60, 0.50, 0.10),
    "info_event": (0.75, 0.45, 1.00),
    "meeting": (0.90, 0.50, 0.75),
    "team_workshop": (0.90, 0.80, 1.50),
    "hands_on": (0.90, 1.00, 2.00),
    "management_workshop": (0.95, 0.85, 3.00),
    "executive_briefing": (0.95, 0.70, 1.00),
    "formal_consultation": (0.95, 0.80, 2.00),
    "ai_breakfast": (0.35, 0.60, 0.75),
}
# framing: (understanding, benefit knowledge, persuasion, concern relief)
FRAMINGS: dict[str, tuple[float, float, float, float]] = {
    "technical": (1.00, 0.35, 0.25, 0.0),
    "benefits": (0.70, 0.90, 0.70, 0.3),
    "storytelling": (0.60, 0.90, 1.00, 1.0),
}
# format: (retention one week later, trainer cost in EUR per participant hour)
FORMATS: dict[str, tuple[float, float]] = {
    "lecture": (0.075, 3.0),
    "manual": (0.125, 1.0),
    "demo": (0.325, 6.0),
    "practice": (0.725, 15.0),
    "peer_teaching": (0.875, 8.0),
    "microlearning": (0.45, 2.0),
    "mentoring": (0.70, 35.0),
}
MAX_TRAINING_HOURS = 40.0
HOURS_PER_WEEK = 40.0


def message_weeks(c: Communication) -> range:
    """The weeks in which a communication entry sends its message (from its start,
    every `every_weeks` weeks up to `end_week`; once when `every_weeks` is 0)."""
    start = max(c.start_week, 1)
    end = sys.maxsize if c.end_week is None else max(c.end_week, 1)
    if c.every_weeks == 0:
        return range(start, min(start, end) + 1)
    return range(start, end + 1, c.every_weeks)


@dataclass
class PhaseClock:
    """Start weeks of the five phases; with gating, a phase waits for its predecessor."""

    planned: dict[str, int]
    gated: bool
    max_wait: int
    started: dict[str, int] = field(default_factory=dict)

    def update(self, week: int, criteria_met: dict[str, int | None]) -> None:
        """Start every phase whose time has come in `week`."""
        for i, phase in enumerate(PHASES):
            if phase in self.started:
                continue
            if i > 0 and PHASES[i - 1] not in self.started:
                return
            due = max(self.planned[phase], 1)
            if week < due:
                return
            if self.gated and i > 0:
                met = criteria_met.get(PHASES[i - 1]) is not None
                if not met and week < due + self.max_wait:
                    return
            self.started[phase] = week

    def current(self) -> str:
        """The latest phase that has started ("preparation" before the first)."""
        # phases start in order (`update`), so the latest is the last one entered
        return next(reversed(self.started), "preparation")

    def start(self, phase: str) -> int | None:
        return self.started.get(phase)


def planned_phases(scenario: Scenario) -> dict[str, int]:
    """Planned start weeks; `big_bang` starts everything at once in the first week."""
    ph = scenario.strategy.phases
    weeks = {p: getattr(ph, p) for p in PHASES}
    if scenario.strategy.rollout == "big_bang":
        first = min(weeks.values())
        weeks = dict.fromkeys(PHASES, first)
    return weeks


def training_hours_per_trainee(scenario: Scenario, trainees: int) -> tuple[float, float]:
    """Hours of training per trainee the training budget buys, and the trainers' fee
    per participant hour (cash; participants' own time is costed separately)."""
    tr = scenario.strategy.training
    weights = {f: w for f, w in tr.formats.items() if w > 0}
    if trainees == 0 or tr.budget_share <= 0 or not weights:
        return 0.0, 0.0
    total = sum(weights.values())
    fee = sum(w / total * FORMATS[f][1] for f, w in weights.items())
    budget = scenario.budget_eur * tr.budget_share
    return min(budget / (trainees * fee), MAX_TRAINING_HOURS), fee


def mean_retention(scenario: Scenario) -> float:
    """Retention of the format mix (weights normalised)."""
    weights = {f: w for f, w in scenario.strategy.training.formats.items() if w > 0}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w / total * FORMATS[f][0] for f, w in weights.items())
