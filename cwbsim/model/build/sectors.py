"""Sectors that differ: each SIC section's costs, output per job and input mix, and where it buys.

The national figures come from the spec's ``sector_table`` (the ONS input-output
table 2017, aggregated to SIC sections: ``cwbsim/model/spec/library/sectors-uk-2017.csv``),
with any section the spec's ``sectors`` overrides; ``uniform`` gives every sector
``firm_costs`` and lets firms buy inputs from any sector.

Where a sector buys its inputs comes from Flegg's location quotient (Flegg and
Webber 1997; Flegg and Tohmo 2013). With ``e`` an area's workforce jobs and ``E`` the
nation's, by sector ``i`` and in total:

    SLQ_i  = (e_i / e) / (E_i / E)
    lambda = log2(1 + e / E) ** delta
    FLQ_ij = SLQ_i / SLQ_j * lambda   (i != j),   FLQ_ii = SLQ_i * lambda

and sector ``j`` of the area buys ``min(FLQ_ij, 1)`` of its UK-bought inputs from
sector ``i`` within the area; the rest comes from the rest of the UK (it leaks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cwbsim.model.spec.files import sector_table as library_table
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.model.spec.types import SECTIONS, SIZE_BANDS


@dataclass
class SectorTable:
    """Arrays over ``SECTIONS``: shares of revenue, £ of output per job, and the input mix.

    Attributes
    ----------
    wage, inputs, imports, tax, profit : numpy.ndarray, shape (sections,)
        Shares of a sector's revenue; ``inputs`` are bought in the UK, ``imports`` abroad.
    output_per_job : numpy.ndarray, shape (sections,)
        £ of output a year per workforce job.
    mix : numpy.ndarray, shape (sections, sections), or None
        ``mix[j, i]``: share of sector ``j``'s UK-bought inputs from sector ``i``
        (``None``: from firms of any sector).
    national_jobs : numpy.ndarray, shape (sections,), or None
        Workforce jobs in the nation, for the location quotients.
    """

    wage: np.ndarray
    inputs: np.ndarray
    imports: np.ndarray
    tax: np.ndarray
    profit: np.ndarray
    output_per_job: np.ndarray
    mix: np.ndarray | None
    national_jobs: np.ndarray | None


def sector_table(spec: EconomySpec) -> SectorTable:
    """The spec's sector table, with its overrides, as arrays."""
    behaviour = spec.behaviour
    if behaviour.sector_table == "uniform":
        costs = behaviour.firm_costs
        n = len(SECTIONS)
        table = {
            s: {
                "wage_share": costs.wage_share,
                "input_share": costs.input_share,
                "import_share": 0.0,
                "tax_share": costs.tax_share,
                "output_per_job": costs.turnover_per_employee,
                "inputs": {},
            }
            for s in SECTIONS
        }
        jobs = None
    else:
        rows, jobs = library_table(behaviour.sector_table)
        table = {s: dict(row) for s, row in rows.items()}
        n = len(SECTIONS)
    for section, override in behaviour.sectors.items():
        table[section] = override.model_dump()
    column = {k: np.array([table[s][k] for s in SECTIONS], dtype=float) for k in table["A"]
              if k != "inputs"}  # fmt: skip
    mix = None
    if any(table[s]["inputs"] for s in SECTIONS):
        mix = np.zeros((n, n))
        for j, buyer in enumerate(SECTIONS):
            for supplier, share in table[buyer]["inputs"].items():
                mix[j, SECTIONS.index(supplier)] = share
    profit = 1.0 - column["wage_share"] - column["input_share"] - column["import_share"]
    return SectorTable(
        wage=column["wage_share"],
        inputs=column["input_share"],
        imports=column["import_share"],
        tax=column["tax_share"],
        profit=profit - column["tax_share"],
        output_per_job=column["output_per_job"],
        mix=mix,
        national_jobs=None if jobs is None else np.array([jobs[s] for s in SECTIONS]),
    )


def flegg(area_jobs: np.ndarray, national_jobs: np.ndarray, delta: float) -> np.ndarray:
    """``min(FLQ_ij, 1)`` for an area with ``area_jobs`` by sector (see the module notes).

    Shape (supplier sector i, buyer sector j): the share of sector ``j``'s inputs
    from sector ``i`` that it buys within the area.
    """
    area, nation = float(area_jobs.sum()), float(national_jobs.sum())
    if area <= 0 or nation <= 0:
        return np.zeros((len(area_jobs), len(area_jobs)))
    with np.errstate(divide="ignore", invalid="ignore"):
        slq = np.where(national_jobs > 0, (area_jobs / area) / (national_jobs / nation), 0.0)
        scale = np.log2(1.0 + area / nation) ** delta
        cilq = np.where(slq[None, :] > 0, slq[:, None] / slq[None, :], 0.0)
    flq = cilq * scale
    np.fill_diagonal(flq, slq * scale)
    return np.minimum(flq, 1.0)


def size_factor(spec: EconomySpec, field: str) -> np.ndarray:
    """The spec's multiplier ``field`` for each size band (1 where a band is not given)."""
    bands = spec.behaviour.size_bands
    return np.array([getattr(bands[b], field) if b in bands else 1.0 for b in SIZE_BANDS])
