"""adoptsim: an agent-based simulator of AI adoption and change management in organisations."""

from model.errors import Problem, ScenarioError
from model.model import AdoptionModel
from model.run import RunResult, run
from model.scenario import Scenario, dump_scenario, load_scenario, preset_names

__version__ = "0.1.0"

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
]
