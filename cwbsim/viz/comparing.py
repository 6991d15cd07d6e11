"""The app's comparison: up to five scenarios against the base economy, over paired seeds.

The scenarios are the levers in force (the user's, written as a TOML file beside the
results so anyone can re-run it), built-in scenarios on the same economy, and the
user's saved ones. They run through the same code, processes and seeds as
``cwbsim compare``: the baseline (the base economy with no interventions) once per
seed, each scenario on the same seeds, each one's results handed to the page as it
finishes. Areas are reported as ``cwbsim compare --area`` reports them. This module
also builds the view's charts (ECharts options) and tables from the results.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from cwbsim.model.errors import InputError
from cwbsim.model.record import display
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.files import load_spec
from cwbsim.scenarios import evaluators, uncertainty
from cwbsim.scenarios.committee import (
    BASELINE_COLOUR,
    COLOURS,
    baseline_label,
    interval_text,
    scenario_cells,
)
from cwbsim.scenarios.compare import (
    LEVEL,
    MAX_SCENARIOS,
    Comparison,
    compare_many,
    resolve_many,
)
from cwbsim.scenarios.outputs import atomic_write
from cwbsim.scenarios.plain import lever_label, year_label
from cwbsim.scenarios.report import write_comparisons
from cwbsim.scenarios.schema import Scenario, builtin_scenarios, load_scenario
from cwbsim.viz.options import value_axis
from cwbsim.viz.saved import SAVED_PREFIX, scenario_toml

IN_FORCE = "Levers in force"
"""The choice standing for the scenario in force in Explore (its levers applied)."""


def write_scenario(plan: Scenario, path: Path) -> Path:
    """Write a scenario as TOML (atomically)."""
    text = scenario_toml(plan)
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def economy_name(base: str) -> str:
    """A base economy's name for people: a built-in's name, a spec file's stem (never a path)."""
    return Path(base).stem if base.endswith(".toml") else base


def baseline_of(plan: Scenario, years: int, seeds: int) -> Scenario:
    """The base economy of ``plan`` with no interventions: every comparison's baseline."""
    return Scenario(
        name=f"{economy_name(plan.base)} baseline",
        description=f"The base economy, {economy_name(plan.base)}, with no interventions.",
        base=plan.base,
        start=plan.start,
        years=years,
        seeds=seeds,
        seed=plan.seed,
        assumptions=["No intervention: the economy as its spec describes it."],
    )


def scenario_choices(
    base: str, saved: Mapping[str, str | Path] | None = None
) -> tuple[dict[str, str], list[str]]:
    """What can be compared on ``base``, by display name, and notes on what cannot.

    Returns ``(choices, notes)``: ``choices`` maps a name to its source: ``""`` for
    :data:`IN_FORCE`, a built-in scenario's name, or a saved scenario's file (as given
    in ``saved``, display name to path). Built-in and saved scenarios on another economy,
    or with no interventions, are left out; a saved file that cannot be read is left
    out with a one-line note.
    """
    choices = {IN_FORCE: ""}
    notes = []
    for name in builtin_scenarios():
        try:
            plan, _ = load_scenario(name)
        except InputError:
            continue
        if plan.base == base and plan.intervention:
            choices[name] = name
    for name, path in (saved or {}).items():
        try:
            plan, _ = load_scenario(str(path))
        except InputError as error:
            notes.append(f"{name}: cannot be compared ({_short(str(error), path)})")
            continue
        if plan.base != base:
            notes.append(f"{name}: on {plan.base}, not {base}, so not comparable here")
        elif plan.intervention:
            choices[name] = str(path)
    return choices, notes


def _short(message: str, path: str | Path) -> str:
    """A loading error without the file's path (the page names the scenario instead)."""
    return message.replace(f"{path}: ", "").replace(str(path), "the file")


def declares_uncertainty(plan: Scenario, sources: Sequence[str]) -> bool:
    """Whether any chosen scenario (source ``""`` = ``plan``) or its economy declares uncertainty.

    Then a comparison can draw those parameters for its second interval.
    """
    for source in sources:
        try:
            arm = (plan, load_spec(plan.base)) if source == "" else load_scenario(source)
        except InputError:
            continue
        if uncertainty.declared(*arm):
            return True
    return False


def _report_name(choice: str) -> str:
    return choice.removeprefix(SAVED_PREFIX)


def run_comparisons(
    plan: Scenario,
    picked: Sequence[str],
    choices: Mapping[str, str],
    seeds: int,
    years: int,
    folder: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_arm: Callable[[int, Comparison], None] | None = None,
    uncertain: bool = False,
    areas: list[str] | None = None,
    groups: dict[str, list[str]] | None = None,
    economy_text: str | None = None,
) -> tuple[list[Comparison], dict[str, Path]]:
    """Compare the ``picked`` choices with the base economy of ``plan``; write the results.

    Parameters
    ----------
    plan : Scenario
        The scenario in force (its levers applied): :data:`IN_FORCE` and the baseline's
        economy, start and seed.
    picked : sequence of str
        1 to 5 names of ``choices`` (:func:`scenario_choices`), in the order shown.
    seeds, years : int
        Paired seeds per arm, and years per run.
    folder : Path
        Where the scenario files and results go.
    workers : int, optional
        Local processes (default: one per core).
    progress, on_arm : callable, optional
        As :func:`~cwbsim.scenarios.compare.compare_many`: ``progress(done, total)`` per
        run, ``on_arm(k, comparison)`` as each scenario finishes.
    uncertain : bool
        Also run each seed with a draw of the parameters the scenarios declare.
    areas : list of str, optional
        Areas to report, as ``cwbsim compare --area``: the first is the headline.
    groups : dict, optional
        Named groups of area codes the economy lacks, added to every arm.
    economy_text : str, optional
        The spec of an economy built in the page (TOML text), named ``plan.base``: it is
        written beside the scenarios and every arm runs on that file.

    Returns the comparisons (one per picked scenario) and the files written in
    ``folder``: the tables (``comparison.csv``, ``runs.parquet``), ``report.html`` and
    the scenario files (``baseline.toml``, ``levers-in-force.toml``).
    """
    picked = list(picked)
    if not 1 <= len(picked) <= MAX_SCENARIOS:
        raise InputError(
            f"scenarios: {len(picked)} chosen (allowed: 1 to {MAX_SCENARIOS} at a time)"
        )
    folder = Path(folder)
    if economy_text is not None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = "".join(c if c.isalnum() else "-" for c in plan.base.lower()).strip("-")
        economy_path = folder / f"{stem or 'economy'}.toml"
        atomic_write(economy_path, lambda p: p.write_text(economy_text, encoding="utf-8"))
        plan = plan.model_copy(update={"base": str(economy_path)})
    base_path = write_scenario(baseline_of(plan, years, seeds), folder / "baseline.toml")
    files = {"baseline.toml": base_path}
    sources = []
    for choice in picked:
        if choice not in choices:
            raise InputError(f"scenario: {choice!r} is not a scenario of {plan.base}")
        if choices[choice] == "":
            in_force = plan.model_copy(
                update={"name": IN_FORCE, "years": max(years, plan.years), "seeds": seeds,
                        "description": f"The levers set in the app, starting from {plan.name}: "
                        f"{plan.description or 'no description'}".rstrip(". ") + "."}
            )  # fmt: skip
            path = write_scenario(in_force, folder / "levers-in-force.toml")
            files["levers-in-force.toml"] = path
            sources.append(str(path))
        else:
            sources.append(choices[choice])
    arms = resolve_many(str(base_path), sources)
    if groups:
        arms = [
            (arm, spec.model_copy(update={"groups": {**spec.groups, **groups}}))
            for arm, spec in arms
        ]
    names = [f"{economy_name(plan.base)} baseline", *(_report_name(c) for c in picked)]
    with evaluators.make(workers) as evaluator:
        comparisons = compare_many(
            str(base_path), sources, seeds, years, evaluator, progress, on_arm,
            entropy=plan.seed, arms=arms, uncertain=uncertain, areas=areas, names=names,
        )  # fmt: skip
    written = write_comparisons(comparisons, folder, pdf=False, charts=False)
    files.update({p.name: p for p in written.files if p.suffix in (".csv", ".parquet", ".html")})
    return comparisons, files


def late_interventions(plan: Scenario, sources: Sequence[str], years: int) -> list[str]:
    """Notes on interventions that start after the run ends (they change nothing)."""
    notes = []
    for source in sources:
        try:
            scenario = plan if source == "" else load_scenario(source)[0]
        except InputError:
            continue
        name = IN_FORCE if source == "" else scenario.name
        for item in scenario.intervention:
            if item.start_year > years:
                notes.append(
                    f"{name}: {lever_label(item)} starts in year {item.start_year}, after the "
                    f"{years}-year run, so it changes nothing here"
                )
    return notes


def _num(value: float, digits: int = 6) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def _relative_text(kind: str, difference: float, baseline: float) -> str:
    """The difference as a % of the baseline (", +0.7%"), for measures not already in %."""
    if kind == "share" or not (math.isfinite(difference) and math.isfinite(baseline)):
        return ""
    if baseline == 0:
        return ""
    return f", {difference / abs(baseline):+.1%}"


def compare_option(comparisons: Sequence[Comparison], metric: str) -> dict:
    """One measure, every finished scenario: an ECharts option of two panels.

    Top: the mean over seeds by year of the baseline (grey, dashed) and each scenario,
    in the registry's units (shares from 0, counts whole, noise never a cliff). Bottom:
    each scenario's paired difference from the baseline, its interval dashed. The
    tooltip gives every arm's value and difference in the registry's formats.
    """
    first = comparisons[0]
    start = first.arms[1][1].start if first.arms else None
    kind = METRICS[metric].format
    scale, unit = display.scale(metric), display.unit(metric)
    diff_scale, diff_unit = display.scale(metric, True), display.unit(metric, True)
    tables = [c.table[c.table.metric == metric].sort_values("year") for c in comparisons]
    years = [int(y) for y in tables[0].year]
    labels = [year_label(start, y) for y in years]
    tips = []
    for i in range(len(years)):
        lines = [labels[i], f"{first.names[0]}: "
                 f"{display.text(metric, tables[0].baseline_mean.iloc[i])}"]  # fmt: skip
        for comparison, rows in zip(comparisons, tables, strict=True):
            row = rows.iloc[i]
            lines.append(
                f"{comparison.names[1]}: {display.text(metric, row.scenario_mean)} "
                f"({display.text(metric, row.diff_mean, difference=True)}"
                f"{_relative_text(kind, row.diff_mean, row.baseline_mean)}; {LEVEL:.0%} "
                f"interval {interval_text(metric, row.diff_lo, row.diff_hi)})"
            )
        tips.append("\n".join(lines))
    base = [_num(v * scale) for v in tables[0].baseline_mean]
    series = [
        {"type": "line", "name": baseline_label(first.names[0]), "xAxisIndex": 0,
         "yAxisIndex": 0, "lineStyle": {"type": "dashed", "color": BASELINE_COLOUR},
         "itemStyle": {"color": BASELINE_COLOUR},
         "data": [{"value": v, "name": tips[i]} for i, v in enumerate(base)]}
    ]  # fmt: skip
    levels = list(base)
    for index, (comparison, rows) in enumerate(zip(comparisons, tables, strict=True)):
        colour = COLOURS[index % len(COLOURS)]
        name = comparison.names[1]
        values = [_num(v * scale) for v in rows.scenario_mean]
        levels += values
        series.append({"type": "line", "name": name, "xAxisIndex": 0, "yAxisIndex": 0,
                       "itemStyle": {"color": colour}, "lineStyle": {"color": colour},
                       "data": values})  # fmt: skip
        series.append({"type": "line", "name": name, "xAxisIndex": 1, "yAxisIndex": 1,
                       "itemStyle": {"color": colour}, "lineStyle": {"color": colour},
                       "data": [_num(v * diff_scale) for v in rows.diff_mean]})  # fmt: skip
        for column in ("diff_lo", "diff_hi"):
            series.append({"type": "line", "name": name, "xAxisIndex": 1, "yAxisIndex": 1,
                           "showSymbol": False, "itemStyle": {"color": colour},
                           "lineStyle": {"color": colour, "type": "dashed", "width": 1},
                           "data": [_num(v * diff_scale) for v in rows[column]]})  # fmt: skip
    level_axis = value_axis([v for v in levels if v is not None], kind, 0)
    diff_axis: dict = {"type": "value", "gridIndex": 1}
    if kind == "count":
        diff_axis["minInterval"] = 1
    title = display.label(metric) + (f", {unit}" if unit else "")
    below = "Difference from baseline" + (f", {diff_unit}" if diff_unit else "")
    return {
        "animation": False,
        "title": [
            {
                "text": title,
                "left": "center",
                "top": 0,
                "textStyle": {"fontSize": 13, "fontWeight": "bold"},
            },
            {
                "text": below,
                "left": "center",
                "top": "55%",
                "textStyle": {"fontSize": 12, "fontWeight": "normal"},
            },
        ],
        "legend": {"top": 24, "left": "center", "type": "scroll"},
        "tooltip": {
            "trigger": "axis",
            "formatter": "{b0}",
            "confine": True,
            "extraCssText": "white-space: pre-line; max-width: 340px;",
        },
        "grid": [
            {"left": 8, "right": 16, "top": 64, "height": "28%", "containLabel": True},
            {"left": 8, "right": 16, "top": "63%", "bottom": 8, "containLabel": True},
        ],
        "xAxis": [
            {"type": "category", "data": labels, "gridIndex": 0, "boundaryGap": False},
            {"type": "category", "data": labels, "gridIndex": 1, "boundaryGap": False},
        ],
        "yAxis": [level_axis, diff_axis],
        "series": series,
    }


def results_table_html(
    comparisons: Sequence[Comparison], metrics: Sequence[str], css: str = "cwb-compare-table"
) -> str:
    """The final year as an HTML table, in the registry's formats.

    Per measure: the baseline's value, then each finished scenario's value, its
    difference from the baseline and the interval of the difference.
    """
    if not comparisons:
        return ""
    drawn = any(c.draws is not None for c in comparisons)
    year = int(min(c.table.year.max() for c in comparisons))
    heads = ["Measure", "Scenario", "Value", "Difference", f"{LEVEL:.0%} interval"]
    if drawn:
        heads.append(f"{LEVEL:.0%} interval with parameter uncertainty")
    rows = []
    for metric in metrics:
        finals = [c.table[(c.table.metric == metric) & (c.table.year == year)] for c in comparisons]
        if not len(finals[0]):
            continue
        unit = display.unit(metric)
        measure = html.escape(display.label(metric) + (f" ({unit})" if unit else ""))
        base = finals[0].iloc[0]
        rows.append(
            f"<tr class='cwb-baseline-row'><th scope='row' rowspan='{len(comparisons) + 1}'>"
            f"{measure}</th><td>Baseline</td><td>"
            f"{html.escape(display.text(metric, base.baseline_mean))}</td>"
            + "<td></td>" * (len(heads) - 3)
            + "</tr>"
        )
        for comparison, final in zip(comparisons, finals, strict=True):
            row = final.iloc[0]
            cells = scenario_cells(metric, row, drawn)
            rows.append(
                f"<tr data-scenario='{html.escape(comparison.names[1])}'>"
                f"<td>{html.escape(comparison.names[1])}</td>"
                + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                + "</tr>"
            )
    head = "".join(f"<th scope='col'>{h}</th>" for h in heads)
    return (
        f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
