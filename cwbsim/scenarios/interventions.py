"""Interventions acting on a running model: targets resolved once, strength ramped each month.

``strength(step)`` is 0 before ``start_year``, then rises linearly to 1 over
``ramp_years`` (at once when 0). Each intervention sets its lever to
``baseline + strength x change``, so it can be applied every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cwbsim.model import levers
from cwbsim.model.codes import LOCAL, REGION, STEPS_PER_YEAR
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.spec.types import OWNERSHIPS, SECTIONS, SIZE_BANDS
from cwbsim.scenarios.schema import (
    AnchorBudget,
    BuyLocal,
    CooperativeConversion,
    LocalHiring,
    LocalInvestment,
    ProcurementPreference,
    WageFloor,
)


def strength(item, step: int) -> float:
    """How far the intervention has ramped up at ``step`` (1-based month), from 0 to 1."""
    start = (item.start_year - 1) * STEPS_PER_YEAR + 1
    if step < start:
        return 0.0
    ramp = item.ramp_years * STEPS_PER_YEAR
    if ramp <= 0:
        return 1.0
    return min(1.0, (step - start + 1) / ramp)


@dataclass
class Starting:
    """What the interventions scale from: the economy as it stood when they were bound.

    Attributes
    ----------
    income : numpy.ndarray
        Each agent's funding from outside, £ per year (anchors' rows; others 0).
    capacity : numpy.ndarray
        Each firm's capacity, £ of sales a year.
    budget_factors : dict
        Each budget intervention's income factor per anchor (they multiply).
    """

    income: np.ndarray
    capacity: np.ndarray
    budget_factors: dict[int, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, model: LocalEconomy) -> Starting:
        """A snapshot of ``model``'s income and capacity."""
        economy = model.economy
        return cls(economy.injection["funding"].copy(), economy.capacity.copy())


class Applied:
    """One intervention bound to one model."""

    def __init__(self, item, model: LocalEconomy, start: Starting):
        self.item = item
        self.model = model
        self.start = start
        economy = model.economy
        names = item.anchors or economy.anchor_names
        self.anchors = np.array([economy.anchor_names.index(n) for n in names], dtype=np.int64)
        self.last = None

    def suppliers(self) -> np.ndarray:
        """Firms currently holding a contract with the targeted anchors."""
        contracts = self.model.economy.contracts
        held = contracts.supplier[np.isin(contracts.anchor, self.anchors)]
        return np.unique(held[held >= 0])

    def apply(self, step: int) -> None:
        """Set the lever for ``step`` once the intervention has started (and when it changes)."""
        level = strength(self.item, step)
        if level == 0.0 and self.last is None:
            return  # not started: leave the lever to the spec and to other interventions
        if level != self.last or self.follows_suppliers:
            self._set(level, step)
            self.last = level

    follows_suppliers = False

    def _set(self, level: float, step: int) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class ApplyProcurement(Applied):
    """Social-value weight, region value and re-tendering, ramped from their values; lots."""

    def _set(self, level, step):
        tendering = self.model.tendering
        if self.last is None:
            self.baseline = tendering.local_weight[self.anchors].copy()
            self.region_before = tendering.social_value[self.anchors, REGION].copy()
            self.renewal_before = tendering.renewal[self.anchors].copy()
        weight = self.baseline + level * (self.item.weight - self.baseline)
        levers.set_local_weight(self.model, self.anchors, weight)
        item = self.item
        region = renewal = None
        if item.region_value is not None:
            region = self.region_before + level * (item.region_value - self.region_before)
        if item.retender_share is not None:
            target = 1.0 - item.retender_share
            renewal = self.renewal_before + level * (target - self.renewal_before)
        if region is not None or renewal is not None:
            levers.set_tender_practice(self.model, self.anchors, region, renewal)
        if item.max_lot:
            levers.set_max_lot(self.model, self.anchors, item.max_lot)


class ApplyEmployers(Applied):
    """Shared by local hiring and wage floors: anchors, and optionally their suppliers."""

    def employers(self) -> np.ndarray:
        """The targeted employers: anchors, and their current suppliers if asked."""
        if self.item.include_suppliers:
            return np.union1d(self.anchors, self.suppliers())
        return self.anchors

    @property
    def follows_suppliers(self) -> bool:
        """Re-apply every step while suppliers are targeted (they change with contracts)."""
        return bool(self.item.include_suppliers) and self.last is not None and self.last > 0


class ApplyHiring(ApplyEmployers):
    """Share of new hires from local residents, ramped from each employer's own share."""

    def __init__(self, item, model, start):
        super().__init__(item, model, start)
        self.baseline = model.economy.workforce.hire_local.copy()

    def _set(self, level, step):
        employers = self.employers()
        base = self.baseline[employers]
        share = base + level * np.maximum(self.item.share - base, 0.0)
        levers.set_local_hiring(self.model, employers, share)


class ApplyWageFloor(ApplyEmployers):
    """Living wage: £ per hour x hours a year, ramped."""

    def _set(self, level, step):
        if level <= 0:
            return
        hours = self.model.spec.behaviour.adaptation.hours_per_year
        levers.set_wage_floor(self.model, self.employers(), level * self.item.hourly * hours)


class ApplyCooperatives(Applied):
    """Convert the first ``level x share`` of the targeted firms, in a fixed random order."""

    def __init__(self, item, model, start):
        super().__init__(item, model, start)
        economy = model.economy
        firm = economy.firm_idx
        owners = [OWNERSHIPS.index(o) for o in item.ownership]
        mask = economy.active & (economy.tier[firm] == LOCAL) & np.isin(economy.ownership, owners)
        if item.sectors:
            mask &= np.isin(economy.sector[firm], [SECTIONS.index(s) for s in item.sectors])
        if item.size_bands:
            mask &= np.isin(economy.size_band, [SIZE_BANDS.index(b) for b in item.size_bands])
        # a child of the run's seed, so binding draws nothing from the model's streams
        order = np.random.default_rng(model.child_seed(3))
        self.candidates = order.permutation(firm[mask])
        self.converted = 0

    def _set(self, level, step):
        target = round(level * self.item.share * len(self.candidates))
        if target > self.converted:
            levers.set_ownership(
                self.model, self.candidates[self.converted : target], levers.COOPERATIVE
            )
            self.converted = target


class ApplyBudget(Applied):
    """Anchor income compounding by ``percent_per_year`` from the start year.

    Several budget interventions multiply: each keeps its own factor per
    anchor in ``start.budget_factors`` and income is the starting income times
    their product.
    """

    follows_suppliers = True  # changes every month while it lasts

    def _set(self, level, step):
        start = (self.item.start_year - 1) * STEPS_PER_YEAR + 1
        months = step - start + 1
        if self.item.years_of_change is not None:
            months = min(months, self.item.years_of_change * STEPS_PER_YEAR)
        factor = (1.0 + self.item.percent_per_year / 100.0) ** (months / STEPS_PER_YEAR)
        own = np.ones(len(self.model.economy.anchor_idx))
        own[self.anchors] = factor
        factors = self.start.budget_factors
        factors[id(self)] = own
        total = np.prod(np.array(list(factors.values())), axis=0)
        anchors = self.model.economy.anchor_idx
        levers.set_anchor_income(self.model, anchors, self.start.income[anchors] * total)


class ApplyBuyLocal(Applied):
    """Households' local share of consumption shifted, ramped, on top of any shift already in force."""

    def _set(self, level, step):
        economy = self.model.economy
        if self.last is None:
            self.baseline = economy.spending.local_shift.copy()
        shift = self.baseline + level * self.item.shift
        levers.set_local_shift(self.model, economy.household_idx, shift)


class ApplyInvestment(Applied):
    """Money invested over the ramp (at least a year) and the capacity it builds."""

    def __init__(self, item, model, start):
        super().__init__(item, model, start)
        economy = model.economy
        firm = economy.firm_idx
        mask = economy.active & (economy.tier[firm] == LOCAL)
        if item.sectors:
            mask &= np.isin(economy.sector[firm], [SECTIONS.index(s) for s in item.sectors])
        self.firms = firm[mask]
        first = int(firm[0])
        capacity = economy.capacity[self.firms - first]
        self.split = capacity / capacity.sum() if capacity.sum() > 0 else capacity
        self.years = max(item.ramp_years, 1.0)

    follows_suppliers = True

    def _set(self, level, step):
        start = (self.item.start_year - 1) * STEPS_PER_YEAR + 1
        if step < start or not len(self.firms):
            return
        months = step - start + 1
        invested = self.item.amount * min(1.0, months / (self.years * STEPS_PER_YEAR))
        investing = months <= self.years * STEPS_PER_YEAR
        rate = self.item.amount / self.years if investing else 0.0
        first = int(self.model.economy.firm_idx[0])
        levers.set_investment(
            self.model,
            self.firms,
            rate * self.split,
            self.start.capacity[self.firms - first]
            + invested * self.item.capacity_per_pound * self.split,
        )


APPLIERS = {
    ProcurementPreference: ApplyProcurement,
    LocalHiring: ApplyHiring,
    WageFloor: ApplyWageFloor,
    CooperativeConversion: ApplyCooperatives,
    AnchorBudget: ApplyBudget,
    BuyLocal: ApplyBuyLocal,
    LocalInvestment: ApplyInvestment,
}


def bind(interventions, model: LocalEconomy) -> list[Applied]:
    """Resolve each intervention's targets in ``model``, scaling from its state now."""
    start = Starting.of(model)
    return [APPLIERS[type(item)](item, model, start) for item in interventions]
