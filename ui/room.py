"""Workshop rooms: a facilitator opens a room and gets a short code; teams join with the
code and a team name and play the same organisation, plan, seed and budget in their own
Workshop tab.

The facilitator chooses how weeks advance (`mode`): each team on its own ("teams"), or
everyone together when the facilitator presses Next week for all ("facilitator"),
optionally when a round timer runs out. Event cards (`model.levers.events`) reach every
team at its current week. Every change bumps `version` (pages poll it), adds a line to
the event feed and is written to the UI database, so a room survives a server restart:
its teams' runs are rebuilt by replaying their logs with the room's seed.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from model import load_scenario
from model.levers import EVENTS
from ui.db import ui_db
from ui.store import InputProblem
from ui.workshop import LEVERS, Decision, WorkshopSession

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O (read aloud, projected)
MAX_TEAMS = 24
MAX_FEED = 40
MODES = {"teams": "each team advances itself", "facilitator": "the facilitator advances all"}
# label -> (weekly column or "budget_left", lower is better)
LEADERBOARD_KPIS: dict[str, tuple[str, bool]] = {
    "active use": ("active_share", False),
    "resistance (lower is better)": ("resistant_share", True),
    "positive attitude": ("positive_share", False),
    "ROI so far": ("roi", False),
    "budget left": ("budget_left", False),
}


@dataclass
class Room:
    code: str
    preset: str
    seed: int
    budget_eur: float
    mode: str = "teams"
    kpi: str = "active use"
    deadline: float | None = None  # end of the running round timer (epoch seconds)
    timer_minutes: float = 3.0
    feed: list[tuple[float, str]] = field(default_factory=list)
    teams: dict[str, WorkshopSession] = field(default_factory=dict)
    version: int = 0  # bumped at every change (the facilitator's pages follow it)
    broadcast: int = 0  # bumped at changes every team must see (team pages follow it)
    effects: pd.DataFrame | None = None  # the last debrief's effects (for the report)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # ------------------------------------------------------------ teams
    def join(self, team: str) -> WorkshopSession:
        """The team's session (a new one at week 0, or the existing one on a rejoin)."""
        name = " ".join(str(team).split())
        if not name:
            raise InputProblem("Enter a team name.")
        if len(name) > 40:
            raise InputProblem("A team name has at most 40 characters.")
        with self.lock:
            if name not in self.teams:
                if len(self.teams) >= MAX_TEAMS:
                    raise InputProblem(f"Room {self.code} is full ({MAX_TEAMS} teams).")
                scenario = load_scenario(self.preset)
                self.teams[name] = WorkshopSession(scenario, self.seed, self.budget_eur)
                self.changed(f"Team {name} joined.")
            return self.teams[name]

    def team_acted(self, team: str, before: int) -> None:
        """A team stepped or pulled a lever (its log had `before` entries)."""
        with self.lock:
            s = self.teams.get(team)
            if s is None:
                return
            new = [d.label for d in s.log[before:]]
            text = f"{team}: " + "; ".join(new) if new else f"{team} is at week {s.week}."
            self.changed(text)

    def replace_team(self, team: str, session: WorkshopSession) -> None:
        with self.lock:
            self.teams[team] = session
            self.changed(f"{team} is at week {session.week}.")

    @property
    def can_teams_advance(self) -> bool:
        return self.mode == "teams"

    # ------------------------------------------------------------ facilitator
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise InputProblem(f"Unknown round mode '{mode}'; use one of {', '.join(MODES)}.")
        with self.lock:
            self.mode = mode
            self.changed(f"Rounds: {MODES[mode]}.", everyone=True)

    def set_kpi(self, kpi: str) -> None:
        if kpi not in LEADERBOARD_KPIS:
            raise InputProblem(f"Unknown leaderboard measure '{kpi}'.")
        with self.lock:
            self.kpi = kpi
            self.changed(f"Leaderboard ranked by {kpi}.")

    def advance_all(self, weeks: int = 1) -> None:
        """Every team simulates `weeks` more weeks (the facilitator's Next week)."""
        with self.lock:
            for s in self.teams.values():
                s.step(weeks)
            self.deadline = None
            week = max((s.week for s in self.teams.values()), default=0)
            self.changed(f"The facilitator advanced every team to week {week}.", everyone=True)

    def start_timer(self, minutes: float) -> None:
        if not 0 < minutes <= 120:
            raise InputProblem("A round timer lasts between a few seconds and 120 minutes.")
        with self.lock:
            self.timer_minutes = float(minutes)
            self.deadline = time.time() + 60.0 * float(minutes)
            self.changed(f"Round timer started: {minutes:g} min.", everyone=True)

    def stop_timer(self) -> None:
        with self.lock:
            self.deadline = None
            self.changed("Round timer stopped.", everyone=True)

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.time())

    def check_timer(self) -> bool:
        """When the round timer has run out: in facilitator mode every team advances one
        week; in either mode the timer ends. True if it ran out now (any page calls this)."""
        with self.lock:
            if self.deadline is None or time.time() < self.deadline:
                return False
            self.deadline = None
            if self.mode == "facilitator":
                for s in self.teams.values():
                    s.step()
                self.changed("Time is up: every team advanced one week.", everyone=True)
            else:
                self.changed("Time is up for this round.", everyone=True)
            return True

    def play_event(self, key: str) -> list[str]:
        """Play event card `key` on every team's run, now; what it did, per team."""
        if key not in EVENTS:
            raise InputProblem(f"Unknown event card '{key}'.")
        out = []
        with self.lock:
            for name, s in self.teams.items():
                if s.finished:
                    continue
                out.append(f"{name}: {s.apply(key).outcome}")
            self.changed(f"Event card: {EVENTS[key].label} (all teams).", everyone=True)
        return out

    # ------------------------------------------------------------ state
    def changed(self, text: str, everyone: bool = False) -> None:
        """Record a change: version, event feed, database (caller holds the lock);
        `everyone`: a change every team's page must show (rounds, timer, event cards)."""
        self.version += 1
        self.broadcast += int(everyone)
        self.feed = [*self.feed, (time.time(), text)][-MAX_FEED:]
        ui_db().save_room(self.code, self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "preset": self.preset,
            "seed": self.seed,
            "budget_eur": self.budget_eur,
            "mode": self.mode,
            "kpi": self.kpi,
            "deadline": self.deadline,
            "timer_minutes": self.timer_minutes,
            "feed": self.feed,
            "teams": {
                name: {"week": s.week, "log": [[d.week, d.lever] for d in s.log]}
                for name, s in self.teams.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Room:
        """A stored room, each team's run replayed to its week with the same seed."""
        room = cls(
            str(data["code"]),
            str(data["preset"]),
            int(data["seed"]),
            float(data["budget_eur"]),
            mode=str(data.get("mode", "teams")),
            kpi=str(data.get("kpi", "active use")),
            deadline=data.get("deadline"),
            timer_minutes=float(data.get("timer_minutes", 3.0)),
            feed=[(float(t), str(x)) for t, x in data.get("feed", [])],
        )
        scenario = load_scenario(room.preset)
        for name, team in data.get("teams", {}).items():
            start = WorkshopSession(scenario, room.seed, room.budget_eur)
            start.log = [
                Decision(int(w), str(k), LEVERS[k].label, 0.0, 0.0, "")
                for w, k in team["log"]
                if k in LEVERS
            ]
            room.teams[name] = start.replay(until=min(int(team["week"]), start.weeks))
        return room

    # ------------------------------------------------------------ views
    def week(self) -> int:
        """The week most teams are at (the room's round)."""
        weeks = sorted(s.week for s in self.teams.values())
        return weeks[len(weeks) // 2] if weeks else 0

    def leaderboard(self, kpi: str | None = None) -> pd.DataFrame:
        """One row per team: week, results, budget and decisions; best first on `kpi`
        (a label of LEADERBOARD_KPIS, or a column name)."""
        label = kpi or self.kpi
        column, lower = LEADERBOARD_KPIS.get(label, (label, label == "resistant_share"))
        rows = []
        with self.lock:
            teams = list(self.teams.items())
            for name, s in teams:
                last = s.weekly().iloc[-1]
                decisions = [d for d in s.log if d.lever not in EVENTS]
                rows.append(
                    {
                        "team": name,
                        "week": int(s.week),
                        "active_share": float(last["active_share"]),
                        "resistant_share": float(last["resistant_share"]),
                        "positive_share": float(last["positive_share"]),
                        "roi": float(last["roi"]),
                        "spent_eur": float(s.spent_eur),
                        "budget_left": float(s.remaining_eur),
                        "decisions": len(decisions),
                        "last_decision": decisions[-1].label if decisions else "",
                    }
                )
        cols = [
            "team", "week", "active_share", "resistant_share", "positive_share", "roi",
            "spent_eur", "budget_left", "decisions", "last_decision",
        ]  # fmt: skip
        df = pd.DataFrame(rows, columns=cols)
        return df.sort_values(column, ascending=lower, kind="stable", na_position="last")

    def curves(self, column: str = "active_share") -> dict[str, pd.Series]:
        """Each team's weekly `column` so far."""
        with self.lock:
            return {name: s.weekly()[column].copy() for name, s in self.teams.items()}


_ROOMS: dict[str, Room] = {}
_ROOMS_LOCK = threading.Lock()


def open_room(preset: str, seed: int, budget_eur: float) -> Room:
    """A new room with a fresh 4-letter code (unique in this server and its database)."""
    if not budget_eur >= 0:
        raise InputProblem("The workshop budget must be EUR 0 or more.")
    load_scenario(preset)  # a bad preset fails here, before a code is handed out
    with _ROOMS_LOCK:
        taken = set(_ROOMS) | ui_db().room_codes()
        while True:
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(4))
            if code not in taken:
                break
        room = Room(code, preset, int(seed), float(budget_eur))
        _ROOMS[code] = room
        with room.lock:
            room.changed(f"Room {code} opened: {preset}, seed {seed}.")
    return room


def find_room(code: str) -> Room:
    """The room with this code: in this server, or reloaded from the database."""
    key = str(code).strip().upper()
    with _ROOMS_LOCK:
        room = _ROOMS.get(key)
        if room is None and key:
            data = ui_db().load_room(key)
            if data is not None:
                room = _ROOMS[key] = Room.from_dict(data)
    if room is None:
        raise InputProblem(f"There is no room with the code '{code}'. Check the code.")
    return room
