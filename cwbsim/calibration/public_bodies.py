"""Public bodies placed by name: councils, NHS trusts, universities, police, fire, transport.

Councils and combined authorities through the register of UK local authorities
(:mod:`areas`): their names and alternative names, then their place with the council
type's words removed, then a truncated or misspelt name. NHS trusts and learning
providers through the shipped registers, placed by their postcode. Police, fire,
transport and other NHS bodies by the places their names name. A body serving the
whole country is ``national``.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from cwbsim.calibration import areas
from cwbsim.calibration.names import BRACKETS, SEPARATORS, canonical, key

NATIONAL = "national"
"""The area of a body that serves the whole country (HMRC, a government department)."""

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


def places_in(text: str, prefer_wide: bool) -> str:
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


def council(text: str) -> tuple[str, float] | None:
    """The council a name names, or None.

    Tried in turn on the name, the name without brackets, each part between
    separators, and the name up to "Council": its register names; then its place with
    the council-type words removed ("Blackpool BC" -> Blackpool; "County" prefers the
    county); then, for a truncated or misspelt name, the one register name that starts
    with it or scores 92 or more (``fuzz.ratio``).
    """
    tries = [text, BRACKETS.sub(" ", text), *SEPARATORS.split(text)]
    upto = re.match(r"^(.*?\bCOUNCIL)\b", canonical(text))
    if upto:
        tries.append(upto.group(1))
    for attempt in dict.fromkeys(canonical(t) for t in tries if t.strip()):
        found = _council_exact(attempt)
        if found:
            return found
    clean = canonical(BRACKETS.sub(" ", text))
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


def resolve(kind: str, legal: str, text: str) -> tuple[str, str, float]:
    """(area, method, score) of a public body of ``kind`` named ``legal`` (canonical ``text``)."""
    if kind == "NHS":
        hit = _register_hit(legal, "nhs_trusts.csv")
        named = places_in(legal, False)
        if hit and (hit[2] == 100 or not named or hit[1] in _inside(named)):
            return hit[1], "NHS register", hit[2]
        area = places_in(legal, False) or NATIONAL  # no place: NHS England, NHS Supply Chain…
        return area, "place in name", 90.0
    if kind == "education":
        hit = _register_hit(legal, "learning_providers.csv")
        if hit:
            return hit[1], "learning provider register", hit[2]
        return "", "name pattern", 90.0
    if kind == "local authority":
        found = council(legal)
        if found:
            return found[0], "council register", found[1]
        if re.search(r"\b(PARISH|TOWN|COMMUNITY) COUNCIL\b", text):
            return places_in(legal, False), "name pattern", 90.0
        return "", "name pattern", 80.0
    if kind == "central government":
        return NATIONAL, "name pattern", 90.0
    if kind == "combined or transport authority":
        found = council(legal)
        if found:
            return found[0], "council register", found[1]
    area = places_in(legal, True)
    if kind == "police" and not area and re.search(r"\bBRITISH TRANSPORT\b", text):
        area = NATIONAL
    return area, "place in name", 90.0
