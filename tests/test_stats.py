"""The one statistics module: intervals of shares never leave [0, 1], differences of
shares never leave [-1, 1], and the UI and the CLI both use it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import stats
from ui.ensemble import CompareResult, differences, plan_table


def test_t_interval_of_numbers():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    m, lo, hi = stats.interval(x)
    half = 3.182446305284263 * x.std(ddof=1) / 2  # t(0.975, 3) s / sqrt(4)
    assert m == 2.5 and lo == pytest.approx(2.5 - half) and hi == pytest.approx(2.5 + half)
    assert stats.interval([5.0]) == (5.0, None, None)
    assert stats.interval([]) == (None, None, None)


def test_wilson_is_chosen_for_0_1_data_and_stays_in_unit_interval():
    # the case: goal reached in 1 of 50 runs showed "2.0% [-2.0%, 6.0%]"
    x = np.array([1.0] + [0.0] * 49)
    m, lo, hi = stats.interval(x)
    assert m == pytest.approx(0.02)
    assert (lo, hi) == pytest.approx(stats.wilson(1, 50))
    assert 0.0 < lo < 0.02 < hi < 0.2
    assert stats.interval([True, True, True])[1:] == pytest.approx(stats.wilson(3, 3))
    assert stats.interval([1.0, 1.0, 1.0])[2] == 1.0


def test_shares_are_bounded():
    share = np.array([0.99, 1.0, 1.0, 0.9, 1.0])
    assert stats.interval(share)[2] > 1.0  # the raw t interval would leave [0, 1]
    assert stats.interval(share, bounds=stats.UNIT)[2] == 1.0
    assert stats.bounds_of("final_active_share") == (0.0, 1.0)
    assert stats.bounds_of("goal_reached") == (0.0, 1.0)
    assert stats.bounds_of("final_nps") == (-100.0, 100.0)
    assert stats.bounds_of("cost_total_eur") is None


def test_paired_difference_of_shares_stays_in_minus_one_one():
    # the case: "+98.0 pts [+94.0, +102.0]"
    base = np.array([0.0] * 50)
    other = np.array([1.0] * 49 + [0.0])
    m, lo, hi = stats.paired_interval(base, other)
    assert m == pytest.approx(0.98) and lo < 0.98 < hi <= 1.0
    a = np.array([0.0, 0.01, 0.0, 0.02, 0.0])
    b = np.array([1.0, 0.99, 0.9, 1.0, 1.0])
    assert stats.paired_interval(a, b)[2] > 1.0
    assert stats.paired_interval(a, b, bounds=stats.UNIT)[2] == 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_newcombe_paired_interval_properties(pairs):
    a = np.array([p[0] for p in pairs], dtype=float)
    b = np.array([p[1] for p in pairs], dtype=float)
    m, lo, hi = stats.paired_interval(a, b)
    assert -1.0 <= lo <= m + 1e-12 and m - 1e-12 <= hi <= 1.0
    m2, lo2, hi2 = stats.paired_interval(b, a)  # swapping negates the interval
    assert m2 == pytest.approx(-m) and lo2 == pytest.approx(-hi) and hi2 == pytest.approx(-lo)


def test_run_table_summaries_are_bounded():
    df = pd.DataFrame(
        {
            "run": range(5),
            "goal_reached": [True, False, False, False, False],
            "final_active_share": [0.99, 1.0, 1.0, 0.9, 1.0],
            "cost_total_eur": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    out = stats.summarise_runs(df)["fields"]
    assert out["final_active_share"]["ci95"][1] == 1.0
    assert out["goal_reached"]["ci95"] == pytest.approx(list(stats.wilson(1, 5)))
    other = df.assign(final_active_share=0.0, goal_reached=True)
    diff = stats.paired_differences(other, df)["fields"]
    assert diff["final_active_share"]["ci95"][1] <= 1.0
    lo, hi = diff["goal_reached"]["ci95"]
    assert -1.0 <= lo and hi <= 1.0
    b = stats.band([[0.0, 0.99, 1.0], [0.0, 1.0, 1.0], [0.0, 0.9, 1.0]])
    assert (b["ci_hi"] <= 1.0).all() and (b["ci_lo"] >= 0.0).all()


def test_compare_tables_use_the_bounded_intervals():
    """The UI's plan table and differences: no share interval outside [0, 1] or
    [-1, 1] (they used their own t interval before)."""
    runs = 50
    a = pd.DataFrame(
        {"goal_reached": [False] * runs, "final_active_share": [0.0] * (runs - 1) + [0.02]}
    )
    b = pd.DataFrame(
        {
            "goal_reached": [True] * (runs - 1) + [False],
            "final_active_share": [1.0] * (runs - 1) + [0.5],
        }
    )
    result = CompareResult(["a", "b"], runs, 1, weekly={}, summaries={"a": a, "b": b})
    table = plan_table(result).set_index("field")
    for plan in ("a", "b"):
        for field in ("goal_reached", "final_active_share"):
            m, lo, hi = table.loc[field, plan]
            assert 0.0 <= lo <= m <= hi <= 1.0, (plan, field, lo, hi)
    diff = differences(result, "a").set_index("field")
    for field in ("goal_reached", "final_active_share"):
        row = diff.loc[field]
        assert -1.0 <= row.ci_low <= row.difference <= row.ci_high <= 1.0, (field, row)
    assert diff.loc["goal_reached"].significant
