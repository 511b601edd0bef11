"""Scenario schema: presets, TOML round trip, dotted overrides and user-error reporting."""

from __future__ import annotations

from pathlib import Path

import pytest

from model import Scenario, ScenarioError, dump_scenario, load_scenario, preset_names
from model.scenario import parse_override

PRESETS = preset_names()


def _problems(exc: pytest.ExceptionInfo) -> list:
    assert isinstance(exc.value, ScenarioError)
    assert exc.value.problems, "a ScenarioError must carry at least one problem"
    return exc.value.problems


def _one(exc: pytest.ExceptionInfo, key: str):
    matches = [p for p in _problems(exc) if p.key == key]
    assert matches, f"no problem for {key!r} in {[str(p) for p in _problems(exc)]}"
    return matches[0]


def _write(tmp_path: Path, text: str, name: str = "scen.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- presets


def test_the_design_presets_exist():
    for name in ("typical_sme", "five_phase", "validation/bass", "validation/threshold"):
        assert name in PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads(name):
    sc = load_scenario(name)
    assert isinstance(sc, Scenario)
    assert sc.name
    assert sc.weeks >= 1


@pytest.mark.parametrize("name", PRESETS)
def test_preset_round_trips_through_toml(name, tmp_path):
    sc = load_scenario(name)
    path = tmp_path / "out.toml"
    dump_scenario(sc, path)
    again = load_scenario(path)
    assert again == sc
    assert again.to_toml() == sc.to_toml()


def test_round_trip_keeps_overridden_parameters_and_lists(tmp_path):
    sc = load_scenario(
        "typical_sme",
        {
            "parameters.trial_rate": 0.2,
            "parameters.culture.hierarchy.openness": -0.5,
            "dynamics.threshold.seed_ids": [1, 2],
            "strategy.anchoring.process_integration_week": 20,
        },
    )
    dump_scenario(sc, tmp_path / "x.toml")
    again = load_scenario(tmp_path / "x.toml")
    assert again == sc
    assert again.parameters.trial_rate == 0.2
    assert again.parameters.culture["hierarchy"].openness == -0.5
    assert again.dynamics.threshold.seed_ids == [1, 2]


def test_preset_by_short_name_or_folder_or_path_is_the_same():
    a = load_scenario("bass")
    b = load_scenario("validation/bass")
    c = load_scenario(Path(__file__).parent.parent / "scenarios" / "validation" / "bass.toml")
    assert a == b == c


def test_an_empty_file_gives_the_defaults(tmp_path):
    assert load_scenario(_write(tmp_path, "")) == Scenario()


def test_scenario_is_frozen(sme):
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        sme.weeks = 3


# --------------------------------------------------------------------------- overrides


def test_dotted_overrides_as_dict_and_as_strings_agree():
    d = load_scenario(
        "typical_sme",
        {
            "strategy.champions.count": 12,
            "organisation.culture": "innovation",
            "tool.target_roles": ["admin"],
        },
    )
    s = load_scenario(
        "typical_sme",
        [
            "strategy.champions.count=12",
            "organisation.culture=innovation",
            'tool.target_roles=["admin"]',
        ],
    )
    assert d == s
    assert d.strategy.champions.count == 12
    assert d.organisation.culture == "innovation"
    assert d.tool.target_roles == ["admin"]


def test_override_changes_only_its_key(sme):
    sc = load_scenario("typical_sme", {"strategy.champions.count": 12})
    assert sc.strategy.champions.count == 12
    assert sc.model_copy(update={"strategy": sme.strategy}) == sme


def test_override_values_are_parsed_as_toml():
    assert parse_override("weeks=12") == ("weeks", 12)
    assert parse_override("tool.usefulness = 0.7") == ("tool.usefulness", 0.7)
    assert parse_override("organisation.works_council=false") == (
        "organisation.works_council",
        False,
    )
    assert parse_override('name="a b"') == ("name", "a b")
    assert parse_override("organisation.culture=hierarchy") == ("organisation.culture", "hierarchy")
    assert parse_override("strategy.training.formats={practice=1}") == (
        "strategy.training.formats",
        {"practice": 1},
    )


def test_override_of_a_table_key_replaces_the_table():
    sc = load_scenario("typical_sme", ["strategy.training.formats={practice=1.0}"])
    assert sc.strategy.training.formats == {"practice": 1.0}


def test_override_on_a_scenario_object(sme):
    sc = load_scenario(sme, {"weeks": 10})
    assert sc.weeks == 10 and sme.weeks == 52
    assert sme.with_overrides({}) is sme


def test_overrides_are_validated(sme):
    with pytest.raises(ScenarioError) as exc:
        sme.with_overrides({"tool.usefulness": 2.0})
    p = _one(exc, "tool.usefulness")
    assert p.source == "overrides"  # an API call names no CLI flag (issue 13)


# --------------------------------------------------------------------------- bad input


def test_unknown_key_names_file_key_value(tmp_path):
    path = _write(tmp_path, "[organisation]\nemployees = 50\ncolour = 'blue'\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    p = _one(exc, "organisation.colour")
    assert p.source == str(path)
    assert p.value == "blue"
    assert "employees" in p.allowed and "culture" in p.allowed  # the keys that do exist
    assert "unknown key" in str(p)


def test_unknown_top_level_table(tmp_path):
    path = _write(tmp_path, "[organization]\nemployees = 50\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert _one(exc, "organization").source == str(path)


def test_wrong_type_names_the_expected_type(tmp_path):
    path = _write(tmp_path, "[organisation]\nemployees = 'many'\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    p = _one(exc, "organisation.employees")
    assert p.source == str(path)
    assert p.value == "many"
    assert "integer" in p.allowed


def test_fractional_number_for_an_integer_key(tmp_path):
    path = _write(tmp_path, "weeks = 2.5\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    p = _one(exc, "weeks")
    assert p.value == 2.5 and "integer" in p.allowed


@pytest.mark.parametrize(
    ("text", "key", "value", "allowed"),
    [
        ("[tool]\nusefulness = 1.5\n", "tool.usefulness", 1.5, "[0.0, 1.0]"),
        ("[organisation]\nemployees = 1\n", "organisation.employees", 1, "[2, 200000]"),
        ("weeks = 0\n", "weeks", 0, "[1, 520]"),
        ("[budget]\nhourly_cost_eur = 0\n", "budget.hourly_cost_eur", 0, "(0.0, 100000.0]"),
        ("[organisation.roles]\nadmin = -1\n", "organisation.roles.admin", -1, "[0.0, 1000000.0]"),
        ("[parameters]\ntrial_rate = 2\n", "parameters.trial_rate", 2, "[0.0, 1.0]"),
        (
            "[parameters.culture.harmony]\nconformity = -1\n",
            "parameters.culture.harmony.conformity",
            -1,
            "[0.0, 1.0]",
        ),
        (
            "[dynamics.threshold]\nseed_ids = [1, -2]\n",
            "dynamics.threshold.seed_ids.1",
            -2,
            "[0, 200000]",
        ),
        (
            "[strategy.anchoring]\nprocess_integration_week = 600\n",
            "strategy.anchoring.process_integration_week",
            600,
            "[0, 520]",
        ),
    ],
)
def test_out_of_range_names_the_range(tmp_path, text, key, value, allowed):
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    p = _one(exc, key)
    assert p.source == str(path)
    assert p.value == value
    assert allowed in p.allowed


def test_bad_choice_lists_the_choices(tmp_path):
    path = _write(tmp_path, "[organisation]\nculture = 'chaos'\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    p = _one(exc, "organisation.culture")
    assert p.value == "chaos"
    for culture in ("innovation", "performance", "harmony", "hierarchy"):
        assert culture in p.allowed


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = _write(
        tmp_path,
        "weeks = -1\n[organisation]\nfoo = 1\nculture = 'x'\n[network]\nkind = 'star'\n",
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    keys = {p.key for p in _problems(exc)}
    assert {"weeks", "organisation.foo", "organisation.culture", "network.kind"} <= keys
    assert len(str(exc.value).splitlines()) == len(_problems(exc))


def test_cross_field_rules(tmp_path):
    bad_phases = _write(tmp_path, "[strategy.phases]\nvision = 10\nempowerment = 5\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(bad_phases)
    assert "must not decrease" in str(exc.value)
    with pytest.raises(ScenarioError) as exc:
        load_scenario("typical_sme", {"dynamics.threshold.phi": [0.1, 0.2]})
    assert "one value per employee" in str(exc.value)
    with pytest.raises(ScenarioError) as exc:
        load_scenario("typical_sme", {"dynamics.threshold.seed_ids": [120]})
    assert "seed_ids" in str(exc.value)


def test_unknown_preset_lists_the_presets():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("no_such_preset")
    (p,) = _problems(exc)
    assert p.source == "no_such_preset"
    assert p.value == "no_such_preset"
    assert "typical_sme" in p.allowed and "five_phase" in p.allowed


def test_missing_file(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ScenarioError) as exc:
        load_scenario(missing)
    (p,) = _problems(exc)
    assert p.source == str(missing)
    assert "existing" in p.allowed


def test_malformed_toml_names_the_file_and_line(tmp_path):
    path = _write(tmp_path, "name = 'x'\n[organisation\nemployees = 3\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (p,) = _problems(exc)
    assert p.source == str(path)
    assert "malformed TOML" in p.message and "line 2" in p.message
    assert p.allowed == "valid TOML"


@pytest.mark.parametrize("text", ["strategy.champions.count", "=3", "a..b=1", ".weeks=2"])
def test_bad_set_syntax(text):
    with pytest.raises(ScenarioError) as exc:
        load_scenario("typical_sme", [text])
    (p,) = _problems(exc)
    assert p.source == "--set"
    assert "KEY=VALUE" in p.allowed or "dotted key" in p.allowed


def test_set_of_a_bad_value_names_set_key_value_and_range():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("typical_sme", ["strategy.champions.count=-3"])
    p = _one(exc, "strategy.champions.count")
    assert p.source == "--set" and p.value == -3 and "[0, 10000]" in p.allowed


def test_set_through_a_value_is_refused():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("typical_sme", ["weeks.total=3"])
    p = _one(exc, "weeks.total")
    assert "not a table" in p.allowed


def test_set_of_an_unknown_key():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("typical_sme", ["strategy.champions.colour=3"])
    p = _one(exc, "strategy.champions.colour")
    assert p.source == "--set" and p.value == 3


def test_problem_text_has_every_part(tmp_path):
    path = _write(tmp_path, "[tool]\nreliability = 7\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    line = str(exc.value)
    for part in (str(path), "tool.reliability", "7", "allowed", "[0.0, 1.0]"):
        assert part in line
