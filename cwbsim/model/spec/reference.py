"""The spec file's keys as a Markdown reference, written from the schema itself.

Every key's type, default, bounds and meaning come from the one declaration on
the pydantic field, so the reference cannot drift from what ``cwbsim run``
accepts. ``docs/spec-reference.md`` is this module's output; a test keeps it
current (regenerate with ``python -m cwbsim.model.spec.reference > docs/spec-reference.md``).
"""

from __future__ import annotations

import types
import typing

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from cwbsim.model.spec.schema import EconomySpec


def _models(annotation) -> list[type[BaseModel]]:
    """The schema models an annotation refers to (inside lists, dicts, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found += _models(arg)
    return found


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        options = [repr(a).replace("'", '"') for a in typing.get_args(annotation)]
        if len(options) > 6:
            return f"{options[0]} to {options[-1]}"
        return " \\| ".join(options)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_type_name(a) for a in typing.get_args(annotation))
    if origin is list:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"table of {_type_name(key)} → {_type_name(value)}"
    if origin is tuple:
        return "[" + ", ".join(_type_name(a) for a in typing.get_args(annotation)) + "]"
    if annotation is type(None):
        return "none"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"table ({annotation.__name__})"
    return getattr(annotation, "__name__", str(annotation))


def _bounds(field: FieldInfo) -> str:
    parts = []
    for item in field.metadata:
        for name, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(item, name, None)
            if isinstance(item, annotated_types.BaseMetadata) and value is not None:
                parts.append(f"{sign} {_number(value)}")
    return ", ".join(parts)


def _number(value) -> str:
    """10,000,000,000,000 rather than 1e+13."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:g}"


def _default(field: FieldInfo) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.default_factory() if field.default_factory is not None else field.default
    if isinstance(value, BaseModel) or (
        isinstance(value, dict) and any(isinstance(v, BaseModel) for v in value.values())
    ):
        return "(its defaults)"
    if isinstance(value, float):
        return _number(value)
    return f"`{value}`" if value not in (None, "") else "—"


def reference(root: type[BaseModel] = EconomySpec) -> str:
    """Markdown: one table of keys per schema part, from the root down."""
    lines = [
        "# Spec file reference",
        "",
        "Generated from the schema (`python -m cwbsim.model.spec.reference`); money is £ per",
        "year unless a key says otherwise. An unknown key, a value out of bounds, NaN or",
        "infinity is an error naming the key. `docs/example-economy.toml` is a small",
        "complete spec; `cwbsim/model/spec/library/preston-2012.toml` a sourced one.",
    ]
    seen: set[type[BaseModel]] = set()
    queue: list[tuple[type[BaseModel], str]] = [(root, "(top level)")]
    while queue:
        model, where = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        lines += ["", f"## {model.__name__}: {where}", ""]
        if model.__doc__:
            lines += [" ".join(model.__doc__.split()), ""]
        lines += ["| key | type | default | bounds | meaning |", "|---|---|---|---|---|"]
        for name, field in model.model_fields.items():
            meaning = (field.description or "").replace("|", "\\|")
            lines.append(
                f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | "
                f"{_bounds(field)} | {meaning} |"
            )
            for inner in _models(field.annotation):
                queue.append((inner, f"`{name}` in {model.__name__}"))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference(), end="")
