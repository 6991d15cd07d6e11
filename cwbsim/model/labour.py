"""Households, their labour supply, jobs and wages.

A household agent stands for ``household_weight`` identical households. Each
has a number of people in the labour force; each such worker is unemployed,
employed by an employer outside the model (wages injected from outside), or
matched to a job at a modelled employer (anchor or firm). Jobs that no local
resident fills are held by commuters from outside the place: their wages leak.
"""

from __future__ import annotations

import numpy as np

from cwbsim.model.spec import EconomySpec
from cwbsim.model.workforce import OUTSIDE_JOB, UNEMPLOYED, Workforce


def households(spec: EconomySpec, area_index: dict, rng: np.random.Generator) -> dict:
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
    out = {k: np.concatenate(v) for k, v in parts.items()}
    transfers = np.zeros(len(out["area"]))
    for p, population in enumerate(spec.households):
        mask = out["population"] == p
        median = np.where(
            out["workers"][mask] == 0, population.transfers_nonworking, population.transfers_working
        )
        noise = rng.lognormal(0.0, population.transfer_sigma, size=int(mask.sum()))
        transfers[mask] = out["weight"][mask] * median * noise
    out["transfers"] = transfers
    return out


def household_budgets(
    spec: EconomySpec, hh: dict, household_idx: np.ndarray, budget: dict[str, np.ndarray]
) -> None:
    """Tax, consumption and saving shares of each household's income."""
    population = hh["population"]
    tax = np.array([p.tax_rate for p in spec.households])[population]
    consume = np.array([p.propensity_to_consume for p in spec.households])[population]
    budget["tax"][household_idx] = tax
    budget["consumption"][household_idx] = (1.0 - tax) * consume
    budget["savings"][household_idx] = (1.0 - tax) * (1.0 - consume)


def assign_jobs(
    spec: EconomySpec,
    jobs: np.ndarray,
    resident_share: np.ndarray,
    hh: dict,
    household_idx: np.ndarray,
    rng: np.random.Generator,
) -> Workforce:
    """Match resident workers to the jobs employers offer to local residents.

    Parameters
    ----------
    jobs : numpy.ndarray, shape (n,)
        Headcount of each employer (0 for households).
    resident_share : numpy.ndarray, shape (n,)
        Share of each employer's jobs open to local residents; also the chance
        that a later hire is a local resident.

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
    weight = hh["weight"]
    population = hh["population"]
    unemployment = np.array([p.unemployment_rate for p in spec.households])[population]
    outside_share = np.array([p.outside_work_share for p in spec.households])[population]
    median_wage = np.array([p.outside_wage for p in spec.households])[population]

    worker_owner = np.repeat(np.arange(len(household_idx)), hh["workers"])
    status = rng.random(len(worker_owner))
    employer = np.full(len(worker_owner), OUTSIDE_JOB, dtype=np.int64)
    employer[status < unemployment[worker_owner]] = UNEMPLOYED
    available = np.flatnonzero(status >= unemployment[worker_owner] + outside_share[worker_owner])

    employer_ids = np.flatnonzero(jobs > 0)
    resident_jobs = np.round(jobs[employer_ids] * resident_share[employer_ids]).astype(np.int64)
    slot_weight = weight.max() if len(weight) else 1.0
    slot_employer = np.repeat(employer_ids, (resident_jobs // slot_weight).astype(np.int64))
    rng.shuffle(available)
    slot_order = rng.permutation(len(slot_employer))
    matched = min(len(available), len(slot_employer))
    employer[available[:matched]] = slot_employer[slot_order[:matched]]

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
        hire_local=resident_share.astype(float).copy(),
    )
