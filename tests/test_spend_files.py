"""Reading spend files as published: every file's total equals an independent figure.

The independent figure is a plain parse written here, with each publisher's amount and
supplier columns named explicitly, or the publisher's own total row; it shares no code
with the reader. Perturbing a file (columns shuffled, headers renamed to nonsense, the
header moved to the bottom, preamble lines and blank columns added) must not change
what the reader finds.
"""

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwbsim.calibration.spend_files import read_spend_files

DATA = Path(__file__).parent / "data" / "spend"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "spend"

COLUMNS = [
    # (file name pattern, amount column header(s), supplier column header(s))
    (r"bradford|2018-08_clean", ["Net Amount"], ["Supplier Name"]),
    (r"cabinet-office|2019-07\.csv", ["Amount"], ["Supplier"]),
    (r"calderdale|2019-05-card", ["Net Amount"], ["Supplier Name"]),
    (r"devon|DCCSpending", ["Amount"], ["Supplier Name"]),
    (r"gla|2013-P07", ["Amount"], ["Vendor Name"]),
    (r"harrogate|2020-05\.csv", ["Net Amount"], ["Supplier Name"]),
    (r"leeds|2011-05", ["Net amount"], ["Supplier name"]),
    (r"network-rail|2021-04\.csv", ["Spend"], ["Supplier Name"]),
    (r"newcastle|2017-04", ["Total"], ["Supplier Name"]),
    (r"north-tyneside|2020-08_p", ["Net Amount"], ["Supplier (Beneficiary) Name"]),
    (r"sheffield|2012-10", ["Invoiced Value"], ["Supplier Name"]),
    (r"stockport|Stockport", ["Amount £"], ["Supplier Name"]),
    (r"tfl|2021-P10", ["Amount"], ["Vendor Name"]),
    (r"wakefield|2021-Q3", ["Net Amount"], ["Supplier Name"]),
    (r"fire-2023", ["Amount"], ["Supplier Name"]),
    (r"darlington", ["Invoice Line Value (net of VAT)"], ["Supplier"]),
    (r"gateshead", ["Amount"], ["Supplier id(T)"]),
    (r"lambeth", ["Total"], ["Supplier Name"]),
    (r"tameside", ["Sum of Inv Amount"], ["Supplier Name"]),
    (r"rochdale", ["AMOUNT (£)"], ["SUPPLIER NAME"]),
    (
        r"/\d{4}\.csv$|-24\.csv$|2025-csv",
        ["Net Amount(£)", "Net Amount(œ)", "Amount Paid"],
        ["Name", "Name:"],
    ),
]


def _columns_of(path: Path) -> tuple[list[str], list[str]]:
    for pattern, amount, supplier in COLUMNS:
        if re.search(pattern, f"{path.parent.name}/{path.name}"):
            return amount, supplier
    raise AssertionError(f"no independent column names written for {path}")


def _money(text: str) -> Decimal:
    """A plain reading of an amount: strip £, commas, spaces; brackets or a trailing - negate.

    Amounts are rounded to the penny, halves away from zero, as money is.
    """
    text = text.replace("£", "").replace(",", "").replace("\xa0", "").strip()
    sign = 1
    if text.startswith("(") and text.endswith(")"):
        text, sign = text[1:-1], -1
    if text.endswith("-"):
        text, sign = text[:-1], -1
    return sign * Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rows(path: Path) -> list[list[str]]:
    """The file's records as text, decoded the way its bytes say."""
    raw = path.read_bytes()
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        import xlrd

        sheet = xlrd.open_workbook(path).sheet_by_index(0)
        return [[str(c.value) for c in sheet.row(r)] for r in range(sheet.nrows)]
    if raw[:4] == b"PK\x03\x04":
        import openpyxl

        sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
        return [["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))


def independent_total(path: Path) -> tuple[Decimal, Decimal | None]:
    """(sum of payment rows, the publisher's own total row or None), by a plain parse.

    The header is the first row holding the named amount column. Payment rows have a
    supplier and an amount; a row whose supplier is "Grand Total", or which has an amount
    but no supplier, is the publisher's total.
    """
    rows = _rows(path)
    amount_names, supplier_names = _columns_of(path)
    start = next(i for i, r in enumerate(rows)
                 if {n.lower() for n in amount_names} & {h.strip().lower() for h in r})  # fmt: skip
    rows = rows[start:]
    header = [h.strip().lower() for h in rows[0]]
    a = next(header.index(n.lower()) for n in amount_names if n.lower() in header)
    s = next(header.index(n.lower()) for n in supplier_names if n.lower() in header)
    total, published = Decimal(0), None
    for row in rows[1:]:
        if len(row) <= max(a, s) or not row[a].strip():
            continue
        if row[s].strip() in ("", "Grand Total"):
            published = _money(row[a])
            continue
        total += _money(row[a])
    return total, published


FIXTURES = sorted(p for p in DATA.rglob("*") if p.suffix in (".csv", ".xls", ".xlsx"))
SHARED_FILES = (
    sorted(p for p in SHARED.rglob("*") if p.suffix in (".csv", ".xls", ".xlsx"))
    if SHARED.exists()
    else []
)


def _check(path: Path) -> None:
    expected, published = independent_total(path)
    data = read_spend_files([path])
    total = sum(Decimal(str(r.total)) for r in data.reports)
    assert total == expected, path
    assert total != 0, path
    for report in data.reports:
        assert report.balanced(), report.as_dict()
        assert report.rows_used == sum(data.payments.source == report.source)
    if published is not None:
        assert published == expected, path  # the publisher's total agrees with the plain parse
        assert data.reports[0].published_total == float(published)
        assert data.reports[0].difference == 0


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_total_equals_independent_figure(path):
    _check(path)


def test_every_shared_spend_file_total_equals_independent_figure():
    if not SHARED_FILES:
        pytest.skip(f"{SHARED} not present")
    assert len(SHARED_FILES) >= 58
    for path in SHARED_FILES:
        _check(path)


def test_corpus_quirks_are_reported():
    def report(name):
        return read_spend_files([DATA / "corpus" / name]).reports[0]

    devon = report("devon-2011-12.csv")
    assert devon.not_data["blank"] == 25 and devon.rounded == 1  # 6.82121E-13 read as £0.00
    assert any("rounded to the penny" in n for n in devon.notes)
    assert report("devon-2026-03.csv").not_data["publisher total"] == 1
    rail = report("network-rail-2021-04.csv")
    assert rail.not_data == {"header": 1, "publisher total": 1, "footer": 1}
    assert rail.columns["amount"] == "Spend" and rail.columns["date"] == "Invoice GL Date"
    assert report("newcastle-2017-04.csv").rejected == {
        "short record (ends before the amount column)": 1
    }
    stockport = report("stockport-2014-09.xls")
    assert stockport.format == "XLS workbook" and stockport.undated == 0
    assert (
        read_spend_files([DATA / "corpus" / "stockport-2014-09.xls"])
        .payments.date.iloc[0]
        .isoformat()
        == "2014-09-01"
    )
    assert report("gla-2013-P07.csv").undated == 0  # "Clearing Date", found by its cells


NONSENSE = ["alpha", "bravo", "kettle", "marmot", "quill", "sprocket", "tundra", "umber",
            "velum", "wicket", "xylem", "yonder", "zephyr", "basalt", "cobalt", "dingle",
            "ember", "fjord", "gorse", "heron"]  # fmt: skip


def _as_text(cell) -> str:
    return "" if cell is None else str(cell)


def _write_csv(rows: list[list], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[_as_text(c) for c in r] for r in rows])
    return path


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.data(),
    shuffle=st.booleans(),
    rename=st.booleans(),
    bottom=st.booleans(),
    preamble=st.integers(0, 3),
    blanks=st.integers(0, 2),
)
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_perturbed_files_keep_their_total(tmp_path, path, data, shuffle, rename, bottom,
                                          preamble, blanks):  # fmt: skip
    from cwbsim.calibration.spend_sources import open_tables

    expected, _ = independent_total(path)
    rows = [list(r) for r in open_tables(path)[0].rows]
    amount_names = {n.lower() for n in _columns_of(path)[0]}
    start = next(i for i, r in enumerate(rows) if amount_names & {_as_text(c).strip().lower()
                                                                  for c in r})  # fmt: skip
    rows = rows[start:]  # the file's own preamble goes; the test writes its own
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]
    header, body = rows[0], rows[1:]
    if rename:
        words = data.draw(st.permutations(NONSENSE))
        header = [f"{words[j % len(words)]}{j // len(words) or ''}" for j in range(width)]
    order = data.draw(st.permutations(range(width))) if shuffle else list(range(width))
    for _ in range(blanks):
        order.insert(data.draw(st.integers(0, len(order))), None)
    header = [header[j] if j is not None else "" for j in order]
    body = [[r[j] if j is not None else "" for j in order] for r in body]
    table = [*body, header] if bottom else [header, *body]
    lines = [["Spending over £500"], ["Published by the council"], [], ["Notes follow"]]
    table = lines[:preamble] + table
    report = read_spend_files([_write_csv(table, tmp_path / "perturbed.csv")]).reports[0]
    assert Decimal(str(report.total)) == expected
    assert report.balanced()
    assert report.not_data["header"] == 1
