"""What the KPIs mean: one definition per term, shown as tooltips on every KPI label
(the HTML `title` attribute; no script, works offline) and in a Glossary panel."""

from __future__ import annotations

import html
import re

import solara

# term -> definition; a KPI label gets the tooltip of the first term it starts with
GLOSSARY: dict[str, str] = {
    "active use": "Share of the target users (staff for whom the tool is relevant) who use "
    "the AI tool regularly in the week.",
    "active users": "Share of the target users who use the AI tool regularly in the week.",
    "peak active use": "The highest weekly share of target users in active use.",
    "active use: pilot group / the rest": "Active use among the pilot's members and among "
    "the other target users. A pilot often succeeds while the scale-up lags, unless "
    "champions, leaders and anchoring guide the cultural change.",
    "goal": "The plan's goal: this share of target users in active use by this week.",
    "trying it out": "Target users in the trial stage: they have tried the tool but do "
    "not use it regularly yet.",
    "dropped out": "Target users who used the tool and stopped (lapsed).",
    "mean competence": "Average AI competence of all staff, 0-100% (basic from 33%, "
    "advanced from 66%, expert above).",
    "basic / advanced / expert": "Shares of staff at each competence level.",
    "support requests": "Questions and help requests raised this week.",
    "new use cases": "Use cases that expert users created, in total so far.",
    "net promoter score": "NPS: % promoters minus % detractors among target users who "
    "have used the tool (promoters: active users with a clearly positive attitude; "
    "detractors: negative attitude or dropped out). From -100 to +100.",
    "nps": "Net promoter score: % promoters minus % detractors among target users who "
    "have used the tool, from -100 to +100.",
    "trust in ai output": "Average trust of all staff in the tool's results, 0-100%.",
    "users feeling relief": "Share of users who feel the tool takes work off them.",
    "positive": "Share of all staff with a positive attitude to the AI tool.",
    "resistant": "Share of all staff who resist the change (clearly negative attitude).",
    "hours freed": "Working hours the tool saves its active users.",
    "benefit": "Hours freed x hourly cost: the value of the time the tool saves.",
    "benefits realised": "Realised hours freed over the hours the plan itself expected "
    "(every target user x hours saved per week x reliability, ramping up from the start "
    "of implementation to anchoring): 100% means the plan delivered the benefit it "
    "promised; above 100% when its users, the people the tool fits best, save more than "
    "the average user the plan counted.",
    "total cost": "All costs of the run: change measures, staff hours in training and "
    "meetings, and licences.",
    "budget": "The budget for change measures (scenario: budget.total_eur).",
    "spent on change measures": "All costs of the plan except licences, so far.",
    "spent from the budget": "Cash paid from the budget so far: tool licences and "
    "integration, trainers' fees and incentives. Staff time (training hours, meetings, "
    "champions' time) is costed in the total cost but not paid from the budget.",
    "change measures": "Cost of the change measures: every cost except tool licences, "
    "staff time and cash alike.",
    "spent": "What the team has paid from its workshop budget so far: the one-off prices "
    "of its decisions plus their running costs for the weeks played.",
    "budget left": "The workshop budget minus what is spent and what the levers already "
    "pulled will cost every week up to the last week.",
    "decisions": "Levers the team has pulled so far (event cards not counted).",
    "goal reached": "Share of runs in which the plan's goal (this share of target users in "
    "active use) was reached by its week.",
    "resistance (lower is better)": "Share of all staff who resist the change (clearly "
    "negative attitude); the team with the lowest share ranks first.",
    "over budget": "Cash spent from the budget beyond it (staff time does not count).",
    "roi": "Return on investment: (benefit - total cost) / total cost. 0 = break-even.",
    "change roi": "Return of the change measures themselves: (benefit of the plan - "
    "benefit of the same roll-out without change measures - cost of the measures) / cost "
    "of the measures; computed from a second run with the same seed (after the last week).",
    "main barrier": "What keeps most non-active target users from active use at this "
    "point (e.g. acceptance, competence, integration).",
    # cost categories (model.metrics.COST_CATEGORIES; rows of the What-if costs table)
    "anchoring": "Cost category: the hours of the community of practice and of the "
    "innovators (staff time), and incentives (cash).",
    "champions": "Cost category: training the champions and their working time as "
    "champions (staff time).",
    "communication": "Cost category: preparing messages and town halls and the time "
    "staff spend reading or attending them (staff time).",
    "integration": "Cost category: integrating the tool into the organisation's systems "
    "(cash, one-off).",
    "leadership": "Cost category: the leaders' hours spent role-modelling the tool (staff time).",
    "licences": "Cost category: the tool's licences (cash; they go on after the programme).",
    "quick wins": "Cost category: onboarding the pilot users and preparing success "
    "stories (staff time).",
    "resistance": "Cost category: measures against resistance: the concern board, "
    "anticipating objections, critics as advisers (staff time).",
    "training": "Cost category: trainers' fees (cash) and the participants' hours in "
    "training (staff time).",
    "works council": "Cost category: negotiating the works agreement and involving the "
    "works council (staff time).",
}


def tooltip(label: str) -> str | None:
    """The definition for a KPI label (longest matching term first), or None."""
    text = label.lower().strip()
    for term in sorted(GLOSSARY, key=len, reverse=True):
        if text.startswith(term):
            return GLOSSARY[term]
    return None


def label_cell(label: str) -> str:
    """A table cell with the label and, when the label is a known KPI, its tooltip."""
    tip = tooltip(label)
    if tip is None:
        return f"<td>{html.escape(label)}</td>"
    return (
        f"<td class='term' title='{html.escape(tip, quote=True)}'>{html.escape(label)}"
        "<sup style='color:#888'>?</sup></td>"
    )


def header_tooltips(table: str) -> str:
    """The HTML table with a tooltip on every plain `<th>` header that is a known KPI."""

    def tip(m: re.Match) -> str:
        text = m.group(1)
        definition = tooltip(html.unescape(text))
        if definition is None:
            return m.group(0)
        return (
            f"<th class='term' title='{html.escape(definition, quote=True)}'>{text}"
            "<sup style='color:#888'>?</sup></th>"
        )

    return re.sub(r"<th>([^<]*)</th>", tip, table)


GLOSSARY_TERMS = (
    "net promoter score",
    "benefits realised",
    "roi",
    "change roi",
    "active use",
    "resistant",
    "mean competence",
    "hours freed",
    "over budget",
    "spent from the budget",
    "change measures",
    "main barrier",
)


@solara.component
def Glossary():
    """A collapsed panel defining the main KPIs."""
    rows = "".join(
        f"<tr><td><b>{html.escape(t.upper() if t in ('roi',) else t)}</b></td>"
        f"<td>{html.escape(GLOSSARY[t])}</td></tr>"
        for t in GLOSSARY_TERMS
    )
    with solara.Details("Glossary: what the measures mean", expand=False):
        solara.HTML(unsafe_innerHTML=f"<table class='kpi glossary'>{rows}</table>")
