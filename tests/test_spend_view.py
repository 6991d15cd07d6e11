"""The Spend view's logic, without a browser: payee types, the worklist, hand placements, economy.

Every test reads a real spend file (Hyndburn Borough Council, January 2017, from
``tests/data/spend``; the shared data's full Hyndburn series where present) and
keeps its supplier register and postcode directory in ``tmp_path``.
"""

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cwbsim.calibration.analysis import Options
from cwbsim.calibration.geography import PostcodeLookup
from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.calibration.spend_session import (
    SpendSession,
    economy_from_text,
    postcodes_available,
    read_place,
)
from cwbsim.model.errors import InputError
from cwbsim.viz import spend_view
from cwbsim.viz.maps import pounds_m
from cwbsim.viz.uploads import Upload, start_upload

SPEND = Path(__file__).parent / "data" / "spend" / "1701.csv"
SHARED = Path(__file__).parents[2] / "shared" / "data" / "spend" / "hyndburn"
HYNDBURN, PRESTON, MANCHESTER = "E07000120", "E07000123", "E08000003"
GSS = re.compile(r"\b[EWSN]\d{8}\b")


@pytest.fixture
def onspd(tmp_path) -> Path:
    """A three-postcode directory in ONSPD's layout (pcd, laua)."""
    path = tmp_path / "onspd.csv"
    path.write_text(f"pcd,laua\nBB5 1LA,{HYNDBURN}\nPR1 2HE,{PRESTON}\nM1 1AE,{MANCHESTER}\n")
    return path


def _session(tmp_path, onspd, files=(SPEND,), place="Hyndburn", **given) -> SpendSession:
    options = Options(list(files), [place], ["lancashire"], onspd=onspd,
                      register=tmp_path / "register.csv", **given)  # fmt: skip
    return SpendSession.start(options)


def _shares(session) -> dict[str, float]:
    tiers = session.analysis.by_tier
    return dict(zip(tiers["tier"], tiers["spend"] / session.analysis.base_total, strict=True))


def test_payee_types_and_the_procurement_base_account_for_every_pound(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    analysis = session.analysis
    types = spend_view.payee_types(analysis)
    paid = float(read_spend_files([SPEND]).payments["amount"].sum())
    np.testing.assert_allclose(types["spend"].sum(), paid, rtol=1e-12)
    np.testing.assert_allclose(types["share"].sum(), 1.0, rtol=1e-12)
    base = types.loc[types["procurement"] == "yes", "spend"].sum()
    np.testing.assert_allclose(base, analysis.base_total, rtol=1e-12)
    assert set(types["who"]) >= {"Businesses", "Not yet known"}
    assert "Public bodies: councils, NHS, police, fire, colleges, government" in set(types["who"])
    sentence = spend_view.base_sentence(analysis)
    assert pounds_m(analysis.base_total) in sentence and pounds_m(paid) in sentence
    assert f"{analysis.base_total / paid:.1%}" in sentence
    assert "public bodies (£22,654)" in sentence  # Burnley BC and others: not procurement
    for text in (sentence, *types["who"]):
        assert "None" not in text and "_" not in text and "--" not in text


def test_the_worklist_lists_unplaced_suppliers_by_pound_with_their_payments(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    rows = spend_view.worklist_rows(session.analysis)
    payments = read_spend_files([SPEND]).payments
    in_base = session.analysis.suppliers.query("in_base")
    assert len(rows) == int(in_base["district"].isna().sum()) > 20
    assert rows["spend"].is_monotonic_decreasing
    counted = payments.groupby("supplier").size()
    assert (rows["payments"].to_numpy() == counted[rows["supplier"]].to_numpy()).all()
    summed = payments.groupby("supplier")["amount"].sum()
    np.testing.assert_allclose(rows["spend"], summed[rows["supplier"]], atol=0.005)
    assert rows.iloc[0]["supplier"] == "CRAIG HAMBLING LTD"
    assert "17 more for 80%" in spend_view.worklist_summary(session.analysis)


def test_a_postcode_places_a_supplier_updates_the_analysis_and_is_remembered(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    before = _shares(session)
    assert before == {"unknown": pytest.approx(1.0)}
    rows = spend_view.worklist_rows(session.analysis)
    top = rows.iloc[0]
    assert spend_view.place_supplier(session, top["supplier"], " bb5 1la ") is None
    after = _shares(session)
    np.testing.assert_allclose(after["local"], top["spend"] / session.analysis.base_total)
    np.testing.assert_allclose(after["local"] + after["unknown"], 1.0)
    assert top["supplier"] not in set(spend_view.worklist_rows(session.analysis)["supplier"])
    assert "in Hyndburn" in spend_view.local_share_sentence(session)
    assert f"{after['local']:.1%} of the procurement base" in spend_view.local_share_sentence(
        session
    )
    assert spend_view.placed_sentence(session, 0) == "CRAIG HAMBLING LTD: Hyndburn (BB5 1LA)"
    # the register file holds a hand placement, and a fresh analysis uses it unasked
    with (tmp_path / "register.csv").open() as handle:
        saved = {row["supplier"]: row for row in csv.DictReader(handle)}
    entry = saved["CRAIG HAMBLING LTD"]
    assert (entry["area"], entry["postcode"], entry["source"]) == (HYNDBURN, "BB5 1LA", "hand")
    again = _session(tmp_path, onspd)
    placed = again.analysis.suppliers.set_index("supplier").loc["CRAIG HAMBLING LTD"]
    assert (placed["district"], placed["matched_by"]) == (HYNDBURN, "register (by hand)")
    np.testing.assert_allclose(_shares(again)["local"], after["local"], rtol=1e-12)


def test_an_area_places_a_supplier_by_name_or_code(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    rows = spend_view.worklist_rows(session.analysis)
    first, second, third = rows["supplier"][:3]
    assert spend_view.place_supplier(session, first, "Preston") is None
    assert spend_view.place_supplier(session, second, "e08000003") is None
    assert spend_view.place_supplier(session, third, "national") is None
    table = spend_view.tier_table(session)
    assert list(table["where"]) == ["Rest of Lancashire", "Outside the region", "Not yet placed"]
    np.testing.assert_allclose(table["share"].sum(), 1.0)
    np.testing.assert_allclose(table["spend"][0], rows["spend"][0], atol=0.01)
    np.testing.assert_allclose(table["spend"][1], rows["spend"][1] + rows["spend"][2], atol=0.01)
    top = spend_view.top_suppliers(session.analysis)
    where = dict(zip(top["supplier"], top["district"], strict=True))
    assert (where[first], where[second], where[third]) == ("Preston", "Manchester", "UK-wide")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "nothing typed"),
        ("PR1", "only the first half of a postcode"),
        ("XX9 9XX", "not in the postcode directory"),
        ("Prestn", "not a postcode or a district name (closest names: Preston"),
        ("E07999999", "not a known district code"),
    ],
)
def test_a_bad_entry_is_one_line_and_changes_nothing(tmp_path, onspd, typed, says):
    session = _session(tmp_path, onspd)
    register = (tmp_path / "register.csv").read_bytes()
    before = session.analysis.by_tier.copy()
    message = spend_view.place_supplier(session, "CRAIG HAMBLING LTD", typed)
    assert message is not None and says in message
    assert "\n" not in message and "Traceback" not in message and "--" not in message
    assert (tmp_path / "register.csv").read_bytes() == register
    assert session.analysis.by_tier.equals(before) and session.placed == []


def test_without_a_postcode_directory_areas_still_place_suppliers(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    session.postcodes = None  # as when the offline directory is not installed
    message = spend_view.place_supplier(session, "CRAIG HAMBLING LTD", "BB5 1LA")
    assert "not installed" in message and "district's name" in message
    assert spend_view.place_supplier(session, "CRAIG HAMBLING LTD", "Hyndburn") is None
    assert _shares(session)["local"] > 0.28


@pytest.mark.skipif(not postcodes_available(), reason="the offline postcode directory is missing")
def test_the_offline_postcode_directory_places_a_real_postcode():
    assert read_place("PR1 2HE", PostcodeLookup()) == (PRESTON, "PR1 2HE")
    with pytest.raises(InputError, match="not in the postcode directory"):
        read_place("ZZ99 9ZZ", PostcodeLookup())


def test_places_are_read_as_todays_districts():
    assert read_place("preston", None) == (PRESTON, "")
    assert read_place("E07000026", None) == ("E06000063", "")  # Allerdale is now Cumberland
    assert read_place("Lancashire", None) == ("E10000017", "")  # the county, a wider area
    assert read_place("UK-wide", None) == ("national", "")


def test_districts_and_sectors_are_names_and_unknown_only_where_unplaced(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    spend_view.place_supplier(session, "CRAIG HAMBLING LTD", "BB5 1LA")
    top = spend_view.top_suppliers(session.analysis)
    shown = top.to_string()
    assert not GSS.search(shown) and "None" not in shown and "nan" not in shown
    unplaced = session.analysis.top_suppliers.head(20)["district"].isna().to_numpy()
    assert ((top["district"] == "unknown").to_numpy() == unplaced).all()
    # the sector comes from the expense types where the supplier's own is not known
    assert dict(zip(top["supplier"], top["sector"], strict=True))["ROSS LEE CONSTRUCTION LTD"] == (
        "F Construction"
    )
    assert (top["sector"] != "unknown").sum() > len(top) / 2
    assert spend_view.district_name("E07000123|E07000117") == "Preston and Burnley"


def test_an_empty_gap_is_explained_from_what_is_known(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    assert session.analysis.gap.empty
    text = spend_view.gap_explanation(session)
    assert "none of the procurement base is placed" in text and "worklist" in text
    spend_view.place_supplier(session, "CRAIG HAMBLING LTD", "Hyndburn")
    assert "none of the placed procurement base leaves Hyndburn" in (
        spend_view.gap_explanation(session)
    )
    spend_view.place_supplier(session, "AEBI SCHMIDT UK LTD", "Manchester")
    assert "no supplier is known to be in Hyndburn" in spend_view.gap_explanation(session)
    assert "lookup" in spend_view.EMPTY_GAP and "--" not in spend_view.EMPTY_GAP


def test_a_lookup_that_places_suppliers_fills_the_gap_table(tmp_path, onspd):
    lookup = tmp_path / "lookup.csv"
    lookup.write_text(
        "supplier,postcode,sector\nROSS LEE CONSTRUCTION LTD,BB5 1LA,F\n"
        "MARCHBRIDGE BUILDERS LTD,M1 1AE,F\n"
    )
    session = _session(tmp_path, onspd, suppliers=lookup)
    gap = spend_view.gap_table(session.analysis)
    assert list(gap["sector"]) == ["F Construction"]
    assert gap["£ that could move"][0] == "£27,622"  # Marchbridge, in Manchester
    assert gap["local suppliers known"][0] >= 1


def test_the_map_draws_the_base_by_supplier_district(tmp_path, onspd):
    session = _session(tmp_path, onspd)
    spend_view.place_supplier(session, "CRAIG HAMBLING LTD", "BB5 1LA")
    spend_view.place_supplier(session, "AEBI SCHMIDT UK LTD", "Preston")
    option = spend_view.spend_map(session)
    drawn = {d["name"]: d for d in option["series"][0]["data"]}
    assert set(drawn) == {"Hyndburn", "Preston"}
    assert "£0.15m" in drawn["Hyndburn"]["tooltip"]["formatter"]
    assert "over 1 month" in option["title"]["text"]
    assert "not placed £0.31m" in option["graphic"][0]["style"]["text"]


def test_the_economy_built_from_the_analysis_runs(tmp_path, onspd):
    session = _session(tmp_path, onspd, body="Hyndburn Borough Council")
    spend_view.place_supplier(session, "CRAIG HAMBLING LTD", "BB5 1LA")
    spend_view.place_supplier(session, "AEBI SCHMIDT UK LTD", "Manchester")
    built = session.economy()
    assert built.name == "Hyndburn, from 1701.csv"
    spec = economy_from_text(built.name, built.text)
    assert spec.model_dump() == built.spec.model_dump()
    (anchor,) = spec.anchors
    assert anchor.name == "Hyndburn Borough Council" and anchor.area == HYNDBURN
    # a month of payments a year: each contract is twelve times the month's £
    payments = read_spend_files([SPEND]).payments
    month = payments.groupby("supplier")["amount"].sum()
    value = {c.supplier: c.value for c in anchor.contracts}
    np.testing.assert_allclose(value["CRAIG HAMBLING LTD"], 12 * month["CRAIG HAMBLING LTD"])
    area = {s.name: s.area for s in spec.suppliers}
    assert area["CRAIG HAMBLING LTD"] == HYNDBURN and area["AEBI SCHMIDT UK LTD"] == "OUTSIDE"
    assert any("not yet placed" in w for w in built.warnings)
    from cwbsim.model.economy import LocalEconomy

    model = LocalEconomy(spec, rng=1)
    model.step()
    assert model.steps == 1


def test_an_economy_needs_one_district(tmp_path, onspd):
    session = _session(tmp_path, onspd, place="Hyndburn, Burnley")
    with pytest.raises(InputError, match=r"place: 2 districts .*one district"):
        session.economy()


def test_an_upload_becomes_a_session_whose_files_stay_for_the_economy(tmp_path):
    upload = Upload("1701.csv", SPEND.read_bytes())
    session = start_upload(upload, "Hyndburn", "lancashire", tmp_path / "files",
                           register=tmp_path / "register.csv")  # fmt: skip
    assert session.files == [tmp_path / "files" / "1701.csv"] and session.files[0].exists()
    with pytest.raises(InputError) as caught:
        start_upload(Upload("junk.csv", b"just,some\nwords,here\n"), "Hyndburn", "", tmp_path)
    assert "junk.csv" in str(caught.value) and str(tmp_path) not in str(caught.value)
    with pytest.raises(InputError, match="place: empty"):
        start_upload(upload, " ", "", tmp_path)


@pytest.mark.skipif(not SHARED.exists(), reason="the shared data folder is not here")
def test_a_year_of_real_files_from_the_shared_data(tmp_path, onspd):
    files = sorted(SHARED.glob("17*.csv"))
    assert len(files) == 12
    session = _session(tmp_path, onspd, files=files)
    analysis = session.analysis
    assert spend_view.months_covered(analysis) == 12
    types = spend_view.payee_types(analysis)
    np.testing.assert_allclose(types["spend"].sum(), analysis.total, rtol=1e-12)
    rows = spend_view.worklist_rows(analysis)
    assert rows["spend"].is_monotonic_decreasing and (rows["payments"] >= 1).all()
    largest = rows.iloc[0]
    assert spend_view.place_supplier(session, largest["supplier"], "Hyndburn") is None
    np.testing.assert_allclose(
        _shares(session)["local"], largest["spend"] / analysis.base_total, rtol=1e-9
    )


def test_messages_never_give_command_line_advice(tmp_path):
    from cwbsim.calibration.construct import _months

    with pytest.raises(InputError) as caught:
        start_upload(Upload("junk.csv", b"just,some\nwords,here\n"), "Hyndburn", "",
                     tmp_path / "files", register=tmp_path / "register.csv")  # fmt: skip
    unreadable = str(caught.value)
    assert unreadable.startswith("junk.csv: no usable payment rows")
    with pytest.raises(InputError) as caught:  # an economy needs dated payments
        _months(pd.DataFrame({"month": ["undated", "undated"]}))
    undated = spend_view.app_words(str(caught.value))
    assert "readable date" in undated
    for message in (unreadable, undated):
        assert "--" not in message and "\n" not in message and str(tmp_path) not in message


def test_app_words_drop_every_option_named_by_the_readers():
    assert spend_view.app_words("--region: no district besides Hyndburn (expected others)") == (
        "region: no district besides Hyndburn (expected others)"
    )
    assert spend_view.app_words("x.csv: odd (use --whatever FILE to say)") == "x.csv: odd"
