"""What a column of a spend table holds, measured from its cells.

Each column is profiled on a sample of rows spread through the table: the share of
its cells that read as money, as dates, or as text; for money, whether it carries
pence, how widely it ranges over orders of magnitude, whether its numbers all have
the same count of digits or leading zeros (as identifiers do); for text, how many
distinct values it holds, how many words a cell has, and whether its cells carry
the words of organisation names, of spending categories or of organisational
units. :func:`content_score` turns a profile into evidence for each role.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from cwbsim.calibration.spend_cells import SERIAL_RANGE, looks_like_date, parse_amount

SAMPLE_ROWS = 1000
"""Rows profiled per table (spread evenly through it); the rest are only parsed."""

_ORGANISATION = re.compile(
    r"\b(ltd|limited|plc|llp|llc|inc|cic|company|corporation|group|holdings|partnership|"
    r"partners|trust|council|university|college|academy|nhs|association|society|charity|"
    r"foundation|club|church|sons|bros|brothers|hmrc|cooperative|co-operative|"
    r"incorporated|enterprises|solutions|consultants|consultancy|associates)\b",
    re.IGNORECASE,
)
"""Words of legal forms and organisations: names of payees carry them, categories rarely."""

_SPEND_WORDS = re.compile(
    r"\b(fees?|suppl(y|ies)|equipment|repairs?|maintenance|rents?|rates|grants?|travel|hire|"
    r"payments?|materials?|costs?|charges?|contracts?|purchases?|insurance|utilit(y|ies)|"
    r"electricity|gas|water|fuel|postage|printing|stationery|software|licen[cs]es?|"
    r"subscriptions?|professional|consultancy|agency|allowances?|provisions?|works|services "
    r"(purchased|provided)|placements?|care (home|package)s?|expenses?|advertising|training|"
    r"vehicles?|cleaning|catering|furniture|telephones?|food|computer)\b",
    re.IGNORECASE,
)
"""Words of spending categories (the things bought)."""

_UNIT_WORDS = re.compile(
    r"\b(directorate|department|services?|resources|corporate|children|adults?|community|"
    r"communities|environment|housing|regeneration|place|people|finance|education|health|"
    r"highways|planning|culture|leisure|neighbourhoods?|economy|economic|customer|"
    r"governance|strategy|public|commissioning|operations|development|safeguarding|"
    r"schools?|social|wellbeing)\b",
    re.IGNORECASE,
)
"""Words of organisational units (who in the body spent it)."""


@dataclass
class Profile:
    """What one column's cells look like over the sampled rows (shares are 0-1)."""

    index: int
    header: str = ""
    count: int = 0
    filled: float = 0.0
    money: float = 0.0
    dates: float = 0.0
    text: float = 0.0
    serial_dates: bool = False
    pence: float = 0.0
    negative: float = 0.0
    formatted: float = 0.0
    spread: float = 0.0
    same_length: float = 0.0
    leading_zero: float = 0.0
    distinct: int = 0
    distinct_share: float = 0.0
    words: float = 0.0
    digits: float = 0.0
    organisation: float = 0.0
    spend_words: float = 0.0
    unit_words: float = 0.0
    uri: float = 0.0
    namelike: float = 0.0
    values: frozenset = field(default_factory=frozenset)
    """The values a categorical text column repeats (upper case), else empty; a row
    holding one looks like data even when it is cut short."""

    def name(self) -> str:
        """How a report names the column: its header, or its position."""
        return self.header.strip() or f"column {self.index + 1}"


def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def profile_column(index: int, cells: list, rows: int, header: str = "") -> Profile:
    """Profile one column from its sampled cells (``rows`` = sampled rows, blank ones included).

    Each distinct cell is examined once and weighted by how often it occurs.
    """
    p = Profile(index=index, header=header)
    counts = Counter(c for c in cells if not _is_blank(c))
    n = p.count = sum(counts.values())
    p.filled = _share(n, rows)
    if not n:
        return p
    amounts, weights, texts, text_weights = [], [], [], []
    dated = formatted = leading = 0
    keys: set = set()
    for cell, k in counts.items():
        keys.add(cell.strip().upper() if isinstance(cell, str) else cell)
        amount = parse_amount(cell)
        if amount is not None:
            amounts.append(amount)
            weights.append(k)
            if isinstance(cell, str):
                stripped = cell.strip()
                formatted += k * (("£" in stripped) or ("," in stripped) or stripped[0] == "(")
                leading += k * (len(stripped) > 1 and stripped[0] == "0" and stripped[1].isdigit())
        elif looks_like_date(cell):
            dated += k
        else:
            texts.append(str(cell).strip())
            text_weights.append(k)
    money = sum(weights)
    p.money, p.dates, p.text = _share(money, n), _share(dated, n), _share(n - money - dated, n)
    p.distinct = len(keys)
    p.distinct_share = _share(p.distinct, n)
    if amounts:
        _money_profile(p, np.array(amounts), np.array(weights, dtype=float))
        p.formatted, p.leading_zero = _share(formatted, money), _share(leading, money)
    if texts:
        w = np.array(text_weights, dtype=float) / sum(text_weights)

        def share(test) -> float:
            return float(np.dot(w, [bool(test(s)) for s in texts]))

        p.words = float(np.dot(w, [len(s.split()) for s in texts]))
        p.digits = share(lambda s: any(ch.isdigit() for ch in s))
        p.organisation = share(_ORGANISATION.search)
        p.spend_words = share(_SPEND_WORDS.search)
        p.unit_words = share(_UNIT_WORDS.search)
        p.uri = share(lambda s: s.lower().startswith(("http:", "https:")))
        p.namelike = share(_namelike)
        if p.text >= 0.5 and p.distinct_share < 0.5:
            p.values = frozenset(
                s.upper() for s, k in zip(texts, text_weights, strict=True) if k > 1
            )
    return p


def _money_profile(p: Profile, amounts: np.ndarray, weights: np.ndarray) -> None:
    """Pence, sign, spread and digit counts of a column's numbers, weighted by occurrence."""
    size = np.abs(amounts)
    w = weights / weights.sum()
    whole = np.abs(size - np.round(size)) < 0.005
    p.pence = float(np.dot(w, ~whole))
    p.negative = float(np.dot(w, amounts < 0))
    positive = size > 0
    if positive.sum() > 1:
        logs = np.log10(size[positive])
        wp = w[positive] / w[positive].sum()
        mean = np.dot(wp, logs)
        p.spread = float(np.sqrt(np.dot(wp, (logs - mean) ** 2)))
    lengths = np.floor(np.log10(np.maximum(size, 1))).astype(int)
    p.same_length = float(np.bincount(lengths, weights=w).max())
    low, high = size.min(), size.max()
    p.serial_dates = bool(
        p.money > 0.9
        and whole.all()
        and SERIAL_RANGE[0] < low
        and high < SERIAL_RANGE[1]
        and high - low < 1100
    )


def _namelike(text: str) -> bool:
    """A short run of words, mostly letters: how payees' names are written."""
    words = text.split()
    if not 1 <= len(words) <= 8:
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.6 * len(text.replace(" ", "")) and not re.search(r"\d{5,}", text)


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _mostly(share: float, count: int) -> bool:
    """At most one cell in ten (or one cell, in a short column) is not of the kind."""
    return share * count >= 1 and (1 - share) * count <= max(1.0, 0.1 * count)


def content_score(role: str, p: Profile) -> float | None:
    """How well a column's cells fit a role, before its header is read; None = cannot be it.

    The weights are points of evidence, each term 0-1 before weighting: for an amount,
    pence on one cell in ten is full evidence of money (identifiers and codes are whole
    numbers), and so is a spread of half an order of magnitude; numbers that all have
    the same count of digits, or leading zeros, are evidence of identifiers.
    """
    sure = _clip((p.count - 1) / 9)  # how far shares over this many cells can be trusted
    mostly_money = _mostly(p.money, p.count)
    if role == "amount":
        if p.filled < 0.3 or not mostly_money or p.distinct < min(2, p.count):
            return None
        return (
            2.0 * _clip(p.pence / 0.1)
            + 1.0 * _clip(p.spread / 0.5)
            + 0.5 * (p.negative > 0)
            + 1.0 * _clip(p.formatted / 0.2)
            - 1.5 * sure * _clip((p.same_length - 0.6) / 0.4)
            - 2.0 * _clip(p.leading_zero / 0.05)
            - 3.0 * p.serial_dates
        )
    if role == "supplier":
        if p.filled < 0.5 or p.text < 0.7 or (p.count >= 10 and p.distinct < 3):
            return None
        return (
            2.5 * _clip(p.organisation / 0.3)
            + 1.0 * p.namelike
            + 1.0 * _clip(math.log10(p.distinct) / 2.5)
            - 2.0 * sure * _clip((0.05 - p.distinct_share) / 0.05)
            - 1.5 * _clip((p.words - 5) / 3)
            - 1.0 * p.digits
            - 2.0 * p.uri
        )
    if role == "date":
        if p.filled < 0.5:
            return None
        if _mostly(p.dates, p.count):
            return 2.0 + _clip(math.log10(max(p.distinct, 1)) / 1.5)
        return 1.5 if p.serial_dates else None
    if role in ("expense_type", "department"):
        if p.filled < 0.3 or p.text < 0.7 or p.distinct < 2 or p.distinct_share > 0.9:
            return None
        if role == "expense_type":
            own, other, organisations = p.spend_words, p.unit_words, 0.0
        else:
            own, other, organisations = p.unit_words, p.spend_words, p.organisation
        return (
            1.0
            + 2.0 * _clip(own / 0.3)
            - 1.0 * _clip(other / 0.3)
            - 1.5 * _clip(organisations / 0.5)
            - 1.0 * _clip((p.distinct_share - 0.5) / 0.4)
            - 2.0 * p.uri
        )
    if role == "reference":
        if p.filled < 0.5 or p.distinct_share < 0.3 or p.words > 2.5 or p.dates > 0.5:
            return None
        if (p.money >= 0.9 and p.pence > 0.05) or p.serial_dates:
            return None  # money with pence is paid, and serial days are dates: not references
        idlike = p.text * p.digits + p.money * (1 - p.pence)
        return 0.5 + 1.0 * p.distinct_share + 1.0 * idlike
    if role == "body":
        if p.filled < 0.5 or p.distinct > 30 or p.distinct_share > 0.05 or p.dates > 0.5:
            return None
        return 0.5 + 1.5 * p.organisation + 1.0 * p.uri
    raise ValueError(role)


def sample_indices(rows: list[list], limit: int = SAMPLE_ROWS) -> list[int]:
    """Non-blank row indices spread evenly through the table, at most ``limit``."""
    n = len(rows)
    step = max(1, n // limit)
    picked = range(0, n, step)
    return [i for i in picked if not all(_is_blank(c) for c in rows[i])]


def profile_rows(rows: list[list], picked: list[int], width: int, header: list[str]):
    """Profiles of every column over the picked rows."""
    columns = [[] for _ in range(width)]
    for i in picked:
        row = rows[i]
        for j in range(width):
            columns[j].append(row[j] if j < len(row) else None)
    return [
        profile_column(j, columns[j], len(picked), header[j] if j < len(header) else "")
        for j in range(width)
    ]
