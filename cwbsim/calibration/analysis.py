"""CLES-style spend analysis: where an anchor's money goes, and where it could stay.

Every payee is typed and placed (:mod:`placement`). Totals by payee type; then, over
the *procurement base* (by default business, VCSE and unknown payees, CLES's
convention; the excluded totals are reported, never dropped), totals by body, tier
(local / region / outside / unknown), district, sector (SIC 2007 section where the
supplier is known, else mapped from the expense type) and month; the top suppliers
with location, type and share; how much of the base was placed automatically; the
payees to review; and the gap analysis: sectors where spend leaves the place although
local suppliers of that sector exist, with the £ that could move.

References: CLES spend analysis method, preston.gov.uk/article/1341.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from cwbsim.calibration.geography import tier_of
from cwbsim.calibration.payees import PROCUREMENT_BASE, TYPES
from cwbsim.calibration.placement import Sources, place_suppliers
from cwbsim.calibration.spend_files import SpendData

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


UNNAMED_BODY = "(not stated)"
"""The paying body of payments whose files do not name it (``--body`` names it)."""


@dataclass
class Analysis:
    """The tables of a spend analysis (money in £ over the files read).

    ``total`` is every payment; ``base_total`` the procurement base, over which the tier,
    district, sector, body, month and gap tables and the top suppliers' shares are taken.
    """

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
    by_type: pd.DataFrame
    base: tuple[str, ...]
    base_total: float
    excluded: dict[str, float]
    placed: dict[str, float]
    review: pd.DataFrame


def _table(frame: pd.DataFrame, key: str, total: float) -> pd.DataFrame:
    out = frame.groupby(key, dropna=False)["amount"].agg(["sum", "count"]).reset_index()
    out.columns = [key, "spend", "payments"]
    out["share"] = out["spend"] / total if total else 0.0
    return out.sort_values("spend", ascending=False, ignore_index=True)


def analyse(
    data: SpendData,
    local: list[str],
    region: list[str],
    sources: Sources,
    body: str | None = None,
    base: tuple[str, ...] = PROCUREMENT_BASE,
    top: int = 300,
) -> Analysis:
    """Analyse spend: who was paid, where it goes by tier, district, sector and month; the gap.

    Parameters
    ----------
    data : SpendData
        Payments read by :func:`cwbsim.calibration.spend_files.read_spend_files`.
    local, region : list of str
        LAD codes of the place and of the rest of its region.
    sources : Sources
        The supplier lookup, register and company index that place payees.
    body : str, optional
        Name of the paying body where the files do not say.
    base : tuple of str
        The payee types whose spend the local shares are taken over.
    """
    payments = data.payments.copy()
    distinct = payments.drop_duplicates("supplier")[["supplier"]].assign(company_number="")
    suppliers = place_suppliers(distinct, sources)
    payments = payments.merge(suppliers[["supplier", "type", "kind", "district", "sector",
                                         "matched_by"]], on="supplier", how="left")  # fmt: skip
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
    payments["body"] = payments["body"].where(payments["body"] != "", body or UNNAMED_BODY)
    days = payments["date"].drop_duplicates()
    months = {d: d.strftime("%Y-%m") if d is not None else "undated" for d in days}
    payments["month"] = payments["date"].map(months).fillna("undated")
    payments["district"] = payments["district"].fillna("unknown")
    payments["in_base"] = payments["type"].isin(base)
    total = float(payments["amount"].sum())
    by_type = _table(payments, "type", total)
    by_type["in_base"] = by_type["type"].isin(base)
    procurement = payments[payments["in_base"]]
    base_total = float(procurement["amount"].sum())

    spend = payments.groupby("supplier")["amount"].sum()
    suppliers["spend"] = suppliers["supplier"].map(spend)
    suppliers["tier"] = _tiers(suppliers["district"], local, region)
    suppliers["in_base"] = suppliers["type"].isin(base)
    in_base = suppliers[suppliers["in_base"]]
    placed = in_base["district"].notna()
    automatic = placed & ~in_base["matched_by"].str.startswith(
        ("register (by hand)", "name (lookup)")
    )
    match_rate = {
        "suppliers": float(placed.mean()) if len(in_base) else 0.0,
        "spend": float(in_base.loc[placed, "spend"].sum() / base_total) if base_total else 0.0,
    }
    placed_shares = {
        "base_suppliers": len(in_base),
        "placed_spend": match_rate["spend"],
        "placed_automatically_spend": (
            float(in_base.loc[automatic, "spend"].sum() / base_total) if base_total else 0.0
        ),
        "all_payees_placed_spend": (
            float(suppliers.loc[suppliers["district"].notna(), "spend"].sum() / total)
            if total
            else 0.0
        ),
    }
    top_suppliers = in_base.sort_values("spend", ascending=False).head(top).copy()
    top_suppliers["share"] = top_suppliers["spend"] / base_total if base_total else 0.0
    review = in_base[in_base["candidate"].fillna("") != ""].sort_values("spend", ascending=False)
    return Analysis(
        payments=payments,
        suppliers=suppliers.sort_values("spend", ascending=False, ignore_index=True),
        by_body=_table(procurement, "body", base_total),
        by_tier=_table(procurement, "tier", base_total),
        by_district=_table(procurement, "district", base_total),
        by_sector=_table(procurement, "sector", base_total),
        by_month=_table(procurement, "month", base_total).sort_values("month", ignore_index=True),
        top_suppliers=top_suppliers.reset_index(drop=True),
        gap=gap_analysis(procurement, in_base, sources, local),
        match_rate=match_rate,
        total=total,
        by_type=by_type,
        base=tuple(base),
        base_total=base_total,
        excluded=_excluded(payments, base),
        placed=placed_shares,
        review=review[["supplier", "spend", "candidate", "candidate_score"]].reset_index(drop=True),
    )


def _excluded(payments: pd.DataFrame, base: tuple[str, ...]) -> dict[str, float]:
    """£ paid to each payee type outside the procurement base."""
    return {
        t: float(payments.loc[payments["type"] == t, "amount"].sum())
        for t in TYPES
        if t not in base and (payments["type"] == t).any()
    }


def gap_analysis(
    payments: pd.DataFrame, suppliers: pd.DataFrame, sources: Sources, local: list[str]
) -> pd.DataFrame:
    """Sectors where spend leaves the place although local suppliers of that sector exist.

    Local suppliers of a sector are the anchor's own local suppliers in it, those of
    the supplier lookup, and the live companies of the company index whose registered
    office is in the place. ``could_move`` is the sector's spend with non-local
    suppliers (region and outside), £.
    """
    known: dict[str, int] = {}
    for info in sources.lookup.values():
        if info.district in local and info.sector:
            known[info.sector] = known.get(info.sector, 0) + 1
    ours = suppliers[suppliers["district"].isin(local) & suppliers["sector"].notna()]
    for sector, count in ours.groupby("sector").size().items():
        known[sector] = known.get(sector, 0) + int(count)
    if sources.index:
        for sector, count in sources.index.sections_in(local).items():
            known[sector] = known.get(sector, 0) + int(count)
    rows = []
    for sector, group in payments.groupby("sector"):
        leaving = group[group["tier"].isin(["region", "outside"])]["amount"].sum()
        local_spend = group[group["tier"] == "local"]["amount"].sum()
        firms = known.get(sector, 0)
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
    register: object = None
    postcodes: object = None
    sources: object = None


@dataclass
class Options:
    """What ``cwbsim analyze`` and ``calibrate`` were asked for, as given on the command line."""

    files: list
    local: list[str]
    region: list[str] | None = None
    suppliers: object = None
    companies: list | None = None
    onspd: object = None
    columns: str | None = None
    body: str | None = None
    skip_unreadable: bool = False
    base: tuple[str, ...] = PROCUREMENT_BASE
    register: object = None
    use_index: bool = True


def prepare(options: Options, names: tuple[str, str] = ("--local", "--region")) -> Prepared:
    """Read spend files and supplier data, resolve the places, place payees and analyse.

    The company index in the user's data folder is used when one has been imported
    (``cwbsim data companies-house``); ``companies`` names Basic Company Data files to
    use for this run instead. Every automatic placement is saved in the register.
    ``names`` name the place and region in errors (the command line's options).
    The result also carries the postcode lookup and the placement sources used.
    """
    from cwbsim.calibration.company_index import CompanyIndex, temporary_index
    from cwbsim.calibration.geography import PostcodeLookup, resolve_districts
    from cwbsim.calibration.spend_files import parse_columns_option, read_spend_files
    from cwbsim.calibration.supplier_register import SupplierRegister
    from cwbsim.calibration.suppliers import read_supplier_lookup

    local_codes = resolve_districts(options.local, names[0])
    region_codes = [
        c for c in resolve_districts(options.region or [], names[1]) if c not in local_codes
    ]
    data = read_spend_files(
        options.files, parse_columns_option(options.columns), options.skip_unreadable
    )
    postcodes = PostcodeLookup(options.onspd)
    lookup = read_supplier_lookup(options.suppliers, postcodes) if options.suppliers else {}
    register = SupplierRegister(options.register)
    if options.companies:
        index = temporary_index(options.companies)
    else:
        index = CompanyIndex() if options.use_index else None
    sources = Sources(lookup, register, index if index else None)
    analysis = analyse(data, local_codes, region_codes, sources, options.body, options.base)
    register.save()
    return Prepared(data, analysis, local_codes, region_codes, register, postcodes, sources)
