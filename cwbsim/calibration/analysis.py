"""CLES-style spend analysis: where an anchor's money goes, and where it could stay.

Totals by body, tier (local / region / outside / unknown), local authority
district, sector (SIC 2007 section where the supplier is known, else mapped
from the expense type), the top suppliers with location and share, spend by
month, and the gap analysis: sectors where spend leaves the place although
local suppliers of that sector exist, with the £ that could move.

References: CLES spend analysis method, preston.gov.uk/article/1341.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from cwbsim.calibration.geography import tier_of
from cwbsim.calibration.spend_files import SpendData
from cwbsim.calibration.suppliers import SupplierInfo, match_suppliers

EXPENSE_SECTORS = (
    ("F", r"construct|repair|maint|building|works|roof|plumb|electrical install|highway|paving"),
    ("D", r"\belectric|\bgas\b|energy|utilit"),
    ("E", r"water|waste|refuse|recycl|sewer|skip hire"),
    ("J", r"software|\bict\b|\bit\b|computer|telephon|licen[cs]e|broadband|mobile|hardware|digital"),
    ("M", r"consult|professional|legal|audit|survey|architect|design|valuation|advis"),
    ("N", r"clean|security|agency|staff|temporary|recruit|grounds|catering contract|hire"),
    ("H", r"transport|vehicle|fuel|travel|taxi|\bbus\b|postage|courier|fleet"),
    ("I", r"food|catering|refreshment|hospitality|hotel|accommodation"),
    ("K", r"insurance|bank|financ|interest|loan"),
    ("L", r"\brent\b|lease|property|premises"),
    ("P", r"training|education|school|course|tuition"),
    ("Q", r"care|health|social|medical|nursing"),
    ("R", r"leisure|arts?\b|sport|culture|museum|gallery|event|entertain"),
    ("C", r"equipment|furniture|material|uniform|protective|printing"),
    ("G", r"stationery|supplies|purchase|goods|advert|publicity"),
)  # fmt: skip
"""Expense-type keywords to SIC sections, tried in order (an assumption; first match wins)."""

_PATTERNS = [(section, re.compile(words, re.IGNORECASE)) for section, words in EXPENSE_SECTORS]


def sector_from_expense(text: str) -> str | None:
    """Best-guess SIC section of an expense type or description, or None."""
    for section, pattern in _PATTERNS:
        if pattern.search(text or ""):
            return section
    return None


def _tiers(districts: pd.Series, local: list[str], region: list[str]) -> pd.Series:
    """The tier of each district (:func:`cwbsim.calibration.geography.tier_of`), per distinct value."""
    distinct = districts.drop_duplicates()
    return districts.map(
        dict(zip(distinct, (tier_of(d, local, region) for d in distinct), strict=True))
    )


@dataclass
class Analysis:
    """The tables of a spend analysis (money in £ over the files read)."""

    payments: pd.DataFrame
    suppliers: pd.DataFrame
    by_body: pd.DataFrame
    by_tier: pd.DataFrame
    by_district: pd.DataFrame
    by_sector: pd.DataFrame
    by_month: pd.DataFrame
    top_suppliers: pd.DataFrame
    gap: pd.DataFrame
    match_rate: dict[str, float]
    total: float


def _table(frame: pd.DataFrame, key: str, total: float) -> pd.DataFrame:
    out = frame.groupby(key, dropna=False)["amount"].agg(["sum", "count"]).reset_index()
    out.columns = [key, "spend", "payments"]
    out["share"] = out["spend"] / total if total else 0.0
    return out.sort_values("spend", ascending=False, ignore_index=True)


def analyse(
    data: SpendData,
    local: list[str],
    region: list[str],
    lookup: dict[str, SupplierInfo],
    companies: dict[str, SupplierInfo],
    body: str | None = None,
    top: int = 300,
) -> Analysis:
    """Analyse spend: where it goes, by tier, district, sector and month; and the gap.

    Parameters
    ----------
    data : SpendData
        Payments read by :func:`cwbsim.calibration.spend_files.read_spend_files`.
    local, region : list of str
        LAD codes of the place and of the rest of its region.
    lookup, companies : dict
        Supplier lookup and Companies House data, keyed by normalised name.
    body : str, optional
        Name of the paying body where the files do not say.
    """
    payments = data.payments.copy()
    suppliers = match_suppliers(payments["supplier"], None, lookup, companies)
    payments = payments.merge(suppliers, on="supplier", how="left")
    payments["tier"] = _tiers(payments["district"], local, region)
    kinds = payments["expense_type"].drop_duplicates()
    guessed = payments["expense_type"].map(
        dict(zip(kinds, kinds.map(sector_from_expense), strict=True))
    )
    payments["sector_source"] = (
        payments["sector"].notna().map({True: "supplier", False: "expense type"})
    )
    payments["sector"] = payments["sector"].fillna(guessed).fillna("unknown")
    payments.loc[payments["sector"] == "unknown", "sector_source"] = "unknown"
    payments["body"] = payments["body"].where(payments["body"] != "", body or "(not stated)")
    days = payments["date"].drop_duplicates()
    months = {d: d.strftime("%Y-%m") if d is not None else "undated" for d in days}
    payments["month"] = payments["date"].map(months).fillna("undated")
    payments["district"] = payments["district"].fillna("unknown")
    total = float(payments["amount"].sum())

    spend = payments.groupby("supplier")["amount"].sum()
    suppliers["spend"] = suppliers["supplier"].map(spend)
    suppliers["tier"] = _tiers(suppliers["district"], local, region)
    matched = suppliers["matched_by"] != "unmatched"
    match_rate = {
        "suppliers": float(matched.mean()) if len(suppliers) else 0.0,
        "spend": float(suppliers.loc[matched, "spend"].sum() / total) if total else 0.0,
    }
    top_suppliers = suppliers.sort_values("spend", ascending=False).head(top).copy()
    top_suppliers["share"] = top_suppliers["spend"] / total if total else 0.0
    return Analysis(
        payments=payments,
        suppliers=suppliers.sort_values("spend", ascending=False, ignore_index=True),
        by_body=_table(payments, "body", total),
        by_tier=_table(payments, "tier", total),
        by_district=_table(payments, "district", total),
        by_sector=_table(payments, "sector", total),
        by_month=_table(payments, "month", total).sort_values("month", ignore_index=True),
        top_suppliers=top_suppliers.reset_index(drop=True),
        gap=gap_analysis(payments, suppliers, lookup, companies, local),
        match_rate=match_rate,
        total=total,
    )


def gap_analysis(
    payments: pd.DataFrame,
    suppliers: pd.DataFrame,
    lookup: dict[str, SupplierInfo],
    companies: dict[str, SupplierInfo],
    local: list[str],
) -> pd.DataFrame:
    """Sectors where spend leaves the place although local suppliers of that sector exist.

    Local suppliers of a sector are the anchor's own local suppliers in it and
    any local firm of the sector in the supplier lookup or Companies House
    extract. ``could_move`` is the sector's spend with non-local suppliers
    (region and outside), £.
    """
    known_local: dict[str, set[str]] = {}
    for info_set in (lookup, companies):
        for name, info in info_set.items():
            if info.district in local and info.sector:
                known_local.setdefault(info.sector, set()).add(name)
    for row in suppliers.itertuples(index=False):
        if row.district in local and row.sector:
            known_local.setdefault(row.sector, set()).add(row.supplier)
    rows = []
    for sector, group in payments.groupby("sector"):
        leaving = group[group["tier"].isin(["region", "outside"])]["amount"].sum()
        local_spend = group[group["tier"] == "local"]["amount"].sum()
        firms = len(known_local.get(sector, ()))
        if firms and leaving > 0:
            rows.append(
                {
                    "sector": sector,
                    "spend": float(group["amount"].sum()),
                    "local_spend": float(local_spend),
                    "could_move": float(leaving),
                    "local_suppliers": firms,
                }
            )
    columns = ["sector", "spend", "local_spend", "could_move", "local_suppliers"]
    return pd.DataFrame(rows, columns=columns).sort_values(
        "could_move", ascending=False, ignore_index=True
    )


@dataclass
class Prepared:
    """Everything an analysis or a calibration starts from."""

    data: SpendData
    analysis: Analysis
    local: list[str]
    region: list[str]


def prepare(
    files: list,
    local: list[str],
    region: list[str] | None = None,
    suppliers=None,
    companies=None,
    onspd=None,
    columns: str | None = None,
    body: str | None = None,
    skip_unreadable: bool = False,
) -> Prepared:
    """Read spend files and supplier data, resolve the places, and analyse the spend.

    Parameters mirror ``cwbsim analyze``: district lists as given on the command
    line, file paths, and the ``--columns`` text.
    """
    from cwbsim.calibration.geography import PostcodeLookup, resolve_districts
    from cwbsim.calibration.spend_files import parse_columns_option, read_spend_files
    from cwbsim.calibration.suppliers import read_companies_house, read_supplier_lookup

    local_codes = resolve_districts(local, "--local")
    region_codes = [c for c in resolve_districts(region or [], "--region") if c not in local_codes]
    data = read_spend_files(files, parse_columns_option(columns), skip_unreadable)
    postcodes = PostcodeLookup(onspd)
    lookup = read_supplier_lookup(suppliers, postcodes) if suppliers else {}
    house = read_companies_house(companies, postcodes) if companies else {}
    analysis = analyse(data, local_codes, region_codes, lookup, house, body)
    return Prepared(data, analysis, local_codes, region_codes)
