"""Build an :class:`Economy` from a spec and a random generator.

Every random draw comes from the ``rng`` passed in (the model's ``model.rng``).
The economy starts at the steady state of its money flows, so year 1 is not a
warm-up transient: firms' export demand is set so that each firm's revenue
equals its headcount times turnover per employee, and each agent starts
holding its steady-state monthly receipts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cwbsim.model.build import networks
from cwbsim.model.build.consumption import apply_spending
from cwbsim.model.build.contracts import build_contracts, procurement_edges
from cwbsim.model.build.gravity import decay, spec_distances
from cwbsim.model.build.labour import assign_jobs, household_spending
from cwbsim.model.build.population import Firms, Households, draw_firms, draw_households
from cwbsim.model.build.sectors import SectorTable, sector_table, size_factor
from cwbsim.model.codes import ANCHOR, CHANNELS, FIRM, HOUSEHOLD, INJECTIONS, STEPS_PER_YEAR
from cwbsim.model.engine.analytic import steady_state_iterative
from cwbsim.model.engine.matrices import check_budgets, transition_matrix
from cwbsim.model.record.metrics import income_distribution
from cwbsim.model.spec.areas import several_places
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import TIERS
from cwbsim.model.state.edges import Edges
from cwbsim.model.state.spending import HouseholdSpending
from cwbsim.model.state.structure import Economy


@dataclass
class Layout:
    """Where each kind of agent sits in the economy's arrays: anchors, then firms, then households."""

    n_anchor: int
    firm_idx: np.ndarray
    household_idx: np.ndarray

    @classmethod
    def of(cls, anchors: int, firms: int, households: int) -> Layout:
        """The layout of ``anchors`` anchors, ``firms`` firms and ``households`` household agents."""
        return cls(
            anchors,
            np.arange(anchors, anchors + firms),
            np.arange(anchors + firms, anchors + firms + households),
        )

    @property
    def n(self) -> int:
        """Number of agents."""
        return self.n_anchor + len(self.firm_idx) + len(self.household_idx)

    def kind(self) -> np.ndarray:
        """Kind code of each agent."""
        return np.concatenate(
            [
                np.full(self.n_anchor, ANCHOR),
                np.full(len(self.firm_idx), FIRM),
                np.full(len(self.household_idx), HOUSEHOLD),
            ]
        )


def build_economy(spec: EconomySpec, rng: np.random.Generator) -> Economy:
    """Build the arrays of an economy from a validated spec, opening at its steady state.

    Parameters
    ----------
    spec : EconomySpec
        A validated spec (see :func:`cwbsim.model.spec.files.load_spec`).
    rng : numpy.random.Generator
        The only source of randomness (the model's ``model.rng``).
    """
    area_index = {a.code: i for i, a in enumerate(spec.areas)}
    area_tier = np.array([TIERS.index(a.tier) for a in spec.areas], dtype=np.int64)
    distance = spec_distances(spec) if several_places(spec) else None
    firms = draw_firms(spec, area_index, rng)
    firms.tier = area_tier[firms.area]
    contracts, access = build_contracts(spec, firms, len(spec.anchors), rng, distance is not None)
    table = sector_table(spec)
    turnover = table.output_per_job[firms.sector]  # £ a year per job, by the firm's sector
    contract_revenue = np.bincount(
        contracts.supplier - len(spec.anchors), contracts.value, minlength=len(firms)
    )
    firms.employees = np.maximum(  # enough staff for the contracts the firm holds
        firms.employees, np.ceil(contract_revenue / turnover).astype(np.int64)
    )
    households = draw_households(spec, area_index, rng)
    layout = Layout.of(len(spec.anchors), len(firms), len(households))
    spending = household_spending(spec, households)
    workforce = _workforce(spec, layout, firms, households, rng, distance)
    held = {"spending": spending, "workforce": workforce, "contracts": contracts}
    economy = _arrays(spec, layout, area_index, area_tier, firms, households, held, access, table)
    economy.distance_km = distance
    _relationships(spec, economy, firms, households, table, rng)
    _injections(economy, households)
    _open_at_steady_state(economy, firms.capacity, firms.employees * turnover)
    return economy


def _arrays(spec, layout, area_index, area_tier, firms, households, held, access, table) -> Economy:
    """The economy's arrays of agents and their channel budgets.

    The spending rule, workforce and contracts (``held``) and the tender access
    come built; relationships and injections are set next, by the caller.
    """
    anchor_area = np.array([area_index[a.area] for a in spec.anchors], dtype=np.int64)
    area = np.concatenate([anchor_area, firms.area, households.area])
    turnover = table.output_per_job[firms.sector]
    return Economy(
        area_codes=[a.code for a in spec.areas],
        area_names=[a.name for a in spec.areas],
        area_tier=area_tier,
        kind=layout.kind(),
        tier=area_tier[area],
        area=area,
        weight=np.concatenate([np.ones(layout.n_anchor + len(firms)), households.weight]),
        names={i: a.name for i, a in enumerate(spec.anchors)}
        | {layout.n_anchor + i: name for i, name in enumerate(firms.names)},
        anchor_idx=np.arange(layout.n_anchor),
        anchor_names=[a.name for a in spec.anchors],
        anchor_income=np.array([a.income for a in spec.anchors], dtype=float),
        firm_idx=layout.firm_idx,
        sector=np.concatenate(
            [np.full(layout.n_anchor, -1), firms.sector, np.full(len(households), -1)]
        ),
        size_band=firms.band,
        ownership=firms.owner,
        capacity=firms.capacity * firms.employees * turnover,
        cost_index=firms.cost_index,
        active=firms.active,
        household_idx=layout.household_idx,
        budget=_budgets(spec, layout, held["spending"], firms.sector, table),
        edges={},
        tender_access=access,
        injection={},
        **held,
        owner_profit=Edges.empty(),
        extra={"wage_dispersion": spec.behaviour.wage_dispersion},
    )


def _budgets(
    spec: EconomySpec,
    layout: Layout,
    spending: HouseholdSpending,
    sector: np.ndarray,
    table: SectorTable,
) -> dict[str, np.ndarray]:
    """Each agent's shares of its outflow by channel.

    Firms split revenue as their sector does (inputs include imports, which
    leak); households' consumption and savings are set with their shopping
    (:func:`~cwbsim.model.build.consumption.apply_spending`).
    """
    budget = {c: np.zeros(layout.n) for c in CHANNELS}
    for a, anchor in enumerate(spec.anchors):
        budget["wages"][a] = anchor.wage_share
        budget["procurement"][a] = anchor.procurement_share
        budget["other"][a] = 1.0 - anchor.wage_share - anchor.procurement_share
    firm = layout.firm_idx
    budget["wages"][firm] = table.wage[sector]
    budget["inputs"][firm] = table.inputs[sector] + table.imports[sector]
    budget["tax"][firm] = table.tax[sector]
    budget["profit"][firm] = table.profit[sector]
    budget["tax"][layout.household_idx] = spending.tax
    return budget


def _workforce(spec, layout: Layout, firms: Firms, households: Households, rng, distance=None):
    """Jobs at each employer, and who holds them (:func:`~cwbsim.model.build.labour.assign_jobs`)."""
    jobs = np.zeros(layout.n, dtype=np.int64)
    jobs[: layout.n_anchor] = [a.staff for a in spec.anchors]
    jobs[layout.firm_idx] = firms.employees
    resident_share = np.zeros(layout.n)
    resident_share[: layout.n_anchor] = [a.local_staff_share for a in spec.anchors]
    by_tier = np.array([spec.behaviour.tiers[t].local_staff_share for t in TIERS])
    by_band = size_factor(spec, "resident_staff")
    resident_share[layout.firm_idx] = np.minimum(by_tier[firms.tier] * by_band[firms.band], 1.0)
    commuting = None
    if distance is not None:
        area_index = {a.code: i for i, a in enumerate(spec.areas)}
        area = np.concatenate(
            [[area_index[a.area] for a in spec.anchors], firms.area, np.zeros(len(households))]
        ).astype(np.int64)
        commuting = commuting_shares(spec, area, resident_share, households, distance)
        commuting[layout.household_idx] = 0.0
    return assign_jobs(spec, jobs, resident_share, households, layout.household_idx, rng, commuting)


def commuting_shares(spec, area, resident_share, households: Households, distance) -> np.ndarray:
    """Share of each employer's jobs held by residents of each area, shape (agents, areas).

    An employer in a place keeps ``resident_share`` for its own place's residents;
    of the rest, ``places.commuters_from_places`` is held by the other places'
    residents in proportion to their workers times ``exp(-d / commuting_km)`` (a
    gravity model, :mod:`cwbsim.model.build.gravity`). An employer outside the places
    (the region's sample) has ``resident_share`` of its jobs held by the places'
    residents, split the same way. The rest commute in from outside the economy.
    """
    rules = spec.behaviour.places
    n_areas = len(spec.areas)
    workers = np.bincount(households.area, households.weight * households.workers, n_areas)
    pull = workers[None, :] * decay(distance, rules.commuting_km)  # (employer area, home area)
    is_place = workers > 0
    own = np.where(is_place[area], resident_share, 0.0)
    others = pull[area].copy()
    others[np.arange(len(area)), area] = 0.0
    totals = others.sum(axis=1, keepdims=True)
    others = np.divide(others, totals, out=np.zeros_like(others), where=totals > 0)
    rest = np.where(is_place[area], (1.0 - own) * rules.commuters_from_places, resident_share)
    shares = others * rest[:, None]
    shares[np.arange(len(area)), area] += own
    return shares


def _relationships(
    spec, economy: Economy, firms: Firms, households: Households, table: SectorTable, rng
) -> None:
    """Every channel's edges, and the households' spending shares (set once, here).

    Procurement comes from the contracts, wages from the workforce; input
    suppliers and shops are drawn by size; profit goes to owners and
    co-operative members.
    """
    budget = economy.budget
    distance = economy.distance_km
    home = households.area if distance is not None else None
    economy.edges = {
        "procurement": procurement_edges(economy.contracts, economy.anchor_income),
        "wages": economy.workforce.wage_edges(budget["wages"]),
        "inputs": networks.input_edges(spec, economy.firm_idx, firms, table, rng, distance),
        "consumption": networks.consumption_edges(
            spec, economy.household_idx, economy.firm_idx, firms, rng, home, distance
        ),
    }
    economy.owner_profit = networks.owner_edges(
        spec, economy.firm_idx, firms, economy.household_idx, households.weight, rng, home
    )
    apply_spending(economy, None)
    economy.edges["profit"] = networks.profit_edges(economy)


def _injections(economy: Economy, households: Households) -> None:
    """Money from outside: anchors' funding, benefits and pensions, wages from outside employers.

    Export demand is set when the economy opens at its steady state.
    """
    economy.injection = {k: np.zeros(economy.n) for k in INJECTIONS}
    economy.injection["funding"][economy.anchor_idx] = economy.anchor_income
    economy.injection["transfers"][economy.household_idx] = households.transfers
    economy.injection["outside_wages"] = economy.workforce.outside_wages(economy.n)


def _open_at_steady_state(
    economy: Economy, capacity_multiple: np.ndarray, target_revenue: np.ndarray
) -> None:
    """Open the economy at the steady state of its money flows.

    Export demand brings each firm to its target revenue (£ per year);
    spending then depends on income around each population's median; capacity
    is the firm's multiple of its revenue.
    """
    check_budgets(economy)
    economy.injection["exports"][economy.firm_idx] = _export_demand(economy, target_revenue)
    _income_dependent_spending(economy, target_revenue)
    spent = _steady_spending(economy)
    economy.capacity = capacity_multiple * np.maximum(
        STEPS_PER_YEAR * spent[economy.firm_idx], target_revenue
    )
    economy.extra["steady_spent"] = spent  # the engine opens from it, not solving it again


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
