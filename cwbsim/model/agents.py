"""Mesa agents. Their state lives in arrays held by the model; agents read it through properties.

Behaviour that moves money is in the engines (all agents at once); behaviour
that decides (tenders) is in :mod:`cwbsim.model.rules.tenders`. An agent is a handle
on one row of the model's arrays, so inspecting agents, drawing them and
exporting them all see the same numbers the engine uses.
"""

from __future__ import annotations

import mesa

from cwbsim.model.spec.types import OWNERSHIPS, SECTIONS, SIZE_BANDS, TIERS


class EconomyAgent(mesa.Agent):
    """An actor whose state is row ``idx`` of the model's arrays."""

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    @property
    def name(self) -> str:
        """Readable name (real names for anchors and named suppliers)."""
        return self.model.economy.name_of(self.idx)

    @property
    def cash(self) -> float:
        """Money received last step, to be spent this step, £."""
        return float(self.model.state.cash[self.idx])

    @property
    def tier(self) -> str:
        """``local``, ``region`` or ``outside``."""
        return TIERS[self.model.economy.tier[self.idx]]

    @property
    def area(self) -> str:
        """Area code."""
        economy = self.model.economy
        return economy.area_codes[economy.area[self.idx]]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.tier})"


class Anchor(EconomyAgent):
    """An anchor institution: income from outside, wages, contracts, the rest spent outside."""

    @property
    def income(self) -> float:
        """Income from outside, £ per year."""
        return float(self.model.economy.injection["funding"][self.idx])

    @property
    def staff(self) -> int:
        """Headcount."""
        return round(float(self.model.economy.workforce.jobs()[self.idx]))


class Firm(EconomyAgent):
    """A supplier or local business."""

    @property
    def _row(self) -> int:
        return self.idx - int(self.model.economy.firm_idx[0])

    @property
    def sector(self) -> str:
        """UK SIC 2007 section."""
        return SECTIONS[self.model.economy.sector[self.idx]]

    @property
    def size_band(self) -> str:
        """micro, small, medium or large."""
        return SIZE_BANDS[self.model.economy.size_band[self._row]]

    @property
    def ownership(self) -> str:
        """local, external or cooperative."""
        return OWNERSHIPS[self.model.economy.ownership[self._row]]

    @property
    def employees(self) -> int:
        """Headcount."""
        return round(float(self.model.economy.workforce.jobs()[self.idx]))

    @property
    def active(self) -> bool:
        """Whether the firm trades."""
        return bool(self.model.economy.active[self._row])


class Household(EconomyAgent):
    """A local household, or a cohort of ``household_weight`` identical households."""

    @property
    def household_weight(self) -> float:
        """Households this agent stands for."""
        return float(self.model.economy.weight[self.idx])
