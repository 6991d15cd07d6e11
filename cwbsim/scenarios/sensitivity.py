"""Sensitivity of a sweep's results: Sobol or Morris indices (SALib) and plots.

Indices use the mean over a design point's seeds. Sobol first-order and total
indices come with their confidence intervals (SALib's bootstrap); a warning is
raised when the sample is too small for stable indices. Plots show the metric
against each parameter with the mean and the 5-95% band over seeds.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cwbsim.model.errors import InputError
from cwbsim.scenarios.outputs import atomic_write
from cwbsim.scenarios.sweep_store import Store

MIN_SOBOL_N = 64
MAX_CONFIDENCE = 0.1


def sobol_indices(
    problem: dict, outputs: np.ndarray, seed: int = 1
) -> tuple[pd.DataFrame, list[str]]:
    """First-order and total Sobol indices with 95% confidence intervals, and warnings."""
    from SALib.analyze import sobol

    result = sobol.analyze(problem, outputs, calc_second_order=False, seed=seed)
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )
    warnings = []
    n = len(outputs) // (problem["num_vars"] + 2)
    if n < MIN_SOBOL_N or np.nanmax(table[["S1_conf", "ST_conf"]].to_numpy()) > MAX_CONFIDENCE:
        warnings.append(
            f"the sample (N = {n}) is too small for stable Sobol indices: confidence intervals "
            f"reach {np.nanmax(table[['S1_conf', 'ST_conf']].to_numpy()):.2f}; use points >= "
            f"{MIN_SOBOL_N}"
        )
    return table, warnings


def first_order_indices(
    names: list[str], inputs: np.ndarray, outputs: np.ndarray, seed: int = 1
) -> pd.DataFrame:
    """First-order indices from any sample of draws (SALib's RBD-FAST; Tarantola et al. 2006).

    For parameters drawn at random rather than on a Sobol design: ``inputs`` has one
    column per name. The number of harmonics shrinks with the sample (at least 4 draws
    per harmonic), so ten draws still rank the parameters, roughly; noise can make an
    index slightly negative. Fewer than five draws give NaN.
    """
    import contextlib
    import warnings

    from SALib.analyze import rbd_fast

    low, high = inputs.min(axis=0), inputs.max(axis=0)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[lo, hi if hi > lo else lo + 1.0] for lo, hi in zip(low, high, strict=True)],
    }
    harmonics = min(10, (len(outputs) - 1) // 4)
    if harmonics < 1:  # fewer than five draws: nothing to say
        return pd.DataFrame({"parameter": names, "S1": np.full(len(names), np.nan)})
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rbd_fast.analyze(problem, inputs, outputs, M=harmonics, seed=seed)
    return pd.DataFrame({"parameter": names, "S1": np.asarray(result["S1"], dtype=float)})


def morris_indices(problem: dict, inputs: np.ndarray, outputs: np.ndarray, seed: int = 1):
    """Morris elementary effects (mu*, sigma) with mu* confidence intervals, and warnings."""
    from SALib.analyze import morris

    result = morris.analyze(problem, inputs, outputs, num_levels=4, seed=seed)
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu_star": result["mu_star"],
            "mu_star_conf": result["mu_star_conf"],
            "sigma": result["sigma"],
        }
    )
    trajectories = len(outputs) // (problem["num_vars"] + 1)
    warnings = []
    if trajectories < 10:
        warnings.append(
            f"only {trajectories} Morris trajectories: use points >= 10 for stable rankings"
        )
    return table, warnings


def point_values(store: Store, metric: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Design points with the metric's mean and 5/95% over seeds, and the per-run values."""
    results = store.results()
    if metric not in results.columns:
        kept = [
            c
            for c in results.columns
            if not c.startswith("param:") and c not in ("run", "point", "replicate", "year")
        ]
        raise InputError(
            f"--metric: {metric!r} was not kept by this sweep (allowed: {', '.join(kept)})"
        )
    if year not in set(results["year"]):
        raise InputError(f"--year: {year} (allowed: 1 to {results['year'].max()})")
    rows = results[results["year"] == year]
    summary = rows.groupby("point")[metric].agg(
        mean="mean", low=lambda v: v.quantile(0.05), high=lambda v: v.quantile(0.95)
    )
    design = store.design().set_index("point").join(summary, how="inner")
    return design.reset_index(), rows


def analyse_store(folder: Path, metric: str, year: int) -> dict:
    """Indices (for Sobol and Morris designs), warnings, and PNG plots written beside the store."""
    store = Store(folder)
    manifest = store.manifest()
    sweep = manifest["sweep"]
    points, _ = point_values(store, metric, year)
    names = [p["path"] for p in sweep["parameter"]]
    expected = manifest["points"]
    finished = len(store.done())
    complete = len(points) == expected and finished == manifest["runs"]
    warnings = []
    if not complete:
        warnings.append(
            f"{finished} of {manifest['runs']} runs finished; indices need every run "
            "(resume the sweep first)"
        )
    table = None
    if sweep["design"] in ("sobol", "morris") and complete:
        problem = {
            "num_vars": len(names),
            "names": names,
            "bounds": [p["range"] for p in sweep["parameter"]],
        }
        outputs = points["mean"].to_numpy()
        if sweep["design"] == "sobol":
            table, more = sobol_indices(problem, outputs)
        else:
            table, more = morris_indices(problem, points[names].to_numpy(), outputs)
        warnings += more
    elif sweep["design"] not in ("sobol", "morris"):
        warnings.append(
            f"a {sweep['design']} design gives plots, not indices (use sobol or morris)"
        )
    plots = []
    for name in names:
        png = _plot(points, name, metric, year)
        target = Path(folder) / f"sensitivity-{metric}-y{year}-{_slug(name)}.png"
        atomic_write(target, lambda p, png=png: p.write_bytes(png))
        plots.append(target)
    if table is not None:
        atomic_write(
            Path(folder) / f"sensitivity-{metric}-y{year}.csv",
            lambda p: table.to_csv(p, index=False),
        )
    return {"design": sweep["design"], "table": table, "warnings": warnings, "plots": plots}


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


def _plot(points: pd.DataFrame, name: str, metric: str, year: int) -> bytes:
    order = points.sort_values(name)
    fig, axis = plt.subplots(figsize=(6, 3.6), dpi=100)
    axis.fill_between(
        order[name], order["low"], order["high"], alpha=0.25, label="5-95% over seeds"
    )
    axis.plot(order[name], order["mean"], marker="o", linewidth=0.8, label="mean over seeds")
    axis.set_xlabel(name)
    axis.set_ylabel(f"{metric}, year {year}")
    axis.legend(fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
