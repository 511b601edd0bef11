"""Issue 13: the EMA Workbench adapter. `ema_model` builds a real `ema_workbench.Model`;
>= 50 experiments run through the Workbench's SequentialEvaluator and its PRIM finds
the input that drives the outcome. ema-workbench is the optional extra `[ema]`, which
`make test` installs: without it these tests skip, except in CI where they fail."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import model
from experiments.ema import ema_model
from model import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"organisation.employees": 40, "weeks": 30}
UNCERTAINTIES = {
    "tool.usefulness": (0.2, 0.9),
    "organisation.mean_age": (36.0, 52.0),
    "organisation.culture": ["harmony", "hierarchy"],
}
LEVERS = {"strategy.champions.count": (0, 6)}


def workbench():
    """ema_workbench, or skip (fail in CI, where `make test` installs the extra)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import ema_workbench
    except ImportError:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail("CI is set but ema-workbench is missing: make test installs '.[ema]'")
        pytest.skip("ema-workbench not installed (pip install -e '.[ema]')")
    return ema_workbench


def test_ema_model_is_a_workbench_model_with_typed_parameters():
    ema = workbench()
    m = ema_model(
        "typical_sme",
        {**UNCERTAINTIES, "strategy.leadership.role_modelling": (0, 1)},
        LEVERS,
        outcomes=["final_active_share", "goal_reached"],
        overrides=SMALL,
    )
    assert isinstance(m, ema.Model) and m.name == "adoptsimtypicalsme"
    kinds = {p.name: (type(p).__name__, p.variable_name) for p in [*m.uncertainties, *m.levers]}
    assert kinds == {
        "tool_usefulness": ("RealParameter", ["tool.usefulness"]),
        "organisation_mean_age": ("RealParameter", ["organisation.mean_age"]),
        "organisation_culture": ("CategoricalParameter", ["organisation.culture"]),
        "strategy_leadership_role_modelling": (
            "BooleanParameter",
            ["strategy.leadership.role_modelling"],
        ),
        "strategy_champions_count": ("IntegerParameter", ["strategy.champions.count"]),
    }
    assert [p.name for p in m.levers] == ["strategy_champions_count"]
    assert [o.name for o in m.outcomes] == ["final_active_share", "goal_reached"]
    # a problem file in the sensitivity format gives the uncertainties
    from_file = ema_model("five_phase", ROOT / "experiments" / "discover_example.toml")
    names = [p.variable_name[0] for p in from_file.uncertainties]
    assert "tool.usefulness" in names and len(names) == 6


def test_a_problem_files_text_key_becomes_a_categorical_parameter(tmp_path):
    ema = workbench()
    path = tmp_path / "p.toml"
    levels = '[[parameter]]\nkey = "organisation.culture"\nlevels = ["harmony", "hierarchy"]\n'
    path.write_text(levels)
    (p,) = ema_model("typical_sme", path).uncertainties
    assert isinstance(p, ema.CategoricalParameter)
    assert [c.value for c in p.categories] == ["harmony", "hierarchy"]
    path.write_text(levels + "weights = [1, 3]\n")
    with pytest.raises(ScenarioError) as exc:
        ema_model("typical_sme", path)
    assert "parameter.0.weights" in str(exc.value) and "uniformly" in str(exc.value)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # inside the Workbench's inspect
def test_120_experiments_through_the_workbench_then_its_prim():
    ema = workbench()
    from ema_workbench.analysis import prim

    m = ema_model(
        "typical_sme", UNCERTAINTIES, LEVERS, outcomes=["final_active_share"], overrides=SMALL
    )
    np.random.seed(3)  # the Workbench samples with numpy's global generator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ema.SequentialEvaluator(m) as evaluator:
            experiments, outcomes = ema.perform_experiments(
                m, scenarios=40, policies=3, evaluator=evaluator
            )
    assert len(experiments) == 120
    assert experiments["strategy_champions_count"].dtype.kind == "i"
    assert set(experiments["organisation_culture"]) <= {"harmony", "hierarchy"}
    share = outcomes["final_active_share"]
    assert share.shape == (120,) and np.all((share >= 0) & (share <= 1))
    # the Workbench ran adoptsim itself: the same values as the batch runner's
    rows = experiments.head(4)
    points = [{p.variable_name[0]: row[p.name] for p in [*m.uncertainties, *m.levers]}
              for _, row in rows.iterrows()]  # fmt: skip
    batch = model.run_batch("typical_sme", points, overrides=SMALL)
    assert batch["final_active_share"].tolist() == share[:4].tolist()
    # scenario discovery: when does adoption stay below 30%?
    low = share < 0.3
    assert 10 < low.sum() < 110
    x = experiments.drop(columns=["scenario", "policy", "model"])
    box = prim.Prim(x, low, threshold=0.8).find_box()
    traj = box.peeling_trajectory
    dense = traj[traj["density"] >= 0.8]
    assert len(dense), "a box at least 80% dense"
    best = int(dense.sort_values(["coverage", "density"]).index[-1])
    box.select(best)
    assert box.coverage >= 0.5 and box.density > low.mean()
    (stats, limits), *_ = box.inspect(style="data")
    limits.columns = ["min", "max", "qp_lower", "qp_upper"]
    # the tool's usefulness and the culture drive use: the box cuts off the top of the
    # usefulness range (0.2-0.9) and keeps hierarchy firms, both significantly; age is
    # not what the box is about
    assert limits.loc["tool_usefulness", "max"] < 0.8
    assert limits.loc["tool_usefulness", "qp_upper"] < 0.01
    assert limits.loc["organisation_culture", "min"] == {"hierarchy"}
    qp = limits[["qp_lower", "qp_upper"]].min(axis=1)
    assert set(qp.nsmallest(2).index) == {"tool_usefulness", "organisation_culture"}
    assert qp.nsmallest(2).max() < 0.01


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"uncertainties": {"tool.usefulnes": (0.2, 0.9)}}, "uncertainties: tool.usefulnes"),
        ({"uncertainties": {"tool.usefulness": (0.9, 0.2)}}, "uncertainties: tool.usefulness"),
        ({"uncertainties": {"tool.usefulness": (0.2, 1.5)}}, "tool.usefulness = 1.5 is invalid"),
        ({"uncertainties": {"organisation.culture": ["harmony", "clan"]}}, "culture"),
        ({"uncertainties": "no/such/file.toml"}, "an existing TOML problem file"),
        ({"outcomes": ["main_barrier"]}, "outcomes: main_barrier"),
        ({"levers": {"tool.usefulness": (0.1, 0.5)}}, "levers: tool.usefulness"),
    ],
)
def test_bad_specs_name_the_key_and_what_is_allowed(kwargs, needle):
    workbench()
    args = {"uncertainties": {"tool.usefulness": (0.2, 0.9)}, **kwargs}
    with pytest.raises(ScenarioError) as exc:
        ema_model("typical_sme", **args)
    assert needle in str(exc.value) and "allowed:" in str(exc.value)


POOL = """
import sys, warnings
import numpy as np
warnings.simplefilter("ignore")
import ema_workbench as ema
from experiments.ema import ema_model
m = ema_model("typical_sme", {"tool.usefulness": (0.2, 0.9)}, outcomes=["final_active_share"],
              overrides={"organisation.employees": 40, "weeks": 30})
got = []
for evaluator in (ema.MultiprocessingEvaluator(m, n_processes=2), ema.SequentialEvaluator(m)):
    np.random.seed(5)
    with evaluator:
        _, outcomes = ema.perform_experiments(m, scenarios=6, evaluator=evaluator)
    got.append(outcomes["final_active_share"].tolist())
assert got[0] == got[1] and len(set(got[0])) > 1, got
assert "mesa" not in sys.modules
print("ok")
"""


def test_multiprocessing_evaluator_gives_the_same_outcomes():
    """In a fresh interpreter (as a researcher's script): adoptsim leaves Mesa out and
    the start method alone, so the Workbench's process pool runs the model (a closure)
    and its outcomes equal the sequential ones."""
    workbench()
    res = subprocess.run(
        [sys.executable, "-c", POOL], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip().endswith("ok")
