"""Groups of areas asked about by name: an area code or name, a named group, a list."""

from __future__ import annotations

from cwbsim.model.errors import InputError


def several_places(spec) -> bool:
    """Whether ``spec`` is a city-region: more than one area modelled in full (tier local)."""
    return sum(a.tier == "local" for a in spec.areas) > 1


def joined(names: list[str]) -> str:
    """Names of a group for people: one or two names, else how many areas."""
    if len(names) <= 2:
        return " and ".join(names)
    return f"{len(names)} areas"


def resolve_area(spec, text: str, source: str = "--area") -> tuple[str, list[str]]:
    """The name and area codes of a group of areas of ``spec`` asked for by ``text``.

    ``text`` is an area code or name, a group of the spec's ``groups``, ``places``
    (every local-tier area), or a comma-separated list of these; case does not matter.

    Raises
    ------
    InputError
        One line naming ``source``, what was not found and the allowed names.
    """
    by_key: dict[str, tuple[str, list[str]]] = {}
    for area in spec.areas:
        by_key[area.code.lower()] = (area.name, [area.code])
        by_key[area.name.lower()] = (area.name, [area.code])
    places = [a.code for a in spec.areas if a.tier == "local"]
    by_key["places"] = (joined([a.name for a in spec.areas if a.tier == "local"]), places)
    for name, codes in spec.groups.items():
        by_key[name.lower()] = (name, list(codes))
    names, codes = [], []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.lower() not in by_key:
            allowed = [*spec.groups, "places", *(a.name for a in spec.areas)]
            raise InputError(
                f"{source}: {item!r} is not an area or group of {spec.name} "
                f"(allowed: {', '.join(allowed[:20])}, or area codes)"
            )
        name, found = by_key[item.lower()]
        names.append(name)
        codes += [c for c in found if c not in codes]
    if not codes:
        raise InputError(f"{source}: no area given (expected an area or group of {spec.name})")
    return (names[0] if len(names) == 1 else joined(names)), codes
