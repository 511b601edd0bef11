"""Checks of the Python API's own arguments (seeds, snapshot weeks): a bad one is a
`ScenarioError` naming the argument, as a bad scenario key is, never a bare
TypeError/ValueError from numpy deep inside a run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from model.errors import Problem, ScenarioError

SEED_ALLOWED = "an integer >= 0, a numpy SeedSequence or None (the scenario's seed)"


def check_seed(seed: Any, source: str = "seed") -> Any:
    """`seed` if it is None, a SeedSequence or an integer >= 0 (not a bool)."""
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool | np.bool_):
        if seed >= 0:
            return int(seed)
    raise ScenarioError([Problem(source, "", seed, SEED_ALLOWED)])


def check_snapshot_weeks(weeks: Any, last: int, source: str = "snapshots") -> list[int]:
    """Snapshot weeks as a list of integers in [0, last]; a text or a number is refused
    (a string is iterable: "12" would silently mean weeks "1" and "2")."""
    if weeks is None:
        return []
    allowed = f"a list of week numbers in [0, {last}]"
    if isinstance(weeks, str | bytes) or not isinstance(weeks, Iterable):
        raise ScenarioError([Problem(source, "", weeks, allowed)])
    out, problems = [], []
    for w in weeks:
        ok = isinstance(w, int | np.integer) and not isinstance(w, bool | np.bool_)
        if not ok or not 0 <= w <= last:
            problems.append(Problem(source, "", w, allowed, "not a week of this run"))
        else:
            out.append(int(w))
    if problems:
        raise ScenarioError(problems)
    return out
