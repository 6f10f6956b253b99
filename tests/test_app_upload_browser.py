"""The map appears after every upload (issue 27 item 2), in headless Chromium against
``streamlit run app.py``: an events file with a bad row puts a warning and its problem line
above the map, which remounts the map's component; the component must still be drawn.

Waits are for page states (the map's document with the upload's events), never for a time;
the timeouts are guards against a hang, generous for a busy machine.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import open_offline

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
MAP_TIMEOUT_S = 120.0  # a guard against a map that never comes, not a budget
UPLOADS = 20


def upload_with_a_bad_row(good: int) -> bytes:
    """``good`` valid shipped rows, then one with an unknown kind."""
    text = (ROOT / "data" / "events.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    chosen = [*rows[:good], {**rows[good], "kind": "meating"}]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(chosen)
    return buf.getvalue().encode("utf-8")


def map_count(page: Any) -> int | None:
    """The number of events in the map's document, when a map is drawn (else ``None``)."""
    for frame in page.frames:
        try:
            n = frame.evaluate(
                "() => window.geoTimeline && window.L && document.querySelector("
                "'.leaflet-container') ? window.geoTimeline.model.n : null"
            )
        except Exception:  # a frame being replaced by a rerun
            continue
        if isinstance(n, int):
            return n
    return None


def wait_for_map(page: Any, n: int, what: str) -> None:
    deadline = time.monotonic() + MAP_TIMEOUT_S
    while map_count(page) != n:
        assert time.monotonic() < deadline, (
            f"{what}: no map of {n} events (last {map_count(page)}); "
            f"{len(page.frames)} frames: {[f.url[:60] for f in page.frames]}"
        )
        page.wait_for_timeout(200)  # polling a page state, not waiting for a time


def test_the_map_is_drawn_after_each_of_20_uploads_with_a_bad_row(
    browser: Any, app_url: str
) -> None:
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    page = state.page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        page.get_by_text("Use your own files").click()
        for k in range(UPLOADS):
            good = 2 + k  # each upload its own events: the map drawn is the new one
            uploader = page.locator('[data-testid="stFileUploader"]').filter(
                has=page.get_by_text("events.csv", exact=True)
            )
            uploader.locator('input[type="file"]').set_input_files(
                files=[{"name": f"bad-{k}.csv", "mimeType": "text/csv",
                        "buffer": upload_with_a_bad_row(good)}]
            )
            page.get_by_text(f"bad-{k}.csv:{good + 2}: kind: 'meating'").first.wait_for(
                timeout=MAP_TIMEOUT_S * 1000
            )
            wait_for_map(page, good, f"upload {k + 1}")
        unregistered = [t for t in console if "unregistered ComponentInstance" in t]
        assert state.errors == [], state.errors
        assert len(unregistered) <= UPLOADS  # said, harmless: the component asks again
    finally:
        page.context.close()


PROBE = """url => new Promise(resolve => {
  document.addEventListener("securitypolicyviolation", e => resolve(e.blockedURI));
  const img = new Image();
  img.onload = () => resolve("loaded");
  img.src = url;
})"""


INJECT = """() => new Promise(resolve => {
  const seen = [];
  document.addEventListener("securitypolicyviolation", e => {
    seen.push(e.effectiveDirective);
    if (seen.length === 2) resolve([...seen.sort(), window.__injected === true]);
  });
  const script = document.createElement("script");
  script.textContent = "window.__injected = true;";
  document.body.appendChild(script);
  const img = document.createElement("img");
  img.setAttribute("onerror", "window.__injected = true;");
  img.src = "data:,x";
  document.body.appendChild(img);
})"""


def map_frame(page: Any) -> Any:
    deadline = time.monotonic() + MAP_TIMEOUT_S
    while True:
        for frame in page.frames:
            try:
                if frame.evaluate("() => !!(window.geoTimeline && window.L)"):
                    return frame
            except Exception:  # a frame being replaced by a rerun
                continue
        assert time.monotonic() < deadline, "no map frame"
        page.wait_for_timeout(200)  # polling a page state


def test_the_map_frame_is_held_to_its_policy(browser: Any, app_url: str) -> None:
    """The map's document carries the app's content security policy: its own scripts by
    their hashes and nothing else runs (a script or inline handler put into the document is
    refused), no request but its own (and the tile server's with the tiles basemap). The
    frame is sandboxed besides: its document has an opaque origin, so a script in it could
    reach neither the app's page nor its storage."""
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    page = state.page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    meta = ("() => document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')"
            ".content")
    try:
        page.goto(app_url + "?basemap=outlines", wait_until="domcontentloaded")
        frame = map_frame(page)
        policy = frame.evaluate(meta)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        scripts = directives["script-src"].split()
        assert scripts and all(s.startswith("'sha256-") for s in scripts), policy
        assert "tile.openstreetmap" not in policy
        # outlines only: not even the tile server; nothing else ever
        for url in ("https://tile.openstreetmap.org/0/0/0.png", "https://evil.example/x.png"):
            assert frame.evaluate(PROBE, url) == url
        # a script that got into the document does not run, nor does an inline handler
        assert frame.evaluate(INJECT) == ["script-src-attr", "script-src-elem", False]
        assert frame.locator(".leaflet-container").count() == 1  # and the map works under it
        # sandboxed: an origin of its own, nothing of the app's page or storage within reach
        assert frame.evaluate("() => window.origin") == "null"
        assert frame.evaluate("""() => { const out = [];
            for (const f of [() => window.parent.document, () => localStorage,
                             () => document.cookie]) {
              try { f(); out.push("reached"); } catch (e) { out.push(e.name); } }
            return out; }""") == ["SecurityError"] * 3

        page.goto(app_url + "?basemap=tiles", wait_until="domcontentloaded")  # tiles allowed
        frame = map_frame(page)
        assert "tile.openstreetmap.org" in frame.evaluate(meta)
        assert frame.evaluate(PROBE, "https://evil.example/y.png") == "https://evil.example/y.png"
        assert state.errors == [], state.errors
        violations = [t for t in console if "Content Security Policy" in t
                      and "evil.example" not in t and "tile.openstreetmap" not in t
                      and "script" not in t]
        assert violations == [], violations
    finally:
        page.context.close()


def test_a_url_in_an_upload_is_text_on_the_page(browser: Any, app_url: str) -> None:
    text = (ROOT / "data" / "events.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    flight = next(r for r in rows if r["kind"] == "flight")
    hostile = {**flight, "title": "Flight https://evil.example/a www.evil.example ops@evil.example",
               "notes": "https://evil.example/notes"}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerow(hostile)
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    page = state.page
    try:
        page.goto(app_url + "?tz=https://evil.example/tz&kind=www.evil.example",
                  wait_until="domcontentloaded")
        page.get_by_text("Some link parameters were ignored").wait_for(
            timeout=MAP_TIMEOUT_S * 1000)
        page.get_by_text("Use your own files").click()
        uploader = page.locator('[data-testid="stFileUploader"]').filter(
            has=page.get_by_text("events.csv", exact=True))
        uploader.locator('input[type="file"]').set_input_files(
            files=[{"name": "hostile.csv", "mimeType": "text/csv",
                    "buffer": buf.getvalue().encode("utf-8")}])
        page.get_by_text("Flights in range (1)").wait_for(timeout=MAP_TIMEOUT_S * 1000)
        page.get_by_text("evil.example/a", exact=False).first.wait_for(
            timeout=MAP_TIMEOUT_S * 1000)
        links = page.locator("a").evaluate_all("els => els.map(a => a.href)")
        assert not [h for h in links if "evil.example" in h], links
    finally:
        page.context.close()


def _track_file(days_late: float, icao: str, registration: str) -> dict[str, Any]:
    import gzip

    from tests.test_tracks_fixtures import GYD, VKO, flight, readsb_json

    fixes = flight(VKO, GYD, 1741906440.0 + days_late * 86400.0, minutes=150.0)
    data = gzip.compress(readsb_json(fixes, icao=icao, registration=registration))
    return {"name": f"trace_full_{icao}.json.gz", "mimeType": "application/gzip",
            "buffer": data}


def _upload_track(page: Any, file: dict[str, Any]) -> None:
    page.get_by_text("Use your own files").click()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(
        has=page.get_by_text("Recorded tracks (ADS-B)", exact=True))
    uploader.locator('input[type="file"]').set_input_files(files=[file])


def _edit_first_id(page: Any, new_id: str) -> str:
    """The editor's first cell (the first row's id) typed over, as a reader does: the cell
    clicked once the opened expander has stopped moving, its editor opened with Enter, the
    new id put in that editor (typed keys race the editor's opening) and Enter again. The
    id it replaced is returned. A click that a rerun of the app swallowed (the grid drawn
    again under the pointer) leaves no editor: the cell is clicked again until one shows; an
    expander a rerun drew closed again is opened again (the grid is the one inside it, not the
    page's last: the clicks went to another table, or to none, for 120 s under load)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    expander = page.get_by_test_id("stExpander").filter(has_text="Edit the events")
    details = expander.get_by_test_id("stExpanderDetails")  # inert while closed
    grid = details.get_by_test_id("stDataFrame").filter(has=page.locator("canvas")).last
    cell = page.locator("textarea.gdg-input")
    deadline = time.monotonic() + MAP_TIMEOUT_S
    while not cell.is_visible():
        assert time.monotonic() < deadline, "the editor's cell never opened"
        if details.get_attribute("inert") is not None:  # closed: at first, or drawn anew
            expander.get_by_text("Edit the events").click()  # by a rerun under load
        grid.scroll_into_view_if_needed()
        box, last = grid.bounding_box(), None
        while box != last:  # the expander opening: the grid's place settles
            assert time.monotonic() < deadline, "the editor never settled"
            page.wait_for_timeout(200)  # polling a page state
            last, box = box, grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)  # below the header: row 0, id
        page.keyboard.press("Enter")
        try:
            cell.wait_for(timeout=5_000)  # a poll of the page's state, retried above
        except PlaywrightTimeoutError:
            continue
    replaced = cell.input_value()
    cell.fill(new_id)
    page.keyboard.press("Enter")
    return replaced


def test_two_readers_making_the_same_edit_each_see_their_own_track(
    browser: Any, app_url: str
) -> None:
    """Issue 27 item 1 in the browser: A and B upload other tracks and make the same edit."""
    pages, replaced = [], []
    try:
        for reg, icao, days in (("RA-AAAAA", "aaa111", 1), ("RA-BBBBB", "bbb222", 2)):
            state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
            page = state.page
            pages.append(page)
            page.goto(app_url, wait_until="domcontentloaded")
            map_frame(page)
            _upload_track(page, _track_file(days, icao, reg))
            page.get_by_text(f"{reg} (recorded)", exact=False).first.wait_for(
                timeout=MAP_TIMEOUT_S * 1000)
            replaced.append(_edit_first_id(page, "same-edit-in-both"))
            page.get_by_text("your edited events", exact=False).first.wait_for(
                timeout=MAP_TIMEOUT_S * 1000)
            page.get_by_text(f"{reg} (recorded)", exact=False).first.wait_for(
                timeout=MAP_TIMEOUT_S * 1000)
        assert replaced[0] == replaced[1] != ""  # the very same edit in both sessions
        a, b = pages
        assert b.get_by_text("RA-AAAAA", exact=False).count() == 0  # none of A's in B's page
        assert a.get_by_text("RA-BBBBB", exact=False).count() == 0
    finally:
        for page in pages:
            page.context.close()
