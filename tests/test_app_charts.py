"""The Explore view's charts as a strategist reads them (issue 16): names, tooltips, units.

The options are checked as the browser receives them (plain JSON): the Sankey shows
procurement and staff apart from other spending and explains every node; the network
names sectors and places, shows the kinds of node in a legend and points its flows
from payer to payee; every tooltip gives £m and %; nothing is in e-notation.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from cwbsim.model.codes import ANCHOR, CHANNELS, FIRM, LOCAL, N_TIERS, REGION, group_of
from cwbsim.model.record import display
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.types import SECTION_NAMES
from cwbsim.viz import flowdata, options
from cwbsim.viz.explorer import ExplorerEconomy

MONEY = re.compile(r"£[\d,]+\.\dm")
"""£m as the registry writes it: "£750.0m", "£1,755.0m"."""
PERCENT = re.compile(r"(?:under )?\d[\d,]*\.\d%")
E_NOTATION = re.compile(r"(?<![\w#.])\d+(?:\.\d+)?[eE][+-]?\d+(?!\w)")
"""A number in e-notation ("1e-05", "7.5e+08"), not a colour such as "#1b9e77"."""
BARE = re.compile(r"\d\.\d{3,}")
"""A number with three or more decimals ("457.598"): never in text people read."""


@pytest.fixture(scope="module")
def preston():
    """The app's default model (Preston, the CLES scenario), four months run."""
    model = ExplorerEconomy()
    for _ in range(4):
        model.step()
    return model


@pytest.fixture(scope="module")
def charts(preston):
    """The three options without a title (as the page asks for them) and with one."""
    frame = pd.DataFrame(preston.recorder.values)
    links = flowdata.sankey_links(preston)
    network = flowdata.flow_network(preston)
    built = {}
    for title in ("", None, "A title"):
        built[title] = {
            "timeseries": options.timeseries_option(frame, title),
            "sankey": options.sankey_option(links, title),
            "network": options.network_option(network, title),
        }
    return {"links": links, "network": network, "frame": frame, "options": built}


def _tooltips(option: dict) -> list[str]:
    series = option["series"][0]
    items = series["data"] + series.get("links", [])
    return [item["tooltip"]["formatter"] for item in items]


def test_sankey_shows_procurement_and_staff_apart_from_other_spending(preston, charts):
    links = charts["links"]
    ledger, used = flowdata.window_ledger(preston)
    anchors = [int(group_of(ANCHOR, t)) for t in range(N_TIERS)]
    paid = {c: ledger[i, anchors, :].sum() for i, c in enumerate(CHANNELS)}
    purposes = {t: v for s, t, v in links if s == flowdata.ROOT}
    assert set(purposes) == {"Procurement", "Staff wages", "Other spending"}
    assert np.isclose(purposes["Procurement"], paid["procurement"], rtol=1e-12)
    assert np.isclose(purposes["Staff wages"], paid["wages"], rtol=1e-12)
    others = sum(v for c, v in paid.items() if c not in ("procurement", "wages"))
    assert np.isclose(purposes["Other spending"], others, rtol=1e-12)
    # the procurement subtotal is the figure strategists know: Preston's £750m
    budget = sum(a.income * a.procurement_share for a in preston.spec.anchors)
    assert budget == 750e6 and np.isclose(purposes["Procurement"], budget, rtol=1e-9)
    suppliers = {t: v for s, t, v in links if s == "Procurement"}
    assert set(suppliers) <= {"Local suppliers", "Region suppliers", "Outside suppliers"}
    assert np.isclose(sum(suppliers.values()), purposes["Procurement"], rtol=1e-12)
    local = ledger[CHANNELS.index("procurement"), anchors, int(group_of(FIRM, LOCAL))].sum()
    region = ledger[CHANNELS.index("procurement"), anchors, int(group_of(FIRM, REGION))].sum()
    assert np.isclose(suppliers["Local suppliers"], local, rtol=1e-12)
    assert np.isclose(suppliers["Region suppliers"], region, rtol=1e-12)
    staff = sum(v for s, _, v in links if s == "Staff wages")
    assert np.isclose(staff, purposes["Staff wages"], rtol=1e-12)
    assert not [t for s, t, _ in links if s == "Other spending"]  # it leaves the place
    assert used == 4


def test_every_sankey_node_is_labelled_in_pounds_and_explained(charts):
    sankey = charts["options"][""]["sankey"]["series"][0]
    procurement = next(n for n in sankey["data"] if n["name"] == "Procurement")
    assert procurement["label"]["formatter"] == "Procurement £750.0m"
    assert "of all anchor spending" in procurement["tooltip"]["formatter"]
    assert "went to suppliers in Preston" in procurement["tooltip"]["formatter"]
    staff = next(n for n in sankey["data"] if n["name"] == "Staff wages")
    assert "Wages the anchors pay their own staff." in staff["tooltip"]["formatter"]
    other = next(n for n in sankey["data"] if n["name"] == "Other spending")
    assert "neither contracts nor wages" in other["tooltip"]["formatter"]
    for node in sankey["data"]:
        _, meaning = flowdata.SANKEY_NODES[node["name"]]  # every node has its sentence
        text = node["tooltip"]["formatter"]
        assert meaning.format(**charts["links"].places) in text.replace("&#x27;", "'")
        assert MONEY.search(node["label"]["formatter"])
        assert "{" not in node["label"]["formatter"] and "Region" not in text
    names = {n["name"]: n for n in sankey["data"]}
    onward = [n["tooltip"]["formatter"] for n in sankey["data"] if "what suppliers and" in
              n["tooltip"]["formatter"]]  # fmt: skip
    shares = [float(re.search(r"\(([\d.]+)% of what suppliers", t).group(1)) for t in onward]
    assert len(shares) >= 4 and sum(shares) == pytest.approx(100, abs=0.1 * len(shares))
    assert "Preston" in names["Local suppliers"]["label"]["formatter"]
    assert "the rest of Lancashire" in names["Region suppliers"]["label"]["formatter"]


def test_sankey_labels_sit_beside_nodes_not_on_the_flows(charts):
    links = charts["links"]
    sankey = charts["options"][""]["sankey"]["series"][0]
    sources = {s for s, _, _ in links}
    targets = {t for _, t, _ in links}
    for node in sankey["data"]:
        position = node["label"]["position"]
        if node["name"] not in targets:  # the first column: inside its full-height bar
            assert position == "inside" and node["label"]["rotate"] == 90
        elif node["name"] in sources:  # inner columns: above the node, in the gap
            assert position == "top"
        else:  # ends of flows: in the margin to their right, or above a mid-column end
            assert position in ("right", "top")
    last = [n for n in sankey["data"] if n["name"] in ("Re-spent locally", "Tax", "Imports")]
    assert last and all(n["label"]["position"] == "right" for n in last)
    assert sankey["right"] >= 150 and sankey["nodeGap"] >= 20  # room for the labels


def test_every_tooltip_gives_pounds_and_percent(charts):
    option = charts["options"][""]
    texts = _tooltips(option["sankey"]) + _tooltips(option["network"])
    assert len(texts) > 60
    for text in texts:
        assert MONEY.search(text), text
        assert PERCENT.search(text), text
        assert not BARE.search(text), text
    frame = charts["frame"]
    series = option["timeseries"]["series"]
    for _, pairs in options.SERIES:
        first = next(s for s in series if s["name"] == pairs[0][1])
        for item in first["data"]:
            text = item["name"]
            assert text.startswith("Month ") and not BARE.search(text), text
            for metric, _ in pairs:
                assert display.label(metric) in text
            kind = METRICS[pairs[0][0]].format
            if kind == "money":
                assert MONEY.search(text) and "a year" in text and PERCENT.search(text), text
            elif kind == "share":
                assert PERCENT.search(text) and " pp)" in text, text
            elif kind == "count":
                assert re.search(r": \d{1,3}(,\d{3})+ \(", text) and PERCENT.search(text), text
            else:
                assert PERCENT.search(text), text
    assert len(first["data"]) == len(frame)


def test_time_series_show_the_registry_units_and_axes_do_not_draw_noise(charts):
    frame = charts["frame"]
    option = charts["options"][""]["timeseries"]
    series = {s["name"]: s for s in option["series"]}
    income = [d["value"] for d in series["local income"]["data"]]
    expected = [display.per_year("local_income", v) * 1e-6 for v in frame["local_income"]]
    assert income == pytest.approx(expected, rel=1e-6)  # £m a year, as the cards show
    share = [d["value"] for d in series["local"]["data"]]
    assert share == pytest.approx(list(frame["local_share"] * 100), rel=1e-6)
    titles = [t["text"] for t in option["title"]]
    assert "Local income, £m a year" in titles and "Unemployment, %" in titles
    for axis in option["yAxis"]:
        assert axis["min"] >= 0
        if "interval" in axis:  # round limits, four to six ticks
            ticks = (axis["max"] - axis["min"]) / axis["interval"]
            assert ticks == pytest.approx(round(ticks)) and 2 <= round(ticks) <= 8
            assert axis["max"] - axis["min"] >= 0.1 * axis["max"]


def test_network_names_sectors_and_places_and_shows_kinds_in_a_legend(charts):
    network = charts["network"]
    option = charts["options"][""]["network"]
    graph = option["series"][0]
    names = [n["name"] for n in graph["data"]]
    assert not [n for n in names if re.search(r"firms [A-U]$|^(Local|Region|Outside) firms", n)]
    firms = [n for n in network.graph.nodes if network.graph.nodes[n]["kind"] == "firm"]
    sectors = set(SECTION_NAMES.values())
    labelled = {n["name"]: n["label"]["formatter"] for n in graph["data"]}
    in_sector = [n for n in firms if labelled[n] in sectors]
    assert len(in_sector) >= 30  # local and region firms, by sector
    assert "Construction (firms in Preston)" in names
    assert "Construction (firms in the rest of Lancashire)" in names
    assert "Households in Preston" in names
    kinds = [c["name"] for c in graph["categories"]]
    assert option["legend"]["data"] == kinds == list(options.KIND_NAMES.values())
    for node in graph["data"]:
        kind = network.graph.nodes[node["name"]]["kind"]
        assert kinds[node["category"]] == options.KIND_NAMES[kind]
    colours = [c["itemStyle"]["color"] for c in graph["categories"]]
    assert len(set(colours)) == 4
    assert option["xAxis"]["data"][1:3] == ["In Preston", "In the rest of Lancashire"]


def test_network_flows_point_from_payer_to_payee_sized_by_money(charts):
    network = charts["network"]
    graph = charts["options"][""]["network"]["series"][0]
    assert graph["edgeSymbol"] == ["none", "arrow"]
    links = graph["links"]
    assert len(links) == 80
    for link in links:
        u, v = link["source"], link["target"]
        text = link["tooltip"]["formatter"].replace("&#x27;", "'")
        payer = "The outside world" if u == flowdata.OUTSIDE_WORLD else u
        payee = "the outside world" if v == flowdata.OUTSIDE_WORLD else v
        assert re.match(
            rf"{re.escape(payer)} pays? {re.escape(payee)} £[\d,]+\.\dm a year \(", text
        )
        assert re.search(r"\(\d[\d,]*\.\d% of (its|their) spending\)", text)
        amount = network.graph.edges[u, v]["amount"]
        assert link["value"] == pytest.approx(amount / 1e6, abs=1e-3)
        assert link["lineStyle"]["color"] == options.COLOURS[network.graph.nodes[u]["kind"]]
    widths = [link["lineStyle"]["width"] for link in sorted(links, key=lambda x: x["value"])]
    assert widths == sorted(widths) and widths[-1] > 3 * widths[0]  # sized by the money
    assert len({link["lineStyle"]["color"] for link in links}) >= 3  # not all one grey
    paid = sum(
        d["amount"] for _, _, d in network.graph.out_edges("Households in Preston", data=True)
    )
    first = next(link for link in links if link["source"] == "Households in Preston")
    share = network.graph.edges["Households in Preston", first["target"]]["amount"] / paid
    assert (
        f"({display.text('local_share', share)} of their spending)" in first["tooltip"]["formatter"]
    )


def test_the_network_fits_a_narrow_box(charts):
    option = charts["options"][""]["network"]
    graph = option["series"][0]
    # a hidden cartesian grid stretches to the box (a 'view' keeps its aspect ratio and
    # squashed into a grey bar on a phone), and nothing pans the page away on a phone
    assert graph["coordinateSystem"] == "cartesian2d" and not graph.get("roam")
    assert option["yAxis"]["show"] is False and option["xAxis"]["type"] == "category"
    wide, narrow = option["media"]
    assert narrow["query"] == {"maxWidth": options.NARROW} and options.NARROW < 768
    assert narrow["option"]["series"][0]["label"]["show"] is False
    assert narrow["option"]["xAxis"]["axisLabel"]["overflow"] == "break"
    # ECharts never undoes a media query by itself: the default restores the wide layout
    assert "query" not in wide and wide["option"]["series"][0]["label"]["show"] is True
    assert wide["option"]["grid"] == option["grid"]
    for chart in ("timeseries", "sankey"):
        wide, narrow = charts["options"][""][chart]["media"]
        assert "query" not in wide and narrow["query"] == {"maxWidth": options.NARROW}
        assert set(wide["option"]) == set(narrow["option"])


def test_options_are_plain_json_with_no_e_notation_and_no_title_unless_asked(charts):
    found = [E_NOTATION.search(t) for t in ("[7.5e+08]", '{"a": 1e-05}', '"#9e9e9e"', '"#1b9e77"')]
    assert [bool(f) for f in found] == [True, True, False, False]
    for title, built in charts["options"].items():
        for name, option in built.items():
            text = json.dumps(option, allow_nan=False)  # plain JSON for the browser
            assert not E_NOTATION.search(text), (name, E_NOTATION.search(text))
            if title:
                assert "A title" in text
            else:
                assert "A title" not in text
                legend = option.get("legend", {"top": 0})
                assert legend["top"] == 0  # at the very top, with nothing above it
    untitled = charts["options"][""]
    assert "title" not in untitled["sankey"] and "title" not in untitled["network"]
    panels = untitled["timeseries"]["title"]
    assert len(panels) == len(options.SERIES)  # the panels' own titles only
    titled = charts["options"]["A title"]
    assert titled["timeseries"]["legend"]["top"] > 0  # under the title
    assert titled["network"]["legend"]["top"] > 0
    assert titled["sankey"]["series"][0]["top"] > untitled["sankey"]["series"][0]["top"]


def test_tiny_and_huge_values_never_reach_the_json_in_e_notation():
    months = 3
    frame = pd.DataFrame(
        {
            "local_share": [1e-9, 2e-7, 0.0],
            "region_share": [0.5, 0.5, 0.5],
            "lm3": [1.0000001, 1.0, 1.0],
            "local_income": [1e-3, 2e-3, 1e14],
            "local_jobs": [1.0, 2.0, 3.0],
            "unemployment_rate": [float("nan"), 1e-12, 0.1],
            "leakage": [5e12, 5e12, 5e12],
        }
    )
    option = options.timeseries_option(frame, "")
    text = json.dumps(option, allow_nan=False)
    assert not E_NOTATION.search(text)
    unemployment = next(s for s in option["series"] if s["name"] == "unemployment")
    assert unemployment["data"][0]["value"] is None and len(unemployment["data"]) == months
    assert "Unemployment rate: – (change since month 1: –)" in unemployment["data"][0]["name"]
    assert options.percent(1.0, 10_000.0) == "under 0.1%"
    assert options.percent(1.0, 0.0) == "–"
    assert options.money(457_598_123.0) == "£457.6m"
