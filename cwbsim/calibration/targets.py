"""The targets file of ``cwbsim calibrate``: moments to meet and what to fit.

```toml
[targets]
respend_local_suppliers = 0.76  # NEF (2005), Northumberland: 76p of each £ local
                                # suppliers received was re-spent locally ("£1 worth £1.76")
respend_sme = 0.63    # FSB/CLES (2013): 63p of each £1 re-spent locally by SMEs
respend_large = 0.40  # ... and 40p by large firms

[fit]
parameters = ["household_local_share", "flq_delta", "anchor_local_staff_share"]
seeds = [1, 2]
```
"""

from __future__ import annotations

import math
from pathlib import Path

import pydantic
from pydantic import Field, field_validator

from cwbsim.calibration.fitting import MOMENT_RANGES, MOMENTS, PARAMETERS
from cwbsim.model.errors import InputError, format_validation_error
from cwbsim.model.spec.files import read_toml
from cwbsim.model.spec.types import Strict


class FitOptions(Strict):
    """What to fit and over which seeds."""

    parameters: list[str] = Field(default_factory=lambda: list(PARAMETERS))
    seeds: list[int] = Field(default_factory=lambda: [1, 2], min_length=1, max_length=50)
    max_evaluations: int = Field(200, ge=5, le=5000)

    @field_validator("parameters")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [p for p in value if p not in PARAMETERS]
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r} (allowed: {', '.join(PARAMETERS)})")
        return value


class TargetsFile(Strict):
    """Targets and fit options."""

    targets: dict[str, float] = Field(min_length=1)
    fit: FitOptions = Field(default_factory=FitOptions)

    @field_validator("targets")
    @classmethod
    def _moments(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [t for t in value if t not in MOMENTS]
        if unknown:
            raise ValueError(f"unknown target {unknown[0]!r} (allowed: {', '.join(MOMENTS)})")
        for name, target in value.items():
            lo, hi = MOMENT_RANGES[name]
            if not math.isfinite(target) or not lo <= target <= hi:
                raise ValueError(f"{name} = {target} (allowed: a number from {lo:g} to {hi:g})")
        return value


def load_targets(path: Path) -> TargetsFile:
    """Read and validate a targets TOML file."""
    try:
        return TargetsFile.model_validate(read_toml(Path(path)))
    except pydantic.ValidationError as error:
        raise InputError(format_validation_error(error, str(path), TargetsFile)) from None
