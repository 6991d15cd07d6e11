"""``python -m cwbsim.viz``: prepare the offline assets, or serve the app (``cwbsim app`` calls this).

The command line calls this module in a child process, so that the CLI never
imports the visualisation layer (it is a peer, not a dependency).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cwbsim.model.errors import InputError

viz = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)
errors = Console(stderr=True)


def _fail(message: str) -> None:
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@viz.command()
def assets(
    registry: Annotated[str | None, typer.Option(help="npm registry URL.")] = None,
    source: Annotated[
        Path | None, typer.Option("--from", help="Folder of `npm pack` tarballs (no network).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Fetch again what is already there.")] = False,
) -> None:
    """Put the front-end packages Solara needs in its asset cache, so the app works offline."""
    from cwbsim.viz import assets as offline

    try:
        cache = offline.cache_folder()
        offline.prepare(
            registry, source, cache, force,
            report=lambda asset, state: errors.print(f"{state:>5}  {asset.folder}"),
        )  # fmt: skip
    except InputError as error:
        _fail(str(error))
    total = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
    errors.print(f"Solara assets ready in {cache} ({total / 1e6:,.0f} MB)")


@viz.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
    areas: Annotated[
        str | None,
        typer.Option(
            help='Areas to record, as `cwbsim app --area` writes them: JSON {"areas": '
            '[names], "groups": {economy: {name: [codes]}}}.'
        ),
    ] = None,
    scenarios: Annotated[
        Path | None,
        typer.Option(help="Folder of saved scenarios (default: in the user's data folder)."),
    ] = None,
) -> None:
    """Serve the app with Solara (production mode, no browser opened)."""
    from cwbsim.viz import assets as offline
    from cwbsim.viz.areas import AREAS_ENV, parse_app_areas
    from cwbsim.viz.saved import SCENARIOS_ENV

    if scenarios is not None and scenarios.exists() and not scenarios.is_dir():
        _fail(f"--scenarios: {scenarios} is a file (expected a folder for saved scenarios)")

    try:
        parse_app_areas(areas, "--areas")
    except InputError as error:
        _fail(str(error))

    missing = offline.missing_assets()
    if missing:
        _fail(
            f"{offline.cache_folder()}: Solara assets missing ({', '.join(a.folder for a in missing)}); "
            "run `cwbsim assets` once (expected the offline assets, see README)"
        )
    app = Path(__file__).with_name("app.py")
    command = [sys.executable, "-m", "solara", "run", str(app), "--host", host,
               "--port", str(port), "--production", "--no-open"]  # fmt: skip
    errors.print(f"cwbsim app on http://{host}:{port}/ (Ctrl+C stops it)")
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    env.pop(AREAS_ENV, None)  # the areas are the ones asked for here, or the economy's own
    if areas:
        env[AREAS_ENV] = areas
    env.pop(SCENARIOS_ENV, None)
    if scenarios is not None:
        env[SCENARIOS_ENV] = str(scenarios.resolve())
    if os.name == "posix":  # become the server, so that stopping this process stops it
        os.execve(sys.executable, command, env)
    try:
        raise typer.Exit(subprocess.call(command, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


if __name__ == "__main__":
    viz()
