"""A scenario acting on a running model: the one path the runner, comparisons, sweeps and app share."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cwbsim.model.codes import STEPS_PER_YEAR
from cwbsim.model.economy import LocalEconomy
from cwbsim.scenarios.interventions import bind


class Driver:
    """A scenario's interventions bound to one :class:`LocalEconomy`, applied month by month.

    Binding resolves each intervention's targets and snapshots what it scales
    from (anchor income, firm capacity); each month the interventions set
    their levers for that month, then the model runs it.

    Parameters
    ----------
    model : LocalEconomy
    interventions : sequence
        A scenario's ``intervention`` list (validated schema objects).
    """

    def __init__(self, model: LocalEconomy, interventions: Sequence = ()):
        self.model = model
        self.interventions = list(interventions)
        self.applied = bind(self.interventions, model)

    def apply(self, month: int) -> None:
        """Set every intervention's levers for ``month`` (1-based, the step about to run)."""
        for item in self.applied:
            item.apply(month)

    def step(self) -> None:
        """Apply the interventions for the next month, then run it."""
        self.apply(self.model.steps + 1)
        self.model.step()

    def run(self, years: int, progress: Callable[[int], None] | None = None) -> None:
        """Run ``years`` years of months, calling ``progress(month)`` after each."""
        for _ in range(years * STEPS_PER_YEAR):
            self.step()
            if progress is not None:
                progress(self.model.steps)


def not_started(interventions: Sequence, years: int) -> list[str]:
    """The interventions whose first month falls after ``years`` years (they would change nothing)."""
    return [
        f"{item.type} (starts in year {item.start_year})"
        for item in interventions
        if (item.start_year - 1) * STEPS_PER_YEAR + 1 > years * STEPS_PER_YEAR
    ]
