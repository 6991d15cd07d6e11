"""Design points of a sweep: grid, Latin hypercube (scipy.stats.qmc), Sobol or Morris (SALib)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from cwbsim.scenarios.sweep_schema import Sweep


def problem(sweep: Sweep) -> dict:
    """The SALib problem: parameter names and bounds."""
    return {
        "num_vars": len(sweep.parameter),
        "names": [p.path for p in sweep.parameter],
        "bounds": [list(p.range) for p in sweep.parameter],
    }


def design(sweep: Sweep) -> pd.DataFrame:
    """One row per design point (column ``point`` and one column per parameter path).

    Sobol samples use SALib's Saltelli scheme without second-order terms, so
    ``points * (D + 2)`` rows; Morris uses ``points`` trajectories of ``D + 1``.
    """
    names = [p.path for p in sweep.parameter]
    if sweep.design == "grid":
        axes = [
            p.values if p.values is not None else np.linspace(*p.range, sweep.points).tolist()
            for p in sweep.parameter
        ]
        values = np.array(list(itertools.product(*axes)), dtype=float)
    elif sweep.design == "lhs":
        from scipy.stats import qmc  # 0.4 s to import; sweep workers never need it

        unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(sweep.seed)).random(
            sweep.points
        )
        lows = np.array([p.range[0] for p in sweep.parameter])
        highs = np.array([p.range[1] for p in sweep.parameter])
        values = qmc.scale(unit, lows, highs)
    elif sweep.design == "sobol":
        from SALib.sample import sobol

        values = sobol.sample(
            problem(sweep), sweep.points, calc_second_order=False, seed=sweep.seed
        )
    else:
        from SALib.sample import morris

        values = morris.sample(problem(sweep), sweep.points, num_levels=4, seed=sweep.seed)
    frame = pd.DataFrame(values, columns=names)
    frame.insert(0, "point", np.arange(len(frame)))
    return frame


def runs(sweep: Sweep, points: pd.DataFrame) -> pd.DataFrame:
    """Every run: ``run`` id, design ``point``, ``replicate``, and its seed's spawn key."""
    point = np.repeat(points["point"].to_numpy(), sweep.seeds)
    replicate = np.tile(np.arange(sweep.seeds), len(points))
    run = np.arange(len(point))
    return pd.DataFrame(
        {
            "run": run,
            "point": point,
            "replicate": replicate,
            "entropy": sweep.seed,
            "spawn_key": run,
        }
    )
