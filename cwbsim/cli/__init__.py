"""The ``cwbsim`` command line: parse, call the library, print. Bad input exits with code 2.

Commands live in one module per family (``simulate``, ``spend``, ``sweeps``, ``browser``); importing
them registers them on the one Typer ``app``.
"""

from __future__ import annotations

import sys

from cwbsim.cli import browser, data, simulate, spend, sweeps  # noqa: F401  (registers commands)
from cwbsim.cli.common import app, errors

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``cwbsim`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
