"""Firm exit after sustained losses, and entry into sectors with unmet local demand.

Exit: a local firm whose smoothed revenue stays below ``exit_revenue_ratio``
of its reference revenue (its revenue at the start, or its capacity's worth
for an entrant) for ``exit_months`` months in a row closes: its staff lose
their jobs, its customers (households' shopping, other firms' inputs) turn to
another active firm of the same sector and tier, its contracts are
re-tendered and its export demand goes. Revenue that cannot cover costs for a
year stands in for "sustained losses": in this flow model every firm passes
its revenue on.

Entry: local demand goes unmet in a sector when local firms there would hire
beyond their capacity, or when a tender that values local supply finds no
local bidder. Once a sector's unmet demand reaches ``entry_threshold`` (£ per
year), a new local firm enters it with chance ``entry_probability`` at each review
(every ``review_months``),
taking over shopping worth the excess from the firms at capacity and bidding
in later tenders. Entrants come from slots held ready per sector (so agent
arrays never change size).
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.codes import LOCAL, N_TIERS
from cwbsim.model.rules.jobs import LabourMarket
from cwbsim.model.spec.behaviour import Behaviour
from cwbsim.model.spec.types import SECTIONS
from cwbsim.model.state.structure import Economy
from cwbsim.model.state.workforce import UNEMPLOYED


class FirmDynamics:
    """Monthly exit and entry of local firms."""

    def __init__(
        self,
        economy: Economy,
        behaviour: Behaviour,
        labour: LabourMarket,
        output_per_job: np.ndarray,
    ):
        self.economy = economy
        self.rules = behaviour.adaptation
        self.labour = labour
        self.output_per_job = output_per_job
        """£ of output a year per job, by SIC section (the sector table's)."""
        self.headroom = behaviour.capacity_headroom
        firm = economy.firm_idx
        self.reference = labour.revenue[firm].copy()
        self.months_low = np.zeros(len(firm), dtype=np.int64)
        self.age = np.full(len(firm), 10**6, dtype=np.int64)
        self.unmet_tenders = np.zeros((len(economy.area_codes), len(SECTIONS)))
        """Value of tenders valuing local supply that found no local bidder, £/yr by the
        anchor's area and sector."""
        self.entered = 0
        self.exited = 0

    def exits(self, months: int = 1) -> np.ndarray:
        """Agent indices of local firms that close, reviewing the last ``months`` months."""
        economy = self.economy
        firm = economy.firm_idx
        self.age += months
        revenue = self.labour.revenue[firm]
        low = revenue < self.rules.exit_revenue_ratio * self.reference
        self.months_low = np.where(low & economy.active, self.months_low + months, 0)
        closing = (
            economy.active
            & (economy.tier[firm] == LOCAL)
            & (self.months_low >= self.rules.exit_months)
            & (self.age > self.rules.grace_months)
        )
        return firm[closing]

    def close(self, firms: np.ndarray, rng: np.random.Generator) -> None:
        """Close ``firms``: lay off staff, send customers elsewhere, drop export demand."""
        economy = self.economy
        first = int(economy.firm_idx[0])
        economy.active[firms - first] = False
        workforce = economy.workforce
        closing = np.zeros(economy.n, dtype=bool)
        closing[firms] = True
        workforce.employer[
            (workforce.employer >= 0) & closing[np.maximum(workforce.employer, 0)]
        ] = UNEMPLOYED
        workforce.commuters[firms] = 0.0
        economy.injection["exports"][firms] = 0.0
        economy.injection["investment"][firms] = 0.0
        for channel in ("consumption", "inputs"):
            self._redirect(economy.edges[channel], closing, rng)
        self.exited += len(firms)

    def _redirect(self, edges, closing: np.ndarray, rng) -> None:
        """Point edges whose payee closed at an active firm of the same sector and tier.

        With several places, of the same sector and area: custom stays in the place.
        """
        economy = self.economy
        moved = np.flatnonzero(closing[edges.payee])
        if not len(moved):
            return
        firm = economy.firm_idx
        keep = np.ones(len(edges), dtype=bool)
        old = edges.payee[moved]
        where = economy.area if economy.multi_place else economy.tier
        stride = len(economy.area_codes) if economy.multi_place else N_TIERS
        group = economy.sector[old] * stride + where[old]
        for key in np.unique(group):
            rows = moved[group == key]
            sector, place = divmod(int(key), stride)
            pool = firm[economy.active & (economy.sector[firm] == sector) & (where[firm] == place)]
            if not len(pool):
                keep[rows] = False
                continue
            edges.payee[rows] = pool[rng.integers(len(pool), size=len(rows))]
        keep &= edges.payee != edges.payer
        if not keep.all():
            edges.payer, edges.payee, edges.share = (
                edges.payer[keep],
                edges.payee[keep],
                edges.share[keep],
            )

    def expand(self, months: int) -> bool:
        """Firms whose demand exceeds their capacity invest to meet it, at the pace they hire.

        Each review closes ``months / adjustment_months`` of the gap between a
        firm's smoothed revenue and its capacity (£ per year), as the labour
        market closes its jobs gap: demand beyond capacity is served after a lag,
        not turned away for ever, so jobs follow demand at the sector's output per
        job. Returns whether any capacity grew.
        """
        economy = self.economy
        firm = economy.firm_idx
        gap = np.maximum(self.labour.revenue[firm] - economy.capacity, 0.0) * economy.active
        if not np.any(gap > 0):
            return False
        economy.capacity += gap * min(1.0, months / self.rules.adjustment_months)
        return True

    def unmet_demand(self, area: int | None = None) -> np.ndarray:
        """Unmet local demand by sector, £ per year: capacity-bound firms plus tenders.

        ``area``: of one place's firms and anchors (``None``: of all local-tier areas).
        """
        economy = self.economy
        firm = economy.firm_idx
        local = economy.active & (economy.tier[firm] == LOCAL)
        tenders = self.unmet_tenders.sum(axis=0)
        if area is not None:
            local &= economy.area[firm] == area
            tenders = self.unmet_tenders[area]
        excess = np.maximum(self.labour.revenue[firm] - economy.capacity, 0.0) * local
        by_sector = np.bincount(economy.sector[firm], excess, minlength=len(SECTIONS))
        return by_sector + tenders

    def entries(self, rng: np.random.Generator) -> np.ndarray:
        """Open new local firms where unmet demand is large enough; return their agent indices.

        With several places, each place's unmet demand draws entrants into that place.
        """
        economy = self.economy
        taking: list[tuple[int, int, float]] = []
        if not economy.multi_place:
            opened = self._entries(None, rng, taking)
        else:
            places = np.flatnonzero(economy.area_tier == LOCAL)
            opened = np.concatenate([self._entries(int(p), rng, taking) for p in places])
        self._take_customers(taking, rng)
        return opened

    def _entries(
        self, area: int | None, rng: np.random.Generator, taking: list[tuple[int, int, float]]
    ) -> np.ndarray:
        economy = self.economy
        firm = economy.firm_idx
        unmet = self.unmet_demand(area)
        opened = []
        in_place = economy.tier[firm] == LOCAL
        if area is not None:
            in_place &= economy.area[firm] == area
        for sector in np.flatnonzero(unmet >= self.rules.entry_threshold):
            if rng.random() >= self.rules.entry_probability:
                continue
            slots = np.flatnonzero(~economy.active & (economy.sector[firm] == sector) & in_place)
            if not len(slots):
                continue
            row = slots[0]
            size = float(
                np.clip(unmet[sector], self.rules.entry_threshold, 20 * self.rules.entry_threshold)
            )
            economy.active[row] = True
            economy.capacity[row] = self.headroom * size
            self.reference[row] = size
            self.age[row] = 0
            self.months_low[row] = 0
            agent = int(firm[row])
            self.labour.revenue_per_job[agent] = self.output_per_job[sector]
            taking.append((agent, int(sector), size))
            if area is None:
                self.unmet_tenders[:, sector] = 0.0
            else:
                self.unmet_tenders[area, sector] = 0.0
            opened.append(agent)
        self.entered += len(opened)
        return np.array(opened, dtype=np.int64)

    def _take_customers(self, taking: list[tuple[int, int, float]], rng) -> None:
        """Each entrant takes shopping worth up to its size (£/yr) from capacity-bound firms.

        ``taking`` lists (entrant, sector, size). An entrant's customers come from the
        active local firms of its sector and place whose revenue is above their capacity,
        edge by edge in a random order until its size is reached. All entrants at once:
        one pass over the consumption edges, then running totals per entrant.
        """
        if not taking:
            return
        economy = self.economy
        edges = economy.edges["consumption"]
        firm = economy.firm_idx
        bound = (
            economy.active
            & (economy.tier[firm] == LOCAL)
            & (self.labour.revenue[firm] > economy.capacity)
        )
        kinds = {(sector, int(economy.area[entrant])) for entrant, sector, _ in taking}
        if len(kinds) < len(taking):
            raise ValueError("two entrants of one sector and place in one review")
        taker = np.full(economy.n, -1, dtype=np.int64)  # the entrant each bound firm loses to
        for k, (entrant, sector, _) in enumerate(taking):
            losing = bound & (economy.sector[firm] == sector)
            losing &= economy.area[firm] == economy.area[entrant]
            taker[firm[losing & (firm != entrant)]] = k
        to = taker[edges.payee]
        candidates = np.flatnonzero(to >= 0)
        if not len(candidates):
            return
        candidates = candidates[np.lexsort((rng.random(len(candidates)), to[candidates]))]
        who = to[candidates]
        value = edges.share[candidates] * self.labour.revenue[edges.payer[candidates]]
        first = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
        run = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(who)]))
        taken = np.cumsum(value)
        taken -= (taken - value)[first][run]
        size = np.array([s for _, _, s in taking])
        agent = np.array([e for e, _, _ in taking], dtype=np.int64)
        take = taken <= size[who]
        edges.payee[candidates[take]] = agent[who[take]]
