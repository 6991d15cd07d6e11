"""How stable is the Preston baseline? Year-by-year shares over seeds, no policy.

Run: ``.venv/bin/python benchmarks/baseline_drift.py [SEEDS] [YEARS]``. Prints the mean
and standard deviation over seeds of the local and local+region shares in each year,
and each seed's year-1 shares. Asserts nothing.
"""

from __future__ import annotations

import sys

import numpy as np

from cwbsim.model.economy import LocalEconomy


def main(seeds: int, years: int) -> None:
    local, region = [], []
    for seed in range(seeds):
        model = LocalEconomy("preston-2012", rng=seed)
        model.run_years(years)
        rows = model.recorder.years()
        local.append([r["local_share"] for r in rows])
        region.append([r["region_share"] for r in rows])
    local, region = np.array(local), np.array(region)
    np.set_printoptions(precision=4, suppress=True, linewidth=120)
    print(f"Preston baseline, {seeds} seeds, {years} years (shares of anchor procurement)")
    print("  local share, mean by year      ", local.mean(axis=0))
    print("  local share, sd by year        ", local.std(axis=0))
    print("  local+region share, mean       ", region.mean(axis=0))
    print("  local+region share, sd         ", region.std(axis=0))
    print("  year 1 local share by seed     ", local[:, 0])
    print("  year 1 local+region by seed    ", region[:, 0])


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 8, int(sys.argv[2]) if len(sys.argv) > 2 else 10
    )
