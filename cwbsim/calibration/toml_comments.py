"""Write a spec as TOML with a comment beside each number saying where it came from."""

from __future__ import annotations

import re

import tomli_w

INLINE_MAX = 8
"""Tables of at most this many plain values are written inline (``{ A = 0.5, ... }``)."""
BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def commented_toml(data: dict, notes: dict[str, str], header: list[str]) -> str:
    """TOML text of ``data``; ``notes[path]`` (``"firms.3.count"``) becomes that line's comment.

    A note on a table of a list (``"anchors.0"``) goes on its ``[[anchors]]`` line.
    """
    lines = [f"# {line}" for line in header]
    lines += _table(data, notes, ())
    return "\n".join(lines).rstrip() + "\n"


def _table(table: dict, notes: dict[str, str], path: tuple) -> list[str]:
    lines = []
    for key, value in table.items():
        if not _is_table(value) and not _is_table_list(value):
            lines.append(f"{_key(key)} = {_value(value)}{_note(notes, (*path, key))}")
    for key, value in table.items():
        here = (*path, key)
        if _is_table(value):
            lines += ["", f"[{_dotted(here)}]{_note(notes, here)}", *_table(value, notes, here)]
        elif _is_table_list(value):
            for i, item in enumerate(value):
                lines += ["", f"[[{_dotted(here)}]]{_note(notes, (*here, i))}"]
                lines += _table(item, notes, (*here, i))
    return lines


def _is_table(value) -> bool:
    if not isinstance(value, dict):
        return False
    nested = any(isinstance(v, dict | list) and not _is_plain_list(v) for v in value.values())
    return nested or len(value) > INLINE_MAX


def _is_table_list(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _is_plain_list(value) -> bool:
    return isinstance(value, list | tuple) and all(not isinstance(v, dict | list) for v in value)


def _value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if _is_plain_list(value):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _key(key) -> str:
    text = str(key)
    return text if BARE.match(text) else tomli_w.dumps({text: 0}).split("=", 1)[0].strip()


def _dotted(path: tuple) -> str:
    return ".".join(_key(p) for p in path if not isinstance(p, int))


def _note(notes: dict[str, str], path: tuple) -> str:
    text = notes.get(".".join(str(p) for p in path))
    return f"  # {text}" if text else ""
