"""How fast the app answers a Step at full Preston scale, measured in Debian's Chromium.

Starts ``python -m cwbsim.viz serve`` on 127.0.0.1, opens the page headless,
and for each of N clicks on Step times (a) until the headline numbers show the
new step and (b) until all three charts show it. Prints the median and the
worst. First it times the server's work for one step (the model
step and each chart's draw, as the app does it) without a browser.

    .venv/bin/python benchmarks/bench_app.py [steps]
"""

import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright

from cwbsim.viz.explorer import ExplorerEconomy
from cwbsim.viz.explorer_view import ChartBoard

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def server_side(steps: int) -> None:
    """The app's own work per step, without a browser: model step, then each chart's board draw."""
    model = ExplorerEconomy()
    board = ChartBoard()
    times = {"step": [], "timeseries": [], "sankey": [], "network": []}
    for _ in range(steps):
        t = time.perf_counter()
        model.step()
        times["step"].append(time.perf_counter() - t)
        for name in ("timeseries", "sankey", "network"):
            t = time.perf_counter()
            board.draw(model, name)
            times[name].append(time.perf_counter() - t)
    for name, values in times.items():
        print(f"server {name:>10}: median {statistics.median(values) * 1000:6.0f} ms, "
              f"max {max(values) * 1000:6.0f} ms")  # fmt: skip
    total = [sum(v[i] for v in times.values()) for i in range(steps)]
    print(
        f"server  all work: median {statistics.median(total) * 1000:6.0f} ms, "
        f"max {max(total) * 1000:6.0f} ms"
    )


def browser_side(steps: int) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "cwbsim.viz", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t = time.perf_counter()
            page.goto(url)
            button = page.get_by_role("button", name="Step")
            button.wait_for(timeout=60_000)
            page.locator('.cwb-chart-network[data-step="0"] canvas').wait_for(timeout=60_000)
            print(f"browser page ready: {time.perf_counter() - t:.1f} s")
            numbers, images = [], []
            for step in range(1, steps + 1):
                t = time.perf_counter()
                button.click()
                page.locator(f'.cwb-kpis[data-step="{step}"]').wait_for(timeout=30_000)
                numbers.append(time.perf_counter() - t)
                for name in ("timeseries", "sankey", "network"):
                    page.locator(f'.cwb-chart-{name}[data-step="{step}"] canvas').wait_for(
                        timeout=30_000
                    )
                images.append(time.perf_counter() - t)
            browser.close()
        print(f"browser click->numbers: median {statistics.median(numbers) * 1000:.0f} ms, "
              f"max {max(numbers) * 1000:.0f} ms")  # fmt: skip
        print(f"browser click->charts:  median {statistics.median(images) * 1000:.0f} ms, "
              f"max {max(images) * 1000:.0f} ms")  # fmt: skip
    finally:
        process.terminate()


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    server_side(n)
    browser_side(n)
