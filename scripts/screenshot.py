"""Take the README's screenshot of the exported map, with the browser tests' tooling.

    python scripts/screenshot.py [--out docs/screenshot.png]
    python scripts/screenshot.py --tracks docs/examples/synthetic-trace_full_n103wg.json \
        --fragment 't=2025-03-14T00:52:00Z&zoom=5&lat=47.5&lon=45' \
        --out docs/recorded-flight.png
    python scripts/screenshot.py --tracks docs/examples/synthetic-trace_full_n103wg.json \
        --fragment 't=2025-03-14T00:52:00Z' --popup flight-vko-gyd-2025-03-14 \
        --element '.geo-popup-box' --out docs/recorded-flight-popup.png

Exports the shipped data with outlines only (no network needed), opens it in headless
Debian Chromium with every request blocked and saves what a reader sees on opening: the
document's first view (the flight night, the clock at the departure). ``--fragment`` takes
a link's state instead (``t=2025-03-14T00:20:00Z&zoom=5``); ``--tracks`` adds recorded
tracks; ``--popup ID`` opens that event's card; ``--element SELECTOR`` saves that element only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.dataset import load_dataset  # noqa: E402
from geo.export import export  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--fragment", default="", help="a link's state, as after '#'")
    parser.add_argument("--size", default="1280x760", help="viewport, WIDTHxHEIGHT")
    parser.add_argument("--tracks", action="append", default=[], help="recorded tracks")
    parser.add_argument("--popup", default="", help="open this event's card")
    parser.add_argument("--element", default="", help="save only this element (CSS selector), "
                        "scrolled into view")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        print("no Chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    data = load_dataset(tracks=args.tracks)
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "map.html"
        html.write_bytes(export(data.events, "html", basemap="outlines", views=data.views))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else r.abort())
            page.goto(html.as_uri() + (f"#{args.fragment}" if args.fragment else ""))
            page.wait_for_function("window.geoTimeline !== undefined")
            if args.popup and not page.evaluate(f"geoTimeline.openPopup({args.popup!r})"):
                print(f"no event {args.popup!r} shown at that time", file=sys.stderr)
            page.wait_for_timeout(600)
            label = page.evaluate("geoTimeline.label()")
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            if args.element:
                target = page.locator(args.element).first
                target.scroll_into_view_if_needed()
                target.screenshot(path=args.out)
            else:
                page.screenshot(path=args.out)
            browser.close()
    print(f"{args.out}: what a reader sees on opening, the clock at {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
