"""The committee report: one self-contained HTML page, and a PDF of it, of a comparison.

For people who were not at the keyboard: the scenarios in plain words, the final
year's headline table (baseline, each scenario, differences with intervals) in
£m, % and percentage points from the metric registry, one chart per measure with
every scenario on it, the interval method in two sentences, the assumptions and
sources, and an appendix of seeds and versions. It names no file path: scenarios
are named by their ``name``. The page has no script and is laid out for A4, so
the PDF is Chromium printing it (:mod:`cwbsim.scenarios.pdf`).
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from cwbsim.model.record import display
from cwbsim.model.record.metrics import METRICS
from cwbsim.scenarios import parameters
from cwbsim.scenarios.compare import LEVEL, Comparison
from cwbsim.scenarios.outputs import atomic_write
from cwbsim.scenarios.pdf import TIMEOUT, PdfError, print_pdf
from cwbsim.scenarios.plain import (
    intervention_sentences,
    lever_label,
    number,
    plain,
    scenario_summary,
    year_label,
)
from cwbsim.scenarios.running import versions
from cwbsim.scenarios.uncertainty import DRAWS_KEY

BASELINE_COLOUR = "#4d4d4d"
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
"""Scenario colours (Okabe and Ito's palette, safe for colour-blind readers)."""
BRIEF = ("local_share", "local_income", "local_jobs")
"""The measures the "In brief" sentences give for each scenario."""


def method_sentences(seeds: int, drawn: bool) -> str:
    """The interval method in exactly two plain sentences."""
    second = (
        f"The range shown is a {LEVEL:.0%} interval for the average of those differences, and "
        "the wider range also runs each seed with one draw of the uncertain parameters, so it "
        "adds what we do not know about them to the effect of chance."
        if drawn
        else f"The range shown is a {LEVEL:.0%} interval for the average of those differences: "
        "had the model been run on many more seeds, the average would fall inside it nine "
        "times in ten."
    )
    return (
        f"The baseline and every scenario were run on the same {seeds} random seeds, so each "
        "difference is measured seed by seed and chance affects both sides alike. " + second
    )


@dataclass
class Report:
    """What :func:`write_report` wrote: the HTML, the PDF (or why there is none)."""

    html: Path
    pdf: Path | None
    pdf_error: str | None = None


def baseline_label(name: str) -> str:
    """The baseline's name as a label: "Baseline: X", unless X already says it is one."""
    return name if "baseline" in name.lower() else f"Baseline: {name}"


def _e(text) -> str:
    return html.escape(str(text))


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def final_year(comparisons: Sequence[Comparison]) -> int:
    """The last year every comparison ran."""
    return int(min(c.table.year.max() for c in comparisons))


def _start(comparisons: Sequence[Comparison]) -> str | None:
    arms = comparisons[0].arms
    return arms[1][1].start if arms else None


def _row(comparison: Comparison, metric: str, year: int):
    table = comparison.table
    rows = table[(table.metric == metric) & (table.year == year)]
    return rows.iloc[0] if len(rows) else None


def interval_text(metric: str, low: float, high: float) -> str:
    """An interval of a difference as people read it ("+£1.2m to +£3.4m"; "–" if unknown)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    return (
        f"{display.text(metric, low, difference=True)} to "
        f"{display.text(metric, high, difference=True)}"
    )


def scenario_cells(metric: str, row, drawn: bool) -> list[str]:
    """A scenario's final-year cells, as people read them.

    Its value, its difference, the seeds' interval and, when parameters were drawn,
    the interval with them ("–" where the row has none).
    """
    cells = [
        display.text(metric, row.scenario_mean),
        display.text(metric, row.diff_mean, difference=True),
        interval_text(metric, row.diff_lo, row.diff_hi),
    ]
    if drawn:
        cells.append(
            interval_text(metric, row.param_lo, row.param_hi) if "param_lo" in row else "–"
        )
    return cells


def _drawn(comparisons: Sequence[Comparison]) -> bool:
    return any(c.draws is not None for c in comparisons)


def table_html(comparisons: Sequence[Comparison], metrics: Sequence[str], css: str) -> str:
    """The final year's table: per measure the baseline, then each scenario with its difference.

    Every number is :func:`~cwbsim.model.record.display.text` (£m, %, pp, whole jobs).
    """
    year = final_year(comparisons)
    drawn = _drawn(comparisons)
    heads = ["Measure", "Arm", "Value", "Difference from baseline", f"{LEVEL:.0%} interval"]
    if drawn:
        heads.append(f"{LEVEL:.0%} interval with parameter uncertainty")
    head = "".join(f"<th scope='col'>{h}</th>" for h in heads)
    bodies = []
    for metric in metrics:
        first = _row(comparisons[0], metric, year)
        if first is None:
            continue
        unit = display.unit(metric)
        name = _e(display.label(metric)) + (
            f" <span class='unit'>({_e(unit)})</span>" if unit else ""
        )
        blank = "<td></td>" * (len(heads) - 3)
        rows = [
            f"<tr class='baseline'><th scope='row' rowspan='{len(comparisons) + 1}'>{name}</th>"
            f"<td>{_e(baseline_label(comparisons[0].names[0]))}</td>"
            f"<td class='num'>{_e(display.text(metric, first.baseline_mean))}</td>{blank}</tr>"
        ]
        for comparison in comparisons:
            row = _row(comparison, metric, year)
            cells = scenario_cells(metric, row, drawn)
            rows.append(
                f"<tr><td>{_e(comparison.names[1])}</td>"
                + "".join(f"<td class='num'>{_e(c)}</td>" for c in cells)
                + "</tr>"
            )
        bodies.append(f"<tbody data-metric='{_e(metric)}'>{''.join(rows)}</tbody>")
    return f"<table class='{css}'><thead><tr>{head}</tr></thead>{''.join(bodies)}</table>"


def brief_html(comparisons: Sequence[Comparison]) -> str:
    """One sentence per scenario: its final-year change in local share, income and jobs."""
    year = final_year(comparisons)
    when = year_label(_start(comparisons), year)
    items = []
    for comparison in comparisons:
        parts = []
        for metric in BRIEF:
            row = _row(comparison, metric, year)
            if row is None:
                continue
            change = display.text(metric, row.diff_mean, difference=True)
            if METRICS[metric].format == "money":
                change += " a year"
            span = interval_text(metric, row.diff_lo, row.diff_hi)
            caveat = (
                ", which includes no change"
                if math.isfinite(row.diff_lo) and row.diff_lo <= 0 <= row.diff_hi
                else ""
            )
            parts.append(
                f"{_lower_first(display.label(metric))} by {change} "
                f"({LEVEL:.0%} interval {span}{caveat})"
            )
        if not parts:
            continue
        listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        items.append(
            f"<li>In {_e(when)}, <b>{_e(comparison.names[1])}</b> changes the {_e(listed)}, "
            "against the baseline.</li>"
        )
    return f"<ul class='brief'>{''.join(items)}</ul>"


def scenarios_html(comparisons: Sequence[Comparison]) -> str:
    """The baseline and each scenario in plain words: description, then each intervention."""
    start = _start(comparisons)
    base_plan = comparisons[0].arms[0][0] if comparisons[0].arms else None
    parts = [f"<h3>{_e(baseline_label(comparisons[0].names[0]))}</h3>"]
    if base_plan is not None:
        parts.append(f"<p>{_e(scenario_summary(base_plan))}</p>")
        if base_plan.intervention or "no intervention" not in base_plan.description.lower():
            parts.append(_interventions(base_plan, start, "It has no interventions."))
    for comparison in comparisons:
        parts.append(f"<h3>{_e(comparison.names[1])}</h3>")
        if comparison.arms:
            plan = comparison.arms[1][0]
            parts.append(f"<p>{_e(scenario_summary(plan))}</p>")
            parts.append(
                _interventions(plan, start, "It has no interventions: the economy as it is.")
            )
    return "".join(parts)


def _interventions(plan, start, none: str) -> str:
    if not plan.intervention:
        return f"<p>{_e(none)}</p>"
    items = "".join(
        f"<li><b>{_e(lever_label(item))}.</b> {_e(' '.join(intervention_sentences(item, start)))}</li>"
        for item in plan.intervention
    )
    return f"<ul class='interventions'>{items}</ul>"


def _limits(low: float, high: float, kind: str, floor_zero: bool) -> tuple[float, float]:
    """Axis limits that never draw noise as a cliff: at least a tenth of the largest value."""
    if kind == "share" and floor_zero:
        return 0.0, max(high * 1.1, 1.0)
    span = max(high - low, 0.1 * max(abs(low), abs(high)), 1e-9)
    middle = (low + high) / 2
    low, high = min(low, middle - span / 2), max(high, middle + span / 2)
    if floor_zero and low < 0 <= min(low + span, high) and (high - span / 2) >= 0:
        low = max(low, 0.0)
    return low, high


def _formatter(axis, kind: str) -> None:
    """Plain tick labels (thousands separated, no e-notation, no offset); counts whole."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if kind == "count":
        axis.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    else:
        axis.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ticks = axis.yaxis.get_major_locator().tick_values(*axis.get_ylim())
    digits = 0
    while (
        kind != "count"
        and digits < 4
        and np.any(np.abs(ticks * 10**digits - np.round(ticks * 10**digits)) > 1e-6)
    ):
        digits += 1  # the fewest decimals that write every tick exactly (2.5, 1.125)

    def tick(value: float, _position) -> str:
        text = f"{value:,.{digits}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.,") else text

    axis.yaxis.set_major_formatter(FuncFormatter(tick))


def chart_image(comparisons: Sequence[Comparison], metric: str, fmt: str = "svg") -> bytes:
    """One measure, every scenario: values over the years, and differences with intervals.

    Left: the mean over seeds of the baseline (grey, dashed) and each scenario. Right:
    each scenario's paired difference from the baseline with its interval (band),
    and the wider interval with parameter uncertainty (dotted) where drawn. Units in
    the titles; shares from 0; counts in whole numbers. ``fmt``: ``"svg"`` or ``"png"``.
    """
    from matplotlib.figure import Figure

    kind = METRICS[metric].format
    scale, unit = display.scale(metric), display.unit(metric)
    diff_scale, diff_unit = display.scale(metric, True), display.unit(metric, True)
    start = _start(comparisons)
    fig = Figure(figsize=(7.2, 2.9), dpi=110)
    left, right = fig.subplots(1, 2)
    values, diffs = [], [0.0]
    years = None
    for index, comparison in enumerate(comparisons):
        rows = comparison.table[comparison.table.metric == metric].sort_values("year")
        years = rows.year.to_numpy()
        if index == 0:
            base = rows.baseline_mean.to_numpy() * scale
            left.plot(years, base, color=BASELINE_COLOUR, linestyle="--", marker="o",
                      markersize=3, label=baseline_label(comparison.names[0]))  # fmt: skip
            values += list(base)
        colour = COLOURS[index % len(COLOURS)]
        scen = rows.scenario_mean.to_numpy() * scale
        left.plot(years, scen, color=colour, marker="o", markersize=3, label=comparison.names[1])
        values += list(scen)
        mean = rows.diff_mean.to_numpy() * diff_scale
        low, high = rows.diff_lo.to_numpy() * diff_scale, rows.diff_hi.to_numpy() * diff_scale
        right.plot(years, mean, color=colour, marker="o", markersize=3)
        right.fill_between(years, low, high, color=colour, alpha=0.18, linewidth=0)
        diffs += list(mean) + list(low) + list(high)
        if "param_lo" in rows.columns:
            for column in ("param_lo", "param_hi"):
                band = rows[column].to_numpy() * diff_scale
                right.plot(years, band, color=colour, linestyle=":", linewidth=1)
                diffs += list(band)
    finite = [v for v in values if math.isfinite(v)] or [0.0]
    left.set_ylim(*_limits(min(finite), max(finite), kind, floor_zero=min(finite) >= 0))
    finite = [v for v in diffs if math.isfinite(v)]
    span = max(max(finite) - min(finite), 1e-9)
    right.set_ylim(min(finite) - 0.08 * span, max(finite) + 0.08 * span)
    right.axhline(0, color="black", linewidth=0.8)
    left.set_title(display.label(metric) + (f", {unit}" if unit else ""), fontsize=9)
    right.set_title(
        "Difference from baseline" + (f", {diff_unit}" if diff_unit else ""), fontsize=9
    )
    for axis in (left, right):
        axis.set_xticks(years, [year_label(start, int(y)) for y in years], fontsize=7)
        axis.tick_params(axis="y", labelsize=7)
        axis.grid(axis="y", color="#dddddd", linewidth=0.6)
        axis.spines[["top", "right"]].set_visible(False)
    _formatter(left, kind)
    _formatter(right, "count" if kind == "count" else "difference")
    handles, labels = left.get_legend_handles_labels()
    columns = len(labels) if len(labels) <= 4 else 3
    fig.legend(handles, labels, loc="lower center", ncol=columns, fontsize=7,
               frameon=False)  # fmt: skip
    rows_of_legend = math.ceil(len(labels) / columns)
    fig.tight_layout(rect=(0, 0.07 * rows_of_legend + 0.02, 1, 1))
    buffer = io.BytesIO()
    if fmt == "svg":
        from matplotlib import rc_context

        with rc_context({"svg.fonttype": "none", "svg.hashsalt": "cwbsim"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buffer, format="png")
    return buffer.getvalue()


def charts_html(comparisons: Sequence[Comparison], metrics: Sequence[str]) -> str:
    """Every measure's chart as an embedded SVG image, with a caption."""
    figures = []
    for metric in metrics:
        if _row(comparisons[0], metric, final_year(comparisons)) is None:
            continue
        svg = base64.b64encode(chart_image(comparisons, metric, "svg")).decode()
        unit = display.unit(metric)
        alt = f"{display.label(metric)}" + (f" ({unit})" if unit else "") + " by year"
        figures.append(
            f"<figure><img alt='{_e(alt)}' src='data:image/svg+xml;base64,{svg}'>"
            f"<figcaption>{_e(alt)}: each scenario and the baseline (mean over seeds, left) "
            f"and each scenario's difference from the baseline with its {LEVEL:.0%} interval "
            "(right).</figcaption></figure>"
        )
    return "".join(figures)


def _distribution(item) -> str:
    if item.distribution == "uniform":
        return f"evenly between {number(item.low)} and {number(item.high)}"
    if item.distribution == "triangular":
        return (
            f"between {number(item.low)} and {number(item.high)}, most likely {number(item.mode)}"
        )
    if item.distribution == "draws":
        return "draws of a fitted posterior, kept together"
    return f"normal around {number(item.mean)} (spread {number(item.sd)})"


def unknowns_html(comparisons: Sequence[Comparison]) -> str:
    """The uncertain parameters drawn: name, range, values drawn, source, and which arms."""
    found: dict[str, tuple] = {}
    for comparison in comparisons:
        if comparison.draws is None:
            continue
        plan, spec = comparison.arms[1] if comparison.arms else (None, None)
        for item in comparison.declared:
            if item.path not in comparison.draws.columns:
                continue
            entry = found.setdefault(
                item.path,
                [item, item.label or parameters.describe(plan, spec, item.path), [], comparison],
            )
            entry[2].append(comparison.names[1])
    if not found:
        return ""
    rows = []
    every = len([c for c in comparisons if c.draws is not None])
    for path, (item, label, names, comparison) in found.items():
        values = comparison.draws[path].to_numpy(dtype=float)
        who = (
            "the baseline and every scenario"
            if not path.startswith("scenario.")
            else ", ".join(names)
            if len(names) < every
            else "every scenario"
        )
        rows.append(
            f"<tr><td>{_e(plain(label))}</td><td>{_e(_distribution(item))}</td>"
            f"<td class='num'>{_e(number(values.min()))} to {_e(number(values.max()))}</td>"
            f"<td>{_e(who)}</td><td>{_e(plain(item.source))}</td></tr>"
        )
    seeds = len(next(iter(found.values()))[3].draws)
    return (
        "<section id='unknowns'><h2>What we do not know</h2>"
        f"<p>Each of the {seeds} seeds was run a second time with one draw of these parameters "
        "(a Latin hypercube), the same draw in the baseline and in every scenario it applies "
        "to.</p><table class='unknowns'><thead><tr><th>Parameter</th><th>Range</th>"
        "<th>Values drawn</th><th>Applies to</th><th>Source</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def sources_html(comparisons: Sequence[Comparison]) -> str:
    """The base economy, then each arm's assumptions and sources, in their own words."""
    parts = []
    arms = comparisons[0].arms
    if arms:
        spec = arms[0][1]
        anchors = ", ".join(a.name for a in spec.anchors)
        first = _row(comparisons[0], "anchor_spend", 1)
        spend = ""
        if first is not None:
            share = _row(comparisons[0], "local_share", 1)
            spend = (
                f" In year 1 of the baseline the anchors spend "
                f"{display.text('anchor_spend', first.baseline_mean)} a year on procurement"
                + (
                    f", {display.text('local_share', share.baseline_mean)} of it with local "
                    "suppliers."
                    if share is not None
                    else "."
                )
            )
        parts.append(
            f"<h3>The base economy: {_e(spec.name)}</h3><p>{_e(plain(spec.description))}. "
            f"Its anchor institutions: {_e(anchors)}.{_e(spend)}</p>"
        )
        if arms[1][1].name != spec.name:
            other = arms[1][1]
            parts.append(
                f"<p>The scenarios run on {_e(other.name)}: {_e(plain(other.description))}.</p>"
            )
    entries = [(comparisons[0].names[0], arms[0][0] if arms else None)]
    entries += [(c.names[1], c.arms[1][0] if c.arms else None) for c in comparisons]
    for name, plan in entries:
        if plan is None:
            continue
        lists = "".join(
            f"<p class='listhead'>{title}</p><ul>{''.join(f'<li>{_e(plain(x))}</li>' for x in values)}</ul>"
            for title, values in (("Assumptions", plan.assumptions), ("Sources", plan.sources))
            if values
        )
        parts.append(f"<h3>{_e(name)}</h3>{lists or '<p>None stated.</p>'}")
    return "".join(parts)


def appendix_html(comparisons: Sequence[Comparison]) -> str:
    """Seeds (root, scheme, each replicate's spawn key) and package versions."""
    runs = comparisons[0].runs
    seeds = runs.drop_duplicates("seed_index").sort_values("seed_index")
    root = comparisons[0].entropy
    rows = "".join(
        f"<tr><td class='num'>{int(r.seed_index) + 1}</td><td>{_e(r.entropy)}</td>"
        f"<td>({_e(r.spawn_key)},)</td></tr>"
        for r in seeds.itertuples(index=False)
    )
    arms = 1 + len(comparisons)
    total = arms * len(seeds) * (2 if _drawn(comparisons) else 1)
    drawn = (
        f" Parameter draws come from SeedSequence({root}, spawn_key=({DRAWS_KEY},)), apart "
        "from the runs' seeds."
        if _drawn(comparisons)
        else ""
    )
    found = versions()
    try:
        found["matplotlib"] = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        found["matplotlib"] = "not installed"
    version_rows = "".join(
        f"<tr><td>{_e(name)}</td><td>{_e(value)}</td></tr>" for name, value in found.items()
    )
    return (
        "<section class='appendix' id='appendix'><h2>Appendix: seeds and versions</h2>"
        f"<p>{len(seeds)} seeds, {final_year(comparisons)} years, {arms} arms (the baseline "
        f"and {len(comparisons)} scenario{'s' if len(comparisons) != 1 else ''}): {total} runs. "
        f"Replicate i runs on numpy's SeedSequence({root}).spawn(...)[i], that is "
        "SeedSequence(entropy, spawn_key=(i,)); the baseline and every scenario use the same "
        f"child (common random numbers), and the baseline runs once per seed.{_e(drawn)}</p>"
        "<table class='seeds'><thead><tr><th>Seed</th><th>Entropy</th><th>Spawn key</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
        "<h3>Versions</h3><table class='versions'><thead><tr><th>Package</th><th>Version</th>"
        f"</tr></thead><tbody>{version_rows}</tbody></table>"
        "<p>The PDF is this page printed by Chromium.</p></section>"
    )


STYLE = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
  color: #1a1a1a; max-width: 190mm; margin: 1.5em auto; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 17pt; margin: 0 0 0.2em; }
h2 { font-size: 13pt; margin: 1.4em 0 0.4em; border-bottom: 1px solid #bbb;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 1em 0 0.3em; break-after: avoid; page-break-after: avoid; }
p.sub { color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 0.4em 0 0.8em; }
thead { display: table-header-group; }
th, td { border: 1px solid #ccc; padding: 2px 5px; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody, tr, figure, li { break-inside: avoid; page-break-inside: avoid; }
tr.baseline td { background: #fafafa; }
.unit { font-weight: normal; color: #555; }
figure { margin: 0.6em 0 1em; }
figure img { width: 100%; height: auto; }
figcaption { font-size: 8pt; color: #444; }
p.method { background: #f5f7fa; border-left: 3px solid #0072B2; padding: 0.4em 0.8em; }
p.listhead { font-weight: bold; margin: 0.4em 0 0; }
ul { margin: 0.2em 0 0.6em; padding-left: 1.3em; }
.appendix { break-before: page; page-break-before: always; }
table.seeds, table.versions { width: auto; }
@media print { body { margin: 0; padding: 0; max-width: none; } }
"""


def title(comparisons: Sequence[Comparison]) -> str:
    """The report's title: the scenarios' names and the baseline's."""
    names = [c.names[1] for c in comparisons]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} compared with {comparisons[0].names[0]}"


def report_html(comparisons: Sequence[Comparison], today: datetime.date | None = None) -> str:
    """The committee report as one self-contained HTML page (no script, no links to fetch).

    Parameters
    ----------
    comparisons : sequence of Comparison
        One per scenario, all against the same baseline runs (:func:`compare_many`).
    today : datetime.date, optional
        The date printed under the title (default: today).
    """
    comparisons = list(comparisons)
    if not comparisons:
        raise ValueError("a report needs at least one comparison")
    today = today or datetime.date.today()
    year = final_year(comparisons)
    start = _start(comparisons)
    seeds = int(comparisons[0].runs.seed_index.nunique())
    drawn = _drawn(comparisons)
    arms = comparisons[0].arms
    where = ""
    if comparisons[0].by_area is not None:
        where = f" Measures are for {next(iter(comparisons[0].by_area.area))}."
    economy = arms[0][1].name if arms else ""
    headline = display.headlines()
    others = [m for m in display.compared() if m not in headline]
    charted = [m for m in display.compared()]
    units_note = (
        "Money is in £m a year, shares in %, and differences of shares in percentage points "
        "(pp); jobs and firms are whole numbers."
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title(comparisons))}</title>
<style>{STYLE}</style></head><body>
<header><h1>{_e(title(comparisons))}</h1>
<p class="sub">{_e(economy)}: {year} year{"s" if year != 1 else ""} from
{_e(year_label(start, 1))}, {seeds} paired seeds per arm. Made with cwbsim on {today:%-d %B %Y}.{_e(where)}</p></header>
<section id="brief"><h2>In brief</h2>{brief_html(comparisons)}</section>
<section id="scenarios"><h2>The scenarios</h2>{scenarios_html(comparisons)}</section>
<section id="results"><h2>Headline results, {_e(year_label(start, year))} (year {year})</h2>
<p>The mean over {seeds} seeds of each arm in the final year, and each scenario's difference
from the baseline with its {LEVEL:.0%} interval. {units_note}</p>
{table_html(comparisons, headline, "headline")}
<h3>Other measures</h3>
{table_html(comparisons, others, "other")}</section>
<section id="method"><h2>How to read the intervals</h2>
<p class="method">{_e(method_sentences(seeds, drawn))}</p></section>
<section id="charts"><h2>Charts</h2>{charts_html(comparisons, charted)}</section>
{unknowns_html(comparisons)}
<section id="sources"><h2>Assumptions and sources</h2>{sources_html(comparisons)}</section>
{appendix_html(comparisons)}
</body></html>
"""


def write_report(
    comparisons: Sequence[Comparison],
    out: Path,
    pdf: bool = True,
    timeout: float = TIMEOUT,
    chromium: str | None = None,
) -> Report:
    """Write ``report.html`` in ``out`` and, with ``pdf``, ``report.pdf`` printed by Chromium.

    A PDF that cannot be made (Chromium missing, failing or too slow) leaves the HTML
    written and says why in ``Report.pdf_error`` (one line); it never raises.
    """
    out = Path(out)
    page = out / "report.html"
    text = report_html(comparisons)
    atomic_write(page, lambda p: p.write_text(text, encoding="utf-8"))
    if not pdf:
        return Report(page, None)
    try:
        return Report(page, print_pdf(page, out / "report.pdf", timeout, chromium))
    except PdfError as error:
        (out / "report.pdf").unlink(missing_ok=True)  # never leave an older run's PDF
        return Report(page, None, str(error))
