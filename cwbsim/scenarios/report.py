"""Write a comparison: CSV table, per-run Parquet, PNG charts and a self-contained HTML report."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from cwbsim.model.record import display
from cwbsim.scenarios import uncertainty
from cwbsim.scenarios.compare import LEVEL, Comparison
from cwbsim.scenarios.outputs import atomic_write, json_text
from cwbsim.scenarios.running import versions
from cwbsim.scenarios.schema import load_scenario


def _declared(comparison: Comparison) -> list:
    if comparison.draws is None:
        return []
    return uncertainty.declared(*load_scenario(comparison.scenario))


KEY_METRICS = tuple(display.compared())
"""The metrics a comparison charts and tables (the registry's ``compared`` flag)."""
COLUMNS = [
    "metric",
    "year",
    "baseline_mean",
    "scenario_mean",
    "diff_mean",
    "diff_lo",
    "diff_hi",
    "n_seeds",
]
PARAMETER_COLUMNS = ["param_mean", "param_lo", "param_hi", "param_share"]
"""Added when the scenario declares uncertain parameters (see :mod:`compare`)."""


def _label(source: str) -> str:
    """A scenario's name for a legend: the file's stem for a TOML path."""
    return Path(source).stem if source.endswith(".toml") else source


def chart(comparison: Comparison, metric: str) -> bytes:
    """PNG: both arms over time (mean, 5-95% band over seeds), and their paired difference."""
    runs, table = comparison.runs, comparison.table
    scale, unit = display.scale(metric), display.unit(metric)
    diff_scale, diff_unit = display.scale(metric, True), display.unit(metric, True)
    fig = Figure(figsize=(10, 3.6), dpi=100)
    left, right = fig.subplots(1, 2)
    for arm, colour in (("baseline", "#7f7f7f"), ("scenario", "#1f77b4")):
        data = runs[runs.arm == arm].groupby("year")[metric]
        years = np.array(sorted(runs.year.unique()))
        mean = data.mean().reindex(years) * scale
        lo = data.quantile(0.05).reindex(years) * scale
        hi = data.quantile(0.95).reindex(years) * scale
        name = _label(comparison.baseline if arm == "baseline" else comparison.scenario)
        left.plot(years, mean, marker="o", color=colour, label=name)
        left.fill_between(years, lo, hi, color=colour, alpha=0.2)
    left.set_title(f"{display.label(metric)}" + (f" ({unit})" if unit else ""))
    left.set_xlabel("year")
    left.legend(fontsize=8)
    rows = table[table.metric == metric].sort_values("year")
    right.axhline(0, color="black", linewidth=0.8)
    right.plot(rows.year, rows.diff_mean * diff_scale, marker="o", color="#d62728")
    right.fill_between(
        rows.year, rows.diff_lo * diff_scale, rows.diff_hi * diff_scale, color="#d62728", alpha=0.2
    )
    right.set_title(
        "Difference, scenario − baseline" + (f" ({diff_unit})" if diff_unit else "")
        + f", {LEVEL:.0%} interval"
    )  # fmt: skip
    right.set_xlabel("year")
    for axis in (left, right):
        axis.set_xticks(sorted(runs.year.unique()))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _interventions_html(source: str) -> str:
    scenario, spec = load_scenario(source)
    items = []
    for item in scenario.intervention:
        fields = item.model_dump(exclude={"type"})
        detail = ", ".join(f"{k} = {v}" for k, v in fields.items() if v not in (None, [], False))
        items.append(f"<li><b>{html.escape(item.type)}</b>: {html.escape(detail)}</li>")
    lists = "".join(
        f"<h3>{title}</h3><ul>{''.join(f'<li>{html.escape(x)}</li>' for x in values)}</ul>"
        for title, values in (("Sources", scenario.sources), ("Assumptions", scenario.assumptions))
        if values
    )
    return (
        f"<h2>{html.escape(scenario.name)}</h2><p>{html.escape(scenario.description)}</p>"
        f"<p>Base economy: {html.escape(spec.name)}, starting {spec.start}.</p>"
        f"<h3>Interventions</h3><ul>{''.join(items) or '<li>none</li>'}</ul>{lists}"
    )


def final_year_html(table) -> str:
    """The last year's table: plain names, values in display units, differences with intervals."""
    last = table[(table.year == table.year.max()) & table.metric.isin(KEY_METRICS)]
    drawn = "param_lo" in table.columns
    rows = []
    for r in last.itertuples(index=False):
        differences = [r.diff_mean, r.diff_lo, r.diff_hi]
        if drawn:
            differences += [r.param_lo, r.param_hi]
        rows.append(
            "<tr><td style='text-align:left'>" + html.escape(display.label(r.metric)) + "</td>"
            + "".join(f"<td>{html.escape(display.text(r.metric, v))}</td>"
                      for v in (r.baseline_mean, r.scenario_mean))
            + "".join(f"<td>{html.escape(display.text(r.metric, v, difference=True))}</td>"
                      for v in differences)
            + (f"<td>{r.param_share:.0%}</td>" if drawn else "")
            + "</tr>"
        )  # fmt: skip
    heads = ["Measure", "Baseline", "Scenario", "Difference", f"{LEVEL:.0%} low, seeds",
             f"{LEVEL:.0%} high, seeds"]  # fmt: skip
    if drawn:
        heads += [f"{LEVEL:.0%} low, seeds and parameters", f"{LEVEL:.0%} high, seeds and "
                  "parameters", "Share of the spread from parameters"]  # fmt: skip
    head = "".join(f"<th>{h}</th>" for h in heads)
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def uncertain_html(comparison: Comparison) -> str:
    """What the second interval includes: each parameter, its range and source, its influence."""
    if comparison.draws is None:
        return ""
    scenario, spec = load_scenario(comparison.scenario)
    labels = uncertainty.labels(scenario, spec)
    rows = []
    for item in uncertainty.declared(scenario, spec):
        name = labels[item.path]
        values = comparison.draws[item.path]
        rows.append(
            f"<tr><td style='text-align:left'>{html.escape(name)}</td>"
            f"<td>{html.escape(item.distribution)}</td>"
            f"<td>{values.min():,.3g} to {values.max():,.3g}</td>"
            f"<td style='text-align:left'>{html.escape(item.source)}</td></tr>"
        )
    table = (
        "<table><tr><th>Parameter</th><th>Distribution</th><th>Values drawn</th>"
        f"<th>Source</th></tr>{''.join(rows)}</table>"
    )
    influence = ""
    sens = comparison.sensitivity
    if sens is not None and len(sens):
        lines = []
        for metric, group in sens.groupby("metric", sort=False):
            ranked = group.dropna(subset=["S1"]).sort_values("S1", ascending=False)
            if not len(ranked):
                continue
            top = ranked.iloc[0]
            lines.append(
                f"<li>{html.escape(display.label(metric))}: "
                f"{html.escape(labels.get(top.parameter, top.parameter))} "
                f"(first-order index {top.S1:.2f})</li>"
            )
        influence = (
            "<p>Which parameter moves each result most in the final year (first-order index, "
            f"SALib's RBD-FAST on {len(comparison.draws)} draws; rough with few draws):</p>"
            f"<ul>{''.join(lines)}</ul>"
        )
    return (
        "<h2>What we do not know</h2><p>Each seed was run again with one draw of these "
        "parameters (a Latin hypercube; the same draw in both arms). The second interval "
        "adds their spread to the seeds' (law of total variance).</p>" + table + influence
    )


def write_comparison(comparison: Comparison, out: Path) -> list[Path]:
    """Write ``comparison.csv``, ``runs.parquet``, ``manifest.json``, PNG charts and ``report.html``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    drawn = comparison.draws is not None
    table = comparison.table[COLUMNS + (PARAMETER_COLUMNS if drawn else [])]
    atomic_write(out / "comparison.csv", lambda p: table.to_csv(p, index=False))
    if comparison.by_area is not None:
        atomic_write(
            out / "comparison_by_area.csv", lambda p: comparison.by_area.to_csv(p, index=False)
        )
    atomic_write(out / "runs.parquet", lambda p: comparison.runs.to_parquet(p, index=False))
    if drawn:
        draws = comparison.draws.rename_axis("seed_index").reset_index()
        atomic_write(out / "draws.csv", lambda p: draws.to_csv(p, index=False))
        atomic_write(
            out / "runs_drawn.parquet", lambda p: comparison.drawn.to_parquet(p, index=False)
        )
        atomic_write(
            out / "sensitivity.csv", lambda p: comparison.sensitivity.to_csv(p, index=False)
        )
        written += [out / "draws.csv", out / "runs_drawn.parquet", out / "sensitivity.csv"]
    if comparison.by_area is not None:
        written.append(out / "comparison_by_area.csv")
    seeds = int(comparison.runs.seed_index.nunique())
    manifest = {
        "baseline": comparison.baseline,
        "scenario": comparison.scenario,
        "seeds": seeds,
        "seed_entropy": comparison.entropy,
        "seed_scheme": "numpy.random.SeedSequence(entropy).spawn(seeds); same child for both arms",
        "interval": f"{LEVEL:.0%} Student-t interval of the mean paired difference",
        "parameter_interval": (
            f"{LEVEL:.0%} interval: drawn mean +- t * sqrt(between-draw variance + "
            "max(central, drawn variance) / n), between-draw variance = max(drawn - central "
            "variance, 0)"
            if drawn
            else None
        ),
        "uncertain": [u.model_dump(exclude_none=True) for u in _declared(comparison)],
        "areas": (
            list(dict.fromkeys(comparison.by_area.area)) if comparison.by_area is not None else None
        ),
        "versions": versions(),
    }
    atomic_write(out / "manifest.json", lambda p: p.write_text(json_text(manifest, indent=2)))
    written += [out / "comparison.csv", out / "runs.parquet", out / "manifest.json"]
    figures = []
    for metric in KEY_METRICS:
        png = chart(comparison, metric)
        atomic_write(out / f"{metric}.png", lambda p, png=png: p.write_bytes(png))
        written.append(out / f"{metric}.png")
        figures.append(
            f'<figure><img alt="{metric}" src="data:image/png;base64,'
            f'{base64.b64encode(png).decode()}"></figure>'
        )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>cwbsim: {html.escape(comparison.scenario)} vs {html.escape(comparison.baseline)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;font-size:0.85em}}td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right}}
figure{{margin:1em 0}}img{{max-width:100%}}</style></head><body>
<h1>{html.escape(comparison.scenario)} compared with {html.escape(comparison.baseline)}</h1>
<p>{seeds} paired seeds (common random numbers: SeedSequence({comparison.entropy}).spawn({seeds}),
the same child seed for both arms); bands on the left show 5-95% of seeds, intervals on the right
are {LEVEL:.0%} Student-t intervals of the mean paired difference. Money in £m a year; shares in %,
their differences in percentage points.</p>
{_interventions_html(comparison.scenario)}
<h2>Charts</h2>{"".join(figures)}
<h2>Final year</h2>{final_year_html(table)}
{uncertain_html(comparison)}
<h2>Provenance</h2><pre>{html.escape(json_text(manifest, indent=2))}</pre>
</body></html>
"""
    atomic_write(out / "report.html", lambda p: p.write_text(page, encoding="utf-8"))
    written.append(out / "report.html")
    return written
