"""Households' labour supply and spending parameters, and the matching of workers to jobs.

A household agent stands for ``household_weight`` identical households. Each
has a number of people in the labour force; each such worker is unemployed,
employed by an employer outside the model (wages injected from outside), or
matched to a job at a modelled employer (anchor or firm). Jobs that no local
resident fills are held by commuters from outside the place: their wages leak.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.build.population import Households
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.state.spending import HouseholdSpending
from cwbsim.model.state.workforce import OUTSIDE_JOB, UNEMPLOYED, Workforce


def household_spending(spec: EconomySpec, hh: Households) -> HouseholdSpending:
    """Per-household spending parameters from the spec (income dependence set later)."""
    population = hh.population
    rules = spec.behaviour.adaptation

    def per_household(field: str) -> np.ndarray:
        return np.array([getattr(p, field) for p in spec.households], dtype=float)[population]

    return HouseholdSpending(
        population=population.copy(),
        tax=per_household("tax_rate"),
        base_propensity=per_household("propensity_to_consume"),
        base_local=per_household("local_share"),
        region=per_household("region_share"),
        reference_income=np.zeros(len(population)),
        local_shift=np.zeros(len(population)),
        consumption_elasticity=rules.consumption_elasticity,
        local_elasticity=rules.local_share_elasticity,
    )


def assign_jobs(
    spec: EconomySpec,
    jobs: np.ndarray,
    resident_share: np.ndarray,
    hh: Households,
    household_idx: np.ndarray,
    rng: np.random.Generator,
    commuting: np.ndarray | None = None,
) -> Workforce:
    """Match resident workers to the jobs employers offer to local residents.

    Parameters
    ----------
    jobs : numpy.ndarray, shape (n,)
        Headcount of each employer (0 for households).
    resident_share : numpy.ndarray, shape (n,)
        Share of each employer's jobs open to local residents (rounded up or
        down at random to whole jobs). The chance that a later hire is a local
        resident starts at the share actually filled.
    commuting : numpy.ndarray, shape (n, areas), optional
        In an economy of several places: the share of each employer's jobs held by
        residents of each area (``resident_share`` is then not read); each place's
        workers are matched to the jobs open to that place.

    Notes
    -----
    Each worker is unemployed with the population's unemployment rate, works
    for an employer outside the model with its ``outside_work_share``, or is
    available for the resident jobs of modelled employers. Available workers
    and resident jobs are matched at random; unmatched workers work outside the
    model, unmatched jobs go to commuters. Wage rates are log-normal with
    spread ``behaviour.wage_dispersion``; a cohort of weight ``w`` takes jobs
    ``w`` at a time.
    """
    sigma = spec.behaviour.wage_dispersion
    mean_rate = np.exp(sigma**2 / 2)
    n = len(jobs)
    weight = hh.weight
    population = hh.population
    unemployment = np.array([p.unemployment_rate for p in spec.households])[population]
    outside_share = np.array([p.outside_work_share for p in spec.households])[population]
    median_wage = np.array([p.outside_wage for p in spec.households])[population]

    worker_owner = np.repeat(np.arange(len(household_idx)), hh.workers)
    status = rng.random(len(worker_owner))
    employer = np.full(len(worker_owner), OUTSIDE_JOB, dtype=np.int64)
    employer[status < unemployment[worker_owner]] = UNEMPLOYED
    unemployed = unemployment[worker_owner]
    available = np.flatnonzero(
        status >= unemployed + outside_share[worker_owner] * (1.0 - unemployed)
    )

    # One unit per resident job, shuffled; a worker slot of w people takes w consecutive
    # units and works for the employer of the first (exact for w = 1, unbiased otherwise).
    if commuting is None:
        expected = (jobs * resident_share)[:, None]
        pools = [available]
    else:
        places = np.unique(hh.area)
        expected = jobs[:, None] * commuting[:, places]
        home = hh.area[worker_owner[available]]
        pools = [available[home == place] for place in places]
    resident_jobs = np.floor(expected).astype(np.int64)
    resident_jobs += (rng.random(expected.size) < (expected - resident_jobs).ravel()).reshape(
        expected.shape
    )
    for column, pool in enumerate(pools):
        units = rng.permutation(np.repeat(np.arange(n), resident_jobs[:, column]))
        rng.shuffle(pool)
        sizes = weight[worker_owner[pool]]
        start = (np.cumsum(sizes) - sizes).astype(np.int64)
        hired = start < len(units)
        employer[pool[hired]] = units[start[hired]]

    opening = resident_share if commuting is None else commuting.sum(axis=1)
    people = weight[worker_owner].astype(float)
    employed = employer >= 0
    filled = np.bincount(employer[employed], people[employed], minlength=n)
    return Workforce(
        owner=household_idx[worker_owner],
        people=people,
        employer=employer,
        rate=rng.lognormal(0.0, sigma, size=len(worker_owner)),
        outside_wage=median_wage[worker_owner].astype(float),
        commuters=np.maximum(jobs - filled, 0.0),
        commuter_rate=np.full(n, mean_rate),
        # new hires keep each employer's starting mix of residents and commuters
        hire_local=np.clip(
            np.divide(filled, jobs, out=np.array(opening, dtype=float), where=jobs > 0), 0.0, 1.0
        ),
        home_share=None if commuting is None else _home_shares(commuting, household_idx),
    )


def _home_shares(commuting: np.ndarray, household_idx: np.ndarray) -> np.ndarray:
    """Each employer's resident jobs by home area, as shares (rows of employers only).

    Employers (anchors, then firms, dormant ones included) come before the households.
    """
    rows = commuting[: int(household_idx.min(initial=len(commuting)))]
    total = rows.sum(axis=1, keepdims=True)
    return np.divide(rows, total, out=np.zeros_like(rows), where=total > 0)
