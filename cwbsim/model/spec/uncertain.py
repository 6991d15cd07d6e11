"""Parameters we do not know: a dotted path, a distribution and where the range comes from.

Declared in a spec's or a scenario's ``[[uncertain]]`` tables; ``cwbsim compare`` draws
them per replicate. The path is a parameter path as ``--set`` takes it
(``spec.behaviour.tenders.renewal_probability``, ``scenario.intervention.0.weight``);
bounds are the schema's, checked when a draw is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from cwbsim.model.spec.types import Strict


class UncertainParameter(Strict):
    """One uncertain parameter and its distribution.

    ``uniform`` needs ``low`` < ``high``; ``triangular`` also ``mode`` between them;
    ``normal`` needs ``mean`` and ``sd`` (truncated to ``low`` and ``high`` where given);
    ``draws`` takes joint draws (a posterior) from a CSV file with a column named by the
    path and an optional ``weight`` column: parameters naming the same file are drawn
    together, one row per replicate.
    """

    path: str = Field(
        min_length=1, description="Parameter path, e.g. spec.behaviour.tenders.renewal_probability."
    )
    distribution: Literal["uniform", "triangular", "normal", "draws"] = Field(
        description="How the value is drawn."
    )
    low: float | None = Field(None, description="Lowest value (uniform, triangular; normal cut).")
    high: float | None = Field(None, description="Highest value (uniform, triangular; normal cut).")
    mode: float | None = Field(None, description="Most likely value (triangular).")
    mean: float | None = Field(None, description="Mean (normal).")
    sd: float | None = Field(None, gt=0.0, description="Standard deviation (normal).")
    draws: str | None = Field(
        None, description="CSV file of joint draws, relative to the file declaring it (draws)."
    )
    source: str = Field(
        min_length=1, description="Where the range comes from, or 'assumption' and why."
    )
    label: str | None = Field(
        None, description="Its name in reports (default: the schema's description of it)."
    )

    @model_validator(mode="after")
    def _complete(self) -> UncertainParameter:
        kind = self.distribution
        if kind in ("uniform", "triangular"):
            if self.low is None or self.high is None or not self.low < self.high:
                raise ValueError(f"{kind} needs low < high")
            if kind == "triangular" and (
                self.mode is None or not self.low <= self.mode <= self.high
            ):
                raise ValueError("triangular needs low <= mode <= high")
        if kind == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("normal needs mean and sd")
        if kind == "draws" and not self.draws:
            raise ValueError("draws needs a draws file (CSV)")
        return self


def resolve_files(items: list[UncertainParameter], folder: Path) -> list[UncertainParameter]:
    """The items with their draws files made absolute, relative to ``folder``."""
    out = []
    for item in items:
        if item.draws and not Path(item.draws).is_absolute():
            item = item.model_copy(update={"draws": str(Path(folder) / item.draws)})
        out.append(item)
    return out
