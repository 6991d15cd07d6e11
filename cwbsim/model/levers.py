"""Policy levers: what an intervention can change in a running economy.

Each lever sets a level (not a change), so calling it every step with a
ramped value is safe; each then asks the model to rebuild what it touched.
Agent indices are the model's array rows (``model.economy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cwbsim.model.structure import ANCHOR

if TYPE_CHECKING:
    from cwbsim.model.economy import LocalEconomy

COOPERATIVE = 2


def set_local_weight(model: LocalEconomy, anchors: np.ndarray, weight: float) -> None:
    """Weight on social value in the anchors' tenders (0 = price only)."""
    model.tendering.local_weight[anchors] = weight


def set_max_lot(model: LocalEconomy, anchors: np.ndarray, max_lot: float) -> None:
    """Largest lot the anchors tender, £ per year (lot splitting); ``inf`` for none."""
    model.tendering.max_lot[anchors] = max_lot


def set_local_hiring(model: LocalEconomy, employers: np.ndarray, share: np.ndarray) -> None:
    """Chance that the employers' new hires are local residents."""
    model.economy.workforce.hire_local[employers] = share


def set_wage_floor(model: LocalEconomy, employers: np.ndarray, pounds_per_year: float) -> None:
    """Lowest pay of the employers' jobs, £ per year (a living wage times hours)."""
    model.wage_floor[employers] = pounds_per_year
    enforce_wage_floor(model)
    model.refresh({"wages", "profit", "other"})


def enforce_wage_floor(model: LocalEconomy) -> bool:
    """Raise the rates of jobs paid below their employer's floor.

    Pay per unit of wage rate, ``u = wage_budget * revenue / total_rate`` (£ per
    year), is kept; rates below ``floor / u`` are lifted to it (commuters too)
    and the wage budget grows by the cost, taken from the anchor's other
    spending or the firm's profit (never below zero). Returns whether any
    floor is set.
    """
    economy, labour = model.economy, model.labour
    employers = np.flatnonzero(model.wage_floor > 0)
    if not len(employers):
        return False
    workforce = economy.workforce
    budget = economy.budget
    revenue = labour.revenue[employers]
    total = workforce.total_rate()[employers]
    bill = budget["wages"][employers] * revenue
    ok = (revenue > 0) & (total > 0) & (bill > 0)
    employers, revenue, total, bill = employers[ok], revenue[ok], total[ok], bill[ok]
    per_rate = bill / total
    min_rate = np.zeros(economy.n)
    min_rate[employers] = model.wage_floor[employers] / per_rate
    slots = np.flatnonzero(workforce.employer >= 0)
    floor = min_rate[workforce.employer[slots]]
    workforce.rate[slots] = np.maximum(workforce.rate[slots], floor)
    workforce.commuter_rate[employers] = np.maximum(
        workforce.commuter_rate[employers], min_rate[employers]
    )
    wanted = per_rate * workforce.total_rate()[employers] / revenue
    extra = np.maximum(wanted - budget["wages"][employers], 0.0)
    source = np.where(economy.kind[employers] == ANCHOR, 0, 1)
    for code, channel in enumerate(("other", "profit")):
        rows = employers[source == code]
        take = np.minimum(extra[source == code], budget[channel][rows])
        budget["wages"][rows] += take
        budget[channel][rows] -= take
    return True


def set_ownership(model: LocalEconomy, firms: np.ndarray, code: int) -> None:
    """Change the firms' ownership (e.g. to co-operative: profit to worker-members)."""
    first = int(model.economy.firm_idx[0])
    model.economy.ownership[firms - first] = code
    model.refresh({"profit"})


def set_anchor_income(model: LocalEconomy, anchors: np.ndarray, factor: float) -> None:
    """Anchor income as a multiple of its starting income; contracts scale with it."""
    economy = model.economy
    base = model.start_income[anchors]
    economy.injection["funding"][anchors] = base * factor
    scale = np.ones(economy.n)
    scale[anchors] = (
        base
        * factor
        / np.where(economy.anchor_income[anchors] > 0, economy.anchor_income[anchors], 1.0)
    )
    contracts = economy.contracts
    contracts.value *= scale[contracts.anchor]
    economy.anchor_income[anchors] = base * factor
    model.refresh(set(), injections=True)


def set_local_shift(model: LocalEconomy, households: np.ndarray, points: float) -> None:
    """Add ``points`` to the households' local share of consumption (buy local)."""
    first = int(model.economy.household_idx[0])
    model.economy.spending.local_shift[households - first] = points
    model.update_spending()


def set_investment(
    model: LocalEconomy, firms: np.ndarray, pounds_per_year: np.ndarray, capacity_added: np.ndarray
) -> None:
    """Outside investment flowing into the firms (£ per year) and the capacity it has built (£/yr)."""
    economy = model.economy
    first = int(economy.firm_idx[0])
    economy.injection["investment"][firms] = pounds_per_year
    economy.capacity[firms - first] = model.start_capacity[firms - first] + capacity_added
    model.refresh(set(), injections=True)
