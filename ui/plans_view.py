"""What-if card "Named plans": save the current draft under a name, open, rename,
duplicate or delete saved plans (kept in the UI database with the workspace)."""

from __future__ import annotations

import solara

from ui.db import PlanNameError, ui_db
from ui.plans import plan_draft, plan_record
from ui.store import InputProblem, Store, guarded
from ui.widgets import Heading, Para

CARD_STYLE = {"padding": "10px 12px", "margin": "0"}


def checked(fn):
    """Plan-name problems become messages like every other input problem."""

    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PlanNameError as exc:
            raise InputProblem(str(exc)) from None

    return wrapper


@solara.component
def PlansPanel(store: Store):
    store.plans_version.value  # noqa: B018 - re-render when the list changed
    db, ws = ui_db(), store.workspace
    report = store.error.set
    name, set_name = solara.use_state("")
    selected, set_selected = solara.use_state(None)
    plans = db.plans(ws)
    names = [n for n, _, _ in plans]
    current = selected if selected in names else None

    def changed() -> None:
        store.plans_version.value += 1

    @guarded(report)
    @checked
    def save() -> None:
        preset, edits = plan_record(store.draft.value)
        saved = db.save_plan(ws, name or store.draft.value.label, preset, edits)
        set_selected(saved)
        set_name("")
        changed()

    @guarded(report)
    def open_plan() -> None:
        found = db.plan(ws, current)
        if found is not None:
            store.set_draft(plan_draft(current, *found))

    @guarded(report)
    @checked
    def rename() -> None:
        set_selected(db.rename_plan(ws, current, name))
        set_name("")
        changed()

    @guarded(report)
    @checked
    def duplicate() -> None:
        set_selected(db.duplicate_plan(ws, current))
        changed()

    @guarded(report)
    def delete() -> None:
        db.delete_plan(ws, current)
        set_selected(None)
        changed()

    with solara.Card(margin=0, style=CARD_STYLE, classes=["named-plans"]):
        Heading("Named plans")
        solara.InputText(
            "Plan name",
            value=name,
            on_value=set_name,
            continuous_update=True,
            classes=["plan-name"],
        )
        with solara.Row(style={"flex-wrap": "wrap", "gap": "4px"}):
            solara.Button(
                "Save as plan",
                icon_name="mdi-content-save",
                small=True,
                on_click=store.once("plan:save", save),
            )
            solara.Button(
                "Rename to this name",
                small=True,
                text=True,
                on_click=rename,
                disabled=current is None or not name.strip(),
            )
        if names:
            solara.Select("Saved plan", values=names, value=current, on_value=set_selected)
            with solara.Row(style={"flex-wrap": "wrap", "gap": "4px"}):
                for label, fn in (
                    ("Open", open_plan),
                    ("Duplicate", duplicate),
                    ("Delete", delete),
                ):
                    solara.Button(
                        label, small=True, text=True, on_click=fn, disabled=current is None
                    )
            Para(
                f"{len(names)} saved: " + ", ".join(names) + ". Compare them in the Compare tab.",
                style={"font-size": "12px", "color": "#555"},
                classes=["plan-list"],
            )
        else:
            Para(
                "Save the current scenario and edits under a name to keep and compare it; "
                "plans stay with this page's address.",
                style={"font-size": "12px", "color": "#555"},
            )
