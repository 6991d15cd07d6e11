"""Shared parts of the command line: the Typer app, consoles, errors, progress bars."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate money flowing through a local economy (community wealth building).",
)
console = Console()
Workers = Annotated[int | None, typer.Option(min=1, help="Local processes (default: all cores).")]
Scheduler = Annotated[
    str | None, typer.Option(help="Dask scheduler address, e.g. tcp://HOST:8786.")
]
DaskLocal = Annotated[int | None, typer.Option(help="Start a local Dask cluster of N workers.")]
"""Where a batch of runs goes (:func:`cwbsim.scenarios.evaluators.make`); shared by commands."""
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


def _number(value, template: str, scale: float = 1.0) -> str:
    """Format a number, or a dash where there is none (no spend, no income)."""
    if value is None or value != value:
        return "–"
    return template.format(value / scale)
