"""Policy levers: what an intervention can change in a running economy.

Each lever sets a level (not a change), so calling it every step with a
ramped value is safe; each then asks the model to rebuild what it touched.
Agent indices are the model's array rows (``model.economy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cwbsim.model.structure import ANCHOR

if TYPE_CHECKING:
    from cwbsim.model.economy import LocalEconomy

COOPERATIVE = 2


def set_local_weight(model: LocalEconomy, anchors: np.ndarray, weight: float) -> None:
    """Weight on social value in the anchors' tenders (0 = price only)."""
    model.tendering.local_weight[anchors] = weight


def set_max_lot(model: LocalEconomy, anchors: np.ndarray, max_lot: float) -> None:
    """Largest lot the anchors tender, £ per year (lot splitting); ``inf`` for none."""
    model.tendering.max_lot[anchors] = max_lot


def set_local_hiring(model: LocalEconomy, employers: np.ndarray, share: np.ndarray) -> None:
    """Chance that the employers' new hires are local residents."""
    model.economy.workforce.hire_local[employers] = share


def set_wage_floor(model: LocalEconomy, employers: np.ndarray, pounds_per_year: float) -> None:
    """Lowest pay of the employers' jobs, £ per year (a living wage times hours)."""
    model.wage_floor[employers] = pounds_per_year
    enforce_wage_floor(model)
    model.refresh({"wages", "profit", "other"})


def enforce_wage_floor(model: LocalEconomy) -> bool:
    """Raise the rates of jobs paid below their employer's floor, as far as the budget allows.

    Pay per unit of wage rate, ``u = wage_budget * revenue / total_rate`` (£ per
    year), is kept; rates below ``floor / u`` are lifted to it (commuters too)
    and the wage budget grows by the cost, taken from the anchor's other
    spending or the firm's profit. Where that cannot pay for the floor, rates
    are lifted only to the level the other spending or profit can pay (found by
    bisection), so the floor is partly met and nothing runs away. Returns
    whether any floor is set.
    """
    economy, labour = model.economy, model.labour
    employers = np.flatnonzero(model.wage_floor > 0)
    if not len(employers):
        return False
    workforce = economy.workforce
    budget = economy.budget
    revenue = labour.revenue[employers]
    total = workforce.total_rate()[employers]
    bill = budget["wages"][employers] * revenue
    ok = (revenue > 0) & (total > 0) & (bill > 0)
    employers, revenue, total = employers[ok], revenue[ok], total[ok]
    per_rate = bill[ok] / total
    source = np.where(economy.kind[employers] == ANCHOR, "other", "profit")
    spare = np.array([budget[c][e] for c, e in zip(source, employers, strict=True)])
    most_total = (budget["wages"][employers] + spare) * revenue / per_rate

    min_rate = np.zeros(economy.n)
    min_rate[employers] = model.wage_floor[employers] / per_rate
    slots = np.flatnonzero(workforce.employer >= 0)
    employer_of = workforce.employer[slots]
    lifted = np.maximum(workforce.rate[slots], min_rate[employer_of])
    wanted = np.bincount(employer_of, workforce.people[slots] * lifted, minlength=economy.n)
    wanted = wanted[employers] + workforce.commuters[employers] * np.maximum(
        workforce.commuter_rate[employers], min_rate[employers]
    )
    for k in np.flatnonzero(wanted > most_total * (1 + 1e-12)):
        min_rate[employers[k]] = _affordable_rate(workforce, employers[k], most_total[k])

    floor = min_rate[employer_of]
    workforce.rate[slots] = np.maximum(workforce.rate[slots], floor)
    workforce.commuter_rate[employers] = np.maximum(
        workforce.commuter_rate[employers], min_rate[employers]
    )
    needed = per_rate * workforce.total_rate()[employers] / revenue
    extra = np.clip(needed - budget["wages"][employers], 0.0, spare)
    for channel in ("other", "profit"):
        rows = source == channel
        budget["wages"][employers[rows]] += extra[rows]
        budget[channel][employers[rows]] -= extra[rows]
    return True


def _affordable_rate(workforce, employer: int, most_total: float) -> float:
    """The highest minimum rate whose total rate the employer can still pay (bisection)."""
    slots = np.flatnonzero(workforce.employer == employer)
    people, rate = workforce.people[slots], workforce.rate[slots]
    commuters, commuter_rate = workforce.commuters[employer], workforce.commuter_rate[employer]

    def total(m: float) -> float:
        return float((people * np.maximum(rate, m)).sum() + commuters * max(commuter_rate, m))

    lo, hi = 0.0, max(float(rate.max(initial=0.0)), commuter_rate, 1.0)
    while total(hi) < most_total:
        hi *= 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if total(mid) <= most_total else (lo, mid)
    return lo


def set_ownership(model: LocalEconomy, firms: np.ndarray, code: int) -> None:
    """Change the firms' ownership (e.g. to co-operative: profit to worker-members)."""
    first = int(model.economy.firm_idx[0])
    model.economy.ownership[firms - first] = code
    model.refresh({"profit"})


def set_anchor_income(model: LocalEconomy, anchors: np.ndarray, pounds_per_year) -> None:
    """Anchors' income from outside, £ per year (scalar or per anchor).

    Contracts scale with it, so procurement keeps its share of the anchor's spending.
    """
    economy = model.economy
    economy.injection["funding"][anchors] = pounds_per_year
    scale = np.ones(economy.n)
    scale[anchors] = pounds_per_year / np.where(
        economy.anchor_income[anchors] > 0, economy.anchor_income[anchors], 1.0
    )
    contracts = economy.contracts
    contracts.value *= scale[contracts.anchor]
    economy.anchor_income[anchors] = pounds_per_year
    model.refresh(set(), injections=True)


def set_local_shift(model: LocalEconomy, households: np.ndarray, points) -> None:
    """Add ``points`` to the households' local share of consumption (buy local)."""
    first = int(model.economy.household_idx[0])
    model.economy.spending.local_shift[households - first] = points
    model.update_spending()


def set_investment(
    model: LocalEconomy, firms: np.ndarray, pounds_per_year: np.ndarray, capacity: np.ndarray
) -> None:
    """Outside investment flowing into the firms (£ per year) and their capacity (£ of sales a year).

    Firms that have closed get nothing.
    """
    economy = model.economy
    first = int(economy.firm_idx[0])
    active = economy.active[firms - first]
    firms, pounds_per_year, capacity = (
        firms[active],
        np.asarray(pounds_per_year)[active],
        np.asarray(capacity)[active],
    )
    economy.injection["investment"][firms] = pounds_per_year
    economy.capacity[firms - first] = capacity
    model.tendering.refresh_pools()
    model.refresh(set(), injections=True)
