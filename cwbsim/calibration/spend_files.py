"""Reading the spend files councils and other anchors publish ("spend over £500").

Files come as CSV or XLSX (every sheet), in UTF-8 (with or without a byte-order
mark) or Windows-1252, with any line ending, preamble lines before the header,
empty spacer columns and header names that drift between files and years. A
file with no header that has as many columns as a layout already seen in the
same batch continues that layout. Every row is accounted for: used, or
rejected with a reason; nothing is dropped silently.

Amounts may carry £ signs, thousands separators or brackets for negatives;
credit notes (negative amounts) are kept and net off. Rows repeated exactly
across two files (overlapping extracts) are removed from the later file and
reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cwbsim.calibration.spend_fields import (
    FIELDS,
    HEADER_SEARCH_ROWS,
    map_columns,
    parse_amount,
    parse_columns_option,
    parse_date,
)
from cwbsim.model.errors import InputError

__all__ = [
    "FIELDS",
    "FileReport",
    "SpendData",
    "map_columns",
    "parse_amount",
    "parse_columns_option",
    "parse_date",
    "read_spend_files",
]


@dataclass
class FileReport:
    """What happened to one file (or one sheet).

    Attributes
    ----------
    rows_read : int
        Non-empty lines or sheet rows after the header.
    rows_used : int
        Rows kept as payments.
    rejected : collections.Counter
        Rows not used, by reason (including the preamble before the header).
    total : float
        Sum of the used rows' amounts, £.
    duplicates : int
        Rows removed because an earlier file had the same payment.
    duplicate_total : float
        Their amounts, £.
    columns : dict
        Which header each field came from.
    undated : int
        Used rows whose date could not be read (kept; no month for them).
    """

    source: str
    rows_read: int = 0
    rows_used: int = 0
    rejected: Counter = field(default_factory=Counter)
    total: float = 0.0
    duplicates: int = 0
    duplicate_total: float = 0.0
    columns: dict[str, str] = field(default_factory=dict)
    undated: int = 0
    note: str = ""

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rejected": dict(self.rejected),
            "total": self.total,
            "duplicates": self.duplicates,
            "duplicate_total": self.duplicate_total,
            "columns": self.columns,
            "undated": self.undated,
            "note": self.note,
        }


@dataclass
class SpendData:
    """Payments from a batch of spend files, with a report per file."""

    payments: pd.DataFrame
    reports: list[FileReport]


def _decode(raw: bytes, source: str) -> str:
    if b"\x00" in raw[:4096]:
        raise InputError(f"{source}: binary data (expected a CSV or XLSX spend file)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _csv_rows(path: Path) -> list[list[str]]:
    text = _decode(path.read_bytes(), str(path))
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_sheets(path: Path) -> list[tuple[str, list[list]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken workbook
        raise InputError(f"{path}: not a readable XLSX workbook ({error})") from None
    sheets = []
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        sheets.append((f"{path}[{sheet.title}]", rows))
    book.close()
    return sheets


def _is_blank(row: list) -> bool:
    return all(c is None or str(c).strip() == "" for c in row)


def _find_header(rows: list[list], override) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = ["" if c is None else str(c) for c in row]
        mapping = map_columns(texts, override)
        if "supplier" in mapping and "amount" in mapping:
            return i, mapping
    return None


_TOTAL = re.compile(r"^\s*(grand\s+|sub-?\s*)?totals?\s*:?\s*$", re.IGNORECASE)
"""A cell that is only "Total", "Grand total", "Sub-total:" …; "Total Gas Ltd" is a supplier."""


def _table(
    rows: list[list], source: str, layouts: dict[int, tuple[list[str], dict[str, int]]], override
) -> tuple[list[dict], FileReport]:
    report = FileReport(source)
    header = _find_header(rows, override)
    if header is not None:
        start, mapping = header
        names = ["" if c is None else str(c) for c in rows[start]]
        layouts[len(names)] = (names, mapping)
        preamble = sum(1 for r in rows[:start] if not _is_blank(r))
        if preamble:
            report.rejected["preamble before the header"] += preamble
        body = rows[start + 1 :]
    else:
        width = max((len(r) for r in rows if not _is_blank(r)), default=0)
        if width not in layouts:
            report.note = "no header with a supplier and an amount column, and no known layout"
            report.rejected["not a spend table"] = sum(1 for r in rows if not _is_blank(r))
            report.rows_read = report.rejected["not a spend table"]
            return [], report
        names, mapping = layouts[width]
        report.note = f"no header: continues the layout of {width} columns seen earlier"
        body = rows
    report.columns = {k: names[i] for k, i in mapping.items()}
    records = []
    for offset, row in enumerate(body):
        if _is_blank(row):
            continue
        report.rows_read += 1
        cells = list(row) + [None] * (len(names) - len(row))

        def cell(name: str, cells=cells):
            i = mapping.get(name)
            return None if i is None else cells[i]

        supplier = cell("supplier")
        supplier_text = "" if supplier is None else str(supplier).strip()
        amount = parse_amount(cell("amount")) if cell("amount") is not None else None
        first = next((str(c) for c in cells if c is not None and str(c).strip()), "")
        if _TOTAL.match(first) or (not supplier_text and _TOTAL.match(str(cell("supplier") or ""))):
            report.rejected["total row"] += 1
            continue
        if amount is None:
            reason = "amount missing" if cell("amount") in (None, "") else "amount not a number"
            report.rejected[reason] += 1
            continue
        if not supplier_text:
            if _TOTAL.match(" ".join(str(c) for c in cells if c is not None)):
                report.rejected["total row"] += 1
            else:
                report.rejected["supplier missing"] += 1
            continue
        when = parse_date(cell("date")) if cell("date") not in (None, "") else None
        if when is None:
            report.undated += 1
        records.append(
            {
                "source": source,
                "row": (header[0] + 2 + offset) if header else offset + 1,
                "supplier": supplier_text,
                "amount": amount,
                "date": when,
                "expense_type": _text(cell("expense_type")),
                "department": _text(cell("department")),
                "reference": _text(cell("reference")),
                "body": _text(cell("body")),
            }
        )
    report.rows_used = len(records)
    report.total = float(sum(r["amount"] for r in records))
    return records, report


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_spend_files(paths: list[Path | str], columns: dict[str, str] | None = None) -> SpendData:
    """Read a batch of spend files; return the payments and a report per file or sheet.

    Raises
    ------
    InputError
        A missing, empty or binary file, or a batch with no usable payment.
    """
    layouts: dict[int, tuple[list[str], dict[str, int]]] = {}
    records: list[dict] = []
    reports: list[FileReport] = []
    earlier: Counter = Counter()
    for path in (Path(p) for p in paths):
        if not path.exists():
            raise InputError(f"{path}: no such file (expected a CSV or XLSX spend file)")
        if path.stat().st_size == 0:
            raise InputError(f"{path}: empty file (expected a CSV or XLSX spend file)")
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            tables = _xlsx_sheets(path)
        else:
            tables = [(str(path), _csv_rows(path))]
        for source, rows in tables:
            found, report = _table(rows, source, layouts, columns)
            records += _without_repeats(found, report, earlier)
            reports.append(report)
    payments = pd.DataFrame.from_records(
        records,
        columns=["source", "row", "supplier", "amount", "date", "expense_type", "department",
                 "reference", "body"],
    )  # fmt: skip
    if payments.empty:
        raise InputError(
            f"{', '.join(str(p) for p in paths)}: no usable payment rows (expected columns for "
            "supplier and amount; see --columns)"
        )
    return SpendData(payments, reports)


def _key(record: dict) -> tuple | None:
    """What makes two rows the same payment; None where a row is too bare to tell."""
    if record["date"] is None and not record["reference"]:
        return None
    return (
        record["supplier"].lower(),
        record["date"],
        round(record["amount"], 2),
        record["reference"],
        record["expense_type"],
        record["department"],
        record["body"],
    )


def _without_repeats(found: list[dict], report: FileReport, earlier: Counter) -> list[dict]:
    """Drop payments an earlier file already had, as many times as it had them, and report them.

    Repeats within one file are kept (a council may pay the same invoice line twice);
    only overlap with earlier files is removed.
    """
    here: Counter = Counter()
    kept = []
    for record in found:
        key = _key(record)
        if key is not None and here[key] < earlier[key]:
            report.duplicates += 1
            report.duplicate_total += record["amount"]
        else:
            kept.append(record)
        here[key] += 1
    earlier.update(here)
    report.rows_used = len(kept)
    report.total = float(sum(r["amount"] for r in kept))
    return kept
