"""The app's charts, drawn with matplotlib's object API (no pyplot: safe in server threads).

Each function returns PNG bytes, so the page can cache a chart by the step it
shows and the browser receives a small image rather than thousands of SVG nodes.
"""

from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from cwbsim.viz.flowdata import FlowNetwork

SERIES = (
    (
        "Share of anchor spend",
        (("local_share", "local"), ("region_share", "local + region")),
        100,
        "%",
    ),
    ("LM3", (("lm3", "LM3"),), 1, "ratio"),
    ("Local income", (("local_income", "households"),), 1e-6, "£m per month"),
    ("Local jobs", (("local_jobs", "jobs"),), 1, "jobs"),
    ("Unemployment", (("unemployment_rate", "rate"),), 100, "%"),
    ("Leakage", (("leakage", "all channels"),), 1e-6, "£m per month"),
)
"""Panels of the time-series chart: title, (metric, legend) pairs, scale, unit."""


def png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def timeseries_png(frame: pd.DataFrame, title: str) -> bytes:
    """Six panels over the months run: shares, LM3, local income, jobs, unemployment, leakage."""
    fig = Figure(figsize=(11, 5.6), layout="constrained")
    axes = fig.subplots(2, 3).ravel()
    months = np.arange(1, len(frame) + 1)
    for ax, (name, series, scale, unit) in zip(axes, SERIES, strict=True):
        for metric, legend in series:
            if metric in frame and len(frame):
                ax.plot(months, frame[metric].astype(float) * scale, label=legend, lw=1.6)
        ax.set_title(name, fontsize=10)
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        if len(series) > 1 and len(frame):
            ax.legend(fontsize=8, loc="best")
    for ax in axes[3:]:
        ax.set_xlabel("month", fontsize=8)
    fig.suptitle(title, fontsize=11)
    return png(fig)


def _band(ax, x0, x1, y0a, y0b, y1a, y1b, colour) -> None:
    """A Sankey band from the span (y0a, y0b) at x0 to the span (y1a, y1b) at x1."""
    mid = (x0 + x1) / 2
    vertices = [
        (x0, y0a), (mid, y0a), (mid, y1a), (x1, y1a),
        (x1, y1b), (mid, y1b), (mid, y0b), (x0, y0b), (x0, y0a),
    ]  # fmt: skip
    codes = [MplPath.MOVETO, *[MplPath.CURVE4] * 3, MplPath.LINETO, *[MplPath.CURVE4] * 3]
    codes.append(MplPath.CLOSEPOLY)
    ax.add_patch(PathPatch(MplPath(vertices, codes), facecolor=colour, alpha=0.45, lw=0))


def sankey_png(links: list[tuple[str, str, float]], title: str) -> bytes:
    """A three-column Sankey diagram of ``links`` (source, target, £ per year)."""
    fig = Figure(figsize=(11, 5.6), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    if not links:
        ax.text(0.5, 0.5, "Step the model to see where the money goes", ha="center")
        return png(fig)
    sources = {s for s, _, _ in links}
    column = {"Anchor spend": 0}
    for s, t, _ in links:
        column.setdefault(t, column.get(s, 0) + 1)
    size: dict[str, float] = {}
    for _, t, v in links:
        size[t] = size.get(t, 0.0) + v
    size["Anchor spend"] = sum(v for s, _, v in links if s == "Anchor spend")
    total = size["Anchor spend"]
    gap = 0.02 * total
    top: dict[str, float] = {}
    for c in range(3):
        y = 0.0
        nodes = [n for n in size if column.get(n) == c]
        nodes.sort(key=lambda n: (n not in sources, -size[n]))
        for node in nodes:
            top[node] = y
            y += size[node] + gap
    palette = {"Local": "#1b9e77", "Re-spent": "#1b9e77", "Region": "#7570b3"}
    width = 0.06
    out_used = dict.fromkeys(size, 0.0)
    in_used = dict.fromkeys(size, 0.0)
    for s, t, v in sorted(links, key=lambda link: (top[link[0]], top[link[1]])):
        colour = next((c for k, c in palette.items() if t.startswith(k)), "#d95f02")
        y0 = top[s] + out_used[s]
        y1 = top[t] + in_used[t]
        _band(ax, column[s] + width, column[t], y0, y0 + v, y1, y1 + v, colour)
        out_used[s] += v
        in_used[t] += v
    for node, y in top.items():
        x = column[node]
        ax.add_patch(Rectangle((x, y), width, size[node], color="#444"))
        ax.text(x + width + 0.02, y + size[node] / 2,
                f"{node}  £{size[node] / 1e6:,.0f}m", va="center", fontsize=8)  # fmt: skip
    ax.set_xlim(-0.05, 2.9)
    ax.set_ylim(max(top[n] + size[n] for n in top) + gap, -gap)
    ax.set_title(title, fontsize=11)
    return png(fig)


TIER_X = {"local": 1.0, "region": 2.0, "outside": 3.0}


def _layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Columns: anchors, local, region, outside; households at the bottom of their column."""
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
            position[node] = (x, -i / max(len(nodes) - 1, 1))
    return position


def network_png(network: FlowNetwork, title: str, edges: int = 80) -> bytes:
    """The aggregated network: node size by throughput, edge width by £ per month (top edges)."""
    graph = network.graph
    fig = Figure(figsize=(11, 6.4), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    loops = [(u, v) for u, v in graph.edges if u != v]
    top = sorted(loops, key=lambda e: graph.edges[e]["amount"], reverse=True)[:edges]
    position = _layout(graph)
    amounts = np.array([graph.edges[e]["amount"] for e in top]) if top else np.zeros(1)
    widths = 0.3 + 8.0 * np.sqrt(amounts / amounts.max()) if top else []
    through = np.array([graph.in_degree(n, weight="amount") for n in graph.nodes])
    colours = {"anchor": "#e7298a", "firm": "#1b9e77", "household": "#7570b3", "outside": "#999"}
    nx.draw_networkx_edges(graph, position, edgelist=top, width=widths, alpha=0.35,
                           edge_color="#555", arrows=False, ax=ax)  # fmt: skip
    nx.draw_networkx_nodes(
        graph,
        position,
        node_size=30 + 900 * through / max(through.max(), 1e-9),
        node_color=[colours[graph.nodes[n]["kind"]] for n in graph.nodes],
        ax=ax,
    )
    labels = {n: n.replace(" firms ", " ").replace("households", "hh") for n in graph.nodes}
    nx.draw_networkx_labels(graph, position, labels=labels, font_size=6.5, ax=ax)
    ax.set_xlim(-0.6, 4.0)
    ax.set_title(f"{title} (widest {len(top)} of {len(loops)} flows)", fontsize=11)
    return png(fig)
