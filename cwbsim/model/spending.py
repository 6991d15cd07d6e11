"""Household spending that depends on income.

Poorer households spend more of their income, and more of it nearby:
``c_i = c_0 * (y_i / y_ref)^-e_c`` and ``l_i = (l_0 + shift) * (y_i / y_ref)^-e_l``,
where ``y_ref`` is the median income of the household's population at the
start, ``c_0`` and ``l_0`` the spec's propensity to consume and local share
(the values at the median), and ``shift`` a buy-local policy. Households
revise their spending once a year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cwbsim.model.structure import LOCAL, REGION, Economy, Edges

MIN_PROPENSITY, MAX_PROPENSITY = 0.3, 1.0


@dataclass
class HouseholdSpending:
    """Per-household spending parameters (arrays over household agents)."""

    population: np.ndarray
    tax: np.ndarray
    base_propensity: np.ndarray
    base_local: np.ndarray
    region: np.ndarray
    reference_income: np.ndarray
    local_shift: np.ndarray
    consumption_elasticity: float
    local_elasticity: float

    def shares(self, income: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Propensity to consume and local share of consumption at ``income`` (£/yr per household)."""
        ratio = np.clip(
            np.divide(
                income,
                self.reference_income,
                out=np.ones_like(income),
                where=self.reference_income > 0,
            ),
            0.05,
            20.0,
        )
        propensity = np.clip(
            self.base_propensity * ratio**-self.consumption_elasticity,
            MIN_PROPENSITY,
            MAX_PROPENSITY,
        )
        local = (self.base_local + self.local_shift) * ratio**-self.local_elasticity
        local = np.clip(local, 0.0, 1.0 - self.region)
        return propensity, local


def consumption_shares(
    edges: Edges,
    economy: Economy,
    consumption_budget: np.ndarray,
    local: np.ndarray,
    region: np.ndarray,
) -> np.ndarray:
    """Share of each household's outflow on each of its shopping edges.

    A household's local-tier budget ``consumption * local`` is split equally over
    its local shops, its region budget over its region shops; the rest leaks.
    """
    first = int(economy.household_idx[0])
    row = edges.payer - first
    tier = economy.tier[edges.payee]
    key = row * 3 + tier
    count = np.bincount(key, minlength=3 * len(economy.household_idx))[key]
    part = np.where(tier == LOCAL, local[row], np.where(tier == REGION, region[row], 0.0))
    return consumption_budget[edges.payer] * part / count


def apply_spending(economy: Economy, income: np.ndarray) -> None:
    """Set households' consumption and saving budgets and shopping shares from their incomes.

    Parameters
    ----------
    income : numpy.ndarray, shape (households,)
        Income per household (not per agent), £ per year.
    """
    spending: HouseholdSpending = economy.spending
    propensity, local = spending.shares(income)
    idx = economy.household_idx
    budget = economy.budget
    budget["consumption"][idx] = (1.0 - spending.tax) * propensity
    budget["savings"][idx] = (1.0 - spending.tax) * (1.0 - propensity)
    edges = economy.edges["consumption"]
    edges.share = consumption_shares(edges, economy, budget["consumption"], local, spending.region)
