"""Fit a scenario's procurement-preference weight to a reported local share.

One weight, one target: the weight of the scenario's ``procurement_preference``
interventions is set so that the mean local share over common-random-number
seeds in ``target_year`` equals ``target_share`` (Brent's method on the
monotone response, scipy.optimize.brentq). Other outcomes of the fitted run
(the region share, say) are then tests of the model, not targets.

Run ``python -m cwbsim.calibration.procurement`` to fit Preston's weight.
"""

from __future__ import annotations

import sys

import numpy as np
from scipy import optimize

from cwbsim.scenarios import evaluators, parameters
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import ProcurementPreference, Scenario, load_scenario
from cwbsim.scenarios.seeds import Seed, replicates


def with_weight(scenario: Scenario, weight: float) -> Scenario:
    """The scenario with every procurement-preference weight set to ``weight``."""
    items = [
        item.model_copy(update={"weight": weight})
        if isinstance(item, ProcurementPreference)
        else item
        for item in scenario.intervention
    ]
    return scenario.model_copy(update={"intervention": items})


def shares(task: tuple[str, float, int], seed: Seed) -> tuple[float, float]:
    """(local, region) share in year ``year`` of one run of ``(source, weight, year)``."""
    source, weight, year = task
    scenario, spec = load_scenario(source)
    years = run_scenario(with_weight(scenario, weight), spec, seed, year).years
    return years[year - 1]["local_share"], years[year - 1]["region_share"]


def mean_shares(
    source: str, weight: float, seeds: int, year: int, evaluator: Evaluator | None = None
) -> np.ndarray:
    """Mean (local, region) share in ``year`` over the scenario's first ``seeds`` replications."""
    scenario, _ = load_scenario(source)
    tasks = [Task((source, weight, year), seed) for seed in replicates(scenario.seed, seeds)]
    return np.array((evaluator or Evaluator()).map(shares, tasks)).mean(axis=0)


def fit_weight(
    source: str,
    target_share: float,
    year: int,
    seeds: int = 8,
    bracket: tuple[float, float] | None = None,
    evaluator: Evaluator | None = None,
) -> dict:
    """Find the weight whose mean local share in ``year`` is ``target_share``.

    Returns the weight, the local and region shares it gives, and every evaluation.
    """
    trace = []

    def gap(weight: float) -> float:
        local, region = mean_shares(source, weight, seeds, year, evaluator)
        trace.append({"weight": weight, "local_share": local, "region_share": region})
        return local - target_share

    if bracket is None:  # the weight's bounds, as the schema declares them
        scenario, spec = load_scenario(source)
        bracket = parameters.bounds(scenario, spec, "scenario.intervention.0.weight")
    weight = optimize.brentq(gap, *bracket, xtol=0.01)
    local, region = mean_shares(source, weight, seeds, year, evaluator)
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
    with evaluators.make(preload=(__spec__.name,)) as evaluator:
        result = fit_weight("preston-procurement-shift", 0.182, 4, seeds, evaluator=evaluator)
    for row in result["evaluations"]:
        print(
            f"weight {row['weight']:.3f}: local {row['local_share']:.4f}, region {row['region_share']:.4f}"
        )
    print(
        f"fitted weight {result['weight']:.3f}: year-4 local share {result['local_share']:.4f} "
        f"(target 0.182), Lancashire share {result['region_share']:.4f} (reported 0.792), "
        f"{result['seeds']} seeds"
    )
