"""Reading spend files as published: totals equal independent sums; nothing dropped silently."""

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cwbsim.calibration.spend_files import (
    parse_amount,
    parse_columns_option,
    parse_date,
    read_spend_files,
)
from cwbsim.model.errors import InputError

DATA = Path(__file__).parent / "data" / "spend"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "spend"


def independent_total(path: Path) -> float:
    """A second, plain reading: pandas, the known amount column, a regex clean-up."""
    if path.suffix == ".xlsx":
        return float(pd.read_excel(path, sheet_name=None)["23-24 transparency"]["Amount"].sum())
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "cp1252"
    frame = pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False)
    column = next(c for c in frame.columns if c.startswith(("Net Amount", "Amount Paid")))
    total = 0.0
    for text in frame[column]:
        text = text.replace("£", "").replace(",", "").strip()
        if not text:
            continue
        sign = -1 if text.endswith("-") else 1
        total += sign * float(text.rstrip("-"))
    return total


FIXTURES = sorted(DATA.glob("*.csv")) + sorted(DATA.glob("*.xlsx"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_total_equals_independent_sum(path):
    data = read_spend_files([path])
    report = data.reports[0]
    assert report.total == pytest.approx(independent_total(path), abs=0.005)
    assert report.rows_used + sum(report.rejected.values()) >= report.rows_read
    assert report.rows_used == len(data.payments)
    assert data.payments.amount.sum() == pytest.approx(report.total, abs=1e-6)


def test_every_shared_spend_file_reads_with_its_independent_total():
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not present")
    files = sorted(SHARED.rglob("*.csv")) + sorted(SHARED.rglob("*.xlsx"))
    assert len(files) >= 40
    for path in files:
        report = read_spend_files([path]).reports[0]
        assert report.total == pytest.approx(independent_total(path), abs=0.005), path
        assert not report.rejected, (path, report.rejected)


def test_layout_drift_is_detected():
    old = read_spend_files([DATA / "1701.csv"]).reports[0].columns
    new = read_spend_files([DATA / "February-2025-csv.csv"]).reports[0].columns
    assert old["supplier"] == "Name" and old["amount"] == "Net Amount(£)"
    assert new["supplier"].startswith("Name:") and new["amount"] == "Amount Paid"
    dates = read_spend_files([DATA / "1908.csv"]).payments.date
    assert dates.notna().all() and str(dates.iloc[0]).startswith("2019-")


def test_amounts_and_dates():
    assert parse_amount("£1,234.50") == 1234.5
    assert parse_amount("(12.00)") == -12.0
    assert parse_amount("106,396.00-") == -106396.0
    assert parse_amount("12CR") == -12.0
    assert parse_amount("n/a") is None and parse_amount("1-2") is None
    assert str(parse_date("04/01/2017")) == "2017-01-04"
    assert str(parse_date("15/07/24")) == "2024-07-15"
    assert str(parse_date("2024-07-15")) == "2024-07-15"
    assert str(parse_date("43658")) == "2019-07-12"
    assert parse_date("not a date") is None


def test_messy_file_every_row_accounted_for(tmp_path):
    text = (
        "Hyndburn Borough Council\r\nPayments over £500\r\n\r\n"
        "Vendor,,Payment Date,,Total\r\n"
        'Acme Ltd,,01/02/2024,,"£1,000.00"\r\n'
        "Acme Ltd,,02/02/2024,,(250.00)\r\n"
        "Beta & Sons,,03/02/2024,,abc\r\n"
        ",,04/02/2024,,10.00\r\n"
        "Total,,,,750.00\r\n"
    )
    path = tmp_path / "messy.csv"
    path.write_bytes(text.encode("cp1252"))
    data = read_spend_files([path])
    report = data.reports[0]
    assert report.total == pytest.approx(750.0)
    assert report.rows_used == 2
    assert report.rejected == {
        "preamble before the header": 2,
        "amount not a number": 1,
        "supplier missing": 1,
        "total row": 1,
    }


def test_headerless_file_continues_known_layout_and_overlap_is_reported(tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("Supplier,Date,Amount\nAcme,01/01/2024,100\nBeta,02/01/2024,50\n")
    second = tmp_path / "b.csv"
    second.write_text("Beta,02/01/2024,50\nGamma,03/01/2024,25\nGamma,03/01/2024,25\n")
    data = read_spend_files([first, second])
    _a, b = data.reports
    assert "continues the layout" in b.note
    assert b.duplicates == 1 and b.duplicate_total == 50
    assert b.rows_used == 2 and b.total == 50  # Gamma twice in one file is kept
    assert data.payments.amount.sum() == 200


def test_columns_override(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Who,When,How much\nAcme,01/01/2024,100\n")
    with pytest.raises(InputError, match="no usable payment rows"):
        read_spend_files([path])
    columns = parse_columns_option("supplier=Who,amount=How much,date=When")
    assert read_spend_files([path], columns).reports[0].total == 100
    with pytest.raises(InputError, match="unknown field 'payer'"):
        parse_columns_option("payer=Who")


def test_bad_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.csv: empty file"):
        read_spend_files([empty])
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match=r"image\.csv: binary data"):
        read_spend_files([binary])
    with pytest.raises(InputError, match="no such file"):
        read_spend_files([tmp_path / "missing.csv"])
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["This workbook has notes but no payments"])
    notes = tmp_path / "notes.xlsx"
    book.save(notes)
    with pytest.raises(InputError, match=r"notes\.xlsx: no usable payment rows"):
        read_spend_files([notes])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not really a workbook")
    with pytest.raises(InputError, match=r"broken\.xlsx: not a readable XLSX workbook"):
        read_spend_files([broken])


money = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("999999.99"), places=2)


def _write(value: Decimal, style: int) -> str:
    magnitude = f"{abs(value):,.2f}" if style % 2 else f"{abs(value):.2f}"
    if style in (2, 3):
        magnitude = "£" + magnitude
    if value < 0:
        return [f"-{magnitude}", f"({magnitude})", f"{magnitude}-", f"-{magnitude}"][style % 4]
    return magnitude


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    amounts=st.lists(money, min_size=1, max_size=40),
    styles=st.lists(st.integers(0, 3), min_size=40, max_size=40),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    preamble=st.integers(0, 3),
    spacers=st.booleans(),
)
def test_reader_never_changes_the_total_of_a_well_formed_file(
    tmp_path_factory, amounts, styles, encoding, newline, preamble, spacers
):
    gap = ",," if spacers else ","
    lines = [f"Report line {i}" for i in range(preamble)]
    lines.append(f"Supplier Name{gap}Payment Date{gap}Net Amount")
    for i, (value, style) in enumerate(zip(amounts, styles, strict=False)):
        lines.append(f'Firm {i} Ltd{gap}0{1 + i % 9}/03/2024{gap}"{_write(value, style)}"')
    path = tmp_path_factory.mktemp("spend") / "file.csv"
    path.write_bytes(newline.join(lines).encode(encoding))
    report = read_spend_files([path]).reports[0]
    assert report.rows_used == len(amounts)
    assert Decimal(str(round(report.total, 2))) == sum(amounts)
    assert not re.search(r"amount", " ".join(report.rejected))


def test_review_cases_for_reading(tmp_path):
    from cwbsim.calibration.spend_files import map_columns

    assert map_columns(["Supplier ID", "Supplier Name", "Amount"]) == {"supplier": 1, "amount": 2}
    assert "amount" not in map_columns(["Summary", "Total VAT"])
    for text in ("1,23", "12,5", "1,234,56", "(5", "5)", "1.234,56"):
        assert parse_amount(text) is None, text
    assert parse_amount("-£5") == -5.0 and parse_amount("£-5") == -5.0
    path = tmp_path / "names.csv"
    path.write_text("Supplier,Amount\nTotal Gas & Power Ltd,1500\nBeta\u000cX,100\nTotal,1600\n")
    report = read_spend_files([path]).reports[0]
    assert report.rows_used == 2 and report.rejected == {"total row": 1}
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("Supplier,Amount,Expense type\nLandlord Ltd,1000,Rent\n")
    second.write_text("Supplier,Amount,Expense type\nLandlord Ltd,1000,Rent\n")
    data = read_spend_files([first, second])
    assert data.payments.amount.sum() == 2000  # undated, unreferenced: cannot tell, so kept
