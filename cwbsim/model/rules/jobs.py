"""Jobs follow demand: employers hire and lay off with a lag, within their capacity.

Every ``review_months`` each employer compares its jobs with a target: its smoothed
outflow (revenue for firms, income for anchors, £ per year) divided by its
revenue per job at the start, capped for firms by capacity. A share
``review_months / adjustment_months`` of the gap closes at each review. Jobs also turn over
(``churn_per_year``): leavers become unemployed and their jobs are re-filled.
A vacancy is offered to a local resident with the employer's ``hire_local``
chance (its starting resident share, or a local-hiring policy): the
unemployed first, then residents working outside the model; otherwise, or if
no resident is free, a commuter takes it.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.codes import ANCHOR, FIRM, STEPS_PER_YEAR
from cwbsim.model.spec.behaviour import Adaptation
from cwbsim.model.state.structure import Economy
from cwbsim.model.state.workforce import OUTSIDE_JOB, UNEMPLOYED


class LabourMarket:
    """Monthly hiring, lay-offs and turnover over the economy's workforce."""

    def __init__(self, economy: Economy, rules: Adaptation, spent: np.ndarray):
        self.economy = economy
        self.rules = rules
        jobs = economy.workforce.jobs()
        self.is_employer = (economy.kind == ANCHOR) | (economy.kind == FIRM)
        annual = STEPS_PER_YEAR * spent
        self.revenue = annual.copy()
        self.revenue_per_job = np.divide(annual, jobs, out=np.zeros_like(annual), where=jobs > 0)
        self.wage_floor = np.zeros(economy.n)
        """Lowest pay of each employer's jobs, £ per year (0: none; a living-wage policy)."""

    def observe(self, spent: np.ndarray) -> None:
        """Update each agent's smoothed outflow, £ per year (half-life of a few months)."""
        self.revenue += (STEPS_PER_YEAR * spent - self.revenue) / self.rules.adjustment_months

    def targets(self) -> np.ndarray:
        """Jobs each employer would like, shape (n,)."""
        economy = self.economy
        target = np.divide(
            self.revenue,
            self.revenue_per_job,
            out=np.zeros_like(self.revenue),
            where=self.revenue_per_job > 0,
        )
        firm = economy.firm_idx
        capacity_jobs = np.divide(
            economy.capacity,
            self.revenue_per_job[firm],
            out=np.zeros(len(firm)),
            where=self.revenue_per_job[firm] > 0,
        )
        target[firm] = np.where(economy.active, np.minimum(target[firm], capacity_jobs), 0.0)
        return target

    def adjust(self, rng: np.random.Generator) -> None:
        """Turnover, hiring and lay-offs over the ``review_months`` since the last review."""
        workforce = self.economy.workforce
        n = len(workforce.commuters)
        jobs = workforce.jobs()
        months = self.rules.review_months
        gap = (self.targets() - jobs) * min(1.0, months / self.rules.adjustment_months)
        change = np.trunc(gap)
        remainder = gap - change
        change += np.sign(remainder) * (rng.random(n) < np.abs(remainder))
        change[~self.is_employer] = 0.0

        vacancies = np.zeros(n)
        churn = min(1.0, self.rules.churn_per_year * months / STEPS_PER_YEAR)
        # draws for every slot, employed or not, so paired runs stay paired (common
        # random numbers): which slots are drawn never shifts the stream
        leaves = rng.random(len(workforce.employer)) < churn
        key = rng.random(len(workforce.employer))  # the order of lay-offs
        leaving = np.flatnonzero(leaves & (workforce.employer >= 0))
        np.add.at(vacancies, workforce.employer[leaving], workforce.people[leaving])
        workforce.employer[leaving] = UNEMPLOYED
        commuters_leaving = rng.binomial(np.floor(workforce.commuters).astype(np.int64), churn)
        workforce.commuters -= commuters_leaving
        vacancies += commuters_leaving

        self._lay_off(np.maximum(-change, 0.0), vacancies, key)
        vacancies += np.maximum(change, 0.0)
        self._hire(np.maximum(vacancies, 0.0), rng)

    def _lay_off(self, cuts: np.ndarray, vacancies: np.ndarray, key: np.ndarray) -> None:
        """Cut jobs (people): first unfilled vacancies, then residents and commuters in proportion.

        Each shrinking employer lets go its commuters' share of the cuts (rounded), then
        resident slots in a random order (``key``, one uniform draw per slot) while at least
        half a slot's people remain to cut: a slot of ``w`` people goes while ``w / 2`` cuts
        remain. All employers at once: slots sorted by employer and key, with running
        totals per employer.
        """
        workforce = self.economy.workforce
        from_vacancies = np.minimum(cuts, vacancies)
        vacancies -= from_vacancies
        cuts = cuts - from_vacancies
        jobs = workforce.jobs()
        shrinking = np.flatnonzero((cuts > 0) & (jobs > 0))
        if not len(shrinking):
            return
        commuters = workforce.commuters[shrinking]
        from_commuters = np.minimum(
            commuters, np.round(cuts[shrinking] * commuters / jobs[shrinking])
        )
        workforce.commuters[shrinking] -= from_commuters
        remaining = np.zeros(len(cuts))
        remaining[shrinking] = cuts[shrinking] - from_commuters
        slots = np.flatnonzero(workforce.employer >= 0)
        slots = slots[remaining[workforce.employer[slots]] > 0]
        if not len(slots):
            return
        order = np.lexsort((key[slots], workforce.employer[slots]))
        slots = slots[order]
        employer, people = workforce.employer[slots], workforce.people[slots]
        first = np.flatnonzero(np.r_[True, employer[1:] != employer[:-1]])
        run = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(slots)]))
        before = np.cumsum(people) - people  # people let go before this slot, if all were
        before -= before[first][run]
        fits = remaining[employer] - before >= people / 2
        misses = np.cumsum(~fits)
        misses -= (misses - ~fits)[first][run]
        workforce.employer[slots[misses == 0]] = UNEMPLOYED  # up to the first slot that misses

    def _hire(self, vacancies: np.ndarray, rng) -> None:
        """Fill vacancies (people) with local residents, by each employer's chance, or commuters.

        Each vacant job goes to a resident with the employer's ``hire_local``
        chance; the residents wanted are taken from the unemployed, then from
        residents working outside the model, a slot of ``w`` people filling ``w``
        wanted jobs (while at least ``w / 2`` remain); the rest go to commuters.
        """
        workforce = self.economy.workforce
        whole = np.floor(vacancies).astype(np.int64)
        whole += rng.random(len(vacancies)) < (vacancies - whole)
        employers = np.flatnonzero(whole)
        if not len(employers):
            return
        residents = rng.binomial(whole[employers], workforce.hire_local[employers]).astype(float)
        workforce.commuters[employers] += whole[employers] - residents
        unemployed = np.flatnonzero(workforce.employer == UNEMPLOYED)
        outside = np.flatnonzero(workforce.employer == OUTSIDE_JOB)
        pool = np.concatenate([rng.permutation(unemployed), rng.permutation(outside)])
        sigma = self.economy.extra["wage_dispersion"]
        if workforce.home_share is not None:
            self._hire_by_home(employers, residents, pool, sigma, rng)
            return
        if len(pool) and np.all(workforce.people[pool] == workforce.people[pool[0]]):
            self._hire_equal_slots(employers, residents, pool, sigma, rng)
            return
        taken = 0
        for k in rng.permutation(len(employers)):
            e, wanted = employers[k], residents[k]
            while taken < len(pool) and wanted >= workforce.people[pool[taken]] / 2:
                slot = pool[taken]
                workforce.employer[slot] = e
                workforce.rate[slot] = rng.lognormal(0.0, sigma)
                wanted -= workforce.people[slot]
                taken += 1
            if wanted > 0:
                workforce.commuters[e] += wanted

    def _hire_equal_slots(self, employers, residents, pool, sigma, rng) -> None:
        """``_hire`` when every free slot has the same size (the usual case): vectorised."""
        workforce = self.economy.workforce
        size = workforce.people[pool[0]]
        slots = np.floor(residents / size + 0.5).astype(np.int64)
        order = rng.permutation(len(employers))
        wanted = np.repeat(employers[order], slots[order])
        taken = min(len(wanted), len(pool))
        chosen = pool[:taken]
        workforce.employer[chosen] = wanted[:taken]
        workforce.rate[chosen] = rng.lognormal(0.0, sigma, size=taken)
        unfilled = residents - slots * size
        np.add.at(workforce.commuters, wanted[taken:], size)
        workforce.commuters[employers] += np.maximum(unfilled, 0.0)

    def _hire_by_home(self, employers, residents, pool, sigma, rng) -> None:
        """``_hire`` in an economy of several places: residents come from where they commute.

        Each resident job an employer fills draws its holder's home area from the
        employer's opening commuting pattern (``workforce.home_share``: a gravity model
        of distance and workers); the free residents of that area take the jobs drawn
        there, the unemployed first, a slot of ``w`` people taking ``w`` jobs. Jobs an
        area cannot fill go to commuters from outside the economy.
        """
        workforce, economy = self.economy.workforce, self.economy
        wanted = np.repeat(employers, residents.astype(np.int64))  # one entry per person
        wanted = wanted[rng.permutation(len(wanted))]
        cumulative = np.cumsum(workforce.home_share[wanted], axis=1)
        draw = rng.random(len(wanted)) * cumulative[:, -1]
        home = np.minimum((cumulative <= draw[:, None]).sum(axis=1), cumulative.shape[1] - 1)
        home[cumulative[:, -1] <= 0] = -1  # an employer no place's residents work for
        unfilled = np.bincount(wanted[home < 0], minlength=economy.n).astype(float)
        pool_home = economy.area[workforce.owner[pool]]
        employer_order = rng.random(economy.n)  # employers take their turn at random
        for area in np.unique(home[home >= 0]):
            jobs = wanted[home == area]
            # each employer's jobs together, so a slot of w people fills w of one employer's
            jobs = jobs[np.lexsort((jobs, employer_order[jobs]))]
            free = pool[pool_home == area]
            sizes = workforce.people[free]
            start = (np.cumsum(sizes) - sizes).astype(np.int64)
            hired = start < len(jobs)
            chosen = free[hired]
            workforce.employer[chosen] = jobs[start[hired]]
            workforce.rate[chosen] = rng.lognormal(0.0, sigma, size=len(chosen))
            left = jobs[int(sizes[hired].sum()) :]
            np.add.at(unfilled, left, 1.0)
        workforce.commuters += unfilled

    def pay_per_rate(self) -> np.ndarray:
        """£ a year each employer pays per unit of wage rate: wage budget x revenue / total rate.

        A job's wage is this times its rate (0 where an employer has no jobs).
        """
        economy = self.economy
        total = economy.workforce.total_rate()
        return np.divide(
            economy.budget["wages"] * self.revenue, total, out=np.zeros(economy.n), where=total > 0
        )

    def enforce_wage_floor(self) -> bool:
        """Raise the rates of jobs paid below their employer's floor, as far as the budget allows.

        Pay per unit of wage rate, ``u = wage_budget * revenue / total_rate`` (£ per
        year), is kept; rates below ``floor / u`` are lifted to it (commuters too)
        and the wage budget grows by the cost, taken from the anchor's other
        spending or the firm's profit. Where that cannot pay for the floor, rates
        are lifted only to the level the other spending or profit can pay (found by
        bisection), so the floor is partly met and nothing runs away. Returns
        whether any floor is set.
        """
        economy, labour = self.economy, self
        employers = np.flatnonzero(self.wage_floor > 0)
        if not len(employers):
            return False
        workforce = economy.workforce
        budget = economy.budget
        revenue = labour.revenue[employers]
        per_rate = self.pay_per_rate()[employers]
        ok = (revenue > 0) & (per_rate > 0)
        employers, revenue, per_rate = employers[ok], revenue[ok], per_rate[ok]
        source = np.where(economy.kind[employers] == ANCHOR, "other", "profit")
        spare = np.array([budget[c][e] for c, e in zip(source, employers, strict=True)])
        most_total = (budget["wages"][employers] + spare) * revenue / per_rate

        min_rate = np.zeros(economy.n)
        min_rate[employers] = self.wage_floor[employers] / per_rate
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
