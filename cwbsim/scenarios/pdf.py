"""Print an HTML page to PDF with Debian's Chromium (headless), in a subprocess with a time limit.

The report's HTML is written for print (A4, page breaks between sections, no
script), so Chromium's own "print to PDF" gives the PDF: no second layout
engine to keep in step. Chromium runs with a fresh profile folder of its own,
so it never meets another Chromium (a test's, the user's) on the same machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from cwbsim.model.errors import InputError

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium (package ``chromium``); ``CWBSIM_CHROMIUM`` names another."""
TIMEOUT = 120.0
"""Longest a print may take, s."""
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Launch flags that work for Debian's Chromium here, headless and offline (also the tests')."""
FLAGS = (*HEADLESS, "--no-pdf-header-footer")


class PdfError(InputError):
    """The PDF could not be made; the message is one line saying why."""


def browser() -> str | None:
    """The Chromium to print with: ``CWBSIM_CHROMIUM`` if set, else Debian's, else ``chromium`` on PATH.

    ``None`` when there is none (or the one named by ``CWBSIM_CHROMIUM`` is missing).
    """
    named = os.environ.get("CWBSIM_CHROMIUM")
    candidates = (named,) if named else (CHROMIUM, shutil.which("chromium"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def print_pdf(page: Path, out: Path, timeout: float = TIMEOUT, chromium: str | None = None) -> Path:
    """Print the HTML file ``page`` to the PDF ``out`` with headless Chromium.

    Parameters
    ----------
    page : Path
        A self-contained HTML file (no network is used).
    out : Path
        The PDF to write (replaced if it exists).
    timeout : float
        Seconds before Chromium is stopped (with every process it started).
    chromium : str, optional
        The browser to run (default: :func:`browser`).

    Raises
    ------
    PdfError
        One line: Chromium missing, too slow, failing, or writing no PDF.
    """
    program = chromium or browser()
    if program is None or not Path(program).is_file():
        raise PdfError(
            "PDF not made: Chromium is not installed (on Debian: apt-get install chromium)"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    part.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="cwbsim-chromium-") as profile:
        command = [
            program,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={part}",
            Path(page).resolve().as_uri(),
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: stopped whole on a timeout
        )
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            part.unlink(missing_ok=True)
            raise PdfError(f"PDF not made: Chromium took more than {timeout:,.0f} s") from None
    if process.returncode != 0 or not part.is_file() or part.stat().st_size == 0:
        part.unlink(missing_ok=True)
        lines = [
            line
            for line in err.decode("utf-8", "replace").splitlines()
            if line.strip() and "dbus" not in line.lower()
        ]
        why = f": {lines[-1][:200]}" if lines else ""
        raise PdfError(f"PDF not made: Chromium stopped with code {process.returncode}{why}")
    part.replace(out)
    return out
