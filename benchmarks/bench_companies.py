"""Companies House at full scale: ingest 5.5 million rows, then match 20,000 names.

Run: ``.venv/bin/python benchmarks/bench_companies.py [ROWS] [FOLDER]`` (default
5,500,000 rows; FOLDER keeps the generated file between runs, default a temporary one).

1. Writes a synthetic Basic Company Data CSV in the official 55-column layout (the
   header of the Companies House sample in ``../shared/data/suppliers``, with the
   product's leading spaces in `` CompanyNumber`` and `` RegAddress.AddressLine2``):
   names built from the sample's words and random words with a Zipf-like mix,
   real postcodes from the postcode index, SIC codes and categories from the sample.
2. Ingests it in a fresh process into a temporary data folder (``cwbsim data
   companies-house``'s code), and reports seconds and peak memory.
3. Matches 20,000 distinct names against that index: half are index names perturbed
   as spend files write them (case, LTD/LIMITED, &/AND, punctuation, trailing
   references, cut to 30 characters), half names that are not in it.

Prints figures; asserts nothing. Targets (issue 11): ingest <= 3 min and <= 1.5 GB;
matching 20,000 names <= 15 s.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SAMPLE = SHARED / "suppliers" / "companies-house-sample-2020-05.csv"
SUFFIXES = [
    "LIMITED",
    "LTD",
    "LIMITED",
    "LIMITED",
    "PLC",
    "LLP",
    "CIC",
    "COMMUNITY INTEREST COMPANY",
]


def _words(rng: np.random.Generator, sample: pd.DataFrame) -> np.ndarray:
    found = sorted({w for n in sample["CompanyName"] for w in re.findall(r"[A-Z]{3,}", n)
                    if w not in ("LIMITED", "LTD", "THE", "AND", "PLC", "LLP")})  # fmt: skip
    letters = np.array(list("ABCDEFGHIJKLMNOPRSTUVWY"))
    made = ["".join(rng.choice(letters, rng.integers(4, 10))) for _ in range(60_000)]
    return np.array(found + made, dtype=object)


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """Write ``rows`` synthetic companies in the official layout."""
    from cwbsim.calibration.postcode_index import index_dir

    rng = np.random.default_rng(seed)
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    header = list(sample.columns)
    official = [
        (" " + c if c in ("CompanyNumber", "RegAddress.AddressLine2") else c) for c in header
    ]
    words = _words(rng, sample)
    weights = 1.0 / np.arange(1, len(words) + 1) ** 0.8
    weights /= weights.sum()
    postcodes = pd.concat(pd.read_parquet(p) for p in sorted(index_dir().glob("*.parquet")))
    postcodes = postcodes["postcode"].to_numpy()
    chunk = 250_000
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(official)
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            base = sample.iloc[rng.integers(0, len(sample), n)].reset_index(drop=True)
            counts = rng.choice([1, 2, 2, 3, 3, 4], n)
            picked = rng.choice(words, (n, 4), p=weights)
            names = [" ".join(picked[i, : counts[i]]) for i in range(n)]
            suffix = rng.choice(SUFFIXES, n)
            base["CompanyName"] = [f"{a} {b}" for a, b in zip(names, suffix, strict=True)]
            base["CompanyNumber"] = [f"{start + i + 1:08d}" for i in range(n)]
            codes = rng.choice(postcodes, n)
            base["RegAddress.PostCode"] = [f"{p[:-3]} {p[-3:]}" for p in codes]
            base.columns = official
            base.to_csv(handle, header=False, index=False)


def ingest(path: Path, data: Path) -> dict:
    """Ingest in a fresh process; return seconds, rows and peak memory."""
    code = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from cwbsim.calibration.company_index import ingest_companies_house\n"
        "start = time.perf_counter()\n"
        "r = ingest_companies_house([Path(sys.argv[1])])\n"
        "print(json.dumps({'rows': r.rows, 'seconds': time.perf_counter() - start,\n"
        "  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    env = os.environ | {"CWBSIM_DATA_DIR": str(data)}
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         env=env, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def perturb(name: str, rng: random.Random) -> str:
    text = name
    for step in rng.sample(range(6), rng.randrange(1, 4)):
        if step == 0:
            text = text.title() if rng.random() < 0.5 else text.lower()
        elif step == 1:
            text = re.sub(r"\bLIMITED\b", "LTD", text) if "LIMITED" in text else text + " LIMITED"
        elif step == 2:
            text = text.replace(" AND ", " & ")
        elif step == 3:
            text = re.sub(r"[.,()'-]", "", text)
        elif step == 4:
            text = text + rng.choice([" - INV 10423", " (DD)", " A/C 5512"])
        else:
            text = text[:30]
    return text


def match(data: Path, count: int = 20_000) -> dict:
    os.environ["CWBSIM_DATA_DIR"] = str(data)
    from cwbsim.calibration.company_index import CompanyIndex
    from cwbsim.calibration.company_match import Query, match_companies
    from cwbsim.calibration.payees import strip_boilerplate

    index = CompanyIndex()
    column = index.dataset.to_table(columns=["name"]).column("name")
    rng = random.Random(3)
    picked = column.take(sorted(rng.sample(range(len(column)), count // 2))).to_pylist()
    del column
    known = [perturb(n, rng) for n in picked]
    unknown = [
        f"{rng.choice(['ZYX', 'QUV', 'JAX', 'WEX'])}{i} TRADING {i % 97} LTD"
        for i in range(count // 2)
    ]
    queries = {}
    for text in known + unknown:
        legal, trading = strip_boilerplate(text)
        queries[text] = Query(text, legal, trading)
    start = time.perf_counter()
    found = match_companies(list(queries.values()), index)
    seconds = time.perf_counter() - start
    high = found[found["confidence"] == "high"]
    return {
        "names": len(queries), "seconds": seconds, "accepted": len(high),
        "review": int((found["confidence"] == "review").sum()),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip


def main(rows: int, folder: Path | None) -> None:
    from cwbsim.calibration.postcode_index import index_dir

    index_dir()  # the postcode index, built once, outside the timings
    keep = folder is not None
    folder = folder or Path(tempfile.mkdtemp(prefix="bench-companies-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"BasicCompanyData-synthetic-{rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate(path, rows)
        print(f"generated {rows:,} rows, {path.stat().st_size / 1e9:.2f} GB, in "
              f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(index_dir(), data / "postcodes")
    done = ingest(path, data)
    print(f"ingest: {done['rows']:,} rows in {done['seconds']:.0f} s, peak memory "
          f"{done['peak_mb']:,.0f} MB  (targets: <= 180 s, <= 1,536 MB)")  # fmt: skip
    result = match(data)
    print(f"matching: {result['names']:,} distinct names in {result['seconds']:.1f} s "
          f"({result['accepted']:,} accepted, {result['review']:,} for review), peak memory "
          f"{result['peak_mb']:,.0f} MB  (target: <= 15 s)")  # fmt: skip
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_500_000,
         Path(sys.argv[2]) if len(sys.argv) > 2 else None)  # fmt: skip
