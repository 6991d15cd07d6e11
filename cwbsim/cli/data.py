"""Commands that build the user's local data: the company index and the supplier register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from cwbsim.cli.common import _fail, app, console, errors
from cwbsim.model.errors import InputError

data_app = typer.Typer(help="Import public data into the local index (your data folder).",
                       no_args_is_help=True)  # fmt: skip
suppliers_app = typer.Typer(help="The supplier register: what is placed, and what is not yet.",
                            no_args_is_help=True)  # fmt: skip
app.add_typer(data_app, name="data")
app.add_typer(suppliers_app, name="suppliers")


@data_app.command("companies-house")
def companies_house(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Basic Company Data: the one-file .zip or .csv, or all its parts."),
    ] = None,
    download: Annotated[
        bool, typer.Option(help="Fetch this month's file from Companies House first.")
    ] = False,
    url: Annotated[str | None, typer.Option(help="Fetch this address instead.")] = None,
) -> None:
    """Import Companies House's Basic Company Data into the local company index."""
    from cwbsim.calibration.company_index import ingest_companies_house
    from cwbsim.calibration.download import companies_house_urls

    try:
        paths = list(files or [])
        if download or url:
            paths.append(_download([url] if url else companies_house_urls()))
        if not paths:
            raise InputError("companies-house: no file given (expected FILE.zip or FILE.csv, "
                             "or --download)")  # fmt: skip
        with Progress("[progress.description]{task.description}", BarColumn(),
                      "{task.completed:,} rows", TimeElapsedColumn(), console=errors,
                      transient=True) as bar:  # fmt: skip
            task = bar.add_task("Importing companies", total=None)
            report = ingest_companies_house(paths, lambda n: bar.advance(task, n))
    except InputError as error:
        _fail(str(error))
    console.print(f"Imported {report.rows:,} companies in {report.seconds:.0f} s into "
                  f"{report.path}", markup=False)  # fmt: skip


def _download(urls: list[str]) -> Path:
    from cwbsim.calibration.download import fetch

    last: InputError | None = None
    for address in urls:
        with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                      TransferSpeedColumn(), TimeElapsedColumn(), console=errors,
                      transient=True) as bar:  # fmt: skip
            task = bar.add_task(address.rsplit("/", 1)[-1], total=None)
            try:
                return fetch(address, tick=lambda done, total, task=task: bar.update(
                    task, completed=done, total=total))  # fmt: skip
            except InputError as error:
                last = error
    raise last if last else InputError("no address to download")


@data_app.command("contracts")
def contracts(
    files: Annotated[list[Path], typer.Argument(help="OCDS release packages (JSON).")],
) -> None:
    """Add the suppliers of Contracts Finder / Find a Tender OCDS packages to the index."""
    from cwbsim.calibration.ocds import ingest_contracts

    try:
        count, path = ingest_contracts(files)
    except InputError as error:
        _fail(str(error))
    console.print(f"{count:,} OCDS suppliers in {path}", markup=False)


@suppliers_app.command("todo")
def todo(
    files: Annotated[list[Path], typer.Argument(help="Spend files (CSV, XLSX or XLS).")],
    local: Annotated[list[str], typer.Option(help="The place: district codes or names.")],
    region: Annotated[list[str] | None, typer.Option(help="The wider region.")] = None,
    out: Annotated[Path, typer.Option(help="The worklist CSV to fill in.")] = Path("todo.csv"),
    register: Annotated[Path | None, typer.Option(help="Supplier register CSV.")] = None,
    skip_unreadable: Annotated[bool, typer.Option(help="Go on past unreadable sheets.")] = False,
) -> None:
    """List the unplaced suppliers by £, and how many to place by hand for 80/90/95%."""
    from cwbsim.calibration.analysis import Options, prepare
    from cwbsim.calibration.worklist import worklist, write_worklist

    try:
        ready = prepare(Options(files, local, region, skip_unreadable=skip_unreadable,
                                register=register))  # fmt: skip
        work = worklist(ready.analysis)
        write_worklist(work.rows, out)
    except InputError as error:
        _fail(str(error))
    console.print(
        f"Procurement base £{ready.analysis.base_total:,.0f}: {work.placed:.1%} placed; "
        f"{len(work.rows):,} suppliers not yet placed."
    )
    table = Table(title="Suppliers to place by hand to reach a share of the base")
    for column in ("Target", "Suppliers to place"):
        table.add_column(column, justify="right")
    for target, count in work.needed.items():
        table.add_row(f"{target:.0%}", "reached" if count == 0 else
                      ("not reachable" if count is None else f"{count:,}"))  # fmt: skip
    console.print(table)
    for row in work.rows[:15]:
        console.print(f"  £{row['spend']:>14,.2f}  {row['supplier']}", markup=False)
    console.print(f"wrote {out}: fill in postcode or area (type and sector optional), then "
                  f"run cwbsim suppliers add {out}", markup=False)  # fmt: skip


@suppliers_app.command("add")
def add(
    file: Annotated[Path, typer.Argument(help="A filled-in worklist CSV.")],
    register: Annotated[Path | None, typer.Option(help="Supplier register CSV.")] = None,
) -> None:
    """Merge hand placements (supplier, postcode or area, type, sector) into the register."""
    from cwbsim.calibration.geography import PostcodeLookup
    from cwbsim.calibration.supplier_register import SupplierRegister, read_worklist

    try:
        entries = read_worklist(file, PostcodeLookup())
        book = SupplierRegister(register)
        for entry in entries:
            book.put(entry)
        path = book.save()
    except InputError as error:
        _fail(str(error))
    console.print(f"added {len(entries):,} placements by hand to {path}", markup=False)
