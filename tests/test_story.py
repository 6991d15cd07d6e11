"""Preston's story, the app's first screen: its figures, its words, its chart, its buttons.

The model's figures are shipped (``cwbsim/viz/story_figures.json``); one test recomputes
them with fewer runs and checks they agree within the shipped runs' spread.
"""

import json
import math
import re
from pathlib import Path

import pytest
import solara
from conftest import STANDARD_ERRORS
from solara.components.echarts import EchartsWidget

from cwbsim.model.errors import InputError
from cwbsim.scenarios.schema import builtin_scenarios, load_scenario
from cwbsim.viz import story

FACTS = Path(__file__).resolve().parents[2] / "shared" / "FACTS.md"
RECOMPUTE_RUNS = 3
"""Runs of each kind in the recomputation (about 10 s on one core)."""


@pytest.fixture(scope="module")
def figures():
    return story.load()


def _money_m(text: str) -> float:
    return float(text.replace(",", "")) * 1e6


def test_the_published_figures_are_those_of_the_facts_file():
    p = story.PUBLISHED
    # As copied from FACTS.md (which lives beside the checkout, not in it).
    assert p["anchors"] == 6
    assert (p["anchor_spend_2012"], p["local_share_2012"], p["region_share_2012"]) == (
        750e6,
        0.05,
        0.39,
    )
    assert p["left_lancashire_2012"] == 458e6
    assert (p["anchor_spend_local_2016"], p["local_share_2016"], p["local_gain"]) == (
        112.3e6,
        0.182,
        74e6,
    )
    assert (p["anchor_spend_region_2016"], p["region_share_2016"], p["region_gain"]) == (
        488.7e6,
        0.792,
        200e6,
    )
    assert p["council_local_share_2016"] == 0.28 and p["median_wage_change"] == 0.11
    # The derived total: £112.3m is 18.2% of about £617m, and so is £488.7m 79.2% of it.
    assert p["anchor_spend_local_2016"] / p["local_share_2016"] == pytest.approx(617e6, rel=2e-3)
    assert p["anchor_spend_region_2016"] / p["region_share_2016"] == pytest.approx(617e6, rel=2e-3)
    if not FACTS.exists():
        pytest.skip(f"{FACTS} is not beside this checkout: checked against the copied values")
    facts = FACTS.read_text()
    row = re.search(r"\| anchors in the spend-data cohort \| (\d+) \|", facts)
    assert int(row.group(1)) == p["anchors"]
    row = re.search(
        r"2012/13 procurement, cohort \| £(\d+)m; (\d+)% in Preston; (\d+)% in Lancashire"
        r"[^;]*; £(\d+)m leaked",
        facts,
    )
    assert _money_m(row.group(1)) == p["anchor_spend_2012"]
    assert float(row.group(2)) / 100 == p["local_share_2012"]
    assert float(row.group(3)) / 100 == p["region_share_2012"]
    assert _money_m(row.group(4)) == p["left_lancashire_2012"]
    row = re.search(
        r"2016/17 procurement, cohort \| Preston ([\d.]+)% \(£([\d.]+)m, \+£(\d+)m\); "
        r"Lancashire ([\d.]+)% \(£([\d.]+)m, \+£(\d+)m\); total ≈ £(\d+)m",
        facts,
    )
    assert float(row.group(1)) / 100 == pytest.approx(p["local_share_2016"])
    assert _money_m(row.group(2)) == pytest.approx(p["anchor_spend_local_2016"])
    assert _money_m(row.group(3)) == p["local_gain"]
    assert float(row.group(4)) / 100 == pytest.approx(p["region_share_2016"])
    assert _money_m(row.group(5)) == pytest.approx(p["anchor_spend_region_2016"])
    assert _money_m(row.group(6)) == p["region_gain"]
    assert _money_m(row.group(7)) == p["anchor_spend_2016"]
    row = re.search(r"Preston City Council alone \| (\d+)% \(2012\) → (\d+)% \(2016\)", facts)
    assert float(row.group(2)) / 100 == pytest.approx(p["council_local_share_2016"])
    row = re.search(r"median hourly wages about \+(\d+)%", facts)
    assert float(row.group(1)) / 100 == pytest.approx(p["median_wage_change"])


def test_the_shipped_figures_are_what_the_command_wrote(figures):
    assert figures["seeds"]["root"] == story.ROOT
    assert figures["seeds"]["runs"] == story.RUNS
    assert story.COMMAND in figures["about"]
    assert figures["scenario"] == story.SCENARIO and figures["years"] == story.YEARS
    for kind in ("model", "price_only"):
        for rows in figures[kind].values():
            assert [r["runs"] for r in rows] == [story.RUNS] * story.YEARS
            for r in rows:
                assert r["low"] <= r["mean"] <= r["high"]
    # The model's procurement follows the reported path: £750m in 2012/13, about £617m
    # in 2016/17 (the back-cast's budget phase).
    assert figures["opening"]["anchor_spend"] == pytest.approx(story.PUBLISHED["anchor_spend_2012"])
    year4 = figures["model"]["anchor_spend"][-1]["mean"]
    assert year4 == pytest.approx(story.PUBLISHED["anchor_spend_2016"], rel=1e-3)


def test_the_shipped_figures_reproduce_within_their_seed_spread(figures):
    """Recompute with a few runs (same seeds and draws recipe) and compare with the shipped.

    Each mean must lie within 3 standard errors of the shipped one, the standard error
    of a difference of two means from the shipped runs' spread. The opening and the
    total procurement do not depend on the seed and must agree exactly.
    """
    again = story.compute(RECOMPUTE_RUNS, figures["seeds"]["root"])
    n, k = figures["seeds"]["runs"], RECOMPUTE_RUNS
    assert again["anchors"] == figures["anchors"]
    for key, value in figures["opening"].items():
        assert again["opening"][key] == pytest.approx(value, rel=1e-6, abs=1e-6)
    checked = [
        ("model", "anchor_spend_local"),
        ("model", "anchor_spend_region"),
        ("model", "local_share"),
        ("model", "council_local_share"),
        ("price_only", "local_share"),
        ("price_only", "anchor_spend_local"),
    ]
    for kind, measure in checked:
        for year in range(story.YEARS):
            shipped = figures[kind][measure][year]
            mean = again[kind][measure][year]["mean"]
            tolerance = STANDARD_ERRORS * shipped["sd"] * math.sqrt(1 / k + 1 / n)
            assert abs(mean - shipped["mean"]) <= tolerance, (
                f"{kind} {measure} year {year + 1}: recomputed {mean:.6g}, shipped "
                f"{shipped['mean']:.6g} +- {tolerance:.3g}; if the model changed, run {story.COMMAND}"
            )
    for kind in ("model", "price_only"):
        for year in range(story.YEARS):
            assert again[kind]["anchor_spend"][year]["mean"] == pytest.approx(
                figures[kind]["anchor_spend"][year]["mean"], rel=1e-6
            )
    shipped = figures["effect"]["anchor_spend_local"]
    tolerance = STANDARD_ERRORS * shipped["sd"] * math.sqrt(1 / k + 1 / n)
    assert abs(again["effect"]["anchor_spend_local"]["mean"] - shipped["mean"]) <= tolerance


def test_the_story_reads_its_numbers_from_the_figures(figures):
    words = story.words(figures)
    model4 = figures["model"]["anchor_spend_local"][-1]
    for value in (model4["mean"], model4["low"], model4["high"]):
        assert story.money(value) in words
    assert story.share(figures["price_only"]["local_share"][-1]["mean"]) in words
    assert story.money(figures["effect"]["anchor_spend_local"]["mean"], True) in words
    assert story.share(figures["model"]["council_local_share"][-1]["mean"]) in words
    # Change a figure: the words change with it.
    changed = json.loads(json.dumps(figures))
    changed["model"]["anchor_spend_local"][-1]["mean"] = 123.456e6
    assert "£123.5m" in story.words(changed) and "£123.5m" not in words
    # The published figures, in the registry's formats.
    for text in ("£750.0m", "5.0%", "39.0%", "£458.0m", "£112.3m", "+£74.0m", "£488.7m",
                 "+£200.0m", "18.2%", "79.2%", "£617.0m", "28.0%"):  # fmt: skip
        assert text in words, text
    assert f"{figures['seeds']['runs']} runs with the change" in words


def test_what_the_anchors_did_is_the_preston_scenario():
    plan, _ = load_scenario(story.ACTIONS)
    backcast_plan, _ = load_scenario(story.SCENARIO)
    done = story.actions()
    assert len(done) == len(plan.intervention)
    procurement = plan.intervention[0]
    # The story describes the settings the figures were run with.
    assert procurement.type == backcast_plan.intervention[0].type == "procurement_preference"
    for key in ("weight", "region_value", "retender_share", "start_year", "ramp_years"):
        assert getattr(procurement, key) == getattr(backcast_plan.intervention[0], key), key
    assert f"{procurement.retender_share:.0%} of expiring contracts" in done[0]
    wage = next(i for i in plan.intervention if i.type == "wage_floor")
    assert any(f"£{wage.hourly:.2f} an hour" in a for a in done)
    assert story.year_label(plan.start, 1) == "2013/14"
    assert story.year_label(plan.start, story.YEARS) == "2016/17"


def _assert_plain(text: str) -> None:
    """No code names, file paths, e-notation or missing values in what a person reads."""
    assert "_" not in text
    assert not re.search(r"\.(py|md|json|csv|toml)\b", text), text
    assert not re.search(r"\d[eE][+-]?\d", text)
    for bad in ("nan", "None", "inf", "cwbsim", "docs/", "tools/"):
        assert not re.search(rf"\b{re.escape(bad)}\b", text), bad
    for name in builtin_scenarios():
        assert name not in text, name


def test_the_words_have_no_code_names_or_paths(figures):
    _assert_plain(story.words(figures))
    _assert_plain(story.words(None))
    option = story.chart_option(figures)
    tips = [
        point["tooltip"]["formatter"]
        for series in option["series"]
        for point in series["data"]
        if isinstance(point, dict)
    ]
    names = [s["name"] for s in option["series"]] + option["legend"]["data"]
    described = option["aria"]["label"]["description"]
    assert story.share(figures["model"]["local_share"][-1]["mean"]) in described
    _assert_plain(" ".join([*tips, *names, option["yAxis"]["name"], story.CHART_TITLE, described]))


def test_the_chart_shows_shares_from_zero_published_against_the_model(figures):
    option = story.chart_option(figures)
    json.dumps(option)  # the browser receives it as JSON
    assert option["yAxis"]["min"] == 0
    assert option["xAxis"]["data"] == ["2012/13", "2013/14", "2014/15", "2015/16", "2016/17"]
    series = {s["name"]: s for s in option["series"]}

    def values(name):
        return [None if p is None else p["value"] for p in series[name]["data"]]

    assert values("Published") == [5.0, None, None, None, 18.2]
    model = values("Model with the change")
    assert model[-1] == pytest.approx(figures["model"]["local_share"][-1]["mean"] * 100, abs=0.01)
    low = series["Model: 90% range base"]["data"]
    width = series["Model: 90% of runs"]["data"]
    for y in range(1, 5):
        rows = figures["model"]["local_share"][y - 1]
        assert low[y] == pytest.approx(rows["low"] * 100, abs=0.01)
        assert low[y] + width[y] == pytest.approx(rows["high"] * 100, abs=0.02)
    assert values("Model, price only")[-1] < model[-1]
    for name in ("Published", "Model with the change", "Model, price only"):
        for point in series[name]["data"]:
            if point is not None:  # every tooltip gives % and £m
                assert re.search(r"\d%", point["tooltip"]["formatter"])
                assert re.search(r"£[\d,.]+m", point["tooltip"]["formatter"])


def test_unreadable_figures_are_one_line_errors(tmp_path):
    missing = tmp_path / "none.json"
    with pytest.raises(InputError, match=r"none\.json: missing .*story_figures\.py"):
        story.load(missing)
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(InputError, match=r"bad\.json: not readable JSON"):
        story.load(bad)
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"anchors": []}))
    with pytest.raises(InputError, match=r"partial\.json: key 'opening' missing"):
        story.load(partial)
    with pytest.raises(InputError) as caught:
        story.load(partial)
    assert "\n" not in str(caught.value)


def _render(on_explore, on_skip=None):
    import ipyvuetify as v

    _, rendered = solara.render(story.PrestonStory(on_explore, on_skip), handle_error=False)
    buttons = {
        cls: w
        for w in rendered.find(v.Btn).widgets
        for cls in ("cwb-story-skip", "cwb-story-explore")
        if cls in (w.class_ or "")
    }
    return rendered, buttons


def test_the_screen_renders_and_its_buttons_call_back(figures):
    calls = []
    rendered, buttons = _render(lambda: calls.append("explore"), lambda: calls.append("skip"))
    assert set(buttons) == {"cwb-story-skip", "cwb-story-explore"}
    buttons["cwb-story-skip"].fire_event("click", {})
    buttons["cwb-story-explore"].fire_event("click", {})
    assert calls == ["skip", "explore"]
    assert "Change the levers yourself" in buttons["cwb-story-explore"].children
    text = " ".join(w.unsafe_innerHTML for w in rendered.find(solara.widgets.HTML).widgets)
    assert story.money(figures["model"]["anchor_spend_local"][-1]["mean"]) in text
    (chart,) = rendered.find(EchartsWidget).widgets
    assert chart.option == story.chart_option(figures)
    calls.clear()
    _, buttons = _render(lambda: calls.append("explore"))
    buttons["cwb-story-skip"].fire_event("click", {})
    assert calls == ["explore"]  # with no skip callback, Skip goes to the levers too


def test_without_its_figures_the_screen_shows_the_published_story(monkeypatch):
    monkeypatch.setattr(story, "_figures", lambda: None)
    rendered, buttons = _render(lambda: None)
    assert set(buttons) == {"cwb-story-skip", "cwb-story-explore"}
    assert not rendered.find(EchartsWidget).widgets
    text = " ".join(w.unsafe_innerHTML for w in rendered.find(solara.widgets.HTML).widgets)
    assert "£112.3m" in text and "not available" in text
