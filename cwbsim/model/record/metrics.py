"""The metric registry: every metric's name, meaning, unit and yearly aggregation, in one place.

The same names are used by the DataCollector, the outputs, scenarios, sweeps,
calibration targets and the app. Money metrics are £ per step in the
per-step timeseries and £ per year in yearly summaries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from cwbsim.model.codes import (
    ANCHOR,
    CHANNELS,
    FIRM,
    HOUSEHOLD,
    LEDGER_CHANNELS,
    LOCAL,
    N_GROUPS,
    N_TIERS,
    REGION,
    group_of,
    tier_of_group,
)
from cwbsim.model.engine.flows import StepFlows
from cwbsim.model.state.workforce import UNEMPLOYED


@dataclass(frozen=True)
class Metric:
    """One metric.

    Attributes
    ----------
    name : str
        The metric's name everywhere.
    unit : str
        Unit of the per-step value.
    description : str
        What it measures, with its source where it follows one.
    annual : str
        How a year is summarised: ``sum`` (flows, giving £ per year), ``mean``
        (stocks and rates), ``ratio`` (of the yearly sums of ``numerator`` and
        ``denominator``), or ``households`` (recomputed over yearly household incomes).
    label : str
        The plain name people see ("Local share of anchor spend").
    format : str
        How people see a value (:mod:`cwbsim.model.record.display`): ``money`` (£m a year),
        ``pounds`` (whole £), ``share`` (%, differences in percentage points),
        ``ratio`` (two decimals), ``index`` (three decimals) or ``count`` (whole).
    headline : bool
        Shown first: in the CLI's tables, the app's cards and the comparison report.
    compared : bool
        Charted and tabled in comparisons (the report, the app's Compare view).
    short : str
        A short name for narrow tables and cards ("Local share").
    """

    name: str
    unit: str
    description: str
    annual: str
    numerator: str | None = None
    denominator: str | None = None
    label: str = ""
    format: str = "money"
    headline: bool = False
    compared: bool = False
    short: str = ""


def _registry() -> dict[str, Metric]:
    m = [
        Metric("anchor_spend", "£", "Anchors' procurement spend.", "sum"),
        Metric("anchor_spend_local", "£", "Anchors' procurement with local-tier suppliers.", "sum"),
        Metric(
            "anchor_spend_region",
            "£",
            "Anchors' procurement with local- or region-tier suppliers.",
            "sum",
        ),
        Metric(
            "local_share",
            "share",
            "anchor_spend_local / anchor_spend.",
            "ratio",
            "anchor_spend_local",
            "anchor_spend",
        ),
        Metric(
            "region_share",
            "share",
            "anchor_spend_region / anchor_spend (local + region, as CLES reports 'Lancashire').",
            "ratio",
            "anchor_spend_region",
            "anchor_spend",
        ),
        Metric("anchor_income", "£", "Anchors' income from outside.", "sum"),
        Metric(
            "lm3_round1",
            "£",
            "LM3 round 1: the anchors' income of the previous step (the money traced).",
            "sum",
        ),
        Metric(
            "lm3_round2",
            "£",
            "LM3 round 2: what the anchors paid to local suppliers and local-resident staff.",
            "sum",
        ),
        Metric(
            "lm3_round3",
            "£",
            "LM3 round 3: what round-2 recipients paid to local agents a step later.",
            "sum",
        ),
        Metric(
            "lm3",
            "ratio",
            "NEF's Local Multiplier 3, (round 1 + round 2 + round 3) / round 1, traced by "
            "round (Sacks 2002, The Money Trail). Round 3 happens a step after round 2, so "
            "the LM3 of step t traces the money the anchors received at step t - 1.",
            "ratio",
            "lm3_rounds",
            "lm3_round1",
        ),
        Metric(
            "local_multiplier",
            "ratio",
            "(anchor income + receipts of local-tier agents from the money it brought in, all "
            "rounds) / anchor income; at the steady state 1 + l'P(I - P)^-1 a / sum(a).",
            "ratio",
            "multiplier_receipts",
            "anchor_income",
        ),
        Metric(
            "local_income",
            "£",
            "Income of local-resident households: wages, profit shares, transfers.",
            "sum",
        ),
        Metric(
            "local_wages", "£", "Wages paid to local-resident households by any employer.", "sum"
        ),
        *[
            Metric(
                f"leakage_{c}",
                "£",
                f"Money paid by local-tier agents to non-local agents or the outside, {c} channel.",
                "sum",
            )
            for c in CHANNELS
        ],
        Metric("leakage", "£", "Money leaving the place, all channels.", "sum"),
        *[
            Metric(
                f"respend_{group}",
                "share",
                f"Of each £ {who} pay out, the share paid to local agents (resident staff, "
                f"local suppliers, local owners): the first-round re-spend {source} measure; "
                "weighted by what each pays out.",
                "ratio",
                f"respend_{group}_local",
                f"respend_{group}_paid",
            )
            for group, who, source in RESPEND_GROUPS
        ],
        Metric("local_jobs", "jobs", "Jobs located in the local tier, whoever fills them.", "mean"),
        Metric("unemployment_rate", "share", "Unemployed / local resident labour force.", "mean"),
        Metric("local_firms", "firms", "Active firms located in the local tier.", "mean"),
        Metric(
            "household_income_median",
            "£ per year",
            "Weighted median income of local households (per step: the step's income x 12).",
            "households",
        ),
        Metric(
            "gini",
            "index",
            "Gini coefficient of local household income, weighted by household_weight.",
            "households",
        ),
    ]
    return {
        metric.name: replace(metric, **dict(zip(("label", "format", "headline", "compared"),
                                                DISPLAY[metric.name], strict=True)),
                             short=SHORT.get(metric.name, ""))
        for metric in m
    }  # fmt: skip


RESPEND_GROUPS = (
    ("sme", "local micro and small firms", "FSB/CLES (2013)"),
    ("large", "local medium and large firms", "FSB/CLES (2013)"),
    ("local_suppliers", "the anchors' local-tier suppliers", "NEF (2005)"),
    ("nonlocal_suppliers", "the anchors' suppliers outside the place", "NEF (2005)"),
)
"""Supplier-level re-spend: (group, who, the study that measures it)."""
SME_BANDS = (0, 1)
"""Size bands counted as SMEs in the re-spend metrics: micro and small (FSB/CLES's 'SMEs')."""

DISPLAY = {
    "anchor_spend": ("Anchor procurement spend", "money", True, False),
    "anchor_spend_local": ("Anchor spend with local suppliers", "money", False, False),
    "anchor_spend_region": ("Anchor spend with local and region suppliers", "money", False, False),
    "local_share": ("Local share of anchor spend", "share", True, True),
    "region_share": ("Local and region share of anchor spend", "share", True, True),
    "anchor_income": ("Anchor income", "money", False, False),
    "lm3_round1": ("LM3 round 1 (anchor income)", "money", False, False),
    "lm3_round2": ("LM3 round 2 (spent locally)", "money", False, False),
    "lm3_round3": ("LM3 round 3 (re-spent locally)", "money", False, False),
    "lm3": ("Local Multiplier 3 (LM3)", "ratio", True, True),
    "local_multiplier": ("Local multiplier", "ratio", False, True),
    "local_income": ("Local household income", "money", True, True),
    "local_wages": ("Wages paid to local residents", "money", False, True),
    **{f"leakage_{c}": (f"Money leaving the place: {c}", "money", False, False) for c in CHANNELS},
    "leakage": ("Money leaving the place", "money", False, True),
    "respend_sme": ("Local re-spend per £, small firms", "share", False, False),
    "respend_large": ("Local re-spend per £, large firms", "share", False, False),
    "respend_local_suppliers": ("Local re-spend per £, local suppliers", "share", False, True),
    "respend_nonlocal_suppliers": (
        "Local re-spend per £, suppliers elsewhere",
        "share",
        False,
        False,
    ),
    "local_jobs": ("Jobs in the place", "count", True, True),
    "unemployment_rate": ("Unemployment rate", "share", True, True),
    "local_firms": ("Firms in the place", "count", False, True),
    "household_income_median": ("Median household income", "pounds", False, True),
    "gini": ("Income inequality (Gini)", "index", False, True),
}
"""Each metric's plain name, how it is shown, whether it is a headline, whether compared."""

SHORT = {
    "anchor_spend": "Anchor spend", "local_share": "Local share",
    "region_share": "Local+region", "lm3": "LM3", "local_multiplier": "Multiplier",
    "local_income": "Local income", "local_wages": "Local wages", "leakage": "Leakage",
    "local_jobs": "Jobs", "unemployment_rate": "Unemployment", "local_firms": "Firms",
    "household_income_median": "Median income", "gini": "Gini",
}  # fmt: skip
"""Short names for narrow tables and cards."""

METRICS = _registry()
"""All metrics by name."""


LOCAL_GROUPS = np.flatnonzero(tier_of_group(np.arange(N_GROUPS)) == LOCAL)
NON_LOCAL_GROUPS = np.flatnonzero(tier_of_group(np.arange(N_GROUPS)) != LOCAL)


def income_distribution(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Weighted median and Gini coefficient of ``values`` with frequency ``weights``.

    Notes
    -----
    The median is the smallest value with at least half of the total weight at
    or below it. The Gini coefficient is
    ``G = sum_ij w_i w_j |y_i - y_j| / (2 W^2 mean(y))`` (with frequency
    weights, as for grouped data), computed in ``O(n log n)`` from cumulative
    sums over the sorted values. One sort serves both.
    """
    total_weight = float(weights.sum())
    if len(values) == 0 or total_weight == 0:
        return float("nan"), float("nan")
    if np.all(weights == weights[0]):
        y = np.sort(values)
        w = np.full(len(y), float(weights[0]))
    else:
        order = np.argsort(values, kind="stable")
        y, w = values[order], weights[order]
    cum_w = np.cumsum(w)
    median = float(y[np.searchsorted(cum_w, 0.5 * cum_w[-1])])
    cum_wy = np.cumsum(w * y)
    mean = float(cum_wy[-1]) / total_weight
    if mean == 0:
        return median, 0.0
    # each i against all j below it: sum_i w_i (y_i * W_{<i} - S_{<i})
    below = float((w * (y * (cum_w - w) - (cum_wy - w * y))).sum())
    return median, 2.0 * below / (2.0 * total_weight**2 * mean)


def respend_groups(economy, tier: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Agent indices of each supplier group of :data:`RESPEND_GROUPS` (active firms).

    ``tier`` is each agent's tier from the point of view asked (default: the spec's tiers).
    """
    agent_tier = economy.tier if tier is None else tier
    firm = economy.firm_idx
    active = firm[economy.active]
    tier = agent_tier[active]
    band = economy.size_band[economy.active]
    contracts = economy.contracts
    holds = np.isin(active, contracts.supplier[contracts.supplier >= 0])
    sme = np.isin(band, SME_BANDS)
    return {
        "sme": active[(tier == LOCAL) & sme],
        "large": active[(tier == LOCAL) & ~sme],
        "local_suppliers": active[(tier == LOCAL) & holds],
        "nonlocal_suppliers": active[(tier != LOCAL) & holds],
    }


def local_payment_share(economy, tier: np.ndarray | None = None) -> np.ndarray:
    """Share of each agent's outflow paid to local-tier agents (all edge channels), shape (n,)."""
    agent_tier = economy.tier if tier is None else tier
    out = np.zeros(economy.n)
    for edges in economy.edges.values():
        out += local_payment_part(edges, agent_tier, economy.n)
    return out


def local_payment_part(edges, tier: np.ndarray, n: int) -> np.ndarray:
    """Share of each agent's outflow paid to local-tier agents in one channel, shape (n,)."""
    local = tier[edges.payee] == LOCAL
    return np.bincount(edges.payer[local], edges.share[local], minlength=n)


def step_values(
    flows: StepFlows,
    previous: StepFlows,
    economy,
    weight: np.ndarray,
    respend: tuple[dict[str, np.ndarray], np.ndarray] | None = None,
    tier: np.ndarray | None = None,
    residents: np.ndarray | None = None,
    distributions: bool = True,
) -> dict[str, float]:
    """Compute every per-step metric from one step's flows and the economy's state.

    ``previous`` is the step before (its rounds 1 and 2 complete with this
    step's round 3). ``respend`` is ``(respend_groups, local_payment_share)`` of
    the economy as it stands (computed here when not given). ``tier`` is each
    agent's tier and ``residents`` the mask of household agents living in the
    local tier, from the point of view asked (default: the spec's tiers, every
    household). ``distributions=False`` leaves the median and Gini out (NaN):
    they sort every household, and years recompute them anyway.
    """
    tier = economy.tier if tier is None else tier
    ledger = flows.ledger
    proc = ledger[LEDGER_CHANNELS.index("procurement")]
    anchors = slice(int(group_of(ANCHOR, 0)), int(group_of(ANCHOR, N_TIERS)))
    spend = float(proc[anchors].sum())
    spend_local = float(proc[anchors, int(group_of(FIRM, LOCAL))].sum())
    spend_region = spend_local + float(proc[anchors, int(group_of(FIRM, REGION))].sum())
    local_household = int(group_of(HOUSEHOLD, LOCAL))
    income = float(flows.anchor_income.sum())
    round1 = float(previous.anchor_income.sum())
    round2 = float(previous.round2.sum())
    round3 = float(flows.round3.sum())
    out: dict[str, float] = {
        "anchor_spend": spend,
        "anchor_spend_local": spend_local,
        "anchor_spend_region": spend_region,
        "local_share": spend_local / spend if spend else float("nan"),
        "region_share": spend_region / spend if spend else float("nan"),
        "local_income": float(ledger[:, :, local_household].sum()),
        "local_wages": float(ledger[LEDGER_CHANNELS.index("wages"), :, local_household].sum()),
    }
    for c, channel in enumerate(CHANNELS):
        out[f"leakage_{channel}"] = float(ledger[c][np.ix_(LOCAL_GROUPS, NON_LOCAL_GROUPS)].sum())
    out["leakage"] = sum(out[f"leakage_{c}"] for c in CHANNELS)
    out["anchor_income"] = income
    out["multiplier_receipts"] = income + flows.traced_local
    out["local_multiplier"] = out["multiplier_receipts"] / income if income else float("nan")
    out["lm3_round1"], out["lm3_round2"], out["lm3_round3"] = round1, round2, round3
    out["lm3_rounds"] = round1 + round2 + round3
    out["lm3"] = out["lm3_rounds"] / round1 if round1 else float("nan")
    employers_local = (tier == LOCAL) & (economy.kind != HOUSEHOLD)
    firm_active = np.ones(economy.n, dtype=bool)
    firm_active[economy.firm_idx] = economy.active
    workforce = economy.workforce
    out["local_jobs"] = float(workforce.jobs()[employers_local & firm_active].sum())
    people = workforce.people
    if residents is not None and not residents.all():
        people = people * (tier[workforce.owner] == LOCAL)
    labour_force = float(people.sum())
    unemployed = float(people[workforce.employer == UNEMPLOYED].sum())
    out["unemployment_rate"] = unemployed / labour_force if labour_force else float("nan")
    out["local_firms"] = float(np.sum(economy.active & (tier[economy.firm_idx] == LOCAL)))
    groups, share = respend or (respend_groups(economy, tier), local_payment_share(economy, tier))
    for group, members in groups.items():
        paid = flows.spent[members]
        out[f"respend_{group}_paid"] = float(paid.sum())
        out[f"respend_{group}_local"] = float((paid * share[members]).sum())
        out[f"respend_{group}"] = (
            out[f"respend_{group}_local"] / out[f"respend_{group}_paid"]
            if out[f"respend_{group}_paid"]
            else float("nan")
        )
    if not distributions:
        out["household_income_median"] = out["gini"] = float("nan")
        return out
    income = flows.household_income
    if residents is not None and not residents.all():
        income = income[residents]
    per_household = 12.0 * income / weight
    out["household_income_median"], out["gini"] = income_distribution(per_household, weight)
    return out
