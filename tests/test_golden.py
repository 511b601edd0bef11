"""Golden outputs: the weekly table and run summary of every preset, for three seeds.

A refactor must leave these unchanged. A change of the model's behaviour updates them
on purpose (`python tests/test_golden.py --update`), and its commit says why.
Values are rounded to 9 significant digits before hashing, so only a change of
behaviour (not of floating-point summation order in the last bits) moves a hash.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import preset_names, run

GOLDEN = Path(__file__).parent / "golden" / "presets.json"
SEEDS = (1, 2, 3)


def _rounded(value):
    if isinstance(value, float) and np.isfinite(value):
        return float(f"{value:.9g}")
    return value


def fingerprint(name: str, seed: int) -> dict[str, str]:
    """Hashes of the weekly table and of the summary of one preset and seed."""
    res = run(name, seed=seed)  # full length, change_roi included
    weekly = res.weekly.copy()
    numeric = weekly.select_dtypes("number").columns
    weekly[numeric] = weekly[numeric].apply(lambda c: c.map(_rounded))
    table = pd.util.hash_pandas_object(weekly, index=True).to_numpy().tobytes()
    summary = json.dumps({k: _rounded(v) for k, v in sorted(res.summary.items())}, default=str)
    return {
        "weekly": hashlib.sha256(table).hexdigest()[:16],
        "summary": hashlib.sha256(summary.encode()).hexdigest()[:16],
    }


def current() -> dict[str, dict[str, str]]:
    return {f"{n}/{s}": fingerprint(n, s) for n in preset_names() for s in SEEDS}


@pytest.mark.parametrize("name", preset_names())
def test_presets_match_golden_outputs(name):
    golden = json.loads(GOLDEN.read_text())
    for seed in SEEDS:
        key = f"{name}/{seed}"
        assert key in golden, f"no golden output for {key}: run tests/test_golden.py --update"
        assert fingerprint(name, seed) == golden[key], f"{key} changed"


if __name__ == "__main__" and "--update" in sys.argv:
    GOLDEN.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
