"""The economy as a ``networkx.MultiDiGraph`` of standing relationships.

Nodes are agent indices (with ``kind``, ``tier`` and ``area``); each edge has
a ``channel`` and a ``share`` of the payer's outflow. Procurement edges are
keyed ``("contract", k)`` so re-tendered contracts can be moved in place. The
graph is built when first asked for (about a second for full-scale Preston)
and then kept in step with the edge arrays the fast engine uses.
"""

from __future__ import annotations

import networkx as nx

from cwbsim.model.codes import EDGE_CHANNELS, KINDS, TIER_NAMES
from cwbsim.model.state.structure import Economy


def build_graph(economy: Economy) -> nx.MultiDiGraph:
    """Build the relationship graph from the economy's edge arrays."""
    graph = nx.MultiDiGraph()
    kinds = [KINDS[k] for k in economy.kind.tolist()]
    tiers = [TIER_NAMES[t] for t in economy.tier.tolist()]
    areas = [economy.area_codes[a] for a in economy.area.tolist()]
    graph.add_nodes_from(
        (i, {"kind": kinds[i], "tier": tiers[i], "area": areas[i]}) for i in range(economy.n)
    )
    for i, name in economy.names.items():
        graph.nodes[i]["name"] = name
    for channel in EDGE_CHANNELS:
        if channel == "procurement":
            continue
        edges = economy.edges[channel]
        graph.add_edges_from(
            (u, v, {"channel": channel, "share": s})
            for u, v, s in zip(
                edges.payer.tolist(), edges.payee.tolist(), edges.share.tolist(), strict=True
            )
        )
    proc = economy.edges["procurement"]
    graph.add_edges_from(
        (u, v, ("contract", k), {"channel": "procurement", "share": s})
        for k, (u, v, s) in enumerate(
            zip(proc.payer.tolist(), proc.payee.tolist(), proc.share.tolist(), strict=True)
        )
    )
    return graph


def sync_channel(graph: nx.MultiDiGraph, economy: Economy, channel: str) -> None:
    """Replace all edges of ``channel`` with the economy's current edges of that channel."""
    stale = [(u, v, k) for u, v, k, c in graph.edges(keys=True, data="channel") if c == channel]
    graph.remove_edges_from(stale)
    edges = economy.edges[channel]
    triples = zip(edges.payer.tolist(), edges.payee.tolist(), edges.share.tolist(), strict=True)
    if channel == "procurement":
        graph.add_edges_from(
            (u, v, ("contract", k), {"channel": channel, "share": s})
            for k, (u, v, s) in enumerate(triples)
        )
    else:
        graph.add_edges_from((u, v, {"channel": channel, "share": s}) for u, v, s in triples)
