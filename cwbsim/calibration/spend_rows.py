"""Every row of a spend table accounted for: used, rejected with a reason, or not data.

For each file or sheet, ``rows read = rows used + rows rejected + rows not data``
(+ rows not read, for a table skipped with ``--skip-unreadable``). Rejected rows
carry their reason and, where the amount could be read, their £. Rows that are not
data are blank, the header (and its repeats), preamble above the data, footers
below it, notes between, and the publisher's own total and subtotal rows. Where a
publisher writes totals, the report reconciles them with the rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cwbsim.calibration.spend_cells import DateReader, is_float_artefact, parse_amount
from cwbsim.calibration.spend_report import NOT_DATA, FileReport
from cwbsim.calibration.spend_roles import Layout

_TOTAL_WORD = re.compile(
    r"^\W*((grand|sub|overall|page|report|period|monthly|month|annual|year|running)\s*-?\s*)?"
    r"totals?\W*$",
    re.IGNORECASE,
)
"""A cell that is only a total label: "Total", "Grand total", "Sub-total:" …"""
_TOTAL_START = re.compile(r"^\W*(grand\s+|sub-?\s*)?totals?\b", re.IGNORECASE)
"""A cell that starts like one ("Total for Acme"); a total only if its amount is a sum above."""


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _blank_row(row: list) -> bool:
    if not row:
        return True
    try:
        return not "".join(row).strip()
    except TypeError:  # a workbook row with numbers, dates or empty cells
        return all(_blank(c) for c in row)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.011 + 1e-7 * abs(b)


def _cell(row: list, j: int | None):
    return row[j] if j is not None and j < len(row) else None


@dataclass
class Table:
    """The used rows of one table, column by column, and its report."""

    columns: dict[str, list]
    report: FileReport


def read_rows(rows: list[list], layout: Layout, report: FileReport) -> Table:
    """Classify every row of a table under ``layout``; return the used rows and the report.

    Rows with an amount and a supplier are payments, unless a cell names them a total
    or they have no supplier and their amount is the sum of the rows above (a total,
    or a subtotal: the sum since the previous total). Only such candidates and rows
    without an amount are examined one by one.
    """
    a, s = layout.column("amount"), layout.column("supplier")
    report.rows_read = len(rows)
    amount_cells = [_cell(r, a) for r in rows]
    amounts = [parse_amount(c) if c is not None and c != "" else None for c in amount_cells]
    suppliers = _column(rows, range(len(rows)), s)
    blank = [_blank_row(r) for r in rows]
    header_key = _row_key(rows[layout.header_row]) if layout.header_row is not None else None
    kind: list[str] = [""] * len(rows)  # "" = payment; else a reason or kind of non-data
    candidates = []
    for i, row in enumerate(rows):
        if blank[i]:
            kind[i] = "blank"
        elif amounts[i] is None:
            kind[i] = "no amount"
        elif not suppliers[i] or "total" in f"{row[0]}|{_cell(row, a - 1)}|{suppliers[i]}".lower():
            candidates.append(i)
    _find_totals(rows, amounts, kind, candidates, suppliers, report)
    _classify_rows_without_amount(rows, layout, kind, header_key, amount_cells, a)
    data = [i for i, label in enumerate(kind) if label not in NOT_DATA]
    first, last = (data[0], data[-1]) if data else (None, None)
    for i, label in enumerate(kind):
        if label == "":
            continue
        if label == "text":
            place = "preamble" if first is None or i < first else "footer" if i > last else "note"
            report.not_data[place] += 1
        elif label in NOT_DATA:
            report.not_data[label] += 1
        else:
            report.rejected[label] += 1
            if amounts[i] is not None:
                report.rejected_total[label] = report.rejected_total.get(label, 0.0) + amounts[i]
    used = [i for i, label in enumerate(kind) if label == ""]
    report.rounded = sum(map(is_float_artefact, (amount_cells[i] for i in used)))
    return _columns(rows, layout, used, [amounts[i] for i in used], report)


def _row_key(row: list) -> tuple:
    return tuple(_text(c).lower() for c in row)


def _find_totals(rows, amounts, kind, candidates, suppliers, report) -> None:
    """Mark the publisher's total and subtotal rows among the candidates.

    A candidate is a total if a cell is only a total label ("Total", "Grand total") and
    its supplier cell is empty or that label; or if it has no supplier (or a cell says
    "Total") and its amount equals the sum of all rows above it or of the rows since the
    previous total (two or more). A named supplier ("Total Solutions Ltd", even beside a
    cell reading "total") is a payment unless its amount is such a sum. The last
    row that sums everything above is the publisher's total; rows that sum their own
    part are subtotals. Other candidates without a supplier are rejected.
    """
    examined = set(candidates)
    payments = [amounts[i] if kind[i] == "" and i not in examined else 0.0
                for i in range(len(rows))]  # fmt: skip
    running = list(_prefix(payments))
    counts = list(_prefix([1.0 if x else 0.0 for x in payments]))
    extra = extra_count = 0.0  # candidates that turned out to be payments, so far
    start_sum = start_count = 0.0  # the sums at the previous total
    found = []  # (row, sums everything above, sums its part)
    for i in candidates:
        amount = amounts[i]
        above, above_count = running[i] + extra, counts[i] + extra_count
        texts = [c for c in rows[i] if isinstance(c, str) and c.strip()]
        worded = any(_TOTAL_WORD.match(c) for c in texts)
        started = any(_TOTAL_START.match(c) for c in texts)
        sums_all = above != 0 and _close(amount, above)
        sums_part = above_count - start_count >= 2 and _close(amount, above - start_sum)
        named = bool(suppliers[i]) and not _TOTAL_WORD.match(suppliers[i])
        if (worded and not named) or ((started or worded or not named) and (sums_all or sums_part)):
            found.append((i, sums_all, sums_part))
            start_sum, start_count = above, above_count
            continue
        extra += amount
        extra_count += 1
        if not suppliers[i]:
            kind[i] = "supplier missing"
    by_part = any(part and not everything for _, everything, part in found)  # subtotals here
    grand = max(
        (i for i, everything, part in found if everything and not (by_part and part)),
        default=None,
    )
    for i, _everything, part in found:
        kind[i] = "subtotal" if part and i != grand else "publisher total"
    if grand is not None:
        report.published_total = round(amounts[grand], 2)
    elif any(kind[i] == "publisher total" for i, *_ in found):
        report.published_total = round(
            amounts[max(i for i, *_ in found if kind[i] == "publisher total")], 2
        )
    elif found:
        report.published_total = round(math.fsum(amounts[i] for i, *_ in found), 2)


def _prefix(values: list[float]):
    """Sums of the values before each position."""
    total = 0.0
    for value in values:
        yield total
        total += value


def _classify_rows_without_amount(rows, layout, kind, header_key, amount_cells, a) -> None:
    usual = [p.index for p in layout.profiles if p.filled >= 0.5]
    need = max(2, math.ceil(0.5 * len(usual)))
    known = {p.index: p for p in layout.profiles if p.values}
    for i, label in enumerate(kind):
        if label != "no amount":
            continue
        row = rows[i]
        if header_key is not None and (i == layout.header_row or _row_key(row) == header_key):
            kind[i] = "header"
        elif not _data_like(row, usual, need, known):
            kind[i] = "text"
        elif a >= len(row):
            kind[i] = "short record (ends before the amount column)"
        elif _blank(amount_cells[i]):
            kind[i] = "amount missing"
        else:
            kind[i] = "amount not a number"


def _data_like(row: list, usual: list[int], need: int, known: dict) -> bool:
    """A row that fills most of the usual columns, or holds a value its column is known to hold."""
    filled = sum(1 for j in usual if j < len(row) and not _blank(row[j]))
    if filled >= need:
        return True
    for j, cell in enumerate(row):
        profile = known.get(j)
        if profile is not None and profile.values and _text(cell).upper() in profile.values:
            return True
    return False


def _column(rows: list[list], used, j: int | None) -> list[str]:
    """The text of column ``j`` in the used rows ("" where a row is too short)."""
    if j is None:
        return [""] * len(used)
    try:
        return [rows[i][j].strip() for i in used]  # the common case: text rows of full width
    except (AttributeError, IndexError):
        return [_text(rows[i][j]) if j < len(rows[i]) else "" for i in used]


def _columns(rows: list[list], layout: Layout, used: list[int], amounts: list[float], report):
    def column(role: str) -> list[str]:
        return _column(rows, used, layout.column(role))

    columns = {role: column(role) for role in ("supplier", "expense_type", "department",
                                               "reference", "body")}  # fmt: skip
    d = layout.column("date")
    if d is None:
        dates = [None] * len(used)
    else:
        raw = [rows[i][d] if d < len(rows[i]) else None for i in used]
        reader = DateReader({v for v in raw if isinstance(v, str)})
        if reader.note:
            report.notes.append(reader.note)
        dates = [reader(v) if not _blank(v) else None for v in raw]
    columns["date"] = dates
    columns["amount"] = amounts
    columns["row"] = [i + 1 for i in used]
    report.rows_used = len(used)
    report.total = round(math.fsum(amounts), 2)
    report.undated = sum(1 for x in dates if x is None)
    if report.rounded:
        report.notes.append(
            f"amounts: {report.rounded} had more than two decimals (float artefacts such as "
            "456.00000000000006) and were rounded to the penny"
        )
    suppliers = columns["supplier"]
    if d is None and suppliers and len(set(suppliers)) >= 0.9 * len(suppliers):
        report.summary = True
        report.notes.append(
            "summary file: no date column and one row per supplier; read as totals for "
            "the period the file covers"
        )
    return Table(columns, report)
