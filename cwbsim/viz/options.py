"""The explorer's charts as ECharts options (drawn by the browser through ``solara.FigureEcharts``).

The server builds a small dictionary per chart and step (a few hundred numbers);
the browser draws it, with tooltips. ECharts is one of the packages
``cwbsim assets`` puts in Solara's offline cache.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cwbsim.model.record.metrics import METRICS
from cwbsim.viz.flowdata import FlowNetwork

SERIES = (
    (
        "Share of anchor spend, %",
        (("local_share", "local"), ("region_share", "local + region")),
        100,
    ),
    ("LM3", (("lm3", "LM3"),), 1),
    ("Local income, £m per month", (("local_income", "local income"),), 1e-6),
    ("Local jobs", (("local_jobs", "local jobs"),), 1),
    ("Unemployment, %", (("unemployment_rate", "unemployment"),), 100),
    ("Leakage, £m per month", (("leakage", "leakage"),), 1e-6),
)
"""Panels of the time-series chart: title, (metric, series name) pairs, display scale."""

COLOURS = {"anchor": "#e7298a", "firm": "#1b9e77", "household": "#7570b3", "outside": "#999999"}


MIN_SPAN = 0.1
"""A panel's y-axis spans at least this share of its largest value, so a month's noise
is not drawn as a cliff (jobs going from 98,517 to 98,516 drew as a fall; LM3's axis ran
from 1.1739 to 1.1757)."""


def value_axis(values: list, kind: str, grid: int) -> dict:
    """A y-axis that never exaggerates noise, from the metric's display format.

    Shares start at 0. Other values span at least :data:`MIN_SPAN` of their largest
    value, around their middle (never below 0 if none is), with limits on round
    numbers; counts get whole-number ticks.
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
    step = 10 ** math.floor(math.log10(span / 5))
    axis["min"] = round(math.floor(lo / step) * step, 10)
    axis["max"] = round(math.ceil(hi / step) * step, 10)
    if kind == "count":
        axis["minInterval"] = 1
    return axis


def _clean(values) -> list:
    return [None if v is None or not math.isfinite(v) else round(float(v), 6) for v in values]


def timeseries_option(frame: pd.DataFrame, title: str) -> dict:
    """Six small line charts over the months run (2 rows x 3 columns)."""
    months = list(range(1, len(frame) + 1))
    grids, xs, ys, titles, series = [], [], [], [], []
    for i, (name, pairs, scale) in enumerate(SERIES):
        row, col = divmod(i, 3)
        left, top = 5 + col * 33, 14 + row * 44
        grids.append({"left": f"{left}%", "top": f"{top}%", "width": "25%", "height": "28%",
                      "containLabel": True})  # fmt: skip
        titles.append({"text": name, "left": f"{left + 12}%", "top": f"{top - 6}%",
                       "textAlign": "center", "textStyle": {"fontSize": 12}})  # fmt: skip
        xs.append({"type": "category", "data": months, "gridIndex": i, "name": "month",
                   "nameLocation": "middle", "nameGap": 22})  # fmt: skip
        shown = []
        for metric, label in pairs:
            values = frame[metric].astype(float) * scale if metric in frame else []
            shown += _clean(values)
            series.append({"type": "line", "name": label, "xAxisIndex": i, "yAxisIndex": i,
                           "showSymbol": False, "data": _clean(values)})  # fmt: skip
        ys.append(value_axis(shown, METRICS[pairs[0][0]].format, i))
    titles.insert(0, {"text": title, "left": "center", "textStyle": {"fontSize": 13}})
    return {
        "animation": False,
        "title": titles,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["local", "local + region"], "top": "5%", "left": "2%"},
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        "series": series,
    }


def sankey_option(links: list[tuple[str, str, float]], title: str) -> dict:
    """A Sankey diagram of ``links`` (source, target, £ per year), labelled in £m."""
    names = list(dict.fromkeys([n for s, t, _ in links for n in (s, t)]))
    inflow = dict.fromkeys(names, 0.0)
    outflow = dict.fromkeys(names, 0.0)
    for s, t, v in links:
        outflow[s] += v
        inflow[t] += v
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "top": 40,
                "right": 150,
                "nodeAlign": "left",
                "layoutIterations": 0,
                "emphasis": {"focus": "adjacency"},
                "data": [
                    {"name": n, "value": round(max(inflow[n], outflow[n]) / 1e6, 1)} for n in names
                ],
                "links": [
                    {"source": s, "target": t, "value": round(v / 1e6, 3)} for s, t, v in links
                ],
                "lineStyle": {"color": "gradient", "opacity": 0.4},
                "label": {"formatter": "{b}: £{c}m"},
            }
        ],
    }


TIER_X = {"local": 1.0, "region": 2.0, "outside": 3.0}


def network_layout(network: FlowNetwork) -> dict[str, tuple[float, float]]:
    """Columns: anchors, local, region, outside, the outside world; households at the bottom."""
    graph = network.graph
    columns: dict[float, list[str]] = {}
    for node, data in graph.nodes(data=True):
        x = 0.0 if data["kind"] == "anchor" else TIER_X.get(data["tier"], 3.0)
        if node == "Outside world":
            x = 3.6
        columns.setdefault(x, []).append(node)
    position = {}
    for x, nodes in columns.items():
        nodes.sort(key=lambda n: (graph.nodes[n]["kind"] == "household", n))
        for i, node in enumerate(nodes):
            position[node] = (x * 250.0, 600.0 * i / max(len(nodes) - 1, 1))
    return position


def network_option(network: FlowNetwork, title: str, edges: int = 80) -> dict:
    """The aggregated network: node size by receipts, edge width by £ this month (widest edges)."""
    graph = network.graph
    flows = [(u, v) for u, v in graph.edges if u != v]
    top = sorted(flows, key=lambda e: graph.edges[e]["amount"], reverse=True)[:edges]
    widest = max((graph.edges[e]["amount"] for e in top), default=1.0) or 1.0
    receipts = {n: graph.in_degree(n, weight="amount") for n in graph.nodes}
    largest = max(receipts.values(), default=1.0) or 1.0
    position = network_layout(network)
    nodes = [
        {
            "name": n,
            "x": position[n][0],
            "y": position[n][1],
            "symbolSize": float(6 + 24 * np.sqrt(receipts[n] / largest)),
            "itemStyle": {"color": COLOURS[graph.nodes[n]["kind"]]},
            "label": {"position": "left" if graph.nodes[n]["kind"] == "anchor" else "right"},
            "value": round(receipts[n] / 1e6, 3),
        }
        for n in graph.nodes
    ]
    links = [
        {
            "source": u,
            "target": v,
            "value": round(graph.edges[u, v]["amount"] / 1e6, 3),
            "lineStyle": {"width": float(0.5 + 9 * np.sqrt(graph.edges[u, v]["amount"] / widest))},
        }
        for u, v in top
    ]
    return {
        "animation": False,
        "title": {
            "text": f"{title} (widest {len(top)} of {len(flows)} flows)",
            "left": "center",
            "textStyle": {"fontSize": 13},
        },
        "tooltip": {"formatter": "{b}: £{c}m"},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "top": 50,
                "left": 230,
                "right": 90,
                "bottom": 20,
                "roam": True,
                "label": {"show": True, "position": "right", "fontSize": 8},
                "lineStyle": {"color": "#666", "opacity": 0.35, "curveness": 0.1},
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 5,
                "data": nodes,
                "links": links,
            }
        ],
    }
