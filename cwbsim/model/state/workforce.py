"""Who works where: one row per worker slot of a household agent.

A slot stands for ``people`` residents (the household agent's weight). It is
unemployed (``UNEMPLOYED``), employed by an employer outside the model
(``OUTSIDE_JOB``; wages injected from outside) or employed by a modelled
employer (its agent index). Jobs at modelled employers not held by residents
are held by commuters (``commuters``, people), whose wages leak.

An employer pays its wage budget across its jobs in proportion to each job's
wage rate: slot ``s`` at employer ``e`` gets the share
``wage_budget[e] * people[s] * rate[s] / total_rate[e]`` of ``e``'s outflow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cwbsim.model.state.edges import Edges

UNEMPLOYED = -1
OUTSIDE_JOB = -2


@dataclass
class Workforce:
    """Worker slots and commuters.

    Attributes
    ----------
    owner : numpy.ndarray of int, shape (slots,)
        Household agent index of each slot.
    people : numpy.ndarray, shape (slots,)
        Residents per slot.
    employer : numpy.ndarray of int, shape (slots,)
        Agent index of the employer, or ``UNEMPLOYED`` / ``OUTSIDE_JOB``.
    rate : numpy.ndarray, shape (slots,)
        Relative wage rate of the slot's job.
    outside_wage : numpy.ndarray, shape (slots,)
        Median wage at employers outside the model, £ per year per person.
    commuters : numpy.ndarray, shape (n,)
        People commuting in to each employer's jobs.
    commuter_rate : numpy.ndarray, shape (n,)
        Wage rate of each employer's commuters.
    hire_local : numpy.ndarray, shape (n,)
        Chance that an employer's new hire is a local resident (policy lever).
    home_share : numpy.ndarray, shape (employers, areas), optional
        In an economy of several places: of the jobs each employer (agents
        ``0 .. employers - 1``) fills with residents, the share by home area (the
        opening commuting pattern, :func:`cwbsim.model.build.builder.commuting_shares`).
    """

    owner: np.ndarray
    people: np.ndarray
    employer: np.ndarray
    rate: np.ndarray
    outside_wage: np.ndarray
    commuters: np.ndarray
    commuter_rate: np.ndarray
    hire_local: np.ndarray
    home_share: np.ndarray | None = None

    def jobs(self) -> np.ndarray:
        """Headcount of each employer (residents and commuters), shape (n,)."""
        employed = self.employer >= 0
        residents = np.bincount(
            self.employer[employed], self.people[employed], minlength=len(self.commuters)
        )
        return residents + self.commuters

    def total_rate(self) -> np.ndarray:
        """Sum of wage rates over each employer's jobs, shape (n,)."""
        employed = self.employer >= 0
        residents = np.bincount(
            self.employer[employed],
            self.people[employed] * self.rate[employed],
            minlength=len(self.commuters),
        )
        return residents + self.commuters * self.commuter_rate

    def wage_edges(self, wage_budget: np.ndarray) -> Edges:
        """Employer -> household wage shares (of the employer's outflow)."""
        employed = np.flatnonzero(self.employer >= 0)
        employer = self.employer[employed]
        total = self.total_rate()[employer]
        weight = self.people[employed] * self.rate[employed]
        share = np.divide(
            wage_budget[employer] * weight, total, out=np.zeros(len(employed)), where=total > 0
        )
        return Edges(employer.copy(), self.owner[employed].copy(), share)

    def outside_wages(self, n: int) -> np.ndarray:
        """Wages from employers outside the model by household agent, £ per year, shape (n,)."""
        outside = self.employer == OUTSIDE_JOB
        income = np.where(outside, self.people * self.outside_wage * self.rate, 0.0)
        return np.bincount(self.owner, income, minlength=n)

    def unemployed(self, n: int) -> np.ndarray:
        """Unemployed residents by household agent, shape (n,)."""
        return np.bincount(self.owner, self.people * (self.employer == UNEMPLOYED), minlength=n)

    def labour_force(self, n: int) -> np.ndarray:
        """Residents in the labour force by household agent, shape (n,)."""
        return np.bincount(self.owner, self.people, minlength=n)
