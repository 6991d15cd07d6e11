"""The sweep file: which parameters to vary, over what, with which design and seeds.

```toml
name = "procurement-weight"
scenario = "preston-procurement-shift"   # built-in name or path (relative to this file)
design = "sobol"                          # grid, lhs, sobol or morris
points = 16                               # grid: levels per parameter; lhs: samples;
                                          # sobol: base N (power of two); morris: trajectories
seeds = 2                                 # replications per design point
seed = 1                                  # root of every run's seed
years = 5
metrics = ["local_share", "local_income", "lm3"]

[[parameter]]
path = "scenario.intervention.0.weight"   # a parameter path (cwbsim.scenarios.parameters)
range = [0.0, 8.0]                        # or: values = [0.0, 2.0, 4.0] (grid only)
```
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import pydantic
from pydantic import Field, model_validator

from cwbsim.model.errors import InputError, format_validation_error
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.files import read_toml
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import Strict
from cwbsim.scenarios import parameters
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.scenarios.seeds import SEED_MAX


class Parameter(Strict):
    """One varied parameter: a dotted path and a range or a list of values."""

    path: str = Field(description="scenario.<dotted path> or spec.<dotted path>.")
    range: tuple[float, float] | None = Field(None, description="[low, high].")
    values: list[float] | None = Field(None, min_length=1, description="Values (grid only).")

    @model_validator(mode="after")
    def _one(self) -> Parameter:
        if (self.range is None) == (self.values is None):
            raise ValueError("give exactly one of range or values")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(
                f"range {list(self.range)} is empty (allowed: [low, high] with low < high)"
            )
        return self


class Sweep(Strict):
    """A sweep over a scenario's parameters."""

    name: str
    description: str = ""
    scenario: str
    design: Literal["grid", "lhs", "sobol", "morris"] = "lhs"
    points: int = Field(8, ge=1, le=100_000)
    seeds: int = Field(1, ge=1, le=1_000)
    seed: int = Field(1, ge=0, le=SEED_MAX)
    years: int = Field(5, ge=1, le=50)
    metrics: list[str] = Field(
        default_factory=lambda: ["local_share", "region_share", "lm3", "local_income", "local_jobs"]
    )
    parameter: list[Parameter] = Field(min_length=1)

    @model_validator(mode="after")
    def _design(self) -> Sweep:
        unknown = [m for m in self.metrics if m not in METRICS]
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r} (allowed: {', '.join(METRICS)})")
        if self.design != "grid" and any(p.values is not None for p in self.parameter):
            raise ValueError(
                f"design {self.design!r} needs a range for every parameter (values are for grid)"
            )
        if self.design == "sobol" and (self.points < 8 or self.points & (self.points - 1)):
            raise ValueError(f"sobol needs points a power of two >= 8 (given {self.points})")
        if self.design == "morris" and self.points < 4:
            raise ValueError(f"morris needs at least 4 trajectories (given {self.points})")
        if self.design == "grid" and self.points < 2 and any(p.range for p in self.parameter):
            raise ValueError("grid needs points >= 2 levels for a range")
        if self.design == "lhs" and self.points < 2:
            raise ValueError("lhs needs points >= 2")
        return self


def file_hash(path: Path) -> str:
    """SHA-256 of a sweep file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_sweep(path: str | Path) -> tuple[Sweep, Scenario, EconomySpec]:
    """Read a sweep file, its scenario and base economy, and check every parameter path."""
    path = Path(path)
    try:
        sweep = Sweep.model_validate(read_toml(path))
    except pydantic.ValidationError as error:
        raise InputError(format_validation_error(error, str(path), Sweep)) from None
    candidate = path.parent / sweep.scenario
    scenario, spec = load_scenario(candidate if candidate.exists() else sweep.scenario)
    for i, parameter in enumerate(sweep.parameter):
        ends = parameter.values if parameter.values is not None else list(parameter.range)
        for value in ends:
            parameters.apply(scenario, spec, {parameter.path: value}, f"{path}: parameter[{i}]")
    return sweep, scenario, spec
