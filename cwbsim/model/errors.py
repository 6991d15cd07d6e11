"""One-line errors for bad input: a file, a key, and what was expected."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence

import pydantic


class InputError(Exception):
    """Bad input from a user: a spec, a scenario or a data file.

    The message is one line naming the file, the key or row, and what was
    expected; the CLI prints it and exits with code 2.
    """


def key_path(loc: Sequence[str | int]) -> str:
    """Render a pydantic location as ``anchors[2].wage_share``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _inner_models(annotation: object) -> list[type[pydantic.BaseModel]]:
    """The pydantic models nested inside a field annotation (lists, dicts, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    found: list[type[pydantic.BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_models(typing.get_args(annotation)[0])
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found.extend(_inner_models(arg))
    return found


def _tag(model: type[pydantic.BaseModel]) -> str | None:
    """The ``type`` literal of a model in a discriminated union, if it has one."""
    field = model.model_fields.get("type")
    if field is None:
        return None
    args = typing.get_args(field.annotation)
    return args[0] if len(args) == 1 and isinstance(args[0], str) else None


def _walk(
    root: type[pydantic.BaseModel], loc: Sequence[str | int]
) -> tuple[list[str | int], type[pydantic.BaseModel] | None]:
    """Follow ``loc`` through the schema.

    Returns the location without discriminator tags (which pydantic inserts
    for tagged unions) and the model holding the last key.
    """
    clean: list[str | int] = []
    current: type[pydantic.BaseModel] | None = root
    options: list[type[pydantic.BaseModel]] = []
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(part, int):
            clean.append(part)
            continue
        tagged = [m for m in options if _tag(m) == part]
        if tagged and not last:
            current, options = tagged[0], []
            continue
        clean.append(part)
        if last or current is None:
            break
        field = current.model_fields.get(part)
        if field is None:
            current = None
            continue
        options = _inner_models(field.annotation)
        current = options[0] if len(options) == 1 else None
    return clean, current


def _allowed(error: dict, root: type[pydantic.BaseModel]) -> str:
    """Describe the allowed values for one pydantic error."""
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "extra_forbidden":
        _, holder = _walk(root, error["loc"])
        if holder is not None:
            return "allowed keys: " + ", ".join(holder.model_fields)
        return "no such key is allowed here"
    if kind == "missing":
        return "this key is required"
    bounds = {
        "greater_than_equal": ">= {ge}",
        "greater_than": "> {gt}",
        "less_than_equal": "<= {le}",
        "less_than": "< {lt}",
    }
    if kind in bounds:
        return "allowed: " + bounds[kind].format(**{k: _plain(v) for k, v in ctx.items()})
    if kind in ("literal_error", "enum"):
        return f"allowed: {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"allowed: {ctx.get('expected_tags', '')}"
    if kind == "union_tag_not_found":
        return "each entry needs a 'type'"
    return ""


def _plain(value) -> str:
    """A number as a person writes it: 10,000,000,000,000 rather than 1e+13."""
    if isinstance(value, int | float) and float(value).is_integer() and abs(value) >= 1e4:
        return f"{value:,.0f}"
    return str(value)


def format_validation_error(
    error: pydantic.ValidationError, source: str, root: type[pydantic.BaseModel]
) -> str:
    """Turn a pydantic error into one line: ``source: key: message (allowed ...)``.

    Parameters
    ----------
    error : pydantic.ValidationError
        The error raised by validating ``root``.
    source : str
        The file (or other origin) the data came from.
    root : type[pydantic.BaseModel]
        The schema that was validated, used to list the allowed keys.
    """
    # an unknown key (often a typo) explains the rest, e.g. a "missing" correct key
    problems = sorted(error.errors(), key=lambda p: p["type"] != "extra_forbidden")
    first = problems[0]
    message = first["msg"].removeprefix("Value error, ")
    allowed = _allowed(first, root)
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    if first["type"] == "union_tag_invalid":
        message = f"unknown type {first['ctx']['tag']!r}"
    if first["type"] in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        message = f"{first.get('input')!r} is out of range"
    if first["type"] == "finite_number":
        message = f"{first.get('input')!r} is not a finite number"
    clean, _ = _walk(root, first["loc"])
    line = f"{source}: {key_path(clean)}: {message}"
    if allowed:
        line += f" ({allowed})"
    if len(problems) > 1:
        line += f" [and {len(problems) - 1} more problem(s)]"
    return line
