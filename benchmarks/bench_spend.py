"""Spend analysis benchmark: a year of a large council's spend (100,000 rows).

Run: ``.venv/bin/python benchmarks/bench_spend.py [ROWS ...]`` (default 50000 100000
200000). For each size a synthetic file in the Hyndburn layout (Windows-1252, CRLF, £
amounts, bracketed credit notes) is written, then a fresh process reads it, reads a
2,000-row supplier lookup with postcodes and analyses the spend. The postcode index is
built first, once, outside the timing (it lives in the user's data folder). Prints
seconds per stage and peak memory per size; asserts nothing.
Target (issue 10): 100,000 rows read and analysed in at most 2 s, memory linear in the file.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

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


def one(spend: Path, lookup_path: Path) -> dict:
    """Time reading and analysing one file in this process; return the figures."""
    from cwbsim.calibration.analysis import analyse
    from cwbsim.calibration.geography import PostcodeLookup, resolve_districts
    from cwbsim.calibration.placement import Sources
    from cwbsim.calibration.postcode_index import index_dir
    from cwbsim.calibration.spend_files import read_spend_files
    from cwbsim.calibration.suppliers import read_supplier_lookup

    index_dir()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    data = read_spend_files([spend])
    read = time.perf_counter()
    lookup = read_supplier_lookup(lookup_path, PostcodeLookup())
    placed = time.perf_counter()
    region = resolve_districts(["lancashire"], "--region")
    result = analyse(data, ["E07000120"], region, Sources(lookup))
    done = time.perf_counter()
    return {
        "rows": len(data.payments),
        "mb": spend.stat().st_size / 1e6,
        "read": read - start,
        "lookup": placed - read,
        "analyse": done - placed,
        "total": done - start,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "baseline_mb": before,
        "total_pounds": result.total,
    }


def main(sizes: list[int]) -> None:
    print("Spend analysis (synthetic Hyndburn layout: Windows-1252, CRLF, £ amounts)")
    print(f"{'rows':>9} {'MB':>6} {'read s':>7} {'lookup s':>9} {'analyse s':>10} "
          f"{'total s':>8} {'peak MB':>8} {'reading MB':>11}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            spend, lookup = make_file(Path(folder), rows)
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(spend), str(lookup)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{r['rows']:>9,} {r['mb']:>6.1f} {r['read']:>7.2f} {r['lookup']:>9.2f} "
                  f"{r['analyse']:>10.2f} {r['total']:>8.2f} {r['peak_mb']:>8,.0f} "
                  f"{r['peak_mb'] - r['baseline_mb']:>11,.0f}")  # fmt: skip
    print("reading MB: peak memory above the process's size before reading (imports, index)")
    print("target: 100,000 rows read and analysed in at most 2 s")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(one(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [50_000, 100_000, 200_000])
