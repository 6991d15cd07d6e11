"""Read every spend file in a folder and print what happened to each, with timings.

Run: ``.venv/bin/python benchmarks/spend_corpus.py [FOLDER]`` (default
``../shared/data/spend``). For each file or sheet: rows read, used, rejected, not data
and not read; the total; seconds; the columns chosen for amount, supplier and date; and
whether the cells alone (every header word ignored) would have chosen the same three
columns, or which the header's words decided. Asserts nothing.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.calibration.spend_roles import assign_roles, infer_layout
from cwbsim.calibration.spend_sources import open_tables
from cwbsim.model.errors import InputError

ROLES = ("amount", "supplier", "date")


def cells_alone(path: Path) -> list[str]:
    """Per table: the roles whose column differs when header words are ignored."""
    out = []
    for table in open_tables(path):
        layout = infer_layout(table.rows, table.source, {}, {})
        if layout is None:
            out.append("")
            continue
        blind = [dataclasses.replace(p, header="") for p in layout.profiles]
        roles = assign_roles(blind, [], {}, table.source)
        differ = [r for r in ROLES if layout.column(r) != (roles[r].index if r in roles else None)]
        out.append(", ".join(differ))
    return out


def main(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".csv", ".xls", ".xlsx"))
    print(f"{'file':<46} {'read':>6} {'used':>6} {'rej':>4} {'not data':>8} {'total £':>16} "
          f"{'s':>5}  amount | supplier | date; decided by")  # fmt: skip
    totals = [0, 0, 0, 0, 0.0, 0.0]
    for path in files:
        start = time.perf_counter()
        try:
            data = read_spend_files([path])
        except InputError as error:
            print(f"{path.relative_to(folder)}: ERROR {error}")
            continue
        seconds = time.perf_counter() - start
        differ = cells_alone(path)
        for report, header_decided in zip(data.reports, differ, strict=True):
            name = str(path.relative_to(folder)) + (
                "[" + report.source.split("[", 1)[1] if "[" in report.source else ""
            )
            chosen = " | ".join(report.columns.get(r, "–") for r in ROLES)
            how = (
                "cells alone agree"
                if not header_decided
                else f"header words decided {header_decided}"
            )
            print(f"{name[:46]:<46} {report.rows_read:>6,} {report.rows_used:>6,} "
                  f"{sum(report.rejected.values()):>4} {sum(report.not_data.values()):>8,} "
                  f"{report.total:>16,.2f} {seconds:>5.2f}  {chosen}; {how}")  # fmt: skip
            totals[0] += report.rows_read
            totals[1] += report.rows_used
            totals[2] += sum(report.rejected.values())
            totals[3] += sum(report.not_data.values())
            totals[4] += report.total
        totals[5] += seconds
    print(f"{'all ' + str(len(files)) + ' files':<46} {totals[0]:>6,} {totals[1]:>6,} "
          f"{totals[2]:>4} {totals[3]:>8,} {totals[4]:>16,.2f} {totals[5]:>5.2f}")  # fmt: skip


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "spend"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
