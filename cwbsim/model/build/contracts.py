"""Anchors' procurement contracts: generated portfolios, named contracts, tender access."""

from __future__ import annotations

import numpy as np

from cwbsim.model.build.population import Firms
from cwbsim.model.codes import N_TIERS
from cwbsim.model.errors import InputError
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import SECTIONS, TIERS, months_between
from cwbsim.model.state.edges import Edges
from cwbsim.model.state.structure import Contracts, tiers_seen_from


def _portfolio_contracts(
    spec: EconomySpec,
    a: int,
    budget: float,
    firm_pools: dict,
    firm_employees: np.ndarray,
    rng: np.random.Generator,
) -> list[tuple]:
    """Generate one anchor's contracts: tier by share, sector by mix, supplier by size.

    Suppliers are drawn in one call per sector and tier, durations and months left in
    one call per tier (not one draw per contract: a million households' economy has
    tens of thousands of contracts).
    """
    portfolio = spec.anchors[a].procurement
    targets = np.array(
        [
            portfolio.local_share,
            portfolio.region_share - portfolio.local_share,
            1.0 - portfolio.region_share,
        ]
    ).clip(min=0.0)
    targets = budget * targets / targets.sum()
    sector_keys = [s for s in portfolio.sectors if portfolio.sectors[s] > 0]
    sector_p = np.array([portfolio.sectors[s] for s in sector_keys])
    sector_p = sector_p / sector_p.sum()
    key = f"anchors[{a}].procurement"
    positive = np.flatnonzero(targets > 0)
    if portfolio.contracts < len(positive):
        raise InputError(
            f"{key}.contracts: {portfolio.contracts} contracts cannot cover spend in "
            f"{len(positive)} tiers (allowed: >= {len(positive)})"
        )
    rest = rng.choice(N_TIERS, size=portfolio.contracts - len(positive), p=targets / targets.sum())
    tiers = np.concatenate([positive, rest])
    rows = []
    lo, hi = spec.behaviour.tenders.duration_months
    for t in range(N_TIERS):
        count = int(np.sum(tiers == t))
        if count == 0 or targets[t] == 0:
            continue
        usable = [i for i, s in enumerate(sector_keys) if (SECTIONS.index(s), t) in firm_pools]
        if not usable:
            raise InputError(
                f"{key}: {TIERS[t]}-tier spend of £{targets[t]:,.0f} but no {TIERS[t]}-tier "
                f"firm supplies any of its sectors {sector_keys} (declare such firms, "
                "or set the share to 0)"
            )
        p = sector_p[usable] / sector_p[usable].sum()
        codes = np.array([SECTIONS.index(sector_keys[i]) for i in usable])
        sectors = codes[rng.choice(len(usable), count, p=p)]
        values = rng.lognormal(0.0, portfolio.value_sigma, size=count)
        values *= targets[t] / values.sum()
        suppliers = np.zeros(count, dtype=np.int64)
        for sector in np.unique(sectors):  # one draw per sector's pool, weighted by size
            pool = firm_pools[(int(sector), t)]
            weights = firm_employees[pool].astype(float)
            which = np.flatnonzero(sectors == sector)
            suppliers[which] = pool[rng.choice(len(pool), len(which), p=weights / weights.sum())]
        durations = rng.integers(lo, hi + 1, size=count)
        starts = rng.integers(1, durations + 1)
        rows += [
            (int(supplier), int(sector), float(value), int(start))
            for supplier, sector, value, start in zip(
                suppliers, sectors, values, starts, strict=True
            )
        ]
    return rows


def firm_tiers_seen_from(spec: EconomySpec, firms: Firms, area: str, places: bool) -> np.ndarray:
    """Tier of each firm as an anchor in ``area`` sees it.

    In one place, the spec's tiers; with several places (``places``), an anchor in a
    place sees its own place as local and the other places and the region as region.
    """
    home = [a.code for a in spec.areas].index(area)
    if not places:
        return firms.tier
    return tiers_seen_from(home, spec.areas[home].tier == "local", firms.area, firms.tier)


def build_contracts(
    spec: EconomySpec, firms: Firms, firm_offset: int, rng, places: bool = False
) -> tuple[Contracts, np.ndarray]:
    """All anchors' contracts, and each anchor's tier shares of contract value (its access).

    Tiers are as each anchor sees them (:func:`firm_tiers_seen_from`).
    """
    active = np.flatnonzero(firms.active)
    seen: dict[str, tuple[np.ndarray, dict]] = {}
    for area in dict.fromkeys(a.area for a in spec.anchors):
        firm_tier = firm_tiers_seen_from(spec, firms, area, places)
        pools: dict[tuple[int, int], np.ndarray] = {}
        for (sector, tier), idx in _group(firms.sector[active], firm_tier[active]).items():
            pools[(sector, tier)] = active[idx]
        seen[area] = (firm_tier, pools)
    supplier_index = {name: i for i, name in enumerate(firms.names)}
    anchor, supplier, sector, value, end = [], [], [], [], []
    for a, spec_anchor in enumerate(spec.anchors):
        pools = seen[spec_anchor.area][1]
        budget = spec_anchor.income * spec_anchor.procurement_share
        for c in spec_anchor.contracts:
            anchor.append(a)
            supplier.append(supplier_index[c.supplier])
            sector.append(SECTIONS.index(c.sector))
            value.append(c.value)
            end.append(months_between(spec.start, c.end) + 1)
            budget -= c.value
        if spec_anchor.procurement is not None and budget > 0:
            for f, s, v, e in _portfolio_contracts(spec, a, budget, pools, firms.employees, rng):
                anchor.append(a)
                supplier.append(f)
                sector.append(s)
                value.append(v)
                end.append(e)
    contracts = Contracts(
        anchor=np.array(anchor, dtype=np.int64),
        supplier=np.array(supplier, dtype=np.int64) + firm_offset,
        sector=np.array(sector, dtype=np.int64),
        value=np.array(value, dtype=float),
        end_step=np.array(end, dtype=np.int64),
    )
    tier_of = np.stack([seen[a.area][0] for a in spec.anchors])
    tiers = tier_of[contracts.anchor, contracts.supplier - firm_offset]
    prior = spec.behaviour.tenders.access_prior_contracts
    return contracts, _access(contracts, tiers, len(spec.anchors), prior)


def _access(
    contracts: Contracts, tier: np.ndarray, n_anchor: int, prior_contracts: float
) -> np.ndarray:
    """Each anchor's starting share of contract value by sector and tier, shape (anchors, sections, tiers).

    Per sector, so that a tender keeps the sector's starting mix in
    expectation even where a tier has no firm in some sector; smoothed towards
    the anchor's overall shares by ``prior_contracts`` contracts of mean value
    (``behaviour.tenders.access_prior_contracts``), so that a sector with few contracts is not closed to a tier by
    chance.
    """
    by_sector = np.zeros((n_anchor, len(SECTIONS), N_TIERS))
    np.add.at(by_sector, (contracts.anchor, contracts.sector, tier), contracts.value)
    overall = by_sector.sum(axis=1)
    totals = overall.sum(axis=1, keepdims=True)
    overall = np.divide(overall, totals, out=np.zeros_like(overall), where=totals > 0)
    counts = np.bincount(contracts.anchor, minlength=n_anchor)
    mean_value = np.divide(totals[:, 0], counts, out=np.zeros(n_anchor), where=counts > 0)
    prior = prior_contracts * mean_value[:, None, None] * overall[:, None, :]
    smoothed = by_sector + prior
    sums = smoothed.sum(axis=2, keepdims=True)
    return np.divide(smoothed, sums, out=np.zeros_like(smoothed), where=sums > 0)


def _group(*keys: np.ndarray) -> dict[tuple, np.ndarray]:
    """Indices of equal key tuples, e.g. firms by (sector, tier)."""
    stacked = np.stack(keys, axis=1)
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    order = np.argsort(inverse.ravel(), kind="stable")
    bounds = np.searchsorted(inverse.ravel()[order], np.arange(len(unique) + 1))
    return {
        tuple(int(v) for v in unique[g]): order[bounds[g] : bounds[g + 1]]
        for g in range(len(unique))
    }


def procurement_edges(contracts: Contracts, anchor_income: np.ndarray) -> Edges:
    """Contracts as payment shares: ``value / income`` of the paying anchor.

    Contracts without a supplier (``-1``) have no edge: their money leaks.
    """
    placed = contracts.supplier >= 0
    income = anchor_income[contracts.anchor[placed]]
    share = np.divide(
        contracts.value[placed], income, out=np.zeros(int(placed.sum())), where=income > 0
    )
    return Edges(contracts.anchor[placed].copy(), contracts.supplier[placed].copy(), share)
