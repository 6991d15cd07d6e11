"""Payee names made comparable: one set of rules for a single name and for millions.

A spend file writes ``"Smith & Sons (Preston) Ltd."``, Companies House
``"SMITH AND SONS (PRESTON) LIMITED"``. Both become the *canonical* form
``"SMITH AND SONS PRESTON LIMITED"`` (upper case, ``&`` as ``AND``, punctuation as
spaces) and the *key* ``"SMITH AND SONS PRESTON"`` (legal-form words removed). The
rules are regular expressions in RE2's syntax, which Python's ``re`` also reads, so the
same list serves a name here and a whole column through ``pyarrow.compute``.

Kept in the key on purpose: ``GROUP``, ``HOLDINGS`` and ``UK``, which name different
companies (``ACME GROUP LTD`` is the parent of ``ACME LTD``); they are left to the
fuzzy match, whose margin rule refuses to choose between such near twins.
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

CANONICAL_RULES = (
    (r"\bCO\s*-\s*OP", "COOP"),
    (r"&", " AND "),
    (r"\+", " AND "),
    (r"[^A-Z0-9 ]", " "),
    (r"\s+", " "),
)
"""Upper-case text (accents split off, NFKD) -> canonical: ``CO-OP`` as one word, ``&`` and
``+`` as AND, anything but letters and digits (accents included) a space."""

LEGAL_FORMS = r"\b(LIMITED|LTD|PLC|LLP|LLC|CO|COMPANY|INCORPORATED|INC|CIC|CYF|CYFYNGEDIG|THE)\b"
"""Words that say what kind of company a name is, not which company."""

KEY_RULES = ((LEGAL_FORMS, " "), (r"\s+", " "))
SEPARATORS = re.compile(r"\s+[-–—:|;]\s+|\s*[;|]\s*")
"""Separators between a name and a note written after it ("Kirklees MC - Accounts Receivable")."""
BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|\*([^*]*)\*")
"""A bracketed (or starred) part of a name: a note, or part of the name ("(UK)")."""

_COMPILED = [(re.compile(p), r) for p, r in CANONICAL_RULES]
_KEY = [(re.compile(p), r) for p, r in KEY_RULES]


def canonical(name) -> str:
    """``"Smith & Sons (Preston) Ltd."`` -> ``"SMITH AND SONS PRESTON LTD"``."""
    text = unicodedata.normalize("NFKD", str(name or "")).upper()
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return text.strip()


def key(name) -> str:
    """``"Smith & Sons (Preston) Ltd."`` -> ``"SMITH AND SONS PRESTON"``: the matching key."""
    text = canonical(name)
    for pattern, replacement in _KEY:
        text = pattern.sub(replacement, text)
    return text.strip()


BLOCK_LENGTH = 4


def block(text: str) -> str:
    """The first four letters or digits of a key: names are compared only within a block.

    Spaces are ignored, so ``"EZCCTV COM"`` and ``"EZCCTVCOM"`` share a block.
    """
    return text.replace(" ", "")[:BLOCK_LENGTH]


def canonical_array(names: pa.Array) -> pa.Array:
    """:func:`canonical` of every name in an Arrow string array."""
    text = pc.utf8_normalize(pc.fill_null(names.cast(pa.string()), ""), form="NFKD")
    text = pc.utf8_upper(text)
    for pattern, replacement in CANONICAL_RULES:
        text = pc.replace_substring_regex(text, pattern=pattern, replacement=replacement)
    return pc.utf8_trim_whitespace(text)


def key_array(canonical_names: pa.Array) -> pa.Array:
    """:func:`key` of every canonical name in an Arrow string array."""
    text = canonical_names
    for pattern, replacement in KEY_RULES:
        text = pc.replace_substring_regex(text, pattern=pattern, replacement=replacement)
    return pc.utf8_trim_whitespace(text)


def block_array(keys: pa.Array) -> pa.Array:
    """:func:`block` of every key in an Arrow string array."""
    return pc.utf8_slice_codeunits(pc.replace_substring(keys, " ", ""), 0, BLOCK_LENGTH)
