"""Reading specs: TOML files, the built-in library, and one-line errors for bad files."""

from __future__ import annotations

import csv
import functools
import re
import tomllib
from importlib import resources
from pathlib import Path

from cwbsim.model.errors import InputError
from cwbsim.model.spec.schema import EconomySpec, parse_spec
from cwbsim.model.spec.uncertain import resolve_files


def decode_toml(raw: bytes, source: str) -> str:
    """A TOML file's bytes as text (UTF-8, a byte-order mark allowed); one-line error if not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{source}: byte {error.start} is not UTF-8 (expected a UTF-8 TOML file)"
        ) from None


def parse_toml(text: str, source: str) -> dict:
    """TOML text as a dictionary; one-line :class:`InputError` naming ``source`` if invalid."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{source}: not valid TOML: {error}") from None


def read_toml(path: Path) -> dict:
    """Read a TOML file, turning every failure into a one-line :class:`InputError`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (expected a TOML file)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory (expected a TOML file)") from None
    return parse_toml(decode_toml(raw, str(path)), str(path))


def builtin_specs() -> list[str]:
    """Names of the specs shipped with cwbsim."""
    folder = resources.files("cwbsim.model.spec") / "library"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def load_spec(name_or_path: str | Path) -> EconomySpec:
    """Load a built-in spec by name, or a spec from a TOML file."""
    text = str(name_or_path)
    if _NAME.match(text) and text in builtin_specs():
        resource = resources.files("cwbsim.model.spec") / "library" / f"{text}.toml"
        with resources.as_file(resource) as path:
            return _with_files(parse_spec(read_toml(path), f"{text} (built-in)"), path.parent)
    path = Path(text)
    if not path.exists() and not text.endswith(".toml"):
        raise InputError(
            f"{text}: no such spec (allowed: a TOML path or a built-in name: "
            f"{', '.join(builtin_specs())})"
        )
    return _with_files(parse_spec(read_toml(path), str(path)), path.parent)


def _with_files(spec: EconomySpec, folder: Path) -> EconomySpec:
    """The spec with its uncertain parameters' draws files made absolute."""
    if not spec.uncertain:
        return spec
    return spec.model_copy(update={"uncertain": resolve_files(spec.uncertain, folder)})


@functools.cache
def sector_table(name: str) -> tuple[dict[str, dict], dict[str, float]]:
    """A built-in sector table: each SIC section's costs and input mix, and national jobs.

    Reads ``library/sectors-<name>.csv`` (built by ``tools/build_sector_table.py`` from
    the ONS input-output table; provenance in its header comment). Returns
    ``({section: SectorCosts fields}, {section: national workforce jobs})``.
    """
    resource = resources.files("cwbsim.model.spec") / "library" / f"sectors-{name}.csv"
    if not resource.is_file():
        raise InputError(f"behaviour.sector_table: no built-in table {name!r}")
    lines = [line for line in resource.read_text().splitlines() if not line.startswith("#")]
    rows, jobs = {}, {}
    for record in csv.DictReader(lines):
        section = record["section"]
        rows[section] = {
            "wage_share": float(record["wage_share"]),
            "input_share": float(record["input_share"]),
            "import_share": float(record["import_share"]),
            "tax_share": float(record["tax_share"]),
            "output_per_job": float(record["output_per_job"]),
            "inputs": {
                key.removeprefix("from_"): float(value)
                for key, value in record.items()
                if key.startswith("from_") and float(value) > 0
            },
        }
        jobs[section] = float(record["jobs"])
    return rows, jobs
