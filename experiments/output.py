"""Writing tables (CSV or Parquet by file suffix), atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from model.errors import Problem, ScenarioError, safe_text


def check_writable(path: str | Path | None, flag: str, kind: str = "file") -> None:
    """Refuse, before any run, an output path that cannot be written: a directory where
    a file is wanted (or the reverse), a path below a file, or no write permission."""
    if path is None:
        return
    p = Path(path)
    if kind == "file" and p.is_dir():
        raise ScenarioError([Problem(flag, "", str(p), "a file name", "this is a directory")])
    if kind == "dir" and p.exists() and not p.is_dir():
        raise ScenarioError([Problem(flag, "", str(p), "a directory", "this is a file")])
    base = p.parent if kind == "file" else p
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise ScenarioError(
            [
                Problem(
                    flag,
                    "",
                    str(p),
                    "a writable path (its folders must be folders or not exist yet)",
                    f"{safe_text(base.name, 60)} on this path is a file",
                )
            ]
        )
    if not os.access(base, os.W_OK | os.X_OK):
        raise ScenarioError(
            [Problem(flag, "", str(p), "a writable path", f"no permission to write in {base}")]
        )


def write_table(df: pd.DataFrame, path: str | Path) -> None:
    """Write `df` to .csv or .parquet through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix == ".parquet":
        df.to_parquet(tmp, index=False)
    else:
        df.to_csv(tmp, index=False, float_format="%.10g")
    os.replace(tmp, path)
