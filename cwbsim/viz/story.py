"""Preston's story: the app's first screen, from the published figures and the model's back-cast.

The screen tells, in plain words, what a strategist knows Preston by: the six anchor
institutions' £750m of procurement in 2012/13 with 5% spent in Preston; what the
anchors did (the interventions of the built-in scenario ``preston-cwb``); what the
model says happened by 2016/17 against the published £112.3m with Preston suppliers
and £488.7m with Lancashire ones; and an invitation to change the levers.

The model's figures are shipped in ``story_figures.json``, made by
``tools/story_figures.py`` (:func:`compute`), not run when the page opens: they take
120 runs of the full Preston economy (6 minutes on two busy cores), and the
first screen must show at once. ``tests/test_story.py`` recomputes them with fewer
seeds and checks that they agree within the seed spread. The runs are the back-cast
(``preston-backcast``, whose procurement falls from £750m to £617m as reported) on
posterior draws of its three fitted tendering parameters, so that the range holds
both chance and what the fit leaves open, and the same seeds without the change in
tendering (price only).
"""

from __future__ import annotations

import functools
import html
import json
import math
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import solara

from cwbsim.calibration import backcast, validation
from cwbsim.model.codes import LOCAL, REGION
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.errors import InputError
from cwbsim.model.record import display
from cwbsim.scenarios import parameters, uncertainty
from cwbsim.scenarios.driver import Driver
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.running import versions
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.scenarios.seeds import Seed, replicates

FIGURES = Path(__file__).with_name("story_figures.json")
"""The model's figures for the story (written by ``tools/story_figures.py``)."""
COMMAND = ".venv/bin/python tools/story_figures.py"
"""The command that writes :data:`FIGURES` (``--runs N`` for fewer or more runs)."""
SCENARIO = backcast.SCENARIO
"""The back-cast the figures come from: the fitted tendering while procurement falls."""
ACTIONS = "preston-cwb"
"""The built-in scenario whose interventions say what the anchors did."""
YEARS = backcast.YEAR
"""2016/17 is year 4 of the back-cast (year 1 = 2013/14)."""
ROOT = 201617
"""Root entropy of the story's seeds: run ``i`` uses child ``i`` of it."""
RUNS = 60
"""Runs of each kind in the shipped figures (with the change, price only)."""
MEASURES = (
    "anchor_spend",
    "anchor_spend_local",
    "anchor_spend_region",
    "local_share",
    "region_share",
)
"""The yearly measures kept (metric registry names): £ per year and shares."""
COUNCIL = "Preston City Council"
"""The anchor whose own share was published (14% in 2012, 28% in 2016; never fitted)."""
LEVEL = 0.90
"""The model's range: the middle 90% of its runs."""

PUBLISHED = {
    "anchors": 6,
    "anchor_spend_2012": 750e6,
    "local_share_2012": 0.05,
    "region_share_2012": 0.39,
    "left_lancashire_2012": 458e6,
    "anchor_spend_local_2016": backcast.TARGETS["anchor_spend_local"],
    "anchor_spend_region_2016": backcast.TARGETS["anchor_spend_region"],
    "local_share_2016": 0.182,
    "region_share_2016": 0.792,
    "local_gain": 74e6,
    "region_gain": 200e6,
    "anchor_spend_2016": 617e6,
    "council_local_share_2016": validation.REPORTED["council_local_share"],
    "median_wage_change": validation.REPORTED["median_wage_change"],
}
"""The published Preston figures (FACTS.md): £ per year and shares of procurement.

2012/13: £750m, 5% in Preston, 39% in Lancashire, £458m left Lancashire
(Public Sector Executive, reporting CLES). 2016/17: £112.3m (18.2%, +£74m) in
Preston, £488.7m (79.2%, +£200m) in Lancashire (CLES; Preston City Council);
the total, about £617m, is derived from them. Never fitted: Preston City Council's own
share, 28% in 2016 (CLES 2017); median hourly wages +11% against synthetic controls
(Rose et al. 2023)."""
SOURCES = {
    "baseline": "CLES's analysis of the six anchors' spending, reported by Public Sector "
    "Executive, \u201c\u2018Anchor institutions\u2019 using spending clout to boost local "
    "economy\u201d.",
    "outcome": "CLES's Preston pages; Preston City Council, \u201cThe definitive guide to "
    "\u2018the Preston model\u2019\u201d (preston.gov.uk/article/1791). Preston City "
    "Council's own share: CLES (2017), reported by public-sector.co.uk. Wages: Rose et al. "
    "(2023), Lancet Public Health.",
    "method": "Preston City Council, \u201cSpend analysis guide\u201d "
    "(preston.gov.uk/article/1341).",
    "pillars": "CLES (2019), Community Wealth Building: Theory, Practice and Next Steps.",
    "living_wage": "Preston City Council, \u201cThe definitive guide to \u2018the Preston "
    "model\u2019\u201d (preston.gov.uk/article/1791).",
}
"""Where each part of the story comes from, as people read it."""


# ---------------------------------------------------------------------------------------
# The model's figures


@functools.cache
def _scenario(name: str):
    """A built-in scenario and its economy, read once per process (callers copy)."""
    return load_scenario(name)


def posterior_items() -> list:
    """The three fitted tendering parameters, drawn jointly from the back-cast's posterior.

    They are declared (with their posterior file) by :data:`ACTIONS`; the back-cast's
    procurement intervention is the same first intervention, so the paths apply to it.
    """
    paths = {p.path for p in backcast.PRIORS}
    return [u for u in uncertainty.declared(*_scenario(ACTIONS)) if u.path in paths]


def run(payload: tuple[dict[str, float], bool], seed: Seed) -> dict[str, list[float]]:
    """One back-cast run: each year's :data:`MEASURES` (£ per year, shares).

    ``payload`` is ``(values, change)``: parameter path -> value set on the back-cast
    (empty: its central values), and whether the anchors change their tendering
    (``False``: the procurement intervention is dropped, tenders on price only, while
    procurement still falls as reported).
    """
    values, change = payload
    plan, spec = parameters.apply(*_scenario(SCENARIO), values, "story")
    if not change:
        kept = [i for i in plan.intervention if i.type != "procurement_preference"]
        plan = plan.model_copy(update={"intervention": kept})
    model = LocalEconomy(spec, rng=seed.rng())
    Driver(model, plan.intervention).run(YEARS)
    years = model.recorder.years()
    council = model.recorder.per_anchor(model.economy.anchor_names)[COUNCIL]
    return {
        **{k: [float(y[k]) for y in years] for k in MEASURES},
        "council_local_share": [float(y["local_share"]) for y in council],
    }


def opening(seed: Seed) -> dict[str, float]:
    """The model's 2012/13: the anchors' contracts as built, £ per year by supplier tier."""
    _, spec = _scenario(SCENARIO)
    economy = LocalEconomy(spec, rng=seed.rng()).economy
    contracts = economy.contracts
    placed = contracts.supplier >= 0
    tier = np.full(len(contracts), -1)
    tier[placed] = economy.tier[contracts.supplier[placed]]
    value = contracts.value
    total = float(value.sum())
    local = float(value[tier == LOCAL].sum())
    region = local + float(value[tier == REGION].sum())
    return {
        "anchor_spend": total,
        "anchor_spend_local": local,
        "anchor_spend_region": region,
        "local_share": local / total,
        "region_share": region / total,
    }


def spread(values) -> dict[str, float]:
    """Mean, standard deviation and the middle :data:`LEVEL` of some runs' values."""
    values = np.asarray(values, dtype=float)
    tail = (1 - LEVEL) / 2
    return {
        "mean": float(values.mean()),
        "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
        "low": float(np.quantile(values, tail)),
        "high": float(np.quantile(values, 1 - tail)),
        "runs": len(values),
    }


def _yearly(results: list[dict]) -> dict[str, list[dict]]:
    keys = (*MEASURES, "council_local_share")
    return {k: [spread([r[k][y] for r in results]) for y in range(YEARS)] for k in keys}


def compute(
    runs: int = RUNS,
    root: int = ROOT,
    evaluator: Evaluator | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """The story's model figures: the back-cast two ways over ``runs`` seeds each.

    Run ``i`` of each kind uses seed ``replicate(root, i)``. ``model``: the back-cast
    with draw ``i`` of the three fitted tendering parameters (a Latin hypercube of the
    posterior, from ``root``), so its spread holds both chance and what the fit leaves
    open. ``price_only``: the same seeds without the change in tendering (the fitted
    parameters do not enter it). ``effect``: year 4's paired difference of the two.
    Money in £ per year.
    """
    evaluator = evaluator or Evaluator()
    seeds = replicates(root, runs)
    draws = uncertainty.draw(posterior_items(), runs, root).values
    tasks = [Task((draws.iloc[i].to_dict(), True), s) for i, s in enumerate(seeds)]
    tasks += [Task(({}, False), s) for s in seeds]
    results = evaluator.map(run, tasks, progress)
    model, price_only = results[:runs], results[runs:]
    last = YEARS - 1
    plan, spec = _scenario(SCENARIO)
    return {
        "about": "The model's figures for the app's first screen (Preston's story). "
        f"Written by `{COMMAND} --runs {runs}`; do not edit.",
        "written": date.today().isoformat(),
        "scenario": SCENARIO,
        "start": plan.start,
        "years": YEARS,
        "seeds": {"root": root, "runs": runs, "rule": "run i: child i of SeedSequence(root)"},
        "posterior": "the three tendering parameters drawn jointly from the back-cast's "
        f"posterior as the {ACTIONS} scenario declares them (a Latin hypercube from root)",
        "versions": versions(),
        "anchors": [a.name for a in spec.anchors],
        "opening": opening(seeds[0]),
        "model": _yearly(model),
        "price_only": _yearly(price_only),
        "effect": {
            k: spread([a[k][last] - b[k][last] for a, b in zip(model, price_only, strict=True)])
            for k in ("anchor_spend_local", "anchor_spend_region", "local_share")
        },
    }


def write(figures: dict, path: Path = FIGURES) -> None:
    """Write the figures as JSON (numbers rounded: whole £, shares to 1e-6)."""

    def tidy(value):
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items()}
        if isinstance(value, list):
            return [tidy(v) for v in value]
        if isinstance(value, float):
            return round(value) if abs(value) >= 1000 else round(value, 6)
        return value

    path.write_text(json.dumps(tidy(figures), indent=1, ensure_ascii=False) + "\n")


REQUIRED = ("anchors", "opening", "model", "price_only", "effect", "seeds")


def load(path: Path = FIGURES) -> dict:
    """Read the figures; a missing file or key is a one-line :class:`InputError`."""
    try:
        figures = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(
            f"{path}: missing (expected the story's figures; run `{COMMAND}`)"
        ) from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not readable JSON ({error}); run `{COMMAND}`") from None
    if not isinstance(figures, dict):
        raise InputError(f"{path}: expected a JSON object; run `{COMMAND}`")
    for key in REQUIRED:
        if key not in figures:
            raise InputError(f"{path}: key '{key}' missing (expected {', '.join(REQUIRED)})")
    for kind in ("model", "price_only"):
        for measure in MEASURES:
            rows = figures[kind].get(measure)
            if not isinstance(rows, list) or len(rows) != YEARS:
                raise InputError(
                    f"{path}: {kind}.{measure}: expected {YEARS} yearly rows; run `{COMMAND}`"
                )
    if not _finite(figures):
        raise InputError(f"{path}: a number is not finite (expected £ and shares); run `{COMMAND}`")
    return figures


def _finite(value) -> bool:
    """Whether every number in ``value`` (nested dicts and lists) is finite."""
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


# ---------------------------------------------------------------------------------------
# The words


def money(value: float, difference: bool = False) -> str:
    """£ as the registry shows it: "£112.3m", "+£74.0m"."""
    return display.text("anchor_spend", value, difference)


def share(value: float, difference: bool = False) -> str:
    """A share as the registry shows it: "18.2%", "+13.1 pp"."""
    return display.text("local_share", value, difference)


def year_label(scenario_start: str | None, year: int) -> str:
    """The financial year of a scenario's ``year`` (1-based): "2013/14" when it starts 2013-04."""
    first = int((scenario_start or "2013-04")[:4]) + year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def _list(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


def baseline_paragraphs(figures: dict) -> list[str]:
    """Plain sentences on 2012/13 (published), and that the model starts from them."""
    p = PUBLISHED
    count = NUMBER_WORDS.get(p["anchors"], str(p["anchors"]))
    opening_ = figures["opening"]
    model_count = NUMBER_WORDS.get(len(figures["anchors"]), str(len(figures["anchors"])))
    return [
        f"In 2012/13 {count} anchor institutions in and around Preston spent "
        f"{money(p['anchor_spend_2012'])} a year buying goods and services.",
        f"Only {share(p['local_share_2012'])} of it, about "
        f"{money(p['local_share_2012'] * p['anchor_spend_2012'])}, went to suppliers based in "
        f"Preston, and {share(p['region_share_2012'])} to suppliers anywhere in Lancashire: "
        f"{money(p['left_lancashire_2012'])} a year left the county.",
        f"The model starts from this picture. Its {model_count} anchors "
        f"({_list(figures['anchors'])}) have contracts worth {money(opening_['anchor_spend'])} "
        f"a year, {share(opening_['local_share'])} of it with Preston suppliers and "
        f"{share(opening_['region_share'])} with Lancashire ones.",
    ]


def _starting(plan: Scenario, item) -> str:
    when = year_label(plan.start, item.start_year)
    if item.ramp_years and item.ramp_years > 1:
        years = NUMBER_WORDS.get(int(item.ramp_years), f"{item.ramp_years:g}")
        return f"from {when}, phased in over {years} years"
    return f"from {when}"


def _action(plan: Scenario, item) -> str | None:
    """One intervention in plain words (``None`` for one the story does not describe)."""
    when = _starting(plan, item)
    if item.type == "procurement_preference":
        retender = f"{item.retender_share:.0%}" if item.retender_share is not None else "more"
        region = (
            f" A Lancashire supplier's social value counts {item.region_value:.0%} of a "
            "Preston one's."
            if item.region_value is not None
            else ""
        )
        return (
            f"Progressive procurement ({when}): they mapped where their money went (each "
            "anchor's top 300 suppliers, by place and sector), then weighed social value, "
            "including being based locally, alongside price when awarding contracts, and "
            f"put {retender} of expiring contracts out to tender instead of extending them."
            f"{region} These settings are fitted to the 2016/17 figures."
        )
    if item.type == "wage_floor":
        who = "their staff and their suppliers' staff" if item.include_suppliers else "their staff"
        return (
            f"A living wage ({when}): at least £{item.hourly:.2f} an hour for {who} (the "
            "rate is an assumption). Preston City Council became an accredited Real Living "
            "Wage employer in 2012."
        )
    if item.type == "local_hiring":
        return (
            f"Local hiring ({when}): {item.share:.0%} of new staff taken on from Preston's "
            "residents (an assumption)."
        )
    if item.type == "cooperative_conversion":
        bands = _list(list(item.size_bands)) + " " if item.size_bands else ""
        owners = {("external",): "externally owned ", ("local",): "locally owned "}
        owned = owners.get(tuple(item.ownership), "")
        return (
            f"Co-operatives ({when}): {item.share:.0%} of the {owned}{bands}firms in Preston "
            "taken over by their workers (an assumption)."
        )
    return None


def actions() -> list[str]:
    """What the anchors did: the interventions of :data:`ACTIONS`, in plain words."""
    plan, _ = _scenario(ACTIONS)
    return [text for item in plan.intervention if (text := _action(plan, item))]


def _year4(figures: dict, kind: str, measure: str) -> dict:
    return figures[kind][measure][YEARS - 1]


def outcome_rows(figures: dict) -> list[tuple[str, str, str]]:
    """2016/17, published against the model: (what, published, model with its 90% range)."""
    p = PUBLISHED
    rows = []
    for measure, label, published, fmt in (
        (
            "anchor_spend_local",
            "Spent with Preston suppliers",
            f"{money(p['anchor_spend_local_2016'])} ({money(p['local_gain'], True)} on 2012/13)",
            money,
        ),
        (
            "anchor_spend_region",
            "Spent with Lancashire suppliers, Preston included",
            f"{money(p['anchor_spend_region_2016'])} ({money(p['region_gain'], True)})",
            money,
        ),
        ("local_share", "Share spent in Preston", share(p["local_share_2016"]), share),
        ("region_share", "Share spent in Lancashire", share(p["region_share_2016"]), share),
    ):
        runs = _year4(figures, "model", measure)
        model = f"{fmt(runs['mean'])} ({fmt(runs['low'])} to {fmt(runs['high'])})"
        rows.append((label, published, model))
    return rows


def _off(miss: float) -> str:
    """A relative miss in words: "0.9% above", "4.7% below"."""
    return f"{abs(miss):.1%} {'above' if miss >= 0 else 'below'}"


def outcome_paragraphs(figures: dict) -> list[str]:
    """What the model says about 2016/17: its set-up, the price-only run, and how sure it is."""
    p = PUBLISHED
    plan, _ = _scenario(SCENARIO)
    final = year_label(plan.start, YEARS)
    price = _year4(figures, "price_only", "local_share")
    price_money = _year4(figures, "price_only", "anchor_spend_local")
    gain = figures["effect"]["anchor_spend_local"]
    runs = figures["seeds"]["runs"]
    council = _year4(figures, "model", "council_local_share")
    miss_local = (
        _year4(figures, "model", "anchor_spend_local")["mean"] / p["anchor_spend_local_2016"] - 1
    )
    miss_region = (
        _year4(figures, "model", "anchor_spend_region")["mean"] / p["anchor_spend_region_2016"] - 1
    )
    return [
        f"The model runs the change in tendering from {year_label(plan.start, 1)} while the "
        f"anchors' spending falls to about {money(p['anchor_spend_2016'])} by {final}, as "
        "reported. The ranges in brackets hold the middle 90% of its runs, across chance "
        "and the tendering settings the published figures allow.",
        f"For {final} its spending with Preston suppliers is {_off(miss_local)} the published "
        f"figure and with Lancashire suppliers {_off(miss_region)}. Had the anchors kept "
        f"buying on price alone, it puts Preston's share at {share(price['mean'])} "
        f"({money(price_money['mean'])}): the change in tendering accounts for about "
        f"{money(gain['mean'], True)} a year with Preston suppliers "
        f"({money(gain['low'], True)} to {money(gain['high'], True)}).",
        "How far to trust this: the tendering settings were fitted to these two published "
        f"{final} figures, so matching them shows the model can reproduce what happened, "
        "not that it foresaw it. Where it was not fitted it does less well: it puts "
        f"Preston City Council's own share at {share(council['mean'])} against the "
        f"published {share(p['council_local_share_2016'])}, because it gives all six "
        "anchors one policy; and wages in it rise only through the living wage, so it "
        f"cannot show the {p['median_wage_change']:.0%} rise in median wages researchers "
        f"found. ({runs} runs with the change and {runs} without.)",
    ]


INVITATION = (
    "Now try your own mix. Start from Preston in 2012/13, move the levers (how much "
    "tenders weigh social value, a living wage, local hiring, co-operatives, households "
    "buying locally) and watch local spending, income and jobs change month by month."
)


# ---------------------------------------------------------------------------------------
# The chart

PUBLISHED_COLOUR = "#d95f02"
MODEL_COLOUR = "#1b9e77"
PRICE_ONLY_COLOUR = "#777777"


def _point(value: float, tip: str) -> dict:
    return {"value": round(value * 100, 2), "tooltip": {"formatter": tip}}


def describe(figures: dict) -> str:
    """The chart in one plain sentence, for screen readers."""
    p = PUBLISHED
    model = figures["model"]["local_share"][-1]
    price = figures["price_only"]["local_share"][-1]["mean"]
    return (
        f"{CHART_TITLE}, 2012/13 to 2016/17. Published: {share(p['local_share_2012'])} in "
        f"2012/13 and {share(p['local_share_2016'])} in 2016/17. The model with the change: "
        f"{share(figures['opening']['local_share'])} to {share(model['mean'])} (90% of runs "
        f"{share(model['low'])} to {share(model['high'])}); on price alone it stays near "
        f"{share(price)}."
    )


def chart_option(figures: dict) -> dict:
    """ECharts option: Preston's share of the anchors' procurement, 2012/13 to 2016/17.

    Published (2012/13 and 2016/17), the model with the change (the mean of its runs
    on posterior draws, and their middle 90% as a band) and without it (price only).
    Shares in %, on an axis from 0; each point's tooltip gives % and £m.
    """
    plan, _ = _scenario(SCENARIO)
    years = [year_label(plan.start, y) for y in range(YEARS + 1)]  # year 0: 2012/13
    opening_ = figures["opening"]
    start = (opening_["local_share"], opening_["anchor_spend_local"])
    model = figures["model"]
    price = figures["price_only"]

    def tip(series: str, year: str, value: float, pounds: float, extra: str = "") -> str:
        return html.escape(f"{series}, {year}: {share(value)} ({money(pounds)}){extra}")

    def points(runs: dict, series: str, spread: bool) -> list:
        """The model's opening point, then the mean of ``runs`` each year, with its tooltip."""
        shares, pounds = runs["local_share"], runs["anchor_spend_local"]
        return [_point(start[0], tip("Model", years[0], *start))] + [
            _point(
                shares[y]["mean"],
                tip(
                    series,
                    years[y + 1],
                    shares[y]["mean"],
                    pounds[y]["mean"],
                    f"; 90% of runs {share(shares[y]['low'])} to {share(shares[y]['high'])}"
                    if spread
                    else "",
                ),
            )
            for y in range(YEARS)
        ]

    model_points = points(model, "Model with the change", spread=True)
    price_points = points(price, "Model, price only", spread=False)
    p = PUBLISHED
    published_points = [
        _point(
            p["local_share_2012"],
            tip(
                "Published",
                years[0],
                p["local_share_2012"],
                p["local_share_2012"] * p["anchor_spend_2012"],
            ),
        ),
        *([None] * (YEARS - 1)),
        _point(
            p["local_share_2016"],
            tip("Published", years[-1], p["local_share_2016"], p["anchor_spend_local_2016"]),
        ),
    ]
    low = [start[0]] + [model["local_share"][y]["low"] for y in range(YEARS)]
    high = [start[0]] + [model["local_share"][y]["high"] for y in range(YEARS)]
    band = [round((h - lo) * 100, 2) for lo, h in zip(low, high, strict=True)]
    band_style = {
        "lineStyle": {"opacity": 0},
        "symbol": "none",
        "silent": True,
        "tooltip": {"show": False},
        "stack": "range",
    }
    return {
        "animation": False,
        "aria": {"enabled": True, "label": {"description": describe(figures)}},
        "tooltip": {"trigger": "item", "confine": True},
        "legend": {
            "bottom": 0,
            "left": "center",
            "itemGap": 12,
            "data": [
                "Published",
                "Model with the change",
                "Model, price only",
                "Model: 90% of runs",
            ],
        },
        "grid": {"left": 8, "right": 16, "top": 28, "bottom": 64, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": years,
            "boundaryGap": True,
            "axisLabel": {"hideOverlap": True},
        },
        "yAxis": {
            "type": "value",
            "min": 0,
            "name": "% spent in Preston",
            "nameTextStyle": {"align": "left"},
        },
        "series": [
            {
                **band_style,
                "name": "Model: 90% range base",
                "type": "line",
                "data": [round(v * 100, 2) for v in low],
            },
            {
                **band_style,
                "name": "Model: 90% of runs",
                "type": "line",
                "data": band,
                "areaStyle": {"color": MODEL_COLOUR, "opacity": 0.2},
                "itemStyle": {"color": MODEL_COLOUR, "opacity": 0.3},
            },
            {
                "name": "Model with the change",
                "type": "line",
                "data": model_points,
                "itemStyle": {"color": MODEL_COLOUR},
                "lineStyle": {"width": 3},
            },
            {
                "name": "Model, price only",
                "type": "line",
                "data": price_points,
                "itemStyle": {"color": PRICE_ONLY_COLOUR},
                "lineStyle": {"type": "dashed", "width": 2},
            },
            {
                "name": "Published",
                "type": "line",
                "data": published_points,
                "connectNulls": False,
                "symbol": "diamond",
                "symbolSize": 14,
                "itemStyle": {"color": PUBLISHED_COLOUR},
                "lineStyle": {"type": "dotted", "width": 2, "color": PUBLISHED_COLOUR},
            },
        ],
    }


CHART_TITLE = "Share of the anchors' procurement spent with Preston suppliers, %"


# ---------------------------------------------------------------------------------------
# The page


CSS = """
.cwb-story { max-width: 880px; margin: 0 auto; padding: 12px 16px 32px; box-sizing: border-box;
  width: 100%; overflow-wrap: anywhere; font-size: 16px; line-height: 1.5; }
.cwb-story * { box-sizing: border-box; max-width: 100%; }
.cwb-story h1 { font-size: 1.6em; line-height: 1.25; margin: 4px 0 12px; }
.cwb-story h2 { font-size: 1.2em; margin: 20px 0 6px; }
.cwb-story p, .cwb-story li { margin: 0 0 8px; }
.cwb-story .cwb-story-source { font-size: 0.85em; color: #555; font-style: italic; }
.cwb-story-top { display: flex; justify-content: flex-end; }
.cwb-story table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 8px 0; }
.cwb-story th, .cwb-story td { text-align: left; vertical-align: top; padding: 6px 6px;
  border-bottom: 1px solid #ddd; font-size: 0.95em; }
.cwb-story-chart { width: 100%; min-width: 0; }
.cwb-story-chart-title { font-weight: 600; margin: 12px 0 0; }
.cwb-story-explore { margin: 8px 0; white-space: normal; height: auto !important;
  min-height: 44px; }
.cwb-story-explore .v-btn__content { white-space: normal; }
"""


ACTIONS_INTRO = (
    "Community wealth building, as the model's Preston scenario sets it out after CLES's pillars:"
)


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{html.escape(t)}</p>" for t in texts)


def _source(text: str) -> str:
    return f"<p class='cwb-story-source'>Source: {html.escape(text)}</p>"


def _fallback_paragraphs() -> tuple[list[str], list[str]]:
    """The published figures alone, for when the model's figures cannot be read."""
    p = PUBLISHED
    baseline = [
        f"In 2012/13 six anchor institutions in and around Preston spent "
        f"{money(p['anchor_spend_2012'])} a year buying goods and services; only "
        f"{share(p['local_share_2012'])} of it went to suppliers based in Preston.",
    ]
    outcome = [
        f"Published: {money(p['anchor_spend_local_2016'])} ({share(p['local_share_2016'])}) "
        f"with Preston suppliers and {money(p['anchor_spend_region_2016'])} "
        f"({share(p['region_share_2016'])}) with Lancashire ones. The model's figures for "
        "this screen are not available.",
    ]
    return baseline, outcome


def sections(figures: dict | None) -> dict[str, str]:
    """The story's text as HTML, in order; ``figures`` ``None``: the published parts only."""
    if figures is None:
        baseline, outcome = _fallback_paragraphs()
        table = ""
        heading = "By 2016/17"
    else:
        baseline, outcome = baseline_paragraphs(figures), outcome_paragraphs(figures)
        rows = "".join(
            f"<tr><th scope='row'>{html.escape(a)}</th><td>{html.escape(b)}</td>"
            f"<td>{html.escape(c)}</td></tr>"
            for a, b, c in outcome_rows(figures)
        )
        table = (
            "<table class='cwb-story-table'><thead><tr><th scope='col'>2016/17</th>"
            "<th scope='col'>Published</th><th scope='col'>Model (90% of runs)</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )
        heading = "By 2016/17: the published figures and the model"
    actions_list = "".join(f"<li>{html.escape(a)}</li>" for a in actions())
    return {
        "title": "<h1>Preston: keeping more of the money at home</h1>",
        "baseline": "<h2>2012/13: where the money went</h2>"
        + _paragraphs(baseline)
        + _source(SOURCES["baseline"]),
        "actions": "<h2>What the anchors did</h2>"
        + _paragraphs([ACTIONS_INTRO])
        + f"<ul>{actions_list}</ul>"
        + _source(f"{SOURCES['method']} {SOURCES['pillars']} {SOURCES['living_wage']}"),
        "outcome": f"<h2>{heading}</h2>{table}",
        "outcome_words": _paragraphs(outcome) + _source(SOURCES["outcome"]),
        "invitation": f"<h2>Your turn</h2><p>{html.escape(INVITATION)}</p>",
    }


@functools.cache
def _figures() -> dict | None:
    """The shipped figures, read once; ``None`` (said once in the server log) if unreadable."""
    try:
        return load()
    except InputError as error:
        print(
            f"warning: Preston's story shows the published figures only: {error}", file=sys.stderr
        )
        return None


def words(figures: dict | None) -> str:
    """Everything the screen says, as plain text (for tests and checks)."""
    import re

    parts = sections(figures)
    text = " ".join(parts.values()) + " " + CHART_TITLE
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


@solara.component
def PrestonStory(on_explore: Callable[[], None], on_skip: Callable[[], None] | None = None):
    """The app's first screen: Preston's story, a Skip link and a button to the levers.

    ``on_skip`` defaults to ``on_explore``.
    """
    figures = _figures()
    parts = sections(figures)
    with solara.Column(classes=["cwb-story"], gap="0px") as story:
        solara.Style(CSS)
        with solara.Row(classes=["cwb-story-top"], justify="end"):
            solara.Button(
                "Skip", text=True, on_click=on_skip or on_explore, classes=["cwb-story-skip"]
            )
        solara.HTML(
            unsafe_innerHTML=parts["title"]
            + parts["baseline"]
            + parts["actions"]
            + parts["outcome"]
        )
        if figures is not None:
            solara.HTML(
                unsafe_innerHTML=f"<p class='cwb-story-chart-title'>{html.escape(CHART_TITLE)}</p>"
            )
            with solara.Div(classes=["cwb-story-chart"]):
                solara.FigureEcharts(
                    option=chart_option(figures),
                    attributes={"style": "height: 340px; width: 100%;", "role": "img"},
                    responsive=True,
                )
        solara.HTML(unsafe_innerHTML=parts["outcome_words"])
        solara.HTML(unsafe_innerHTML=parts["invitation"])
        solara.Button(
            "Change the levers yourself",
            color="primary",
            on_click=on_explore,
            classes=["cwb-story-explore"],
        )
    return story
