"""Several money columns in one spend table (net, VAT, gross): which one is the amount.

If one column is the sum of two others in nine rows in ten, the larger addend is the net
amount (net + VAT = gross). Otherwise the header decides: net, then a plain amount, then
gross; VAT or tax never. Two columns holding the same values are one. If nothing
settles it, the reader refuses rather than guess.
"""

from __future__ import annotations

import numpy as np

from cwbsim.calibration.spend_cells import header_words, parse_amount
from cwbsim.calibration.spend_choice import HINTS, Choice, NotASpendTable, hint
from cwbsim.calibration.spend_profiles import Profile, content_score

COMPETING = 1.0
"""Money columns whose cell score is within this of the chosen one are weighed against it."""


def _values(rows: list[list], picked: list[int], j: int) -> list[float | None]:
    return [parse_amount(rows[i][j]) if j < len(rows[i]) else None for i in picked]


def _net_of_gross(rows, picked, columns: list[Profile]) -> tuple[Profile, str] | None:
    """The net column where one money column is the sum of two others (net + VAT = gross)."""
    values = {p.index: _values(rows, picked, p.index) for p in columns}
    for gross in columns:
        for x in columns:
            for y in columns:
                if len({gross.index, x.index, y.index}) < 3 or x.index > y.index:
                    continue
                trios = [
                    (a, b, g)
                    for a, b, g in zip(
                        values[x.index], values[y.index], values[gross.index], strict=True
                    )
                    if a is not None and b is not None and g is not None
                ]
                if len(trios) < 5:
                    continue
                holds = sum(abs(a + b - g) <= 0.011 for a, b, g in trios) / len(trios)
                if holds >= 0.9:
                    size = {
                        p.index: float(
                            np.median([abs(v) for v in values[p.index] if v is not None])
                        )
                        for p in (x, y)
                    }
                    net, vat = (x, y) if size[x.index] >= size[y.index] else (y, x)
                    return net, (
                        f"net column {net.name()!r}: {net.name()!r} + {vat.name()!r} = "
                        f"{gross.name()!r} in {holds:.0%} of rows"
                    )
    return None


def settle_money(rows, picked, profiles, roles: dict[str, Choice], source: str) -> str:
    """Check the amount against other money columns; switch to the net one or refuse.

    Returns a note for the report (empty when no other column competes).
    """
    chosen = roles["amount"]
    taken = {c.index for r, c in roles.items() if r in ("supplier", "date")}
    rivals = [
        p
        for p in profiles
        if p.index != chosen.index
        and p.index not in taken
        and (score := content_score("amount", p)) is not None
        and score >= max(chosen.content - COMPETING, 1.5)
    ]
    if not rivals:
        return ""
    money = [profiles[chosen.index], *rivals]
    paid = [p for p in profiles if p.index not in taken and content_score("amount", p) is not None]
    settled = _net_of_gross(rows, picked, paid)
    if settled is not None:
        net, reason = settled
    else:
        scored = sorted(money, key=lambda p: _money_words(p.header), reverse=True)
        if _money_words(scored[0].header) <= _money_words(scored[1].header):
            if _same_values(rows, picked, scored[0].index, scored[1].index):
                net, reason = profiles[chosen.index], "two money columns hold the same values"
            else:
                names = ", ".join(repr(p.name()) for p in money)
                raise NotASpendTable(
                    f"{source}: {len(money)} columns hold money ({names}) and neither their "
                    "values (net + VAT = gross) nor their headers say which is the amount "
                    f"(expected one amount column; name it with --columns amount=HEADER or a "
                    "column number)"
                )
        else:
            net = scored[0]
            others = ", ".join(repr(p.name()) for p in scored[1:])
            reason = f"{net.name()!r} chosen over {others} by its header (net preferred)"
    if net.index != chosen.index:
        for role in [r for r, c in roles.items() if c.index == net.index]:
            del roles[role]
        roles["amount"] = Choice(
            net.index, net.name(), content_score("amount", net) or 0.0,
            hint("amount", net.header), chosen.name, chosen.content + chosen.header,
        )  # fmt: skip
    return f"amount: {reason}"


def _money_words(header: str) -> int:
    """Preference among money headers: net 3, a plain amount 2, gross 1, VAT or tax 0."""
    words = header_words(header)
    if words & {"vat", "tax"} and not words & {"net", "exc", "excluding", "ex"}:
        return 0
    if words & {"net", "exc", "excluding"}:
        return 3
    if words & {"gross", "inc", "including"}:
        return 1
    return 2 if words & HINTS["amount"][0] else 1


def _same_values(rows, picked, a: int, b: int) -> bool:
    pairs = list(zip(_values(rows, picked, a), _values(rows, picked, b), strict=True))
    same = sum(1 for x, y in pairs if x is not None and x == y)
    return same >= 0.95 * sum(1 for x, y in pairs if x is not None or y is not None)
