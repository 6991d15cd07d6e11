"""The committee report: plain words, registry units, two-sentence method, no paths, a PDF."""

import html
import os
import re
import shutil
import subprocess

import numpy as np
import pytest
import tomli_w
from economies import SMALL
from typer.testing import CliRunner

from cwbsim.cli import app
from cwbsim.model.record import display
from cwbsim.scenarios import pdf
from cwbsim.scenarios.committee import report_html, write_report
from cwbsim.scenarios.compare import compare_many

PRINTING = pdf.browser() is not None and shutil.which("pdftotext") is not None
needs_printing = pytest.mark.skipif(
    not PRINTING, reason="needs Chromium and pdftotext (Debian packages chromium, poppler-utils)"
)


def _scenario(folder, economy, name, interventions, **extra):
    data = {"name": name, "base": str(economy), "years": 1, "seeds": 2,
            "intervention": interventions, **extra}  # fmt: skip
    path = folder / f"{name}.toml"
    path.write_text(tomli_w.dumps(data))
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("committee")
    data = dict(SMALL)
    data["behaviour"] = {**SMALL["behaviour"], "sector_table": "uniform", "size_bands": {}}
    economy = folder / "small.toml"
    economy.write_text(tomli_w.dumps(data))
    base = _scenario(folder, economy, "Carry on", [], description="No new policy")
    buy = _scenario(
        folder, economy, "Buy local campaign", [{"type": "buy_local", "shift": 0.05}],
        description="Households move spending to local shops",
        assumptions=[f"Shares from {folder}/survey.csv, see docs/validation.md and prices.toml"],
        sources=["Shop survey (preston.gov.uk/article/1791)"],
        uncertain=[{"path": "spec.households.0.local_share", "distribution": "uniform",
                    "low": 0.2, "high": 0.5, "source": f"assumption ({folder}/notes.md)"}],
    )  # fmt: skip
    wage = _scenario(
        folder, economy, "Living wage", [{"type": "wage_floor", "hourly": 11.5,
                                          "include_suppliers": True}],
    )  # fmt: skip
    return base, buy, wage


@pytest.fixture(scope="module")
def comparisons(files):
    base, buy, wage = files
    return compare_many(base, [buy, wage], seeds=2, years=1)


def visible(page: str) -> str:
    """The page's text as read: embedded images and tags removed, entities decoded."""
    page = re.sub(r"data:[^'\"]+", "", page)
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


WEB = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[\w.%-]*)+")
PATHS = (
    re.compile(r"(?<![\w.:/])/[\w.-]+/"),  # an absolute path
    re.compile(r"\b[\w-]+(?:/[\w.-]+)+\.(?:toml|csv|md|py|json|parquet|html|pdf)\b"),
    re.compile(r"\b[\w-]+" + re.escape(os.sep) + r"[\w-]+" + re.escape(os.sep) + r"[\w.-]+"),
)


def test_the_report_names_no_file_and_uses_the_registry_units(comparisons):
    page = report_html(comparisons)
    text = visible(page)
    assert "/tmp" not in page and ".toml" not in page and ".csv" not in text
    for pattern in PATHS:
        found = pattern.findall(WEB.sub("", text))
        assert not found, found
    assert "preston.gov.uk/article/1791" in text  # a web source stays
    assert not re.search(r"\d[eE][+-]?\d", text)  # never e-notation
    assert "Buy local campaign and Living wage compared with Carry on" in text  # the title
    assert "<title>Buy local campaign and Living wage compared with Carry on</title>" in page
    assert "£" in text and "%" in text and " pp" in text and "percentage points" in text
    for metric in display.headlines():
        assert display.label(metric) in text
    # scenarios in plain words, from the schema, not as code
    assert "Households shift part of their spending to local firms." in text
    assert "Change in the local share of consumption: +5 percentage points." in text
    assert "Floor: £11.50 an hour." in text and "Also the anchors' contracted suppliers." in text
    assert "buy_local" not in text and "type =" not in text and "wage_floor" not in text


def test_the_method_is_two_sentences_and_the_appendix_has_seeds_and_versions(comparisons):
    page = report_html(comparisons)
    method = html.unescape(re.search(r"<p class=\"method\">(.*?)</p>", page, re.S).group(1))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", method.strip()) if s]
    assert len(sentences) == 2, sentences
    assert "same 2 random seeds" in method and "90% interval" in method
    appendix = visible(page.split("id='appendix'")[1])
    assert str(comparisons[0].entropy) in appendix and "spawn_key" in appendix
    assert f"numpy {np.__version__}" in " ".join(appendix.split())
    assert "Chromium" in appendix


def test_the_final_year_table_gives_baseline_each_scenario_and_intervals(comparisons):
    page = report_html(comparisons)
    block = re.search(r"<tbody data-metric='local_income'>(.*?)</tbody>", page, re.S).group(1)
    cells = [html.unescape(c) for c in re.findall(r"<td class='num'>(.*?)</td>", block)]
    buy = comparisons[0].table
    row = buy[(buy.metric == "local_income") & (buy.year == 1)].iloc[0]
    assert cells[0] == display.text("local_income", row.baseline_mean)
    assert cells[1] == display.text("local_income", row.scenario_mean)
    assert cells[2] == display.text("local_income", row.diff_mean, difference=True)
    assert cells[3] == (
        f"{display.text('local_income', row.diff_lo, difference=True)} to "
        f"{display.text('local_income', row.diff_hi, difference=True)}"
    )
    assert len(cells) == 1 + 2 * 4  # the baseline, then both scenarios (value, three more)


def headline_rows(page: str) -> list[list[str]]:
    table = re.search(r"<table class='headline'>(.*?)</table>", page, re.S).group(1)
    return [
        [html.unescape(c) for c in re.findall(r"<td class='num'>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


@needs_printing
def test_the_pdf_holds_the_headline_numbers_of_the_html(comparisons, tmp_path):
    report = write_report(comparisons, tmp_path)
    assert report.pdf_error is None and report.pdf.stat().st_size > 10_000
    page = report.html.read_text(encoding="utf-8")
    text = subprocess.run(
        ["pdftotext", "-layout", str(report.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    rows = [r for r in headline_rows(page) if r]
    assert len(rows) == len(display.headlines()) * 3
    for cells in rows:  # each row's numbers, in order, on one line of the PDF
        pattern = r"[ \t]+".join(re.escape(c) for c in cells)
        assert re.search(pattern, text), cells
    assert "/tmp" not in text and ".toml" not in text


def _compare_two(files, out):
    """``cwbsim compare`` of the two scenario files against the baseline file, quickly."""
    base, buy, wage = files
    return CliRunner().invoke(
        app, ["compare", base, buy, wage, "--seeds", "2", "--years", "1", "--workers", "1",
              "--no-uncertain", "--out", str(out)],
    )  # fmt: skip


@needs_printing
def test_cli_compare_of_two_scenarios_writes_the_report_and_its_pdf(files, tmp_path):
    out = tmp_path / "out"
    result = _compare_two(files, out)
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file() and (out / "report.pdf").stat().st_size > 10_000
    table = (out / "comparison.csv").read_text().splitlines()
    assert table[0].startswith("scenario,metric,year")
    assert {line.split(",")[0] for line in table[1:]} == {"Buy local campaign", "Living wage"}
    assert "wrote report.html, report.pdf" in result.output


def test_cli_compare_without_chromium_writes_the_html_and_says_why(files, tmp_path, monkeypatch):
    monkeypatch.setenv("CWBSIM_CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "out"
    result = _compare_two(files, out)
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file() and not (out / "report.pdf").exists()
    skipped = [line for line in result.output.splitlines() if "report.pdf skipped" in line]
    assert len(skipped) == 1 and "Chromium is not installed" in skipped[0]
    assert "Traceback" not in result.output
