"""The codes every room of the model shares: kinds of agent, tiers of place, channels, groups.

Agents are rows of the economy's arrays; their kind and tier are small integer
codes. A ledger *group* is a (kind, tier) pair as one integer,
``kind * N_TIERS + tier``, so flows can be summed by group with ``bincount``.
Money is £ per year unless a name says per step.
"""

from __future__ import annotations

import numpy as np

STEPS_PER_YEAR = 12
"""One step is one month."""

CHANNELS = ("procurement", "wages", "inputs", "consumption", "profit", "tax", "savings", "other")
"""Payment channels. The first five have counterparties (graph edges); all can leak."""

EDGE_CHANNELS = CHANNELS[:5]
INJECTIONS = ("funding", "exports", "transfers", "outside_wages", "investment")
"""Money arriving from outside: anchor funding, export demand, benefits and pensions,
wages paid to residents by employers outside the model, and outside investment in firms."""

LEDGER_CHANNELS = (*CHANNELS, "funding", "exports", "transfers", "investment")
"""Channels in the ledger; outside wages are booked as ``wages`` paid by the outside."""

KINDS = ("anchor", "firm", "household", "outside")
"""Kinds of agent; ``outside`` is the rest of the world in the ledger."""
ANCHOR, FIRM, HOUSEHOLD, OUTSIDE = range(len(KINDS))

TIER_NAMES = ("local", "region", "outside")
"""Tiers of place: the place itself, its wider region, everywhere else."""
LOCAL, REGION, OUTSIDE_TIER = range(len(TIER_NAMES))
N_TIERS = len(TIER_NAMES)

N_GROUPS = len(KINDS) * N_TIERS
"""Ledger groups: every (kind, tier) pair."""


def group_of(kind, tier):
    """Ledger group of a (kind, tier): of each agent (arrays) or of one pair (ints)."""
    return np.asarray(kind, dtype=np.int64) * N_TIERS + np.asarray(tier, dtype=np.int64)


def kind_of_group(group):
    """The kind code of a ledger group (or of an array of them)."""
    return np.asarray(group) // N_TIERS


def tier_of_group(group):
    """The tier code of a ledger group (or of an array of them)."""
    return np.asarray(group) % N_TIERS


def group_label(group: int) -> tuple[str, str]:
    """The (kind, tier) names of a ledger group."""
    return KINDS[int(kind_of_group(group))], TIER_NAMES[int(tier_of_group(group))]


OUTSIDE_GROUP = int(group_of(OUTSIDE, OUTSIDE_TIER))
"""The group of the rest of the world."""

PLACED_KINDS = 3
"""Kinds of agent that sit in an area: anchors, firms and households."""


def area_group(kind, area, n_areas: int):
    """Area-ledger group of a (kind, area): ``kind * n_areas + area`` (arrays or ints).

    The area ledger books flows by kind and area; ``PLACED_KINDS * n_areas`` is the
    rest of the world. Folding areas into tiers gives the (kind, tier) ledger.
    """
    return np.asarray(kind, dtype=np.int64) * n_areas + np.asarray(area, dtype=np.int64)


def area_groups(n_areas: int) -> int:
    """Number of area-ledger groups: every (kind, area) pair and the rest of the world."""
    return PLACED_KINDS * n_areas + 1
