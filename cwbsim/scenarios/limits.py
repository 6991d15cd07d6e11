"""The limits of a run's horizon, seeds and replications, checked where a person types them."""

from __future__ import annotations

from cwbsim.model.errors import InputError
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios.schema import SEEDS_MAX, YEARS_MAX
from cwbsim.scenarios.seeds import SEED_MAX

INTERVAL_SEEDS_MIN = 2
"""A confidence interval of a mean needs at least two replications."""
TERMINATE_FRACTION = 0.95
"""Dask restarts a worker whose memory passes this share of its limit (its default)."""


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


def worker_memory(spec: EconomySpec, limit: int | None) -> None:
    """Refuse runs of ``spec`` on workers whose memory limit (bytes) is below its estimate.

    The estimate is the one that refuses an economy larger than the machine's free
    memory (:func:`cwbsim.model.build.size.check_fits`); a worker's limit would
    otherwise show only when Dask restarts the worker in the middle of a run.
    """
    if not limit:
        return
    from cwbsim.model.build.size import BYTES_PER_AGENT, agent_count

    agents, households = agent_count(spec)
    needed = agents * BYTES_PER_AGENT
    if needed > TERMINATE_FRACTION * limit:
        raise InputError(
            f"spec {spec.name}: about {needed / 1e9:,.2f} GB of memory needed per run for "
            f"{agents:,} agents ({households:,} household agents), but each Dask worker may "
            f"use {limit / 1e9:,.2f} GB (give the workers more: --worker-memory, or dask "
            "worker --memory-limit; or raise household_weight)"
        )
