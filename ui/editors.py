"""Scenario editors: one field per scenario key, with the problem next to the field.

Every field reads its value from a `Draft` (base scenario + edits) and writes a dotted
override; `Draft.build()` validates the whole scenario, and the problems it reports
(`ScenarioError.problems`) are shown in red right under the field they concern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reacton.ipyvuetify as rv
import solara

from model.programme import CHANNELS, FORMATS, mean_retention, training_hours_per_trainee
from model.scenario import AUDIENCES, CULTURES, NETWORK_KINDS, ROLES, TRAINING_FORMATS, Scenario
from ui.state import Draft, messages_for

ERROR_STYLE = {
    "color": "#b00020",
    "font-size": "12px",
    "line-height": "1.3",
    "margin": "-4px 0 6px 2px",
}
ROW_STYLE = {"flex-wrap": "wrap", "row-gap": "18px", "margin-bottom": "6px"}
HINT_STYLE = {"color": "#555", "font-size": "12px", "margin": "0 0 6px 2px"}

FORMAT_MIXES: dict[str, dict[str, float]] = {
    "lecture only": {"lecture": 1.0},
    "manuals and lecture": {"manual": 0.5, "lecture": 0.5},
    "demos and practice": {"demo": 0.4, "practice": 0.6},
    "active mix": {"practice": 0.4, "peer_teaching": 0.3, "microlearning": 0.3},
    "blended with mentoring": {
        "demo": 0.2,
        "practice": 0.3,
        "microlearning": 0.2,
        "mentoring": 0.3,
    },
}
PHASE_KEYS = ("awareness", "vision", "empowerment", "implementation", "anchoring")


@dataclass(frozen=True)
class EditContext:
    """What every field needs: the draft, the problems by field and a setter."""

    draft: Draft
    problems: dict[str, list[str]]
    set: Callable[[str, Any], None]
    scenario: Scenario | None = None

    def value(self, key: str) -> Any:
        return self.draft.value(key)

    def messages(self, key: str) -> list[str]:
        return messages_for(self.problems, key)


@solara.component
def FieldMessages(messages: list[str]):
    for m in messages:
        solara.Text(m, style=ERROR_STYLE, classes=["field-error"])


@solara.component
def Hint(text: str):
    solara.Text(text, style=HINT_STYLE)


@solara.component
def NumberField(
    ctx: EditContext,
    key: str,
    label: str,
    integer: bool = False,
    optional: bool = False,
    suffix: str | None = None,
    exact: bool = False,
):
    """A number input for one dotted key; `exact`: show only problems of this very key."""
    value = ctx.value(key)
    msgs = ctx.problems.get(key, []) if exact else ctx.messages(key)
    with solara.Column(gap="0px", style={"min-width": "110px", "flex": "1 1 110px"}):
        if integer:
            solara.InputInt(
                label,
                value=value,
                on_value=lambda v: ctx.set(key, v),
                optional=optional,
                dense=True,
                suffix=suffix,
            )
        else:
            solara.InputFloat(
                label,
                value=value,
                on_value=lambda v: ctx.set(key, v),
                optional=optional,
                dense=True,
                suffix=suffix,
            )
        FieldMessages(msgs)


@solara.component
def ChoiceField(ctx: EditContext, key: str, label: str, values: list[str]):
    msgs = ctx.messages(key)
    with solara.Column(gap="0px", style={"min-width": "140px", "flex": "1 1 140px"}):
        solara.Select(
            label,
            values=list(values),
            value=ctx.value(key),
            on_value=lambda v: ctx.set(key, v),
            dense=True,
        )
        FieldMessages(msgs)


@solara.component
def FlagField(ctx: EditContext, key: str, label: str):
    with solara.Column(gap="0px"):
        solara.Checkbox(
            label=label, value=bool(ctx.value(key)), on_value=lambda v: ctx.set(key, bool(v))
        )
        FieldMessages(ctx.messages(key))


# --------------------------------------------------------------------------- sections


@solara.component
def OrganisationEditor(ctx: EditContext):
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "organisation.employees", "Employees", integer=True)
        ChoiceField(ctx, "organisation.culture", "Culture", list(CULTURES))
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "organisation.mean_age", "Mean age", suffix="years")
        NumberField(ctx, "organisation.mean_tenure_years", "Mean tenure", suffix="years")
        NumberField(ctx, "organisation.departments", "Departments", integer=True)
    solara.Text("Role mix (relative shares)", style={"font-size": "13px"})
    with solara.Row(style=ROW_STYLE):
        for r in ROLES:
            NumberField(ctx, f"organisation.roles.{r}", r.replace("_", " "), exact=True)
    FieldMessages(ctx.problems.get("organisation.roles", []))
    FlagField(ctx, "organisation.works_council", "Works council")


@solara.component
def NetworkEditor(ctx: EditContext):
    with solara.Row(style=ROW_STYLE):
        ChoiceField(ctx, "network.kind", "Network kind", list(NETWORK_KINDS))
        NumberField(ctx, "network.mean_degree", "Mean contacts")
        NumberField(ctx, "network.cross_department_share", "Cross-dept share")
        NumberField(ctx, "network.rewiring", "Rewiring (0-1)")


@solara.component
def ToolEditor(ctx: EditContext):
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "tool.usefulness", "Usefulness (0-1)")
        NumberField(ctx, "tool.ease_of_use", "Ease of use (0-1)")
        NumberField(ctx, "tool.reliability", "Reliability (0-1)")
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "tool.hours_saved_per_week", "Hours saved / week")
        NumberField(ctx, "tool.licence_eur_per_user_month", "Licence per user", suffix="EUR/month")
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "tool.data_quality", "Data quality (0-1)")
        NumberField(
            ctx, "tool.integration_weeks", "Integration after go-live", integer=True, suffix="weeks"
        )
        NumberField(ctx, "tool.integration_eur", "Integration cost", suffix="EUR")
    targets = ctx.value("tool.target_roles") or []
    solara.SelectMultiple(
        "Target roles (the tool is for)",
        values=list(targets),
        all_values=list(ROLES),
        on_value=lambda v: ctx.set("tool.target_roles", list(v)),
        dense=True,
    )
    FieldMessages(ctx.messages("tool.target_roles"))


@solara.component
def BudgetGoalEditor(ctx: EditContext):
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "budget.total_eur", "Budget", suffix="EUR", optional=True)
        NumberField(ctx, "budget.eur_per_employee", "or per employee", optional=True, suffix="EUR")
        NumberField(ctx, "budget.hourly_cost_eur", "Hourly cost", suffix="EUR")
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "goals.target_active_share", "Goal: active share (0-1)")
        NumberField(ctx, "goals.by_week", "by week", integer=True)
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "economics.horizon_years", "ROI horizon", suffix="years")
        NumberField(ctx, "economics.indirect_share", "Indirect benefit (x direct)")
        NumberField(ctx, "economics.strategic_eur_per_year", "Strategic value", suffix="EUR/year")
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "weeks", "Weeks simulated", integer=True)
        NumberField(ctx, "seed", "Seed", integer=True)


@solara.component
def TimelineEditor(ctx: EditContext):
    with solara.Row(style=ROW_STYLE):
        ChoiceField(ctx, "strategy.rollout", "Rollout", ["phased", "big_bang", "pilot_first"])
        NumberField(
            ctx,
            "strategy.scale_out_after_weeks",
            "Pilot scale-out after",
            integer=True,
            suffix="weeks",
        )
    solara.Text("Phase start weeks", style={"font-size": "13px"})
    with solara.Row(style=ROW_STYLE):
        for ph in PHASE_KEYS:
            NumberField(ctx, f"strategy.phases.{ph}", ph, integer=True, exact=True)
    FieldMessages(ctx.problems.get("strategy.phases", []))
    with solara.Row(style={**ROW_STYLE, "align-items": "center"}):
        FlagField(ctx, "strategy.phases.gated", "Gated (wait for each criterion)")
        NumberField(ctx, "strategy.phases.max_wait_weeks", "Max wait", integer=True, suffix="weeks")


@solara.component
def CommunicationEditor(ctx: EditContext):
    key = "strategy.communication"
    items = [dict(x) for x in (ctx.value(key) or [])]

    def update(i: int, field: str, v: Any) -> None:
        new = [dict(x) for x in items]
        new[i][field] = v
        ctx.set(key, new)

    def remove(i: int) -> None:
        ctx.set(key, [x for j, x in enumerate(items) if j != i])

    def add() -> None:
        ctx.set(
            key,
            [
                *items,
                {
                    "audience": "all",
                    "channel": "team_workshop",
                    "framing": "storytelling",
                    "start_week": 1,
                    "every_weeks": 4,
                    "end_week": None,
                },
            ],
        )

    if not items:
        Hint("No messages planned: an information vacuum feeds rumours.")
    for i, item in enumerate(items):
        with solara.Card(
            margin=0,
            elevation=0,
            style={"border": "1px solid #ddd", "padding": "6px", "margin-bottom": "6px"},
        ):
            with solara.Row(style=ROW_STYLE):
                for label, key, values in (
                    ("Audience", "audience", list(AUDIENCES)),
                    ("Channel", "channel", list(CHANNELS)),
                    ("Framing", "framing", ["technical", "benefits", "storytelling"]),
                ):
                    solara.Select(
                        label,
                        values=values,
                        value=item.get(key),
                        on_value=lambda v, i=i, key=key: update(i, key, v),
                        dense=True,
                    )
            with solara.Row(style={**ROW_STYLE, "align-items": "center"}):
                solara.InputInt(
                    "Start week",
                    value=item.get("start_week", 0),
                    dense=True,
                    on_value=lambda v, i=i: update(i, "start_week", v),
                )
                solara.InputInt(
                    "Every (weeks, 0 = once)",
                    value=item.get("every_weeks", 0),
                    dense=True,
                    on_value=lambda v, i=i: update(i, "every_weeks", v),
                )
                solara.InputInt(
                    "End week",
                    value=item.get("end_week"),
                    optional=True,
                    dense=True,
                    on_value=lambda v, i=i: update(i, "end_week", v),
                )
                solara.Button(
                    icon_name="mdi-delete",
                    text=True,
                    on_click=lambda i=i: remove(i),
                    style={"min-width": "0"},
                )
            FieldMessages(ctx.messages(f"{key}.{i}"))
    solara.Button("Add message", icon_name="mdi-plus", text=True, on_click=add)


def format_mix_name(formats: dict[str, float]) -> str:
    total = sum(formats.values()) or 1.0
    norm = {k: round(v / total, 3) for k, v in formats.items() if v > 0}
    for name, mix in FORMAT_MIXES.items():
        t = sum(mix.values())
        if norm == {k: round(v / t, 3) for k, v in mix.items()}:
            return name
    return "custom"


@solara.component
def TrainingEditor(ctx: EditContext):
    fkey = "strategy.training.formats"
    formats = dict(ctx.value(fkey) or {})
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "strategy.training.budget_share", "Share of budget (0-1)")
        mix = format_mix_name(formats)
        solara.Select(
            "Format mix",
            values=[*FORMAT_MIXES, "custom"],
            value=mix,
            dense=True,
            on_value=lambda v: ctx.set(fkey, dict(FORMAT_MIXES[v])) if v in FORMAT_MIXES else None,
        )
    with solara.Details("Format weights"):
        with solara.Row(style=ROW_STYLE):
            for f in TRAINING_FORMATS:
                solara.InputFloat(
                    f"{f.replace('_', ' ')} ({100 * FORMATS[f][0]:.0f}% kept)",
                    value=float(formats.get(f, 0.0)),
                    dense=True,
                    on_value=lambda v, f=f: ctx.set(fkey, {**formats, f: v}),
                    style={"max-width": "150px"},
                )
    FieldMessages(ctx.messages(fkey))
    with solara.Row(style=ROW_STYLE):
        FlagField(ctx, "strategy.training.role_specific", "Role-specific modules")
        FlagField(ctx, "strategy.training.tandem_teams", "Tandem teams (young + experienced)")
    sc = ctx.scenario
    if sc is not None and sc.strategy.training.budget_share > 0:
        trainees = max(1, round(sc.organisation.employees * _target_share(sc)))
        hours, _ = training_hours_per_trainee(sc, trainees)
        Hint(
            f"About {hours:.1f} h per trainee for ~{trainees} target users; "
            f"{100 * mean_retention(sc):.0f}% retained one week later."
        )


def _target_share(sc: Scenario) -> float:
    roles = sc.organisation.roles
    total = sum(roles.values()) or 1.0
    return sum(v for r, v in roles.items() if r in sc.tool.target_roles) / total


@solara.component
def PeopleEditor(ctx: EditContext):
    """Champions and quick wins."""
    solara.Text("Champions", style={"font-size": "13px", "font-weight": "600"})
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "strategy.champions.count", "Count", integer=True, optional=True)
        NumberField(
            ctx,
            "strategy.champions.employees_per_champion",
            "or one per",
            integer=True,
            optional=True,
            suffix="employees",
        )
        ChoiceField(
            ctx,
            "strategy.champions.selection",
            "Selection",
            ["random", "centrality", "diversity", "critics"],
        )
    with solara.Row(style=ROW_STYLE):
        NumberField(ctx, "strategy.champions.time_share", "Time share (0-0.5)")
        NumberField(ctx, "strategy.champions.start_week", "Start week", integer=True)
    solara.Text("Quick wins", style={"font-size": "13px", "font-weight": "600"})
    with solara.Row(style=ROW_STYLE):
        ChoiceField(
            ctx,
            "strategy.quick_wins.pilot",
            "Pilot group",
            ["none", "most_receptive", "random", "most_resistant"],
        )
        NumberField(
            ctx, "strategy.quick_wins.pilot_size", "Pilot size", integer=True, optional=True
        )
        NumberField(
            ctx, "strategy.quick_wins.pilot_share", "or share of users (0-1)", optional=True
        )
        NumberField(ctx, "strategy.quick_wins.start_week", "Start week", integer=True)
    FlagField(ctx, "strategy.quick_wins.broadcast", "Broadcast success stories")


@solara.component
def ResistanceEditor(ctx: EditContext):
    FlagField(ctx, "strategy.resistance.concern_board", "Anonymous concern board")
    FlagField(ctx, "strategy.resistance.critics_as_advisors", "Critics as advisers")
    FlagField(ctx, "strategy.resistance.objection_anticipation", "Anticipate objections")
    FlagField(ctx, "strategy.leadership.role_modelling", "Leaders as role models")
    with solara.Row(style=ROW_STYLE):
        ChoiceField(
            ctx,
            "strategy.works_council.involvement",
            "Works council involvement",
            ["early", "late", "none"],
        )
        NumberField(
            ctx,
            "strategy.transparency.updates_every_weeks",
            "Status updates every",
            integer=True,
            suffix="weeks",
        )


@solara.component
def AnchoringEditor(ctx: EditContext):
    with solara.Row(style=ROW_STYLE):
        NumberField(
            ctx,
            "strategy.anchoring.process_integration_week",
            "Process integration week",
            integer=True,
            optional=True,
        )
        NumberField(
            ctx,
            "strategy.anchoring.innovator_roles",
            "AI innovator roles",
            integer=True,
            optional=True,
        )
        NumberField(
            ctx,
            "strategy.anchoring.employees_per_innovator",
            "or one per",
            integer=True,
            optional=True,
            suffix="employees",
        )
    FlagField(ctx, "strategy.anchoring.community_of_practice", "Community of practice")
    FlagField(ctx, "strategy.anchoring.incentives", "Incentives for new use cases")


SECTIONS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("Organisation", OrganisationEditor, ("organisation",)),
    ("Influence network", NetworkEditor, ("network",)),
    ("AI tool", ToolEditor, ("tool",)),
    (
        "Budget, goal and horizon",
        BudgetGoalEditor,
        ("budget", "goals", "economics", "weeks", "seed"),
    ),
    (
        "Phase timeline and rollout",
        TimelineEditor,
        ("strategy.phases", "strategy.rollout", "strategy.scale_out_after_weeks"),
    ),
    ("Communication plan", CommunicationEditor, ("strategy.communication",)),
    ("Training", TrainingEditor, ("strategy.training",)),
    ("Champions and quick wins", PeopleEditor, ("strategy.champions", "strategy.quick_wins")),
    (
        "Resistance, works council, leadership",
        ResistanceEditor,
        (
            "strategy.resistance",
            "strategy.works_council",
            "strategy.leadership",
            "strategy.transparency",
        ),
    ),
    ("Anchoring", AnchoringEditor, ("strategy.anchoring",)),
)


def section_problem_count(ctx: EditContext, prefixes: tuple[str, ...]) -> int:
    return sum(
        len(msgs)
        for k, msgs in ctx.problems.items()
        if any(k == p or k.startswith(p + ".") for p in prefixes)
    )


@solara.component
def LazyDetails(summary: str, children: list = [], expand: bool = False):  # noqa: B006
    """An expandable section whose content is built only while it is open (a page with
    every editor built up front opens several times slower)."""
    is_open, set_open = solara.use_state_or_update(expand)

    def on_v_model(v_model: int | None) -> None:
        set_open(v_model == 0)

    with rv.ExpansionPanels(v_model=0 if is_open else None, on_v_model=on_v_model) as main:
        with rv.ExpansionPanel():
            rv.ExpansionPanelHeader(children=[summary])
            rv.ExpansionPanelContent(children=children if is_open else [])
    return main


@solara.component
def ScenarioEditor(ctx: EditContext):
    """All sections; a section with a problem opens and shows the count in its title."""
    for title, comp, prefixes in SECTIONS:
        n = section_problem_count(ctx, prefixes)
        summary = f"{title}  ({n} problem{'s' if n != 1 else ''})" if n else title
        with LazyDetails(summary, expand=n > 0):
            with solara.Column(gap="4px", style={"padding": "4px 2px 8px 2px"}):
                comp(ctx)
