"""Write ``docs/validation.md`` from a :class:`~cwbsim.calibration.validation.Validation`.

Every number in the document is formatted from the validation's results; the words
around a result that may miss are chosen by whether it misses.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from cwbsim.calibration import backcast
from cwbsim.calibration.validation import REPORTED, Validation
from cwbsim.calibration.validation_words import DIAGNOSES, LABELS, REPORTED_TEXT
from cwbsim.model.record import display
from cwbsim.scenarios import uncertainty
from cwbsim.scenarios.running import versions
from cwbsim.scenarios.schema import load_scenario


def _value(key: str, value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if key.startswith("anchor_spend"):
        return f"£{value / 1e6:,.1f}m"
    if key in ("local_share", "region_share", "council_local_share"):
        return f"{value:.1%}"
    if key in ("median_wage", "local_jobs"):
        return f"{value:+.1%}"
    if key == "employment_rate":
        return f"{value * 100:+.2f} points"
    return f"{value:,.0f}"


def _range(key: str, low: float, high: float) -> str:
    return f"{_value(key, low)} to {_value(key, high)}"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fitted_section(v: Validation) -> str:
    """The posterior: medians, credible intervals, and the ABC generations."""
    low, mid, high = (v.fit.quantiles(q) for q in (0.05, 0.5, 0.95))
    rows = [
        [
            p.label,
            f"{p.low:g} to {p.high:g} ({p.source})",
            f"{mid[p.path]:.3f}",
            f"{low[p.path]:.3f} to {high[p.path]:.3f}",
        ]
        for p in backcast.PRIORS
    ]
    generations = _table(
        ["generation", "distance accepted", "simulations"],
        [
            [str(int(r.t)), f"{r.epsilon:.3f}", f"{int(r.simulations):,}"]
            for r in v.fit.generations.itertuples()
        ],
    )
    return (
        "## The fitted values\n\n"
        + _table(
            ["parameter", "prior (uniform)", "posterior median", "90% credible interval"], rows
        )
        + f"\n\nABC-SMC (pyabc): {len(v.fit.particles)} particles a generation, distance = "
        "root of the summed squared relative misses of the two targets; "
        f"{v.fit.simulations:,} simulations in all.\n\n" + generations + "\n"
    )


def in_sample_section(v: Validation) -> str:
    """The two targets and the other 2016/17 measures, at the medians and over draws."""
    rows = []
    for r in v.in_sample.itertuples():
        miss = ""
        if r.measure in backcast.TARGETS:
            gap = r.median_fit / backcast.TARGETS[r.measure] - 1
            miss = f"{gap:+.1%} ({'within' if abs(gap) <= 0.05 else 'outside'} 5%)"
        if r.measure == "council_local_share":
            continue
        rows.append([LABELS[r.measure], REPORTED_TEXT[r.measure], _value(r.measure, r.median_fit),
                     _range(r.measure, r.seed_lo, r.seed_hi),
                     _range(r.measure, r.predictive_lo, r.predictive_hi), miss])  # fmt: skip
    s = v.settings
    return (
        "## In sample: 2016/17 by tier\n\n"
        f"The back-cast at the posterior medians on the full economy ({s.in_sample_seeds} "
        f"seeds), and on {s.predictive_draws} posterior draws (the posterior predictive, "
        f"households in cohorts of {backcast.FAST['spec.households.0.household_weight']} as "
        "in the fit). Only the first two rows were fitted.\n\n"
        + _table(
            [
                "measure",
                "reported",
                "model",
                "90% interval, seeds",
                "90% of posterior draws",
                "miss",
            ],
            rows,
        )
        + "\n"
    )


def identification_section(v: Validation) -> str:
    """Profiles of the loss and the posterior's correlations."""
    parts = ["## Identification\n",
             f"Two targets, {len(backcast.PRIORS)} free parameters: the targets cannot pin "
             "down every combination of the parameters. The loss (the ABC distance, mean of "
             f"{v.settings.profile_seeds} seeds) along each parameter, the others at their "
             "posterior medians:\n"]  # fmt: skip
    for p in backcast.PRIORS:
        rows = v.profile[v.profile.parameter == p.path]
        best = rows.loc[rows.distance.idxmin()]
        parts.append(
            f"- {p.label}: "
            + ", ".join(f"{r.value:.2f} → {r.distance:.3f}" for r in rows.itertuples())
            + f" (lowest at {best.value:.2f})"
        )
    names = {p.path: p.label for p in backcast.PRIORS}
    pairs = []
    paths = list(v.correlation.columns)
    for i, a in enumerate(paths):
        for b in paths[i + 1 :]:
            r = v.correlation.loc[a, b]
            pairs.append((abs(r), f"{names[a]} and {names[b]}: r = {r:+.2f}"))
    pairs.sort(reverse=True)
    parts.append("\nPosterior correlations, strongest first (|r| near 1 is a trade-off the "
                 "targets cannot separate):\n")  # fmt: skip
    parts += [f"- {text}" for _, text in pairs]
    return "\n".join(parts) + "\n"


def out_of_sample_section(v: Validation) -> tuple[str, list[str]]:
    """The never-fitted outcomes with verdicts; also the missed outcomes' keys."""
    rows, misses = [], []
    for r in v.out_of_sample.itertuples():
        if r.outcome in ("local_jobs", "employment_rate"):
            verdict = (
                "consistent (no effect cannot be ruled out)"
                if r.param_lo <= 0 <= r.param_hi
                else "an effect the study did not find"
            )
        else:
            reported = r.reported
            if r.outcome == "median_wage":
                inside = r.param_hi >= REPORTED["median_wage_change_low"] and (
                    r.param_lo <= REPORTED["median_wage_change_high"]
                )
            else:
                inside = r.param_lo <= reported <= r.param_hi
            verdict = "reproduced" if inside else "missed"
        if verdict.startswith(("missed", "an effect")):
            if r.outcome == "council_local_share":
                misses.append(f"{r.outcome}_{'high' if r.model > r.reported else 'low'}")
            else:
                misses.append(r.outcome)
        rows.append([LABELS[r.outcome], REPORTED_TEXT[r.outcome], _value(r.outcome, r.model),
                     _range(r.outcome, r.seed_lo, r.seed_hi),
                     _range(r.outcome, r.param_lo, r.param_hi), verdict])  # fmt: skip
    text = (
        "## Out of sample: published outcomes never fitted\n\n"
        "Preston City Council's share is the back-cast's (its 2012 share, 14%, is in the "
        f"economy by construction). The others compare `preston-cwb` with `preston-2012` in "
        f"year 5 (2017/18) over {v.settings.compare_seeds} paired seeds, each run again "
        "with one draw of every uncertain parameter (the posterior and the scenario's "
        "declared ranges). Changes are scenario minus baseline; the second interval is "
        "centred on the mean over the draws.\n\n"
        + _table(
            [
                "outcome",
                "reported",
                "model",
                "90% interval, seeds",
                "90% interval, seeds and parameters",
                "verdict",
            ],
            rows,
        )
        + "\n"
    )
    return text, misses


def headline_section(v: Validation) -> str:
    """The headline results' two intervals, how much wider, and what drives them."""
    rows = []
    for r in v.headline.itertuples():
        seed_width = r.diff_hi - r.diff_lo
        wider = (r.param_hi - r.param_lo) / seed_width if seed_width > 0 else np.nan
        rows.append([display.label(r.metric), display.text(r.metric, r.diff_mean, True),
                     f"{display.text(r.metric, r.diff_lo, True)} to "
                     f"{display.text(r.metric, r.diff_hi, True)}",
                     f"{display.text(r.metric, r.param_lo, True)} to "
                     f"{display.text(r.metric, r.param_hi, True)}",
                     f"{wider:.1f}×", f"{r.param_share:.0%}"])  # fmt: skip
    text = (
        "## The procurement shift with what we do not know\n\n"
        "`preston-procurement-shift` against `preston-2012`, year 5 (2017/18), "
        f"{v.settings.headline_seeds} paired seeds at the central values, and the same seeds "
        "with one draw each of the posterior and the scenario's declared ranges. The second "
        "interval adds the spread across parameters to the seed noise (law of total "
        "variance; `cwbsim/scenarios/compare.py`); it is centred on the mean over the "
        "draws, which need not be the central run's. The seed-only interval is of the mean "
        'and narrows with more seeds; the parameters\' part does not, so "how much wider" '
        "grows with the number of seeds.\n\n"
        + _table(
            [
                "result",
                "difference",
                "90% interval, seeds",
                "90% interval, seeds and parameters",
                "how much wider",
                "share of the spread from parameters",
            ],
            rows,
        )
        + "\n"
    )
    if v.sensitivity is not None and len(v.sensitivity):
        names = {
            **uncertainty.labels(*load_scenario("preston-procurement-shift")),
            **{p.path: p.label for p in backcast.PRIORS},
        }
        lines = []
        for metric, group in v.sensitivity.groupby("metric", sort=False):
            ranked = group[group.S1 > 0].sort_values("S1", ascending=False)
            if not len(ranked):
                lines.append(f"- {display.label(metric)}: no parameter stands out in these draws")
                continue
            top = ", ".join(
                f"{names.get(r.parameter, r.parameter)} ({r.S1:.2f})"
                for r in ranked.head(2).itertuples()
            )
            lines.append(f"- {display.label(metric)}: {top}")
        text += (
            "\nWhich parameters move each result most: first-order indices, the share of the "
            "result's variance each parameter accounts for alone (SALib's RBD-FAST on the "
            f"{v.settings.headline_seeds} draws; a rough ranking with so few):\n\n"
            + "\n".join(lines)
            + "\n"
        )
    return text


def document(v: Validation, seconds: float) -> str:
    """The whole ``validation.md``."""
    out_text, misses = out_of_sample_section(v)
    in_misses = [
        r.measure
        for r in v.in_sample.itertuples()
        if r.measure in backcast.TARGETS
        and abs(r.median_fit / backcast.TARGETS[r.measure] - 1) > 0.05
    ]
    cannot = [f"- {DIAGNOSES[m]}" for m in misses if m in DIAGNOSES]
    cannot += [
        f"- In sample, the {LABELS[m][0].lower() + LABELS[m][1:]} misses its target by more "
        "than 5%: the posterior's centre is not the best single point, or the targets pull "
        "against each other (see Identification)."
        for m in in_misses
    ]
    if not cannot:
        cannot = ["- Every published figure checked here is reproduced within its interval."]
    package = versions()
    return "\n".join(
        [
            "# Validation: Preston, 2012/13 to 2016/17\n",
            f"Written by `cwbsim validate preston` on {date.today():%d %B %Y} in "
            f"{seconds / 60:.1f} minutes (root seed {v.settings.root}; cwbsim "
            f"{package['cwbsim']}, mesa {package['mesa']}, numpy {package['numpy']}). Do not "
            "edit: run the command again.\n",
            "## What was fitted, and to what\n",
            "The six anchors' 2016/17 procurement with Preston suppliers and with Lancashire "
            "suppliers (Preston included), in year 4 of `preston-backcast`, whose budget phase "
            "takes their procurement from £750m to £617m. Nothing else enters the fit.\n",
            _table(
                ["target", "reported"], [[LABELS[k], REPORTED_TEXT[k]] for k in backcast.TARGETS]
            ),
            "",
            fitted_section(v),
            in_sample_section(v),
            identification_section(v),
            out_text,
            headline_section(v),
            "## What the model cannot reproduce\n",
            "\n".join(cannot) + "\n",
        ]
    )


def posterior_table(v: Validation) -> pd.DataFrame:
    """The posterior's particles, as the library's scenarios draw them."""
    return v.fit.particles.copy()
