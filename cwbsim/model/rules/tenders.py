"""Contracts that expire and are re-tendered.

A tender is a random-utility auction (McFadden 1974): up to
``bidders_per_tier`` firms able to supply the sector bid from each tier; bidder
``j`` in tier ``k`` scores

    u_j = -ln(p_j) + ln(access_ak / n_k) + w * sv_k,    ln(p_j) = ln(c_j) - g_j,

where ``p_j`` is its price (``c_j`` the firm's cost index, ``g_j`` a Gumbel
draw), ``access_ak`` the anchor's share of contract value with tier ``k`` when
the run starts (today's procurement practice: frameworks, lot sizes, habit),
``n_k`` the number of bidders from that tier (access is per anchor and sector,
smoothed towards the anchor's overall shares), ``sv_k`` the social value of the
bidder's tier and ``w`` the anchor's local / social-value weight. The best
score wins. With ``w = 0`` a tier wins with probability ``access_ak`` (given
bidders in every tier), so the baseline keeps its shares in expectation; a
positive ``w`` multiplies the odds of a local win by ``exp(w * (sv_local -
sv_k))``. Where no local firm supplies the sector, a shift cannot land locally.
Only firms able to carry a contract bid: its value may be at most
``max_contract_share`` of a firm's capacity, so splitting contracts into lots
opens tenders to small local firms. A share ``renewal_probability`` of expiring
contracts (per anchor; the procurement-preference lever can change it) is renewed
with the incumbent without a tender (extensions and framework call-offs), so shifts
take years, as they did in Preston.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.codes import LOCAL
from cwbsim.model.spec.behaviour import Tenders
from cwbsim.model.spec.types import SECTIONS, TIERS
from cwbsim.model.state.structure import Economy

SECTOR_STRIDE = 1e12
"""Separates sectors in the (sector, -capacity) sort key; capacities are below £1e12 a year."""


class Tendering:
    """Re-tenders expiring contracts; holds the bidder pools by (sector, tier).

    Attributes
    ----------
    local_weight : numpy.ndarray, shape (anchors,)
        Each anchor's weight on social value (the procurement-preference lever).
    max_lot : numpy.ndarray, shape (anchors,)
        Largest lot an anchor tenders, £ per year; larger expiring contracts are
        split into equal lots (the lot-splitting lever; infinite by default).
    social_value : numpy.ndarray, shape (anchors, tiers)
        The social value each anchor gives a bidder of each tier.
    renewal : numpy.ndarray, shape (anchors,)
        Chance an anchor renews an expiring contract without a tender.
    unmet : numpy.ndarray, shape (sections,)
        Value of tenders that valued local supply but found no local bidder, £ per year.
    """

    def __init__(self, economy: Economy, rules: Tenders):
        self.economy = economy
        self.rules = rules
        n_anchor = len(economy.anchor_idx)
        self.local_weight = np.full(n_anchor, rules.local_weight)
        self.max_lot = np.full(n_anchor, np.inf)
        self.social_value = np.tile(
            np.array([rules.social_value.get(t, 0.0) for t in TIERS]), (n_anchor, 1)
        )
        self.renewal = np.full(n_anchor, rules.renewal_probability)
        self.unmet = np.zeros((len(economy.area_codes), len(SECTIONS)))
        anchor_area = economy.area[economy.anchor_idx]
        self.anchor_area = anchor_area
        self.home_areas, self.home = np.unique(anchor_area, return_inverse=True)
        if not economy.multi_place:  # everyone sees the spec's tiers: one set of pools
            self.home_areas, self.home = self.home_areas[:1], np.zeros(n_anchor, dtype=np.int64)
        self.refresh_pools()

    def refresh_pools(self) -> None:
        """Index the active firms able to bid, by tier as each anchor's place sees them.

        Sorted by (sector, capacity descending); one set of pools per place with anchors.
        """
        self.pools_by_home = []
        for area in self.home_areas:
            first_anchor = int(np.flatnonzero(self.anchor_area == area)[0])
            self.pools_by_home.append(self._pools(first_anchor))

    def _pools(self, anchor: int) -> list:
        economy = self.economy
        firms = economy.firm_idx[economy.active]
        first = int(economy.firm_idx[0]) if len(economy.firm_idx) else 0
        seen = economy.relative_tier(np.full(len(firms), anchor), firms)
        pools = []
        for tier in range(3):
            pool = firms[seen == tier]
            capacity = economy.capacity[pool - first]
            key = economy.sector[pool] * SECTOR_STRIDE - capacity
            order = np.argsort(key, kind="stable")
            pool, key = pool[order], key[order]
            starts = np.searchsorted(
                key, np.arange(len(SECTIONS) + 1) * SECTOR_STRIDE - SECTOR_STRIDE / 2
            )
            pools.append((pool, key, starts))
        return pools

    def award(
        self, anchor: np.ndarray, sector: np.ndarray, value: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Run tenders for contracts given as arrays; return winners' agent indices (-1: no bid).

        Each tier sends ``bidders_per_tier`` bidders drawn, with replacement,
        among its active firms of the sector able to carry the contract; tiers are
        as the anchor's place sees them.
        """
        if len(self.pools_by_home) == 1:
            return self._award(self.pools_by_home[0], anchor, sector, value, rng)
        best = np.full(len(anchor), -1, dtype=np.int64)
        for h, pools in enumerate(self.pools_by_home):
            mine = self.home[anchor] == h
            if mine.any():
                best[mine] = self._award(pools, anchor[mine], sector[mine], value[mine], rng)
        return best

    def _award(self, pools, anchor, sector, value, rng) -> np.ndarray:
        economy = self.economy
        first = int(economy.firm_idx[0]) if len(economy.firm_idx) else 0
        m = self.rules.bidders_per_tier
        k = len(anchor)
        best = np.full(k, -1, dtype=np.int64)
        best_score = np.full(k, -np.inf)
        weight = self.local_weight[anchor]
        for tier, (pool, key, starts) in enumerate(pools):
            access = economy.tender_access[anchor, sector, tier]
            threshold = value / self.rules.max_contract_share
            lo = starts[sector]
            eligible = np.searchsorted(key, sector * SECTOR_STRIDE - threshold, side="right") - lo
            eligible = np.maximum(eligible, 0)
            open_ = (eligible > 0) & (access > 0)
            if tier == LOCAL:
                missing = (eligible == 0) & (access > 0) & (weight > 0)
                np.add.at(
                    self.unmet, (self.anchor_area[anchor[missing]], sector[missing]), value[missing]
                )
            draws = lo[:, None] + np.floor(rng.random((k, m)) * eligible[:, None]).astype(np.int64)
            bidders = pool[np.minimum(draws, max(len(pool) - 1, 0))] if len(pool) else draws
            with np.errstate(divide="ignore"):
                base = np.log(access) - np.log(m) + weight * self.social_value[anchor, tier]
            scores = rng.gumbel(size=(k, m)) + base[:, None]
            if len(pool):
                scores -= np.log(economy.cost_index[bidders - first])
            scores[~open_] = -np.inf
            j = np.argmax(scores, axis=1)
            top = scores[np.arange(k), j]
            better = top > best_score
            best[better] = bidders[np.arange(k), j][better]
            best_score[better] = top[better]
        return best

    def _split_lots(self, expiring: np.ndarray) -> np.ndarray:
        """Split expiring contracts above their anchor's ``max_lot`` into equal lots."""
        contracts = self.economy.contracts
        lots = np.ceil(contracts.value[expiring] / self.max_lot[contracts.anchor[expiring]])
        lots = np.where(np.isfinite(lots), np.maximum(lots, 1), 1).astype(np.int64)
        if np.all(lots == 1):
            return expiring
        new_rows = []
        for k, count in zip(expiring.tolist(), lots.tolist(), strict=True):
            if count == 1:
                continue
            contracts.value[k] /= count
            new_rows.append(np.repeat(k, count - 1))
        extra = np.concatenate(new_rows)
        start = len(contracts)
        contracts.extend(extra)
        return np.concatenate([expiring, np.arange(start, start + len(extra))])

    def retender(self, step: int, rng: np.random.Generator) -> np.ndarray:
        """Re-tender the contracts whose last month was ``step``; return their indices.

        Contracts split into lots come back as several rows (the first keeps its
        index, the others are appended). A contract without a supplier (``-1``,
        its supplier closed) is always tendered; its money leaks as unallocated
        procurement until a firm takes it.
        """
        contracts = self.economy.contracts
        expiring = self._split_lots(np.flatnonzero(contracts.end_step == step))
        if not len(expiring):
            return expiring
        lo, hi = self.rules.duration_months
        renew = rng.random(len(expiring)) < self.renewal[contracts.anchor[expiring]]
        renew &= contracts.supplier[expiring] >= 0
        tendered = expiring[~renew]
        winners = self.award(
            contracts.anchor[tendered], contracts.sector[tendered], contracts.value[tendered], rng
        )
        won = winners >= 0
        contracts.supplier[tendered[won]] = winners[won]
        length = rng.integers(lo, hi + 1, size=len(expiring))
        contracts.end_step[expiring] = step + length
        # a contract nobody could take (its supplier closed) is offered again next month
        unplaced = expiring[contracts.supplier[expiring] < 0]
        contracts.end_step[unplaced] = step + 1
        return expiring
