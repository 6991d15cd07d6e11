"""Money flows summarised for the app: where each £ of anchor spend goes, and the flow network.

Both read what the engine recorded; neither moves money. The Sankey sums the
ledger over the latest year (or the months run so far) and scales it to £ per
year. The network aggregates one step's agent-to-agent payments, as sparse
products of the channel matrices with an agent-to-node indicator matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from cwbsim.model.codes import (
    ANCHOR,
    CHANNELS,
    EDGE_CHANNELS,
    FIRM,
    HOUSEHOLD,
    KINDS,
    LEDGER_CHANNELS,
    LOCAL,
    N_GROUPS,
    N_TIERS,
    OUTSIDE,
    OUTSIDE_TIER,
    REGION,
    STEPS_PER_YEAR,
    TIER_NAMES,
    group_of,
    kind_of_group,
    tier_of_group,
)
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.spec.types import SECTIONS

ANCHOR_TARGETS = {
    ("procurement", FIRM, LOCAL): "Local suppliers",
    ("procurement", FIRM, REGION): "Region suppliers",
    ("wages", HOUSEHOLD, LOCAL): "Local staff",
    ("wages", HOUSEHOLD, REGION): "Region staff",
}
"""Stage-1 destinations by (channel, payee kind, payee tier); the rest are named below."""

LEAKAGE_NAMES = {
    "tax": "Tax",
    "wages": "Out-of-area wages",
    "profit": "Profit out",
    "savings": "Savings",
    "procurement": "Imports",
    "inputs": "Imports",
    "consumption": "Imports",
    "other": "Other out",
}
"""Stage-2 leakage by channel (paid to non-local agents or the outside)."""

RESPENT = "Re-spent locally"


def _is_local(group: int) -> bool:
    return tier_of_group(group) == LOCAL and kind_of_group(group) != OUTSIDE


def window_ledger(model: LocalEconomy, months: int = STEPS_PER_YEAR) -> tuple[np.ndarray, int]:
    """The ledger summed over the latest ``months`` steps, £ per year, and the months used."""
    ledgers = model.recorder.ledgers[-months:]
    if not ledgers:
        return np.zeros((len(LEDGER_CHANNELS), N_GROUPS, N_GROUPS)), 0
    return np.sum(ledgers, axis=0) * (STEPS_PER_YEAR / len(ledgers)), len(ledgers)


def _stage_one(ledger: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    for c, channel in enumerate(CHANNELS):
        for payer_tier in range(N_TIERS):
            for payee in range(N_GROUPS):
                value = ledger[c, group_of(ANCHOR, payer_tier), payee]
                if value == 0:
                    continue
                kind, tier = int(kind_of_group(payee)), int(tier_of_group(payee))
                name = ANCHOR_TARGETS.get((channel, kind, tier))
                if name is None:
                    if channel == "procurement":
                        name = "Outside suppliers"
                    elif channel == "wages":
                        name = "Staff living outside"
                    else:
                        name = f"Anchors' {channel}"
                out[name] = out.get(name, 0.0) + float(value)
    return out


def _respend(ledger: np.ndarray, group: int, received: float) -> dict[str, float]:
    """How ``received`` (£ per year) held by ``group`` is paid on, in proportion to its outflows."""
    outflows = ledger[: len(CHANNELS), group, :]
    total = float(outflows.sum())
    if total <= 0 or received <= 0:
        return {}
    out: dict[str, float] = {}
    for c, channel in enumerate(CHANNELS):
        for payee in range(N_GROUPS):
            value = outflows[c, payee]
            if value == 0:
                continue
            name = RESPENT if _is_local(payee) else LEAKAGE_NAMES[channel]
            out[name] = out.get(name, 0.0) + received * float(value) / total
    return out


def sankey_links(model: LocalEconomy, months: int = STEPS_PER_YEAR) -> list[tuple[str, str, float]]:
    """Links (source, target, £ per year) from anchor spend to where it is re-spent or leaks.

    Stage 1 splits everything the anchors paid out (procurement by supplier
    tier, wages by where staff live, and the anchors' other channels). Stage 2
    follows the money that reached local suppliers and local staff: it is paid
    on in proportion to what each of those groups paid out in the same window,
    to local agents ("Re-spent locally") or out of the place by channel
    (tax, imports, out-of-area wages, profit, savings). This is the
    proportional attribution LM3's third round uses (Sacks 2002).
    """
    ledger, used = window_ledger(model, months)
    if not used:
        return []
    links = [("Anchor spend", target, value) for target, value in _stage_one(ledger).items()]
    received = dict((target, value) for _, target, value in links)
    for name, group in (("Local suppliers", group_of(FIRM, LOCAL)),
                        ("Local staff", group_of(HOUSEHOLD, LOCAL))):  # fmt: skip
        for target, value in _respend(ledger, group, received.get(name, 0.0)).items():
            links.append((name, target, value))
    return [(s, t, v) for s, t, v in links if v > 0]


@dataclass
class FlowNetwork:
    """The economy aggregated to a few dozen nodes, with one step's flows, £ per month.

    Attributes
    ----------
    graph : networkx.DiGraph
        Nodes carry ``kind`` and ``tier``; edges carry ``amount`` (£ per step);
        self-loops are payments within a node (e.g. between local firms of one sector).
    total : float
        All money that moves in the step, injections included.
    """

    graph: nx.DiGraph
    total: float


def node_labels(model: LocalEconomy) -> tuple[list[str], np.ndarray, list[tuple[str, str]]]:
    """Node names, each agent's node, and each node's (kind, tier).

    Nodes: each anchor; local and region firms by sector; outside firms as one;
    households by tier; and the outside world. Agents are grouped with numpy
    (a key per agent), not a loop over 60,000 households.
    """
    economy = model.economy
    keys = np.full(economy.n, -1, dtype=np.int64)
    names: dict[int, tuple[str, str, str]] = {}
    for position, agent in enumerate(economy.anchor_idx):
        keys[agent] = position
        names[position] = (
            economy.anchor_names[position],
            "anchor",
            TIER_NAMES[economy.tier[agent]],
        )
    base = len(economy.anchor_idx)
    firms = economy.firm_idx
    tier = economy.tier[firms].astype(np.int64)
    sector = economy.sector[firms].astype(np.int64)
    inside = (tier == LOCAL) | (tier == REGION)
    outside = base + N_TIERS * len(SECTIONS)  # one node for all firms outside
    keys[firms] = np.where(inside, base + tier * len(SECTIONS) + sector, outside)
    for t in (LOCAL, REGION):
        for s, section in enumerate(SECTIONS):
            names[base + t * len(SECTIONS) + s] = (
                f"{TIER_NAMES[t].capitalize()} firms {section}",
                "firm",
                TIER_NAMES[t],
            )
    names[outside] = ("Outside firms", "firm", TIER_NAMES[OUTSIDE_TIER])
    households = economy.household_idx
    house_base = outside + 1
    keys[households] = house_base + economy.tier[households]
    for t, tier_name in enumerate(TIER_NAMES):
        names[house_base + t] = (f"{tier_name.capitalize()} households", "household", tier_name)
    used, of = np.unique(keys, return_inverse=True)
    labels = [names[int(k)][0] for k in used] + ["Outside world"]
    attributes = [names[int(k)][1:] for k in used] + [(KINDS[OUTSIDE], TIER_NAMES[OUTSIDE_TIER])]
    return labels, of.astype(np.int64), attributes


def flow_network(model: LocalEconomy) -> FlowNetwork:
    """The coming step's payments between nodes, £ per month, with the structure now in force.

    Each agent pays out what it holds plus its injections (``cash +
    injection``), along the current channel matrices; leaks go to the outside
    world, and injections come from it. Every node's out-edges sum to what its
    agents pay out, so the network conserves money like the engine.
    """
    engine = model.engine if model.engine.name == "vectorised" else None
    if engine is None:
        raise ValueError("the flow network reads the vectorised engine's matrices")
    injected = engine.injection_step
    spent = model.state.cash + injected
    names, of, attributes = node_labels(model)
    n_nodes = len(names)
    outside = n_nodes - 1
    agents = len(of)
    indicator = sp.csr_matrix((np.ones(agents), (np.arange(agents), of)), shape=(agents, n_nodes))
    paid = sp.diags(spent)
    flows = sp.csr_matrix((n_nodes, n_nodes))
    leak = np.zeros(agents)
    for channel in CHANNELS:
        leak += engine.leaks[channel] * spent
        if channel in EDGE_CHANNELS:
            flows = flows + indicator.T @ (engine.matrices[channel] @ paid) @ indicator
    matrix = flows.toarray()  # [payee node, payer node]
    matrix[outside] += np.bincount(of, leak, minlength=n_nodes)
    matrix[:, outside] += np.bincount(of, injected, minlength=n_nodes)
    graph = nx.DiGraph()
    for i, name in enumerate(names):
        graph.add_node(name, kind=attributes[i][0], tier=attributes[i][1])
    payees, payers = np.nonzero(matrix)
    for payee, payer in zip(payees, payers, strict=True):
        graph.add_edge(names[payer], names[payee], amount=float(matrix[payee, payer]))
    return FlowNetwork(graph=graph, total=float(matrix.sum()))
