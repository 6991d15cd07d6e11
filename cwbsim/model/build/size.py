"""How much memory an economy needs, checked before it is built.

Measured with the vectorised engine (``benchmarks/bench_memory.py``): building an
economy and running its first month adds a peak of 1.16 to 1.26 KB per agent from
68,000 to 680,000 agents (household weight 1); :data:`BYTES_PER_AGENT` allows a little more.
"""

from __future__ import annotations

import os
from pathlib import Path

from cwbsim.model.errors import InputError
from cwbsim.model.spec.schema import EconomySpec

BYTES_PER_AGENT = 1_300
"""Peak memory per agent while building and running, bytes (measured up to 1.26 KB)."""


def agent_count(spec: EconomySpec) -> tuple[int, int]:
    """(all agents, household agents) the spec builds.

    Each household agent stands for ``household_weight`` households.
    """
    households = sum(-(-p.count // p.household_weight) for p in spec.households)
    firms = len(spec.suppliers) + sum(p.count for p in spec.firms)
    entrants = spec.behaviour.adaptation.entrants_per_sector * len(
        {s for p in spec.firms for s in p.sectors}
    )
    return len(spec.anchors) + firms + entrants + households, households


def available_bytes() -> int | None:
    """Memory this machine can give a new job now, bytes (``None`` where unknown)."""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(spec: EconomySpec, available: int | None = None) -> None:
    """Refuse, before building, an economy that would need more memory than is available.

    Raises
    ------
    InputError
        Naming the estimate, the agents and what to change.
    """
    agents, households = agent_count(spec)
    needed = agents * BYTES_PER_AGENT
    available = available_bytes() if available is None else available
    if available is not None and needed > available:
        raise InputError(
            f"spec {spec.name}: about {needed / 1e9:,.1f} GB of memory needed for {agents:,} "
            f"agents ({households:,} household agents), but {available / 1e9:,.1f} GB is "
            "available (raise household_weight so each agent stands for more households)"
        )
