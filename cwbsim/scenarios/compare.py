"""Paired comparison of two scenarios over the same seeds (common random numbers).

Seeds are spawned from one ``numpy.random.SeedSequence``; replication ``i`` of
both arms uses child ``i``, so both arms start from the same synthetic economy
and share random draws until their policies make them diverge. The
difference of each metric is taken seed by seed and summarised by its mean
and a 90% Student-t interval of the mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios import parameters
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.scenarios.seeds import Seed, replicates

LEVEL = 0.90
ARMS = ("baseline", "scenario")


def run_arm(task: tuple[dict, dict, int], seed: Seed) -> list[dict]:
    """Run one replication of one arm (``(scenario, spec, years)`` as JSON-ready data).

    Returns its yearly records.
    """
    scenario, spec, years = task
    return run_scenario(
        Scenario.model_validate(scenario), EconomySpec.model_validate(spec), seed, years
    ).years


def resolve_arms(
    baseline: str, scenario: str, settings: list[tuple[str, float]] = ()
) -> list[tuple[Scenario, EconomySpec]]:
    """Both arms, loaded, with ``settings`` (path, value) applied.

    ``scenario.*`` paths change the compared scenario only; ``spec.*`` paths change
    the economy of both arms, so that the comparison stays paired.
    """
    arms = [load_scenario(baseline), load_scenario(scenario)]
    policy = [(p, v) for p, v in settings if p.startswith("scenario.")]
    economy = [(p, v) for p, v in settings if not p.startswith("scenario.")]
    resolved = []
    for index, (plan, spec) in enumerate(arms):
        plan, spec = parameters.apply(plan, spec, economy, "--set")
        if index == 1:
            plan, spec = parameters.apply(plan, spec, policy, "--set")
        resolved.append((plan, spec))
    return resolved


@dataclass
class Comparison:
    """Yearly metrics of both arms for every seed, and their paired differences.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per arm, seed and year: ``arm``, ``seed_index``, ``entropy``,
        ``spawn_key``, ``year`` and every metric (money in £ per year).
    table : pandas.DataFrame
        ``metric, year, baseline_mean, scenario_mean, diff_mean, diff_lo,
        diff_hi, n_seeds``; the interval is 90% over paired differences.
    """

    baseline: str
    scenario: str
    entropy: int
    runs: pd.DataFrame
    table: pd.DataFrame


def summarise(runs: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """Paired differences per metric and year, with a Student-t interval of the mean."""
    rows = []
    metrics = [m for m in METRICS if m in runs.columns]
    for year, group in runs.groupby("year", sort=True):
        base = group[group.arm == "baseline"].set_index("seed_index").sort_index()
        scen = group[group.arm == "scenario"].set_index("seed_index").sort_index()
        common = base.index.intersection(scen.index)
        for metric in metrics:
            b = base.loc[common, metric].astype(float).to_numpy()
            s = scen.loc[common, metric].astype(float).to_numpy()
            both = np.isfinite(b) & np.isfinite(s)
            b, s = b[both], s[both]
            lo, hi, mean = interval(s - b, level)
            rows.append(
                {
                    "metric": metric,
                    "year": int(year),
                    "baseline_mean": float(np.mean(b)) if len(b) else np.nan,
                    "scenario_mean": float(np.mean(s)) if len(s) else np.nan,
                    "diff_mean": mean,
                    "diff_lo": lo,
                    "diff_hi": hi,
                    "n_seeds": len(common),
                }
            )
    return pd.DataFrame(rows)


def interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """(low, high, mean) of a Student-t interval for the mean of ``values``."""
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if n == 1:
        return np.nan, np.nan, mean
    from scipy import stats  # 0.4 s to import; comparison workers never need it

    half = stats.t.ppf(0.5 + level / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return mean - half, mean + half, mean


def compare(
    baseline: str,
    scenario: str,
    seeds: int,
    years: int,
    evaluator: Evaluator | None = None,
    progress: Callable[[int, int], None] | None = None,
    entropy: int | None = None,
    paired: bool = True,
    arms: list[tuple[Scenario, EconomySpec]] | None = None,
) -> Comparison:
    """Run both scenarios over the same seeds and compare them.

    Parameters
    ----------
    baseline, scenario : str
        Built-in scenario names or scenario TOML paths.
    seeds, years : int
        Replications per arm, and years per run.
    evaluator : Evaluator, optional
        Where the runs go (default: this process).
    progress : callable, optional
        Called with (runs done, runs in all) as runs finish.
    entropy : int, optional
        Root of the seeds (default: the scenario's ``seed``); replication ``i``
        has seed :func:`~cwbsim.scenarios.seeds.replicate` ``(root, i)``.
    paired : bool
        Common random numbers (default). ``False`` gives the scenario arm its
        own seeds (root + 1), for showing what pairing buys.
    arms : list, optional
        Both arms already resolved (:func:`resolve_arms`); default: loaded from
        ``baseline`` and ``scenario``.
    """
    arms = arms or resolve_arms(baseline, scenario)
    root = arms[1][0].seed if entropy is None else entropy
    children = replicates(root, seeds)
    other = replicates(root + 1, seeds) if not paired else children
    data = [(plan.model_dump(mode="json"), spec.model_dump(mode="json")) for plan, spec in arms]
    runs = [
        (arm, i, Task((*data[k], years), seed))
        for i in range(seeds)
        for k, arm, seed in ((0, "baseline", children[i]), (1, "scenario", other[i]))
    ]
    results = (evaluator or Evaluator()).map(run_arm, [t for _, _, t in runs], progress)
    records = []
    for (arm, i, task), years_out in zip(runs, results, strict=True):
        records += _tag(years_out, arm, i, task.seed)
    runs = pd.DataFrame(records).sort_values(["arm", "seed_index", "year"], ignore_index=True)
    return Comparison(baseline, scenario, int(root), runs, summarise(runs))


def _tag(years: list[dict], arm: str, index: int, seed: Seed) -> list[dict]:
    key = ",".join(str(k) for k in seed.spawn_key)
    return [
        {"arm": arm, "seed_index": index, "entropy": str(seed.entropy), "spawn_key": key, **row}
        for row in years
    ]
