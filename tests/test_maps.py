"""The district bubble map: positions from the shipped register, areas proportional to £."""

import csv
import json
import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from cwbsim.calibration.geography import LANCASHIRE_14
from cwbsim.viz import maps

PRESTON, HYNDBURN, BURNLEY = "E07000123", "E07000120", "E07000117"


def _register() -> dict[str, tuple[float, float]]:
    """(lat, long) by code, read straight from the shipped CSV."""
    text = resources.files("cwbsim.calibration").joinpath("data", "areas.csv").read_text("utf-8")
    return {r["code"]: (float(r["lat"]), float(r["long"])) for r in csv.DictReader(text.splitlines())
            if r["lat"]}  # fmt: skip


def _points(option: dict) -> dict[str, dict]:
    return {d["name"]: d for s in option["series"] if s["name"] != "other districts"
            for d in s["data"]}  # fmt: skip


def test_bubbles_sit_at_the_register_centroids_with_the_aspect_corrected():
    values = pd.Series({c: 1e6 * (i + 1) for i, c in enumerate(LANCASHIRE_14)})
    option = maps.district_bubbles(values, "Lancashire")
    points = _points(option)
    assert len(points) == 14
    register = _register()
    k = math.cos(math.radians(np.mean([register[c][0] for c in LANCASHIRE_14])))
    x, y, value = points["Preston"]["value"]
    lat, lon = register[PRESTON]
    np.testing.assert_allclose([x, y], [lon * k, lat], atol=1e-6)
    assert value == 1e6 * (list(LANCASHIRE_14).index(PRESTON) + 1)
    # one degree of latitude and one of scaled longitude take the same pixels
    grid, xaxis, yaxis = option["grid"], option["xAxis"], option["yAxis"]
    per_x = grid["width"] / (xaxis["max"] - xaxis["min"])
    per_y = grid["height"] / (yaxis["max"] - yaxis["min"])
    np.testing.assert_allclose(per_x, per_y, rtol=0.01)
    assert grid["width"] <= maps.WIDTH_PX and grid["height"] <= maps.HEIGHT_PX
    for d in points.values():  # every bubble inside the axes
        assert xaxis["min"] < d["value"][0] < xaxis["max"]
        assert yaxis["min"] < d["value"][1] < yaxis["max"]


def test_bubble_area_is_proportional_to_the_pounds():
    values = pd.Series({PRESTON: 4e6, HYNDBURN: 1e6, BURNLEY: 0.25e6})
    points = _points(maps.district_bubbles(values))
    area = {n: d["symbolSize"] ** 2 for n, d in points.items()}
    np.testing.assert_allclose(area["Preston"] / area["Hyndburn"], 4.0, rtol=0.01)
    np.testing.assert_allclose(area["Hyndburn"] / area["Burnley"], 4.0, rtol=0.01)
    assert points["Preston"]["symbolSize"] == maps.MAX_BUBBLE_PX


def test_tooltips_give_the_name_pounds_and_share():
    values = pd.Series({PRESTON: 3e6, HYNDBURN: 1e6, "unknown": 4e6})
    points = _points(maps.district_bubbles(values))
    assert points["Preston"]["tooltip"]["formatter"] == "Preston: £3.00m, 37.5% of the total"
    assert points["Hyndburn"]["tooltip"]["formatter"] == "Hyndburn: £1.00m, 12.5% of the total"


def test_what_cannot_be_placed_is_named_under_the_map_not_drawn():
    values = pd.Series({PRESTON: 2e6, "unknown": 3e6, "national": 5e5, "E10000017": 9e4,
                        "OUTSIDE": 7e6})  # fmt: skip
    option = maps.district_bubbles(values)
    assert set(_points(option)) == {"Preston"}
    note = option["graphic"][0]["style"]["text"].replace("\n", " ")
    assert "not boundaries" in note and "mySociety" in note
    for words in ("outside £7.00m", "not placed £3.00m", "UK-wide £0.50m", "Lancashire £90,000"):
        assert words in note


def test_former_codes_count_under_todays_district():
    values = pd.Series({"E07000026": 1e6, "E07000028": 2e6})  # Allerdale and Carlisle
    points = _points(maps.district_bubbles(values))
    assert list(points) == ["Cumberland"] and points["Cumberland"]["value"][2] == 3e6


def test_changes_are_coloured_by_sign_and_sized_by_their_size():
    change = pd.Series({PRESTON: 2e6, HYNDBURN: -2e6, BURNLEY: 5e5})
    base = pd.Series({PRESTON: 40e6, HYNDBURN: 20e6, BURNLEY: 10e6})
    option = maps.district_bubbles(change, "Change in local income", change=True, base=base)
    series = {s["name"]: s for s in option["series"]}
    assert {d["name"] for d in series["gain"]["data"]} == {"Preston", "Burnley"}
    assert {d["name"] for d in series["loss"]["data"]} == {"Hyndburn"}
    assert series["gain"]["itemStyle"]["color"] != series["loss"]["itemStyle"]["color"]
    points = _points(option)
    assert points["Preston"]["symbolSize"] == points["Hyndburn"]["symbolSize"]
    assert points["Hyndburn"]["tooltip"]["formatter"] == "Hyndburn: -£2.00m, -10.0% on the baseline"
    assert points["Burnley"]["tooltip"]["formatter"] == "Burnley: +£0.50m, +5.0% on the baseline"
    assert option["legend"]["data"] == ["gain", "loss"]
    alone = _points(maps.district_bubbles(change, change=True))
    assert (
        alone["Preston"]["tooltip"]["formatter"] == "Preston: +£2.00m, +400.0% of the total change"
    )


def test_the_option_is_plain_json_without_e_notation():
    values = pd.Series({PRESTON: 1.23456789e9, HYNDBURN: 3e-3, "E09000001": 7.5e8})
    option = maps.district_bubbles(values, "Big and small")
    text = json.dumps(option, allow_nan=False)
    assert json.loads(text) == option
    shown = " ".join(d["tooltip"]["formatter"] for d in _points(option).values())
    assert "e+" not in shown and "e-" not in shown
    assert "£1,234.6m" in shown and "Hyndburn: £0," in shown


def test_nothing_to_draw_says_so():
    option = maps.district_bubbles(pd.Series({"unknown": 1e6}), "Empty")
    assert "No district to draw." in [g["style"]["text"] for g in option["graphic"]]
    assert option["series"] == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_234_567, "£1.23m"),
        (-25e6, "-£25.0m"),
        (4_030, "£4,030"),
        (0.4, "£0"),
        (99_999.6, "£100,000"),
    ],
)
def test_pounds_for_people(value, text):
    assert maps.pounds_m(value) == text
