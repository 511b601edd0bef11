"""One Parquet schema per output directory.

Every part of a result directory has the same columns with the same types, so that
`pd.read_parquet(DIR / "parts")` and `duckdb.read_parquet('DIR/parts/*.parquet')` read
the whole directory without `union_by_name`:

- every `cost_<lever>_eur` column of `COST_LEVERS` (and any other lever that appears in
  some run) is in every part, 0.0 where the lever was not used;
- a column that appears only in a later part (a new lever, a field undefined so far) is
  added to the earlier parts (cost 0.0, otherwise null) by rewriting them atomically;
- a later part's columns are cast to the types the directory already has.

The design point's input values (its dotted scenario keys) are columns of every run
record (`runner.run_task`), so a part is self-describing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.metrics import COST_CATEGORIES

# Cost categories the engine books on (model.metrics.Ledger); a test checks that a run
# with every lever switched on books nothing outside this list.
COST_LEVERS = COST_CATEGORIES
COST_COLUMN = re.compile(r"^cost_[a-z0-9_]+_eur$")
LEVER_COLUMNS = tuple(f"cost_{lever}_eur" for lever in COST_LEVERS)


def with_costs(df: pd.DataFrame) -> pd.DataFrame:
    """Add every known `cost_<lever>_eur` column (0.0) and fill missing costs with 0.0."""
    if not len(df):
        return df
    df = df.copy()
    for col in LEVER_COLUMNS:
        if col not in df:
            df[col] = 0.0
    for col in df.columns:
        if COST_COLUMN.match(col) and col != "cost_total_eur":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float).fillna(0.0)
    return df


def _default(name: str, dtype, n: int):
    """The value of a column a part lacks: 0.0 for a lever cost, otherwise null."""
    if COST_COLUMN.match(name):
        return np.zeros(n)
    if str(dtype) == "boolean":
        return pd.array([pd.NA] * n, dtype="boolean")
    if str(dtype) == "object":
        return pd.Series([None] * n, dtype=object)
    return np.full(n, np.nan)


def conform(df: pd.DataFrame, dtypes: dict[str, object]) -> pd.DataFrame:
    """`df` with the columns (in order) and pandas dtypes of `dtypes`, plus its own new
    columns at the end; missing columns get their default."""
    df = with_costs(df)
    out = {}
    for name, dtype in dtypes.items():
        if name in df:
            col = df[name]
            if str(col.dtype) != str(dtype):
                col = _cast(col, dtype)
            out[name] = col
        else:
            out[name] = _default(name, dtype, len(df))
    for name in df.columns:
        if name not in out:
            out[name] = df[name]
    return pd.DataFrame(out, index=df.index)


def _cast(col: pd.Series, dtype) -> pd.Series:
    try:
        if str(dtype) == "float64":
            return pd.to_numeric(col.astype(object), errors="coerce").astype(float)
        return col.astype(dtype)
    except (TypeError, ValueError):
        return col.astype(object).map(lambda v: None if pd.isna(v) else str(v))


def dtypes_of(df: pd.DataFrame) -> dict[str, object]:
    return {name: df[name].dtype for name in df.columns}


def write_part(df: pd.DataFrame, path: Path) -> None:
    """Write one part atomically (temporary name, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    df.to_parquet(tmp, index=False, schema=_arrow(df))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class DirectorySchema:
    """The column names and types of a result directory's parts."""

    def __init__(self) -> None:
        self.dtypes: dict[str, object] = {}

    def scan(self, parts: list[Path]) -> None:
        """Take the schema from the existing parts (the first readable one)."""
        for part in parts:
            try:
                head = pq.read_table(part).slice(0, 0).to_pandas()
            except Exception:  # unreadable parts are the store's business
                continue
            self.dtypes = dtypes_of(head)
            return

    def prepare(self, df: pd.DataFrame, parts: list[Path]) -> pd.DataFrame:
        """`df` conformed to the directory's schema; earlier parts are rewritten when `df`
        brings new columns (so every part keeps every column)."""
        df = conform(df, self.dtypes)
        new = [c for c in df.columns if c not in self.dtypes]
        if self.dtypes and new:
            grown = {**self.dtypes, **{c: df[c].dtype for c in new}}
            for part in parts:
                try:
                    old = pd.read_parquet(part)
                except Exception:
                    continue
                write_part(conform(old, grown), part)
        self.dtypes = dtypes_of(df)
        return df


def _arrow(df: pd.DataFrame) -> pa.Schema:
    """The inferred Arrow schema, with all-null columns typed (text, or lists of numbers
    for weekly series) so that a part whose runs all lack a value keeps the type."""
    schema = pa.Schema.from_pandas(df, preserve_index=False)
    for i, f in enumerate(schema):
        if pa.types.is_null(f.type):
            typ = pa.list_(pa.float64()) if f.name.startswith("weekly_") else pa.string()
            schema = schema.set(i, pa.field(f.name, typ))
    return schema


def arrow_schema(path: Path) -> pa.Schema:
    """The Arrow schema of one part (for tests and checks)."""
    return pq.read_schema(path).remove_metadata()
