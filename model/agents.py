"""Employee agents: thin Mesa agents whose attributes read the engine's state arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from model.scenario import ROLES
from model.state import STAGES

if TYPE_CHECKING:
    from model.model import AdoptionModel


class Employee(mesa.Agent):
    """A view on row `index` of the state arrays; nothing is copied."""

    def __init__(self, model: AdoptionModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def _sim(self):
        return self.model.sim

    @property
    def role(self) -> str:
        return ROLES[self._sim.wf.role[self.index]]

    @property
    def age(self) -> float:
        return float(self._sim.wf.age[self.index])

    @property
    def tenure(self) -> float:
        return float(self._sim.wf.tenure[self.index])

    @property
    def department(self) -> int:
        return int(self._sim.wf.department[self.index])

    @property
    def is_target_user(self) -> bool:
        return bool(self._sim.wf.is_target[self.index])

    @property
    def attitude(self) -> float:
        return float(self._sim.state.attitude[self.index])

    @property
    def competence(self) -> float:
        return float(self._sim.state.competence[self.index])

    @property
    def trust(self) -> float:
        return float(self._sim.state.trust[self.index])

    @property
    def stage(self) -> str:
        return STAGES[self._sim.state.stage[self.index]]

    @property
    def is_champion(self) -> bool:
        return bool(self._sim.state.champion[self.index])

    @property
    def concerns(self) -> dict[str, float]:
        from model.workforce import CONCERNS

        return {c: float(self._sim.state.concerns[i, self.index]) for i, c in enumerate(CONCERNS)}
