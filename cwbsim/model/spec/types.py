"""Shared building blocks of the schemas: code lists, constrained types, the strict base model."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cwbsim.model.codes import TIER_NAMES

SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")
SECTION_NAMES = dict(
    zip(
        SECTIONS,
        (
            "Agriculture, forestry and fishing",
            "Mining and quarrying",
            "Manufacturing",
            "Electricity, gas, steam and air conditioning",
            "Water, sewerage and waste",
            "Construction",
            "Wholesale and retail; motor repair",
            "Transport and storage",
            "Accommodation and food",
            "Information and communication",
            "Finance and insurance",
            "Real estate",
            "Professional, scientific and technical",
            "Administrative and support services",
            "Public administration and defence",
            "Education",
            "Health and social work",
            "Arts, entertainment and recreation",
            "Other services",
            "Households as employers",
            "Extraterritorial organisations",
        ),
        strict=True,
    )
)
"""Short titles of the UK SIC 2007 sections (ONS), for people."""
TIERS = TIER_NAMES
SIZE_BANDS = ("micro", "small", "medium", "large")
OWNERSHIPS = ("local", "external", "cooperative")

Section = Literal[
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K",
    "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U",
]  # fmt: skip
Tier = Literal["local", "region", "outside"]
SizeBand = Literal["micro", "small", "medium", "large"]
Ownership = Literal["local", "external", "cooperative"]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
POUNDS_MAX = 1e13
"""Largest amount of money a spec may hold, £ (ten trillion: several times the UK's GDP)."""
Pounds = Annotated[float, Field(ge=0.0, le=POUNDS_MAX)]
SocialValueWeight = Annotated[float, Field(ge=0.0, le=20.0)]
"""Weight on social value in tender awards (0 = price only): the spec's default and the
procurement intervention's target share this one declaration of its bounds."""
YearMonth = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
CapacityMultiple = Annotated[float, Field(ge=1.0, le=10.0)]
"""A firm's capacity (the most it can sell, £ per year) as a multiple of its opening turnover."""
DEFAULT_CAPACITY = 1.25
"""Assumption: a quarter of spare capacity."""

SHARE_SUM_TOLERANCE = 1e-9


def months_between(start: str, end: str) -> int:
    """Whole months from ``start`` to ``end`` (both ``YYYY-MM``)."""
    sy, sm = (int(x) for x in start.split("-"))
    ey, em = (int(x) for x in end.split("-"))
    return (ey - sy) * 12 + (em - sm)


def check_distribution(shares: dict, what: str) -> None:
    """Raise a ValueError naming ``what`` unless the shares sum to 1."""
    total = sum(shares.values())
    if shares and abs(total - 1.0) > SHARE_SUM_TOLERANCE:
        raise ValueError(f"{what} shares sum to {total:.6g} (allowed: they must sum to 1)")


class Strict(BaseModel):
    """Base for all schema parts: unknown keys, NaN and infinity are errors, even on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


def check_at_most_one(model: BaseModel, names: tuple[str, ...], rest: str = "") -> None:
    """Raise a ValueError naming the fields unless the shares ``names`` of ``model`` sum to <= 1.

    ``rest`` says where the remainder goes (e.g. "the rest is profit").
    """
    total = sum(getattr(model, name) for name in names)
    if total > 1.0 + SHARE_SUM_TOLERANCE:
        tail = f"; {rest}" if rest else ""
        raise ValueError(f"{' + '.join(names)} = {total:.6g} is above 1 (allowed: sum <= 1{tail})")
