"""The command that checks the model against what Preston published: validate."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cwbsim.cli.common import DaskLocal, Scheduler, Workers, _fail, app, console
from cwbsim.model.errors import InputError

PLACES = ("preston",)


@app.command()
def validate(
    place: Annotated[str, typer.Argument(help="The place to validate (preston).")],
    out: Annotated[Path, typer.Option(help="Folder for validation.md and its tables.")] = Path(
        "docs"
    ),
    library: Annotated[
        bool,
        typer.Option(
            help="Also write the posterior to the built-in scenarios' preston-posterior.csv "
            "(for maintainers)."
        ),
    ] = False,
    quick: Annotated[
        bool, typer.Option(help="A small run for checking the pipeline (numbers too rough).")
    ] = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
    dask_local: DaskLocal = None,
) -> None:
    """Fit the Preston back-cast in pounds, check it out of sample, and write validation.md."""
    try:
        if place.lower() not in PLACES:
            raise InputError(f"validate: {place!r} (allowed: {', '.join(PLACES)})")
        from cwbsim.calibration import validation, validation_report
        from cwbsim.scenarios import evaluators
        from cwbsim.scenarios.outputs import atomic_write, writable_folder
        from cwbsim.scenarios.schema import library_folder

        writable_folder(out)
        settings = validation.Settings()
        if quick:
            settings = validation.Settings(
                population=8, generations=2, minutes=1.0, in_sample_seeds=2,
                predictive_draws=4, profile_points=3, profile_seeds=1, compare_seeds=3,
                headline_seeds=3,
            )  # fmt: skip
        start = time.perf_counter()
        preload = ("cwbsim.calibration.backcast", "cwbsim.calibration.validation")
        with evaluators.make(workers, scheduler, dask_local, preload) as evaluator:
            result = validation.validate(evaluator, settings, lambda text: console.print(text))
        seconds = time.perf_counter() - start
        out.mkdir(parents=True, exist_ok=True)
        text = validation_report.document(result, seconds)
        atomic_write(out / "validation.md", lambda p: p.write_text(text, encoding="utf-8"))
        posterior = validation_report.posterior_table(result)
        atomic_write(out / "preston-posterior.csv", lambda p: posterior.to_csv(p, index=False))
        written = [out / "validation.md", out / "preston-posterior.csv"]
        if library:
            target = Path(str(library_folder())) / "preston-posterior.csv"
            atomic_write(target, lambda p: posterior.to_csv(p, index=False))
            written.append(target)
        console.print(f"wrote {', '.join(str(p) for p in written)} in {seconds / 60:.1f} minutes")
    except InputError as error:
        _fail(str(error))
