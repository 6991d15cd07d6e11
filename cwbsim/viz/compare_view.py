"""The Compare view: up to five scenarios against the base economy, over paired seeds.

The user picks the scenarios (the levers in force, built-in ones on the same economy,
saved ones), the seeds and years, and whether to include parameter uncertainty (it
doubles the runs). The comparison runs in a thread (``solara.lab.use_task``) through
the same code and processes as ``cwbsim compare``: the baseline once per seed, then
each scenario; the progress bar moves with each run and each scenario's rows and
chart lines appear as soon as it finishes. "Committee report" writes the report as
HTML and prints it to PDF with Chromium. Errors are one line in the page. When the
model records several areas, the comparison is of the one chosen (shared with the
Explore view), as ``cwbsim compare --area`` reports it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import solara

from cwbsim.model.errors import InputError
from cwbsim.model.record import display
from cwbsim.scenarios.committee import write_report
from cwbsim.scenarios.compare import LEVEL, MAX_SCENARIOS
from cwbsim.viz.comparing import (
    IN_FORCE,
    compare_option,
    declares_uncertainty,
    late_interventions,
    results_table_html,
    run_comparisons,
    scenario_choices,
)
from cwbsim.viz.explorer import ExplorerEconomy
from cwbsim.viz.widgets import area_picker, read_bytes, safe, task_message, use_temp_folder


class Failed(str):
    """A comparison's one-line error, returned (not raised) so the server logs no traceback."""


class ViewClosed(Exception):
    """The Compare view was left while its comparison ran: the comparison stops."""


COMPARISONS = threading.BoundedSemaphore(1)
"""Comparisons run one at a time per server (each spreads over every core)."""
CHART_HEIGHT = 420
"""Height of one measure's chart, px."""
TABLE_CSS = """
<style>
.cwb-compare-scroll { max-width: 100%; overflow-x: auto; }
table.cwb-compare-table, table.cwb-compare-other { border-collapse: collapse; font-size: 0.85em; }
table.cwb-compare-table th, table.cwb-compare-table td,
table.cwb-compare-other th, table.cwb-compare-other td {
  border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
table.cwb-compare-table td:nth-last-child(-n+3), table.cwb-compare-other td:nth-last-child(-n+3) {
  white-space: nowrap; }
tr.cwb-baseline-row td { background: #f7f7f7; }
</style>
"""


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
def ComparePanel(
    model: ExplorerEconomy,
    area: solara.Reactive[str | None] | None = None,
    saved: dict[str, str] | None = None,
):
    """Scenarios (the levers in force, built-in, saved) against the base economy, paired seeds.

    Parameters
    ----------
    model : ExplorerEconomy
        The Explore view's model: its scenario in force (``model.plan``) is
        "Levers in force", its base economy the baseline.
    area : solara.Reactive, optional
        The recorded area chosen (shared with the Explore view).
    saved : dict, optional
        Saved scenarios: display name to the path of its TOML file.
    """
    own = solara.use_reactive(None)
    area = area if area is not None else own
    shown = model.shown_area(area.value)
    several = len(model.views) > 1
    plan = model.plan
    saved_key = tuple(sorted((name, str(path)) for name, path in (saved or {}).items()))
    choices, notes = solara.use_memo(
        lambda: scenario_choices(plan.base, dict(saved_key)), [plan.base, saved_key]
    )
    picked = solara.use_reactive([IN_FORCE])
    seeds = solara.use_reactive(5)
    years = solara.use_reactive(3)
    uncertain = solara.use_reactive(False)
    progress = solara.use_reactive((0, 0))
    finished = solara.use_reactive(())  # ((k, comparison), ...), as each scenario finishes
    run_id = solara.use_reactive(0)
    queued = solara.use_reactive(False)
    too_many = solara.use_reactive(False)
    folder = use_temp_folder("cwbsim-compare-")
    chosen = [name for name in picked.value if name in choices]
    sources = tuple(choices[name] for name in chosen)
    can_draw = solara.use_memo(lambda: declares_uncertainty(plan, sources), [id(plan), sources])
    drawing = bool(uncertain.value and can_draw)
    runs = (1 + len(chosen)) * seeds.value * (2 if drawing else 1)

    def pick(values: list[str]) -> None:
        too_many.set(len(values) > MAX_SCENARIOS)
        picked.set(list(values)[:MAX_SCENARIOS])

    def arrived(k: int, comparison) -> None:
        finished.set(tuple(sorted((*finished.value, (k, comparison)), key=lambda x: x[0])))

    def report_progress(done: int, total: int) -> None:
        if not folder.exists():  # the view has gone (its folder with it): stop, free the server
            raise ViewClosed
        progress.set((done, total))

    def run():
        run_id.set(run_id.value + 1)
        finished.set(())
        progress.set((0, runs))
        queued.set(True)
        where = model.shown_area(area.value)  # the area chosen when the button was pressed
        with COMPARISONS:  # one comparison at a time on this server: each uses every core
            queued.set(False)
            if not folder.exists():
                return None  # the view went while this one waited
            workers = min(os.cpu_count() or 1, runs)
            try:
                comparisons, files = run_comparisons(
                    plan, chosen, choices, seeds.value, years.value,
                    folder / f"run-{run_id.value}", workers=workers,
                    progress=report_progress,
                    on_arm=arrived, uncertain=drawing, areas=compared_areas(model, where),
                    groups=(model.area_groups or {}).get(model.economy_name),
                    economy_text=model.economy_text,
                )  # fmt: skip
            except InputError as error:  # a one-line message for the page, not a traceback
                return Failed(str(error))
            except ViewClosed:
                return None
            return comparisons, files, where, run_id.value

    task = solara.lab.use_task(run, dependencies=None, raise_error=False)

    def make_report():
        comparisons = [c for _, c in finished.value]
        out = folder / f"run-{run_id.value}" / "committee"
        return write_report(comparisons, out, pdf=True), run_id.value

    report = solara.lab.use_task(make_report, dependencies=None, raise_error=False)

    # room at the foot: the server's "runs on Solara" note sits over the last 40 px
    with solara.Column(classes=["cwb-compare"], style={"padding-bottom": "56px"}):
        solara.Markdown(
            f"### Compare scenarios with the baseline: **{safe(plan.base)}** with no "
            "interventions\n"
            f"Every scenario runs on the same seeds as the baseline (common random numbers), "
            f"so each difference has a narrow {LEVEL:.0%} interval. "
            f"*{IN_FORCE}* is the scenario in force in Explore, with its levers."
            + (f" Measures of **{safe(shown)}**." if several else "")
        )
        area_picker([v.name for v in model.views], shown, area.set)
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.SliderInt("Seeds", value=seeds, min=2, max=20)
            solara.SliderInt("Years", value=years, min=1, max=10)
        solara.Text(
            f"{seeds.value} seeds × {years.value} year{'s' if years.value != 1 else ''}: "
            f"{runs} runs (the baseline once per seed, then each scenario)",
            classes=["cwb-compare-size"],
        )
        solara.SelectMultiple(
            f"Scenarios (1 to {MAX_SCENARIOS})", values=chosen, all_values=list(choices),
            on_value=pick, classes=["cwb-compare-scenarios"],
        )  # fmt: skip
        if too_many.value:
            solara.Warning(f"At most {MAX_SCENARIOS} scenarios at a time: the first are kept.")
        for note in notes:
            solara.Text(note, style={"color": "#8a6d3b"})
        if can_draw:
            solara.Checkbox(
                label="Include parameter uncertainty (runs every seed twice, with a draw of "
                "the parameters the scenarios declare)",
                value=uncertain,
            )
        else:
            solara.Text(
                "Parameter uncertainty: none of the chosen scenarios declares uncertain "
                "parameters, so the intervals are for chance (seeds) only."
            )
        for note in late_interventions(plan, sources, years.value):
            solara.Text(note, style={"color": "#8a6d3b"})
        solara.Button(
            "Run comparison", color="primary", on_click=task,
            disabled=task.pending or not chosen, classes=["cwb-run-compare"],
        )  # fmt: skip
        if not chosen:
            solara.Text("Pick at least one scenario.")
        done, total = progress.value
        total = total or runs
        if task.pending and queued.value:
            solara.Text("Waiting for another session's comparison to finish…")
        elif task.pending:
            solara.ProgressLinear(value=100 * done / total if total else 0)
            arms_done = len(finished.value)
            solara.Text(
                f"{done} of {total} runs; {arms_done} of {len(chosen)} scenarios finished",
                classes=["cwb-compare-progress"],
            )
        failed = task.finished and isinstance(task.value, Failed)
        if task.error or failed:
            message = task.value if failed else task_message(task.exception)
            solara.Error(f"Comparison failed: {message}", classes=["cwb-compare-error"])
        comparisons = [c for _, c in finished.value]
        complete = task.finished and task.value is not None and not failed
        if comparisons:
            compared = task.value[2] if complete else shown
            _results(comparisons, compared if several else None)
        if complete and not task.pending:
            _downloads(task.value[1], report)
            if report.pending:
                solara.Text("Writing the committee report and printing it to PDF…")
            elif report.error:
                solara.Error(f"Report failed: {task_message(report.exception)}")
            elif report.finished and report.value and report.value[1] == task.value[3]:
                _report_downloads(report.value[0])


def _results(comparisons: list, area: str | None) -> None:
    """The final year's table and one chart per measure, for the scenarios finished so far."""
    headline = display.headlines()
    others = [m for m in display.compared() if m not in headline]
    solara.Markdown(
        (f"**{safe(area)}**. " if area else "")
        + "Final year: means over seeds, and each scenario's paired difference from the "
        f"baseline with its {LEVEL:.0%} interval; money in £m a year, shares in %, their "
        "differences in percentage points (pp). Each chart shows every scenario: above, the "
        f"mean over seeds by year; below, the difference from the baseline, with dashed lines "
        f"bounding its {LEVEL:.0%} interval."
    )
    solara.HTML(
        tag="div", unsafe_innerHTML=TABLE_CSS + _scroll(results_table_html(comparisons, headline))
    )
    with solara.Details("Other measures"):
        table = results_table_html(comparisons, others, "cwb-compare-other")
        solara.HTML(tag="div", unsafe_innerHTML=_scroll(table, "other measures"))
    with solara.ColumnsResponsive(12, large=6):
        for metric in display.compared():
            with solara.Div(classes=[f"cwb-compare-chart-{metric}"]):
                solara.FigureEcharts(
                    option=compare_option(comparisons, metric),
                    attributes={"style": f"height: {CHART_HEIGHT}px; width: 100%;"},
                    responsive=True,
                )


def _scroll(table: str, what: str = "headline measures") -> str:
    """A wide table in a box that scrolls sideways, reachable by keyboard (axe)."""
    return (
        f"<div class='cwb-compare-scroll' tabindex='0' role='region' "
        f"aria-label='Final-year results, {what}'>{table}</div>"
    )


def _downloads(files: dict, report) -> None:
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.Button(
            "Committee report", color="primary", on_click=report, disabled=report.pending,
            classes=["cwb-committee-report"],
        )  # fmt: skip
        for name in ("comparison.csv", "runs.parquet"):
            if name in files:
                solara.FileDownload(lambda p=files[name]: read_bytes(p), name, label=name)


def _report_downloads(written) -> None:
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["cwb-report-downloads"]):
        solara.FileDownload(
            lambda p=Path(written.html): read_bytes(p), "report.html",
            label="Report (HTML)", mime_type="text/html",
        )  # fmt: skip
        if written.pdf is not None:
            solara.FileDownload(
                lambda p=Path(written.pdf): read_bytes(p), "report.pdf",
                label="Report (PDF)", mime_type="application/pdf",
            )  # fmt: skip
    if written.pdf_error:
        solara.Warning(f"{written.pdf_error}. The HTML report prints well from a browser.")
