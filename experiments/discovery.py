"""Command `discover`: scenario discovery. Under which conditions does a plan miss
(or meet) a condition on its outcome?

    adoptsim discover five_phase --problem experiments/sensitivity_example.toml \\
        --samples 200 --goal "goal_reached==false"

The uncertainties are the `[[parameter]]` tables of a problem file (the same format as
`sensitivity`; `outputs` is ignored). They are sampled with a Latin hypercube
(`--samples` points, `--sampler-seed`), every point runs `--runs` times on the shared
runner (same run seeds for every point, any executor, `--out DIR` resumes), and PRIM
(`experiments.prim`) finds boxes of the inputs where the runs meeting `--goal` are dense.

`--goal` (alias `--outcome`): `FIELD OP VALUE` with OP one of < <= > >= == != (e.g.
`final_active_share<0.4`, `goal_reached==false`, `main_barrier==competence`), or
`FIELD` / `not FIELD` for a boolean field. An undefined week field (goal never reached,
...) counts as weeks + 1; another undefined value does not meet the condition.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import operator
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import preflight
from experiments.batch import run_batch as run_batch_py
from experiments.commands_basic import clean_json
from experiments.commands_batch import (
    add_batch_options,
    check_batch_args,
    identity,
    report_timing,
    run_batch,
)
from experiments.inputs import NON_NUMERIC, known_output
from experiments.prim import PrimResult, prim
from experiments.runner import Batch, load_plans, make_context, parse_overrides
from experiments.sensitivity import (
    WEEK_FIELDS,
    Parameter,
    ProblemSpec,
    add_sampler_seed,
    check_against_scenario,
    load_problem,
    points_of,
    sampler_seed_of,
)
from model.errors import Problem, ScenarioError
from model.scenario import Scenario, load_scenario, plain

OPS = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
GOAL = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*$")
GOAL_ALLOWED = (
    "FIELD OP VALUE (OP one of < <= > >= == !=), e.g. final_active_share<0.4 or "
    "goal_reached==false; or FIELD / not FIELD for a boolean field"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "discover", help="scenario discovery: LHS runs, PRIM boxes where a condition holds"
    )
    p.add_argument("scenario", help="preset name or TOML path")
    p.add_argument(
        "--problem",
        required=True,
        metavar="F.toml",
        help="uncertainties: [[parameter]] tables (key, bounds), as for sensitivity",
    )
    p.add_argument(
        "--goal",
        "--outcome",
        dest="goal",
        required=True,
        metavar="EXPR",
        help="the condition of interest, e.g. 'goal_reached==false', 'final_active_share<0.4'",
    )
    p.add_argument("--samples", type=int, default=200, help="LHS points (default 200)")
    p.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        help="PRIM: smallest density of a reported box (default 0.8)",
    )
    p.add_argument("--boxes", type=int, default=2, help="at most this many boxes (default 2)")
    p.add_argument("--alpha", type=float, default=0.05, help="PRIM peeling share (default 0.05)")
    p.add_argument(
        "--min-mass", type=float, default=0.05, help="PRIM: smallest box mass (default 0.05)"
    )
    add_batch_options(p, runs_default=1, change_roi_flag=False)
    add_sampler_seed(p)
    p.set_defaults(func=cmd_discover)


# --------------------------------------------------------------------------- goal


def parse_goal(text: str) -> tuple[str, str, Any]:
    """`FIELD OP VALUE` -> (field, op, value); `FIELD` / `not FIELD` -> (field, ==, bool)."""
    t = text.strip()
    m = GOAL.match(t)
    if m:
        field, op, raw = m.groups()
        value = _value(raw)
    elif re.fullmatch(r"not\s+[a-z_][a-z0-9_]*", t):
        field, op, value = t.split()[1], "==", False
    elif re.fullmatch(r"[a-z_][a-z0-9_]*", t):
        field, op, value = t, "==", True
    else:
        raise ScenarioError([Problem("--goal", "", text, GOAL_ALLOWED)])
    if field not in NON_NUMERIC and not known_output(field):
        raise ScenarioError(
            [Problem("--goal", field, text, "a run-summary field, e.g. goal_reached", "unknown")]
        )
    if field in NON_NUMERIC and (op not in ("==", "!=") or not isinstance(value, str)):
        raise ScenarioError([Problem("--goal", field, text, f"{field}==TEXT or {field}!=TEXT")])
    if field not in NON_NUMERIC and isinstance(value, str):
        raise ScenarioError([Problem("--goal", field, text, "a number, true or false")])
    return field, op, value


def _value(raw: str) -> Any:
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return float(raw)
    except ValueError:
        return raw.strip("\"'")


def evaluate(df: pd.DataFrame, goal: tuple[str, str, Any], weeks: int) -> np.ndarray:
    """Per run: does it meet the condition? (undefined weeks count as weeks + 1)"""
    field, op, value = goal
    if field not in df:
        return np.zeros(len(df), dtype=bool)
    col = df[field]
    if field in NON_NUMERIC or isinstance(value, str):
        s = col.astype(object)
        met = OPS[op](s.astype(str), str(value)) & s.notna()
        return met.to_numpy(dtype=bool)
    x = pd.to_numeric(col.astype("Float64") if col.dtype == "boolean" else col, errors="coerce")
    x = x.astype(float)
    if WEEK_FIELDS.match(field):
        x = x.fillna(float(weeks + 1))
    target = float(value)
    met = OPS[op](x.to_numpy(), target)
    return np.where(np.isnan(x.to_numpy()), False, met).astype(bool)


# --------------------------------------------------------------------------- design


def numbers_only(spec: ProblemSpec) -> list[Problem]:
    """PRIM boxes are ranges of numbers: a text key with levels cannot be one."""
    allowed = "numeric, integer or boolean keys (PRIM boxes are ranges of numbers)"
    return [
        Problem(spec.path, f"parameter.{p.index}.levels", list(p.levels), allowed)
        for p in spec.parameters
        if p.levels
    ]


def lhs(spec: ProblemSpec, n: int, seed: int) -> np.ndarray:
    """A Latin hypercube of n points through each parameter's distribution."""
    from scipy import stats as st
    from scipy.stats import qmc

    u = qmc.LatinHypercube(d=len(spec.parameters), seed=seed).random(n)
    X = np.empty_like(u)
    for j, p in enumerate(spec.parameters):
        b, q = p.bounds, u[:, j]
        if p.dist == "unif":
            X[:, j] = b[0] + q * (b[1] - b[0])
        elif p.dist == "logunif":
            X[:, j] = np.exp(np.log(b[0]) + q * (np.log(b[1]) - np.log(b[0])))
        elif p.dist == "triang":
            X[:, j] = st.triang.ppf(q, b[2], loc=b[0], scale=b[1] - b[0])
        elif p.dist == "norm":
            X[:, j] = st.norm.ppf(q, b[0], b[1])
        elif p.dist == "truncnorm":
            a, z = (b[0] - b[2]) / b[3], (b[1] - b[2]) / b[3]
            X[:, j] = st.truncnorm.ppf(q, a, z, loc=b[2], scale=b[3])
        else:  # lognorm
            X[:, j] = np.exp(st.norm.ppf(q, b[0], b[1]))
    return X


# --------------------------------------------------------------------------- Python

BOUNDS_ALLOWED = "(low, high) with finite numbers low < high"


def bounds_spec(
    base: Scenario, spec: Mapping[str, Any], source: str, categories: bool = False
) -> tuple[ProblemSpec, list[tuple[str, list[str]]], list[Problem]]:
    """Uniform parameters from `{dotted key: (low, high)}` (and, with `categories`,
    `{key: [category, ...]}`), checked against the scenario; problems name `source`
    and the key. Returns (numeric spec, categorical keys, problems)."""
    numeric: list[Parameter] = []
    cats: list[tuple[str, list[str]]] = []
    problems: list[Problem] = []
    allowed = BOUNDS_ALLOWED + (", or a list of categories" if categories else "")
    for i, (key, value) in enumerate(spec.items()):
        if not isinstance(key, str) or not key:
            problems.append(Problem(source, str(key), key, "dotted scenario keys"))
            continue
        value = [plain(v) for v in value] if isinstance(value, list | tuple) else plain(value)
        if (
            categories
            and isinstance(value, list)
            and value
            and all(isinstance(v, str) for v in value)
        ):
            values = list(dict.fromkeys(value))
            if len(values) < 2:
                problems.append(Problem(source, key, value, "at least two categories"))
                continue
            for c in values:
                try:
                    base.with_overrides({key: c}, source)
                except ScenarioError as exc:
                    problems += exc.problems
            cats.append((key, values))
            continue
        if not _is_bounds(value):
            problems.append(Problem(source, key, value, allowed, "not bounds"))
            continue
        numeric.append(Parameter(key, [float(value[0]), float(value[1])], "unif", index=i))
    checked = ProblemSpec(source, numeric, [])
    for p in check_against_scenario(checked, base):
        par = next(q for q in numeric if p.key.startswith(f"parameter.{q.index}."))
        problems.append(Problem(source, par.key, p.value, p.allowed, p.message))
    return checked, cats, problems


def _is_bounds(value: Any) -> bool:
    if not isinstance(value, list) or len(value) != 2:
        return False
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return False
    return all(math.isfinite(v) for v in value) and value[0] < value[1]


def discover(
    scenario: str | Path | dict | Scenario,
    uncertainties: Mapping[str, Any] | str | Path,
    goal: str = "not goal_reached",
    *,
    samples: int = 100,
    runs: int = 1,
    seed: int | None = None,
    sampler_seed: int | None = None,
    overrides: dict[str, Any] | None = None,
    threshold: float = 0.8,
    max_boxes: int = 2,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    workers: int | None = 1,
    chunk_size: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """`adoptsim discover` from Python: a Latin hypercube of `samples` points over the
    uncertainties (`{dotted key: (low, high)}` or a problem file), each run `runs` times
    on `run_batch`, then PRIM boxes where `goal` holds. Returns the `--json` object.
    `on_progress(done, total)` is called after every chunk of `chunk_size` runs (an
    exception it raises stops the batch)."""
    base = load_scenario(scenario, overrides)
    if isinstance(uncertainties, str | Path):
        spec, problems = load_problem(uncertainties)
        if not problems:
            problems = check_against_scenario(spec, base) + numbers_only(spec)
    else:
        if not isinstance(uncertainties, Mapping):
            raise ScenarioError(
                [Problem("uncertainties", "", uncertainties, "a dict or a problem file")]
            )
        spec, _, problems = bounds_spec(base, uncertainties, "uncertainties")
    try:
        parsed = parse_goal(goal)
    except ScenarioError as exc:
        problems += [Problem("goal", p.key, p.value, p.allowed, p.message) for p in exc.problems]
        parsed = None
    if int(plain(samples)) < 10:
        problems.append(Problem("samples", "", samples, "an integer >= 10"))
    if not spec.parameters and not problems:
        problems.append(Problem("uncertainties", "", uncertainties, "at least 1 parameter"))
    if problems:
        raise ScenarioError(problems)
    assert parsed is not None
    t0 = time.perf_counter()
    sampler = base.seed if sampler_seed is None else int(plain(sampler_seed))
    X = lhs(spec, int(plain(samples)), sampler)
    points = points_of(spec, X)
    df = run_batch_py(
        base,
        points,
        runs=runs,
        seed=seed,
        workers=workers,
        chunk_size=chunk_size,
        on_progress=on_progress,
    )
    keys = [p.key for p in spec.parameters]
    inputs = np.array([[float(pt[k]) for k in keys] for pt in points])
    Xr = inputs[df["point"].to_numpy()]
    y = evaluate(df, parsed, base.weeks)
    params = {"alpha": alpha, "min_mass": min_mass, "threshold": threshold, "max_boxes": max_boxes}
    res = prim(Xr, y, alpha=alpha, min_mass=min_mass, threshold=threshold, max_boxes=max_boxes)
    timing = {"seconds": time.perf_counter() - t0}
    base_seed = base.seed if seed is None else int(plain(seed))
    return build_result(parsed, keys, Xr, res, params, (len(points), runs), sampler, base_seed,
                        timing)  # fmt: skip


# --------------------------------------------------------------------------- command


def cmd_discover(args: argparse.Namespace) -> int:
    check_batch_args(args)
    spec, problems = load_problem(args.problem)
    try:
        goal = parse_goal(args.goal)
    except ScenarioError as exc:
        problems += exc.problems
        goal = None
    if args.samples < 10:
        problems.append(Problem("--samples", "", args.samples, "an integer >= 10"))
    if not 0 < args.threshold <= 1:
        problems.append(Problem("--threshold", "", args.threshold, "a number in (0, 1]"))
    if args.boxes < 1:
        problems.append(Problem("--boxes", "", args.boxes, "an integer >= 1"))
    if not 0 < args.alpha < 0.5:
        problems.append(Problem("--alpha", "", args.alpha, "a number in (0, 0.5)"))
    if not 0 < args.min_mass < 1:
        problems.append(Problem("--min-mass", "", args.min_mass, "a number in (0, 1)"))
    overrides = parse_overrides(args.overrides)
    plans = load_plans([args.scenario], overrides)
    problems += check_against_scenario(spec, plans[0]) + numbers_only(spec)
    if problems:
        raise ScenarioError(problems)
    if not spec.parameters:
        raise ScenarioError([Problem(spec.path, "parameter", 0, "at least 1 parameter")])
    assert goal is not None
    sampler_seed = sampler_seed_of(args, plans[0])
    ctx = make_context(plans, overrides, args.seed, args.population, goal[0] == "change_roi")
    preflight.check_plans(args, plans, args.samples, point_bytes=400 + 200 * len(spec.parameters))
    X = lhs(spec, args.samples, sampler_seed)
    points = points_of(spec, X)
    most = preflight.check_points(plans, [(0, pt) for pt in points], spec.path, args.population)
    preflight.check_batch_memory(args, len(points), args.runs, most, plans[0].weeks)
    design = {
        "method": "lhs",
        "samples": args.samples,
        "sampler_seed": sampler_seed,
        "parameters": [p.design() for p in spec.parameters],
        "design_sha256": hashlib.sha256(np.ascontiguousarray(X).tobytes()).hexdigest(),
    }
    batch = Batch(ctx, [(0, pt) for pt in points], args.runs)
    ident = identity("discover", plans, overrides, ctx, design)
    store, df, timing = run_batch(args, batch, ident, label="discover")
    keys = [p.key for p in spec.parameters]
    inputs = np.array([[float(pt[k]) for k in keys] for pt in points])
    Xr = inputs[df["point"].to_numpy()]
    y = evaluate(df, goal, plans[0].weeks)
    res = prim(
        Xr,
        y,
        alpha=args.alpha,
        min_mass=args.min_mass,
        threshold=args.threshold,
        max_boxes=args.boxes,
    )
    params = {
        "alpha": args.alpha,
        "min_mass": args.min_mass,
        "threshold": args.threshold,
        "max_boxes": args.boxes,
    }
    result = build_result(
        goal, keys, Xr, res, params, (len(points), args.runs), sampler_seed, ctx.seed, timing
    )
    if store.path is not None:
        write_reports(store, keys, inputs, df, y, res, result, plans[0].name)
    if args.json:
        print(json.dumps(clean_json(result), indent=2))
        return 0
    print_report(result, plans[0].name, timing, batch.size)
    if store.path is not None:
        print(f"boxes: {store.file('boxes.json')}; chart: {store.file('discover.png')}")
    return 0


def goal_text(goal: tuple[str, str, Any]) -> str:
    field, op, value = goal
    v = json.dumps(value) if isinstance(value, bool) else value
    return f"{field} {op} {v}"


def build_result(
    goal, keys, Xr, res: PrimResult, params: dict, design, sampler_seed, base_seed, timing
) -> dict[str, Any]:
    """The `--json` object: the condition, its base rate, the boxes and the trajectory
    (`design`: design points and runs per point)."""
    lo_all, hi_all = Xr.min(axis=0), Xr.max(axis=0)
    boxes = []
    for b in res.boxes:
        boxes.append(
            {
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "runs": b.n,
                "restricted": {
                    keys[j]: {"lo": float(b.lo[j]), "hi": float(b.hi[j]), "qp": b.qp.get(j)}
                    for j in b.restricted
                },
                "limits": {k: [float(b.lo[j]), float(b.hi[j])] for j, k in enumerate(keys)},
            }
        )
    return {
        "condition": goal_text(goal),
        "design_points": design[0],
        "runs_per_point": design[1],
        "runs": res.total,
        "cases": res.cases,
        "base_rate": res.base_rate,
        "parameters": keys,
        "ranges": {k: [float(lo_all[j]), float(hi_all[j])] for j, k in enumerate(keys)},
        "boxes": boxes,
        "trajectory": [
            {
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "restricted": len(b.restricted),
            }
            for b in res.trajectory
        ],
        "prim": dict(params),
        "sampler_seed": sampler_seed,
        "base_seed": base_seed,
        "seconds": round(timing["seconds"], 3),
    }


def _num(v: float) -> str:
    if float(v).is_integer() and abs(v) < 1e9:
        return str(int(v))
    return f"{v:.4g}"


def print_report(result: dict, name: str, timing: dict, total: int) -> None:
    print(
        f"discover {name}: {result['design_points']} LHS points x {result['runs_per_point']} "
        f"run(s), sampler seed {result['sampler_seed']}, base seed {result['base_seed']}"
    )
    print(report_timing(timing, total))
    share = result["base_rate"]
    print(
        f"condition {result['condition']}: {result['cases']} of {result['runs']} runs ({share:.1%})"
    )
    if not result["boxes"]:
        print("  no box: the condition never holds")
        return
    for i, b in enumerate(result["boxes"], 1):
        print(
            f"\n  box {i}: coverage {b['coverage']:.2f}, density {b['density']:.2f}, "
            f"mass {b['mass']:.2f} ({b['runs']} runs)"
        )
        if not b["restricted"]:
            print("    (no restriction: the condition is spread over the whole space)")
        for key, lim in b["restricted"].items():
            lo, hi = result["ranges"][key]
            qp = "" if lim.get("qp") is None else f"   qp {lim['qp']:.2g}"
            print(
                f"    {key:40s} [{_num(lim['lo'])}, {_num(lim['hi'])}]"
                f"   of [{_num(lo)}, {_num(hi)}]{qp}"
            )
    print("\n  qp: quasi-p-value of a restriction (small: the restriction matters)")
    if result["boxes"][0]["density"] < result["prim"]["threshold"]:
        print(f"  note: box 1's density is below --threshold {result['prim']['threshold']}")


def write_reports(store, keys, inputs, df, y, res: PrimResult, result, name) -> None:
    from experiments.output import write_table

    store.write_json("boxes.json", clean_json(result))
    design = pd.DataFrame(inputs, columns=keys)
    design.insert(0, "point", np.arange(len(inputs)))
    share = pd.Series(y, dtype=float).groupby(df["point"].to_numpy()).mean()
    design["condition_share"] = share.reindex(range(len(inputs))).to_numpy()
    write_table(design, store.file("design.csv"))
    trajectory_chart(res, store.file("discover.png"), f"{name}: {result['condition']}")


def trajectory_chart(res: PrimResult, path, title: str) -> None:
    """Peeling trajectory: coverage against density, coloured by restricted inputs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    if res.trajectory:
        cov = [b.coverage for b in res.trajectory]
        den = [b.density for b in res.trajectory]
        dims = [len(b.restricted) for b in res.trajectory]
        sc = ax.scatter(cov, den, c=dims, cmap="viridis", s=18)
        fig.colorbar(sc, ax=ax, label="restricted inputs")
        for i, b in enumerate(res.boxes[:1]):
            ax.scatter([b.coverage], [b.density], s=120, facecolors="none", edgecolors="red")
            ax.annotate(f"box {i + 1}", (b.coverage, b.density), textcoords="offset points",
                        xytext=(6, 6))  # fmt: skip
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
