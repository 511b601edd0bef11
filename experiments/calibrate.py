"""`adoptsim calibrate`: do the default parameters reproduce the domain's stylised facts?

Reads a targets file (default `experiments/calibration/targets.toml`, a copy of the
shared calibration targets), runs every target's Monte Carlo runs in parallel and
prints per target the model value, the target value, the tolerance and PASS/FAIL.
Exit 0 when every target passes, 1 when any fails, 2 on bad input.

Target kinds (as the targets file header defines them):

- `share`: share of employees in the snapshot at `week` (after `filter`, a pandas
  query) for whom `where` holds, pooled over all runs;
- `run_mean` / `run_median`: mean / median over runs of the run-summary field `field`;
- `order`: the groups of `group_by`, ordered by their pooled share of `where`, follow
  `order` ("increasing" or "decreasing" across `groups` as listed; strict);
- `highest`: group `group` has the (strictly) highest pooled share of `where` among all
  groups of `group_by` present in the snapshots.

Run `i` of a target uses the seed `SeedSequence(base_seed).spawn(runs)[i]` (base seed:
`--seed`, else the scenario's `seed`); with `population = "sme"` its organisation is
drawn from the SME population with that seed sequence, then the target's `set`
overrides are applied. Results never depend on worker count or chunking.

`--runs-scale X` scales the run count of the targets that simulate weeks (CI runs a
reduced version with 0.25); week-0 snapshot targets always use their full run count,
since each of their runs only builds a workforce.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.cli import add_scenario_options
from model.checks import check_seed
from model.errors import Problem, ScenarioError
from model.population import POPULATIONS, draw_organisation
from model.scenario import Scenario, load_scenario, parse_override, read_toml

DEFAULT_TARGETS = Path(__file__).resolve().parent / "calibration" / "targets.toml"
KINDS = ("share", "run_mean", "run_median", "order", "highest")
SNAPSHOT_KINDS = ("share", "order", "highest")
ORDERS = ("increasing", "decreasing")
_REQUIRED = {
    "share": ("where", "value", "tolerance"),
    "run_mean": ("field", "value", "tolerance"),
    "run_median": ("field", "value", "tolerance"),
    "order": ("group_by", "groups", "where", "order"),
    "highest": ("group_by", "group", "where"),
}
_KNOWN_KEYS = {
    "id", "fact", "source", "scenario", "population", "set", "runs", "kind", "week",
    "filter", "where", "field", "value", "tolerance", "group_by", "groups", "order",
    "group",
}  # fmt: skip


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """One calibration target, validated."""

    id: str
    scenario: str
    kind: str
    runs: int
    population: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    week: int = 0
    filter: str | None = None
    where: str | None = None
    field: str | None = None
    value: Any = None
    tolerance: float | None = None
    group_by: str | None = None
    groups: tuple[str, ...] = ()
    order: str | None = None
    group: str | None = None
    fact: str = ""

    @property
    def cheap(self) -> bool:
        """A week-0 snapshot target: each run is only the build of the organisation."""
        return self.kind in SNAPSHOT_KINDS and self.week == 0

    def scaled(self, scale: float) -> Target:
        """The target with `runs` scaled (at least one run).

        Week-0 snapshot targets keep their run count: a run costs only the build of the
        workforce (milliseconds), so scaling them would lose power and save nothing.
        """
        if self.cheap:
            return self
        runs = max(1, int(math.ceil(self.runs * scale)))
        return Target(**{**self.__dict__, "runs": runs})

    def expected(self) -> Any:
        """What the model is compared with: a number, an order or a group."""
        if self.kind == "order":
            return {"order": self.order, "groups": list(self.groups)}
        if self.kind == "highest":
            return self.group
        return self.value


def load_targets(path: str | Path | None = None) -> list[Target]:
    """Read and validate a targets file; every problem becomes a ScenarioError line."""
    path = Path(path) if path is not None else DEFAULT_TARGETS
    if not path.is_file():
        raise ScenarioError(
            [Problem(str(path), "", str(path), "an existing targets TOML file", "no such file")]
        )
    data = read_toml(path)
    src = str(path)
    raw = data.get("target")
    if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
        raise ScenarioError(
            [Problem(src, "target", raw, "one or more [[target]] tables", "no targets")]
        )
    problems: list[Problem] = []
    targets: list[Target] = []
    seen: set[str] = set()
    for i, t in enumerate(raw):
        before = len(problems)
        where = f"target[{i}]"
        tid = t.get("id")
        if not isinstance(tid, str) or not tid:
            problems.append(Problem(src, f"{where}.id", tid, "a non-empty string"))
            tid = where
        elif tid in seen:
            problems.append(Problem(src, f"{where}.id", tid, "a unique id", "duplicate id"))
        seen.add(tid)
        key = f"target {tid!r}"
        for k in sorted(set(t) - _KNOWN_KEYS):
            problems.append(
                Problem(src, f"{key}.{k}", t[k], ", ".join(sorted(_KNOWN_KEYS)), "unknown key")
            )
        kind = t.get("kind")
        if kind not in KINDS:
            problems.append(Problem(src, f"{key}.kind", kind, "one of " + ", ".join(KINDS)))
            continue
        for k in ("scenario", "runs", *_REQUIRED[kind]):
            if k not in t:
                problems.append(
                    Problem(src, f"{key}.{k}", None, f"required for kind {kind}", "missing key")
                )
        if len(problems) > before:
            continue
        runs = t["runs"]
        if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
            problems.append(Problem(src, f"{key}.runs", runs, "an integer >= 1"))
        pop = t.get("population")
        if pop is not None and pop not in POPULATIONS:
            problems.append(
                Problem(src, f"{key}.population", pop, "one of " + ", ".join(POPULATIONS))
            )
        sets = t.get("set", {})
        if not isinstance(sets, dict):
            problems.append(Problem(src, f"{key}.set", sets, "a table of dotted keys"))
        week = t.get("week", 0)
        if not isinstance(week, int) or isinstance(week, bool) or week < 0:
            problems.append(Problem(src, f"{key}.week", week, "an integer >= 0"))
        for k in ("value", "tolerance"):
            if k in t and (not isinstance(t[k], int | float) or isinstance(t[k], bool)):
                problems.append(Problem(src, f"{key}.{k}", t[k], "a number"))
        if "tolerance" in t and isinstance(t["tolerance"], int | float) and t["tolerance"] < 0:
            problems.append(Problem(src, f"{key}.tolerance", t["tolerance"], "a number >= 0"))
        if kind == "order":
            groups = t["groups"]
            if not isinstance(groups, list) or len(groups) < 2:
                problems.append(Problem(src, f"{key}.groups", groups, "a list of >= 2 groups"))
            if t["order"] not in ORDERS:
                problems.append(
                    Problem(src, f"{key}.order", t["order"], "one of " + ", ".join(ORDERS))
                )
        for k in ("scenario", "where", "filter", "field", "group_by", "group"):
            if k in t and not isinstance(t[k], str):
                problems.append(Problem(src, f"{key}.{k}", t[k], "a string"))
        if len(problems) > before:
            continue
        targets.append(
            Target(
                id=tid, scenario=t["scenario"], kind=kind, runs=runs, population=pop,
                overrides=dict(sets), week=week, filter=t.get("filter"), where=t.get("where"),
                field=t.get("field"),
                value=float(t["value"]) if "value" in t else None,
                tolerance=float(t["tolerance"]) if "tolerance" in t else None,
                group_by=t.get("group_by"), groups=tuple(str(g) for g in t.get("groups", ())),
                order=t.get("order"), group=t.get("group"), fact=t.get("fact", ""),
            )
        )  # fmt: skip
    if problems:
        raise ScenarioError(problems)
    _check_scenarios(targets, src)
    return targets


def _check_scenarios(targets: list[Target], src: str) -> None:
    """Load every scenario with its overrides and check queries and fields on a tiny run."""
    from model.engine import Simulation
    from model.metrics import snapshot, summarise

    problems: list[Problem] = []
    cache: dict[str, Any] = {}
    for t in targets:
        key = f"target {t.id!r}"
        try:
            sc = load_scenario(t.scenario).with_overrides(t.overrides, f"{src}: {key}.set")
        except ScenarioError as exc:
            problems += [
                Problem(
                    src,
                    f"{key}.{p.key}" if p.key else f"{key}.scenario",
                    p.value,
                    p.allowed,
                    p.message,
                )
                for p in exc.problems
            ]
            continue
        if "probe" not in cache:
            tiny = sc.with_overrides({"organisation.employees": 40, "weeks": 1})
            sim = Simulation(tiny, seed=0, snapshot_weeks={0}).run()
            cache["snap"] = snapshot(sim)
            cache["fields"] = set(summarise(sim, sim.recorder.weekly(1)))
            cache["probe"] = True
        snap: pd.DataFrame = cache["snap"]
        if t.kind in ("run_mean", "run_median") and t.field not in cache["fields"]:
            problems.append(
                Problem(
                    src,
                    f"{key}.field",
                    t.field,
                    "a run-summary field, e.g. final_active_share",
                    "unknown field",
                )
            )
        if t.kind in SNAPSHOT_KINDS:
            if t.week > sc.weeks:
                problems.append(Problem(src, f"{key}.week", t.week, f"a week in 0..{sc.weeks}"))
            for k, expr in (("filter", t.filter), ("where", t.where)):
                if expr is None:
                    continue
                try:
                    _mask(snap, expr)
                except Exception as exc:  # noqa: BLE001 - any query error is user input
                    problems.append(
                        Problem(
                            src,
                            f"{key}.{k}",
                            expr,
                            "a pandas query on the snapshot columns: " + ", ".join(snap.columns),
                            f"bad expression ({exc})",
                        )
                    )
            if t.group_by is not None and t.group_by not in snap.columns:
                problems.append(
                    Problem(
                        src,
                        f"{key}.group_by",
                        t.group_by,
                        "a snapshot column: " + ", ".join(snap.columns),
                    )
                )
    if problems:
        raise ScenarioError(problems)


def _mask(df: pd.DataFrame, expr: str) -> np.ndarray:
    """Evaluate a pandas expression on the snapshot as a boolean mask."""
    out = df.eval(expr)
    arr = np.asarray(out)
    if arr.shape != (len(df),):
        raise ValueError("the expression must give one value per employee")
    return arr.astype(bool)


# --------------------------------------------------------------------------- running


def run_scenario(target: Target, base: Scenario, seed_seq: np.random.SeedSequence) -> Scenario:
    """The scenario of one run: population draw (if any), then the target's overrides."""
    sc = base
    if target.population == "sme":
        sc = draw_organisation(sc, seed_seq)
    return sc.with_overrides(target.overrides)


def measure_run(target: Target, base: Scenario, seed_seq: np.random.SeedSequence) -> Any:
    """One run's contribution: a summary value, or (hits, counts) per group."""
    from model.engine import Simulation
    from model.metrics import snapshot, summarise

    sc = run_scenario(target, base, seed_seq)
    if target.kind in SNAPSHOT_KINDS:
        sim = Simulation(sc, seed=seed_seq)
        while sim.week < target.week:
            sim.step()
        snap = snapshot(sim)
        if target.filter:
            snap = snap[_mask(snap, target.filter)]
        hit = _mask(snap, target.where)
        if target.kind == "share":
            return {"": (int(hit.sum()), int(hit.size))}
        keys = snap[target.group_by].astype(str).to_numpy()
        return {
            str(g): (int(hit[keys == g].sum()), int((keys == g).sum())) for g in np.unique(keys)
        }
    sim = Simulation(sc, seed=seed_seq).run()
    value = summarise(sim, sim.recorder.weekly(sc.weeks))[target.field]
    return float("nan") if value is None else float(value)


def _chunk(target: Target, indices: list[int], base_seed: int | None) -> tuple[list[int], list]:
    base = load_scenario(target.scenario)
    seed = base.seed if base_seed is None else base_seed
    seqs = np.random.SeedSequence(seed).spawn(target.runs)
    return indices, [measure_run(target, base, seqs[i]) for i in indices]


@dataclass
class Result:
    """A target's outcome."""

    target: Target
    model: Any
    passed: bool
    runs: int
    per_run: list[Any] = field(default_factory=list, repr=False)  # each run's value

    def as_json(self) -> dict[str, Any]:
        model = self.model
        if isinstance(model, float) and not math.isfinite(model):
            model = None
        if isinstance(model, dict):
            model = {k: (None if not math.isfinite(v) else round(v, 6)) for k, v in model.items()}
        elif isinstance(model, float):
            model = round(model, 6)
        return {
            "id": self.target.id,
            "model": model,
            "value": self.target.expected(),
            "tolerance": self.target.tolerance,
            "pass": bool(self.passed),
        }


def evaluate(target: Target, per_run: list[Any]) -> Result:
    """Combine the per-run values of a target into its model value and verdict."""
    if target.kind in ("run_mean", "run_median"):
        vals = np.array(per_run, dtype=float)
        vals = vals[np.isfinite(vals)]
        if vals.size == 0:
            model = float("nan")
        else:
            model = float(vals.mean() if target.kind == "run_mean" else np.median(vals))
        ok = math.isfinite(model) and abs(model - target.value) <= target.tolerance + 1e-12
        return Result(target, model, ok, len(per_run), list(per_run))
    pooled: dict[str, list[int]] = {}
    for d in per_run:
        for g, (h, c) in d.items():
            acc = pooled.setdefault(g, [0, 0])
            acc[0] += h
            acc[1] += c
    shares = {g: (h / c if c else float("nan")) for g, (h, c) in sorted(pooled.items())}
    if target.kind == "share":
        model = shares.get("", float("nan"))
        ok = math.isfinite(model) and abs(model - target.value) <= target.tolerance + 1e-12
        return Result(target, model, ok, len(per_run))
    if target.kind == "order":
        seq = [shares.get(g, float("nan")) for g in target.groups]
        sign = 1.0 if target.order == "increasing" else -1.0
        ok = all(math.isfinite(v) for v in seq) and all(
            sign * (b - a) > 0 for a, b in zip(seq, seq[1:], strict=False)
        )
        return Result(
            target, {g: shares.get(g, float("nan")) for g in target.groups}, ok, len(per_run)
        )
    # highest
    mine = shares.get(target.group, float("nan"))
    others = [v for g, v in shares.items() if g != target.group and math.isfinite(v)]
    ok = math.isfinite(mine) and all(mine > v for v in others)
    return Result(target, shares, ok, len(per_run))


def run_targets(
    targets: Iterable[Target],
    workers: int = 2,
    base_seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """Run every target (in a fork process pool when workers > 1) and evaluate them."""
    targets = list(targets)
    tasks: list[tuple[int, list[int]]] = []
    for ti, t in enumerate(targets):
        # full runs are ~20x dearer than a week-0 construction: smaller chunks for them
        size = 50 if t.cheap else 25
        size = max(1, min(size, math.ceil(t.runs / max(workers, 1))))
        for start in range(0, t.runs, size):
            tasks.append((ti, list(range(start, min(start + size, t.runs)))))
    values: list[list[Any]] = [[None] * t.runs for t in targets]

    def store(ti: int, idx: list[int], vals: list) -> None:
        for i, v in zip(idx, vals, strict=True):
            values[ti][i] = v
        if progress:
            progress(len(idx))

    if workers <= 1:
        for ti, idx in tasks:
            store(ti, *_chunk(targets[ti], idx, base_seed))
    else:
        ctx = multiprocessing.get_context("fork")
        from experiments.executors import die_with_parent

        with ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(tasks))),
            mp_context=ctx,
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            futures = {pool.submit(_chunk, targets[ti], idx, base_seed): ti for ti, idx in tasks}
            for fut in as_completed(futures):
                store(futures[fut], *fut.result())
    return [evaluate(t, v) for t, v in zip(targets, values, strict=True)]


# --------------------------------------------------------------------------- CLI


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate",
        help="check the default parameters against the calibration targets",
        description="Run every calibration target; print model value, target, tolerance and "
        "PASS/FAIL. Exit 1 when any target fails.",
    )
    p.add_argument(
        "--targets",
        default=None,
        metavar="F",
        help="targets TOML file (default: experiments/calibration/targets.toml)",
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="ID",
        help="run only this target (repeatable, or comma-separated ids)",
    )
    p.add_argument(
        "--runs-scale",
        type=float,
        default=1.0,
        metavar="X",
        help="scale the run count of every target that simulates weeks (e.g. "
        "0.25 for CI; week-0 snapshot targets always run in full, they are "
        "cheap); default 1",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        metavar="N",
        help="worker processes (default 2; 1 = in-process)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        help="base seed of the run seeds (default: each scenario's seed)",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    add_scenario_options(p, seed=False)
    p.set_defaults(func=cmd_calibrate)


def select(targets: list[Target], only: list[str], source: str) -> list[Target]:
    """The targets named by --only (all when none named); unknown ids are errors."""
    wanted = [s.strip() for item in only for s in item.split(",") if s.strip()]
    if not wanted:
        return targets
    ids = [t.id for t in targets]
    bad = [w for w in wanted if w not in ids]
    if bad:
        raise ScenarioError(
            [
                Problem(
                    "--only", "", b, f"a target id of {source}: " + ", ".join(ids), "unknown target"
                )
                for b in bad
            ]
        )
    return [t for t in targets if t.id in wanted]


def format_model(r: Result) -> str:
    if isinstance(r.model, dict):
        return " ".join(f"{g}={v:.3f}" for g, v in r.model.items())
    return f"{r.model:.3f}"


def format_expected(t: Target) -> str:
    if t.kind == "order":
        sep = " < " if t.order == "increasing" else " > "
        return sep.join(t.groups)
    if t.kind == "highest":
        return f"{t.group} highest"
    return f"{t.value:g}"


def format_table(results: list[Result]) -> str:
    """The plain-text result table (one line per target) and a total line."""
    rows = [("target", "model", "target value", "tol", "runs", "result")]
    for r in results:
        tol = "-" if r.target.tolerance is None else f"{r.target.tolerance:g}"
        rows.append(
            (
                r.target.id,
                format_model(r),
                format_expected(r.target),
                tol,
                str(r.runs),
                "PASS" if r.passed else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    passed = sum(r.passed for r in results)
    lines.append(f"{passed}/{len(results)} targets pass")
    return "\n".join(lines)


MAX_RUNS_SCALE = 100.0  # 100 x the targets' runs is hours already; beyond is a typo


def cmd_calibrate(args: argparse.Namespace) -> int:
    if not 0 < args.runs_scale <= MAX_RUNS_SCALE:
        raise ScenarioError(
            [Problem("--runs-scale", "", args.runs_scale, f"a number in (0, {MAX_RUNS_SCALE:g}]")]
        )
    check_seed(args.seed, "--seed")
    if args.workers < 1:
        raise ScenarioError([Problem("--workers", "", args.workers, "an integer >= 1")])
    source = args.targets or str(DEFAULT_TARGETS)
    targets = select(load_targets(args.targets), args.only, source)
    targets = [t.scaled(args.runs_scale) for t in targets]
    if args.overrides:  # the user's --set apply to every target, after the target's own
        user = dict(parse_override(o) for o in args.overrides)
        for t in targets:
            load_scenario(t.scenario).with_overrides({**t.overrides, **user}, "--set")
        targets = [replace(t, overrides={**t.overrides, **user}) for t in targets]
    bar = None
    if not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(
            total=sum(t.runs for t in targets), unit="run", desc="calibrate", file=sys.stderr
        )
    t0 = time.perf_counter()
    try:
        results = run_targets(
            targets, args.workers, args.seed, progress=bar.update if bar else None
        )
    finally:
        if bar:
            bar.close()
    elapsed = time.perf_counter() - t0
    passed = sum(r.passed for r in results)
    if args.json:
        print(
            json.dumps(
                {
                    "targets": [r.as_json() for r in results],
                    "passed": passed,
                    "total": len(results),
                },
                indent=2,
            )
        )
    else:
        print(format_table(results))
        print(
            f"({sum(r.runs for r in results)} runs in {elapsed:.1f} s with "
            f"{args.workers} worker{'s' if args.workers != 1 else ''})"
        )
    return 0 if passed == len(results) else 1
