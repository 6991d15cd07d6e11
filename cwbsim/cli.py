"""The ``cwbsim`` command line: parse, call the library, print. Bad input exits with code 2."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from cwbsim.model.errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate money flowing through a local economy (community wealth building).",
)
console = Console()
errors = Console(stderr=True)


def _fail(message: str) -> None:
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@contextmanager
def _progress(label: str, total: int | None, unit: str = "months"):
    """A progress bar with ETA on stderr; yields ``tick(done, total=None)``."""
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        f"{{task.completed}}/{{task.total}} {unit}",
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)

        def tick(done: int, new_total: int | None = None) -> None:
            bar.update(task, completed=done, total=new_total or bar.tasks[0].total)

        yield tick


def _run(spec: str, years: int, seed: int, engine: str, label: str, check: bool = False):
    from cwbsim.scenarios.running import run_economy

    with _progress(label, years * 12) as tick:
        return run_economy(spec, years, seed, engine, tick, check)


def _number(value, template: str, scale: float = 1.0) -> str:
    """Format a number, or a dash where there is none (no spend, no income)."""
    if value is None or value != value:
        return "–"
    return template.format(value / scale)


def _year_table(result) -> Table:
    table = Table(title=f"{result.spec_source}: seed {result.seed}, {result.engine} engine")
    for column in ("Year", "Spend £m", "Local", "Local+region", "LM3", "Income £m", "Jobs"):
        table.add_column(column, justify="right")
    for row in result.years:
        table.add_row(
            str(row["year"]),
            _number(row["anchor_spend"], "{:,.1f}", 1e6),
            _number(row["local_share"], "{:.1%}"),
            _number(row["region_share"], "{:.1%}"),
            _number(row["lm3"], "{:.3f}"),
            _number(row["local_income"], "{:,.1f}", 1e6),
            _number(row["local_jobs"], "{:,.0f}"),
        )
    return table


def _is_scenario(spec: str) -> bool:
    from cwbsim.scenarios.schema import builtin_scenarios, is_scenario_file

    path = Path(spec)
    if path.suffix == ".toml" and path.exists():
        return is_scenario_file(path)
    return spec in builtin_scenarios() and spec not in _builtin_specs()


def _builtin_specs() -> list[str]:
    from cwbsim.model.spec import builtin_specs

    return builtin_specs()


@app.command()
def run(
    spec: Annotated[
        str,
        typer.Argument(help="A built-in spec or scenario name, or a spec or scenario TOML path."),
    ],
    years: Annotated[
        int | None, typer.Option(help="Years to simulate (default: 10, or the scenario's).")
    ] = None,
    seed: Annotated[int, typer.Option(help="The run's one random seed.")] = 1,
    engine: Annotated[
        str, typer.Option(help="vectorised (fast) or reference (slow, for checks).")
    ] = "vectorised",
    check_conservation: Annotated[
        bool, typer.Option(help="Assert after every step that money is conserved (debug).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Folder for summary.json, Parquet files and spec.toml.")
    ] = None,
) -> None:
    """Run an economy spec or a scenario and print a table per year; with --out, write outputs."""
    try:
        if _is_scenario(spec):
            from cwbsim.scenarios.running import run_scenario
            from cwbsim.scenarios.schema import load_scenario

            scenario, base = load_scenario(spec)
            run_years = scenario.years if years is None else years
            with _progress(f"Running {scenario.name}", run_years * 12) as tick:
                result = run_scenario(scenario, base, seed, run_years, tick, engine)
        else:
            run_years = 10 if years is None else years
            result = _run(spec, run_years, seed, engine, f"Running {spec}", check_conservation)
        console.print(_year_table(result))
        if out is not None:
            from cwbsim.scenarios.running import write_run

            for path in write_run(result, out):
                console.print(f"wrote {path}")
    except InputError as error:
        _fail(str(error))


@app.command()
def compare(
    baseline: Annotated[
        str, typer.Argument(help="Baseline scenario: a built-in name or a TOML path.")
    ],
    scenario: Annotated[str, typer.Argument(help="Scenario to compare: a name or a TOML path.")],
    seeds: Annotated[
        int | None, typer.Option(help="Paired seeds (default: the scenario's).")
    ] = None,
    years: Annotated[int | None, typer.Option(help="Years (default: the scenario's).")] = None,
    out: Annotated[
        Path, typer.Option(help="Folder for comparison.csv, report.html and charts.")
    ] = Path("runs/compare"),
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes (default: all cores).")
    ] = None,
) -> None:
    """Compare two scenarios over the same seeds: means, paired differences, 90% intervals."""
    try:
        from cwbsim.scenarios.compare import compare as run_compare
        from cwbsim.scenarios.report import write_comparison
        from cwbsim.scenarios.schema import load_scenario

        plan, _ = load_scenario(scenario)
        load_scenario(baseline)
        n_seeds = plan.seeds if seeds is None else seeds
        n_years = plan.years if years is None else years
        if n_seeds < 1 or n_years < 1:
            raise InputError("--seeds and --years: must be >= 1 (allowed: whole numbers >= 1)")
        with _progress(f"{scenario} vs {baseline}", 2 * n_seeds, "runs") as tick:
            result = run_compare(baseline, scenario, n_seeds, n_years, workers, tick)
        paths = write_comparison(result, out)
        last = result.table[result.table.year == n_years].set_index("metric")
        table = Table(title=f"{scenario} - {baseline}, year {n_years}, {n_seeds} paired seeds")
        for column in ("Metric", "Baseline", "Scenario", "Difference", "90% interval"):
            table.add_column(column, justify="right")
        for metric in ("local_share", "region_share", "lm3", "local_income", "local_jobs", "gini"):
            row = last.loc[metric]
            scale, template = (1e6, "{:,.1f}") if metric == "local_income" else (1.0, "{:.4g}")
            table.add_row(
                metric,
                _number(row.baseline_mean, template, scale),
                _number(row.scenario_mean, template, scale),
                _number(row.diff_mean, template, scale),
                f"{_number(row.diff_lo, template, scale)} to {_number(row.diff_hi, template, scale)}",
            )
        console.print(table)
        console.print(f"wrote {paths[-1]} and {len(paths) - 1} other files in {out}")
    except InputError as error:
        _fail(str(error))


@app.command()
def analyze(
    files: Annotated[list[Path], typer.Argument(help="Spend files (CSV or XLSX).")],
    local: Annotated[list[str], typer.Option(help="The place: LAD codes or district names.")],
    region: Annotated[
        list[str] | None,
        typer.Option(help="The wider region: LAD codes, names or a group (lancashire)."),
    ] = None,
    suppliers: Annotated[Path | None, typer.Option(help="Supplier lookup CSV.")] = None,
    companies: Annotated[
        Path | None, typer.Option(help="Companies House basic company data CSV.")
    ] = None,
    onspd: Annotated[
        Path | None,
        typer.Option(help="Postcode directory CSV (pcd, laua) to use instead of the built-in one."),
    ] = None,
    columns: Annotated[
        str | None, typer.Option(help="Override detected columns: supplier=...,amount=...,date=...")
    ] = None,
    body: Annotated[
        str | None, typer.Option(help="Paying body's name where the files do not say.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for analysis.json and analysis.html.")] = Path(
        "runs/analysis"
    ),
) -> None:
    """CLES-style spend analysis of published spend files."""
    try:
        from cwbsim.calibration.analysis import prepare
        from cwbsim.calibration.analysis_report import write_analysis

        ready = prepare(files, local, region, suppliers, companies, onspd, columns, body)
        data, result = ready.data, ready.analysis
        local_codes, region_codes = ready.local, ready.region
        options = {
            "files": [str(f) for f in files],
            "local": local_codes,
            "region": region_codes,
            "suppliers": str(suppliers) if suppliers else None,
            "companies": str(companies) if companies else None,
            "columns": columns,
        }
        paths = write_analysis(result, data, options, out)
    except InputError as error:
        _fail(str(error))
    _print_analysis(result, data)
    console.print(f"wrote {paths[0]} and {paths[1]}")


def _print_analysis(result, data) -> None:
    files = Table(title="Files read")
    for column in ("File", "Read", "Used", "Rejected", "Overlap", "Total £"):
        files.add_column(column, justify="right")
    for r in data.reports:
        rejected = ", ".join(f"{k}: {v}" for k, v in r.rejected.items()) or "0"
        files.add_row(Path(r.source).name, str(r.rows_read), str(r.rows_used), rejected,
                      str(r.duplicates), f"{r.total:,.2f}")  # fmt: skip
    console.print(files)
    tiers = Table(title=f"Spend by tier (total £{result.total:,.0f})")
    for column in ("Tier", "Spend £", "Share"):
        tiers.add_column(column, justify="right")
    for row in result.by_tier.itertuples(index=False):
        tiers.add_row(str(row.tier), f"{row.spend:,.0f}", f"{row.share:.1%}")
    console.print(tiers)
    gap = Table(title="Gap: sectors where spend leaves although local suppliers exist")
    for column in ("Sector", "Spend £", "Local £", "Could move £", "Local suppliers"):
        gap.add_column(column, justify="right")
    for row in result.gap.head(10).itertuples(index=False):
        gap.add_row(row.sector, f"{row.spend:,.0f}", f"{row.local_spend:,.0f}",
                    f"{row.could_move:,.0f}", str(row.local_suppliers))  # fmt: skip
    console.print(gap)
    rate = result.match_rate
    console.print(
        f"Suppliers matched: {rate['suppliers']:.1%} of suppliers, {rate['spend']:.1%} of spend."
    )
    unmatched = result.suppliers[result.suppliers.matched_by == "unmatched"].head(10)
    if len(unmatched):
        console.print("Largest unmatched suppliers (add them to --suppliers):")
        for row in unmatched.itertuples(index=False):
            console.print(f"  {row.supplier}: £{row.spend:,.2f}")


@app.command()
def calibrate(
    files: Annotated[list[Path], typer.Argument(help="Spend files (CSV or XLSX).")],
    local: Annotated[list[str], typer.Option(help="The place: LAD codes or district names.")],
    targets: Annotated[Path, typer.Option(help="Targets TOML ([targets] and optional [fit]).")],
    out: Annotated[Path, typer.Option(help="The spec file to write (TOML).")],
    region: Annotated[
        list[str] | None, typer.Option(help="The wider region (codes, names, or lancashire).")
    ] = None,
    suppliers: Annotated[Path | None, typer.Option(help="Supplier lookup CSV.")] = None,
    companies: Annotated[
        Path | None, typer.Option(help="Companies House basic company data CSV.")
    ] = None,
    columns: Annotated[
        str | None, typer.Option(help="Override detected columns: supplier=...,amount=...")
    ] = None,
    body: Annotated[
        str | None, typer.Option(help="Paying body's name where the files do not say.")
    ] = None,
    start: Annotated[str, typer.Option(help="First month of the economy, YYYY-MM.")] = "2024-04",
    months: Annotated[
        int | None,
        typer.Option(
            min=1, help="Months the files cover (default: the months with dated payments)."
        ),
    ] = None,
    household_weight: Annotated[
        int, typer.Option(help="Households per agent (larger is faster).")
    ] = 1,
    households: Annotated[
        int | None,
        typer.Option(
            help="Households per local district (default: Census 2021 or Lancashire-12 average)."
        ),
    ] = None,
    firms: Annotated[
        int | None,
        typer.Option(
            help="Firms per local district (default: business counts or Lancashire-12 average)."
        ),
    ] = None,
    onspd: Annotated[
        Path | None,
        typer.Option(help="Postcode directory CSV (pcd, laua) instead of the built-in one."),
    ] = None,
) -> None:
    """Build an economy from spend files and fit its unseen behaviour to targets."""
    try:
        import json

        import tomli_w

        from cwbsim.calibration.analysis import prepare
        from cwbsim.calibration.construct import Construction, build_spec
        from cwbsim.calibration.fitting import fit, with_parameters
        from cwbsim.calibration.targets import load_targets

        if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", start):
            raise InputError(f"--start: {start!r} (expected YYYY-MM, e.g. 2024-04)")
        goals = load_targets(targets)
        ready = prepare(files, local, region, suppliers, companies, onspd, columns, body)
        analysis, local_codes, region_codes = ready.analysis, ready.local, ready.region
        totals = {k: v for k, v in (("households", households), ("firms", firms)) if v is not None}
        if any(v < 1 for v in totals.values()):
            raise InputError("--households and --firms: must be >= 1 (allowed: whole numbers >= 1)")
        options = Construction(
            name=out.stem,
            start=start,
            household_weight=household_weight,
            months=months,
            overrides={code: totals for code in local_codes},
        )
        spec, notes = build_spec(analysis, local_codes, region_codes, options)
        with Progress("[progress.description]{task.description}", TimeElapsedColumn(),
                      console=errors, transient=True) as bar:  # fmt: skip
            bar.add_task("Fitting (simulated method of moments)", total=None)
            result = fit(
                spec,
                goals.targets,
                goals.fit.parameters,
                goals.fit.seeds,
                max_evaluations=goals.fit.max_evaluations,
            )
        fitted = with_parameters(spec, result.parameters)
        out.parent.mkdir(parents=True, exist_ok=True)
        header = (
            f"# Built by cwbsim calibrate from {len(files)} spend file(s); behaviour fitted to "
            f"{targets}. See {out.with_suffix('.calibration.json').name}.\n"
        )
        out.write_text(header + tomli_w.dumps(fitted.model_dump(mode="json", exclude_none=True)))
        report = {"fit": result.as_dict(), "construction": notes, "match_rate": analysis.match_rate}
        out.with_suffix(".calibration.json").write_text(json.dumps(report, indent=2, default=str))
    except InputError as error:
        _fail(str(error))
    table = Table(title=f"Calibration of {out.name}: loss {result.loss:.4g}")
    for column in ("Target", "Wanted", "Simulated", "Spread over seeds"):
        table.add_column(column, justify="right")
    for name, row in result.targets.items():
        table.add_row(
            name, f"{row['target']:.4g}", f"{row['simulated']:.4g}", f"{row['spread']:.2g}"
        )
    console.print(table)
    for name, value in result.parameters.items():
        console.print(f"fitted {name} = {value:.3f}")
    for warning in result.warnings:
        console.print(f"warning: {warning}")
    console.print(f"wrote {out} and {out.with_suffix('.calibration.json')}")


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep TOML (see cwbsim/scenarios/sweeps/).")],
    out: Annotated[Path, typer.Option(help="Result store folder (resumed if it exists).")],
    workers: Annotated[
        int | None, typer.Option(min=1, help="Local processes (default: all cores).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://HOST:8786.")
    ] = None,
    dask_local: Annotated[
        int | None, typer.Option(help="Start a local Dask cluster of N workers.")
    ] = None,
) -> None:
    """Run a sweep (or resume it), committing each run to a Parquet store as it finishes."""
    from cwbsim.scenarios.sweep_run import run_sweep

    try:
        with _progress(f"Sweep {sweep_file.name}", None, "runs") as tick:
            figures = run_sweep(sweep_file, out, workers, scheduler, dask_local, tick)
    except InputError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        errors.print(
            f"interrupted: finished runs are kept in {out}; run the same command to resume"
        )
        raise typer.Exit(130) from None
    console.print(
        f"{figures['runs']} runs in {figures['wall_seconds']:.1f} s on {figures['workers']} "
        f"worker(s) ({figures['runs'] / max(figures['wall_seconds'], 1e-9) * 60:.0f} runs a "
        f"minute); results in {out}"
    )


@app.command()
def sensitivity(
    store: Annotated[Path, typer.Argument(help="A sweep's result folder.")],
    metric: Annotated[str, typer.Option(help="Metric to analyse.")] = "local_income",
    year: Annotated[int, typer.Option(help="Year of the metric.")] = 5,
) -> None:
    """Sobol or Morris indices of a sweep's metric, with plots against each parameter."""
    try:
        from cwbsim.scenarios.sensitivity import analyse_store

        result = analyse_store(store, metric, year)
    except InputError as error:
        _fail(str(error))
    if result["table"] is not None:
        table = Table(title=f"{result['design'].title()} indices of {metric}, year {year}")
        for column in result["table"].columns:
            table.add_column(column, justify="right")
        for row in result["table"].itertuples(index=False):
            table.add_row(*[v if isinstance(v, str) else f"{v:.3f}" for v in row])
        console.print(table)
    for warning in result["warnings"]:
        console.print(f"warning: {warning}")
    for path in result["plots"]:
        console.print(f"wrote {path}")


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
        f"Multiplier 3; its closed-form value at the start is {_number(result.analytic['lm3'], '{:.3f}')}. "
        "Money is £ per year."
    )


@app.command()
def specs() -> None:
    """List the built-in economy specs."""
    from cwbsim.model.spec import builtin_specs, load_spec

    for name in builtin_specs():
        console.print(f"{name}: {load_spec(name).description}")


def main() -> None:
    """Entry point of the ``cwbsim`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
