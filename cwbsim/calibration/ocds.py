"""Suppliers from Contracts Finder and Find a Tender: OCDS release packages.

An OCDS release package (Open Contracting Data Standard, as Contracts Finder and Find
a Tender publish them) lists each release's ``parties``; those with the role
``supplier`` have a name, an identifier (``GB-COH`` is a Companies House number), an
address (a ``postalCode``, or a postcode inside ``streetAddress``) and sometimes
``details.scale`` (``sme``/``large``) and ``details.vcse``. Each distinct supplier is
added to the company index (``contracts.parquet``), placed by its postcode, so that
spend-file payees match it like a company. Plain JSON: a release package, a record
package, a list of either, or one package per line.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cwbsim.calibration.company_index import (
    SCHEMA,
    frame_to_index,
    index_folder,
    load_postcodes,
    write_contracts,
)
from cwbsim.model.errors import InputError

POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
"""A UK postcode inside an address line."""


def _packages(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (expected an OCDS release package, JSON)") from None
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 text (expected an OCDS release package, JSON)"
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        try:
            document = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise InputError(f"{path}: not JSON ({error.msg} at line {error.lineno}; expected "
                             "an OCDS release package)") from None  # fmt: skip
    return document if isinstance(document, list) else [document]


def _releases(package: dict) -> list[dict]:
    if "releases" in package:
        return package["releases"]
    if "records" in package:
        return [r.get("compiledRelease", {}) for r in package["records"]]
    return [package] if "parties" in package else []


def _postcode(address: dict) -> str:
    if address.get("postalCode"):
        return str(address["postalCode"]).strip().upper()
    found = POSTCODE.findall(str(address.get("streetAddress", "")))
    return f"{found[-1][0]} {found[-1][1]}".upper() if found else ""


def suppliers(paths: list[Path]) -> list[dict]:
    """Distinct suppliers (by identifier, else name) in the packages, with what they say."""
    found: dict[str, dict] = {}
    for path in paths:
        packages = _packages(Path(path))
        releases = [r for p in packages if isinstance(p, dict) for r in _releases(p)]
        if not releases:
            raise InputError(f"{path}: no releases or records (expected an OCDS release package)")
        for release in releases:
            for party in release.get("parties", []):
                if "supplier" not in party.get("roles", []):
                    continue
                identifier = party.get("identifier") or {}
                number = identifier.get("id", "") if identifier.get("scheme") == "GB-COH" else ""
                details = party.get("details") or {}
                scale = details.get("scale", "")
                category = "OCDS supplier" + (f" ({scale})" if scale else "")
                if details.get("vcse"):
                    category += ", VCSE"
                name = party.get("name") or identifier.get("legalName", "")
                if not name:
                    continue
                record = {"name": name, "number": number,
                          "postcode": _postcode(party.get("address") or {}), "category": category,
                          "status": "Active"}  # fmt: skip
                found.setdefault(number or name.upper(), record)
    return list(found.values())


def ingest_contracts(paths: list[Path]) -> tuple[int, Path]:
    """Add the suppliers of OCDS packages to the company index; return its count and file."""
    rows = suppliers(paths)
    table = frame_to_index(pa.Table.from_pylist(rows), load_postcodes(), "contracts finder")
    earlier = index_folder() / "contracts.parquet"
    if earlier.exists():  # packages imported before stay; a supplier seen again is kept once
        table = pa.concat_tables([table, pq.read_table(earlier, schema=SCHEMA)])
        frame = table.to_pandas()
        frame["id"] = frame["number"].where(frame["number"] != "", frame["canonical"])
        frame = frame.drop_duplicates("id").drop(columns="id")
        table = pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False)
    document = {
        "source": "OCDS release packages (Contracts Finder / Find a Tender, OGL v3)",
        "files": [Path(p).name for p in paths],
        "imported": datetime.now(UTC).isoformat(timespec="seconds"),
        "suppliers": table.num_rows,
        "with_postcode": sum(1 for r in rows if r["postcode"]),
        "with_company_number": sum(1 for r in rows if r["number"]),
    }
    return table.num_rows, write_contracts(table, document)
