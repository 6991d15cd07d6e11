"""The areas ``cwbsim app --area`` asks the app to record, as they reach its server process.

``cwbsim app`` checks them and passes them to ``python -m cwbsim.viz serve --areas``,
which puts them in the environment of Solara's server, where the app reads them.
Kept apart from the model so that the server's command starts without importing it.
"""

from __future__ import annotations

import json

from cwbsim.model.errors import InputError

AREAS_ENV = "CWBSIM_APP_AREAS"
"""Environment variable carrying ``cwbsim app --area`` to the app (:func:`parse_app_areas`)."""


def parse_app_areas(
    text: str | None, source: str = AREAS_ENV
) -> tuple[list[str] | None, dict[str, dict[str, list[str]]]]:
    """The areas the app records, and the groups they add to each economy, from JSON text.

    ``text`` is ``{"areas": [...], "groups": {economy: {name: [area codes]}}}``, as
    ``cwbsim app --area`` writes it: ``areas`` are the texts given to ``--area``; ``groups``
    are the named groups ``--area`` adds to an economy for a county or combined authority
    it does not name itself (as ``cwbsim run --area`` does). No text: ``(None, {})``.
    ``source`` names where the text came from in the error.

    Raises
    ------
    InputError
        One line, when the text is not of that shape.
    """
    if not text:
        return None, {}
    expected = '(expected {"areas": [names], "groups": {economy: {name: [codes]}}})'
    try:
        data = json.loads(text)
    except ValueError:
        raise InputError(f"{source}: not valid JSON {expected}") from None
    areas = data.get("areas") if isinstance(data, dict) else None
    groups = data.get("groups", {}) if isinstance(data, dict) else None

    def texts(items) -> bool:
        return isinstance(items, list) and all(isinstance(t, str) and t.strip() for t in items)

    if not (
        texts(areas)
        and areas
        and isinstance(groups, dict)
        and all(isinstance(n, dict) and all(map(texts, n.values())) for n in groups.values())
    ):
        raise InputError(f"{source}: {text[:80]!r} is not of the expected shape {expected}")
    return list(areas), groups
