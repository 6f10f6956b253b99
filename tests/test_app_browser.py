"""The app in headless Chromium: ``streamlit run app.py`` on localhost, every other request cut.

The map must render inside the component iframe (Leaflet, the flight track, the meeting
markers), follow the sidebar's date slider, and its HTML download must work on its own from
``file://`` with no network.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GUARD_MS, open_offline
from tests.helpers import shipped_events

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
TILE_HOSTS = (
    "https://tile.openstreetmap.org/",
    "https://a.tile.openstreetmap.org/",
    "https://b.tile.openstreetmap.org/",
    "https://c.tile.openstreetmap.org/",
)


def in_map(page: Any, script: str, timeout_s: float = 30.0) -> Any:
    """``script``'s value in the component iframe, once its ``geoTimeline`` is up.

    A rerun replaces the iframe's document, so a frame can vanish under us: retry.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        for frame in page.frames:  # the map is a frame inside the component's frame
            try:
                if frame.evaluate("() => !!(window.geoTimeline && window.L)"):
                    return frame.evaluate(script)
            except Exception:  # the frame is being replaced by a rerun
                pass
        if time.monotonic() > deadline:
            raise AssertionError("no map frame with window.geoTimeline")
        time.sleep(0.2)


def shown_count(page: Any) -> int:
    count: int = in_map(page, "() => window.geoTimeline.shownCount()")
    return count


def test_map_renders_follows_the_slider_and_downloads_offline(
    browser: Any, app_url: str, tmp_path: Path
) -> None:
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    page = state.page
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        counts = in_map(
            page,
            """() => [".leaflet-container", ".geo-flight-track", ".geo-marker, .geo-cluster"]
                .map((sel) => document.querySelectorAll(sel).length)""",
            timeout_s=45,
        )
        assert counts[0] == 1 and counts[1] >= 1 and counts[2] >= 3, counts
        # the document opens on its first view, the flight night: what was done by then
        everything = shown_count(page)
        departure = next(e for e in shipped_events() if e.is_flight).start_utc
        assert everything == sum(e.start_utc <= departure for e in shipped_events())

        # The HTML download: on its own, from file://, nothing else allowed.
        with page.expect_download() as info:
            page.get_by_role("button", name="HTML map").click()
        saved = tmp_path / "map.html"
        info.value.save_as(saved)
        alone = open_offline(browser, allowed=("file:", "data:"))
        try:
            alone.page.goto(saved.as_uri())
            alone.page.wait_for_function("() => window.L && window.geoTimeline")
            assert alone.page.evaluate("() => window.geoTimeline.shownCount()") == everything
            assert alone.page.locator(".geo-flight-track").count() >= 1
            assert alone.errors == []
            assert all(url.startswith(TILE_HOSTS) for url in alone.blocked), alone.blocked
        finally:
            alone.page.context.close()

        # The date slider, from the keyboard: the lower thumb to the end of the range.
        slider = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
        thumb = slider.locator('input, [role="slider"]').first
        thumb.focus()
        thumb.press("End")
        deadline = time.monotonic() + 30
        while shown_count(page) == everything:
            assert time.monotonic() < deadline, "the map did not follow the slider"
            time.sleep(0.3)
        assert 0 < shown_count(page) < everything
        assert "start=" in page.url

        assert state.errors == []
        outside = [u for u in state.blocked if not u.startswith(TILE_HOSTS)]
        assert outside == [], outside
    finally:
        page.context.close()


def test_the_sidebar_zone_is_the_maps_clock(browser: Any, app_url: str) -> None:
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    try:
        state.page.goto(app_url + "?tz=Asia/Baku", wait_until="domcontentloaded")
        label = in_map(state.page, "() => window.geoTimeline.label()", timeout_s=60)
        assert label == "14 Mar 2025, 02:54 GMT+4"  # the flight night's departure, in Baku
        assert state.page.get_by_text("Deploy", exact=True).count() == 0  # readers' chrome
    finally:
        state.page.context.close()


def test_quick_search_edits_end_on_the_last_value(browser: Any, app_url: str) -> None:
    """The last input always wins: three searches typed in quick succession leave the
    results and the URL on the third."""
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    page = state.page
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        in_map(page, "() => true", timeout_s=60)
        box = page.get_by_role("textbox", name="Search")
        for text in ("gerasimov", "witkoff", "N103WG"):
            # typed as a person types (40 ms a key), with no wait between searches: each
            # Enter comes while the run of the one before is still going. (Filled in one
            # event each, all three within milliseconds, Streamlit's page sometimes loses the
            # last Enter: the box shows N103WG and the URL an older search.)
            box.press("Control+A")
            box.press_sequentially(text, delay=40)
            box.press("Enter")
        deadline = time.monotonic() + 60
        while "q=N103WG" not in page.url or shown_count(page) != 1:
            assert time.monotonic() < deadline, (page.url, shown_count(page), box.input_value())
            time.sleep(0.3)
        time.sleep(2.0)  # nothing late overwrites it
        assert "q=N103WG" in page.url and box.input_value() == "N103WG"
        assert shown_count(page) == 1
    finally:
        page.context.close()


def _map_frame_box(page: Any) -> dict:
    box = page.locator("iframe[title='geo_map.geo_map'], iframe[title*='geo_map']").first
    return box.bounding_box()


def test_the_map_and_its_clock_fill_the_window_without_scrolling(
    browser: Any, app_url: str
) -> None:
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"),
                         viewport=(1366, 768))
    try:
        page = state.page
        page.goto(app_url, wait_until="domcontentloaded")
        in_map(page, "() => window.geoTimeline.label()", timeout_s=60)
        page.wait_for_function(
            "() => { const f = document.querySelector('iframe[title*=\"geo_map\"]');"
            " return f && f.getBoundingClientRect().height > 420; }", timeout=GUARD_MS)
        outer = _map_frame_box(page)
        assert outer["y"] >= 0 and outer["y"] + outer["height"] <= 768, outer
        assert outer["height"] >= 420 and outer["y"] < 300, outer
        # the clock (the timeline control) is inside the map's frame, wholly visible
        clock = in_map(page, "() => { const r = document.querySelector('.geo-timeline')"
                             ".getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }")
        top, bottom, inner = clock
        assert top >= 0 and bottom <= inner and outer["y"] + bottom <= 768, (clock, outer)
        assert page.evaluate("document.scrollingElement.scrollTop") == 0
    finally:
        state.page.context.close()


def test_the_date_boxes_show_their_whole_dates(browser: Any, app_url: str) -> None:
    """Issue 26: side by side in the sidebar, the From/To boxes cut their dates to
    "2017 - 02 - 1"; each box's date fits in it."""
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"),
                         viewport=(1366, 768))
    try:
        page = state.page
        page.goto(app_url, wait_until="domcontentloaded")
        boxes = page.locator('[data-testid="stDateInputFieldsScroller"]')
        boxes.nth(1).wait_for(timeout=60000)
        fits = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=stDateInputFieldsScroller]')]"
            ".map(b => [b.innerText.replace(/\\s/g, ''), b.scrollWidth <= b.clientWidth])")
        assert fits == [["2017-02-15", True], ["2025-11-07", True]], fits
    finally:
        state.page.context.close()


def test_the_apps_link_reopens_the_same_clock_zoom_and_mode(browser: Any, app_url: str) -> None:
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    try:
        page = state.page
        page.goto(app_url, wait_until="domcontentloaded")
        in_map(page, "() => window.geoTimeline.label()", timeout_s=60)
        in_map(page, "() => { geoTimeline.setMode('window', 86400000);"
                     " geoTimeline.setSpan(geoTimeline.span[0], geoTimeline.span[1]);"
                     " geoTimeline.setTime(Date.UTC(2018, 11, 12, 10));"
                     " geoTimeline.map.setZoom(6, {animate: false}); }")
        page.wait_for_function("location.hash.indexOf('t=2018-12-12T10') >= 0", timeout=GUARD_MS)
        link = page.evaluate("location.href")
        assert "mode=window" in link and "zoom=6" in link
        # the map's own "Link" copies the app's URL, not the frame's about:srcdoc
        copied = in_map(page, "() => { document.querySelector('.geo-copy-link').click();"
                              " return geoTimeline.lastLink; }")
        assert copied.startswith(app_url) and "mode=window" in copied, copied
    finally:
        state.page.context.close()
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    try:
        page = state.page
        page.goto(link, wait_until="domcontentloaded")
        in_map(page, "() => window.geoTimeline.label()", timeout_s=60)
        deadline = time.monotonic() + 30
        while in_map(page, "() => geoTimeline.clock.mode") != "window":
            assert time.monotonic() < deadline, "the link's mode was not restored"
            time.sleep(0.2)
        assert in_map(page, "() => geoTimeline.label()") == "12 Dec 2018, 10:00 UTC"
        assert in_map(page, "() => geoTimeline.map.getZoom()") == 6
    finally:
        state.page.context.close()


def test_a_preset_fits_the_map_to_its_events(browser: Any, app_url: str) -> None:
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    try:
        page = state.page
        page.goto(app_url, wait_until="domcontentloaded")
        in_map(page, "() => window.geoTimeline.label()", timeout_s=60)
        box = page.get_by_label("Period")
        box.click()
        page.get_by_role("option", name="Baku precedents, 2017–2018").click()
        deadline = time.monotonic() + 60
        script = ("() => geoTimeline.model.n < 27 && [[40.378, 49.892], [50.454, 3.952],"
                  " [38.895, -77.036]].every(p => geoTimeline.map.getBounds().contains(p))")
        while not in_map(page, script, timeout_s=60):  # Baku, Mons and Washington in view
            assert time.monotonic() < deadline, "the map did not fit the preset's events"
            time.sleep(0.2)
        assert state.errors == []
    finally:
        state.page.context.close()
