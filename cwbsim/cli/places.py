"""The command that builds an economy for any district: place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cwbsim.cli.common import _fail, app, console
from cwbsim.model.errors import InputError


@app.command()
def place(
    where: Annotated[str, typer.Argument(help="A district: name (Hyndburn) or code (E07000120).")],
    out: Annotated[
        str | None,
        typer.Option(
            help="The spec file to write, or a folder (an existing one, or a path ending "
            "in /) to write NAME.toml in (default: NAME.toml here)."
        ),
    ] = None,
    region: Annotated[
        list[str] | None,
        typer.Option(
            help="The region tier: districts, a county or group (default: the rest "
            "of the district's region)."
        ),
    ] = None,
    anchors: Annotated[
        Path | None, typer.Option(help="A TOML file of [[anchors]] tables (name, income, ...).")
    ] = None,
    spend: Annotated[
        list[Path] | None,
        typer.Option(
            help="A spend file or a folder of them (repeatable): their paying bodies "
            "become the anchors."
        ),
    ] = None,
    body: Annotated[
        str | None, typer.Option(help="Paying body's name where the spend files do not say.")
    ] = None,
    household_weight: Annotated[
        int | None,
        typer.Option(min=1, help="Households per agent (default: at most 60,000 agents)."),
    ] = None,
    start: Annotated[str, typer.Option(help="First month of the economy, YYYY-MM.")] = "2024-04",
) -> None:
    """Build an economy spec for any district of England and Wales from official statistics."""
    try:
        from cwbsim.calibration import place as places
        from cwbsim.calibration.analysis import UNNAMED_BODY
        from cwbsim.calibration.place_anchors import anchors_from_spend

        options = places.PlaceOptions(region, anchors, household_weight, start)
        if spend:
            if anchors is not None:
                raise InputError("--anchors and --spend: give one or the other, not both")
            district = places.resolve_place(where)
            codes = places.region_districts(district, region)
            anchors_from_spend(spend, district, codes, options, body=body)
        spec, notes = places.build_place(where, options)
        path = places.write_place(spec, notes, _target(out, spec["name"]))
    except InputError as error:
        _fail(str(error))
    console.print(_described(spec))
    if options.unplaced and options.unplaced[0] > 0:
        unplaced, total, why = options.unplaced
        console.print(
            f"warning: £{unplaced / 1e6:,.1f}m of £{total / 1e6:,.1f}m a year went to suppliers "
            f"cwbsim analyze could not place; they are split local, region and outside {why} "
            "(cwbsim suppliers todo lists them)"
        )
    if any(a["name"] == UNNAMED_BODY for a in spec["anchors"]):
        console.print(
            f"warning: the spend files do not name who paid; the anchor is called "
            f"'{UNNAMED_BODY}' (name it with --body)"
        )
    console.print(f"wrote {path}; run it with: cwbsim run {path}")


def _target(out: str | None, name: str) -> Path:
    """The file to write: ``out``, or ``NAME.toml`` in it when it is a folder (or ends in /)."""
    if out is None:
        return Path(f"{name}.toml")
    if Path(out).is_dir() or out.endswith(("/", "\\")):
        return Path(out) / f"{name}.toml"
    return Path(out)


def _described(spec: dict) -> str:
    """One line on what was built: its places' households, local firms, anchors and region."""
    places = [a for a in spec["areas"] if a["tier"] == "local"]
    codes = {a["code"] for a in places}
    households = [h for h in spec["households"] if h["area"] in codes]
    weights = sorted({h["household_weight"] for h in households})
    firms = sum(f["count"] for f in spec["firms"] if f["area"] in codes)
    region = [a["name"] for a in spec["areas"] if a["tier"] == "region"]
    where = places[0]["name"] if len(places) == 1 else f"{spec['name']} ({len(places)} places)"
    return (
        f"{where}: {sum(h['count'] for h in households):,} households "
        f"({'/'.join(map(str, weights))} per agent), {firms:,} local firms, "
        f"{len(spec['anchors'])} anchor(s); region: {', '.join(region) or 'none'}"
    )
