"""Who was paid: a payee's type, and where a public body is, from its name alone.

Types (CLES's local-share figures are about the first two):

- ``business``; ``vcse`` (charity, community interest company, co-operative or
  community benefit society, social enterprise);
- ``public body`` (local authority, NHS, police, fire, education, central government,
  combined or transport authority);
- ``statutory or financial`` (HMRC, pension funds, levies and precepts, loans);
- ``individual or redacted``; ``unknown``.

A name as a spend file writes it is first stripped of boilerplate: bracketed payment
notes (``(Direct Debit)``), segments that are references, addresses or ledger notes
(``- Accounts Receivable``, ``- 4035576019``), and ``T/A`` splits the legal name from
the trading name. Public bodies are then resolved through the shipped registers
(councils and combined authorities, NHS trusts, learning providers) and place names
(``Lancashire Constabulary`` -> Lancashire). Companies House and the supplier register
decide the rest (:mod:`cwbsim.calibration.placement`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from cwbsim.calibration import areas
from cwbsim.calibration.names import canonical, key

BUSINESS, VCSE, PUBLIC, STATUTORY, INDIVIDUAL, UNKNOWN = (
    "business", "vcse", "public body", "statutory or financial", "individual or redacted",
    "unknown",
)  # fmt: skip
TYPES = (BUSINESS, VCSE, PUBLIC, STATUTORY, INDIVIDUAL, UNKNOWN)
PROCUREMENT_BASE = (BUSINESS, VCSE, UNKNOWN)
"""CLES's base for local shares: spend with businesses, the VCSE sector and the unplaced."""

NATIONAL = "national"
"""The area of a body that serves the whole country (HMRC, a government department)."""


@dataclass(frozen=True)
class Payee:
    """What a name says about a payee."""

    type: str
    kind: str = ""
    area: str = ""
    method: str = ""
    score: float = 100.0
    clean: str = ""
    trading_as: str = ""


_BOILERPLATE = re.compile(
    r"\b(DIRECT DEBITS?|DD ONLY|DD|BACS|CHAPS|STANDING ORDER|ACCOUNTS? RECEIVABLE|ACCOUNTS? PAYABLE|"
    r"SUNDRY|SUNDRIES|INCOME|PAYMENTS?|REFUNDS?|ARREARS|NON DOMESTIC RATES ONLY|GENERAL AC(COUNT)?|"
    r"RADIUS ACCOUNT|FINANCE|A C|ACCOUNT|ACC|REF|INVOICE|INV|CHEQUE|CARD|ONLY)\b"
)
_REFERENCE = re.compile(r"^\W*(\d[\d\W]*|[A-Z]{0,3}\d{4,}\w*)\W*$")
_ADDRESS = re.compile(r"^\d+[A-Z]?\s+[A-Z]")
_SEPARATORS = re.compile(r"\s+[-–—:|;]\s+|\s*[;|]\s*")
_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|\*([^*]*)\*")
_TRAILING = re.compile(r"(\s+(DD|D/D|BACS|CHAPS|DIRECT DEBIT|SO|S/O)\.?)+\s*$", re.IGNORECASE)
"""Payment-method words left at the end of a name ("Civica UK Ltd DD")."""
_UNCLOSED = re.compile(r"[(\[][^()\[\]]*$")
"""A bracket the file cut off ("Plymouth City Council (Radius Accou"): dropped with its text."""
_TRADING = re.compile(r"\s+(?:T/AS?|T\.A\.?|TA|TRADING AS|TRADING AS:)\s+", re.IGNORECASE)


def _is_noise(segment: str) -> bool:
    """A bracketed note or name segment that is a payment note, reference or address."""
    text = canonical(segment)
    if not re.search(r"[A-Z]", text):
        return True
    if _REFERENCE.match(segment.strip().upper()) or _ADDRESS.match(text):
        return True
    return not _BOILERPLATE.sub(" ", text).strip()


def strip_boilerplate(name: str) -> tuple[str, str]:
    """(legal name, trading name) with payment notes, references and addresses removed.

    ``"Leeds City Council (Direct Debit)"`` -> ``("Leeds City Council", "")``;
    ``"Water Plus - 4035576019 - 2 Foxhill Bank"`` -> ``("Water Plus", "")``;
    ``"J Smith T/A Smith Plumbing"`` -> ``("J Smith", "Smith Plumbing")``.
    """
    text = str(name or "").strip()
    text = re.sub(r"\s*[(\[][^()\[\]]*$", "", text) if _UNCLOSED.search(text) else text
    text = _BRACKETS.sub(
        lambda m: "" if _is_noise(next(g for g in m.groups() if g is not None)) else m.group(0),
        text,
    )
    parts = [p for p in _SEPARATORS.split(text) if p.strip()]
    kept = [p for p in parts if not _is_noise(p)] or parts[:1]
    text = " ".join(kept)
    parts = _TRADING.split(text, maxsplit=1)
    legal, trading = parts[0], (parts[1] if len(parts) > 1 else "")
    legal = re.sub(r"\s*\b(A/C|REF|INV)\b.*$", "", legal, flags=re.I)
    legal = re.sub(r"\s+", " ", _TRAILING.sub("", legal))
    return legal.strip(" -,.") or str(name).strip(), trading.strip(" -,.")


_REDACTED = re.compile(
    r"REDACT|PERSONAL DATA|WITHHELD|DATA PROTECTION|DP ACT|PRIVATE INDIVIDUAL|\bINDIVIDUALS?\b|"
    r"NAME REMOVED|NOT DISCLOSED|PERSONAL INFORMATION|FOSTER CARERS?\b|\bCLIENT\b"
)
_TITLE = re.compile(r"^(MR|MRS|MS|MISS|MX|DR|MASTER|REV|REVD)\b")
_STATUTORY = (
    ("tax", re.compile(r"\bHM REVENUE|\bH M REVENUE|\bHMRC\b|INLAND REVENUE|\bHM CUSTOMS|"
                       r"REVENUE AND CUSTOMS|VALUATION OFFICE")),
    ("levy or precept", re.compile(r"\bLEVY\b|\bLEVIES\b|PRECEPT")),
    ("pension fund", re.compile(r"PENSION|\bLGPS\b|SUPERANNUATION|TEACHERS PENSIONS")),
    ("loan or debt", re.compile(r"PUBLIC WORKS LOAN|\bPWLB\b|DEBT MANAGEMENT OFFICE|"
                                r"STUDENT LOANS COMPANY|CHILD MAINTENANCE")),
)  # fmt: skip
_PUBLIC = (
    ("police", re.compile(r"\bPOLICE\b|CONSTABULARY|CRIME COMMISSIONER|\bPCC\b|CHIEF CONSTABLE")),
    ("fire", re.compile(r"\bFIRE\b.*\b(RESCUE|AUTHORITY|SERVICE|BRIGADE|EMERGENCY)\b|"
                        r"\bFIRE AND RESCUE\b")),
    ("NHS", re.compile(r"\bNHS\b|HOSPITALS? .*TRUST|HEALTHCARE .*TRUST|\bCARE TRUST\b|"
                       r"PRIMARY CARE TRUST|\bCCG\b|CLINICAL COMMISSIONING|\bICB\b|"
                       r"INTEGRATED CARE BOARD|AMBULANCE SERVICE|HEALTH BOARD|FOUNDATION TRUST|"
                       r"\bNHS FT\b|PUBLIC HEALTH ENGLAND")),
    ("combined or transport authority", re.compile(
        r"COMBINED AUTHORITY|COMBINED COUNTY AUTHORITY|TRANSPORT FOR\b|\bTFL\b|\bTFGM\b|"
        r"PASSENGER TRANSPORT|WASTE DISPOSAL AUTHORITY|GREATER LONDON AUTHORITY")),
    ("central government", re.compile(
        r"^(HM |H M )|\bDEPARTMENT (FOR|OF)\b|\bMINISTRY OF\b|\bHOME OFFICE\b|CABINET OFFICE|"
        r"\bHM TREASURY\b|LAND REGISTRY|\bDVLA\b|DRIVER AND VEHICLE|ENVIRONMENT AGENCY|"
        r"HIGHWAYS ENGLAND|NATIONAL HIGHWAYS|\bOFSTED\b|CARE QUALITY COMMISSION|"
        r"GOVERNMENT LEGAL|CROWN PROSECUTION|\bCOURTS\b.*\bTRIBUNALS?\b|\bDWP\b|\bDFE\b|"
        r"ELECTORAL COMMISSION|INFORMATION COMMISSIONER|ARTS COUNCIL|SPORT ENGLAND|"
        r"HISTORIC ENGLAND|NATURAL ENGLAND|HOMES ENGLAND|OFFICE FOR NATIONAL STATISTICS")),
    ("local authority", re.compile(
        r"\bCOUNCILS?\b|\bB C\b|\bM B C\b|\bM D C\b|\bD C\b|\bC C\b|\bM C\b|\bBC\b|\bMBC\b|"
        r"\bMDC\b|\bDC\b|\bCC\b|\bMC\b|\bCBC\b|\bRBC\b|\bLBC\b|\bBOROUGH OF\b|"
        r"\bLONDON BOROUGH\b|\bCITY OF\b|\bCORPORATION OF\b|\bMET COUNCIL\b")),
    ("education", re.compile(
        r"\bUNIVERSITY\b|\bCOLLEGE\b|\bSCHOOLS?\b|\bACADEMY\b|\bACADEMIES\b|\bSIXTH FORM\b|"
        r"\bNURSERY\b|\bINFANTS?\b|\bJUNIORS?\b|\bPRIMARY\b")),
)  # fmt: skip
_COUNCIL_STRONG = re.compile(
    r"\bCOUNCILS?\b|\bBOROUGH OF\b|\bLONDON BOROUGH\b|\bCITY OF\b|\bCORPORATION OF\b"
)
_CENTRAL = next(pattern for kind, pattern in _PUBLIC if kind == "central government")
_ANY_BODY = re.compile("|".join(f"(?:{p.pattern})" for _, p in (*_STATUTORY, *_PUBLIC)))
"""Any word of a statutory or public body: names without one skip those checks."""
_VCSE = re.compile(
    r"\bCHARIT(Y|IES|ABLE)\b|\bFOUNDATION\b|\bASSOCIATION\b|\bSOCIETY\b|\bCIC\b|"
    r"COMMUNITY INTEREST|\bCOOPERATIVE\b|\bCOOP\b|SOCIAL ENTERPRISE|\bHOSPICE\b|"
    r"\bVOLUNTARY\b|CITIZENS ADVICE|\bAGE UK\b|\bSCOUTS?\b|\bGUIDES\b|\bCHURCH\b|\bMOSQUE\b|"
    r"\bTEMPLE\b|\bTRUST\b|\bHOUSING ASSOCIATION\b|\bYMCA\b|\bYWCA\b|\bBARNARDOS\b|"
    r"\bMENCAP\b|\bMIND\b|\bSHELTER\b"
)
_BUSINESS = re.compile(r"\b(LIMITED|LTD|PLC|LLP|LLC|INC|GMBH|BV|SA|SARL|AG|APS|CYF)\b|&\s*SONS?\b")
_COUNCIL_WORDS = re.compile(
    r"\b(METROPOLITAN|MET|BOROUGH|DISTRICT|COUNTY|CITY|COUNCIL|LONDON BOROUGH OF|ROYAL BOROUGH"
    r" OF|BOROUGH OF|CITY OF|CORPORATION OF|CORPORATION|UNITARY|AUTHORITY|THE|OF|AND|B C|M B C|"
    r"M D C|D C|C C|M C|BC|MBC|MDC|DC|CC|MC|CBC|RBC|LBC)\b"
)
_PLACE_NOISE = re.compile(
    r"\b(POLICE|CONSTABULARY|CHIEF CONSTABLE|POLICE AND CRIME COMMISSIONER|CRIME COMMISSIONER|"
    r"COMMISSIONER|PCC|FIRE|RESCUE|AND|AUTHORITY|SERVICES?|BRIGADE|EMERGENCY|PLANNING|COMBINED|"
    r"FOR|OF|THE|TRANSPORT|PASSENGER|EXECUTIVE|WASTE|DISPOSAL|PENSION|FUND|COUNTY|COUNCIL|"
    r"NHS|CCG|ICB|CLINICAL|COMMISSIONING|GROUP|INTEGRATED|CARE|BOARD|PRIMARY|TRUST|CITY|"
    r"DISTRICT|BOROUGH|METROPOLITAN|MET|PARTNERSHIP|FOUNDATION|TEACHING|HOSPITALS?|HEALTH|"
    r"HEALTHCARE|MENTAL|COMMUNITY|SOCIAL|CHILDRENS|UNIVERSITY|AMBULANCE|FT|MAYORAL|"
    r"CONTROL|LTD|LIMITED)\b"
)


def _registers_table(name: str) -> list[dict]:
    text = resources.files("cwbsim.calibration").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _named_bodies(name: str) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Register key -> (official name, district), and the keys for fuzzy search."""
    out: dict[str, tuple[str, str]] = {}
    for row in _registers_table(name):
        for text in (row.get("name", ""), row.get("alias", "")):
            if text:
                out.setdefault(key(text), (row["name"], row["district"]))
    return out, list(out)


_GENERIC = frozenset(
    "NHS FOUNDATION TRUST TRUSTS HOSPITAL HOSPITALS HEALTHCARE HEALTH CARE UNIVERSITY TEACHING "
    "COMMUNITY PARTNERSHIP PARTNERSHIPS SERVICES SERVICE GROUP AND OF FOR THE FT MENTAL SOCIAL "
    "COLLEGE SCHOOL".split()
)
"""Words many NHS bodies and learning providers share: not evidence of which one."""


def _register_hit(text: str, register: str, cutoff: float = 80) -> tuple[str, str, float] | None:
    """(official name, district, score) of the register body a name names, or None.

    Exact key first; else, among the bodies whose names hold every distinctive word of
    the name (not "NHS", "Trust", "Hospitals"…; a word cut short matches its start), the
    one whose token-set ratio is at least ``cutoff`` and 3 points ahead of the next.
    """
    table, keys = _named_bodies(register)
    found = table.get(key(text))
    if found:
        return found[0], found[1], 100.0
    asked = key(text)
    own = [w for w in asked.split() if w not in _GENERIC]
    keys = [k for k in keys if all(any(t.startswith(w) for t in k.split()) for w in own)]
    top = process.extract(asked, keys, scorer=fuzz.token_set_ratio, score_cutoff=cutoff, limit=2)
    if not top or (len(top) > 1 and top[0][1] - top[1][1] < 3):
        return None  # nothing close, or two bodies equally close
    official, district = table[top[0][0]]
    return official, district, float(top[0][1])


def _places_in(text: str, prefer_wide: bool) -> str:
    """The areas a body's name names, "|"-joined: the longest runs of words that are places.

    ``"Devon and Cornwall Police"`` -> Devon and Cornwall; ``"NHS Bradford Districts CCG"``
    -> Bradford. ``"Metropolitan Police"`` is the one force whose name does not say its
    place: London.
    """
    words = canonical(text).split()
    if "METROPOLITAN" in words and "POLICE" in words:
        words = ["LONDON"]
    found: list[str] = []
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            run = " ".join(words[start:end])
            if _PLACE_NOISE.fullmatch(run):
                continue
            code = areas.place(run, prefer_wide)
            if code:
                found.append(code)
                start = end
                break
        else:
            start += 1
    return "|".join(dict.fromkeys(found))


@cache
def _inside(area: str) -> set[str]:
    """The districts of an area or of several ("|"-joined)."""
    return set().union(*(areas.members(code) for code in area.split("|") if code))


@cache
def _council_index() -> tuple[dict[str, str], list[str]]:
    """Canonical council name (register and alternative names) -> current area code."""
    table = areas.areas()
    names: dict[str, str] = {}
    for name, codes in areas.by_name().items():
        code = areas.current(codes[0])[0]
        if code in table and table[code].type != "MCTY":
            names.setdefault(name, code)
    return names, list(names)


def _council(text: str) -> tuple[str, float] | None:
    """The council a name names, or None.

    Tried in turn on the name, the name without brackets, each part between
    separators, and the name up to "Council": its register names; then its place with
    the council-type words removed ("Blackpool BC" -> Blackpool; "County" prefers the
    county); then, for a truncated or misspelt name, the one register name that starts
    with it or scores 92 or more (``fuzz.ratio``).
    """
    tries = [text, _BRACKETS.sub(" ", text), *_SEPARATORS.split(text)]
    upto = re.match(r"^(.*?\bCOUNCIL)\b", canonical(text))
    if upto:
        tries.append(upto.group(1))
    for attempt in dict.fromkeys(canonical(t) for t in tries if t.strip()):
        found = _council_exact(attempt)
        if found:
            return found
    clean = canonical(_BRACKETS.sub(" ", text))
    names, keys = _council_index()
    if len(clean) >= 15:
        starts = {names[n] for n in keys if n.startswith(clean)}
        if len(starts) == 1:
            return starts.pop(), 90.0
    best = process.extractOne(clean, keys, scorer=fuzz.ratio, score_cutoff=92)
    return (names[best[0]], float(best[1])) if best else None


def _council_exact(clean: str) -> tuple[str, float] | None:
    names, _ = _council_index()
    if clean in names:
        return names[clean], 100.0
    wanted_county = bool(re.search(r"\bCOUNTY\b", clean)) and not re.search(r"\bCITY\b", clean)
    place_name = re.sub(r"\s+", " ", _COUNCIL_WORDS.sub(" ", clean)).strip()
    codes = areas.by_name().get(place_name) if place_name else None
    if not codes:
        return None
    table = areas.areas()
    ranked = sorted(
        (c for c in dict.fromkeys(c for code in codes for c in areas.current(code))
         if c in table and table[c].type != "MCTY"),
        key=lambda c: (table[c].type == "CTY") != wanted_county,
    )  # fmt: skip
    return (ranked[0], 95.0) if ranked else None


def classify(name: str) -> Payee:
    """The type of a payee and, for a public body, its area, from the name alone."""
    legal, trading = strip_boilerplate(name)
    text = canonical(legal)
    if not text:
        return Payee(UNKNOWN, clean=legal)
    if _REDACTED.search(text) or _TITLE.match(text):
        return Payee(INDIVIDUAL, "redacted" if _REDACTED.search(text) else "individual",
                     method="name pattern", clean=legal)  # fmt: skip
    business_form = bool(_BUSINESS.search(text))
    if not _ANY_BODY.search(text):  # most payees: no word of a public or statutory body
        return _private(text, legal, trading, business_form)
    for kind, pattern in _STATUTORY:
        if kind not in ("tax", "levy or precept") and _CENTRAL.search(text):
            return _public("central government", legal, text, trading)
        if pattern.search(text):
            area = NATIONAL if kind in ("tax", "loan or debt") else _places_in(legal, True)
            return Payee(STATUTORY, kind, area, "name pattern", clean=legal, trading_as=trading)
    for kind, pattern in _PUBLIC:
        if not pattern.search(text):
            continue
        if kind == "education" and business_form:
            break  # "Academy Services (Sheffield) Ltd" is a company
        if kind == "local authority" and (business_form or not _COUNCIL_STRONG.search(text)):
            if business_form or _council(legal) is None:
                continue  # "Fellingate CC Ltd", "National Fire Chiefs Council Ltd": companies
        return _public(kind, legal, text, trading)
    return _private(text, legal, trading, business_form)


def _private(text: str, legal: str, trading: str, business_form: bool) -> Payee:
    """A payee that is no public or statutory body: VCSE, business, or unknown."""
    if _VCSE.search(text) and not business_form:
        return Payee(VCSE, method="name pattern", clean=legal, trading_as=trading)
    if business_form or trading:
        return Payee(BUSINESS, "sole trader" if trading and not business_form else "",
                     method="name pattern", clean=legal, trading_as=trading)  # fmt: skip
    return Payee(UNKNOWN, clean=legal, trading_as=trading)


def _public(kind: str, legal: str, text: str, trading: str) -> Payee:
    if kind == "NHS":
        hit = _register_hit(legal, "nhs_trusts.csv")
        named = _places_in(legal, False)
        if hit and (hit[2] == 100 or not named or hit[1] in _inside(named)):
            return Payee(PUBLIC, kind, hit[1], "NHS register", hit[2], legal, trading)
        area = _places_in(legal, False) or NATIONAL  # no place: NHS England, NHS Supply Chain…
        return Payee(PUBLIC, kind, area, "place in name", 90, legal, trading)
    if kind == "education":
        hit = _register_hit(legal, "learning_providers.csv")
        if hit:
            return Payee(PUBLIC, kind, hit[1], "learning provider register", hit[2], legal,
                         trading)  # fmt: skip
        return Payee(PUBLIC, kind, "", "name pattern", 90, legal, trading)
    if kind == "local authority":
        found = _council(legal)
        if found:
            return Payee(PUBLIC, kind, found[0], "council register", found[1], legal, trading)
        if re.search(r"\b(PARISH|TOWN|COMMUNITY) COUNCIL\b", text):
            return Payee(PUBLIC, "parish or town council", _places_in(legal, False),
                         "name pattern", 90, legal, trading)  # fmt: skip
        return Payee(PUBLIC, kind, "", "name pattern", 80, legal, trading)
    if kind == "central government":
        return Payee(PUBLIC, kind, NATIONAL, "name pattern", 90, legal, trading)
    if kind == "combined or transport authority":
        found = _council(legal)
        if found:
            return Payee(PUBLIC, kind, found[0], "council register", found[1], legal, trading)
    area = _places_in(legal, True)
    if kind == "police" and not area and re.search(r"\bBRITISH TRANSPORT\b", text):
        area = NATIONAL
    return Payee(PUBLIC, kind, area, "place in name", 90, legal, trading)
