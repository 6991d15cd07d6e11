"""The official tables a place is built from: districts, households, firms by industry and size.

Read from ``calibration/data/economy/`` (built by ``tools/build_economy_tables.py``; sources,
cells and licences in its README): Census 2021 households and mid-2021 population by
district, ONS "UK business: activity, size and location 2024" local units by district
and broad industry group (Table 16) and by district and employment size band (Table 22),
by region, industry group and size band (Table 18), and ONS JOBS05 workforce jobs by
region and section (2017).

A district's local units by industry group *and* size band are not published together:
they are estimated by iterative proportional fitting (Deming and Stephan 1940) of its
region's group-by-band table to the district's two published margins.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from scipy import optimize

from cwbsim.model.errors import InputError
from cwbsim.model.spec.types import SECTIONS

BANDS = ("0-4", "5-9", "10-19", "20-49", "50-99", "100-249", "250+")
"""ONS employment size bands of local units."""
MODEL_BAND = {
    "0-4": "micro", "5-9": "micro", "10-19": "small", "20-49": "small",
    "50-99": "medium", "100-249": "medium", "250+": "large",
}  # fmt: skip
"""The model's size band of each ONS band (micro < 10, small < 50, medium < 250 staff)."""
LOWEST = {"0-4": 1, "5-9": 5, "10-19": 10, "20-49": 20, "50-99": 50, "100-249": 100, "250+": 250}
"""Fewest staff of a local unit in each band (an agent has at least one job)."""
FOLDER = "economy"
TABLES = {
    "districts": "districts.csv",
    "groups": "business_by_district.csv",
    "bands": "business_size_by_district.csv",
    "seed": "business_region_industry_size.csv",
    "jobs": "jobs_by_region_section.csv",
}


def _rows(table: str) -> list[dict]:
    path = resources.files("cwbsim.calibration").joinpath("data", FOLDER, TABLES[table])
    return list(csv.DictReader(path.read_text("utf-8").splitlines()))


@dataclass(frozen=True)
class District:
    """A current district with its region and Census 2021 figures."""

    code: str
    name: str
    region_code: str
    region: str
    country: str
    households: int | None
    population: int


@cache
def districts() -> dict[str, District]:
    """Every current district of the UK by code."""
    out = {}
    for row in _rows("districts"):
        out[row["district_code"]] = District(
            code=row["district_code"],
            name=row["district"],
            region_code=row["region_code"],
            region=row["region"],
            country=row["country"],
            households=int(row["households"]) if row["households"] else None,
            population=int(float(row["population"])),
        )
    return out


@cache
def _groups() -> tuple[list[str], dict[str, list[str]], dict[str, np.ndarray]]:
    """Industry groups, the sections each covers, and each district's local units by group."""
    names: list[str] = []
    sections: dict[str, list[str]] = {}
    units: dict[str, dict[str, float]] = {}
    for row in _rows("groups"):
        group = row["industry_group"]
        if group not in sections:
            names.append(group)
            sections[group] = row["sections"].split(",")
        units.setdefault(row["district_code"], {})[group] = float(row["local_units"])
    table = {code: np.array([by.get(g, 0.0) for g in names]) for code, by in units.items()}
    return names, sections, table


@cache
def _bands() -> dict[str, np.ndarray]:
    """Each district's local units by ONS size band."""
    units: dict[str, dict[str, float]] = {}
    for row in _rows("bands"):
        units.setdefault(row["district_code"], {})[row["size_band"]] = float(row["local_units"])
    return {code: np.array([by.get(b, 0.0) for b in BANDS]) for code, by in units.items()}


@cache
def _seeds() -> dict[str, np.ndarray]:
    """Local units by industry group and size band, by region (and nation) code."""
    names, _, _ = _groups()
    out: dict[str, np.ndarray] = {}
    for row in _rows("seed"):
        table = out.setdefault(row["region_code"], np.zeros((len(names), len(BANDS))))
        table[names.index(row["industry_group"]), BANDS.index(row["size_band"])] += float(
            row["local_units"]
        )
    return out


@cache
def jobs_by_section(region_code: str) -> np.ndarray:
    """JOBS05 workforce jobs by section (mean of 2017's quarters) in a region or the UK."""
    out = np.zeros(len(SECTIONS))
    for row in _rows("jobs"):
        if row["region_code"] == region_code:
            out[SECTIONS.index(row["section"])] = float(row["jobs"])
    return out


UK = "K02000001"


def units(code: str) -> np.ndarray:
    """A district's local units by industry group and ONS size band, shape (groups, bands).

    Iterative proportional fitting of its region's table (the UK's where the region
    has none) to the district's group totals (Table 16) and band totals (Table 22,
    scaled to the group total: ONS rounds each to 5).
    """
    _, _, groups = _groups()
    place = districts()[code]
    rows, columns = groups[code], _bands()[code]
    if columns.sum() > 0:
        columns = columns * rows.sum() / columns.sum()
    seed = _seeds().get(place.region_code, _seeds()[UK]).copy() + 1e-9
    table = seed
    for _ in range(200):
        table *= (rows / np.maximum(table.sum(axis=1), 1e-12))[:, None]
        table *= (columns / np.maximum(table.sum(axis=0), 1e-12))[None, :]
        if np.abs(table.sum(axis=1) - rows).max() < 1e-6:
            break
    return table


def whole(table: np.ndarray) -> np.ndarray:
    """Round each row to whole units keeping its total (largest remainders)."""
    out = np.floor(table).astype(np.int64)
    for r in range(len(table)):
        missing = round(float(table[r].sum())) - int(out[r].sum())
        if missing > 0:
            order = np.argsort(-(table[r] - out[r]), kind="stable")
            out[r, order[:missing]] += 1
    return out


def national_bands() -> np.ndarray:
    """The UK's local units by ONS size band (all districts)."""
    return sum(_bands().values())


def band_mean(band: str, upper_large: float) -> float:
    """Mean staff of a local unit in ``band``: log-uniform within its range (as drawn)."""
    low = LOWEST[band]
    high = upper_large if band == "250+" else LOWEST[BANDS[BANDS.index(band) + 1]] - 1
    return (high + 1 - low) / np.log((high + 1) / low)


@cache
def largest_unit() -> int:
    """Most staff of a 250+ local unit: the one size ONS does not publish.

    Chosen so that the UK's local units by band, at the band means, employ the UK's
    2017 workforce jobs (JOBS05).
    """
    national = national_bands()
    target = jobs_by_section(UK).sum()
    lower = sum(n * band_mean(b, 0) for n, b in zip(national[:-1], BANDS[:-1], strict=True))

    def gap(upper: float) -> float:
        return national[-1] * band_mean("250+", upper) - (target - lower)

    return round(float(optimize.brentq(gap, 251.0, 1e6)))


def section_split(group: str, region_code: str) -> dict[str, float]:
    """How a group's units split across its sections: by the region's JOBS05 jobs (assumption)."""
    _, sections, _ = _groups()
    covered = [s for s in sections[group] if s in SECTIONS]
    jobs = jobs_by_section(region_code)
    weights = np.array([jobs[SECTIONS.index(s)] for s in covered])
    if weights.sum() <= 0:
        weights = np.ones(len(covered))
    return {s: float(w / weights.sum()) for s, w in zip(covered, weights, strict=True) if w > 0}


def estimated_jobs(codes: list[str]) -> np.ndarray:
    """Workforce jobs by section in some districts: local units x mean staff of their band."""
    names, _, _ = _groups()
    upper = largest_unit()
    means = np.array([band_mean(b, upper) for b in BANDS])
    out = np.zeros(len(SECTIONS))
    for code in codes:
        table = units(code)
        region = districts()[code].region_code
        for g, group in enumerate(names):
            jobs = float(table[g] @ means)
            for section, share in section_split(group, region).items():
                out[SECTIONS.index(section)] += jobs * share
    return out


def group_names() -> list[str]:
    """The 17 broad industry groups, in the tables' order."""
    return list(_groups()[0])


def check_known(code: str) -> District:
    """The district, or a one-line error when the tables have no data for it."""
    if code not in districts() or code not in _groups()[2]:
        raise InputError(f"place: {code} has no business counts (expected a current district)")
    return districts()[code]
