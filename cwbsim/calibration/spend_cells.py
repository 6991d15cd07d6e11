"""The cells of a spend file: money amounts, dates, and the words in headers.

Amounts carry £ signs, thousands separators, brackets, a leading or trailing minus,
``CR``, padding, scientific notation (``6.82121E-13``) and binary float artefacts
(``456.00000000000006``); every amount is rounded to the penny. Dates come day-first
or month-first (decided per file from the values by :class:`DateReader`), as ISO
dates, Excel serial numbers, ``01.12.2010``, ``15-Jul-24`` or a bare month
(``Sep 2014``). Anything that cannot be read unambiguously is refused (None), never
guessed.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from cwbsim.model.errors import InputError

FIELDS = ("supplier", "amount", "date", "expense_type", "department", "reference", "body")
"""The columns a spend analysis uses; supplier and amount are required."""

PENNY = Decimal("0.01")
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_MONEY = re.compile(
    r"""^\s*(?P<minus>-)?\s*(?:£|GBP)?\s*(?P<minus2>-)?\s*(?P<open>\()?\s*(?:£|GBP)?\s*
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+|\d\.\d+[eE][-+]\d{1,2})
    \s*(?P<close>\))?\s*(?P<trail>-|CR|DR)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
"""An amount as publishers write it: £ sign, thousands separators in groups of three,
brackets, a leading or trailing minus, ``CR`` (a credit) or ``DR``, padding; or Excel's
scientific form ``6.82121E-13`` (a decimal mantissa and a signed exponent, so that a
code like ``1E317`` is not a number)."""


def _penny(number: str) -> float:
    """A decimal number's text rounded to the penny, halves away from zero (``815.045`` -> 815.05).

    Rounding the text, not the binary float, keeps ``815.045`` from becoming 815.04.
    """
    dot = number.find(".")
    if "e" not in number.lower() and (dot < 0 or len(number) - dot <= 3):
        return float(number)
    return float(Decimal(number).quantize(PENNY, rounding=ROUND_HALF_UP))


def parse_amount(text) -> float | None:
    """A money amount in £, rounded to the penny (halves away from zero), or None if not one.

    ``"£1,234.50"`` -> 1234.5; ``"(12.00)"``, ``"(£12)"``, ``"£(12)"``, ``"-12"``,
    ``"-£12"``, ``"12.00-"`` and ``"12 CR"`` -> -12.0; ``"6.82121E-13"`` -> 0.0.
    Thousands separators must group three digits (``"1,23"`` is refused, not read as
    123), and brackets must pair.
    """
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        return _penny(repr(float(text))) if math.isfinite(text) else None
    value = str(text)
    if _PLAIN.match(value):
        return _penny(value)
    match = _MONEY.match(value)
    if match is None or (match["open"] is None) != (match["close"] is None):
        return None
    number = _penny(match["number"].replace(",", ""))
    trail = (match["trail"] or "").upper()
    negative = match["minus"] or match["minus2"] or match["open"] or trail in ("-", "CR")
    return -number if negative else number


_SUB_PENNY = re.compile(r"\.\d{3,}|\d[eE]-")


def is_float_artefact(text) -> bool:
    """Whether a cell holds more than two decimals (a float artefact or a sub-penny value)."""
    if isinstance(text, float):
        return abs(text * 100 - round(text * 100)) > 1e-6
    return isinstance(text, str) and _SUB_PENNY.search(text) is not None


EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (20000, 80000)
"""Excel serial day numbers read as dates: 1954-10-03 to 2119-01-10."""

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s].*)?$")
_TRIPLE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[T\s].*)?$")
_COMPACT = re.compile(r"^(19|20)(\d{2})(\d{2})(\d{2})$")
_DAY_NAME = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([A-Za-z]{3,9})\.?[\s\-/.,]+(\d{4}|\d{2})\b"
)
_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_MONTH_ONLY = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/.,']+(\d{4}|\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip


def _year(text: str) -> int:
    """Four-digit year from two or four digits (``24`` -> 2024, ``98`` -> 1998, as ``%y``)."""
    value = int(text)
    if len(text) == 4:
        return value
    return 2000 + value if value <= 68 else 1900 + value


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _serial(value: float) -> date | None:
    if SERIAL_RANGE[0] < value < SERIAL_RANGE[1]:
        return EXCEL_EPOCH + timedelta(days=int(value))
    return None


def numeric_pair(text: str) -> tuple[int, int] | None:
    """The first two numbers of a ``d/m/y`` or ``m/d/y`` date, to settle which is the day."""
    match = _TRIPLE.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def parse_date(value, day_first: bool = True) -> date | None:
    """A payment date, or None.

    ``day_first`` decides ``04/01/2017`` (4 January if True, 1 April if False); a
    file's order comes from :class:`DateReader`. ``Sep 2014`` and ``2014-09`` give the
    first of the month. Excel serial numbers between 20000 and 80000 are dates only
    where the column as a whole holds dates (the caller decides).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value) if float(value).is_integer() else None
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        compact = _COMPACT.match(text)
        if compact:
            return _make(int(compact.group(1) + compact.group(2)), int(compact.group(3)),
                         int(compact.group(4)))  # fmt: skip
        return _serial(int(text)) if len(text) == 5 else None
    if match := _ISO.match(text):
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _TRIPLE.match(text):
        first, second = int(match.group(1)), int(match.group(2))
        day, month = (first, second) if day_first else (second, first)
        return _make(_year(match.group(3)), month, day)
    if match := _DAY_NAME.match(text):
        month = MONTHS.get(match.group(2).lower())
        return _make(_year(match.group(3)), month, int(match.group(1))) if month else None
    if match := _NAME_DAY.match(text):
        month = MONTHS.get(match.group(1).lower())
        return _make(int(match.group(3)), month, int(match.group(2))) if month else None
    if match := _MONTH_ONLY.match(text):
        month = MONTHS.get(match.group(1).lower())
        return _make(_year(match.group(2)), month, 1) if month else None
    if match := _YEAR_MONTH.match(text):
        return _make(int(match.group(1)), int(match.group(2)), 1)
    return None


def looks_like_date(value) -> bool:
    """Whether a cell reads as a date in either day order (Excel numbers excluded)."""
    if isinstance(value, date):
        return True
    if isinstance(value, int | float) or value is None:
        return False
    text = str(value).strip()
    if not text or text.isdigit():
        return False
    return parse_date(text, True) is not None or parse_date(text, False) is not None


class DateReader:
    """Reads one file's dates in the day order its values settle.

    Any first number above 12 in a ``n/n/yyyy`` date settles day-first; any second
    number above 12 settles month-first. If the values settle neither, day-first is
    used, as UK publishers write dates, and :attr:`note` says so. Each distinct value
    is parsed once.
    """

    def __init__(self, values):
        pairs = [p for v in values if isinstance(v, str) and (p := numeric_pair(v))]
        first_high = sum(1 for a, _ in pairs if a > 12)
        second_high = sum(1 for _, b in pairs if b > 12)
        self.day_first = first_high >= second_high
        if not pairs:
            self.note = ""
        elif first_high and second_high:
            order = "day-first" if self.day_first else "month-first"
            self.note = (
                f"dates: both orders appear ({first_high} day-first, {second_high} "
                f"month-first); read {order}, the other dates may be undated"
            )
        elif first_high or second_high:
            order = "day-first" if self.day_first else "month-first"
            self.note = f"dates: {order}, settled by the values"
        else:
            self.note = (
                "dates: day/month order not settled by the values (no number above 12); "
                "read day-first, as UK publishers write them"
            )
        self._cache: dict = {}

    def __call__(self, value) -> date | None:
        """The date of one cell, or None."""
        if value is None:
            return None
        try:
            return self._cache[value]
        except KeyError:
            found = self._cache[value] = parse_date(value, self.day_first)
            return found
        except TypeError:  # an unhashable cell
            return parse_date(value, self.day_first)


_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|£")


def header_words(text) -> set[str]:
    """Lower-case words of a header: ``"SupplierName (£)"`` -> ``{"supplier", "name", "£"}``."""
    return {w.lower() for w in _WORD.findall(str(text or ""))}


def normalise_header(text) -> str:
    """Lower-case letters only: ``"Net Amount(£)"`` -> ``"netamount"``."""
    return re.sub(r"[^a-z]", "", str(text or "").lower())


def parse_columns_option(text: str | None) -> dict[str, str]:
    """``supplier=Name,amount=Net Amount`` -> a mapping; unknown fields are errors.

    A value may also be a column number counted from 1 (``amount=6``), for files
    without a header.
    """
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError(
                f"--columns: {part!r} is not FIELD=HEADER (allowed fields: {', '.join(FIELDS)})"
            )
        name, header = (p.strip() for p in part.split("=", 1))
        if name not in FIELDS:
            raise InputError(f"--columns: unknown field {name!r} (allowed: {', '.join(FIELDS)})")
        out[name] = header
    return out
