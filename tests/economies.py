"""Small economies for tests, as spec dictionaries."""

from __future__ import annotations

import copy

from cwbsim.model.spec.schema import EconomySpec, parse_spec

SMALL = {
    "name": "small",
    "description": "A small economy for tests",
    "start": "2020-04",
    "areas": [
        {"code": "L1", "name": "Localton", "tier": "local"},
        {"code": "R1", "name": "Regionshire", "tier": "region"},
        {"code": "O1", "name": "Elsewhere", "tier": "outside"},
    ],
    "anchors": [
        {
            "name": "Council",
            "area": "L1",
            "income": 6.0e6,
            "staff": 60,
            "wage_share": 0.4,
            "procurement_share": 0.45,
            "local_staff_share": 0.5,
            "procurement": {
                "contracts": 40,
                "local_share": 0.1,
                "region_share": 0.4,
                "sectors": {"F": 0.5, "N": 0.3, "G": 0.2},
            },
        },
        {
            "name": "College",
            "area": "L1",
            "income": 3.0e6,
            "staff": 40,
            "wage_share": 0.5,
            "procurement_share": 0.3,
            "local_staff_share": 0.6,
            "procurement": {
                "contracts": 25,
                "local_share": 0.2,
                "region_share": 0.5,
                "sectors": {"F": 0.4, "G": 0.6},
            },
        },
    ],
    "firms": [
        {"area": "L1", "count": 40, "sectors": {"F": 0.3, "G": 0.4, "N": 0.2, "I": 0.1}},
        {"area": "R1", "count": 15, "sectors": {"F": 0.4, "G": 0.4, "N": 0.2}},
        {
            "area": "O1",
            "count": 10,
            "sectors": {"F": 0.4, "G": 0.3, "N": 0.3},
            "ownership": {"external": 1.0},
        },
    ],
    "households": [{"area": "L1", "count": 300}],
    "behaviour": {
        "band_employees": {
            "micro": [1, 9],
            "small": [10, 30],
            "medium": [31, 60],
            "large": [61, 100],
        },
        "tenders": {"duration_months": [3, 12], "renewal_probability": 0.2},
    },
}


def small_spec(**changes) -> EconomySpec:
    """The small economy, with top-level keys replaced by ``changes``."""
    data = copy.deepcopy(SMALL)
    data.update(changes)
    return parse_spec(data, "small (test)")


def small_data() -> dict:
    """A fresh copy of the small economy's dictionary."""
    return copy.deepcopy(SMALL)


def places_data(places: int = 3, region: bool = True) -> dict:
    """A city-region: ``places`` local-tier areas with centroids, each with firms and homes.

    The anchors sit in the first place; with ``region``, a region-tier firm sample too.
    """
    data = small_data()
    areas = [
        {"code": f"P{k}", "name": f"Place {k}", "tier": "local",
         "lat": 53.7 + 0.1 * k, "lon": -2.7 + 0.15 * (k % 2)}
        for k in range(places)
    ]  # fmt: skip
    other = [{"code": "O1", "name": "Elsewhere", "tier": "outside"}]
    if region:
        other.insert(0, {"code": "R1", "name": "Regionshire", "tier": "region"})
    data["areas"] = areas + other
    for anchor in data["anchors"]:
        anchor["area"] = "P0"
    local = data["firms"][0]
    data["firms"] = [{**local, "area": f"P{k}", "count": 20 + 5 * k} for k in range(places)] + [
        f for f in data["firms"][1:] if region or f["area"] != "R1"
    ]
    data["households"] = [{"area": f"P{k}", "count": 120 + 30 * k} for k in range(places)]
    data["name"] = "places"
    return data


def places_spec(places: int = 3, region: bool = True) -> EconomySpec:
    """:func:`places_data` as a validated spec."""
    return parse_spec(places_data(places, region), "places (test)")
