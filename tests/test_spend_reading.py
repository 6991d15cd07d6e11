"""The spend reader on layouts nobody published: formats, amounts, dates, totals, refusals."""

import random
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cwbsim.calibration.spend_cells import (
    DateReader,
    parse_amount,
    parse_columns_option,
    parse_date,
)
from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.model.errors import InputError

runner = CliRunner()


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


SUPPLIERS = ["Acme Ltd", "Beta Services Limited", "Preston Care Trust", "Delta & Sons",
             "Echo Print plc", "Foxtrot Community Interest Co"]  # fmt: skip


def _payments(n: int, seed: int = 1) -> list[tuple[str, str, float]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = date(2024, 1 + i % 12, 1 + rng.randrange(28))
        out.append((SUPPLIERS[i % len(SUPPLIERS)], day.strftime("%d/%m/%Y"),
                    round(rng.uniform(500, 50_000), 2)))  # fmt: skip
    return out


def test_amounts_as_publishers_write_them():
    cases = {
        "£(1,234.56)": -1234.56, "(£1,234.56)": -1234.56, "-£1,234.56": -1234.56,
        "1,234.56-": -1234.56, "1,234.56 CR": -1234.56, "6.82121E-13": 0.0,
        " 507.50 ": 507.5, "456.00000000000006": 456.0, "£1,234.50": 1234.5, "12CR": -12.0,
        "815.045": 815.05, "\u00a0£ 12.00": 12.0, "1,000": 1000.0,
    }  # fmt: skip
    for text, value in cases.items():
        assert parse_amount(text) == value, text
    for text in ("1,23", "12,5", "1,234,56", "(5", "5)", "1.234,56", "n/a", "1-2", "1E317", ""):
        assert parse_amount(text) is None, text


def test_dates_settle_their_order_from_the_values():
    day_first = DateReader({"13/01/2024", "02/03/2024"})
    assert day_first.day_first and "settled" in day_first.note
    assert day_first("02/03/2024") == date(2024, 3, 2)
    month_first = DateReader({"01/13/2024", "02/03/2024"})
    assert not month_first.day_first and month_first("02/03/2024") == date(2024, 2, 3)
    unsettled = DateReader({"02/03/2024", "04/05/2024"})
    assert unsettled.day_first and "not settled" in unsettled.note
    assert parse_date("2024-07-15 00:00:00") == date(2024, 7, 15)
    assert parse_date("01.12.2010") == date(2010, 12, 1)
    assert parse_date("Sep 2014") == date(2014, 9, 1)
    assert parse_date("15/07/24") == date(2024, 7, 15)
    assert parse_date("15-Jul-24") == date(2024, 7, 15)
    assert parse_date("45292") == date(2024, 1, 1)
    assert parse_date(45292.0) == date(2024, 1, 1)
    assert parse_date("not a date") is None and parse_date("31/02/2024") is None


def test_month_first_file_is_read_month_first(tmp_path):
    lines = ["Supplier,Date,Amount"] + [f"{s},{d},{a}" for s, d, a in [
        ("Acme Ltd", "12/25/2023", "100.00"), ("Beta Ltd", "01/02/2024", "50.00"),
        ("Gamma Ltd", "02/03/2024", "25.50")]]  # fmt: skip
    data = read_spend_files([_write(tmp_path / "us.csv", lines)])
    assert list(data.payments.date) == [date(2023, 12, 25), date(2024, 1, 2), date(2024, 2, 3)]
    assert "month-first" in data.reports[0].notes[0]


def test_excel_serial_dates_in_general_cells_and_unreadable_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Supplier", "Date", "Amount"])
    for i, (supplier, _day, amount) in enumerate(_payments(30)):
        sheet.append([supplier, 45292 + i, amount])  # numbers, as a General-format cell holds
    sheet.append(["Late Ltd", "sometime", 10.0])
    path = tmp_path / "serial.xlsx"
    book.save(path)
    data = read_spend_files([path])
    report = data.reports[0]
    assert report.columns["date"] == "Date" and report.undated == 1
    assert data.payments.date.iloc[0] == date(2024, 1, 1)


def test_every_sheet_is_read_and_a_summary_sheet_is_not_counted_twice(tmp_path):
    book = openpyxl.Workbook()
    book.remove(book.active)
    totals = {}
    for month in ("April", "May"):
        sheet = book.create_sheet(month)
        sheet.append(["Supplier", "Payment date", "Net amount"])
        for supplier, day, amount in _payments(12, seed=len(month)):
            sheet.append([supplier, day, amount])
            totals[supplier] = totals.get(supplier, 0) + amount
    summary = book.create_sheet("By supplier")
    summary.append(["Supplier", "Total"])
    for supplier, amount in totals.items():
        summary.append([supplier, round(amount, 2)])
    notes = book.create_sheet("Notes")
    notes.append(["Published under the Local Government Transparency Code"])
    path = tmp_path / "year.xlsx"
    book.save(path)
    data = read_spend_files([path])
    by_sheet = {r.source.split("[")[1].rstrip("]"): r for r in data.reports}
    assert by_sheet["April"].rows_used == 12 and by_sheet["May"].rows_used == 12
    assert by_sheet["By supplier"].summary and by_sheet["By supplier"].rows_used == 0
    assert by_sheet["By supplier"].not_data["summary of other sheets"] == len(totals)
    assert by_sheet["Notes"].not_data["text without a table"] == 1
    assert data.payments.amount.sum() == pytest.approx(sum(totals.values()))
    assert all(r.balanced() for r in data.reports)


def test_a_summary_file_is_read_and_flagged(tmp_path):
    lines = ["Supplier,Total spend"] + [f"{s},{1000 + 17.5 * i:.2f}" for i, s in
                                         enumerate(SUPPLIERS)]  # fmt: skip
    report = read_spend_files([_write(tmp_path / "summary.csv", lines)]).reports[0]
    assert report.summary and report.rows_used == len(SUPPLIERS) and report.undated == 6


def test_files_named_as_workbooks_that_are_text(tmp_path):
    rows = _payments(8)
    csv_as_xls = _write(tmp_path / "really-csv.xls",
                        ["Supplier,Date,Amount"] + [f"{s},{d},{a}" for s, d, a in rows])  # fmt: skip
    cells = "".join(f"<tr><td>{s}</td><td>{d}</td><td>£{a:,.2f}</td></tr>" for s, d, a in rows)
    html_as_xlsx = tmp_path / "really-html.xlsx"
    html_as_xlsx.write_text(
        f"<html><body><table><tr><th>Supplier</th><th>Date</th><th>Amount</th></tr>{cells}"
        "</table></body></html>"
    )
    tab = _write(tmp_path / "tabs.txt", ["Supplier\tDate\tAmount"] +
                 [f"{s}\t{d}\t{a}" for s, d, a in rows])  # fmt: skip
    semi = _write(tmp_path / "semi.csv", ["Supplier;Date;Amount"] +
                  [f"{s};{d};{a}" for s, d, a in rows])  # fmt: skip
    expected = round(sum(a for _, _, a in rows), 2)
    for path, kind in ((csv_as_xls, "CSV"), (html_as_xlsx, "HTML"), (tab, "tab"), (semi, "semi")):
        report = read_spend_files([path]).reports[0]
        assert report.total == pytest.approx(expected), path
        assert kind in report.format


def test_header_anywhere_or_nowhere(tmp_path):
    rows = [f'{s},{d},"£{a:,.2f}"' for s, d, a in _payments(20)]
    expected = round(sum(a for _, _, a in _payments(20)), 2)
    layouts = {
        "top": ["Supplier,Date,Amount", *rows],
        "after preamble": [
            "Council spend,,",
            "Period: 2024,,",
            ",,",
            "Supplier,Date,Amount",
            *rows,
        ],
        "bottom": [*rows, "Supplier,Date,Amount"],
        "none": rows,
        "marker column": [f",{r}" for r in ["Payee,When,Value", *rows]],
    }
    for name, lines in layouts.items():
        report = read_spend_files([_write(tmp_path / f"{name}.csv", lines)]).reports[0]
        assert report.total == pytest.approx(expected), name
        assert report.balanced(), name
    assert read_spend_files([tmp_path / "none.csv"]).reports[0].decided_by == "cells alone"


def test_identifier_columns_are_not_amounts_and_id_headers_do_not_outweigh_names(tmp_path):
    lines = ["Invoice number,Supplier ID,Total,Date"]
    for i, (supplier, day, amount) in enumerate(_payments(40)):
        lines.append(f"{7100200 + i},{supplier},{amount},{day}")
    report = read_spend_files([_write(tmp_path / "ids.csv", lines)]).reports[0]
    assert report.columns["amount"] == "Total" and report.columns["supplier"] == "Supplier ID"
    assert report.columns.get("reference") == "Invoice number"


def test_net_vat_and_gross_prefer_net(tmp_path):
    lines, nolines = ["Supplier,Date,Net,VAT,Gross"], []
    for supplier, day, amount in _payments(30):
        vat = round(amount * 0.2, 2)
        lines.append(f"{supplier},{day},{amount},{vat},{amount + vat:.2f}")
        nolines.append(f"{supplier},{day},{amount + vat:.2f},{amount},{vat}")
    expected = round(sum(a for _, _, a in _payments(30)), 2)
    by_header = read_spend_files([_write(tmp_path / "net.csv", lines)]).reports[0]
    assert by_header.columns["amount"] == "Net" and by_header.total == pytest.approx(expected)
    assert any("net" in n for n in by_header.notes)
    by_values = read_spend_files([_write(tmp_path / "bare.csv", nolines)]).reports[0]
    assert by_values.columns["amount"] == "column 4" and by_values.total == pytest.approx(expected)
    assert any("= 'column 3'" in n for n in by_values.notes)


def test_two_unrelated_money_columns_without_headers_are_refused(tmp_path):
    rng = random.Random(3)
    lines = [f"{s},{d},{a},{rng.uniform(10, 9000):.2f}" for s, d, a in _payments(30)]
    with pytest.raises(InputError, match=r"two\.csv.*columns hold money.*--columns amount"):
        read_spend_files([_write(tmp_path / "two.csv", lines)])
    report = read_spend_files([tmp_path / "two.csv"], parse_columns_option("amount=3")).reports[0]
    assert report.total == pytest.approx(sum(a for _, _, a in _payments(30)))


def test_random_text_is_refused_with_one_line(tmp_path):
    rng = random.Random(5)
    words = ["lorem", "ipsum", "dolor", "sit", "amet", "tempor", "magna", "aliqua"]
    lines = [",".join(rng.choice(words) for _ in range(5)) for _ in range(50)]
    with pytest.raises(InputError, match=r"random\.csv") as caught:
        read_spend_files([_write(tmp_path / "random.csv", lines)])
    assert "\n" not in str(caught.value)


def _twelve_sheets(path: Path, bad: int) -> float:
    book = openpyxl.Workbook()
    book.remove(book.active)
    total = 0.0
    for month in range(12):
        sheet = book.create_sheet(f"Month {month + 1}")
        if month == bad:
            for i in range(20):
                sheet.append([i, i * 3, i * 7.25])  # numbers, but nobody was paid
            continue
        sheet.append(["Supplier", "Date", "Amount"])
        for supplier, day, amount in _payments(10, seed=month):
            sheet.append([supplier, day, amount])
            total += amount
    book.save(path)
    return total


def test_workbook_with_one_unreadable_sheet(tmp_path):
    path = tmp_path / "year.xlsx"
    expected = _twelve_sheets(path, bad=6)
    with pytest.raises(InputError, match=r"year\.xlsx\[Month 7\]: not a spend table.*supplier"):
        read_spend_files([path])
    data = read_spend_files([path], skip_unreadable=True)
    skipped = data.not_read
    assert len(skipped) == 1 and skipped[0].not_read == 20 and skipped[0].balanced()
    assert data.payments.amount.sum() == pytest.approx(expected)


def test_cli_exits_2_on_an_unreadable_sheet_and_warns_when_skipping(tmp_path):
    from cwbsim.cli import app

    path = tmp_path / "year.xlsx"
    _twelve_sheets(path, bad=2)
    out = tmp_path / "out"
    failed = runner.invoke(app, ["analyze", str(path), "--local", "Preston", "--out", str(out)])
    assert failed.exit_code == 2 and "Month 3" in failed.output and "Traceback" not in failed.output
    skipped = runner.invoke(app, ["analyze", str(path), "--local", "Preston", "--out", str(out),
                                  "--skip-unreadable"])  # fmt: skip
    assert skipped.exit_code == 0, skipped.output
    assert "NOT READ: 1 file(s) or sheet(s), 20 rows" in skipped.output


def test_totals_and_subtotals_are_recognised_and_reconciled(tmp_path):
    lines, grand = ["Supplier,Date,Amount"], 0.0
    for supplier in SUPPLIERS[:3]:
        part = [(supplier, f"0{k + 1}/02/2024", 100.0 * (k + 1) + 0.5) for k in range(3)]
        lines += [f"{s},{d},{a:.2f}" for s, d, a in part]
        lines.append(f",,{sum(a for *_, a in part):.2f}")  # a subtotal with no label
        grand += sum(a for *_, a in part)
    lines.append(f"Grand total,,{grand:.2f}")
    report = read_spend_files([_write(tmp_path / "totals.csv", lines)]).reports[0]
    assert report.not_data["subtotal"] == 3 and report.not_data["publisher total"] == 1
    assert report.total == pytest.approx(grand) and report.difference == 0
    lines[-1] = f"Total,,{grand + 10:.2f}"  # a publisher total that does not add up
    report = read_spend_files([_write(tmp_path / "off.csv", lines)]).reports[0]
    assert report.published_total == pytest.approx(grand + 10) and report.difference == -10
    named = ["Supplier,Amount", "Total Gas & Power Ltd,1500", "Beta Ltd,100", "Total,1600"]
    report = read_spend_files([_write(tmp_path / "named.csv", named)]).reports[0]
    assert report.rows_used == 2 and report.not_data["publisher total"] == 1


def test_messy_file_every_row_accounted_for(tmp_path):
    lines = [
        "Hyndburn Borough Council", "Payments over £500", "",
        "Vendor,,Payment Date,,Total",
        'Acme Ltd,,01/02/2024,,"£1,000.00"',
        "Acme Ltd,,02/02/2024,,(250.00)",
        "Beta & Sons,,03/02/2024,,abc",
        ",,04/02/2024,,10.00",
        "Total,,,,760.00",
    ]  # fmt: skip
    report = read_spend_files([_write(tmp_path / "messy.csv", lines, "cp1252")]).reports[0]
    assert report.total == pytest.approx(750.0) and report.rows_used == 2
    assert report.rejected == {"amount not a number": 1, "supplier missing": 1}
    assert report.rejected_total == {"supplier missing": 10.0}
    assert report.not_data == {"preamble": 2, "blank": 1, "header": 1, "publisher total": 1}
    assert report.difference == 0 and report.balanced()


def test_overlap_between_files_is_rejected_with_its_pounds(tmp_path):
    first = _write(tmp_path / "a.csv", ["Supplier,Date,Amount", "Acme,01/01/2024,100",
                                        "Beta,02/01/2024,50"])  # fmt: skip
    second = _write(tmp_path / "b.csv", ["Supplier,Date,Amount", "Beta,02/01/2024,50",
                                         "Gamma,03/01/2024,25", "Gamma,03/01/2024,25"])  # fmt: skip
    data = read_spend_files([first, second])
    _a, b = data.reports
    assert b.duplicates == 1 and b.duplicate_total == 50 and b.balanced()
    assert b.rows_used == 2 and b.total == 50  # Gamma twice in one file is kept
    assert data.payments.amount.sum() == 200
    headless = _write(tmp_path / "c.csv", ["Delta,04/01/2024,75", "Echo,05/01/2024,30"])
    later = read_spend_files([first, headless]).reports[1]
    assert later.decided_by == "cells + earlier header" and later.total == 105


def test_columns_override_by_header_or_number(tmp_path):
    path = _write(tmp_path / "odd.csv", ["Who,When,How much", "Acme,01/01/2024,100"])
    assert read_spend_files([path], parse_columns_option("supplier=Who,amount=How much"))
    report = read_spend_files([path], parse_columns_option("amount=3,supplier=1")).reports[0]
    assert report.total == 100 and "--columns" in report.decided_by
    with pytest.raises(InputError, match="'Cost', which is not a column"):
        read_spend_files([path], parse_columns_option("amount=Cost"))
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
    fake = tmp_path / "fake.xls"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError, match=r"fake\.xls: not a readable XLS workbook"):
        read_spend_files([fake])


def test_cli_table_shows_columns_undated_and_reconciliation(tmp_path):
    from cwbsim.cli import app

    lines = ["Supplier,Date,Amount", "Acme Ltd,01/02/2024,100.00", "Beta Ltd,whenever,50.00",
             "Grand total,,150.00"]  # fmt: skip
    path = _write(tmp_path / "small.csv", lines)
    result = runner.invoke(app, ["analyze", str(path), "--local", "Preston", "--out",
                                 str(tmp_path / "out")], env={"COLUMNS": "160"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Undated" in result.output and "1 publisher total" in result.output
    assert "publisher's total £150.00; rows £150.00; difference £0.00" in result.output
    assert "Amount (" in result.output and "cells + header" in result.output
    import json

    document = json.loads((tmp_path / "out" / "analysis.json").read_text())
    report = document["files"][0]
    assert report["undated"] == 1 and report["columns"]["amount"] == "Amount"
    assert report["evidence"]["amount"].startswith("cells ")


def test_a_supplier_named_total_beside_total_cells_is_a_payment(tmp_path):
    # Home Office spend (OtterOriented/home-office-spend-2020): cleaned name columns say "total"
    lines = ["Date,Amount,Supplier,supplier_clean,supplier_fuzzy",
             "2020-12-16,508.05,PCC WYP,pcc wyp,pcc wyp",
             "2020-12-16,2205.85,TOTAL SOLUTIONS LTD,total,total",
             "2020-12-17,556.8,CERTAGS LIMITED,certags,certags"]  # fmt: skip
    report = read_spend_files([_write(tmp_path / "home.csv", lines)]).reports[0]
    assert report.rows_used == 3 and report.total == pytest.approx(3270.70)
