"""Several-scenario comparison benchmark: 3 Preston scenarios x 10 seeds x 5 years.

Run: ``.venv/bin/python benchmarks/bench_compare_many.py [SEEDS] [YEARS] [--uncertain]``.
Compares preston-procurement-shift, preston-cwb and austerity with the preston-2012
baseline in local processes (one per core), as ``cwbsim compare`` and the app's Compare
view do: the baseline once per seed, then each scenario. Prints the time to the first
scenario's results (handed over as it finishes) and to the end, the runs, and the
machine's load average before and after (the figure depends on what else runs).
Target (issue 16): all results in at most 120 s on a 2-core machine, the first
scenario's before the end. ``--uncertain`` also runs every seed with a parameter
draw (twice the runs).
"""

from __future__ import annotations

import os
import sys
import time

from cwbsim.scenarios import evaluators
from cwbsim.scenarios.compare import compare_many

BASELINE = "preston-2012"
SCENARIOS = ("preston-procurement-shift", "preston-cwb", "austerity")
TARGET_SECONDS = 120.0


def bench_compare_many(
    seeds: int = 10,
    years: int = 5,
    scenarios: tuple[str, ...] = SCENARIOS,
    uncertain: bool = False,
    workers: int | None = None,
) -> dict[str, float]:
    """Time a comparison of ``scenarios`` with the Preston baseline; print and return the figures.

    Returns ``first`` and ``end`` (s from the start, workers' start-up included),
    ``runs`` and the one-minute load average ``load_before`` and ``load_after``.
    """
    load_before = os.getloadavg()[0]
    arrivals: list[tuple[int, float]] = []
    counted = {"runs": 0}
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        counted["runs"] = total

    def arrived(index: int, comparison) -> None:
        arrivals.append((index, time.perf_counter() - started))

    with evaluators.make(workers) as evaluator:
        compare_many(
            BASELINE, list(scenarios), seeds, years, evaluator, progress, arrived,
            uncertain=uncertain,
        )  # fmt: skip
        end = time.perf_counter() - started
    figures = {
        "first": arrivals[0][1],
        "end": end,
        "runs": counted["runs"],
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }
    print(
        f"{len(scenarios)} scenarios x {seeds} seeds x {years} years against {BASELINE} "
        f"({figures['runs']} runs{', with parameter draws' if uncertain else ''}; "
        f"{evaluator.workers} worker processes on {os.cpu_count()} cores)"
    )
    for index, seconds in arrivals:
        print(f"  {scenarios[index]:<28} results at {seconds:6.1f} s")
    print(f"  first scenario's results   {figures['first']:6.1f} s")
    print(
        f"  all results                {figures['end']:6.1f} s  (target <= {TARGET_SECONDS:.0f} s)"
    )
    print(
        f"  load average               {load_before:.2f} before, {figures['load_after']:.2f} after"
    )
    return figures


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if not a.startswith("--")]
    bench_compare_many(*numbers[:2], uncertain="--uncertain" in sys.argv)
