"""The result store of a sweep: a Parquet dataset, one file per finished batch of runs, a manifest.

Each batch's rows (one per run and year) are written to ``runs/run-<first id>.parquet``
through a temporary file and an atomic rename, so a crash or a kill leaves either
the whole batch or nothing. Resuming skips the runs found in the files. The
manifest holds the sweep's fingerprint; a store made by another sweep is refused.
One process at a time may write a store (a lock file, ``.lock``).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from cwbsim.model.errors import InputError
from cwbsim.scenarios.outputs import TEMPORARY, atomic_write, json_text
from cwbsim.scenarios.running import versions


class Store:
    """A sweep's folder: ``manifest.json``, ``design.parquet``, ``runs/run-*.parquet``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.runs_folder = self.folder / "runs"

    def open(self, sweep_hash: str, manifest: dict, design: pd.DataFrame) -> None:
        """Create the store, or check that an existing one belongs to the same sweep file."""
        path = self.folder / "manifest.json"
        if path.exists():
            existing = json.loads(path.read_text())
            if existing.get("sweep_hash") != sweep_hash:
                raise InputError(
                    f"{self.folder}: holds results of a different sweep file (hash "
                    f"{existing.get('sweep_hash', '?')[:12]}, this one {sweep_hash[:12]}); "
                    "use another --out folder (nothing was changed)"
                )
            return
        self.runs_folder.mkdir(parents=True, exist_ok=True)
        atomic_write(self.folder / "design.parquet", lambda p: design.to_parquet(p, index=False))
        document = {**manifest, "sweep_hash": sweep_hash, "versions": versions()}
        atomic_write(path, lambda p: p.write_text(json_text(document, indent=2)))

    @contextmanager
    def lock(self):
        """Hold the store's lock file while writing; a second writer is refused at once."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise InputError(
                f"--out: {self.folder}: cannot be written ({error.strerror}); "
                "expected a folder this user can write"
            ) from None
        try:
            _lock(handle, self.folder)
            yield self
        finally:
            os.close(handle)  # closing the file releases the lock

    def clear_leftovers(self) -> int:
        """Remove temporary files a killed writer left (call while holding the lock)."""
        stale = list(self.folder.glob(f"{TEMPORARY}*")) + list(
            self.runs_folder.glob(f"{TEMPORARY}*")
        )
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def done(self) -> set[int]:
        """Ids of the runs already stored."""
        files = self._files()
        if not files:
            return set()
        runs = ds.dataset(files, format="parquet").to_table(columns=["run"]).column("run")
        return set(runs.to_pylist())

    def write(self, rows: list[dict]) -> None:
        """Commit one batch's rows (one per run and year) atomically."""
        if not rows:
            return
        frame = pd.DataFrame(rows)
        first = int(frame["run"].min())
        atomic_write(
            self.runs_folder / f"run-{first:06d}.parquet",
            lambda p: frame.to_parquet(p, index=False),
        )

    def _files(self) -> list[str]:
        if not self.runs_folder.exists():
            return []
        return sorted(str(p) for p in self.runs_folder.glob("run-*.parquet"))

    def manifest(self) -> dict:
        """The manifest."""
        path = self.folder / "manifest.json"
        if not path.exists():
            raise InputError(f"{self.folder}: not a sweep store (no manifest.json)")
        return json.loads(path.read_text())

    def results(self) -> pd.DataFrame:
        """Every stored run's rows, read as one Parquet dataset."""
        files = self._files()
        if not files:
            raise InputError(f"{self.folder}: no finished runs yet")
        # the folder as one dataset; temporary files (starting with ".") are ignored
        return pd.read_parquet(self.runs_folder).sort_values(["run", "year"], ignore_index=True)

    def design(self) -> pd.DataFrame:
        """The design points."""
        return pd.read_parquet(self.folder / "design.parquet")


def _lock(handle: int, folder: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: msvcrt locks a byte range instead
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise _busy(folder) from None
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _busy(folder) from None


def _busy(folder: Path) -> InputError:
    return InputError(
        f"--out: {folder}: another cwbsim sweep is writing to it; wait for it to finish "
        "(or stop it), then run again to resume, or use another --out"
    )
