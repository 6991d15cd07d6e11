"""Set the library's Preston scenarios to the medians of the back-cast's posterior.

Run after ``cwbsim validate preston --library`` (which writes
``cwbsim/scenarios/library/preston-posterior.csv``):
``.venv/bin/python tools/set_posterior_medians.py``. Rewrites ``weight``,
``region_value`` and ``retender_share`` of the first ``[[intervention]]`` (the
procurement preference) of each scenario, rounded to three decimals, and prints them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cwbsim.calibration.backcast import PRIORS, Fit

LIBRARY = Path(__file__).resolve().parents[1] / "cwbsim" / "scenarios" / "library"
SCENARIOS = ("preston-backcast", "preston-procurement-shift", "preston-cwb")


def main() -> None:
    """Rewrite the three scenarios' central values."""
    particles = pd.read_csv(LIBRARY / "preston-posterior.csv")
    median = Fit(particles, pd.DataFrame(), 0, [p.path for p in PRIORS]).quantiles(0.5)
    values = {p.path.rsplit(".", 1)[1]: round(float(median[p.path]), 3) for p in PRIORS}
    for name in SCENARIOS:
        path = LIBRARY / f"{name}.toml"
        text = path.read_text(encoding="utf-8")
        head, sep, rest = text.partition("[[intervention]]")
        block, sep2, tail = rest.partition("[[")
        for key, value in values.items():
            block, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", block)
            if count != 1:
                raise SystemExit(f"{path}: expected one {key} in the first intervention")
        path.write_text(head + sep + block + sep2 + tail, encoding="utf-8")
        print(f"{name}: {values}")


if __name__ == "__main__":
    main()
