"""What a spend table's column roles are decided with: header words, and the choices' record."""

from __future__ import annotations

from dataclasses import dataclass

from cwbsim.calibration.spend_cells import header_words
from cwbsim.model.errors import InputError

HINTS = {
    "amount": ({"amount", "value", "total", "spend", "net", "gross", "paid", "sum", "cost",
                "£", "gbp", "price", "payment", "expenditure", "invoiced", "charge"},
               {"id", "no", "number", "ref", "reference", "code", "count", "qty", "quantity",
                "year", "line", "seq", "period", "vat", "tax", "date"}),
    "supplier": ({"supplier", "vendor", "payee", "creditor", "beneficiary", "merchant", "name",
                  "company", "recipient", "contractor", "provider", "trader"},
                 {"id", "no", "number", "code", "ref", "reference", "postcode", "type",
                  "category", "body", "organisation", "entity", "department", "description"}),
    "date": ({"paid", "payment", "posted", "posting", "clearing"},
             {"invoice", "effective", "created", "due", "period", "updated"}),
    "expense_type": ({"expense", "expenditure", "type", "category", "account", "subjective",
                      "purpose", "classification", "element", "detail", "detailed", "proclass",
                      "sercop", "description", "nature"},
                     {"area", "department", "directorate", "service", "code", "id"}),
    "department": ({"department", "directorate", "service", "area", "division", "unit",
                    "centre", "center", "portfolio", "business", "section", "team", "function",
                    "cost"},
                   {"type", "category", "code", "id", "account"}),
    "reference": ({"ref", "reference", "number", "no", "id", "transaction", "document",
                   "invoice", "voucher", "trans"},
                  {"supplier", "vendor", "vat", "postcode", "code"}),
    "body": ({"body", "organisation", "organization", "entity", "authority", "council",
              "publisher"},
             {"supplier", "vendor", "payee", "code", "uri"}),
}  # fmt: skip
"""Header words for and against each role: evidence worth at most one point either way."""


def hint(role: str, header: str) -> float:
    """Evidence from a header's words for a role: +1, 0 or -1 (0.5 for a plain "Date")."""
    words = header_words(header)
    good, bad = HINTS[role]
    if role == "date" and "date" in words and not words & (good | bad):
        return 0.5  # a plain "Date": better than a dated column of another kind
    return (1.0 if words & good else 0.0) - (1.0 if words & bad else 0.0)


@dataclass
class Choice:
    """The column chosen for a role, with its evidence."""

    index: int
    name: str
    content: float
    header: float
    runner_up: str = ""
    runner_up_score: float | None = None

    def evidence(self) -> str:
        """One line: the cells' score, the header's, and the next best column's total."""
        text = f"cells {self.content:+.1f} header {self.header:+.0f}"
        if self.runner_up:
            text += f"; next best {self.runner_up!r} {self.runner_up_score:+.1f}"
        return text


class NotASpendTable(InputError):
    """A table with rows of data in which no amount or supplier column can be found."""
