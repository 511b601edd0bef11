"""Command `robustness`: does a ranking of plans survive the model's assumptions?

    adoptsim robustness five_phase typical_sme big_bang pilot_first \\
        --problem experiments/assumptions.toml --samples 32 --runs 4 \\
        --by organisation.culture=innovation,performance,harmony,hierarchy

Draws a Latin hypercube of `--samples` points over the problem file's parameters (the
assumption parameters, each over its plausible range), runs every plan at every point
`--runs` times on common random numbers (the same seeds for every plan and point), for
each value of `--by` (e.g. each culture), and compares the plans by the mean of
`--outcome` at each point. It reports, per `--by` value: the ranking at the defaults,
the share of points where that ranking holds exactly, the share where its best plan is
still best, and for every pair of plans the share of points where the first does better.
A ranking that holds at (nearly) every point does not depend on the guesses; one that
flips within the ranges does, and the table says which pair flips.
"""

from __future__ import annotations

import argparse
import itertools
import json
from typing import Any

import numpy as np
import pandas as pd

from experiments.batch import run_batch
from experiments.discovery import lhs
from experiments.sensitivity import check_against_scenario, load_problem, points_of
from model.errors import Problem, ScenarioError
from model.scenario import load_scenario, parse_override


def rank_points(table: pd.DataFrame, plans: list[str]) -> dict[str, Any]:
    """Ranking statistics of one group: `table` has one row per point (index; point -1
    is the defaults) and one column per plan (the outcome's mean over runs)."""
    base = table.loc[-1, plans].sort_values(ascending=False)
    order = list(base.index)
    pts = table.drop(index=-1)
    ranks = pts[plans].to_numpy()
    same = [list(np.array(plans)[np.argsort(-row, kind="stable")]) == order for row in ranks]
    best = pts[plans].idxmax(axis=1) == order[0]
    pairs = {
        f"{a} > {b}": float((pts[a] > pts[b]).mean()) for a, b in itertools.combinations(order, 2)
    }
    return {
        "ranking_at_defaults": order,
        "values_at_defaults": {p: round(float(base[p]), 4) for p in order},
        "ranking_holds": float(np.mean(same)),
        "best_stays_best": float(best.mean()),
        "pairs": pairs,
    }


def robustness(
    plans: list[str],
    problem: str,
    by: tuple[str, list[Any]] | None = None,
    outcome: str = "final_active_share",
    samples: int = 32,
    runs: int = 4,
    seed: int = 1,
    workers: int = 1,
) -> dict[str, Any]:
    """Ranking statistics per value of `by` (see the module docstring)."""
    spec, problems = load_problem(problem)
    for plan in plans:  # a problem every plan shares is reported once
        problems += [
            p for p in check_against_scenario(spec, load_scenario(plan)) if p not in problems
        ]
    if len(plans) < 2:
        problems.append(Problem("robustness", "plans", plans, "at least 2 plans"))
    if by and by[0] in (p.key for p in spec.parameters):
        allowed = "a key the problem file does not vary (its points would override it)"
        problems.append(Problem("--by", "", by[0], allowed))
    if problems:
        raise ScenarioError(problems)
    points = [{}, *points_of(spec, lhs(spec, samples, seed))]
    groups = by[1] if by else [None]
    out: dict[str, Any] = {"outcome": outcome, "samples": samples, "runs": runs, "groups": {}}
    for value in groups:
        fixed = {by[0]: value} if by else {}
        cols = {}
        for plan in plans:
            df = run_batch(plan, points, runs=runs, seed=seed, workers=workers, overrides=fixed)
            cols[plan] = df.groupby("point")[outcome].mean().to_numpy()
        table = pd.DataFrame(cols, index=np.arange(len(points)) - 1)
        out["groups"][str(value)] = rank_points(table, plans)
    return out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "robustness",
        help="does a ranking of plans survive the assumption ranges? (LHS, common seeds)",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("plans", nargs="+", help="two or more presets or scenario files")
    p.add_argument("--problem", required=True, help="problem file (e.g. assumptions.toml)")
    p.add_argument("--by", default=None, help="KEY=V1,V2,...: rank separately for each value")
    p.add_argument("--outcome", default="final_active_share", help="run-summary field")
    p.add_argument("--samples", type=int, default=32, help="LHS points (default 32)")
    p.add_argument("--runs", type=int, default=4, help="runs per point and plan (default 4)")
    p.add_argument("--seed", type=int, default=1, help="sampler and run seed (default 1)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_robustness)


def _by(text: str | None) -> tuple[str, list[Any]] | None:
    if text is None:
        return None
    if "=" not in text:
        raise ScenarioError([Problem("--by", "", text, "KEY=V1,V2,... (e.g. culture values)")])
    key, values = text.split("=", 1)
    return key, [parse_override(f"{key}={v}")[1] for v in values.split(",")]


def cmd_robustness(args: argparse.Namespace) -> int:
    if args.samples < 2 or args.runs < 1:
        raise ScenarioError(
            [Problem("--samples/--runs", "", (args.samples, args.runs), "samples >= 2, runs >= 1")]
        )
    res = robustness(
        args.plans,
        args.problem,
        _by(args.by),
        args.outcome,
        args.samples,
        args.runs,
        args.seed,
        args.workers,
    )
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(f"{res['outcome']}: {res['samples']} assumption points x {res['runs']} runs per plan")
    for group, g in res["groups"].items():
        ranked = [f"{p} ({g['values_at_defaults'][p]:.3f})" for p in g["ranking_at_defaults"]]
        label = f"{group}: ranking" if args.by else "Ranking"
        print(f"\n{label} at the defaults " + " > ".join(ranked))
        print(
            f"  holds at {g['ranking_holds']:.0%} of points; "
            f"best stays best at {g['best_stays_best']:.0%}"
        )
        for pair, share in g["pairs"].items():
            print(f"  {pair}: at {share:.0%} of points")
    return 0
