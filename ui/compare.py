"""Compare view: two or more plans on the What-if organisation, ensembles with common
random numbers in a background thread, bands, and paired differences with 95% CIs."""

from __future__ import annotations

import html
import logging

import numpy as np
import pandas as pd
import reacton.core
import solara
import solara.lab

from ui.charts import band_figure, series_style
from ui.db import ui_db
from ui.ensemble import CompareResult, differences, plan_table, plans_from_names, run_compare
from ui.glossary import Glossary, label_cell
from ui.plans import saved_plans
from ui.state import fmt_eur, fmt_num, fmt_pct, plan_presets
from ui.store import Store
from ui.whatif import CARD_STYLE, TABLE_CSS, ChartCard, safe_chart
from ui.widgets import Download, Heading, LazyData, Para

log = logging.getLogger("adoptsim.ui")

EDITED = "edited (What-if)"
MAX_RUNS = 500


def fmt_value(x: float, kind: str) -> str:
    if x is None or not np.isfinite(x):
        return "-"
    if kind in ("share", "rate"):
        return fmt_pct(x, 1)
    if kind == "eur":
        return fmt_eur(x)
    return fmt_num(x, 2)


def fmt_diff(x: float, kind: str) -> str:
    if x is None or not np.isfinite(x):
        return "-"
    if kind in ("share", "rate"):
        return f"{100 * x:+.1f} pts"
    if kind == "eur":
        return f"{'+' if x >= 0 else '-'}EUR {abs(x):,.0f}"
    return f"{x:+.2f}"


def plan_table_html(result: CompareResult) -> str:
    df = plan_table(result)
    head = "".join(
        f"<th style='color:{series_style(j)[0]}'>{html.escape(p)}</th>"
        for j, p in enumerate(result.plans)
    )
    rows = []
    for r in df.to_dict("records"):
        cells = []
        for p in result.plans:
            m, lo, hi = r[p]
            kind = r["kind"]
            over = r["field"] == "over_budget_eur" and m is not None and m > 0
            cls = "v over-budget" if over else "v"
            cells.append(
                f"<td class='{cls}'>{fmt_value(m, kind)}<br><span style='color:#777;"
                f"font-weight:400'>[{fmt_value(lo, kind)}, {fmt_value(hi, kind)}]"
                "</span></td>"
            )
        rows.append(f"<tr>{label_cell(r['label'])}{''.join(cells)}</tr>")
    return (
        f"<table class='kpi compare-plans'><tr><th>mean [95% CI]</th>{head}</tr>"
        f"{''.join(rows)}</table>"
    )


def differences_html(diff: pd.DataFrame) -> str:
    rows = []
    for r in diff.itertuples(index=False):
        sig = "&#9733;" if r.significant else ""
        if np.isfinite(r.better_share):
            tie = 1.0 - r.better_share - r.worse_share
            runs = " / ".join(f"{100 * x:.0f}%" for x in (r.better_share, tie, r.worse_share))
        else:
            runs = "-"
        mark = {"better": " &#9650; better", "worse": " &#9660; worse"}.get(r.verdict, "")
        rows.append(
            f"<tr><td>{html.escape(r.plan)}</td>{label_cell(r.label)}"
            f"<td class='v'>{fmt_value(r.reference_mean, r.kind)}</td>"
            f"<td class='v'>{fmt_value(r.plan_mean, r.kind)}</td>"
            f"<td class='v {r.verdict}'>{fmt_diff(r.difference, r.kind)} {sig}{mark}</td>"
            f"<td class='v'>[{fmt_diff(r.ci_low, r.kind)}, {fmt_diff(r.ci_high, r.kind)}]</td>"
            f"<td class='v'>{runs}</td></tr>"
        )
    head = (
        "<tr><th>plan</th><th>measure</th><th>reference</th><th>plan</th>"
        "<th>difference</th><th>95% CI</th><th>runs better / same / worse</th></tr>"
    )
    return f"<table class='kpi compare-diff'>{head}{''.join(rows)}</table>"


@solara.component
def CompareResults(result: CompareResult, reference: str):
    active = solara.use_memo(
        lambda: safe_chart(band_figure, result, "active_share", "Active use of target users"),
        [result],
    )
    resist = solara.use_memo(
        lambda: safe_chart(band_figure, result, "resistant_share", "Resistant staff"), [result]
    )
    ref = reference if reference in result.plans else result.plans[0]
    diff = solara.use_memo(lambda: differences(result, ref), [result, ref])
    solara.Style(TABLE_CSS)
    solara.Text(
        f"{result.runs} runs per plan, seed {result.seed}, common random numbers; "
        f"computed in {result.seconds:.1f} s.",
        classes=["compare-done"],
        style={"font-size": "13px"},
    )
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        ChartCard(
            "Active use (band: 5-95% of runs)",
            *active,
            "compare_active.png",
            ["chart-compare-active"],
        )
        ChartCard(
            "Resistance (band: 5-95% of runs)",
            *resist,
            "compare_resistance.png",
            ["chart-compare-resistance"],
        )
    with solara.Card(margin=0, style=CARD_STYLE):
        solara.Text(
            f"Differences to the reference plan '{ref}' (paired by run; 95% CI of "
            "the mean difference; a star marks a CI that excludes zero, then green = better, "
            "red = worse for the plan)",
            style={"font-weight": "600"},
        )
        solara.HTML(unsafe_innerHTML=differences_html(diff))
    from ui.report import comparison_report

    with solara.Card(margin=0, style=CARD_STYLE):
        solara.Text("Plan outcomes", style={"font-weight": "600"})
        solara.HTML(unsafe_innerHTML=plan_table_html(result))
        with solara.Row(style={"flex-wrap": "wrap"}):
            Download(
                result.runs_table().to_csv(index=False),
                "compare_runs.csv",
                "Per-run summaries (CSV)",
                "text/csv",
            )
            report = solara.use_memo(LazyData, [])
            report.make = lambda: comparison_report(result, ref)
            solara.FileDownload(
                report, filename="comparison_report.html", label="Report (HTML)",
                icon_name="mdi-download", mime_type="text/html",
            )  # fmt: skip
    Glossary()


@solara.component
def CompareView(store: Store):
    store.attach(reacton.core.get_render_context(required=False))
    draft = store.draft.value
    base, problems = solara.use_memo(draft.build, [draft])
    saved = solara.use_memo(
        lambda: saved_plans(ui_db(), store.workspace), [store.plans_version.value]
    )
    choices = [EDITED, *saved, *plan_presets()]
    own, set_own = solara.use_state(False)
    chosen = [p for p in store.compare_plans.value if p in choices]
    reference, set_reference = solara.use_state(chosen[0] if chosen else "")
    runs = store.compare_runs.value
    seed = store.compare_seed.value
    message, set_message = solara.use_state(None)
    notice, set_notice = solara.use_state(None)

    def job(plans, runs_, seed_):
        def progress(pct: float) -> None:
            task.progress = pct

        result = run_compare(
            plans, runs_, seed_, on_progress=progress, should_stop=lambda: not task.is_current()
        )
        if isinstance(result, CompareResult) and task.is_current():
            store.compare_result.value = result
            ui_db().save_comparison(store.workspace, result.to_dict())  # survives restarts
        return result

    task = solara.lab.use_task(job, dependencies=None, raise_error=False)

    def start() -> None:
        try:
            plans = plans_from_names(
                base, chosen, edited=base, edited_label=EDITED, saved=saved, own_organisation=own
            )
        except Exception as exc:  # noqa: BLE001 - e.g. a preset that does not load
            log.exception("compare setup failed")
            set_message(f"Could not set up the plans: {exc}")
            return
        set_message(None)
        set_notice(None)
        task(plans, int(runs), int(seed))

    def cancel() -> None:
        task.cancel()
        if store.compare_result.value is not None:
            set_notice("Cancelled. The previous comparison is still shown.")
        else:
            set_notice("Cancelled.")

    bad_runs = not isinstance(runs, int) or not 2 <= runs <= MAX_RUNS
    running = task.pending
    total = 0 if bad_runs else runs * len(chosen)
    can_run = base is not None and len(chosen) >= 2 and not bad_runs and not running
    with solara.Column(gap="8px", classes=["compare"]):
        with solara.Card(margin=0, style=CARD_STYLE):
            Heading("Plans to compare")
            if base is not None:
                org = base.organisation
                Para(
                    f"Organisation, network, tool, goal and horizon from the What-if scenario "
                    f"'{base.name}': {org.employees} employees, {org.culture} culture, "
                    f"{base.weeks} weeks. Each plan brings its strategy and budget.",
                    style={"margin-bottom": "12px"},
                )
            else:
                solara.Error("The What-if scenario has problems; fix them first.")
            solara.SelectMultiple(
                "Plans (two or more)",
                values=chosen,
                all_values=choices,
                on_value=store.compare_plans.set,
                dense=True,
            )
            if len(chosen) < 2:
                solara.Text("Pick at least two plans.", style={"color": "#b00020"})
            solara.Switch(
                label="each plan on its own organisation (else all on the What-if one)",
                value=own,
                on_value=set_own,
            )
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
                solara.Select(
                    "Reference plan",
                    values=chosen,
                    value=reference if reference in chosen else (chosen[0] if chosen else None),
                    on_value=set_reference,
                    dense=True,
                )
                with solara.Column(gap="0px"):
                    solara.InputInt(
                        "Runs per plan", value=runs, dense=True, on_value=store.compare_runs.set
                    )
                    if bad_runs:
                        solara.Text(
                            f"between 2 and {MAX_RUNS}",
                            style={"color": "#b00020", "font-size": "12px"},
                        )
                solara.InputInt("Seed", value=seed, dense=True, on_value=store.compare_seed.set)
                solara.Button(
                    "Run comparison",
                    icon_name="mdi-play",
                    color="primary",
                    on_click=start,
                    disabled=not can_run,
                )
                if running:
                    solara.Button("Cancel", on_click=cancel, text=True)
            if not running and can_run:
                solara.Text(
                    f"{len(chosen)} plans x {runs} runs = {total} simulations",
                    classes=["compare-size"],
                    style={"font-size": "13px", "color": "#444"},
                )
            if running:
                pct = task.progress or 0.0
                solara.ProgressLinear(pct if pct > 0 else True)
                solara.Text(
                    f"Running {total} simulations in the background: {pct:.0f}% "
                    "done. You can keep working in the other tabs.",
                    classes=["compare-progress"],
                    style={"font-size": "13px"},
                )
            if message:
                solara.Error(message)
            if notice and not running:
                solara.Info(notice, classes=["compare-notice"])
            if task.error:
                solara.Error(f"The comparison failed: {task.exception}")
        result = store.compare_result.value
        if isinstance(result, CompareResult):
            # always there, empty when not running: the results below keep their place
            # among the page's elements, so they (and their download buttons) are not
            # rebuilt when the run ends
            Para(
                "Below: the previous comparison, until the new one is done." if running else "",
                style={"color": "#1d3557"},
            )
            ref = reference if reference in result.plans else result.plans[0]
            CompareResults(result, ref)
        elif not running:
            solara.Info(
                "Choose plans and press Run comparison. Every plan runs with the "
                "same seeds (common random numbers), so differences are paired."
            )
