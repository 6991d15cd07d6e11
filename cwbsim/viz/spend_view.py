"""The Spend file view: upload a spend file (and a supplier lookup) and see its analysis.

The analysis is ``cwbsim analyze``'s, run in a thread (``solara.lab.use_task``);
problems with the files are one-line messages in the page.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pandas as pd
import solara

from cwbsim.calibration.analysis_report import write_analysis
from cwbsim.calibration.areas import areas
from cwbsim.model.spec.types import SECTION_NAMES
from cwbsim.viz.uploads import MAX_UPLOAD_MB, Upload, analyse_upload
from cwbsim.viz.widgets import FilePick, read_bytes, task_message, upload_receiver, use_temp_folder


@solara.component
def SpendPanel():
    """Upload a spend file (and optionally a supplier lookup) and see the CLES-style analysis."""
    spend = solara.use_reactive(typing.cast(Upload | None, None))
    lookup = solara.use_reactive(typing.cast(Upload | None, None))
    problem = solara.use_reactive(typing.cast(str | None, None))
    place = solara.use_reactive("Preston")
    region = solara.use_reactive("lancashire")
    folder = use_temp_folder("cwbsim-spend-")

    def reporter(target: solara.Reactive):
        def report(message: str | None) -> None:
            problem.set(message)
            if message:
                target.set(None)

        return report

    def analyse():
        if spend.value is None:
            return None
        prepared = analyse_upload(spend.value, place.value, region.value, lookup.value)
        options = {"files": [spend.value.name], "local": prepared.local, "region": prepared.region,
                   "suppliers": lookup.value.name if lookup.value else None}  # fmt: skip
        written = write_analysis(prepared.analysis, prepared.data, options, folder)
        return prepared, {p.name: p for p in written}

    task = solara.lab.use_task(
        analyse, dependencies=[spend.value, lookup.value, place.value, region.value],
        raise_error=False,
    )  # fmt: skip
    with solara.Column(classes=["cwb-spend"]):
        solara.Markdown(
            "### Spend file analysis\nA council or anchor spend file (CSV, XLSX or XLS, up to "
            f"{MAX_UPLOAD_MB:g} MB). Suppliers are placed by the postcodes in a supplier "
            "lookup (CSV: supplier, postcode, optional sector); without one their area is unknown."
        )
        with solara.Row():
            solara.InputText("Place (LAD codes or names)", value=place, continuous_update=False)
            solara.InputText("Region (codes, names or lancashire)", value=region,
                             continuous_update=False)  # fmt: skip
        FilePick("or drop a spend file here", ".csv,.xlsx,.xls",
                 upload_receiver((".csv", ".xlsx", ".xls"), reporter(spend), spend.set))  # fmt: skip
        FilePick("optional supplier lookup CSV", ".csv",
                 upload_receiver((".csv",), reporter(lookup), lookup.set))  # fmt: skip
        if problem.value:
            solara.Error(problem.value, classes=["cwb-upload-error"])
        if task.pending:
            solara.Text("Analysing…")
        elif task.error:
            solara.Error(task_message(task.exception), classes=["cwb-upload-error"])
        elif task.finished and task.value is not None:
            _analysis_results(*task.value)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """District codes as council names and sector letters as section names; gaps as "unknown"."""
    shown = frame.copy()
    names = {code: area.name for code, area in areas().items()}
    if "district" in shown:
        shown["district"] = [
            names.get(c, c) if isinstance(c, str) and c else "unknown" for c in shown["district"]
        ]
    if "sector" in shown:
        shown["sector"] = [
            f"{c} {SECTION_NAMES[c]}" if c in SECTION_NAMES else "unknown" for c in shown["sector"]
        ]
    return shown


EMPTY_GAP = (
    "No gap to show: no spend outside the place fell in a sector where the place has "
    "suppliers. Without a supplier lookup most suppliers have no known place, so they "
    "cannot be counted as outside it; add a lookup to see the gap."
)


def _table(frame: pd.DataFrame, css: str, rows: int = 20) -> None:
    money = {c: (lambda v: f"{v:,.0f}") for c in frame.columns if c in ("spend", "total")}
    shares = {c: (lambda v: f"{v:.1%}") for c in frame.columns if c == "share"}
    solara.HTML(
        tag="div",
        unsafe_innerHTML=frame.head(rows).to_html(
            index=False, classes=css, formatters={**money, **shares}, na_rep="–"
        ),
    )


def _analysis_results(prepared, files: dict) -> None:
    analysis, data = prepared.analysis, prepared.data
    report = data.reports[0] if data.reports else None
    rejected = ", ".join(f"{k}: {v}" for k, v in report.rejected.items()) if report else ""
    undated = f"; {report.undated} undated" if report and report.undated else ""
    solara.Markdown(
        f"**{Path(report.source).name if report else ''}**: {report.rows_read if report else 0} rows read, "
        f"{report.rows_used if report else 0} used{'; rejected ' + rejected if rejected else ''}"
        f"{undated}. "
        f"Total £{analysis.total:,.2f}; suppliers matched to a place: "
        f"{analysis.match_rate['suppliers']:.0%} (by spend {analysis.match_rate['spend']:.0%})."
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f'<span class="cwb-spend-total" data-value="{analysis.total!r}"></span>',
    )
    with solara.Row():
        for name, path in files.items():
            solara.FileDownload(lambda p=path: read_bytes(p), name, label=name)
        solara.FileDownload(
            lambda: analysis.suppliers.to_csv(index=False).encode(), "suppliers.csv",
            label="suppliers.csv", mime_type="text/csv",
        )  # fmt: skip
    solara.Markdown("#### Spend by tier")
    _table(analysis.by_tier, "cwb-by-tier")
    solara.Markdown("#### Top suppliers")
    columns = [c for c in ("supplier", "spend", "share", "tier", "district", "sector", "matched_by")
               if c in analysis.top_suppliers.columns]  # fmt: skip
    _table(readable(analysis.top_suppliers[columns]), "cwb-top-suppliers")
    solara.Markdown("#### Gap analysis: spend outside the place in sectors where it has suppliers")
    if len(analysis.gap):
        _table(readable(analysis.gap), "cwb-gap")
    else:
        solara.Info(EMPTY_GAP, classes=["cwb-gap-empty"])
