"""Week bookkeeping shared by every UI object that drives a live Simulation."""

from __future__ import annotations

from model import Scenario
from model.engine import Simulation


class SimulationClock:
    """Mixin for objects holding `scenario` and a running `sim`: where the run stands."""

    scenario: Scenario
    sim: Simulation

    @property
    def week(self) -> int:
        return self.sim.week

    @property
    def weeks(self) -> int:
        return self.scenario.weeks

    @property
    def finished(self) -> bool:
        return self.sim.week >= self.scenario.weeks
