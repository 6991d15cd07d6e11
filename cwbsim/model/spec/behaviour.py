"""Behavioural parameters the data cannot show: firm costs, tiers, tenders, adaptation."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cwbsim.model.spec.types import (
    DEFAULT_CAPACITY,
    SIZE_BANDS,
    TIERS,
    CapacityMultiple,
    Pounds,
    Section,
    Share,
    SizeBand,
    SocialValueWeight,
    Strict,
    Tier,
    check_at_most_one,
    check_distribution,
)


class FirmCosts(Strict):
    """How a firm splits its revenue; profit is the rest."""

    wage_share: Share = Field(0.30, description="Share of revenue paid as wages.")
    input_share: Share = Field(0.50, description="Share of revenue spent on inputs.")
    tax_share: Share = Field(0.05, description="Share of revenue paid as tax.")
    turnover_per_employee: Pounds = Field(80_000.0, description="£ per year per employee.")

    @model_validator(mode="after")
    def _sum(self) -> FirmCosts:
        check_at_most_one(self, ("wage_share", "input_share", "tax_share"), "the rest is profit")
        return self


class SectorCosts(Strict):
    """One sector's split of revenue and its output per job: a column of an input-output table.

    Profit (gross operating surplus) is what is left. Money is £ per year.
    """

    wage_share: Share = Field(description="Compensation of employees / output.")
    input_share: Share = Field(description="Intermediate inputs bought in the UK / output.")
    import_share: Share = Field(0.0, description="Imported intermediate inputs / output.")
    tax_share: Share = Field(
        description="Taxes less subsidies on products and production / output."
    )
    output_per_job: Pounds = Field(description="Output per workforce job, £ per year.")
    inputs: dict[Section, Share] = Field(
        default_factory=dict,
        description="Share of the UK-bought inputs from each sector (sums to 1); empty: "
        "from firms of any sector, by size.",
    )

    @model_validator(mode="after")
    def _sum(self) -> SectorCosts:
        names = ("wage_share", "input_share", "import_share", "tax_share")
        check_at_most_one(self, names, "the rest is profit")
        if self.inputs:
            check_distribution(self.inputs, "inputs")
        return self


class SizeBehaviour(Strict):
    """How firms of one size band differ from their sector and tier (multipliers, 1 = none)."""

    local_inputs: float = Field(
        1.0, ge=0.0, le=5.0, description="Multiplier on the share of inputs bought locally."
    )
    resident_staff: float = Field(
        1.0, ge=0.0, le=5.0, description="Multiplier on the share of jobs held by residents."
    )
    local_ownership: float = Field(
        1.0, ge=0.0, le=5.0, description="Multiplier on the chance a local firm is locally owned."
    )


class RegionalInputs(Strict):
    """Where sectors buy their inputs: Flegg's location quotient (Flegg and Webber, 1997).

    A sector buys within an area the share ``min(FLQ_ij, 1)`` of what the national
    table says it buys from sector ``i``; see ``docs/model.md`` (Submodels).
    """

    flq_delta: float = Field(
        0.3,
        ge=0.0,
        lt=1.0,
        description="Flegg's delta: how strongly a small area imports (0.3, Flegg and Webber 1997).",
    )
    place_jobs: dict[Section, float] = Field(
        default_factory=dict,
        description="Workforce jobs by sector in the place (default: the local firms' jobs).",
    )
    region_jobs: dict[Section, float] = Field(
        default_factory=dict,
        description="Workforce jobs by sector in the region outside the place (default: the "
        "region-tier firms' jobs).",
    )


class TierBehaviour(Strict):
    """Behaviour of firms located in one tier."""

    local_staff_share: Share = Field(description="Share of jobs filled by local-tier residents.")
    local_input_share: Share = Field(description="Share of inputs bought from local-tier firms.")
    region_input_share: Share = Field(description="Share of inputs bought from region firms.")

    @model_validator(mode="after")
    def _sum(self) -> TierBehaviour:
        check_at_most_one(self, ("local_input_share", "region_input_share"))
        return self


def _default_tiers() -> dict[str, TierBehaviour]:
    return {
        "local": TierBehaviour(
            local_staff_share=0.45, local_input_share=0.2, region_input_share=0.25
        ),
        "region": TierBehaviour(
            local_staff_share=0.05, local_input_share=0.04, region_input_share=0.4
        ),
        "outside": TierBehaviour(
            local_staff_share=0.0, local_input_share=0.0, region_input_share=0.0
        ),
    }


class Tenders(Strict):
    """How expiring contracts are re-tendered (a random-utility auction)."""

    bidders_per_tier: int = Field(3, ge=1, le=50, description="Bidders drawn from each tier.")
    local_weight: SocialValueWeight = Field(
        0.0, description="Weight on social value in the award; 0 = price only."
    )
    social_value: dict[Tier, float] = Field(
        default_factory=lambda: {"local": 1.0, "region": 0.5, "outside": 0.0},
        description="Social value of a bidder by tier (assumption).",
    )
    max_contract_share: float = Field(
        1.0,
        gt=0.0,
        le=100.0,
        description="Largest contract a firm bids for, as a multiple of its capacity (assumption).",
    )
    renewal_probability: Share = Field(
        0.5, description="Chance an expiring contract is renewed with its supplier (assumption)."
    )
    duration_months: tuple[int, int] = Field(
        (36, 84),
        description="Range of contract lengths including extensions, months (assumption).",
    )
    access_prior_contracts: float = Field(
        2.0,
        ge=0.0,
        le=100.0,
        description=(
            "How many contracts of mean value an anchor's overall tier mix counts for in its "
            "starting mix per sector, so a sector with few contracts is not closed to a tier "
            "by chance (assumption)."
        ),
    )

    @model_validator(mode="after")
    def _range(self) -> Tenders:
        lo, hi = self.duration_months
        if not 1 <= lo <= hi <= 240:
            raise ValueError("duration_months must be [min, max] with 1 <= min <= max <= 240")
        return self


class Adaptation(Strict):
    """Adaptive rules: jobs, firm entry and exit, household spending (assumptions)."""

    adjustment_months: float = Field(
        6.0, ge=1.0, le=60.0, description="Months over which employers close a jobs gap."
    )
    churn_per_year: Share = Field(0.12, description="Share of jobs changing hands each year.")
    review_months: int = Field(
        3,
        ge=1,
        le=12,
        description="Employers review jobs, and firms open or close, every N months.",
    )
    exit_revenue_ratio: Share = Field(
        0.5, description="A firm whose revenue stays below this share of its reference exits."
    )
    exit_months: int = Field(12, ge=1, description="Months below that ratio before exiting.")
    grace_months: int = Field(24, ge=0, description="Age before a new firm can exit.")
    entry_threshold: Pounds = Field(
        250_000.0, description="Unmet local demand in a sector that draws an entrant, £ per year."
    )
    entry_probability: Share = Field(
        0.5, description="Chance at each review that an entrant appears where the threshold is met."
    )
    entrants_per_sector: int = Field(
        3, ge=0, le=100, description="Local firm slots per sector held ready for entrants."
    )
    consumption_elasticity: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="Propensity to consume ~ (income / median)^-e: poorer households spend more.",
    )
    local_share_elasticity: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Local share of consumption ~ (income / median)^-e: poorer spend nearer.",
    )
    hours_per_year: float = Field(
        1950.0, gt=0.0, description="Paid hours of a job per year (37.5 x 52), for wage floors."
    )


class Places(Strict):
    """How the places of a city-region economy reach each other (assumptions).

    Between places ``i`` and ``j`` with centroids ``d_ij`` km apart, commuting,
    shopping and input supply fall off as ``exp(-d_ij / km)`` (a gravity model with
    exponential distance decay; Wilson 1971), weighted by the destination's jobs,
    shops or suppliers. Only economies with more than one local-tier area use it.
    """

    commuting_km: float = Field(
        12.0, gt=0.0, le=1000.0, description="Commuting falls by e every this many km."
    )
    shopping_km: float = Field(
        8.0, gt=0.0, le=1000.0, description="Shopping outside the home place falls by e per km."
    )
    supply_km: float = Field(
        25.0, gt=0.0, le=1000.0, description="Input supply between places falls by e per km."
    )
    commuters_from_places: Share = Field(
        0.7,
        description="Of the jobs an employer's own place does not fill, the share held by "
        "residents of the other places (the rest commute from outside the economy).",
    )


class Behaviour(Strict):
    """Behavioural parameters the data cannot show; assumptions unless a source is cited."""

    sector_table: Literal["uk-2017", "uniform"] = Field(
        "uk-2017",
        description="Where each sector's costs, output per job and input mix come from: the ONS "
        "input-output table 2017 (uk-2017), or firm_costs for every sector (uniform).",
    )
    sectors: dict[Section, SectorCosts] = Field(
        default_factory=dict, description="Sectors whose costs differ from the table's."
    )
    firm_costs: FirmCosts = Field(
        default_factory=FirmCosts, description="Every sector's costs when sector_table is uniform."
    )
    size_bands: dict[SizeBand, SizeBehaviour] = Field(
        default_factory=lambda: {
            band: SizeBehaviour(local_inputs=m, resident_staff=m)
            for bands, m in ((("micro", "small"), 3.8), (("medium", "large"), 1.4))
            for band in bands
        },
        description="How firms of each size band differ (a missing band: no difference). "
        "Default: local inputs and resident staff x3.8 for micro and small firms and x1.4 "
        "for medium and large, fitted so that Preston's SMEs re-spend 63p and large firms "
        "40p of each £ locally (FSB/CLES 2013; tools/fit_size_bands.py).",
    )
    regional_inputs: RegionalInputs = Field(
        default_factory=RegionalInputs, description="Where sectors buy their inputs."
    )
    tiers: dict[Tier, TierBehaviour] = Field(
        default_factory=_default_tiers, description="How firms in each tier hire and buy."
    )
    band_employees: dict[SizeBand, tuple[int, int]] = Field(
        default_factory=lambda: {
            "micro": (1, 9),
            "small": (10, 49),
            "medium": (50, 249),
            "large": (250, 2500),
        },
        description="Headcount range of each size band (log-uniform draw).",
    )
    input_suppliers: dict[Tier, int] = Field(
        default_factory=lambda: {"local": 3, "region": 2},
        description="Input suppliers per firm, by supplier tier.",
    )
    consumption_suppliers: dict[Tier, int] = Field(
        default_factory=lambda: {"local": 4, "region": 1},
        description="Shops per household, by shop tier.",
    )
    consumer_sectors: dict[Section, Share] = Field(
        default_factory=lambda: {"G": 0.45, "I": 0.2, "S": 0.1, "R": 0.1, "Q": 0.05, "L": 0.1},
        description="Where household spending goes, by SIC section (weights).",
    )
    wage_dispersion: float = Field(0.35, ge=0.0, le=2.0, description="Log-normal wage spread.")
    capacity_headroom: CapacityMultiple = Field(
        DEFAULT_CAPACITY,
        description="Capacity of named suppliers and of new entrants, as a multiple of their "
        "opening turnover (assumption; firm populations set their own).",
    )
    profit_owners: dict[SizeBand, int] = Field(
        default_factory=lambda: {"micro": 1, "small": 1, "medium": 3, "large": 10},
        description="Owner households among whom a locally owned local firm's profit is shared, "
        "by size band (assumption).",
    )
    tenders: Tenders = Field(default_factory=Tenders, description="How contracts are let.")
    places: Places = Field(
        default_factory=Places, description="How the places of a city-region reach each other."
    )
    adaptation: Adaptation = Field(
        default_factory=Adaptation, description="How the economy adapts over time."
    )

    @model_validator(mode="after")
    def _tiers(self) -> Behaviour:
        missing = [t for t in TIERS if t not in self.tiers]
        if missing:
            raise ValueError(f"tiers is missing {missing} (allowed: local, region, outside)")
        check_distribution(self.consumer_sectors, "consumer_sectors")
        bands = [b for b in SIZE_BANDS if self.profit_owners.get(b, 0) < 1]
        if bands:
            raise ValueError(
                f"profit_owners: {bands} need at least one owner "
                "(allowed: a whole number >= 1 for each of micro, small, medium, large)"
            )
        return self
