"""Build the built-in ``preston-2012`` spec: Preston from official statistics, its sourced anchors.

Run: ``.venv/bin/python tools/build_preston.py``. The place (households, firms by industry
and size band, the region's jobs) comes from ``cwbsim place Preston --region lancashire``
(Lancashire-14, as CLES counts "Lancashire"); the six anchors of the 2012/13 spend
analysis, with their sources and assumptions, from ``tools/preston_anchors.toml``.
Writes ``cwbsim/model/spec/library/preston-2012.toml``.
"""

from __future__ import annotations

from pathlib import Path

from cwbsim.calibration.place import PlaceOptions, build_place, write_place

ROOT = Path(__file__).resolve().parents[1]
ANCHORS = ROOT / "tools" / "preston_anchors.toml"
OUT = ROOT / "cwbsim" / "model" / "spec" / "library" / "preston-2012.toml"


def main() -> None:
    """Write the Preston spec."""
    options = PlaceOptions(region=["lancashire"], anchors=ANCHORS, start="2012-04")
    spec, notes = build_place("Preston", options)
    spec["name"] = "preston-2012"
    spec["description"] = (
        "Preston and its six anchor institutions, 2012/13 procurement baseline (CLES spend "
        "analysis); firms, households and jobs from official statistics"
    )
    notes["anchors"] = None
    notes["anchors.0"] = (
        "the six anchors of the 2012/13 cohort: £750m of procurement, 5% Preston, 39% "
        "Lancashire [publicsectorexecutive.com]; the per-anchor split is an ASSUMPTION that "
        "reproduces the totals; sources per number in tools/preston_anchors.toml"
    )
    for i in range(1, len(spec["anchors"])):
        notes[f"anchors.{i}"] = "sources per number in tools/preston_anchors.toml"
    notes["anchors.3.procurement.local_share"] = "14% with Preston firms in 2012 [CLES 2017]"
    notes["start"] = "financial year 2012/13"
    write_place(spec, {k: v for k, v in notes.items() if v}, OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
