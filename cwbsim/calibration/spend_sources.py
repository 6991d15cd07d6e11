"""Opening a spend file as tables of cells, whatever its name says it is.

The format is decided from the bytes, not the file name: an XLSX (zip) workbook, a
legacy BIFF ``.xls`` workbook (OLE2), an HTML page with a table (some publishers
save one as ``.xls``), or delimited text. Text is UTF-8 (with or without a
byte-order mark) or Windows-1252; the delimiter is the one of ``, ; tab |`` that
splits the first lines into the most consistent number of cells. Every sheet of a
workbook is its own table.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

from cwbsim.model.errors import InputError

WHAT = "a CSV, XLSX or XLS spend file"
XLSX = (".xlsx", ".xlsm")


@dataclass
class RawTable:
    """One sheet or file: its name in reports and its rows of cells (str, number, date or None)."""

    source: str
    rows: list[list]
    format: str


def _decode(raw: bytes, source: str) -> tuple[str, str]:
    if b"\x00" in raw[:4096]:
        raise InputError(f"{source}: binary data (expected {WHAT})")
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def _delimiter(text: str) -> str:
    """The delimiter that splits the first 50 lines into the most consistent cell count."""
    head = "\n".join(text.splitlines()[:50])
    best, best_key = ",", (0.0, 0)
    for candidate in (",", ";", "\t", "|"):
        counts = Counter(len(r) for r in csv.reader(io.StringIO(head), delimiter=candidate) if r)
        if not counts:
            continue
        width, lines = counts.most_common(1)[0]
        key = (lines / sum(counts.values()) if width > 1 else 0.0, width)
        if key > best_key:
            best, best_key = candidate, key
    return best


def _text_table(raw: bytes, source: str) -> RawTable:
    text, encoding = _decode(raw, source)
    if text.lstrip()[:200].lower().startswith(("<!doctype html", "<html", "<table")) or (
        text.lstrip().startswith("<") and "<table" in text[:20000].lower()
    ):
        return RawTable(source, _html_rows(text, source), "HTML table")
    delimiter = _delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    name = {",": "CSV", ";": "semicolon-separated", "\t": "tab-separated", "|": "pipe-separated"}
    return RawTable(source, rows, f"{name[delimiter]} text, {encoding}")


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _html_rows(text: str, source: str) -> list[list]:
    """The cells of every table row in an HTML page (Python's own HTML parser)."""
    parser = _Cells()
    try:
        parser.feed(text)
        parser.close()
    except Exception as error:  # the parser's errors have no common base class
        raise InputError(f"{source}: not a readable HTML table ({error})") from None
    return parser.rows


def _xlsx_tables(path: Path) -> list[RawTable]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken workbook
        raise InputError(f"{path}: not a readable XLSX workbook ({error})") from None
    tables = []
    try:
        for sheet in book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            tables.append(RawTable(f"{path}[{sheet.title}]", rows, "XLSX workbook"))
    except Exception as error:
        raise InputError(f"{path}: not a readable XLSX workbook ({error})") from None
    finally:
        book.close()
    return tables


def _xls_tables(path: Path) -> list[RawTable]:
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except Exception as error:  # xlrd raises several types for a broken workbook
        raise InputError(f"{path}: not a readable XLS workbook ({error})") from None
    tables = []
    try:
        for sheet in book.sheets():
            rows = []
            for r in range(sheet.nrows):
                cells = []
                for cell in sheet.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        cells.append(_xls_date(cell.value, book.datemode))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        cells.append(None)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        cells.append(None)
                    else:
                        cells.append(cell.value)
                rows.append(cells)
            tables.append(RawTable(f"{path}[{sheet.name}]", rows, "XLS workbook"))
    finally:
        book.release_resources()
    return tables


def _xls_date(value: float, datemode: int) -> datetime | float:
    import xlrd

    try:
        return xlrd.xldate_as_datetime(value, datemode)
    except (ValueError, xlrd.xldate.XLDateError):
        return value


def open_tables(path: Path) -> list[RawTable]:
    """Every table in a spend file: each sheet of a workbook, or the one table of a text file.

    Raises
    ------
    InputError
        A missing, empty, binary or broken file.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file (expected {WHAT})")
    if path.is_dir():
        raise InputError(f"{path}: a folder (expected {WHAT})")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: empty file (expected {WHAT})")
    if raw[:4] == b"PK\x03\x04" or (path.suffix.lower() in XLSX and raw[:2] == b"PK"):
        return _xlsx_tables(path)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _xls_tables(path)
    if path.suffix.lower() in XLSX and b"\x00" in raw[:4096]:
        raise InputError(f"{path}: not a readable XLSX workbook (not a zip archive)")
    return [_text_table(raw, str(path))]
