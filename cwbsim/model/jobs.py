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

from cwbsim.model.spec import Adaptation
from cwbsim.model.structure import ANCHOR, FIRM, STEPS_PER_YEAR, Economy
from cwbsim.model.workforce import OUTSIDE_JOB, UNEMPLOYED


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
        employed = np.flatnonzero(workforce.employer >= 0)
        leaving = employed[rng.random(len(employed)) < churn]
        np.add.at(vacancies, workforce.employer[leaving], workforce.people[leaving])
        workforce.employer[leaving] = UNEMPLOYED
        commuters_leaving = rng.binomial(np.floor(workforce.commuters).astype(np.int64), churn)
        workforce.commuters -= commuters_leaving
        vacancies += commuters_leaving

        self._lay_off(np.maximum(-change, 0.0), vacancies, rng)
        vacancies += np.maximum(change, 0.0)
        self._hire(np.maximum(vacancies, 0.0), rng)

    def _lay_off(self, cuts: np.ndarray, vacancies: np.ndarray, rng) -> None:
        """Cut jobs: first unfilled vacancies, then residents and commuters in proportion."""
        workforce = self.economy.workforce
        from_vacancies = np.minimum(cuts, vacancies)
        vacancies -= from_vacancies
        cuts = cuts - from_vacancies
        shrinking = np.flatnonzero(cuts > 0)
        if not len(shrinking):
            return
        order = np.argsort(workforce.employer, kind="stable")
        sorted_employer = workforce.employer[order]
        jobs = workforce.jobs()
        for e in shrinking:
            lo, hi = np.searchsorted(sorted_employer, [e, e + 1])
            slots = order[lo:hi]
            total = jobs[e]
            if total <= 0:
                continue
            from_commuters = min(
                workforce.commuters[e], round(cuts[e] * workforce.commuters[e] / total)
            )
            workforce.commuters[e] -= from_commuters
            residents = round(cuts[e] - from_commuters)
            if residents > 0 and len(slots):
                fired = rng.choice(slots, size=min(residents, len(slots)), replace=False)
                workforce.employer[fired] = UNEMPLOYED

    def _hire(self, vacancies: np.ndarray, rng) -> None:
        """Fill vacancies with local residents (by each employer's chance) or commuters."""
        workforce = self.economy.workforce
        whole = np.floor(vacancies).astype(np.int64)
        whole += rng.random(len(vacancies)) < (vacancies - whole)
        employer = np.repeat(np.arange(len(vacancies)), whole)
        if not len(employer):
            return
        employer = employer[rng.permutation(len(employer))]
        wants_resident = rng.random(len(employer)) < workforce.hire_local[employer]
        unemployed = np.flatnonzero(workforce.employer == UNEMPLOYED)
        outside = np.flatnonzero(workforce.employer == OUTSIDE_JOB)
        pool = np.concatenate([rng.permutation(unemployed), rng.permutation(outside)])
        to_residents = np.flatnonzero(wants_resident)
        taken = min(len(to_residents), len(pool))
        slots = pool[:taken]
        workforce.employer[slots] = employer[to_residents[:taken]]
        sigma = self.economy.extra["wage_dispersion"]
        workforce.rate[slots] = rng.lognormal(0.0, sigma, size=taken)
        to_commuters = np.concatenate([np.flatnonzero(~wants_resident), to_residents[taken:]])
        np.add.at(workforce.commuters, employer[to_commuters], 1.0)
