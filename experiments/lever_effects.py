"""Paired lever experiments: each lever against the same plan without it, same seeds.

`python -m experiments.lever_effects [--runs 50] [--workers N]` prints, for every lever, the mean
paired difference of the KPI it should move, its 95% CI and whether the sign is the
expected one (a check with `min_runs` runs at least that many). The tests
(tests/test_levers.py) run the same checks on fewer seeds.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.executors import SerialExecutor, make_executor
from experiments.runner import Batch, execute, make_context
from experiments.stats import interval
from model.scenario import load_scenario


@dataclass(frozen=True)
class LeverCheck:
    """Plan `on` against plan `off` (both overrides of `base`): `metric` should move by `sign`."""

    name: str
    metric: str
    sign: int
    on: dict[str, Any]
    off: dict[str, Any] = field(default_factory=dict)
    base: str = "typical_sme"
    # paired seeds at least: a small effect needs more of them to be told from noise
    min_runs: int = 0

    def runs(self, asked: int) -> int:
        """The paired seeds to run when `asked` are asked for."""
        return max(asked, self.min_runs)


_TRAINING = {"strategy.training.budget_share": 0.3}
_STORY = [
    {
        "audience": "all",
        "channel": "team_workshop",
        "framing": "storytelling",
        "start_week": 1,
        "every_weeks": 4,
    }
]
_TECH = [{**_STORY[0], "framing": "technical"}]
_OLDER = {**_TRAINING, "organisation.mean_age": 52.0}
_HEARD = {  # critics are listened to and answered with facts
    "strategy.resistance.concern_board": True,
    "strategy.resistance.objection_anticipation": True,
}

CHECKS: tuple[LeverCheck, ...] = (
    LeverCheck(
        "champions: centrality beats random",
        "final_active_share",
        +1,
        on={"strategy.champions.count": 6, "strategy.champions.selection": "centrality"},
        off={"strategy.champions.count": 6, "strategy.champions.selection": "random"},
        # about +0.017 of active use (docs/calibration.md): 300 pairs see it
        min_runs=300,
    ),
    LeverCheck(
        "champions: 6 champions beat none",
        "final_active_share",
        +1,
        on={"strategy.champions.count": 6},
    ),
    LeverCheck(
        "training: practice beats lecture on competence",
        "final_mean_competence",
        +1,
        on={**_TRAINING, "strategy.training.formats": {"practice": 1.0}},
        off={**_TRAINING, "strategy.training.formats": {"lecture": 1.0}},
    ),
    LeverCheck(
        "training: role-specific beats generic on competence",
        "final_mean_competence",
        +1,
        on={"strategy.training.role_specific": True},
        off={"strategy.training.role_specific": False},
        base="five_phase",
    ),
    LeverCheck(
        "training: tandem teams ease overload (older workforce)",
        "final_concern_overload_share",
        -1,
        on={**_OLDER, "strategy.training.tandem_teams": True},
        off=_OLDER,
    ),
    LeverCheck(
        "communication: storytelling beats technical on expected benefit",
        "final_expects_benefit_share",
        +1,
        on={"strategy.communication": _STORY},
        off={"strategy.communication": _TECH},
    ),
    LeverCheck(
        "transparency: fortnightly updates lower existential concern",
        "final_concern_existential_share",
        -1,
        on={"strategy.transparency.updates_every_weeks": 2},
    ),
    LeverCheck(
        "works council: early lowers control concern against late",
        "final_concern_control_share",
        -1,
        on={"strategy.works_council.involvement": "early"},
        off={"strategy.works_council.involvement": "late"},
    ),
    LeverCheck(
        "works council: ignoring it raises control concern against late",
        "final_concern_control_share",
        +1,
        on={"strategy.works_council.involvement": "none"},
        off={"strategy.works_council.involvement": "late"},
    ),
    LeverCheck(
        "resistance: a concern board lowers resistance",
        "final_resistant_share",
        -1,
        on={"strategy.resistance.concern_board": True},
    ),
    LeverCheck(
        "resistance: objection anticipation lowers existential concern",
        "final_concern_existential_share",
        -1,
        on={"strategy.resistance.objection_anticipation": True},
    ),
    LeverCheck(
        "resistance: critics as advisers, heard and answered, lower resistance",
        "final_resistant_share",
        -1,
        on={**_HEARD, "strategy.resistance.critics_as_advisors": True},
        off=_HEARD,
    ),
    LeverCheck(
        "leadership: role-modelling raises positive attitudes",
        "final_positive_share",
        +1,
        on={"strategy.leadership.role_modelling": True},
    ),
    LeverCheck(
        "quick wins: a broadcast receptive pilot raises expected benefit",
        "final_expects_benefit_share",
        +1,
        on={"strategy.quick_wins.pilot": "most_receptive", "strategy.quick_wins.broadcast": True},
    ),
    LeverCheck(
        "anchoring: process integration raises active use",
        "final_active_share",
        +1,
        on={"strategy.anchoring.process_integration_week": 20},
    ),
    LeverCheck(
        "anchoring: innovator roles create use cases",
        "final_new_use_cases",
        +1,
        on={"strategy.anchoring.innovator_roles": 3},
        off={"strategy.anchoring.innovator_roles": 0},
        base="five_phase",
    ),
    LeverCheck(
        "anchoring: incentives raise positive attitudes",
        "final_positive_share",
        +1,
        on={"strategy.anchoring.incentives": True, "strategy.phases.anchoring": 20},
    ),
    LeverCheck(
        "programme: five_phase beats no_change_management",
        "final_active_share",
        +1,
        on={},
        base="five_phase",
    ),
)


def paired_differences(check: LeverCheck, runs: int, seed: int = 11, executor=None) -> np.ndarray:
    """Metric(on) - metric(off) for `runs` common-random-number seeds.

    The two plans are two design points of one batch of the shared runner: run `i` of
    both uses `runner.run_seed(seed, i)`; `executor` (default: this process) decides
    only where the runs are computed, never their results.
    """
    base = load_scenario(check.base)
    on = base.with_overrides(check.on)
    off = (
        load_scenario("no_change_management")
        if check.name.startswith("programme:")
        else base.with_overrides(check.off)
    )
    ctx = make_context([on, off], {}, seed, counterfactual=False)
    batch = Batch(ctx, [(0, {}), (1, {})], runs)
    values = np.full((2, runs), np.nan)

    def keep(records: list[dict[str, Any]]) -> None:
        for r in records:
            v = r[check.metric]
            values[r["point"], r["run"]] = np.nan if v is None else v

    execute(batch, None, executor or SerialExecutor(), on_result=keep)
    return values[0] - values[1]


def describe(diffs: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval of paired differences (experiments.stats)."""
    mean, lo, hi = interval(diffs, binary=False)
    nan = float("nan")
    return mean, nan if lo is None else lo, nan if hi is None else hi


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (0 = all cores)")
    args = parser.parse_args(argv)
    executor = make_executor(args.workers)
    print(f"{'lever':70s} {'metric':32s} {'mean diff':>10s} {'95% CI':>20s}  ok")
    bad = 0
    for check in CHECKS:
        mean, lo, hi = describe(paired_differences(check, check.runs(args.runs), executor=executor))
        ok = (lo > 0) if check.sign > 0 else (hi < 0)
        bad += not ok
        print(
            f"{check.name:70s} {check.metric:32s} {mean:10.4f} [{lo:8.4f}, {hi:8.4f}]  "
            f"{'yes' if ok else 'NO'}"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
