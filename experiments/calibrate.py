"""`adoptsim calibrate`: do the default parameters reproduce the domain's stylised facts?

Reads a targets file (default `experiments/calibration/targets.toml`, a copy of the
shared calibration targets), runs every target's Monte Carlo runs through the shared
batch runner (experiments/runner.py; in worker processes with --workers > 1) and
prints per target the model value, the target value, the tolerance and PASS/FAIL.
Exit 0 when every target passes, 1 when any fails, 2 on bad input.

Target kinds (as the targets file header defines them):

- `share`: share of employees in the snapshot at `week` (after `filter`, a pandas
  query) for whom `where` holds, pooled over all runs;
- `run_mean` / `run_median`: mean / median over runs of the run-summary field `field`
  (runs without a value are left out; but for the median of the week of an event,
  `metrics.EVENT_WEEK_FIELDS`, a run that never reached it counts as later than every
  run that did: it is censored at the end of the run, and leaving it out would make the
  median early);
- `order`: the groups of `group_by`, ordered by their pooled share of `where`, follow
  `order` ("increasing" or "decreasing" across `groups` as listed; strict);
- `highest`: group `group` has the (strictly) highest pooled share of `where` among all
  groups of `group_by` present in the snapshots.
- `ratio`: mean over runs of `field` with the overrides `set_b` over its mean with
  `set_a` (both on top of `set`, on the same run seeds); passes inside `range` or
  within `tolerance` of `value`;
- `plausible`: every pandas expression of `holds` is true on the run means of the
  numeric summary fields.

- `variance_share`: over a Sobol design of the `people` and `technology` parameters,
  sum ST(people) / sum ST(all) of `field`;
- `failed_with`: among runs that miss their goal, the share in which `barrier` is among
  the run summary's binding `barriers`.

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
import hashlib
import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import provenance
from experiments.cli import add_scenario_options
from experiments.executors import make_executor
from experiments.inputs import TARGET_KINDS, TargetsFile
from experiments.inputs import Target as TargetSpec
from experiments.params_doc import rows as parameter_rows
from experiments.provenance import environment, scenario_hash
from experiments.runner import Batch, Context, Task, execute, make_context
from model.checks import check_seed
from model.errors import Problem, ScenarioError
from model.metrics import EVENT_WEEK_FIELDS
from model.population import draw_organisation, drawn_firm
from model.scenario import Scenario, load_scenario, parse_override, read_toml
from model.validation import validate

DEFAULT_TARGETS = Path(__file__).resolve().parent / "calibration" / "targets.toml"
KINDS = tuple(TARGET_KINDS)  # every kind the targets file may hold (experiments/inputs.py)
SNAPSHOT_KINDS = ("share", "order", "highest")
ORDERS = ("increasing", "decreasing")


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
    spec: TargetSpec | None = None  # the validated table (every field of its kind)
    problem: Any = None  # variance_share: the Sobol problem (sensitivity.ProblemSpec)

    @property
    def total_runs(self) -> int:
        """Runs this target simulates (a Sobol design for variance_share)."""
        if self.kind == "variance_share" and self.problem is not None:
            return self.spec.samples * (len(self.problem.parameters) + 2) * self.runs
        return self.runs

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
        """What the model is compared with: a number, an order, a group or conditions."""
        if self.kind == "plausible":
            return list(self.spec.holds)
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
    src = str(path)
    data = validate(TargetsFile, read_toml(path), src)
    problems: list[Problem] = []
    targets: list[Target] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.target):
        tid = raw.get("id")
        label = f"target {tid!r}" if isinstance(tid, str) and tid else f"target.{i}"
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in TARGET_KINDS:
            allowed = "one of " + ", ".join(KINDS)
            problems.append(Problem(src, f"{label}.kind", kind, allowed))
            continue
        try:
            spec = validate(TARGET_KINDS[kind], raw, src, (label,))
        except ScenarioError as exc:
            problems += exc.problems
            continue
        if spec.id in seen:
            problems.append(Problem(src, f"{label}.id", spec.id, "a unique id", "duplicate id"))
        seen.add(spec.id)
        targets.append(_target(spec))
    if problems:
        raise ScenarioError(problems)
    return _check_scenarios(targets, src)


def _target(spec: TargetSpec) -> Target:
    """The runtime target of a validated table."""
    get = spec.__dict__.get
    value = get("value")
    return Target(
        id=spec.id, scenario=spec.scenario, kind=spec.kind, runs=spec.runs,
        population=spec.population, overrides=dict(spec.set), week=get("week", 0),
        filter=get("filter"), where=get("where"), field=get("field"),
        value=None if value is None else float(value), tolerance=get("tolerance"),
        group_by=get("group_by"), groups=tuple(get("groups", ())), order=get("order"),
        group=get("group"), fact=spec.fact, spec=spec,
    )  # fmt: skip


def _check_scenarios(targets: list[Target], src: str) -> list[Target]:
    """Load every scenario with its overrides and check queries and fields on a tiny run;
    variance_share targets get their Sobol problem."""
    from model.engine import Simulation
    from model.metrics import snapshot, summarise

    problems: list[Problem] = []
    cache: dict[str, Any] = {}
    checked: list[Target] = []
    for t in targets:
        checked.append(t)
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
            summary = summarise(sim, sim.recorder.weekly(1))
            cache["fields"] = set(summary)
            cache["means"] = pd.DataFrame(
                [{k: v for k, v in summary.items() if isinstance(v, int | float)}], dtype=float
            )
            cache["probe"] = True
        snap: pd.DataFrame = cache["snap"]
        for k in ("set_a", "set_b"):
            extra = getattr(t.spec, k, None)
            if extra:
                try:
                    sc.with_overrides(extra, f"{src}: {key}.{k}")
                except ScenarioError as exc:
                    problems += [
                        replace(p, source=src, key=f"{key}.{k}.{p.key}") for p in exc.problems
                    ]
        if t.field is not None and t.field not in cache["fields"]:
            problems.append(
                Problem(
                    src,
                    f"{key}.field",
                    t.field,
                    "a run-summary field, e.g. final_active_share",
                    "unknown field",
                )
            )
        if t.kind == "variance_share":
            problem, probs = _variance_problem(t, sc, src)
            problems += probs
            checked[-1] = replace(t, problem=problem)
        for i, expr in enumerate(getattr(t.spec, "holds", ())):
            try:
                np.asarray(cache["means"].eval(expr), dtype=bool)
            except Exception as exc:  # noqa: BLE001 - any expression error is user input
                problems.append(
                    Problem(
                        src,
                        f"{key}.holds.{i}",
                        expr,
                        "a pandas expression over numeric run-summary fields, e.g. "
                        "final_expert_share <= 0.12",
                        f"bad expression ({exc})",
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
    return checked


def _variance_problem(t: Target, sc: Scenario, src: str) -> tuple[Any, list[Problem]]:
    """The Sobol problem of a variance_share target: its people, then technology keys."""
    from experiments.sensitivity import (
        Parameter,
        ProblemSpec,
        check_against_scenario,
        load_problem,
        parameter_of,
    )

    key = f"target {t.id!r}"
    params: list[Parameter] = []
    sides: list[tuple[str, int]] = []
    files: dict[str, str] = {}  # side -> the problem file it was read from
    problems: list[Problem] = []
    for side in ("people", "technology"):
        value = getattr(t.spec, side)
        if isinstance(value, str):
            path = _find_file(value, src)
            if path is None:
                allowed = "a problem file (relative to the project or the targets file)"
                problems.append(Problem(src, f"{key}.{side}", value, allowed, "no such file"))
                continue
            spec, probs = load_problem(path)
            files[side] = str(path)
            problems += probs
            found = spec.parameters
        else:
            found = [parameter_of(e, i) for i, e in enumerate(value)]
        for i, par in enumerate(found):
            if par.key in (p.key for p in params):
                problems.append(
                    Problem(src, f"{key}.{side}", par.key, "each key once", "duplicate key")
                )
            params.append(replace(par, index=len(params)))
            sides.append((side, i))
    spec = ProblemSpec(src, params, [t.field], extra={"sides": [side for side, _ in sides]})
    if not problems:  # parameter.<index>.<what> -> where that parameter was written
        for p in check_against_scenario(spec, sc):
            _, index, what = p.key.split(".", 2)
            side, i = sides[int(index)]
            if side in files:  # in its problem file, as `adoptsim sensitivity` names it
                problems.append(replace(p, source=files[side], key=f"parameter.{i}.{what}"))
            else:
                problems.append(replace(p, key=f"{key}.{side}.{i}.{what}"))
    return spec, problems


def _find_file(name: str, src: str) -> Path | None:
    """A file named in a targets file: absolute, or relative to the working directory,
    the project or the targets file."""
    path = Path(name)
    project = Path(__file__).resolve().parent.parent
    for cand in (path, project / path, Path(src).parent / path):
        if cand.is_file():
            return cand
    return None


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
    """One run's contribution: a summary value, (hits, counts) per group, the values of
    plans a and b (ratio) or the numeric summary (plausible)."""
    from model.engine import Simulation
    from model.metrics import snapshot

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
    if target.kind == "ratio":  # plans a and b on the same seed
        return [_summary(sc.with_overrides(extra), seed_seq)[target.field] for extra in (
            target.spec.set_a, target.spec.set_b)]  # fmt: skip
    summary = _summary(sc, seed_seq)
    if target.kind == "failed_with":  # the same runs serve every barrier's target
        return [summary["goal_reached"] == 0, sorted(summary["barriers"])]
    if target.kind == "plausible":
        return {k: v for k, v in summary.items() if k != "barriers"}
    return summary[target.field]


def _summary(sc: Scenario, seed_seq: np.random.SeedSequence) -> dict[str, float]:
    """The numeric run-summary fields of one run (booleans as 0/1, undefined as NaN)
    and its binding `barriers`."""
    from model.engine import Simulation
    from model.metrics import summarise

    sim = Simulation(sc, seed=seed_seq).run()
    out = summarise(sim, sim.recorder.weekly(sc.weeks))
    numeric = {
        k: float("nan") if v is None else float(v)
        for k, v in out.items()
        if v is None or isinstance(v, int | float)
    }
    return {**numeric, "barriers": list(out.get("barriers", []))}


def _measure(
    targets: tuple[Target, ...], ctx: Context, task: Task, seed_seq: np.random.SeedSequence
) -> dict[str, Any]:
    """The runner's measure: run `task[1]` of target `task[2]` (its scenario: the plan)."""
    plan = task[2]
    return {"value": measure_run(targets[plan], ctx.plans[plan], seed_seq)}


@dataclass
class Result:
    """A target's outcome."""

    target: Target
    model: Any
    passed: bool
    runs: int
    per_run: list[Any] = field(default_factory=list, repr=False)  # each run's value
    se: float | None = None  # Monte Carlo standard error of `model` (numeric kinds)

    def edge_distance(self) -> float | None:
        """How far the model value lies inside (> 0) or outside (< 0) the nearest edge of
        the tolerance (or range), in standard errors: within about 2 the verdict can
        change with the base seed."""
        t, m = self.target, self.model
        if self.se is None or not self.se > 0 or not isinstance(m, float) or not math.isfinite(m):
            return None
        if t.kind == "ratio" and t.spec.range is not None:
            lo, hi = t.spec.range
        elif t.tolerance is not None:
            lo, hi = t.value - t.tolerance, t.value + t.tolerance
        else:
            return None
        return float(min(m - lo, hi - m) / self.se)

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
            "se": None if self.se is None else round(self.se, 6),
            "edge_in_se": _rounded(self.edge_distance(), 2),
        }


def _rounded(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def _mean_se(values: np.ndarray) -> float | None:
    """Standard error of a mean over independent runs."""
    return float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else None


def _ratio_se(num: np.ndarray, den: np.ndarray) -> float | None:
    """Standard error of sum(num) / sum(den) over runs (delta method; the runs are the
    independent units, e.g. employees clustered in their run, or paired plans)."""
    n, total = num.size, den.sum()
    if n < 2 or total == 0:
        return None
    d = num - (num.sum() / total) * den
    return float(math.sqrt((d @ d) * n / (n - 1)) / total)


def evaluate(target: Target, per_run: list[Any]) -> Result:
    """Combine the per-run values of a target into its model value and verdict."""
    if target.kind in ("run_mean", "run_median"):
        vals = np.array(per_run, dtype=float)
        if target.kind == "run_median" and target.field in EVENT_WEEK_FIELDS:
            # time to an event: a run that never reached it is censored at the end of
            # the run, i.e. later than every run that did (not dropped, which would
            # bias the median early)
            vals[np.isnan(vals)] = np.inf
        vals = vals[~np.isnan(vals)]
        if vals.size == 0:
            model = float("nan")
        else:
            model = float(vals.mean() if target.kind == "run_mean" else np.median(vals))
        ok = math.isfinite(model) and abs(model - target.value) <= target.tolerance + 1e-12
        se = _mean_se(vals) if target.kind == "run_mean" else None
        return Result(target, model, ok, len(per_run), list(per_run), se)
    if target.kind == "ratio":
        return _evaluate_ratio(target, per_run)
    if target.kind == "plausible":
        return _evaluate_plausible(target, per_run)
    if target.kind == "failed_with":
        runs = np.array([(f, target.spec.barrier in b) for f, b in per_run], dtype=bool)
        failed = runs[runs[:, 0]] if len(runs) else runs
        model = float(failed[:, 1].mean()) if len(failed) else float("nan")
        ok = math.isfinite(model) and abs(model - target.value) <= target.tolerance + 1e-12
        se = _mean_se(failed[:, 1].astype(float)) if len(failed) else None
        return Result(target, model, ok, len(per_run), list(per_run), se)
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
        hits, counts = (np.array([d[""][k] for d in per_run if "" in d], float) for k in (0, 1))
        return Result(target, model, ok, len(per_run), se=_ratio_se(hits, counts))
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


def _evaluate_ratio(target: Target, per_run: list[Any]) -> Result:
    """Mean of plan b over mean of plan a (runs where both are defined)."""
    pairs = np.array(per_run, dtype=float).reshape(-1, 2)
    pairs = pairs[np.isfinite(pairs).all(axis=1)]
    a, b = pairs.mean(axis=0) if len(pairs) else (float("nan"), float("nan"))
    model = float(b / a) if a != 0 else float("nan")
    ok = math.isfinite(model)
    if ok and target.spec.range is not None:
        lo, hi = target.spec.range
        ok = lo - 1e-12 <= model <= hi + 1e-12
    elif ok:
        ok = abs(model - target.value) <= target.tolerance + 1e-12
    se = _ratio_se(pairs[:, 1], pairs[:, 0]) if len(pairs) else None
    return Result(target, model, ok, len(per_run), list(per_run), se)


def _evaluate_plausible(target: Target, per_run: list[Any]) -> Result:
    """Every expression of `holds` on the run means; the model value: the means used."""
    means = pd.DataFrame(per_run).mean().to_frame().T
    ok = all(bool(np.asarray(means.eval(expr)).all()) for expr in target.spec.holds)
    used = sorted({n for e in target.spec.holds for n in _NAME.findall(e) if n in means})
    return Result(target, {n: float(means[n].iloc[0]) for n in used}, ok, len(per_run))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def run_targets(
    targets: Iterable[Target],
    workers: int = 2,
    base_seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """Run every target through the shared batch runner and evaluate them.

    Each target is a design point with its own run count; run `i` of a target uses
    `runner.run_seed(seed, i)`, seed being `base_seed` or the target scenario's `seed`
    (targets sharing a seed form one batch). `workers` > 1: local worker processes.
    """
    targets = list(targets)
    bases = [load_scenario(t.scenario) for t in targets]
    values: list[list[Any]] = [[None] * t.runs for t in targets]
    groups: dict[int, list[int]] = {}
    executor = make_executor(workers)
    designs: dict[int, Result] = {}
    same: dict[int, int] = {}  # target -> an earlier target whose runs it shares
    first: dict[tuple, int] = {}
    for i, base in enumerate(bases):
        seed = base.seed if base_seed is None else base_seed
        if targets[i].kind == "variance_share":
            designs[i] = _run_variance(targets[i], base, seed, executor, progress)
        elif (key := _shared_runs(targets[i], seed)) in first:
            same[i] = first[key]
        else:
            if key is not None:
                first[key] = i
            groups.setdefault(seed, []).append(i)
    for seed, members in groups.items():
        group = tuple(targets[i] for i in members)
        ctx = Context(tuple(bases[i] for i in members), {}, seed, measure=partial(_measure, group))
        points = [(k, {}) for k in range(len(members))]
        batch = Batch(ctx, points, runs=0, point_runs=[t.runs for t in group])

        def keep(records: list[dict[str, Any]], members: list[int] = members) -> None:
            for r in records:
                values[members[r["point"]]][r["run"]] = r["value"]

        execute(batch, None, executor, on_result=keep, on_progress=progress)
    for i, j in same.items():
        values[i] = values[j]
    return [designs[i] if i in designs else evaluate(t, values[i]) for i, t in enumerate(targets)]


def _shared_runs(t: Target, seed: int) -> tuple | None:
    """Targets whose runs are identical (failed_with on the same plan, population,
    overrides, runs and seed: one per barrier) get the same key; others None."""
    if t.kind != "failed_with":
        return None
    return (t.scenario, t.population, repr(sorted(t.overrides.items())), t.runs, seed)


def _run_variance(
    t: Target, base: Scenario, seed: int, executor, progress: Callable[[int], None] | None
) -> Result:
    """Sobol total-order indices of `field` over the target's design (`runs` runs per
    point, the batch runner's seeds); model: sum ST(people) / sum ST(all)."""
    from experiments.sensitivity import analyse, output_matrix, points_of, sample

    spec = t.problem
    X = sample(spec, "sobol", t.spec.samples, False, 4, seed)
    points = points_of(spec, X)
    plan = base.with_overrides(t.overrides)
    population = t.population
    if population == "sme":  # a firm per base row, not one firm for the whole design
        points = firm_per_base_row(points, base, t.overrides, len(spec.parameters), seed)
        population = None
    ctx = make_context([plan], t.overrides, seed, population, counterfactual=False)
    records: list[dict[str, Any]] = []
    batch = Batch(ctx, [(0, pt) for pt in points], t.runs)
    execute(batch, None, executor, on_result=records.extend, on_progress=progress)
    ys, _ = output_matrix(pd.DataFrame(records), [t.field], len(points), plan.weeks)
    model = float("nan")
    if t.field in ys:
        first, _ = analyse(spec, "sobol", X, ys, False, 4, seed)
        st = np.clip(first[t.field]["ST"].to_numpy(dtype=float), 0.0, None)
        people = np.asarray(spec.extra["sides"]) == "people"
        total = st.sum()
        model = float(st[people].sum() / total) if total > 0 else float("nan")
    ok = math.isfinite(model) and abs(model - t.value) <= t.tolerance + 1e-12
    return Result(t, model, ok, len(records))


def firm_per_base_row(
    points: list[dict[str, Any]], base: Scenario, overrides: dict[str, Any], d: int, seed: int
) -> list[dict[str, Any]]:
    """The design's points, each with the firm of its base row laid under it.

    A Saltelli design without second order is N blocks of d + 2 points (A, the d AB
    points, B) that differ in one parameter at a time. Drawing the firm from the run's
    seed would give every point the same firm (the runs share seeds across points), so
    the indices would describe one firm. Here base row j is firm j of the population
    (its own seed), shared by its block, so the firm is one more random factor and the
    indices average over N firms; the target's overrides, then the point, come on top."""
    n = len(points) // (d + 2)
    if n * (d + 2) != len(points):
        raise ValueError(f"{len(points)} points are not blocks of {d} + 2")
    firms = np.random.SeedSequence([seed, 7921]).spawn(n)
    drawn = [drawn_firm(base, s) for s in firms]
    return [{**drawn[p // (d + 2)], **overrides, **pt} for p, pt in enumerate(points)]


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
    if t.kind == "plausible":
        return " and ".join(t.spec.holds)
    if t.kind == "ratio" and t.spec.range is not None:
        return f"{t.value:g} in [{t.spec.range[0]:g}, {t.spec.range[1]:g}]"
    return f"{t.value:g}"


def format_table(results: list[Result]) -> str:
    """The plain-text result table (one line per target) and a total line."""
    rows = [("target", "model", "se", "target value", "tol", "runs", "result")]
    for r in results:
        tol = "-" if r.target.tolerance is None else f"{r.target.tolerance:g}"
        edge = r.edge_distance()
        near = " (near the edge)" if edge is not None and abs(edge) < 2 else ""
        rows.append(
            (
                r.target.id,
                format_model(r),
                "-" if r.se is None else f"{r.se:.3f}",
                format_expected(r.target),
                tol,
                str(r.runs),
                ("PASS" if r.passed else "FAIL") + near,
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
    targets = [
        t.scaled(args.runs_scale) for t in select(load_targets(args.targets), args.only, source)
    ]
    if args.overrides:  # the user's --set apply to every target, after the target's own
        user = dict(parse_override(o) for o in args.overrides)
        for t in targets:
            load_scenario(t.scenario).with_overrides({**t.overrides, **user}, "--set")
        targets = [replace(t, overrides={**t.overrides, **user}) for t in targets]
    bar = None
    if not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(
            total=sum(t.total_runs for t in targets), unit="run", desc="calibrate", file=sys.stderr
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
                    "provenance": {
                        "command": "calibrate",
                        "argv": provenance.COMMAND_LINE,
                        "targets_file": source,
                        "targets_sha256": hashlib.sha256(Path(source).read_bytes()).hexdigest(),
                        "base_seed": args.seed,
                        "runs_scale": args.runs_scale,
                        "overrides": list(args.overrides or []),
                        "scenario_hash": {
                            t.scenario: scenario_hash(load_scenario(t.scenario)) for t in targets
                        },
                        **environment(),
                    },
                    "parameters": [r.as_json() for r in parameter_rows()],
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
