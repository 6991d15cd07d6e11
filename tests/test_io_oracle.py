"""The oracle that ties the agent economy to the national accounts: Type I output multipliers.

The place is the whole UK: every sector buys all its UK-bought inputs at home
(Flegg's quotients are 1 when the place is the nation), imports leak, and
households spend nothing at home (so there are no induced rounds: Type I). The
model's steady-state output response to £1 of final demand for each sector must
equal the Type I output multiplier computed independently from the ONS
input-output table (sections): the column sums of ``(I - A)^-1``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from cwbsim.model.economy import LocalEconomy
from cwbsim.model.engine.matrices import transition_matrix
from cwbsim.model.spec.files import sector_table
from cwbsim.model.spec.schema import parse_spec

ROOT = Path(__file__).resolve().parents[1]
IO = ROOT / "cwbsim" / "calibration" / "data" / "economy" / "io_sections_firms.csv"
"""The table the model's sectors come from (imputed rent, produced by no firm, left out)."""
TOLERANCE = 0.01
"""The issue's requirement: within 1% for every sector."""


def ons_type1() -> dict[str, float]:
    """Type I output multipliers by section, from the ONS table's domestic use (sections)."""
    rows = list(csv.DictReader(IO.open()))
    sections = [r["section"] for r in rows]
    output = np.array([float(r["output"]) for r in rows])
    use = np.array([[float(r[f"from_{i}"]) for r in rows] for i in sections])  # (i, j)
    a = use / output[None, :]
    leontief = np.linalg.inv(np.eye(len(sections)) - a)
    return dict(zip(sections, leontief.sum(axis=0), strict=True))


def uk_as_a_place() -> LocalEconomy:
    rows, jobs = sector_table("uk-2017")
    sectors = [s for s in rows if jobs[s] > 0]
    spec = {
        "name": "uk",
        "start": "2017-01",
        "areas": [
            {"code": "UK", "name": "United Kingdom", "tier": "local"},
            {"code": "R", "name": "none", "tier": "region"},
            {"code": "O", "name": "abroad", "tier": "outside"},
        ],
        "anchors": [{"name": "Government", "area": "UK", "income": 1e9, "staff": 10,
                     "wage_share": 0.5, "procurement_share": 0.0, "local_staff_share": 1.0}],
        "firms": [
            {"area": "UK", "count": 3, "sectors": {s: 1.0}, "size_bands": {"small": 1.0}}
            for s in sectors
        ],
        "households": [{"area": "UK", "count": 50, "local_share": 0.0, "region_share": 0.0}],
        "behaviour": {
            "sector_table": "uk-2017",
            "regional_inputs": {"place_jobs": {s: jobs[s] for s in sectors}},
        },
    }  # fmt: skip
    return LocalEconomy(parse_spec(spec, "uk"), rng=1, adaptive=False)


def test_type1_output_multipliers_equal_the_ons_table():
    expected = ons_type1()
    model = uk_as_a_place()
    economy = model.economy
    transition = sp.csr_matrix(transition_matrix(economy))
    identity = sp.identity(economy.n, format="csr")
    firms = economy.firm_idx
    found = {}
    for section, multiplier in expected.items():
        sector = "ABCDEFGHIJKLMNOPQRSTU".index(section)
        demand = np.zeros(economy.n)
        members = firms[economy.sector[firms] == sector]
        demand[members] = 1.0 / len(members)  # £1 of final demand a step
        receipts = spsolve(identity - transition, demand)
        found[section] = float(receipts[firms].sum())
        assert found[section] == pytest.approx(multiplier, rel=TOLERANCE), (section, found)
    worst = max(expected, key=lambda s: abs(found[s] / expected[s] - 1))
    assert abs(found[worst] / expected[worst] - 1) < 1e-6  # in fact it is exact, bar rounding
