"""Spend files uploaded in the app: checked for size and type, then analysed.

Nothing here raises to the page: every problem becomes a one-line message
naming the file and what was expected, like the command line's errors.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cwbsim.calibration.analysis import Options, Prepared, prepare
from cwbsim.calibration.spend_session import SpendSession
from cwbsim.model.errors import InputError

MAX_UPLOAD_MB = float(os.environ.get("CWBSIM_MAX_UPLOAD_MB", "20"))
"""Largest upload accepted, MB (``CWBSIM_MAX_UPLOAD_MB`` changes it)."""

SPEND_TYPES = (".csv", ".xlsx", ".xls")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""A legacy Excel (BIFF) workbook."""


@dataclass
class Upload:
    """An uploaded file's name and bytes, once checked."""

    name: str
    data: bytes


def safe_name(name: str) -> str:
    """The file's base name with anything but letters, digits, ``.-_`` replaced."""
    base = Path(name.replace("\\", "/")).name or "upload"
    return re.sub(r"[^A-Za-z0-9._-]", "_", base)[:120]


def _check_workbook(name: str, data: bytes, limit: int) -> None:
    """An .xlsx must be a zip archive whose contents unpack to at most 5x the upload limit.

    The limit applies to what is sent; a small archive that unpacks to
    gigabytes (a zip bomb) would otherwise exhaust the server's memory.
    """
    if not data.startswith(ZIP_MAGIC):
        raise InputError(f"{name}: not an Excel workbook (expected an .xlsx file, a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise InputError(f"{name}: a damaged zip archive (expected an .xlsx file)") from None
    if unpacked > 5 * limit:
        raise InputError(
            f"{name}: unpacks to {unpacked / 1e6:,.0f} MB (allowed: up to {5 * MAX_UPLOAD_MB:g} MB "
            "unpacked)"
        )


def check_upload(
    name: str, size: int, stream: BinaryIO, types: tuple[str, ...] = SPEND_TYPES
) -> Upload:
    """Read an upload if it is small enough and of an expected type; raise InputError if not.

    The size is checked before reading (and again while reading, in case the
    browser's figure is wrong). A workbook is an XLSX zip archive that unpacks to at
    most five times the limit, or a legacy XLS; anything else, whatever its name, must
    be text (no NUL bytes, UTF-8 or Windows-1252), as a CSV or an HTML table is.
    """
    limit = int(MAX_UPLOAD_MB * 1024 * 1024)
    suffix = Path(name).suffix.lower()
    if suffix not in types:
        raise InputError(f"{name}: file type {suffix or '(none)'} (allowed: {', '.join(types)})")
    if size > limit:
        raise InputError(
            f"{name}: {size / 1e6:,.1f} MB is over the upload limit (allowed: up to {MAX_UPLOAD_MB:g} MB)"
        )
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: over the upload limit (allowed: up to {MAX_UPLOAD_MB:g} MB)")
    if not data:
        raise InputError(f"{name}: the file is empty (expected a spend file with a header row)")
    if data.startswith(ZIP_MAGIC) or (suffix == ".xlsx" and data.startswith(b"PK")):
        _check_workbook(name, data, limit)
    elif not data.startswith(OLE2_MAGIC) or suffix == ".csv":
        head = data[:65536]  # text, whatever the name says: a CSV, or an HTML page saved as .xls
        if b"\x00" in head:
            raise InputError(
                f"{name}: binary content (expected CSV text, or an XLSX or XLS workbook)"
            )
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise InputError(
                    f"{name}: unreadable text (expected UTF-8 or Windows-1252)"
                ) from None
    return Upload(safe_name(name), data)


def _places(local: str, region: str) -> tuple[list[str], list[str]]:
    """The place and region as typed (comma-separated codes, names or groups)."""
    places = [p.strip() for p in local.split(",") if p.strip()]
    wider = [p.strip() for p in region.split(",") if p.strip()]
    if not places:
        raise InputError("place: empty (expected LAD codes or district names, e.g. Preston)")
    return places, wider


COMMAND_LINE_ADVICE = (
    (re.compile(r" \(or pass --skip-unreadable to go on without it\)"), ""),
    (re.compile(r"; see --columns\)"), ")"),
    (re.compile(r", or name them with --columns\)"), ")"),
    (re.compile(r"; name it with --columns amount=HEADER or a column number\)"), ")"),
    (re.compile(r", or --months N\)"), ")"),
    (re.compile(r"^--local: "), "place: "),
    (re.compile(r"^--region: "), "region: "),
    (re.compile(r"\s*\([^()]*--[a-z][^()]*\)"), ""),  # any other aside naming an option
)
"""Advice the readers give on the command line, which a person in the app cannot follow."""


def app_words(message: str) -> str:
    """A reader's message without its command-line advice (options the app has no box for)."""
    for pattern, plain in COMMAND_LINE_ADVICE:
        message = pattern.sub(plain, message)
    return message


def _readable_errors(run, folder: str, name: str):
    """``run()``, with input errors in app words without the folder, any other failure one line."""
    try:
        return run()
    except InputError as error:
        raise InputError(app_words(str(error).replace(folder + os.sep, ""))) from None
    except Exception as error:  # a reader bug must not reach the page as a traceback
        raise InputError(
            f"{name}: could not be read ({type(error).__name__}: {error}); "
            "expected a council spend file (CSV, XLSX or XLS)"
        ) from None


def analyse_upload(
    spend: Upload, local: str, region: str, suppliers: Upload | None = None
) -> Prepared:
    """Analyse an uploaded spend file as ``cwbsim analyze`` would; raise InputError on bad input.

    ``local`` and ``region`` are comma-separated LAD codes, district names or groups.
    """
    places, wider = _places(local, region)
    with tempfile.TemporaryDirectory(prefix="cwbsim-upload-") as folder:
        path = Path(folder) / spend.name
        path.write_bytes(spend.data)
        lookup = None
        if suppliers is not None:
            lookup = Path(folder) / f"suppliers-{suppliers.name}"
            lookup.write_bytes(suppliers.data)
        return _readable_errors(
            lambda: prepare(Options([path], places, wider, suppliers=lookup)), folder, spend.name
        )


def start_upload(
    spend: Upload,
    local: str,
    region: str,
    folder: Path,
    suppliers: Upload | None = None,
    register: Path | None = None,
) -> SpendSession:
    """Analyse an uploaded spend file into a session that can be worked on (places, economy).

    The files are written into ``folder``, which must outlive the session (the economy
    is built from them). ``register`` is the supplier register (default: the user's, in
    the data folder). Raises InputError, one line naming the file, on bad input.
    """
    places, wider = _places(local, region)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spend.name
    path.write_bytes(spend.data)
    lookup = None
    if suppliers is not None:
        lookup = folder / f"suppliers-{suppliers.name}"
        lookup.write_bytes(suppliers.data)
    options = Options([path], places, wider, suppliers=lookup, register=register)
    return _readable_errors(lambda: SpendSession.start(options), str(folder), spend.name)
