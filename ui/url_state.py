"""What-if edits and the Workshop session in the page address, and in the UI database
behind it, so reload (F5), a second tab, a server restart, a bookmark or a link sent to
a colleague brings them back: `?w=ID&preset=NAME&edits=DATA&ws=DATA&cmp=DATA&tab=N`.
`w` names the workspace in the UI database (`ui.db`), which keeps the rest of the
address (so `?w=ID` alone restores everything), the named plans and the last
comparison; parameters in the address win over the stored ones. A team in a room adds
`room=CODE&team=NAME`, a facilitator `host=CODE`. DATA is JSON in URL-safe base64:
the What-if edits (dotted key -> value), the Workshop's preset, seed, budget, week and
decisions (week, lever), which are replayed with the same seed on load, and the Compare
setup (plans, runs, seed; the comparison itself is rerun with a click). An uploaded
scenario is kept in the UI database under its digest (`upload=DIGEST`, with its edits),
so its address works on the same server for anyone who has it.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import solara

from model import load_scenario, preset_names
from ui.db import ID_LETTERS, new_id, ui_db
from ui.png_cache import scenario_key
from ui.state import DEFAULT_PRESET, UPLOAD_PREFIX, Draft
from ui.workshop import LEVERS, Decision, WorkshopSession

log = logging.getLogger("adoptsim.ui")


def _pack(obj: Any) -> str:
    raw = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _unpack(text: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def encode_draft(draft: Draft) -> str:
    """The query string of a draft ('' for an unedited default preset or an upload)."""
    return urlencode(draft_params(draft))


def keep_upload(draft: Draft) -> None:
    """Store an uploaded draft's scenario in the UI database (its address names it)."""
    ui_db().save_upload(scenario_key(draft.base), draft.label, draft.base.model_dump(mode="json"))


def draft_params(draft: Draft) -> dict[str, str]:
    params: dict[str, str] = {}
    if draft.label.startswith(UPLOAD_PREFIX):
        params["upload"] = scenario_key(draft.base)
    elif draft.label not in preset_names():
        return {}
    elif draft.label != DEFAULT_PRESET:
        params["preset"] = draft.label
    if draft.overrides:
        params["edits"] = _pack(draft.overrides)
    return params


def workshop_params(session: WorkshopSession, preset: str) -> dict[str, str]:
    """The Workshop session as address parameters (none before anything happened)."""
    if not session.log and session.week == 0:
        return {}
    state = {
        "p": preset,
        "s": int(session.seed),
        "b": float(session.budget_eur),
        "w": int(session.week),
        "d": [[int(d.week), d.lever] for d in session.log],
    }
    return {"ws": _pack(state)}


def decode_workshop(search: str | None) -> tuple[tuple[str, WorkshopSession] | None, str | None]:
    """(preset, session replayed to its week) from the address, and a message when the
    address's Workshop part could not be used."""
    q = parse_qs((search or "").lstrip("?"))
    if "ws" not in q:
        return None, None
    try:
        st = _unpack(q["ws"][0])
        preset, seed, budget, week = str(st["p"]), int(st["s"]), float(st["b"]), int(st["w"])
        decisions = [(int(w), str(k)) for w, k in st["d"]]
        if preset not in preset_names() or any(k not in LEVERS for _, k in decisions):
            raise ValueError("unknown preset or lever")
        start = WorkshopSession(load_scenario(preset), seed, budget)
        start.log = [Decision(w, k, LEVERS[k].label, 0.0, 0.0, "") for w, k in decisions]
        session = start.replay(until=min(week, start.weeks))
    except Exception as exc:  # noqa: BLE001 - any bad address: start afresh, say so
        log.info("unusable workshop state in the address: %s", exc)
        return None, "The Workshop session in the address could not be restored."
    return (preset, session), None


DEFAULT_COMPARE = (["typical_sme", "five_phase"], 20, 1)


def compare_params(plans: list[str], runs: int, seed: int) -> dict[str, str]:
    """The Compare setup (plans, runs, seed) as an address parameter (none if default)."""
    if (list(plans), runs, seed) == (DEFAULT_COMPARE[0], *DEFAULT_COMPARE[1:]):
        return {}
    return {"cmp": _pack({"p": list(plans), "r": runs, "s": seed})}


def decode_compare(search: str | None) -> tuple[list[str], int, int] | None:
    q = parse_qs((search or "").lstrip("?"))
    if "cmp" not in q:
        return None
    try:
        st = _unpack(q["cmp"][0])
        return [str(p) for p in st["p"]], int(st["r"]), int(st["s"])
    except Exception as exc:  # noqa: BLE001 - a bad address: keep the defaults
        log.info("unusable compare setup in the address: %s", exc)
        return None


def encode_state(
    draft: Draft,
    session: WorkshopSession,
    ws_preset: str,
    tab: int,
    compare: tuple[list[str], int, int] = DEFAULT_COMPARE,
    extra: dict[str, str] | None = None,
) -> str:
    params = {
        **draft_params(draft),
        **(extra or {}),
        **compare_params(*compare),
    }
    if not extra or "team" not in extra:  # a team's session lives in its room
        params.update(workshop_params(session, ws_preset))
    if tab:
        params["tab"] = str(int(tab))
    return urlencode(params)


WORKSPACE_KEY = "w"
ROOM_KEYS = ("room", "team", "host")


def valid_workspace(text: str) -> bool:
    return 6 <= len(text) <= 32 and all(c in ID_LETTERS for c in text)


def workspace_search(search: str | None) -> tuple[str, str]:
    """(the state to restore as a query string, the workspace id): the workspace's
    stored address, overridden by what the address itself carries; a new id if none."""
    q = parse_qs((search or "").lstrip("?"))
    given = q.pop(WORKSPACE_KEY, [""])[0]
    if not valid_workspace(given):
        return urlencode({k: v[0] for k, v in q.items()}), new_id()
    stored = ui_db().load_query(given) or ""
    merged = {k: v[0] for k, v in parse_qs(stored).items()}
    merged.update({k: v[0] for k, v in q.items()})
    return urlencode(merged), given


def room_params(store: Any) -> dict[str, str]:
    team = store.room_team.value
    if team is not None:
        return {"room": team[0].code, "team": team[1]}
    hosted = store.room_hosted.value
    return {"host": hosted.code} if hosted is not None else {}


ROOM_TAB = 3


def join_code(search: str | None) -> str:
    """The room code of a team's join link (`?join=CODE`), or ''."""
    q = parse_qs((search or "").lstrip("?"))
    return q.get("join", [""])[0].strip().upper()[:8]


def tab_from(search: str | None) -> int:
    """The tab to open: `tab=N`, the Room tab for a join link, else What-if."""
    q = parse_qs((search or "").lstrip("?"))
    if "join" in q and "tab" not in q:
        return ROOM_TAB
    try:
        return max(0, min(3, int(q.get("tab", ["0"])[0])))
    except ValueError:
        return 0


def decode_draft(search: str | None) -> tuple[Draft | None, str | None]:
    """The draft a query string describes (None when it describes none) and a message
    when part of it could not be used."""
    if not search:
        return None, None
    q = parse_qs(search.lstrip("?"))
    preset = q.get("preset", [DEFAULT_PRESET])[0]
    edits = q.get("edits", [None])[0]
    if "upload" in q:
        kept = ui_db().load_upload(q["upload"][0])
        if kept is None:
            return None, "The address's uploaded scenario is not on this server; upload it again."
        label, data = kept
        draft = Draft(load_scenario(data), label)
    elif "preset" not in q and edits is None:
        return None, None
    elif preset not in preset_names():
        return None, f"The address names an unknown preset '{preset}'; showing the default."
    else:
        draft = Draft.preset(preset)
    if edits:
        try:
            overrides: dict[str, Any] = _unpack(edits)
            if not isinstance(overrides, dict):
                raise ValueError("not a table of edits")
        except (ValueError, json.JSONDecodeError) as exc:
            log.info("unusable edits in the address: %s", exc)
            return draft, "The edits in the address could not be read; showing the preset."
        draft = Draft(draft.base, draft.label, overrides)
    return draft, None


@solara.component_vue("url_state.vue")
def UrlState(query: str):
    """Writes `query` into the address bar (history.replaceState) whenever it changes."""


def restore_from_url(store: Any, search: str | None, report: Callable[[str | None], None]) -> None:
    """Put the draft described by the address into the store (once, at page start)."""
    draft, message = decode_draft(search)
    if draft is not None:
        store.set_draft(draft)
    if message:
        report(message)
    restored, ws_message = decode_workshop(search)
    if restored is not None:
        preset, session = restored
        store.ws_preset.value = preset
        store.ws_seed.value = session.seed
        store.ws_budget.value = session.budget_eur
        store.ws_session.value = session
        store.ws_started.value = (preset, session.seed, session.budget_eur)
        store.ws_version.value += 1
    if ws_message:
        store.ws_error.value = ws_message
    setup = decode_compare(search)
    if setup is not None:
        store.compare_plans.value, store.compare_runs.value, store.compare_seed.value = setup
    restore_room(store, search)
    stored = ui_db().load_comparison(store.workspace)
    if stored is not None:
        from ui.ensemble import CompareResult

        try:
            store.compare_result.value = CompareResult.from_dict(stored)
        except Exception as exc:  # noqa: BLE001 - an unreadable old result: run it again
            log.info("stored comparison not restored: %s", exc)


def restore_room(store: Any, search: str | None) -> None:
    """Rejoin the room the address names, as its team or its facilitator."""
    from ui.room import find_room

    q = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
    try:
        if "room" in q and "team" in q:
            room = find_room(q["room"])
            name = q["team"]
            store.join_team(room, name, room.teams.get(name) or room.join(name))
        if "host" in q:
            store.room_hosted.value = find_room(q["host"])
    except Exception as exc:  # noqa: BLE001 - e.g. a room that no longer exists
        store.ws_error.value = f"The room in the address could not be reopened: {exc}"


@solara.component
def StateAddress(store: Any, tab: int):
    """Keeps the address in step with the What-if draft and the Workshop session (only
    this small component re-renders on edits and Workshop steps)."""
    store.ws_version.value  # noqa: B018 - re-render after every Workshop step
    store.room_team.value, store.room_hosted.value  # noqa: B018 - re-render on join/host
    compare = (store.compare_plans.value, store.compare_runs.value, store.compare_seed.value)
    query = encode_state(
        store.draft.value,
        store.ws_session.value,
        store.ws_preset.value,
        tab,
        compare,
        room_params(store),
    )
    ui_db().save_query(store.workspace, query)
    UrlState(query=urlencode({WORKSPACE_KEY: store.workspace}) + ("&" + query if query else ""))
