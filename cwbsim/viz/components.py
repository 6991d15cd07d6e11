"""Solara components of the app: the explorer's cards, the comparison and the spend-file views.

The explorer's cards are laid out by :func:`ExplorerView`, under Mesa's
SolaraViz (which gives the play, step and reset controls and the model
parameters), and re-render after every step. The headline numbers render at once; the charts
are ECharts options built in threads, off the render path, by a
:class:`ChartBoard` per model that builds each chart at most once per step and
keeps the previous one on screen meanwhile; the browser draws them. Long jobs (comparisons, file analysis) run in threads
through ``solara.lab.use_task``; their errors are shown in the page, never
raised into the server.
"""

from __future__ import annotations

import html
import io
import os
import shutil
import tempfile
import threading
import typing
import weakref
from pathlib import Path

import pandas as pd
import solara
import traitlets
from mesa.visualization.utils import update_counter
from solara.components.file_drop import FileDropZone

from cwbsim.calibration.analysis_report import write_analysis
from cwbsim.model.errors import InputError
from cwbsim.model.metrics import METRICS
from cwbsim.scenarios.compare import LEVEL
from cwbsim.scenarios.report import KEY_METRICS, chart
from cwbsim.scenarios.running import versions
from cwbsim.viz import flowdata, options
from cwbsim.viz.comparing import run_comparison
from cwbsim.viz.explorer import ExplorerEconomy
from cwbsim.viz.levers import LEVERS, lever_values
from cwbsim.viz.uploads import MAX_UPLOAD_MB, Upload, analyse_upload, check_upload

KPIS = (
    ("local_share", "Local share", "{:.2%}", 1),
    ("region_share", "Local + region share", "{:.2%}", 1),
    ("lm3", "LM3", "{:.3f}", 1),
    ("local_income", "Local income, £m/month", "{:,.2f}", 1e-6),
    ("local_jobs", "Local jobs", "{:,.0f}", 1),
    ("unemployment_rate", "Unemployment", "{:.2%}", 1),
)


CHART_HEIGHTS = {"timeseries": 520, "sankey": 520, "network": 620}
"""Chart heights in the page, px."""


class ChartBoard:
    """One model's charts: the latest ECharts option of each, with the step it shows.

    :meth:`draw` reads the model under the model's lock (a consistent state,
    never half a step) and builds the option under the board's own lock: calls
    queue, and a call that finds its chart already built for the model's
    current step returns at once. So however fast the model plays, each chart
    is built at most once per step, in a thread, off the render path.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.built: dict[str, tuple[int, dict]] = {}

    def latest(self, name: str) -> tuple[int, dict] | None:
        """The newest option of a chart and its step, whatever step that is."""
        return self.built.get(name)

    def draw(self, model: ExplorerEconomy, name: str) -> None:
        """Build ``name`` for the model's current step, unless it is built already."""
        with self.lock:
            with model.lock:
                step = model.months_run
                if self.built.get(name, (None,))[0] == step:
                    return
                title = f"{model.plan.name} · step {step}"  # ECharts shows text, not HTML
                if name == "timeseries":
                    data = pd.DataFrame(model.recorder.values)
                elif name == "sankey":
                    data = flowdata.sankey_links(model)
                    months = min(step, 12)
                else:
                    data = flowdata.flow_network(model)
            if name == "timeseries":
                option = options.timeseries_option(data, f"Over time · {title}")
            elif name == "sankey":
                window = f"latest {months} months" if months != 1 else "the first month"
                option = options.sankey_option(
                    data, f"Anchor spend, £m a year ({window}) · {title}"
                )
            else:
                option = options.network_option(data, f"Flows this month, £m · {title}")
            self.built[name] = (step, option)


BOARDS: weakref.WeakKeyDictionary[ExplorerEconomy, ChartBoard] = weakref.WeakKeyDictionary()
BOARDS_LOCK = threading.Lock()


def board_for(model: ExplorerEconomy) -> ChartBoard:
    """The model's chart board (made on first use, dropped with the model)."""
    with BOARDS_LOCK:
        if model not in BOARDS:
            BOARDS[model] = ChartBoard()
        return BOARDS[model]


@solara.component
def Chart(model: ExplorerEconomy, name: str):
    """A chart built in a thread after each step; the previous one stays until it is ready."""
    update_counter.get()
    board = board_for(model)
    result = solara.use_thread(
        lambda: board.draw(model, name), dependencies=[id(model), model.months_run, name]
    )
    latest = board.latest(name)
    with solara.Div(
        classes=[f"cwb-chart-{name}"], attributes={"data-step": latest[0] if latest else -1}
    ) as div:
        if result.error:
            solara.Error(f"This chart could not be drawn: {result.error!r}")
        if latest is None:
            solara.Text("Drawing…")
        else:
            solara.FigureEcharts(
                option=latest[1],
                attributes={"style": f"height: {CHART_HEIGHTS[name]}px; width: 100%;"},
                responsive=True,
            )
    return div


def _safe(text: str) -> str:
    """User text (a scenario's name) made inert in Markdown and in Vue templates."""
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


def _kpi_html(model: ExplorerEconomy) -> str:
    values = model.recorder.current
    cells = []
    for metric, label, template, scale in KPIS:
        value = values.get(metric)
        shown = "–" if value is None or value != value else template.format(value * scale)
        cells.append(
            f'<div class="cwb-kpi" data-metric="{metric}" data-value="{value!r}">'
            f'<div class="cwb-kpi-label">{html.escape(label)}</div>'
            f'<div class="cwb-kpi-value">{shown}</div></div>'
        )
    return (
        f'<div class="cwb-kpis" data-step="{model.months_run}">{"".join(cells)}</div>'
        "<style>.cwb-kpis{display:flex;flex-wrap:wrap;gap:10px}.cwb-kpi{min-width:140px;"
        "padding:6px 10px;border:1px solid #ddd;border-radius:6px}.cwb-kpi-label{font-size:"
        "0.8em;color:#555}.cwb-kpi-value{font-size:1.3em;font-weight:600}</style>"
    )


def _levers_in_force(model: ExplorerEconomy) -> str:
    values = lever_values(model.plan)
    shown = [f"{lever.label} {values[key]:g}" for key, lever in LEVERS.items()
             if values[key] != lever.off]  # fmt: skip
    return "; ".join(shown) or "none (the base economy as it is)"


def summary_card(model: ExplorerEconomy):
    """Month, headline metrics of the step just run, the scenario in force and any input error."""
    with solara.Card("This month") as card:
        if model.input_error:
            solara.Error(f"Not applied: {model.input_error}", classes=["cwb-input-error"])
        done = model.months_run
        year, month = divmod(max(done - 1, 0), 12)
        when = f"Step {done} (year {year + 1}, month {month + 1})" if done else "Step 0"
        solara.Markdown(
            f"**{when}** · {_safe(model.plan.name)} on {model.economy_name} · seed {model.seed}"
        )
        solara.HTML(tag="div", unsafe_innerHTML=_kpi_html(model))
        solara.Markdown("Levers in force: " + _levers_in_force(model))
        with solara.Details("What the levers do"):
            for lever in LEVERS.values():
                solara.Markdown(f"**{lever.label}** — {lever.help} Off at {lever.off:g}.")
    return card


def timeseries_card(model: ExplorerEconomy):
    """Local and local+region share, LM3, local income, jobs, unemployment, leakage by month."""
    with solara.Card("Over time") as card:
        Chart(model, "timeseries")
    return card


def sankey_card(model: ExplorerEconomy):
    """Where each £ of anchor spend goes, and what local recipients do with it."""
    with solara.Card("Where the anchors' £ goes") as card:
        Chart(model, "sankey")
    return card


def network_card(model: ExplorerEconomy):
    """The economy as anchors, sectors by area and households by area, with this month's flows."""
    with solara.Card("Flow network") as card:
        Chart(model, "network")
    return card


def _frame_bytes(model: ExplorerEconomy, kind: str) -> bytes:
    """The months run, one row each, as CSV or Parquet (with provenance in its metadata)."""
    with model.lock:
        frame = pd.DataFrame(list(model.recorder.values))
    frame.insert(0, "step", range(1, len(frame) + 1))
    frame.insert(1, "seed", model.seed)
    frame.insert(2, "scenario", model.plan.name)
    buffer = io.BytesIO()
    if kind == "csv":
        frame.to_csv(buffer, index=False)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta.update(
            {
                b"cwbsim.scenario": model.plan.model_dump_json().encode(),
                b"cwbsim.seed": str(model.seed).encode(),
                b"cwbsim.versions": repr(versions()).encode(),
            }
        )
        pq.write_table(table.replace_schema_metadata(meta), buffer)
    return buffer.getvalue()


def downloads_card(model: ExplorerEconomy):
    """The months run so far, as CSV and Parquet (with seed, scenario and versions)."""
    with solara.Card("Download this run") as card:
        solara.Markdown(
            f"{model.months_run} months, one row per month; money in £ per month. "
            "The Parquet file records the scenario, seed and package versions."
        )
        with solara.Row():
            solara.FileDownload(lambda: _frame_bytes(model, "csv"), "cwbsim-run.csv",
                                label="CSV", mime_type="text/csv")  # fmt: skip
            solara.FileDownload(lambda: _frame_bytes(model, "parquet"), "cwbsim-run.parquet",
                                label="Parquet")  # fmt: skip
    return card


@solara.component
def ExplorerView(model: ExplorerEconomy):
    """The explorer's cards, below SolaraViz's controls; re-rendered after every step."""
    update_counter.get()
    with solara.Column(classes=["cwb-explorer"]) as view:
        summary_card(model)
        timeseries_card(model)
        sankey_card(model)
        network_card(model)
        downloads_card(model)
    return view


COMPARISONS = threading.BoundedSemaphore(1)
"""Comparisons run one at a time per server (each spreads over every core)."""


def _read(path: Path) -> bytes:
    return Path(path).read_bytes()


@solara.component
def ComparePanel(model: ExplorerEconomy):
    """Baseline (the base economy) against the scenario in force, over paired seeds."""
    seeds = solara.use_reactive(5)
    years = solara.use_reactive(3)
    progress = solara.use_reactive(0.0)
    folder = solara.use_memo(lambda: Path(tempfile.mkdtemp(prefix="cwbsim-compare-")), [])
    solara.use_effect(lambda: lambda: shutil.rmtree(folder, ignore_errors=True), [])
    queued = solara.use_reactive(False)
    plan = model.plan

    def run():
        progress.set(0.0)
        queued.set(True)
        with COMPARISONS:  # one comparison at a time on this server: each uses every core
            queued.set(False)
            workers = min(os.cpu_count() or 1, 2 * seeds.value)
            return run_comparison(
                plan, seeds.value, years.value, folder,
                workers=workers, progress=lambda done, total: progress.set(done / total),
            )  # fmt: skip

    task = solara.lab.use_task(run, dependencies=None, raise_error=False)
    with solara.Column(classes=["cwb-compare"]):
        solara.Markdown(
            f"### Compare: **{_safe(plan.name)}** against **{plan.base}** with no interventions\n"
            f"Both arms run the same seeds (common random numbers), so the difference "
            f"has a narrow {LEVEL:.0%} interval. Interventions: "
            + (", ".join(i.type for i in plan.intervention) or "none")
        )
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
            message = task.exception
            text = str(message) if isinstance(message, InputError) else repr(message)
            solara.Error(f"Comparison failed: {text}", classes=["cwb-compare-error"])
        if task.finished and task.value is not None:
            comparison, files = task.value
            _comparison_results(comparison, files)


def _display_unit(metric: str) -> tuple[float, str]:
    unit = METRICS[metric].unit
    if unit == "share":
        return 100.0, "points"
    if unit == "£":
        return 1e-6, "£m per year"
    return 1.0, unit


def _comparison_results(comparison, files: dict) -> None:
    table = comparison.table
    last = table[(table.year == table.year.max()) & table.metric.isin(KEY_METRICS)]
    rows = []
    for r in last.itertuples(index=False):
        scale, unit = _display_unit(r.metric)
        rows.append(
            {
                "metric": r.metric,
                "unit": "%" if unit == "points" else unit,
                "year": r.year,
                "baseline": r.baseline_mean * scale,
                "scenario": r.scenario_mean * scale,
                "difference": r.diff_mean * scale,
                f"{LEVEL:.0%} low": r.diff_lo * scale,
                f"{LEVEL:.0%} high": r.diff_hi * scale,
            }
        )
    frame = pd.DataFrame(rows)
    solara.Markdown(
        "Final year: means over seeds and the paired difference (scenario − baseline) with its "
        f"{LEVEL:.0%} interval; shares in %, their differences in percentage points."
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=frame.to_html(
            index=False, classes="cwb-compare-table", float_format=lambda v: f"{v:,.3f}"
        ),
    )
    with solara.Row():
        for name in ("comparison.csv", "runs.parquet", "report.html"):
            if name in files:
                solara.FileDownload(lambda p=files[name]: _read(p), name, label=name)
    with solara.ColumnsResponsive(12, large=6):
        for metric in KEY_METRICS:
            solara.Image(chart(comparison, metric), width="100%")


class SpendFileZone(FileDropZone):
    """Solara's lazy drop zone with a file picker: the browser sends bytes only when asked."""

    template_file = (__file__, "file_pick.vue")
    accept = traitlets.Unicode(".csv,.xlsx").tag(sync=True)


@solara.component
def FilePick(label: str, accept: str, on_file: typing.Callable[[dict], None]):
    """A drop zone with a "Choose file" button; ``on_file`` gets name, size and a lazy file object.

    ``on_file`` runs in a thread (reading the lazy file object waits for the browser).
    """
    info, set_info = solara.use_state(None)
    wired, set_wired = solara.use_state(None)
    zone = SpendFileZone.element(label=label, accept=accept, on_file_info=set_info, multiple=False)

    def wire():
        if not info:
            return
        real = typing.cast(SpendFileZone, solara.get_widget(zone))
        real.version += 1
        real.reset_stats()
        set_wired(real.get_files())

    def deliver(cancel: threading.Event):
        if wired:
            on_file(wired[0])

    solara.use_effect(wire, [info])
    solara.use_thread(deliver, [wired])
    return zone


def _receive(target: solara.Reactive, error: solara.Reactive, types: tuple[str, ...]):
    def on_file(file: dict) -> None:
        try:
            target.set(check_upload(file["name"], int(file["size"]), file["file_obj"], types))
            error.set(None)
        except InputError as problem:
            target.set(None)
            error.set(str(problem))
        except Exception as problem:  # a transfer that broke off must not reach the server log
            target.set(None)
            error.set(
                f"{file.get('name', 'upload')}: upload failed ({type(problem).__name__}: {problem})"
            )

    return on_file


@solara.component
def SpendPanel():
    """Upload a spend file (and optionally a supplier lookup) and see the CLES-style analysis."""
    spend = solara.use_reactive(typing.cast(Upload | None, None))
    lookup = solara.use_reactive(typing.cast(Upload | None, None))
    problem = solara.use_reactive(typing.cast(str | None, None))
    place = solara.use_reactive("Preston")
    region = solara.use_reactive("lancashire")
    folder = solara.use_memo(lambda: Path(tempfile.mkdtemp(prefix="cwbsim-spend-")), [])
    solara.use_effect(lambda: lambda: shutil.rmtree(folder, ignore_errors=True), [])

    def analyse():
        if spend.value is None:
            return None
        prepared = analyse_upload(spend.value, place.value, region.value, lookup.value)
        options = {"files": [spend.value.name], "local": prepared.local, "region": prepared.region,
                   "suppliers": lookup.value.name if lookup.value else None}  # fmt: skip
        written = write_analysis(prepared.analysis, prepared.data, options, folder)
        return prepared, {p.name: p for p in written}

    task = solara.lab.use_task(
        analyse, dependencies=[spend.value, lookup.value, place.value, region.value],
        raise_error=False,
    )  # fmt: skip
    with solara.Column(classes=["cwb-spend"]):
        solara.Markdown(
            "### Spend file analysis\nA council or anchor spend file (CSV or XLSX, up to "
            f"{MAX_UPLOAD_MB:g} MB). Suppliers are placed by the postcodes in a supplier "
            "lookup (CSV: supplier, postcode, optional sector); without one their area is unknown."
        )
        with solara.Row():
            solara.InputText("Place (LAD codes or names)", value=place, continuous_update=False)
            solara.InputText("Region (codes, names or lancashire)", value=region,
                             continuous_update=False)  # fmt: skip
        FilePick(
            "or drop a spend file here", ".csv,.xlsx", _receive(spend, problem, (".csv", ".xlsx"))
        )
        FilePick("optional supplier lookup CSV", ".csv", _receive(lookup, problem, (".csv",)))
        if problem.value:
            solara.Error(problem.value, classes=["cwb-upload-error"])
        if task.pending:
            solara.Text("Analysing…")
        elif task.error:
            text = (
                str(task.exception)
                if isinstance(task.exception, InputError)
                else repr(task.exception)
            )
            solara.Error(text, classes=["cwb-upload-error"])
        elif task.finished and task.value is not None:
            _analysis_results(*task.value)


def _table(frame: pd.DataFrame, css: str, rows: int = 20) -> None:
    money = {c: (lambda v: f"{v:,.0f}") for c in frame.columns if c in ("spend", "total")}
    shares = {c: (lambda v: f"{v:.1%}") for c in frame.columns if c == "share"}
    solara.HTML(
        tag="div",
        unsafe_innerHTML=frame.head(rows).to_html(
            index=False, classes=css, formatters={**money, **shares}, na_rep="–"
        ),
    )


def _analysis_results(prepared, files: dict) -> None:
    analysis, data = prepared.analysis, prepared.data
    report = data.reports[0] if data.reports else None
    rejected = ", ".join(f"{k}: {v}" for k, v in report.rejected.items()) if report else ""
    solara.Markdown(
        f"**{Path(report.source).name if report else ''}**: {report.rows_read if report else 0} rows read, "
        f"{report.rows_used if report else 0} used{'; rejected ' + rejected if rejected else ''}. "
        f"Total £{analysis.total:,.2f}; suppliers matched to a place: "
        f"{analysis.match_rate['suppliers']:.0%} (by spend {analysis.match_rate['spend']:.0%})."
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f'<span class="cwb-spend-total" data-value="{analysis.total!r}"></span>',
    )
    with solara.Row():
        for name, path in files.items():
            solara.FileDownload(lambda p=path: _read(p), name, label=name)
        solara.FileDownload(
            lambda: analysis.suppliers.to_csv(index=False).encode(), "suppliers.csv",
            label="suppliers.csv", mime_type="text/csv",
        )  # fmt: skip
    solara.Markdown("#### Spend by tier")
    _table(analysis.by_tier, "cwb-by-tier")
    solara.Markdown("#### Top suppliers")
    columns = [c for c in ("supplier", "spend", "share", "tier", "district", "sector", "matched_by")
               if c in analysis.top_suppliers.columns]  # fmt: skip
    _table(analysis.top_suppliers[columns], "cwb-top-suppliers")
    solara.Markdown("#### Gap analysis: spend outside the place in sectors where it has suppliers")
    _table(analysis.gap, "cwb-gap")
