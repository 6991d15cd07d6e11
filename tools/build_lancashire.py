"""Build the built-in ``lancashire-2012`` spec: the fourteen districts and Preston's six anchors.

Run: ``.venv/bin/python tools/build_lancashire.py``. Every district of ceremonial
Lancashire (as CLES counts "Lancashire") is a place with its own households and firms
(``cwbsim place lancashire``); the six anchors of the 2012/13 spend analysis come from
``tools/preston_anchors.toml``, as in ``preston-2012``, all based in Preston: the
County Council's staff and suppliers are spread across the county by the gravity and
procurement rules. Writes ``cwbsim/model/spec/library/lancashire-2012.toml``.
"""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

import tomli_w

from cwbsim.calibration.place import PlaceOptions, build_place, write_place

ROOT = Path(__file__).resolve().parents[1]
ANCHORS = ROOT / "tools" / "preston_anchors.toml"
OUT = ROOT / "cwbsim" / "model" / "spec" / "library" / "lancashire-2012.toml"
PRESTON = "E07000123"


def main() -> None:
    """Write the Lancashire spec."""
    anchors = tomllib.loads(ANCHORS.read_text("utf-8"))["anchors"]
    for anchor in anchors:
        anchor["area"] = PRESTON
    with tempfile.TemporaryDirectory() as folder:
        placed = Path(folder) / "anchors.toml"
        placed.write_text(tomli_w.dumps({"anchors": anchors}), "utf-8")
        # no region tier: "region" is the other thirteen districts, as CLES's "Lancashire"
        options = PlaceOptions(anchors=placed, start="2012-04", region_sample=0)
        spec, notes = build_place("Lancashire", options)
    spec["name"] = "lancashire-2012"
    spec["description"] = (
        "The fourteen districts of Lancashire, each with its households and firms from official "
        "statistics, and Preston's six anchor institutions in the 2012/13 procurement baseline"
    )
    spec["groups"] = {"Lancashire": spec["groups"].pop("Lancashire")}
    spec["report"] = ["Preston", "Lancashire"]
    notes["report"] = "Preston's figures and Lancashire's, as CLES reports them, from one run"
    notes["anchors.0"] = (
        "the six anchors of the 2012/13 cohort, based in Preston: £750m of procurement, 5% "
        "Preston, 39% Lancashire [publicsectorexecutive.com]; sources per number in "
        "tools/preston_anchors.toml"
    )
    for i in range(1, len(anchors)):
        notes[f"anchors.{i}"] = "sources per number in tools/preston_anchors.toml"
    notes["start"] = "financial year 2012/13"
    write_place(spec, {k: v for k, v in notes.items() if v}, OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
