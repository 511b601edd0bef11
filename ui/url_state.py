"""What-if edits and the Workshop session in the page address, so reload (F5), a
bookmark or a link sent to a colleague brings them back:
`?preset=NAME&edits=DATA&ws=DATA&cmp=DATA&tab=N`, DATA being JSON in URL-safe base64:
the What-if edits (dotted key -> value), the Workshop's preset, seed, budget, week and
decisions (week, lever), which are replayed with the same seed on load, and the Compare
setup (plans, runs, seed; the comparison itself is rerun with a click). Only presets and their
edits are kept for What-if: after an upload its part of the address is cleared
(download the scenario TOML to keep it).
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
from ui.state import DEFAULT_PRESET, Draft
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


def draft_params(draft: Draft) -> dict[str, str]:
    if draft.label not in preset_names():
        return {}
    params: dict[str, str] = {}
    if draft.label != DEFAULT_PRESET:
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
) -> str:
    params = {
        **draft_params(draft),
        **workshop_params(session, ws_preset),
        **compare_params(*compare),
    }
    if tab:
        params["tab"] = str(int(tab))
    return urlencode(params)


def tab_from(search: str | None) -> int:
    q = parse_qs((search or "").lstrip("?"))
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
    if "preset" not in q and edits is None:
        return None, None
    if preset not in preset_names():
        return None, f"The address names an unknown preset '{preset}'; showing the default."
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


@solara.component
def StateAddress(store: Any, tab: int):
    """Keeps the address in step with the What-if draft and the Workshop session (only
    this small component re-renders on edits and Workshop steps)."""
    store.ws_version.value  # noqa: B018 - re-render after every Workshop step
    compare = (store.compare_plans.value, store.compare_runs.value, store.compare_seed.value)
    query = encode_state(
        store.draft.value, store.ws_session.value, store.ws_preset.value, tab, compare
    )
    UrlState(query=query)
