"""The app's comparison: its scenario (levers applied) against the base economy, paired seeds.

The scenario the user has built in the page is written as a TOML file beside
the results, so the comparison runs through the same code, processes and
seeds as ``cwbsim compare`` and leaves a file anyone can re-run. Areas are
reported as ``cwbsim compare --area`` reports them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import tomli_w

from cwbsim.scenarios import evaluators
from cwbsim.scenarios.compare import Comparison, compare, resolve_arms
from cwbsim.scenarios.outputs import atomic_write
from cwbsim.scenarios.report import write_comparison
from cwbsim.scenarios.schema import Scenario


def write_scenario(plan: Scenario, path: Path) -> Path:
    """Write a scenario as TOML (atomically)."""
    text = tomli_w.dumps(plan.model_dump(mode="json", exclude_none=True))
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def run_comparison(
    plan: Scenario,
    seeds: int,
    years: int,
    folder: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    areas: list[str] | None = None,
    groups: dict[str, list[str]] | None = None,
) -> tuple[Comparison, dict[str, Path]]:
    """Compare ``plan`` with its base economy without interventions; write the results.

    Parameters
    ----------
    areas : list of str, optional
        Areas to report, as ``cwbsim compare --area``: the first is the comparison's
        headline (its ``runs`` and ``table``), every one is in ``by_area``. Default:
        the economy's ``report``.
    groups : dict, optional
        Named groups of area codes the economy lacks, added to both arms (what
        ``--area`` adds for a county or combined authority).

    Returns the comparison and the files written in ``folder``:
    ``comparison.csv``, ``runs.parquet``, ``report.html`` (and the two scenario files).
    """
    folder = Path(folder)
    baseline = Scenario(
        name=f"{plan.base} baseline",
        description="The base economy with no interventions.",
        base=plan.base,
        start=plan.start,
        years=years,
        seeds=seeds,
        seed=plan.seed,
    )
    scenario = plan.model_copy(update={"years": years, "seeds": seeds})
    base_path = write_scenario(baseline, folder / "baseline.toml")
    plan_path = write_scenario(scenario, folder / "scenario.toml")
    with evaluators.make(workers) as evaluator:
        # seed noise only, for now: drawing the uncertain parameters doubles the runs
        arms = resolve_arms(str(base_path), str(plan_path))
        if groups:
            arms = [
                (arm, spec.model_copy(update={"groups": {**spec.groups, **groups}}))
                for arm, spec in arms
            ]
        comparison = compare(
            str(base_path), str(plan_path), seeds, years, evaluator, progress,
            arms=arms, uncertain=False, areas=areas,
        )  # fmt: skip
    written = write_comparison(comparison, folder)
    files = {p.name: p for p in written if p.suffix in (".csv", ".parquet", ".html")}
    files.update({"baseline.toml": base_path, "scenario.toml": plan_path})
    return comparison, files
