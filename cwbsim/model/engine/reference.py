"""The reference engine: the same step as the vectorised engine, agent by agent in Python.

Deliberately plain and slow. It walks each agent's out-edges in a networkx
graph of the economy and pays each payee in turn, so it shares no code path
with the sparse matrices; the two must agree to 1e-9 on small economies.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.codes import (
    ANCHOR,
    CHANNELS,
    EDGE_CHANNELS,
    HOUSEHOLD,
    INJECTIONS,
    LEDGER_CHANNELS,
    PLACED_KINDS,
    STEPS_PER_YEAR,
    area_group,
)
from cwbsim.model.engine.flows import AreaFlows, MoneyState
from cwbsim.model.engine.graph import build_graph, sync_channel
from cwbsim.model.state.structure import Economy

_BOOKED_AS = {
    "funding": "funding",
    "exports": "exports",
    "transfers": "transfers",
    "outside_wages": "wages",
    "investment": "investment",
}


class ReferenceEngine:
    """Agent-by-agent money flows over a graph of the economy (for checking the fast engine).

    Parameters
    ----------
    economy : Economy
        The economy's arrays, as :class:`~cwbsim.model.engine.vectorised.VectorisedEngine` takes.
    """

    name = "reference"

    def __init__(self, economy: Economy):
        self.economy = economy
        self.graph = build_graph(economy)

    def refresh(self, channel: str) -> None:
        """Bring the graph's edges of ``channel`` up to date with the economy."""
        if channel in EDGE_CHANNELS:
            sync_channel(self.graph, self.economy, channel)

    def refresh_injections(self) -> None:
        """Nothing to rebuild: every step reads the injections afresh."""

    def _receipt_share(self, agent: int, area: int) -> float:
        graph, areas = self.graph, self.economy.area
        return sum(d["share"] for _, v, d in graph.out_edges(agent, data=True) if areas[v] == area)

    def step(self, state: MoneyState) -> AreaFlows:
        """Advance ``state`` by one step, one agent at a time, and return what moved."""
        economy, graph = self.economy, self.graph
        n, n_anchor, n_areas = economy.n, len(economy.anchor_idx), len(economy.area_codes)
        kind, area = economy.kind.tolist(), economy.area.tolist()
        group = area_group(economy.kind, economy.area, n_areas).tolist()
        world = PLACED_KINDS * n_areas
        flows = AreaFlows.zeros(n_anchor, len(economy.household_idx), n_areas, n)
        ledger = flows.ledger
        first_household = int(economy.household_idx[0]) if len(economy.household_idx) else n

        injection = [0.0] * n
        for source in INJECTIONS:
            channel = LEDGER_CHANNELS.index(_BOOKED_AS[source])
            for i, amount in enumerate(economy.injection[source].tolist()):
                if amount:
                    per_step = amount / STEPS_PER_YEAR
                    injection[i] += per_step
                    ledger[channel, world, group[i]] += per_step
                    if kind[i] == HOUSEHOLD and source in ("transfers", "outside_wages"):
                        flows.household_income[i - first_household] += per_step
                    if source == "funding":
                        flows.anchor_income[i] += per_step
                    state.injected += per_step

        for a, payee, value in zip(
            state.round2_anchor.tolist(),
            state.round2_payee.tolist(),
            state.round2_value.tolist(),
            strict=True,
        ):
            for k in range(n_areas):
                flows.round3[a, area[payee], k] += value * self._receipt_share(payee, k)

        receipts = [0.0] * n
        traced_receipts = [0.0] * n
        round2 = []
        for i in range(n):
            spend = state.cash[i] + injection[i]
            flows.spent[i] = spend
            traced = state.traced[i] + (injection[i] if kind[i] == ANCHOR else 0.0)
            placed = dict.fromkeys(CHANNELS, 0.0)
            for _, payee, data in graph.out_edges(i, data=True):
                channel, share = data["channel"], data["share"]
                amount = share * spend
                receipts[payee] += amount
                traced_receipts[payee] += share * traced
                placed[channel] += share
                ledger[CHANNELS.index(channel), group[i], group[payee]] += amount
                if kind[i] == ANCHOR:
                    if channel == "procurement":
                        flows.anchor_procurement[i, area[payee]] += amount
                    flows.round2[i, area[payee]] += amount
                    round2.append((i, payee, amount))
            for c, channel in enumerate(CHANNELS):
                leak = (economy.budget[channel][i] - placed[channel]) * spend
                if abs(leak) > 1e-12 * abs(spend):
                    ledger[c, group[i], world] += leak
                    state.outside += leak
                    if kind[i] == ANCHOR and channel == "procurement":
                        flows.anchor_procurement[i, n_areas] += leak

        for i in range(n):
            flows.traced[area[i]] += traced_receipts[i]
            if kind[i] == HOUSEHOLD:
                flows.household_income[i - first_household] += receipts[i]
        state.cash = np.array(receipts)
        state.traced = np.array(traced_receipts)
        state.round2_anchor = np.array([r[0] for r in round2], dtype=np.int64)
        state.round2_payee = np.array([r[1] for r in round2], dtype=np.int64)
        state.round2_value = np.array([r[2] for r in round2])
        return flows
