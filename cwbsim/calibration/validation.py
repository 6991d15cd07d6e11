"""Validate the Preston model: fit in pounds, check out of sample, widen intervals honestly.

``cwbsim validate preston`` runs, in order (every number of ``docs/validation.md``
comes from here):

1. the ABC posterior of the back-cast's three procurement parameters
   (:mod:`cwbsim.calibration.backcast`), fitted to the 2016/17 £ by tier only;
2. in sample: the back-cast at the posterior medians on the full economy, and its
   posterior predictive (runs on posterior draws);
3. identification: the loss along each parameter with the others at their medians,
   and the posterior's correlations;
4. out of sample, never fitted: Preston City Council's own 2016 local share (28%),
   the change in Preston's median wage and employment against Rose et al. (2023),
   and the workers lifted to the living wage (about 4,000, 2012/13 to 2018) under
   ``preston-cwb``;
5. the procurement shift's headline results with intervals of seed noise only and of
   seeds plus parameters (:mod:`cwbsim.scenarios.compare`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cwbsim.calibration import backcast
from cwbsim.model.codes import LOCAL
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.record.metrics import income_distribution
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.uncertain import UncertainParameter
from cwbsim.scenarios import parameters, uncertainty
from cwbsim.scenarios.compare import compare, interval, parameter_interval
from cwbsim.scenarios.driver import Driver
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.scenarios.seeds import Seed, replicates

REPORTED = {
    "council_local_share": 0.28,
    "median_wage_change": 0.11,
    "median_wage_change_low": 0.018,
    "median_wage_change_high": 0.189,
    "living_wage_workers": 4000.0,
}
"""Published outcomes never used in the fit (FACTS.md): Preston City Council 28% local in
2016 (CLES 2017); median hourly wages +11% (credible interval 1.8-18.9%) and no
significant employment effect against synthetic controls (Rose et al. 2023); about
4,000 more Preston employees on the Real Living Wage 2012/13-2018 (preston.gov.uk)."""
OUTCOME_YEAR = 5
"""2017/18, the last year before Rose et al.'s and the living-wage count's end (2018)."""


@dataclass
class Settings:
    """How much work the validation does (the defaults fit in 15 minutes on 2 cores)."""

    root: int = 20161
    population: int = 25
    generations: int = 5
    minimum_epsilon: float = 0.05
    minutes: float = 30.0
    """A safety stop only: the generations and epsilon decide, so a fit is reproducible."""
    in_sample_seeds: int = 8
    predictive_draws: int = 12
    profile_points: int = 6
    profile_seeds: int = 2
    compare_seeds: int = 8
    """Paired seeds of the out-of-sample comparison."""
    headline_seeds: int = 16
    """Paired seeds of the headline comparison (the parameters' variance needs them)."""


@dataclass
class Validation:
    """Everything the document reports."""

    settings: Settings
    fit: backcast.Fit
    central: dict[str, float]
    in_sample: pd.DataFrame
    profile: pd.DataFrame
    correlation: pd.DataFrame
    out_of_sample: pd.DataFrame
    headline: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: dict[str, float] = field(default_factory=dict)


def job_wages(model: LocalEconomy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every job at an employer located in the place: its £ wage a year, people, employer.

    An employer pays ``wage budget x revenue / total rate`` per unit of wage rate
    (:meth:`LabourMarket.pay_per_rate`); residents' jobs are worker slots,
    commuters' jobs one group per employer.
    """
    economy = model.economy
    workforce = economy.workforce
    per_rate = model.labour.pay_per_rate()
    slots = np.flatnonzero(workforce.employer >= 0)
    employer = workforce.employer[slots]
    here = economy.tier[employer] == LOCAL
    slots, employer = slots[here], employer[here]
    commuting = np.flatnonzero((workforce.commuters > 0) & (economy.tier == LOCAL))
    wages = np.concatenate(
        [
            per_rate[employer] * workforce.rate[slots],
            per_rate[commuting] * workforce.commuter_rate[commuting],
        ]
    )
    people = np.concatenate([workforce.people[slots], workforce.commuters[commuting]])
    return wages, people, np.concatenate([employer, commuting])


def outcomes(payload: tuple[dict, dict, int], seed: Seed) -> dict[str, float]:
    """One run of a scenario: the year's jobs and employment, median wage, living-wage jobs."""
    plan, spec, years = payload
    plan, spec = Scenario.model_validate(plan), EconomySpec.model_validate(spec)
    model = LocalEconomy(spec, rng=seed.rng())
    Driver(model, plan.intervention).run(years)
    year = model.recorder.years()[years - 1]
    wages, people, _ = job_wages(model)
    hours = spec.behaviour.adaptation.hours_per_year
    floors = [i.hourly * hours for i in plan.intervention if i.type == "wage_floor"]
    at_floor = 0.0
    if floors:
        at_floor = float(people[np.isclose(wages, max(floors), rtol=1e-6)].sum())
    return {
        "local_jobs": float(year["local_jobs"]),
        "employment_rate": 1.0 - float(year["unemployment_rate"]),
        "median_wage": income_distribution(wages, people)[0],
        "living_wage_workers": at_floor,
    }


def _posterior_items(fit: backcast.Fit, folder: Path) -> list[UncertainParameter]:
    path = folder / "posterior.csv"
    fit.particles.to_csv(path, index=False)
    return [
        UncertainParameter(path=p.path, distribution="draws", draws=str(path), source="ABC")
        for p in backcast.PRIORS
    ]


def _map(evaluator: Evaluator, function, payloads: list, seeds: list[Seed]) -> list:
    return evaluator.map(function, [Task(p, s) for p, s in zip(payloads, seeds, strict=True)])


def in_sample(evaluator, settings, central, items) -> pd.DataFrame:
    """Back-cast at the medians (full economy) and on posterior draws (the fit's cohorts)."""
    seeds = replicates(settings.root + 1, settings.in_sample_seeds)
    at_median = _map(evaluator, backcast.simulate, [(central, False)] * len(seeds), seeds)
    draws = uncertainty.draw(items, settings.predictive_draws, settings.root + 2).values
    rows = [d.to_dict() for _, d in draws.iterrows()]
    seeds = replicates(settings.root + 3, len(rows))
    predictive = _map(evaluator, backcast.simulate, [(r, True) for r in rows], seeds)
    out = []
    for key in (*backcast.TARGETS, "anchor_spend", "local_share", "region_share",
                "council_local_share"):  # fmt: skip
        central_values = np.array([r[key] for r in at_median])
        drawn = np.array([r[key] for r in predictive])
        seed_lo, seed_hi, _ = interval(central_values)
        out.append(
            {
                "measure": key,
                "median_fit": float(central_values.mean()),
                "seed_lo": seed_lo,
                "seed_hi": seed_hi,
                "predictive_lo": float(np.quantile(drawn, 0.05)),
                "predictive_hi": float(np.quantile(drawn, 0.95)),
            }
        )
    return pd.DataFrame(out)


def profile(evaluator, settings, central) -> pd.DataFrame:
    """The ABC distance along each parameter, the others at their posterior medians."""
    payloads, keys = [], []
    for prior in backcast.PRIORS:
        for value in np.linspace(prior.low, prior.high, settings.profile_points):
            for j in range(settings.profile_seeds):
                payloads.append(({**central, prior.path: float(value)}, True))
                keys.append((prior.path, float(value), j))
    seeds = [Seed(settings.root + 4, (j,)) for _, _, j in keys]
    results = _map(evaluator, backcast.simulate, payloads, seeds)
    rows = [
        {
            "parameter": path,
            "value": value,
            "distance": backcast.distance(r, backcast.TARGETS),
        }
        for (path, value, _), r in zip(keys, results, strict=True)
    ]
    return pd.DataFrame(rows).groupby(["parameter", "value"], as_index=False).distance.mean()


def correlation(fit: backcast.Fit) -> pd.DataFrame:
    """Weighted correlations of the posterior's parameters (a trade-off shows as |r| near 1)."""
    names = [p.path for p in backcast.PRIORS]
    values = fit.particles[names].to_numpy()
    weights = fit.particles["weight"].to_numpy()
    covariance = np.cov(values.T, aweights=weights)
    scale = np.sqrt(np.diag(covariance))
    matrix = covariance / np.outer(scale, scale)
    return pd.DataFrame(matrix, index=names, columns=names)


def with_posterior(
    pair: tuple[Scenario, EconomySpec], items: list[UncertainParameter], central: dict
) -> tuple[Scenario, EconomySpec]:
    """The scenario at this posterior's medians, its fitted parameters drawn from it.

    Its other uncertain parameters are kept as the scenario declares them.
    """
    plan, spec = parameters.apply(*pair, central, "posterior")
    fitted = {i.path for i in items}
    kept = [u for u in plan.uncertain if u.path not in fitted]
    return plan.model_copy(update={"uncertain": kept + items}), spec


def out_of_sample(evaluator, settings, items, central, in_sample_table) -> pd.DataFrame:
    """The outcomes never fitted, against the published figures, with both intervals."""
    base = load_scenario("preston-2012")
    cwb = with_posterior(load_scenario("preston-cwb"), items, central)
    arms = [base, cwb]
    seeds = replicates(settings.root + 5, settings.compare_seeds)
    declared = uncertainty.declared(*cwb)
    draws = uncertainty.draw(declared, settings.compare_seeds, settings.root + 6).values
    payloads, keys = [], []
    for i, seed in enumerate(seeds):
        for kind, pair in (("central", arms),
                           ("drawn", uncertainty.with_draw(arms, draws.iloc[i].to_dict()))):  # fmt: skip
            for arm, (plan, spec) in zip(("baseline", "scenario"), pair, strict=True):
                payloads.append(
                    (plan.model_dump(mode="json"), spec.model_dump(mode="json"), OUTCOME_YEAR)
                )
                keys.append((kind, arm, i, seed))
    results = _map(evaluator, outcomes, payloads, [k[3] for k in keys])
    found = {(kind, arm, i): r for (kind, arm, i, _), r in zip(keys, results, strict=True)}

    def change(kind: str, key: str, relative: bool) -> np.ndarray:
        out = []
        for i in range(len(seeds)):
            b, s = found[(kind, "baseline", i)][key], found[(kind, "scenario", i)][key]
            out.append((s - b) / b if relative else s - b)
        return np.array(out)

    rows = []
    council = in_sample_table.set_index("measure").loc["council_local_share"]
    rows.append({"outcome": "council_local_share", "model": council.median_fit,
                 "seed_lo": council.seed_lo, "seed_hi": council.seed_hi,
                 "param_lo": council.predictive_lo, "param_hi": council.predictive_hi,
                 "reported": REPORTED["council_local_share"]})  # fmt: skip
    for key, relative in (("median_wage", True), ("local_jobs", True),
                          ("employment_rate", False), ("living_wage_workers", False)):  # fmt: skip
        central, drawn = change("central", key, relative), change("drawn", key, relative)
        lo, hi, mean = interval(central)
        p_lo, p_hi, _, _ = parameter_interval(central, drawn)
        rows.append({"outcome": key, "model": mean, "seed_lo": lo, "seed_hi": hi,
                     "param_lo": p_lo, "param_hi": p_hi,
                     "reported": {"median_wage": REPORTED["median_wage_change"],
                                  "living_wage_workers": REPORTED["living_wage_workers"]
                                  }.get(key, 0.0)})  # fmt: skip
    return pd.DataFrame(rows)


def headline(evaluator, settings, items, central) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The procurement shift's year-5 local income, jobs and LM3, with both intervals."""
    baseline, scenario = "preston-2012", "preston-procurement-shift"
    arms = [load_scenario(baseline), with_posterior(load_scenario(scenario), items, central)]
    result = compare(baseline, scenario, settings.headline_seeds, 5, evaluator, arms=arms)
    table = result.table
    rows = table[(table.year == 5) & table.metric.isin(["local_income", "local_jobs", "lm3",
                                                        "local_share", "region_share"])]  # fmt: skip
    sensitivity = result.sensitivity
    if sensitivity is not None:
        sensitivity = sensitivity[sensitivity.metric.isin(rows.metric)]
    return rows.reset_index(drop=True), sensitivity


def validate(
    evaluator: Evaluator,
    settings: Settings | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Validation:
    """Run every part of the validation (module notes); ``say`` hears what is running."""
    settings = settings or Settings()
    say("fitting the back-cast (ABC-SMC)")
    fit = backcast.fit(
        evaluator, settings.root, settings.population, settings.generations,
        settings.minimum_epsilon, settings.minutes,
    )  # fmt: skip
    central = fit.quantiles(0.5).to_dict()
    with tempfile.TemporaryDirectory() as folder:
        items = _posterior_items(fit, Path(folder))
        say("in sample: the back-cast at the posterior medians and on posterior draws")
        in_table = in_sample(evaluator, settings, central, items)
        say("identification: the loss along each parameter")
        profile_table = profile(evaluator, settings, central)
        say("out of sample: preston-cwb against Rose et al. and the living-wage count")
        outside = out_of_sample(evaluator, settings, items, central, in_table)
        say("the procurement shift's headline, with and without parameter uncertainty")
        head, sensitivity = headline(evaluator, settings, items, central)
    return Validation(settings, fit, central, in_table, profile_table, correlation(fit),
                      outside, head, sensitivity)  # fmt: skip
