"""AdoptionModel: the simulation as a mesa.Model (agents, DataCollector, step)."""

from __future__ import annotations

from typing import Any

import mesa
import pandas as pd

from model.agents import Employee
from model.checks import check_seed
from model.engine import Simulation
from model.metrics import NUMERIC_COLUMNS, summarise
from model.scenario import Scenario, load_scenario


class AdoptionModel(mesa.Model):
    """Mesa model over the vectorised engine; `self.rng` is the only source of randomness.

    AdoptionModel(scenario, seed=s) gives the same results as run(scenario, seed=s).
    """

    def __init__(
        self,
        scenario: Scenario | str = "typical_sme",
        seed: int | None = None,
        overrides: dict[str, Any] | None = None,
    ):
        sc = load_scenario(scenario, overrides)
        super().__init__(seed=sc.seed if seed is None else check_seed(seed))
        self.scenario = sc
        self.sim = Simulation(sc, rng=self.rng)
        for i in range(self.sim.wf.n):
            Employee(self, i)
        self.datacollector = mesa.DataCollector(
            model_reporters={c: _reporter(c) for c in ("phase", *NUMERIC_COLUMNS)}
        )
        self.datacollector.collect(self)

    @property
    def week(self) -> int:
        return self.sim.week

    def step(self) -> None:
        """Advance one week; stop at the scenario's last week."""
        if self.sim.week >= self.scenario.weeks:
            self.running = False
            return
        self.sim.step()
        self.datacollector.collect(self)
        self.running = self.sim.week < self.scenario.weeks

    def weekly(self) -> pd.DataFrame:
        """The weekly KPI table so far."""
        return self.sim.recorder.weekly(self.sim.week)

    def summary(self) -> dict[str, Any]:
        """The run summary so far (without the counterfactual change ROI)."""
        return summarise(self.sim, self.weekly())


def _reporter(column: str):
    if column == "phase":
        return lambda m: m.sim.recorder.phases[-1]
    idx = NUMERIC_COLUMNS.index(column)
    return lambda m: float(m.sim.recorder.row(m.sim.week)[idx])
