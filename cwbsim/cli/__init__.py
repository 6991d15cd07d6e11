"""The ``cwbsim`` command line: parse, call the library, print. Bad input exits with code 2.

Commands live in one module per family (``simulate``, ``spend``, ``sweeps``, ``browser``); importing
them registers them on the one Typer ``app``.
"""

from __future__ import annotations

import sys

import typer
from typer.exceptions import TyperException

from cwbsim.cli import browser, data, places, simulate, spend, sweeps, validate  # noqa: F401
from cwbsim.cli.common import app, errors

__all__ = ["app", "main"]


def main(args: list[str] | None = None) -> None:
    """Entry point of the ``cwbsim`` console script.

    A mistyped command line (unknown option, value out of range) ends as one
    line naming the option and what it allows, with exit code 2, like every
    other bad input.
    """
    command = typer.main.get_command(app)
    try:
        code = command.main(args, prog_name="cwbsim", standalone_mode=False)
    except TyperException as error:  # the command line itself is wrong
        ctx = getattr(error, "ctx", None)
        if type(error).__name__ == "NoArgsIsHelpError" and ctx is not None:
            errors.print(ctx.get_help(), markup=False, highlight=False)
        else:
            where = f"{ctx.command_path} --help" if ctx is not None else "cwbsim --help"
            message = f"error: {error.format_message()} (see {where})"
            errors.print(message, markup=False, highlight=False, soft_wrap=True)
        code = error.exit_code
    except (typer.Abort, KeyboardInterrupt):
        errors.print("interrupted")
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
