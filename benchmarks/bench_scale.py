"""City-region scale: build and run time and peak memory from Preston to Greater Manchester.

Run: ``.venv/bin/python benchmarks/bench_scale.py [--years N] [--gm-years N]``. Each case
runs in a fresh process (so peak memory is its own), all adaptive rules on, seed 1:

- Preston alone (``preston-2012``, 59,600 households, one agent each);
- Lancashire as fourteen places (``lancashire-2012``, 11 households per agent);
- Greater Manchester (``cwbsim place "Greater Manchester"``, ten places, one agent per
  household).

It prints build seconds, run seconds, seconds per step, the money step's share of a
step (``engine.step`` with the ledger, timed inside ``model.step``) and peak memory.
Issue 15's targets and what limits them are in the README (Benchmarks).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CASES = {
    "Preston": ("preston-2012", None),
    "Lancashire (14 places)": ("lancashire-2012", None),
    "Greater Manchester (10 places)": ("Greater Manchester", 1),
}


def one(target: str, weight: int | None, years: int) -> dict:
    """Build and run one economy in this process; return its figures."""
    from cwbsim.calibration.place import PlaceOptions, place_spec
    from cwbsim.model.economy import LocalEconomy
    from cwbsim.model.spec.files import load_spec

    started = time.perf_counter()
    if weight is None:
        spec = load_spec(target)
    else:
        spec = place_spec(target, PlaceOptions(household_weight=weight))
    model = LocalEconomy(spec, rng=1)
    built = time.perf_counter() - started
    engine_step = model.engine.step
    money = [0.0]

    def timed(state):
        t = time.perf_counter()
        flows = engine_step(state)
        money[0] += time.perf_counter() - t
        return flows

    model.engine.step = timed
    started = time.perf_counter()
    model.run_years(years)
    ran = time.perf_counter() - started
    steps = years * 12
    return {
        "households": int(model.economy.weight[model.economy.household_idx].sum()),
        "agents": int(model.economy.n),
        "build_s": built,
        "run_s": ran,
        "step_ms": 1000 * ran / steps,
        "money_step_ms": 1000 * money[0] / steps,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    }


def main() -> None:
    """Run every case in its own process and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--gm-years", type=int, default=1)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        target, weight = CASES[args.case]
        print(json.dumps(one(target, weight, args.years)))
        return
    print(
        "| economy | households | agents | build s | run s (years) | ms per step | "
        "money step ms | whole / money | peak GB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in CASES:
        years = args.gm_years if name.startswith("Greater") else args.years
        output = subprocess.run(
            [sys.executable, __file__, "--case", name, "--years", str(years)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        r = json.loads(output.strip().splitlines()[-1])
        print(
            f"| {name} | {r['households']:,} | {r['agents']:,} | {r['build_s']:.1f} | "
            f"{r['run_s']:.1f} ({years}) | {r['step_ms']:.0f} | {r['money_step_ms']:.0f} | "
            f"{r['step_ms'] / r['money_step_ms']:.1f}x | {r['peak_gb']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
