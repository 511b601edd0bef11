"""docs/parameters.md is generated from the parameter declarations and kept current."""

from __future__ import annotations

import argparse

from experiments.cli import COMMAND_MODULES
from experiments.params_doc import DOC, GROUNDINGS, markdown, register, rows, ungrounded


def test_parameters_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/parameters.md is stale: run `adoptsim params --markdown --write`"
    )


def test_every_parameter_has_unit_range_and_grounding():
    assert ungrounded() == []
    for r in rows():
        assert r.grounding in GROUNDINGS, r.key
        assert r.lo is not None and r.hi is not None and r.lo <= r.hi, r.key


def test_params_command_prints_every_key(capsys):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["params"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "parameters.trial_rate" in out
    assert "parameters.culture.hierarchy.openness" in out


def test_params_command_is_registered():
    assert "experiments.params_doc" in COMMAND_MODULES
