"""Preston and Lancashire in 2016/17 from the back-cast: fourteen places against one.

Run: ``.venv/bin/python benchmarks/lancashire_results.py [seeds]`` (default 4). Runs
``lancashire-backcast`` (each run reports Preston and Lancashire) and ``preston-backcast``
(one place; Lancashire is its local + region spend) over seeds ``replicate(2013, i)``
and prints year 4 (2016/17) anchor spend with Preston and with Lancashire suppliers,
£m, against the published £112.3m and £488.7m (CLES; +£74m and +£200m on 2012/13).
"""

from __future__ import annotations

import sys

import numpy as np

from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import load_scenario
from cwbsim.scenarios.seeds import replicate


def main(seeds: int = 4) -> None:
    """Print the table."""
    print("| scenario | Preston £m (mean, range) | Lancashire £m (mean, range) |")
    print("|---|---|---|")
    for name in ("lancashire-backcast", "preston-backcast"):
        scenario, spec = load_scenario(name)
        preston, lancashire = [], []
        for i in range(seeds):
            if name.startswith("lancashire"):
                result = run_scenario(
                    scenario, spec, replicate(scenario.seed, i), 4, areas=["Preston", "Lancashire"]
                )
                preston.append(result.areas["Preston"][-1]["anchor_spend_local"])
                lancashire.append(result.areas["Lancashire"][-1]["anchor_spend_local"])
            else:
                last = run_scenario(scenario, spec, replicate(scenario.seed, i), 4).years[-1]
                preston.append(last["anchor_spend_local"])
                lancashire.append(last["anchor_spend_region"])
        cells = [
            f"{np.mean(v) / 1e6:.1f} ({min(v) / 1e6:.1f} to {max(v) / 1e6:.1f})"
            for v in (preston, lancashire)
        ]
        print(f"| {name} | {cells[0]} | {cells[1]} |", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
