"""Build an economy spec from a spend analysis: real anchors, real suppliers, synthetic rest.

Each paying body becomes an anchor whose named contracts are its suppliers'
annual spend; each real supplier becomes a named firm in its district (or in
an ``OUTSIDE`` area when it is outside the region or not located) with its
sector. The rest of the economy comes from the official tables as ``cwbsim place``
builds it: households from Census 2021, local firms from ONS local units by industry
group and size band, samples of regional and outside firms mixed by their jobs, and
the sector table and Flegg's quotient on the region's jobs (``--households`` and
``--firms`` override a district's totals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cwbsim.calibration import place_data
from cwbsim.calibration.analysis import Analysis
from cwbsim.calibration.place import local_firms, official_behaviour, sample_firms
from cwbsim.model.errors import InputError
from cwbsim.model.spec.schema import EconomySpec, parse_spec


@dataclass
class Construction:
    """Options for building a spec (assumptions unless stated)."""

    name: str = "calibrated"
    start: str = "2024-04"
    procurement_share: float = 0.45
    wage_share: float = 0.35
    local_staff_share: float = 0.5
    cost_per_job: float = 30_000.0
    household_weight: int = 1
    months: int | None = None
    overrides: dict[str, dict[str, int]] = field(default_factory=dict)
    region_sample: int = 2_000
    outside_sample: int = 1_500


def _months(payments: pd.DataFrame, given: int | None = None) -> int:
    """Months the payments cover: as given, or the months with dated payments."""
    if given is not None:
        return given
    months = int(payments["month"][payments["month"] != "undated"].nunique())
    if months == 0:
        raise InputError(
            "spend files: no payment has a readable date, so the spend cannot be turned "
            "into a yearly amount (expected a date column, or --months N)"
        )
    return months


def _band(value: float) -> str:
    if value < 500_000:
        return "micro"
    if value < 5_000_000:
        return "small"
    if value < 25_000_000:
        return "medium"
    return "large"


def _area(district: str, tier: str, known: set[str], local: list[str], region: list[str]) -> str:
    if district in known:
        return district
    if tier == "local":
        return local[0]
    if tier == "region" and region:
        return region[0]
    return "OUTSIDE"


def supplier_name(text: str) -> str:
    """A supplier's name as the spec holds it: spacing collapsed (names must be unique)."""
    return re.sub(r"\s+", " ", str(text)).strip()


def build_spec(
    analysis: Analysis, local: list[str], region: list[str], options: Construction
) -> tuple[EconomySpec, dict]:
    """The spec, and notes on what was dropped or assumed.

    Only the procurement base becomes contracts (payments to public bodies, HMRC,
    pension funds and individuals are not procurement; their £ is in the notes).
    Suppliers with zero or negative net spend (credits exceeding payments) get no
    contract; they are listed in the notes. A supplier placed at a wider area (a
    county council, a combined authority) sits in the first local or region district
    by its tier.
    """
    payments = analysis.payments[analysis.payments["in_base"]].copy()
    # names that differ only in spacing are one supplier: the spec needs unique names
    payments["supplier"] = payments["supplier"].map(supplier_name)
    months = _months(payments, options.months)
    per_year = 12.0 / months
    known_districts = place_data.districts()
    for code in local:
        if code not in known_districts or known_districts[code].households is None:
            raise InputError(
                f"--local: {code} has no Census 2021 households or business counts "
                "(expected a current district of England and Wales)"
            )
    named = {c: known_districts[c].name if c in known_districts else c for c in local + region}
    areas = [{"code": c, "name": named[c], "tier": "local"} for c in local]
    areas += [{"code": c, "name": named[c], "tier": "region"} for c in region]
    areas.append({"code": "OUTSIDE", "name": "Outside the region", "tier": "outside"})
    known = {a["code"] for a in areas}

    sector_of = payments.groupby("supplier")["sector"].agg(lambda s: s.mode().iloc[0])
    district_of = payments.groupby("supplier")["district"].agg(
        lambda d: next((x for x in d if isinstance(x, str) and x != "unknown"), "unknown")
    )
    tier_of = payments.groupby("supplier")["tier"].first()
    suppliers, anchors, dropped = [], [], []
    declared: set[str] = set()
    for body, group in payments.groupby("body"):
        spend = group.groupby("supplier")["amount"].sum() * per_year
        dropped += [s for s, v in spend.items() if v <= 0]
        spend = spend[spend > 0]
        procurement = float(spend.sum())
        income = procurement / options.procurement_share
        contracts = []
        for rank, (supplier, value) in enumerate(spend.sort_values(ascending=False).items()):
            name = supplier_name(supplier)
            sector = sector_of[supplier] if sector_of[supplier] != "unknown" else "N"
            if name not in declared:
                district = district_of[supplier]
                suppliers.append(
                    {
                        "name": name,
                        "area": _area(district, tier_of[supplier], known, local, region),
                        "sector": sector,
                        "size_band": _band(value),
                    }
                )
                declared.add(name)
            year, month = (int(x) for x in options.start.split("-"))
            length = 12 + rank % 48  # contracts end spread over one to five years (assumption)
            end_month = (month - 1 + length) % 12 + 1
            end_year = year + (month - 1 + length) // 12
            contracts.append(
                {"supplier": name, "sector": sector, "value": float(value),
                 "end": f"{end_year:04d}-{end_month:02d}"}
            )  # fmt: skip
        anchors.append(
            {
                "name": supplier_name(body),
                "area": local[0],
                "income": income,
                "staff": max(1, round(income * options.wage_share / options.cost_per_job)),
                "wage_share": options.wage_share,
                "procurement_share": options.procurement_share,
                "local_staff_share": options.local_staff_share,
                "contracts": contracts,
            }
        )
    firms, households = [], []
    for code in local:
        district = known_districts[code]
        given = options.overrides.get(code, {})
        large = sum(1 for a in anchors if a["area"] == code and a["staff"] >= 250)
        populations = local_firms(district, {}, anchors_counted=large)
        if "firms" in given:
            _scale_counts(populations, given["firms"])
        firms += populations
        households.append(
            {"area": code, "count": int(given.get("households", district.households)),
             "household_weight": options.household_weight}
        )  # fmt: skip
    if region:
        population, _ = sample_firms(region, region[0], options.region_sample, "region")
        firms.append(population)
    population, _ = sample_firms(None, "OUTSIDE", options.outside_sample, "outside")
    firms.append(population)
    data = {
        "name": options.name,
        "description": f"Built from spend files by cwbsim calibrate ({len(anchors)} anchors, "
        f"{len(suppliers)} suppliers)",
        "start": options.start,
        "areas": areas,
        "anchors": anchors,
        "suppliers": suppliers,
        "firms": firms,
        "households": households,
        "behaviour": official_behaviour(region, {}) if region else {},
    }
    _normalise_mix(data)
    notes = {
        "months_of_data": months,
        "annualised_by": per_year,
        "suppliers_without_contract": sorted(set(dropped)),
        "not_procurement": {t: v * per_year for t, v in analysis.excluded.items()},
        "assumptions": [
            f"procurement is {options.procurement_share:.0%} of anchor income, wages "
            f"{options.wage_share:.0%}, £{options.cost_per_job:,.0f} per job",
            "contracts end spread over one to five years",
            "unknown sector treated as N (administrative and support services)",
            "local firms and households: ONS UK business 2024 local units and Census 2021 "
            "households of each district (as cwbsim place builds them)",
        ],
    }
    return parse_spec(data, f"{options.name} (constructed)"), notes


def _scale_counts(populations: list[dict], total: int) -> None:
    """Scale the populations' counts to ``total`` firms, keeping their proportions."""
    counts = np.array([[p["count"] for p in populations]], dtype=float)
    scaled = place_data.whole(counts * total / counts.sum())[0]
    for population, count in zip(populations, scaled, strict=True):
        population["count"] = int(count)
    populations[:] = [p for p in populations if p["count"] > 0]


def _normalise_mix(data: dict) -> None:
    for firms in data["firms"]:
        total = sum(firms["sectors"].values())
        firms["sectors"] = {k: v / total for k, v in firms["sectors"].items()}
        keys = list(firms["sectors"])
        values = np.array([firms["sectors"][k] for k in keys])
        values[-1] = 1.0 - values[:-1].sum()
        firms["sectors"] = dict(zip(keys, values.tolist(), strict=True))
