"""Local authority areas: names, codes, successors and which districts each contains.

From the mySociety register of UK local authorities (CC BY 4.0; see
``calibration/data/README.md``): every council since 2011 with its GSS code, names and
alternative names, type (district, county, unitary, metropolitan, London borough,
combined authority…), county, combined authority and, for a council that no longer
exists, its successors. Postcode lookups give today's district codes; a code given by a
user or found in an old file is mapped to today's by :func:`current`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cwbsim.calibration.names import canonical

COUNCIL_TYPES = {
    "NMD": "district", "MD": "metropolitan district", "UA": "unitary", "LBO": "London borough",
    "CTY": "county", "CC": "city corporation", "SCO": "Scottish council", "WPA": "Welsh council",
    "NID": "Northern Ireland district", "COMB": "combined authority",
    "SRA": "strategic authority", "MCTY": "metropolitan county",
}  # fmt: skip
WIDE = ("CTY", "COMB", "SRA", "MCTY")
"""Area types that contain districts rather than being one."""


@dataclass(frozen=True)
class Area:
    """One council's area."""

    code: str
    name: str
    official_name: str
    type: str
    current: bool
    county: str
    combined: str
    region: str
    successors: tuple[str, ...]
    names: tuple[str, ...]
    lat: float | None = None
    lon: float | None = None


def _table(name: str) -> list[dict]:
    text = resources.files("cwbsim.calibration").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def areas() -> dict[str, Area]:
    """Every council area by GSS code (current and former)."""
    out = {}
    for row in _table("areas.csv"):
        out[row["code"]] = Area(
            code=row["code"],
            name=row["name"],
            official_name=row["official_name"],
            type=row["type"],
            current=row["current"] == "True",
            county=row["county"],
            combined=row["combined"],
            region=row["region"],
            successors=tuple(s for s in row["successors"].split("|") if s),
            names=tuple(n for n in row["names"].split("|") if n),
            lat=float(row["lat"]) if row.get("lat") else None,
            lon=float(row["long"]) if row.get("long") else None,
        )
        for former in filter(None, row["former_codes"].split("|")):
            out.setdefault(former, out[row["code"]])
    return out


def current(code: str) -> tuple[str, ...]:
    """Today's area codes for a code (itself if current; its successors if not)."""
    area = areas().get(code)
    if area is None or area.current or not area.successors:
        return (area.code if area else code,)
    found: list[str] = []
    for successor in area.successors:
        found += [c for c in current(successor) if c not in found]
    return tuple(found)


@cache
def members(code: str) -> frozenset[str]:
    """The current district-level areas inside ``code`` (a district contains only itself)."""
    table = areas()
    area = table.get(code)
    if area is None:
        return frozenset({code})
    if area.type not in WIDE:
        return frozenset(current(area.code))
    inside = {
        a.code
        for a in table.values()
        if a.current and a.type not in WIDE and code in (a.county, a.combined)
    }
    if area.type == "SRA":
        inside |= {a.code for a in table.values() if a.current and a.region == area.region
                   and a.type not in WIDE}  # fmt: skip
    return frozenset(inside)


@cache
def by_name() -> dict[str, tuple[str, ...]]:
    """Canonical name or alternative name -> the codes of the areas it names (current first)."""
    found: dict[str, list[str]] = {}
    table = areas()
    for area in sorted(set(table.values()), key=lambda a: (not a.current, a.code)):
        for name in {area.name, area.official_name, *area.names}:
            codes = found.setdefault(canonical(name), [])
            if area.code not in codes:
                codes.append(area.code)
    return {name: tuple(codes) for name, codes in found.items()}


def place(text: str, prefer_wide: bool = False) -> str | None:
    """The current area a place name names (``"LANCASHIRE"`` -> the county's code), or None.

    Where a name fits several areas (a county and a district of one name), a wide area
    (county, combined authority) is preferred if ``prefer_wide``, else a district.
    """
    codes = by_name().get(canonical(text))
    if not codes:
        return None
    table = areas()
    ranked = sorted(
        (c for code in codes for c in current(code)),
        key=lambda c: ((table[c].type in WIDE) != prefer_wide) if c in table else True,
    )
    return ranked[0] if ranked else None


def closest(text: str, limit: int = 3) -> list[str]:
    """The area names nearest to ``text`` (for an error message)."""
    from rapidfuzz import process

    names = sorted({a.name for a in areas().values() if a.current})
    return [m[0] for m in process.extract(text, names, limit=limit)]
