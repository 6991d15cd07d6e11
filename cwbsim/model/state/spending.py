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

    def shares(self, income: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Propensity to consume and local share of consumption at ``income`` (£/yr per household).

        ``None`` (or a household without a reference income yet) means at the
        reference income: the spec's propensity and local share, plus any shift.
        """
        if income is None:
            income = np.zeros(len(self.population))
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
