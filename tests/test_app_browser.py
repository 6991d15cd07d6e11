"""The browser app in a real browser: Debian's Chromium driven by Playwright, offline.

One server (``python -m cwbsim.viz serve``, what ``cwbsim app`` runs) serves the
whole module on 127.0.0.1, with every outbound connection of the server sent to
a dead proxy and its saved scenarios in a temporary folder; the browser refuses
any request that is not to the app, so the page renders from the offline assets
or not at all. Two pages stay open throughout: a wide window (1440×900), where
the tests use the app as a strategist would, and a phone (390×844). The tests run
in file order and build on each other, as a person's session would: the scenario
saved in one is compared in a later one.

Every view is checked at both sizes: nothing reaches past the window's edges,
every chart and card title shows whole, and axe-core (vendored by ``cwbsim
assets``, injected from the asset cache) finds no serious or critical
violation. A screenshot of each view at each size is kept in
``$CWBSIM_TEST_ARTEFACTS/screenshots`` (default ``test-artefacts/screenshots``).
Console errors, requests leaving the app and tracebacks in the server log fail
the test of the step that caused them.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_checks import axe_violations, clipped_titles, overflow, screenshot

from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.model.record import display
from cwbsim.scenarios.pdf import HEADLESS
from cwbsim.scenarios.schema import load_scenario
from cwbsim.viz.explorer import ExplorerEconomy
from cwbsim.viz.levers import LEVERS, lever_values, with_levers

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = list(HEADLESS)
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SPEND = Path(__file__).parent / "data" / "spend" / "1701.csv"
REQUIRED = os.environ.get("CWBSIM_BROWSER_TEST") == "required"
ARTEFACTS = Path(
    os.environ.get("CWBSIM_TEST_ARTEFACTS") or Path(__file__).parent.parent / "test-artefacts"
)
"""Where screenshots (``screenshots/``), the server log and the committee report are kept."""
WAIT_MS = 60_000
"""Longest wait for the page to answer, ms (a loaded two-core machine)."""
HIRING = "local_hiring__share"
"""The lever the tests move (a % lever: 60 in ``preston-cwb``)."""
SAVED_NAME = "Hiring eighty"

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    log: Path
    scenarios: Path
    read: int = 0

    def new_tracebacks(self) -> str:
        """Tracebacks logged since the last call (the log's new text if there are any)."""
        text = self.log.read_text(errors="replace")
        new, self.read = text[self.read :], len(text)
        return new if "Traceback" in new else ""


@dataclass
class App:
    """One browser page of the app, with what it logged and what it tried to fetch elsewhere."""

    page: object
    name: str
    errors: list = field(default_factory=list)
    elsewhere: list = field(default_factory=list)
    seen: int = 0

    @property
    def size(self) -> str:
        size = self.page.viewport_size
        return f"{size['width']}x{size['height']}"

    def new_errors(self) -> list[str]:
        """Console errors, page errors and refused requests since the last call."""
        found = self.errors[self.seen :] + [f"request outside the app: {u}" for u in self.elsewhere]
        self.seen = len(self.errors)
        self.elsewhere.clear()
        return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        if REQUIRED:
            pytest.fail(f"{CHROMIUM} is missing (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from cwbsim.viz import assets

    assets.prepare()  # a no-op once `cwbsim assets` has run
    shutil.rmtree(ARTEFACTS / "screenshots", ignore_errors=True)  # this run's, not an older one's
    folder = tmp_path_factory.mktemp("app")
    log, scenarios = folder / "server.log", folder / "scenarios"
    port = _free_port()
    dead = "http://127.0.0.1:9"  # nothing listens: any request to a CDN fails at once
    env = {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
           "https_proxy": dead, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cwbsim.viz", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--scenarios", str(scenarios)],
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
    yield Server(url, log, scenarios)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(log, ARTEFACTS / "server.log")


@pytest.fixture(scope="module")
def browser(server):
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def _route(route, url, elsewhere):
    """Let requests to the app through; refuse and record any other."""
    if route.request.url.startswith((url, "data:", "blob:")):
        route.continue_()
    else:
        elsewhere.append(route.request.url)
        route.abort()


def _open(browser, url: str, viewport: dict, name: str) -> App:
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    app = App(page, name)
    page.on("console", lambda m: app.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: app.errors.append(f"page error: {error}"))
    page.route("**/*", lambda route: _route(route, url, app.elsewhere))
    page.goto(url)
    page.locator(".cwb-step, .cwb-story-skip").first.wait_for()
    return app


@pytest.fixture(scope="module")
def wide(browser, server):
    return _open(browser, server.url, WIDE, "wide")


@pytest.fixture(scope="module")
def phone(browser, server):
    return _open(browser, server.url, PHONE, "phone")


@pytest.fixture(scope="module")
def axe_js():
    from cwbsim.viz.assets import axe_script

    return axe_script()


READY = {
    "story": ".cwb-story",
    "Explore": ".cwb-kpis",
    "Compare": ".cwb-compare",
    "Spend file": ".cwb-spend",
}
"""An element each view shows once it is on screen."""


def _story_shown(page) -> bool:
    skip = page.locator(".cwb-story-skip")
    return skip.count() > 0 and skip.first.is_visible()


def show(page, view: str) -> None:
    """Go to a view by the view buttons (skipping Preston's story if it is on screen)."""
    if _story_shown(page):
        page.locator(".cwb-story-skip").first.click()
        page.locator(".cwb-story").wait_for(state="detached")
    page.locator(".cwb-views").get_by_role("button", name=view, exact=True).click()
    page.locator(READY[view]).first.wait_for()


def _settle(page, timeout: float = 30.0) -> None:
    """Wait until the view's charts are drawn: no "Drawing…", and as many canvases twice running."""
    deadline = time.monotonic() + timeout
    before = -1
    while time.monotonic() < deadline:
        drawing = page.get_by_text("Drawing…").count()
        now = page.locator("canvas").count()
        if not drawing and now == before:
            break
        before = now
        page.wait_for_timeout(400)
    page.wait_for_timeout(500)  # charts resize to their boxes


def check_view(app: App, view: str, axe_js: Path, min_titles: int = 1) -> list[str]:
    """Screenshot the view, then every layout and accessibility problem found, one line each."""
    page = app.page
    _settle(page)
    screenshot(page, ARTEFACTS / "screenshots" / f"{view}-{app.size}.png")
    where = f"{view} at {app.size}"
    problems = [f"{where}: overflow: {p}" for p in overflow(page)]
    count, cut = clipped_titles(page)
    problems += [f"{where}: title: {p}" for p in cut]
    if count < min_titles:
        problems.append(f"{where}: {count} titles shown (expected at least {min_titles})")
    problems += [f"{where}: axe: {v}" for v in axe_violations(page, axe_js)]
    return problems


def no_errors(server: Server, *apps: App) -> list[str]:
    """Console errors, outside requests and server tracebacks since the last check."""
    found = [f"{app.name} page: {e}" for app in apps for e in app.new_errors()]
    tracebacks = server.new_tracebacks()
    if tracebacks:
        found.append(f"server log: {tracebacks[-3000:]}")
    return found


def lever_box(page, key: str):
    return page.locator(f'[data-lever="{key}"] .cwb-lever-box input')


def shown_levers(page) -> dict[str, float]:
    """Each lever's number box, as a number."""
    return {key: float(lever_box(page, key).input_value()) for key in LEVERS}


def slider_levers(page) -> dict[str, float]:
    """Each lever's slider position (its aria-valuenow)."""
    return {
        key: float(
            page.locator(f'[data-lever="{key}"] [role=slider]').get_attribute("aria-valuenow")
        )
        for key in LEVERS
    }


def assert_sliders_at(page, values: dict[str, float]) -> None:
    """Each slider at its lever's value, to the nearest step (a slider snaps to its steps)."""
    for key, at in slider_levers(page).items():
        assert abs(at - values[key]) <= LEVERS[key].step / 2 + 1e-9, (key, at, values[key])


def kpis(page, step: int) -> dict[str, tuple[float, float, str]]:
    """The headline cards at ``step``: metric to (value, baseline, change text)."""
    cards = page.locator(f'.cwb-kpis[data-step="{step}"] .cwb-kpi')
    cards.first.wait_for()
    found = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        found[card.get_attribute("data-metric")] = (
            float(card.get_attribute("data-value")),
            float(card.get_attribute("data-baseline")),
            card.locator(".cwb-kpi-change").inner_text(),
        )
    return found


def assert_kpis_match(page, step: int, model: ExplorerEconomy) -> None:
    """Every headline card's value and baseline are the model's own, and the change is theirs."""
    shown = kpis(page, step)
    assert shown, "no headline cards"
    now, base = model.recorder_of(None).current, model.baseline_of(None).current
    for metric, (value, baseline, change) in shown.items():
        assert math.isclose(value, now[metric], rel_tol=1e-12), metric
        assert math.isclose(baseline, base[metric], rel_tol=1e-12), metric
        difference = display.per_year(metric, now[metric]) - display.per_year(metric, base[metric])
        assert display.text(metric, difference, difference=True) in change, (metric, change)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select labelled ``label``."""
    field_ = page.locator(".v-select").filter(has=page.get_by_text(label, exact=True))
    field_.locator(".v-input__slot").click()
    menu = page.locator(".menuable__content__active")
    menu.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def drawer_open(page) -> bool:
    return "v-navigation-drawer--open" in (
        page.locator(".v-navigation-drawer").get_attribute("class") or ""
    )


def set_drawer(page, open_: bool) -> None:
    """Open the side panel with the app bar's menu button, or close it as a person would.

    On a phone the open panel covers the menu button: a tap beside it closes it.
    """
    if drawer_open(page) == open_:
        return
    panel = page.locator(".v-navigation-drawer").bounding_box()
    size = page.viewport_size
    if not open_ and panel and panel["x"] + panel["width"] < size["width"] - 8:
        page.mouse.click((panel["x"] + panel["width"] + size["width"]) / 2, size["height"] / 2)
    else:
        page.locator(".v-app-bar__nav-icon").click()
    expect(page.locator(".v-navigation-drawer")).to_have_class(
        re.compile("v-navigation-drawer--open" if open_ else "v-navigation-drawer--close")
    )
    page.wait_for_timeout(400)  # the slide


def wait_for_levers(page, values: dict[str, float], timeout: float = 30.0) -> None:
    """Wait until the number boxes show ``values`` (a new model's levers arrive a moment later)."""
    deadline = time.monotonic() + timeout
    while shown_levers(page) != pytest.approx(values, rel=1e-9):
        if time.monotonic() > deadline:
            assert shown_levers(page) == pytest.approx(values, rel=1e-9)
        page.wait_for_timeout(200)


FAULTY_PAGE = """
<html><body style="margin: 0">
<nav class="v-navigation-drawer" style="position: fixed; left: 0; width: 300px;
  transform: translateX(-100%); visibility: hidden">hidden side panel</nav>
<main><div class="v-content__wrap"><div style="height: 100vh; overflow: auto">
  <div class="cwb-chart-title" style="white-space: nowrap; overflow: hidden; width: 100px">
    A chart title far too long for its box</div>
  <div class="cwb-wide" style="width: 600px; height: 20px">too wide</div>
  <div class="cwb-table-box" style="overflow-x: auto"><table style="width: 900px">
    <tr><td>a wide table scrolls in its own box</td></tr></table></div>
  <div class="cwb-text-box" style="overflow-x: auto"><div style="width: 900px">text</div></div>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
</div></div></main></body></html>
"""
"""A page with one of each fault the layout checks look for (at 390 px wide)."""


def test_the_checks_find_what_they_look_for(browser, axe_js):
    """Overflow, a cut title and an image without a text alternative are each found."""
    page = browser.new_page(viewport=PHONE)
    page.set_content(FAULTY_PAGE)
    found = overflow(page)
    assert any("cwb-wide" in line and "0 to 600 px" in line for line in found), found
    assert any("cwb-text-box" in line and "no table" in line for line in found), found
    assert not any("cwb-table-box" in line or "drawer" in line for line in found), found
    count, cut = clipped_titles(page)
    assert count == 1 and "is cut" in cut[0], cut
    assert any("image-alt" in line for line in axe_violations(page, axe_js)), "axe found nothing"
    page.close()


# ---------------------------------------------------------------------------------------
# The wide window: the app used as a strategist would


def test_story_comes_first_and_can_be_skipped(wide, phone, server, axe_js):
    problems = []
    for app in (wide, phone):
        if not _story_shown(app.page):
            pytest.skip("Preston's story is not in the app yet")
        problems += check_view(app, "story", axe_js)
    show(wide.page, "Explore")
    problems += no_errors(server, wide, phone)
    assert not problems, "\n".join(problems)


def test_levers_and_headline_numbers_are_the_models(wide, server, axe_js):
    page = wide.page
    show(page, "Explore")
    set_drawer(page, True)
    model = ExplorerEconomy()  # the app's defaults: preston-2012, preston-cwb, seed 20130401
    expected = lever_values(model.plan)
    assert shown_levers(page) == pytest.approx(expected, rel=1e-9)
    assert_sliders_at(page, expected)

    for step in (1, 2):
        model.step()
        page.locator(".cwb-step").click()
        page.locator(f'.cwb-kpis[data-step="{step}"]').wait_for()
    assert_kpis_match(page, 2, model)
    for name in ("timeseries", "sankey", "network"):
        page.locator(f'.cwb-chart-{name}[data-step="2"] canvas').wait_for()
    problems = check_view(wide, "explore", axe_js, min_titles=3)

    # a moved lever waits for Apply, and says so
    apply = page.locator(".cwb-apply")
    expect(apply).to_be_disabled()
    lever_box(page, HIRING).fill("80")
    lever_box(page, HIRING).press("Enter")
    expect(page.locator(".cwb-pending")).to_contain_text("Levers changed: not applied yet")
    expect(apply).to_be_enabled()
    assert page.locator('.cwb-kpis[data-step="2"]').count() == 1  # the run goes on unchanged
    apply.click()
    page.locator('.cwb-kpis[data-step="0"]').wait_for()
    expect(page.locator(".cwb-pending")).to_have_count(0)
    moved = ExplorerEconomy(**{HIRING: 80.0})
    assert shown_levers(page) == pytest.approx(lever_values(moved.plan), rel=1e-9)
    assert shown_levers(page)[HIRING] == 80
    moved.step()
    page.locator(".cwb-step").click()
    assert_kpis_match(page, 1, moved)
    problems += no_errors(server, wide)
    assert not problems, "\n".join(problems)


def test_a_saved_scenario_round_trips(wide, server):
    page = wide.page
    set_drawer(page, True)
    in_force = with_levers(ExplorerEconomy(baseline=False).plan, {HIRING: 80.0})
    name = page.locator(".cwb-save-name input")
    name.fill(SAVED_NAME)
    name.press("Tab")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download .toml").click()
    downloaded = Path(download.value.path()).read_text(encoding="utf-8")
    page.get_by_role("button", name="Save scenario").click()
    expect(page.locator(".cwb-save-done")).to_contain_text(SAVED_NAME)
    path = server.scenarios / "hiring-eighty.toml"
    assert path.is_file(), sorted(server.scenarios.iterdir())
    saved, _ = load_scenario(str(path))
    assert saved == in_force.model_copy(update={"name": SAVED_NAME})
    assert downloaded == path.read_text(encoding="utf-8")
    problems = []
    page.wait_for_timeout(1500)  # saving must not replace the model in force
    if shown_levers(page)[HIRING] != 80 or page.locator(".cwb-save-done").count() == 0:
        problems.append(
            f"saving replaced the model in force: the {HIRING} box shows "
            f"{shown_levers(page)[HIRING]:g} (expected 80, the levers saved), and the saved "
            f"message is {'gone' if page.locator('.cwb-save-done').count() == 0 else 'shown'}"
        )

    other = _other_builtin()
    choose(page, "Scenario", other)
    wait_for_levers(page, lever_values(load_scenario(other)[0]))
    choose(page, "Scenario", f"saved: {SAVED_NAME}")
    expect(page.get_by_text(f"{SAVED_NAME} on preston-2012")).to_be_visible()
    wait_for_levers(page, lever_values(saved))
    assert_sliders_at(page, lever_values(saved))
    expect(page.locator(".cwb-apply")).to_be_disabled()
    problems += no_errors(server, wide)
    assert not problems, "\n".join(problems)


def _other_builtin() -> str:
    """A built-in scenario on Preston other than the default, whose levers differ from 80%."""
    from cwbsim.scenarios.schema import builtin_scenarios

    for name in builtin_scenarios():
        plan, _ = load_scenario(name)
        if name != "preston-cwb" and plan.base == "preston-2012":
            if lever_values(plan)[HIRING] != 80:
                return name
    raise AssertionError("no other built-in scenario on preston-2012")


def test_bad_inputs_are_one_line_messages_and_no_traceback(wide, server, tmp_path, axe_js):
    page = wide.page
    show(page, "Explore")
    set_drawer(page, True)
    problems = []

    # a lever out of its range: a message under it, and nothing to apply
    box = lever_box(page, HIRING)
    box.fill("150")
    box.press("Enter")
    message = page.locator(f'[data-lever="{HIRING}"] .cwb-lever-error')
    expect(message).to_contain_text("150 is out of range")
    assert "\n" not in message.inner_text().strip()
    expect(page.locator(".cwb-apply")).to_be_disabled()

    # a bad seed typed in the page: a message, and the model keeps running
    page.get_by_role("button", name="Seed and play speed").click()
    seed = page.locator(".cwb-seed input")
    seed.fill("not-a-seed")
    seed.press("Enter")
    page.locator(".cwb-apply").click()
    expect(page.locator(".cwb-input-error")).to_contain_text("not a whole number")
    page.locator(".cwb-step").click()
    page.locator('.cwb-kpis[data-step="1"]').wait_for()

    # a scenario file with errors, then a good one, from the side panel
    picker = page.locator('input[accept=".toml"]')
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\nbase = "preston-2012"\n[[intervention]]\ntype = "free_money"\n')
    picker.set_input_files(str(broken))
    expect(page.locator(".cwb-scenario-error")).to_contain_text(
        "broken.toml: intervention[0]: unknown type 'free_money'"
    )
    good = tmp_path / "buy-local.toml"
    good.write_text(
        'name = "buy-local"\nbase = "preston-2012"\n'
        '[[intervention]]\ntype = "buy_local"\nshift = 0.05\n'
    )
    picker.set_input_files(str(good))
    expect(page.locator(".cwb-scenario-error")).to_have_count(0)
    expect(lever_box(page, "buy_local__shift")).to_have_value(re.compile(r"^5(\.0)?$"))
    expect(page.locator(".cwb-input-error")).to_have_count(0)
    problems += no_errors(server, wide)

    # a spend file and its analysis; then a corrupt one and a huge one
    show(page, "Spend file")
    spend = page.locator('input[accept=".csv,.xlsx,.xls"]')
    spend.set_input_files(str(SPEND))
    total = page.locator(".cwb-spend-total")
    total.wait_for(state="attached")
    expected_total = float(read_spend_files([SPEND]).payments["amount"].sum())
    assert math.isclose(float(total.get_attribute("data-value")), expected_total, rel_tol=1e-12)
    assert page.locator("table.cwb-top-suppliers tbody tr").count() > 5
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        problems += check_view(wide, "spend", axe_js)
    page.set_viewport_size(WIDE)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    spend.set_input_files(str(corrupt))
    expect(page.locator(".cwb-upload-error")).to_contain_text("damaged zip archive")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.truncate(21 * 1024 * 1024)  # refused on its size, before any byte is sent
    spend.set_input_files(str(huge))
    expect(page.get_by_text("huge.csv: 22.0 MB is over the upload limit")).to_be_visible()
    for message in page.locator(".cwb-upload-error, .cwb-scenario-error").all_inner_texts():
        assert "\n" not in message.strip() and "Traceback" not in message
    problems += no_errors(server, wide)
    assert not problems, "\n".join(problems)


def _pick_scenarios(page, names: list[str]) -> None:
    """Add ``names`` to the Compare view's scenarios (a select of several)."""
    field_ = page.locator(".cwb-compare-scenarios")
    field_.locator(".v-input__slot").click()
    menu = page.locator(".menuable__content__active")
    for name in names:
        menu.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")


def _numbers(text: str) -> set[str]:
    """The figures in a text as written (£12.3m, +0.4 pp, 98,517, 12.5%), whitespace-free."""
    pattern = r"[−+-]?£?\d[\d,]*(?:\.\d+)?(?:\s?(?:m|bn|%|pp))?"
    return {re.sub(r"\s", "", n) for n in re.findall(pattern, text)}


def test_a_three_scenario_comparison_and_its_report(wide, server, tmp_path, axe_js):
    page = wide.page
    show(page, "Compare")
    sliders = page.locator(".cwb-compare [role=slider]")
    for i in (0, 1):  # the fewest seeds (2), and 2 years: preston-cwb acts from year 2
        sliders.nth(i).focus()
        sliders.nth(i).press("Home")
    sliders.nth(1).press("ArrowRight")
    expect(sliders.nth(0)).to_have_attribute("aria-valuenow", "2")
    expect(sliders.nth(1)).to_have_attribute("aria-valuenow", "2")
    _pick_scenarios(page, ["preston-cwb", f"saved: {SAVED_NAME}"])
    page.get_by_role("button", name="Run comparison").click()
    report = page.locator(".cwb-committee-report")
    page.locator(".cwb-committee-report, .cwb-compare-error").first.wait_for(timeout=180_000)
    errors = page.locator(".cwb-compare-error").all_inner_texts()
    assert not errors, errors
    table = page.locator("table.cwb-compare-table")
    text = table.inner_text()
    for name in ("preston-cwb", SAVED_NAME, "Baseline"):
        assert name in text, f"{name} missing from the table:\n{text}"
    assert display.label("local_share") in text and "local_share" not in text
    assert "e+0" not in text and "e-0" not in text
    problems = []
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        problems += check_view(wide, "compare", axe_js)
    page.set_viewport_size(WIDE)

    # the committee report: its PDF's text holds the table's figures
    if shutil.which("pdftotext") is None:
        message = "pdftotext is missing (apt-get install poppler-utils)"
        if REQUIRED:
            pytest.fail(message)
        assert not problems, "\n".join(problems)
        pytest.skip(message)
    report.click()
    pdf_button = page.get_by_role("button", name="Report (PDF)")
    pdf_button.wait_for(timeout=120_000)
    with page.expect_download() as download:
        pdf_button.click()
    pdf = ARTEFACTS / "report.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    download.value.save_as(pdf)
    words = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    shown = _numbers(" ".join(table.locator("td").all_inner_texts()))
    assert len(shown) >= 10, shown
    missing = shown - _numbers(words)
    assert not missing, f"figures in the page's table but not in the PDF: {sorted(missing)}"
    assert "/tmp" not in words and "e+0" not in words
    problems += no_errors(server, wide)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------
# The phone


def test_on_a_phone_the_run_controls_are_on_screen_and_nothing_overflows(phone, server, axe_js):
    page = phone.page
    show(page, "Explore")
    assert not drawer_open(page), "the side panel is open on a phone"
    for control in (".cwb-step", ".cwb-play", ".cwb-apply", ".cwb-reset"):
        box = page.locator(control).bounding_box()
        assert box is not None, control
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (control, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (control, box)
    page.locator(".cwb-step").click()
    page.locator('.cwb-kpis[data-step="1"]').wait_for()
    for name in ("timeseries", "sankey", "network"):
        page.locator(f'.cwb-chart-{name}[data-step="1"] canvas').wait_for()
    problems = check_view(phone, "explore", axe_js, min_titles=3)

    set_drawer(page, True)
    panel = page.locator(".v-navigation-drawer").bounding_box()
    assert panel["x"] >= -1 and panel["x"] + panel["width"] <= PHONE["width"] + 1, panel
    expect(lever_box(page, HIRING)).to_be_visible()
    problems += check_view(phone, "side-panel", axe_js)
    set_drawer(page, False)

    for view, name in (("Compare", "compare-empty"), ("Spend file", "spend-empty")):
        show(page, view)
        problems += check_view(phone, name, axe_js)
    show(page, "Explore")
    problems += no_errors(server, phone)
    assert not problems, "\n".join(problems)


def test_no_console_errors_outside_requests_or_tracebacks(wide, phone, server):
    """Over the whole module: anything the earlier tests did not already report."""
    wide.seen = phone.seen = 0
    found = [f"{app.name} page: {e}" for app in (wide, phone) for e in app.new_errors()]
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    assert not found, "\n".join(found)
