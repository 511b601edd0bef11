"""`adoptsim advice`: the mechanism checks run through the batch runner and report
every check with its interval; the same seeds give the same table."""

from __future__ import annotations

import json

from experiments.advice import REMOVALS
from experiments.cli import main


def test_advice_reports_every_check_with_an_interval(capsys):
    code = main(["advice", "--runs", "3", "--workers", "1", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert code == (0 if all(c["passed"] for c in out["checks"]) else 1)
    names = [c["name"] for c in out["checks"]]
    assert len(names) == len(set(names)) >= 20 + len(REMOVALS)
    assert any(n.startswith("without champions") for n in names)
    for c in out["checks"]:
        assert {"value", "ci", "passed", "wanted"} <= set(c)
    # a tool that saves nothing is abandoned even on three runs
    zero = next(c for c in out["checks"] if c["name"].startswith("tool saving 0 h"))
    assert zero["passed"] and 0 <= zero["value"] <= 0.10
