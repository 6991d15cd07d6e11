"""Points of view: which areas count as "local" when the metrics are computed.

An economy is a set of areas. Its engines book every flow by area
(:class:`~cwbsim.model.engine.flows.AreaFlows`); a :class:`View` names a group of
areas and folds the flows into the three tiers the metrics are defined on:
*local* (the group), *region* (the other areas modelled in full or as a firm
sample) and *outside* (everywhere else). Asking about Preston or about the
fourteen districts of Lancashire is therefore a question put to one run, not a
different run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cwbsim.model.codes import (
    LOCAL,
    N_GROUPS,
    N_TIERS,
    OUTSIDE_GROUP,
    OUTSIDE_TIER,
    PLACED_KINDS,
    REGION,
    area_groups,
)
from cwbsim.model.engine.flows import AreaFlows, StepFlows
from cwbsim.model.spec.areas import joined as _joined


@dataclass(frozen=True)
class View:
    """A group of areas seen as local.

    Attributes
    ----------
    name : str
        How people see the group ("Preston", "Lancashire").
    local : numpy.ndarray of bool, shape (areas,)
        The areas of the group.
    modelled : numpy.ndarray of bool, shape (areas,)
        Areas that are not the rest of the world (tier local or region in the spec):
        the view's region is the modelled areas outside the group.
    """

    name: str
    local: np.ndarray
    modelled: np.ndarray

    @classmethod
    def default(cls, economy) -> View:
        """The spec's local-tier areas, the view every single-place economy has had."""
        local = economy.area_tier == LOCAL
        names = [n for n, is_local in zip(economy.area_names, local, strict=True) if is_local]
        return cls(_joined(names), local, economy.area_tier != OUTSIDE_TIER)

    @classmethod
    def of(cls, economy, codes: list[str], name: str | None = None) -> View:
        """The view of the areas with ``codes`` (codes of the economy's areas)."""
        local = np.isin(np.array(economy.area_codes), codes)
        names = [n for n, is_local in zip(economy.area_names, local, strict=True) if is_local]
        return cls(name or _joined(names), local, economy.area_tier != OUTSIDE_TIER)

    @property
    def area_tier(self) -> np.ndarray:
        """Tier of each area from this point of view."""
        return np.where(self.local, LOCAL, np.where(self.modelled, REGION, OUTSIDE_TIER))

    def agent_tier(self, economy) -> np.ndarray:
        """Tier of each agent from this point of view."""
        return self.area_tier[economy.area]

    def households(self, economy) -> np.ndarray:
        """Mask over the household agents: those living in the group."""
        return self.local[economy.area[economy.household_idx]]

    @cached_property
    def _folding(self) -> tuple[np.ndarray, np.ndarray]:
        """0/1 matrices from area groups to tier groups, and from supplier areas to tiers."""
        tier = self.area_tier
        n_areas = len(tier)
        group = np.concatenate(
            [kind * N_TIERS + tier for kind in range(PLACED_KINDS)] + [[OUTSIDE_GROUP]]
        )
        to_groups = np.zeros((area_groups(n_areas), N_GROUPS))
        to_groups[np.arange(len(group)), group] = 1.0
        to_tiers = np.zeros((n_areas + 1, N_TIERS))
        to_tiers[np.arange(n_areas + 1), np.append(tier, OUTSIDE_TIER)] = 1.0
        return to_groups, to_tiers

    def fold(self, flows: AreaFlows) -> StepFlows:
        """The flows by tier, with this group as the local tier."""
        to_groups, to_tiers = self._folding
        local = self.local
        return StepFlows(
            ledger=to_groups.T @ flows.ledger @ to_groups,
            household_income=flows.household_income,
            anchor_procurement=flows.anchor_procurement @ to_tiers,
            anchor_income=flows.anchor_income,
            round2=flows.round2[:, local].sum(axis=1),
            round3=flows.round3[:, local][:, :, local].sum(axis=(1, 2)),
            traced_local=float(flows.traced[local].sum()),
            spent=flows.spent,
        )
