"""EMA Workbench adapter: a real `ema_workbench.Model`, or a plain function model.

    from experiments.ema import ema_model
    from ema_workbench import SequentialEvaluator, perform_experiments

    model = ema_model(
        "five_phase",
        uncertainties={"tool.usefulness": (0.3, 0.9), "organisation.culture":
                       ["harmony", "hierarchy"]},
        levers={"strategy.champions.count": (0, 12)},
        outcomes=["final_active_share", "goal_reached"],
    )
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=100, policies=4,
                                                    evaluator=evaluator)

`ema_model` needs the optional extra `pip install -e '.[ema]'` (ema-workbench 2.5.x: the
3.x line needs Python >= 3.12, this project runs on 3.11). Uncertainties and levers are
dotted scenario keys with `(low, high)` bounds (integer and boolean keys become
IntegerParameter / BooleanParameter, from the type the scenario stores), a list of
categories (CategoricalParameter), or the path of a problem file in the `sensitivity`
format (`[[parameter]]` tables with `key` and `bounds`; uniform only). In the Workbench
the parameters are named with `_` for `.` (`tool_usefulness`: Python identifiers, as
ema-workbench 3 requires) and map to the dotted keys through `variable_name`.

`ema_function` is the function model underneath, usable without the Workbench:

    from experiments.ema import ema_function
    f = ema_function("five_phase", outcomes=["final_active_share", "goal_reached"], runs=2)
    f(**{"strategy.champions.count": np.int64(6), "tool.usefulness": 0.7})
    # {"final_active_share": 0.61, "goal_reached": 1.0}

Each call runs the experiment's point `runs` times through `run_batch` (the one runner)
on the run seeds of `seed` (default: the scenario's), the same for every experiment
(common random numbers), and returns each outcome's mean over the runs (booleans as
shares; undefined values are skipped; NaN when undefined in every run). Keyword names
are dotted scenario keys; numpy scalars are accepted.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from experiments.batch import run_batch
from experiments.discovery import bounds_spec
from experiments.inputs import NON_NUMERIC, known_output
from experiments.sensitivity import Parameter, check_against_scenario, load_problem
from model.errors import Problem, ScenarioError
from model.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    import ema_workbench

DEFAULT_OUTCOMES = ("final_active_share", "goal_reached", "roi")
SPEC_ALLOWED = (
    "a dict of dotted scenario keys, each with (low, high) bounds or a list of "
    "categories, or the path of a problem file with [[parameter]] tables"
)


def ema_function(
    scenario: str | Path | dict | Scenario,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    *,
    runs: int = 1,
    seed: int | None = None,
    overrides: dict[str, Any] | None = None,
    counterfactual: bool = False,
) -> Callable[..., dict[str, float]]:
    """`f(**experiment) -> {outcome: mean over runs}` for one scenario."""
    base = load_scenario(scenario, overrides)
    wanted = list(outcomes)
    needs_cf = counterfactual or "change_roi" in wanted

    def adoptsim_model(**experiment: Any) -> dict[str, float]:
        df = run_batch(base, [experiment], runs=runs, seed=seed, counterfactual=needs_cf)
        return {name: _mean(df, name) for name in wanted}

    adoptsim_model.__name__ = f"adoptsim_{base.name}"
    return adoptsim_model


def _mean(df: pd.DataFrame, name: str) -> float:
    if name not in df:
        return float("nan")
    col = df[name]
    x = pd.to_numeric(col.astype("Float64") if col.dtype == "boolean" else col, errors="coerce")
    x = x.astype(float).dropna()
    return float(x.mean()) if len(x) else float(np.nan)


# --------------------------------------------------------------------------- Model


def ema_name(key: str) -> str:
    """The Workbench name of a dotted scenario key: a Python identifier."""
    return re.sub(r"\W", "_", key)


def ema_model(
    scenario: str | Path | dict | Scenario,
    uncertainties: Mapping[str, Any] | str | Path,
    levers: Mapping[str, Any] | str | Path | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    *,
    runs: int = 1,
    seed: int | None = None,
    overrides: dict[str, Any] | None = None,
    counterfactual: bool = False,
    name: str | None = None,
) -> ema_workbench.Model:
    """An `ema_workbench.Model` of one scenario: its function is `ema_function`, its
    uncertainties and levers are built from the specs (see the module text), its
    outcomes are `ScalarOutcome`s of run-summary fields. Bad specs raise ScenarioError
    naming the spec, the key and what is allowed, all at once."""
    try:
        with warnings.catch_warnings():  # "ipyparallel not installed": not needed here
            warnings.simplefilter("ignore")
            import ema_workbench as ema
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        raise ImportError(
            "ema_model needs EMA Workbench: pip install -e '.[ema]' "
            "(ema-workbench 2.5.x; 3.x needs Python >= 3.12)"
        ) from exc
    base = load_scenario(scenario, overrides)
    problems: list[Problem] = []
    unc, p1 = _parameters(ema, base, uncertainties, "uncertainties")
    lev, p2 = _parameters(ema, base, levers or {}, "levers")
    problems += p1 + p2
    wanted = list(outcomes) if not isinstance(outcomes, str) else [outcomes]
    for out in wanted:
        if not isinstance(out, str) or out in NON_NUMERIC or not known_output(out):
            problems.append(
                Problem(
                    "outcomes",
                    str(out),
                    out,
                    "numeric or boolean run-summary fields, e.g. final_active_share, "
                    "goal_reached, roi",
                    "not a numeric run-summary field",
                )
            )
    if not wanted:
        problems.append(Problem("outcomes", "", wanted, "at least one run-summary field"))
    seen: dict[str, str] = {}
    for source, pars in (("uncertainties", unc), ("levers", lev)):
        for par in pars:
            key = par.variable_name[0]
            if par.name in seen:
                problems.append(
                    Problem(
                        source,
                        key,
                        par.name,
                        "each key once, in the uncertainties or in the levers",
                        f"also given as {seen[par.name]}",
                    )
                )
            seen[par.name] = f"{source}: {key}"
    if not unc and not lev and not problems:
        problems.append(Problem("uncertainties", "", uncertainties, "at least one parameter"))
    if problems:
        raise ScenarioError(problems)
    f = ema_function(base, wanted, runs=runs, seed=seed, counterfactual=counterfactual)
    model = ema.Model(name or "adoptsim" + re.sub(r"[^0-9A-Za-z]", "", base.name), function=f)
    model.uncertainties = unc
    model.levers = lev
    model.outcomes = [ema.ScalarOutcome(o) for o in wanted]
    return model


def _parameters(ema, base: Scenario, spec: Any, source: str) -> tuple[list, list[Problem]]:
    """Workbench parameters from a spec (dict or problem file); problems, not raised."""
    if isinstance(spec, str | Path):
        file_spec, problems = load_problem(spec)
        if problems:
            return [], problems
        bad = [p for p in file_spec.parameters if p.dist != "unif"]
        problems = [
            Problem(file_spec.path, f"parameter.{p.index}.distribution", p.dist, "uniform")
            for p in bad
        ]
        problems += [
            Problem(file_spec.path, f"parameter.{p.index}.weights", list(p.weights),
                    "equal weights (the Workbench draws levels uniformly)")
            for p in file_spec.parameters
            if len(set(p.weights)) > 1
        ]  # fmt: skip
        problems += check_against_scenario(file_spec, base)
        if problems:
            return [], problems
        return [_numeric(ema, p) for p in file_spec.parameters], []
    if not isinstance(spec, Mapping):
        return [], [Problem(source, "", type(spec).__name__, SPEC_ALLOWED, "not a spec")]
    numeric, cats, problems = bounds_spec(base, spec, source, categories=True)
    if problems:
        return [], problems
    out = [ema.CategoricalParameter(ema_name(k), c, variable_name=k) for k, c in cats]
    return out + [_numeric(ema, p) for p in numeric.parameters], []


def _numeric(ema, p: Parameter):
    """A Workbench parameter for a checked key (its kind from the scenario)."""
    if p.kind == "level":
        return ema.CategoricalParameter(ema_name(p.key), list(p.levels), variable_name=p.key)
    lo, hi = p.bounds
    if p.kind == "bool":
        return ema.BooleanParameter(ema_name(p.key), variable_name=p.key)
    if p.kind == "int":
        return ema.IntegerParameter(
            ema_name(p.key), int(math.ceil(lo)), int(math.floor(hi)), variable_name=p.key
        )
    return ema.RealParameter(ema_name(p.key), lo, hi, variable_name=p.key)
