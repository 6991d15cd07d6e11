"""Commands on published spend files: analyze and calibrate."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cwbsim.calibration.payees import PROCUREMENT_BASE, TYPES
from cwbsim.cli.common import DaskLocal, Scheduler, Workers, _fail, _progress, app, console, errors
from cwbsim.model.errors import InputError


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
        list[Path] | None,
        typer.Option(
            help="Basic Company Data files to match against for this run, instead "
            "of the imported index (cwbsim data companies-house)."
        ),
    ] = None,
    onspd: Annotated[
        Path | None,
        typer.Option(help="Postcode directory CSV (pcd, laua) to use instead of the built-in one."),
    ] = None,
    base: Annotated[
        str, typer.Option(help="Payee types the local shares are taken over, comma-separated.")
    ] = ",".join(PROCUREMENT_BASE),
    register: Annotated[
        Path | None, typer.Option(help="Supplier register CSV (default: in the data folder).")
    ] = None,
    columns: Annotated[
        str | None, typer.Option(help="Override detected columns: supplier=...,amount=...,date=...")
    ] = None,
    body: Annotated[
        str | None, typer.Option(help="Paying body's name where the files do not say.")
    ] = None,
    skip_unreadable: Annotated[
        bool,
        typer.Option(
            help="Go on past a file or sheet that holds data but no spend table (reported "
            "as not read) instead of stopping."
        ),
    ] = False,
    out: Annotated[Path, typer.Option(help="Folder for analysis.json and analysis.html.")] = Path(
        "runs/analysis"
    ),
) -> None:
    """CLES-style spend analysis of published spend files."""
    try:
        from cwbsim.calibration.analysis import Options, prepare
        from cwbsim.calibration.analysis_report import write_analysis

        ready = prepare(
            Options(files, local, region, suppliers, companies, onspd, columns, body,
                    skip_unreadable, _base(base), register)
        )  # fmt: skip
        data, result = ready.data, ready.analysis
        local_codes, region_codes = ready.local, ready.region
        options = {
            "files": [str(f) for f in files],
            "local": local_codes,
            "region": region_codes,
            "suppliers": str(suppliers) if suppliers else None,
            "companies": [str(c) for c in companies] if companies else None,
            "columns": columns,
            "base": list(_base(base)),
            "register": str(ready.register.path),
            "skip_unreadable": skip_unreadable,
        }
        paths = write_analysis(result, data, options, out)
    except InputError as error:
        _fail(str(error))
    _print_analysis(result, data)
    console.print(f"wrote {paths[0]} and {paths[1]}")


def _print_files(data) -> None:
    """The per-file table, the columns chosen and why, notes, reconciliation, and what was not read."""
    files = Table(title="Files read (rows)")
    for column in ("File", "Read", "Used", "Rejected", "Not data", "Undated", "Total £"):
        files.add_column(column, justify="left" if column == "File" else "right", overflow="fold")
    for r in data.reports:
        rejected = ", ".join(f"{v:,} {k}" for k, v in r.rejected.items()) or "0"
        not_data = ", ".join(f"{v:,} {k}" for k, v in r.not_data.items()) or "0"
        total = "NOT READ" if r.unreadable else f"{r.total:,.2f}"
        files.add_row(Path(r.source).name, f"{r.rows_read:,}", f"{r.rows_used:,}", rejected,
                      not_data, f"{r.undated:,}", total)  # fmt: skip
    console.print(files)
    chosen = Table(title="Columns chosen, with their scores (cells, then header words)")
    for column in ("File", "Amount", "Supplier", "Date", "Decided by"):
        chosen.add_column(column, overflow="fold")
    for r in data.reports:
        if r.columns:
            chosen.add_row(Path(r.source).name, *(_choice(r, role) for role in
                           ("amount", "supplier", "date")), r.decided_by)  # fmt: skip
    console.print(chosen)
    for r in data.reports:
        name = Path(r.source).name
        for note in r.notes:
            console.print(f"{name}: {note}", markup=False, highlight=False)
        if r.published_total is not None:
            console.print(
                f"{name}: publisher's total £{r.published_total:,.2f}; rows £"
                f"{r.total + sum(r.rejected_total.values()):,.2f}; difference £{r.difference:,.2f}",
                markup=False,
                highlight=False,
            )
    unreadable = data.not_read
    if unreadable:
        rows = sum(r.not_read for r in unreadable)
        errors.print(
            f"[bold red]NOT READ: {len(unreadable)} file(s) or sheet(s), {rows:,} rows; their "
            "£ is not in any total below.[/bold red]"
        )
        for r in unreadable:
            errors.print(f"  {r.unreadable}", markup=False, highlight=False)


def _choice(report, role: str) -> str:
    name = report.columns.get(role)
    if name is None:
        return "–"
    cells, header = report.evidence[role].split(";")[0].split(" header ")
    return f"{name} ({cells.removeprefix('cells ')}, {header})"


def _print_analysis(result, data) -> None:
    _print_files(data)
    types = Table(title=f"Who was paid (all £{result.total:,.0f})")
    for column in ("Payee type", "Spend £", "Share", "In the base"):
        types.add_column(column, justify="right")
    for row in result.by_type.itertuples(index=False):
        types.add_row(str(row.type), f"{row.spend:,.0f}", f"{row.share:.1%}",
                      "yes" if row.in_base else "no")  # fmt: skip
    console.print(types)
    excluded = ", ".join(f"{t} £{v:,.0f}" for t, v in result.excluded.items()) or "nothing"
    console.print(
        f"Procurement base ({', '.join(result.base)}): £{result.base_total:,.0f}; "
        f"excluded: {excluded}.",
        markup=False,
        highlight=False,
    )
    tiers = Table(title=f"Spend by tier, over the procurement base (£{result.base_total:,.0f})")
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
    placed = result.placed
    console.print(
        f"Placed: {placed['placed_spend']:.1%} of the base's £ "
        f"({placed['placed_automatically_spend']:.1%} automatically); "
        f"{result.match_rate['suppliers']:.1%} of its {placed['base_suppliers']:,} suppliers."
    )
    if len(result.review):
        console.print("To review (a company was found, but not surely; not placed):")
        for row in result.review.head(10).itertuples(index=False):
            console.print(f"  {row.supplier}: £{row.spend:,.2f} -> {row.candidate}? "
                          f"(score {row.candidate_score:.0f})", markup=False)  # fmt: skip
    unplaced = result.suppliers[result.suppliers["in_base"] & result.suppliers["district"].isna()]
    if len(unplaced):
        console.print("Largest unplaced suppliers (cwbsim suppliers todo lists them all):")
        for row in unplaced.head(10).itertuples(index=False):
            console.print(f"  {row.supplier}: £{row.spend:,.2f}", markup=False)


def _base(text: str) -> tuple[str, ...]:
    wanted = tuple(t.strip() for t in text.split(",") if t.strip())
    unknown = [t for t in wanted if t not in TYPES]
    if unknown or not wanted:
        raise InputError(f"--base: {', '.join(unknown) or 'empty'} (allowed: {', '.join(TYPES)})")
    return wanted


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
        list[Path] | None,
        typer.Option(help="Basic Company Data files to match against, instead of the index."),
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
        typer.Option(help="Households per local district (default: Census 2021)."),
    ] = None,
    firms: Annotated[
        int | None,
        typer.Option(help="Firms per local district (default: ONS local units, UK business 2024)."),
    ] = None,
    onspd: Annotated[
        Path | None,
        typer.Option(help="Postcode directory CSV (pcd, laua) instead of the built-in one."),
    ] = None,
    skip_unreadable: Annotated[
        bool,
        typer.Option(help="Go on past a file or sheet with data but no spend table."),
    ] = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
    dask_local: DaskLocal = None,
) -> None:
    """Build an economy from spend files and fit its unseen behaviour to targets."""
    try:
        import json

        import tomli_w

        from cwbsim.calibration.analysis import Options, prepare
        from cwbsim.calibration.construct import Construction, build_spec
        from cwbsim.calibration.fitting import fit, with_parameters
        from cwbsim.calibration.targets import load_targets
        from cwbsim.scenarios import evaluators
        from cwbsim.scenarios.outputs import atomic_write, json_text, writable_folder

        if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", start):
            raise InputError(f"--start: {start!r} (expected YYYY-MM, e.g. 2024-04)")
        goals = load_targets(targets)
        if out.is_dir():
            raise InputError(f"--out: {out} is a folder (expected a spec file, e.g. my-place.toml)")
        writable_folder(out.parent, "--out")
        ready = prepare(
            Options(files, local, region, suppliers, companies, onspd, columns, body,
                    skip_unreadable)
        )  # fmt: skip
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
        preload = ("cwbsim.calibration.fitting",)
        with evaluators.make(workers, scheduler, dask_local, preload) as evaluator:
            with _progress("Fitting (simulated method of moments)", None, "steps"):
                result = fit(
                    spec,
                    goals.targets,
                    goals.fit.parameters,
                    goals.fit.seeds,
                    max_evaluations=goals.fit.max_evaluations,
                    evaluator=evaluator,
                )
        _print_files(ready.data)
        fitted = with_parameters(spec, result.parameters)
        header = (
            f"# Built by cwbsim calibrate from {len(files)} spend file(s); behaviour fitted to "
            f"{targets}. See {out.with_suffix('.calibration.json').name}.\n"
        )
        text = header + tomli_w.dumps(fitted.model_dump(mode="json", exclude_none=True))
        atomic_write(out, lambda p: p.write_text(text))
        report = {"fit": result.as_dict(), "construction": notes, "match_rate": analysis.match_rate}
        report_text = json_text(json.loads(json.dumps(report, default=str)), indent=2)
        atomic_write(out.with_suffix(".calibration.json"), lambda p: p.write_text(report_text))
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
