"""How people see a metric: plain names, units and numbers, from the metric registry.

One place turns a metric's value into text or a chart's scale, so the command line,
the comparison report and the app show the same thing: money as £m a year (or whole
£ for a household's income), shares as % and their differences as percentage points,
multipliers with two decimals, jobs and firms as whole numbers. Never e-notation.
"""

from __future__ import annotations

import math

from cwbsim.model.record.metrics import METRICS

UNITS = {
    "money": ("£m a year", 1e-6),
    "pounds": ("£ a year", 1.0),
    "share": ("%", 100.0),
    "ratio": ("", 1.0),
    "index": ("", 1.0),
    "count": ("", 1.0),
}
"""Display unit and scale of each format (a yearly value times the scale)."""
DIFFERENCE_UNITS = {**UNITS, "share": ("percentage points", 100.0)}
_DIGITS = {"money": 1, "pounds": 0, "share": 1, "ratio": 2, "index": 3, "count": 0}


def label(name: str) -> str:
    """The metric's plain name."""
    return METRICS[name].label or name


def short(name: str) -> str:
    """The metric's short name, for narrow tables and cards."""
    return METRICS[name].short or label(name)


def unit(name: str, difference: bool = False) -> str:
    """The display unit of a value (or of a difference) of the metric."""
    return (DIFFERENCE_UNITS if difference else UNITS)[METRICS[name].format][0]


def scale(name: str, difference: bool = False) -> float:
    """Multiply a yearly value (or difference) by this to get display units."""
    return (DIFFERENCE_UNITS if difference else UNITS)[METRICS[name].format][1]


def text(name: str, value: float | None, difference: bool = False) -> str:
    """A value (or difference) as people read it: "£12.3m", "18.2%", "+13.1 pp", "98,517"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    kind = METRICS[name].format
    shown = value * scale(name, difference)
    digits = _DIGITS[kind]
    sign = "+" if difference and shown > 0 else ""
    number = f"{sign}{shown:,.{digits}f}"
    if number in ("-0", "-0.0", "-0.00", "-0.000", "+0", "+0.0", "+0.00", "+0.000"):
        number = number[1:]
    if kind == "money":
        return f"{number[:1] if number[:1] in '+-' else ''}£{number.lstrip('+-')}m"
    if kind == "pounds":
        return f"{number[:1] if number[:1] in '+-' else ''}£{number.lstrip('+-')}"
    if kind == "share":
        return f"{number} pp" if difference else f"{number}%"
    return number


def headlines() -> list[str]:
    """The headline metrics, in registry order."""
    return [name for name, metric in METRICS.items() if metric.headline]


def compared() -> list[str]:
    """The metrics comparisons chart and table, in registry order."""
    return [name for name, metric in METRICS.items() if metric.compared]


def per_year(name: str, value_per_step: float) -> float:
    """A per-step (monthly) value as a yearly rate: money times 12, the rest as it is."""
    return value_per_step * 12 if METRICS[name].format == "money" else value_per_step
