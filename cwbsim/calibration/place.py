"""An economy spec for any district, built from official statistics (``cwbsim place``).

The place is the district (local tier); the region tier is the rest of its region
(or a named group or list of districts); outside is the rest of the UK. Households
come from Census 2021; local firms from ONS local units by industry group and size
band (one firm agent per local unit, its headcount drawn within its ONS band);
regional and outside firms are samples standing for those areas' suppliers; sectors'
costs, output per job and input mix from the ONS input-output table
(``behaviour.sector_table``) and where they buy from Flegg's location quotients on
the place's and region's jobs. Anchors come from spend files, from a few written
lines, or, failing both, one council anchor built on stated assumptions. Every
number written says which table it came from, or that it is an assumption.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cwbsim.calibration import place_data as data
from cwbsim.calibration.geography import resolve_districts
from cwbsim.calibration.toml_comments import commented_toml
from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import parse_toml, read_toml
from cwbsim.model.spec.schema import EconomySpec, parse_spec
from cwbsim.model.spec.types import SECTIONS, SIZE_BANDS

HOUSEHOLD_AGENTS = 60_000
"""Most household agents by default: larger places get cohorts (``household_weight``)."""

BUSINESS = "ONS UK business: activity, size and location 2024"
CENSUS = "Census 2021 households (H01)"
JOBS05 = "ONS JOBS05 workforce jobs, mean of 2017"
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


@dataclass
class PlaceOptions:
    """What ``cwbsim place`` was asked for (the rest is from the tables or assumed)."""

    region: list[str] | None = None
    anchors: Path | None = None
    household_weight: int | None = None
    start: str = "2024-04"
    region_sample: int = 2_000
    outside_sample: int = 1_500
    anchor_data: list[dict] = field(default_factory=list)
    suppliers: list[dict] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    """Sources of the spend-built anchors and suppliers, by key path."""
    unplaced: tuple[float, float, str] | None = None
    """Spend-built anchors: (£ a year with unplaced suppliers, £ a year in all, how split)."""


def resolve_place(text: str) -> data.District:
    """One current district from a code or name; a one-line error with close names if not."""
    codes = resolve_districts([text], "place")
    if len(codes) != 1:
        raise InputError(
            f"place: {text!r} covers {len(codes)} districts (expected one district; "
            "use --region for a wider area)"
        )
    return data.check_known(codes[0])


def region_districts(place: data.District, region: list[str] | None) -> list[str]:
    """The region tier: the given districts or groups, else the rest of the place's region."""
    if region:
        codes = resolve_districts(region, "--region")
    else:
        codes = [c for c, d in data.districts().items() if d.region_code == place.region_code]
    return [c for c in codes if c != place.code and c in data.districts()]


def build_place(text: str, options: PlaceOptions | None = None) -> tuple[dict, dict[str, str]]:
    """The spec of a place as data, and a comment (its source) for each key path."""
    options = options or PlaceOptions()
    place = resolve_place(text)
    region = region_districts(place, options.region)
    if not region:
        raise InputError(f"--region: no district besides {place.name} (expected other districts)")
    notes: dict[str, str] = {}
    region_name = f"Rest of {place.region}"
    if options.region:
        named = " and ".join(r.replace("-", " ").title() for r in options.region)
        around = place.code in resolve_districts(options.region, "--region")
        region_name = f"Rest of {named}" if around else named
    region_code = place.region_code if not options.region else "REGION"
    areas = [
        {"code": place.code, "name": place.name, "tier": "local"},
        {"code": region_code, "name": region_name, "tier": "region"},
        {"code": "OUTSIDE", "name": "Rest of the UK", "tier": "outside"},
    ]
    notes["areas"] = f"{place.name} ({place.region}); region: {', '.join(region)}"
    households, weight = _households(place, options, notes)
    anchors = _anchors(place, options, place.households or 0, notes)
    large = sum(1 for a in anchors if a.get("area") == place.code and a.get("staff", 0) >= 250)
    firms = local_firms(place, notes, anchors_counted=large)
    for codes, area, count, tier in (
        (region, region_code, options.region_sample, "region"),
        (None, "OUTSIDE", options.outside_sample, "outside"),
    ):
        population, sources = sample_firms(codes, area, count, tier)
        notes.update({f"firms.{len(firms)}.{key}": text for key, text in sources.items()})
        firms.append(population)
    behaviour = official_behaviour(region, notes)
    notes["start"] = "the first month simulated (--start)"
    spec = {
        "name": _slug(place.name),
        "description": f"{place.name} ({place.code}) built by cwbsim place from official "
        f"statistics: {len(firms)} firm populations, {households[0]['count']:,} households",
        "start": options.start,
        "areas": areas,
        "anchors": anchors,
        "suppliers": options.suppliers,
        "firms": firms,
        "households": households,
        "behaviour": behaviour,
    }
    notes["households.0.household_weight"] = (
        f"households per agent; {weight} keeps the agents under {HOUSEHOLD_AGENTS:,}"
    )
    return spec, notes


def official_behaviour(region: list[str], notes: dict[str, str]) -> dict:
    """The ``behaviour`` table of a place built from the tables, with its sources in ``notes``.

    The sector table, the ONS size bands' headcounts and the region's jobs by section
    for Flegg's quotient (``region``: its districts).
    """
    region_jobs = data.estimated_jobs(region)
    notes["behaviour.sector_table"] = "ONS input-output analytical tables 2017, by SIC section"
    notes["behaviour.band_employees"] = (
        f"large: 250 to {data.largest_unit():,} staff, chosen so UK local units x band means = "
        f"{JOBS05} UK total"
    )
    notes["behaviour.regional_inputs.flq_delta"] = "Flegg and Webber (1997)"
    notes["behaviour.regional_inputs.region_jobs"] = (
        f"{BUSINESS} local units of the region's districts x mean staff of each size band"
    )
    return {
        "sector_table": "uk-2017",
        "band_employees": {
            "micro": [1, 9],
            "small": [10, 49],
            "medium": [50, 249],
            "large": [250, data.largest_unit()],
        },
        "regional_inputs": {
            "flq_delta": 0.3,
            "region_jobs": {
                s: round(float(j)) for s, j in zip(SECTIONS, region_jobs, strict=True) if j > 0
            },
        },
    }


def place_spec(text: str, options: PlaceOptions | None = None) -> EconomySpec:
    """The validated spec of a place (as ``cwbsim run PLACE`` builds it)."""
    spec, _ = build_place(text, options)
    return parse_spec(spec, f"place {text}")


def write_place(spec: dict, notes: dict[str, str], path: Path) -> Path:
    """Write the spec as TOML with each number's source as a comment; check it reads back."""
    header = [
        f"Built by cwbsim place: {spec['description']}.",
        "Every number says where it came from; ASSUMPTION marks the rest.",
    ]
    text = commented_toml(spec, notes, header)
    parse_spec(parse_toml(text, str(path)), str(path))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _households(place, options, notes) -> tuple[list[dict], int]:
    if place.households is None:
        raise InputError(
            f"place: {place.name} has no Census 2021 households (England and Wales only)"
        )
    weight = options.household_weight or max(1, math.ceil(place.households / HOUSEHOLD_AGENTS))
    notes["households.0.count"] = f"{CENSUS}, {place.code}"
    notes["households.0"] = "other household parameters: the schema's defaults (ASSUMPTIONS)"
    return [{"area": place.code, "count": place.households, "household_weight": weight}], weight


PUBLIC_GROUPS = ("Public administration & defence", "Education", "Health")
"""Where the anchors' own workplaces are among the local units (taken in this order)."""


def local_firms(place, notes, anchors_counted: int = 0) -> list[dict]:
    """One population per industry group and ONS size band present in the place.

    The place's anchors with 250 staff or more are workplaces the business counts
    already hold: that many 250+ units are taken out, from public administration,
    education and health first, so their jobs are not counted twice.
    """
    table = data.whole(data.units(place.code))
    names = data.group_names()
    order = [names.index(g) for g in PUBLIC_GROUPS] + list(range(len(names)))
    removed = 0
    for g in order:
        while removed < anchors_counted and table[g, -1] > 0:
            table[g, -1] -= 1
            removed += 1
    upper = data.largest_unit()
    out = []
    for g, group in enumerate(data.group_names()):
        sectors = data.section_split(group, place.region_code)
        for b, band in enumerate(data.BANDS):
            if table[g, b] <= 0:
                continue
            high = upper if band == "250+" else data.LOWEST[data.BANDS[b + 1]] - 1
            key = f"firms.{len(out)}"
            out.append(
                {
                    "area": place.code,
                    "count": int(table[g, b]),
                    "sectors": sectors,
                    "size_bands": {data.MODEL_BAND[band]: 1.0},
                    "employees": [data.LOWEST[band], high],
                }
            )
            notes[f"{key}.count"] = (
                f"{group}, {band} staff: {BUSINESS} Tables 16 and 22 for {place.code}, "
                "split by group and band by fitting Table 18 of its region"
                + (" (less the anchors' own workplaces)" if band == "250+" and removed else "")
            )
            notes[f"{key}.sectors"] = (
                f"by {JOBS05} of {place.region} (ASSUMPTION)"
                if len(sectors) > 1
                else f"{group} is one SIC section"
            )
            notes[f"{key}.size_bands"] = f"the ONS size band {band}"
            notes[f"{key}.employees"] = "the ONS size band; ownership: the schema default"
    return out


def sample_firms(codes, area, count, tier) -> tuple[dict, dict[str, str]]:
    """A sample of ``count`` firms standing for an area's suppliers.

    ``codes`` are the area's districts (``None``: the UK); the sample is mixed by
    sector as the area's jobs and by size band as its local units.
    """
    if codes is None:
        jobs, by_band = data.jobs_by_section(data.UK), data.national_bands()
    else:
        jobs = data.estimated_jobs(codes)
        by_band = sum(data.units(code).sum(axis=0) for code in codes)
    bands = np.zeros(len(SIZE_BANDS))
    for b, band in enumerate(data.BANDS):
        bands[SIZE_BANDS.index(data.MODEL_BAND[band])] += by_band[b]
    population = {
        "area": area,
        "count": count,
        "sectors": {s: float(j / jobs.sum()) for s, j in zip(SECTIONS, jobs, strict=True) if j > 0},
        "size_bands": {b: float(n / bands.sum()) for b, n in zip(SIZE_BANDS, bands, strict=True)},
    }
    if codes is None:
        population["ownership"] = {"external": 1.0}
    sources = {
        "count": f"a sample standing for the {tier}'s suppliers (ASSUMPTION)",
        "sectors": f"{JOBS05}, UK" if codes is None else f"estimated jobs by section ({BUSINESS})",
        "size_bands": f"local units by size band ({BUSINESS})",
    }
    if codes is None:
        sources["ownership"] = "firms of the rest of the UK are owned outside the place"
    return population, sources


def _anchors(place, options, households: int, notes) -> list[dict]:
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


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


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
