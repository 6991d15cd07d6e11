"""The vectorised money-flow engine: one step as a few sparse matrix products.

Per step (``docs/model.md``, section 3, "Process overview and scheduling"): money
from outside arrives; every agent pays out everything it holds, by channel, along its edges; what has no local
counterparty leaks to the outside; receipts are held until the next step. All
of it is ``P @ x`` over all agents at once, with one CSR matrix per channel,
rebuilt only when that channel's edges change.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cwbsim.model.codes import (
    ANCHOR,
    CHANNELS,
    EDGE_CHANNELS,
    LEDGER_CHANNELS,
    PLACED_KINDS,
    STEPS_PER_YEAR,
    area_group,
    area_groups,
)
from cwbsim.model.engine.analytic import steady_state_iterative
from cwbsim.model.engine.flows import AreaFlows, MoneyState
from cwbsim.model.engine.matrices import channel_matrix, leak_shares
from cwbsim.model.state.structure import Economy

INJECTION_CHANNEL = {
    "funding": "funding",
    "exports": "exports",
    "transfers": "transfers",
    "outside_wages": "wages",
    "investment": "investment",
}
"""Ledger channel under which each kind of injection is booked (payer: the outside)."""


def injection_ledger(economy: Economy) -> np.ndarray:
    """Injections per step by ledger channel, outside payer, payee area group; £ per step."""
    n_areas = len(economy.area_codes)
    groups = area_groups(n_areas)
    ledger = np.zeros((len(LEDGER_CHANNELS), groups, groups))
    group = area_group(economy.kind, economy.area, n_areas)
    world = PLACED_KINDS * n_areas
    for kind, channel in INJECTION_CHANNEL.items():
        by_group = np.bincount(group, economy.injection[kind], minlength=groups)
        ledger[LEDGER_CHANNELS.index(channel), world] += by_group / STEPS_PER_YEAR
    return ledger


class VectorisedEngine:
    """Moves money with scipy.sparse products; state lives in a :class:`MoneyState`."""

    name = "vectorised"

    def __init__(self, economy: Economy):
        self.economy = economy
        self.n_areas = len(economy.area_codes)
        self.n_groups = area_groups(self.n_areas)
        self.world = PLACED_KINDS * self.n_areas
        self.group = area_group(economy.kind, economy.area, self.n_areas)
        self.members = [np.flatnonzero(economy.area == a) for a in range(self.n_areas)]
        self.in_area = np.zeros((economy.n, self.n_areas))
        self.in_area[np.arange(economy.n), economy.area] = 1.0
        self.n_anchor = len(economy.anchor_idx)
        self.households = economy.household_idx
        self.matrices: dict[str, sp.csc_matrix] = {}
        self.leaks: dict[str, np.ndarray] = {}
        self.grouped: dict[str, sp.csc_matrix] = {}
        self.area_share_by_channel: dict[str, np.ndarray] = {}
        for channel in CHANNELS:
            self.refresh(channel)
        self.refresh_injections()

    def refresh_injections(self) -> None:
        """Recompute the per-step injections after the economy's injections changed."""
        inj = self.economy.injection
        self.injection_step = sum(inj[k] for k in inj) / STEPS_PER_YEAR
        self.funding_step = inj["funding"] / STEPS_PER_YEAR
        self.household_injection = (inj["transfers"] + inj["outside_wages"])[
            self.households
        ] / STEPS_PER_YEAR
        self.injection_ledger = injection_ledger(self.economy)

    def refresh(self, channel: str) -> None:
        """Rebuild one channel's matrices after its edges or budget changed."""
        economy, n = self.economy, self.economy.n
        budget = economy.budget[channel]
        if channel in EDGE_CHANNELS:
            edges = economy.edges[channel]
            matrix = channel_matrix(edges, n)
            self.matrices[channel] = matrix
            leak = leak_shares(budget, matrix)
            payer, payee, share = edges.payer, edges.payee, edges.share
        else:
            leak = budget.copy()
            payer = payee = np.zeros(0, np.int64)
            share = np.zeros(0)
        self.leaks[channel] = leak
        leakers = np.flatnonzero(leak)
        groups = self.n_groups
        rows = np.concatenate(
            [
                self.group[payer] * groups + self.group[payee],
                self.group[leakers] * groups + self.world,
            ]
        )
        cols = np.concatenate([payer, leakers])
        data = np.concatenate([share, leak[leakers]])
        # CSC: each payer's column holds a few groups, so building it sorts short columns
        self.grouped[channel] = sp.csc_matrix((data, (rows, cols)), shape=(groups * groups, n))
        if channel in EDGE_CHANNELS:
            self.area_share_by_channel[channel] = np.asarray(
                self.matrices[channel].T @ self.in_area
            )
        self.area_receipt_share = sum(self.area_share_by_channel.values())
        if channel in ("procurement", "wages"):
            self._refresh_anchor_blocks()

    def _refresh_anchor_blocks(self) -> None:
        economy = self.economy
        n_anchor, columns = self.n_anchor, self.n_areas + 1
        proc = economy.edges["procurement"]
        from_anchor = economy.kind[proc.payer] == ANCHOR
        area = economy.area[proc.payee[from_anchor]]
        leak = self.leaks["procurement"][:n_anchor]
        rows = np.concatenate(
            [proc.payer[from_anchor] * columns + area, np.arange(n_anchor) * columns + self.n_areas]
        )
        cols = np.concatenate([proc.payer[from_anchor], np.arange(n_anchor)])
        data = np.concatenate([proc.share[from_anchor], leak])
        self.anchor_areas = sp.csr_matrix(
            (data, (rows, cols)), shape=(n_anchor * columns, n_anchor)
        )
        payer, payee, share = [], [], []
        for channel in ("procurement", "wages"):
            edges = economy.edges.get(channel)
            if edges is None or channel not in self.matrices:
                continue
            keep = economy.kind[edges.payer] == ANCHOR
            payer.append(edges.payer[keep])
            payee.append(edges.payee[keep])
            share.append(edges.share[keep])
        self.round2_anchor = np.concatenate(payer) if payer else np.zeros(0, np.int64)
        self.round2_payee = np.concatenate(payee) if payee else np.zeros(0, np.int64)
        self.round2_share = np.concatenate(share) if share else np.zeros(0)

    def by_anchor_and_area(
        self, anchor: np.ndarray, payee: np.ndarray, value: np.ndarray
    ) -> np.ndarray:
        """Anchors' payments ``value`` to agents ``payee`` summed by anchor and payee area, £."""
        n_anchor, n_areas = self.n_anchor, self.n_areas
        key = anchor * n_areas + self.economy.area[payee]
        return np.bincount(key, value, minlength=n_anchor * n_areas).reshape(n_anchor, n_areas)

    def transition(self) -> sp.csr_matrix:
        """The whole-economy payment matrix ``P`` (sum of the channel matrices)."""
        return sum(self.matrices[c] for c in EDGE_CHANNELS).tocsr()

    def step(self, state: MoneyState) -> AreaFlows:
        """Advance ``state`` by one step and return what moved."""
        x = state.cash + self.injection_step
        traced = state.traced + self.funding_step
        both = np.column_stack((x, traced))
        receipts = self.matrices[EDGE_CHANNELS[0]] @ both
        for channel in EDGE_CHANNELS[1:]:
            receipts += self.matrices[channel] @ both
        ledger = self.injection_ledger.copy()
        groups = self.n_groups
        for i, channel in enumerate(CHANNELS):
            ledger[i] += (self.grouped[channel] @ x).reshape(groups, groups)
        n_anchor, n_areas = self.n_anchor, self.n_areas
        area = self.economy.area
        # round 3: round-2 money held in area j (last step), paid to area k (this step)
        held = state.round2_anchor * n_areas + area[state.round2_payee]
        round3 = np.stack(
            [
                np.bincount(
                    held,
                    self.area_receipt_share[state.round2_payee, k] * state.round2_value,
                    minlength=n_anchor * n_areas,
                )
                for k in range(n_areas)
            ],
            axis=1,
        ).reshape(n_anchor, n_areas, n_areas)
        round2_value = self.round2_share * x[self.round2_anchor]
        flows = AreaFlows(
            ledger=ledger,
            household_income=receipts[self.households, 0] + self.household_injection,
            anchor_procurement=(self.anchor_areas @ x[:n_anchor]).reshape(n_anchor, n_areas + 1),
            anchor_income=self.funding_step[:n_anchor].copy(),
            round2=self.by_anchor_and_area(self.round2_anchor, self.round2_payee, round2_value),
            round3=round3,
            traced=np.array([receipts[m, 1].sum() for m in self.members]),
            spent=x,
        )
        state.cash = receipts[:, 0].copy()
        state.traced = receipts[:, 1].copy()
        state.round2_anchor = self.round2_anchor.copy()
        state.round2_payee = self.round2_payee.copy()
        state.round2_value = round2_value
        state.injected += float(self.injection_step.sum())
        state.outside += float(ledger[: len(CHANNELS), :, self.world].sum())
        return flows


def opening_state(engine: VectorisedEngine) -> MoneyState:
    """The steady state of the economy's money flows, as the balances of step 0.

    Each agent holds what it would have received in the month before the run
    starts, had the economy always run with today's structure; the LM3 and
    multiplier tracers hold the anchors' share of it.
    """
    transition = engine.transition()
    spent = steady_state_iterative(transition, engine.injection_step)
    traced_spent = steady_state_iterative(transition, engine.funding_step)
    cash = transition @ spent
    return MoneyState(
        cash=cash,
        traced=transition @ traced_spent,
        round2_payee=engine.round2_payee.copy(),
        round2_anchor=engine.round2_anchor.copy(),
        round2_value=engine.round2_share * spent[engine.round2_anchor],
        injected=float(cash.sum()),
        outside=0.0,
    )
