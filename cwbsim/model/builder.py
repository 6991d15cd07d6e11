"""Build an :class:`Economy` from a spec and a random generator.

Every random draw comes from the ``rng`` passed in (the model's ``model.rng``).
The economy starts at the steady state of its money flows, so year 1 is not a
warm-up transient: firms' export demand is set so that each firm's revenue
equals its headcount times turnover per employee, and each agent starts
holding its steady-state monthly receipts.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model import labour, networks
from cwbsim.model.errors import InputError
from cwbsim.model.matrices import check_budgets, transition_matrix
from cwbsim.model.spec import (
    OWNERSHIPS,
    SECTIONS,
    SIZE_BANDS,
    TIERS,
    EconomySpec,
    months_between,
)
from cwbsim.model.structure import (
    ANCHOR,
    CHANNELS,
    FIRM,
    HOUSEHOLD,
    INJECTIONS,
    STEPS_PER_YEAR,
    Contracts,
    Economy,
    Edges,
)


def draw_employees(band: np.ndarray, ranges: dict, rng: np.random.Generator) -> np.ndarray:
    """Headcount per firm, log-uniform within its size band's range."""
    out = np.zeros(len(band), dtype=np.int64)
    for b, name in enumerate(SIZE_BANDS):
        mask = band == b
        lo, hi = ranges[name]
        draws = np.exp(rng.uniform(np.log(lo), np.log(hi + 1), size=int(mask.sum())))
        out[mask] = np.clip(np.floor(draws), lo, hi).astype(np.int64)
    return out


def _categorical(shares: dict, labels: tuple, size: int, rng: np.random.Generator) -> np.ndarray:
    keys = [k for k in shares if shares[k] > 0]
    p = np.array([shares[k] for k in keys], dtype=float)
    codes = np.array([labels.index(k) for k in keys], dtype=np.int64)
    if size == 0 or not len(keys):
        return np.zeros(size, dtype=np.int64)
    return codes[rng.choice(len(keys), size=size, p=p / p.sum())]


def _firms(spec: EconomySpec, area_index: dict, rng: np.random.Generator) -> dict:
    """Firm attributes: named suppliers first, then the synthetic populations."""
    ranges = spec.behaviour.band_employees
    parts = {k: [] for k in ("area", "sector", "band", "owner", "employees", "capacity")}
    names: list[str] = []
    for supplier in spec.suppliers:
        band = np.array([SIZE_BANDS.index(supplier.size_band)])
        employees = (
            np.array([supplier.employees])
            if supplier.employees
            else draw_employees(band, ranges, rng)
        )
        parts["area"].append(np.array([area_index[supplier.area]]))
        parts["sector"].append(np.array([SECTIONS.index(supplier.sector)]))
        parts["band"].append(band)
        parts["owner"].append(np.array([OWNERSHIPS.index(supplier.ownership)]))
        parts["employees"].append(employees)
        parts["capacity"].append(np.array([1.25]))
        names.append(supplier.name)
    for population in spec.firms:
        count = population.count
        band = _categorical(population.size_bands, SIZE_BANDS, count, rng)
        parts["area"].append(np.full(count, area_index[population.area]))
        parts["sector"].append(_categorical(population.sectors, SECTIONS, count, rng))
        parts["band"].append(band)
        parts["owner"].append(_categorical(population.ownership, OWNERSHIPS, count, rng))
        parts["employees"].append(draw_employees(band, ranges, rng))
        parts["capacity"].append(np.full(count, population.capacity))
    firms = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in parts.items()}
    firms["names"] = names
    firms["cost_index"] = rng.lognormal(0.0, 0.1, size=len(firms["area"]))
    return firms


def _portfolio_contracts(
    spec: EconomySpec,
    a: int,
    budget: float,
    firm_pools: dict,
    firm_employees: np.ndarray,
    rng: np.random.Generator,
) -> list[tuple]:
    """Generate one anchor's contracts: tier by share, sector by mix, supplier by size."""
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
    tiers = rng.choice(3, size=portfolio.contracts, p=targets / targets.sum())
    for t in np.flatnonzero(targets > 0):
        if not np.any(tiers == t):
            tiers[rng.integers(portfolio.contracts)] = t
    key = f"anchors[{a}].procurement"
    rows = []
    lo, hi = spec.behaviour.tenders.duration_months
    for t in range(3):
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
        sectors = [
            SECTIONS.index(sector_keys[usable[k]]) for k in rng.choice(len(usable), count, p=p)
        ]
        values = rng.lognormal(0.0, portfolio.value_sigma, size=count)
        values *= targets[t] / values.sum()
        for sector, value in zip(sectors, values, strict=True):
            pool = firm_pools[(sector, t)]
            weights = firm_employees[pool].astype(float)
            supplier = pool[rng.choice(len(pool), p=weights / weights.sum())]
            duration = rng.integers(lo, hi + 1)
            rows.append((supplier, sector, value, int(rng.integers(1, duration + 1))))
    return rows


def _contracts(
    spec: EconomySpec, firms: dict, firm_offset: int, rng
) -> tuple[Contracts, np.ndarray]:
    """All anchors' contracts, and each anchor's tier shares of contract value (its access)."""
    firm_tier = firms["tier"]
    pools: dict[tuple[int, int], np.ndarray] = {}
    for (sector, tier), idx in _group(firms["sector"], firm_tier).items():
        pools[(sector, tier)] = idx
    supplier_index = {name: i for i, name in enumerate(firms["names"])}
    anchor, supplier, sector, value, end = [], [], [], [], []
    for a, spec_anchor in enumerate(spec.anchors):
        budget = spec_anchor.income * spec_anchor.procurement_share
        for c in spec_anchor.contracts:
            anchor.append(a)
            supplier.append(supplier_index[c.supplier])
            sector.append(SECTIONS.index(c.sector))
            value.append(c.value)
            end.append(months_between(spec.start, c.end) + 1)
            budget -= c.value
        if spec_anchor.procurement is not None and budget > 0:
            for f, s, v, e in _portfolio_contracts(spec, a, budget, pools, firms["employees"], rng):
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
    access = np.zeros((len(spec.anchors), 3))
    np.add.at(
        access, (contracts.anchor, firm_tier[contracts.supplier - firm_offset]), contracts.value
    )
    totals = access.sum(axis=1, keepdims=True)
    access = np.divide(access, totals, out=np.zeros_like(access), where=totals > 0)
    return contracts, access


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
    """Contracts as payment shares: ``value / income`` of the paying anchor."""
    income = anchor_income[contracts.anchor]
    share = np.divide(contracts.value, income, out=np.zeros(len(contracts)), where=income > 0)
    return Edges(contracts.anchor.copy(), contracts.supplier.copy(), share)


def build_economy(spec: EconomySpec, rng: np.random.Generator) -> Economy:
    """Build the arrays of an economy from a validated spec.

    Parameters
    ----------
    spec : EconomySpec
        A validated spec (see :func:`cwbsim.model.spec.load_spec`).
    rng : numpy.random.Generator
        The only source of randomness (the model's ``model.rng``).
    """
    area_codes = [a.code for a in spec.areas]
    area_index = {c: i for i, c in enumerate(area_codes)}
    area_tier = np.array([TIERS.index(a.tier) for a in spec.areas], dtype=np.int64)

    firms = _firms(spec, area_index, rng)
    firms["tier"] = area_tier[firms["area"]]
    n_anchor, n_firm = len(spec.anchors), len(firms["area"])
    contracts, access = _contracts(spec, firms, n_anchor, rng)

    costs = spec.behaviour.firm_costs
    contract_revenue = np.bincount(contracts.supplier - n_anchor, contracts.value, minlength=n_firm)
    needed = np.ceil(contract_revenue / costs.turnover_per_employee).astype(np.int64)
    firms["employees"] = np.maximum(firms["employees"], needed)

    households = labour.households(spec, area_index, rng)
    n_household = len(households["area"])
    n = n_anchor + n_firm + n_household
    firm_idx = np.arange(n_anchor, n_anchor + n_firm)
    household_idx = np.arange(n_anchor + n_firm, n)

    kind = np.concatenate(
        [np.full(n_anchor, ANCHOR), np.full(n_firm, FIRM), np.full(n_household, HOUSEHOLD)]
    )
    anchor_area = np.array([area_index[a.area] for a in spec.anchors], dtype=np.int64)
    area = np.concatenate([anchor_area, firms["area"], households["area"]])
    weight = np.concatenate([np.ones(n_anchor + n_firm), households["weight"]])

    anchor_income = np.array([a.income for a in spec.anchors], dtype=float)
    budget = {c: np.zeros(n) for c in CHANNELS}
    for a, spec_anchor in enumerate(spec.anchors):
        budget["wages"][a] = spec_anchor.wage_share
        budget["procurement"][a] = spec_anchor.procurement_share
        budget["other"][a] = 1.0 - spec_anchor.wage_share - spec_anchor.procurement_share
    budget["wages"][firm_idx] = costs.wage_share
    budget["inputs"][firm_idx] = costs.input_share
    budget["tax"][firm_idx] = costs.tax_share
    budget["profit"][firm_idx] = 1.0 - costs.wage_share - costs.input_share - costs.tax_share
    labour.household_budgets(spec, households, household_idx, budget)

    jobs = np.zeros(n, dtype=np.int64)
    jobs[:n_anchor] = [a.staff for a in spec.anchors]
    jobs[firm_idx] = firms["employees"]
    resident_share = np.zeros(n)
    resident_share[:n_anchor] = [a.local_staff_share for a in spec.anchors]
    firm_behaviour = [spec.behaviour.tiers[t] for t in TIERS]
    resident_share[firm_idx] = [firm_behaviour[t].local_staff_share for t in firms["tier"]]

    workforce = labour.assign_jobs(spec, jobs, resident_share, households, household_idx, rng)
    wage_edges = workforce.wage_edges(budget["wages"])
    tier = area_tier[area]
    edges = {
        "procurement": procurement_edges(contracts, anchor_income),
        "wages": wage_edges,
        "inputs": networks.input_edges(spec, firm_idx, firms, budget["inputs"], rng),
        "consumption": networks.consumption_edges(
            spec, household_idx, households, firm_idx, firms, budget["consumption"], rng
        ),
        "profit": networks.profit_edges(
            firm_idx, firms, tier, household_idx, budget, wage_edges, rng
        ),
    }

    injection = {k: np.zeros(n) for k in INJECTIONS}
    injection["funding"][:n_anchor] = anchor_income
    injection["transfers"][household_idx] = households["transfers"]
    injection["outside_wages"] = workforce.outside_wages(n)

    economy = Economy(
        area_codes=area_codes,
        area_names=[a.name for a in spec.areas],
        area_tier=area_tier,
        kind=kind,
        tier=tier,
        area=area,
        weight=weight,
        names={i: a.name for i, a in enumerate(spec.anchors)}
        | {n_anchor + i: name for i, name in enumerate(firms["names"])},
        anchor_idx=np.arange(n_anchor),
        anchor_names=[a.name for a in spec.anchors],
        anchor_income=anchor_income,
        firm_idx=firm_idx,
        sector=np.concatenate([np.full(n_anchor, -1), firms["sector"], np.full(n_household, -1)]),
        size_band=firms["band"],
        ownership=firms["owner"],
        employees=firms["employees"],
        capacity=firms["capacity"] * firms["employees"] * costs.turnover_per_employee,
        cost_index=firms["cost_index"],
        active=np.ones(n_firm, dtype=bool),
        household_idx=household_idx,
        workforce=workforce,
        budget=budget,
        edges=edges,
        contracts=contracts,
        tender_access=access,
        injection=injection,
    )
    check_budgets(economy)
    target_revenue = firms["employees"] * costs.turnover_per_employee
    economy.injection["exports"][firm_idx] = _export_demand(economy, target_revenue)
    return economy


def injection_per_step(economy: Economy) -> np.ndarray:
    """All money arriving from outside in one step, £ per agent."""
    return sum(economy.injection[k] for k in INJECTIONS) / STEPS_PER_YEAR


def _export_demand(economy: Economy, target_revenue: np.ndarray) -> np.ndarray:
    """Export demand (£ per year) that brings each firm's steady-state revenue to its target.

    Fixing firms' receipts at the target, the other agents' steady state is
    found by iteration; export demand is what local demand leaves to fill
    (never negative: a firm whose local demand exceeds its target keeps it).
    """
    transition = transition_matrix(economy)
    firm = economy.firm_idx
    known = injection_per_step(economy)
    x = known.copy()
    x[firm] = target_revenue / STEPS_PER_YEAR
    for _ in range(1000):
        nxt = transition @ x + known
        nxt[firm] = target_revenue / STEPS_PER_YEAR
        if np.abs(nxt - x).sum() <= 1e-14 * max(np.abs(x).sum(), 1.0):
            break
        x = nxt
    local_demand = (transition @ x)[firm]
    return np.maximum(target_revenue - STEPS_PER_YEAR * local_demand, 0.0)
