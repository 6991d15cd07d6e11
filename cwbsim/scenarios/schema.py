"""The scenario schema: a base economy, a horizon, seeds and interventions (TOML files).

Every intervention has a ``type``, a ``start_year`` (1 = the first simulated
year), an optional ``ramp_years`` over which it reaches full strength, and
the targets and parameters of its type. Unknown types or keys, out-of-range
values, start years beyond the horizon and targets that name nothing in the
base economy are errors naming the file, the key and the allowed values.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import Field, model_validator

from cwbsim.model.errors import InputError, format_validation_error
from cwbsim.model.spec.files import builtin_specs, load_spec, read_toml
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import (
    SECTIONS,
    Section,
    Share,
    SizeBand,
    SocialValueWeight,
    Strict,
    YearMonth,
)
from cwbsim.model.spec.uncertain import UncertainParameter, resolve_files
from cwbsim.scenarios.seeds import SEED_MAX

YEARS_MAX = 50
"""Longest horizon, years."""
SEEDS_MAX = 10_000
"""Most replications of one scenario."""


def lever(
    label: str,
    off: float,
    step: float,
    low: float | None = None,
    high: float | None = None,
    scale: float = 1.0,
    unit: str = "",
) -> dict:
    """Marks a field as the lever of its intervention in the app (``json_schema_extra``).

    The field's own bounds and description stay the rules; this adds what a
    slider needs beyond them: a ``label``, the value meaning "no intervention"
    (``off``), a ``step``, a practical range (``low``/``high``, inside the
    field's bounds, for fields whose bounds are wide or open) and a display
    ``scale`` (schema units per display unit: 1e6 shows £ as £m, 0.01 a share as %)
    and the display ``unit`` written beside the lever's number box.
    """
    return {"lever": {"label": label, "off": off, "step": step, "low": low, "high": high,
                      "scale": scale, "unit": unit}}  # fmt: skip


class InterventionBase(Strict):
    """Timing shared by every intervention."""

    start_year: int = Field(1, ge=1, le=YEARS_MAX, description="First year it acts (1 = year 1).")
    ramp_years: float = Field(
        0.0, ge=0.0, le=YEARS_MAX, description="Years to reach full strength (0 = at once)."
    )
    anchors: list[str] = Field(
        default_factory=list, description="Anchor names it applies to (empty = all anchors)."
    )


class ProcurementPreference(InterventionBase):
    """Local / social-value weight in tenders; optional lot splitting (progressive procurement)."""

    type: Literal["procurement_preference"]
    weight: SocialValueWeight = Field(
        description="Weight on social value in award scores (0 = price only; Preston: see docs/validation.md).",
        json_schema_extra=lever(
            "Procurement: social-value weight", off=0.0, step=0.01, unit="weight"
        ),
    )
    max_lot: float | None = Field(
        None, gt=0.0, description="Split contracts above this value into lots, £ per year."
    )
    region_value: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Social value of a region-tier bidder, where a local one's is 1 "
        "(default: the economy's tenders.social_value).",
    )
    retender_share: Share | None = Field(
        None,
        description="Share of expiring contracts put out to tender rather than extended "
        "(default: 1 - the economy's tenders.renewal_probability).",
    )


class LocalHiring(InterventionBase):
    """Share of new hires drawn from local residents (fair employment)."""

    type: Literal["local_hiring"]
    share: Share = Field(
        description="Chance that a new hire is a local resident.",
        json_schema_extra=lever(
            "Local hiring: share of new hires", off=0.0, step=1.0, scale=0.01, unit="%"
        ),
    )
    include_suppliers: bool = Field(False, description="Also the anchors' contracted suppliers.")


class WageFloor(InterventionBase):
    """A living wage for anchor staff, optionally for contracted suppliers' staff."""

    type: Literal["wage_floor"]
    hourly: float = Field(
        gt=0.0,
        le=200.0,
        description="Floor, £ per hour.",
        json_schema_extra=lever("Living wage", off=0.0, step=0.05, high=15.0, unit="£ an hour"),
    )
    include_suppliers: bool = Field(False, description="Also the anchors' contracted suppliers.")


class CooperativeConversion(InterventionBase):
    """A share of local firms becomes co-operatively owned (plural ownership)."""

    type: Literal["cooperative_conversion"]
    share: Share = Field(
        description="Share of the targeted local firms converted.",
        json_schema_extra=lever(
            "Co-operatives: share of firms converted", off=0.0, step=0.5, scale=0.01, unit="%"
        ),
    )
    ownership: list[Literal["local", "external"]] = Field(
        default_factory=lambda: ["external"],
        description="Which owners sell to their workers: externally owned local firms "
        "(buy-outs, the default) and/or locally owned ones (succession).",
    )
    sectors: list[Section] = Field(default_factory=list, description="Sectors (empty = all).")
    size_bands: list[SizeBand] = Field(default_factory=list, description="Sizes (empty = all).")


class AnchorBudget(InterventionBase):
    """Anchor income changes by a percentage a year (austerity or growth)."""

    type: Literal["anchor_budget"]
    percent_per_year: float = Field(
        ge=-50.0,
        le=50.0,
        description="Change, % per year.",
        json_schema_extra=lever(
            "Anchor budget", off=0.0, step=0.25, low=-10.0, high=10.0, unit="% a year"
        ),
    )
    years_of_change: int | None = Field(
        None, ge=1, le=YEARS_MAX, description="Years the change lasts (default: to the end)."
    )

    @model_validator(mode="after")
    def _no_ramp(self) -> AnchorBudget:
        if self.ramp_years:
            raise ValueError(
                "ramp_years does not apply to anchor_budget (allowed: 0; the change "
                "compounds yearly from start_year, for years_of_change years)"
            )
        return self


class BuyLocal(InterventionBase):
    """Households shift part of their spending to local firms."""

    type: Literal["buy_local"]
    shift: float = Field(
        ge=-1.0,
        le=1.0,
        description="Change in the local share of consumption (0.05 = 5 points).",
        json_schema_extra=lever(
            "Buy local: change in households' local share, percentage points",
            off=0.0,
            step=1.0,
            low=-20.0,
            high=20.0,
            scale=0.01,
            unit="pp",
        ),
    )


class LocalInvestment(InterventionBase):
    """£ invested (e.g. by a local pension fund) in local firms' capacity in chosen sectors."""

    type: Literal["local_investment"]
    amount: float = Field(
        gt=0.0,
        description="Total invested, £, spread over the ramp years.",
        json_schema_extra=lever(
            "Local investment", off=0.0, step=1.0, high=200.0, scale=1e6, unit="£m"
        ),
    )
    sectors: list[Section] = Field(default_factory=list, description="Sectors (empty = all).")
    capacity_per_pound: float = Field(
        1.0, gt=0.0, le=10.0, description="Yearly sales capacity added per £ invested (assumption)."
    )


Intervention = Annotated[
    ProcurementPreference
    | LocalHiring
    | WageFloor
    | CooperativeConversion
    | AnchorBudget
    | BuyLocal
    | LocalInvestment,
    Field(discriminator="type"),
]


class Scenario(Strict):
    """A scenario: base economy, horizon, seeds and interventions."""

    name: str
    description: str = ""
    base: str = Field(description="A built-in economy spec name or a spec path.")
    start: YearMonth | None = Field(
        None, description="Calendar month of year 1, if not the base economy's (YYYY-MM)."
    )
    years: int = Field(5, ge=1, le=YEARS_MAX, description="Years simulated.")
    seeds: int = Field(10, ge=1, le=SEEDS_MAX, description="Replications.")
    seed: int = Field(
        20130401, ge=0, le=SEED_MAX, description="Root entropy of the replications' seeds."
    )
    sources: list[str] = Field(default_factory=list, description="Where the numbers come from.")
    assumptions: list[str] = Field(default_factory=list, description="What is assumed.")
    intervention: list[Intervention] = Field(default_factory=list)
    uncertain: list[UncertainParameter] = Field(
        default_factory=list,
        description="Parameters not known (scenario.* or spec.* paths): drawn per replicate "
        "by cwbsim compare, the same draw in both arms.",
    )


def library_folder():
    """The folder of built-in scenarios."""
    return resources.files("cwbsim.scenarios") / "library"


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with cwbsim."""
    return sorted(
        p.name.removesuffix(".toml") for p in library_folder().iterdir() if p.name.endswith(".toml")
    )


def _base_spec(scenario: Scenario, source: str, folder: Path | None) -> EconomySpec:
    base = scenario.base
    if base in builtin_specs():
        return load_spec(base)
    path = Path(base)
    if folder is not None and not path.is_absolute():
        path = folder / path
    if not path.exists():
        raise InputError(
            f"{source}: base: {base!r} is neither a built-in spec nor a file "
            f"(allowed: {', '.join(builtin_specs())}, or a spec path)"
        )
    return load_spec(path)


def check_scenario(scenario: Scenario, spec: EconomySpec, source: str) -> None:
    """Check horizons and targets against the base economy; raise a one-line InputError."""
    anchors = [a.name for a in spec.anchors]
    sectors = {s for f in spec.firms for s in f.sectors} | {s.sector for s in spec.suppliers}
    for i, item in enumerate(scenario.intervention):
        key = f"intervention[{i}]"
        if item.start_year > scenario.years:
            raise InputError(
                f"{source}: {key}.start_year: {item.start_year} is beyond the horizon "
                f"(allowed: 1 to years = {scenario.years})"
            )
        for name in item.anchors:
            if name not in anchors:
                raise InputError(
                    f"{source}: {key}.anchors: {name!r} is not an anchor of {scenario.base} "
                    f"(allowed: {', '.join(anchors)})"
                )
        for sector in getattr(item, "sectors", []):
            if sector not in sectors:
                raise InputError(
                    f"{source}: {key}.sectors: no firm of {scenario.base} is in sector "
                    f"{sector!r} (allowed: {', '.join(s for s in SECTIONS if s in sectors)})"
                )


def parse_scenario(
    data: dict, source: str, folder: Path | None = None
) -> tuple[Scenario, EconomySpec]:
    """Validate a scenario dictionary and load its base economy."""
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as error:
        raise InputError(format_validation_error(error, source, Scenario)) from None
    spec = _base_spec(scenario, source, folder)
    here = Path(str(library_folder())) if folder is None else Path(folder)
    scenario = scenario.model_copy(update={"uncertain": resolve_files(scenario.uncertain, here)})
    if scenario.start is not None:
        spec = spec.model_copy(update={"start": scenario.start})
    check_scenario(scenario, spec, source)
    return scenario, spec


def as_scenario(spec: EconomySpec, base: str) -> Scenario:
    """An economy as a scenario of itself: no intervention, the schema's years and seeds.

    What a comparison's baseline or a sweep is when it names an economy spec
    (``base``: the spec's name or path) rather than a scenario.
    """
    return Scenario(
        name=spec.name,
        description=spec.description or f"{spec.name}, with no intervention",
        base=base,
        assumptions=["No intervention: the economy as its spec describes it."],
    )


def load_scenario(name_or_path: str | Path) -> tuple[Scenario, EconomySpec]:
    """Load a scenario with its base economy: a built-in one, a scenario file, or an economy.

    An economy spec (a built-in spec, or a TOML file with neither ``base`` nor
    ``intervention``, such as ``cwbsim place`` writes) stands for itself with no
    intervention (:func:`as_scenario`).
    """
    text = str(name_or_path)
    if text in builtin_scenarios():
        resource = library_folder() / f"{text}.toml"
        with resources.as_file(resource) as path:
            return parse_scenario(read_toml(path), f"{text} (built-in scenario)", None)
    path = Path(text)
    if not path.exists() and not text.endswith(".toml"):
        if text in builtin_specs():
            spec = load_spec(text)
            return as_scenario(spec, text), spec
        raise InputError(
            f"{text}: no such scenario (allowed: a TOML path, a built-in scenario "
            f"({', '.join(builtin_scenarios())}) or a built-in spec)"
        )
    data = read_toml(path)
    if "base" not in data and "intervention" not in data:
        spec = load_spec(path)
        return as_scenario(spec, str(path)), spec
    return parse_scenario(data, str(path), path.parent)


def is_scenario_file(path: Path) -> bool:
    """Whether a TOML file is a scenario (it has a ``base``) rather than an economy spec."""
    return "base" in read_toml(path)
