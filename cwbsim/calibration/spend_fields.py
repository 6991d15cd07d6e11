"""The cells of a spend file: which column is which, and how amounts and dates are written.

Header names drift between councils and years; amounts carry £ signs, separators,
brackets or trailing minus signs; dates come day-first, as ISO dates or as Excel
serial numbers. Anything that cannot be read unambiguously is refused (None),
never guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from cwbsim.model.errors import InputError

FIELDS = ("supplier", "amount", "date", "expense_type", "department", "reference", "body")
"""The columns a spend analysis needs; supplier and amount are required."""

SYNONYMS = {
    "supplier": ("supplier", "suppliername", "name", "payee", "payeename", "vendor",
                 "vendorname", "creditor", "merchant", "beneficiary"),
    "amount": ("amount", "netamount", "amountpaid", "total", "value", "net", "amountexvat",
               "netvalue", "grossamount", "paymentamount", "transactionamount", "sum"),
    "date": ("date", "paymentdate", "paiddate", "transactiondate", "datepaid", "invoicedate",
             "postingdate", "effectivedate"),
    "expense_type": ("expensetype", "account", "accountdetail", "category", "description",
                     "expenditurecategory", "expensesarea", "purpose", "subjective",
                     "accountdescription", "expensedescription", "suppliercategory",
                     "supplierclassification", "purchasecategory"),
    "department": ("department", "servicearea", "costcentre", "servicecostcentre",
                   "departmentarea", "directorate", "service", "expensearea", "division"),
    "reference": ("reference", "hbcrefno", "ref", "transactionnumber", "transactionno",
                  "invoicenumber", "documentnumber", "paymentreference", "transactionid"),
    "body": ("body", "bodyname", "organisation", "organisationname", "authority"),
}  # fmt: skip

_NORMALISE = re.compile(r"[^a-z]")
HEADER_SEARCH_ROWS = 30


def normalise_header(text: str) -> str:
    """Lower case letters only: ``"Net Amount(£)"`` -> ``"netamount"``."""
    return _NORMALISE.sub("", str(text).lower())


PREFIXES = {
    "supplier": ("supplier", "payee", "vendor", "creditor", "beneficiary"),
    "amount": ("amount", "netamount", "grossamount", "paymentamount", "transactionamount"),
    "date": ("date", "paymentdate", "transactiondate", "datepaid", "invoicedate", "postingdate"),
}
NOT_A_FIELD = ("id", "number", "postcode", "code", "type", "ref", "vat", "count")
"""Words that stop a header from being taken by prefix (``Supplier ID``, ``Total VAT``)."""


def _exact(header: str) -> str | None:
    key = normalise_header(header)
    for name, words in SYNONYMS.items():
        if key in words:
            return name
    return None


def _prefix(header: str) -> str | None:
    key = normalise_header(header)
    for name, words in PREFIXES.items():
        for word in words:
            rest = key[len(word) :]
            if key.startswith(word) and rest and not any(w in rest for w in NOT_A_FIELD):
                return name
    return None


def map_columns(header: list[str], override: dict[str, str] | None = None) -> dict[str, int]:
    """Column index of each field found in ``header``; ``override`` maps field -> header text.

    Exact synonyms win over prefixes (``Supplier Name`` beats ``Supplier ID``), and a
    prefix match is refused when the rest names an id, code, type or VAT column.
    """
    found: dict[str, int] = {}
    for match in (_exact, _prefix):
        for i, text in enumerate(header):
            name = match(text)
            if name and name not in found and i not in found.values():
                found[name] = i
    for name, text in (override or {}).items():
        wanted = normalise_header(text)
        hits = [i for i, h in enumerate(header) if normalise_header(h) == wanted]
        if hits:
            found[name] = hits[0]
    return found


_NUMBER = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$")


def parse_amount(text) -> float | None:
    """A money amount, £, or None if the text is not one.

    ``"£1,234.50"`` -> 1234.5; ``"(12.00)"``, ``"-12"``, ``"-£12"``, ``"12.00-"`` and
    ``"12CR"`` -> -12.0. Thousands separators must group three digits (``"1,23"`` is
    refused, not read as 123), and brackets must pair.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    value = str(text).strip().replace(" ", "").replace("\u00a0", "")
    negative = False
    if value.upper().endswith("CR"):
        value, negative = value[:-2], True
    if value.startswith("(") or value.endswith(")"):
        if not (value.startswith("(") and value.endswith(")")):
            return None
        value, negative = value[1:-1], True
    if value.endswith("-"):
        value, negative = value[:-1], True
    for _ in range(2):
        if value.startswith("-"):
            value, negative = value[1:], True
        if value.startswith("£"):
            value = value[1:]
    if not _NUMBER.match(value):
        return None
    number = float(value.replace(",", ""))
    return -number if negative else number


DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d-%m-%y", "%d.%m.%Y",
                "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d", "%d/%m/%Y %H:%M:%S",
                "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")  # fmt: skip


def parse_date(value) -> date | None:
    """A payment date from the formats councils use (day first), or an Excel date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value).strip()
    if text.isdigit() and 20000 < int(text) < 80000:
        return date(1899, 12, 30) + timedelta(days=int(text))  # an Excel serial date as text
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def parse_columns_option(text: str | None) -> dict[str, str]:
    """``supplier=Name,amount=Net Amount`` -> a mapping; unknown fields are errors."""
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
