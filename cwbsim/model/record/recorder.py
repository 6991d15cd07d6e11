"""Recording each step's metrics and flows, and summarising them by year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cwbsim.model.codes import LEDGER_CHANNELS, LOCAL, REGION, STEPS_PER_YEAR, group_label
from cwbsim.model.engine.flows import AreaFlows
from cwbsim.model.record.metrics import (
    METRICS,
    income_distribution,
    local_payment_part,
    respend_groups,
    step_values,
)
from cwbsim.model.record.views import View
from cwbsim.model.state.structure import Economy


class Recorder:
    """Keeps what each step moved: metric values, the ledger, per-anchor flows.

    Parameters
    ----------
    economy : Economy
        The economy being run (read for stocks: jobs, firms, unemployment).
    opening : AreaFlows
        The step before the run (its LM3 rounds 1 and 2 complete in step 1).
    view : View, optional
        Which areas are local (default: the spec's local tier).
    distributions : bool
        Compute the median and Gini of household income every step (``False``:
        only for each year, from its incomes).
    """

    def __init__(
        self,
        economy: Economy,
        opening: AreaFlows,
        view: View | None = None,
        distributions: bool = True,
    ):
        self.economy = economy
        self.view = view or View.default(economy)
        self.tier = self.view.agent_tier(economy)
        self.residents = self.view.households(economy)
        self.distributions = distributions
        self.previous = self.view.fold(opening)
        self.values: list[dict[str, float]] = []
        self.ledgers: list[np.ndarray] = []
        self.anchor: dict[str, list[np.ndarray]] = {
            k: [] for k in ("spend", "local", "region", "round1", "round2", "round3")
        }
        self.all_weight = economy.weight[economy.household_idx]
        self.household_weight = self.all_weight[self.residents]
        self.year_income = np.zeros(len(self.all_weight))
        self.months_in_year = 0
        self.household_years: list[dict[str, float]] = []
        self.last_year_income: np.ndarray | None = None
        self.current: dict[str, float] = {}
        self._respend: tuple | None = None
        self._revision = -1
        self._payment_parts: dict[str, tuple[int, np.ndarray]] = {}

    def record(self, area_flows: AreaFlows) -> dict[str, float]:
        """Record one step; return its metric values."""
        economy = self.economy
        flows = self.view.fold(area_flows)
        if self._revision != economy.revision:  # relationships changed: re-read them
            self._respend = (respend_groups(economy, self.tier), self._local_payment_share())
            self._revision = economy.revision
        values = step_values(
            flows,
            self.previous,
            economy,
            self.household_weight,
            self._respend,
            self.tier,
            self.residents,
            self.distributions,
        )
        self.values.append(values)
        self.ledgers.append(flows.ledger)
        proc = flows.anchor_procurement
        self.anchor["spend"].append(proc.sum(axis=1))
        self.anchor["local"].append(proc[:, LOCAL])
        self.anchor["region"].append(proc[:, LOCAL] + proc[:, REGION])
        self.anchor["round1"].append(self.previous.anchor_income)
        self.anchor["round2"].append(self.previous.round2)
        self.anchor["round3"].append(flows.round3)
        self.year_income += flows.household_income
        self.months_in_year += 1
        if self.months_in_year == STEPS_PER_YEAR:
            self._close_year()
        self.previous = flows
        self.current = values
        return values

    def _local_payment_share(self) -> np.ndarray:
        """:func:`~cwbsim.model.record.metrics.local_payment_share`, re-reading changed channels."""
        economy = self.economy
        total = np.zeros(economy.n)
        for channel, edges in economy.edges.items():
            revision = economy.channel_revisions.get(channel, 0)
            kept = self._payment_parts.get(channel)
            if kept is None or kept[0] != revision:
                kept = (revision, local_payment_part(edges, self.tier, economy.n))
                self._payment_parts[channel] = kept
            total += kept[1]
        return total

    def _close_year(self) -> None:
        """Close a year: every household's income of the year, and the residents' distribution."""
        scale = STEPS_PER_YEAR / self.months_in_year
        income = scale * self.year_income / self.all_weight
        self.last_year_income = income  # every household's: the spending rule reads it
        if not self.residents.all():
            income = income[self.residents]
        median, gini = income_distribution(income, self.household_weight)
        self.household_years.append({"household_income_median": median, "gini": gini})
        self.year_income = np.zeros_like(self.year_income)
        self.months_in_year = 0

    def years(self) -> list[dict[str, float]]:
        """One record per year; money in £ per year; ratios are ratios of yearly sums."""
        if self.months_in_year:
            self._close_year()
        frame = pd.DataFrame(self.values)
        frame["year"] = np.arange(len(frame)) // STEPS_PER_YEAR + 1
        out = []
        for year, rows in frame.groupby("year", sort=True):
            record: dict[str, float] = {"year": int(year), "months": len(rows)}
            for name, metric in METRICS.items():
                if metric.annual == "sum":
                    record[name] = float(rows[name].sum())
                elif metric.annual == "mean":
                    record[name] = float(rows[name].mean())
                elif metric.annual == "ratio":
                    den = float(rows[metric.denominator].sum())
                    record[name] = float(rows[metric.numerator].sum()) / den if den else None
                else:
                    record[name] = self.household_years[int(year) - 1][name]
            out.append(record)
        return out

    def per_anchor(self, names: list[str]) -> dict[str, list[dict[str, float]]]:
        """Yearly spend, local and region shares and LM3 of each anchor."""
        arrays = {k: np.array(v) for k, v in self.anchor.items()}
        steps = len(arrays["spend"])
        year = np.arange(steps) // STEPS_PER_YEAR + 1
        out: dict[str, list[dict[str, float]]] = {}
        for a, name in enumerate(names):
            rows = []
            for y in np.unique(year):
                mask = year == y
                spend = float(arrays["spend"][mask, a].sum())
                round1 = float(arrays["round1"][mask, a].sum())
                rounds = round1 + float(
                    arrays["round2"][mask, a].sum() + arrays["round3"][mask, a].sum()
                )
                rows.append(
                    {
                        "year": int(y),
                        "anchor_spend": spend,
                        "local_share": float(arrays["local"][mask, a].sum()) / spend
                        if spend
                        else None,
                        "region_share": float(arrays["region"][mask, a].sum()) / spend
                        if spend
                        else None,
                        "lm3": rounds / round1 if round1 else None,
                    }
                )
            out[name] = rows
        return out

    def ledger(self) -> pd.DataFrame:
        """Flows by year, payer kind and tier, channel, payee kind and tier; £ per year."""
        stacked = np.array(self.ledgers)
        year = np.arange(len(stacked)) // STEPS_PER_YEAR + 1
        rows = []
        for y in np.unique(year):
            totals = stacked[year == y].sum(axis=0)
            for c, p, q in zip(*np.nonzero(totals), strict=True):
                payer_kind, payer_tier = group_label(int(p))
                payee_kind, payee_tier = group_label(int(q))
                rows.append(
                    (int(y), payer_kind, payer_tier, LEDGER_CHANNELS[c], payee_kind, payee_tier,
                     float(totals[c, p, q]))
                )  # fmt: skip
        return pd.DataFrame(
            rows,
            columns=[
                "year",
                "payer_kind",
                "payer_tier",
                "channel",
                "payee_kind",
                "payee_tier",
                "amount",
            ],
        )
