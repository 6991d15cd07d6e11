"""Which column is which in a spend table: cells first, headers as hints.

Every role (amount, supplier, date, expense type, department, reference, paying body)
scores every column from its cell profile (:mod:`spend_profiles`); the header's
words add at most one point for or against, so they break ties but never outweigh
the cells. Roles are assigned jointly, each column to one role at most
(``scipy.optimize.linear_sum_assignment``).

The header row may be anywhere, or absent: it is the row whose cells are all text,
distinct, and sit above the money and date columns, and whose words name the most
roles. Several money columns are settled by arithmetic (net + VAT = gross) or by
the header (net preferred); if neither settles it, the reader refuses rather than
guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from cwbsim.calibration.spend_cells import (
    FIELDS,
    header_words,
    looks_like_date,
    normalise_header,
    parse_amount,
)
from cwbsim.calibration.spend_choice import HINTS, Choice, NotASpendTable, hint
from cwbsim.calibration.spend_money import settle_money
from cwbsim.calibration.spend_profiles import (
    Profile,
    content_score,
    profile_rows,
    sample_indices,
)
from cwbsim.model.errors import InputError

HEADER_WORDS = set().union(*(good for good, _ in HINTS.values())) | {"date"}
"""Words that make a row look like a header."""

THRESHOLDS = {"amount": 0.5, "supplier": 0.5, "date": 1.0, "expense_type": 1.0,
              "department": 1.0, "reference": 1.0, "body": 1.0}  # fmt: skip
"""Least score (cells + header) for a role to be given a column at all."""

REQUIRED = ("amount", "supplier")
PRIORITY = 100.0
"""Added to the required roles' scores so that they are never given up for optional ones."""
_WORD = re.compile(r"[^\W\d_]{3}")
"""Three letters in a row: a header names its columns in words; amounts have none."""


@dataclass
class Layout:
    """Where a table's header is and which column holds each role."""

    header_row: int | None
    header: list[str]
    roles: dict[str, Choice]
    profiles: list[Profile]
    decided_by: str = ""
    notes: list[str] = field(default_factory=list)

    def column(self, role: str) -> int | None:
        """The index of the column holding ``role``, or None."""
        choice = self.roles.get(role)
        return None if choice is None else choice.index


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _is_text_cell(cell) -> bool:
    return (
        isinstance(cell, str)
        and bool(cell.strip())
        and parse_amount(cell) is None
        and not looks_like_date(cell)
    )


def _typed(p: Profile) -> bool:
    """A column of money or dates: all its cells but at most one in ten (or one) are."""
    typed = max(p.money, p.dates) * p.count
    return p.filled >= 0.5 and typed >= 2 and typed >= min(0.9 * p.count, p.count - 1)


def find_header(
    rows: list[list], profiles: list[Profile], candidates: list[int], named: tuple[str, ...] = ()
) -> int | None:
    """The row that names the columns, or None if no row does.

    A header row's cells are all text, distinct, fill at least half of the usual
    columns, and hold text above at least one money or date column; among such rows
    the one whose words name the most roles wins (the first, on a tie). A row holding
    every header ``named`` (from ``--columns``) wins outright.
    """
    usual = [p.index for p in profiles if p.filled >= 0.5]
    typed = {p.index for p in profiles if _typed(p)}
    wanted = {normalise_header(n) for n in named if not n.strip().isdigit()}
    best, best_score = None, 0.0
    for i in candidates:
        cells = [(j, c) for j, c in enumerate(rows[i]) if not _blank(c)]
        if len(cells) < 2 or len(cells) < 0.5 * len(usual):
            continue
        if not all(_is_text_cell(c) for _, c in cells):
            continue
        texts = [normalise_header(c) for _, c in cells]
        if len({str(c).strip().lower() for _, c in cells}) < 0.8 * len(cells):
            continue
        over_typed = sum(1 for j, _ in cells if j in typed)
        if typed and not over_typed:
            continue
        words = sum(1 for _, c in cells if header_words(c) & HEADER_WORDS)
        score = words + 0.5 * over_typed + (100 if wanted and wanted <= set(texts) else 0)
        if score > best_score:
            best, best_score = i, score
    return best


def _override_index(name: str, header: list[str], width: int, source: str) -> int:
    wanted = normalise_header(name)
    hits = [j for j, h in enumerate(header) if wanted and normalise_header(h) == wanted]
    if hits:
        return hits[0]
    if name.strip().isdigit() and 1 <= int(name) <= width:
        return int(name) - 1
    seen = ", ".join(repr(h) for h in header if str(h).strip()) or "no header"
    raise InputError(
        f"{source}: --columns names {name!r}, which is not a column here (headers: {seen}; "
        "or give a column number counted from 1)"
    )


def assign_roles(
    profiles: list[Profile], header: list[str], override: dict[str, str], source: str
) -> dict[str, Choice]:
    """Give each role the column that fits it best, each column to one role at most."""
    roles = list(FIELDS)
    width = len(profiles)
    forced = {role: _override_index(name, header, width, source) for role, name in override.items()}
    content = np.full((len(roles), width), np.nan)
    hints = np.zeros((len(roles), width))
    for r, role in enumerate(roles):
        for p in profiles:
            score = content_score(role, p)
            if score is not None:
                content[r, p.index] = score
                hints[r, p.index] = hint(role, p.header)
    total = np.where(np.isnan(content), -1e6, content + hints)
    for r, role in enumerate(roles):
        if role in REQUIRED:  # filled first, by any column that clears the threshold
            total[r] = np.where(total[r] >= THRESHOLDS[role], total[r] + PRIORITY, -1e6)
    for r, role in enumerate(roles):
        if role in forced:
            total[r, :] = -1e6
            total[:, forced[role]] = -1e6
    for r, role in enumerate(roles):
        if role in forced:
            total[r, forced[role]] = 1e6
    none = np.full((len(roles), len(roles)), -1e6)
    np.fill_diagonal(none, [THRESHOLDS[r] for r in roles])
    chosen_rows, chosen_cols = linear_sum_assignment(np.hstack([total, none]), maximize=True)
    chosen: dict[str, Choice] = {}
    for r, c in zip(chosen_rows, chosen_cols, strict=True):
        if c >= width or total[r, c] <= -1e5:
            continue
        others = [(total[r, j], j) for j in range(width) if j != c and total[r, j] > -1e5]
        runner = max(others, default=None)
        bonus = PRIORITY if roles[r] in REQUIRED else 0.0
        chosen[roles[r]] = Choice(
            index=int(c),
            name=profiles[c].name(),
            content=0.0 if np.isnan(content[r, c]) else float(content[r, c]),
            header=float(hints[r, c]),
            runner_up=profiles[runner[1]].name() if runner else "",
            runner_up_score=float(runner[0]) - bonus if runner else None,
        )
    return chosen


def _is_table(rows: list[list], picked: list[int], profiles: list[Profile]) -> bool:
    """Whether a sheet holds rows of data, not only notes, and must yield a spend table.

    A column holding a number, and either two rows of three or more cells (a header and
    one payment, at least) or three rows of two cells (a two-column table). A sheet of
    notes, one cell to a row, is not a table.
    """
    filled = [sum(1 for c in rows[i] if not _blank(c)) for i in picked]
    numbers = any(p.money * p.count >= 1 for p in profiles)
    wide = sum(1 for n in filled if n >= 3)
    pairs = sum(1 for n in filled if n >= 2)
    return numbers and (wide >= 2 or pairs >= 3)


def infer_layout(
    rows: list[list], source: str, override: dict[str, str], earlier: dict[int, list[str]]
) -> Layout | None:
    """The layout of a table, or None if it holds no rows of data.

    ``earlier`` maps a width to the header of a file already read in the batch; a
    table without a header row of its own takes those words as hints.

    Raises
    ------
    NotASpendTable
        Rows of data, but no column of amounts or of supplier names, or money
        columns that cannot be told apart.
    """
    picked = sample_indices(rows)
    if not picked:
        return None
    width = max(len(rows[i]) for i in picked)
    bare = profile_rows(rows, picked, width, [])
    if not override and not _is_table(rows, picked, bare):
        return None
    money = [(s, p.index) for p in bare if (s := content_score("amount", p)) is not None]
    candidates = list(dict.fromkeys(picked[:30] + picked[-30:]))
    if money:
        j = max(money)[1]
        candidates += [
            i for i, row in enumerate(rows)
            if j < len(row) and isinstance(row[j], str) and _WORD.search(row[j])
        ]  # fmt: skip
    header_row = find_header(rows, bare, sorted(set(candidates)), tuple(override.values()))
    if header_row is not None:
        header = ["" if c is None else str(c).strip() for c in rows[header_row]]
        width = max(width, len(header))
        key = [normalise_header(c) for c in header]
        body = [i for i in picked if [normalise_header(c) for c in rows[i]] != key]
        decided = "cells + header"
    elif width in earlier:
        header, body = earlier[width], picked
        decided = "cells + earlier header"
    else:
        header, body = [], picked
        decided = "cells alone"
    profiles = profile_rows(rows, body, width, header)
    roles = assign_roles(profiles, header, override, source)
    if override:
        decided += "; --columns: " + ", ".join(override)
    missing = [r for r in REQUIRED if r not in roles]
    if missing:
        seen = ", ".join(repr(h) for h in header if h) if header else "no header row"
        what = " and ".join({"amount": "money amounts", "supplier": "supplier names"}[r]
                            for r in missing)  # fmt: skip
        raise NotASpendTable(
            f"{source}: not a spend table: {len(rows)} rows but no column of {what} "
            f"(header seen: {seen}; expected a column of amounts and one of payee names, "
            "or name them with --columns)"
        )
    notes = []
    if "amount" not in override:
        note = settle_money(rows, body, profiles, roles, source)
        if note:
            notes.append(note)
    return Layout(header_row, header, roles, profiles, decided, notes)
