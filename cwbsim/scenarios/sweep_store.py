"""The result store of a sweep: a Parquet dataset, one file per finished run, and a manifest.

Each run's rows (one per year) are written to ``runs/run-<id>.parquet`` through a
temporary file and an atomic rename, so a crash or a kill leaves either the
whole run or nothing. Resuming skips runs whose file exists. The manifest holds
the sweep file's hash; a store made by another sweep file is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cwbsim.model.errors import InputError
from cwbsim.scenarios.running import atomic_write, versions


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
        atomic_write(path, lambda p: p.write_text(json.dumps(document, indent=2)))

    def done(self) -> set[int]:
        """Ids of the runs already stored."""
        if not self.runs_folder.exists():
            return set()
        return {int(p.stem.split("-")[1]) for p in self.runs_folder.glob("run-*.parquet")}

    def write(self, run: int, rows: list[dict]) -> None:
        """Commit one run's rows atomically."""
        frame = pd.DataFrame(rows)
        atomic_write(
            self.runs_folder / f"run-{run:06d}.parquet", lambda p: frame.to_parquet(p, index=False)
        )

    def manifest(self) -> dict:
        """The manifest."""
        path = self.folder / "manifest.json"
        if not path.exists():
            raise InputError(f"{self.folder}: not a sweep store (no manifest.json)")
        return json.loads(path.read_text())

    def results(self) -> pd.DataFrame:
        """Every stored run's rows, read as one Parquet dataset."""
        files = sorted(self.runs_folder.glob("run-*.parquet"))
        if not files:
            raise InputError(f"{self.folder}: no finished runs yet")
        # the folder as one dataset; temporary files (starting with ".") are ignored
        return pd.read_parquet(self.runs_folder).sort_values(["run", "year"], ignore_index=True)

    def design(self) -> pd.DataFrame:
        """The design points."""
        return pd.read_parquet(self.folder / "design.parquet")
