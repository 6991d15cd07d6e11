"""The anchors of a place built by ``cwbsim place``: from spend files, a few lines, or assumptions.

Spend files are analysed as ``cwbsim analyze`` does: each paying body becomes an anchor
and each supplier of the procurement base a named firm with a contract; suppliers the
analysis cannot place are split between the place, the region and outside as the placed
ones' £ split (or by the council defaults). A TOML file of ``[[anchors]]`` needs only a
name and an income; without either, one council anchor is built on stated assumptions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cwbsim.calibration import place_data as data
from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import read_toml

if TYPE_CHECKING:
    from cwbsim.calibration.place import PlaceOptions

COUNCIL = {
    "spend_per_household": {"NMD": 1_000.0, "other": 6_000.0},
    "procurement_share": 0.45,
    "wage_share": 0.35,
    "cost_per_job": 30_000.0,
    "local_staff_share": 0.5,
    "local_share": 0.15,
    "region_share": 0.45,
    "sectors": {"F": 0.3, "N": 0.25, "M": 0.2, "G": 0.1, "H": 0.05, "Q": 0.1},
}
"""The default council anchor: ASSUMPTIONS throughout (say --anchors or --spend instead).
Gross spending per household: £1,000 for a shire district (non-metropolitan), £6,000 for
a unitary, metropolitan or London borough, which run social care and schools."""


def place_anchors(place, options, households: int, notes: dict[str, str]) -> list[dict]:
    """The place's anchors: from spend files, a few written lines, or the council assumptions.

    ``notes`` gains the source of each number (key path -> comment).
    """
    if options.anchor_data:
        notes.update(options.notes)
        return options.anchor_data
    if options.anchors is not None:
        written = read_toml(Path(options.anchors)).get("anchors")
        if not isinstance(written, list) or not written:
            raise InputError(f"{options.anchors}: expected [[anchors]] tables (name, income, ...)")
        for i, anchor in enumerate(written):
            if not isinstance(anchor, dict) or "income" not in anchor:
                raise InputError(f"{options.anchors}: anchors[{i}]: expected a table with income")
            anchor.setdefault("area", place.code)
            notes[f"anchors.{i}"] = (
                f"from {Path(options.anchors).name}; keys it does not give: ASSUMPTIONS"
            )
            for key, value in _council_defaults(float(anchor["income"])).items():
                if key not in anchor:
                    anchor[key] = value
                    notes[f"anchors.{i}.{key}"] = "ASSUMPTION (not in the anchors file)"
                elif isinstance(value, dict) and isinstance(anchor[key], dict):
                    missing = {k: v for k, v in value.items() if k not in anchor[key]}
                    anchor[key].update(missing)
                    for k in missing:
                        notes[f"anchors.{i}.{key}.{k}"] = "ASSUMPTION (not in the anchors file)"
        return written
    from cwbsim.calibration.areas import areas as register

    kind = register().get(place.code)
    per_household = COUNCIL["spend_per_household"][
        "NMD" if kind is not None and kind.type == "NMD" else "other"
    ]
    income = per_household * households
    notes["anchors.0"] = (
        "a council anchor built on ASSUMPTIONS (cwbsim/calibration/place.py COUNCIL): "
        "give --anchors FILE or --spend FILES for real ones"
    )
    notes["anchors.0.income"] = f"£{per_household:,.0f} per household a year (ASSUMPTION)"
    for key in ("staff", "wage_share", "procurement_share", "local_staff_share"):
        notes[f"anchors.0.{key}"] = "ASSUMPTION"
    notes["anchors.0.procurement"] = "ASSUMPTION (regional share near Tussell's 46% average)"
    return [{"name": f"{place.name} Council", "area": place.code, **_council_defaults(income)}]


def _council_defaults(income: float) -> dict:
    """An anchor's staff, shares and procurement on the council ASSUMPTIONS, from its income."""
    return {
        "income": income,
        "staff": max(1, round(income * COUNCIL["wage_share"] / COUNCIL["cost_per_job"])),
        "wage_share": COUNCIL["wage_share"],
        "procurement_share": COUNCIL["procurement_share"],
        "local_staff_share": COUNCIL["local_staff_share"],
        "procurement": {
            "contracts": 200,
            "local_share": COUNCIL["local_share"],
            "region_share": COUNCIL["region_share"],
            "sectors": COUNCIL["sectors"],
        },
    }


def anchors_from_spend(
    files: list[Path], place: data.District, region: list[str], options: PlaceOptions, **given
) -> None:
    """Fill ``options`` with the anchors, named suppliers and contracts of spend files.

    The files are analysed as ``cwbsim analyze`` does (``given``: its options such as
    ``body``, ``suppliers``, ``columns``); each paying body becomes an anchor and each
    supplier of the procurement base a named firm, in the place, the region or outside.
    A folder stands for every file in it.
    """
    from cwbsim.calibration.analysis import Options, prepare
    from cwbsim.calibration.construct import Construction, build_spec, supplier_name

    files = [
        f
        for path in map(Path, files)
        for f in (sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
                  if path.is_dir() else [path])
    ]  # fmt: skip
    if not files:
        raise InputError("--spend: the folder holds no files (expected spend files)")
    ready = prepare(Options(files, [place.code], region, **given))
    built, construction = build_spec(
        ready.analysis, [place.code], region, Construction(name="spend", start=options.start)
    )
    region_code = place.region_code if not options.region else "REGION"
    area_of = {place.code: place.code, **dict.fromkeys(region, region_code)}
    tier_area = {"local": place.code, "region": region_code, "outside": "OUTSIDE"}
    suppliers = ready.analysis.suppliers
    placed = set(suppliers.loc[suppliers["district"].notna(), "supplier"].map(supplier_name))
    value = {}
    for anchor in built.anchors:
        for contract in anchor.contracts:
            value[contract.supplier] = value.get(contract.supplier, 0.0) + contract.value
    tier_of_area = {place.code: "local", region_code: "region"}
    placed_value = dict.fromkeys(tier_area, 0.0)
    for supplier in built.suppliers:
        if supplier.name in placed:
            tier = tier_of_area.get(area_of.get(supplier.area, "OUTSIDE"), "outside")
            placed_value[tier] += value.get(supplier.name, 0.0)
    unplaced = {n: v for n, v in value.items() if n not in placed}
    if sum(placed_value.values()) > 0:
        shares = {t: v / sum(placed_value.values()) for t, v in placed_value.items()}
        why = "as the placed suppliers' £ splits"
    else:
        local, region_share = COUNCIL["local_share"], COUNCIL["region_share"]
        shares = {"local": local, "region": region_share, "outside": 1 - local - region_share}
        why = "by the default council shares, as no supplier was placed"
    guessed = split_by_shares(unplaced, shares)
    options.unplaced = (sum(unplaced.values()), sum(value.values()), why)
    options.suppliers = []
    for k, supplier in enumerate(built.suppliers):
        if supplier.name in guessed:
            area = tier_area[guessed[supplier.name]]
            source = f"not placed by cwbsim analyze: {guessed[supplier.name]} {why} (ASSUMPTION)"
        else:
            area = area_of.get(supplier.area, "OUTSIDE")
            source = "placed by cwbsim analyze (registers, company index, postcodes)"
        options.suppliers.append({**supplier.model_dump(exclude_none=True), "area": area})
        options.notes[f"suppliers.{k}"] = f"{source}; size band from its £ a year (ASSUMPTION)"
    options.anchor_data = []
    for i, anchor in enumerate(built.anchors):
        row = anchor.model_dump(exclude_none=True)
        row["area"] = place.code
        row["income"] = round(row["income"], 2)
        for contract in row["contracts"]:
            contract["value"] = round(contract["value"], 2)
        options.anchor_data.append(row)
        procurement = sum(c["value"] for c in row["contracts"])
        options.notes[f"anchors.{i}"] = (
            f"from {len(files)} spend file(s), {construction['months_of_data']} months "
            f"annualised: £{procurement:,.0f} a year with businesses and the VCSE sector "
            "(public bodies, tax, pensions and individuals are not procurement)"
        )
        options.notes[f"anchors.{i}.income"] = "procurement / procurement_share"
        options.notes[f"anchors.{i}.staff"] = "income x wage_share / £30,000 per job (ASSUMPTION)"
        for key in ("wage_share", "procurement_share", "local_staff_share"):
            options.notes[f"anchors.{i}.{key}"] = "ASSUMPTION"
        for k in range(len(row["contracts"])):
            options.notes[f"anchors.{i}.contracts.{k}"] = (
                "value: £ a year paid to this supplier in the spend files; "
                "end: ASSUMPTION (spread over one to five years)"
            )


def split_by_shares(values: dict[str, float], shares: dict[str, float]) -> dict[str, str]:
    """Give each name a key of ``shares`` so the keys' totals of ``values`` follow the shares.

    Largest values first, each to the key furthest below its share of the total;
    deterministic, and within the largest single value of the target.
    """
    total = sum(values.values())
    given = dict.fromkeys(shares, 0.0)
    out = {}
    for name, value in sorted(values.items(), key=lambda item: (-item[1], item[0])):
        key = max(shares, key=lambda k: shares[k] * total - given[k])
        given[key] += value
        out[name] = key
    return out
