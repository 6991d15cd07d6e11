"""Parameters we do not know, drawn once per replicate and shared by both arms of a comparison.

A scenario and its economy declare ``[[uncertain]]`` parameters
(:class:`~cwbsim.model.spec.uncertain.UncertainParameter`). Replicate ``i`` draws one
value of each from a Latin hypercube over the declared distributions (its own child of
the comparison's seed, so draws never disturb the runs' seeds); ``spec.*`` paths are
set in both arms and ``scenario.*`` paths in the compared scenario, as ``--set`` does.
Parameters taking their values from the same draws file (a posterior) are drawn
together, one weighted row per replicate, so their correlation is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cwbsim.model.errors import InputError
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.uncertain import UncertainParameter
from cwbsim.scenarios import parameters
from cwbsim.scenarios.schema import Scenario

DRAWS_KEY = 2**31 - 7
"""Spawn key of the parameter draws' seed: apart from the replicates' children (0, 1, ...)."""


@dataclass
class Draws:
    """One row of parameter values per replicate.

    Attributes
    ----------
    values : pandas.DataFrame
        Columns: the parameter paths; one row per replicate.
    declared : list of UncertainParameter
        What was declared, with its source.
    """

    values: pd.DataFrame
    declared: list[UncertainParameter]


def declared(scenario: Scenario, spec: EconomySpec) -> list[UncertainParameter]:
    """The uncertain parameters of a scenario and its economy (the scenario's win on a path)."""
    found = {u.path: u for u in spec.uncertain}
    found.update({u.path: u for u in scenario.uncertain})
    return list(found.values())


def labels(scenario: Scenario, spec: EconomySpec) -> dict[str, str]:
    """Each declared parameter's name for people: its label, else its schema description."""
    return {
        u.path: u.label or parameters.describe(scenario, spec, u.path)
        for u in declared(scenario, spec)
    }


def check(scenario: Scenario, spec: EconomySpec, source: str) -> None:
    """Every declared path exists and is a number, and every draws file has its column.

    Raises
    ------
    InputError
        One line naming ``source``, the parameter and what was expected.
    """
    for item in declared(scenario, spec):
        where = f"{source}: uncertain {item.path}"
        try:
            for path in parameters.expand(scenario, spec, item.path):
                parameters.get_value(scenario, spec, path)
        except KeyError as error:
            raise InputError(f"{where}: {error.args[0]}") from None
        if item.distribution == "draws":
            _draws_column(_draws_file(item.draws, where)[0], item, where)


def _draws_file(path: str, where: str) -> tuple[pd.DataFrame, np.ndarray]:
    """A draws CSV and its row weights, summing to 1 (equal where it has no ``weight``)."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{where}: draws file {file} not found (expected a CSV of draws)")
    try:
        table = pd.read_csv(file)
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"{where}: {file}: not a readable CSV ({error})") from None
    weights = table["weight"] if "weight" in table.columns else pd.Series(1.0, index=table.index)
    weights = pd.to_numeric(weights, errors="coerce")
    if weights.isna().any() or (weights < 0).any() or weights.sum() <= 0:
        raise InputError(f"{where}: {file}: weights must be numbers >= 0, not all 0")
    return table, (weights / weights.sum()).to_numpy()


def _draws_column(table: pd.DataFrame, item: UncertainParameter, where: str) -> np.ndarray:
    """The draws of ``item``'s path in its file's ``table``."""
    if item.path not in table.columns:
        raise InputError(
            f"{where}: {item.draws} has no column {item.path!r} (expected one per path)"
        )
    values = pd.to_numeric(table[item.path], errors="coerce")
    if values.isna().any() or not len(values):
        raise InputError(f"{where}: {item.draws}: column {item.path!r} must hold numbers")
    return values.to_numpy()


def draw(items: list[UncertainParameter], count: int, root: int) -> Draws:
    """``count`` joint draws of ``items`` (a Latin hypercube), reproducible from ``root``."""
    from scipy import stats
    from scipy.stats import qmc

    groups: dict[str, list[UncertainParameter]] = {}
    for item in items:
        key = f"file:{item.draws}" if item.distribution == "draws" else f"path:{item.path}"
        groups.setdefault(key, []).append(item)
    rng = np.random.default_rng(np.random.SeedSequence(root, spawn_key=(DRAWS_KEY,)))
    unit = qmc.LatinHypercube(d=max(len(groups), 1), rng=rng).random(count)
    columns = {}
    for g, members in enumerate(groups.values()):
        u = unit[:, g]
        first = members[0]
        if first.distribution == "draws":
            table, weights = _draws_file(first.draws, f"uncertain {first.path}")
            rows = np.minimum(np.searchsorted(np.cumsum(weights), u, side="right"), len(table) - 1)
            for item in members:
                columns[item.path] = _draws_column(table, item, f"uncertain {item.path}")[rows]
            continue
        columns[first.path] = _quantile(first, u, stats)
    return Draws(pd.DataFrame(columns), list(items))


def _quantile(item: UncertainParameter, u: np.ndarray, stats) -> np.ndarray:
    if item.distribution == "uniform":
        return item.low + u * (item.high - item.low)
    if item.distribution == "triangular":
        width = item.high - item.low
        return stats.triang.ppf(u, (item.mode - item.low) / width, loc=item.low, scale=width)
    low = -math.inf if item.low is None else (item.low - item.mean) / item.sd
    high = math.inf if item.high is None else (item.high - item.mean) / item.sd
    return stats.truncnorm.ppf(u, low, high, loc=item.mean, scale=item.sd)


def with_draw(
    arms: list[tuple[Scenario, EconomySpec]], row: dict[str, float]
) -> list[tuple[Scenario, EconomySpec]]:
    """Both arms with one replicate's draw set: ``spec.*`` in both, ``scenario.*`` in the last."""
    economy = [(p, v) for p, v in row.items() if not p.startswith("scenario.")]
    policy = [(p, v) for p, v in row.items() if p.startswith("scenario.")]
    out = []
    for index, (plan, spec) in enumerate(arms):
        plan, spec = parameters.apply(plan, spec, economy, "uncertain")
        if index == len(arms) - 1:
            plan, spec = parameters.apply(plan, spec, policy, "uncertain")
        out.append((plan, spec))
    return out
