"""Run an economy for some years and write what it produced, with its provenance."""

from __future__ import annotations

import gc
import json
import os
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from cwbsim.model.codes import LOCAL
from cwbsim.model.economy import ENGINES, LocalEconomy
from cwbsim.model.engine import analytic
from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import load_spec
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios import limits
from cwbsim.scenarios.driver import Driver
from cwbsim.scenarios.outputs import json_text, replace_folder
from cwbsim.scenarios.schema import Scenario
from cwbsim.scenarios.seeds import Seed, as_seed

PACKAGES = ("cwbsim", "mesa", "numpy", "scipy", "networkx", "pandas", "pyarrow", "pydantic")


def versions() -> dict[str, str]:
    """Python and package versions, recorded beside every output."""
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


@dataclass
class RunResult:
    """Everything one run produced.

    Attributes
    ----------
    years : list[dict]
        One record per year; money in £ per year.
    per_anchor : dict[str, list[dict]]
        Yearly spend, local and region shares and LM3 of each anchor.
    timeseries : pandas.DataFrame
        One row per step (from the Mesa DataCollector); money in £ per step.
    ledger : pandas.DataFrame
        Flows by year, payer kind and tier, channel, payee kind and tier; £ per year.
    analytic : dict
        LM3 and local multiplier of the starting structure in closed form.
    areas : dict[str, list[dict]]
        The yearly records of every group of areas asked about, by name; ``years``
        is the first (the headline "local").
    """

    spec: EconomySpec
    spec_source: str
    seed: int | dict
    engine: str
    years: list[dict]
    per_anchor: dict[str, list[dict]]
    timeseries: pd.DataFrame
    ledger: pd.DataFrame
    analytic: dict[str, float]
    scenario: Scenario | None = None
    areas: dict[str, list[dict]] = field(default_factory=dict)

    def summary(self) -> dict:
        """The ``summary.json`` document."""
        return {
            "spec": self.spec.name,
            "scenario": self.spec_source,
            "seed": self.seed,
            "engine": self.engine,
            "versions": versions(),
            "units": "money in £ per year; shares in [0, 1]",
            "analytic_at_start": self.analytic,
            "area": next(iter(self.areas), ""),
            "years": self.years,
            "per_anchor": self.per_anchor,
            "areas": self.areas,
        }


def analytic_values(model: LocalEconomy) -> dict[str, float]:
    """LM3 and the local multiplier of the model's current structure, in closed form."""
    fast = model.engine if model.engine.name == "vectorised" else None
    if fast is None:
        from cwbsim.model.engine.vectorised import VectorisedEngine

        fast = VectorisedEngine(model.economy)
    transition = fast.transition()
    local = model.recorder.tier == LOCAL
    return {
        "lm3": analytic.lm3(transition, fast.funding_step, local),
        "local_multiplier": analytic.local_multiplier(transition, fast.funding_step, local),
    }


def run_economy(
    spec: str | EconomySpec,
    years: int,
    seed: int | Seed | np.random.SeedSequence,
    engine: str = "vectorised",
    progress: Callable[[int], None] | None = None,
    check_conservation: bool = False,
    interventions: Sequence = (),
    label: str | None = None,
    areas: list[str] | None = None,
) -> RunResult:
    """Build an economy from ``spec`` and run it for ``years`` years of monthly steps.

    Parameters
    ----------
    spec : str or EconomySpec
        A built-in name, a TOML path, or a spec.
    years : int
        Years to run (12 steps each).
    seed : int, Seed or numpy.random.SeedSequence
        The run's one seed (:mod:`cwbsim.scenarios.seeds`).
    engine : {"vectorised", "reference"}
        Which engine moves the money.
    progress : callable, optional
        Called with the step number after each step.
    check_conservation : bool
        Assert after every step that money is conserved to 1e-9 relative.
    interventions : sequence
        Scenario interventions, applied before each step.
    label : str, optional
        Name recorded as the spec (a scenario's name).
    areas : list of str, optional
        Groups of areas the metrics are asked for; the first is the headline
        (default: the spec's ``report``, else its local-tier areas).
    """
    limits.years(years)
    if engine not in ENGINES:
        raise InputError(f"--engine: {engine!r} (allowed: {', '.join(ENGINES)})")
    source = spec if isinstance(spec, str) else spec.name
    resolved = spec if isinstance(spec, EconomySpec) else load_spec(spec)
    seed = as_seed(seed)
    model = LocalEconomy(
        resolved, rng=seed.rng(), engine=engine, check_conservation=check_conservation, areas=areas
    )
    start = analytic_values(model)
    Driver(model, interventions).run(years, progress)
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    steps = np.arange(1, len(frame) + 1)
    frame.insert(0, "month", (steps - 1) % 12 + 1)
    frame.insert(0, "year", (steps - 1) // 12 + 1)
    frame.insert(0, "step", steps)
    result = RunResult(
        spec=resolved,
        spec_source=str(label or source),
        seed=seed.record(),
        engine=engine,
        years=model.recorder.years(),
        per_anchor=model.recorder.per_anchor(model.economy.anchor_names),
        timeseries=frame,
        ledger=model.recorder.ledger(),
        analytic=start,
        areas={name: recorder.years() for name, recorder in model.recorders.items()},
    )
    # A Mesa model holds reference cycles (its agents and scheduled events point back at
    # it), so its arrays wait for Python's cycle collector, which counts objects, not
    # bytes: a worker running Greater Manchester runs one after another held two or
    # three finished models (6.5 GB against 2.2 GB for one run). Collect them now.
    del model
    gc.collect()
    return result


def run_scenario(
    scenario: Scenario,
    spec: EconomySpec,
    seed: int | Seed | np.random.SeedSequence,
    years: int | None = None,
    progress: Callable[[int], None] | None = None,
    engine: str = "vectorised",
    areas: list[str] | None = None,
) -> RunResult:
    """Run one replication of a scenario (its base economy with its interventions)."""
    result = run_economy(
        spec,
        scenario.years if years is None else years,
        seed,
        engine,
        progress,
        interventions=scenario.intervention,
        label=scenario.name,
        areas=areas,
    )
    result.scenario = scenario
    return result


def _provenance(result: RunResult) -> dict[str, str]:
    return {
        "cwbsim.spec": result.spec_source,
        "cwbsim.seed": json.dumps(result.seed),
        "cwbsim.engine": result.engine,
        "cwbsim.versions": json.dumps(versions()),
    }


def _parquet(frame: pd.DataFrame, result: RunResult) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata.update({k.encode(): v.encode() for k, v in _provenance(result).items()})
        pq.write_table(table.replace_schema_metadata(metadata), path)

    return write


OUTPUTS = ("summary.json", "timeseries.parquet", "ledger.parquet", "spec.toml", "scenario.toml")
"""The files a run writes (``scenario.toml`` for scenario runs only)."""


def write_run(result: RunResult, out: Path) -> list[Path]:
    """Write ``summary.json``, ``timeseries.parquet``, ``ledger.parquet`` and ``spec.toml``.

    A scenario run also writes ``scenario.toml`` (its interventions, resolved).
    The files are written into a new folder that then takes the place of
    ``out`` (:func:`~cwbsim.scenarios.outputs.replace_folder`), so a killed
    write leaves the previous outputs whole. The Parquet files carry the seed,
    spec, engine and package versions in their schema metadata.
    """
    out = Path(out)
    summary = json_text(result.summary(), indent=2)
    spec_text = tomli_w.dumps(result.spec.model_dump(mode="json", exclude_none=True))
    files = {
        "summary.json": lambda p: p.write_text(summary + "\n"),
        "timeseries.parquet": _parquet(result.timeseries, result),
        "ledger.parquet": _parquet(result.ledger, result),
        "spec.toml": lambda p: p.write_text(
            f"# Resolved spec of run seed={result.seed} engine={result.engine}\n" + spec_text
        ),
    }
    if result.scenario is not None:
        scenario_text = tomli_w.dumps(result.scenario.model_dump(mode="json", exclude_none=True))
        files["scenario.toml"] = lambda p: p.write_text(
            f"# Resolved scenario of run seed={result.seed}\n" + scenario_text
        )

    def fill(folder: Path) -> None:
        for name, write in files.items():
            write(folder / name)
            os.chmod(folder / name, 0o644)

    replace_folder(out, fill, set(OUTPUTS))
    return [out / name for name in files]
