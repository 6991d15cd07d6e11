"""Writing outputs safely: atomic files and folders, JSON without NaN, folders checked up front.

A long job checks its output folder before it runs anything (:func:`writable_folder`),
so a typo costs seconds, not the runs. Every file is written through a temporary
file and renamed into place (:func:`atomic_write`); a run's whole folder is
written beside the old one and swapped in (:func:`replace_folder`), so a kill
leaves either the old outputs or the new ones, never a mix of two seeds.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cwbsim.model.errors import InputError

TEMPORARY = ".cwbsim-"
"""Prefix of the temporary files and folders this module writes (hidden, cleaned up)."""


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f"{TEMPORARY}{path.name}.", suffix=".tmp"
    )
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def finite(value):
    """A JSON-safe copy: NaN and infinities become ``None``, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def json_text(document, **options) -> str:
    """``document`` as JSON with NaN written as ``null`` (never a bare ``NaN``)."""
    return json.dumps(finite(document), allow_nan=False, **options)


def writable_folder(path: Path, option: str = "--out") -> Path:
    """Check, before any work, that ``path`` is (or can be made) a folder this user can write.

    Creates the folder. Raises a one-line :class:`InputError` naming the option otherwise.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"{option}: {path} is a file (expected a folder for the outputs)")
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=path, prefix=f"{TEMPORARY}probe.")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            f"{option}: {path} cannot be written ({reason}); expected a folder this user can write"
        ) from None
    return path


def replace_folder(out: Path, fill: Callable[[Path], None], owned: set[str]) -> None:
    """Write a whole folder beside ``out`` with ``fill(folder)``, then swap it into place.

    ``owned`` names the files a previous run leaves there; a folder holding any
    other file is refused rather than replaced (it is not ours to delete).
    Leftovers of a killed swap (hidden ``.cwbsim-`` folders) are removed first.
    """
    out = Path(out)
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f"{TEMPORARY}{out.name}."
    for stale in parent.glob(f"{prefix}*"):
        if stale.is_dir() and not _alive(stale.name[len(prefix) :]):
            shutil.rmtree(stale, ignore_errors=True)
    if out.exists():
        others = sorted(p.name for p in out.iterdir() if p.name not in owned)
        if others:
            raise InputError(
                f"--out: {out} holds files that are not a run's outputs ({', '.join(others[:3])}); "
                "expected a new folder or a previous run's folder"
            )
    tag = f"{os.getpid()}.{os.urandom(3).hex()}"
    fresh = parent / f"{TEMPORARY}{out.name}.{tag}.new"
    old = parent / f"{TEMPORARY}{out.name}.{tag}.old"
    fresh.mkdir()
    try:
        fill(fresh)
        if out.exists():
            os.replace(out, old)
        os.replace(fresh, out)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid_text: str) -> bool:
    """Whether the process that wrote a temporary folder is still running."""
    try:
        os.kill(int(pid_text.split(".")[0]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
