"""The Compare view: the scenario in force against its base economy over paired seeds.

The comparison runs in a thread (``solara.lab.use_task``) through the same
code and processes as ``cwbsim compare``; its errors are shown in the page.
When the model records several areas, the comparison is of the one chosen
(shared with the Explore view), as ``cwbsim compare --area`` reports it.
"""

from __future__ import annotations

import os
import threading

import pandas as pd
import solara

from cwbsim.model.record import display
from cwbsim.scenarios.compare import LEVEL
from cwbsim.scenarios.report import KEY_METRICS, chart
from cwbsim.viz.comparing import run_comparison
from cwbsim.viz.explorer import ExplorerEconomy
from cwbsim.viz.widgets import area_picker, read_bytes, safe, task_message, use_temp_folder

COMPARISONS = threading.BoundedSemaphore(1)
"""Comparisons run one at a time per server (each spreads over every core)."""


def compared_areas(model: ExplorerEconomy, area: str | None) -> list[str] | None:
    """The ``--area`` texts to compare: the shown area's first, then the model's other views.

    ``None`` when the model records one view (the comparison's default is the same).
    """
    if len(model.views) < 2:
        return None
    shown = model.shown_area(area)
    texts = model.area_texts
    return [texts[shown], *(text for name, text in texts.items() if name != shown)]


@solara.component
def ComparePanel(model: ExplorerEconomy, area: solara.Reactive[str | None] | None = None):
    """Baseline (the base economy) against the scenario in force, over paired seeds.

    ``area`` holds the recorded area chosen (shared with the Explore view).
    """
    own = solara.use_reactive(None)
    area = area if area is not None else own
    shown = model.shown_area(area.value)
    several = len(model.views) > 1
    seeds = solara.use_reactive(5)
    years = solara.use_reactive(3)
    progress = solara.use_reactive(0.0)
    folder = use_temp_folder("cwbsim-compare-")
    queued = solara.use_reactive(False)
    plan = model.plan

    def run():
        progress.set(0.0)
        queued.set(True)
        chosen = model.shown_area(area.value)  # the area chosen when the button was pressed
        with COMPARISONS:  # one comparison at a time on this server: each uses every core
            queued.set(False)
            workers = min(os.cpu_count() or 1, 2 * seeds.value)
            comparison, files = run_comparison(
                plan, seeds.value, years.value, folder,
                workers=workers, progress=lambda done, total: progress.set(done / total),
                areas=compared_areas(model, chosen),
                groups=(model.area_groups or {}).get(model.economy_name),
            )  # fmt: skip
            return comparison, files, chosen

    task = solara.lab.use_task(run, dependencies=None, raise_error=False)
    with solara.Column(classes=["cwb-compare"]):
        solara.Markdown(
            f"### Compare: **{safe(plan.name)}** against **{plan.base}** with no interventions\n"
            f"Both arms run the same seeds (common random numbers), so the difference "
            f"has a narrow {LEVEL:.0%} interval. Interventions: "
            + (", ".join(i.type for i in plan.intervention) or "none")
            + (f". Metrics of **{safe(shown)}**." if several else "")
        )
        area_picker([v.name for v in model.views], shown, area.set)
        with solara.Row():
            solara.SliderInt("Seeds", value=seeds, min=2, max=20)
            solara.SliderInt("Years", value=years, min=1, max=10)
        solara.Button("Run comparison", color="primary", on_click=task,
                      disabled=task.pending, classes=["cwb-run-compare"])  # fmt: skip
        if task.pending and queued.value:
            solara.Text("Waiting for another session's comparison to finish…")
        elif task.pending:
            solara.ProgressLinear(value=progress.value * 100)
            solara.Text(f"Running {2 * seeds.value} runs… {progress.value:.0%}")
        if task.error:
            solara.Error(
                f"Comparison failed: {task_message(task.exception)}", classes=["cwb-compare-error"]
            )
        if task.finished and task.value is not None:
            comparison, files, compared = task.value
            _comparison_results(comparison, files, compared if several else None)


def _comparison_results(comparison, files: dict, area: str | None = None) -> None:
    table = comparison.table
    last = table[(table.year == table.year.max()) & table.metric.isin(KEY_METRICS)]
    rows = [
        {
            "measure": display.label(r.metric),
            "year": r.year,
            "baseline": display.text(r.metric, r.baseline_mean),
            "scenario": display.text(r.metric, r.scenario_mean),
            "difference": display.text(r.metric, r.diff_mean, difference=True),
            f"{LEVEL:.0%} interval": f"{display.text(r.metric, r.diff_lo, difference=True)} to "
            f"{display.text(r.metric, r.diff_hi, difference=True)}",
        }
        for r in last.itertuples(index=False)
    ]
    frame = pd.DataFrame(rows)
    solara.Markdown(
        (f"**{safe(area)}**. " if area else "")
        + "Final year: means over seeds and the paired difference (scenario − baseline) with its "
        f"{LEVEL:.0%} interval; money in £m a year, shares in %, their differences in "
        "percentage points."
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=frame.to_html(index=False, classes="cwb-compare-table", escape=True),
    )
    with solara.Row():
        for name in ("comparison.csv", "runs.parquet", "report.html"):
            if name in files:
                solara.FileDownload(lambda p=files[name]: read_bytes(p), name, label=name)
    with solara.ColumnsResponsive(12, large=6):
        for metric in KEY_METRICS:
            solara.Image(chart(comparison, metric), width="100%")
