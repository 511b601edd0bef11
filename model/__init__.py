"""adoptsim: an agent-based simulator of AI adoption and change management in organisations.

`AdoptionModel` (a mesa.Model) is imported on first use: importing `model` or running
batches does not import Mesa, whose batchrunner forces the `spawn` start method of
multiprocessing on import (DESIGN section 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from model.errors import Problem, ScenarioError
from model.run import RunResult, run
from model.scenario import Scenario, dump_scenario, load_scenario, preset_names

if TYPE_CHECKING:
    from model.model import AdoptionModel

__version__ = "0.8.0"

__all__ = [
    "AdoptionModel",
    "Problem",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "dump_scenario",
    "load_scenario",
    "preset_names",
    "run",
    "run_batch",
]


def __getattr__(name: str) -> Any:
    """Loaded on first use: `AdoptionModel` (Mesa) and `run_batch` (experiments.batch)."""
    if name == "AdoptionModel":
        from model.model import AdoptionModel

        return AdoptionModel
    if name == "run_batch":
        from experiments.batch import run_batch

        return run_batch
    raise AttributeError(f"module 'model' has no attribute {name!r}")
