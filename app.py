"""adoptsim web UI (Solara): `make app`, `adoptsim app` or `solara run app.py`.

Four views, one tab each: What-if (strategists), Compare (plans side by side with
uncertainty bands), Workshop (trainers) and Room (a workshop for several teams), and
the room's projector view (`?projector=CODE`). State is kept in the UI database
(`ui.db`) behind the page address.
Everything renders offline: charts are drawn as SVG (vector; they scale with the page
and stay sharp when zoomed; matplotlib draws those of What-if, Compare and the room,
`ui/svg_chart.py` the light ones of the Workshop and the room debrief; PNG downloads
remain), tables are plain HTML. The code lives in the `ui` package.
"""

from __future__ import annotations

import solara
import solara.lab

from model.jit import ensure_compiled
from ui.compare import CompareView
from ui.projector import ProjectorView, projector_code
from ui.room_view import RoomView
from ui.store import Store
from ui.url_state import (
    StateAddress,
    join_code,
    restore_from_url,
    tab_from,
    workspace_search,
)
from ui.whatif import WhatIfView
from ui.workshop_view import WorkshopView

ensure_compiled()  # load the compiled kernels at start, not at the first Run

TABS = ("What-if", "Compare", "Workshop", "Room")
VIEWS = (WhatIfView, CompareView, WorkshopView, RoomView)
WORKSHOP_TAB = 2


@solara.component
def Page():
    router = solara.use_router()
    code = projector_code(router.search)
    if code is not None:  # the facilitator's projector: ?projector=CODE
        solara.Title("adoptsim - room projector")
        return ProjectorView(code)
    return MainPage(router.search)


@solara.component
def MainPage(address: str):
    """The four tabs, with the state the address (and its workspace) describes."""
    search, workspace = solara.use_memo(lambda: workspace_search(address), [])

    def make_store() -> Store:
        store = Store()
        store.workspace = workspace
        store.join_code = join_code(address)
        restore_from_url(store, search, store.error.set)  # state survives F5 and restarts
        return store

    store = solara.use_memo(make_store, [])
    first_tab = solara.use_memo(lambda: tab_from(search), [])
    tab, set_tab = solara.use_state(first_tab)
    # a view is built the first time its tab is opened, then kept (with its state)
    visited, set_visited = solara.use_state(frozenset({first_tab}))

    def open_tab(i: int) -> None:
        set_tab(i)
        set_visited(visited | {i})

    solara.Title("adoptsim - AI adoption simulator")
    StateAddress(store, tab)
    with solara.Column(gap="4px", style={"padding": "8px 16px", "max-width": "1800px"}):
        with solara.Row(style={"align-items": "baseline", "flex-wrap": "wrap"}):
            solara.Text("adoptsim", style={"font-size": "22px", "font-weight": "700"})
            solara.Text(
                "try AI rollout and change strategies before rolling out", style={"color": "#555"}
            )
        with solara.lab.Tabs(value=tab, on_value=open_tab):
            for i, (label, view) in enumerate(zip(TABS, VIEWS, strict=True)):
                with solara.lab.Tab(label):
                    if i in visited and view is RoomView:
                        view(store, on_joined=lambda: open_tab(WORKSHOP_TAB))
                    elif i in visited:
                        view(store)


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    """No app bar or sidebar: the page is the whole app."""
    return solara.Column(children=children, style={"padding": "0"})
