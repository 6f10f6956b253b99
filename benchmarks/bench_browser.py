"""Open a big exported map in headless Chromium, offline, and time it.

    python benchmarks/bench_browser.py --events 100000 --flights 1000 [--html FILE]

Prints the time from navigation to a ready map (Leaflet loaded, every layer built, first
draw done) and the time one slider step takes to redraw, measured in the page with
``performance.now()`` around the step and the next two animation frames (so the canvas
repaint is included): steps of the slider's arrow key (a 500th of the span) at many places
across the range, and, separately, the jumps between those places (event starts).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

STEP_JS = """async (t) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const t0 = performance.now();
  geoTimeline.setTime(t);
  await frame(); await frame();
  return performance.now() - t0;
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--flights", type=int, default=1000)
    parser.add_argument("--html", type=Path, help="an existing export (skips generating)")
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        html = args.html
        if html is None:
            csv_path = Path(tmp) / "events.csv"
            html = Path(tmp) / "map.html"
            py = sys.executable
            subprocess.run([py, str(HERE / "generate.py"), "--events", str(args.events),
                            "--flights", str(args.flights), "--out", str(csv_path)],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            subprocess.run([py, "-m", "geo", "export", "--events", str(csv_path), "--out",
                            str(html), "--basemap", "outlines"], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
        path = chromium_path()
        if path is None:
            raise SystemExit("no Chromium (apt-get install chromium)")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else r.abort())
            start = time.perf_counter()
            page.goto(html.as_uri(), timeout=120_000)
            page.wait_for_function("window.geoTimeline !== undefined", timeout=120_000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            load_s = time.perf_counter() - start
            n_stops = page.evaluate("geoTimeline.stops.length")
            shown = page.evaluate("geoTimeline.shownCount()")
            times, jumps = [], []
            stops = page.evaluate("Array.from(geoTimeline.stops)")
            lo, hi = page.evaluate("geoTimeline.span")
            step = max(60_000.0, (hi - lo) / 500)  # the slider's arrow key: a 500th of the span
            for j in range(args.steps):
                t = stops[(j * 7919) % n_stops]  # spread over the whole range
                jumps.append(page.evaluate(STEP_JS, t))  # a jump across the range
                times.append(page.evaluate(STEP_JS, min(t + step, hi)))  # one step on
            browser.close()
        size_mb = html.stat().st_size / 1e6  # before a generated file's folder is gone
    print(f"file: {size_mb:.1f} MB, {n_stops:,} slider stops, {shown:,} events shown at load")
    print(f"open offline to ready map: {load_s:.2f} s")
    for name, values in (("one slider step", times), ("jump across the range", jumps)):
        print(f"{name}: median {statistics.median(values):.1f} ms, "
              f"p95 {sorted(values)[int(len(values) * 0.95)]:.1f} ms, "
              f"max {max(values):.1f} ms over {len(values)} moves")
    print(f"page errors: {errors or 'none'}")


if __name__ == "__main__":
    main()
