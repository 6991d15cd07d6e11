"""A supplier lookup the user supplies: where some suppliers are and what they do.

A supplier lookup CSV has a supplier name, a postcode or an area (a district, county or
combined authority, by GSS code or name), and optionally a sector (SIC 2007 section
letter or 5-digit code) and a company number. Spend-file suppliers are matched to it
by company number where both have one, else by name key
(:func:`cwbsim.calibration.names.key`: case, punctuation, ``&``/``and``, legal forms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cwbsim.calibration.geography import PostcodeLookup
from cwbsim.calibration.names import key as name_key
from cwbsim.calibration.supplier_register import place_area
from cwbsim.model.errors import InputError
from cwbsim.model.spec.types import SECTIONS

SIC_DIVISIONS = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
)  # fmt: skip
"""SIC 2007 sections by their two-digit divisions (ONS, UK SIC 2007)."""


def normalise_name(name: str) -> str:
    """The matching key of a name (:func:`cwbsim.calibration.names.key`)."""
    return name_key(name)


def sic_section(value) -> str | None:
    """SIC 2007 section letter from a letter, a 5-digit code, or Companies House's SicText."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().upper()
    if len(text) == 1 and text in SECTIONS:
        return text
    digits = re.match(r"^(\d{4,5})", text)
    if not digits:
        return None
    division = int(digits.group(1).zfill(5)[:2])
    for section, low, high in SIC_DIVISIONS:
        if low <= division <= high:
            return section
    return None


@dataclass
class SupplierInfo:
    """What is known of one supplier."""

    district: str | None
    sector: str | None
    company_number: str | None
    source: str


def _company_number(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = re.sub(r"\s", "", str(value)).upper()
    if not text:
        return None
    return text.zfill(8) if text.isdigit() else text


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    """A CSV as text columns (UTF-8, else Windows-1252), or a one-line InputError."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file (expected {what})") from None
        except pd.errors.EmptyDataError:
            raise InputError(f"{path}: empty file (expected {what})") from None
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as error:
            raise InputError(f"{path}: not a readable CSV ({error}); expected {what}") from None
    raise InputError(f"{path}: unreadable text (expected {what})")


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {re.sub(r"[^a-z]", "", c.lower()): c for c in frame.columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def read_supplier_lookup(path: Path, postcodes: PostcodeLookup) -> dict[str, SupplierInfo]:
    """A supplier lookup CSV, keyed by normalised name.

    Raises
    ------
    InputError
        A missing file, no name column, no postcode or area column, or one
        supplier listed twice with different places or sectors.
    """
    frame = _read_csv(path, "a supplier lookup CSV")
    name = _column(frame, ("supplier", "suppliername", "name"))
    postcode = _column(frame, ("postcode", "postalcode"))
    area = _column(frame, ("area", "lad", "ladcode", "district", "localauthority"))
    sector = _column(frame, ("sector", "sic", "siccode", "section"))
    number = _column(frame, ("companynumber", "companyno", "crn"))
    if name is None or (postcode is None and area is None):
        raise InputError(
            f"{path}: expected columns supplier and postcode or area "
            f"(found: {', '.join(frame.columns)})"
        )
    districts = postcodes.districts(list(frame[postcode])) if postcode else [None] * len(frame)
    out: dict[str, SupplierInfo] = {}
    rows: dict[str, int] = {}
    for i, record in enumerate(frame.to_dict("records")):
        district = districts[i]
        if area and record[area].strip():
            district = place_area(record[area], f"{path}: row {i + 2}: area")
        info = SupplierInfo(
            district=district,
            sector=sic_section(record[sector]) if sector else None,
            company_number=_company_number(record[number]) if number else None,
            source="lookup",
        )
        key = name_key(record[name])
        if key in out and (out[key].district, out[key].sector) != (info.district, info.sector):
            raise InputError(
                f"{path}: row {i + 2}: supplier {record[name]!r} is already at row "
                f"{rows[key] + 2} with another place or sector (expected one row per supplier)"
            )
        out[key], rows[key] = info, i
    return out
