"""Solara's front-end assets, prepared once so the app works offline.

Solara's server fetches its JavaScript and CSS from a CDN the first time a
browser asks, and keeps them in its asset cache
(``$VIRTUAL_ENV/share/solara/cdn/<package>@<version>/``). On a locked-down
network, or a machine that reaches only package registries, the page never
renders. :func:`prepare` reads which npm packages the installed Solara asks
for, downloads their tarballs from the npm registry (or takes them from a
folder of ``npm pack`` files), checks each tarball's published SHA-512, and
unpacks it into that cache. Nothing else of the app reaches the network.

The same cache holds :data:`CHECK_ASSETS`, packages the page never loads but
the browser tests inject into it (axe-core's accessibility checks), so that
the tests run offline too.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cwbsim.model.errors import InputError

DEFAULT_REGISTRY = "https://registry.npmjs.org"
PACKAGE_PATTERN = re.compile(
    r"(@widgetti/[a-z0-9-]+|requirejs|font-awesome|katex|mermaid)@(\d+\.\d+\.\d+(?:-[\w.]+)?)/"
)
"""npm packages (with exact versions) that Solara's templates and widgets load from its CDN."""

VERSIONED_PATTERN = re.compile(r"getCdn\(\)\}/([a-z0-9@/._-]+)@\$\{version\}/")
VERSION_PATTERN = re.compile(r'const version = "(\d+\.\d+\.\d+)"')
"""Widgets that name the version in a variable (``echarts@${version}``, ``const version = ...``)."""

SCANNED_SUFFIXES = (".py", ".j2", ".html", ".vue", ".js")

AXE_VERSION = "4.14.1"
"""axe-core's version (npm), for the browser tests' accessibility checks."""


@dataclass(frozen=True)
class Asset:
    """One npm package at one version."""

    name: str
    version: str

    @property
    def folder(self) -> str:
        """Its folder in Solara's cache, ``<name>@<version>``."""
        return f"{self.name}@{self.version}"

    @property
    def pack_name(self) -> str:
        """The file name ``npm pack`` gives its tarball."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


CHECK_ASSETS = (Asset("axe-core", AXE_VERSION),)
"""Packages for the browser tests, never loaded by the page: fetched with Solara's, not
needed to serve the app."""


def required_assets() -> list[Asset]:
    """The packages the installed Solara loads from its CDN, and :data:`CHECK_ASSETS`.

    Solara's are found in its own sources.
    """
    found: set[Asset] = set(CHECK_ASSETS)
    root = resources.files("solara")
    with resources.as_file(root) as folder:
        for path in Path(folder).rglob("*"):
            if path.suffix not in SCANNED_SUFFIXES or "website" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="ignore")
            except OSError:
                continue
            for name, version in PACKAGE_PATTERN.findall(text):
                found.add(Asset(name, version))
            versions = VERSION_PATTERN.findall(text)
            for name in VERSIONED_PATTERN.findall(text):
                if len(versions) == 1:
                    found.add(Asset(name, versions[0]))
    # the settings name font-awesome's path without a trailing component
    from solara.server import settings

    match = re.match(r"/?(font-awesome)@([\d.]+)/", settings.assets.fontawesome_path)
    if match:
        found.add(Asset(match.group(1), match.group(2)))
    return sorted(found, key=lambda a: a.folder)


def cache_folder() -> Path:
    """Solara's asset cache (``SOLARA_ASSETS_PROXY_CACHE_DIR`` overrides it)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def is_ready(asset: Asset, cache: Path) -> bool:
    """Whether the asset is unpacked in the cache (a ``package.json`` marks completion)."""
    return (cache / asset.folder / "package.json").is_file()


def missing_assets(cache: Path | None = None) -> list[Asset]:
    """Assets the page needs (not :data:`CHECK_ASSETS`) that are not yet in the cache."""
    cache = cache_folder() if cache is None else cache
    return [a for a in required_assets() if a not in CHECK_ASSETS and not is_ready(a, cache)]


def axe_script(cache: Path | None = None) -> Path:
    """axe-core's ``axe.min.js`` in the asset cache (``cwbsim assets`` puts it there).

    Raises a one-line :class:`InputError` if it is missing.
    """
    cache = cache_folder() if cache is None else cache
    path = cache / CHECK_ASSETS[0].folder / "axe.min.js"
    if not path.is_file():
        raise InputError(f"{path}: missing (run `cwbsim assets` to fetch axe-core {AXE_VERSION})")
    return path


def _get(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json, */*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except OSError as error:
        raise InputError(f"{url}: could not download ({error}); expected a reachable npm registry "
                         "(set --registry, or use --from with npm pack files)") from None  # fmt: skip


def download(asset: Asset, registry: str, timeout: float = 60.0) -> bytes:
    """The asset's tarball from an npm registry, checked against its published SHA-512."""
    meta_url = f"{registry.rstrip('/')}/{asset.name}/{asset.version}"
    meta = json.loads(_get(meta_url, timeout))
    dist = meta.get("dist", {})
    data = _get(dist["tarball"], timeout)
    integrity = dist.get("integrity", "")
    if integrity.startswith("sha512-"):
        digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
        if digest != integrity.removeprefix("sha512-"):
            raise InputError(
                f"{dist['tarball']}: SHA-512 differs from the registry's (expected {integrity})"
            )
    return data


def unpack(asset: Asset, tarball: bytes, cache: Path) -> Path:
    """Unpack an npm tarball's ``package/`` folder into ``cache/<name>@<version>``, atomically."""
    target = cache / asset.folder
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        try:
            with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
                archive.extractall(staging, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise InputError(
                f"{asset.folder}: unreadable tarball ({error}); expected an npm package"
            ) from None
        inner = [p for p in staging.iterdir() if p.is_dir()]
        if len(inner) != 1 or not (inner[0] / "package.json").is_file():
            raise InputError(
                f"{asset.folder}: tarball has no package folder (expected an npm package)"
            )
        if target.exists():
            shutil.rmtree(target)
        os.replace(inner[0], target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def prepare(
    registry: str | None = None,
    source: Path | None = None,
    cache: Path | None = None,
    force: bool = False,
    report: Callable[[Asset, str], None] | None = None,
) -> list[Asset]:
    """Put every asset Solara needs in its cache; return those added.

    Parameters
    ----------
    registry : str, optional
        npm registry URL (default ``$NPM_CONFIG_REGISTRY`` or registry.npmjs.org).
    source : Path, optional
        A folder of ``npm pack`` tarballs to use instead of the network.
    cache : Path, optional
        Solara's asset cache (default: the one the server uses).
    force : bool
        Fetch again even what is already there.
    report : callable, optional
        Called with each asset and ``"ready"`` or ``"added"``.
    """
    registry = registry or os.environ.get("NPM_CONFIG_REGISTRY") or DEFAULT_REGISTRY
    cache = cache_folder() if cache is None else cache
    added = []
    for asset in required_assets():
        if is_ready(asset, cache) and not force:
            if report:
                report(asset, "ready")
            continue
        if source is not None:
            path = Path(source) / asset.pack_name
            if not path.is_file():
                raise InputError(f"{path}: missing (expected the npm pack file of {asset.folder})")
            tarball = path.read_bytes()
        else:
            tarball = download(asset, registry)
        unpack(asset, tarball, cache)
        added.append(asset)
        if report:
            report(asset, "added")
    return added
