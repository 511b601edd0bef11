"""Workshop rooms (a first version): a facilitator opens a room and gets a short code;
teams join with the code and a team name and play the same organisation, plan, seed and
budget in their own Workshop tab; the facilitator sees every team's week, adoption,
resistance, spending and decisions in a leaderboard.

Rooms live in this server process (lost on restart). Each team's session is a
`WorkshopSession`; only its own browser session changes it, the facilitator reads it.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

import pandas as pd

from model import load_scenario
from ui.store import InputProblem
from ui.workshop import WorkshopSession

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O (read aloud, projected)
MAX_TEAMS = 24
LEADERBOARD_KPIS = {
    "active use": "active_share",
    "resistance (lower is better)": "resistant_share",
    "positive attitude": "positive_share",
}


@dataclass
class Room:
    code: str
    preset: str
    seed: int
    budget_eur: float
    teams: dict[str, WorkshopSession] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
            return self.teams[name]

    def leaderboard(self, kpi: str = "active_share") -> pd.DataFrame:
        """One row per team: week, active use, resistance, spent, decisions; best first."""
        rows = []
        with self.lock:
            teams = list(self.teams.items())
        for name, s in teams:
            try:
                last = s.weekly().iloc[-1]
            except Exception:  # noqa: BLE001 - the team is stepping right now; next refresh
                continue
            rows.append(
                {
                    "team": name,
                    "week": int(s.week),
                    "active_share": float(last["active_share"]),
                    "resistant_share": float(last["resistant_share"]),
                    "positive_share": float(last["positive_share"]),
                    "spent_eur": float(s.spent_eur),
                    "decisions": len(s.log),
                    "last_decision": s.log[-1].label if s.log else "",
                }
            )
        cols = [
            "team", "week", "active_share", "resistant_share", "positive_share",
            "spent_eur", "decisions", "last_decision",
        ]  # fmt: skip
        df = pd.DataFrame(rows, columns=cols)
        return df.sort_values(kpi, ascending=kpi == "resistant_share", kind="stable")


_ROOMS: dict[str, Room] = {}
_ROOMS_LOCK = threading.Lock()


def open_room(preset: str, seed: int, budget_eur: float) -> Room:
    """A new room with a fresh 4-letter code."""
    if not budget_eur >= 0:
        raise InputProblem("The workshop budget must be EUR 0 or more.")
    load_scenario(preset)  # a bad preset fails here, before a code is handed out
    with _ROOMS_LOCK:
        while True:
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(4))
            if code not in _ROOMS:
                break
        room = Room(code, preset, int(seed), float(budget_eur))
        _ROOMS[code] = room
    return room


def find_room(code: str) -> Room:
    room = _ROOMS.get(str(code).strip().upper())
    if room is None:
        raise InputProblem(f"There is no room with the code '{code}'. Check the code.")
    return room
