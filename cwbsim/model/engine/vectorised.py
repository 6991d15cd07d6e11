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
from cwbsim.model.engine.pattern import KeptPattern, entry_of, replace_columns
from cwbsim.model.state.edges import Edges
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
        self.n_anchor = len(economy.anchor_idx)
        self.households = economy.household_idx
        self.payers: dict[str, np.ndarray | None] = {}
        self.compact: dict[str, sp.csc_matrix] = {}
        self._full: dict[str, sp.csc_matrix] = {}
        self.leaks: dict[str, np.ndarray] = {}
        self.grouped: dict[str, sp.csc_matrix] = {}
        self.area_share_by_channel: dict[str, np.ndarray] = {}
        self.share_rows = np.zeros(0, np.int64)
        self.share_row = np.full(economy.n, -1, np.int64)
        self._anchor_edges: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._patterns: dict[str, KeptPattern] = {}
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

    @property
    def matrices(self) -> dict[str, sp.csc_matrix]:
        """Each edge channel's payment shares as ``n x n`` CSC (payee rows, payer columns)."""
        n = self.economy.n
        for channel, compact in self.compact.items():
            if channel not in self._full:
                payers = self.payers[channel]
                if payers is None:
                    self._full[channel] = compact
                    continue
                count = np.zeros(n, np.int64)
                count[payers] = np.diff(compact.indptr)
                indptr = np.concatenate([[0], np.cumsum(count)])
                self._full[channel] = sp.csc_matrix(
                    (compact.data, compact.indices, indptr), shape=(n, n)
                )
        return {c: self._full[c] for c in self.compact}

    def refresh(self, channel: str) -> None:
        """Rebuild one channel's matrices after its edges or budget changed.

        A channel's matrices have a column only for the agents that pay in it (their
        budget in it is not zero, or they have an edge in it) when they are fewer than
        half the agents: procurement is paid by a few dozen anchors, so re-tendering each
        month costs little even with a million households. Columns keep the agents'
        order, so every sum adds in the same order as over all agents. When every edge
        keeps its payer and payee and only shares or budgets changed, the values are
        refreshed in place on the kept pattern (:mod:`cwbsim.model.engine.pattern`);
        when a few edges moved, only their payers' columns are rebuilt.
        """
        economy, n = self.economy, self.economy.n
        budget = economy.budget[channel]
        pays = budget != 0
        edges = economy.edges[channel] if channel in EDGE_CHANNELS else Edges.empty()
        pays[edges.payer] = True
        kept = self._patterns.get(channel)
        if kept is not None and kept.comparable(edges.payer, pays):
            moved = kept.moved(edges.payer, edges.payee)
            done = (
                self._refresh_values(channel, kept, edges, budget)
                if not moved.any()
                else self._patch_columns(channel, kept, edges, budget, moved)
            )
            if done:
                self._after_refresh(channel)
                return
        payers = np.flatnonzero(pays)
        # most agents pay (households' channels): a column for every agent, which spares
        # the step gathering the payers' outflows; few pay: a column for each payer
        everyone = 2 * len(payers) > n
        m = n if everyone else len(payers)
        self.payers[channel] = None if everyone else payers
        part = Edges(self._column(channel, pays, edges.payer), edges.payee, edges.share)
        own_budget = self._own(channel, budget)
        if channel in EDGE_CHANNELS:
            matrix = channel_matrix(part, m, rows=n)
            self.compact[channel] = matrix
            leak = leak_shares(own_budget, matrix, self.payers[channel])
        else:
            leak = own_budget.copy()
        self._set_leak(channel, leak)
        leakers = np.flatnonzero(leak)
        self.grouped[channel] = self._grouped(channel, part, leakers, leak, m)
        self._patterns[channel] = KeptPattern.of(
            edges.payer, edges.payee, edges.share, pays, own_budget, leakers
        )
        self._after_refresh(channel)

    def _patch_columns(
        self, channel: str, kept: KeptPattern, edges: Edges, budget, moved: np.ndarray
    ) -> bool:
        """Rebuild only the columns of payers whose edges moved, or whose shares or budget changed.

        Re-tendered contracts, redirected custom and new firms taking customers move a
        few edges; the other columns are kept as they are, so the result is the matrix
        a rebuild gives, at the cost of copying it once.
        """
        if channel not in EDGE_CHANNELS:
            return False
        payers = self.payers[channel]
        m = self.economy.n if payers is None else len(payers)
        own_budget = self._own(channel, budget)
        column = self._column(channel, kept.pays, edges.payer)
        old_column = self._column(channel, kept.pays, kept.payer)
        changed = moved | (edges.share != kept.share)
        affected = own_budget != kept.budget
        affected[column[changed]] = True
        affected[old_column[changed]] = True
        take = affected[column]
        part = Edges(column[take], edges.payee[take], edges.share[take])
        patch = channel_matrix(part, m, rows=self.economy.n)
        matrix = replace_columns(self.compact[channel], patch, affected)
        self.compact[channel] = matrix
        leak = leak_shares(own_budget, matrix, payers)
        self._set_leak(channel, leak)
        leakers = np.flatnonzero(leak)
        patch = self._grouped(channel, part, leakers[affected[leakers]], leak, m)
        self.grouped[channel] = replace_columns(self.grouped[channel], patch, affected)
        self._patterns[channel] = KeptPattern.of(
            edges.payer, edges.payee, edges.share, kept.pays, own_budget, leakers
        )
        return True

    def _refresh_values(self, channel: str, kept: KeptPattern, edges: Edges, budget) -> bool:
        """New shares and budgets on the kept pattern; ``False`` if the leaking payers changed."""
        payers = self.payers[channel]
        own_budget = self._own(channel, budget)
        grouped = self.grouped[channel]
        payer = self._column(channel, kept.pays, edges.payer)
        if kept.entries is None:
            group = self._own(channel, self.group)
            groups = self.n_groups
            in_matrix = (
                entry_of(self.compact[channel], edges.payee, payer)
                if channel in EDGE_CHANNELS
                else np.zeros(0, np.int64)
            )
            in_grouped = entry_of(grouped, group[payer] * groups + self.group[edges.payee], payer)
            leak_rows = group[kept.leakers] * groups + self.world
            entries = (in_matrix, in_grouped, entry_of(grouped, leak_rows, kept.leakers))
            if any(e is None for e in entries):
                return False
            kept.entries = entries
        in_matrix, in_grouped, leak_entries = kept.entries
        if channel in EDGE_CHANNELS:
            matrix = self.compact[channel]
            data = np.bincount(in_matrix, edges.share, minlength=matrix.nnz).astype(float)
            refreshed = sp.csc_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)
            leak = leak_shares(own_budget, refreshed, payers)
            if not np.array_equal(np.flatnonzero(leak), kept.leakers):
                return False
            matrix.data = data
        else:
            leak = own_budget.copy()
            if not np.array_equal(np.flatnonzero(leak), kept.leakers):
                return False
        self._set_leak(channel, leak)
        values = np.bincount(in_grouped, edges.share, minlength=grouped.nnz).astype(float)
        values[leak_entries] += leak[kept.leakers]
        grouped.data = values
        kept.share = edges.share.copy()
        kept.budget = own_budget.copy()
        return True

    def _own(self, channel: str, values: np.ndarray) -> np.ndarray:
        """Per-agent ``values`` for the channel's columns (its payers, or every agent)."""
        payers = self.payers[channel]
        return values if payers is None else values[payers]

    def _column(self, channel: str, pays: np.ndarray, agents: np.ndarray) -> np.ndarray:
        """The channel's column of each of ``agents`` (``pays`` marks its paying agents)."""
        return agents if self.payers[channel] is None else (np.cumsum(pays) - 1)[agents]

    def _grouped(
        self, channel: str, part: Edges, leakers: np.ndarray, leak: np.ndarray, m: int
    ) -> sp.csc_matrix:
        """Edges ``part`` (payer as column) and the ``leakers``' leaks as grouped flows.

        Rows are (payer group, payee group) pairs, the leaks paid to the rest of the world;
        CSC, because each payer's column holds a few groups, so building it sorts short
        columns.
        """
        groups = self.n_groups
        group = self._own(channel, self.group)
        rows = np.concatenate(
            [
                group[part.payer] * groups + self.group[part.payee],
                group[leakers] * groups + self.world,
            ]
        )
        cols = np.concatenate([part.payer, leakers])
        data = np.concatenate([part.share, leak[leakers]])
        return sp.csc_matrix((data, (rows, cols)), shape=(groups * groups, m))

    def _set_leak(self, channel: str, leak: np.ndarray) -> None:
        """Keep the channel's leak shares over all agents (``leak`` is over its payers)."""
        self._full.pop(channel, None)
        payers = self.payers[channel]
        if payers is None:
            self.leaks[channel] = leak
        else:
            self.leaks[channel] = np.zeros(self.economy.n)
            self.leaks[channel][payers] = leak

    def _after_refresh(self, channel: str) -> None:
        """What reads a channel's matrices: round-3 shares by area, the anchors' blocks."""
        if channel in EDGE_CHANNELS:
            self.area_share_by_channel[channel] = self._area_shares(channel, self.share_rows)
        if channel in ("procurement", "wages"):
            self._refresh_anchor_blocks(channel)
            self._cover(self.round2_payee)
        self.area_receipt_share = sum(self.area_share_by_channel.values())

    def _paid(self, channel: str, x: np.ndarray) -> np.ndarray:
        """What the payers of ``channel`` paid out (rows of ``x`` in the channel's columns)."""
        payers = self.payers[channel]
        return x if payers is None else x[payers]

    def _area_shares(self, channel: str, rows: np.ndarray) -> np.ndarray:
        """Share of each of agents ``rows``' outflow paid to each area in one channel."""
        n_areas = self.n_areas
        payers, matrix = self.payers[channel], self.compact[channel]
        if payers is not None:  # agents that do not pay in this channel have empty columns
            at = np.minimum(np.searchsorted(payers, rows), len(payers) - 1)
            pays = payers[at] == rows if len(payers) else np.zeros(len(rows), dtype=bool)
            block = matrix[:, at[pays]] if len(payers) else matrix[:, :0]
            count = np.zeros(len(rows), np.int64)
            count[pays] = np.diff(block.indptr)
        else:
            block = matrix[:, rows]
            count = np.diff(block.indptr)
        column = np.repeat(np.arange(len(rows)), count)
        key = column * n_areas + self.economy.area[block.indices]
        shares = np.bincount(key, block.data, minlength=len(rows) * n_areas)
        return shares.reshape(len(rows), n_areas)

    def _cover(self, payees: np.ndarray) -> None:
        """Keep receipt shares by area for every agent that has held round-2 money.

        Round 3 of LM3 needs them only for the anchors' payees, so the engine keeps
        ``(payees x areas)`` per channel, not ``(agents x areas)``; rows are only added,
        so last step's payees stay covered after the contracts or the staff change.
        """
        new = np.unique(payees[self.share_row[payees] < 0])
        if not len(new):
            return
        self.share_row[new] = len(self.share_rows) + np.arange(len(new))
        self.share_rows = np.concatenate([self.share_rows, new])
        for channel, shares in self.area_share_by_channel.items():
            added = self._area_shares(channel, new)
            self.area_share_by_channel[channel] = np.concatenate([shares, added])

    def _refresh_anchor_blocks(self, channel: str) -> None:
        """The anchors' payments in ``channel`` (procurement or wages), read for LM3 rounds 2-3."""
        economy = self.economy
        n_anchor, columns = self.n_anchor, self.n_areas + 1
        edges = economy.edges[channel]
        keep = economy.kind[edges.payer] == ANCHOR
        self._anchor_edges[channel] = (edges.payer[keep], edges.payee[keep], edges.share[keep])
        if channel == "procurement":
            payer, payee, share = self._anchor_edges[channel]
            leak = self.leaks["procurement"][:n_anchor]
            rows = np.concatenate(
                [
                    payer * columns + economy.area[payee],
                    np.arange(n_anchor) * columns + self.n_areas,
                ]
            )
            cols = np.concatenate([payer, np.arange(n_anchor)])
            data = np.concatenate([share, leak])
            self.anchor_areas = sp.csr_matrix(
                (data, (rows, cols)), shape=(n_anchor * columns, n_anchor)
            )
        kept = [self._anchor_edges[c] for c in ("procurement", "wages") if c in self._anchor_edges]
        self.round2_anchor = np.concatenate([k[0] for k in kept])
        self.round2_payee = np.concatenate([k[1] for k in kept])
        self.round2_share = np.concatenate([k[2] for k in kept])

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
        first = EDGE_CHANNELS[0]
        receipts = self.compact[first] @ self._paid(first, both)
        for channel in EDGE_CHANNELS[1:]:
            receipts += self.compact[channel] @ self._paid(channel, both)
        ledger = self.injection_ledger.copy()
        groups = self.n_groups
        for i, channel in enumerate(CHANNELS):
            ledger[i] += (self.grouped[channel] @ self._paid(channel, x)).reshape(groups, groups)
        n_anchor, n_areas = self.n_anchor, self.n_areas
        area = self.economy.area
        # round 3: round-2 money held in area j (last step), paid to area k (this step)
        held = state.round2_anchor * n_areas + area[state.round2_payee]
        rows = self.share_row[state.round2_payee]
        if len(rows) and rows.min() < 0:
            raise ValueError("round-2 payees without receipt shares: a state from another engine?")
        paid_to = self.area_receipt_share[rows]
        round3 = np.bincount(
            (held[:, None] * n_areas + np.arange(n_areas)).ravel(),
            (paid_to * state.round2_value[:, None]).ravel(),
            minlength=n_anchor * n_areas * n_areas,
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


def opening_state(engine: VectorisedEngine, spent: np.ndarray | None = None) -> MoneyState:
    """The steady state of the economy's money flows, as the balances of step 0.

    Each agent holds what it would have received in the month before the run
    starts, had the economy always run with today's structure; the LM3 and
    multiplier tracers hold the anchors' share of it. ``spent`` is each agent's
    steady-state outflow (£ per step) when the builder has solved it already.
    """
    transition = engine.transition()
    if spent is None:
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
