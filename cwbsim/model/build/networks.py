"""Standing relationships between agents: input supply, shopping, and ownership.

Each function returns :class:`Edges` whose ``share`` is the share of the
payer's whole outflow. The part of a channel budget not placed on an edge
leaks to the outside (inputs bought outside, shopping outside, profit to
external owners).
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.build.population import Firms
from cwbsim.model.codes import LOCAL, REGION
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import OWNERSHIPS, SECTIONS, SIZE_BANDS, TIERS
from cwbsim.model.state.edges import Edges


def _choose(pool: np.ndarray, weights: np.ndarray, shape: tuple, rng) -> np.ndarray:
    p = weights / weights.sum()
    return pool[rng.choice(len(pool), size=shape, p=p)]


def input_edges(
    spec: EconomySpec, firm_idx: np.ndarray, firms: Firms, input_budget: np.ndarray, rng
) -> Edges:
    """Firm -> firm input purchases from local and region suppliers, weighted by size.

    A firm never buys from itself: a draw of itself moves to the next firm in the pool.
    """
    parts = []
    counts = spec.behaviour.input_suppliers
    tier_behaviour = [spec.behaviour.tiers[t] for t in TIERS]
    for supplier_tier, share_of in ((LOCAL, "local_input_share"), (REGION, "region_input_share")):
        k = counts.get(TIERS[supplier_tier], 0)
        pool = np.flatnonzero((firms.tier == supplier_tier) & firms.active)
        if k == 0 or len(pool) == 0:
            continue
        chosen = _choose(pool, firms.employees[pool].astype(float), (len(firm_idx), k), rng)
        buyer = np.repeat(np.arange(len(firm_idx))[:, None], k, axis=1)
        position = np.searchsorted(pool, chosen)
        self_loop = chosen == buyer
        chosen[self_loop] = pool[(position[self_loop] + 1) % len(pool)]
        if len(pool) == 1:
            chosen[self_loop] = -1
        source_share = np.array([getattr(tier_behaviour[t], share_of) for t in firms.tier])
        share = input_budget[firm_idx][:, None] * source_share[:, None] / k
        keep = chosen >= 0
        parts.append(
            Edges(
                firm_idx[buyer[keep]],
                firm_idx[chosen[keep]],
                np.broadcast_to(share, chosen.shape)[keep],
            )
        )
    return Edges.concat(parts)


def consumption_edges(
    spec: EconomySpec,
    household_idx: np.ndarray,
    firm_idx: np.ndarray,
    firms: Firms,
    rng,
) -> Edges:
    """Household -> firm shops, drawn among consumer-facing firms by size and sector mix.

    Each household gets ``consumption_suppliers`` shops of each tier. The
    shares are set by :func:`cwbsim.model.build.consumption.apply_spending`
    (a household's budget for a tier, split equally over its shops of that tier).
    """
    sector_weight = np.zeros(len(SECTIONS))
    for section, w in spec.behaviour.consumer_sectors.items():
        sector_weight[SECTIONS.index(section)] = w
    firm_weight = firms.employees * sector_weight[firms.sector]
    parts = []
    counts = spec.behaviour.consumption_suppliers
    for shop_tier in (LOCAL, REGION):
        k = counts.get(TIERS[shop_tier], 0)
        pool = np.flatnonzero((firms.tier == shop_tier) & (firm_weight > 0))
        if k == 0 or len(pool) == 0:
            continue
        chosen = _choose(pool, firm_weight[pool], (len(household_idx), k), rng)
        payer = np.repeat(household_idx, k)
        parts.append(Edges(payer, firm_idx[chosen.ravel()], np.zeros(len(payer))))
    return Edges.concat(parts)


def owner_edges(
    spec: EconomySpec,
    firm_idx: np.ndarray,
    firms: Firms,
    household_idx: np.ndarray,
    household_weight: np.ndarray,
    rng,
) -> Edges:
    """Firm -> owner household profit of locally owned local-tier firms, as shares of profit.

    Owners are drawn among local households (``behaviour.profit_owners`` by size band).
    Owners of firms outside the place, and external owners, are outside the
    model: their profit leaks.
    """
    owned = np.flatnonzero((firms.tier == LOCAL) & (firms.owner == OWNERSHIPS.index("local")))
    if not len(owned) or not len(household_idx):
        return Edges.empty()
    per_band = np.array([spec.behaviour.profit_owners[band] for band in SIZE_BANDS])
    owners = per_band[firms.band[owned]]
    payer = np.repeat(firm_idx[owned], owners)
    weight = household_weight / household_weight.sum()
    payee = household_idx[rng.choice(len(household_idx), size=int(owners.sum()), p=weight)]
    return Edges(payer, payee, np.repeat(1.0 / owners, owners))


def coop_edges(workforce, budget: dict[str, np.ndarray], is_coop: np.ndarray) -> Edges:
    """Co-operative -> member household profit, in proportion to members' wage rates.

    Every worker is a member; a resident member gets ``people * rate /
    total_rate`` of the profit, and the commuting members' part leaks.
    """
    slots = np.flatnonzero(workforce.employer >= 0)
    slots = slots[is_coop[workforce.employer[slots]]]
    if not len(slots):
        return Edges.empty()
    payer = workforce.employer[slots]
    total = workforce.total_rate()[payer]
    weight = workforce.people[slots] * workforce.rate[slots]
    share = np.divide(weight, total, out=np.zeros(len(slots)), where=total > 0)
    return Edges(payer.copy(), workforce.owner[slots].copy(), share * budget["profit"][payer])


def profit_edges(economy) -> Edges:
    """All profit relationships: owners of locally owned firms, and co-operative members."""
    owner = economy.ownership_of
    keep = owner[economy.owner_profit.payer] == OWNERSHIPS.index("local")
    base = economy.owner_profit
    owners = Edges(
        base.payer[keep],
        base.payee[keep],
        economy.budget["profit"][base.payer[keep]] * base.share[keep],
    )
    coops = coop_edges(economy.workforce, economy.budget, owner == OWNERSHIPS.index("cooperative"))
    return Edges.concat([owners, coops])
