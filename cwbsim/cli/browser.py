"""Commands of the browser app: ``cwbsim app`` and ``cwbsim assets``.

They run ``python -m cwbsim.viz`` in a child process: the command line and the
visualisation layer are peers, and neither imports the other.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from cwbsim.cli.common import app


def _viz(*args: str, replace: bool = False) -> None:
    command = [sys.executable, "-m", "cwbsim.viz", *args]
    if replace and os.name == "posix":  # become the server, so that stopping this process stops it
        os.execv(sys.executable, command)
    try:
        code = subprocess.call(command)
    except KeyboardInterrupt:
        code = 130
    raise typer.Exit(code)


@app.command("app")
def serve_app(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
) -> None:
    """Open the browser app: explore, compare, analyse spend files (prints its address)."""
    _viz("serve", "--host", host, "--port", str(port), replace=True)


@app.command()
def assets(
    registry: Annotated[str | None, typer.Option(help="npm registry URL.")] = None,
    source: Annotated[
        Path | None, typer.Option("--from", help="Folder of `npm pack` tarballs (no network).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Fetch again what is already there.")] = False,
) -> None:
    """Prepare Solara's front-end assets once, so the app works offline."""
    args = ["assets"]
    if registry:
        args += ["--registry", registry]
    if source:
        args += ["--from", str(source)]
    if force:
        args.append("--force")
    _viz(*args)
