"""The Spend file view: upload a spend file, see who was paid and where, and finish the job.

The analysis is ``cwbsim analyze``'s, run in a thread (``solara.lab.use_task``) into a
:class:`~cwbsim.calibration.spend_session.SpendSession`. The view shows who was paid
(payee types and the procurement base), where the base went (by tier, on a map of
supplier districts, by supplier), the gap, and the worklist of unplaced suppliers by £:
typing a postcode or an area beside a supplier places it, saves it in the user's
supplier register and analyses again. "Build an economy from this" turns the analysis
into an economy spec and hands it to the page (``on_economy``). Problems are
one-line messages in the page, never tracebacks. The plain functions here
(:func:`payee_types`, :func:`tier_table`, :func:`worklist_rows`, :func:`place_supplier`,
:func:`gap_explanation`, :func:`spend_map`) hold the logic and are tested without a
browser.
"""

from __future__ import annotations

import html
import shutil
import tempfile
import typing
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import solara

from cwbsim.calibration.analysis import UNNAMED_BODY, Analysis
from cwbsim.calibration.analysis_report import write_analysis
from cwbsim.calibration.areas import areas
from cwbsim.calibration.payees import NATIONAL, TYPES
from cwbsim.calibration.spend_session import (
    BuiltEconomy,
    SpendSession,
    economy_from_text,
)
from cwbsim.calibration.worklist import TARGETS, worklist
from cwbsim.model.errors import InputError
from cwbsim.model.spec.types import SECTION_NAMES
from cwbsim.viz.maps import CHART_HEIGHT_PX, district_bubbles, pounds_m
from cwbsim.viz.uploads import MAX_UPLOAD_MB, Upload, app_words, start_upload
from cwbsim.viz.widgets import FilePick, read_bytes, task_message, upload_receiver

__all__ = ["SpendPanel", "economy_from_text"]

TYPE_WORDS = {
    "business": "Businesses",
    "vcse": "Charities, social enterprises and co-operatives (VCSE)",
    "public body": "Public bodies: councils, NHS, police, fire, colleges, government",
    "statutory or financial": "Tax, pensions, levies and loans",
    "individual or redacted": "Individuals, and names withheld",
    "unknown": "Not yet known",
}
"""Each payee type in plain words (:data:`cwbsim.calibration.payees.TYPES`)."""
PHRASES = {
    "business": "businesses",
    "vcse": "the VCSE sector (charities, social enterprises, co-operatives)",
    "public body": "public bodies",
    "statutory or financial": "tax, pensions, levies and loans",
    "individual or redacted": "individuals",
    "unknown": "payees not yet known",
}
"""Each payee type as it reads inside a sentence."""
TIER_WORDS = {"outside": "Outside the region", "unknown": "Not yet placed"}
WORKLIST_PAGE = 15
"""Unplaced suppliers shown at a time."""

EMPTY_GAP = (
    "No gap to show. The gap lists sectors where the procurement base leaves the place "
    "although suppliers of that sector are known to be in it. Suppliers count as known "
    "once they are placed: type a postcode or area for the largest ones in the worklist, "
    "or add a supplier lookup (a CSV of supplier names and postcodes)."
)


def _whole_pounds(value: float) -> str:
    """£ in whole pounds with thousands separators: ``"£147,976"``."""
    text = f"£{abs(value):,.0f}"
    return f"-{text}" if value < 0 and text != "£0" else text


def district_name(code) -> str:
    """A district's (or wider area's) name; ``"unknown"`` for a missing or unplaced one.

    ``national`` is "UK-wide"; several areas joined by ``|`` are named in turn.
    """
    if not isinstance(code, str) or not code or code == "unknown":
        return "unknown"
    if code == NATIONAL:
        return "UK-wide"
    table = areas()
    return " and ".join(table[c].name if c in table else c for c in code.split("|"))


def sector_name(code) -> str:
    """A SIC 2007 section letter as ``"F Construction"``; ``"unknown"`` otherwise."""
    return f"{code} {SECTION_NAMES[code]}" if code in SECTION_NAMES else "unknown"


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """District codes as council names and sector letters as section names; gaps as "unknown"."""
    shown = frame.copy()
    if "district" in shown:
        shown["district"] = [district_name(c) for c in shown["district"]]
    if "sector" in shown:
        shown["sector"] = [sector_name(c) for c in shown["sector"]]
    return shown


def months_covered(analysis: Analysis) -> int:
    """Months with dated payments in the files (0 if none is dated)."""
    months = analysis.payments["month"]
    return int(months[months != "undated"].nunique())


def payee_types(analysis: Analysis) -> pd.DataFrame:
    """Who was paid: one row per payee type with £, % of all spend and whether it is procurement.

    Columns ``who`` (plain words), ``spend`` (£ over the files), ``share`` (0-1 of all
    payments), ``payments`` and ``procurement`` (``"yes"``/``"no"``: in the base).
    """
    table = analysis.by_type.set_index("type")
    rows = []
    for kind in TYPES:
        if kind not in table.index:
            continue
        row = table.loc[kind]
        rows.append({"who": TYPE_WORDS[kind], "spend": float(row["spend"]),
                     "share": float(row["share"]), "payments": int(row["payments"]),
                     "procurement": "yes" if kind in analysis.base else "no"})  # fmt: skip
    return pd.DataFrame(rows, columns=["who", "spend", "share", "payments", "procurement"])


def base_sentence(analysis: Analysis) -> str:
    """The procurement base in plain words, with £m and %, and what is reported apart."""
    total, base = analysis.total, analysis.base_total
    share = base / total if total else 0.0
    counted = _listed([PHRASES[t] for t in analysis.base])
    text = (
        f"The procurement base is {pounds_m(base)}, {share:.1%} of the {pounds_m(total)} "
        f"paid: spend with {counted}, as CLES counts it. Local shares are taken over it."
    )
    apart = [f"{PHRASES[t]} ({pounds_m(v)})" for t, v in analysis.excluded.items() if v]
    if apart:
        text += (
            f" Payments to {_listed(apart)} are reported apart: they are not purchases "
            "of goods and services."
        )
    return text


def _listed(items: list[str]) -> str:
    """Items as a sentence lists them: ``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""


def place_names(codes: list[str]) -> str:
    """The place's districts by name: "Preston", "Preston and Chorley", "5 districts"."""
    if len(codes) > 3:
        return f"{len(codes)} districts"
    return " and ".join(district_name(c) for c in codes)


def region_name(asked: list[str], codes: list[str]) -> str:
    """The region tier in words: "the rest of Lancashire", or "the rest of the region"."""
    if len(asked) == 1 and not asked[0].upper().startswith(("E0", "W0", "S1", "N0")):
        return f"the rest of {asked[0].strip().replace('-', ' ').title()}"
    return "the rest of the region" if codes else "the region (none given)"


def _sentence_case(text: str) -> str:
    """The first letter in capitals, the rest as written ("the rest of Lancashire")."""
    return text[:1].upper() + text[1:]


def tier_table(session: SpendSession) -> pd.DataFrame:
    """Where the procurement base went, by tier, with plain names, £ and share (0-1)."""
    analysis = session.analysis
    words = {"local": place_names(session.local),
             "region": _sentence_case(region_name(session.region_asked, session.region)
                                      .removeprefix("the ")),
             **TIER_WORDS}  # fmt: skip
    order = {t: i for i, t in enumerate(("local", "region", "outside", "unknown"))}
    table = analysis.by_tier.copy()
    table["rank"] = table["tier"].map(order).fillna(len(order))
    table = table.sort_values("rank", ignore_index=True)
    return pd.DataFrame(
        {"where": table["tier"].map(lambda t: words.get(t, t)), "spend": table["spend"],
         "share": table["share"], "payments": table["payments"]}
    )  # fmt: skip


def local_share_sentence(session: SpendSession) -> str:
    """The headline: the base's local share, local + region, and the part not yet placed."""
    shares = dict(zip(session.analysis.by_tier["tier"], session.analysis.by_tier["share"],
                      strict=True))  # fmt: skip
    place = place_names(session.local)
    local, region = shares.get("local", 0.0), shares.get("region", 0.0)
    text = f"{local:.1%} of the procurement base went to suppliers in {place}"
    if session.region:
        text += (
            f"; {local + region:.1%} including {region_name(session.region_asked, session.region)}"
        )
    unknown = shares.get("unknown", 0.0)
    if unknown > 0:
        text += f". {unknown:.1%} is not yet placed, so these shares can only rise"
    return text + "."


def worklist_rows(analysis: Analysis) -> pd.DataFrame:
    """The unplaced suppliers of the procurement base, largest £ first.

    Columns ``supplier``, ``spend`` (£ over the files), ``payments`` (how many),
    ``share`` (of the base, 0-1), ``placed_after`` (share of the base placed once this
    and every supplier above it are) and ``suggestion`` (a possible company, or "").
    """
    work = worklist(analysis)
    counts = analysis.payments.groupby("supplier").size()
    frame = pd.DataFrame(work.rows, columns=["supplier", "spend", "share", "placed_after",
                                             "suggestion"])  # fmt: skip
    frame["payments"] = frame["supplier"].map(counts).fillna(0).astype(int)
    return frame[["supplier", "spend", "payments", "share", "placed_after", "suggestion"]]


def worklist_summary(analysis: Analysis) -> str:
    """How much of the base is placed, and how many suppliers to place for 80, 90 and 95%."""
    work = worklist(analysis)
    parts = []
    for target in TARGETS:
        needed = work.needed[target]
        if needed == 0:
            parts.append(f"{target:.0%} is reached")
        elif needed is not None:
            parts.append(f"{needed} more for {target:.0%}")
    reach = "; ".join(parts)
    return f"{work.placed:.1%} of the procurement base is placed" + (
        f" ({reach})." if reach else "."
    )


def place_supplier(session: SpendSession, supplier: str, text: str) -> str | None:
    """Place ``supplier`` at the postcode or area ``text``: None if done, else a one-line message.

    Done means saved in the supplier register and the analysis taken again; nothing
    raises to the page.
    """
    try:
        session.place(supplier, text)
    except InputError as problem:
        return str(problem)
    except Exception as problem:  # a register that cannot be written, a damaged index
        return f"{supplier}: could not be placed ({type(problem).__name__}: {problem})"
    return None


def placed_sentence(session: SpendSession, index: int) -> str:
    """A hand placement of this session in words: supplier, where, and that it is saved."""
    entry = session.placed[index]
    where = district_name(entry.area)
    return f"{entry.supplier}: {where}" + (f" ({entry.postcode})" if entry.postcode else "")


def gap_explanation(session: SpendSession) -> str:
    """Why the gap table is empty, from what the analysis knows."""
    analysis = session.analysis
    place = place_names(session.local)
    if analysis.match_rate["spend"] == 0:
        return (
            f"No gap to show yet: none of the procurement base is placed, so nothing is known "
            f"to leave {place}, and no supplier is known to be in it. "
            + EMPTY_GAP.split(". ", 1)[1]
        )
    leaving = analysis.by_tier.loc[analysis.by_tier["tier"].isin(["region", "outside"]), "spend"]
    if leaving.sum() <= 0:
        return (
            f"No gap to show: none of the placed procurement base leaves {place} "
            f"({analysis.match_rate['spend']:.1%} of it is placed so far)."
        )
    return (
        f"No gap to show: spend leaves {place}, but in sectors where no supplier is known "
        f"to be in {place}. " + EMPTY_GAP.split(". ", 2)[2]
    )


def spend_map(session: SpendSession) -> dict:
    """The procurement base by supplier district as bubbles (:func:`district_bubbles`)."""
    by_district = session.analysis.by_district.set_index("district")["spend"]
    months = months_covered(session.analysis)
    period = f"over {months} month{'s' if months != 1 else ''}" if months else "in the file"
    return district_bubbles(by_district, f"Procurement base by supplier district, £ {period}")


def top_suppliers(analysis: Analysis, rows: int = 20) -> pd.DataFrame:
    """The largest suppliers of the base with where they are and their sector, in words.

    The sector is the supplier's own where known, else the one its payments' expense
    types suggest; "unknown" only where neither says.
    """
    top = analysis.top_suppliers.head(rows)
    guessed = (
        analysis.payments[analysis.payments["supplier"].isin(top["supplier"])]
        .groupby("supplier")["sector"]
        .agg(lambda s: s.mode().iloc[0])
    )
    sector = [s if isinstance(s, str) and s else guessed.get(n) for n, s in
              zip(top["supplier"], top["sector"], strict=True)]  # fmt: skip
    how = {"unmatched": "not placed", "register (by hand)": "by hand (your register)"}
    return pd.DataFrame(
        {
            "supplier": top["supplier"],
            "£": [_whole_pounds(v) for v in top["spend"]],
            "% of base": [f"{v:.1%}" for v in top["share"]],
            "district": [district_name(d) for d in top["district"]],
            "sector": [sector_name(s) for s in sector],
            "placed by": [how.get(m, m) for m in top["matched_by"]],
        }
    )


def gap_table(analysis: Analysis) -> pd.DataFrame:
    """The gap analysis with sector names and £."""
    gap = analysis.gap
    return pd.DataFrame(
        {
            "sector": [sector_name(s) for s in gap["sector"]],
            "£ in the sector": [_whole_pounds(v) for v in gap["spend"]],
            "£ kept locally": [_whole_pounds(v) for v in gap["local_spend"]],
            "£ that could move": [_whole_pounds(v) for v in gap["could_move"]],
            "local suppliers known": gap["local_suppliers"],
        }
    )


def _para(text: str, css: str) -> None:
    """A paragraph of plain text (supplier names are not read as Markdown or HTML)."""
    solara.HTML(tag="p", unsafe_innerHTML=html.escape(text), classes=[css])


TABLE_STYLE = (
    "<style>.cwb-spend-table{max-width:100%}.cwb-table-scroll{overflow-x:auto;max-width:100%}.cwb-spend-table table{"
    "border-collapse:collapse;font-size:0.9em;margin:4px 0 12px}.cwb-spend-table th,"
    ".cwb-spend-table td{border:1px solid #ddd;padding:3px 8px;text-align:left}"
    ".cwb-spend-table th{background:#f5f5f5}</style>"
)
"""Tables scroll sideways inside their box on a narrow screen, never the page."""
TABLE_NAMES = {
    "cwb-payee-types": "Who was paid",
    "cwb-by-tier": "Spend by where suppliers are",
    "cwb-top-suppliers": "Top suppliers",
    "cwb-gap": "Gap analysis",
}
"""The accessible name of each table's scrolling box."""


def _html_table(frame: pd.DataFrame, css: str) -> None:
    table = frame.to_html(index=False, classes=css, na_rep="–", escape=True, border=0)
    # a box that scrolls must be reachable by keyboard, and named, for screen readers
    name = html.escape(TABLE_NAMES.get(css, "Table"))
    scroll = f'<div class="cwb-table-scroll" tabindex="0" role="region" aria-label="{name}">'
    solara.HTML(tag="div", unsafe_innerHTML=TABLE_STYLE + scroll + table + "</div>",
                classes=["cwb-spend-table"])  # fmt: skip


def _money_table(frame: pd.DataFrame, first: str, css: str) -> None:
    shown = pd.DataFrame(
        {first: frame.iloc[:, 0], "£m": [pounds_m(v) for v in frame["spend"]],
         "%": [f"{v:.1%}" for v in frame["share"]], "payments": frame["payments"]}
    )  # fmt: skip
    if "procurement" in frame:
        shown["counted as procurement"] = frame["procurement"]
    _html_table(shown, css)


SPEND = solara.reactive(typing.cast(Upload | None, None))
"""The spend file uploaded (per browser session: Solara keeps module-level reactive
values per session, so the analysis survives a visit to another view)."""
LOOKUP = solara.reactive(typing.cast(Upload | None, None))
PLACE = solara.reactive("Preston")
REGION = solara.reactive("lancashire")
ANALYSED = solara.reactive(typing.cast(tuple | None, None))
"""``(inputs, SpendSession)`` of the last analysis, reused while the inputs are the same."""
FOLDER = solara.reactive(typing.cast(Path | None, None))
"""This browser session's folder for the uploaded files and the written analysis."""


def _session_folder() -> Callable[[], None]:
    """Make a browser session's temporary folder when it starts; remove it when it ends."""
    folder = Path(tempfile.mkdtemp(prefix="cwbsim-spend-"))
    FOLDER.set(folder)
    return lambda: shutil.rmtree(folder, ignore_errors=True)


solara.lab.on_kernel_start(_session_folder)


def _folder() -> Path:
    """The browser session's folder (made here if it started before the hook was set)."""
    if FOLDER.peek() is None:
        FOLDER.set(Path(tempfile.mkdtemp(prefix="cwbsim-spend-")))
    return typing.cast(Path, FOLDER.peek())


def analyse_inputs(spend: Upload | None, lookup: Upload | None, place: str, region: str,
                   folder: Path) -> SpendSession | None:  # fmt: skip
    """The analysis of the inputs: the last one if they have not changed, else a new one.

    Raises InputError (one line) for a file or place that cannot be analysed.
    """
    if spend is None:
        return None
    inputs = (spend, lookup, place, region)
    last = ANALYSED.peek()
    if last is not None and last[0] == inputs:
        return last[1]
    session = start_upload(spend, place, region, folder / "files", lookup)
    if session.postcodes is not None and len(worklist(session.analysis).rows):
        try:  # the first lookup builds the offline postcode index: now, not on first entry
            session.postcodes.districts(["PR1 2HE"])
        except Exception:  # placing by postcode will say what is wrong
            pass
    ANALYSED.set((inputs, session))
    return session


@solara.component
def SpendPanel(on_economy: Callable[[str, str], None] | None = None):
    """Upload a spend file (and optionally a supplier lookup), see the analysis, finish the job.

    ``on_economy(name, text)`` is called with an economy's display name and its spec as
    TOML text when "Build an economy from this" succeeds. The uploads, the place and the
    analysis (with its hand placements) are kept per browser session, so leaving the
    view and coming back finds them as they were.
    """
    spend, lookup, place, region = SPEND, LOOKUP, PLACE, REGION
    problem = solara.use_reactive(typing.cast(str | None, None))
    folder = _folder()

    def reporter(target: solara.Reactive):
        def report(message: str | None) -> None:
            problem.set(message)
            if message:
                target.set(None)

        return report

    def analyse():
        return analyse_inputs(spend.value, lookup.value, place.value, region.value, folder)

    task = solara.lab.use_task(
        analyse, dependencies=[spend.value, lookup.value, place.value, region.value],
        raise_error=False,
    )  # fmt: skip
    with solara.Column(classes=["cwb-spend"]):
        solara.Markdown(
            "### Spend file analysis\nA council or anchor spend file (CSV, XLSX or XLS, up to "
            f"{MAX_UPLOAD_MB:g} MB). Suppliers are placed by the registers of public bodies, "
            "your supplier register, and a supplier lookup if you add one (CSV: supplier, "
            "postcode, optional sector); you can place the rest below."
        )
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.InputText("Place (district names or codes)", value=place,
                             continuous_update=False, classes=["cwb-place-input"])  # fmt: skip
            solara.InputText("Region (names, codes or lancashire)", value=region,
                             continuous_update=False, classes=["cwb-region-input"])  # fmt: skip
        FilePick("or drop a spend file here", ".csv,.xlsx,.xls",
                 upload_receiver((".csv", ".xlsx", ".xls"), reporter(spend), spend.set))  # fmt: skip
        FilePick("optional supplier lookup CSV", ".csv",
                 upload_receiver((".csv",), reporter(lookup), lookup.set))  # fmt: skip
        if problem.value:
            solara.Error(problem.value, classes=["cwb-upload-error"])
        if task.pending:
            solara.Text("Analysing…", classes=["cwb-spend-busy"])
        elif task.error:
            solara.Error(task_message(task.exception), classes=["cwb-upload-error"])
        elif task.finished and task.value is not None:
            SpendResults(task.value, folder / "report", on_economy).key(f"results-{id(task.value)}")


@solara.component
def SpendResults(
    session: SpendSession, folder: Path, on_economy: Callable[[str, str], None] | None = None
):
    """The analysis of one session; placing a supplier redraws it."""
    version = solara.use_reactive(0)
    shown = solara.use_reactive(WORKLIST_PAGE)
    analysis = session.analysis

    def write():
        options = {"files": [f.name for f in session.files], "local": session.local,
                   "region": session.region}  # fmt: skip
        try:
            written = write_analysis(analysis, session.data, options, folder)
        except Exception as error:  # a full disk must not break the view
            return str(error)
        return {p.name: p for p in written}

    files = solara.use_memo(write, [version.value])

    def on_place(supplier: str, text: str) -> str | None:
        message = place_supplier(session, supplier, text)
        if message is None:
            version.set(version.value + 1)
        return message

    report = session.data.reports[0] if session.data.reports else None
    rejected = ", ".join(f"{k}: {v}" for k, v in report.rejected.items()) if report else ""
    undated = f"; {report.undated} undated" if report and report.undated else ""
    months = months_covered(analysis)
    solara.Markdown(
        f"**{html.escape(report.source and Path(report.source).name) if report else ''}**: "
        f"{report.rows_read if report else 0:,} rows read, {report.rows_used if report else 0:,} "
        f"used{'; rejected ' + rejected if rejected else ''}{undated}; "
        f"{months} month{'s' if months != 1 else ''} of payments, {pounds_m(analysis.total)} in all."
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f'<span class="cwb-spend-total" data-value="{analysis.total!r}"></span>',
    )

    solara.Markdown("#### Who was paid")
    _money_table(payee_types(analysis), "who", "cwb-payee-types")
    _para(base_sentence(analysis), "cwb-procurement-base")

    solara.Markdown("#### Where the procurement base went")
    _para(local_share_sentence(session), "cwb-local-share")
    _money_table(tier_table(session), "where", "cwb-by-tier")
    with solara.Div(classes=["cwb-spend-map"]):
        solara.FigureEcharts(
            option=spend_map(session),
            attributes={"style": f"height: {CHART_HEIGHT_PX}px; width: 100%;"},
            responsive=True,
        )

    Worklist(session, on_place, shown, version.value)

    solara.Markdown("#### Top suppliers")
    _html_table(top_suppliers(analysis), "cwb-top-suppliers")
    solara.Markdown("#### Gap analysis: spend leaving the place in sectors where it has suppliers")
    if len(analysis.gap):
        _html_table(gap_table(analysis), "cwb-gap")
    else:
        solara.Info(gap_explanation(session), classes=["cwb-gap-empty"])

    BuildEconomy(session, on_economy, version.value)

    solara.Markdown("#### Downloads")
    with solara.Row(style={"flex-wrap": "wrap"}):
        if isinstance(files, dict):
            for name, path in files.items():
                with solara.Div(classes=[f"cwb-download-{Path(name).suffix.lstrip('.')}"]):
                    solara.FileDownload(lambda p=path: read_bytes(p), name, label=name)
        else:
            solara.Error(f"The analysis files could not be written: {files}")
        with solara.Div(classes=["cwb-download-worklist"]):
            solara.FileDownload(
                lambda: worklist_rows(session.analysis).to_csv(index=False).encode(),
                "worklist.csv", label="worklist.csv", mime_type="text/csv",
            )  # fmt: skip
        with solara.Div(classes=["cwb-download-suppliers"]):
            solara.FileDownload(
                lambda: session.analysis.suppliers.to_csv(index=False).encode(), "suppliers.csv",
                label="suppliers.csv", mime_type="text/csv",
            )  # fmt: skip


@solara.component
def Worklist(
    session: SpendSession,
    on_place: Callable[[str, str], str | None],
    shown: solara.Reactive,
    version: int = 0,
):
    """The unplaced suppliers by £, each with a box for its postcode or area.

    ``version`` counts the session's placements, so the list redraws after each.
    """
    rows = worklist_rows(session.analysis)
    with solara.Column(classes=["cwb-worklist"]):
        solara.Markdown("#### Suppliers to place, largest first")
        _para(
            worklist_summary(session.analysis)
            + " Type a supplier's postcode (e.g. PR1 2HE) or its district (e.g. Preston), then "
            "press Enter: the analysis updates, and your supplier register remembers it for "
            "every later file.",
            "cwb-worklist-summary",
        )
        if session.postcodes is None:
            solara.Warning(
                "Postcodes cannot be looked up here (the offline postcode directory is not "
                "installed): type the district's name instead.",
                classes=["cwb-postcodes-missing"],
            )
        if session.placed:
            _para(
                "Placed by hand and saved in your supplier register: "
                + "; ".join(placed_sentence(session, i)
                            for i in range(len(session.placed) - 1, -1, -1)) + ".",
                "cwb-worklist-placed",
            )  # fmt: skip
        if rows.empty:
            solara.Success("Every supplier of the procurement base is placed.",
                           classes=["cwb-worklist-done"])  # fmt: skip
            return
        for row in rows.head(shown.value).itertuples(index=False):
            WorklistRow(row.supplier, float(row.spend), int(row.payments), row.suggestion,
                        on_place).key(f"row-{row.supplier}")  # fmt: skip
        if len(rows) > shown.value:
            solara.Button(
                f"Show {min(WORKLIST_PAGE, len(rows) - shown.value)} more "
                f"(of {len(rows) - shown.value} left)",
                on_click=lambda: shown.set(shown.value + WORKLIST_PAGE),
                classes=["cwb-worklist-more"], text=True,
            )  # fmt: skip


@solara.component
def WorklistRow(
    supplier: str,
    spend: float,
    payments: int,
    suggestion: str,
    on_place: Callable[[str, str], str | None],
):
    """One unplaced supplier: name, £ paid, payments, and its postcode-or-area box."""
    message = solara.use_reactive(typing.cast(str | None, None))

    def entered(text: str | None) -> None:
        if text and text.strip():
            message.set(on_place(supplier, text))

    with solara.Div(
        classes=["cwb-worklist-row"],
        style={"display": "flex", "flex-wrap": "wrap", "align-items": "center", "gap": "8px",
               "border-bottom": "1px solid #eee", "padding": "2px 0"},
        attributes={"data-supplier": supplier},
    ):  # fmt: skip
        with solara.Div(style={"flex": "1 1 220px", "min-width": "0"}):
            solara.Text(supplier, classes=["cwb-worklist-supplier"],
                        style={"font-weight": "600", "overflow-wrap": "anywhere"})  # fmt: skip
            detail = f"{_whole_pounds(spend)}, {payments} payment{'s' if payments != 1 else ''}"
            if suggestion:
                detail += f"; perhaps {suggestion}"
            solara.Text(" " + detail, classes=["cwb-worklist-spend"], style={"color": "#555"})
        solara.InputText("Postcode or area", value="", on_value=entered, continuous_update=False,
                         classes=["cwb-worklist-input"], style={"flex": "0 1 200px"},
                         dense=True)  # fmt: skip
        if message.value:
            solara.Text(message.value, classes=["cwb-worklist-message"],
                        style={"color": "#b00020", "flex": "1 1 100%"})  # fmt: skip


@solara.component
def BuildEconomy(
    session: SpendSession, on_economy: Callable[[str, str], None] | None, version: int = 0
):
    """The "Build an economy from this" button, the paying body's name, and what happened.

    ``version`` counts the session's placements (a built economy stays shown).
    """
    unnamed = (session.analysis.by_body["body"] == UNNAMED_BODY).any()
    body = solara.use_reactive("")

    def build() -> BuiltEconomy:
        try:
            built = session.economy(body=body.value.strip() or None)
        except InputError as error:
            raise InputError(app_words(str(error))) from None
        if on_economy is not None:
            on_economy(built.name, built.text)
        return built

    task = solara.lab.use_task(build, dependencies=None, raise_error=False)
    with solara.Column(classes=["cwb-build"]):
        solara.Markdown(
            "#### Build an economy from this\nThe paying bodies become anchors and the suppliers "
            f"of the procurement base their contracts, in {place_names(session.local)} as the "
            "official tables describe it (households, firms, the region around it). Suppliers "
            "placed by hand count where you placed them."
        )
        if unnamed:
            solara.InputText("Who paid (the file does not say)", value=body,
                             continuous_update=True, classes=["cwb-body-input"])  # fmt: skip
        solara.Button(
            "Build an economy from this", on_click=lambda: task(), color="primary",
            disabled=task.pending, classes=["cwb-build-economy"],
        )  # fmt: skip
        if task.pending:
            solara.Text("Building the economy…", classes=["cwb-build-busy"])
        elif task.error:
            solara.Error(task_message(task.exception), classes=["cwb-build-message"])
        elif task.finished and task.value is not None:
            built = task.value
            spec = built.spec
            households = sum(h.count for h in spec.households)
            opened = " It is open in Explore." if on_economy is not None else ""
            solara.Success(
                f"Built “{built.name}”: {len(spec.anchors)} anchor(s), {len(spec.suppliers)} "
                f"named suppliers, {households:,} households.{opened}",
                classes=["cwb-build-message"],
            )
            for warning in built.warnings:
                solara.Warning(warning, classes=["cwb-build-warning"])
            with solara.Div(classes=["cwb-economy-download"]):
                solara.FileDownload(built.text, f"{spec.name}.toml",
                                    label=f"economy file ({spec.name}.toml)",
                                    mime_type="application/toml")  # fmt: skip
