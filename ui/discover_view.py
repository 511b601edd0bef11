"""What-if: "When does this plan fail?" Scenario discovery for the current plan.

A small Latin-hypercube run over what the planner does not control (the tool, the
organisation, two behavioural parameters), each within a range around the plan's own
value, runs in a background thread on the project's batch runner
(`experiments.discovery.discover` -> `run_batch`), with progress; PRIM then finds the
boxes of conditions under which the plan misses its goal, shown in plain words with
coverage, density and the restricted conditions.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import solara
import solara.lab

from experiments.discovery import discover
from model import Scenario
from ui.state import fmt_pct
from ui.store import Store
from ui.widgets import Heading, Para

log = logging.getLogger("adoptsim.ui")

SAMPLES = (100, 200, 400)
CLEAR = 0.05  # a restriction with a larger quasi-p-value may be chance
GOAL = "not goal_reached"
# key: (plain label, half-width of the range around the plan's value, lowest, highest,
# relative: the half-width is a share of the value)
UNCERTAIN: dict[str, tuple[str, float, float, float, bool]] = {
    "tool.usefulness": ("the tool's usefulness", 0.25, 0.0, 1.0, False),
    "tool.ease_of_use": ("the tool's ease of use", 0.25, 0.0, 1.0, False),
    "tool.reliability": ("the tool's reliability", 0.2, 0.0, 1.0, False),
    "organisation.mean_tenure_years": ("mean tenure (years)", 4.0, 0.5, 40.0, False),
    "parameters.trial_rate": ("staff's readiness to try it (trial rate)", 0.5, 0.0, 1.0, True),
    "parameters.persuasion": ("persuasion between colleagues", 0.5, 0.0, 1.0, True),
}
CARD_STYLE = {"padding": "10px 12px", "margin": "0"}
LARGE = 2000  # employees from which the exploration is flagged as slow
SMALL = {"font-size": "12px", "color": "#555"}


class Cancelled(Exception):
    """Raised from the progress callback when the run is no longer wanted."""


def uncertainties_for(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The ranges explored: each uncertain key within a band around the plan's value."""
    data = scenario.model_dump(mode="python")
    out: dict[str, tuple[float, float]] = {}
    for key, (_, half, lowest, highest, relative) in UNCERTAIN.items():
        node: Any = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, int | float) or isinstance(node, bool):
            continue
        width = half * node if relative else half
        lo, hi = max(lowest, node - width), min(highest, node + width)
        if hi > lo:
            out[key] = (round(lo, 4), round(hi, 4))
    return out


def label(key: str) -> str:
    return UNCERTAIN[key][0] if key in UNCERTAIN else key


def _num(x: float) -> str:
    return f"{x:.0f}" if abs(x) >= 10 else f"{x:.2f}"


def condition_text(key: str, lo: float, hi: float, full: tuple[float, float]) -> str:
    """'X is below 0.45' / 'above' / 'between' against the sampled range."""
    at_lo, at_hi = lo <= full[0], hi >= full[1]
    if at_lo and not at_hi:
        return f"{label(key)} is below {_num(hi)}"
    if at_hi and not at_lo:
        return f"{label(key)} is above {_num(lo)}"
    return f"{label(key)} is between {_num(lo)} and {_num(hi)}"


def summary_text(result: dict, scenario: Scenario) -> str:
    """How often the plan misses its goal over the explored futures."""
    g = scenario.goals
    goal = f"{fmt_pct(g.target_active_share)} active use by week {g.by_week}"
    n, k = result["runs"], result["cases"]
    if k == 0:
        return (
            f"The plan reaches its goal ({goal}) in all {n} simulated futures: within "
            "these ranges nothing makes it fail."
        )
    return (
        f"The plan misses its goal ({goal}) in {k} of {n} simulated futures "
        f"({fmt_pct(result['base_rate'])})."
    )


def box_text(box: dict, ranges: dict[str, list[float]]) -> str:
    """One PRIM box in plain words; restrictions that may be chance (quasi-p-value
    above 0.05) are named apart."""
    clear, weak = [], []
    for key, lim in box["restricted"].items():
        text = condition_text(key, lim["lo"], lim["hi"], tuple(ranges[key]))
        qp = lim.get("qp")
        (clear if qp is not None and qp <= CLEAR else weak).append(text)
    stats = (
        f"There the plan fails in {fmt_pct(box['density'])} of the runs (density); "
        f"this region holds {fmt_pct(box['coverage'])} of all failures (coverage) and "
        f"{fmt_pct(box['mass'])} of all runs."
    )
    if not clear and not weak:
        return (
            f"The plan fails about as often everywhere in the ranges explored "
            f"({fmt_pct(box['density'])} of the runs): no condition explains its failures."
        )
    if clear:
        head = "The plan is likely to fail when " + " and ".join(clear)
        if weak:
            head += " (less clearly also when " + " and ".join(weak) + ")"
    else:
        head = (
            "The plan is more likely to fail when " + " and ".join(weak) + " (none of these "
            "is clear-cut with this many runs: explore more futures)"
        )
    return head + ". " + stats


def boxes_html(result: dict) -> str:
    """A table per box: coverage, density, mass and the restricted conditions."""
    parts = []
    for i, b in enumerate(result["boxes"], 1):
        rows = "".join(
            f"<tr><td>{html.escape(label(k))}</td><td class='v'>{_num(lim['lo'])} - "
            f"{_num(lim['hi'])}</td><td class='v' style='color:#777'>of "
            f"{_num(result['ranges'][k][0])} - {_num(result['ranges'][k][1])}</td>"
            f"<td class='v' style='color:#777'>qp {lim.get('qp') or 0:.2g}</td></tr>"
            for k, lim in b["restricted"].items()
        )
        parts.append(
            f"<div class='failure-box'><b>Box {i}</b>: coverage {b['coverage']:.2f}, "
            f"density {b['density']:.2f}, mass {b['mass']:.2f} ({b['runs']} runs)"
            f"<table class='kpi'>{rows}</table></div>"
        )
    return "".join(parts)


@solara.component
def FailureFinder(store: Store, samples: int | None = None):
    """The card: explore, then show the boxes of the plan's failures."""
    draft = store.draft.value
    scenario, _ = solara.use_memo(draft.build, [draft])
    chosen, set_chosen = solara.use_state(SAMPLES[1])
    n = samples or chosen

    def job(sc: Scenario, n_samples: int) -> tuple[Scenario, dict] | None:
        def progress(done: int, total: int) -> None:
            if not task.is_current():
                raise Cancelled
            task.progress = 100.0 * done / total

        try:
            ranges = uncertainties_for(sc)
            res = discover(sc, ranges, GOAL, samples=n_samples, chunk_size=10, on_progress=progress)
            return sc, res
        except Cancelled:
            return None

    task = solara.lab.use_task(job, dependencies=None, raise_error=False)
    running = task.pending
    with solara.Card(margin=0, style=CARD_STYLE, classes=["failure-finder"]):
        Heading("When does this plan fail?")
        if scenario is None:
            Para("Fix the problems in the editor first.")
            return
        ranges = uncertainties_for(scenario)
        Para(
            "Explores futures the plan does not control - "
            + ", ".join(f"{label(k)} {_num(lo)} - {_num(hi)}" for k, (lo, hi) in ranges.items())
            + " - with a Latin hypercube, one run each, and finds the conditions under which "
            "the plan misses its goal (PRIM).",
            style=SMALL,
        )
        if scenario.organisation.employees > LARGE:
            Para(
                f"{scenario.organisation.employees:,} employees: each run takes a while, "
                f"{n} runs may take many minutes (Cancel stops them).",
                style={**SMALL, "color": "#8a4b00"},
            )
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            if samples is None:
                solara.ToggleButtonsSingle(
                    value=chosen, values=list(SAMPLES), on_value=set_chosen, dense=True
                )
                solara.Text("futures", style=SMALL)
            solara.Button(
                "Find failure conditions",
                icon_name="mdi-magnify",
                color="primary",
                on_click=lambda: task(scenario, int(n)),
                disabled=running,
            )
            if running:
                solara.Button("Cancel", on_click=task.cancel, text=True)
        if running:
            pct = task.progress or 0.0
            solara.ProgressLinear(pct if pct > 0 else True)
            solara.Text(
                f"Running {n} simulations in the background: {pct:.0f}% done.",
                classes=["failure-progress"],
                style={"font-size": "13px"},
            )
        if task.error:
            solara.Error(f"The exploration failed: {task.exception}")
        found = task.value if task.finished else None
        if not found:
            return
        sc, result = found
        if sc != scenario:
            Para(
                "Computed for the plan before your last edits; run it again for this one.",
                style={"color": "#8a4b00", "font-size": "13px"},
            )
        Para(summary_text(result, sc), style={"font-weight": "600"})
        # a box no denser than the runs overall explains nothing
        shown = [b for b in result["boxes"] if b["density"] > result["base_rate"]]
        shown = shown or result["boxes"][:1]
        for b in shown:
            Para(box_text(b, result["ranges"]), classes=["failure-box-text"])
        if shown:
            solara.HTML(unsafe_innerHTML=boxes_html({**result, "boxes": shown}))
            Para(
                "Coverage: the share of all failures inside the box; density: the share of "
                "runs in the box that fail; mass: the share of all runs in the box; qp: how "
                "likely the restriction is chance (small: it matters).",
                style=SMALL,
            )
