"""What happened to one spend file or sheet: the row accounting and the choices made."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FileReport:
    """What happened to one file or sheet. Money in £ over the rows of the file.

    Attributes
    ----------
    rows_read : int
        Every record in the file or sheet, blank ones included.
    rows_used : int
        Rows kept as payments.
    rejected : collections.Counter
        Rows that look like payments but were not used, by reason.
    rejected_total : dict
        £ of the rejected rows whose amount could be read, by reason.
    not_data : collections.Counter
        Rows that are not payments, by kind (blank, header, preamble, footer, note,
        publisher total, subtotal).
    not_read : int
        Rows of a table that yielded no spend table (``--skip-unreadable``).
    total : float
        Sum of the used rows' amounts, £.
    undated : int
        Used rows whose date could not be read (kept; no month for them).
    columns : dict
        The column chosen for each role (its header, or its position).
    evidence : dict
        Why each column was chosen: its cell score, header score and the next best.
    published_total : float or None
        The publisher's own total row, where it wrote one.
    """

    source: str
    format: str = ""
    rows_read: int = 0
    rows_used: int = 0
    rejected: Counter = field(default_factory=Counter)
    rejected_total: dict[str, float] = field(default_factory=dict)
    not_data: Counter = field(default_factory=Counter)
    not_read: int = 0
    total: float = 0.0
    undated: int = 0
    rounded: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    decided_by: str = ""
    notes: list[str] = field(default_factory=list)
    published_total: float | None = None
    summary: bool = False
    unreadable: str = ""
    seconds: float = 0.0

    @property
    def duplicates(self) -> int:
        """Rows dropped because an earlier file of the batch had the same payment."""
        return self.rejected.get(REPEAT, 0)

    @property
    def duplicate_total(self) -> float:
        """Their £."""
        return self.rejected_total.get(REPEAT, 0.0)

    @property
    def difference(self) -> float | None:
        """Rows (used and rejected with an amount) minus the published total, £."""
        if self.published_total is None:
            return None
        counted = self.total + sum(self.rejected_total.values())
        return round(counted - self.published_total, 2)

    def balanced(self) -> bool:
        """Whether every row read is used, rejected, not data or not read."""
        accounted = (
            self.rows_used + sum(self.rejected.values()) + sum(self.not_data.values())
        ) + self.not_read
        return accounted == self.rows_read

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {
            "source": self.source,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rejected": dict(self.rejected),
            "rejected_total": {k: round(v, 2) for k, v in self.rejected_total.items()},
            "not_data": dict(self.not_data),
            "not_read": self.not_read,
            "total": round(self.total, 2),
            "undated": self.undated,
            "amounts_rounded_to_penny": self.rounded,
            "columns": self.columns,
            "evidence": self.evidence,
            "decided_by": self.decided_by,
            "notes": self.notes,
            "published_total": self.published_total,
            "difference_from_published_total": self.difference,
            "summary_file": self.summary,
            "unreadable": self.unreadable,
            "seconds": round(self.seconds, 3),
        }


REPEAT = "repeats a payment in an earlier file"
NOT_DATA = ("blank", "header", "subtotal", "publisher total", "text")
