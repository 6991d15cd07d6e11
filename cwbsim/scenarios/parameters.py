"""The one way to name, check and set a parameter of a scenario or its economy.

A parameter is a dotted path into a scenario (``scenario.intervention.0.weight``) or its
base economy (``spec.behaviour.tenders.renewal_probability``,
``spec.households.0.local_share``); ``*`` stands for every item of a list or every key
of a table (``spec.anchors.*.local_staff_share``). Values are checked against the
bounds declared once, on the schema's field: the spec and scenario models validate
every assignment, so a value out of range is an error naming the path. Sweeps,
calibration fitting, the app's levers and the command line's ``--set`` all go through
here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import annotated_types
import pydantic
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cwbsim.model.errors import InputError
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios.schema import Scenario

ROOTS = ("scenario", "spec")


def _step(target, part: str):
    if isinstance(target, list):
        if not part.isdigit() or int(part) >= len(target):
            raise KeyError(f"no item {part!r} (allowed: 0 to {len(target) - 1})")
        return target[int(part)]
    if isinstance(target, dict):
        if part not in target:
            raise KeyError(f"no key {part!r} (allowed: {', '.join(map(str, target))})")
        return target[part]
    if isinstance(target, BaseModel):
        if part not in type(target).model_fields:
            raise KeyError(f"no key {part!r} (allowed: {', '.join(type(target).model_fields)})")
        return getattr(target, part)
    raise KeyError(f"{part!r} goes below a value")


def _root(scenario: Scenario | None, spec: EconomySpec | None, path: str):
    root, *parts = path.split(".")
    if root not in ROOTS or not parts:
        raise KeyError(f"path must start with scenario. or spec. (given {path!r})")
    target = {"scenario": scenario, "spec": spec}[root]
    if target is None:
        raise KeyError(
            f"there is no {root} here (allowed: paths starting {ROOTS[1 - ROOTS.index(root)]}.)"
        )
    return target, parts


def expand(scenario: Scenario | None, spec: EconomySpec | None, path: str) -> list[str]:
    """The concrete paths a path with ``*`` stands for (the path itself if it has none)."""
    target, parts = _root(scenario, spec, path)
    found = [(path.split(".", 1)[0], target)]
    for part in parts:
        following = []
        for prefix, node in found:
            if part == "*":
                keys = (range(len(node)) if isinstance(node, list) else
                        node if isinstance(node, dict) else None)  # fmt: skip
                if keys is None:
                    raise KeyError(f"'*' in {path!r} stands on a value, not a list or table")
                following += [(f"{prefix}.{k}", _step(node, str(k))) for k in keys]
            else:
                following.append((f"{prefix}.{part}", _step(node, part)))
        found = following
    return [prefix for prefix, _ in found]


def get_value(scenario: Scenario | None, spec: EconomySpec | None, path: str) -> float:
    """The number at a concrete path."""
    target, parts = _root(scenario, spec, path)
    for part in parts:
        target = _step(target, part)
    if isinstance(target, bool) or not isinstance(target, int | float):
        raise KeyError(f"{path!r} is not a number (it is {type(target).__name__})")
    return float(target)


def set_value(scenario: Scenario | None, spec: EconomySpec | None, path: str, value: float) -> None:
    """Set the number at ``path`` (every match of a ``*``) on the objects given, in place.

    Raises
    ------
    KeyError
        The path does not exist or does not end at a number.
    pydantic.ValidationError
        The value is outside the bounds the schema declares for that field.
    """
    for concrete in expand(scenario, spec, path):
        target, parts = _root(scenario, spec, concrete)
        for part in parts[:-1]:
            target = _step(target, part)
        last = parts[-1]
        current = _step(target, last)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise KeyError(f"{path!r} is not a number (it is {type(current).__name__})")
        number = round(value) if isinstance(current, int) else float(value)
        if isinstance(target, list):
            target[int(last)] = number
        elif isinstance(target, dict):
            target[last] = number
        else:
            setattr(target, last, number)


def _field(scenario: Scenario | None, spec: EconomySpec | None, path: str) -> FieldInfo | None:
    target, parts = _root(scenario, spec, path)
    owner, name = None, None
    for part in parts:
        if isinstance(target, BaseModel):
            owner, name = type(target), part
        target = _step(target, part)
    if owner is None or name is None:
        return None
    info = owner.model_fields[name]
    return info if name == parts[-1] else None


def field_bounds(info: FieldInfo | None) -> tuple[float, float]:
    """The low and high bounds a schema field declares (``ge``/``gt``, ``le``/``lt``)."""
    low, high = -math.inf, math.inf
    for item in getattr(info, "metadata", ()) or ():
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            low = float(getattr(item, "ge", getattr(item, "gt", low)))
        if isinstance(item, annotated_types.Le | annotated_types.Lt):
            high = float(getattr(item, "le", getattr(item, "lt", high)))
    return low, high


def bounds(scenario: Scenario | None, spec: EconomySpec | None, path: str) -> tuple[float, float]:
    """The bounds the schema declares for the field at ``path`` (infinite where none)."""
    return field_bounds(_field(scenario, spec, expand(scenario, spec, path)[0]))


def describe(scenario: Scenario | None, spec: EconomySpec | None, path: str) -> str:
    """A parameter in words: its schema field's description (the path if it has none)."""
    try:
        info = _field(scenario, spec, expand(scenario, spec, path)[0])
    except KeyError:
        return path
    text = (info.description or "").strip() if info is not None else ""
    return text.split(" (")[0].rstrip(".") if text else path


def apply(
    scenario: Scenario | None,
    spec: EconomySpec | None,
    values: Mapping[str, float] | Iterable[tuple[str, float]],
    source: str = "parameter",
) -> tuple[Scenario | None, EconomySpec | None]:
    """Copies of ``scenario`` and ``spec`` with ``values`` (path -> number) set.

    Raises
    ------
    InputError
        A path that does not exist, or a value outside its field's bounds; the
        message names ``source``, the path and the allowed range.
    """
    scenario = scenario.model_copy(deep=True) if scenario is not None else None
    spec = spec.model_copy(deep=True) if spec is not None else None
    items = values.items() if isinstance(values, Mapping) else values
    for path, value in items:
        try:
            set_value(scenario, spec, path, value)
        except KeyError as error:
            raise InputError(f"{source}: {path}: {error.args[0]}") from None
        except pydantic.ValidationError as error:
            low, high = bounds(scenario, spec, path)
            raise InputError(
                f"{source}: {path} = {value:g} is out of range (allowed: {low:g} to {high:g}; "
                f"{error.errors()[0]['msg']})"
            ) from None
    return scenario, spec


def parse_settings(texts: Iterable[str], option: str = "--set") -> list[tuple[str, float]]:
    """``["spec.households.0.local_share=0.4", …]`` -> ``[(path, value), …]``."""
    out = []
    for text in texts:
        path, sep, number = text.partition("=")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not sep or not path.strip() or not math.isfinite(value):
            raise InputError(
                f"{option}: {text!r} (expected PATH=NUMBER, e.g. scenario.intervention.0.weight=4)"
            )
        out.append((path.strip(), value))
    return out
