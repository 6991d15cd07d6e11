"""Write a comparison: CSV tables, per-run Parquet, PNG charts and the committee report.

One scenario against its baseline writes what it always has (``comparison.csv`` with
one row per measure and year, ``runs.parquet`` with an ``arm`` column). Several
scenarios against one baseline write the same files with a ``scenario`` column (the
scenario's name) first; the baseline's runs appear once. The report (``report.html``,
and ``report.pdf`` when asked) is :mod:`cwbsim.scenarios.committee`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cwbsim.model.record import display
from cwbsim.scenarios.committee import Report, chart_image, write_report
from cwbsim.scenarios.compare import LEVEL, Comparison, stacked
from cwbsim.scenarios.outputs import atomic_write, json_text
from cwbsim.scenarios.pdf import TIMEOUT
from cwbsim.scenarios.running import versions

KEY_METRICS = tuple(display.compared())
"""The metrics a comparison charts and tables (the registry's ``compared`` flag)."""
COLUMNS = [
    "metric",
    "year",
    "baseline_mean",
    "scenario_mean",
    "diff_mean",
    "diff_lo",
    "diff_hi",
    "n_seeds",
]
PARAMETER_COLUMNS = ["param_mean", "param_lo", "param_hi", "param_share"]
"""Added when the scenario declares uncertain parameters (see :mod:`compare`)."""


@dataclass
class Written:
    """The files a comparison wrote, and its report (with why a PDF is missing, if it is)."""

    files: list[Path] = field(default_factory=list)
    report: Report | None = None


def chart(comparison: Comparison, metric: str) -> bytes:
    """PNG of one measure: both arms over time and their paired difference with its interval."""
    return chart_image([comparison], metric, "png")


def _table(comparisons: Sequence[Comparison]) -> pd.DataFrame:
    drawn = any(c.draws is not None for c in comparisons)
    columns = COLUMNS + (PARAMETER_COLUMNS if drawn else [])
    if len(comparisons) == 1:
        return comparisons[0].table[columns]
    return stacked(comparisons)[["scenario", *columns]]


def _runs(comparisons: Sequence[Comparison], column: str = "runs") -> pd.DataFrame:
    """Every run once: the baseline's (``scenario`` = its name), then each scenario's."""
    first = comparisons[0]
    if len(comparisons) == 1:
        return getattr(first, column)
    runs = getattr(first, column)
    frames = [runs[runs.arm == "baseline"].assign(scenario=first.names[0])]
    for comparison in comparisons:
        runs = getattr(comparison, column)
        if runs is not None:
            frames.append(runs[runs.arm == "scenario"].assign(scenario=comparison.names[1]))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "scenario", out.pop("scenario"))
    return out


def _draws(comparisons: Sequence[Comparison]) -> pd.DataFrame:
    """Each seed's drawn values, one column per parameter path (one draw served every arm)."""
    tables = [c.draws for c in comparisons if c.draws is not None]
    merged = pd.concat(tables, axis=1)
    return merged.loc[:, ~merged.columns.duplicated()]


def manifest(comparisons: Sequence[Comparison]) -> dict:
    """What was run: inputs, seeds, the interval methods, the parameters drawn, versions."""
    first = comparisons[0]
    drawn = any(c.draws is not None for c in comparisons)
    declared = {u.path: u for c in comparisons for u in c.declared}
    document = {
        "baseline": first.baseline,
        "scenario": first.scenario if len(comparisons) == 1 else None,
        "scenarios": [c.scenario for c in comparisons],
        "names": [first.names[0], *(c.names[1] for c in comparisons)],
        "seeds": int(first.runs.seed_index.nunique()),
        "seed_entropy": first.entropy,
        "seed_scheme": "numpy.random.SeedSequence(entropy).spawn(seeds); the same child for "
        "every arm; the baseline runs once per seed",
        "interval": f"{LEVEL:.0%} Student-t interval of the mean paired difference",
        "parameter_interval": (
            f"{LEVEL:.0%} interval: drawn mean +- t * sqrt(between-draw variance + "
            "max(central, drawn variance) / n), between-draw variance = max(drawn - central "
            "variance, 0)"
            if drawn
            else None
        ),
        "uncertain": [u.model_dump(exclude_none=True) for u in declared.values()],
        "areas": (list(dict.fromkeys(first.by_area.area)) if first.by_area is not None else None),
        "versions": versions(),
    }
    if len(comparisons) == 1:
        del document["scenarios"], document["names"]
    return document


def write_comparisons(
    comparisons: Sequence[Comparison],
    out: Path,
    pdf: bool = False,
    timeout: float = TIMEOUT,
    charts: bool = True,
) -> Written:
    """Write one or several comparisons (all against one baseline) and the committee report.

    Files: ``comparison.csv`` (with a ``scenario`` column when several),
    ``comparison_by_area.csv`` (with areas), ``runs.parquet``, ``draws.csv``,
    ``runs_drawn.parquet`` and ``sensitivity.csv`` (with parameter uncertainty),
    ``manifest.json``, one PNG chart per compared measure (with ``charts``),
    ``report.html`` and, with ``pdf``, ``report.pdf`` (printed by Chromium; when it
    cannot be, ``Written.report.pdf_error`` says why in one line and nothing fails).
    """
    comparisons = list(comparisons)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = Written()
    several = len(comparisons) > 1
    first = comparisons[0]
    drawn = any(c.draws is not None for c in comparisons)

    def save(name: str, write) -> None:
        atomic_write(out / name, write)
        written.files.append(out / name)

    table = _table(comparisons)
    if drawn:
        draws = _draws(comparisons).rename_axis("seed_index").reset_index()
        save("draws.csv", lambda p: draws.to_csv(p, index=False))
        runs_drawn = _runs(comparisons, "drawn")
        save("runs_drawn.parquet", lambda p: runs_drawn.to_parquet(p, index=False))
        sensitivity = stacked(comparisons, "sensitivity") if several else first.sensitivity
        save("sensitivity.csv", lambda p: sensitivity.to_csv(p, index=False))
    if first.by_area is not None:
        by_area = stacked(comparisons, "by_area") if several else first.by_area
        save("comparison_by_area.csv", lambda p: by_area.to_csv(p, index=False))
    save("comparison.csv", lambda p: table.to_csv(p, index=False))
    runs = _runs(comparisons)
    save("runs.parquet", lambda p: runs.to_parquet(p, index=False))
    document = manifest(comparisons)
    save("manifest.json", lambda p: p.write_text(json_text(document, indent=2)))
    if charts:
        for metric in KEY_METRICS:
            png = chart_image(comparisons, metric, "png")
            save(f"{metric}.png", lambda p, png=png: p.write_bytes(png))
    written.report = write_report(comparisons, out, pdf=pdf, timeout=timeout)
    written.files.append(written.report.html)
    if written.report.pdf is not None:
        written.files.append(written.report.pdf)
    return written


def write_comparison(comparison: Comparison, out: Path) -> list[Path]:
    """Write one comparison's files and ``report.html`` (last in the list); no PDF."""
    return write_comparisons([comparison], out).files
