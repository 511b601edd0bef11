"""The UI's server-side sessions without a browser: the SQLite store, named plans,
stored comparisons, rooms (rounds, timer, event cards, restart), reports and exports."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest

from model import load_scenario
from ui import room as room_mod
from ui.db import PlanNameError, UiDb, ui_db
from ui.ensemble import CompareResult, plans_from_names, run_compare
from ui.plans import plan_draft, plan_record, saved_plans
from ui.room import Room, find_room, open_room
from ui.state import Draft
from ui.store import InputProblem
from ui.url_state import encode_state, workspace_search


def test_plans_are_saved_renamed_duplicated_deleted_and_kept_on_disk(tmp_path):
    path = tmp_path / "ui.sqlite3"
    db = UiDb(path)
    db.save_plan("w1", "  Lean   pilot ", "typical_sme", {"strategy.champions.count": 4})
    assert db.plans("w1") == [("Lean pilot", "typical_sme", {"strategy.champions.count": 4})]
    assert db.plans("w2") == []  # plans belong to their workspace
    assert db.duplicate_plan("w1", "Lean pilot") == "Lean pilot (copy)"
    assert db.duplicate_plan("w1", "Lean pilot") == "Lean pilot (copy 2)"
    db.rename_plan("w1", "Lean pilot (copy)", "Bold")
    with pytest.raises(PlanNameError, match="already a plan named 'Bold'"):
        db.rename_plan("w1", "Lean pilot", "Bold")
    with pytest.raises(PlanNameError, match="Enter a name"):
        db.save_plan("w1", "   ", "typical_sme", {})
    db.delete_plan("w1", "Lean pilot (copy 2)")
    again = UiDb(path)  # another process, or the server after a restart
    assert [n for n, _, _ in again.plans("w1")] == ["Bold", "Lean pilot"]


def test_a_saved_plan_rebuilds_its_draft_and_is_offered_to_compare(tmp_path):
    db = UiDb(tmp_path / "ui.sqlite3")
    draft = Draft.preset("five_phase").set("organisation.employees", 60)
    db.save_plan("w", "mine", *plan_record(draft))
    back = plan_draft("mine", *db.plan("w", "mine"))
    assert back.label == "five_phase" and back.overrides == {"organisation.employees": 60}
    upload = Draft(load_scenario("big_bang", {"weeks": 30}), "upload: x.toml")
    db.save_plan("w", "uploaded", *plan_record(upload))
    plans = saved_plans(db, "w")
    assert set(plans) == {"plan: mine", "plan: uploaded"}
    assert plans["plan: uploaded"].weeks == 30
    base = load_scenario("typical_sme")
    on_base = plans_from_names(base, list(plans), saved=plans)
    assert on_base["plan: mine"].organisation == base.organisation
    own = plans_from_names(base, list(plans), saved=plans, own_organisation=True)
    assert own["plan: mine"].organisation.employees == 60
    assert own["plan: uploaded"].weeks == 30


def test_workspace_keeps_the_address_and_the_address_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("ADOPTSIM_UI_DB", str(tmp_path / "ui.sqlite3"))
    search, ws = workspace_search("")
    assert search == "" and len(ws) == 10
    ui_db().save_query(ws, "preset=five_phase&tab=1")
    merged, same = workspace_search(f"?w={ws}")
    assert same == ws and dict(re.findall(r"(\w+)=([\w%]+)", merged)) == {
        "preset": "five_phase",
        "tab": "1",
    }
    merged, _ = workspace_search(f"?w={ws}&tab=2")
    assert "tab=2" in merged and "preset=five_phase" in merged
    _, other = workspace_search("?w=../../etc")  # not an id: a fresh workspace
    assert other != "../../etc"


def test_comparison_round_trips_through_the_database(small):
    plans = {"a": small, "b": load_scenario("typical_sme", {"organisation.employees": 40})}
    result = run_compare(plans, runs=3, seed=2)
    ui_db().save_comparison("cmpws", result.to_dict())
    back = CompareResult.from_dict(ui_db().load_comparison("cmpws"))
    assert back.plans == result.plans and back.runs == 3
    for p in result.plans:
        assert np.allclose(back.weekly[p]["active_share"], result.weekly[p]["active_share"])
        cols = ["final_active_share", "cost_total_eur"]
        pd.testing.assert_frame_equal(back.summaries[p][cols], result.summaries[p][cols])


def forget_rooms() -> None:
    """As after a server restart: rooms only in the database."""
    room_mod._ROOMS.clear()


def test_room_rounds_events_and_restart():
    room = open_room("typical_sme", 3, 20_000.0)
    alpha, beta = room.join("Alpha"), room.join("Beta")
    alpha.apply("storytelling")
    alpha.step(2)
    beta.step()
    room.team_acted("Alpha", 0)
    room.set_mode("facilitator")
    room.advance_all()
    assert (alpha.week, beta.week) == (3, 2)
    played = room.play_event("event_rumour")
    assert len(played) == 2 and all("rumour" in p for p in played)
    assert [d.lever for d in beta.log] == ["event_rumour"]
    assert "Event card: A rumour spreads (all teams)." in [t for _, t in room.feed]
    # the leaderboard ranks on the chosen KPI and counts decisions, not event cards
    room.set_kpi("resistance (lower is better)")
    board = room.leaderboard()
    assert list(board.resistant_share) == sorted(board.resistant_share)
    assert dict(zip(board.team, board.decisions, strict=True)) == {"Alpha": 1, "Beta": 0}
    with pytest.raises(InputProblem):
        room.set_mode("chaos")
    # a server restart: the room is rebuilt from the database by replay, same runs
    before = {n: s.weekly().drop(columns="phase") for n, s in room.teams.items()}
    forget_rooms()
    again = find_room(room.code.lower())
    assert again is not room and again.mode == "facilitator"
    for name, weekly in before.items():
        pd.testing.assert_frame_equal(again.teams[name].weekly().drop(columns="phase"), weekly)
        assert [d.lever for d in again.teams[name].log] == [d.lever for d in room.teams[name].log]


def test_room_timer_advances_everyone_in_facilitator_mode():
    room = open_room("typical_sme", 1, 10_000.0)
    a = room.join("A")
    with pytest.raises(InputProblem):
        room.start_timer(0)
    room.start_timer(1)
    assert 50 < room.seconds_left() <= 60
    assert not room.check_timer()
    room.deadline = time.time() - 1  # time is up
    assert room.check_timer() and a.week == 0  # teams mode: the round just ends
    room.set_mode("facilitator")
    room.start_timer(1)
    room.deadline = time.time() - 1
    assert room.check_timer() and a.week == 1 and room.deadline is None


def test_room_reports_and_csv_are_offline_and_complete():
    from ui.report import room_report
    from ui.room_debrief import run_debrief
    from ui.room_tables import room_csv

    room = open_room("typical_sme", 1, 20_000.0)
    t = room.join("Team 1")
    t.step()
    t.apply("concern_board")
    room.play_event("event_works_council_objects")
    t.step(2)
    logs = {"Team 1": list(t.log)}
    effects = run_debrief(room.preset, room.seed, logs, runs=20, workers=1).effects
    assert list(effects.decision) == ["Open a concern board"]  # event cards are not decisions
    assert effects.runs.iloc[0] == 20
    row = effects.iloc[0]
    assert row.resistant_share_low <= row.resistant_share_effect <= row.resistant_share_high
    page = room_report(room, effects)
    assert page.count("data:image/png;base64,") == 2
    assert not re.search(r"(src|href)=['\"]?https?:", page)  # nothing to fetch
    assert "Open a concern board" in page and "works council objects" in page
    csv = room_csv(room)
    assert "team,week,phase" in csv and "event,The works council objects" in csv


def test_comparison_report_embeds_charts_and_tables(small):
    from ui.report import comparison_report

    result = run_compare({"x": small, "y": small}, runs=3, seed=1)
    page = comparison_report(result, "x")
    assert page.count("data:image/png;base64,") == 2
    assert "compare-diff" in page and "compare-plans" in page
    assert not re.search(r"(src|href)=['\"]?https?:", page)


def test_room_membership_is_part_of_the_address():
    room = open_room("typical_sme", 1, 10_000.0)
    session = room.join("Delta")
    query = encode_state(
        Draft.preset("typical_sme"), session, "typical_sme", 2, extra={"room": room.code,
        "team": "Delta"},
    )  # fmt: skip
    assert f"room={room.code}" in query and "team=Delta" in query and "ws=" not in query


def test_bad_room_input_is_a_message():
    room = Room("QQQQ", "typical_sme", 1, 1000.0)
    with pytest.raises(InputProblem, match="Enter a team name"):
        room.join("   ")
    with pytest.raises(InputProblem, match="no room with the code"):
        find_room("nope")
    with pytest.raises(InputProblem, match="Unknown event card"):
        room.play_event("meteor")


def test_app_refuses_a_database_it_cannot_write(tmp_path):
    import socket
    import subprocess
    import sys

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "experiments", "app", "--port", str(port),
           "--host", "127.0.0.1", "--db", str(blocker / "ui.sqlite3")]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "cannot use the UI database" in done.stderr and "Traceback" not in done.stderr
