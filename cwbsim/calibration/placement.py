"""Placing every payee of a spend analysis: its type, its area, its sector, and how we know.

For each distinct payee, in turn:

1. a hand placement in the supplier register (:mod:`supplier_register`);
2. the user's supplier lookup (``--suppliers``), by company number or name key;
3. its name, for public bodies, statutory and financial payees, and individuals
   (:mod:`payees`): councils, NHS trusts, police, fire, universities… placed through
   the shipped registers;
4. an automatic placement already in the register, unless a newer company index has
   been imported since;
5. the company index (Companies House, OCDS suppliers): by number, exact name, then a
   fuzzy name match with a score (:mod:`company_match`). Only high-confidence matches
   place a payee; the rest are listed for review with their best candidate.

A company's type comes from Companies House's category and number prefix: community
interest companies, charitable incorporated organisations (``CE``/``CS``), registered
societies (``IP``/``RS``…) and companies limited by guarantee without share capital are
VCSE; other companies are businesses. Every automatic placement is written back to
the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from cwbsim.calibration.company_index import CompanyIndex
from cwbsim.calibration.company_match import THRESHOLD, Query, match_companies
from cwbsim.calibration.names import key
from cwbsim.calibration.payees import (
    BUSINESS,
    INDIVIDUAL,
    PUBLIC,
    STATUTORY,
    UNKNOWN,
    VCSE,
    classify,
)
from cwbsim.calibration.supplier_register import Entry, SupplierRegister

COLUMNS = ["supplier", "type", "kind", "district", "sector", "matched_by", "score",
           "confidence", "company_number", "company", "candidate", "candidate_score"]  # fmt: skip
_VCSE_CATEGORY = re.compile(
    r"community interest|charitable incorporated|registered society|industrial and provident|"
    r"co-?operative|no share capital|guarant|vcse",
    re.IGNORECASE,
)
_VCSE_NUMBER = re.compile(r"^(CE|CS|IP|RS|SP|NP|IC|SR|NR)\d")


def company_type(category: str, number: str, by_name: str) -> str:
    """VCSE or business, from Companies House's category, the number's prefix and the name."""
    if by_name == VCSE or _VCSE_CATEGORY.search(category or "") or _VCSE_NUMBER.match(number or ""):
        return VCSE
    return BUSINESS


@dataclass
class Sources:
    """Where placements come from, beyond the name itself."""

    lookup: dict
    register: SupplierRegister | None = None
    index: CompanyIndex | None = None
    threshold: float = THRESHOLD


def _row(supplier: str, **values) -> dict:
    return {"supplier": supplier, "type": UNKNOWN, "kind": "", "district": None, "sector": None,
            "matched_by": "unmatched", "score": 0.0, "confidence": "", "company_number": "",
            "company": "", "candidate": "", "candidate_score": None} | values  # fmt: skip


def _fresh(entry: Entry, index: CompanyIndex | None) -> bool:
    imported = (index.manifest.get("imported", "") if index else "")[:10]
    return not imported or entry.updated >= imported


def place_suppliers(suppliers: pd.DataFrame, sources: Sources) -> pd.DataFrame:
    """One row per distinct supplier (``suppliers``: ``supplier`` and ``company_number``)."""
    rows: dict[str, dict] = {}
    queries: list[Query] = []
    named = {}
    numbers = dict(zip(suppliers["supplier"], suppliers.get("company_number", [""] * len(suppliers)),
                       strict=True))  # fmt: skip
    by_number = {i.company_number: i for i in sources.lookup.values() if i.company_number}
    for supplier, number in numbers.items():
        number = number or ""
        entry = sources.register.get(supplier) if sources.register else None
        if entry is not None and entry.source == "hand":
            rows[supplier] = _from_entry(supplier, entry, "register (by hand)")
            continue
        info = by_number.get(number) or sources.lookup.get(key(supplier))
        payee = named[supplier] = classify(supplier)
        if info is not None:
            kind = payee.type if payee.type != UNKNOWN else BUSINESS
            rows[supplier] = _row(supplier, type=kind, kind=payee.kind, district=info.district,
                                  sector=info.sector, matched_by="name (lookup)", score=100.0,
                                  confidence="high", company_number=info.company_number or "")  # fmt: skip
            continue
        if payee.type in (PUBLIC, STATUTORY, INDIVIDUAL):
            rows[supplier] = _row(supplier, type=payee.type, kind=payee.kind,
                                  district=payee.area or None, matched_by=payee.method,
                                  score=payee.score, confidence="high" if payee.area else "")  # fmt: skip
            continue
        if entry is not None and _fresh(entry, sources.index):
            rows[supplier] = _from_entry(supplier, entry, f"register ({entry.method})")
            continue
        queries.append(Query(supplier, payee.clean, payee.trading_as, number))
    matches = (
        match_companies(queries, sources.index, sources.threshold).set_index("supplier")
        if queries and sources.index
        else pd.DataFrame()
    )
    for q in queries:
        payee = named[q.supplier]
        if q.supplier in matches.index:
            m = matches.loc[q.supplier]
            if m["confidence"] == "high":
                rows[q.supplier] = _row(
                    q.supplier, type=company_type(m["category"], m["number"], payee.type),
                    district=m["district"], sector=m["section"], matched_by=m["method"],
                    score=m["score"], confidence="high", company_number=m["number"],
                    company=m["company"],
                )  # fmt: skip
                continue
            rows[q.supplier] = _row(q.supplier, type=payee.type, kind=payee.kind,
                                    candidate=m["company"], candidate_score=m["score"])  # fmt: skip
            continue
        rows[q.supplier] = _row(q.supplier, type=payee.type, kind=payee.kind)
    if sources.register is not None:
        _remember(rows, sources.register)
    return pd.DataFrame([rows[s] for s in numbers], columns=COLUMNS)


def _from_entry(supplier: str, entry: Entry, how: str) -> dict:
    return _row(supplier, type=entry.type or UNKNOWN, kind=entry.kind,
                district=entry.area or None, sector=entry.sector or None, matched_by=how,
                score=entry.score, confidence="high" if entry.area else "",
                company_number=entry.company_number)  # fmt: skip


def _remember(rows: dict[str, dict], register: SupplierRegister) -> None:
    """Write every automatic placement (with an area) back to the register."""
    for supplier, row in rows.items():
        if row["matched_by"].startswith("register") or not row["district"]:
            continue
        source = "lookup" if row["matched_by"] == "name (lookup)" else "auto"
        register.put(Entry(supplier, key(supplier), row["type"], row["kind"], row["district"], "",
                           row["sector"] or "", row["company_number"], source,
                           row["matched_by"], float(row["score"])))  # fmt: skip
