"""Shared parts of the command line: the Typer app, consoles, errors, progress bars."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

from cwbsim.model.errors import InputError

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
WorkerMemory = Annotated[
    str | None,
    typer.Option(
        help="With --dask-local: each worker's memory limit, e.g. 8GB (default: the "
        "machine's memory shared equally). Dask restarts a worker at 95% of it."
    ),
]
"""Where a batch of runs goes (:func:`cwbsim.scenarios.evaluators.make`); shared by commands."""
errors = Console(stderr=True)
AreaOption = Annotated[
    list[str] | None,
    typer.Option(
        "--area",
        help="Whose metrics: an area or group of the economy (Preston, Lancashire), a county "
        "or combined authority, or a list of codes; repeat to report several, the first "
        "is the headline.",
    ),
]


def with_areas(spec, texts: list[str] | None):
    """The spec with a named group for each ``--area`` it does not know itself, and the texts.

    An area, group or list the spec resolves is kept; otherwise the text is read as
    districts (a county, combined authority or codes, :func:`resolve_districts`) and
    becomes a group of the spec's areas with that name.

    Raises
    ------
    InputError
        When the text names neither the spec's areas nor districts among them.
    """
    if not texts:
        return spec, None
    from cwbsim.calibration.geography import resolve_districts
    from cwbsim.model.spec.areas import resolve_area

    groups = dict(spec.groups)
    for text in texts:
        try:
            resolve_area(spec, text)
            continue
        except InputError as own:
            try:
                codes = resolve_districts([text], "--area")
            except InputError:
                raise own from None
        known = [a.code for a in spec.areas]
        inside = [c for c in codes if c in known]
        if not inside:
            raise InputError(
                f"--area: {text!r} has no district in {spec.name} "
                f"(allowed: {', '.join(a.name for a in spec.areas if a.tier != 'outside')})"
            )
        groups[text] = inside
    return spec.model_copy(update={"groups": groups}), list(texts)


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
