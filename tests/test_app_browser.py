"""The browser app in a real browser: Debian's Chromium driven by Playwright, offline.

The test starts ``python -m cwbsim.viz serve`` (what ``cwbsim app`` runs) on
127.0.0.1 with every outbound connection of the server sent to a dead proxy,
and the browser refuses any request that is not to the app: the page renders
from the offline assets or not at all.
"""

import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.model.record import display
from cwbsim.viz.explorer import ExplorerEconomy

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SPEND = Path(__file__).parent / "data" / "spend" / "1701.csv"
REQUIRED = os.environ.get("CWBSIM_BROWSER_TEST") == "required"

playwright = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        if REQUIRED:
            pytest.fail(f"{CHROMIUM} is missing (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from cwbsim.viz import assets

    assets.prepare()  # a no-op once `cwbsim assets` has run
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    dead = "http://127.0.0.1:9"  # nothing listens: any request to a CDN fails at once
    env = {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
           "https_proxy": dead, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cwbsim.viz", "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            pytest.fail(f"the app exited: {log.read_text()[-2000:]}")
    else:
        process.kill()
        pytest.fail(f"the app did not answer within 90 s: {log.read_text()[-2000:]}")
    yield url, log
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    elsewhere = []
    page.route("**/*", lambda route: _route(route, url, elsewhere))
    page.goto(url)
    page.get_by_role("button", name="Step").wait_for(timeout=60_000)
    return page, elsewhere


def _route(route, url, elsewhere):
    """Let requests to the app through; refuse and record any other."""
    if route.request.url.startswith((url, "data:", "blob:")):
        route.continue_()
    else:
        elsewhere.append(route.request.url)
        route.abort()


def _shot(locator) -> bytes:
    """A screenshot of the element, retried while the page re-renders it."""
    for _ in range(50):
        try:
            return locator.screenshot(timeout=5_000)
        except playwright.Error:
            time.sleep(0.2)
    raise AssertionError("the element never stayed still long enough to capture")


def _wait_changed(locator, before: bytes, timeout: float = 20.0) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _shot(locator)
        if now != before:
            return now
        time.sleep(0.2)
    raise AssertionError("the chart did not change")


def test_app_in_chromium(server, browser, tmp_path):
    url, log = server
    page, elsewhere = _open(browser, url)

    # step the model: the cards update and show the model's own values
    chart = page.locator(".cwb-chart-timeseries").first
    page.locator('.cwb-chart-timeseries[data-step="0"] canvas').wait_for(timeout=30_000)
    before = _shot(chart)
    step = page.get_by_role("button", name="Step")
    for expected_step in (1, 2):
        step.click()
        page.locator(f'.cwb-kpis[data-step="{expected_step}"]').wait_for(timeout=30_000)
    for name in ("timeseries", "sankey", "network"):
        page.locator(f'.cwb-chart-{name}[data-step="2"] canvas').wait_for(timeout=30_000)
    _wait_changed(chart, before)
    shown = page.locator('[data-metric="local_share"]')
    model = ExplorerEconomy()  # the app's defaults: preston-2012, preston-cwb, seed 20130401
    model.step()
    model.step()
    expected = model.recorder.current["local_share"]
    assert math.isclose(float(shown.get_attribute("data-value")), expected, rel_tol=1e-12)
    assert shown.locator(".cwb-kpi-value").inner_text() == display.text("local_share", expected)
    assert shown.locator(".cwb-kpi-value").inner_text() == f"{expected:.1%}"

    # a bad seed typed in the page: a message, and the model keeps running
    seed = page.get_by_label("Seed")
    seed.fill("not-a-seed")
    seed.press("Enter")
    page.get_by_role("button", name="Reset").click()
    page.locator(".cwb-input-error").wait_for(timeout=30_000)
    assert "not a whole number" in page.locator(".cwb-input-error").inner_text()

    # a scenario file with errors, then a good one, from the sidebar
    scenario_picker = page.locator('input[accept=".toml"]')
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\nbase = "preston-2012"\n[[intervention]]\ntype = "free_money"\n')
    scenario_picker.set_input_files(str(broken))
    page.locator(".cwb-scenario-error").wait_for(timeout=30_000)
    assert (
        "broken.toml: intervention[0]: unknown type 'free_money'"
        in page.locator(".cwb-scenario-error").inner_text()
    )
    good = tmp_path / "buy-local.toml"
    good.write_text(
        'name = "buy-local"\nbase = "preston-2012"\n'
        '[[intervention]]\ntype = "buy_local"\nshift = 0.05\n'
    )
    scenario_picker.set_input_files(str(good))
    page.get_by_text("Buy local: shift in households' local share 0.05").wait_for(timeout=30_000)
    assert page.locator(".cwb-scenario-error").count() == 0

    # upload a spend file and see its analysis; then a corrupt one and a huge one
    page.get_by_role("button", name="Spend file").click()
    picker = page.locator('input[accept=".csv,.xlsx,.xls"]')
    picker.set_input_files(str(SPEND))
    total = page.locator(".cwb-spend-total")
    total.wait_for(state="attached", timeout=60_000)
    expected_total = float(read_spend_files([SPEND]).payments["amount"].sum())
    assert math.isclose(float(total.get_attribute("data-value")), expected_total, rel_tol=1e-12)
    assert page.locator("table.cwb-top-suppliers tbody tr").count() > 5
    assert page.locator("table.cwb-by-tier").is_visible()
    assert page.get_by_role("button", name="analysis.html").is_visible()
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    picker.set_input_files(str(corrupt))
    page.locator(".cwb-upload-error").wait_for(timeout=30_000)
    assert "damaged zip archive" in page.locator(".cwb-upload-error").inner_text()
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.truncate(21 * 1024 * 1024)  # refused on its size, before any byte is sent
    picker.set_input_files(str(huge))
    page.get_by_text("huge.csv: 22.0 MB is over the upload limit").wait_for(timeout=30_000)

    # the comparison view: two paired seeds over two years
    page.get_by_role("button", name="Compare").click()
    sliders = page.locator(".cwb-compare [role=slider]")
    sliders.nth(0).focus()
    sliders.nth(0).press("Home")  # 2 seeds
    sliders.nth(1).focus()
    sliders.nth(1).press("Home")
    sliders.nth(1).press("ArrowRight")  # 2 years
    page.get_by_role("button", name="Run comparison").click()
    page.locator("table.cwb-compare-table").wait_for(timeout=240_000)
    text = page.locator("table.cwb-compare-table").inner_text()
    assert display.label("local_share") in text and display.label("lm3") in text
    assert "local_share" not in text and "e+0" not in text  # plain names, no e-notation
    page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
    assert (tmp_path / "app.png").stat().st_size > 10_000

    # another session is served while this one has had errors
    other, other_elsewhere = _open(browser, url)
    assert other.get_by_role("button", name="Reset").is_visible()
    assert elsewhere == [] and other_elsewhere == []
    assert "Traceback" not in log.read_text()
