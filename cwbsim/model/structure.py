"""The arrays that hold an economy's agents, relationships and contracts.

Agents are rows of these arrays (anchors first, then firms, then households);
the Mesa agents read their state through them. Money is £ per year unless a
name says per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from cwbsim.model.spending import HouseholdSpending
    from cwbsim.model.workforce import Workforce

CHANNELS = ("procurement", "wages", "inputs", "consumption", "profit", "tax", "savings", "other")
"""Payment channels. The first five have counterparties (graph edges); all can leak."""

EDGE_CHANNELS = CHANNELS[:5]
INJECTIONS = ("funding", "exports", "transfers", "outside_wages", "investment")
"""Money arriving from outside: anchor funding, export demand, benefits and pensions,
wages paid to residents by employers outside the model, and outside investment in firms."""

LEDGER_CHANNELS = (*CHANNELS, "funding", "exports", "transfers", "investment")
"""Channels in the ledger; outside wages are booked as ``wages`` paid by the outside."""

KINDS = ("anchor", "firm", "household", "outside")
TIER_NAMES = ("local", "region", "outside")
ANCHOR, FIRM, HOUSEHOLD, OUTSIDE = range(4)
LOCAL, REGION, OUTSIDE_TIER = range(3)
N_GROUPS = len(KINDS) * len(TIER_NAMES)
OUTSIDE_GROUP = OUTSIDE * 3 + OUTSIDE_TIER
STEPS_PER_YEAR = 12


def group_of(kind, tier):
    """Ledger group (kind, tier) as one integer ``kind * 3 + tier``: of each agent, or of one pair."""
    return np.asarray(kind, dtype=np.int64) * 3 + np.asarray(tier, dtype=np.int64)


def group_label(group: int) -> tuple[str, str]:
    """The (kind, tier) names of a ledger group."""
    return KINDS[group // 3], TIER_NAMES[group % 3]


@dataclass
class Edges:
    """Standing relationships of one channel: payer pays ``share`` of its outflow to payee."""

    payer: np.ndarray
    payee: np.ndarray
    share: np.ndarray

    @classmethod
    def empty(cls) -> Edges:
        """No relationships."""
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))

    @classmethod
    def concat(cls, parts: list[Edges]) -> Edges:
        """Join several edge sets of the same channel."""
        parts = [p for p in parts if len(p.payer)] or [cls.empty()]
        return cls(
            np.concatenate([p.payer for p in parts]).astype(np.int64),
            np.concatenate([p.payee for p in parts]).astype(np.int64),
            np.concatenate([p.share for p in parts]).astype(np.float64),
        )

    def __len__(self) -> int:
        return len(self.payer)


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
