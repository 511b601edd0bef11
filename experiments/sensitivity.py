"""Command `sensitivity`: global sensitivity analysis with SALib (Sobol or Morris).

Problem file (TOML), e.g. `experiments/sensitivity_example.toml`:

    outputs = ["final_active_share", "goal_reached", "roi"]   # numeric run-summary fields
    [[parameter]]
    key = "strategy.champions.count"    # any numeric, integer or boolean scenario key
    bounds = [0, 15]                    # integer keys are rounded; booleans: x >= 0.5
    distribution = "uniform"            # optional, SALib's distributions

Optional top-level keys: `method` ("sobol"/"morris"), `samples` (N), `second_order`
(bool); the command-line flags win. Distributions and their `bounds`: uniform/unif
[lo, hi]; loguniform/logunif [lo, hi] (> 0); triangular/triang [lo, hi, peak as a
fraction of the width in [0, 1)]; normal/norm [mean, sd]; truncnorm [lo, hi, mean, sd];
lognormal/lognorm [log-mean, log-sd].

Design: SALib's Sobol (Saltelli) sample of N base rows -> N(D+2) points, N(2D+2) with
second order; Morris: N trajectories of D+1 points on `--levels` levels. Each point is run
`--runs` times (default 2: seed noise is averaged, and can be estimated) on the run
seeds of `runner.run_seed`, the same seeds for
every point (common random numbers: the noise is frozen across the design, so indices
measure parameter effects, not seed noise); its output is the mean over those runs.
Week fields that are undefined (goal never reached, ...) count as weeks + 1 (censored at
the horizon); another undefined output is reported and its indices are skipped.

Runs go through the shared runner, executors and result store: `--out DIR` resumes.
`change_roi` needs a counterfactual run per run and is computed only when it is an output.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import math
import re
import sys
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import preflight
from experiments.commands_basic import clean_json
from experiments.commands_batch import (
    add_batch_options,
    check_batch_args,
    identity,
    report_timing,
    run_batch,
)
from experiments.inputs import METHODS, OUTPUTS_ALLOWED, Outputs, ProblemFile
from experiments.noise import seed_noise
from experiments.runner import Batch, load_plans, make_context, parse_overrides
from model.errors import Problem, ScenarioError
from model.scenario import Scenario, read_toml
from model.validation import validate

WEEK_FIELDS = re.compile(r"^(goal_week|stable_use_week|criterion_[a-z_]+_week)$")
DEFAULT_CI_TARGET = 0.1


@dataclass
class Parameter:
    key: str
    bounds: list[float]
    dist: str  # SALib name
    kind: str = "float"  # "float", "int", "bool" or "level" (a text key's levels)
    label: str = ""
    index: int = 0  # position in the problem file
    levels: tuple[str, ...] = ()  # a text key: drawn by weight from a uniform on [0, 1]
    weights: tuple[float, ...] = ()

    def design(self) -> dict[str, Any]:
        """How the parameter is sampled, as stored in a run's manifest."""
        out: dict[str, Any] = {"key": self.key, "bounds": self.bounds, "distribution": self.dist}
        if self.levels:
            out |= {"levels": list(self.levels), "weights": list(self.weights)}
        return out

    @classmethod
    def from_design(cls, d: dict[str, Any], index: int) -> Parameter:
        """The parameter `design()` stored in a manifest."""
        return cls(
            d["key"],
            list(d["bounds"]),
            d["distribution"],
            index=index,
            levels=tuple(d.get("levels") or ()),
            weights=tuple(d.get("weights") or ()),
        )


@dataclass
class ProblemSpec:
    path: str
    parameters: list[Parameter]
    outputs: list[str]
    method: str | None = None
    samples: int | None = None
    second_order: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def salib(self) -> dict[str, Any]:
        return {
            "num_vars": len(self.parameters),
            "names": [p.key for p in self.parameters],
            "bounds": [list(p.bounds) for p in self.parameters],
            "dists": [p.dist for p in self.parameters],
        }


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sensitivity", help="SALib Sobol or Morris global sensitivity analysis")
    p.add_argument("scenario", help="preset name or TOML path")
    p.add_argument(
        "--problem",
        required=True,
        metavar="F.toml",
        help="problem file: parameters (dotted keys, bounds), outputs",
    )
    p.add_argument(
        "--method",
        default=None,
        metavar="sobol|morris",
        help="sobol (first and total order) or morris (mu*, sigma); default sobol",
    )
    p.add_argument(
        "--samples",
        type=int,
        default=None,
        metavar="N",
        help="Sobol base samples N (a power of 2) or Morris trajectories (default 256 / 20)",
    )
    p.add_argument(
        "--outputs",
        default=None,
        metavar="F,F,...",
        help="run-summary fields to analyse (default: the problem file's)",
    )
    p.add_argument(
        "--second-order",
        action="store_true",
        default=None,
        help="Sobol: also second-order indices (N(2D+2) runs instead of N(D+2))",
    )
    p.add_argument("--levels", type=int, default=4, help="Morris grid levels (default 4)")
    p.add_argument(
        "--ci-target",
        type=float,
        default=DEFAULT_CI_TARGET,
        metavar="W",
        help="largest acceptable 95%% CI half-width: of a Sobol index, or of mu* "
        "relative to the largest mu* of the output (default 0.1)",
    )
    add_batch_options(p, runs_default=2, change_roi_flag=False)
    add_sampler_seed(p)
    p.set_defaults(func=cmd_sensitivity)


def add_sampler_seed(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sampler-seed",
        "--design-seed",
        dest="sampler_seed",
        type=int,
        default=None,
        metavar="N",
        help="seed of the sample design (default: the scenario's seed); --seed sets only "
        "the run seeds",
    )


# --------------------------------------------------------------------------- problem file


def check_outputs(outputs: Any, source: str, key: str) -> tuple[list[str], list[Problem]]:
    """Output names (a list or "a,b,..." text) and their problems, reported at `key`."""
    try:
        return list(validate(Outputs, outputs, source)), []
    except ScenarioError as exc:
        return [], [replace(p, key=key) for p in exc.problems]


def load_problem(path: str | Path) -> tuple[ProblemSpec, list[Problem]]:
    """Parse and validate a problem file (`ProblemFile`); returns the spec and every
    problem found (not raised), so that flag problems can be reported with them."""
    src = str(path)
    p = Path(path)
    if not p.is_file():
        raise ScenarioError([Problem("--problem", "", src, "an existing TOML problem file")])
    data = read_toml(p)
    try:
        f = validate(ProblemFile, data, src)
    except ScenarioError as exc:
        return ProblemSpec(src, [], [], extra={"has_outputs": "outputs" in data}), exc.problems
    params = [parameter_of(e, i) for i, e in enumerate(f.parameter)]
    outputs = list(f.outputs or [])
    extra = {"has_outputs": f.outputs is not None}
    return ProblemSpec(src, params, outputs, f.method, f.samples, f.second_order, extra), []


def parameter_of(e: Any, index: int) -> Parameter:
    """A checked `[[parameter]]` table (inputs.ParameterSpec) as a design parameter."""
    return Parameter(
        e.key,
        e.design_bounds,
        e.salib_dist,
        label=e.name or e.key,
        index=index,
        levels=tuple(e.levels or ()),
        weights=level_weights(e.key, e.levels, e.weights),
    )


def level_weights(key: str, levels: list[str] | None, weights: Any) -> tuple[float, ...]:
    """Each level's weight: as given, equal, or "sme" (the population's culture mix; a
    level that is no culture gets 0 and is reported by `check_against_scenario`)."""
    if not levels:
        return ()
    if weights is None:
        return (1.0,) * len(levels)
    if weights == "sme":
        from model.population import CULTURE_MIX

        return tuple(float(CULTURE_MIX.get(level, 0.0)) for level in levels)
    return tuple(float(w) for w in weights)


def check_against_scenario(spec: ProblemSpec, sc: Scenario) -> list[Problem]:
    """Every key exists and is numeric (or text with levels); its bounds (levels) are
    values the scenario accepts.

    Sets each parameter's kind (float, int, bool or level) from the type the scenario
    stores.
    """
    problems: list[Problem] = []
    tree = sc.model_dump(mode="python")
    leaves = list(_leaves(tree))
    for par in spec.parameters:
        i = par.index
        where = f"parameter.{i}.key"
        found, value = _lookup(tree, par.key)
        if not found:
            near = difflib.get_close_matches(par.key, leaves, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            problems.append(
                Problem(
                    spec.path,
                    where,
                    par.key,
                    "a dotted key of the scenario, e.g. strategy.champions.count" + hint,
                    "unknown scenario key",
                )
            )
            continue
        if par.levels or isinstance(value, str):
            problems += _check_levels(spec.path, par, value, sc)
            continue
        if isinstance(value, dict | list):
            what = "a table" if isinstance(value, dict) else type(value).__name__
            problems.append(
                Problem(
                    spec.path,
                    where,
                    par.key,
                    "a numeric, integer or boolean key, or a text key with `levels`",
                    f"{what}, not a number",
                )
            )
            continue
        lo, hi = _support(par)
        if isinstance(value, bool):
            par.kind = "bool"
        elif isinstance(value, int):
            par.kind = "int"
        elif isinstance(value, float):
            par.kind = "float"
        else:  # unset optional key (e.g. a week that may be None): probe its type
            kind = _probe_kind(sc, par, lo, spec.path)
            if isinstance(kind, list):
                problems += kind
                continue
            par.kind = kind
        if par.kind == "bool" and (lo < 0 or hi > 1):
            problems.append(
                Problem(
                    spec.path,
                    f"parameter.{i}.bounds",
                    par.bounds,
                    "bounds within [0, 1] for a boolean key (true when >= 0.5)",
                )
            )
            continue
        for v in (lo, hi):
            try:
                sc.with_overrides({par.key: convert(par, v)}, spec.path)
            except ScenarioError as exc:
                problems += [_rebound(spec.path, i, par, v, e) for e in exc.problems]
                break
    return problems


def morris_reaches_every_level(spec: ProblemSpec, levels: int) -> list[Problem]:
    """Morris samples u only on its grid (0, 1/(L-1), ..., 1): a text key's level whose
    share of the weights falls between grid points would never run."""
    problems = []
    for par in spec.parameters:
        if par.kind != "level":
            continue
        drawn = _drawn(par, levels)
        missing = [lv for lv in par.levels if lv not in drawn]
        if not missing:
            continue
        fits = [g for g in range(levels + 2, 202, 2) if set(par.levels) <= _drawn(par, g)]
        hint = f"; --levels {fits[0]} reaches them all" if fits else ""
        problems.append(
            Problem(
                "--levels",
                "",
                levels,
                f"a Morris grid that reaches every level of {par.key}{hint}",
                f"the grid never draws {', '.join(missing)}",
            )
        )
    return problems


def _drawn(par: Parameter, levels: int) -> set[str]:
    """The levels a Morris grid of `levels` points draws."""
    return {convert(par, k / (levels - 1)) for k in range(levels)}


def _check_levels(path: str, par: Parameter, value: Any, sc: Scenario) -> list[Problem]:
    """A text key needs `levels`, levels need a text key, and every level must be a value
    the scenario accepts; sets the parameter's kind to "level"."""
    i = par.index
    if not par.levels:
        allowed = (
            f"`levels = [...]` for the text key {par.key} (e.g. [{value!r}, ...]; "
            "sensitivity, robustness and calibrate), or a numeric key"
        )
        return [Problem(path, f"parameter.{i}.levels", None, allowed, "missing")]
    if not isinstance(value, str):
        what = {bool: "a boolean", int: "an integer", float: "a number"}.get(type(value))
        allowed = (
            f"`bounds` for {par.key}, {what} key; levels are for text keys"
            if what
            else f"a text key: {par.key} is {'unset by default' if value is None else 'a list'}"
        )
        return [Problem(path, f"parameter.{i}.levels", list(par.levels), allowed)]
    par.kind = "level"
    problems = []
    for level in par.levels:
        try:
            sc.with_overrides({par.key: level}, path)
        except ScenarioError as exc:
            e = exc.problems[0]
            allowed = f"values of {par.key} that the scenario accepts: {e.allowed}"
            problems.append(Problem(path, f"parameter.{i}.levels", level, allowed, e.message))
    if not problems and sum(par.weights) <= 0:
        weights = list(par.weights)
        problems.append(Problem(path, f"parameter.{i}.weights", weights, "a positive total"))
    return problems


def _probe_kind(sc: Scenario, par: Parameter, lo: float, path: str) -> str | list[Problem]:
    """'int' or 'float': the type the scenario stores for an unset key."""
    last: list[Problem] = []
    for kind, value in (("int", int(round(lo))), ("float", float(lo))):
        try:
            probe = sc.with_overrides({par.key: value}, path)
        except ScenarioError as exc:
            last = [_rebound(path, par.index, par, lo, e) for e in exc.problems]
            continue
        stored = _lookup(probe.model_dump(mode="python"), par.key)[1]
        if kind == "int" and isinstance(stored, float):
            return "float"
        return kind
    return last


def _support(par: Parameter) -> tuple[float, float]:
    """The range values are drawn from (unbounded distributions: 0.1%-99.9% quantiles)."""
    from scipy import stats as st

    b = par.bounds
    if par.dist in ("unif", "logunif", "triang", "truncnorm"):
        return b[0], b[1]
    if par.dist == "norm":
        return float(st.norm.ppf(0.001, b[0], b[1])), float(st.norm.ppf(0.999, b[0], b[1]))
    lo, hi = st.norm.ppf([0.001, 0.999], b[0], b[1])  # lognorm
    return float(np.exp(lo)), float(np.exp(hi))


def _rebound(path: str, i: int, par: Parameter, v: float, e: Problem) -> Problem:
    return Problem(
        path,
        f"parameter.{i}.bounds",
        par.bounds,
        f"values of {par.key} that the scenario accepts: {e.allowed}",
        f"{par.key} = {v:g} is invalid ({e.message})",
    )


def _leaves(tree: Any, prefix: str = ""):
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _leaves(v, f"{prefix}{k}.")
    else:
        yield prefix[:-1]


def _lookup(tree: Any, key: str) -> tuple[bool, Any]:
    node = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def convert(par: Parameter, x: float) -> Any:
    """A sampled number as the scenario value: rounded for integers, x >= 0.5 for booleans,
    the level whose share of the weights holds x for a text key (x in [0, 1])."""
    if par.kind == "level":
        if isinstance(x, str):  # already a level (a design read back from its store)
            return x
        from model.population import pick

        return pick(float(x), par.levels, list(par.weights))
    if par.kind == "int":
        return int(round(float(x)))
    if par.kind == "bool":
        return bool(x >= 0.5)
    return float(x)


# --------------------------------------------------------------------------- design


def sample(
    spec: ProblemSpec, method: str, n: int, second_order: bool, levels: int, seed: int
) -> np.ndarray:
    problem = spec.salib()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.sample import sobol

            return sobol.sample(problem, n, calc_second_order=second_order, seed=seed)
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=levels, seed=seed)


def points_of(spec: ProblemSpec, X: np.ndarray) -> list[dict[str, Any]]:
    pars = spec.parameters
    return [{p.key: convert(p, x) for p, x in zip(pars, row, strict=True)} for row in X]


def output_matrix(
    df: pd.DataFrame, outputs: list[str], n_points: int, weeks: int | np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Per output, the mean over runs of every design point; reasons for skipped outputs."""
    ys: dict[str, np.ndarray] = {}
    skipped: dict[str, str] = {}
    for out in outputs:
        if out not in df:
            skipped[out] = "not in the run summaries of this scenario"
            continue
        s = df[out]
        x = pd.to_numeric(s.astype("Float64") if s.dtype == "boolean" else s, errors="coerce")
        x = x.astype(float)
        if WEEK_FIELDS.match(out):  # censored at the horizon of the run's own point
            if np.ndim(weeks):
                horizon = np.asarray(weeks, dtype=float)[df["point"].to_numpy()] + 1
                x = x.fillna(pd.Series(horizon, index=x.index))
            else:
                x = x.fillna(float(weeks + 1))
        if x.isna().any():
            skipped[out] = f"undefined in {int(x.isna().sum())} of {len(x)} runs"
            continue
        y = x.groupby(df["point"]).mean().reindex(range(n_points)).to_numpy(dtype=float)
        if np.isnan(y).any():
            skipped[out] = "some design points have no runs"
            continue
        if np.nanstd(y) == 0:
            skipped[out] = f"constant ({y[0]:g}) over the design: no variance to apportion"
            continue
        ys[out] = y
    return ys, skipped


def analyse(
    spec: ProblemSpec,
    method: str,
    X: np.ndarray,
    ys: dict[str, np.ndarray],
    second_order: bool,
    levels: int,
    seed: int,
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Indices per output (first/total order or mu*/sigma), and second order tables."""
    problem = spec.salib()
    names = problem["names"]
    first: dict[str, pd.DataFrame] = {}
    second: dict[str, pd.DataFrame] = {}
    for out, y in ys.items():
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if method == "sobol":
                from SALib.analyze import sobol

                si = sobol.analyze(
                    problem,
                    y,
                    calc_second_order=second_order,
                    conf_level=0.95,
                    num_resamples=200,
                    seed=seed,
                )
                first[out] = pd.DataFrame(
                    {
                        "parameter": names,
                        "S1": si["S1"],
                        "S1_conf": si["S1_conf"],
                        "ST": si["ST"],
                        "ST_conf": si["ST_conf"],
                    }
                )
                if second_order:
                    rows = []
                    for a in range(len(names)):
                        for b in range(a + 1, len(names)):
                            rows.append(
                                {
                                    "parameter_1": names[a],
                                    "parameter_2": names[b],
                                    "S2": si["S2"][a, b],
                                    "S2_conf": si["S2_conf"][a, b],
                                }
                            )
                    second[out] = pd.DataFrame(rows)
            else:
                from SALib.analyze import morris

                si = morris.analyze(
                    problem, X, y, conf_level=0.95, num_levels=levels, num_resamples=200, seed=seed
                )
                first[out] = pd.DataFrame(
                    {
                        "parameter": names,
                        "mu": np.asarray(si["mu"], dtype=float),
                        "mu_star": np.asarray(si["mu_star"], dtype=float),
                        "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
                        "sigma": np.asarray(si["sigma"], dtype=float),
                    }
                )
    return first, second


def precision(
    method: str, tables: dict[str, pd.DataFrame], target: float, n: int
) -> dict[str, Any]:
    """Are the 95% CIs narrow enough? If not, the N expected to make them so.

    CI half-widths shrink like 1/sqrt(N): N' = N (widest / target)^2, rounded up to a
    power of 2 (Sobol) and at least 2N.
    """
    widest, where = 0.0, ""
    for out, t in tables.items():
        if method == "sobol":
            for col in ("S1_conf", "ST_conf"):
                vals = t[col].to_numpy(dtype=float)
                vals = np.where(np.isfinite(vals), vals, np.inf)
                j = int(np.argmax(vals))
                if vals[j] > widest:
                    widest, where = float(vals[j]), f"{col[:2]} of {t['parameter'][j]} on {out}"
        else:
            scale = float(np.nanmax(t["mu_star"])) if len(t) else 0.0
            if scale <= 0:
                continue
            vals = t["mu_star_conf"].to_numpy(dtype=float) / scale
            j = int(np.nanargmax(vals))
            if vals[j] > widest:
                widest, where = (
                    float(vals[j]),
                    f"mu* of {t['parameter'][j]} on {out} (relative to the largest mu*)",
                )
    ok = widest <= target
    suggested = None
    if not ok:
        need = n * (widest / target) ** 2 if math.isfinite(widest) else 4 * n
        need = max(2 * n, math.ceil(need))
        suggested = 2 ** math.ceil(math.log2(need)) if method == "sobol" else need
    return {
        "narrow_enough": ok,
        "ci_target": target,
        "widest_ci_halfwidth": widest if math.isfinite(widest) else None,
        "widest_at": where,
        "suggested_samples": suggested,
    }


def runs_for(method: str, n: int, d: int, second_order: bool) -> int:
    if method == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    return n * (d + 1)


# --------------------------------------------------------------------------- command


def cmd_sensitivity(args: argparse.Namespace) -> int:
    check_batch_args(args)
    spec, problems = load_problem(args.problem)
    method = args.method or spec.method or "sobol"
    if args.method is not None and args.method not in METHODS:
        problems.append(Problem("--method", "", args.method, " or ".join(METHODS)))
    elif method not in METHODS:
        method = "sobol"  # already reported for the file
    if args.outputs is not None:
        spec.outputs, probs = check_outputs(args.outputs, "--outputs", "")
        problems += probs
    elif not spec.extra.get("has_outputs"):
        problems.append(
            Problem(
                spec.path,
                "outputs",
                "missing",
                "a list of " + OUTPUTS_ALLOWED + " (or --outputs)",
                "missing key",
            )
        )
    n = args.samples if args.samples is not None else spec.samples
    n = n if n is not None else (256 if method == "sobol" else 20)
    if n < 2:
        problems.append(Problem("--samples", "", n, "an integer >= 2"))
    if args.levels < 2 or args.levels % 2:
        problems.append(Problem("--levels", "", args.levels, "an even integer >= 2"))
    if not args.ci_target > 0:
        problems.append(Problem("--ci-target", "", args.ci_target, "a number > 0"))
    overrides = parse_overrides(args.overrides)
    plans = load_plans([args.scenario], overrides)
    problems += check_against_scenario(spec, plans[0])
    if method == "morris" and not problems:
        problems += morris_reaches_every_level(spec, args.levels)
    if problems:
        raise ScenarioError(problems)
    if len(spec.parameters) < 2:
        raise ScenarioError(
            [Problem(spec.path, "parameter", len(spec.parameters), "at least 2 parameters")]
        )
    second = bool(args.second_order if args.second_order is not None else spec.second_order)
    if method == "sobol" and n & (n - 1) and not args.json:
        print(
            f"note: Sobol sequences converge best when N is a power of 2 (got {n})", file=sys.stderr
        )
    counterfactual = "change_roi" in spec.outputs
    ctx = make_context(plans, overrides, args.seed, args.population, counterfactual)
    d = len(spec.parameters)
    n_points = runs_for(method, n, d, second)
    preflight.check_plans(args, plans, n_points, point_bytes=400 + 200 * d)
    sampler_seed = sampler_seed_of(args, plans[0])
    X = sample(spec, method, n, second, args.levels, sampler_seed)
    points = points_of(spec, X)
    _check_corners(spec, plans[0], X)
    most = preflight.check_points(plans, [(0, pt) for pt in points], spec.path, args.population)
    preflight.check_batch_memory(args, n_points, args.runs, most, plans[0].weeks)
    design = {
        "method": method,
        "samples": n,
        "second_order": second if method == "sobol" else None,
        "levels": args.levels if method == "morris" else None,
        "parameters": [p.design() for p in spec.parameters],
        "design_sha256": hashlib.sha256(np.ascontiguousarray(X).tobytes()).hexdigest(),
        "sampler_seed": sampler_seed,
    }
    batch = Batch(ctx, [(0, pt) for pt in points], args.runs)
    ident = identity("sensitivity", plans, overrides, ctx, design)
    if args.out and not args.json:
        print(
            f"{method}: {len(points)} design points x {args.runs} run(s) = {batch.size} runs",
            file=sys.stderr,
        )
    store, df, timing = run_batch(args, batch, ident, label=method)
    weeks: int | np.ndarray = plans[0].weeks
    if "weeks" in (p.key for p in spec.parameters):  # each point's own horizon
        weeks = np.array([pt["weeks"] for pt in points])
    ys, skipped = output_matrix(df, spec.outputs, len(points), weeks)
    tables, second_tables = analyse(spec, method, X, ys, second, args.levels, sampler_seed)
    prec = precision(method, tables, args.ci_target, n)
    noise = seed_noise(
        spec, method, X, df, list(ys), len(points), weeks, second, args.levels,
        sampler_seed, args.runs, args.ci_target,
    )  # fmt: skip
    for out, t in tables.items():  # the noise reference next to the indices
        if out in noise["noise"]:
            t["seed_noise"] = [noise["noise"][out][p] for p in t["parameter"]]
    result = build_result(method, n, batch, spec, tables, second_tables, skipped, prec, timing)
    result.update(base_seed=ctx.seed, sampler_seed=sampler_seed, seed_noise=noise)
    if noise["warning"]:
        print(f"warning: {noise['warning']}", file=sys.stderr)
    if store.path is not None:
        write_reports(
            store, method, spec, X, points, ys, tables, second_tables, result, plans[0].name
        )
    if args.json:
        print(json.dumps(clean_json(result), indent=2))
        return 0
    print_report(result, tables, second_tables, method, plans[0].name, timing, batch.size)
    if store.path is not None:
        print(
            f"indices: {store.file('indices.csv')}, {store.file('indices.json')}; "
            f"chart: {store.file('indices.png')}"
        )
    else:
        print("(use --out DIR to keep the indices as CSV and JSON, the chart, and to resume)")
    return 0


def sampler_seed_of(args: argparse.Namespace, sc: Scenario) -> int:
    """The seed of the sample design: --sampler-seed, else the scenario's `seed` (so that
    --seed changes the run seeds only, never the design)."""
    seed = sc.seed if args.sampler_seed is None else args.sampler_seed
    if seed < 0:
        raise ScenarioError([Problem("--sampler-seed", "", seed, "an integer >= 0")])
    return int(seed)


def _check_corners(spec: ProblemSpec, sc: Scenario, X: np.ndarray) -> None:
    """All parameters at their sampled minimum together, then at their maximum: catches
    combinations the scenario refuses (e.g. phase weeks out of order) before any run."""
    problems = []
    for agg, name in ((np.min, "lowest"), (np.max, "highest")):
        vals = agg(X, axis=0)
        ov = {p.key: convert(p, v) for p, v in zip(spec.parameters, vals, strict=True)}
        try:
            sc.with_overrides(ov, spec.path)
        except ScenarioError as exc:
            for e in exc.problems:
                problems.append(
                    Problem(
                        spec.path,
                        e.key,
                        e.value,
                        e.allowed,
                        f"with every parameter at its {name} sampled value: {e.message}",
                    )
                )
    if problems:
        raise ScenarioError(problems)


def build_result(method, n, batch, spec, tables, second_tables, skipped, prec, timing):
    indices: dict[str, Any] = {}
    for out, t in tables.items():
        cols = [c for c in t.columns if c != "parameter"]
        indices[out] = {
            row["parameter"]: {c: _f(row[c]) for c in cols} for row in t.to_dict("records")
        }
    result: dict[str, Any] = {
        "method": method,
        "samples": n,
        "design_points": len(batch.points),
        "runs_per_point": batch.runs,
        "runs": batch.size,
        "parameters": [p.key for p in spec.parameters],
        "outputs": spec.outputs,
        "indices": indices,
    }
    if second_tables:
        result["second_order"] = {out: t.to_dict("records") for out, t in second_tables.items()}
    if skipped:
        result["skipped"] = skipped
    result.update(prec)
    result["seconds"] = round(timing["seconds"], 3)
    return result


def _f(v: Any) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def write_reports(store, method, spec, X, points, ys, tables, second_tables, result, name) -> None:
    from experiments.charts import indices_chart
    from experiments.output import write_table

    long = (
        pd.concat([t.assign(output=out) for out, t in tables.items()], ignore_index=True)
        if tables
        else pd.DataFrame(columns=["output", "parameter"])
    )
    long = long[["output"] + [c for c in long.columns if c != "output"]]
    write_table(long, store.file("indices.csv"))
    if second_tables:
        s2 = pd.concat(
            [t.assign(output=out) for out, t in second_tables.items()], ignore_index=True
        )
        write_table(
            s2[["output"] + [c for c in s2.columns if c != "output"]],
            store.file("indices_second_order.csv"),
        )
    store.write_json("indices.json", clean_json(result))
    design = pd.DataFrame(X, columns=[p.key for p in spec.parameters])
    design.insert(0, "point", np.arange(len(X)))
    for out, y in ys.items():
        design[out] = y
    write_table(design, store.file("design.csv"))
    if tables:
        indices_chart(
            method,
            tables,
            store.file("indices.png"),
            f"{name}: {method}, N = {result['samples']}, {result['runs']} runs",
        )


def print_report(result, tables, second_tables, method, name, timing, total) -> None:
    print(
        f"sensitivity {name}: {method}, N = {result['samples']}, "
        f"{result['design_points']} design points x {result['runs_per_point']} run(s)"
    )
    print(report_timing(timing, total))
    for out, t in tables.items():
        print(f"\n  {out}")
        if method == "sobol":
            print(f"    {'parameter':40s} {'S1':>7s} {'+-':>6s} {'ST':>7s} {'+-':>6s}")
            for r in t.sort_values("ST", ascending=False).to_dict("records"):
                noise = r.get("seed_noise")
                print(
                    f"    {r['parameter']:40s} {r['S1']:7.3f} {r['S1_conf']:6.3f} "
                    f"{r['ST']:7.3f} {r['ST_conf']:6.3f}"
                    + ("" if noise is None else f"  seed noise +-{noise:.3f}")
                )
        else:
            print(f"    {'parameter':40s} {'mu*':>9s} {'+-':>8s} {'sigma':>9s} {'mu':>9s}")
            for r in t.sort_values("mu_star", ascending=False).to_dict("records"):
                print(
                    f"    {r['parameter']:40s} {r['mu_star']:9.4f} {r['mu_star_conf']:8.4f} "
                    f"{r['sigma']:9.4f} {r['mu']:9.4f}"
                )
    for out, reason in result.get("skipped", {}).items():
        print(f"\n  {out}: skipped ({reason})")
    sn = result.get("seed_noise") or {}
    if sn.get("replicates", 1) >= 2:
        print(
            f"\nseed noise: index spread over {sn['replicates']} replicates (95% half-width "
            "of the index of the averaged output); sampler seed "
            f"{result.get('sampler_seed')}, base seed {result.get('base_seed')}"
        )
    w = result["widest_ci_halfwidth"]
    if result["narrow_enough"]:
        print(f"\nCIs narrow enough: widest 95% half-width {w:.3f} <= {result['ci_target']}")
    elif tables:
        wtext = "infinite" if w is None else f"{w:.3f}"
        runs = (
            runs_for(
                method,
                result["suggested_samples"],
                len(result["parameters"]),
                "second_order" in result,
            )
            * result["runs_per_point"]
        )
        print(
            f"\nCIs too wide: widest 95% half-width {wtext} ({result['widest_at']}) > "
            f"{result['ci_target']}; rerun with --samples {result['suggested_samples']} "
            f"(about {runs:,} runs) in a new --out directory"
        )
