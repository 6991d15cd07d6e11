"""Policy levers: what an intervention can change in a running economy.

Each lever sets a level (not a change), so calling it every step with a
ramped value is safe; each then asks the model to rebuild what it touched.
Agent indices are the model's array rows (``model.economy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cwbsim.model.codes import REGION

if TYPE_CHECKING:
    from cwbsim.model.economy import LocalEconomy

COOPERATIVE = 2


def set_local_weight(model: LocalEconomy, anchors: np.ndarray, weight: float) -> None:
    """Weight on social value in the anchors' tenders (0 = price only)."""
    model.tendering.local_weight[anchors] = weight


def set_tender_practice(
    model: LocalEconomy,
    anchors: np.ndarray,
    region_value: np.ndarray | float | None = None,
    renewal: np.ndarray | float | None = None,
) -> None:
    """How the anchors tender: the social value of a region bidder, and the renewal chance.

    ``region_value`` is relative to a local bidder's (1); ``renewal`` is the chance an
    expiring contract is extended without a tender. ``None`` leaves either as it is.
    """
    tendering = model.tendering
    if region_value is not None:
        tendering.social_value[anchors, REGION] = region_value
    if renewal is not None:
        tendering.renewal[anchors] = renewal


def set_max_lot(model: LocalEconomy, anchors: np.ndarray, max_lot: float) -> None:
    """Largest lot the anchors tender, £ per year (lot splitting); ``inf`` for none."""
    model.tendering.max_lot[anchors] = max_lot


def set_local_hiring(model: LocalEconomy, employers: np.ndarray, share: np.ndarray) -> None:
    """Chance that the employers' new hires are local residents."""
    model.economy.workforce.hire_local[employers] = share


def set_wage_floor(model: LocalEconomy, employers: np.ndarray, pounds_per_year: float) -> None:
    """Lowest pay of the employers' jobs, £ per year (a living wage times hours)."""
    model.labour.wage_floor[employers] = pounds_per_year
    model.labour.enforce_wage_floor()
    model.refresh({"wages", "profit", "other"})


def set_ownership(model: LocalEconomy, firms: np.ndarray, code: int) -> None:
    """Change the firms' ownership (e.g. to co-operative: profit to worker-members)."""
    first = int(model.economy.firm_idx[0])
    model.economy.ownership[firms - first] = code
    model.refresh({"profit"})


def set_anchor_income(model: LocalEconomy, anchors: np.ndarray, pounds_per_year) -> None:
    """Anchors' income from outside, £ per year (scalar or per anchor).

    Contracts scale with it, so procurement keeps its share of the anchor's spending.
    """
    economy = model.economy
    economy.injection["funding"][anchors] = pounds_per_year
    scale = np.ones(economy.n)
    scale[anchors] = pounds_per_year / np.where(
        economy.anchor_income[anchors] > 0, economy.anchor_income[anchors], 1.0
    )
    contracts = economy.contracts
    contracts.value *= scale[contracts.anchor]
    economy.anchor_income[anchors] = pounds_per_year
    model.refresh(set(), injections=True)


def set_local_shift(model: LocalEconomy, households: np.ndarray, points) -> None:
    """Add ``points`` to the households' local share of consumption (buy local)."""
    first = int(model.economy.household_idx[0])
    model.economy.spending.local_shift[households - first] = points
    model.update_spending()


def set_investment(
    model: LocalEconomy, firms: np.ndarray, pounds_per_year: np.ndarray, capacity: np.ndarray
) -> None:
    """Outside investment flowing into the firms (£ per year) and their capacity (£ of sales a year).

    Firms that have closed get nothing.
    """
    economy = model.economy
    first = int(economy.firm_idx[0])
    active = economy.active[firms - first]
    firms, pounds_per_year, capacity = (
        firms[active],
        np.asarray(pounds_per_year)[active],
        np.asarray(capacity)[active],
    )
    economy.injection["investment"][firms] = pounds_per_year
    economy.capacity[firms - first] = np.maximum(economy.capacity[firms - first], capacity)
    model.tendering.refresh_pools()
    model.refresh(set(), injections=True)
