"""Open big exported maps in headless Chromium, offline, and time them.

    python benchmarks/bench_browser.py --events 100000 --flights 1000
    python benchmarks/bench_browser.py --html A.html B.html [--play-day 2025-06-15]

Prints the time from navigation to a ready map (Leaflet loaded, every layer built, first
draw done) and the time one slider step takes to redraw, measured in the page with
``performance.now()`` around the step and the next two animation frames (so the canvas
repaint is included): steps of the slider's arrow key (a 500th of the span) at many places
across the range, and, separately, the jumps between those places (event starts).
``--play-day DATE`` then plays that UTC day at 1 h/s (the clock's own playback, real
animation frames) and reports the frames drawn and the aircraft in the air along the way.
Each file is measured in a fresh browser page, one after the other.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

PLAY_JS = """async (args) => {
  const [t0, seconds] = args;
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  geoTimeline.setMode("cumulative");
  geoTimeline.setTime(t0);
  geoTimeline.setSpeed(3600);
  await frame();
  const counts = [], gaps = [];
  let last = performance.now();
  geoTimeline.play();
  const end = last + seconds * 1000;
  while (performance.now() < end) {
    await frame();
    const now = performance.now();
    gaps.push(now - last); last = now;
    counts.push(geoTimeline.aircraft().length);
  }
  geoTimeline.pause();
  return { frames: counts.length, counts, gaps, reached: geoTimeline.time() };
}"""

STEP_JS = """async (t) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const t0 = performance.now();
  geoTimeline.setTime(t);
  await frame(); await frame();
  return performance.now() - t0;
}"""


def measure(browser_path: str, html: Path, steps: int, play_day: str | None) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
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
        for j in range(steps):
            t = stops[(j * 7919) % n_stops]  # spread over the whole range
            jumps.append(page.evaluate(STEP_JS, t))  # a jump across the range
            times.append(page.evaluate(STEP_JS, min(t + step, hi)))  # one step on
        played = None
        if play_day:
            day = datetime.fromisoformat(play_day).replace(tzinfo=UTC)
            played = page.evaluate(PLAY_JS, [day.timestamp() * 1000, 24.0])
        browser.close()
    size_mb = html.stat().st_size / 1e6
    print(f"{html.name}: {size_mb:.1f} MB, {n_stops:,} slider stops, "
          f"{shown:,} events shown at load")
    print(f"  open offline to ready map: {load_s:.2f} s")
    for name, values in (("one slider step", times), ("jump across the range", jumps)):
        print(f"  {name}: median {statistics.median(values):.1f} ms, "
              f"p95 {sorted(values)[int(len(values) * 0.95)]:.1f} ms, "
              f"max {max(values):.1f} ms over {len(values)} moves")
    if played:
        counts, gaps = played["counts"], played["gaps"]
        reached = datetime.fromtimestamp(played["reached"] / 1000, UTC)
        print(f"  played {play_day} at 1 h/s for 24 s: {played['frames']} frames (median "
              f"{statistics.median(gaps):.0f} ms apart), aircraft in the air min "
              f"{min(counts)}, median {statistics.median(counts):.0f}, max {max(counts)}; "
              f"clock reached {reached:%Y-%m-%d %H:%M} UTC")
    print(f"  page errors: {errors or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--flights", type=int, default=1000)
    parser.add_argument("--html", type=Path, nargs="+", help="existing exports (skips "
                        "generating)")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--play-day", help="a UTC date to play through at 1 h/s")
    args = parser.parse_args()
    path = chromium_path()
    if path is None:
        raise SystemExit("no Chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        files = args.html
        if not files:
            csv_path = Path(tmp) / "events.csv"
            html = Path(tmp) / "map.html"
            py = sys.executable
            subprocess.run([py, str(HERE / "generate.py"), "--events", str(args.events),
                            "--flights", str(args.flights), "--out", str(csv_path)],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            subprocess.run([py, "-m", "geo", "export", "--events", str(csv_path), "--out",
                            str(html), "--basemap", "outlines"], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            files = [html]
        for html in files:
            measure(path, html, args.steps, args.play_day)


if __name__ == "__main__":
    main()
