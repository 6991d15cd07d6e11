"""Spend analysis benchmark: a year of a large council's spend (100,000 rows).

Run: ``.venv/bin/python benchmarks/bench_spend.py [ROWS]``. Builds a synthetic file
in the Hyndburn layout (Windows-1252, CRLF, £ amounts, credit notes), then reads
and analyses it with a supplier lookup. Prints seconds and peak memory; asserts nothing.
Target (issue 4): 100,000 rows in under 10 s, memory proportional to the file.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cwbsim.calibration.analysis import analyse
from cwbsim.calibration.geography import PostcodeLookup, resolve_districts
from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.calibration.suppliers import read_supplier_lookup

POSTCODES = ["BB1 2BY", "BB1 2DB", "PR0 2AA", "M1 1AA", "M1 1AD"]


def make_file(folder: Path, rows: int, seed: int = 1) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    suppliers = [f"SUPPLIER {i} LTD" for i in range(3000)]
    lines = [
        "Service Cost Centre,Account Detail,Description,HBC ref no,Name,Payment date,Net Amount(£)"
    ]
    which = rng.integers(0, len(suppliers), rows)
    amounts = np.round(rng.lognormal(6.5, 1.3, rows), 2) * np.where(rng.random(rows) < 0.03, -1, 1)
    days = rng.integers(1, 29, rows)
    months = rng.integers(1, 13, rows)
    for i in range(rows):
        amount = f"£{abs(amounts[i]):,.2f}"
        if amounts[i] < 0:
            amount = f"({amount})"
        lines.append(
            f"CENTRE {i % 40},REPAIRS AND MAINTENANCE,Job {i},B{i:08d},{suppliers[which[i]]},"
            f'{days[i]:02d}/{months[i]:02d}/2024,"{amount}"'
        )
    spend = folder / "year.csv"
    spend.write_bytes("\r\n".join(lines).encode("cp1252"))
    lookup = folder / "suppliers.csv"
    lookup.write_text(
        "supplier,postcode\n"
        + "\n".join(f"{s},{POSTCODES[i % len(POSTCODES)]}" for i, s in enumerate(suppliers[:2000]))
    )
    return spend, lookup


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        spend, lookup_path = make_file(Path(folder), rows)
        size = spend.stat().st_size / 1e6
        start = time.perf_counter()
        data = read_spend_files([spend])
        read = time.perf_counter() - start
        postcodes = PostcodeLookup()
        lookup = read_supplier_lookup(lookup_path, postcodes)
        region = resolve_districts(["lancashire"], "--region")
        result = analyse(data, ["E07000120"], region, lookup, {})
        total = time.perf_counter() - start
    print(f"Spend analysis of {rows:,} rows ({size:.1f} MB, Windows-1252, CRLF)")
    print(f"  read seconds           {read:.2f}")
    print(f"  read + analyse seconds {total:.2f}  (target < 10)")
    print(
        f"  peak memory            {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
    )
    print(f"  total £                {result.total:,.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
