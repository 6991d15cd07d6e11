"""Commands for sweeps: sweep and sensitivity."""

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
    _progress,
    app,
    console,
    errors,
    with_areas,
)
from cwbsim.model.errors import InputError


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep TOML (see cwbsim/scenarios/sweeps/).")],
    out: Annotated[Path, typer.Option(help="Result store folder (resumed if it exists).")],
    workers: Workers = None,
    scheduler: Scheduler = None,
    dask_local: DaskLocal = None,
    area: AreaOption = None,
    worker_memory: WorkerMemory = None,
) -> None:
    """Run a sweep (or resume it), committing each run to a Parquet store as it finishes."""
    from cwbsim.scenarios import evaluators
    from cwbsim.scenarios.sweep_run import run_sweep
    from cwbsim.scenarios.sweep_schema import load_sweep

    try:
        groups = None
        if area:
            economy = with_areas(load_sweep(sweep_file)[2], area[:1])[0]
            groups = economy.groups
        with evaluators.make(
            workers, scheduler, dask_local, worker_memory=worker_memory
        ) as evaluator:
            limit = evaluator.memory_limit()
            with _progress(f"Sweep {sweep_file.name}", None, "runs") as tick:
                figures = run_sweep(
                    sweep_file, out, evaluator, tick, areas=area[:1] if area else None,
                    groups=groups,
                )  # fmt: skip
    except InputError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        errors.print(
            f"interrupted: finished runs are kept in {out}; run the same command to resume"
        )
        raise typer.Exit(130) from None
    skipped = f"; {figures['skipped']} already stored were skipped" if figures["skipped"] else ""
    if not figures["runs"]:
        console.print(f"nothing to run{skipped}; results in {out}")
        return
    within = f", {limit / 1e9:.1f} GB each" if limit else ""
    console.print(
        f"{figures['runs']} runs in {figures['wall_seconds']:.1f} s on {figures['workers']} "
        f"worker(s){within} ({figures['runs'] / max(figures['wall_seconds'], 1e-9) * 60:.0f} "
        f"runs a minute){skipped}; results in {out}"
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
