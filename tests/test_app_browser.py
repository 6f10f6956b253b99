"""The app in headless Chromium: ``streamlit run app.py`` on localhost, every other request cut.

The map must render inside the component iframe (Leaflet, the flight track, the meeting
markers), follow the sidebar's date slider, and its HTML download must work on its own from
``file://`` with no network.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.load_app import ServerError, serve_app
from tests.conftest import open_offline
from tests.helpers import shipped_events

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60
TILE_HOSTS = (
    "https://tile.openstreetmap.org/",
    "https://a.tile.openstreetmap.org/",
    "https://b.tile.openstreetmap.org/",
    "https://c.tile.openstreetmap.org/",
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        with serve_app(log, start_timeout_s=START_TIMEOUT_S) as url:
            yield url
    except ServerError as exc:
        pytest.fail(str(exc))


def in_map(page: Any, script: str, timeout_s: float = 30.0) -> Any:
    """``script``'s value in the component iframe, once its ``geoTimeline`` is up.

    A rerun replaces the iframe's document, so a frame can vanish under us: retry.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        handle = page.query_selector('iframe[title="st.iframe"]')
        frame = handle.content_frame() if handle else None
        if frame is not None:
            try:
                if frame.evaluate("() => !!(window.geoTimeline && window.L)"):
                    return frame.evaluate(script)
            except Exception:  # the frame is being replaced by a rerun
                pass
        if time.monotonic() > deadline:
            raise AssertionError("no map iframe with window.geoTimeline")
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
