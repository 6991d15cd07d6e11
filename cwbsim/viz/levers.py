"""The app's levers, read from the scenario schema rather than typed a second time.

Each intervention type marks one field as its lever (``json_schema_extra``,
see :func:`cwbsim.scenarios.schema.lever`). A lever's range comes from the
field's bounds (or the practical range the mark gives inside them), its help
text from the field's description and its default from the chosen scenario
(its first intervention of that type). A lever left where the scenario put
it changes nothing. Moved to its ``off`` value, it removes the interventions
of its type; moved elsewhere, it changes the first intervention of its type
(other phases of the same type are kept), or adds one that starts in year 1
at once. The result is validated by the scenario schema
itself, so a value outside the field's bounds, from a crafted request, is an
error message and never a silently wrong run.
"""

from __future__ import annotations

import math
import re
import typing
from dataclasses import dataclass

import pydantic

from cwbsim.model.errors import InputError, format_validation_error
from cwbsim.scenarios.parameters import field_bounds
from cwbsim.scenarios.schema import Intervention, Scenario


@dataclass(frozen=True)
class Lever:
    """One slider: an intervention type's marked field.

    Attributes
    ----------
    key : str
        Model parameter name, ``<type>__<field>``.
    kind : type
        The intervention class.
    field : str
        The field it sets.
    label, help : str
        Slider label, and the field's description with its class's summary.
    low, high, step : float
        Slider range and step, in display units.
    off : float
        Display value meaning "no intervention of this type".
    scale : float
        Schema units per display unit (1e6 for £ shown as £m, 0.01 for a share shown as %).
    unit : str
        Display unit written beside the number box ("%", "£m", "£ an hour").
    """

    key: str
    kind: type
    field: str
    label: str
    help: str
    low: float
    high: float
    step: float
    off: float
    scale: float
    unit: str = ""

    @property
    def type_name(self) -> str:
        """The intervention's ``type`` in scenario files."""
        return typing.get_args(self.kind.model_fields["type"].annotation)[0]


def intervention_types() -> list[type]:
    """The intervention classes of the scenario schema, in schema order."""
    union = typing.get_args(Intervention)[0]
    return list(typing.get_args(union))


def levers() -> list[Lever]:
    """Every lever the schema marks, in schema order."""
    found = []
    for kind in intervention_types():
        for name, info in kind.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            mark = extra.get("lever")
            if not mark:
                continue
            low, high = field_bounds(info)
            scale = mark["scale"]
            low = mark["low"] if mark["low"] is not None else round(low / scale, 9)
            high = mark["high"] if mark["high"] is not None else round(high / scale, 9)
            low = min(low, mark["off"])
            if not (math.isfinite(low) and math.isfinite(high)):
                raise ValueError(f"{kind.__name__}.{name}: a lever needs a finite range")
            summary = (kind.__doc__ or "").strip().splitlines()[0]
            type_name = typing.get_args(kind.model_fields["type"].annotation)[0]
            found.append(
                Lever(
                    key=f"{type_name}__{name}",
                    kind=kind,
                    field=name,
                    label=mark["label"],
                    help=f"{summary} {info.description or ''}".strip(),
                    low=low,
                    high=high,
                    step=mark["step"],
                    off=mark["off"],
                    scale=scale,
                    unit=mark.get("unit", ""),
                )
            )
    return found


LEVERS = {lever.key: lever for lever in levers()}


def to_display(lever: Lever, value: float) -> float:
    """A schema value in the lever's display units (rounded off float noise: 0.3 shows as 30 %)."""
    return round(value / lever.scale, 9)


def to_schema(lever: Lever, value: float) -> float:
    """A display value in the schema's units (rounded off float noise)."""
    return round(value * lever.scale, 12)


def lever_values(scenario: Scenario) -> dict[str, float]:
    """Each lever's display value in a scenario (its ``off`` value where the type is absent)."""
    values = {}
    for lever in LEVERS.values():
        items = [i for i in scenario.intervention if isinstance(i, lever.kind)]
        values[lever.key] = (
            to_display(lever, getattr(items[0], lever.field)) if items else lever.off
        )
    return values


def number_text(value: float) -> str:
    """A lever value for people: thousands separated, at most four decimals, never e-notation."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def range_text(lever: Lever, low: float, high: float) -> str:
    """A lever's allowed range in display units ("0 to 100", "0 or more")."""
    if not math.isfinite(high):
        return f"{number_text(to_display(lever, low))} or more"
    return f"{number_text(to_display(lever, low))} to {number_text(to_display(lever, high))}"


def _renumbered(uncertain: list[dict], kept: dict[int, int], changed: set[tuple[int, str]]) -> list:
    """Uncertainty declarations after the levers moved.

    On a removed intervention, or on a field a lever set by hand (the value is the
    user's now), a declaration is dropped; on an intervention that moved in the list,
    it is renumbered.
    """
    found = []
    for item in uncertain:
        match = re.fullmatch(r"scenario\.intervention\.(\d+)\.(\w+)", item["path"])
        if match is None:
            found.append(item)
            continue
        index, field = int(match[1]), match[2]
        if index not in kept or (index, field) in changed:
            continue
        found.append({**item, "path": f"scenario.intervention.{kept[index]}.{field}"})
    return found


def slider_range(lever: Lever, value: float) -> tuple[float, float]:
    """The slider's range: the lever's practical range, widened to include ``value``."""
    return min(lever.low, value), max(lever.high, value)


def with_levers(scenario: Scenario, values: dict, source: str = "levers") -> Scenario:
    """The scenario with lever values (display units) applied, validated by the schema.

    Unknown lever names, values that are not numbers and values outside the
    schema's bounds raise a one-line :class:`InputError`.
    """
    unknown = sorted(set(values) - set(LEVERS))
    if unknown:
        raise InputError(f"{source}: {unknown[0]!r} is not a lever (allowed: {', '.join(LEVERS)})")
    data = scenario.model_dump(mode="python")
    items = data["intervention"]
    for i, item in enumerate(items):
        item["_index"] = i  # where each intervention was, to renumber declarations after
    changed: set[tuple[int, str]] = set()
    current = lever_values(scenario)
    for key, raw in values.items():
        lever = LEVERS[key]
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise InputError(f"{source}: {key}: {raw!r} is not a number") from None
        if not math.isfinite(value):
            raise InputError(f"{source}: {key}: {raw!r} is not a finite number")
        low, high = field_bounds(lever.kind.model_fields[lever.field])
        if value != lever.off and not low <= to_schema(lever, value) <= high:
            raise InputError(
                f"{source}: {key}: {number_text(value)} is out of range "
                f"(allowed: {range_text(lever, low, high)}, or {number_text(lever.off)} for none)"
            )
        if value == current[key]:
            continue  # where the scenario put it: the scenario stays as written
        same = [i for i, item in enumerate(items) if item["type"] == lever.type_name]
        if value == lever.off:
            items[:] = [item for i, item in enumerate(items) if i not in same]
            continue
        if same:
            items[same[0]][lever.field] = to_schema(lever, value)
            if "_index" in items[same[0]]:
                changed.add((items[same[0]]["_index"], lever.field))
        else:
            items.append({"type": lever.type_name, lever.field: to_schema(lever, value)})
    kept = {item.pop("_index"): i for i, item in enumerate(items) if "_index" in item}
    data["uncertain"] = _renumbered(data.get("uncertain") or [], kept, changed)
    moved = [
        f"{LEVERS[key].label} {number_text(float(raw))}"
        + (f" {LEVERS[key].unit}" if LEVERS[key].unit else "")
        for key, raw in values.items()
        if float(raw) != current[key]
    ]
    if moved:  # the scenario's own words describe its values: say which were changed
        said = data["description"].rstrip()
        if said and not said.endswith((".", "!", "?")):
            said += "."
        data["description"] = f"{said} Levers changed in the app: {'; '.join(moved)}.".strip()
    try:
        return Scenario.model_validate(data)
    except pydantic.ValidationError as error:
        raise InputError(format_validation_error(error, source, Scenario)) from None
