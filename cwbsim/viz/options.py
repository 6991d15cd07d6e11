"""The explorer's charts as ECharts options (drawn by the browser through ``solara.FigureEcharts``).

The server builds a small dictionary per chart and step (a few hundred numbers);
the browser draws it, with tooltips. ECharts is one of the packages
``cwbsim assets`` puts in Solara's offline cache.

Options are plain JSON: no JavaScript functions reach the browser. So every
tooltip is text written here, in the registry's formats
(:mod:`cwbsim.model.record.display`): money as £m a year with its share of the
relevant total in %, shares in % (their changes in percentage points), counts
as whole numbers with thousands separators. The Sankey's and the network's
nodes and links each carry their own ``tooltip.formatter`` string (ECharts uses
a data item's own tooltip when the tooltip is triggered by item); the time
series, triggered by axis, shows the text held as the ``name`` of the first
series' data item of the panel under the pointer (template ``{b0}``).

With no ``title`` the charts draw none (the page puts its heading above the
chart, where it wraps on a phone); the legend then sits at the top. Each chart
has a narrow layout for boxes under :data:`NARROW` px wide (ECharts ``media``
queries, re-checked whenever the chart is resized).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from cwbsim.model.record import display
from cwbsim.model.record.metrics import METRICS
from cwbsim.viz.flowdata import (
    ROOT,
    SANKEY_NODES,
    FlowNetwork,
    SankeyLinks,
    in_place,
)

NARROW = 600
"""Charts narrower than this (px) use their narrow layout (a phone is about 390 px)."""


def _media(wide: dict, narrow: dict) -> list[dict]:
    """ECharts media queries: ``narrow`` under :data:`NARROW` px, ``wide`` otherwise.

    ECharts re-checks them on every resize but never undoes a query's option by
    itself, so the wide layout is given too, as the default (no query).
    """
    return [{"option": wide}, {"query": {"maxWidth": NARROW}, "option": narrow}]


MONEY = "anchor_spend"
"""A money metric of the registry: every £ in these charts is shown in its format (£m)."""
SHARE = "local_share"
"""A share metric of the registry: every % in these charts is shown in its format."""

SERIES = (
    ("Share of anchor spend", (("local_share", "local"), ("region_share", "local + region"))),
    ("", (("lm3", "LM3"),)),
    ("", (("local_income", "local income"),)),
    ("", (("local_jobs", "local jobs"),)),
    ("", (("unemployment_rate", "unemployment"),)),
    ("", (("leakage", "leakage"),)),
)
"""Panels of the time-series chart: title (empty: the metric's short name from the
registry) and (metric, series name) pairs. Values are shown in the registry's units:
money as £m a year at the month's rate (the month's value times 12), shares in %."""

COLOURS = {"anchor": "#e7298a", "firm": "#1b9e77", "household": "#7570b3", "outside": "#999999"}
"""Colour of each kind of node in the network (from ColorBrewer's Dark2 palette)."""

KIND_NAMES = {
    "anchor": "Anchor institutions",
    "firm": "Firms by sector",
    "household": "Households",
    "outside": "Outside world",
}
"""The network legend's name of each kind of node."""

MIN_SPAN = 0.1
"""A panel's y-axis spans at least this share of its largest value, so a month's noise
is not drawn as a cliff (jobs going from 98,517 to 98,516 drew as a fall; LM3's axis ran
from 1.1739 to 1.1757)."""


def value_axis(values: list, kind: str, grid: int) -> dict:
    """A y-axis that never exaggerates noise, from the metric's display format.

    Shares start at 0. Other values span at least :data:`MIN_SPAN` of their largest
    value, around their middle (never below 0 if none is), with limits on round
    numbers and four or five ticks at a round interval (:func:`nice_interval`);
    counts get whole-number ticks.
    """
    axis: dict = {"type": "value", "gridIndex": grid}
    finite = [v for v in values if v is not None]
    if kind == "share" or not finite:
        axis["min"] = 0
        return axis
    lo, hi = min(finite), max(finite)
    span = max(hi - lo, MIN_SPAN * max(abs(lo), abs(hi)))
    if span == 0:
        axis["min"] = 0
        return axis
    middle = (lo + hi) / 2
    lo, hi = min(lo, middle - span / 2), max(hi, middle + span / 2)
    if min(finite) >= 0:
        lo = max(lo, 0.0)
    interval = nice_interval((hi - lo) / 4, whole=kind == "count")
    if interval < 1e-3:  # too small to draw in display units: let ECharts choose, from 0
        axis["min"] = 0
        return axis
    axis["min"] = _num(math.floor(lo / interval) * interval, 10)
    axis["max"] = _num(math.ceil(hi / interval) * interval, 10)
    axis["interval"] = _num(interval, 10)
    if kind == "count":
        axis["minInterval"] = 1
    return axis


def nice_interval(raw: float, whole: bool = False) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten at least ``raw`` (whole if asked)."""
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw * (1 - 1e-12))
    return max(1.0, float(math.ceil(step))) if whole else step


def _num(value: float, digits: int = 6) -> float:
    """A number for the option's JSON: rounded, and 0 below 0.0001 (JSON would write 1e-05)."""
    shown = round(float(value), digits)
    return 0.0 if abs(shown) < 1e-4 else shown


def _clean(values) -> list:
    return [None if v is None or not math.isfinite(v) else _num(v) for v in values]


def money(pounds_per_year: float) -> str:
    """£ per year as people read it: "£750.0m" (the registry's money format)."""
    return display.text(MONEY, pounds_per_year)


def percent(part: float, whole: float) -> str:
    """``part`` as a share of ``whole``: "5.1%"; "under 0.1%" for a small non-zero part."""
    if not whole:
        return display.text(SHARE, None)
    share = part / whole
    if 0 < share < 0.0005:
        return "under 0.1%"
    return display.text(SHARE, share)


def _change(metric: str, now: float | None, first: float | None) -> str:
    """The change of a panel's value since month 1: percentage points for shares, % otherwise."""
    if now is None or first is None or not (math.isfinite(now) and math.isfinite(first)):
        return "change since month 1: –"
    if METRICS[metric].format == "share":
        return "change since month 1: " + display.text(metric, now - first, difference=True)
    if not first:
        return "change since month 1: –"
    shown = display.text(SHARE, (now - first) / abs(first))
    sign = "+" if now > first and shown != "0.0%" else ""
    return f"change since month 1: {sign}{shown}"


def _panel_title(name: str, pairs: tuple) -> str:
    metric = pairs[0][0]
    unit = display.unit(metric)
    title = name or display.short(metric)
    return f"{title}, {unit}" if unit else title


def _panel_text(pairs: tuple, frame: pd.DataFrame, month: int) -> str:
    """The tooltip of one panel at one month (0-based): each metric as the registry shows it.

    Plain text with line breaks (ECharts escapes a ``{b0}`` template's text as HTML, so
    the tooltip's CSS keeps the breaks).
    """
    year, within = divmod(month, 12)
    lines = [f"Month {month + 1} (year {year + 1}, month {within + 1})"]
    for metric, _ in pairs:
        if metric not in frame:
            continue
        series = frame[metric].astype(float)
        now, first = series.iloc[month], series.iloc[0]
        now = None if not math.isfinite(now) else display.per_year(metric, now)
        first = None if not math.isfinite(first) else display.per_year(metric, first)
        rate = " a year at this month's rate" if METRICS[metric].format == "money" else ""
        shown = display.text(metric, now)
        lines.append(f"{display.label(metric)}: {shown}{rate} ({_change(metric, now, first)})")
    return "\n".join(lines)


PANEL_TITLE = 24
"""Room for a panel's title above its grid, px."""
PANEL_AXIS = 44
"""Room below a panel's grid for the month axis's name and a gap, px."""


def _grid_layout(
    columns: int, top: float, height: int, axis: int = PANEL_AXIS, count: int = len(SERIES)
) -> tuple[list, list]:
    """Grids and panel titles of ``count`` small panels in ``columns`` columns.

    ``top`` is the room above the first row (title and legend), px, and ``height``
    the chart's height, px, and ``axis`` the room below each grid, px; positions
    are in % of the chart, so the panels scale with it.
    """
    rows = math.ceil(count / columns)
    width = 100 / columns
    row = (100 - 100 * top / height) / rows
    title, axis = 100 * PANEL_TITLE / height, 100 * axis / height
    grids, titles = [], []
    for i in range(count):
        r, c = divmod(i, columns)
        left = c * width
        panel_top = 100 * top / height + r * row
        grids.append({"left": f"{_num(left + 1, 2)}%", "top": f"{_num(panel_top + title, 2)}%",
                      "width": f"{_num(width - 4, 2)}%",
                      "height": f"{_num(row - title - axis, 2)}%", "containLabel": True})  # fmt: skip
        titles.append({"left": f"{_num(left + width / 2, 2)}%", "top": f"{_num(panel_top, 2)}%"})
    return grids, titles


def timeseries_option(frame: pd.DataFrame, title: str | None, height: int = 520) -> dict:
    """Six small line charts over the months run (3 columns, 2 on a narrow screen).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per month run, one column per metric of the registry (money £ per month).
    title : str or None
        The chart's title; empty or ``None`` draws none.
    height : int
        The chart's height in the page, px (the panels' titles and axes keep their room).

    Values are in the registry's display units: money £m a year at each month's
    rate, shares %, counts whole. The tooltip of a panel names each metric in
    full with its value and its change since month 1 (percentage points for
    shares, % otherwise).
    """
    months = list(range(1, len(frame) + 1))
    top = 56 if title else 30
    grids, places = _grid_layout(3, top, height)
    narrow_grids, narrow_places = _grid_layout(2, top, height, axis=PANEL_AXIS - 20)
    xs, ys, titles, series = [], [], [], []
    for i, (name, pairs) in enumerate(SERIES):
        titles.append({"text": _panel_title(name, pairs), "textAlign": "center",
                       "textStyle": {"fontSize": 12, "fontWeight": "normal"}, **places[i]})  # fmt: skip
        xs.append({"type": "category", "data": months, "gridIndex": i, "name": "month",
                   "nameLocation": "middle", "nameGap": 22})  # fmt: skip
        texts = [_panel_text(pairs, frame, m) for m in range(len(frame))]
        shown = []
        for k, (metric, label) in enumerate(pairs):
            if metric in frame:
                per_year = [display.per_year(metric, v) for v in frame[metric].astype(float)]
                values = _clean([v * display.scale(metric) for v in per_year])
            else:
                values = []
            shown += values
            data = [{"value": v, "name": texts[m]} if k == 0 else v for m, v in enumerate(values)]
            series.append({"type": "line", "name": label, "xAxisIndex": i, "yAxisIndex": i,
                           "showSymbol": False, "data": data})  # fmt: skip
        ys.append(value_axis(shown, METRICS[pairs[0][0]].format, i))
    wide_titles, narrow_titles = list(places), list(narrow_places)
    if title:
        titles.insert(0, {"text": title, "left": "center", "textStyle": {"fontSize": 13}})
        wide_titles.insert(0, {})
        narrow_titles.insert(0, {})
    legend_top = 28 if title else 0
    return {
        "animation": False,
        "title": titles,
        "tooltip": {
            "trigger": "axis",
            "formatter": "{b0}",
            "confine": True,
            "extraCssText": "white-space: pre-line; max-width: 320px;",
        },
        "legend": {"data": [label for _, label in SERIES[0][1]], "top": legend_top, "left": 0},
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        "series": series,
        "media": _media(
            {"grid": grids, "title": wide_titles, "xAxis": [{"name": "month"} for _ in SERIES]},
            {
                "grid": narrow_grids,
                "title": narrow_titles,
                "xAxis": [{"name": ""} for _ in SERIES],  # no room for "month"
            },
        ),
    }


def _depths(links: list[tuple[str, str, float]]) -> dict[str, int]:
    """Each node's column: 0 for nodes nothing flows into, else one past its deepest source."""
    depth: dict[str, int] = {}
    names = list(dict.fromkeys([n for s, t, _ in links for n in (s, t)]))
    for _ in names:  # relax; the links form no cycle, so len(names) passes suffice
        changed = False
        for s, t, _ in links:
            d = depth.get(s, 0) + 1
            if depth.get(t, 0) < d:
                depth[t], changed = d, True
        if not changed:
            break
    return {n: depth.get(n, 0) for n in names}


SANKEY_COLOURS = {
    "root": "#5b6f8f",
    "local": "#1b9e77",
    "region": "#66c2a5",
    "leaves": "#9e9e9e",
}
"""Sankey node colours: the anchors' spending (slate), money reaching the place (green),
its region (light green), money leaving (grey)."""

_NODE_COLOUR = {
    ROOT: "root",
    "Procurement": "root",
    "Staff wages": "root",
    "Local suppliers": "local",
    "Local staff": "local",
    "Re-spent locally": "local",
    "Region suppliers": "region",
    "Region staff": "region",
}


def _share_of(node: str, links, inflow, outflow, places: dict[str, str]) -> str:
    """What a node's money is a share of, in words, for its tooltip.

    The first columns are shares of all anchor spending (and suppliers and staff of
    procurement and of wages); where local suppliers and staff pay it on is a share
    of all they received.
    """
    total = outflow.get(ROOT, 0.0)
    value = max(inflow.get(node, 0.0), outflow.get(node, 0.0))
    if node == ROOT:
        return f"{percent(value, value)} of what the anchors paid out"
    sources = [s for s, t, _ in links if t == node]
    if sources == [ROOT]:
        return f"{percent(value, total)} of all anchor spending"
    if len(sources) == 1 and sources[0] in ("Procurement", "Staff wages"):
        whole = "procurement" if sources[0] == "Procurement" else "staff wages"
        return (
            f"{percent(value, inflow[sources[0]])} of {whole}, "
            f"{percent(value, total)} of all anchor spending"
        )
    followed = {s for s, t, _ in links if s not in (ROOT, "Procurement", "Staff wages")}
    received = sum(inflow.get(s, 0.0) for s in followed)
    return f"{percent(value, received)} of what suppliers and staff in {places['local']} received"


def sankey_option(links: list[tuple[str, str, float]], title: str | None) -> dict:
    """A Sankey diagram of ``links`` (source, target, £ per year), labelled in £m.

    Parameters
    ----------
    links : list of (str, str, float)
        From :func:`cwbsim.viz.flowdata.sankey_links`; its ``places`` name the places
        in the labels and tooltips.
    title : str or None
        The chart's title; empty or ``None`` draws none.

    Each node is labelled with its plain name and £m a year, beside the node and
    off the flows (above the node in the inner columns, in the gaps between
    nodes; to the right of the last column), and explains itself in its tooltip
    with its share of the relevant total (procurement, staff wages, all anchor
    spending). Each link's tooltip gives £m a year and its share of its source.
    Node and link ``value`` are £m a year.
    """
    places = getattr(links, "places", SankeyLinks().places)
    names = list(dict.fromkeys([n for s, t, _ in links for n in (s, t)]))
    inflow = dict.fromkeys(names, 0.0)
    outflow = dict.fromkeys(names, 0.0)
    for s, t, v in links:
        outflow[s] += v
        inflow[t] += v
    depth = _depths(links)
    last = max(depth.values(), default=0)

    def label(node: str) -> str:
        return SANKEY_NODES.get(node, (node, ""))[0].format(**places)

    nodes = []
    for n in names:
        value = max(inflow[n], outflow[n])
        meaning = SANKEY_NODES.get(n, ("", ""))[1].format(**places)
        text = (
            f"<b>{html.escape(label(n))}</b>: {money(value)} a year "
            f"({html.escape(_share_of(n, links, inflow, outflow, places))})<br/>"
            f"{html.escape(meaning)}"
        )
        if n == "Procurement" and inflow.get(n):
            local = sum(v for s, t, v in links if s == n and t == "Local suppliers")
            region = local + sum(v for s, t, v in links if s == n and t == "Region suppliers")
            text += (
                f"<br/>Of it, {percent(local, value)} went to suppliers in "
                f"{html.escape(places['local'])} and {percent(region, value)} to suppliers in "
                f"{html.escape(places['around'])}."
            )
        outer = depth[n] == last
        if depth[n] == 0:  # the full height: its label runs up inside it
            place = {"position": "inside", "rotate": 90, "color": "#fff", "fontSize": 11,
                     "overflow": "none"}  # fmt: skip
        elif outer:
            place = {"position": "right"}
        else:  # above the node, in the gap between nodes, where no flow runs
            place = {"position": "top", "distance": 3}
        nodes.append(
            {
                "name": n,
                "value": _num(value / 1e6, 3),
                "itemStyle": {"color": SANKEY_COLOURS[_NODE_COLOUR.get(n, "leaves")]},
                "label": {"formatter": f"{label(n)} {money(value)}", **place},
                "tooltip": {"formatter": text},
            }
        )
    link_items = []
    for s, t, v in links:
        whole = outflow[s]
        if s == ROOT:
            of = "all anchor spending"
        elif s in ("Procurement", "Staff wages"):
            of = label(s).lower()
        else:
            of = f"what {label(s)[0].lower()}{label(s)[1:]} received"
        text = (
            f"{html.escape(label(s))} → {html.escape(label(t))}: {money(v)} a year "
            f"({percent(v, whole)} of {html.escape(of)})"
        )
        link_items.append(
            {"source": s, "target": t, "value": _num(v / 1e6, 3), "tooltip": {"formatter": text}}
        )
    top = 64 if title else 30
    wide = {
        "top": top,
        "right": 190,
        "nodeGap": 24,
        "label": {"fontSize": 11, "lineHeight": 14, "color": "#222", "width": None,
                  "overflow": "none"},
    }  # fmt: skip
    narrow = {"top": top + 14, "right": 70, "nodeGap": 48,
              "label": {"fontSize": 9, "lineHeight": 11, "width": 62, "overflow": "break"}}  # fmt: skip
    option: dict = {
        "animation": False,
        "tooltip": {
            "trigger": "item",
            "confine": True,
            "extraCssText": "white-space: normal; max-width: 320px;",
        },
        "series": [
            {
                "type": "sankey",
                "bottom": 10,
                "left": 10,
                "nodeAlign": "left",
                "nodeWidth": 14,
                "layoutIterations": 0,
                "emphasis": {"focus": "adjacency"},
                "data": nodes,
                "links": link_items,
                "lineStyle": {"color": "gradient", "opacity": 0.35},
                **wide,
            }
        ],
        "media": _media({"series": [wide]}, {"series": [narrow]}),
    }
    if title:
        option["title"] = {"text": title, "left": "center", "textStyle": {"fontSize": 13}}
    return option


def _columns(network: FlowNetwork) -> list[str]:
    places = network.places
    return [
        "Anchor institutions",
        f"In {places['local']}",
        f"In {places['region']}",
        "Elsewhere",
    ]


def network_layout(network: FlowNetwork) -> dict[str, tuple[int, float]]:
    """Each node's (column, height from 0 at the top to 1 at the bottom).

    Columns: anchors; firms and households of the place; of its region; firms and
    households elsewhere with the outside world. Within a column, firms by sector,
    then households, then the outside world, evenly spaced.
    """
    graph = network.graph
    tiers = {"local": 1, "region": 2}
    columns: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        column = 0 if data["kind"] == "anchor" else tiers.get(data["tier"], 3)
        columns.setdefault(column, []).append(node)
    order = {"anchor": 0, "firm": 1, "household": 2, "outside": 3}
    position = {}
    for column, nodes in columns.items():
        nodes.sort(key=lambda n: order[graph.nodes[n]["kind"]])  # stable: sectors stay in order
        for i, node in enumerate(nodes):
            position[node] = (column, (i + 0.5) / len(nodes))
    return position


def _in_sentence(network: FlowNetwork, node: str, first: bool = False) -> str:
    """A node's name inside a sentence ("the outside world"; "The outside world" first)."""
    if network.graph.nodes[node]["kind"] != "outside":
        return node
    return "The outside world" if first else "the outside world"


def _plural(network: FlowNetwork, node: str) -> bool:
    return network.graph.nodes[node]["kind"] in ("firm", "household")


def flow_text(network: FlowNetwork, payer: str, payee: str, paid: float) -> str:
    """A flow's tooltip: "X pays Y £Nm a year (P% of its spending)", as HTML.

    ``paid`` is the payer's total outflow this month, £ (the flow's share is of it).
    """
    amount = network.graph.edges[payer, payee]["amount"]
    plural = _plural(network, payer)
    return (
        f"{html.escape(_in_sentence(network, payer, first=True))} {'pay' if plural else 'pays'} "
        f"{html.escape(_in_sentence(network, payee))} {money(12 * amount)} a year "
        f"({percent(amount, paid)} of {'their' if plural else 'its'} spending)"
        "<br/>This month's payment × 12."
    )


def _node_text(network: FlowNetwork, node: str, receipts: dict, payments: dict) -> str:
    graph, places = network.graph, network.places
    data = graph.nodes[node]
    where = in_place(places.get(data["tier"], places["outside"]))
    meaning = {
        "anchor": "An anchor institution.",
        "firm": f"Firms of this sector based {where}."
        if data["tier"] != "outside"
        else f"Firms based {where}.",
        "household": f"Households living {where}.",
        "outside": "Everyone outside the model: tax, imports, savings and profits to owners "
        "elsewhere go here; anchor funding, benefits, pensions and export demand come from here.",
    }[data["kind"]]
    within = graph.edges[node, node]["amount"] if graph.has_edge(node, node) else 0.0
    text = (
        f"<b>{html.escape(node)}</b><br/>{html.escape(meaning)}<br/>"
        f"Received: {money(12 * receipts[node])} a year "
        f"({percent(receipts[node], network.total)} of all payments this month).<br/>"
        f"Paid out: {money(12 * payments[node])} a year."
    )
    if within:
        text += f" Of this, {money(12 * within)} a year among themselves."
    return text + "<br/>This month's payments × 12."


def network_option(network: FlowNetwork, title: str | None, edges: int = 80) -> dict:
    """The aggregated network: nodes by kind and place, the widest flows as arrows.

    Parameters
    ----------
    network : FlowNetwork
        From :func:`cwbsim.viz.flowdata.flow_network` (£ per month).
    title : str or None
        The chart's title; empty or ``None`` draws none.
    edges : int
        How many of the widest flows between different nodes to draw.

    Nodes sit in columns (anchors, the place, its region, elsewhere), coloured
    by kind with a legend, sized by receipts. Edges point from payer to payee
    (arrows), coloured as their payer, wider and darker as they carry more. The
    layout is a hidden cartesian grid (columns as categories), so it stretches
    to any box; on a narrow box the node labels are left to the tooltips. Link
    ``value`` is £m this month; tooltips say £m a year (the month's payment
    times 12) and the share of the payer's spending.
    """
    graph = network.graph
    flows = [(u, v) for u, v in graph.edges if u != v]
    top = sorted(flows, key=lambda e: graph.edges[e]["amount"], reverse=True)[:edges]
    widest = max((graph.edges[e]["amount"] for e in top), default=1.0) or 1.0
    receipts = {n: graph.in_degree(n, weight="amount") for n in graph.nodes}
    payments = {n: graph.out_degree(n, weight="amount") for n in graph.nodes}
    largest = max(receipts.values(), default=1.0) or 1.0
    position = network_layout(network)
    kinds = list(KIND_NAMES)
    nodes = [
        {
            "name": n,
            "value": [position[n][0], _num(position[n][1], 4)],
            "category": kinds.index(graph.nodes[n]["kind"]),
            "symbolSize": _num(6 + 22 * np.sqrt(receipts[n] / largest), 1),
            "label": {"formatter": graph.nodes[n].get("label", n)},
            "tooltip": {"formatter": _node_text(network, n, receipts, payments)},
        }
        for n in graph.nodes
    ]
    links = []
    for u, v in top:
        amount = graph.edges[u, v]["amount"]
        weight = float(np.sqrt(amount / widest))
        width = _num(0.6 + 6 * weight, 2)
        text = flow_text(network, u, v, payments[u])
        links.append(
            {
                "source": u,
                "target": v,
                "value": _num(amount / 1e6, 3),
                "symbolSize": [0, _num(5 + 1.5 * width, 1)],
                "lineStyle": {
                    "width": width,
                    "color": COLOURS[graph.nodes[u]["kind"]],
                    "opacity": _num(0.25 + 0.5 * weight, 2),
                },
                "tooltip": {"formatter": text},
            }
        )
    note = (
        f"The widest {len(top)} of {len(flows):,} flows, with arrows from payer to payee. "
        "Point at or tap a node or a flow for its numbers."
    )
    legend_top = 30 if title else 0
    grid = {"left": 10, "right": 10, "top": legend_top + 56, "bottom": 52}
    option: dict = {
        "animation": False,
        "tooltip": {
            "trigger": "item",
            "confine": True,
            "extraCssText": "white-space: normal; max-width: 320px;",
        },
        "legend": {
            "data": [KIND_NAMES[k] for k in kinds],
            "top": legend_top,
            "left": "center",
            "itemGap": 10,
            "textStyle": {"fontSize": 12},
        },
        "grid": grid,
        "xAxis": {
            "type": "category",
            "data": _columns(network),
            "position": "top",
            "axisLine": {"show": False},
            "axisTick": {"show": False},
            "axisLabel": {"interval": 0, "fontWeight": "bold", "color": "#333", "fontSize": 12},
        },
        "yAxis": {"type": "value", "min": 0, "max": 1, "inverse": True, "show": False},
        "graphic": [
            {
                "type": "text",
                "id": "note",
                "left": 10,
                "bottom": 6,
                "style": {
                    "text": note,
                    "fill": "#555",
                    "fontSize": 10,
                    "lineHeight": 13,
                    "width": 280,  # fits a phone; ECharts drops it if a media query changes it
                    "overflow": "break",
                },
            }
        ],
        "series": [
            {
                "type": "graph",
                "coordinateSystem": "cartesian2d",
                "categories": [
                    {"name": KIND_NAMES[k], "itemStyle": {"color": COLOURS[k]}} for k in kinds
                ],
                "label": {
                    "show": True,
                    "position": "right",
                    "fontSize": 9,
                    "width": 150,
                    "overflow": "truncate",
                    "color": "#222",
                    "textBorderColor": "#fff",
                    "textBorderWidth": 2,
                },
                "lineStyle": {"curveness": 0.15},
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": [0, 8],
                "emphasis": {"focus": "adjacency", "lineStyle": {"opacity": 0.9}},
                "data": nodes,
                "links": links,
            }
        ],
        "media": _media(
            {
                "legend": {"itemGap": 10, "textStyle": {"fontSize": 12}},
                "grid": grid,
                "xAxis": {
                    "axisLabel": {
                        "fontSize": 12,
                        "lineHeight": 16,
                        "width": None,
                        "overflow": "none",
                    }
                },
                "series": [{"label": {"show": True}}],
            },
            {
                "legend": {"itemGap": 6, "textStyle": {"fontSize": 10}},
                "grid": {**grid, "left": 4, "right": 4, "top": legend_top + 96},
                "xAxis": {
                    "axisLabel": {
                        "fontSize": 10,
                        "lineHeight": 13,
                        "width": 70,
                        "overflow": "break",
                    }
                },
                "series": [{"label": {"show": False}}],
            },
        ),
    }
    if title:
        option["title"] = {
            "text": f"{title} (widest {len(top)} of {len(flows):,} flows)",
            "left": "center",
            "textStyle": {"fontSize": 13},
        }
    return option
