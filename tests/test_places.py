"""An economy for any district: cwbsim place builds, documents and runs it from the tables."""

import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cwbsim.calibration import place_data
from cwbsim.calibration.place import HOUSEHOLD_AGENTS, place_spec
from cwbsim.calibration.place_anchors import split_by_shares
from cwbsim.cli import app
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.spec.files import load_spec

SPEND = Path(__file__).parent / "data" / "spend"
NUMBER = re.compile(r"^(?!(code|area|name|description) )[\w\"]+ = .*[0-9]")
"""A line giving a number (not a code or a name that holds digits)."""


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})


def test_place_writes_a_spec_whose_numbers_each_say_where_they_came_from(tmp_path):
    out = tmp_path / "hyndburn.toml"
    result = invoke("place", "Hyndburn", "--out", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    spec = tomllib.loads(text)
    hyndburn = place_data.districts()["E07000120"]
    assert spec["households"][0]["count"] == hyndburn.households
    assert spec["areas"][1]["name"] == "Rest of North West"
    local = [f for f in spec["firms"] if f["area"] == "E07000120"]
    # the council anchor (406 staff) is one of the 250+ workplaces the counts hold
    assert sum(f["count"] for f in local) == place_data.units("E07000120").sum().round() - 1
    assert not undocumented_numbers(text)
    assert "ONS UK business: activity, size and location 2024 Tables 16 and 22" in text
    assert "Census 2021" in text and "ASSUMPTION" in text
    load_spec(out)  # reads back through the schema


def undocumented_numbers(text: str) -> list[str]:
    """Number lines with no comment of their own nor on their table's header line."""
    out, header = [], ""
    for line in text.splitlines():
        if line.startswith("["):
            header = line
        elif NUMBER.match(line) and "#" not in line and "#" not in header:
            out.append(line)
    return out


def test_a_district_code_and_a_large_city_use_cohorts_under_the_agent_limit(tmp_path):
    spec = place_spec("E08000025")  # Birmingham
    households = spec.households[0]
    assert households.count == place_data.districts()["E08000025"].households
    assert households.count / households.household_weight <= HOUSEHOLD_AGENTS


def test_an_unknown_place_names_the_closest_ones_in_one_line():
    result = invoke("place", "Hyndbern")
    assert result.exit_code == 2
    assert "Hyndburn" in result.output and len(result.output.strip().splitlines()) <= 2
    assert "Traceback" not in result.output


def test_a_county_is_a_city_region_of_its_districts_and_scotland_has_no_households(tmp_path):
    out = tmp_path / "lancs.toml"
    county = invoke("place", "Lancashire", "--out", str(out))
    assert county.exit_code == 0, county.output
    spec = load_spec(str(out))
    places = [a for a in spec.areas if a.tier == "local"]
    assert len(places) == 14 and all(a.lat is not None for a in places)
    assert {h.area for h in spec.households} == {a.code for a in places}
    assert spec.report == ["Lancashire"] and len(spec.groups["Lancashire"]) == 14
    glasgow = invoke("place", "Glasgow City")
    assert glasgow.exit_code == 2 and "England and Wales" in glasgow.output


def test_the_region_tier_can_be_a_named_group(tmp_path):
    spec = place_spec("Preston", _options(region=["lancashire"]))
    assert spec.areas[1].name == "Rest of Lancashire"
    whole_region = place_spec("Preston")
    assert sum(spec.behaviour.regional_inputs.region_jobs.values()) < sum(
        whole_region.behaviour.regional_inputs.region_jobs.values()
    )


def test_run_takes_a_district_name_directly(tmp_path):
    result = invoke("run", "Hyndburn", "--years", "1", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "Hyndburn" in result.output


def test_anchors_from_a_few_written_lines(tmp_path):
    anchors = tmp_path / "anchors.toml"
    anchors.write_text(
        '[[anchors]]\nname = "Hyndburn Borough Council"\nincome = 40e6\nstaff = 500\n'
        "[anchors.procurement]\ncontracts = 50\nlocal_share = 0.2\nregion_share = 0.3\n"
    )
    out = tmp_path / "h.toml"
    result = invoke("place", "Hyndburn", "--anchors", anchors, "--out", out)
    assert result.exit_code == 0, result.output
    spec = load_spec(out)
    assert [a.name for a in spec.anchors] == ["Hyndburn Borough Council"]
    assert spec.anchors[0].area == "E07000120" and spec.anchors[0].staff == 500
    assert spec.anchors[0].procurement.local_share == 0.2
    assert "wage_share = 0.35  # ASSUMPTION (not in the anchors file)" in out.read_text()


def test_anchors_from_a_folder_of_spend_files(tmp_path):
    folder = tmp_path / "spend"
    folder.mkdir()
    for name in ("1701.csv", "April-24.csv"):
        shutil.copy(SPEND / name, folder / name)
    out = tmp_path / "h.toml"
    result = invoke(
        "place", "Hyndburn", "--spend", folder, "--body", "Hyndburn Council", "--out", out
    )
    assert result.exit_code == 0, result.output
    assert "could not place" in result.output  # no company index or lookup here
    spec = load_spec(out)
    anchor = spec.anchors[0]
    assert anchor.name == "Hyndburn Council" and len(anchor.contracts) > 50
    value = {c.supplier: c.value for c in anchor.contracts}
    tier = {a.code: a.tier for a in spec.areas}
    by_tier = {t: 0.0 for t in ("local", "region", "outside")}
    for supplier in spec.suppliers:
        by_tier[tier[supplier.area]] += value.get(supplier.name, 0.0)
    total = sum(by_tier.values())
    largest = max(value.values())
    # unplaced suppliers follow the default council shares (15% local, 45% region)
    assert abs(by_tier["local"] - 0.15 * total) <= largest
    assert abs(by_tier["region"] - 0.45 * total) <= largest
    assert "spread over one to five years" in out.read_text()


def test_split_by_shares_follows_the_shares_within_the_largest_value():
    rng = np.random.default_rng(3)
    values = {f"s{i}": float(v) for i, v in enumerate(rng.lognormal(10, 1.5, 300))}
    shares = {"local": 0.2, "region": 0.5, "outside": 0.3}
    chosen = split_by_shares(values, shares)
    total = sum(values.values())
    for key, share in shares.items():
        got = sum(v for n, v in values.items() if chosen[n] == key)
        assert abs(got - share * total) <= max(values.values())
    assert split_by_shares(values, shares) == chosen  # deterministic


@pytest.mark.parametrize("seed", [0, 1])
def test_any_district_builds_and_runs(seed):
    """Districts drawn at random (not the ones examined by hand) build and conserve money."""
    rng = np.random.default_rng(seed)
    known = sorted(c for c, d in place_data.districts().items() if d.households and c[0] in "EW")
    code = known[rng.integers(len(known))]
    model = LocalEconomy(place_spec(code), rng=seed, check_conservation=True)
    model.run_years(1)
    year = model.recorder.years()[0]
    assert year["anchor_spend"] > 0 and year["local_jobs"] > 0
    assert 1.0 < year["lm3"] < 3.0


def _options(**given):
    from cwbsim.calibration.place import PlaceOptions

    return PlaceOptions(**given)
