"""Where money lands, drawn as bubbles at council-area centres (an ECharts option).

No district boundaries ship with cwbsim, and no package in the registries the app
may use ships UK district boundaries for offline use (``geodatasets`` downloads its
files when first asked). So each district is a bubble at its centre as the mySociety
register of local authorities gives it (``cwbsim/calibration/data/areas.csv``,
:func:`cwbsim.calibration.areas.areas`), with its area proportional to the £ (or to
the size of a change, coloured by its sign). Longitude runs along x and latitude
along y, with x scaled by the cosine of the mean latitude so the map is not
stretched; the plot box is sized in pixels to keep that aspect. No tiles, no network.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from cwbsim.calibration.areas import WIDE, areas, current

WIDTH_PX = 330
"""Widest the plot box is drawn, pixels (fits a 390-pixel phone screen with margins)."""
HEIGHT_PX = 360
"""Tallest the plot box is drawn, pixels."""
CHART_HEIGHT_PX = HEIGHT_PX + 110
"""Height to give the chart's container: the plot box, the title and the note."""
MAX_BUBBLE_PX = 56.0
"""Diameter of the largest bubble, pixels."""
MIN_BUBBLE_PX = 4.0
"""Smallest diameter drawn, so a small amount stays visible (and hoverable)."""
LABELLED = 8
"""The largest bubbles carry their district's name; the rest show it on hover."""
MIN_SPAN_DEG = 0.6
"""Least north-south extent shown, degrees of latitude, so one or two nearby districts
are not drawn as a blow-up."""
COLOURS = {"amount": "#1b9e77", "gain": "#1b9e77", "loss": "#d95f02"}
NOTE = (
    "Bubbles sit at each council area's centre (mySociety register of local "
    "authorities); they are not boundaries. Bubble area is proportional to the {what}."
)


SMALL = 100_000.0
"""Amounts under this (£) are written in whole pounds: "£0.00m" would hide them."""


def pounds_m(value: float, signed: bool = False) -> str:
    """£ for people: £m (two decimals under £10m, one above), whole £ under £100,000.

    ``1_234_567`` -> ``"£1.23m"``; ``-25e6`` -> ``"-£25.0m"``; ``4_030`` -> ``"£4,030"``;
    ``+`` on gains when ``signed``.
    """
    size = abs(value)
    if size < SMALL:
        text = f"£{size:,.0f}"
    else:
        text = f"£{size / 1e6:,.{2 if size < 10e6 else 1}f}m"
    if text == "£0":
        return text
    return ("-" if value < 0 else "+" if signed else "") + text


def _percent(value: float, signed: bool = False) -> str:
    text = f"{abs(value):.1%}"
    if text == "0.0%":
        return text
    return ("-" if value < 0 else "+" if signed else "") + text


def located(values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """The values by district with each district's name and centre, and the rest.

    Codes are GSS codes (a former district counts under today's, where it became one
    district); values of one area are summed. Wide areas (counties, combined authorities), codes the register
    does not know (``national``, ``unknown``, ``OUTSIDE``) and areas without a centre
    are returned apart, as a Series by code.
    """
    table = areas()
    rows, rest = {}, {}
    for code, value in values.items():
        if value is None or not math.isfinite(float(value)):
            continue
        area = table.get(str(code))
        if area is not None and not area.current:  # a former district: today's, if one
            now = current(area.code)
            area = table.get(now[0]) if len(now) == 1 else None
        if area is None or area.type in WIDE or area.lat is None or area.lon is None:
            rest[str(code)] = rest.get(str(code), 0.0) + float(value)
            continue
        row = rows.setdefault(area.code, {"code": area.code, "name": area.name,
                                          "lat": area.lat, "lon": area.lon, "value": 0.0})  # fmt: skip
        row["value"] += float(value)
    frame = pd.DataFrame(list(rows.values()), columns=["code", "name", "lat", "lon", "value"])
    return frame, pd.Series(rest, dtype=float)


def _box(frame: pd.DataFrame) -> tuple[float, float, float, float, float]:
    """The plot's limits (x0, x1, y0, y1, cos of the mean latitude), x in scaled degrees."""
    mean_lat = float(frame["lat"].mean())
    k = math.cos(math.radians(mean_lat))
    xs, ys = frame["lon"] * k, frame["lat"]
    cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
    width = max(float(xs.max() - xs.min()), MIN_SPAN_DEG * WIDTH_PX / HEIGHT_PX)
    height = max(float(ys.max() - ys.min()), MIN_SPAN_DEG)
    if width / height > WIDTH_PX / HEIGHT_PX:  # widen the shorter side to the box's aspect
        height = width * HEIGHT_PX / WIDTH_PX
    else:
        width = height * WIDTH_PX / HEIGHT_PX
    pad = 0.12  # room for the bubbles at the edges
    width, height = width * (1 + 2 * pad), height * (1 + 2 * pad)
    return cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2, k


def district_bubbles(values: pd.Series, title: str = "", change: bool = False,
                     base: pd.Series | None = None) -> dict:  # fmt: skip
    """An ECharts option: a bubble per district at its centre, area proportional to £.

    Parameters
    ----------
    values : pandas.Series
        £ per year (or a change in £ per year) by district GSS code. Codes without a
        centre on the register (``national``, ``unknown``, ``OUTSIDE``, counties) are not
        drawn; the note under the map says how much they hold.
    title : str
        The chart's title (say the period and unit, e.g. "£ a year").
    change : bool
        Values are changes: bubble area proportional to the size of the change,
        green for gains and orange for losses; tooltips signed.
    base : pandas.Series, optional
        With ``change``, the level each change is measured from (same codes): the
        tooltip's % is the change on it. Without it, the % is the district's share of
        the total (of the total change when ``change``).

    Returns
    -------
    dict
        An ECharts option (JSON-ready: no functions) for ``solara.FigureEcharts``; the
        plot box is at most :data:`WIDTH_PX` x :data:`HEIGHT_PX` pixels, centred, so give
        the container :data:`CHART_HEIGHT_PX` of height.

    Notes
    -----
    Bubble diameter is ``MAX_BUBBLE_PX * sqrt(|v| / max|v|)`` (at least
    ``MIN_BUBBLE_PX``), so bubble area is proportional to ``|v|``. Positions are
    ``(lon * cos(mean lat), lat)``: an equirectangular projection true to scale along
    the mean latitude.
    """
    frame, rest = located(values)
    total = float(values[pd.notna(values)].astype(float).sum()) if len(values) else 0.0
    what = "size of the change" if change else "£"
    notes = [NOTE.format(what=what)]
    if len(rest) and rest.abs().sum() > 0:
        named = {"unknown": "not placed", "national": "UK-wide", "OUTSIDE": "outside",
                 "REGION": "rest of the region"}  # fmt: skip
        table = areas()
        parts = [
            f"{named.get(code, table[code].name if code in table else code)} "
            f"{pounds_m(value, change)}"
            for code, value in rest.sort_values(key=abs, ascending=False).items()
        ]
        notes.append(
            "Not on the map: " + "; ".join(parts[:4]) + ("; …" if len(parts) > 4 else "") + "."
        )
    option: dict = {
        "animation": False,  # a map redrawn after each placement should not grow from nothing
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "confine": True},
        "graphic": [
            {
                "type": "text",
                "left": "center",
                "bottom": 4,
                "style": {
                    "text": "\n".join(_wrap(n) for n in notes),
                    "fontSize": 11,
                    "lineHeight": 14,
                    "fill": "#555",
                    "textAlign": "center",
                },
            }
        ],
        "xAxis": {"type": "value", "show": False, "scale": True},
        "yAxis": {"type": "value", "show": False, "scale": True},
        "series": [],
    }
    if frame.empty:
        option["grid"] = {"left": "center", "top": 40, "width": WIDTH_PX, "height": 40}
        option["graphic"].append(
            {"type": "text", "left": "center", "top": 60,
             "style": {"text": "No district to draw.", "fontSize": 13, "fill": "#333"}}
        )  # fmt: skip
        return option
    x0, x1, y0, y1, k = _box(frame)
    width = WIDTH_PX if (x1 - x0) / (y1 - y0) >= WIDTH_PX / HEIGHT_PX else None
    if width is None:
        height = HEIGHT_PX
        width = round(HEIGHT_PX * (x1 - x0) / (y1 - y0))
    else:
        height = round(WIDTH_PX * (y1 - y0) / (x1 - x0))
    option["grid"] = {"left": "center", "top": 36, "width": width, "height": height}
    option["xAxis"] |= {"min": round(x0, 6), "max": round(x1, 6), "scale": False}
    option["yAxis"] |= {"min": round(y0, 6), "max": round(y1, 6), "scale": False}
    largest = float(frame["value"].abs().max()) or 1.0
    bases = base if base is not None else pd.Series(dtype=float)
    groups: dict[str, list] = {}
    ordered = frame.sort_values("value", key=abs, ascending=False)
    for rank, row in enumerate(ordered.itertuples()):
        if change and base is not None:
            level = float(bases.get(row.code, float("nan")))
            share = row.value / level if level and math.isfinite(level) else None
            of = "on the baseline"
        else:
            share = row.value / total if total else None
            of = "of the total change" if change else "of the total"
        percent = f", {_percent(share, change)} {of}" if share is not None else ""
        kind = "amount" if not change else ("gain" if row.value >= 0 else "loss")
        size = max(MIN_BUBBLE_PX, MAX_BUBBLE_PX * math.sqrt(abs(row.value) / largest))
        groups.setdefault(kind, []).append(
            {
                "name": row.name,
                "value": [round(row.lon * k, 6), round(row.lat, 6), round(row.value, 2)],
                "symbolSize": round(size, 1),
                "label": {"show": rank < LABELLED},  # the largest are named on the map
                "tooltip": {
                    "formatter": f"{html.escape(row.name)}: {pounds_m(row.value, change)}{percent}"
                },
            }
        )
    labels = {"amount": "£", "gain": "gain", "loss": "loss"}
    for kind, data in groups.items():
        option["series"].append(
            {
                "type": "scatter",
                "name": labels[kind],
                "data": data,
                "z": 2,
                "labelLayout": {"hideOverlap": True},
                "label": {"position": "right", "formatter": "{b}", "fontSize": 10, "color": "#333"},
                "itemStyle": {"color": COLOURS[kind], "opacity": 0.7,
                              "borderColor": "#333", "borderWidth": 0.5},
                "emphasis": {"focus": "self", "label": {"show": True, "formatter": "{b}",
                                                        "position": "top"}},
            }
        )  # fmt: skip
    option["series"].append(_context(x0, x1, y0, y1, k, set(frame["code"])))
    if change and len(groups) > 1:
        option["legend"] = {"top": 20, "data": [labels[k] for k in groups]}
        option["grid"]["top"] = 50
    return option


def _context(x0: float, x1: float, y0: float, y1: float, k: float, drawn: set[str]) -> dict:
    """Faint dots at the other districts' centres in view, so the bubbles have a setting."""
    points = [
        [round(a.lon * k, 6), round(a.lat, 6)]
        for a in set(areas().values())
        if a.current
        and a.type not in WIDE
        and a.lat is not None
        and a.code not in drawn
        and x0 <= a.lon * k <= x1
        and y0 <= a.lat <= y1
    ]
    return {"type": "scatter", "name": "other districts", "data": sorted(points),
            "symbolSize": 4, "silent": True, "z": 1, "tooltip": {"show": False},
            "itemStyle": {"color": "#bdbdbd"}}  # fmt: skip


def _wrap(text: str, width: int = 60) -> str:
    """Text broken into lines of at most ``width`` characters (ECharts does not wrap)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line] if line else lines)
