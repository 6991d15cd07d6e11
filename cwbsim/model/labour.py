"""Households, their labour supply, jobs and wages.

A household agent stands for ``household_weight`` identical households. Each
has a number of people in the labour force; each such worker is unemployed,
employed by an employer outside the model (wages injected from outside), or
matched to a job at a modelled employer (anchor or firm). Jobs that no local
resident fills are held by commuters from outside the place: their wages leak.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cwbsim.model.spec import EconomySpec
from cwbsim.model.structure import Edges


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


@dataclass
class Employment:
    """Result of matching residents to jobs.

    Attributes
    ----------
    wages : Edges
        Employer -> household wage shares (of the employer's outflow).
    outside_wages : numpy.ndarray, shape (households,)
        Wages from employers outside the model, £ per year.
    labour_force, employed, unemployed : numpy.ndarray, shape (households,)
        People per household agent (already multiplied by the weight).
    """

    wages: Edges
    outside_wages: np.ndarray
    labour_force: np.ndarray
    employed: np.ndarray
    unemployed: np.ndarray


def assign_jobs(
    spec: EconomySpec,
    jobs: np.ndarray,
    resident_share: np.ndarray,
    wage_budget: np.ndarray,
    hh: dict,
    household_idx: np.ndarray,
    rng: np.random.Generator,
) -> Employment:
    """Match resident workers to the jobs employers offer to local residents.

    Parameters
    ----------
    jobs : numpy.ndarray, shape (n,)
        Headcount of each employer (0 for households).
    resident_share : numpy.ndarray, shape (n,)
        Share of each employer's jobs open to local residents.
    wage_budget : numpy.ndarray, shape (n,)
        Share of each employer's outflow paid as wages.

    Notes
    -----
    Wage rates within an employer are log-normal with spread
    ``behaviour.wage_dispersion``. A household cohort of weight ``w`` takes
    jobs ``w`` at a time; the remainder of an employer's resident jobs below
    ``w`` goes to commuters.
    """
    sigma = spec.behaviour.wage_dispersion
    mean_rate = np.exp(sigma**2 / 2)
    n_hh = len(household_idx)
    weight = hh["weight"]
    population = hh["population"]
    unemployment = np.array([p.unemployment_rate for p in spec.households])[population]
    outside_share = np.array([p.outside_work_share for p in spec.households])[population]

    worker_owner = np.repeat(np.arange(n_hh), hh["workers"])
    status = rng.random(len(worker_owner))
    is_unemployed = status < unemployment[worker_owner]
    is_outside = ~is_unemployed & (
        status < unemployment[worker_owner] + outside_share[worker_owner]
    )
    available = np.flatnonzero(~is_unemployed & ~is_outside)

    # Job slots: each slot is taken by one worker of a household agent (w people).
    employer_ids = np.flatnonzero(jobs > 0)
    resident_jobs = np.round(jobs[employer_ids] * resident_share[employer_ids]).astype(np.int64)
    slot_weight = weight.max() if n_hh else 1.0
    slots_per_employer = (resident_jobs // slot_weight).astype(np.int64)
    slot_employer = np.repeat(employer_ids, slots_per_employer)
    rng.shuffle(available)
    slot_order = rng.permutation(len(slot_employer))
    matched = min(len(available), len(slot_employer))
    filled_slots = slot_order[:matched]
    filled_workers = available[:matched]
    unmatched_workers = available[matched:]
    is_outside[unmatched_workers] = True

    rate = rng.lognormal(0.0, sigma, size=matched)
    employer = slot_employer[filled_slots]
    household = worker_owner[filled_workers]
    people = weight[household]
    # Total wage weight of each employer: the resident slots drawn plus the commuters' jobs at the mean.
    filled_people = np.bincount(employer, people, minlength=len(jobs))
    filled_rate = np.bincount(employer, people * rate, minlength=len(jobs))
    total_rate = filled_rate + np.maximum(jobs - filled_people, 0) * mean_rate
    share = wage_budget[employer] * people * rate / total_rate[employer]
    wages = Edges(employer, household_idx[household], share)

    outside_rate = rng.lognormal(0.0, sigma, size=len(worker_owner))
    median_wage = np.array([p.outside_wage for p in spec.households])[population]
    outside_income = np.where(
        is_outside, weight[worker_owner] * median_wage[worker_owner] * outside_rate, 0.0
    )
    outside_wages = np.bincount(worker_owner, outside_income, minlength=n_hh)
    labour_force = hh["workers"] * weight
    unemployed = np.bincount(worker_owner, is_unemployed * weight[worker_owner], minlength=n_hh)
    return Employment(
        wages=wages,
        outside_wages=outside_wages,
        labour_force=labour_force.astype(float),
        employed=labour_force - unemployed,
        unemployed=unemployed,
    )
