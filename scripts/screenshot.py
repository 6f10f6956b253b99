"""Take the README's screenshot of the exported map, with the browser tests' tooling.

    python scripts/screenshot.py [--out docs/screenshot.png]

Exports the shipped data with outlines only (no network needed), opens it in headless
Debian Chromium with every request blocked, moves the slider into the flight and saves a PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.export import export  # noqa: E402
from geo.io import load_dataset  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--at", default="2025-03-14T00:20", help="slider time, UTC")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        print("no Chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    events = list(load_dataset().events)
    at = datetime.fromisoformat(args.at).replace(tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "map.html"
        html.write_bytes(export(events, "html", basemap="outlines", tz="Asia/Baku"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else r.abort())
            page.goto(html.as_uri())
            page.wait_for_function("window.geoTimeline !== undefined")
            page.evaluate(f"geoTimeline.setTime({int(at.timestamp() * 1000)})")
            page.evaluate("geoTimeline.map.setView([45, 30], 4)")
            page.wait_for_timeout(600)
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            browser.close()
    print(f"{args.out}: screenshot at {at:%Y-%m-%d %H:%M} UTC")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
