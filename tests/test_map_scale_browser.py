"""A map above the SVG limit: markers, arcs and tracks on canvas layers, same behaviour."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from geo import geodesy
from geo.export import export
from geo.io import load_dataset
from geo.layers import epoch_ms
from geo.render import SVG_LIMIT
from tests.conftest import OfflinePage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import write  # noqa: E402

pytestmark = pytest.mark.browser
N_EVENTS = SVG_LIMIT + 1000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("big")
    csv_path = tmp / "events.csv"
    write(csv_path, N_EVENTS, 20, 0.1, seed=7)
    events = list(load_dataset(csv_path).events)
    html = tmp / "map.html"
    html.write_bytes(export(events, "html", basemap="outlines"))
    return events, html


def _open(state: OfflinePage, html: Path) -> None:
    state.page.goto(html.as_uri())
    state.page.wait_for_function("window.geoTimeline !== undefined", timeout=30000)


def test_canvas_mode_shows_everything_and_the_slider_filters(offline_page: OfflinePage, big):
    events, html = big
    _open(offline_page, html)
    page = offline_page.page
    assert offline_page.errors == [] and offline_page.blocked == []
    assert page.evaluate("geoTimeline.canvasPoints()")
    assert page.locator("canvas.geo-canvas").count() == 4
    assert page.locator("path.geo-marker").count() == 0  # no SVG element per marker
    assert page.evaluate("geoTimeline.shownCount()") == len(events)
    mid = sorted(e.start_utc for e in events)[len(events) // 2]
    page.evaluate(f"geoTimeline.setTime({epoch_ms(mid)})")
    expected = sum(1 for e in events if e.start_utc <= mid)
    assert abs(page.evaluate("geoTimeline.shownCount()") - expected) <= 1


def test_clicking_a_canvas_marker_opens_its_popup(offline_page: OfflinePage, big):
    events, html = big
    _open(offline_page, html)
    page = offline_page.page
    target = next(e for e in events if not e.is_flight and not e.origin)
    page.evaluate(
        f"geoTimeline.map.setView([{target.destination.lat}, {target.destination.lon}], 12,"
        " {animate: false})"
    )
    point = page.evaluate(f"geoTimeline.pointAt({target.id!r})")
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    popup = page.locator(".geo-popup").first
    popup.wait_for(timeout=5000)
    # several synthetic events may share an airport: the popup is one of those at that place
    titles = {e.title for e in events if e.destination == target.destination}
    assert popup.locator(".geo-popup-title").inner_text() in titles


def test_aircraft_on_canvas_map_matches_geodesy(offline_page: OfflinePage, big):
    events, html = big
    _open(offline_page, html)
    page = offline_page.page
    flight = next(e for e in events if e.is_flight)
    t = flight.start_utc + (flight.end_utc - flight.start_utc) / 3
    t = t.replace(second=0, microsecond=0) + timedelta(minutes=1)
    page.evaluate(f"geoTimeline.setTime({epoch_ms(t)})")
    planes = page.evaluate("geoTimeline.aircraft()")
    shown = [p for p in planes if p["shown"]]
    o, d = flight.origin[0], flight.destination
    expected = geodesy.position_at(o.lon, o.lat, flight.start_utc, d.lon, d.lat,
                                   flight.end_utc, t.astimezone(UTC))
    assert any(
        geodesy.distance_km(expected.lon, expected.lat, p["latlng"]["lng"], p["latlng"]["lat"])
        < 1.0
        for p in shown
    )
    assert isinstance(t, datetime)
