"""Build the small register tables cwbsim ships, from the public registers in ../shared/data.

Run: ``.venv/bin/python tools/build_registers.py [SHARED_DATA_FOLDER]``. Writes
``cwbsim/calibration/data/areas.csv``, ``nhs_trusts.csv`` and ``learning_providers.csv``
(provenance and licences in that folder's README). Postcodes are placed with the postcode
index in the user's data folder (built on first use).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from cwbsim.calibration.geography import PostcodeLookup

OUT = Path(__file__).resolve().parents[1] / "cwbsim" / "calibration" / "data"


WARD_LOOKUP = (
    "Ward_to_Local_Authority_District_to_County_to_Region_to_Country_(December_2022)_Lookup_"
    "in_United_Kingdom.csv"
)
ALIASES = {"LND": ("Corporation of London",)}
"""Names in common use that the register does not list: the City's traditional name."""
CA_WORDS = re.compile(
    r"\s*\b(mayoral|combined county authority|combined authority|authority|ca|cc)\b\s*", re.I
)


def areas(registers: Path, economy: Path) -> None:
    """Councils from the mySociety register, and metropolitan counties from ONS's lookup.

    A council whose district was recoded (Sheffield, E08000019 -> E08000039, in ONS's
    ``la_all_codes``) takes today's code and keeps the old one as a former code. A
    combined or strategic authority also answers to its name without the words
    "(Mayoral) Combined (County) Authority" ("South Yorkshire"), and Greater London to
    its region's name ("London"). A metropolitan county (Merseyside, Tyne and Wear …)
    has no council but names police, fire and transport bodies; its districts come
    from ONS's ward-to-county lookup.
    """
    rows = list(csv.DictReader((registers / "uk_local_authorities.csv").open(encoding="utf-8")))
    metropolitan: dict[str, tuple[str, set[str]]] = {}
    with (economy / WARD_LOOKUP).open(encoding="utf-8-sig") as handle:
        for ward in csv.DictReader(handle):
            if ward["CTY22CD"].startswith("E11"):
                metropolitan.setdefault(ward["CTY22CD"], (ward["CTY22NM"], set()))[1].add(
                    ward["LAD22CD"]
                )
    county_of = {lad: code for code, (_, lads) in metropolitan.items() for lad in lads}
    with (economy / "la_all_codes.csv").open(encoding="utf-8-sig") as handle:
        active = {r["LADCD"]: r["LADCD_ACTIVE"] for r in csv.DictReader(handle)}
    by_code = {r["local-authority-code"]: r for r in rows}
    out = []
    for r in rows:
        county = by_code.get(r["county-la"], {}).get("gss-code", "") or county_of.get(
            r["gss-code"], ""
        )
        combined = by_code.get(r["combined-authority"], {}).get("gss-code", "")
        successors = [by_code[c]["gss-code"] for c in r["replaced-by"].split(",") if c in by_code]
        names = {r["official-name"], r["nice-name"], *r["alt-names"].split(",")}
        names |= set(ALIASES.get(r["local-authority-code"], ()))
        if r["local-authority-type"] in ("COMB", "SRA"):
            names |= {CA_WORDS.sub(" ", n).strip() for n in list(names)} | {r["region"]}
        code, former = r["gss-code"], r["former-gss-codes"].replace(",", "|")
        if r["current-authority"] == "True" and active.get(code, code) != code:
            code, former = active[code], "|".join(filter(None, [former, code]))  # recoded
        out.append({
            "code": code,
            "register": r["local-authority-code"],
            "name": r["nice-name"],
            "official_name": r["official-name"],
            "type": r["local-authority-type"],
            "current": r["current-authority"] == "True",
            "county": county,
            "combined": combined,
            "region": r["region"],
            "nation": r["nation"],
            "successors": "|".join(successors),
            "former_codes": former,
            "names": "|".join(sorted(n.strip() for n in names if n.strip())),
            "lat": r["lat"],
            "long": r["long"],
        })  # fmt: skip
    for code, (name, _lads) in sorted(metropolitan.items()):
        out.append({key: "" for key in out[0]} | {
            "code": code, "name": name, "official_name": name, "type": "MCTY", "current": True,
            "region": "", "nation": "England", "names": name,
        })  # fmt: skip
    _write(OUT / "areas.csv", out)


def nhs(registers: Path, postcodes: PostcodeLookup) -> None:
    """NHS trusts (ODS ``etr``), placed by their headquarters' postcode."""
    rows = list(csv.reader((registers / "etr.csv").open(encoding="utf-8")))
    districts = postcodes.districts([r[9] for r in rows])
    out = [
        {"ods": r[0], "name": r[1], "postcode": r[9], "district": d or "", "closed": r[11]}
        for r, d in zip(rows, districts, strict=True)
    ]
    _write(OUT / "nhs_trusts.csv", out)


def learning(registers: Path, postcodes: PostcodeLookup) -> None:
    """Learning providers (UKRLP), placed by their postcode."""
    rows = list(csv.DictReader((registers / "ukprn.csv").open(encoding="utf-8")))
    districts = postcodes.districts([r["POSTCODE"] for r in rows])
    out = [
        {"ukprn": r["UKPRN"], "name": r["PROVIDER_NAME"], "alias": r["ALIAS_TEXT"],
         "postcode": r["POSTCODE"], "district": d or ""}
        for r, d in zip(rows, districts, strict=True)
    ]  # fmt: skip
    _write(OUT / "learning_providers.csv", out)


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)")


if __name__ == "__main__":
    shared = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    registers = shared / "registers"
    lookup = PostcodeLookup()
    areas(registers, shared / "economy")
    nhs(registers, lookup)
    learning(registers, lookup)
