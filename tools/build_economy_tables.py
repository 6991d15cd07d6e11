"""Build the small economy calibration tables cwbsim ships, from official ONS data.

Run from the repository root::

    .venv/bin/python tools/build_economy_tables.py [ECONOMY_FOLDER]

``ECONOMY_FOLDER`` defaults to ``../shared/data/economy`` (relative to the repository
root) and must hold the ONS files named below (provenance in ``../shared/data/README.md``).
The script writes tidy CSV tables to ``cwbsim/calibration/data/economy/`` (provenance,
units and choices in that folder's ``README.md``) and prints the consistency checks the
README reports. It is deterministic: the same inputs give byte-identical outputs.

Tables written: ``product_sections.csv``, ``io_sections.csv``, ``type1_products.csv``
(ONS input-output analytical tables 2017), ``jobs_by_region_section.csv`` (ONS JOBS05,
2017 average), ``business_by_district.csv``, ``business_size_by_district.csv``,
``business_region_industry_size.csv`` (ONS UK business 2024, local units) and
``districts.csv`` (current districts with Census 2021 households and mid-2021 population).
"""

from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import xlrd
from openpyxl.utils import get_column_letter

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "economy"
OUT = REPO / "cwbsim" / "calibration" / "data" / "economy"

IO_FILE = "nasu1719pr-git-reset.xlsx"
JOBS_FILE = "jobs05sep2021.xls"
BUSINESS_FILE = "ukbusinessworkbook2024.xlsx"
HOUSEHOLDS_FILE = "households21_ltla21.csv"
POPULATION_FILE = "population-lad-2021.csv"
LAD_REGION_FILE = "Local_Authority_District_to_Region_(December_2022)_Lookup_in_England.csv"
WARD_FILE = (
    "Ward_to_Local_Authority_District_to_County_to_Region_to_Country_(December_2022)_Lookup_"
    "in_United_Kingdom.csv"
)
CODES_FILE = "la_all_codes.csv"

SECTION_DIVISIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}
"""SIC 2007 sections and their division ranges (inclusive)."""

REGIONS: dict[str, str] = {
    "K02000001": "United Kingdom",
    "K03000001": "Great Britain",
    "K04000001": "England and Wales",
    "E92000001": "England",
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
    "W92000004": "Wales",
    "S92000003": "Scotland",
    "N92000002": "Northern Ireland",
}
"""ONS GSS codes and names of the UK, its countries and England's regions (ONS spelling)."""

JOBS_SHEETS: dict[str, str] = {
    "1. North East": "E12000001",
    "2. North West": "E12000002",
    "3. Yorkshire and The Humber": "E12000003",
    "4. East Midlands": "E12000004",
    "5. West Midlands": "E12000005",
    "6. East of England": "E12000006",
    "7. London": "E12000007",
    "8. South East": "E12000008",
    "9. South West": "E12000009",
    "11. Wales": "W92000004",
    "12. Scotland": "S92000003",
    "13. Northern Ireland": "N92000002",
    "15. United Kingdom": "K02000001",
}
"""JOBS05 sheets used (sheets 10 England and 14 Great Britain are aggregates, left out)."""

JOBS_QUARTERS = ("Mar 17", "Jun 17", "Sep 17", "Dec 17")
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
"""GSS entity codes of lower-tier districts and unitary authorities in the UK."""

CHECKS: list[str] = []
"""Lines of the check report, printed at the end."""


def report(line: str) -> None:
    """Print a check line and keep it for the summary."""
    CHECKS.append(line)
    print(line)


def clean(text: object) -> str:
    """Text with runs of whitespace (incl. non-breaking spaces) collapsed and trimmed."""
    return re.sub(r"\s+", " ", str(text).replace("\xa0", " ")).strip()


def money(value: float) -> str:
    """£ million to six decimals (£1), without trailing zeros, never ``-0``."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cell(sheet: str, row: int, col: int) -> str:
    """A1-style reference of the 0-based (row, col) cell of ``sheet``."""
    return f"{sheet}!{get_column_letter(col + 1)}{row + 1}"


def cells(sheet: str, r0: int, c0: int, r1: int, c1: int) -> str:
    """A1-style reference of the 0-based inclusive block (r0, c0)-(r1, c1) of ``sheet``."""
    return f"{cell(sheet, r0, c0)}:{get_column_letter(c1 + 1)}{r1 + 1}"


def grid(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    """All cell values of an openpyxl sheet, as rows of equal length."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    width = max(len(r) for r in rows)
    return [r + [None] * (width - len(r)) for r in rows]


def find_row(rows: list[list[object]], col: int, value: str) -> int:
    """Index of the only row whose cell ``col`` reads ``value`` (after cleaning)."""
    hits = [i for i, r in enumerate(rows) if r[col] is not None and clean(r[col]) == value]
    if len(hits) != 1:
        raise ValueError(f"expected one row with {value!r} in column {col}, found {hits}")
    return hits[0]


def section_of_division(division: int) -> str:
    """SIC 2007 section letter of a two-digit division number."""
    for section, (low, high) in SECTION_DIVISIONS.items():
        if low <= division <= high:
            return section
    raise ValueError(f"division {division:02d} is in no SIC 2007 section")


def product_section(code: str) -> str:
    """SIC section of an IO product code such as ``CPA_C11.01-6 & C12``.

    Every letter-plus-two-digit token (``C11``, ``C12``) is a CPA division; each must fall
    in the section its letter names, and all of them in one section.
    """
    tokens = re.findall(r"([A-U])(\d{2})", code.removeprefix("CPA_"))
    if not tokens:
        raise ValueError(f"no CPA division in {code!r}")
    sections = {section_of_division(int(digits)) for _, digits in tokens}
    letters = {letter for letter, _ in tokens}
    if len(sections) != 1 or sections != letters:
        raise ValueError(f"{code!r} spans sections {sorted(sections)} (letters {letters})")
    return sections.pop()


def division_range(label: str) -> tuple[int, int]:
    """Division range of an ONS broad-group label such as ``01-03`` or ``45``."""
    parts = [int(p) for p in label.split("-")]
    return parts[0], parts[-1]


def sections_of_range(low: int, high: int) -> str:
    """Comma-separated SIC sections touched by divisions ``low``..``high``."""
    found: list[str] = []
    for section, (a, b) in SECTION_DIVISIONS.items():
        if a <= high and low <= b:
            found.append(section)
    return ",".join(found)


def write_csv(name: str, header: list[str], rows: list[list[object]]) -> None:
    """Write one UTF-8 CSV table (one header row, Unix line ends) into ``OUT``."""
    path = OUT / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {path.relative_to(REPO)} ({len(rows)} rows, {path.stat().st_size:,} bytes)")


# --------------------------------------------------------------------------------------
# Input-output tables
# --------------------------------------------------------------------------------------


@dataclass
class IOTable:
    """The parts of the ONS 2017 product-by-product IO tables that the tables use."""

    products: list[str]
    names: list[str]
    sections: list[str]
    intermediate: np.ndarray
    """Domestic intermediate use at basic prices, supplying product (row) x using (col)."""
    rows: dict[str, np.ndarray]
    """IOT rows below the intermediate block (one value per using product), by short name."""
    leontief: np.ndarray
    coefficients: np.ndarray
    """Sheet ``A``: ONS's direct input coefficients, product by product."""
    multipliers: np.ndarray
    refs: dict[str, Any] = field(default_factory=dict)
    """Cell references of every block read, for the README and the source columns."""


IOT_ROWS = {
    "intermediate_domestic": (0, "_T"),
    "imports": (1, "Use of imported products, cif"),
    "taxes_products": (1, "Taxes less subsidies on products"),
    "intermediate_purchasers": (1, "Total intermediate/final use at purchaser's prices"),
    "compensation": (0, "D1"),
    "gross_operating_surplus": (0, "GOS"),
    "taxes_production": (0, "D29-D39"),
    "gva": (0, "GVA"),
    "output": (0, "P1"),
}
"""IOT rows below the product block: (column searched, label) by short name."""


def read_io(path: Path) -> IOTable:
    """Read products, intermediate use, primary inputs, Leontief and Type I multipliers."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    iot = grid(book["IOT"])
    head = find_row(iot, 1, "CPA")
    cols = [j for j, v in enumerate(iot[head]) if isinstance(v, str) and v.startswith("CPA_")]
    prod_rows = [i for i, r in enumerate(iot) if isinstance(r[0], str) and r[0].startswith("CPA_")]
    products = [clean(iot[head][j]) for j in cols]
    if [clean(iot[i][0]) for i in prod_rows] != products:
        raise ValueError("IOT product rows and columns differ")
    if cols != list(range(cols[0], cols[-1] + 1)) or prod_rows != list(
        range(prod_rows[0], prod_rows[-1] + 1)
    ):
        raise ValueError("IOT product block is not contiguous")
    c0, c1, r0, r1 = cols[0], cols[-1], prod_rows[0], prod_rows[-1]
    names = [clean(iot[i][1]) for i in prod_rows]
    z = np.array([[float(iot[i][j]) for j in cols] for i in prod_rows])
    refs: dict[str, Any] = {
        "codes": cells("IOT", head, c0, head, c1),
        "names": cells("IOT", r0, 1, r1, 1),
        "intermediate": cells("IOT", r0, c0, r1, c1),
    }
    rows: dict[str, np.ndarray] = {}
    for key, (col, label) in IOT_ROWS.items():
        i = find_row(iot, col, label)
        rows[key] = np.array([float(iot[i][j]) for j in cols])
        refs[key] = cells("IOT", i, c0, i, c1)
    total_col = find_row([[v] for v in iot[head]], 0, "_T")
    refs["total_output"] = cell("IOT", find_row(iot, 0, "P1"), total_col)
    rows["total_output"] = np.array([float(iot[find_row(iot, 0, "P1")][total_col])])

    leo = grid(book["Leontief"])
    lhead = find_row(leo, 1, "CPA")
    lcols = [j for j, v in enumerate(leo[lhead]) if isinstance(v, str) and v.startswith("CPA_")]
    lrows = [i for i, r in enumerate(leo) if isinstance(r[0], str) and r[0].startswith("CPA_")]
    if [clean(leo[lhead][j]) for j in lcols] != products or [
        clean(leo[i][0]) for i in lrows
    ] != products:
        raise ValueError("Leontief products differ from IOT products")
    leontief = np.array([[float(leo[i][j]) for j in lcols] for i in lrows])
    refs["leontief"] = cells("Leontief", lrows[0], lcols[0], lrows[-1], lcols[-1])

    coef = grid(book["A"])
    chead = find_row(coef, 1, "CPA")
    ccols = [j for j, v in enumerate(coef[chead]) if isinstance(v, str) and v.startswith("CPA_")]
    crows = [i for i, r in enumerate(coef) if isinstance(r[0], str) and r[0].startswith("CPA_")]
    if [clean(coef[chead][j]) for j in ccols] != products or [
        clean(coef[i][0]) for i in crows
    ] != products:
        raise ValueError("A products differ from IOT products")
    coefficients = np.array([[float(coef[i][j]) for j in ccols] for i in crows])
    refs["coefficients"] = cells("A", crows[0], ccols[0], crows[-1], ccols[-1])

    mul = grid(book["Multipliers"])
    mhead = next(i for i, r in enumerate(mul) if "Output" in [clean(v) for v in r if v])
    mcol = [clean(v) if v else "" for v in mul[mhead]].index("Output")
    mrows = [i for i, r in enumerate(mul) if isinstance(r[0], str) and r[0].startswith("CPA_")]
    if [clean(mul[i][0]) for i in mrows] != products:
        raise ValueError("Multipliers products differ from IOT products")
    multipliers = np.array([float(mul[i][mcol]) for i in mrows])
    refs["multipliers"] = cells("Multipliers", mrows[0], mcol, mrows[-1], mcol)
    refs["multiplier_cells"] = [cell("Multipliers", i, mcol) for i in mrows]
    refs["leontief_cols"] = [cells("Leontief", lrows[0], j, lrows[-1], j) for j in lcols]
    refs["iot_cols"] = [get_column_letter(j + 1) for j in cols]
    refs["iot_rows"] = (r0 + 1, r1 + 1, find_row(iot, 0, "P1") + 1)
    book.close()
    return IOTable(
        products=products,
        names=names,
        sections=[product_section(p) for p in products],
        intermediate=z,
        rows=rows,
        leontief=leontief,
        coefficients=coefficients,
        multipliers=multipliers,
        refs=refs,
    )


def product_table(io: IOTable) -> None:
    """Write ``product_sections.csv`` and report the product-to-section mapping."""
    write_csv(
        "product_sections.csv",
        ["product", "name", "section"],
        [[p, n, s] for p, n, s in zip(io.products, io.names, io.sections, strict=True)],
    )
    present = sorted(set(io.sections))
    absent = [s for s in SECTION_DIVISIONS if s not in present]
    report(
        f"IO products: {len(io.products)} ({io.refs['codes']}); sections present "
        f"{','.join(present)}; absent {','.join(absent) or 'none'}"
    )


IMPUTED_RENT = "CPA_L68A"
"""Owner-occupiers' housing services: output of households, not of any firm."""


def section_table(
    io: IOTable, name: str = "io_sections.csv", exclude: tuple[str, ...] = ()
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Write ``name`` (default ``io_sections.csv``); return sections, section flows and output.

    ``exclude`` names products whose production (their column: output, inputs, wages,
    surplus) is left out; as suppliers (their row) they stay.

    Values are rounded to £1 (six decimals of £ million) before writing, and the returned
    arrays are the rounded ones, so the oracle computed from them equals what a reader of
    the CSV computes.
    """
    sections = sorted(set(io.sections), key=list(SECTION_DIVISIONS).index)
    member = np.array([[s == t for t in io.sections] for s in sections], dtype=float)
    producing = np.array([p not in exclude for p in io.products], dtype=float)
    flows = np.round(member @ (io.intermediate * producing[None, :]) @ member.T, 6)
    agg = {
        k: np.round(member @ (v * producing), 6) for k, v in io.rows.items() if k != "total_output"
    }
    letters = io.refs["iot_cols"]
    r0, _, r_last = io.refs["iot_rows"]
    out_rows = []
    for k, s in enumerate(sections):
        idx = [j for j, t in enumerate(io.sections) if t == s]
        src = f"IOT!{letters[idx[0]]}{r0}:{letters[idx[-1]]}{r_last}"
        out_rows.append(
            [
                s,
                money(agg["output"][k]),
                money(agg["compensation"][k]),
                money(agg["gross_operating_surplus"][k]),
                money(agg["taxes_production"][k]),
                money(agg["taxes_products"][k]),
                money(agg["imports"][k]),
                money(agg["intermediate_domestic"][k]),
                *[money(flows[i, k]) for i in range(len(sections))],
                src,
            ]
        )
    header = [
        "section",
        "output",
        "compensation",
        "gross_operating_surplus",
        "taxes_production",
        "taxes_products",
        "imports",
        "intermediate_domestic",
        *[f"from_{s}" for s in sections],
        "source",
    ]
    write_csv(name, header, out_rows)

    output = agg["output"]
    if exclude:
        report(f"{name}: without the production of {', '.join(exclude)}: output "
               f"{output.sum():,.3f} £m")  # fmt: skip
        return sections, flows, output
    total = float(io.rows["total_output"][0])
    report(
        f"IO output: sum over sections {output.sum():,.3f} vs table total "
        f"{io.refs['total_output']} {total:,.3f} (diff {output.sum() - total:.6f}) £m"
    )
    parts = (
        agg["intermediate_domestic"]
        + agg["imports"]
        + agg["taxes_products"]
        + agg["compensation"]
        + agg["taxes_production"]
        + agg["gross_operating_surplus"]
    )
    resid = output - parts
    report(
        "IO identity output = domestic intermediate + imports + taxes on products + "
        f"compensation + taxes on production + GOS: max |residual| over sections "
        f"{np.abs(resid).max():.6f} £m (section {sections[int(np.abs(resid).argmax())]})"
    )
    p = io.rows
    presid = p["output"] - (
        p["intermediate_domestic"]
        + p["imports"]
        + p["taxes_products"]
        + p["compensation"]
        + p["taxes_production"]
        + p["gross_operating_surplus"]
    )
    purch = p["intermediate_purchasers"] - (
        p["intermediate_domestic"] + p["imports"] + p["taxes_products"]
    )
    gva = p["gva"] - (p["compensation"] + p["taxes_production"] + p["gross_operating_surplus"])
    own = p["output"] - (p["intermediate_purchasers"] + p["gva"])
    report(
        f"IO identity per product: max |residual| {np.abs(presid).max():.2e} £m; table's own "
        f"rows: purchasers' intermediate = domestic + imports + product taxes "
        f"{np.abs(purch).max():.2e}; GVA = D1 + GOS + D29-D39 {np.abs(gva).max():.2e}; "
        f"P1 = purchasers' intermediate + GVA {np.abs(own).max():.2e}"
    )
    colsum = io.intermediate.sum(axis=0) - p["intermediate_domestic"]
    report(
        f"IO domestic intermediate row '_T' = column sum of product rows: max |diff| "
        f"{np.abs(colsum).max():.2e} £m; sum of from_* vs intermediate_domestic per section "
        f"max |diff| {np.abs(flows.sum(axis=0) - agg['intermediate_domestic']).max():.6f} £m"
    )
    return sections, flows, output


def multiplier_table(io: IOTable) -> None:
    """Write ``type1_products.csv``: ONS's Type I output multipliers and Leontief sums."""
    leontief_sum = io.leontief.sum(axis=0)
    rows = []
    for k, product in enumerate(io.products):
        rows.append(
            [
                product,
                io.sections[k],
                money(io.rows["output"][k]),
                repr(float(io.multipliers[k])),
                repr(float(leontief_sum[k])),
                f"{io.refs['multiplier_cells'][k]}; {io.refs['leontief_cols'][k]}",
            ]
        )
    write_csv(
        "type1_products.csv",
        [
            "product",
            "section",
            "output",
            "type1_output_multiplier",
            "type1_from_leontief",
            "source",
        ],
        rows,
    )
    diff = np.abs(io.multipliers - leontief_sum)
    k = int(diff.argmax())
    report(
        f"Type I: ONS multiplier vs Leontief column sum, max |diff| {diff.max():.2e} "
        f"({io.products[k]}); ONS range {io.multipliers.min():.4f} "
        f"({io.products[int(io.multipliers.argmin())]}) to {io.multipliers.max():.4f} "
        f"({io.products[int(io.multipliers.argmax())]})"
    )
    z, x = io.intermediate, io.rows["output"]
    inverse = np.linalg.inv(np.eye(len(x)) - z / x)
    report(
        f"Type I: (I - Z/x)^-1 from IOT vs Leontief sheet, max |diff| "
        f"{np.abs(inverse - io.leontief).max():.2e}; sheet A ({io.refs['coefficients']}) vs "
        f"Z/x, max |diff| {np.abs(io.coefficients - z / x).max():.2e}"
    )


def section_multipliers(sections: list[str], flows: np.ndarray, output: np.ndarray) -> None:
    """Report section-level Type I output multipliers computed from ``io_sections.csv``."""
    a = flows / output
    mult = np.linalg.inv(np.eye(len(sections)) - a).sum(axis=0)
    listing = ", ".join(f"{s} {m:.4f}" for s, m in zip(sections, mult, strict=True))
    report(f"Section Type I output multipliers (from io_sections.csv): {listing}")
    report(
        f"Section Type I range: min {mult.min():.4f} ({sections[int(mult.argmin())]}), "
        f"max {mult.max():.4f} ({sections[int(mult.argmax())]})"
    )


# --------------------------------------------------------------------------------------
# Workforce jobs
# --------------------------------------------------------------------------------------


def jobs_table(path: Path) -> None:
    """Write ``jobs_by_region_section.csv``: mean workforce jobs over the quarters of 2017."""
    book = xlrd.open_workbook(str(path))
    rows = []
    gaps: dict[str, int] = {}
    by_region: dict[str, dict[str, int]] = {}
    for sheet_name, code in JOBS_SHEETS.items():
        sheet = book.sheet_by_name(sheet_name)
        head = next(
            i for i in range(sheet.nrows) if clean(sheet.cell_value(i, 0)) == "SIC 2007 section"
        )
        letters = {
            j: clean(sheet.cell_value(head, j))
            for j in range(sheet.ncols)
            if clean(sheet.cell_value(head, j)) in SECTION_DIVISIONS
        }
        quarter_rows = []
        for quarter in JOBS_QUARTERS:
            hits = [
                i
                for i in range(head + 1, sheet.nrows)
                if isinstance(sheet.cell_value(i, 0), str)
                and clean(sheet.cell_value(i, 0)).startswith(quarter)
            ]
            if len(hits) != 1:
                raise ValueError(f"{sheet_name}: expected one {quarter!r} row, found {hits}")
            quarter_rows.append(hits[0])
        if quarter_rows != list(range(quarter_rows[0], quarter_rows[0] + 4)):
            raise ValueError(f"{sheet_name}: 2017 quarters are not consecutive rows")
        all_col = next(j for j in range(sheet.ncols) if clean(sheet.cell_value(head, j)) == "A-T")
        all_jobs = round(sum(float(sheet.cell_value(i, all_col)) for i in quarter_rows) * 250)
        by_region[code] = {}
        for j, section in letters.items():
            total = sum(float(sheet.cell_value(i, j)) for i in quarter_rows)
            jobs = round(total * 1000 / 4)
            by_region[code][section] = jobs
            src = cells(f"'{sheet_name}'", quarter_rows[0], j, quarter_rows[-1], j)
            rows.append([code, REGIONS[code], section, jobs, src])
        gaps[code] = sum(by_region[code].values()) - all_jobs
    write_csv(
        "jobs_by_region_section.csv", ["region_code", "region", "section", "jobs", "source"], rows
    )
    uk = by_region["K02000001"]
    parts = [c for c in by_region if c != "K02000001"]
    diffs = {s: sum(by_region[c][s] for c in parts) - uk[s] for s in uk}
    worst = max(diffs, key=lambda s: abs(diffs[s]))
    report(
        f"Jobs 2017 (mean of {', '.join(JOBS_QUARTERS)}; seasonally adjusted): UK total "
        f"{sum(uk.values()):,} over sections {min(uk)}-{max(uk)}; sum of 12 regions/countries "
        f"minus UK per section: max |diff| {abs(diffs[worst]):,} jobs (section {worst}), "
        f"all sections {sum(diffs.values()):+,}; sum of sections minus the sheet's 'A-T' "
        f"(all jobs) column: max |diff| {max(map(abs, gaps.values())):,} jobs"
    )


# --------------------------------------------------------------------------------------
# UK business: activity, size and location 2024
# --------------------------------------------------------------------------------------


@dataclass
class AreaTable:
    """One business-workbook table of areas (rows) by categories (columns)."""

    sheet: str
    categories: list[str]
    first_col: int
    rows: dict[str, tuple[int, str, list[int]]]
    """By ONS area code: (0-based row, name as printed, counts by category)."""
    totals: dict[str, int]
    header_row: int


def sheet_named(book: openpyxl.Workbook, name: str) -> list[list[object]]:
    """Grid of the sheet whose name, stripped of spaces, is ``name``."""
    for title in book.sheetnames:
        if title.strip() == name:
            return grid(book[title])
    raise KeyError(name)


def area_table(book: openpyxl.Workbook, name: str) -> AreaTable:
    """Read a workbook table of ``CODE : Name`` rows by category columns and a Total."""
    rows = sheet_named(book, name)
    head = next(
        i for i, r in enumerate(rows) if r[0] is None and any(clean(v) == "Total" for v in r if v)
    )
    header = [clean(v) if v is not None else "" for v in rows[head]]
    total_col = header.index("Total")
    first = 1
    categories = header[first:total_col]
    out: dict[str, tuple[int, str, list[int]]] = {}
    totals: dict[str, int] = {}
    for i, r in enumerate(rows):
        if i <= head or not isinstance(r[0], str) or " : " not in r[0]:
            continue
        code, area = (clean(x) for x in r[0].split(" : ", 1))
        out[code] = (i, area, [int(v) for v in r[first:total_col]])
        totals[code] = int(r[total_col])
    return AreaTable(name, categories, first, out, totals, head)


def district_code_map(business: AreaTable, active: dict[str, str]) -> dict[str, str]:
    """Current district code of every district row of a business table (by its own code)."""
    mapping = {}
    for code in business.rows:
        if code.startswith(DISTRICT_PREFIXES):
            if code not in active:
                raise ValueError(f"business district {code} is not in {CODES_FILE}")
            mapping[code] = active[code]
    if len(set(mapping.values())) != len(mapping):
        raise ValueError("two business districts map to one current district")
    return mapping


def business_tables(
    path: Path, districts: dict[str, dict[str, str]], active: dict[str, str]
) -> dict[str, str]:
    """Write the three local-unit tables; return the business code of each current district."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    groups = area_table(book, "Table 16")
    sizes = area_table(book, "Table 22")
    to_current = district_code_map(groups, active)
    if district_code_map(sizes, active) != to_current:
        raise ValueError("Tables 16 and 22 list different districts")
    order = sorted(to_current, key=lambda c: to_current[c])
    for table in (groups, sizes):
        first = min(table.rows[c][0] for c in order)
        last = max(table.rows[c][0] for c in order)
        width = table.first_col + len(table.categories)
        print(
            f"  {table.sheet}: districts in rows {first + 1}-{last + 1} of "
            f"{cells(table.sheet, first, 0, last, width - 1)} (column {get_column_letter(width + 1)} "
            f"Total not used); headers in row {table.header_row + 1}"
        )

    group_info = []
    for label in groups.categories:
        divisions, name = (clean(x) for x in label.split(" : ", 1))
        low, high = division_range(divisions)
        group_info.append((name, sections_of_range(low, high), divisions, (low, high)))

    rows = []
    for code in order:
        current = to_current[code]
        _, _, counts = groups.rows[code]
        for (name, secs, divs, _), n in zip(group_info, counts, strict=True):
            rows.append([current, districts[current]["district"], name, secs, divs, n])
    write_csv(
        "business_by_district.csv",
        ["district_code", "district", "industry_group", "sections", "divisions", "local_units"],
        rows,
    )
    rows = []
    for code in order:
        current = to_current[code]
        _, _, counts = sizes.rows[code]
        for band, n in zip(sizes.categories, counts, strict=True):
            rows.append([current, districts[current]["district"], band, n])
    write_csv(
        "business_size_by_district.csv",
        ["district_code", "district", "size_band", "local_units"],
        rows,
    )

    group_gap = [sum(groups.rows[c][2]) - groups.totals[c] for c in order]
    size_gap = [sum(sizes.rows[c][2]) - sizes.totals[c] for c in order]
    cross = [groups.totals[c] - sizes.totals[c] for c in order]
    report(
        f"Business districts: {len(order)} in Tables 16 and 22 (local units, 2024); sum of "
        f"groups minus published Total: max |diff| {max(map(abs, group_gap))}; sum of bands "
        f"minus Total: max |diff| {max(map(abs, size_gap))}; Table 16 Total minus Table 22 "
        f"Total: max |diff| {max(map(abs, cross))}, {sum(1 for g in cross if g)} districts differ"
    )
    region_size_table(book, group_info, groups)
    book.close()
    return {to_current[c]: c for c in order}


def region_size_table(
    book: openpyxl.Workbook,
    group_info: list[tuple[str, str, str, tuple[int, int]]],
    groups: AreaTable,
) -> None:
    """Write ``business_region_industry_size.csv`` from Table 18 (divisions -> groups)."""
    rows = sheet_named(book, "Table 18")
    area_row = next(
        i for i, r in enumerate(rows) if any(isinstance(v, str) and "K02000001" in v for v in r)
    )
    band_row = area_row + 1
    areas = []
    for j, v in enumerate(rows[area_row]):
        if isinstance(v, str) and v.strip():
            raw = clean(v).replace(" : ", " ").split(" ", 1)[0]
            code = raw if raw in REGIONS else {"W9200004": "W92000004"}.get(raw, raw)
            if code not in REGIONS:
                raise ValueError(f"Table 18: unknown area code {raw!r}")
            areas.append((j, code, raw))
    bands = [clean(v) for v in rows[band_row][areas[0][0] : areas[1][0]]]
    if bands[-1] != "Total":
        raise ValueError(f"Table 18: bands {bands}")
    bands = bands[:-1]
    div_rows = [
        (i, int(clean(r[0]).split(" : ")[0]))
        for i, r in enumerate(rows)
        if isinstance(r[0], str) and re.match(r"^\d{2} : ", clean(r[0]))
    ]
    group_of: dict[int, int] = {}
    for _, division in div_rows:
        hits = [g for g, info in enumerate(group_info) if info[3][0] <= division <= info[3][1]]
        if len(hits) != 1:
            raise ValueError(f"division {division} is in groups {hits}")
        group_of[division] = hits[0]
    print(
        f"  Table 18: divisions in {cells('Table 18', div_rows[0][0], 0, div_rows[-1][0], areas[-1][0] + len(bands) - 1)}"
        f" (areas in row {area_row + 1}, bands in row {band_row + 1}; each area's Total column not used)"
    )
    out = []
    gaps = []
    for col, code, _ in areas:
        counts = np.zeros((len(group_info), len(bands)), dtype=int)
        for i, division in div_rows:
            for b in range(len(bands)):
                counts[group_of[division], b] += int(rows[i][col + b])
        for g, (name, secs, divs, _) in enumerate(group_info):
            for b, band in enumerate(bands):
                out.append([code, REGIONS[code], name, secs, divs, band, int(counts[g, b])])
        if code in groups.rows:
            gaps.extend(
                int(x) for x in counts.sum(axis=1) - np.array(groups.rows[code][2], dtype=int)
            )
    write_csv(
        "business_region_industry_size.csv",
        [
            "region_code",
            "region",
            "industry_group",
            "sections",
            "divisions",
            "size_band",
            "local_units",
        ],
        out,
    )
    report(
        f"Table 18 ({len(div_rows)} divisions x {len(areas)} areas) summed to Table 16 groups "
        f"vs Table 16 area rows: max |diff| {max(map(abs, gaps))} local units, "
        f"{sum(1 for g in gaps if g)} of {len(gaps)} area-group cells differ"
    )


# --------------------------------------------------------------------------------------
# Districts
# --------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file (UTF-8, byte-order mark allowed)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def current_districts(source: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Current districts from ``la_all_codes`` and the map of every code to its current one."""
    codes = read_csv(source / CODES_FILE)
    active = {r["LADCD"]: r["LADCD_ACTIVE"] for r in codes}
    districts = {}
    for r in codes:
        if r["Current"] != "TRUE":
            continue
        if r["LADCD_ACTIVE"] != r["LADCD"]:
            raise ValueError(f"current district {r['LADCD']} has successor {r['LADCD_ACTIVE']}")
        england = r["CTRYCD"] == "E92000001"
        districts[r["LADCD"]] = {
            "district": r["LADNM"],
            "region_code": r["RGNCD"] if england else r["CTRYCD"],
            "region": r["RGNNM"] if england else r["CTRYNM"],
            "country": r["CTRYNM"],
        }
    for code, successor in active.items():
        if successor not in districts:
            raise ValueError(f"{code} has successor {successor}, which is not current")
    return dict(sorted(districts.items())), active


def census_counts(source: Path, active: dict[str, str]) -> tuple[dict, dict, dict]:
    """Households and population by current district, and the 2021 codes summed for each."""
    households: dict[str, int] = {}
    parts: dict[str, set[str]] = {}
    for r in read_csv(source / HOUSEHOLDS_FILE):
        current = active[r["ltla21_code"]]
        households[current] = households.get(current, 0) + int(r["households"])
        parts.setdefault(current, set()).add(r["ltla21_code"])
    population: dict[str, int] = {}
    seen = set()
    for r in read_csv(source / POPULATION_FILE):
        if not (
            r["GEOGRAPHY_TYPE"].startswith("local authorities: district / unitary")
            and r["C_AGE_NAME"] == "All Ages"
            and r["GENDER_NAME"] == "Total"
            and r["MEASURES_NAME"] == "Value"
        ):
            continue
        code = r["GEOGRAPHY_CODE"]
        if code in seen:
            raise ValueError(f"population: {code} twice")
        seen.add(code)
        current = active[code]
        population[current] = population.get(current, 0) + int(r["OBS_VALUE"])
        parts.setdefault(current, set()).add(code)
    return households, population, parts


def population_check(source: Path, districts: dict, population: dict[str, int]) -> None:
    """Compare district population sums with the extract's own region and country rows."""
    published = {
        r["GEOGRAPHY_CODE"]: int(r["OBS_VALUE"])
        for r in read_csv(source / POPULATION_FILE)
        if r["GEOGRAPHY_TYPE"] == "regions"
        and r["C_AGE_NAME"] == "All Ages"
        and r["GENDER_NAME"] == "Total"
    }
    sums: dict[str, int] = {}
    for code, d in districts.items():
        sums[d["region_code"]] = sums.get(d["region_code"], 0) + population[code]
    gaps = {c: sums[c] - published[c] for c in sorted(published) if sums[c] != published[c]}
    report(
        f"Population: district sums equal the extract's {len(published)} region/country rows "
        f"except {gaps or 'none'} (district sum minus published)"
    )


def lookup_checks(source: Path, districts: dict, active: dict[str, str], parts: dict) -> None:
    """Check regions and district sets against ONS's December 2022 lookups."""
    mismatched = set()
    lad22 = read_csv(source / LAD_REGION_FILE)
    for r in lad22:
        if districts[active[r["LAD22CD"]]]["region_code"] != r["RGN22CD"]:
            mismatched.add(r["LAD22CD"])
    wards = read_csv(source / WARD_FILE)
    ward_lads = {r["LAD22CD"] for r in wards}
    for r in wards:
        if r["CTRY22CD"] == "E92000001":
            expected = r["RGN22CD"]
        else:
            expected = r["CTRY22CD"]
        if districts[active[r["LAD22CD"]]]["region_code"] != expected:
            mismatched.add(r["LAD22CD"])
    codes_2021 = set().union(*parts.values())
    report(
        f"Lookups (Dec 2022): {len(lad22)} English LAD22 and {len(ward_lads)} UK LAD22 codes; "
        f"region/country disagreements with {CODES_FILE}: {len(mismatched)}; UK LAD22 codes "
        f"equal the 2021 codes of the census files: {ward_lads == codes_2021}"
    )


def district_table(
    districts: dict[str, dict[str, str]],
    households: dict[str, int],
    population: dict[str, int],
    parts: dict[str, set[str]],
    business_code: dict[str, str],
) -> None:
    """Write ``districts.csv``."""
    rows = []
    for code, d in districts.items():
        rows.append(
            [
                code,
                d["district"],
                d["region_code"],
                d["region"],
                d["country"],
                households.get(code, ""),
                population[code],
                business_code.get(code, ""),
                ";".join(sorted(parts[code])),
            ]
        )
    write_csv(
        "districts.csv",
        [
            "district_code",
            "district",
            "region_code",
            "region",
            "country",
            "households",
            "population",
            "business_code",
            "codes_2021",
        ],
        rows,
    )
    by_country: dict[str, int] = {}
    for d in districts.values():
        by_country[d["country"]] = by_country.get(d["country"], 0) + 1
    recoded = {c: b for c, b in business_code.items() if c != b}
    merged = {c: sorted(p) for c, p in parts.items() if p != {c}}
    report(
        f"Districts: {len(districts)} current ({', '.join(f'{k} {v}' for k, v in by_country.items())}); "
        f"households over England & Wales {sum(households.values()):,} (Census total 24,783,500); "
        f"population UK {sum(population.values()):,}"
    )
    report(
        f"Districts: business workbook uses older codes for {len(recoded)}: "
        + ", ".join(f"{b}->{c}" for c, b in sorted(recoded.items()))
        + f"; {len(merged)} current districts sum several 2021 codes or a recoded one: "
        + "; ".join(f"{c}={'+'.join(p)}" for c, p in sorted(merged.items()))
    )
    missing_business = sorted(set(districts) - set(business_code))
    report(
        f"Districts in districts.csv but not in the business tables: {missing_business or 'none'}; "
        "in the business tables but not in districts.csv: none (every business district is "
        "mapped to a current code or the script stops)"
    )
    missing_hh = sorted(
        c
        for c, d in districts.items()
        if d["country"] in ("England", "Wales") and c not in households
    )
    report(f"England/Wales districts without households: {missing_hh or 'none'}")


def spot_checks() -> None:
    """Report Preston's and Birmingham's rows, read back from the written CSV files."""
    district_rows = {r["district_code"]: r for r in read_csv(OUT / "districts.csv")}
    for code in ("E07000123", "E08000025"):
        r = district_rows[code]
        report(
            f"{r['district']} ({code}): households {int(r['households']):,}, "
            f"population {int(r['population']):,}"
        )
    groups = [
        r for r in read_csv(OUT / "business_by_district.csv") if r["district_code"] == "E07000123"
    ]
    report(
        "Preston local units by group: "
        + "; ".join(f"{r['industry_group']} {r['local_units']}" for r in groups)
        + f" (sum {sum(int(r['local_units']) for r in groups):,})"
    )
    bands = [
        r
        for r in read_csv(OUT / "business_size_by_district.csv")
        if r["district_code"] == "E07000123"
    ]
    report(
        "Preston local units by size band: "
        + "; ".join(f"{r['size_band']} {r['local_units']}" for r in bands)
        + f" (sum {sum(int(r['local_units']) for r in bands):,})"
    )


def main(source: Path) -> None:
    """Build every table from the ONS files in ``source``."""
    OUT.mkdir(parents=True, exist_ok=True)
    io = read_io(source / IO_FILE)
    for key in ("codes", "names", "intermediate", "coefficients", "leontief", "multipliers"):
        print(f"  {key}: {io.refs[key]}")
    for key in IOT_ROWS:
        print(f"  {key}: {io.refs[key]}")
    product_table(io)
    sections, flows, output = section_table(io)
    section_table(io, "io_sections_firms.csv", (IMPUTED_RENT,))
    multiplier_table(io)
    section_multipliers(sections, flows, output)
    jobs_table(source / JOBS_FILE)
    districts, active = current_districts(source)
    households, population, parts = census_counts(source, active)
    population_check(source, districts, population)
    lookup_checks(source, districts, active, parts)
    business_code = business_tables(source / BUSINESS_FILE, districts, active)
    district_table(districts, households, population, parts, business_code)
    spot_checks()
    size = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    report(f"Folder {OUT.relative_to(REPO)}: {size:,} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder of the ONS economy files (default: ../shared/data/economy)",
    )
    main(parser.parse_args().source.resolve())
