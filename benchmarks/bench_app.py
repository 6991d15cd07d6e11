"""The app's speed against issue 16's targets, measured in Debian's Chromium at full Preston.

Starts ``python -m cwbsim.viz serve`` on 127.0.0.1 (saved scenarios in a temporary
folder) and drives a headless page at 1440×900:

1. **Page load to a usable Step** (target ≤ 3 s): from ``goto`` to the first screen
   (Preston's story), and to the Explore view's Step button enabled with the
   headline cards shown, Skip clicked as soon as it appears; then, in a second page,
   from ``goto`` of ``?view=explore`` (the page opened straight on Explore) to a
   usable Step.
2. **Step to charts redrawn** (target ≤ 0.5 s): for each of N clicks on Step, from
   the click (made in the page, timed by the page's clock) to the headline cards
   showing the new step, and to all three charts (time series, Sankey, flow
   network) showing it: each chart's ``data-step`` changed and its canvas drawn
   again. Canvas drawing is timed by wrapping the 2D context's drawing calls.
3. **A 3-scenario × 10-seed × 5-year comparison** through the Compare view (target
   ≤ 2 min): from the click on Run comparison to the first scenario's results in
   the table, and to the last.

First it times the server's own work for one step (the model step and each chart's
option) without a browser. The machine's load average is printed with the results:
other work on a two-core machine slows every figure.

    .venv/bin/python benchmarks/bench_app.py [steps] [seeds] [years]

(defaults 24 steps, 10 seeds, 5 years; smaller numbers only to try the script).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

from cwbsim.viz.explorer import ExplorerEconomy
from cwbsim.viz.explorer_view import ChartBoard

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
CHARTS = ("timeseries", "sankey", "network")
COMPARED = ["austerity", "preston-procurement-shift"]
"""Built-in scenarios compared with the levers in force (preston-cwb): three in all."""
SEEDS, YEARS = 10, 5

DRAW_TIMER = """
(() => {
  // each canvas's frames: the page-clock time of a drawing call after 8 ms without one
  const frames = new WeakMap();
  const last = new WeakMap();
  window.__cwbFrames = frames;
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ['clearRect', 'fillRect', 'fill', 'stroke', 'fillText', 'drawImage']) {
    const original = proto[name];
    proto[name] = function (...args) {
      const now = performance.now();
      const canvas = this.canvas;
      if (!last.has(canvas) || now - last.get(canvas) > 8) {
        const list = frames.get(canvas) || [];
        list.push(now);
        if (list.length > 50) list.shift();
        frames.set(canvas, list);
      }
      last.set(canvas, now);
      return original.apply(this, args);
    };
  }
})();
"""

STEP_TIMER = """
async ([step, charts]) => {
  const changed = {};
  const look = () => {
    const now = performance.now();
    const kpis = document.querySelector('.cwb-kpis');
    if (kpis && kpis.getAttribute('data-step') === String(step) && !('kpis' in changed)) {
      changed.kpis = now;
    }
    for (const name of charts) {
      const box = document.querySelector('.cwb-chart-' + name);
      if (box && box.getAttribute('data-step') === String(step) && !(name in changed)) {
        changed[name] = now;
      }
    }
  };
  const observer = new MutationObserver(look);
  observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                    attributeFilter: ['data-step']});
  const start = performance.now();
  document.querySelector('.cwb-step').click();
  try {
    while (performance.now() - start < 30000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      look();
      const drawn = {};
      for (const name of charts) {
        if (!(name in changed)) break;
        let first = null;
        for (const canvas of document.querySelectorAll('.cwb-chart-' + name + ' canvas')) {
          for (const t of window.__cwbFrames.get(canvas) || []) {
            if (t > start && (first === null || t < first)) first = t;
          }
        }
        if (first === null) break;
        drawn[name] = Math.max(first, changed[name]) - start;
      }
      if ('kpis' in changed && Object.keys(drawn).length === charts.length) {
        return {numbers: changed.kpis - start, charts: drawn};
      }
    }
    return null;
  } finally {
    observer.disconnect();
  }
}
"""


def server_side(steps: int) -> None:
    """The app's own work per step, without a browser: model step, then each chart's option."""
    model = ExplorerEconomy()
    board = ChartBoard()
    times = {"step": [], **{name: [] for name in CHARTS}}
    for _ in range(steps):
        t = time.perf_counter()
        model.step()
        times["step"].append(time.perf_counter() - t)
        for name in CHARTS:
            t = time.perf_counter()
            board.draw(model, name)
            times[name].append(time.perf_counter() - t)
    for name, values in times.items():
        print(f"server {name:>10}: median {statistics.median(values) * 1000:6.0f} ms, "
              f"max {max(values) * 1000:6.0f} ms")  # fmt: skip
    total = [sum(v[i] for v in times.values()) for i in range(steps)]
    print(f"server  all work: median {statistics.median(total) * 1000:6.0f} ms, "
          f"max {max(total) * 1000:6.0f} ms  (model step and the three charts' options)")  # fmt: skip


def _serve(folder: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "cwbsim.viz", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--scenarios", folder],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(180):
        try:
            urllib.request.urlopen(url, timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"the app did not answer at {url} within 90 s")


def _usable_step(page, start: float) -> float:
    """Seconds from ``start`` until Step shows, enabled, with the headline cards."""
    step = page.locator(".cwb-step")
    step.wait_for(timeout=60_000)
    page.locator('.cwb-kpis[data-step="0"]').wait_for(timeout=60_000)
    while step.is_disabled():
        time.sleep(0.02)
    return time.perf_counter() - start


def page_load(page, url: str) -> None:
    """Time from goto to the first screen, and to a usable Step (Skip clicked at once)."""
    t = time.perf_counter()
    page.goto(url)
    first = page.locator(".cwb-story-skip, .cwb-step").first
    first.wait_for(timeout=60_000)
    shown = time.perf_counter() - t
    skip = page.locator(".cwb-story-skip")
    if skip.count():
        skip.click()
    usable = _usable_step(page, t)
    print(f"page load to first screen: {shown:.2f} s")
    print(f"page load to usable Step:  {usable:.2f} s  (target <= 3 s; Skip clicked at once)")
    for name in CHARTS:  # at step 0 a chart with nothing to show yet may have no canvas
        page.locator(f'.cwb-chart-{name}[data-step="0"]').wait_for(timeout=60_000)
    print(f"page load to charts built: {time.perf_counter() - t:.2f} s")


def direct_load(page, url: str) -> None:
    """Time from goto to a usable Step when the page opens on Explore (``?view=explore``)."""
    t = time.perf_counter()
    page.goto(url + "?view=explore")
    usable = _usable_step(page, t)
    print(f"page load of ?view=explore to usable Step: {usable:.2f} s  (target <= 3 s)")


def step_times(page, steps: int) -> None:
    """Click Step ``steps`` times; the page's own clock times numbers and charts."""
    numbers, charts = [], []
    slowest = {name: 0.0 for name in CHARTS}
    for step in range(1, steps + 1):
        result = page.evaluate(STEP_TIMER, [step, list(CHARTS)])
        if result is None:
            raise SystemExit(f"step {step}: the charts were not redrawn within 30 s")
        numbers.append(result["numbers"] / 1000)
        charts.append(max(result["charts"].values()) / 1000)
        for name in CHARTS:
            slowest[name] = max(slowest[name], result["charts"][name] / 1000)
        page.wait_for_timeout(100)  # a person's pause between clicks
    print(f"Step to numbers: median {statistics.median(numbers) * 1000:.0f} ms, "
          f"max {max(numbers) * 1000:.0f} ms")  # fmt: skip
    print(f"Step to charts redrawn: median {statistics.median(charts) * 1000:.0f} ms, "
          f"max {max(charts) * 1000:.0f} ms  (target <= 500 ms; {steps} steps)")  # fmt: skip
    print("  slowest per chart: " + ", ".join(f"{n} {t * 1000:.0f} ms" for n, t in slowest.items()))


def comparison(page, seeds: int = SEEDS, years: int = YEARS) -> None:
    """A 3-scenario comparison in the Compare view (10 seeds × 5 years unless told)."""
    page.locator(".cwb-views").get_by_role("button", name="Compare", exact=True).click()
    page.locator(".cwb-compare").wait_for(timeout=60_000)
    sliders = page.locator(".cwb-compare [role=slider]")
    for i, value in ((0, seeds), (1, years)):
        slider = sliders.nth(i)
        slider.focus()
        slider.press("Home")
        while int(slider.get_attribute("aria-valuenow")) < value:
            slider.press("ArrowRight")
    field = page.locator(".cwb-compare-scenarios")
    field.locator(".v-input__slot").click()
    menu = page.locator(".menuable__content__active")
    for name in COMPARED:
        menu.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
    chosen = field.locator(".v-select__selections").inner_text().replace("\n", " ")
    runs = (1 + 1 + len(COMPARED)) * seeds
    t = time.perf_counter()
    page.get_by_role("button", name="Run comparison").click()
    first = None
    while time.perf_counter() - t < 900:
        if page.locator(".cwb-compare-error").count():
            raise SystemExit(page.locator(".cwb-compare-error").inner_text())
        if first is None and page.locator("table.cwb-compare-table").count():
            first = time.perf_counter() - t
        if page.locator(".cwb-committee-report").count():
            break
        time.sleep(0.25)
    else:
        raise SystemExit("the comparison did not finish within 15 minutes")
    done = time.perf_counter() - t
    print(f"comparison ({chosen}; {seeds} seeds x {years} years, {runs} runs with the baseline):")
    print(f"  first scenario's results shown: {first:.1f} s")
    print(f"  all results shown:              {done:.1f} s  (target <= 120 s)")


def browser_side(steps: int, seeds: int = SEEDS, years: int = YEARS) -> None:
    with tempfile.TemporaryDirectory(prefix="cwbsim-bench-") as folder:
        process, url = _serve(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.add_init_script(DRAW_TIMER)
                page_load(page, url)
                direct = browser.new_page(viewport={"width": 1440, "height": 900})
                direct_load(direct, url)
                direct.close()
                step_times(page, steps)
                comparison(page, seeds, years)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else SEEDS
    years = int(sys.argv[3]) if len(sys.argv) > 3 else YEARS
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    server_side(n)
    browser_side(n, seeds, years)
    print(f"load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
