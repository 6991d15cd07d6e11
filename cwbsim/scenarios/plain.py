"""Scenarios in plain words, for people: what each intervention does, in sentences.

The words come from the scenario schema: each intervention's lever label and
docstring say what it is, each field's description says what its value means.
Values are written with their units (%, £ an hour, £m, percentage points) and
never in e-notation; file paths in descriptions, sources and assumptions are
replaced by what they stand for (a report goes to people who cannot open them).
"""

from __future__ import annotations

import re

from cwbsim.model.spec.types import SECTION_NAMES
from cwbsim.scenarios.schema import Scenario

TIMING = ("type", "start_year", "ramp_years", "anchors")
"""Fields every intervention has, said once in the timing sentence."""
ANCHOR_TYPES = ("procurement_preference", "local_hiring", "wage_floor", "anchor_budget")
"""Interventions that act through the anchors (the others act on firms or households)."""
OWNERS = {"external": "externally owned local firms", "local": "locally owned firms"}

_DOC_PATH = re.compile(r"\b(?:[\w-]+/)+([\w-]+)\.(?:md|txt|rst|html)\b")
_ABSOLUTE = re.compile(r"(?<![\w.:/])(?:~|[A-Za-z]:)?[/\\](?:[\w.-]+[/\\])+[\w.-]*")
_RELATIVE = re.compile(r"\b(?:[\w-]+/)+[\w.-]+\.(?:toml|csv|parquet|json|py|xlsx?)\b")
_FILE = re.compile(r"\b[\w.-]+\.(toml|csv|parquet|json|xlsx?)\b")
_FILE_WORDS = {"toml": "a scenario or economy file", "csv": "a data table"}


def _document(match: re.Match) -> str:
    return f"cwbsim's {match.group(1).replace('-', ' ').replace('_', ' ')} notes"


def plain(text: str) -> str:
    """``text`` for people: no file paths or file names, no code quotes.

    A project document (``docs/validation.md``) becomes its title in words ("cwbsim's
    validation notes"); any other path or file name becomes what it is ("a data table").
    Web addresses (``preston.gov.uk/article/1791``) are kept: they are sources.
    """
    text = _ABSOLUTE.sub("a local file", text.replace("`", ""))
    text = _DOC_PATH.sub(_document, text)
    text = _RELATIVE.sub("a file of the model", text)
    return _FILE.sub(lambda m: _FILE_WORDS.get(m.group(1).lower(), "a data file"), text)


def number(value: float) -> str:
    """A plain number: thousands separated, at most three decimals, never e-notation."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(value: float, signed: bool = False) -> str:
    """A share (0.929) as people read it ("92.9%")."""
    shown = number(round(value * 100, 1))
    return ("+" if signed and value > 0 else "") + f"{shown}%"


def money(value: float) -> str:
    """£ as people read it: "£1.5m" from a million up, else whole pounds."""
    if abs(value) >= 1e6:
        return f"£{number(round(value / 1e6, 1))}m"
    return f"£{value:,.0f}"


def year_label(start: str | None, year: int) -> str:
    """Year ``year`` (1 = the first) of a run starting in ``start`` (YYYY-MM): "2013/14".

    A run starting in January counts calendar years ("2013"); without a start, "year 3".
    """
    if not start:
        return f"year {year}"
    first, month = (int(part) for part in start.split("-"))
    calendar = first + year - 1
    return str(calendar) if month == 1 else f"{calendar}/{(calendar + 1) % 100:02d}"


def _description(field) -> str:
    """A field's description without notes on defaults, cross-references or units."""
    text = (field.description or "").strip().rstrip(".")

    def keep(match: re.Match) -> str:
        parts = [
            p.strip()
            for p in match.group(1).split(";")
            if not re.search(r"default|see |empty =|/|\.md|\d\.\d+ =", p)
        ]
        return f" ({'; '.join(parts)})" if parts else ""

    text = re.sub(r"\s*\(([^()]*)\)", keep, text).split(": ")[0]
    return re.sub(r",\s*(£|%)[^,]*$", "", text).strip()


def _value(kind: str, name: str, field, value) -> str:
    """One field's value in words and units."""
    described = field.description or ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if not value:
            return "all"
        if name == "sectors":
            return "; ".join(SECTION_NAMES.get(v, v) for v in value)
        if name == "ownership":
            return " and ".join(OWNERS.get(v, v) for v in value)
        return ", ".join(str(v) for v in value)
    if name == "shift":
        shown = number(round(value * 100, 2))
        return ("+" if value > 0 else "") + f"{shown} percentage points"
    if "share" in name:
        return percent(value)
    if "£ per hour" in described:
        return f"£{value:,.2f} an hour"
    if "% per year" in described:
        return ("+" if value > 0 else "") + f"{number(value)}% a year"
    if "£ per year" in described:
        return f"{money(value)} a year"
    if "£" in described:
        return money(value)
    if name.endswith("years") or name.endswith("_of_change"):
        return f"{number(value)} year" + ("" if value == 1 else "s")
    return number(value)


def lever_label(item) -> str:
    """The intervention's name for people: its lever's label, else its type in words."""
    for field in type(item).model_fields.values():
        extra = field.json_schema_extra
        if isinstance(extra, dict) and "lever" in extra:
            return re.sub(r",\s*(£|%).*$", "", extra["lever"]["label"])
    return item.type.replace("_", " ").capitalize()


def intervention_sentences(item, start: str | None = None) -> list[str]:
    """What one intervention does, in sentences (its docstring, timing, then each setting)."""
    fields = type(item).model_fields
    what = " ".join((type(item).__doc__ or "").split()).rstrip(".")
    sentences = [f"{what}."] if what else []
    when = f"from year {item.start_year} ({year_label(start, item.start_year)})"
    if item.ramp_years:
        ramp = _value(item.type, "ramp_years", fields["ramp_years"], item.ramp_years)
        when += f", reaching full strength over {ramp}"
    else:
        when += ", at full strength at once"
    if item.anchors:
        sentences.append(f"It applies to {', '.join(item.anchors)}, {when}.")
    elif item.type in ANCHOR_TYPES:
        sentences.append(f"It applies to all anchors, {when}.")
    else:
        sentences.append(f"It acts {when}.")
    for name, field in fields.items():
        if name in TIMING:
            continue
        value = getattr(item, name)
        if value is None or value is False:
            continue
        label = _description(field)
        if value is True:
            sentences.append(f"{label}.")
            continue
        sentences.append(f"{label}: {_value(item.type, name, field, value)}.")
    return [plain(s) for s in sentences]


def scenario_summary(plan: Scenario) -> str:
    """A scenario's description for people (its ``description``, else a sentence from its name)."""
    text = plain(plan.description.strip()) if plan.description else ""
    if not text:
        text = f"{plan.name}, with no description given"
    return text if text.endswith(".") else f"{text}."
