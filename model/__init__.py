"""adoptsim: an agent-based simulator of AI adoption and change management in organisations."""

from model.errors import Problem, ScenarioError
from model.model import AdoptionModel
from model.run import RunResult, run
from model.scenario import Scenario, dump_scenario, load_scenario, preset_names

__version__ = "0.2.0"


def __getattr__(name: str):
    """`run_batch` (experiments.batch) is loaded on first use: importing the model alone
    stays light."""
    if name == "run_batch":
        from experiments.batch import run_batch

        return run_batch
    raise AttributeError(f"module 'model' has no attribute {name!r}")


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
