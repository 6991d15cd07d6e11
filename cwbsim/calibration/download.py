"""Downloading a large public file: resumed after a cut connection, checked for size, cached.

The file goes to ``<data folder>/downloads/NAME`` through ``NAME.part``: a cut
connection leaves the part, and the next attempt asks the server for the rest (an HTTP
``Range`` request); a server that ignores the range sends the whole file again, which
replaces the part. The finished file must be as long as the server said; then it is
renamed into place. A file already there at the right size is not fetched again.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cwbsim.calibration.datadir import data_dir
from cwbsim.model.errors import InputError

COMPANIES_HOUSE = "https://download.companieshouse.gov.uk/BasicCompanyDataAsOneFile-{month}-01.zip"
"""Companies House's published address of the monthly Basic Company Data file."""
CHUNK = 1 << 20
ATTEMPTS = 5


def companies_house_urls(today: date | None = None) -> list[str]:
    """The addresses of this month's file and last month's (a new one appears early in a month)."""
    today = today or date.today()
    this = today.replace(day=1)
    last = (this.replace(year=this.year - 1, month=12) if this.month == 1
            else this.replace(month=this.month - 1))  # fmt: skip
    return [COMPANIES_HOUSE.format(month=m.strftime("%Y-%m")) for m in (this, last)]


def _size(url: str, timeout: float) -> int | None:
    request = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        return int(length) if length else None


def fetch(
    url: str,
    folder: Path | None = None,
    tick: Callable[[int, int | None], None] = lambda done, total: None,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` into the downloads folder, resuming a part; return the file.

    Raises
    ------
    InputError
        The server refused or is unreachable, or the file never reached its size.
    """
    folder = folder or data_dir() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / url.rstrip("/").rsplit("/", 1)[-1]
    part = target.with_name(target.name + ".part")
    try:
        total = _size(url, timeout)
    except (urllib.error.URLError, OSError) as error:
        raise InputError(f"{url}: cannot be fetched ({_reason(error)})") from None
    if target.exists() and (total is None or target.stat().st_size == total):
        tick(target.stat().st_size, total)
        return target
    for _attempt in range(ATTEMPTS):
        have = part.stat().st_size if part.exists() else 0
        if total is not None and have == total:
            break
        request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                resumed = response.status == 206
                with part.open("ab" if resumed else "wb") as out:
                    done = have if resumed else 0
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        tick(done, total)
            if total is None:
                break
        except (urllib.error.URLError, OSError, ConnectionError):
            continue  # a cut connection: ask for the rest
    size = part.stat().st_size if part.exists() else 0
    if total is not None and size != total:
        raise InputError(
            f"{url}: download stopped at {size:,} of {total:,} bytes after {ATTEMPTS} attempts "
            "(run the command again to resume)"
        )
    part.replace(target)
    return target


def _reason(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error)
