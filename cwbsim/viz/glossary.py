"""The words the app's numbers use, in plain English, each with its source.

The measures come first, then one entry per intervention, read from the scenario schema
(its plain description and its lever's label), so a new intervention type cannot reach
the app without a glossary entry: a test checks every type has a source here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import get_args

from cwbsim.scenarios.schema import Intervention


@dataclass(frozen=True)
class Entry:
    """One term: its plain name, what it means, and where the idea comes from."""

    term: str
    meaning: str
    source: str


MEASURES = (
    Entry(
        "Local share of anchor spend",
        "Of the money the anchor institutions pay their suppliers, the part paid to "
        "suppliers based in the place. It is worked out over the procurement base.",
        "CLES (2017), Preston's spend analysis: 5% in 2012/13, 18% in 2016/17.",
    ),
    Entry(
        "Procurement base",
        "The payments that count as buying from suppliers: to businesses, charities and "
        "suppliers not yet identified. Payments to other public bodies, tax authorities and "
        "individuals are left out, because a council cannot buy them locally.",
        "CLES's spend analysis method, as used for Preston and Manchester.",
    ),
    Entry(
        "Local Multiplier 3 (LM3)",
        "How far £1 of an anchor's income goes in the place over three rounds: the £1 "
        "itself, what is spent with local suppliers and local staff, and what they re-spend "
        "locally, all over the £1. An LM3 of 1.5 means each £1 becomes £1.50 of local "
        "spending.",
        "Sacks (2002), The Money Trail, New Economics Foundation.",
    ),
    Entry(
        "Local multiplier",
        "Like LM3, but counting every round of re-spending until the money has left the "
        "place: all the local income £1 of anchor income creates, per £1.",
        "The regional Keynesian multiplier, k = 1 / (1 - (c - m)(1 - t)), and the "
        "Leontief inverse of the money flows (textbook regional economics).",
    ),
    Entry(
        "Leakage",
        "Money paid out of the place in the month: to suppliers, staff and owners "
        "elsewhere, in tax, and as savings. It is larger than local income because it "
        "counts what every local business and household pays out, not only wages.",
        "The complement of local re-spending in LM3 and the local multiplier (Sacks 2002).",
    ),
    Entry(
        "Local household income",
        "What households living in the place receive in the month: wages, profits they "
        "own, benefits and pensions.",
        "The model's ledger; households and their incomes from the Census 2021 and ONS.",
    ),
)
"""The measures the app shows, in the order people meet them."""

INTERVENTION_SOURCES = {
    "procurement_preference": "CLES (2019), progressive procurement; Preston's anchors, "
    "2012/13 to 2016/17.",
    "local_hiring": "CLES (2019), fair employment and just labour markets.",
    "wage_floor": "The Living Wage Foundation's real Living Wage; CLES (2019), fair employment.",
    "cooperative_conversion": "CLES (2019), plural ownership of the economy; Preston "
    "Co-operative Development Network.",
    "anchor_budget": "Council funding changes since 2010 (National Audit Office, Financial "
    "sustainability of local authorities, 2018).",
    "buy_local": "Local spending campaigns; the Federation of Small Businesses and CLES "
    "(2013) on what small firms re-spend locally.",
    "local_investment": "CLES (2019), making financial power work for local places "
    "(Lancashire County Pension Fund's local investment).",
}
"""Where each intervention comes from (a test checks every schema type is here)."""


def interventions() -> tuple[Entry, ...]:
    """One entry per intervention type in the scenario schema: its lever and description."""
    entries = []
    for kind in get_args(get_args(Intervention)[0]):
        type_name = get_args(kind.model_fields["type"].annotation)[0]
        lever = next(
            (
                field.json_schema_extra["lever"]["label"]
                for field in kind.model_fields.values()
                if isinstance(field.json_schema_extra, dict) and "lever" in field.json_schema_extra
            ),
            type_name.replace("_", " "),
        )
        meaning = " ".join((kind.__doc__ or "").split())
        entries.append(Entry(lever, meaning, INTERVENTION_SOURCES[type_name]))
    return tuple(entries)


def glossary() -> tuple[Entry, ...]:
    """Every entry: the measures, then the interventions."""
    return MEASURES + interventions()


def glossary_html() -> str:
    """The glossary as a definition list, for the app's panel."""
    items = "".join(
        f"<dt><b>{html.escape(e.term)}</b></dt><dd>{html.escape(e.meaning)} "
        f"<i>Source: {html.escape(e.source)}</i></dd>"
        for e in glossary()
    )
    return f"<dl class='cwb-glossary'>{items}</dl>"
