"""Commands that simulate: run, demo, compare, and the built-in lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cwbsim.cli.common import (
    AreaOption,
    DaskLocal,
    Scheduler,
    WorkerMemory,
    Workers,
    _fail,
    _number,
    _progress,
    app,
    console,
    errors,
    with_areas,
)
from cwbsim.model.errors import InputError


def _run(spec: str, years: int, seed: int, engine: str, label: str, check: bool = False):
    from cwbsim.scenarios.running import run_economy

    with _progress(label, years * 12) as tick:
        return run_economy(spec, years, seed, engine, tick, check)


def _year_table(result, area: str | None = None) -> Table:
    from cwbsim.model.record import display

    area = area or next(iter(result.areas), "")
    where = f"{area}, " if len(result.areas) > 1 or area else ""
    table = Table(title=f"{result.spec_source}: {where}seed {result.seed}, {result.engine} engine")
    table.add_column("Year", justify="right")
    for metric in display.headlines():
        table.add_column(display.short(metric), justify="right")
    for row in result.areas.get(area, result.years):
        table.add_row(str(row["year"]), *(display.text(m, row[m]) for m in display.headlines()))
    return table


def _difference_cells(metric: str, row) -> list[str]:
    """A comparison row for people: metric, both means, the difference and its interval."""
    from cwbsim.model.record import display

    return [
        display.label(metric),
        display.text(metric, row.baseline_mean),
        display.text(metric, row.scenario_mean),
        display.text(metric, row.diff_mean, difference=True),
        f"{display.text(metric, row.diff_lo, difference=True)} to "
        f"{display.text(metric, row.diff_hi, difference=True)}",
    ]


def _is_scenario(spec: str) -> bool:
    from cwbsim.scenarios.schema import builtin_scenarios, is_scenario_file

    path = Path(spec)
    if path.suffix == ".toml" and path.exists():
        return is_scenario_file(path)
    from cwbsim.model.spec.files import builtin_specs

    return spec in builtin_scenarios() and spec not in builtin_specs()


def _economy(text: str):
    """A built-in spec, a spec file, or, failing both, the economy of a district by name."""
    from cwbsim.model.spec.files import builtin_specs, load_spec

    if text in builtin_specs() or Path(text).exists() or text.endswith(".toml"):
        return load_spec(text)
    from cwbsim.calibration.place import place_spec

    try:
        return place_spec(text)
    except InputError as error:
        raise InputError(
            f"{text}: not a built-in spec ({', '.join(builtin_specs())}), a scenario, a file "
            f"or a district ({str(error).removeprefix('place: ')})"
        ) from None


SET_HELP = (
    "Set a parameter for this run, PATH=NUMBER (repeatable), e.g. "
    "scenario.intervention.0.weight=4 or spec.households.0.local_share=0.4."
)


def _warn_late(scenario, years: int) -> None:
    from cwbsim.scenarios.driver import not_started

    for item in not_started(scenario.intervention, years):
        span = f"{years} year" + ("s" if years != 1 else "")
        errors.print(
            f"warning: {scenario.name}: {item} starts after the {span} run, so it changes "
            "nothing (raise --years or move its start_year)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def run(
    spec: Annotated[
        str,
        typer.Argument(
            help="A built-in spec or scenario, a spec or scenario TOML path, or a district "
            "(Hyndburn, E07000120: built from official statistics)."
        ),
    ],
    years: Annotated[
        int | None, typer.Option(help="Years to simulate (default: 10, or the scenario's).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="The run's one random seed (default: the scenario's seed, or 1)."),
    ] = None,
    engine: Annotated[
        str, typer.Option(help="vectorised (fast) or reference (slow, for checks).")
    ] = "vectorised",
    check_conservation: Annotated[
        bool, typer.Option(help="Assert after every step that money is conserved (debug).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Folder for summary.json, Parquet files and spec.toml.")
    ] = None,
    settings: Annotated[list[str] | None, typer.Option("--set", help=SET_HELP)] = None,
    area: AreaOption = None,
) -> None:
    """Run an economy spec or a scenario and print a table per year; with --out, write outputs."""
    try:
        from cwbsim.scenarios import limits, parameters
        from cwbsim.scenarios.outputs import writable_folder
        from cwbsim.scenarios.running import run_economy, run_scenario, write_run

        values = parameters.parse_settings(settings or [])
        if seed is not None:
            limits.seed(seed)
        if out is not None:
            writable_folder(out)
        label = spec + "".join(f" --set {t}" for t in settings or [])
        if _is_scenario(spec):
            from cwbsim.scenarios.schema import load_scenario

            scenario, base = parameters.apply(*load_scenario(spec), values, "--set")
            base, areas = with_areas(base, area)
            run_years = limits.years(scenario.years if years is None else years)
            _warn_late(scenario, run_years)
            run_seed = scenario.seed if seed is None else seed
            with _progress(f"Running {scenario.name}", run_years * 12) as tick:
                result = run_scenario(
                    scenario, base, run_seed, run_years, tick, engine, areas=areas
                )
        else:
            _, base = parameters.apply(None, _economy(spec), values, "--set")
            base, areas = with_areas(base, area)
            run_years = limits.years(10 if years is None else years)
            with _progress(f"Running {spec}", run_years * 12) as tick:
                result = run_economy(
                    base, run_years, 1 if seed is None else seed, engine, tick,
                    check_conservation, label=label, areas=areas,
                )  # fmt: skip
        console.print(_year_table(result))
        for name in list(result.areas)[1:]:
            console.print(_year_table(result, name))
        if out is not None:
            for path in write_run(result, out):
                console.print(f"wrote {path}")
    except InputError as error:
        _fail(str(error))


@app.command()
def compare(
    baseline: Annotated[
        str, typer.Argument(help="Baseline scenario: a built-in name or a TOML path.")
    ],
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Scenarios to compare with the baseline, 1 to 5: names or TOML paths.",
            show_default=False,
        ),
    ],
    seeds: Annotated[
        int | None, typer.Option(help="Paired seeds, at least 2 (default: the scenario's).")
    ] = None,
    years: Annotated[int | None, typer.Option(help="Years (default: the scenario's).")] = None,
    out: Annotated[
        Path,
        typer.Option(help="Folder for comparison.csv, report.html, report.pdf and charts."),
    ] = Path("runs/compare"),
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help=SET_HELP + " scenario.* paths change the compared scenarios; spec.* paths "
            "change every arm's economy.",
        ),
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    dask_local: DaskLocal = None,
    uncertain: Annotated[
        bool,
        typer.Option(
            help="Also run each seed with a draw of the uncertain parameters the scenarios "
            "declare, for a second interval that includes them."
        ),
    ] = True,
    area: AreaOption = None,
    worker_memory: WorkerMemory = None,
    pdf: Annotated[
        bool,
        typer.Option(help="Also print the report to report.pdf with Chromium (headless)."),
    ] = True,
) -> None:
    """Compare scenarios with a baseline over the same seeds: means, paired differences, 90% intervals.

    One baseline run per seed serves every scenario; --out gets the committee report.
    """
    try:
        from cwbsim.scenarios import compare as comparing
        from cwbsim.scenarios import evaluators, limits, parameters, uncertainty
        from cwbsim.scenarios.outputs import writable_folder
        from cwbsim.scenarios.report import write_comparisons

        comparing.check_count(len(scenarios))
        arms = comparing.resolve_many(
            baseline, scenarios, parameters.parse_settings(settings or [])
        )
        areas = None
        if area:
            arms = [(plan, with_areas(economy, area)[0]) for plan, economy in arms]
            areas = list(area)
        plan = arms[1][0]
        n_seeds = limits.interval_seeds(plan.seeds if seeds is None else seeds)
        n_years = limits.years(plan.years if years is None else years)
        for arm, _ in arms:
            _warn_late(arm, n_years)
        writable_folder(out)
        drawing = uncertain and any(uncertainty.declared(*arm) for arm in arms[1:])
        runs = (2 if drawing else 1) * len(arms) * n_seeds
        what = scenarios[0] if len(scenarios) == 1 else f"{len(scenarios)} scenarios"
        with evaluators.make(
            workers, scheduler, dask_local, worker_memory=worker_memory
        ) as evaluator:
            with _progress(f"{what} vs {baseline}", runs, "runs") as tick:
                if len(scenarios) == 1:
                    results = [
                        comparing.compare(
                            baseline, scenarios[0], n_seeds, n_years, evaluator, tick,
                            arms=arms, uncertain=uncertain, areas=areas,
                        )
                    ]  # fmt: skip
                else:
                    results = comparing.compare_many(
                        baseline, scenarios, n_seeds, n_years, evaluator, tick, arms=arms,
                        uncertain=uncertain, areas=areas,
                    )  # fmt: skip
        written = write_comparisons(results, out, pdf=pdf)
        for result in results:
            _print_comparison(result, n_years, n_seeds, drawing)
        if drawing:
            console.print(
                "seeds: the mean over seeds at the central parameter values; seeds and "
                "parameters: also what the declared parameter ranges leave unknown"
            )
        report = written.report
        if report.pdf_error:
            errors.print(
                f"report.pdf skipped: {report.pdf_error.removeprefix('PDF not made: ')}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        named = ", ".join(p.name for p in (report.html, report.pdf) if p is not None)
        console.print(
            f"wrote {named} and {len(written.files) - 1 - bool(report.pdf)} other files in {out}"
        )
    except InputError as error:
        _fail(str(error))


def _print_comparison(result, n_years: int, n_seeds: int, drawing: bool) -> None:
    """The final year's table of one comparison, and its areas' tables."""
    from cwbsim.model.record import display

    baseline_name, scenario_name = result.names
    last = result.table[result.table.year == n_years].set_index("metric")
    table = Table(
        title=f"{scenario_name} - {baseline_name}, year {n_years}, {n_seeds} paired seeds"
    )
    columns = ["Metric", "Baseline", "Scenario", "Difference", "90% interval, seeds"]
    if drawing:
        columns.append("90% interval, seeds and parameters")
    for column in columns:
        table.add_column(column, justify="right")
    for metric in display.compared():
        row = last.loc[metric]
        cells = _difference_cells(metric, row)
        if drawing:
            cells.append(
                f"{display.text(metric, row.param_lo, difference=True)} to "
                f"{display.text(metric, row.param_hi, difference=True)}"
                if "param_lo" in row
                else "–"
            )
        table.add_row(*cells)
    console.print(table)
    if result.by_area is not None:
        for name, rows in result.by_area.groupby("area", sort=False):
            final = rows[rows.year == n_years].set_index("metric")
            by_area = Table(title=f"{name}: {scenario_name} - {baseline_name}, year {n_years}")
            for column in ("Metric", "Baseline", "Scenario", "Difference", "90% interval"):
                by_area.add_column(column, justify="right")
            for metric in display.headlines():
                by_area.add_row(*_difference_cells(metric, final.loc[metric]))
            console.print(by_area)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    from cwbsim.scenarios.schema import builtin_scenarios, load_scenario

    for name in builtin_scenarios():
        console.print(f"{name}: {load_scenario(name)[0].description}")


@app.command()
def demo(
    years: Annotated[int, typer.Option(help="Years to simulate.")] = 5,
    seed: Annotated[int, typer.Option(help="The run's one random seed.")] = 1,
) -> None:
    """Simulate the built-in Preston economy (2012/13 baseline) and print a table per year."""
    try:
        result = _run("preston-2012", years, seed, "vectorised", "Simulating Preston 2012/13")
    except InputError as error:
        _fail(str(error))
    console.print(_year_table(result))
    console.print(
        "Anchor spend, local share and local+region share are the six anchors' procurement "
        "(CLES cohort: £750m, 5% Preston, 39% Lancashire in 2012/13). LM3 is NEF's Local "
        f"Multiplier 3; its closed-form value at the start is {_number(result.analytic['lm3'], '{:.2f}')}. "
        "Money is £m a year."
    )


@app.command()
def specs() -> None:
    """List the built-in economy specs."""
    from cwbsim.model.spec.files import builtin_specs, load_spec

    for name in builtin_specs():
        console.print(f"{name}: {load_spec(name).description}")
