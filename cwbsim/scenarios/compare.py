"""Paired comparison of two scenarios over the same seeds (common random numbers).

Seeds are spawned from one ``numpy.random.SeedSequence``; replication ``i`` of
both arms uses child ``i``, so both arms start from the same synthetic economy
and share random draws until their policies make them diverge. The
difference of each metric is taken seed by seed and summarised by its mean
and a 90% Student-t interval of the mean.

Where the compared scenario or its economy declares uncertain parameters
(:mod:`~cwbsim.scenarios.uncertainty`), every seed is run a second time with one
draw of them (the same draw in both arms), and a second interval includes what
we do not know. By the law of total variance, the drawn differences' variance
``s_d^2`` is seed noise (``s_c^2``, measured at the central values on the same
seeds) plus the variance of the effect across parameters, ``max(s_d^2 - s_c^2, 0)``;
the interval is the drawn mean ± t × sqrt(that variance + max(s_c^2, s_d^2) / n),
so it is never narrower than the seed-only interval of the same seeds. It is centred
on the mean over the parameter draws, which need not be the central run's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cwbsim.model.record import display
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios import limits, parameters, uncertainty
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.scenarios.seeds import Seed, replicates

LEVEL = 0.90
ARMS = ("baseline", "scenario")


def run_arm(task: tuple, seed: Seed) -> list[dict]:
    """Run one replication of one arm (``(scenario, spec, years[, areas])`` as JSON-ready data).

    Returns its yearly records: of the headline group of areas, or, when ``areas``
    are given, of each group asked, tagged with its ``area``.
    """
    scenario, spec, years, *asked = task
    areas = asked[0] if asked else None
    result = run_scenario(
        Scenario.model_validate(scenario), EconomySpec.model_validate(spec), seed, years,
        areas=areas,
    )  # fmt: skip
    if areas is None:
        return result.years
    return [{"area": name, **row} for name, rows in result.areas.items() for row in rows]


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
        diff_hi, n_seeds``; the interval is 90% over paired differences. With
        uncertain parameters also ``param_mean, param_lo, param_hi, param_share``:
        the mean and 90% interval with parameter uncertainty, and the share of
        that interval's variance the parameters cause.
    drawn : pandas.DataFrame or None
        The runs again with each seed's parameter draw (same layout as ``runs``).
    draws : pandas.DataFrame or None
        Each seed's drawn values, one column per parameter path.
    sensitivity : pandas.DataFrame or None
        ``metric, parameter, S1``: which parameters move the final year's difference
        most (first-order indices, SALib's RBD-FAST on the draws).
    by_area : pandas.DataFrame or None
        ``area`` and the ``table`` columns for every group of areas reported (one run
        serves them all); ``runs`` and ``table`` hold the first.
    """

    baseline: str
    scenario: str
    entropy: int
    runs: pd.DataFrame
    table: pd.DataFrame
    drawn: pd.DataFrame | None = None
    draws: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    by_area: pd.DataFrame | None = None


def _paired(runs: pd.DataFrame):
    """``(metric, year, baseline, scenario)`` for each metric and year, on the seeds both arms ran."""
    metrics = [m for m in METRICS if m in runs.columns]
    for year, group in runs.groupby("year", sort=True):
        base = group[group.arm == "baseline"].set_index("seed_index").sort_index()
        scen = group[group.arm == "scenario"].set_index("seed_index").sort_index()
        common = base.index.intersection(scen.index)
        for metric in metrics:
            yield (
                metric,
                int(year),
                base.loc[common, metric].astype(float).to_numpy(),
                scen.loc[common, metric].astype(float).to_numpy(),
            )


def summarise(runs: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """Paired differences per metric and year, with a Student-t interval of the mean."""
    rows = []
    for metric, year, b, s in _paired(runs):
        seeds = len(b)
        both = np.isfinite(b) & np.isfinite(s)
        b, s = b[both], s[both]
        lo, hi, mean = interval(s - b, level)
        rows.append(
            {
                "metric": metric,
                "year": year,
                "baseline_mean": float(np.mean(b)) if len(b) else np.nan,
                "scenario_mean": float(np.mean(s)) if len(s) else np.nan,
                "diff_mean": mean,
                "diff_lo": lo,
                "diff_hi": hi,
                "n_seeds": seeds,
            }
        )
    return pd.DataFrame(rows)


def parameter_interval(
    central: np.ndarray, drawn: np.ndarray, level: float = LEVEL
) -> tuple[float, float, float, float]:
    """(low, high, mean, share) of the interval with parameter uncertainty (module notes).

    ``central``: paired differences at the central values; ``drawn``: on the same seeds
    with one parameter draw each. ``share`` is the part of the interval's variance the
    parameters cause.
    """
    from scipy import stats

    c, d = central[np.isfinite(central)], drawn[np.isfinite(drawn)]
    if len(c) < 2 or len(d) < 2:
        return np.nan, np.nan, np.nan, np.nan
    seed_var, drawn_var = float(c.var(ddof=1)), float(d.var(ddof=1))
    between = max(drawn_var - seed_var, 0.0)
    noise = max(seed_var, drawn_var) / len(d)
    half = stats.t.ppf(0.5 + level / 2, len(d) - 1) * np.sqrt(between + noise)
    share = between / (between + seed_var / len(c)) if between + seed_var > 0 else 0.0
    mean = float(d.mean())
    return mean - half, mean + half, mean, share


def with_parameters(
    table: pd.DataFrame, central: pd.DataFrame, drawn: pd.DataFrame, level: float = LEVEL
) -> pd.DataFrame:
    """``table`` with the interval that includes parameter uncertainty (module notes)."""
    central_d, drawn_d = _differences(central), _differences(drawn)
    extra = []
    for row in table.itertuples(index=False):
        key = (row.metric, row.year)
        lo, hi, mean, share = parameter_interval(
            central_d.get(key, np.array([])), drawn_d.get(key, np.array([])), level
        )
        extra.append((mean, lo, hi, share))
    out = table.copy()
    out[["param_mean", "param_lo", "param_hi", "param_share"]] = extra
    return out


def _differences(runs: pd.DataFrame) -> dict[tuple[str, int], np.ndarray]:
    """Scenario − baseline per seed, by (metric, year)."""
    return {(metric, year): s - b for metric, year, b, s in _paired(runs)}


def parameter_sensitivity(
    draws: pd.DataFrame, drawn: pd.DataFrame, metrics: list[str], seed: int = 1
) -> pd.DataFrame:
    """Which parameters move each metric's final-year difference: first-order indices."""
    from cwbsim.scenarios.sensitivity import first_order_indices

    year = int(drawn.year.max())
    differences = _differences(drawn[drawn.year == year])
    names = list(draws.columns)
    inputs = draws[names].to_numpy(dtype=float)
    rows = []
    for metric in metrics:
        outputs = differences.get((metric, year))
        if outputs is None or not np.all(np.isfinite(outputs)) or np.ptp(outputs) == 0:
            continue
        table = first_order_indices(names, inputs, outputs, seed)
        rows += [{"metric": metric, **r} for r in table.to_dict("records")]
    return pd.DataFrame(rows, columns=["metric", "parameter", "S1"])


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
    uncertain: bool = True,
    areas: list[str] | None = None,
) -> Comparison:
    """Run both scenarios over the same seeds and compare them.

    Parameters
    ----------
    baseline, scenario : str
        Built-in scenario names or scenario TOML paths; an economy spec file stands
        for itself with no intervention (:func:`~cwbsim.scenarios.schema.load_scenario`).
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
    uncertain : bool
        Draw the uncertain parameters the compared scenario and its economy
        declare (default), for the second interval.
    areas : list of str, optional
        Groups of areas to report (``--area``); the first is the headline. Default:
        the economy's ``report`` (every group is compared in ``by_area``).
    """
    arms = arms or resolve_arms(baseline, scenario)
    if evaluator is not None:
        for _, economy in arms:  # the arms may be different economies
            limits.worker_memory(economy, evaluator.memory_limit())
    areas = list(areas or arms[1][1].report) or None
    root = arms[1][0].seed if entropy is None else entropy
    children = replicates(root, seeds)
    other = replicates(root + 1, seeds) if not paired else children
    items = uncertainty.declared(*arms[1]) if uncertain else []
    draws = None
    if items:
        uncertainty.check(*arms[1], scenario)
        draws = uncertainty.draw(items, seeds, root)
    runs = []
    for i in range(seeds):
        variants = [("central", arms)]
        if draws is not None:
            variants.append(("drawn", uncertainty.with_draw(arms, draws.values.iloc[i].to_dict())))
        for kind, pair in variants:
            data = [(p.model_dump(mode="json"), s.model_dump(mode="json")) for p, s in pair]
            extra = (areas,) if areas else ()
            runs += [
                (kind, arm, i, Task((*data[k], years, *extra), seed))
                for k, arm, seed in ((0, "baseline", children[i]), (1, "scenario", other[i]))
            ]
    results = (evaluator or Evaluator()).map(run_arm, [r[-1] for r in runs], progress)
    records = {"central": [], "drawn": []}
    for (kind, arm, i, task), years_out in zip(runs, results, strict=True):
        records[kind] += _tag(years_out, arm, i, task.seed)
    order = ["arm", "seed_index", "year"]
    central = pd.DataFrame(records["central"]).sort_values(order, ignore_index=True)
    by_area, headline = None, None
    if areas:
        by_area = pd.concat(
            [
                summarise(rows).assign(area=name)
                for name, rows in central.groupby("area", sort=False)
            ]
        )
        by_area.insert(0, "area", by_area.pop("area"))
        headline = records["central"][0]["area"]  # each run lists its headline first
        central = central[central.area == headline].drop(columns="area").reset_index(drop=True)
    comparison = Comparison(baseline, scenario, int(root), central, summarise(central))
    comparison.by_area = by_area
    if draws is not None:
        drawn = pd.DataFrame(records["drawn"]).sort_values(order, ignore_index=True)
        if areas:
            headline_rows = drawn.area == headline
            drawn = drawn[headline_rows].drop(columns="area").reset_index(drop=True)
        comparison.drawn, comparison.draws = drawn, draws.values
        comparison.table = with_parameters(comparison.table, central, drawn)
        comparison.sensitivity = parameter_sensitivity(draws.values, drawn, display.compared())
    return comparison


def _tag(years: list[dict], arm: str, index: int, seed: Seed) -> list[dict]:
    key = ",".join(str(k) for k in seed.spawn_key)
    return [
        {"arm": arm, "seed_index": index, "entropy": str(seed.entropy), "spawn_key": key, **row}
        for row in years
    ]
