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
A share ``renewal_probability`` of expiring contracts is renewed with the
incumbent without a tender (extensions and framework call-offs), so shifts take
years, as they did in Preston.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.spec import TIERS, Tenders
from cwbsim.model.structure import Economy


class Tendering:
    """Re-tenders expiring contracts; holds the bidder pools by (sector, tier)."""

    def __init__(self, economy: Economy, rules: Tenders):
        self.economy = economy
        self.rules = rules
        self.local_weight = np.full(len(economy.anchor_idx), rules.local_weight)
        self.social_value = np.array([rules.social_value.get(t, 0.0) for t in TIERS])
        self.refresh_pools()

    def refresh_pools(self) -> None:
        """Recompute which active firms can bid, by (sector, tier)."""
        economy = self.economy
        firms = economy.firm_idx[economy.active]
        self.pools: dict[tuple[int, int], np.ndarray] = {}
        keys = economy.sector[firms] * 3 + economy.tier[firms]
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        for key in np.unique(sorted_keys):
            lo, hi = np.searchsorted(sorted_keys, [key, key + 1])
            self.pools[(int(key) // 3, int(key) % 3)] = firms[order[lo:hi]]

    def award(self, anchor: int, sector: int, rng: np.random.Generator) -> int | None:
        """Run one tender; return the winning firm's agent index, or None if nobody bid."""
        access = self.economy.tender_access[anchor, sector]
        cost = self.economy.cost_index
        first_firm = int(self.economy.firm_idx[0]) if len(self.economy.firm_idx) else 0
        best, best_score = None, -np.inf
        for tier in range(3):
            pool = self.pools.get((sector, tier))
            if pool is None or access[tier] <= 0:
                continue
            n = min(self.rules.bidders_per_tier, len(pool))
            bidders = pool[rng.choice(len(pool), size=n, replace=False)]
            scores = (
                -np.log(cost[bidders - first_firm])
                + rng.gumbel(size=n)
                + np.log(access[tier])
                - np.log(n)
                + self.local_weight[anchor] * self.social_value[tier]
            )
            j = int(np.argmax(scores))
            if scores[j] > best_score:
                best, best_score = int(bidders[j]), float(scores[j])
        return best

    def retender(self, step: int, rng: np.random.Generator) -> np.ndarray:
        """Re-tender the contracts whose last month was ``step``; return their indices."""
        contracts = self.economy.contracts
        expiring = np.flatnonzero(contracts.end_step == step)
        lo, hi = self.rules.duration_months
        for k in expiring:
            if rng.random() >= self.rules.renewal_probability:
                winner = self.award(int(contracts.anchor[k]), int(contracts.sector[k]), rng)
                if winner is not None:
                    contracts.supplier[k] = winner
            contracts.end_step[k] = step + int(rng.integers(lo, hi + 1))
        return expiring
