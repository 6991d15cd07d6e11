"""Build the model's built-in sector table from the ONS tables cwbsim ships.

Run: ``.venv/bin/python tools/build_sector_table.py``. Reads
``cwbsim/calibration/data/economy/io_sections_firms.csv`` (ONS input-output analytical
tables 2017, product by product, aggregated to SIC sections by
``tools/build_economy_tables.py``, without owner-occupiers' imputed rent, which no firm
produces)
and ``jobs_by_region_section.csv`` (ONS JOBS05, UK workforce jobs, mean of the four
quarters of 2017), and writes ``cwbsim/model/spec/library/sectors-uk-2017.csv``: each
section's shares of output paid as wages (compensation of employees), bought in the UK
(domestic intermediate use), imported, paid in taxes (on products and production, net),
its output per workforce job, and the mix of its UK-bought inputs by supplying section.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECONOMY = ROOT / "cwbsim" / "calibration" / "data" / "economy"
OUT = ROOT / "cwbsim" / "model" / "spec" / "library" / "sectors-uk-2017.csv"
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")
HEADER = """\
# Sector table uk-2017: ONS UK input-output analytical tables 2017 (product by product,
# nasu1719pr.xlsx, sheet IOT) aggregated to SIC 2007 sections, without the production of
# owner-occupiers' housing services (CPA_L68A, imputed rent: no firm produces it), and ONS
# JOBS05 UK workforce
# jobs (mean of 2017's four quarters, seasonally adjusted, September 2021 release).
# Built by tools/build_sector_table.py from cwbsim/calibration/data/economy/ (see its README).
# Shares are of total output at basic prices: wage = compensation of employees (D1);
# input = domestic intermediate use; import = imported intermediate use; tax = taxes less
# subsidies on products and production, floored at 0 (agriculture's net subsidy of 4.6% of
# output stays in its profit share, so its shares still sum to 1); profit (gross operating
# surplus) is the rest (section T's wage share is trimmed by 4e-6 so its shares sum to 1
# after rounding to £1). output_per_job = output / jobs, £ a year. from_X = share of the
# section's domestic intermediate use bought from section X. Section U (extraterritorial
# organisations) is not in the table: it copies section S with no jobs. Contains public
# sector information licensed under the Open Government Licence v3.0.
"""


def main() -> None:
    """Write the sector table from the ONS tables."""
    io = {row["section"]: row for row in csv.DictReader((ECONOMY / "io_sections_firms.csv").open())}
    jobs = {
        row["section"]: float(row["jobs"])
        for row in csv.DictReader((ECONOMY / "jobs_by_region_section.csv").open())
        if row["region"] == "United Kingdom"
    }
    columns = ["section", "output", "jobs", "output_per_job", "wage_share", "input_share",
               "import_share", "tax_share", *[f"from_{s}" for s in SECTIONS]]  # fmt: skip
    rows = []
    for section in SECTIONS:
        source = io.get(section) or io["S"]
        output = float(source["output"])
        domestic = float(source["intermediate_domestic"])
        taxes = float(source["taxes_products"]) + float(source["taxes_production"])
        shares = {
            "wage_share": float(source["compensation"]) / output,
            "input_share": domestic / output,
            "import_share": float(source["imports"]) / output,
            "tax_share": max(taxes, 0.0) / output,
        }
        # rounding to £1 can make a sector with no surplus (T) pay 1.000004 of its output
        shares["wage_share"] -= max(sum(shares.values()) - 1.0, 0.0)
        row = {
            "section": section,
            "output": f"{output:.6f}",
            "jobs": f"{jobs.get(section, 0.0) if section in io else 0.0:.0f}",
            "output_per_job": f"{output * 1e6 / jobs[source['section']]:.2f}",
            **{key: f"{value:.9f}" for key, value in shares.items()},
        }
        for supplier in SECTIONS:
            bought = float(source.get(f"from_{supplier}", 0.0) or 0.0)
            row[f"from_{supplier}"] = f"{bought / domestic if domestic else 0.0:.9f}"
        rows.append(row)
    with OUT.open("w", newline="") as handle:
        handle.write(HEADER)
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} sections")


if __name__ == "__main__":
    main()
