"""Write a spend analysis as ``analysis.json`` and a self-contained ``analysis.html``."""

from __future__ import annotations

import html
import json
from pathlib import Path

from cwbsim.calibration.analysis import Analysis
from cwbsim.calibration.spend_files import SpendData
from cwbsim.scenarios.outputs import atomic_write, json_text
from cwbsim.scenarios.running import versions

TABLES = ("by_type", "by_body", "by_tier", "by_district", "by_sector", "by_month", "top_suppliers",
          "gap", "review")  # fmt: skip


def analysis_document(analysis: Analysis, data: SpendData, options: dict) -> dict:
    """The JSON document: options, per-file reports, match rate and every table."""
    document = {
        "options": options,
        "versions": versions(),
        "total": analysis.total,
        "procurement_base": {
            "types": list(analysis.base),
            "total": analysis.base_total,
            "excluded": analysis.excluded,
        },
        "placed": analysis.placed,
        "files": [r.as_dict() for r in data.reports],
        "match_rate": analysis.match_rate,
        "unmatched_suppliers": analysis.suppliers[
            analysis.suppliers["in_base"] & analysis.suppliers["district"].isna()
        ]
        .head(100)[["supplier", "spend", "type"]]
        .to_dict("records"),
    }
    for name in TABLES:
        document[name] = getattr(analysis, name).to_dict("records")
    return json.loads(json.dumps(document, default=str))


def _html_table(records: list[dict], limit: int = 50) -> str:
    if not records:
        return "<p>none</p>"
    columns = list(records[0])
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for record in records[:limit]:
        cells = []
        for c in columns:
            value = record[c]
            if isinstance(value, float):
                text = f"{value:.1%}" if c == "share" else f"{value:,.2f}"
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    more = (
        f"<p>… {len(records) - limit} more rows in analysis.json</p>"
        if len(records) > limit
        else ""
    )
    return f"<table><tr>{head}</tr>{''.join(body)}</table>{more}"


def write_analysis(analysis: Analysis, data: SpendData, options: dict, out: Path) -> list[Path]:
    """Write ``analysis.json`` and ``analysis.html`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    document = analysis_document(analysis, data, options)
    atomic_write(out / "analysis.json", lambda p: p.write_text(json_text(document, indent=2)))
    sections = "".join(
        f"<h2>{html.escape(title)}</h2>{_html_table(document[key])}"
        for key, title in (
            ("by_type", "Who was paid: spend by payee type"),
            ("by_tier", "Spend by tier (over the procurement base)"),
            ("gap", "Gap analysis: sectors where spend leaves although local suppliers exist"),
            ("by_sector", "Spend by sector (SIC 2007 section)"),
            ("by_district", "Spend by local authority district"),
            ("top_suppliers", "Top suppliers"),
            ("by_month", "Spend by month"),
            ("by_body", "Spend by body"),
            ("files", "Files read"),
            ("review", "Possible companies to review (not placed)"),
            ("unmatched_suppliers", "Largest unplaced suppliers"),
        )
    )
    rate = document["match_rate"]
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>cwbsim spend analysis</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;font-size:0.85em;margin-bottom:1em}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right}}</style></head><body>
<h1>Spend analysis</h1>
<p>Total £{document["total"]:,.2f} over {len(document["files"])} files or sheets;
procurement base ({html.escape(", ".join(analysis.base))}) £{analysis.base_total:,.2f}.
Suppliers placed: {rate["suppliers"]:.1%} of the base's suppliers, {rate["spend"]:.1%} of its
spend ({analysis.placed["placed_automatically_spend"]:.1%} automatically).
Local: {html.escape(", ".join(options.get("local", [])))}.
Region: {len(options.get("region", []))} districts.</p>
{sections}
<h2>Provenance</h2><pre>{html.escape(json_text({"options": options, "versions": document["versions"]}, indent=2))}</pre>
</body></html>
"""
    atomic_write(out / "analysis.html", lambda p: p.write_text(page, encoding="utf-8"))
    return [out / "analysis.json", out / "analysis.html"]
