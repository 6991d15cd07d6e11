"""Standing relationships between agents: input supply, shopping, and ownership.

Each function returns :class:`Edges` whose ``share`` is the share of the
payer's whole outflow. The part of a channel budget not placed on an edge
leaks to the outside (inputs bought outside, shopping outside, profit to
external owners).
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.build.gravity import decay
from cwbsim.model.build.population import Firms
from cwbsim.model.build.sectors import SectorTable, flegg, size_factor
from cwbsim.model.codes import LOCAL, OUTSIDE_TIER, REGION
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import OWNERSHIPS, SECTIONS, SIZE_BANDS, TIERS
from cwbsim.model.state.edges import Edges


def _choose(pool: np.ndarray, weights: np.ndarray, shape: tuple, rng) -> np.ndarray:
    p = weights / weights.sum()
    return pool[rng.choice(len(pool), size=shape, p=p)]


def input_edges(
    spec: EconomySpec,
    firm_idx: np.ndarray,
    firms: Firms,
    table: SectorTable,
    rng,
    distance: np.ndarray | None = None,
) -> Edges:
    """Firm -> firm input purchases from local and region suppliers.

    With a sector table's input mix, each firm buys from each supplying sector its
    share of the national mix, within the place and the region as Flegg's location
    quotients say (:func:`regional_shares`), from one supplier per sector and tier
    drawn by size. Without one (``uniform``), from ``input_suppliers`` firms of any
    sector per tier, in the tier's ``local_input_share`` and ``region_input_share``.
    A firm never buys from itself: a draw of itself moves to the next firm in the pool.
    """
    if table.mix is None:
        return _pooled_inputs(spec, firm_idx, firms, table, rng)
    if distance is not None:
        return _place_inputs(spec, firm_idx, firms, table, distance, rng)
    local, region = regional_shares(spec, firms, table)
    buyers = np.arange(len(firm_idx))
    parts = []
    for supplier_tier, shares in ((LOCAL, local), (REGION, region)):
        for i in range(len(SECTIONS)):
            share = table.inputs[firms.sector] * table.mix[firms.sector, i] * shares[i]
            buying = buyers[share > 0]
            pool = np.flatnonzero(
                (firms.tier == supplier_tier) & firms.active & (firms.sector == i)
            )
            if not len(buying) or not len(pool):
                continue
            chosen = _choose(pool, firms.employees[pool].astype(float), (len(buying),), rng)
            chosen = _not_itself(chosen, buying, pool)
            keep = chosen >= 0
            parts.append(Edges(firm_idx[buying[keep]], firm_idx[chosen[keep]], share[buying][keep]))
    return Edges.concat(parts)


def _place_inputs(spec, firm_idx, firms, table, distance, rng) -> Edges:
    """Input suppliers in a city-region: Flegg's quotients per place, gravity between places.

    A firm in place ``p`` buys ``min(FLQ_p, 1)`` of its UK-bought inputs from each
    sector within ``p`` (times its size band's ``local_inputs``), and what the whole
    modelled area adds (``FLQ`` of all places and the region's firms) from the other
    places and the region, drawn by size times ``exp(-d / supply_km)``. A firm of the
    region's sample buys the whole area's share from any modelled firm, by size.
    """
    delta = spec.behaviour.regional_inputs.flq_delta
    sectors = len(SECTIONS)
    employed = (firms.employees * firms.active).astype(float)
    modelled = firms.tier != OUTSIDE_TIER
    nation = table.national_jobs
    wide = flegg(np.bincount(firms.sector[modelled], employed[modelled], sectors), nation, delta)
    gravity = decay(distance, spec.behaviour.places.supply_km)
    band = size_factor(spec, "local_inputs")
    parts = []

    def buy(buyers, shares, pool_mask, pool_weight):
        sector = firms.sector[buyers]
        for i in range(sectors):
            share = table.inputs[sector] * table.mix[sector, i] * shares[i]
            buying = buyers[share > 0]
            pool = np.flatnonzero(pool_mask & firms.active & (firms.sector == i))
            weight = pool_weight[pool]
            if not len(buying) or not len(pool) or weight.sum() <= 0:
                continue
            chosen = _not_itself(_choose(pool, weight, (len(buying),), rng), buying, pool)
            keep = chosen >= 0
            parts.append(
                Edges(firm_idx[buying[keep]], firm_idx[chosen[keep]], share[share > 0][keep])
            )

    for place in np.unique(firms.area[firms.tier == LOCAL]):
        inside = firms.area == place
        own = flegg(np.bincount(firms.sector[inside], employed[inside], sectors), nation, delta)
        buyers = np.flatnonzero(inside)
        sector = firms.sector[buyers]
        local = np.minimum(own[:, sector] * band[firms.band[buyers]], 1.0)
        regional = np.minimum(np.maximum(wide[:, sector] - own[:, sector], 0.0), 1.0 - local)
        buy(buyers, local, inside, employed)
        buy(buyers, regional, ~inside & modelled, employed * gravity[place, firms.area])
    buyers = np.flatnonzero(firms.tier == REGION)
    if len(buyers):
        buy(buyers, np.minimum(wide[:, firms.sector[buyers]], 1.0), modelled, employed)
    return Edges.concat(parts)


def regional_shares(spec: EconomySpec, firms: Firms, table: SectorTable):
    """Shares of each firm's UK-bought inputs from each sector bought locally and regionally.

    Returns two arrays of shape (sections, firms): ``local[i, f]`` and ``region[i, f]``
    for supplying sector ``i``. Local firms buy ``min(FLQ, 1)`` of the place locally
    and what the place and region together add, regionally; region firms buy the
    wider area's share split between the place and the rest by the supplying
    sector's jobs; outside firms buy neither. A size band's ``local_inputs``
    multiplies the local share; the regional share is cut only where the two would
    pass all of the firm's UK-bought inputs from that sector.
    """
    delta = spec.behaviour.regional_inputs.flq_delta
    sectors = len(SECTIONS)
    employed = firms.employees * firms.active
    jobs = {}
    for tier, key in ((LOCAL, "place_jobs"), (REGION, "region_jobs")):
        given = getattr(spec.behaviour.regional_inputs, key)
        if given:
            jobs[tier] = np.array([given.get(s, 0.0) for s in SECTIONS])
        else:
            inside = firms.tier == tier
            jobs[tier] = np.bincount(firms.sector[inside], employed[inside], sectors)
    place, region = jobs[LOCAL], jobs[REGION]
    nation = table.national_jobs
    own = flegg(place, nation, delta)  # (i, j)
    wide = flegg(place + region, nation, delta)
    weight = np.divide(place, place + region, out=np.zeros(sectors), where=place + region > 0)
    buyer = firms.sector
    local = np.zeros((sectors, len(firms)))
    regional = np.zeros((sectors, len(firms)))
    is_local, is_region = firms.tier == LOCAL, firms.tier == REGION
    local[:, is_local] = own[:, buyer[is_local]]
    regional[:, is_local] = np.maximum(wide[:, buyer[is_local]] - own[:, buyer[is_local]], 0.0)
    local[:, is_region] = wide[:, buyer[is_region]] * weight[:, None]
    regional[:, is_region] = wide[:, buyer[is_region]] * (1.0 - weight[:, None])
    local = np.minimum(local * size_factor(spec, "local_inputs")[firms.band], 1.0)
    return local, np.minimum(regional, 1.0 - local)


def _not_itself(chosen: np.ndarray, buyer: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """A draw of the buyer itself moves to the next firm of the pool (-1 if it is alone)."""
    self_loop = chosen == buyer
    if len(pool) == 1:
        chosen[self_loop] = -1
        return chosen
    position = np.searchsorted(pool, chosen[self_loop])
    chosen[self_loop] = pool[(position + 1) % len(pool)]
    return chosen


def _pooled_inputs(spec, firm_idx, firms, table, rng) -> Edges:
    """Inputs from ``input_suppliers`` firms of any sector per tier (the ``uniform`` table)."""
    parts = []
    counts = spec.behaviour.input_suppliers
    tier_behaviour = [spec.behaviour.tiers[t] for t in TIERS]
    input_share = table.inputs[firms.sector]
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
        share = input_share[:, None] * source_share[:, None] / k
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
    home: np.ndarray | None = None,
    distance: np.ndarray | None = None,
) -> Edges:
    """Household -> firm shops, drawn among consumer-facing firms by size and sector mix.

    Each household gets ``consumption_suppliers`` shops of each tier. The
    shares are set by :func:`cwbsim.model.build.consumption.apply_spending`
    (a household's budget for a tier, split equally over its shops of that tier).
    With several places (``home``: each household's area; ``distance``: km between
    areas), local shops are in the household's own place and region shops in the
    other places and the region, drawn by size times ``exp(-d / shopping_km)``.
    """
    sector_weight = np.zeros(len(SECTIONS))
    for section, w in spec.behaviour.consumer_sectors.items():
        sector_weight[SECTIONS.index(section)] = w
    firm_weight = firms.employees * sector_weight[firms.sector]
    if distance is not None:
        return _place_shops(spec, household_idx, firm_idx, firms, firm_weight, home, distance, rng)
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


def _place_shops(spec, household_idx, firm_idx, firms, firm_weight, home, distance, rng) -> Edges:
    """Shops of households in a city-region: own place, then the others by gravity."""
    counts = spec.behaviour.consumption_suppliers
    gravity = decay(distance, spec.behaviour.places.shopping_km)
    parts = []
    for place in np.unique(home):
        households = household_idx[home == place]
        for shop_tier in (LOCAL, REGION):
            k = counts.get(TIERS[shop_tier], 0)
            if shop_tier == LOCAL:
                pool = np.flatnonzero((firms.area == place) & (firm_weight > 0))
                weight = firm_weight[pool]
            else:
                nearby = (firms.area != place) & (firms.tier != OUTSIDE_TIER)
                pool = np.flatnonzero(nearby & (firm_weight > 0))
                weight = firm_weight[pool] * gravity[place, firms.area[pool]]
            if k == 0 or len(pool) == 0 or weight.sum() <= 0:
                continue
            chosen = _choose(pool, weight, (len(households), k), rng)
            payer = np.repeat(households, k)
            parts.append(Edges(payer, firm_idx[chosen.ravel()], np.zeros(len(payer))))
    return Edges.concat(parts)


def owner_edges(
    spec: EconomySpec,
    firm_idx: np.ndarray,
    firms: Firms,
    household_idx: np.ndarray,
    household_weight: np.ndarray,
    rng,
    home: np.ndarray | None = None,
) -> Edges:
    """Firm -> owner household profit of locally owned local-tier firms, as shares of profit.

    Owners are drawn among local households (``behaviour.profit_owners`` by size band);
    with several places (``home``: each household's area), among the households of the
    firm's own place. Owners of firms outside the places, and external owners, are
    outside the model: their profit leaks.
    """
    owned = np.flatnonzero((firms.tier == LOCAL) & (firms.owner == OWNERSHIPS.index("local")))
    if not len(owned) or not len(household_idx):
        return Edges.empty()
    per_band = np.array([spec.behaviour.profit_owners[band] for band in SIZE_BANDS])
    if home is None:
        owners = per_band[firms.band[owned]]
        payer = np.repeat(firm_idx[owned], owners)
        weight = household_weight / household_weight.sum()
        payee = household_idx[rng.choice(len(household_idx), size=int(owners.sum()), p=weight)]
        return Edges(payer, payee, np.repeat(1.0 / owners, owners))
    parts = []
    for place in np.unique(firms.area[owned]):
        firms_here = owned[firms.area[owned] == place]
        residents = np.flatnonzero(home == place)
        if not len(residents):
            continue
        owners = per_band[firms.band[firms_here]]
        weight = household_weight[residents] / household_weight[residents].sum()
        chosen = residents[rng.choice(len(residents), size=int(owners.sum()), p=weight)]
        parts.append(
            Edges(np.repeat(firm_idx[firms_here], owners), household_idx[chosen],
                  np.repeat(1.0 / owners, owners))
        )  # fmt: skip
    return Edges.concat(parts)


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
