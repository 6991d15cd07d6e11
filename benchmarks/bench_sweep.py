"""Sweep benchmark: 1,000 runs of a small economy over 5 years in local processes.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [RUNS] [WORKERS]``. Prints runs per
minute and the executor's overhead per run: ``(wall x workers - sum of run times) /
sum of run times``, which counts process start-up, task transfer and store writes.
Target (issue 5): overhead at most 5% of a run's own time with local processes.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import tomli_w

from cwbsim.scenarios import evaluators
from cwbsim.scenarios.sweep_run import run_sweep

SWEEPS = Path(__file__).resolve().parents[1] / "cwbsim" / "scenarios" / "sweeps"


def main(runs: int, workers: int) -> None:
    folder = Path(tempfile.mkdtemp())
    sweep = {
        "name": "bench",
        "scenario": str(SWEEPS / "small-policy.toml"),
        "design": "lhs",
        "points": runs,
        "seeds": 1,
        "seed": 3,
        "years": 5,
        "metrics": ["local_share", "local_income", "lm3"],
        "parameter": [{"path": "scenario.intervention.0.weight", "range": [0.0, 6.0]}],
    }
    path = folder / "bench.toml"
    path.write_text(tomli_w.dumps(sweep))
    try:
        started = time.perf_counter()
        with evaluators.make(workers) as evaluator:
            figures = run_sweep(path, folder / "store", evaluator)
        figures["wall_seconds"] = time.perf_counter() - started  # workers' start and stop too
    finally:
        shutil.rmtree(folder)
    wall, busy = figures["wall_seconds"], figures["run_seconds"]
    overhead = (wall * figures["workers"] - busy) / busy
    print(
        f"Sweep of {figures['runs']:,} runs (small economy, 5 years) on {figures['workers']} processes"
    )
    print(f"  wall seconds           {wall:.1f}")
    print(f"  runs per minute        {figures['runs'] / wall * 60:.0f}")
    print(f"  mean run seconds       {busy / figures['runs']:.3f}")
    print(f"  batches                {figures['batches']}")
    print(f"  executor overhead      {overhead:.1%} of run time (target <= 5%)")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2,
    )
