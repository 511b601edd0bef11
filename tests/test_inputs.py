"""Input files besides scenarios (experiments/inputs.py): the sensitivity problem file
and the calibration targets file are pydantic models, reported like the scenario."""

from __future__ import annotations

import re

import pytest

from experiments.calibrate import load_targets
from experiments.sensitivity import load_problem
from model import load_scenario
from model.errors import ScenarioError

# every problem line: FILE: KEY: MESSAGE: got VALUE; allowed: ALLOWED
LINE = re.compile(r"^(?P<file>[^:]+): (?P<key>[^:]+): (?P<msg>.+): got (?P<value>.+); allowed: .+$")


def _lines(exc: ScenarioError) -> list[dict[str, str]]:
    out = []
    for p in exc.problems:
        m = LINE.match(str(p))
        assert m, f"not in the scenario's error format: {p}"
        out.append(m.groupdict())
    return out


def test_problem_file_reports_every_problem_in_the_scenario_format(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        'outputs = ["roi", "happiness"]\nsamples = true\nmethod = "fast"\n'
        '[[parameter]]\nkey = "tool.usefulness"\nbounds = [0.9, 0.3]\n'
        '[[parameter]]\nkey = "tool.reliability"\nbounds = [0.5, nan]\ncolour = "red"\n'
    )
    spec, problems = load_problem(path)
    lines = _lines(ScenarioError(problems))
    keys = {line["key"] for line in lines}
    assert keys == {
        "outputs.1", "samples", "method", "parameter.0.bounds", "parameter.1.bounds.1",
        "parameter.1.colour",
    }  # fmt: skip
    assert all(line["file"] == str(path) for line in lines)
    bounds = next(line for line in lines if line["key"] == "parameter.0.bounds")
    assert bounds["value"] == "[0.9, 0.3]" and "lower bound" in bounds["msg"]
    assert spec.parameters == []


def test_duplicate_parameter_key(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        '[[parameter]]\nkey = "tool.usefulness"\nbounds = [0.3, 0.9]\n'
        '[[parameter]]\nkey = "tool.usefulness"\nbounds = [0.3, 0.9]\n'
    )
    _, problems = load_problem(path)
    assert [(p.key, p.value, p.message) for p in problems] == [
        ("parameter.1.key", "tool.usefulness", "duplicate key")
    ]


def test_scenario_problems_share_the_format(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[tool]\nusefulness = 2.0\ncolour = 1\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert {line["key"] for line in _lines(err.value)} == {"tool.usefulness", "tool.colour"}


NEW_KINDS = """
[[target]]
id = "ratio"
scenario = "typical_sme"
runs = 4
kind = "ratio"
field = "goal_reached"
set_a = { "strategy.training.budget_share" = 0.02 }
set_b = { "strategy.training.budget_share" = 0.08 }
value = 2.7
range = [1.8, 4.0]

[[target]]
id = "failed"
scenario = "typical_sme"
population = "sme"
runs = 4
kind = "failed_with"
barrier = "acceptance"
value = 0.58
tolerance = 0.12

[[target]]
id = "variance"
scenario = "typical_sme"
kind = "variance_share"
field = "goal_reached"
samples = 16
people = [{ key = "strategy.champions.count", bounds = [0, 6] }]
technology = [{ key = "tool.reliability", bounds = [0.5, 0.95] }]
value = 0.7
tolerance = 0.15

[[target]]
id = "plausible"
scenario = "five_phase"
runs = 4
kind = "plausible"
holds = ["final_expert_share <= 0.12"]
"""


def test_new_target_kinds_validate(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(NEW_KINDS)
    by_id = {t.id: t for t in load_targets(path)}
    assert by_id["ratio"].spec.range == [1.8, 4.0] and by_id["ratio"].tolerance is None
    assert by_id["ratio"].spec.set_b == {"strategy.training.budget_share": 0.08}
    assert by_id["failed"].spec.barrier == "acceptance"
    assert by_id["variance"].spec.people[0].key == "strategy.champions.count"
    assert by_id["variance"].spec.technology[0].bounds == [0.5, 0.95]
    assert by_id["plausible"].spec.holds == ["final_expert_share <= 0.12"]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("range = [1.8, 4.0]", "", "target 'ratio'.tolerance"),
        ("range = [1.8, 4.0]", "range = [4.0, 1.8]", "target 'ratio'.range"),
        ("set_b = { \"strategy.training.budget_share\" = 0.08 }",
         "set_b = { \"strategy.training.budget_share\" = 8 }",
         "target 'ratio'.set_b.strategy.training.budget_share"),
        ('barrier = "acceptance"', "", "target 'failed'.barrier"),
        ('barrier = "acceptance"', 'barrier = "weather"', "target 'failed'.barrier"),
        ("samples = 16", "samples = 1", "target 'variance'.samples"),
        ("bounds = [0.5, 0.95]", "bounds = [0.95, 0.5]", "target 'variance'.technology.0.bounds"),
        ('holds = ["final_expert_share <= 0.12"]', "holds = []", "target 'plausible'.holds"),
        ('kind = "plausible"', 'kind = "plausible"\nvalue = 1.0', "target 'plausible'.value"),
    ],
)  # fmt: skip
def test_new_target_kinds_report_bad_fields(tmp_path, old, new, key):
    path = tmp_path / "t.toml"
    assert old in NEW_KINDS
    path.write_text(NEW_KINDS.replace(old, new))
    with pytest.raises(ScenarioError) as err:
        load_targets(path)
    assert [line["key"] for line in _lines(err.value)] == [key]
