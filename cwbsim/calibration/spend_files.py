"""Reading the spend files councils and other anchors publish ("spend over £500").

Files come as CSV or other delimited text, XLSX (every sheet), legacy XLS, or an
HTML table saved under a spreadsheet's name (:mod:`spend_sources`). Which column
is the amount, the supplier, the date and the rest is inferred from the cells, with
the header's words as hints (:mod:`spend_roles`); the header row may be anywhere or
absent. Every row is accounted for (:mod:`spend_rows`): used, rejected with a
reason, or recognised as not data. A table that holds rows of data but yields no
spend table is an error naming it, unless ``skip_unreadable`` is set, when it is
reported as not read. Rows repeated exactly in an earlier file of the batch
(overlapping extracts) are rejected and reported, with their £.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cwbsim.calibration.spend_cells import (
    FIELDS,
    parse_amount,
    parse_columns_option,
    parse_date,
)
from cwbsim.calibration.spend_choice import NotASpendTable
from cwbsim.calibration.spend_report import REPEAT, FileReport
from cwbsim.calibration.spend_roles import infer_layout
from cwbsim.calibration.spend_rows import Table, read_rows
from cwbsim.calibration.spend_sources import RawTable, open_tables
from cwbsim.model.errors import InputError

__all__ = [
    "FIELDS",
    "FileReport",
    "SpendData",
    "parse_amount",
    "parse_columns_option",
    "parse_date",
    "read_spend_files",
]

COLUMNS = ["source", "row", "supplier", "amount", "date", "expense_type", "department",
           "reference", "body"]  # fmt: skip


@dataclass
class SpendData:
    """Payments from a batch of spend files, with a report per file or sheet."""

    payments: pd.DataFrame
    reports: list[FileReport]

    @property
    def not_read(self) -> list[FileReport]:
        """Tables skipped as unreadable (``--skip-unreadable``)."""
        return [r for r in self.reports if r.unreadable]


def _blank_rows(rows: list[list]) -> int:
    return sum(1 for r in rows if not r or all(c is None or not str(c).strip() for c in r))


def _read_table(table: RawTable, override, earlier, skip_unreadable: bool) -> Table:
    start = time.perf_counter()
    report = FileReport(table.source, table.format)
    rows = table.rows
    try:
        layout = infer_layout(rows, table.source, override, earlier)
    except NotASpendTable as error:
        if not skip_unreadable:
            raise InputError(f"{error} (or pass --skip-unreadable to go on without it)") from None
        report.rows_read = len(rows)
        report.not_data["blank"] = _blank_rows(rows)
        report.not_read = len(rows) - report.not_data["blank"]
        report.unreadable = str(error)
        report.seconds = time.perf_counter() - start
        return Table({}, report)
    if layout is None:
        report.rows_read = len(rows)
        blank = _blank_rows(rows)
        report.not_data.update({"blank": blank, "text without a table": len(rows) - blank})
        report.notes.append("no table of payments here (notes or text only)")
        report.seconds = time.perf_counter() - start
        return Table({}, report)
    if layout.header_row is not None:
        earlier[len(layout.header)] = layout.header
    report.columns = {role: choice.name for role, choice in layout.roles.items()}
    report.evidence = {role: choice.evidence() for role, choice in layout.roles.items()}
    report.decided_by = layout.decided_by
    report.notes += layout.notes
    result = read_rows(rows, layout, report)
    result.columns["source"] = [table.source] * report.rows_used
    report.seconds = time.perf_counter() - start
    return result


def _drop_summary_sheets(tables: list[Table]) -> None:
    """A summary sheet whose total equals the other sheets' is not counted twice."""
    detail = [t for t in tables if t.report.rows_used and not t.report.summary]
    others = math.fsum(t.report.total for t in detail)
    for table in tables:
        report = table.report
        if not report.summary or not report.rows_used or not detail:
            continue
        if any(abs(report.total - t) <= 0.011 + 1e-7 * abs(t)
               for t in [others, *(d.report.total for d in detail)]):  # fmt: skip
            report.not_data["summary of other sheets"] += report.rows_used
            report.notes.append(
                f"summary of other sheets (£{report.total:,.2f}, the same as theirs): not counted"
            )
            report.rows_used, report.total, report.undated = 0, 0.0, 0
            table.columns = {}


KEY = ["supplier", "date", "amount", "reference", "expense_type", "department", "body"]
"""What makes two rows the same payment (the supplier compared without case)."""


def _hashes(columns: dict[str, list]) -> np.ndarray:
    """One 64-bit hash per row of its payment key; 0 where a row is too bare to tell.

    A row with neither a date nor a reference cannot be told from a genuine repeat,
    so it is never taken for one.
    """
    frame = pd.DataFrame({k: columns[k] for k in KEY})
    frame["supplier"] = frame["supplier"].str.lower()
    frame["date"] = frame["date"].astype(str)
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    bare = frame["date"].eq("None").to_numpy() & frame["reference"].eq("").to_numpy()
    return np.where(bare, np.uint64(0), hashes)


def _without_repeats(table: Table, earlier: pd.Series, last: bool) -> pd.Series:
    """Reject payments an earlier file already had, as many times as it had them.

    Repeats within one file are kept (a council may pay the same invoice line
    twice); only overlap with earlier files is removed. ``earlier`` counts each
    payment key seen in earlier files; the updated count is returned.
    """
    columns, report = table.columns, table.report
    if not report.rows_used or (earlier.empty and last):
        return earlier  # nothing earlier to repeat, and nothing later to compare with
    hashes = _hashes(columns)
    occurrence = pd.Series(hashes).groupby(hashes).cumcount().to_numpy()
    before = earlier.reindex(hashes, fill_value=0).to_numpy()
    repeat = (hashes != 0) & (occurrence < before)
    if repeat.any():
        amounts = np.asarray(columns["amount"])
        report.rejected[REPEAT] += int(repeat.sum())
        report.rejected_total[REPEAT] = float(amounts[repeat].sum())
        keep = np.flatnonzero(~repeat)
        table.columns = {name: [values[i] for i in keep] for name, values in columns.items()}
        report.rows_used = len(keep)
        report.total = round(math.fsum(table.columns["amount"]), 2)
        report.undated = sum(1 for d in table.columns["date"] if d is None)
    counts = pd.Series(hashes[hashes != 0]).value_counts()
    return earlier.add(counts, fill_value=0).astype(int)


def read_spend_files(
    paths: list[Path | str],
    columns: dict[str, str] | None = None,
    skip_unreadable: bool = False,
) -> SpendData:
    """Read a batch of spend files; return the payments and a report per file or sheet.

    Parameters
    ----------
    paths : list of path
        Spend files, in the order their overlaps should be resolved (later repeats
        of an earlier file's payments are rejected).
    columns : dict, optional
        Role -> header text or column number (``--columns``), overriding inference.
    skip_unreadable : bool
        Report a table with rows of data but no spend table as not read, instead of
        raising.

    Raises
    ------
    InputError
        A missing, empty, binary or broken file; a table that is not a spend table
        (unless ``skip_unreadable``); or a batch with no usable payment.
    """
    override = columns or {}
    layouts: dict[int, list[str]] = {}
    earlier = pd.Series(dtype=int)
    tables: list[Table] = []
    for number, path in enumerate(Path(p) for p in paths):
        found = [_read_table(raw, override, layouts, skip_unreadable) for raw in open_tables(path)]
        _drop_summary_sheets(found)
        for k, table in enumerate(found):
            last = number == len(paths) - 1 and k == len(found) - 1
            earlier = _without_repeats(table, earlier, last)
            assert table.report.balanced(), table.report.as_dict()
            tables.append(table)
    frames = [pd.DataFrame({c: t.columns[c] for c in COLUMNS}) for t in tables if t.columns]
    payments = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    if payments.empty:
        raise InputError(
            f"{', '.join(str(p) for p in paths)}: no usable payment rows (expected a table "
            "with a column of amounts and one of supplier names; see --columns)"
        )
    return SpendData(payments, [t.report for t in tables])
