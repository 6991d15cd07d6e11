"""The limits of a run's horizon, seeds and replications, checked where a person types them."""

from __future__ import annotations

from cwbsim.model.errors import InputError
from cwbsim.scenarios.schema import SEEDS_MAX, YEARS_MAX
from cwbsim.scenarios.seeds import SEED_MAX

INTERVAL_SEEDS_MIN = 2
"""A confidence interval of a mean needs at least two replications."""


def years(value: int, option: str = "--years") -> int:
    """A horizon of 1 to ``YEARS_MAX`` years (monthly steps; the model is for decades, not ages)."""
    if not 1 <= value <= YEARS_MAX:
        raise InputError(
            f"{option}: {value} (allowed: a whole number of years from 1 to {YEARS_MAX})"
        )
    return value


def seed(value: int, option: str = "--seed") -> int:
    """A seed from 0 to 2**63 - 1."""
    if not 0 <= value <= SEED_MAX:
        raise InputError(f"{option}: {value} (allowed: a whole number from 0 to 2**63 - 1)")
    return value


def interval_seeds(value: int, option: str = "--seeds") -> int:
    """Replications for paired differences with an interval: 2 to ``SEEDS_MAX``."""
    if value < INTERVAL_SEEDS_MIN:
        raise InputError(
            f"{option}: {value} (a 90% interval needs at least {INTERVAL_SEEDS_MIN} seeds; "
            f"allowed: {INTERVAL_SEEDS_MIN} to {SEEDS_MAX})"
        )
    if value > SEEDS_MAX:
        raise InputError(f"{option}: {value} (allowed: {INTERVAL_SEEDS_MIN} to {SEEDS_MAX})")
    return value
