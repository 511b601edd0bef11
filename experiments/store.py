"""The result store of a batch: `manifest.json` plus Parquet parts of per-run summaries.

Layout of an output directory (`--out DIR`):

    DIR/manifest.json          what was asked: command, scenario(s), overrides, base seed,
                               design, package version, number of runs
    DIR/parts/part-NNNNNN.parquet   one part per finished chunk: one row per run
                               (`point`, `run`, the point's inputs, every summary field,
                               kept weekly series); one schema per directory
                               (`experiments.schema`)
    DIR/...                    the command's reports (summary.json, charts, ...)

Parts are written to a temporary name and renamed (`os.replace`) when complete, so a
killed process loses at most the chunks in flight and never leaves a half-written part.
Opening a directory again resumes: the runs already in the parts are not recomputed. A
manifest describing a different design is refused (ScenarioError, exit 2) naming the
keys that differ. The number of runs is not part of the design: run `i` has the same
seed whatever the total, so `--runs` may grow (only the new runs are computed) or shrink
(the first runs are used). A `.lock` file holding the writer's pid keeps two processes
from writing into one directory at the same time.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from experiments import provenance
from experiments.schema import DirectorySchema, with_costs, write_part
from model.errors import Problem, ScenarioError, safe_text

FORMAT = 1
PART = re.compile(r"part-\d{6,}\.parquet")
IDENTITY_KEYS = ("command", "scenario", "overrides", "base_seed", "design")


def records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Run records as a table with stable column types.

    Booleans -> nullable boolean, numbers and None -> float64 (None = NaN), other values
    -> text; `weekly_*` lists stay lists (Parquet list columns).
    """
    keys: dict[str, None] = {}
    for rec in records:
        keys.update(dict.fromkeys(rec))
    cols: dict[str, Any] = {}
    for key in keys:
        vals = [rec.get(key) for rec in records]
        present = [v for v in vals if v is not None]
        if key in ("point", "run"):
            cols[key] = np.asarray(vals, dtype=np.int64)
        elif key.startswith("weekly_"):
            cols[key] = pd.Series(vals, dtype=object)
        elif present and all(isinstance(v, bool | np.bool_) for v in present):
            cols[key] = pd.array(vals, dtype="boolean")
        elif all(_is_number(v) for v in present):
            cols[key] = np.array([np.nan if v is None else float(v) for v in vals])
        else:
            cols[key] = pd.Series([None if v is None else str(v) for v in vals], dtype=object)
    return pd.DataFrame(cols)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(
        v, bool | np.bool_
    )


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, allow_nan=False) + "\n").encode())


def normalise(obj: Any) -> Any:
    """JSON round trip: what the manifest stores and compares (tuples -> lists, ...)."""
    return json.loads(json.dumps(obj, default=str))


class ResultStore:
    """Per-run records of a batch, in memory (`path=None`) or in an output directory."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self._frames: list[pd.DataFrame] = []
        self._done: set[tuple[int, int]] = set()
        self._next_part = 0
        self._locked = False
        self.resumed = 0  # runs found in the directory when it was opened
        self.manifest: dict[str, Any] = {}
        self.schema = DirectorySchema()

    # ----------------------------------------------------------------- opening

    def open(self, identity: dict[str, Any], runs: int) -> ResultStore:
        """Create or resume the store for a design (`identity` has IDENTITY_KEYS)."""
        identity = normalise(identity)
        self.manifest = {"format": FORMAT, **identity, "runs": runs}
        if self.path is None:
            return self
        if self.path.exists() and not self.path.is_dir():
            raise ScenarioError([Problem("--out", "", str(self.path), "a directory")])
        self._check_ours()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ScenarioError(
                [Problem("--out", "", str(self.path), "a directory that can be created", str(exc))]
            ) from None
        self._lock()
        try:
            man_path = self.path / "manifest.json"
            if man_path.exists():
                old = self._read_manifest(man_path)
                self._check_same_design(man_path, old, identity)
                self.manifest = {**old, "runs": max(int(old["runs"]), runs)}
                if self.manifest != old:
                    self.manifest["updated"] = _now()
                    atomic_write_json(man_path, self.manifest)
            else:
                if any(self._part_files()):
                    raise ScenarioError(
                        [
                            Problem(
                                str(self.path),
                                "manifest.json",
                                "missing",
                                "an empty directory or one written by the same command",
                                "result parts without a manifest",
                            )
                        ]
                    )
                self.manifest = {
                    "format": FORMAT,
                    **identity,
                    "runs": runs,
                    **provenance.for_manifest(identity),
                    "created": _now(),
                }
                atomic_write_json(man_path, self.manifest)
            if self.parts_dir.exists() and not self.parts_dir.is_dir():
                raise ScenarioError(
                    [
                        Problem(
                            str(self.path),
                            "parts",
                            str(self.parts_dir),
                            "a directory of result parts (move the file away)",
                            "parts is a file",
                        )
                    ]
                )
            self.parts_dir.mkdir(exist_ok=True)
            self._scan_parts()
        except BaseException:
            self.close()
            raise
        self.resumed = len(self._done)
        return self

    def _check_ours(self) -> None:
        """Write only into a directory adoptsim created (it holds its manifest, or only
        what a first attempt killed early leaves) or a new or empty one: never into a
        user's directory, whose files (e.g. a summary.json) would be overwritten."""
        assert self.path is not None
        if not self.path.is_dir() or (self.path / "manifest.json").exists():
            return
        try:
            names = {p.name for p in self.path.iterdir()}
        except OSError as exc:
            raise ScenarioError(
                [Problem("--out", "", str(self.path), "a readable directory", str(exc))]
            ) from None
        parts = self.path / "parts"
        ours = names <= {".lock", "parts"} and (not parts.is_dir() or not any(parts.iterdir()))
        if not ours:
            shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
            raise ScenarioError(
                [
                    Problem(
                        "--out",
                        "",
                        str(self.path),
                        "a new or empty directory, or one that adoptsim wrote (it holds "
                        "manifest.json)",
                        f"a directory adoptsim did not create (holds {shown})",
                    )
                ]
            )

    def _part_files(self) -> list[Path]:
        """The finished parts (`part-NNNNNN.parquet`), in order; other files are left
        alone (and reported once by `_scan_parts`)."""
        if not self.parts_dir.is_dir():
            return []
        return sorted(p for p in self.parts_dir.glob("part-*.parquet") if PART.fullmatch(p.name))

    @property
    def parts_dir(self) -> Path:
        assert self.path is not None
        return self.path / "parts"

    def _read_manifest(self, man_path: Path) -> dict[str, Any]:
        try:
            old = json.loads(man_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ScenarioError(
                [
                    Problem(
                        str(man_path),
                        "",
                        "",
                        "a manifest written by adoptsim",
                        f"unreadable manifest ({exc})",
                    )
                ]
            ) from None
        if not isinstance(old, dict) or old.get("format") != FORMAT:
            raise ScenarioError(
                [
                    Problem(
                        str(man_path),
                        "format",
                        old.get("format") if isinstance(old, dict) else old,
                        f"format {FORMAT}",
                        "not an adoptsim result manifest",
                    )
                ]
            )
        runs = old.get("runs", 0)
        if not isinstance(runs, int) or isinstance(runs, bool) or runs < 0:
            raise ScenarioError(
                [
                    Problem(
                        str(man_path),
                        "runs",
                        runs,
                        "an integer >= 0 (was the manifest edited by hand?)",
                        "damaged manifest",
                    )
                ]
            )
        return {**old, "runs": runs}

    def _check_same_design(self, man_path: Path, old: dict, new: dict) -> None:
        diffs: list[tuple[str, Any, Any]] = []
        for key in IDENTITY_KEYS:
            _diff(old.get(key), new.get(key), key, diffs)
        if not diffs:
            return
        problems = []
        for key, was, now in diffs[:3]:
            problems.append(
                Problem(
                    str(man_path),
                    key,
                    _short(now),
                    f"the stored design ({_short(was)}); rerun the same command to resume, "
                    "or choose another --out directory",
                    "this directory holds results of a different design",
                )
            )
        if len(diffs) > 3:
            problems.append(
                Problem(str(man_path), "...", len(diffs) - 3, "the same design", "more keys differ")
            )
        raise ScenarioError(problems)

    def _scan_parts(self) -> None:
        for tmp in self.parts_dir.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)  # a write interrupted by a kill: never a part
        for stray in sorted(self.parts_dir.glob("part-*.parquet")):
            if not PART.fullmatch(stray.name):
                print(
                    f"warning: {safe_text(stray)}: not a result part of adoptsim (its parts "
                    "are named part-NNNNNN.parquet); ignored and left in place",
                    file=sys.stderr,
                )
        numbers = [-1]
        for part in self._part_files():
            numbers.append(int(part.stem.split("-")[1]))
            try:
                idx = pq.read_table(part, columns=["point", "run"])
            except Exception as exc:  # any unreadable file is set aside
                bad = part.with_name(part.name + ".corrupt")
                os.replace(part, bad)
                print(
                    f"warning: {part}: unreadable ({exc}); moved to {bad.name}, its runs "
                    "will be computed again",
                    file=sys.stderr,
                )
                continue
            self._done.update(
                zip(idx.column("point").to_pylist(), idx.column("run").to_pylist(), strict=True)
            )
        self._next_part = max(numbers) + 1
        self.schema.scan(self._parts())

    def _parts(self) -> list[Path]:
        return self._part_files() if self.path is not None else []

    def _lock(self) -> None:
        """Take `.lock`: it holds the writer's pid and that process's start time, so a
        lock left by a dead writer is taken over even when its pid has been reused."""
        assert self.path is not None
        lock = self.path / ".lock"
        if lock.is_dir() or lock.is_symlink():
            raise ScenarioError(
                [
                    Problem(
                        str(self.path),
                        ".lock",
                        str(lock),
                        "a file written by adoptsim (remove it)",
                        "the lock is not a regular file",
                    )
                ]
            )
        for _ in range(3):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _lock_holder(lock)
                if holder is not None:
                    raise ScenarioError(
                        [
                            Problem(
                                str(self.path),
                                "",
                                holder,
                                "one adoptsim process per directory; wait for it to finish "
                                f"or choose another --out directory (if process {holder} is "
                                f"not adoptsim, delete {lock})",
                                "another process is writing here",
                            )
                        ]
                    ) from None
                try:
                    lock.unlink(missing_ok=True)  # stale: its writer is gone
                except OSError:
                    break
                continue
            except OSError:
                break
            start = _start_time(os.getpid())
            os.write(fd, f"{os.getpid()} {start or ''}".strip().encode())
            os.close(fd)
            self._locked = True
            return
        raise ScenarioError(
            [
                Problem(
                    str(self.path),
                    ".lock",
                    "",
                    "a writable directory",
                    "cannot take the directory lock",
                )
            ]
        )

    def close(self) -> None:
        if self._locked and self.path is not None:
            (self.path / ".lock").unlink(missing_ok=True)
            self._locked = False

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------- data

    def done(self) -> set[tuple[int, int]]:
        """(point, run) pairs already stored."""
        return set(self._done)

    def write(self, records: list[dict[str, Any]]) -> None:
        """Store the records of one finished chunk (one atomic Parquet part)."""
        if not records:
            return
        df = self.schema.prepare(records_frame(records), self._parts())
        if self.path is None:
            self._frames.append(df)
        else:
            part = self.parts_dir / f"part-{self._next_part:06d}.parquet"
            self._next_part += 1
            write_part(df, part)
        self._done.update(zip(df["point"].tolist(), df["run"].tolist(), strict=True))

    def frame(self, runs: int | None = None) -> pd.DataFrame:
        """All stored runs (runs < `runs` if given), sorted by point and run."""
        if self.path is None:
            frames = list(self._frames)
        else:
            frames = [pd.read_parquet(p) for p in self._part_files()]
        frames = [f for f in frames if len(f)]
        if not frames:
            return pd.DataFrame(
                {"point": pd.Series([], dtype=np.int64), "run": pd.Series([], dtype=np.int64)}
            )
        df = with_costs(pd.concat(frames, ignore_index=True))
        df = df.drop_duplicates(["point", "run"]).sort_values(["point", "run"])
        if runs is not None:
            df = df[df["run"] < runs]
        return df.reset_index(drop=True)

    def file(self, name: str) -> Path | None:
        """A report file in the output directory (None for an in-memory store)."""
        return None if self.path is None else self.path / name

    def write_json(self, name: str, obj: Any) -> None:
        if self.path is not None:
            atomic_write_json(self.path / name, obj)


def open_store(out: str | None, identity: dict[str, Any], runs: int) -> ResultStore:
    """The store for `--out DIR` (or in memory without it), opened for a design."""
    return ResultStore(out).open(identity, runs)


def _diff(old: Any, new: Any, key: str, out: list) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for k in list(old) + [k for k in new if k not in old]:
            _diff(old.get(k), new.get(k), f"{key}.{k}", out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, f"{key}[{i}]", out)
    elif old != new:
        out.append((key, old, new))


def _short(v: Any, width: int = 80) -> Any:
    text = json.dumps(v, default=str)
    return v if len(text) <= width else text[: width - 3] + "..."


def _lock_holder(lock: Path) -> int | None:
    """The pid of the live process holding `lock`, or None when the lock is stale.

    The lock reads "PID START" (START: the process's start time in clock ticks since
    boot, /proc/PID/stat field 22). A live PID with another start time is a reused pid:
    the writer is gone. A lock without START (older adoptsim) trusts the pid alone.
    """
    try:
        fields = lock.read_text(encoding="ascii", errors="replace").split()
        pid = int(fields[0]) if fields else 0
        start = int(fields[1]) if len(fields) > 1 else None
    except (OSError, ValueError):
        return None
    if not 0 < pid < 2**31 or pid == os.getpid() or not _alive(pid):
        return None
    if start is not None:
        now = _start_time(pid)
        if now is not None and now != start:
            return None
    return pid


def _start_time(pid: int) -> int | None:
    """Start time of process `pid` (clock ticks since boot), None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) writes nothing any more
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
