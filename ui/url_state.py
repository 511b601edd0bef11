"""What-if edits in the page address, so reload (F5), a bookmark or a link sent to a
colleague brings them back: `?preset=NAME&edits=DATA`, DATA being the edits (dotted key
-> value) as JSON in URL-safe base64. Only presets and their edits are kept this way:
after an upload the address is cleared (download the scenario TOML to keep it).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import solara

from model import preset_names
from ui.state import DEFAULT_PRESET, Draft

log = logging.getLogger("adoptsim.ui")


def encode_draft(draft: Draft) -> str:
    """The query string of a draft ('' for an unedited default preset or an upload)."""
    if draft.label not in preset_names():
        return ""
    params: dict[str, str] = {}
    if draft.label != DEFAULT_PRESET:
        params["preset"] = draft.label
    if draft.overrides:
        raw = json.dumps(draft.overrides, sort_keys=True, separators=(",", ":"))
        params["edits"] = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return urlencode(params)


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
            padded = edits + "=" * (-len(edits) % 4)
            overrides: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
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


@solara.component
def DraftAddress(store: Any):
    """Keeps the address in step with the What-if draft (only this re-renders on edits)."""
    UrlState(query=encode_draft(store.draft.value))
