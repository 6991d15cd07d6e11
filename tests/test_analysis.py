"""Supplier geography, Companies House matching, spend analysis and the analyze command."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cwbsim.calibration.analysis import analyse, sector_from_expense
from cwbsim.calibration.company_index import temporary_index
from cwbsim.calibration.geography import PostcodeLookup, resolve_districts
from cwbsim.calibration.placement import Sources
from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.calibration.suppliers import normalise_name, read_supplier_lookup, sic_section
from cwbsim.cli import app
from cwbsim.model.errors import InputError

DATA = Path(__file__).parent / "data" / "spend"
HYNDBURN = "E07000120"

# Synthetic: postcodes are real ONSPD postcodes of each district, firms are assigned at will.
LOOKUP = """supplier,postcode,sector
Calverton Finance Ltd,BB1 2BY,K
TRIO TRAINING,PR0 2AA,P
Stanley Bros. Tippers Limited,M1 1AA,H
"""
COMPANIES = """CompanyName, CompanyNumber,RegAddress.PostCode,SICCode.SicText_1
MORGAN HUNT UK LIMITED,04006380,M1 1AD,78200 - Temporary employment agency activities
A BYRNE FENCING LTD,01234567,BB1 2DB,43390 - Other building completion and finishing
HYNDBURN AGENCY STAFF LTD,07654321,BB1 2BY,78200 - Temporary employment agency activities
"""


@pytest.fixture
def files(tmp_path):
    lookup = tmp_path / "suppliers.csv"
    lookup.write_text(LOOKUP)
    companies = tmp_path / "companies.csv"
    companies.write_text(COMPANIES)
    return lookup, companies


def test_names_and_sic_codes():
    assert normalise_name("Smith & Sons (Preston) Ltd.") == "SMITH AND SONS PRESTON"
    assert normalise_name("STANLEY BROS TIPPERS LTD") == normalise_name(
        "Stanley Bros. Tippers Limited"
    )
    assert sic_section("78200 - Temporary employment agency activities") == "N"
    assert sic_section("43390") == "F" and sic_section("F") == "F" and sic_section("none") is None
    assert sector_from_expense("ADVERT IN GROUP LEISURE") == "R"
    assert sector_from_expense("Vehicle Tax") == "H"


def test_districts_and_groups():
    assert len(resolve_districts(["lancashire"], "--region")) == 14
    assert resolve_districts(["Preston", "e07000120"], "--local") == ["E07000123", "E07000120"]
    with pytest.raises(InputError, match=r"--local: unknown LAD code 'E07999999'"):
        resolve_districts(["E07999999"], "--local")
    with pytest.raises(InputError, match=r"--local: 'Atlantis' is not a LAD code"):
        resolve_districts(["Atlantis"], "--local")


def test_postcodes_resolve_offline():
    lookup = PostcodeLookup()
    assert lookup.districts(["bb1 2by", "PR0 2AA", "M1 1AA", "ZZ9 9ZZ", ""]) == [
        HYNDBURN,
        "E07000123",
        "E08000003",
        None,
        None,
    ]


def test_analysis_tiers_matches_and_gap(files):
    lookup_path, companies_path = files
    postcodes = PostcodeLookup()
    lookup = read_supplier_lookup(lookup_path, postcodes)
    index = temporary_index([companies_path])
    data = read_spend_files([DATA / "1701.csv"])
    region = [c for c in resolve_districts(["lancashire"], "--region") if c != HYNDBURN]
    result = analyse(data, [HYNDBURN], region, Sources(lookup, None, index), body="Hyndburn")
    suppliers = result.suppliers.set_index("supplier")
    assert suppliers.loc["CALVERTON FINANCE LTD", "tier"] == "local"
    assert suppliers.loc["TRIO TRAINING", "tier"] == "region"
    assert suppliers.loc["STANLEY BROS TIPPERS LTD", "matched_by"] == "name (lookup)"
    assert suppliers.loc["MORGAN HUNT UK LTD", "matched_by"] == "exact name"
    assert suppliers.loc["MORGAN HUNT UK LTD", "sector"] == "N"
    assert result.by_tier.spend.sum() == pytest.approx(result.base_total)
    assert result.base_total + sum(result.excluded.values()) == pytest.approx(
        data.payments.amount.sum()
    )
    assert 0 < result.match_rate["suppliers"] < 1
    # Morgan Hunt (outside, sector N) could move to the local agency known to Companies House
    gap = result.gap.set_index("sector")
    assert gap.loc["N", "could_move"] == pytest.approx(
        result.payments.query(
            "in_base and sector == 'N' and tier in ['region', 'outside']"
        ).amount.sum()
    )
    assert gap.loc["N", "local_suppliers"] >= 1
    months = result.by_month["month"].tolist()
    assert months[0].startswith("2017-01")


def test_duplicate_supplier_rows_are_an_error(tmp_path):
    path = tmp_path / "dupes.csv"
    path.write_text("supplier,postcode\nAcme Ltd,BB1 2BY\nACME LIMITED,M1 1AA\n")
    with pytest.raises(InputError, match=r"row 3: supplier 'ACME LIMITED' is already at row 2"):
        read_supplier_lookup(path, PostcodeLookup())


def test_analyze_command_writes_json_and_html(tmp_path, files):
    lookup_path, companies_path = files
    out = tmp_path / "analysis"
    result = CliRunner().invoke(
        app,
        [
            "analyze", str(DATA / "1701.csv"), str(DATA / "1908.csv"),
            "--local", HYNDBURN, "--region", "lancashire",
            "--suppliers", str(lookup_path), "--companies", str(companies_path),
            "--out", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads((out / "analysis.json").read_text())
    assert {
        "by_tier",
        "by_sector",
        "by_district",
        "by_month",
        "top_suppliers",
        "gap",
        "files",
    } <= set(document)
    total = sum(f["total"] for f in document["files"])
    assert document["total"] == pytest.approx(total)
    page = (out / "analysis.html").read_text()
    assert "Gap analysis" in page and "<img" not in page and "http" not in page.split("<pre>")[0]
    assert "Spend by tier" in result.output


def test_analyze_bad_input_exits_2(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(app, ["analyze", str(empty), "--local", HYNDBURN])
    assert (
        result.exit_code == 2 and "empty file" in result.output and "Traceback" not in result.output
    )
    result = runner.invoke(app, ["analyze", str(DATA / "1701.csv"), "--local", "E07999999"])
    assert result.exit_code == 2 and "unknown LAD code" in result.output
    frame = pd.DataFrame({"x": [1]})
    notspend = tmp_path / "notspend.csv"
    frame.to_csv(notspend, index=False)
    result = runner.invoke(app, ["analyze", str(notspend), "--local", HYNDBURN])
    assert result.exit_code == 2 and "no usable payment rows" in result.output
