"""Households' consumption and saving budgets and shopping shares, from their incomes.

The spending rule itself (how the shares depend on income) is
:class:`cwbsim.model.state.spending.HouseholdSpending`; this module applies it
to the economy's budgets and shopping edges, at the start and once a year.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.codes import LOCAL, N_TIERS, REGION
from cwbsim.model.state.edges import Edges
from cwbsim.model.state.structure import Economy


def consumption_shares(
    edges: Edges,
    economy: Economy,
    consumption_budget: np.ndarray,
    local: np.ndarray,
    region: np.ndarray,
) -> np.ndarray:
    """Share of each household's outflow on each of its shopping edges.

    A household's local-tier budget ``consumption * local`` is split equally over
    its local shops (in its own place), its region budget over its region shops;
    the rest leaks.
    """
    first = int(economy.household_idx[0])
    row = edges.payer - first
    tier = economy.relative_tier(edges.payer, edges.payee)
    key = row * N_TIERS + tier
    count = np.bincount(key, minlength=N_TIERS * len(economy.household_idx))[key]
    part = np.where(tier == LOCAL, local[row], np.where(tier == REGION, region[row], 0.0))
    return consumption_budget[edges.payer] * part / count


def apply_spending(economy: Economy, income: np.ndarray | None) -> None:
    """Set households' consumption and saving budgets and shopping shares from their incomes.

    Parameters
    ----------
    income : numpy.ndarray, shape (households,), or None
        Income per household (not per agent), £ per year; ``None`` at the
        reference income (the spec's shares: how the economy opens).
    """
    spending = economy.spending
    propensity, local = spending.shares(income)
    idx = economy.household_idx
    budget = economy.budget
    budget["consumption"][idx] = (1.0 - spending.tax) * propensity
    budget["savings"][idx] = (1.0 - spending.tax) * (1.0 - propensity)
    edges = economy.edges["consumption"]
    edges.share = consumption_shares(edges, economy, budget["consumption"], local, spending.region)
