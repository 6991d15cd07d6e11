"""Fit the Preston back-cast in pounds by approximate Bayesian computation (pyabc's ABC-SMC).

Targets: the six anchors' 2016/17 procurement with Preston suppliers (£112.3m) and with
Lancashire suppliers, Preston included (£488.7m), in year 4 of ``preston-backcast``,
whose budget phase takes total procurement from £750m to £617m. Free parameters: the
weight on social value, the social value of a Lancashire supplier (a Preston one's is
1) and the share of expiring contracts re-tendered; nothing else enters the fit.

ABC-SMC (Beaumont et al. 2009; Klinger et al. 2018, pyabc) keeps the parameter draws
whose simulated £ fall within a shrinking distance of the reported ones; the last
generation's weighted particles are the posterior. Simulations run through the
project's evaluator (:class:`EvaluatorSampler`), each batch on its own child of one
seed, so a fit is reproducible and does not depend on the number of workers. The fit's
runs use households in cohorts of 20: the anchors' £ by tier do not depend on them
(the in-sample check runs the full economy).
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from cwbsim.model.economy import LocalEconomy
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios import parameters
from cwbsim.scenarios.driver import Driver
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.scenarios.seeds import Seed

SCENARIO = "preston-backcast"
YEAR = 4
"""2016/17: year 4 of a scenario starting in 2013/14."""
TARGETS = {"anchor_spend_local": 112.3e6, "anchor_spend_region": 488.7e6}
"""£ per year, 2016/17: CLES Preston pages; preston.gov.uk/article/1791 (FACTS.md)."""
TARGET_NAMES = {
    "anchor_spend_local": "Spend with Preston suppliers, 2016/17",
    "anchor_spend_region": "Spend with Lancashire suppliers (Preston included), 2016/17",
}
PREFIX = "scenario.intervention.0."


@dataclass(frozen=True)
class Prior:
    """A free parameter: its path, plain name, uniform prior range and where that comes from."""

    path: str
    label: str
    low: float
    high: float
    source: str


PRIORS = (
    Prior(PREFIX + "weight", "Weight on social value in tenders", 0.0, 12.0,
          "assumption: from price only (0) to a weight that makes a Preston bid "
          "e^12 times as likely to win"),
    Prior(PREFIX + "region_value", "Social value of a Lancashire supplier (Preston = 1)",
          0.0, 1.0, "assumption: from no value (0) to a Preston supplier's (1)"),
    Prior(PREFIX + "retender_share", "Share of expiring contracts re-tendered", 0.2, 1.0,
          "assumption: from mostly extended to all re-tendered (the spec's default is 0.5)"),
)  # fmt: skip
FAST = {"spec.households.0.household_weight": 20}
"""Households in cohorts of 20 while fitting (the tier £ do not depend on them)."""


@functools.cache
def _backcast() -> tuple[Scenario, EconomySpec]:
    """The back-cast scenario, read once per process (``parameters.apply`` copies it)."""
    return load_scenario(SCENARIO)


def simulate(payload: tuple[dict[str, float], bool], seed: Seed) -> dict[str, float]:
    """One back-cast run: year-4 £ by tier, shares, and Preston City Council's local share.

    ``payload`` is ``(values, fast)``: parameter path -> value, and whether to use the
    fit's household cohorts.
    """
    values, fast = payload
    plan, spec = parameters.apply(*_backcast(), {**values, **(FAST if fast else {})}, SCENARIO)
    model = LocalEconomy(spec, rng=seed.rng())
    Driver(model, plan.intervention).run(YEAR)
    year = model.recorder.years()[YEAR - 1]
    council = model.recorder.per_anchor(model.economy.anchor_names)["Preston City Council"]
    council = council[YEAR - 1]
    return {
        **{k: float(year[k]) for k in TARGETS},
        "local_share": float(year["local_share"]),
        "region_share": float(year["region_share"]),
        "anchor_spend": float(year["anchor_spend"]),
        "council_local_share": float(council["local_share"]),
    }


def abc_model(values: dict) -> dict[str, float]:
    """Pyabc's model: a back-cast run on a seed drawn from numpy's global generator.

    :class:`EvaluatorSampler` seeds that generator per batch from the fit's seed.
    """
    seed = Seed(int(np.random.randint(0, 2**62)))  # noqa: NPY002 (pyabc's global generator)
    out = simulate(({p.path: float(values[p.path]) for p in PRIORS}, True), seed)
    return {k: out[k] for k in TARGETS}


def distance(simulated: dict, observed: dict) -> float:
    """Root of the summed squared relative misses of the targets."""
    return math.sqrt(sum(((simulated[k] - observed[k]) / observed[k]) ** 2 for k in TARGETS))


def _accepted(payload: tuple, seed: Seed) -> tuple:
    """Simulate until one particle is accepted (pyabc's ``simulate_one``), on ``seed``."""
    import cloudpickle

    factory, pickled = payload
    simulate_one = cloudpickle.loads(pickled)
    state = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key).generate_state(4)
    np.random.seed(state)  # noqa: NPY002 (pyabc draws from numpy's global generator)
    sample = factory()
    tries = 0
    while True:
        particle = simulate_one()
        sample.append(particle)
        tries += 1
        if particle.accepted:
            return sample, tries


def evaluator_sampler(evaluator: Evaluator, root: int):
    """A pyabc sampler that runs its simulations through ``evaluator`` on seeds of ``root``."""
    import cloudpickle
    import pyabc

    class EvaluatorSampler(pyabc.sampler.Sampler):
        """Each accepted particle is one task; task ``j`` of call ``c`` has seed (root, c, j)."""

        def __init__(self) -> None:
            super().__init__()
            self.calls = 0

        def sample_until_n_accepted(self, n, simulate_one, t, **_):
            self.calls += 1
            payload = (self.sample_factory, cloudpickle.dumps(simulate_one))
            tasks = [Task(payload, Seed(root, (self.calls, j))) for j in range(n)]
            results = evaluator.map(_accepted, tasks)
            sample = self._create_empty_sample()
            for part, _tries in results:
                sample += part
            self.nr_evaluations_ = sum(tries for _, tries in results)
            return sample

    return EvaluatorSampler()


@dataclass
class Fit:
    """The posterior: weighted particles, and how the search went."""

    particles: pd.DataFrame
    """One row per particle: a column per parameter path and ``weight`` (summing to 1)."""
    generations: pd.DataFrame
    """``t``, ``epsilon``, ``simulations`` per generation."""
    simulations: int
    paths: list[str]

    def quantiles(self, q: float) -> pd.Series:
        """Weighted quantile ``q`` of each parameter."""
        out = {}
        for path in self.paths:
            order = np.argsort(self.particles[path].to_numpy())
            values = self.particles[path].to_numpy()[order]
            weights = np.cumsum(self.particles["weight"].to_numpy()[order])
            out[path] = float(values[min(np.searchsorted(weights, q), len(values) - 1)])
        return pd.Series(out)


def fit(
    evaluator: Evaluator,
    root: int = 20161,
    population: int = 40,
    generations: int = 5,
    minimum_epsilon: float = 0.05,
    minutes: float = 8.0,
) -> Fit:
    """ABC-SMC posterior of the back-cast's three procurement parameters (module notes)."""
    return abc_fit(
        abc_model, PRIORS, TARGETS, distance, evaluator, root, population, generations,
        minimum_epsilon, minutes,
    )  # fmt: skip


def abc_fit(
    model,
    priors,
    targets: dict[str, float],
    measure,
    evaluator: Evaluator,
    root: int,
    population: int,
    generations: int,
    minimum_epsilon: float,
    minutes: float,
    initial_epsilon: float = 0.4,
) -> Fit:
    """ABC-SMC (pyabc) with uniform priors, its simulations run through ``evaluator``.

    ``model(values) -> dict`` and ``measure(simulated, observed) -> float`` must be
    module-level functions (workers import them); ``root`` seeds everything, so the
    same call gives the same posterior on any number of workers. Each generation keeps
    the particles within the 30% quantile of the last one's distances (from
    ``initial_epsilon``), until ``minimum_epsilon``, ``generations`` or ``minutes``.
    """
    import pyabc

    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Epsilon", "ABC.Distance"):
        logging.getLogger(name).setLevel(logging.WARNING)
    np.random.seed(np.random.SeedSequence(root).generate_state(4))  # noqa: NPY002 (pyabc)
    prior = pyabc.Distribution(
        **{p.path: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors}
    )
    abc = pyabc.ABCSMC(
        model,
        prior,
        measure,
        population_size=population,
        sampler=evaluator_sampler(evaluator, root),
        eps=pyabc.QuantileEpsilon(initial_epsilon=initial_epsilon, alpha=0.3),
    )
    abc.new("sqlite://", dict(targets))
    history = abc.run(
        minimum_epsilon=minimum_epsilon,
        max_nr_populations=generations,
        max_walltime=timedelta(minutes=minutes),
    )
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    particles = frame.reset_index(drop=True)[[p.path for p in priors]].copy()
    particles["weight"] = np.asarray(weights) / np.sum(weights)
    populations = history.get_all_populations()
    table = pd.DataFrame(
        {
            "t": populations["t"],
            "epsilon": populations["epsilon"],
            "simulations": populations["samples"],
        }
    )
    kept = table[table.t >= 0].reset_index(drop=True)
    return Fit(particles, kept, int(history.total_nr_simulations), [p.path for p in priors])
