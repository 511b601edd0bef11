"""Shared fixtures: a small fast scenario, a sampled workforce and its initial state."""

from __future__ import annotations

import os

import numpy as np
import pytest

from model import Scenario, load_scenario
from model.state import State
from model.workforce import Workforce, sample_workforce


@pytest.fixture(scope="session", autouse=True)
def ui_database(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The UI's SQLite store in a temporary directory, never the user's data directory."""
    os.environ["ADOPTSIM_UI_DB"] = str(tmp_path_factory.mktemp("uidb") / "ui.sqlite3")


@pytest.fixture(scope="session")
def sme() -> Scenario:
    """The `typical_sme` preset (120 employees, 52 weeks)."""
    return load_scenario("typical_sme")


@pytest.fixture(scope="session")
def small(sme: Scenario) -> Scenario:
    """A fast variant of the five-phase plan: 40 employees, 16 weeks, early phases."""
    return load_scenario(
        "five_phase",
        {
            "organisation.employees": 40,
            "weeks": 16,
            "strategy.phases.vision": 2,
            "strategy.phases.empowerment": 3,
            "strategy.phases.implementation": 5,
            "strategy.phases.anchoring": 10,
        },
    )


@pytest.fixture
def workforce(sme: Scenario) -> Workforce:
    """A freshly sampled 120-person workforce (seed 7)."""
    return sample_workforce(sme, np.random.default_rng(7))


@pytest.fixture
def state(workforce: Workforce) -> State:
    """The week-0 state of `workforce` (attitudes neutral)."""
    return State.initial(workforce)


# The output contracts of DESIGN.md section 4, spelled out here (not imported from the
# code) so that a drift in model/metrics.py fails the tests.
DESIGN_WEEKLY_COLUMNS = (
    "week", "phase", "aware_share", "understanding_share", "benefit_share",
    "expects_benefit_share", "positive_share", "mean_attitude", "resistant_share",
    "trial_share", "active_share", "lapsed_share", "basic_share", "advanced_share",
    "expert_share", "support_requests", "nps", "trust", "relief_share",
    "concern_existential_share", "concern_overload_share", "concern_control_share",
    "concern_quality_share", "new_use_cases", "hours_freed", "mean_competence",
    "cost_cumulative_eur", "benefit_cumulative_eur", "roi",
)  # fmt: skip
DESIGN_SNAPSHOT_COLUMNS = (
    "id", "age", "tenure", "tenure_band", "role", "department", "qualification",
    "is_target_user", "is_champion", "attitude", "expects_benefit", "concern_existential",
    "concern_overload", "concern_control", "concern_quality", "trust", "competence",
    "competence_level", "stage",
)  # fmt: skip
DESIGN_SUMMARY_FIELDS = (
    "goal_reached", "goal_week", "final_active_share", "peak_active_share",
    "stable_use_week", "initial_positive_share", "final_positive_share",
    "final_resistant_share", "benefits_realised", "cost_total_eur", "hours_freed_total",
    "roi", "change_roi", "criterion_awareness_week", "criterion_vision_week",
    "criterion_competence_week", "criterion_quick_wins_week", "criterion_anchoring_week",
    "main_barrier",
)  # fmt: skip
