"""Commands `ensemble`, `compare` and `sweep`: Monte Carlo batches over one runner and store.

All three build a `runner.Batch` (design points x run indices), run it on an executor
(serial, local processes or Dask) into a `store.ResultStore` (in memory, or `--out DIR`
with resume) and summarise the per-run summaries with `stats`.

`change_roi` needs a second, counterfactual run of every run (the tool-only plan), which
doubles the cost. These commands compute it by default (it is a DESIGN summary field);
`--no-change-roi` skips it.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import math
import sys
import time
from typing import Any

import pandas as pd

from experiments import preflight, stats
from experiments.cli import add_scenario_options
from experiments.commands_basic import clean_json
from experiments.executors import make_executor
from experiments.runner import Batch, execute, load_plans, make_context, parse_overrides
from experiments.store import ResultStore, open_store
from model.errors import Problem, ScenarioError, safe_text
from model.population import POPULATIONS
from model.scenario import Scenario, parse_override

HEADLINE = ("final_active_share", "goal_reached", "roi")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ensemble", help="Monte Carlo runs of one scenario; means and 95%% CIs")
    p.add_argument("scenario", help="preset name or TOML path")
    add_batch_options(p)
    p.set_defaults(func=cmd_ensemble)

    p = sub.add_parser("compare", help="plans on the same seeds; paired differences; chart")
    p.add_argument(
        "scenarios",
        nargs="+",
        metavar="PLAN",
        help="two or more presets or TOML paths; the first is the baseline",
    )
    add_batch_options(p)
    p.add_argument(
        "--chart",
        default=None,
        metavar="FILE.png",
        help="active share chart (default: DIR/active_share.png with --out)",
    )
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("sweep", help="full-factorial sweep of scenario keys")
    p.add_argument("scenario", help="preset name or TOML path")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="a dotted key and its values (TOML); repeat for more keys",
    )
    add_batch_options(p)
    p.set_defaults(func=cmd_sweep)


def add_batch_options(
    p: argparse.ArgumentParser, runs_default: int | None = None, change_roi_flag: bool = True
) -> None:
    """Options shared by the batch commands (ensemble, compare, sweep, sensitivity)."""
    add_scenario_options(p)
    p.add_argument(
        "--runs",
        type=int,
        default=runs_default,
        required=runs_default is None,
        help="runs (seeds) per design point"
        + (f" (default {runs_default})" if runs_default else ""),
    )
    p.add_argument(
        "--population",
        choices=POPULATIONS,
        default=None,
        help="draw a different organisation for every run",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int,
        default=1,
        help="local worker processes (default 1 = serial; 0 = all cores)",
    )
    where.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="run on a dask.distributed scheduler",
    )
    p.add_argument(
        "--chunk-size",
        type=int,
        default=None,
        metavar="N",
        help="runs per chunk shipped to a worker and stored as one part "
        "(default: automatic, at most 64)",
    )
    p.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="result directory (manifest.json + Parquet parts; resumable)",
    )
    if change_roi_flag:
        p.add_argument(
            "--no-change-roi",
            dest="change_roi",
            action="store_false",
            help="skip the counterfactual run behind change_roi (2x faster)",
        )
    p.add_argument("--json", action="store_true", help="print the results as JSON")


def check_batch_args(args: argparse.Namespace) -> None:
    problems = []
    if args.runs is not None and args.runs < 1:
        problems.append(Problem("--runs", "", args.runs, "an integer >= 1"))
    if args.chunk_size is not None and args.chunk_size < 1:
        problems.append(Problem("--chunk-size", "", args.chunk_size, "an integer >= 1"))
    if args.workers is not None and args.workers < 0:
        problems.append(Problem("--workers", "", args.workers, "an integer >= 0 (0 = all)"))
    if problems:
        raise ScenarioError(problems)


def check_plans(
    args: argparse.Namespace, plans: list[Scenario], n_points: int, weekly: int = 1
) -> None:
    """Before anything runs: output paths, population, memory of the whole batch."""
    preflight.check_plans(args, plans, n_points, weekly)


def identity(command: str, plans: list[Scenario], overrides: dict, ctx, design: dict) -> dict:
    """What makes two batches the same design (the store refuses any other)."""
    scen = [_scenario_identity(p) for p in plans]
    return {
        "command": command,
        "scenario": scen[0] if len(scen) == 1 else scen,
        "overrides": overrides,
        "base_seed": ctx.seed,
        "design": {
            "population": ctx.population,
            "change_roi": ctx.counterfactual,
            "weekly": list(ctx.weekly),
            **design,
        },
    }


def _scenario_identity(sc: Scenario) -> dict:
    data = sc.model_dump(mode="json", exclude_none=True)
    data.pop("description", None)
    return data


def run_batch(
    args: argparse.Namespace, batch: Batch, ident: dict, label: str = "runs"
) -> tuple[ResultStore, pd.DataFrame, dict[str, Any]]:
    """Run what the store is missing; return the store, the run table and timing info."""
    executor = make_executor(args.workers, args.scheduler)
    try:
        store = open_store(args.out, ident, batch.runs)
        try:
            if store.resumed and not args.json:
                have = min(store.resumed, batch.size)
                print(
                    f"resuming {args.out}: {have} of {batch.size} runs already stored",
                    file=sys.stderr,
                )
            start = time.perf_counter()
            todo = len(batch.tasks(store.done()))
            execute(
                batch,
                store,
                executor,
                progress=not args.json,
                chunk_size=args.chunk_size,
                label=label,
            )
            seconds = time.perf_counter() - start
            df = store.frame(runs=batch.runs)
            df = df[df["point"] < len(batch.points)]
            inputs = {k for _, point in batch.points for k in point}  # kept in the parts only
            df = df.drop(columns=[c for c in df.columns if c in inputs])
        finally:
            store.close()
    finally:
        executor.close()
    timing = {
        "computed": todo,
        "seconds": seconds,
        "executor": executor.name,
        "workers": executor.workers,
    }
    return store, df, timing


def report_timing(timing: dict, total: int) -> str:
    n, s = timing["computed"], timing["seconds"]
    rate = f", {n / s:.1f} runs/s" if n and s > 0 else ""
    reused = total - n
    extra = f"; {reused} reused from the store" if reused > 0 else ""
    return (
        f"{n} runs computed in {s:.1f} s{rate} ({timing['executor']}, "
        f"{timing['workers']} worker{'s' if timing['workers'] != 1 else ''}){extra}"
    )


# --------------------------------------------------------------------------- ensemble


def cmd_ensemble(args: argparse.Namespace) -> int:
    check_batch_args(args)
    overrides = parse_overrides(args.overrides)
    plans = load_plans([args.scenario], overrides)
    check_plans(args, plans, 1)
    ctx = make_context(
        plans, overrides, args.seed, args.population, args.change_roi, weekly=("active_share",)
    )
    batch = Batch(ctx, [(0, {})], args.runs)
    ident = identity("ensemble", plans, overrides, ctx, {"points": [{}]})
    store, df, timing = run_batch(args, batch, ident)
    result = stats.summarise_runs(df)
    store.write_json("summary.json", clean_json(result))
    chart = store.file("active_share.png")
    if chart is not None and "weekly_active_share" in df:
        from experiments.charts import band_chart

        band_chart(
            {plans[0].name: stats.band(list(df["weekly_active_share"]))},
            chart,
            f"{plans[0].name}: {len(df)} runs",
        )
    if args.json:
        print(json.dumps(clean_json(result), indent=2))
        return 0
    print(
        f"ensemble {safe_text(plans[0].name, 80)}: {len(df)} runs, base seed {ctx.seed}"
        + (f", population {ctx.population}" if ctx.population else "")
    )
    print(report_timing(timing, len(df)))
    print_fields(result)
    if args.out:
        print(f"results in {args.out}")
    return 0


def print_fields(result: dict, only: tuple[str, ...] | None = None) -> None:
    """A table: field, mean, median, 95% CI (+ share/text counts)."""
    print(f"  {'field':32s} {'mean':>12s} {'median':>12s}   95% CI")
    for name, e in result["fields"].items():
        if only and name not in only:
            continue
        lo, hi = e["ci95"]
        print(f"  {name:32s} {_f(e['mean']):>12s} {_f(e['median']):>12s}   [{_f(lo)}, {_f(hi)}]")
    for name, counts in result.get("categories", {}).items():
        if only and name not in only:
            continue
        text = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"  {name:32s} {text}")
    if result.get("missing") and not only:
        text = ", ".join(f"{k} ({v})" for k, v in result["missing"].items())
        print(f"  undefined in some runs (statistics over the others): {text}")


def _f(v) -> str:
    if v is None:
        return "-"
    if abs(v) >= 1e5:
        return f"{v:.4g}"
    return f"{v:.4f}" if abs(v) < 10 else f"{v:.2f}"


# --------------------------------------------------------------------------- compare


def plan_labels(specs: list[str], plans: list[Scenario]) -> list[str]:
    labels: list[str] = []
    for spec, sc in zip(specs, plans, strict=True):
        label = safe_text(sc.name if sc.name not in ("", "unnamed") else spec, 80)
        base, k = label, 2
        while label in labels:
            label, k = f"{base}#{k}", k + 1
        labels.append(label)
    return labels


def cmd_compare(args: argparse.Namespace) -> int:
    check_batch_args(args)
    if len(args.scenarios) < 2:
        raise ScenarioError(
            [
                Problem(
                    "compare",
                    "PLAN",
                    " ".join(args.scenarios),
                    "two or more plans (presets or TOML paths)",
                )
            ]
        )
    if args.chart and not args.chart.endswith(".png"):
        raise ScenarioError([Problem("--chart", "", args.chart, "a file name ending in .png")])
    overrides = parse_overrides(args.overrides)
    plans = load_plans(args.scenarios, overrides)
    check_plans(args, plans, len(plans))
    labels = plan_labels(args.scenarios, plans)
    ctx = make_context(
        plans, overrides, args.seed, args.population, args.change_roi, weekly=("active_share",)
    )
    batch = Batch(ctx, [(k, {}) for k in range(len(plans))], args.runs)
    ident = identity(
        "compare",
        plans,
        overrides,
        ctx,
        {"plans": labels, "points": [{"plan": k} for k in range(len(plans))]},
    )
    store, df, timing = run_batch(args, batch, ident)
    per_plan = {label: df[df["point"] == k] for k, label in enumerate(labels)}
    result: dict[str, Any] = {
        "runs": args.runs,
        "baseline": labels[0],
        "plans": {label: stats.summarise_runs(d) for label, d in per_plan.items()},
        "differences": {
            f"{label} - {labels[0]}": stats.paired_differences(per_plan[labels[0]], d)
            for label, d in list(per_plan.items())[1:]
        },
    }
    store.write_json("summary.json", clean_json(result))
    chart = args.chart or store.file("active_share.png")
    if chart is not None:
        from experiments.charts import band_chart

        bands = {label: stats.band(list(d["weekly_active_share"])) for label, d in per_plan.items()}
        band_chart(bands, chart, f"active share, {args.runs} runs per plan (same seeds)")
    if args.json:
        print(json.dumps(clean_json(result), indent=2))
        return 0
    print(
        f"compare {', '.join(labels)}: {args.runs} runs per plan on the same seeds "
        f"(base seed {ctx.seed})"
    )
    print(report_timing(timing, len(df)))
    print_compare(result, labels)
    if chart is not None:
        print(f"chart: {chart}")
    return 0


def print_compare(result: dict, labels: list[str]) -> None:
    from model.metrics import SUMMARY_FIELDS

    fields = [f for f in SUMMARY_FIELDS if f in result["plans"][labels[0]]["fields"]]
    width = max(12, *(len(label) for label in labels))
    head = "".join(f" {label:>{width}s}" for label in labels)
    print(f"  {'mean of':26s}{head}")
    for f in fields:
        row = "".join(f" {_f(result['plans'][lb]['fields'][f]['mean']):>{width}s}" for lb in labels)
        print(f"  {f:26s}{row}")
    for name, diff in result["differences"].items():
        print(f"\n  paired difference {name} ({diff['runs']} runs; * = 95% CI excludes 0)")
        for f in fields:
            e = diff["fields"].get(f)
            if e is None:
                continue
            lo, hi = e["ci95"]
            star = "*" if stats.significant(e) else " "
            print(f"  {f:26s} {_f(e['mean']):>12s} [{_f(lo)}, {_f(hi)}] {star}")


# --------------------------------------------------------------------------- sweep


def split_values(text: str) -> list[str]:
    """Split `v1,v2,...` at top-level commas (not inside [..], {..} or quotes)."""
    out, cur, depth, quote = [], [], 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return [v.strip() for v in out]


def parse_params(texts: list[str], plan: Scenario) -> dict[str, list[Any]]:
    """`--param k=v1,v2` -> {key: [values]}, every value checked against the scenario."""
    if not texts:
        raise ScenarioError([Problem("--param", "", "", "at least one KEY=V1,V2,...")])
    params: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    for text in texts:
        if "=" not in text:
            problems.append(
                Problem("--param", text, text, "KEY=V1,V2,... e.g. strategy.champions.count=0,6,12")
            )
            continue
        key, raw = (s.strip() for s in text.split("=", 1))
        if key in params:
            problems.append(Problem("--param", key, text, "each key once"))
            continue
        values = []
        for v in split_values(raw):
            if not v:
                problems.append(Problem("--param", key, raw, "non-empty comma-separated values"))
                continue
            try:
                k, val = parse_override(f"{key}={v}")
                plan.with_overrides({k: val}, f"--param {key}")
            except ScenarioError as exc:
                problems += [
                    dataclasses.replace(e, source=f"--param {key}") if e.source == "--set" else e
                    for e in exc.problems
                ]
                continue
            values.append(val)
        params[key] = values
    if problems:
        raise ScenarioError(problems)
    return params


def cmd_sweep(args: argparse.Namespace) -> int:
    check_batch_args(args)
    overrides = parse_overrides(args.overrides)
    plans = load_plans([args.scenario], overrides)
    params = parse_params(args.param, plans[0])
    keys = list(params)
    check_plans(args, plans, math.prod(len(v) for v in params.values()), weekly=0)
    grid = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*params.values())]
    most = preflight.check_points(plans, [(0, pt) for pt in grid], "--param", args.population)
    preflight.check_batch_memory(args, len(grid), args.runs, most, plans[0].weeks)
    ctx = make_context(plans, overrides, args.seed, args.population, args.change_roi)
    batch = Batch(ctx, [(0, point) for point in grid], args.runs)
    ident = identity("sweep", plans, overrides, ctx, {"parameters": params, "points": grid})
    store, df, timing = run_batch(args, batch, ident)
    points = []
    for p, point in enumerate(grid):
        summary = stats.summarise_runs(df[df["point"] == p])
        points.append({"parameters": point, **summary})
    result = {"runs": args.runs, "parameters": keys, "points": points}
    store.write_json("summary.json", clean_json(result))
    table = points_table(points, keys)
    if args.out:
        from experiments.output import write_table

        write_table(table, store.file("points.csv"))
        if "final_active_share.mean" in table:
            from experiments.charts import sweep_chart

            sweep_chart(
                table,
                keys,
                "final_active_share",
                store.file("final_active_share.png"),
                f"{plans[0].name}: {args.runs} runs per point",
            )
    if args.json:
        print(json.dumps(clean_json(result), indent=2))
        return 0
    name = safe_text(plans[0].name, 80)
    print(f"sweep {name}: {len(grid)} points x {args.runs} runs, base seed {ctx.seed}")
    print(report_timing(timing, len(df)))
    show = [
        c for c in table.columns if c in keys or c.endswith(".mean") and c.split(".")[0] in HEADLINE
    ]
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table[show].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out:
        print(f"results in {args.out} (points.csv: every field's mean and 95% CI per point)")
    return 0


def points_table(points: list[dict], keys: list[str]) -> pd.DataFrame:
    """One row per design point: parameter values, then mean/median/CI of every field."""
    rows = []
    for pt in points:
        row: dict[str, Any] = {k: _cell(pt["parameters"][k]) for k in keys}
        row["runs"] = pt["runs"]
        for name, e in pt["fields"].items():
            row[f"{name}.mean"] = e["mean"]
            row[f"{name}.median"] = e["median"]
            row[f"{name}.ci95_lo"], row[f"{name}.ci95_hi"] = e["ci95"]
        rows.append(row)
    return pd.DataFrame(rows)


def _cell(v: Any) -> Any:
    return json.dumps(v) if isinstance(v, list | dict) else v
