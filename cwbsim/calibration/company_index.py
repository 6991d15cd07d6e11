"""A local index of companies: Companies House's Basic Company Data, and OCDS suppliers.

``cwbsim data companies-house FILE.zip|FILE.csv ...`` streams the official product
(one file, or its parts; about 5.5 million rows, 2.7 GB of CSV) through
``pyarrow.csv`` in blocks, keeps the columns matching needs, adds each name's canonical
form, key and block (:mod:`cwbsim.calibration.names`), each registered-office postcode's
district (:mod:`cwbsim.calibration.postcode_codes`) and each first SIC code's section,
and writes one Parquet file in the user's data folder
(``<data>/companies/companies.parquet``) with a manifest: the source files, the
snapshot date, the import date and the row count. Memory stays bounded by the block
size. ``cwbsim data contracts`` adds suppliers from OCDS release packages to
``contracts.parquet`` beside it, in the same columns. :class:`CompanyIndex` reads both.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from cwbsim.calibration.datadir import data_dir
from cwbsim.calibration.names import block_array, canonical_array, key_array
from cwbsim.calibration.postcode_codes import PostcodeTable, strings
from cwbsim.model.errors import InputError

SOURCE_COLUMNS = {
    "CompanyName": "name",
    "CompanyNumber": "number",
    "RegAddress.PostCode": "postcode",
    "RegAddress.PostTown": "town",
    "CompanyCategory": "category",
    "CompanyStatus": "status",
    "DissolutionDate": "dissolved",
    "IncorporationDate": "incorporated",
    "SICCode.SicText_1": "sic",
}
"""Columns of Companies House's Basic Company Data kept, and their names in the index."""
REQUIRED = ("CompanyName", "CompanyNumber", "RegAddress.PostCode")
"""Columns an extract must have; the others are kept where present."""

SCHEMA = pa.schema(
    [(name, pa.string()) for name in
     ("number", "name", "canonical", "key", "block", "postcode", "district", "town", "category",
      "status", "dissolved", "incorporated", "sic", "section", "source")]
)  # fmt: skip
BLOCK_BYTES = 8 << 20
"""Bytes of CSV parsed at a time: memory grows with this, not with the file."""

_SECTIONS = np.full(100, "", dtype=object)
for _section, _low, _high in (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
):  # fmt: skip
    _SECTIONS[_low : _high + 1] = _section
"""SIC 2007 sections by two-digit division (ONS, UK SIC 2007)."""


def index_folder() -> Path:
    """Where the company index lives: ``<data folder>/companies``."""
    folder = data_dir() / "companies"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sic_sections(sic: pa.Array) -> pa.Array:
    """SIC section letter of each "25990 - Manufacture of…" text ("" where none)."""
    digits = pc.extract_regex(pc.fill_null(strings(sic), ""), pattern=r"^\s*(?P<d>\d{4,5})")
    text = pc.fill_null(pc.struct_field(digits, "d"), "")
    padded = pc.utf8_lpad(text, width=5, padding="0")
    division = pc.utf8_slice_codeunits(padded, 0, 2)
    number = np.asarray(pc.if_else(pc.equal(text, ""), "00", division).cast(pa.int64()))
    return pa.array(_SECTIONS[number], type=pa.string())


def company_numbers(numbers: pa.Array) -> pa.Array:
    """Company numbers as Companies House writes them: upper case, digits padded to 8."""
    text = pc.utf8_upper(pc.replace_substring_regex(pc.fill_null(strings(numbers), ""), r"\s", ""))
    digits = pc.match_substring_regex(text, r"^\d{1,8}$")
    return pc.if_else(digits, pc.utf8_lpad(text, width=8, padding="0"), text)


def frame_to_index(frame: pa.Table, postcodes: PostcodeTable, source: str) -> pa.Table:
    """Index columns from a table with ``name``, ``number``, ``postcode`` (and optionally more)."""
    n = frame.num_rows

    def column(name: str) -> pa.Array:
        if name in frame.column_names:
            return pc.fill_null(strings(frame[name]), "")
        return pa.array([""] * n, type=pa.string())

    names = column("name")
    canonical = canonical_array(names)
    keys = key_array(canonical)
    return pa.table(
        {
            "number": company_numbers(column("number")),
            "name": names,
            "canonical": canonical,
            "key": keys,
            "block": block_array(keys),
            "postcode": pc.utf8_upper(pc.utf8_trim_whitespace(column("postcode"))),
            "district": pc.fill_null(postcodes.districts(column("postcode")), ""),
            "town": column("town"),
            "category": column("category"),
            "status": column("status"),
            "dissolved": column("dissolved"),
            "incorporated": column("incorporated"),
            "sic": column("sic"),
            "section": sic_sections(column("sic")),
            "source": pa.array([source] * n, type=pa.string()),
        },
        schema=SCHEMA,
    )


def load_postcodes() -> PostcodeTable:
    """Every postcode of the postcode index, ready for vectorised lookups."""
    from cwbsim.calibration.postcode_index import index_dir

    table = ds.dataset(sorted(index_dir().glob("*.parquet")), format="parquet").to_table()
    return PostcodeTable(table["postcode"], table["district"])


@dataclass
class Ingested:
    """What an ingest read and wrote."""

    files: list[str]
    rows: int = 0
    seconds: float = 0.0
    path: Path | None = None
    snapshot: str = ""
    skipped_rows: int = 0
    notes: list[str] = field(default_factory=list)


def _members(path: Path) -> Iterator[tuple[str, io.BufferedIOBase]]:
    """The CSV streams in a file: the file itself, or each CSV in a zip archive."""
    if not path.exists():
        raise InputError(f"{path}: no such file (expected Companies House Basic Company Data, "
                         ".zip or .csv)")  # fmt: skip
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            if not names:
                raise InputError(f"{path}: a zip archive with no CSV in it (expected Companies "
                                 "House Basic Company Data)")  # fmt: skip
            for name in names:
                with archive.open(name) as stream:
                    yield f"{path.name}:{name}", stream
    else:
        with path.open("rb") as stream:
            yield path.name, stream


def _batches(label: str, stream, tick: Callable[[int], None]) -> Iterator[pa.RecordBatch]:
    header_line = stream.readline().decode("utf-8-sig", errors="replace")
    header = [h.strip() for h in next(csv.reader([header_line]), [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{label}: not Companies House Basic Company Data (missing columns "
            f"{', '.join(missing)}; expected the official layout, CompanyName, CompanyNumber, …)"
        )
    present = [c for c in SOURCE_COLUMNS if c in header]
    reader = pv.open_csv(
        stream,
        read_options=pv.ReadOptions(column_names=header, block_size=BLOCK_BYTES),
        parse_options=pv.ParseOptions(newlines_in_values=True),
        convert_options=pv.ConvertOptions(
            include_columns=present,
            column_types={c: pa.string() for c in present},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    for batch in reader:
        tick(batch.num_rows)
        yield batch.rename_columns([SOURCE_COLUMNS[c] for c in batch.schema.names])


def ingest_companies_house(
    paths: list[Path], tick: Callable[[int], None] = lambda n: None, folder: Path | None = None
) -> Ingested:
    """Stream Basic Company Data files into ``companies.parquet``; replace it atomically.

    ``folder`` defaults to the index folder in the user's data folder.

    Raises
    ------
    InputError
        A missing file, a file not in the official layout, or a broken zip archive.
    """
    start = time.perf_counter()
    folder = folder or index_folder()
    target = folder / "companies.parquet"
    partial = folder / "companies.parquet.partial"
    report = Ingested(files=[str(p) for p in paths])
    postcodes = load_postcodes()
    writer = pq.ParquetWriter(partial, SCHEMA, compression="zstd")
    try:
        for path in paths:
            try:
                for label, stream in _members(Path(path)):
                    for batch in _batches(label, stream, tick):
                        table = frame_to_index(pa.Table.from_batches([batch]), postcodes,
                                               "companies house")  # fmt: skip
                        writer.write_table(table)
                        report.rows += table.num_rows
            except (zipfile.BadZipFile, pa.ArrowInvalid, UnicodeDecodeError) as error:
                raise InputError(f"{path}: could not be read as Basic Company Data "
                                 f"({str(error).splitlines()[0]})") from None  # fmt: skip
        writer.close()
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    report.seconds = time.perf_counter() - start
    report.path = target
    snapshot = re.search(r"(\d{4}-\d{2}-\d{2})", " ".join(Path(p).name for p in paths))
    report.snapshot = snapshot.group(1) if snapshot else ""
    _write_manifest(folder / "companies.json", {
        "source": "Companies House Basic Company Data (free data product, OGL v3)",
        "files": [Path(p).name for p in paths], "snapshot": report.snapshot,
        "imported": datetime.now(UTC).isoformat(timespec="seconds"), "rows": report.rows,
        "seconds": round(report.seconds, 1),
    })  # fmt: skip
    return report


def _write_manifest(path: Path, document: dict) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(document, indent=2))
    partial.replace(path)


def write_contracts(table: pa.Table, document: dict) -> Path:
    """Replace ``contracts.parquet`` (OCDS suppliers) and its manifest atomically."""
    folder = index_folder()
    partial = folder / "contracts.parquet.partial"
    pq.write_table(table, partial, compression="zstd")
    partial.replace(folder / "contracts.parquet")
    _write_manifest(folder / "contracts.json", document)
    return folder / "contracts.parquet"


class CompanyIndex:
    """The company index on disk, read column by column with filters (never all at once)."""

    def __init__(self, folder: Path | None = None):
        folder = folder or index_folder()
        files = [folder / n for n in ("companies.parquet", "contracts.parquet")]
        self.files = [f for f in files if f.exists()]
        self.dataset = (
            ds.dataset(self.files, format="parquet", schema=SCHEMA) if self.files else None
        )
        manifest = folder / "companies.json"
        self.manifest = json.loads(manifest.read_text()) if manifest.exists() else {}

    def __bool__(self) -> bool:
        return self.dataset is not None

    def _where(self, column: str, values, columns: list[str] | None = None) -> pd.DataFrame:
        wanted = sorted({v for v in values if v})
        if self.dataset is None or not wanted:
            return pd.DataFrame(columns=columns or SCHEMA.names)
        table = self.dataset.to_table(
            columns=columns, filter=pc.field(column).isin(pa.array(wanted, type=pa.string()))
        )
        return table.to_pandas()

    def sections_in(self, districts) -> dict[str, int]:
        """Live companies registered in ``districts``, counted by SIC section."""
        if self.dataset is None:
            return {}
        table = self.dataset.to_table(
            columns=["section", "status"],
            filter=pc.field("district").isin(pa.array(sorted(set(districts)), type=pa.string())),
        ).to_pandas()
        live = table[~table["status"].str.lower().str.contains("dissolved|closed", na=False)]
        return live[live["section"] != ""]["section"].value_counts().to_dict()

    LIGHT = ("block", "key", "canonical", "number", "district", "status")
    """The columns matching reads for every candidate; the rest only for the winners."""

    def light_table(self, blocks=(), numbers=()) -> pa.Table:
        """The light columns of the rows in ``blocks``, or with ``numbers``, as Arrow."""
        column, values = ("number", numbers) if numbers else ("block", blocks)
        wanted = sorted({v for v in values if v})
        if self.dataset is None or not wanted:
            return SCHEMA.empty_table().select(list(self.LIGHT))
        return self.dataset.to_table(
            columns=list(self.LIGHT),
            filter=pc.field(column).isin(pa.array(wanted, type=pa.string())),
        )

    def details(self, numbers) -> dict[tuple[str, str], dict]:
        """Every column of the companies with ``numbers``, by (number, key)."""
        if self.dataset is None or not numbers:
            return {}
        found: dict[tuple[str, str], dict] = {}
        for row in self._where("number", numbers).to_dict("records"):
            found.setdefault((row["number"], row["key"]), row)
        return found


def temporary_index(paths: list) -> CompanyIndex:
    """An index of the given Basic Company Data files (or extracts) for one run only."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cwbsim-companies-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    ingest_companies_house([Path(p) for p in paths], folder=folder)
    return CompanyIndex(folder)
