"""The ``cwbsim`` command line: parse, call the library, print. Bad input exits with code 2."""

from __future__ import annotations

import sys
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


def _run(spec: str, years: int, seed: int, engine: str, label: str, check: bool = False):
    from cwbsim.scenarios.running import run_economy

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        "{task.completed}/{task.total} months",
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=years * 12)
        return run_economy(
            spec, years, seed, engine, lambda step: bar.update(task, completed=step), check
        )


def _number(value, template: str, scale: float = 1.0) -> str:
    """Format a number, or a dash where there is none (no spend, no income)."""
    if value is None or value != value:
        return "–"
    return template.format(value / scale)


def _year_table(result) -> Table:
    table = Table(title=f"{result.spec.name}: seed {result.seed}, {result.engine} engine")
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


@app.command()
def run(
    spec: Annotated[
        str, typer.Argument(help="A built-in spec name (e.g. preston-2012) or a TOML path.")
    ],
    years: Annotated[int, typer.Option(help="Years to simulate (monthly steps).")] = 10,
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
    """Run an economy spec and print a table per year; with --out, write the outputs."""
    try:
        result = _run(spec, years, seed, engine, f"Running {spec}", check_conservation)
        console.print(_year_table(result))
        if out is not None:
            from cwbsim.scenarios.running import write_run

            for path in write_run(result, out):
                console.print(f"wrote {path}")
    except InputError as error:
        _fail(str(error))


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
