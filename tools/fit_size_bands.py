"""Fit the default size-band multipliers to FSB/CLES (2013): 63p and 40p re-spent locally.

Run: ``.venv/bin/python tools/fit_size_bands.py``. One multiplier for micro and small
firms and one for medium and large firms, each applied alike to the share of a firm's
inputs bought locally and of its jobs held by residents (``behaviour.size_bands``;
ownership is left to the firm populations, so profit is not concentrated further), are solved so that on the built-in ``preston-2012``
economy the first-round local re-spend per £ paid out (``respend_sme``, ``respend_large``,
mean over seeds 1 and 2, the second month) is 0.63 and 0.40. The result is typed into
the defaults of ``cwbsim/model/spec/behaviour.py``.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from cwbsim.model.economy import LocalEconomy
from cwbsim.model.spec.behaviour import SizeBehaviour
from cwbsim.model.spec.files import load_spec

TARGETS = (0.63, 0.40)
"""FSB/CLES (2013): 63p of each £1 re-spent locally by SMEs, 40p by large firms."""
SEEDS = (1, 2)


def respend(small: float, large: float, seed: int) -> tuple[float, float]:
    """(respend_sme, respend_large) of Preston with these multipliers, in the second month."""
    spec = load_spec("preston-2012")
    spec.behaviour.size_bands = {
        band: SizeBehaviour(local_inputs=m, resident_staff=m)
        for bands, m in ((("micro", "small"), small), (("medium", "large"), large))
        for band in bands
    }
    model = LocalEconomy(spec, rng=seed, adaptive=False)
    model.step()
    model.step()
    values = model.recorder.values[-1]
    return values["respend_sme"], values["respend_large"]


def main() -> None:
    """Solve for the two multipliers and print them with the re-spend they give."""

    def gap(x: np.ndarray) -> list[float]:
        found = np.mean([respend(x[0], x[1], s) for s in SEEDS], axis=0)
        return list(found - np.array(TARGETS))

    solution = optimize.root(gap, [2.0, 1.3], method="hybr", options={"xtol": 1e-3})
    small, large = solution.x
    print(f"micro and small: {small:.2f}; medium and large: {large:.2f}")
    for seed in (*SEEDS, 3):
        sme, big = respend(round(small, 1), round(large, 1), seed)
        print(f"  rounded, seed {seed}: respend_sme {sme:.3f}, respend_large {big:.3f}")


if __name__ == "__main__":
    main()
