"""The Explore view's cards: headline numbers, time series, Sankey, flow network, downloads.

:func:`ExplorerView` lays them out under Mesa's SolaraViz (which gives the
play, step and reset controls and the model parameters) and re-renders after
every step. When the model records several areas (``cwbsim app --area``, or the
economy's ``report``), a select picks the one the numbers, the time series and
the downloads are of. The headline numbers render at once; the charts are ECharts
options built in threads, off the render path, by a :class:`ChartBoard` per
model that builds each chart at most once per step and keeps the previous one
on screen meanwhile; the browser draws them.
"""

from __future__ import annotations

import html
import io
import threading
import weakref

import numpy as np
import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from cwbsim.model.codes import LOCAL
from cwbsim.model.record import display
from cwbsim.scenarios.running import versions
from cwbsim.viz import flowdata, maps, options
from cwbsim.viz.controls import is_wide
from cwbsim.viz.explorer import ExplorerEconomy
from cwbsim.viz.glossary import glossary_html
from cwbsim.viz.levers import LEVERS, lever_values, number_text
from cwbsim.viz.widgets import area_picker, safe

KPIS = tuple(m for m in display.headlines() if m != "anchor_spend")
"""The headline metrics shown as cards (this month's values; money as a yearly rate)."""


CHART_HEIGHTS = {"timeseries": 520, "sankey": 520, "network": 620}
"""Chart heights in the page on a wide window, px."""
PHONE_HEIGHTS = {"timeseries": 760, "sankey": 560, "network": 620}
"""Chart heights on a narrow window, px (the time series stacks its panels two abreast)."""


def chart_height(name: str) -> int:
    """A chart's height for this session's window, px."""
    return (CHART_HEIGHTS if is_wide() else PHONE_HEIGHTS)[name]


class ChartBoard:
    """One model's charts: the latest ECharts option of each, with the step it shows.

    :meth:`draw` reads the model under the model's lock (a consistent state,
    never half a step) and builds the option under the board's own lock: calls
    queue, and a call that finds its chart already built for the model's
    current step (and, for the time series, area) returns at once. So however
    fast the model plays, each chart is built at most once per step, in a
    thread, off the render path.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.built: dict[str, tuple[int, dict, str]] = {}
        self.areas: dict[str, tuple[str | None, int]] = {}
        """The recorded area each chart shows (``None`` for the whole economy) and its height."""

    def latest(self, name: str) -> tuple[int, dict, str] | None:
        """The newest option of a chart, its step and its heading, whatever step that is."""
        return self.built.get(name)

    def draw(
        self, model: ExplorerEconomy, name: str, area: str | None = None, height: int = 520
    ) -> None:
        """Build ``name`` for the model's current step, unless it is built already.

        The time series is of the recorded area ``area`` (default: the headline
        view); the Sankey and the network show the whole economy by tier.
        """
        with self.lock:
            with model.lock:
                step = model.months_run
                shown = model.shown_area(area) if name == "timeseries" else None
                if self.built.get(name, (None,))[0] == step and self.areas[name] == (shown, height):
                    return
                title = f"{model.plan.name} · step {step}"  # ECharts shows text, not HTML
                if name == "timeseries":
                    data = pd.DataFrame(model.recorders[shown].values)
                    if len(model.views) > 1:
                        title = f"{shown} · {title}"
                elif name == "sankey":
                    data = flowdata.sankey_links(model)
                    months = min(step, 12)
                else:
                    data = flowdata.flow_network(model)
            if name == "timeseries":
                heading = f"Each month · {title}"
                option = options.timeseries_option(data, "", height=height)
            elif name == "sankey":
                window = f"latest {months} months" if months != 1 else "the first month"
                heading = f"£m a year ({window}) · {title}"
                option = options.sankey_option(data, "")
            else:
                heading = f"This month's flows, £m a year · {title}"
                option = options.network_option(data, "")
            self.built[name] = (step, option, heading)
            self.areas[name] = (shown, height)


BOARDS: weakref.WeakKeyDictionary[ExplorerEconomy, ChartBoard] = weakref.WeakKeyDictionary()
BOARDS_LOCK = threading.Lock()


def board_for(model: ExplorerEconomy) -> ChartBoard:
    """The model's chart board (made on first use, dropped with the model)."""
    with BOARDS_LOCK:
        if model not in BOARDS:
            BOARDS[model] = ChartBoard()
        return BOARDS[model]


@solara.component
def Chart(model: ExplorerEconomy, name: str, area: str | None = None):
    """A chart built in a thread after each step; the previous one stays until it is ready."""
    update_counter.get()
    board = board_for(model)
    height = chart_height(name)
    result = solara.use_thread(
        lambda: board.draw(model, name, area, height),
        dependencies=[id(model), model.months_run, name, area, height],
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
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(latest[2]),
                        classes=["cwb-chart-title"])  # fmt: skip
            solara.FigureEcharts(
                option=latest[1],
                attributes={"style": f"height: {height}px; width: 100%;"},
                responsive=True,
            )
    return div


def _change_text(metric: str, value, base) -> str:
    """The change against the baseline, in the metric's difference units ("+1.2 pp")."""
    if value is None or base is None:
        return ""
    change = display.per_year(metric, value) - display.per_year(metric, base)
    return display.text(metric, change, difference=True)


def _kpi_html(model: ExplorerEconomy, area: str | None = None) -> str:
    values = model.recorder_of(area).current
    # before the first step there is nothing to compare: do not wait for the baseline's build
    base = model.baseline_of(area).current if model.has_baseline and values else None
    cells = []
    for metric in KPIS:
        value = values.get(metric)
        label = display.short(metric)
        unit = display.unit(metric)
        shown = "–" if value is None else display.text(metric, display.per_year(metric, value))
        if not model.has_baseline:
            change = "no interventions: this is the baseline"
        elif value is None:
            change = ""
        else:
            change = f"{_change_text(metric, value, base.get(metric))} against no interventions"
        cells.append(
            f'<div class="cwb-kpi" data-metric="{metric}" data-value="{value!r}" '
            f'data-baseline="{(base or {}).get(metric)!r}">'
            f'<div class="cwb-kpi-label">{html.escape(label)}'
            + (f' <span class="cwb-kpi-unit">({html.escape(unit)})</span>' if unit else "")
            + f'</div><div class="cwb-kpi-value">{shown}</div>'
            f'<div class="cwb-kpi-change">{html.escape(change)}</div></div>'
        )
    return (
        f'<div class="cwb-kpis" data-step="{model.months_run}" '
        f'data-area="{html.escape(model.shown_area(area))}">{"".join(cells)}</div>'
        "<style>.cwb-kpis{display:flex;flex-wrap:wrap;gap:8px}.cwb-kpi{flex:1 1 130px;"
        "max-width:100%;padding:6px 10px;border:1px solid #ddd;border-radius:6px}"
        ".cwb-kpi-label{font-size:0.8em;color:#444}.cwb-kpi-value{font-size:1.3em;"
        "font-weight:600}.cwb-kpi-change{font-size:0.75em;color:#333}</style>"
    )


def _levers_in_force(model: ExplorerEconomy) -> str:
    values = lever_values(model.plan)
    shown = [f"{lever.label} {number_text(values[key])}" + (f" {lever.unit}" if lever.unit else "")
             for key, lever in LEVERS.items() if values[key] != lever.off]  # fmt: skip
    return "; ".join(shown) or "none (the base economy as it is)"


def summary_card(model: ExplorerEconomy, area: solara.Reactive[str | None]):
    """Month, headline metrics of the step just run, the scenario in force and any input error.

    With several recorded areas, a select picks the area (``area``) the metrics are of.
    """
    shown = model.shown_area(area.value)
    with solara.Card("This month") as card:
        if model.input_error:
            solara.Error(f"Not applied: {model.input_error}", classes=["cwb-input-error"])
        if model.area_error:
            solara.Error(f"Not applied: {model.area_error}", classes=["cwb-area-error"])
        done = model.months_run
        year, month = divmod(max(done - 1, 0), 12)
        when = f"Step {done} (year {year + 1}, month {month + 1})" if done else "Step 0"
        solara.Markdown(
            f"**{when}** · {safe(model.plan.name)} on {model.economy_name} · seed {model.seed}"
        )
        area_picker([v.name for v in model.views], shown, area.set)
        with model.lock:  # the model and its baseline at the same month
            kpis = _kpi_html(model, shown)
        solara.HTML(tag="div", unsafe_innerHTML=kpis)
        solara.Markdown("Levers in force: " + _levers_in_force(model))
        solara.Markdown(
            "Money is shown as a yearly rate (this month's flow × 12). Under each number: its "
            "change against the baseline, the same economy and seed with no interventions, "
            "run alongside. The glossary below says what each measure means.",
            style={"font-size": "0.85em"},
        )
    return card


def timeseries_card(model: ExplorerEconomy, area: str | None = None):
    """Local and local+region share, LM3, local income, jobs, unemployment, leakage by month."""
    with solara.Card("Over time") as card:
        Chart(model, "timeseries", area)
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


def income_by_place(model, previous=None) -> pd.Series:
    """Household income by local-tier place this month, £ a year (by area code).

    From the flows of the step just run (the headline recorder's ``previous``):
    each household agent's income, summed by the area it lives in, times 12.
    """
    economy = model.economy
    recorder = model.recorders[model.views[0].name]
    if recorder.previous is None or not recorder.values:
        return pd.Series(dtype=float)
    homes = economy.area[economy.household_idx]
    income = np.bincount(homes, weights=recorder.previous.household_income,
                         minlength=len(economy.area_codes)) * 12  # fmt: skip
    local = [i for i, tier in enumerate(economy.area_tier) if tier == LOCAL]
    return pd.Series(income[local], index=[economy.area_codes[i] for i in local])


def places_of(model: ExplorerEconomy) -> int:
    """How many local-tier places with households the economy has."""
    economy = model.economy
    homes = set(np.unique(economy.area[economy.household_idx]).tolist())
    return sum(1 for i, tier in enumerate(economy.area_tier) if tier == LOCAL and i in homes)


def map_card(model: ExplorerEconomy):
    """For an economy of several places: the change in household income by place, on a map."""
    with model.lock:
        now = income_by_place(model)
        base = income_by_place(model.baseline) if model.baseline is not None else now
    with solara.Card("Where household income changes") as card:
        if model.baseline is None:
            solara.Markdown("No interventions are in force, so nothing changes against the "
                            "baseline. Move a lever and Apply to see where income moves.")  # fmt: skip
        elif now.empty:
            solara.Markdown("Step the model to see where household income moves.")
        else:
            solara.HTML(tag="div", classes=["cwb-chart-title"], unsafe_innerHTML=html.escape(
                f"Change in household income this month, £m a year, against no interventions "
                f"· step {model.months_run}"))  # fmt: skip
            option = maps.district_bubbles(now - base, change=True, base=base)
            with solara.Div(classes=["cwb-chart-map"]):
                solara.FigureEcharts(
                    option=option,
                    attributes={"style": f"height: {maps.CHART_HEIGHT_PX}px; width: 100%;"},
                    responsive=True,
                )
    return card


def _frame_bytes(model: ExplorerEconomy, kind: str, area: str | None = None) -> bytes:
    """The months run, one row each, of one recorded area, as CSV or Parquet (with provenance)."""
    shown = model.shown_area(area)
    with model.lock:
        frame = pd.DataFrame(list(model.recorders[shown].values))
    frame.insert(0, "step", range(1, len(frame) + 1))
    frame.insert(1, "seed", model.seed)
    frame.insert(2, "scenario", model.plan.name)
    frame.insert(3, "area", shown)
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


def downloads_card(model: ExplorerEconomy, area: str | None = None):
    """The months run so far, as CSV and Parquet (with seed, scenario, area and versions)."""
    shown = model.shown_area(area)
    with solara.Card("Download this run") as card:
        solara.Markdown(
            f"{model.months_run} months, one row per month; money in £ per month"
            + (f"; the metrics of {safe(shown)}. " if len(model.views) > 1 else ". ")
            + "The Parquet file records the scenario, seed and package versions."
        )
        with solara.Row():
            solara.FileDownload(lambda: _frame_bytes(model, "csv", shown), "cwbsim-run.csv",
                                label="CSV", mime_type="text/csv")  # fmt: skip
            solara.FileDownload(lambda: _frame_bytes(model, "parquet", shown),
                                "cwbsim-run.parquet", label="Parquet")  # fmt: skip
    return card


def glossary_card():
    """What the measures and the levers mean, in plain words, each with its source."""
    with solara.Card("What the numbers mean") as card:
        with solara.Details("Show the glossary", expand=False):
            solara.HTML(tag="div", unsafe_innerHTML=glossary_html())
    return card


@solara.component
def ExplorerView(model: ExplorerEconomy, area: solara.Reactive[str | None] | None = None):
    """The explorer's cards, below SolaraViz's controls; re-rendered after every step.

    ``area`` holds the recorded area chosen (the page shares it with the Compare
    view); ``None`` or an area the model does not record shows the headline view.
    """
    update_counter.get()
    own = solara.use_reactive(None)
    area = area if area is not None else own
    shown = model.shown_area(area.value)
    with solara.Column(classes=["cwb-explorer"]) as view:
        summary_card(model, area)
        timeseries_card(model, shown)
        sankey_card(model)
        network_card(model)
        if places_of(model) > 1:
            map_card(model)
        downloads_card(model, shown)
        glossary_card()
    return view
