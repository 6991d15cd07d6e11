"""Fit a scenario's procurement-preference weight to a reported local share.

One weight, one target: the weight of the scenario's ``procurement_preference``
interventions is set so that the mean local share over common-random-number
seeds in ``target_year`` equals ``target_share`` (Brent's method on the
monotone response, scipy.optimize.brentq). Other outcomes of the fitted run
(the region share, say) are then tests of the model, not targets.

Run ``python -m cwbsim.calibration.procurement`` to fit Preston's weight.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
from scipy import optimize

from cwbsim.scenarios import parameters
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import ProcurementPreference, Scenario, load_scenario


def with_weight(scenario: Scenario, weight: float) -> Scenario:
    """The scenario with every procurement-preference weight set to ``weight``."""
    items = [
        item.model_copy(update={"weight": weight})
        if isinstance(item, ProcurementPreference)
        else item
        for item in scenario.intervention
    ]
    return scenario.model_copy(update={"intervention": items})


def _shares(source: str, weight: float, entropy: int, key: tuple, year: int) -> tuple[float, float]:
    scenario, spec = load_scenario(source)
    seed = np.random.SeedSequence(entropy, spawn_key=key)
    years = run_scenario(with_weight(scenario, weight), spec, seed, year).years
    return years[year - 1]["local_share"], years[year - 1]["region_share"]


def mean_shares(source: str, weight: float, seeds: int, year: int, workers: int) -> np.ndarray:
    """Mean (local, region) share in ``year`` over ``seeds`` spawned seeds, at ``weight``."""
    scenario, _ = load_scenario(source)
    children = np.random.SeedSequence(scenario.seed).spawn(seeds)
    args = [(source, weight, c.entropy, c.spawn_key, year) for c in children]
    if workers == 1:
        results = [_shares(*a) for a in args]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(_shares, *zip(*args, strict=True)))
    return np.array(results).mean(axis=0)


def fit_weight(
    source: str,
    target_share: float,
    year: int,
    seeds: int = 8,
    bracket: tuple[float, float] | None = None,
    workers: int | None = None,
) -> dict:
    """Find the weight whose mean local share in ``year`` is ``target_share``.

    Returns the weight, the local and region shares it gives, and every evaluation.
    """
    workers = workers or os.cpu_count() or 1
    trace = []

    def gap(weight: float) -> float:
        local, region = mean_shares(source, weight, seeds, year, workers)
        trace.append({"weight": weight, "local_share": local, "region_share": region})
        return local - target_share

    if bracket is None:  # the weight's bounds, as the schema declares them
        scenario, spec = load_scenario(source)
        bracket = parameters.bounds(scenario, spec, "scenario.intervention.0.weight")
    weight = optimize.brentq(gap, *bracket, xtol=0.01)
    local, region = mean_shares(source, weight, seeds, year, workers)
    return {
        "weight": weight,
        "local_share": local,
        "region_share": region,
        "seeds": seeds,
        "year": year,
        "evaluations": trace,
    }


if __name__ == "__main__":
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    result = fit_weight("preston-procurement-shift", 0.182, year=4, seeds=seeds)
    for row in result["evaluations"]:
        print(
            f"weight {row['weight']:.3f}: local {row['local_share']:.4f}, region {row['region_share']:.4f}"
        )
    print(
        f"fitted weight {result['weight']:.3f}: year-4 local share {result['local_share']:.4f} "
        f"(target 0.182), Lancashire share {result['region_share']:.4f} (reported 0.792), "
        f"{result['seeds']} seeds"
    )
