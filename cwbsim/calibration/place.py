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
from cwbsim.calibration.place_anchors import place_anchors
from cwbsim.calibration.toml_comments import commented_toml
from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import parse_toml
from cwbsim.model.spec.schema import EconomySpec, parse_spec
from cwbsim.model.spec.types import SECTIONS, SIZE_BANDS

HOUSEHOLD_AGENTS = 60_000
"""Most household agents by default: larger places get cohorts (``household_weight``)."""

BUSINESS = "ONS UK business: activity, size and location 2024"
CENSUS = "Census 2021 households (H01)"
JOBS05 = "ONS JOBS05 workforce jobs, mean of 2017"


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
    """The spec of a place as data, and a comment (its source) for each key path.

    A text naming several districts (a county, a combined authority, a list of
    codes) builds a city-region: :func:`build_places`.
    """
    options = options or PlaceOptions()
    codes = resolve_districts([text], "place")
    if len(codes) > 1:
        return build_places(text, codes, options)
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
    anchors = place_anchors(place, options, place.households or 0, notes)
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


def build_places(text: str, codes: list[str], options: PlaceOptions) -> tuple[dict, dict[str, str]]:
    """A city-region: every district a place with its own households and firms.

    Each district is a local-tier area with its centroid (mySociety register), its
    Census 2021 households and its ONS local units; the region tier is a firm sample
    of the rest of their region(s) (or ``options.region``), if any district is left;
    outside is a UK sample. Anchors are one council per district on the council
    assumptions unless given. The group of all the districts is named after ``text``.
    """
    from cwbsim.calibration.areas import areas as register

    places = [data.check_known(code) for code in codes]
    missing = [p.name for p in places if p.households is None]
    if missing:
        raise InputError(
            f"place: {', '.join(missing)} have no Census 2021 households (England and Wales only)"
        )
    notes: dict[str, str] = {}
    group = text if len(text) < 40 and "," not in text else f"{len(places)} districts"
    total = sum(p.households for p in places)
    weight = options.household_weight or max(1, math.ceil(total / HOUSEHOLD_AGENTS))
    areas, households, anchors, firms = [], [], [], []
    for place in places:
        centre = register().get(place.code)
        area = {"code": place.code, "name": place.name, "tier": "local"}
        if centre is not None and centre.lat is not None:
            area |= {"lat": round(centre.lat, 5), "lon": round(centre.lon, 5)}
            notes[f"areas.{len(areas)}.lat"] = "centroid: mySociety local authority register"
        areas.append(area)
        notes[f"households.{len(households)}.count"] = f"{CENSUS}, {place.code}"
        households.append(
            {"area": place.code, "count": place.households, "household_weight": weight}
        )
        place_notes: dict[str, str] = {}
        built = place_anchors(place, options, place.households, place_notes)
        if not (options.anchor_data or options.anchors) or not anchors:
            notes.update(_shifted(place_notes, len(anchors)))
            anchors += built
        large = sum(1 for a in built if a.get("area") == place.code and a.get("staff", 0) >= 250)
        local_notes: dict[str, str] = {}
        local = local_firms(place, local_notes, anchors_counted=large)
        notes.update(_shifted(local_notes, len(firms)))
        firms += local
    region_codes = (
        resolve_districts(options.region, "--region")
        if options.region
        else [
            c
            for c, d in data.districts().items()
            if d.region_code in {p.region_code for p in places}
        ]
    )
    region_codes = [c for c in region_codes if c not in codes and c in data.districts()]
    samples = [(None, "OUTSIDE", options.outside_sample, "outside")]
    if region_codes and options.region_sample > 0:
        areas.append({"code": "REGION", "name": f"Rest of {places[0].region}", "tier": "region"})
        samples.insert(0, (region_codes, "REGION", options.region_sample, "region"))
    areas.append({"code": "OUTSIDE", "name": "Rest of the UK", "tier": "outside"})
    for region_list, area, count, tier in samples:
        population, sources = sample_firms(region_list, area, count, tier)
        notes.update({f"firms.{len(firms)}.{key}": t for key, t in sources.items()})
        firms.append(population)
    behaviour = official_behaviour([], notes)
    behaviour["regional_inputs"].pop("region_jobs")
    notes.pop("behaviour.regional_inputs.region_jobs", None)
    notes["behaviour.places"] = (
        "gravity between the districts' centroids: the schema's defaults (ASSUMPTIONS)"
    )
    notes["groups"] = f"{group}: every district built"
    spec = {
        "name": _slug(group),
        "description": f"{group}: {len(places)} districts built by cwbsim place from official "
        f"statistics, {total:,} households",
        "start": options.start,
        "areas": areas,
        "anchors": anchors,
        "suppliers": options.suppliers,
        "firms": firms,
        "households": households,
        "behaviour": behaviour,
        "groups": {group: list(codes)},
        "report": [group],
    }
    notes["households.0.household_weight"] = (
        f"households per agent; {weight} keeps the agents under {HOUSEHOLD_AGENTS:,}"
    )
    return spec, notes


def _shifted(notes: dict[str, str], offset: int) -> dict[str, str]:
    """Notes of one district's rows (``table.index[.rest]``) renumbered after ``offset`` rows."""
    out = {}
    for key, comment in notes.items():
        table, index, *rest = key.split(".", 2)
        out[".".join([table, str(int(index) + offset), *rest])] = comment
    return out


def official_behaviour(region: list[str], notes: dict[str, str]) -> dict:
    """The ``behaviour`` table of a place built from the tables, with its sources in ``notes``.

    The sector table, the ONS size bands' headcounts and the region's jobs by section
    for Flegg's quotient (``region``: its districts).
    """
    region_jobs = data.estimated_jobs(region) if region else np.zeros(len(SECTIONS))
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


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
