"""Places built from official statistics: build time, size, structure and one year's re-spend.

Run: ``.venv/bin/python benchmarks/bench_places.py [PLACE ...]`` (default: Preston,
Hyndburn, Birmingham). For each place, ``cwbsim place`` builds the spec with its
default council anchor (or, for Preston, the built-in ``preston-2012`` spec with the
sourced anchor cohort), the model is built with seed 1 and run for one year. Prints
figures; asserts nothing. Target (issue 13): any district builds in a few seconds.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from cwbsim.calibration.place import place_spec
from cwbsim.model.codes import LOCAL
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.record.display import label, text
from cwbsim.model.spec.files import load_spec
from cwbsim.model.spec.types import SIZE_BANDS
from cwbsim.scenarios.running import analytic_values

RESPEND = ("respend_local_suppliers", "respend_sme", "respend_large")


def profile(place: str) -> None:
    t = time.perf_counter()
    spec = load_spec("preston-2012") if place == "preston-2012" else place_spec(place)
    spec_seconds = time.perf_counter() - t
    t = time.perf_counter()
    model = LocalEconomy(spec, rng=1)
    build_seconds = time.perf_counter() - t
    economy = model.economy
    firm = economy.firm_idx
    local = economy.active & (economy.tier[firm] == LOCAL)
    bands = np.bincount(economy.size_band[local], minlength=len(SIZE_BANDS))
    weight = max(h.household_weight for h in spec.households)
    households = sum(h.count for h in spec.households)
    analytic = analytic_values(model)
    t = time.perf_counter()
    model.run_years(1)
    run_seconds = time.perf_counter() - t
    year = model.recorder.years()[0]
    print(f"{place}")
    print(f"  spec from tables       {spec_seconds:.2f} s")
    print(f"  model built            {build_seconds:.2f} s ({economy.n:,} agents)")
    print(f"  one year run           {run_seconds:.2f} s")
    print(f"  households             {households:,} (weight {weight})")
    print(
        "  local firms by band    "
        + ", ".join(f"{b} {n:,}" for b, n in zip(SIZE_BANDS, bands, strict=True))
    )
    print(f"  jobs in the place      {year['local_jobs']:,.0f}")
    print(f"  anchor spend           £{year['anchor_spend'] / 1e6:,.1f}m a year")
    print(f"  local share            {year['local_share']:.1%}")
    print(f"  closed-form LM3        {analytic['lm3']:.3f}")
    print(f"  closed-form multiplier {analytic['local_multiplier']:.3f}")
    for name in RESPEND:
        print(f"  {label(name):<44} {text(name, year[name])}")


def main(places: list[str]) -> None:
    for place in places or ["preston-2012", "Hyndburn", "Birmingham"]:
        profile(place)


if __name__ == "__main__":
    main(sys.argv[1:])
