"""Build an :class:`Economy` from a spec and a random generator.

Every random draw comes from the ``rng`` passed in (the model's ``model.rng``).
The economy starts at the steady state of its money flows, so year 1 is not a
warm-up transient: firms' export demand is set so that each firm's revenue
equals its headcount times turnover per employee, and each agent starts
holding its steady-state monthly receipts.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.build import labour, networks
from cwbsim.model.build.consumption import apply_spending
from cwbsim.model.build.contracts import build_contracts, procurement_edges
from cwbsim.model.codes import ANCHOR, CHANNELS, FIRM, HOUSEHOLD, INJECTIONS, STEPS_PER_YEAR
from cwbsim.model.engine.analytic import steady_state_iterative
from cwbsim.model.engine.matrices import check_budgets, transition_matrix
from cwbsim.model.record.metrics import income_distribution
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import OWNERSHIPS, SECTIONS, SIZE_BANDS, TIERS
from cwbsim.model.state.structure import Economy


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
    local_areas = [
        area_index[p.area] for p in spec.firms if spec.areas[area_index[p.area]].tier == "local"
    ]
    local_sectors = sorted(
        {
            SECTIONS.index(s)
            for p in spec.firms
            if area_index[p.area] in local_areas
            for s in p.sectors
        }
    )
    slots = spec.behaviour.adaptation.entrants_per_sector
    dormant = np.repeat(np.array(local_sectors, dtype=np.int64), slots)
    if len(dormant) and local_areas:
        parts["area"].append(np.full(len(dormant), local_areas[0]))
        parts["sector"].append(dormant)
        parts["band"].append(np.full(len(dormant), SIZE_BANDS.index("small")))
        parts["owner"].append(np.full(len(dormant), OWNERSHIPS.index("local")))
        parts["employees"].append(np.zeros(len(dormant), dtype=np.int64))
        parts["capacity"].append(np.full(len(dormant), 1.25))
    firms = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in parts.items()}
    firms["active"] = np.ones(len(firms["area"]), dtype=bool)
    if len(dormant) and local_areas:
        firms["active"][-len(dormant) :] = False
    firms["names"] = names
    firms["cost_index"] = rng.lognormal(0.0, 0.1, size=len(firms["area"]))
    return firms


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
    contracts, access = build_contracts(spec, firms, n_anchor, rng)

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
    spending = labour.household_spending(spec, households)
    budget["tax"][household_idx] = spending.tax
    budget["consumption"][household_idx] = (1.0 - spending.tax) * spending.base_propensity
    budget["savings"][household_idx] = (1.0 - spending.tax) * (1.0 - spending.base_propensity)

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
    }
    owner_profit = networks.owner_edges(
        firm_idx, firms, tier, household_idx, households["weight"], rng
    )

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
        capacity=firms["capacity"] * firms["employees"] * costs.turnover_per_employee,
        cost_index=firms["cost_index"],
        active=firms["active"],
        household_idx=household_idx,
        workforce=workforce,
        budget=budget,
        edges=edges,
        contracts=contracts,
        tender_access=access,
        injection=injection,
        spending=spending,
        owner_profit=owner_profit,
        extra={"wage_dispersion": spec.behaviour.wage_dispersion},
    )
    economy.edges["profit"] = networks.profit_edges(economy)
    check_budgets(economy)
    target_revenue = firms["employees"] * costs.turnover_per_employee
    economy.injection["exports"][firm_idx] = _export_demand(economy, target_revenue)
    _income_dependent_spending(economy, target_revenue)
    revenue = STEPS_PER_YEAR * _steady_spending(economy)[firm_idx]
    economy.capacity = firms["capacity"] * np.maximum(revenue, target_revenue)
    return economy


def _steady_spending(economy: Economy) -> np.ndarray:
    """What each agent spends per step at the steady state, £."""
    return steady_state_iterative(transition_matrix(economy), injection_per_step(economy))


def household_income(economy: Economy) -> np.ndarray:
    """Steady-state income per household (not per agent), £ per year."""
    spent = _steady_spending(economy)
    idx = economy.household_idx
    return STEPS_PER_YEAR * spent[idx] / economy.weight[idx]


def _income_dependent_spending(economy: Economy, target_revenue: np.ndarray) -> None:
    """Make spending depend on income, around each population's median, then re-solve exports."""
    if not len(economy.household_idx):
        return
    income = household_income(economy)
    spending = economy.spending
    weight = economy.weight[economy.household_idx]
    for population in np.unique(spending.population):
        mask = spending.population == population
        median, _ = income_distribution(income[mask], weight[mask])
        spending.reference_income[mask] = median
    apply_spending(economy, income)
    check_budgets(economy)
    economy.injection["exports"][economy.firm_idx] = _export_demand(economy, target_revenue)


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
