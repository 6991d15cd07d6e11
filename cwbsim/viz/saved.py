"""The folder of scenarios a user saves from the app, listed next to the built-in ones.

``cwbsim app --scenarios DIR`` chooses the folder; it reaches the app's server
process in the environment variable :data:`SCENARIOS_ENV`. Without it the folder
is ``scenarios`` in the user's data folder (``platformdirs.user_data_dir``: on
Linux ``~/.local/share/cwbsim/scenarios``). A saved scenario is a scenario TOML
file, as ``cwbsim run`` and ``cwbsim compare`` take it: what the app saves, it
loads again exactly (the levers in force, every other field as it was).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs
import tomli_w

from cwbsim.model.errors import InputError
from cwbsim.scenarios.outputs import atomic_write
from cwbsim.scenarios.schema import Scenario

SCENARIOS_ENV = "CWBSIM_APP_SCENARIOS"
"""Environment variable carrying ``cwbsim app --scenarios`` to the app."""

SAVED_PREFIX = "saved: "
"""Prefix of a saved scenario's entry in the app's scenario lists."""

NAME_MAX = 80
"""Longest scenario name the app saves, characters."""


def scenario_folder() -> Path:
    """The folder saved scenarios go in (made on first use)."""
    chosen = os.environ.get(SCENARIOS_ENV)
    folder = Path(chosen) if chosen else Path(platformdirs.user_data_dir("cwbsim")) / "scenarios"
    return folder


def scenario_toml(plan: Scenario) -> str:
    """A scenario as TOML text that :func:`cwbsim.scenarios.schema.parse_scenario` reads back equal."""
    return tomli_w.dumps(plan.model_dump(mode="json", exclude_none=True))


def file_stem(name: str) -> str:
    """A file name for a scenario name: lower case, words joined by hyphens."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return stem or "scenario"


def check_name(name: str) -> str:
    """A scenario name typed in the page, stripped; raise a one-line InputError if unusable."""
    name = " ".join(str(name).split())
    if not name:
        raise InputError("scenario name: empty (expected a few words, e.g. 'Buy local 10%')")
    if len(name) > NAME_MAX:
        raise InputError(f"scenario name: {len(name)} characters (allowed: up to {NAME_MAX})")
    return name


def _name_in(path: Path) -> str | None:
    """The ``name`` a scenario file holds (``None`` if it has none or cannot be read)."""
    import tomllib

    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return str(name) if name else None


def free_path(folder: Path, name: str) -> Path:
    """The file for scenario ``name``: its own file if saved before, else a new one.

    Names that differ only in case or punctuation ("Buy local!", "buy local") share a
    stem, so the second takes ``-2`` and so on, rather than replacing the first.
    """
    stem = file_stem(name)
    for n in range(1, 1000):
        path = folder / (f"{stem}.toml" if n == 1 else f"{stem}-{n}.toml")
        if not path.exists() or _name_in(path) == name:
            return path
    raise InputError(f"scenario name: {name!r}: too many saved scenarios with this name")


def save_scenario(plan: Scenario, name: str, folder: Path | None = None) -> Path:
    """Write ``plan`` renamed ``name`` into the scenario folder (atomically); return its path.

    A scenario saved under an existing name replaces it.
    """
    name = check_name(name)
    folder = Path(folder) if folder is not None else scenario_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{folder}: cannot make the scenario folder ({error.strerror})") from None
    path = free_path(folder, name)
    text = scenario_toml(plan.model_copy(update={"name": name}))
    try:
        atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path.name}: cannot save the scenario ({error.strerror})") from None
    return path


def saved_scenarios(folder: Path | None = None) -> dict[str, Path]:
    """The saved scenarios by display name (``saved: <name in the file>``), sorted.

    A file that cannot be read or has no name is listed by its file name; loading
    it later gives its one-line error.
    """
    folder = Path(folder) if folder is not None else scenario_folder()
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.glob("*.toml")):
        name = _name_in(path) or path.stem
        found.setdefault(SAVED_PREFIX + name, path)
    return found
