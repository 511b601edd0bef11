"""The UI's server-side store: one embedded SQLite file (Python's sqlite3).

It keeps what must survive a reload, a second tab, a server restart or a link sent to a
colleague: each workspace's state (What-if edits, Workshop session, Compare setup; the
same text as the page address), its named plans, its last finished comparison, and the
workshop rooms (settings, rounds, event cards, every team's decisions).

Location: `adoptsim app --db PATH`, else the environment variable `ADOPTSIM_UI_DB`,
else `adoptsim/ui.sqlite3` in the user's data directory (`$XDG_DATA_HOME`, by default
`~/.local/share`). One connection per process, serialised by a lock; WAL journal.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

DB_ENV = "ADOPTSIM_UI_DB"
ID_LETTERS = "abcdefghijkmnpqrstuvwxyz23456789"
MAX_PLAN_NAME = 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY, query TEXT NOT NULL DEFAULT '', updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS plans (
    workspace TEXT NOT NULL, name TEXT NOT NULL, preset TEXT NOT NULL,
    edits TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY (workspace, name));
CREATE TABLE IF NOT EXISTS comparisons (
    workspace TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY, label TEXT NOT NULL, scenario TEXT NOT NULL, updated REAL NOT NULL);
"""


def default_path() -> Path:
    """`ADOPTSIM_UI_DB`, else ui.sqlite3 under the user's data directory."""
    given = os.environ.get(DB_ENV)
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "adoptsim" / "ui.sqlite3"


def new_id(length: int = 10) -> str:
    """A random workspace id (about 50 bits; unguessable enough for a shared link)."""
    return "".join(secrets.choice(ID_LETTERS) for _ in range(length))


def check_db(path: str | None) -> str | None:
    """A message when the UI database at `path` (default location if None) cannot be
    opened or written, else None."""
    target = Path(path).expanduser() if path else default_path()
    try:
        UiDb(target).save_query("_check", "")
    except (OSError, sqlite3.Error) as exc:
        return f"cannot use the UI database {target}: {exc} (choose another with --db PATH)"
    return None


class PlanNameError(ValueError):
    """A plan name that cannot be used (empty, too long, taken)."""


def clean_plan_name(name: str) -> str:
    text = " ".join(str(name).split())
    if not text:
        raise PlanNameError("Enter a name for the plan.")
    if len(text) > MAX_PLAN_NAME:
        raise PlanNameError(f"A plan name has at most {MAX_PLAN_NAME} characters.")
    return text


class UiDb:
    """Workspaces, named plans, comparisons and rooms in one SQLite file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._con = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA busy_timeout=5000")
        self._con.executescript(SCHEMA)

    def _exec(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    # ------------------------------------------------------------ workspaces
    def save_query(self, workspace: str, query: str) -> None:
        self._exec(
            "INSERT INTO workspaces VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
            "SET query = excluded.query, updated = excluded.updated",
            (workspace, query, time.time()),
        )

    def load_query(self, workspace: str) -> str | None:
        rows = self._exec("SELECT query FROM workspaces WHERE id = ?", (workspace,))
        return rows[0][0] if rows else None

    # ------------------------------------------------------------ named plans
    def plans(self, workspace: str) -> list[tuple[str, str, dict[str, Any]]]:
        """(name, preset, edits) of every saved plan, by name."""
        rows = self._exec(
            "SELECT name, preset, edits FROM plans WHERE workspace = ? "
            "ORDER BY name COLLATE NOCASE",
            (workspace,),
        )
        return [(n, p, json.loads(e)) for n, p, e in rows]

    def plan(self, workspace: str, name: str) -> tuple[str, dict[str, Any]] | None:
        rows = self._exec(
            "SELECT preset, edits FROM plans WHERE workspace = ? AND name = ?", (workspace, name)
        )
        return (rows[0][0], json.loads(rows[0][1])) if rows else None

    def save_plan(
        self, workspace: str, name: str, preset: str, edits: dict[str, Any], replace: bool = True
    ) -> str:
        """Store a plan under `name` (replacing one of that name unless `replace` is off)."""
        name = clean_plan_name(name)
        if not replace and self.plan(workspace, name) is not None:
            raise PlanNameError(f"There is already a plan named '{name}'.")
        self._exec(
            "INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?)",
            (workspace, name, preset, json.dumps(edits, sort_keys=True), time.time()),
        )
        return name

    def rename_plan(self, workspace: str, old: str, new: str) -> str:
        new = clean_plan_name(new)
        if new == old:
            return new
        if self.plan(workspace, new) is not None:
            raise PlanNameError(f"There is already a plan named '{new}'.")
        self._exec(
            "UPDATE plans SET name = ?, updated = ? WHERE workspace = ? AND name = ?",
            (new, time.time(), workspace, old),
        )
        return new

    def duplicate_plan(self, workspace: str, name: str) -> str:
        """A copy named 'NAME (copy)', 'NAME (copy 2)', ..."""
        found = self.plan(workspace, name)
        if found is None:
            raise PlanNameError(f"There is no plan named '{name}'.")
        taken = {n for n, _, _ in self.plans(workspace)}
        copy, k = f"{name} (copy)", 2
        while copy in taken:
            copy, k = f"{name} (copy {k})", k + 1
        return self.save_plan(workspace, copy[:MAX_PLAN_NAME], *found)

    def delete_plan(self, workspace: str, name: str) -> None:
        self._exec("DELETE FROM plans WHERE workspace = ? AND name = ?", (workspace, name))

    # ------------------------------------------------------------ comparisons
    def save_comparison(self, workspace: str, data: dict[str, Any]) -> None:
        self._exec(
            "INSERT OR REPLACE INTO comparisons VALUES (?, ?, ?)",
            (workspace, json.dumps(data), time.time()),
        )

    def load_comparison(self, workspace: str) -> dict[str, Any] | None:
        rows = self._exec("SELECT data FROM comparisons WHERE workspace = ?", (workspace,))
        return json.loads(rows[0][0]) if rows else None

    # ------------------------------------------------------------ uploads
    def save_upload(self, upload: str, label: str, scenario: dict[str, Any]) -> None:
        """Keep an uploaded scenario (its validated data) under its digest `upload`."""
        self._exec(
            "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, ?)",
            (upload, label, json.dumps(scenario), time.time()),
        )

    def load_upload(self, upload: str) -> tuple[str, dict[str, Any]] | None:
        """(label, scenario data) of a kept upload, or None."""
        rows = self._exec("SELECT label, scenario FROM uploads WHERE id = ?", (upload,))
        return (rows[0][0], json.loads(rows[0][1])) if rows else None

    # ------------------------------------------------------------ rooms
    def save_room(self, code: str, data: dict[str, Any]) -> None:
        self._exec(
            "INSERT OR REPLACE INTO rooms VALUES (?, ?, ?)", (code, json.dumps(data), time.time())
        )

    def load_room(self, code: str) -> dict[str, Any] | None:
        rows = self._exec("SELECT data FROM rooms WHERE code = ?", (code,))
        return json.loads(rows[0][0]) if rows else None

    def room_codes(self) -> set[str]:
        return {r[0] for r in self._exec("SELECT code FROM rooms")}


_DB: UiDb | None = None
_DB_LOCK = threading.Lock()


def ui_db() -> UiDb:
    """The process's store at `default_path()` (opened on first use)."""
    global _DB
    with _DB_LOCK:
        if _DB is None or _DB.path != default_path():
            _DB = UiDb(default_path())
        return _DB
