"""Money flows summarised for the app: where each £ of anchor spend goes, and the flow network.

Both read what the engine recorded; neither moves money. The Sankey sums the
ledger over the latest year (or the months run so far) and scales it to £ per
year. The network aggregates one step's agent-to-agent payments, as sparse
products of the channel matrices with an agent-to-node indicator matrix. Nodes
are named in plain words, with the places' names from the spec ("Construction
(firms in Preston)", "Suppliers in the rest of Lancashire"); the chart options
(:mod:`cwbsim.viz.options`) turn them into text people read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
from cwbsim.model.spec.types import SECTION_NAMES, SECTIONS

ROOT = "Anchor spend"
"""The Sankey's first node: everything the anchors paid out in the window."""

BUDGET_NODES = {"procurement": "Procurement", "wages": "Staff wages"}
"""The anchors' spending by purpose (second column); every other channel is :data:`OTHER`."""
OTHER = "Other spending"

ANCHOR_TARGETS = {
    ("procurement", FIRM, LOCAL): "Local suppliers",
    ("procurement", FIRM, REGION): "Region suppliers",
    ("wages", HOUSEHOLD, LOCAL): "Local staff",
    ("wages", HOUSEHOLD, REGION): "Region staff",
}
"""Third-column destinations by (channel, payee kind, payee tier); the rest go elsewhere."""
ELSEWHERE = {"procurement": "Outside suppliers", "wages": "Staff living outside"}

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
"""Re-spending that leaves the place, by channel (paid to non-local agents or the outside)."""

RESPENT = "Re-spent locally"

SANKEY_NODES = {
    ROOT: (
        "All anchor spending",
        "Everything the anchor institutions paid out: their income from grants, fees and "
        "funding, spent on contracts, staff and the rest.",
    ),
    "Procurement": (
        "Procurement",
        "What the anchors pay suppliers under contracts for goods, works and services: the "
        "spending a procurement spend analysis studies.",
    ),
    "Staff wages": ("Staff wages", "Wages the anchors pay their own staff."),
    OTHER: (
        "Other spending",
        "The rest of the anchors' income, neither contracts nor wages: capital projects, "
        "pensions, debt and payments to other public bodies. The model counts it as leaving "
        "the place.",
    ),
    "Local suppliers": ("Suppliers in {local}", "Suppliers based in {local}."),
    "Region suppliers": ("Suppliers in {region}", "Suppliers based in {region}."),
    "Outside suppliers": ("Suppliers elsewhere", "Suppliers based outside {around}."),
    "Local staff": ("Staff living in {local}", "Anchor staff who live in {local}."),
    "Region staff": ("Staff living in {region}", "Anchor staff who live in {region}."),
    "Staff living outside": (
        "Staff living elsewhere",
        "Anchor staff who live outside {staff_around}: their wages are spent where they live.",
    ),
    RESPENT: (
        "Re-spent in {local}",
        "What local suppliers and local staff pay on to businesses, households and anchors "
        "in {local}: the third round of LM3.",
    ),
    "Imports": (
        "Bought from elsewhere",
        "What local suppliers buy, and local households shop for, from businesses outside {local}.",
    ),
    "Out-of-area wages": (
        "Wages to staff elsewhere",
        "Wages local suppliers pay to staff who live outside {local}.",
    ),
    "Profit out": (
        "Profit to owners elsewhere",
        "Profits of local suppliers paid to owners outside {local}.",
    ),
    "Tax": ("Tax", "Taxes paid to the government, out of the place."),
    "Savings": ("Savings", "The part of their income local households save rather than spend."),
    "Other out": ("Other payments out", "Other payments to people and bodies outside {local}."),
}
"""Each Sankey node's label and the sentence that explains it, with ``{local}``,
``{region}`` and ``{around}`` (the place, or the place and its region) filled in from
:func:`place_names`."""

GENERIC_PLACES = {"local": "the place", "region": "the region", "outside": "elsewhere"}
"""Names of the tiers when the spec has no area, or several, in a tier."""


def generic_places() -> dict[str, str]:
    """The tiers' generic names (:data:`GENERIC_PLACES`) and ``around``, the place and region."""
    around = f"{GENERIC_PLACES['local']} and {GENERIC_PLACES['region']}"
    return {**GENERIC_PLACES, "around": around, "staff_around": GENERIC_PLACES["local"]}


def place_names(model: LocalEconomy) -> dict[str, str]:
    """The name of each tier as a person reads it after "in": "Preston", "the rest of Lancashire".

    A tier with one area takes its name; a tier with several is "the 14 local areas";
    a tier with none keeps a generic name. ``around`` names the place and its region.
    """
    names = {}
    for tier, generic in GENERIC_PLACES.items():
        areas = [area.name for area in model.spec.areas if area.tier == tier]
        if len(areas) == 1:
            name = areas[0]
            names[tier] = (
                "the " + name[0].lower() + name[1:] if name.startswith("Rest of ") else name
            )
        elif areas:
            names[tier] = f"the {len(areas)} {tier} areas"
        else:
            names[tier] = generic
    names["around"] = f"{names['local']} and {names['region']}"
    # households live only in the local tier (the spec's rule), so every anchor employee
    # not living there counts as living outside the place, not outside the region too
    names["staff_around"] = names["local"]
    return names


class SankeyLinks(list):
    """Sankey links ``(source, target, £ per year)``, with the names of the places they mean.

    A list, so it reads like the links it holds; ``places`` (:func:`place_names`) fills
    the place names into the node labels and explanations of :data:`SANKEY_NODES`.
    """

    def __init__(self, links=(), places: dict[str, str] | None = None):
        super().__init__(links)
        self.places = dict(places or generic_places())


def _is_local(group: int) -> bool:
    return tier_of_group(group) == LOCAL and kind_of_group(group) != OUTSIDE


def window_ledger(model: LocalEconomy, months: int = STEPS_PER_YEAR) -> tuple[np.ndarray, int]:
    """The ledger summed over the latest ``months`` steps, £ per year, and the months used."""
    ledgers = model.recorder.ledgers[-months:]
    if not ledgers:
        return np.zeros((len(LEDGER_CHANNELS), N_GROUPS, N_GROUPS)), 0
    return np.sum(ledgers, axis=0) * (STEPS_PER_YEAR / len(ledgers)), len(ledgers)


def _anchor_payments(ledger: np.ndarray) -> list[tuple[str, str, float]]:
    """The anchors' payments as (purpose, destination, £ per year), summed over anchors."""
    out: dict[tuple[str, str], float] = {}
    for c, channel in enumerate(CHANNELS):
        for payer_tier in range(N_TIERS):
            for payee in range(N_GROUPS):
                value = ledger[c, group_of(ANCHOR, payer_tier), payee]
                if value == 0:
                    continue
                purpose = BUDGET_NODES.get(channel, OTHER)
                kind, tier = int(kind_of_group(payee)), int(tier_of_group(payee))
                target = ANCHOR_TARGETS.get((channel, kind, tier), ELSEWHERE.get(channel))
                key = (purpose, target or purpose)
                out[key] = out.get(key, 0.0) + float(value)
    return [(purpose, target, value) for (purpose, target), value in out.items()]


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


def sankey_links(model: LocalEconomy, months: int = STEPS_PER_YEAR) -> SankeyLinks:
    """Links (source, target, £ per year) from anchor spend to where it is re-spent or leaks.

    The first column is everything the anchors paid out (:data:`ROOT`). The
    second splits it by purpose: procurement (contracts), staff wages and other
    spending (every other channel, which leaves the place). The third splits
    procurement by where suppliers are and wages by where staff live. The
    fourth follows the money that reached local suppliers and local staff: it
    is paid on in proportion to what each of those groups paid out in the same
    window, to local agents ("Re-spent locally") or out of the place by
    channel (tax, imports, out-of-area wages, profit, savings). This is the
    proportional attribution LM3's third round uses (Sacks 2002). Other
    spending has no onward link: it ends in the second column.
    """
    ledger, used = window_ledger(model, months)
    places = place_names(model)
    if not used:
        return SankeyLinks(places=places)
    payments = _anchor_payments(ledger)
    purposes: dict[str, float] = {}
    for purpose, _, value in payments:
        purposes[purpose] = purposes.get(purpose, 0.0) + value
    order = [*BUDGET_NODES.values(), OTHER]
    links = [(ROOT, p, purposes[p]) for p in order if p in purposes]
    links += [(p, t, v) for p, t, v in payments if t != p]
    received = {target: value for _, target, value in payments}
    for name, group in (("Local suppliers", group_of(FIRM, LOCAL)),
                        ("Local staff", group_of(HOUSEHOLD, LOCAL))):  # fmt: skip
        for target, value in _respend(ledger, group, received.get(name, 0.0)).items():
            links.append((name, target, value))
    return SankeyLinks([(s, t, v) for s, t, v in links if v > 0], places)


@dataclass
class FlowNetwork:
    """The economy aggregated to a few dozen nodes, with one step's flows, £ per month.

    Attributes
    ----------
    graph : networkx.DiGraph
        Nodes carry ``kind`` (anchor, firm, household, outside), ``tier`` and ``label``
        (the short name drawn beside the node: an anchor's name, a sector's name);
        edges carry ``amount`` (£ per step); self-loops are payments within a node
        (e.g. between local firms of one sector).
    total : float
        All money that moves in the step, injections included, £ per step.
    places : dict
        The tiers' names as read after "in" (:func:`place_names`).
    """

    graph: nx.DiGraph
    total: float
    places: dict[str, str] = field(default_factory=generic_places)


OUTSIDE_WORLD = "Outside world"
"""The node of the rest of the world: where leaks go and injections come from."""


def in_place(place: str) -> str:
    """A place after a preposition: "in Preston"; "elsewhere" for the generic outside."""
    return "elsewhere" if place == GENERIC_PLACES["outside"] else f"in {place}"


def node_labels(
    model: LocalEconomy,
) -> tuple[list[str], np.ndarray, list[tuple[str, str, str]]]:
    """Node names, each agent's node, and each node's (kind, tier, short label).

    Nodes: each anchor; local and region firms by sector ("Construction (firms in
    Preston)", label "Construction"); firms outside as one node; households by tier;
    and the outside world. Agents are grouped with numpy (a key per agent), not a
    loop over 60,000 households.
    """
    economy = model.economy
    places = place_names(model)
    keys = np.full(economy.n, -1, dtype=np.int64)
    names: dict[int, tuple[str, str, str, str]] = {}
    for position, agent in enumerate(economy.anchor_idx):
        keys[agent] = position
        name = economy.anchor_names[position]
        names[position] = (name, "anchor", TIER_NAMES[economy.tier[agent]], name)
    base = len(economy.anchor_idx)
    firms = economy.firm_idx
    tier = economy.tier[firms].astype(np.int64)
    sector = economy.sector[firms].astype(np.int64)
    inside = (tier == LOCAL) | (tier == REGION)
    outside = base + N_TIERS * len(SECTIONS)  # one node for all firms outside
    keys[firms] = np.where(inside, base + tier * len(SECTIONS) + sector, outside)
    for t in (LOCAL, REGION):
        where = in_place(places[TIER_NAMES[t]])
        for s, section in enumerate(SECTIONS):
            sector_name = SECTION_NAMES[section]
            names[base + t * len(SECTIONS) + s] = (
                f"{sector_name} (firms {where})",
                "firm",
                TIER_NAMES[t],
                sector_name,
            )
    where = in_place(places["outside"])
    names[outside] = (f"Firms {where}", "firm", TIER_NAMES[OUTSIDE_TIER], "Firms")
    households = economy.household_idx
    house_base = outside + 1
    keys[households] = house_base + economy.tier[households]
    for t, tier_name in enumerate(TIER_NAMES):
        names[house_base + t] = (
            f"Households {in_place(places[tier_name])}",
            "household",
            tier_name,
            "Households",
        )
    used, of = np.unique(keys, return_inverse=True)
    labels = [names[int(k)][0] for k in used] + [OUTSIDE_WORLD]
    attributes = [names[int(k)][1:] for k in used] + [
        (KINDS[OUTSIDE], TIER_NAMES[OUTSIDE_TIER], OUTSIDE_WORLD)
    ]
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
        kind, tier, label = attributes[i]
        graph.add_node(name, kind=kind, tier=tier, label=label)
    payees, payers = np.nonzero(matrix)
    for payee, payer in zip(payees, payers, strict=True):
        graph.add_edge(names[payer], names[payee], amount=float(matrix[payee, payer]))
    return FlowNetwork(graph=graph, total=float(matrix.sum()), places=place_names(model))
