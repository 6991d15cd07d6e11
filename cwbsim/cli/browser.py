"""Commands of the browser app: ``cwbsim app`` and ``cwbsim assets``.

They run ``python -m cwbsim.viz`` in a child process: the command line and the
visualisation layer are peers, and neither imports the other.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from cwbsim.cli.common import AreaOption, _fail, app, with_areas
from cwbsim.model.errors import InputError


def _viz(*args: str, replace: bool = False) -> None:
    command = [sys.executable, "-m", "cwbsim.viz", *args]
    if replace and os.name == "posix":  # become the server, so that stopping this process stops it
        os.execv(sys.executable, command)
    try:
        code = subprocess.call(command)
    except KeyboardInterrupt:
        code = 130
    raise typer.Exit(code)


def app_areas(texts: list[str]) -> dict:
    """What ``cwbsim app --area`` hands the app: the texts, and the groups they add per economy.

    Each text is checked as ``cwbsim run --area`` checks it (:func:`with_areas`) against
    every built-in economy the app offers; the groups that adds (a county or combined
    authority the economy does not name) are kept by economy, so the app needs no
    geography of its own.

    Returns
    -------
    dict
        ``{"areas": texts, "groups": {economy: {name: [area codes]}}}``.

    Raises
    ------
    InputError
        One line, for a text that is an area of no built-in economy.
    """
    from cwbsim.model.spec.files import builtin_specs, load_spec

    groups: dict[str, dict[str, list[str]]] = {}
    reasons: dict[str, list[str]] = {text: [] for text in texts}
    economies = builtin_specs()
    for economy in economies:
        spec = load_spec(economy)
        for text in texts:
            try:
                wider, _ = with_areas(spec, [text])
            except InputError as error:
                reasons[text].append(str(error).removeprefix("--area: "))
                continue
            added = {k: v for k, v in wider.groups.items() if k not in spec.groups}
            if added:
                groups.setdefault(economy, {}).update(added)
    for text, why in reasons.items():
        if len(why) == len(economies):
            raise InputError(f"--area: {text!r} fits no built-in economy: {'; '.join(why)}")
    return {"areas": list(texts), "groups": groups}


@app.command("app")
def serve_app(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
    area: AreaOption = None,
    scenarios: Annotated[
        Path | None,
        typer.Option(
            help="Folder where the app saves scenarios and lists them next to the built-in "
            "ones (default: `scenarios` in your user data folder)."
        ),
    ] = None,
) -> None:
    """Open the browser app: explore, compare, analyse spend files (prints its address).

    With --area, the app records those areas of whichever built-in economy is chosen
    (those it has), and the page picks the one shown.
    """
    args = ["serve", "--host", host, "--port", str(port)]
    if scenarios is not None:
        args += ["--scenarios", str(scenarios)]
    if area:
        try:
            args += ["--areas", json.dumps(app_areas(area))]
        except InputError as error:
            _fail(str(error))
    _viz(*args, replace=True)


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
