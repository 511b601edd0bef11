"""Shared fixtures: a small fast scenario, a sampled workforce and its initial state."""

from __future__ import annotations

import numpy as np
import pytest

from model import Scenario, load_scenario
from model.state import State
from model.workforce import Workforce, sample_workforce


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
