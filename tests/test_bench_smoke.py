"""`adoptsim bench --quick --json`: every figure is there (the speed targets themselves
are measured by `adoptsim bench`, never asserted in tests)."""

from __future__ import annotations

import json

from experiments.cli import main


def test_bench_quick_json(capsys):
    assert main(["bench", "--quick", "--json"]) == 0
    fig = json.loads(capsys.readouterr().out)
    for key in (
        "cpu_model",
        "nproc",
        "run_250_runs_per_s",
        "run_250_change_roi_runs_per_s",
        "adoptsim_agent_steps_per_s",
        "mesa_virus_agent_steps_per_s",
        "agent_steps_ratio",
        "large_seconds",
        "large_peak_rss_mb",
        "sobol_runs_per_s",
        "sobol_28672_minutes",
    ):
        assert key in fig, key
    assert all(not isinstance(v, dict | list) for v in fig.values())  # one flat object
    assert fig["run_250_runs_per_s"] > 0 and fig["agent_steps_ratio"] > 0
    assert fig["sobol_runs"] == 2 * (fig["sobol_parameters"] + 2)
