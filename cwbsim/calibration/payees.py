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

import re
from dataclasses import dataclass

from cwbsim.calibration import public_bodies
from cwbsim.calibration.names import BRACKETS, SEPARATORS, canonical
from cwbsim.calibration.public_bodies import NATIONAL

BUSINESS, VCSE, PUBLIC, STATUTORY, INDIVIDUAL, UNKNOWN = (
    "business", "vcse", "public body", "statutory or financial", "individual or redacted",
    "unknown",
)  # fmt: skip
TYPES = (BUSINESS, VCSE, PUBLIC, STATUTORY, INDIVIDUAL, UNKNOWN)
PROCUREMENT_BASE = (BUSINESS, VCSE, UNKNOWN)
"""CLES's base for local shares: spend with businesses, the VCSE sector and the unplaced."""


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
    text = BRACKETS.sub(
        lambda m: "" if _is_noise(next(g for g in m.groups() if g is not None)) else m.group(0),
        text,
    )
    parts = [p for p in SEPARATORS.split(text) if p.strip()]
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
            area = (
                NATIONAL
                if kind in ("tax", "loan or debt")
                else public_bodies.places_in(legal, True)
            )
            return Payee(STATUTORY, kind, area, "name pattern", clean=legal, trading_as=trading)
    for kind, pattern in _PUBLIC:
        if not pattern.search(text):
            continue
        if kind == "education" and business_form:
            break  # "Academy Services (Sheffield) Ltd" is a company
        if kind == "local authority" and (business_form or not _COUNCIL_STRONG.search(text)):
            if business_form or public_bodies.council(legal) is None:
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
    area, method, score = public_bodies.resolve(kind, legal, text)
    return Payee(PUBLIC, kind, area, method, score, legal, trading)
