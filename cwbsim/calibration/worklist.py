"""The worklist of unplaced suppliers: by £, with how many to place for 80, 90 and 95%."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cwbsim.calibration.analysis import Analysis
from cwbsim.scenarios.outputs import atomic_write

TARGETS = (0.80, 0.90, 0.95)
COLUMNS = ["supplier", "spend", "share", "placed_after", "suggestion", "postcode", "area", "type",
           "sector"]  # fmt: skip


@dataclass
class Worklist:
    """The unplaced suppliers of the procurement base, largest first."""

    rows: list[dict]
    placed: float
    needed: dict[float, int | None]


def worklist(analysis: Analysis) -> Worklist:
    """Unplaced base suppliers by £; ``needed[t]`` = how many to place to reach share ``t``.

    ``placed_after`` is the share of the base placed once this supplier and all above it
    are. ``needed`` is None where even placing every listed supplier falls short.
    """
    suppliers = analysis.suppliers
    base = suppliers[suppliers["in_base"]]
    total = analysis.base_total
    placed = float(base.loc[base["district"].notna(), "spend"].sum() / total) if total else 0.0
    todo = base[base["district"].isna()].sort_values("spend", ascending=False)
    rows, share = [], placed
    for row in todo.itertuples(index=False):
        share += row.spend / total if total else 0.0
        rows.append({"supplier": row.supplier, "spend": round(float(row.spend), 2),
                     "share": row.spend / total if total else 0.0, "placed_after": share,
                     "suggestion": row.candidate or "", "postcode": "", "area": "", "type": "",
                     "sector": ""})  # fmt: skip
    needed: dict[float, int | None] = {}
    for target in TARGETS:
        if placed >= target:
            needed[target] = 0
        else:
            reach = [i for i, r in enumerate(rows) if r["placed_after"] >= target - 1e-12]
            needed[target] = reach[0] + 1 if reach else None
    return Worklist(rows, placed, needed)


def write_worklist(rows: list[dict], path: Path) -> None:
    """The worklist as CSV, written atomically."""

    def write(temporary: Path) -> None:
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(row | {"share": f"{row['share']:.6f}",
                                       "placed_after": f"{row['placed_after']:.6f}"})  # fmt: skip

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic_write(Path(path), write)
