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

Several scenarios (:func:`compare_many`, up to :data:`MAX_SCENARIOS`) share one
baseline: it runs once per seed, every scenario runs on the same children, and each
scenario's comparison is handed over as soon as its runs and the baseline's are done.
With parameter uncertainty, one draw per seed serves every arm: ``spec.*`` parameters
declared by any compared scenario are set in the baseline and in every scenario (so the
drawn runs stay paired), and each ``scenario.*`` parameter in the scenarios declaring it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cwbsim.model.errors import InputError
from cwbsim.model.record import display
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.uncertain import UncertainParameter
from cwbsim.scenarios import limits, parameters, uncertainty
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.scenarios.seeds import Seed, replicates

LEVEL = 0.90
ARMS = ("baseline", "scenario")
MAX_SCENARIOS = 5
"""Most scenarios compared with one baseline."""


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
    return resolve_many(baseline, [scenario], settings)


def resolve_many(
    baseline: str, scenarios: Sequence[str], settings: list[tuple[str, float]] = ()
) -> list[tuple[Scenario, EconomySpec]]:
    """The baseline and every compared scenario, loaded, with ``settings`` (path, value) applied.

    ``scenario.*`` paths change every compared scenario (never the baseline);
    ``spec.*`` paths change every arm's economy, so that the comparison stays paired.
    """
    check_count(len(scenarios))
    arms = [load_scenario(baseline), *(load_scenario(s) for s in scenarios)]
    check_same_place(arms)
    policy = [(p, v) for p, v in settings if p.startswith("scenario.")]
    economy = [(p, v) for p, v in settings if not p.startswith("scenario.")]
    resolved = []
    for index, (plan, spec) in enumerate(arms):
        plan, spec = parameters.apply(plan, spec, economy, "--set")
        if index >= 1:
            plan, spec = parameters.apply(plan, spec, policy, "--set")
        resolved.append((plan, spec))
    return resolved


def check_same_place(arms: list[tuple[Scenario, EconomySpec]]) -> None:
    """Refuse (one line) a scenario on another place than the baseline's.

    Arms are compared area by area, so every arm must model the same areas (the
    same codes in the same tiers); variants of one economy (another spec file of
    the same place, other parameters) compare.
    """

    def places(spec: EconomySpec) -> set[tuple[str, str]]:
        return {(area.code, area.tier) for area in spec.areas}

    base_spec = arms[0][1]
    for plan, spec in arms[1:]:
        if places(spec) != places(base_spec):
            raise InputError(
                f"scenario {plan.name!r}: runs on {spec.name}, whose areas differ from the "
                f"baseline's ({base_spec.name}) (expected scenarios on the baseline's economy)"
            )


def check_count(count: int) -> None:
    """Refuse fewer than one or more than :data:`MAX_SCENARIOS` compared scenarios (one line)."""
    if not 1 <= count <= MAX_SCENARIOS:
        raise InputError(
            f"scenarios: {count} given (allowed: 1 to {MAX_SCENARIOS} scenarios compared "
            "with one baseline)"
        )


def display_names(arms: list[tuple[Scenario, EconomySpec]]) -> list[str]:
    """Each arm's name for people (its ``name``), made unique with " (2)", " (3)"..."""
    names: list[str] = []
    for plan, _ in arms:
        name, n = plan.name, 1
        while name in names:
            n += 1
            name = f"{plan.name} ({n})"
        names.append(name)
    return names


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
    names : tuple of str
        The baseline's and the scenario's names for people (never a file path).
    arms : list or None
        ``[(baseline, its economy), (scenario, its economy)]`` as run at the central
        values (the scenarios' descriptions, interventions, sources and assumptions).
    declared : list of UncertainParameter
        The uncertain parameters drawn for this comparison (empty when none were).
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
    names: tuple[str, str] = ("baseline", "scenario")
    arms: list[tuple[Scenario, EconomySpec]] | None = None
    declared: list[UncertainParameter] = field(default_factory=list)


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
    return compare_many(
        baseline, [scenario], seeds, years, evaluator, progress, entropy=entropy,
        paired=paired, arms=arms, uncertain=uncertain, areas=areas,
    )[0]  # fmt: skip


def compare_many(
    baseline: str,
    scenarios: Sequence[str],
    seeds: int,
    years: int,
    evaluator: Evaluator | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_arm: Callable[[int, Comparison], None] | None = None,
    entropy: int | None = None,
    paired: bool = True,
    arms: list[tuple[Scenario, EconomySpec]] | None = None,
    uncertain: bool = True,
    areas: list[str] | None = None,
    names: Sequence[str] | None = None,
) -> list[Comparison]:
    """Compare 1 to :data:`MAX_SCENARIOS` scenarios with one baseline over the same seeds.

    The baseline runs once per seed and serves every scenario; scenario ``k`` runs on
    the same children as the baseline (common random numbers). Runs go to the
    evaluator in arm order (the baseline and the first scenario, then the second
    scenario, ...), so the first comparison is complete long before the last.

    Parameters
    ----------
    baseline : str
        Built-in scenario or spec name, or a TOML path (as :func:`compare`).
    scenarios : sequence of str
        The compared scenarios, in order (names or paths).
    seeds, years : int
        Replications per arm, and years per run.
    evaluator : Evaluator, optional
        Where the runs go (default: this process).
    progress : callable, optional
        Called with (runs done, runs in all): at the start and as each run finishes.
    on_arm : callable, optional
        Called in this process as ``on_arm(k, comparison)`` as soon as scenario ``k``
        (0-based) and the baseline have run every seed (and every parameter draw).
    entropy : int, optional
        Root of the seeds (default: the first scenario's ``seed``).
    paired : bool
        Common random numbers (default); ``False`` gives scenario ``k`` (1-based)
        the seeds of root + k.
    arms : list, optional
        The baseline and every scenario already resolved (:func:`resolve_many`).
    uncertain : bool
        Draw the uncertain parameters the scenarios and their economies declare
        (default; the module notes say how one draw serves every arm). Doubles the runs.
    areas : list of str, optional
        Groups of areas to report (as :func:`compare`).
    names : sequence of str, optional
        Names for people of the baseline and each scenario (default:
        :func:`display_names`).

    Returns
    -------
    list of Comparison
        One per scenario, in the order given, each against the shared baseline runs.

    Raises
    ------
    InputError
        Too many or too few scenarios, a bad declaration, or two scenarios declaring
        the same uncertain parameter differently (one line).
    """
    scenarios = list(scenarios)
    check_count(len(scenarios))
    arms = arms or resolve_many(baseline, scenarios)
    check_same_place(arms)
    if len(arms) != len(scenarios) + 1:
        raise ValueError(f"arms: {len(arms)} given for {len(scenarios)} scenarios plus a baseline")
    names = list(names) if names is not None else display_names(arms)
    if evaluator is not None:
        checked = set()
        for _, economy in arms:  # the arms may be different economies
            if id(economy) not in checked:
                checked.add(id(economy))
                limits.worker_memory(economy, evaluator.memory_limit())
    areas = list(areas or arms[1][1].report) or None
    root = arms[1][0].seed if entropy is None else entropy
    children = replicates(root, seeds)
    own = [children if paired else replicates(root + k, seeds) for k in range(1, len(arms))]
    declared = [uncertainty.declared(*arm) for arm in arms[1:]] if uncertain else []
    items = _union(declared, scenarios)
    draws = None
    if items:
        for arm, source in zip(arms[1:], scenarios, strict=True):
            uncertainty.check(*arm, source)
        draws = uncertainty.draw(items, seeds, root)
    policy_paths = [{u.path for u in d if u.path.startswith("scenario.")} for d in declared]
    extra = (areas,) if areas else ()
    variants = ("central", "drawn") if draws is not None else ("central",)
    central = _dumped(arms)

    def payload(variant: str, i: int, k: int) -> tuple:
        if variant == "central":
            return central[k]
        row = draws.values.iloc[i].to_dict()
        return _dumped([_with_draw(arms[k], row, policy_paths[k - 1] if k else set())])[0]

    plan: list[tuple[str, int, int, Task]] = []  # (variant, arm, seed index, task)
    for k in range(1, len(arms)):
        for i in range(seeds):
            for variant in variants:
                if k == 1:
                    base = Task((*payload(variant, i, 0), years, *extra), children[i])
                    plan.append((variant, 0, i, base))
                task = Task((*payload(variant, i, k), years, *extra), own[k - 1][i])
                plan.append((variant, k, i, task))
    tasks = [entry[-1] for entry in plan]
    where = {id(task): n for n, task in enumerate(tasks)}
    outputs: list = [None] * len(tasks)
    finished = [False] * len(tasks)
    needed = {k: [n for n, e in enumerate(plan) if e[1] in (0, k)] for k in range(1, len(arms))}
    built: dict[int, Comparison] = {}

    def assemble(k: int) -> Comparison:
        columns = None
        if draws is not None:
            columns = [c for c in draws.values.columns
                       if not c.startswith("scenario.") or c in policy_paths[k - 1]]  # fmt: skip
        return _assemble(
            [(plan[n], outputs[n]) for n in needed[k]],
            baseline,
            scenarios[k - 1],
            int(root),
            areas,
            draws.values[columns] if draws is not None else None,
            (names[0], names[k]),
            [arms[0], arms[k]],
            [
                u
                for u in items
                if not u.path.startswith("scenario.") or u.path in policy_paths[k - 1]
            ],
        )

    def on_batch(pairs) -> None:
        for task, result in pairs:
            n = where[id(task)]
            outputs[n], finished[n] = result, True
        for k in needed:
            if k not in built and all(finished[n] for n in needed[k]):
                built[k] = assemble(k)
                if on_arm is not None:
                    on_arm(k - 1, built[k])

    (evaluator or Evaluator()).map(run_arm, tasks, progress, on_batch)
    for k in needed:  # an evaluator that never called on_batch (none does, but be safe)
        if k not in built:
            if not all(finished[n] for n in needed[k]):
                raise RuntimeError(f"scenario {scenarios[k - 1]}: not every run came back")
            built[k] = assemble(k)
    return [built[k] for k in range(1, len(arms))]


def _dumped(arms: list[tuple[Scenario, EconomySpec]]) -> list[tuple[dict, dict]]:
    return [(p.model_dump(mode="json"), s.model_dump(mode="json")) for p, s in arms]


def _union(
    declared: list[list[UncertainParameter]], sources: list[str]
) -> list[UncertainParameter]:
    """Every declared parameter once; the same path declared differently is refused."""
    found: dict[str, tuple[UncertainParameter, str]] = {}
    for items, source in zip(declared, sources, strict=False):
        for item in items:
            if item.path in found and found[item.path][0] != item:
                raise InputError(
                    f"{source}: uncertain {item.path}: declared differently by "
                    f"{found[item.path][1]} (expected one declaration of each parameter across "
                    "the compared scenarios, or a comparison without parameter uncertainty)"
                )
            found.setdefault(item.path, (item, source))
    return [item for item, _ in found.values()]


def _with_draw(
    arm: tuple[Scenario, EconomySpec], row: dict[str, float], policy: set[str]
) -> tuple[Scenario, EconomySpec]:
    """One arm with one replicate's draw: every ``spec.*`` value, and the ``policy`` paths.

    The baseline gets no ``scenario.*`` path (``policy`` empty); each scenario gets the
    ones it declares, so one draw per seed serves every arm and keeps them paired.
    """
    plan, spec = arm
    economy = [(p, v) for p, v in row.items() if not p.startswith("scenario.")]
    plan, spec = parameters.apply(plan, spec, economy, "uncertain")
    return parameters.apply(
        plan, spec, [(p, v) for p, v in row.items() if p in policy], "uncertain"
    )


def _assemble(
    done: list,
    baseline: str,
    scenario: str,
    root: int,
    areas: list[str] | None,
    draws: pd.DataFrame | None,
    names: tuple[str, str],
    arms: list[tuple[Scenario, EconomySpec]],
    declared: list[UncertainParameter],
) -> Comparison:
    """One scenario's comparison from its finished runs and the baseline's."""
    records = {"central": [], "drawn": []}
    for (variant, arm, i, task), years_out in done:
        records[variant] += _tag(years_out, ARMS[min(arm, 1)], i, task.seed)
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
    comparison.names, comparison.arms = names, arms
    if draws is not None:
        drawn = pd.DataFrame(records["drawn"]).sort_values(order, ignore_index=True)
        if areas:
            headline_rows = drawn.area == headline
            drawn = drawn[headline_rows].drop(columns="area").reset_index(drop=True)
        comparison.drawn, comparison.draws = drawn, draws
        comparison.declared = declared
        comparison.table = with_parameters(comparison.table, central, drawn)
        comparison.sensitivity = parameter_sensitivity(draws, drawn, display.compared())
    return comparison


def stacked(comparisons: Sequence[Comparison], column: str = "table") -> pd.DataFrame:
    """One table of several comparisons (``table`` or ``by_area``) with a ``scenario`` column first.

    ``scenario`` holds each comparison's name for people.
    """
    frames = []
    for comparison in comparisons:
        frame = getattr(comparison, column)
        if frame is not None:
            frames.append(frame.assign(scenario=comparison.names[1]))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "scenario", out.pop("scenario"))
    return out


def _tag(years: list[dict], arm: str, index: int, seed: Seed) -> list[dict]:
    key = ",".join(str(k) for k in seed.spawn_key)
    return [
        {"arm": arm, "seed_index": index, "entropy": str(seed.entropy), "spawn_key": key, **row}
        for row in years
    ]
