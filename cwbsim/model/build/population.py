"""The firms and households an economy is built from: who they are and where, drawn from the spec.

Both tables hold arrays in agent order (firms: named suppliers, then each firm
population, then dormant slots for entrants; households: each population's
cohorts). Every random draw comes from the ``rng`` passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cwbsim.model.build.sectors import size_factor
from cwbsim.model.spec.areas import several_places
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import OWNERSHIPS, SECTIONS, SIZE_BANDS


@dataclass
class Firms:
    """Firm agents being built; arrays of shape (firms,).

    Attributes
    ----------
    area, sector, band, owner : numpy.ndarray of int
        Area index, SIC section, size band and ownership codes.
    employees : numpy.ndarray of int
        Headcount.
    capacity : numpy.ndarray
        Capacity as a multiple of the firm's opening turnover.
    active : numpy.ndarray of bool
        Trading now (``False``: a dormant slot waiting for an entrant).
    cost_index : numpy.ndarray
        Relative price of the firm's bids (log-normal around 1).
    names : list of str
        Names of the named suppliers, who come first.
    tier : numpy.ndarray of int
        Tier code of the firm's area (set once areas are known).
    """

    area: np.ndarray
    sector: np.ndarray
    band: np.ndarray
    owner: np.ndarray
    employees: np.ndarray
    capacity: np.ndarray
    active: np.ndarray
    cost_index: np.ndarray
    names: list[str]
    tier: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.area)


@dataclass
class Households:
    """Household agents being built; arrays of shape (household agents,).

    Attributes
    ----------
    area, population : numpy.ndarray of int
        Area index, and index of the spec's household population.
    weight : numpy.ndarray
        Real households per agent (a cohort).
    workers : numpy.ndarray of int
        People in the labour force per household.
    transfers : numpy.ndarray
        Benefit and pension income of the whole cohort, £ per year.
    """

    area: np.ndarray
    population: np.ndarray
    weight: np.ndarray
    workers: np.ndarray
    transfers: np.ndarray

    def __len__(self) -> int:
        return len(self.area)


def draw_employees(band: np.ndarray, ranges: dict, rng: np.random.Generator) -> np.ndarray:
    """Headcount per firm, log-uniform within its size band's range."""
    out = np.zeros(len(band), dtype=np.int64)
    for b, name in enumerate(SIZE_BANDS):
        mask = band == b
        lo, hi = ranges[name]
        draws = np.exp(rng.uniform(np.log(lo), np.log(hi + 1), size=int(mask.sum())))
        out[mask] = np.clip(np.floor(draws), lo, hi).astype(np.int64)
    return out


def _categorical(shares: dict, labels: tuple, size: int, rng: np.random.Generator) -> np.ndarray:
    keys = [k for k in shares if shares[k] > 0]
    p = np.array([shares[k] for k in keys], dtype=float)
    codes = np.array([labels.index(k) for k in keys], dtype=np.int64)
    if size == 0 or not len(keys):
        return np.zeros(size, dtype=np.int64)
    return codes[rng.choice(len(keys), size=size, p=p / p.sum())]


def draw_firms(spec: EconomySpec, area_index: dict, rng: np.random.Generator) -> Firms:
    """Named suppliers first, then the synthetic populations, then dormant slots for entrants.

    Named suppliers and entrants get ``behaviour.capacity_headroom``; each
    population its own ``capacity``.
    """
    ranges = spec.behaviour.band_employees
    headroom = spec.behaviour.capacity_headroom
    parts: dict[str, list] = {
        k: [] for k in ("area", "sector", "band", "owner", "employees", "capacity")
    }
    names: list[str] = []
    for supplier in spec.suppliers:
        band = np.array([SIZE_BANDS.index(supplier.size_band)])
        employees = (
            np.array([supplier.employees])
            if supplier.employees
            else draw_employees(band, ranges, rng)
        )
        parts["area"].append(np.array([area_index[supplier.area]]))
        parts["sector"].append(np.array([SECTIONS.index(supplier.sector)]))
        parts["band"].append(band)
        parts["owner"].append(np.array([OWNERSHIPS.index(supplier.ownership)]))
        parts["employees"].append(employees)
        parts["capacity"].append(np.array([headroom]))
        names.append(supplier.name)
    for population in spec.firms:
        count = population.count
        band = _categorical(population.size_bands, SIZE_BANDS, count, rng)
        parts["area"].append(np.full(count, area_index[population.area]))
        parts["sector"].append(_categorical(population.sectors, SECTIONS, count, rng))
        parts["band"].append(band)
        owner = _categorical(population.ownership, OWNERSHIPS, count, rng)
        ownership = size_factor(spec, "local_ownership")
        if np.any(ownership != 1.0):
            local = population.ownership.get("local", 0.0)
            owner = _owned_by_band(owner, band, local, ownership, rng)
        parts["owner"].append(owner)
        own_range = {b: population.employees for b in SIZE_BANDS} if population.employees else None
        parts["employees"].append(draw_employees(band, own_range or ranges, rng))
        parts["capacity"].append(np.full(count, population.capacity))
    dormant, dormant_area = _dormant_sectors(spec, area_index)
    if len(dormant):
        parts["area"].append(dormant_area)
        parts["sector"].append(dormant)
        parts["band"].append(np.full(len(dormant), SIZE_BANDS.index("small")))
        parts["owner"].append(np.full(len(dormant), OWNERSHIPS.index("local")))
        parts["employees"].append(np.zeros(len(dormant), dtype=np.int64))
        parts["capacity"].append(np.full(len(dormant), headroom))
    columns = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in parts.items()}
    active = np.ones(len(columns["area"]), dtype=bool)
    if len(dormant):
        active[-len(dormant) :] = False
    cost_index = rng.lognormal(0.0, 0.1, size=len(columns["area"]))
    return Firms(**columns, active=active, cost_index=cost_index, names=names)


def _owned_by_band(
    owner: np.ndarray, band: np.ndarray, local: float, factor: np.ndarray, rng
) -> np.ndarray:
    """Re-draw local ownership so a firm of band ``b`` is local with chance ``local * factor[b]``.

    Locally owned firms of a band with a factor below 1 become externally owned, and
    externally owned firms of a band above 1 become local, each at the rate that
    moves the band's expected share from ``local`` to the target; co-operatives stay.
    """
    target = np.minimum(local * factor[band], 1.0)
    draw = rng.random(len(owner))
    is_local, is_external = (
        owner == OWNERSHIPS.index("local"),
        owner == OWNERSHIPS.index("external"),
    )
    keep = np.divide(target, local, out=np.zeros(len(owner)), where=local > 0)
    gain = np.divide(target - local, 1.0 - local, out=np.zeros(len(owner)), where=local < 1)
    owner = owner.copy()
    owner[is_local & (draw >= keep)] = OWNERSHIPS.index("external")
    owner[is_external & (target > local) & (draw < gain)] = OWNERSHIPS.index("local")
    return owner


def _dormant_sectors(spec: EconomySpec, area_index: dict) -> tuple[np.ndarray, np.ndarray]:
    """Sectors of the entrants' dormant slots, and the local area each opens in.

    ``entrants_per_sector`` slots per sector of the local firm populations: in the
    first local area with a firm population when there is one place; in each place,
    for its own sectors, when there are several.
    """
    local_areas = list(
        dict.fromkeys(
            area_index[p.area] for p in spec.firms if spec.areas[area_index[p.area]].tier == "local"
        )
    )
    if not local_areas:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    slots = spec.behaviour.adaptation.entrants_per_sector
    groups = [[area] for area in local_areas] if several_places(spec) else [local_areas]
    sectors, areas = [], []
    for group in groups:
        local_sectors = sorted(
            {
                SECTIONS.index(s)
                for p in spec.firms
                if area_index[p.area] in group
                for s in p.sectors
            }
        )
        sectors.append(np.repeat(np.array(local_sectors, dtype=np.int64), slots))
        areas.append(np.full(len(local_sectors) * slots, group[0], dtype=np.int64))
    return np.concatenate(sectors), np.concatenate(areas)


def draw_households(spec: EconomySpec, area_index: dict, rng: np.random.Generator) -> Households:
    """Household agents: area, weight, workers per household and transfer income (£/year)."""
    parts: dict[str, list] = {k: [] for k in ("area", "weight", "workers", "population")}
    for p, population in enumerate(spec.households):
        w = population.household_weight
        agents = -(-population.count // w)
        weights = np.full(agents, float(w))
        weights[-1] = population.count - w * (agents - 1)
        keys = sorted(population.workers)
        shares = np.array([population.workers[k] for k in keys])
        parts["area"].append(np.full(agents, area_index[population.area]))
        parts["weight"].append(weights)
        parts["workers"].append(
            np.array(keys)[rng.choice(len(keys), agents, p=shares / shares.sum())]
        )
        parts["population"].append(np.full(agents, p))
    columns = {k: np.concatenate(v) for k, v in parts.items()}
    transfers = np.zeros(len(columns["area"]))
    for p, population in enumerate(spec.households):
        mask = columns["population"] == p
        median = np.where(
            columns["workers"][mask] == 0,
            population.transfers_nonworking,
            population.transfers_working,
        )
        noise = rng.lognormal(0.0, population.transfer_sigma, size=int(mask.sum()))
        transfers[mask] = columns["weight"][mask] * median * noise
    return Households(**columns, transfers=transfers)
