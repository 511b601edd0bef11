"""Per-session UI state (one `Store` per browser tab) and the error guard of handlers."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import solara

from model import ScenarioError
from ui.db import new_id
from ui.state import DEFAULT_PRESET, Draft, LiveRun
from ui.workshop import WorkshopSession, default_budget

log = logging.getLogger("adoptsim.ui")

DOUBLE_CLICK_SECONDS = 0.5  # the usual double-click time


class InputProblem(ValueError):
    """A problem with what the user entered: shown as a message, never logged as a bug."""


class ClickGuard:
    """Accepts an action once per double-click: a click on the same control as the
    click accepted just before, within `window` seconds (a double-click, or a click the
    page sent before it had redrawn), is ignored; the window counts from the end of the
    accepted action (and its redraw), so a lever is booked once and Next week
    advances one week. A click on any other control in between resets it."""

    def __init__(self, window: float = DOUBLE_CLICK_SECONDS):
        self.window = window
        self._last: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def accept(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if (
                self._last is not None
                and self._last[0] == key
                and now - self._last[1] < self.window
            ):
                return False
            self._last = (key, now)
            return True

    def done(self, key: str) -> None:
        """The action finished: the window starts again now (a click the browser sent
        while the action and its redraw were being computed is still a repeat)."""
        with self._lock:
            if self._last is not None and self._last[0] == key:
                self._last = (key, time.monotonic())

    def once(self, key: str, fn: Callable[[], Any]) -> Callable[[], Any]:
        """An event handler that runs `fn` unless it is a repeat of the same click."""

        def handler(*_: Any) -> Any:
            if not self.accept(key):
                return None
            try:
                return fn()
            finally:
                self.done(key)

        return handler


class Store:
    """Reactive state shared by the three views of one session."""

    def __init__(self, preset: str = DEFAULT_PRESET, workshop_preset: str = DEFAULT_PRESET):
        draft = Draft.preset(preset)
        scenario, _ = draft.build()
        # What-if
        self.draft = solara.reactive(draft)
        self.upload_problems: solara.Reactive[list[str]] = solara.reactive([])
        self.upload_rejected = solara.reactive("")  # name of the file whose problems are shown
        self.discarded: solara.Reactive[Draft | None] = solara.reactive(None)  # by a preset switch
        self.live: solara.Reactive[LiveRun | None] = solara.reactive(
            LiveRun(scenario) if scenario is not None else None
        )
        self.version = solara.reactive(0)  # bumped after the live run was advanced
        self.colour_by = solara.reactive("stage")
        self.error: solara.Reactive[str | None] = solara.reactive(None)
        # Compare
        self.compare_plans: solara.Reactive[list[str]] = solara.reactive(
            ["typical_sme", "five_phase"]
        )
        self.compare_runs = solara.reactive(20)
        self.compare_seed = solara.reactive(1)
        # the last finished comparison: kept while a new one runs and when it is cancelled
        self.compare_result: solara.Reactive[Any] = solara.reactive(None)
        # Workshop
        ws = Draft.preset(workshop_preset).base
        self.ws_preset = solara.reactive(workshop_preset)
        self.ws_seed = solara.reactive(int(ws.seed))
        self.ws_budget = solara.reactive(default_budget(ws))
        self.ws_session = solara.reactive(WorkshopSession(ws, int(ws.seed), default_budget(ws)))
        self.ws_started = solara.reactive((workshop_preset, int(ws.seed), default_budget(ws)))
        self.ws_version = solara.reactive(0)
        self.ws_reveal = solara.reactive(False)
        self.ws_colour_by = solara.reactive("stage")
        self.ws_error: solara.Reactive[str | None] = solara.reactive(None)
        # Room: (room, team name) when this tab plays as a team in a workshop room
        self.room_team: solara.Reactive[Any] = solara.reactive(None)
        self.join_code = ""  # the code of a join link (?join=CODE), filled in for the team
        self.room_hosted: solara.Reactive[Any] = solara.reactive(None)  # room it facilitates
        # named plans of this workspace (bumped when the list changed)
        self.plans_version = solara.reactive(0)
        self.workspace = new_id()  # the page's workspace in the UI database (?w=ID)
        self._clicks = ClickGuard()
        self._rc: Any = None

    # ------------------------------------------------------------------ batching
    def attach(self, render_context: Any) -> None:
        """Remember the page's render context (views call this while rendering)."""
        if render_context is not None:
            self._rc = render_context

    def batch(self) -> Any:
        """Context manager: several state changes, one re-render of the page."""
        rc = self._rc
        if rc is None or getattr(rc, "_closing", False):
            return contextlib.nullcontext()
        return rc

    def once(self, key: str, fn: Callable[[], Any]) -> Callable[[], Any]:
        """An event handler for a button that must act once per double-click.

        Not wrapped in `batch()`: a state change outside a batch redraws the page right
        away, inside the handler, so the guard's window starts after the redraw (and a
        batch held across a background thread's render can lose a redraw in reacton)."""
        return self._clicks.once(key, fn)

    def team_lock(self) -> Any:
        """The lock of the room this tab plays in (a no-op lock outside a room)."""
        team = self.room_team.value
        return team[0].lock if team is not None else contextlib.nullcontext()

    def team_acted(self, before: int) -> None:
        """Tell this tab's room that its team acted (its log had `before` entries)."""
        team = self.room_team.value
        if team is not None:
            team[0].team_acted(team[1], before)

    def set_ws_session(self, session: WorkshopSession) -> None:
        """A new Workshop session (replay, restart); a team's room sees it too."""
        team = self.room_team.value
        if team is not None:
            room, name = team
            room.replace_team(name, session)
        with self.batch():
            self.ws_session.value = session
            self.ws_version.value += 1

    def join_team(self, room: Any, name: str, session: WorkshopSession) -> None:
        """This page plays `session` as team `name` of `room` (its preset, seed, budget)."""
        with self.batch():
            self.room_team.value = (room, name)
            self.ws_preset.value = room.preset
            self.ws_seed.value = room.seed
            self.ws_budget.value = room.budget_eur
            self.ws_started.value = (room.preset, room.seed, room.budget_eur)
            self.ws_session.value = session
            self.ws_version.value += 1

    # ------------------------------------------------------------------ what-if
    def set_draft(self, draft: Draft) -> None:
        """A new draft; when it is valid the run restarts at week 0 on it."""
        scenario, _ = draft.build()
        live = LiveRun(scenario) if scenario is not None else None
        with self.batch():
            self.draft.value = draft
            if live is not None:
                self.live.value = live
                self.version.value += 1

    def edit(self, key: str, value: Any) -> None:
        self.set_draft(self.draft.value.set(key, value))

    def advance(self, action: Callable[[LiveRun], None]) -> None:
        live = self.live.value
        if live is None:
            return
        action(live)
        with self.batch():
            self.version.value += 1


def guarded(report: Callable[[str | None], None]) -> Callable:
    """Decorator for event handlers: a failure becomes a friendly message, never a
    traceback on the page (the traceback goes to the server log)."""

    def deco(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = fn(*args, **kwargs)
                report(None)
                return result
            except ScenarioError as exc:
                report("; ".join(str(p) for p in exc.problems))
            except InputProblem as exc:
                report(str(exc))
            except Exception as exc:  # noqa: BLE001 - shown to the user, logged in full
                log.exception("UI action failed")
                report(
                    f"That did not work ({type(exc).__name__}: {exc}). "
                    "Details are in the server log."
                )
            return None

        return wrapper

    return deco
