"""The economy spec: the schema of a place's anchors, firms, households and behaviour.

One pydantic model per part holds each field's default, bounds, unit and help
text; TOML files are validated against it, unknown keys are errors, and
cross-references (areas, suppliers) are checked by :func:`check_references`.
Money is in £ per year throughout the spec.
"""

from __future__ import annotations

import pydantic
from pydantic import Field, model_validator

from cwbsim.model.errors import InputError, format_validation_error
from cwbsim.model.spec.areas import resolve_area
from cwbsim.model.spec.behaviour import (
    Behaviour,
)
from cwbsim.model.spec.types import (
    DEFAULT_CAPACITY,
    SHARE_SUM_TOLERANCE,
    CapacityMultiple,
    Ownership,
    Pounds,
    Section,
    Share,
    SizeBand,
    Strict,
    Tier,
    YearMonth,
    check_at_most_one,
    check_distribution,
    months_between,
)
from cwbsim.model.spec.uncertain import UncertainParameter


class Area(Strict):
    """A local authority (or similar) and the tier it belongs to."""

    code: str = Field(description="Area code, e.g. an ONS LAD code such as E07000123.")
    name: str = Field(description="Human-readable name.")
    tier: Tier = Field(
        description="local (a place modelled in full: the place studied, or each district of a "
        "city-region), region (firms of the wider area), or outside."
    )
    lat: float | None = Field(
        None, ge=-90.0, le=90.0, description="Latitude of the area's centroid, degrees."
    )
    lon: float | None = Field(
        None, ge=-180.0, le=180.0, description="Longitude of the area's centroid, degrees."
    )


class Procurement(Strict):
    """A generated portfolio of an anchor's contracts, as a spend analysis reports it."""

    contracts: int = Field(300, ge=1, description="Number of contracts in force.")
    local_share: Share = Field(description="Share of the portfolio with local-tier suppliers.")
    region_share: Share = Field(
        description="Share with local- or region-tier suppliers (CLES's 'Lancashire' figure)."
    )
    sectors: dict[Section, Share] = Field(description="Share of the portfolio by SIC section.")
    value_sigma: float = Field(
        1.0, ge=0.0, le=3.0, description="Log-normal dispersion of contract values."
    )

    @model_validator(mode="after")
    def _shares(self) -> Procurement:
        if self.local_share > self.region_share + SHARE_SUM_TOLERANCE:
            raise ValueError(
                f"local_share {self.local_share} exceeds region_share {self.region_share} "
                "(region_share counts local and region suppliers, so it must be >= local_share)"
            )
        check_distribution(self.sectors, "sectors")
        return self


class Contract(Strict):
    """One named contract between an anchor and a named supplier."""

    supplier: str = Field(description="Name of a supplier declared under [[suppliers]].")
    sector: Section = Field(description="SIC 2007 section of what is bought.")
    value: float = Field(gt=0.0, description="Annual value, £ per year.")
    end: YearMonth = Field(description="Last month of the contract, YYYY-MM.")


class Anchor(Strict):
    """An anchor institution: income from outside, wages, procurement, the rest spent outside."""

    name: str = Field(description="Unique name; interventions and reports use it.")
    area: str = Field(description="Area code where the anchor is based.")
    income: Pounds = Field(description="Income from outside, £ per year.")
    staff: int = Field(ge=0, description="Headcount.")
    wage_share: Share = Field(description="Share of income paid as wages.")
    procurement_share: Share = Field(description="Share of income spent on contracts.")
    local_staff_share: Share = Field(description="Share of staff who live in the local tier.")
    procurement: Procurement | None = Field(None, description="Generated contract portfolio.")
    contracts: list[Contract] = Field(default_factory=list, description="Named contracts.")

    @model_validator(mode="after")
    def _budget(self) -> Anchor:
        check_at_most_one(self, ("wage_share", "procurement_share"), "the rest is spent outside")
        budget = self.income * self.procurement_share
        named = sum(c.value for c in self.contracts)
        if named > budget * (1 + SHARE_SUM_TOLERANCE):
            raise ValueError(
                f"named contracts total £{named:,.0f} per year, above the procurement budget "
                f"£{budget:,.0f} (income x procurement_share)"
            )
        return self


class Supplier(Strict):
    """A named real firm (for example one found in a spend file)."""

    name: str = Field(description="Unique name; named contracts refer to it.")
    area: str = Field(description="Area code where the supplier is based.")
    sector: Section = Field(description="SIC 2007 section of what it sells.")
    size_band: SizeBand = Field("small", description="micro, small, medium or large.")
    ownership: Ownership = Field("external", description="Who receives its profit.")
    employees: int | None = Field(
        None, ge=1, description="Headcount; drawn from the band if absent."
    )


DEFAULT_SIZE_BANDS = {"micro": 0.89, "small": 0.09, "medium": 0.016, "large": 0.004}


class FirmPopulation(Strict):
    """A synthetic population of firms in one area."""

    area: str = Field(description="Area code where these firms are based.")
    count: int = Field(ge=0, description="Number of firms.")
    sectors: dict[Section, Share] = Field(description="Share of firms by SIC section.")
    size_bands: dict[SizeBand, Share] = Field(
        default_factory=lambda: dict(DEFAULT_SIZE_BANDS),
        description="Share of firms by size band (assumption: UK business population shape).",
    )
    ownership: dict[Ownership, Share] = Field(
        default_factory=lambda: {"local": 0.7, "external": 0.3},
        description="Share of firms by ownership.",
    )
    capacity: CapacityMultiple = Field(
        DEFAULT_CAPACITY, description="Capacity as a multiple of initial turnover."
    )
    employees: tuple[int, int] | None = Field(
        None,
        description="Headcount range of these firms, drawn log-uniform (default: the range "
        "of each firm's size band, behaviour.band_employees).",
    )

    @model_validator(mode="after")
    def _shares(self) -> FirmPopulation:
        if self.employees is not None and not 1 <= self.employees[0] <= self.employees[1]:
            raise ValueError("employees must be [fewest, most] with 1 <= fewest <= most")
        check_distribution(self.sectors, "sectors")
        check_distribution(self.size_bands, "size_bands")
        check_distribution(self.ownership, "ownership")
        return self


class Households(Strict):
    """Resident households of one local-tier area (other tiers' households are not modelled).

    In an economy of several places, "local" is the household's own place and "region"
    the other places and the region's firms (shops there are drawn by gravity).
    """

    area: str = Field(description="Area code where these households live.")
    count: int = Field(ge=1, description="Number of households.")
    household_weight: int = Field(
        1, ge=1, description="Households per agent (cohorts of identical households)."
    )
    workers: dict[int, Share] = Field(
        default_factory=lambda: {0: 0.23, 1: 0.44, 2: 0.33},
        description="Share of households by number of people in the labour force.",
    )
    unemployment_rate: Share = Field(0.046, description="Of the resident labour force.")
    outside_work_share: Share = Field(
        0.1, description="Share of employed residents working for employers not in the model."
    )
    outside_wage: Pounds = Field(24_000.0, description="Median wage there, £ per year.")
    transfers_nonworking: Pounds = Field(
        11_000.0, description="Median pensions and benefits of households with no worker, £/year."
    )
    transfers_working: Pounds = Field(
        1_500.0, description="Median transfers of households with workers, £ per year."
    )
    transfer_sigma: float = Field(0.4, ge=0.0, le=2.0, description="Log-normal dispersion.")
    tax_rate: Share = Field(0.2, description="Share of income paid in tax (leaves the place).")
    propensity_to_consume: Share = Field(0.88, description="Share of post-tax income spent.")
    local_share: Share = Field(0.35, description="Share of consumption at local-tier firms.")
    region_share: Share = Field(0.25, description="Share of consumption at region-tier firms.")

    @model_validator(mode="after")
    def _shares(self) -> Households:
        check_distribution(self.workers, "workers")
        check_at_most_one(self, ("local_share", "region_share"))
        if any(k < 0 or k > 10 for k in self.workers):
            raise ValueError("workers keys are people per household (allowed: 0 to 10)")
        return self


class EconomySpec(Strict):
    """A whole local economy: areas, anchors, firms, households and behaviour."""

    name: str = Field(description="Name of the economy, used in outputs.")
    description: str = Field("", description="What the economy stands for, in a sentence.")
    start: YearMonth = Field("2012-04", description="First month of year 1.")
    areas: list[Area] = Field(min_length=1, description="The place, its region, the rest.")
    anchors: list[Anchor] = Field(min_length=1, description="Anchor institutions.")
    suppliers: list[Supplier] = Field(default_factory=list, description="Named firms.")
    firms: list[FirmPopulation] = Field(default_factory=list, description="Synthetic firms.")
    households: list[Households] = Field(min_length=1, description="Household populations.")
    behaviour: Behaviour = Field(default_factory=Behaviour, description="Assumptions.")
    groups: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Named groups of area codes that metrics can be asked for (--area NAME).",
    )
    report: list[str] = Field(
        default_factory=list,
        description="Areas or groups whose metrics every run reports; the first is the headline "
        "(default: the local-tier areas).",
    )
    uncertain: list[UncertainParameter] = Field(
        default_factory=list,
        description="Parameters not known: drawn per replicate by cwbsim compare (spec.* paths).",
    )


def check_references(spec: EconomySpec, source: str) -> None:
    """Check that every area, supplier and name a spec refers to exists.

    Raises
    ------
    InputError
        One line naming ``source``, the key and the allowed values.
    """
    codes = [a.code for a in spec.areas]
    tiers = {a.code: a.tier for a in spec.areas}
    _unique(codes, "areas", "code", source)
    _unique([a.name for a in spec.anchors], "anchors", "name", source)
    _unique([s.name for s in spec.suppliers], "suppliers", "name", source)

    def area_of(key: str, code: str) -> None:
        if code not in tiers:
            raise InputError(
                f"{source}: {key}: unknown area {code!r} (allowed: {', '.join(codes)})"
            )

    for i, anchor in enumerate(spec.anchors):
        area_of(f"anchors[{i}].area", anchor.area)
    for i, supplier in enumerate(spec.suppliers):
        area_of(f"suppliers[{i}].area", supplier.area)
    for i, firms in enumerate(spec.firms):
        area_of(f"firms[{i}].area", firms.area)
    for i, households in enumerate(spec.households):
        area_of(f"households[{i}].area", households.area)
        if tiers[households.area] != "local":
            raise InputError(
                f"{source}: households[{i}].area: {households.area!r} is in tier "
                f"{tiers[households.area]!r} (allowed: areas of tier 'local'; "
                "only local residents are modelled)"
            )
    for name, members in spec.groups.items():
        for j, code in enumerate(members):
            area_of(f"groups.{name}[{j}]", code)
    for i, item in enumerate(spec.report):
        resolve_area(spec, item, f"{source}: report[{i}]")
    known = {s.name for s in spec.suppliers}
    for i, anchor in enumerate(spec.anchors):
        for j, contract in enumerate(anchor.contracts):
            if contract.supplier not in known:
                listed = ", ".join(sorted(known)[:10]) or "none declared under [[suppliers]]"
                raise InputError(
                    f"{source}: anchors[{i}].contracts[{j}].supplier: {contract.supplier!r} "
                    f"is not a declared supplier (allowed: {listed})"
                )
            if months_between(spec.start, contract.end) < 0:
                raise InputError(
                    f"{source}: anchors[{i}].contracts[{j}].end: {contract.end} is before "
                    f"the start {spec.start} (allowed: YYYY-MM on or after the start)"
                )


def _unique(values: list[str], table: str, key: str, source: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise InputError(
                f"{source}: {table}[{i}].{key}: duplicate {value!r} (allowed: unique values)"
            )
        seen.add(value)


def parse_spec(data: dict, source: str) -> EconomySpec:
    """Validate a spec given as a dictionary (for example parsed TOML).

    Raises
    ------
    InputError
        On any unknown key, out-of-range value or broken reference.
    """
    try:
        spec = EconomySpec.model_validate(data)
    except pydantic.ValidationError as error:
        raise InputError(format_validation_error(error, source, EconomySpec)) from None
    check_references(spec, source)
    return spec
