"""The supplier register the user owns: every placement, kept and reused.

One CSV file (``<data folder>/suppliers/register.csv`` unless ``--register`` names
another) with a row per supplier key: its type, area (a GSS code, several joined by
``|``, or ``national``), postcode, SIC section, company number, and where the placement
came from (``hand``, ``lookup`` or ``auto``) with the method and score. A later
analysis reuses it: a hand placement always wins; an automatic one is reused until a
newer company index is imported. ``cwbsim suppliers add FILE`` merges a filled-in
worklist; each bad row is an error naming the row.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path

from cwbsim.calibration import areas
from cwbsim.calibration.datadir import data_dir
from cwbsim.calibration.names import key
from cwbsim.calibration.payees import NATIONAL, TYPES
from cwbsim.model.errors import InputError

SECTIONS = "ABCDEFGHIJKLMNOPQRSTU"


@dataclass
class Entry:
    """One supplier's placement."""

    supplier: str
    key: str
    type: str = ""
    kind: str = ""
    area: str = ""
    postcode: str = ""
    sector: str = ""
    company_number: str = ""
    source: str = "auto"
    method: str = ""
    score: float = 0.0
    updated: str = ""


COLUMNS = [f.name for f in fields(Entry)]


def default_path() -> Path:
    """``<data folder>/suppliers/register.csv``."""
    return data_dir() / "suppliers" / "register.csv"


class SupplierRegister:
    """The register in memory, keyed by supplier key; saved atomically."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_path()
        self.entries: dict[str, Entry] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{self.path}: unreadable supplier register ({error})") from None
        reader = csv.DictReader(io.StringIO(text))
        missing = [
            c for c in ("supplier", "key", "type", "area") if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise InputError(f"{self.path}: not a supplier register (missing {', '.join(missing)})")
        for row in reader:
            values = {c: row.get(c, "") or "" for c in COLUMNS}
            values["score"] = float(values["score"] or 0)
            entry = Entry(**values)
            self.entries[entry.key or key(entry.supplier)] = entry

    def get(self, supplier: str) -> Entry | None:
        """The entry for a supplier, by its key."""
        return self.entries.get(key(supplier))

    def put(self, entry: Entry) -> None:
        """Add or replace an entry, unless a hand placement would be overwritten by another kind."""
        entry.key = entry.key or key(entry.supplier)
        old = self.entries.get(entry.key)
        if old is not None and old.source == "hand" and entry.source != "hand":
            return
        entry.updated = entry.updated or date.today().isoformat()
        self.entries[entry.key] = entry

    def save(self) -> Path:
        """Write the register atomically (a temporary file, then a rename)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".register-", dir=self.path.parent)
        except OSError as error:
            raise InputError(f"{self.path}: cannot write the supplier register "
                             f"({error.strerror})") from None  # fmt: skip
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            for entry in sorted(self.entries.values(), key=lambda e: e.key):
                writer.writerow(asdict(entry))
        os.replace(temporary, self.path)
        return self.path


def place_area(text: str, where: str) -> str:
    """An area given by hand: a GSS code, a council or place name, or "national"."""
    text = text.strip()
    if text.lower() == NATIONAL:
        return NATIONAL
    if re.fullmatch(r"[EWSNLM]\d{8}", text.upper()):
        code = text.upper()
        if code not in areas.areas():
            raise InputError(f"{where}: unknown area code {text!r} (expected a GSS code such as "
                             "E07000123)")  # fmt: skip
        return areas.current(code)[0]
    code = areas.place(text)
    if code is None:
        raise InputError(f"{where}: unknown area {text!r} (expected a district, county or "
                         "combined authority name, a GSS code, or national)")  # fmt: skip
    return code


def read_worklist(path: Path, postcodes) -> list[Entry]:
    """Hand placements from a filled-in worklist CSV (``supplier`` and ``postcode`` or ``area``).

    Raises
    ------
    InputError
        A missing file or column, or a row whose postcode, area, type or sector is not
        one the register accepts; the message names the row.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such file (expected a filled-in supplier worklist CSV)"
        ) from None
    except UnicodeDecodeError:
        text = Path(path).read_text(encoding="cp1252")
    reader = csv.DictReader(io.StringIO(text))
    fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
    if "supplier" not in fieldnames or not {"postcode", "area"} & set(fieldnames):
        raise InputError(f"{path}: expected columns supplier and postcode or area "
                         f"(found: {', '.join(reader.fieldnames or [])})")  # fmt: skip
    rows = [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    codes = postcodes.districts([r.get("postcode", "") for r in rows])
    entries = []
    for number, (row, district) in enumerate(zip(rows, codes, strict=True), start=2):
        where = f"{path}: row {number}"
        if not row.get("supplier"):
            continue
        if not row.get("postcode") and not row.get("area"):
            continue  # not filled in yet
        area = district or ""
        if row.get("postcode") and not district:
            raise InputError(f"{where}: postcode {row['postcode']!r} is not in the postcode "
                             "directory (expected a UK postcode, or leave it empty and give "
                             "the area)")  # fmt: skip
        if row.get("area"):
            area = place_area(row["area"], where)
        kind = row.get("type", "").lower()
        if kind and kind not in TYPES:
            raise InputError(f"{where}: type {row['type']!r} (allowed: {', '.join(TYPES)})")
        sector = row.get("sector", "").upper()
        if sector and sector not in SECTIONS:
            raise InputError(f"{where}: sector {row['sector']!r} (allowed: a SIC 2007 section "
                             "letter, A to U)")  # fmt: skip
        entries.append(
            Entry(
                row["supplier"],
                key(row["supplier"]),
                kind,
                "",
                area,
                row.get("postcode", ""),
                sector,
                "",
                "hand",
                "by hand",
                100.0,
            )
        )
    return entries
