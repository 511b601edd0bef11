"""Fuzz test (issue 15): hypothesis-generated scenario files and `--set` values through
`check` and `run --weeks 2`, in-process. Whatever the input (nesting, non-finite and huge
numbers, unknown keys, unicode, control characters), the outcome is exit 0 or exit 2
with one bounded, escaped line per problem: never a traceback (an exception escaping
`main` fails the test), never a non-finite number in an output, and a file `check`
accepts also runs. Bounded by `max_examples` so the suite stays fast."""

from __future__ import annotations

import json
import math
import os
import tempfile
import unicodedata
from pathlib import Path

import pandas as pd
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_cli_basic import cli

from model.scenario import Scenario

EXAMPLES = int(os.environ.get("ADOPTSIM_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _leaves(tree, prefix=""):
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _leaves(v, f"{prefix}{k}.")
    else:
        yield prefix[:-1]


DEFAULTS = Scenario().model_dump(mode="json", exclude_none=True)
REAL_KEYS = sorted(_leaves(DEFAULTS))
REAL_KEYS += ["strategy.anchoring.process_integration_week", "dynamics.threshold.seed_ids"]
WORDS = [
    "complete", "threshold", "bass", "innovation", "hierarchy", "phased", "big_bang",
    "storytelling", "mentoring", "all", "email", "critics", "early", "none", "organisation",
]  # fmt: skip

scalars = st.one_of(
    st.integers(min_value=-5, max_value=600),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, float("inf"), float("nan"), 2**63, 10**30]),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(WORDS),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
deep = st.integers(min_value=10, max_value=60).map(lambda d: _nest(d))


def _default(key: str):
    node = DEFAULTS
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _plausible(key: str) -> st.SearchStrategy:
    """Values near the key's default (same type), so that many files are valid and
    reach `run`; hostile values come from `values`."""
    d = _default(key)
    if isinstance(d, bool):
        return st.booleans()
    if isinstance(d, int):
        return st.integers(min_value=0, max_value=max(2 * d, 3))
    if isinstance(d, float):
        return st.floats(min_value=0.0, max_value=max(2 * d, 1.0))
    if isinstance(d, str):
        return st.sampled_from([d, *WORDS])
    return values


real_items = st.sampled_from(REAL_KEYS).flatmap(
    lambda k: st.tuples(st.just(k), _plausible(k) | _plausible(k) | values)
)
keys = st.one_of(
    st.sampled_from(REAL_KEYS),
    st.sampled_from(REAL_KEYS).map(lambda k: k.rsplit(".", 1)[0] + ".bogus"),
    st.text(min_size=1, max_size=12),
    st.sampled_from(["parameters.culture.innovation.openness", "parameters.attitude_role.boss"]),
)


def _nest(depth: int):
    v: object = 1
    for i in range(depth):
        v = [v] if i % 2 else {"a": v}
    return v


def _put(tree: dict, key: str, value) -> None:
    parts = key.split(".")
    node = tree
    for part in parts[:-1]:
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            return
        node = nxt
    node[parts[-1]] = value


@st.composite
def scenario_texts(draw) -> str:
    if draw(st.integers(0, 9)) == 0:  # now and then, not TOML at all
        return draw(st.text(max_size=200))
    tree: dict = {}
    items = st.tuples(keys, values | deep) | real_items | real_items | real_items
    for key, value in draw(st.lists(items, max_size=6)):
        _put(tree, key, value)
    try:
        return tomli_w.dumps(tree)
    except (TypeError, ValueError):
        return "name = 'x'\nweeks = 0\n"  # a plain invalid file instead


@st.composite
def set_values(draw) -> str:
    choice = draw(st.integers(0, 3))
    key, value = draw(real_items) if choice else (draw(keys), draw(values | deep))
    if choice == 0 and draw(st.booleans()):
        raw = draw(st.text(max_size=30))
    else:
        try:
            raw = tomli_w.dumps({"v": value})[4:].strip()
        except (TypeError, ValueError):
            raw = "1"
    return f"{key}={raw}"


def _assert_clean_exit(code, out: str, err: str) -> None:
    assert "Traceback" not in err
    assert code in (0, 2), (code, err[-2000:])
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        problems = [line for line in lines if line.startswith("error:")]
        assert problems, err[-2000:]
        assert len(problems) <= 21
        for line in lines:
            assert len(line) <= 1200
            assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in line), line


def _assert_finite_outputs(out: str, table: Path) -> None:
    summary = json.loads(out)
    for key, value in summary.items():
        if isinstance(value, float):
            assert math.isfinite(value), (key, value)
    assert summary["cost_total_eur"] is not None
    df = pd.read_csv(table)
    numeric = df.select_dtypes("number").to_numpy(dtype=float)
    assert not (numeric == float("inf")).any() and not (numeric == -float("inf")).any()


def _check_then_run(capsys, path: str, sets: list[str]) -> None:
    code, out, err = cli(capsys, "check", path, *[f"--set={s}" for s in sets])
    _assert_clean_exit(code, out, err)
    event(f"check exit {code}")
    if code != 0:
        return
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "weekly.csv"
        code, out, err = cli(
            capsys, "run", path, "--weeks", "2", "--json", "--out", str(table),
            *[f"--set={s}" for s in sets],
        )  # fmt: skip
        assert code == 0, ("check said ok, run did not", err[-2000:])
        _assert_finite_outputs(out, table)


@FUZZ
@given(text=scenario_texts())
def test_fuzz_scenario_files(capsys, text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _check_then_run(capsys, str(path), [])


@FUZZ
@given(sets=st.lists(set_values(), min_size=1, max_size=3))
def test_fuzz_set_values(capsys, sets):
    _check_then_run(capsys, "typical_sme", sets)
