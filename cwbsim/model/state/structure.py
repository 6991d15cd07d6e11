"""The arrays that hold an economy's agents, relationships and contracts.

Agents are rows of these arrays (anchors first, then firms, then households);
the Mesa agents read their state through them. Money is £ per year unless a
name says per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cwbsim.model.codes import KINDS, LOCAL, OUTSIDE_TIER, REGION
from cwbsim.model.state.edges import Edges
from cwbsim.model.state.spending import HouseholdSpending
from cwbsim.model.state.workforce import Workforce


@dataclass
class Contracts:
    """Procurement contracts in force: anchor pays supplier ``value`` £ per year until ``end_step``."""

    anchor: np.ndarray
    supplier: np.ndarray
    sector: np.ndarray
    value: np.ndarray
    end_step: np.ndarray

    def __len__(self) -> int:
        return len(self.anchor)

    def extend(self, copies: np.ndarray) -> None:
        """Append copies of rows ``copies`` (for lots split from one contract)."""
        for name in ("anchor", "supplier", "sector", "value", "end_step"):
            column = getattr(self, name)
            setattr(self, name, np.concatenate([column, column[copies]]))


def tiers_seen_from(home, home_is_place, area: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """Tiers of agents in ``area`` (spec tiers ``tier``) as seen from the area ``home``.

    From a place (``home_is_place``) of a city-region, the place itself is local, the
    other modelled areas are region and the rest stays outside; from elsewhere, the
    spec's tiers. ``home`` and ``home_is_place`` are per agent or one value.
    """
    seen = np.where(area == home, LOCAL, np.where(tier == OUTSIDE_TIER, OUTSIDE_TIER, REGION))
    return np.where(home_is_place, seen, tier)


@dataclass
class Economy:
    """Everything the engine needs, as arrays indexed by agent.

    Attributes
    ----------
    kind, tier, area : numpy.ndarray, shape (n,)
        Agent kind (``ANCHOR``, ``FIRM``, ``HOUSEHOLD``), tier and area index.
    weight : numpy.ndarray, shape (n,)
        Real-world actors per agent (households per cohort; 1 otherwise).
    budget : dict[str, numpy.ndarray]
        Share of each agent's outflow going to each channel; columns sum to 1.
    edges : dict[str, Edges]
        Relationships of the edge channels; procurement edges come from ``contracts``.
    injection : dict[str, numpy.ndarray]
        Money from outside by type, £ per year per agent.
    """

    area_codes: list[str]
    area_names: list[str]
    area_tier: np.ndarray
    kind: np.ndarray
    tier: np.ndarray
    area: np.ndarray
    weight: np.ndarray
    names: dict[int, str]
    anchor_idx: np.ndarray
    anchor_names: list[str]
    anchor_income: np.ndarray
    firm_idx: np.ndarray
    sector: np.ndarray
    size_band: np.ndarray
    ownership: np.ndarray
    capacity: np.ndarray
    cost_index: np.ndarray
    active: np.ndarray
    household_idx: np.ndarray
    workforce: Workforce
    budget: dict[str, np.ndarray]
    edges: dict[str, Edges]
    contracts: Contracts
    tender_access: np.ndarray
    injection: dict[str, np.ndarray]
    spending: HouseholdSpending
    owner_profit: Edges
    extra: dict[str, object] = field(default_factory=dict)
    revision: int = 0
    """Counts changes to relationships, budgets or firms (readers cache by it)."""
    channel_revisions: dict[str, int] = field(default_factory=dict)
    """Counts changes to each channel's relationships or budget (readers cache by it)."""
    distance_km: np.ndarray | None = None
    """Distances between the areas' centroids, km (:mod:`cwbsim.model.build.gravity`)."""

    @property
    def multi_place(self) -> bool:
        """More than one area modelled in full (tier local): a city-region economy."""
        return int(np.sum(self.area_tier == LOCAL)) > 1

    def relative_tier(self, payer: np.ndarray, payee: np.ndarray) -> np.ndarray:
        """Tier of each payee as its payer sees it.

        In a one-place economy, the spec's tiers. With several places, a payer in a
        place sees its own place as local, the other places and the region's firms
        as region, and the rest as outside; payers elsewhere see the spec's tiers.
        """
        tier = self.tier[payee]
        if not self.multi_place:
            return tier
        home = self.area[payer]
        return tiers_seen_from(home, self.area_tier[home] == LOCAL, self.area[payee], tier)

    @property
    def n(self) -> int:
        """Number of agents."""
        return len(self.kind)

    @property
    def ownership_of(self) -> np.ndarray:
        """Ownership code of each agent (firms: index into OWNERSHIPS; others -1)."""
        out = np.full(self.n, -1, dtype=np.int64)
        out[self.firm_idx] = self.ownership
        return out

    def name_of(self, i: int) -> str:
        """A readable name for agent ``i``."""
        if i in self.names:
            return self.names[i]
        return f"{KINDS[self.kind[i]]}-{i}"
