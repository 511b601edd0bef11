"""The KPI registry: one entry per weekly column, and everything derived from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DESIGN_WEEKLY_COLUMNS

from model import metrics, run
from model.metrics import KPIS, SCALARS, SHARE_OF, TRACKED, WEEKLY_COLUMNS, Block, kpi_table

ODD = Path(__file__).parents[1] / "docs" / "ODD.md"


def test_registry_gives_the_design_columns_once():
    assert WEEKLY_COLUMNS == DESIGN_WEEKLY_COLUMNS
    assert len({k.name for k in KPIS}) == len(KPIS)
    assert all(k.doc and k.of for k in KPIS)


def _arrays(reads, weeks=3, n=20, seed=0):
    rng = np.random.default_rng(seed)
    full = {
        "stage": rng.integers(0, 4, (weeks, n)).astype(np.int8),
        "relief": rng.random((weeks, n)) < 0.5,
        "held": rng.random((weeks, 4, n)) < 0.5,
        "scalars": rng.random((weeks, len(SCALARS))),
    }
    for name in TRACKED:
        full.setdefault(name, rng.uniform(-1, 1, (weeks, n)))
    return {k: v for k, v in full.items() if k in reads}


@pytest.mark.parametrize("kpi", KPIS, ids=lambda k: k.name)
def test_each_kpi_reads_only_what_it_declares(kpi):
    """The Recorder keeps only declared arrays; an undeclared read would fail here."""
    target = np.arange(20) % 3 > 0
    values = kpi.values(Block(_arrays(kpi.reads), target, rate=0.1))
    assert values.shape == (3,)
    if kpi.of in SHARE_OF:
        assert ((values >= 0) & (values <= 1)).all()


def test_undeclared_array_is_an_error():
    with pytest.raises(AttributeError, match="stage"):
        _ = Block({}, np.ones(4, bool), 0.1).stage


def test_odd_table_is_generated_from_the_registry():
    assert kpi_table() in ODD.read_text(), (
        "docs/ODD.md 2.10 is out of date: paste model.metrics.kpi_table()"
    )


def test_week_by_week_kpis_equal_batched_kpis(monkeypatch):
    """Large runs compute each week's row at once; same table as the batched path."""
    batched = run("typical_sme", seed=2, weeks=20, counterfactual=False).weekly
    monkeypatch.setattr(metrics, "BULK_LIMIT", 0)
    weekly = run("typical_sme", seed=2, weeks=20, counterfactual=False).weekly
    pd.testing.assert_frame_equal(weekly, batched)
