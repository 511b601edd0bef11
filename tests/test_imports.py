"""Lazy Mesa (DESIGN section 2): importing adoptsim and running batches leaves Mesa out.

Mesa 3.3.1's batchrunner calls `multiprocessing.set_start_method("spawn", force=True)`
on import; a tool that imports adoptsim and then uses multiprocessing (EMA Workbench,
joblib) must keep its own start method. Each check runs in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

BATCH = """
import multiprocessing, sys
before = multiprocessing.get_start_method(allow_none=True)
import model, model.run, experiments.cli, experiments.runner, experiments.executors
import experiments.calibrate, experiments.sensitivity, experiments.lever_effects
from experiments.executors import ProcessExecutor, SerialExecutor
from experiments.runner import Batch, execute, make_context
from experiments.store import ResultStore
sc = model.load_scenario("typical_sme", {"organisation.employees": 20, "weeks": 4})
batch = Batch(make_context([sc], {}, 1, counterfactual=False), [(0, {})], runs=4)
for executor in (SerialExecutor(), ProcessExecutor(2)):
    store = ResultStore()
    execute(batch, store, executor, chunk_size=2)
    assert len(store.done()) == 4
assert "mesa" not in sys.modules, "importing or running adoptsim imported Mesa"
assert multiprocessing.get_start_method(allow_none=True) == before, (
    before, multiprocessing.get_start_method(allow_none=True))
print("ok")
"""


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_importing_and_batches_leave_mesa_and_start_method_alone():
    res = _python(BATCH)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


def test_adoption_model_imports_mesa_on_first_use():
    res = _python(
        """
        import sys, model
        assert "mesa" not in sys.modules
        from model import AdoptionModel
        import mesa
        assert issubclass(AdoptionModel, mesa.Model)
        assert model.AdoptionModel is AdoptionModel
        try:
            model.NoSuchThing
        except AttributeError as exc:
            print(exc)
        """
    )
    assert res.returncode == 0, res.stderr
    assert "NoSuchThing" in res.stdout
