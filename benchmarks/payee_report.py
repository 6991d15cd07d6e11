"""Who was paid, per publisher: shares by payee type, the base placed, the hand work left.

Run: ``.venv/bin/python benchmarks/payee_report.py [SPEND_FOLDER]`` (default
``../shared/data/spend``). For Hyndburn and five corpus publishers, with whatever
company index the data folder holds (none, the sample, or a full Companies House import)
and a fresh supplier register: the share of £ by payee type, the procurement base, the
share of the base placed automatically (before any hand work), and how many suppliers a
user must place by hand to reach 80, 90 and 95% of the base. Asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from cwbsim.calibration.analysis import Options, prepare
from cwbsim.calibration.company_index import CompanyIndex
from cwbsim.calibration.payees import TYPES
from cwbsim.calibration.worklist import worklist

PUBLISHERS = {
    "hyndburn": ("hyndburn/*.csv", "Hyndburn", "lancashire"),
    "bradford": ("corpus/bradford/*", "Bradford", "West Yorkshire"),
    "devon": ("corpus/devon/*", "Devon", "Devon"),
    "leeds": ("corpus/leeds/*", "Leeds", "West Yorkshire"),
    "sheffield": ("corpus/sheffield/*", "Sheffield", "South Yorkshire"),
    "stockport": ("corpus/stockport/*", "Stockport", "Greater Manchester"),
}


def main(folder: Path) -> None:
    index = CompanyIndex()
    rows = index.manifest.get("rows", 0) if index else 0
    print(f"company index: {rows:,} companies" if index else "company index: none imported")
    short = {"business": "bus", "vcse": "vcse", "public body": "public",
             "statutory or financial": "stat", "individual or redacted": "indiv",
             "unknown": "unkn"}  # fmt: skip
    print(f"{'publisher':<10} {'£m':>8} " + " ".join(f"{short[t]:>7}" for t in TYPES)
          + f" {'base £m':>8} {'auto':>6} {'placed':>7} {'80%':>5} {'90%':>5} {'95%':>5}")  # fmt: skip
    for name, (pattern, local, region) in PUBLISHERS.items():
        files = sorted(folder.glob(pattern))
        with tempfile.TemporaryDirectory() as scratch:
            ready = prepare(Options(files, [local], [region],
                                    register=Path(scratch) / "register.csv"))  # fmt: skip
        a = ready.analysis
        shares = a.by_type.set_index("type")["share"].reindex(list(TYPES)).fillna(0.0)
        work = worklist(a)
        needed = [("—" if n is None else str(n)) for n in work.needed.values()]
        print(f"{name:<10} {a.total / 1e6:>8.1f} " + " ".join(f"{s:>7.1%}" for s in shares)
              + f" {a.base_total / 1e6:>8.1f} {a.placed['placed_automatically_spend']:>6.1%}"
              f" {a.placed['placed_spend']:>7.1%} " + " ".join(f"{n:>5}" for n in needed))  # fmt: skip


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "spend"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
