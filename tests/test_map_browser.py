"""The exported document in real headless Chromium, every network request blocked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo import geodesy
from geo.export import export
from geo.layers import epoch_ms
from tests.conftest import OfflinePage
from tests.helpers import shipped_events

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_bytes(export(shipped_events(), "html"))
    return path


def _open(state: OfflinePage, path: Path) -> None:
    state.page.goto(path.as_uri())
    state.page.wait_for_function("window.geoTimeline !== undefined", timeout=15000)


def test_leaflet_loads_without_errors_or_requests(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("typeof L !== 'undefined' && L.version") == "1.9.3"
    assert offline_page.errors == []
    assert offline_page.dialogs == []
    # nothing but tile images may try to leave the file
    assert all(
        u.startswith("https://tile.openstreetmap.org/") and u.endswith(".png")
        for u in offline_page.blocked
    ), offline_page.blocked


def test_the_first_view_holds_every_place(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    places = {(loc.lat, loc.lon) for e in shipped_events() for loc in (e.destination, *e.origin)}
    inside = offline_page.page.evaluate(
        "(places) => { const b = geoTimeline.map.getBounds();"
        " return places.map(p => b.contains(p)); }",
        [list(p) for p in sorted(places)],
    )
    assert all(inside)
    assert offline_page.page.evaluate("geoTimeline.map.getZoom()") >= 1


def test_each_layer_has_its_features_in_the_dom(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    page = offline_page.page
    events = shipped_events()
    non_flights = [e for e in events if not e.is_flight]
    n_arcs = sum(len(e.origin) for e in non_flights)
    # at the last stop, in cumulative mode, everything is shown
    assert page.locator("path.geo-marker").count() == len(non_flights)
    assert page.locator("path.geo-arc").count() == n_arcs
    assert page.locator("path.geo-flight-track").count() == 1
    assert page.locator("path.geo-marker.geo-precedent").count() == 3
    assert page.locator("path.geo-status-speculative").count() >= 1
    assert page.locator(".leaflet-overlay-pane svg path").count() > 177  # outlines too
    assert page.locator(".geo-legend").count() == 1
    assert page.locator(".leaflet-control-layers-overlays label").count() == 4


def test_moving_the_slider_changes_what_is_shown(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    page = offline_page.page
    before = page.locator("path.geo-marker").count()
    slider = page.locator("input.geo-slider")
    slider.focus()
    page.keyboard.press("Home")
    assert page.evaluate("geoTimeline.index()") == 0
    after = page.locator("path.geo-marker").count()
    assert after < before
    assert "2017" in page.locator(".geo-time-label").inner_text()
    page.locator("button.geo-next").click()
    assert page.evaluate("geoTimeline.index()") > 0
    # the window mode hides what is far from t
    page.evaluate("geoTimeline.setTime(Date.UTC(2025, 2, 14, 0, 0))")
    cumulative = page.evaluate("geoTimeline.shownCount()")
    page.select_option("select.geo-mode", "window")
    assert page.evaluate("geoTimeline.shownCount()") < cumulative


def test_slider_stops_include_every_flight_minute(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    stops = offline_page.page.evaluate("geoTimeline.stops")
    dep = epoch_ms(datetime(2025, 3, 13, 22, 54, tzinfo=UTC))
    arr = epoch_ms(datetime(2025, 3, 14, 1, 30, tzinfo=UTC))
    minutes = [s for s in stops if dep <= s <= arr]
    assert len(minutes) == 157  # 22:54 .. 01:30 inclusive, one a minute
    assert stops[0] == epoch_ms(shipped_events()[0].start_utc) or stops[0] < dep
    assert stops == sorted(stops)


def test_label_in_chosen_zone(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    page = offline_page.page
    page.evaluate("geoTimeline.setTime(Date.UTC(2025, 2, 13, 22, 54))")
    assert page.evaluate("geoTimeline.label()") == "13 Mar 2025, 22:54 UTC"
    page.select_option("select.geo-tz", "Europe/Moscow")
    assert page.evaluate("geoTimeline.label()") == "14 Mar 2025, 01:54 GMT+3"


@pytest.mark.parametrize("minutes_after_departure", [10, 78, 150])
def test_aircraft_matches_geodesy(
    offline_page: OfflinePage, map_file, minutes_after_departure: int
) -> None:
    _open(offline_page, map_file)
    page = offline_page.page
    flight = next(e for e in shipped_events() if e.is_flight)
    o, d = flight.origin[0], flight.destination
    t = datetime(2025, 3, 13, 22, 54, tzinfo=UTC).timestamp() + minutes_after_departure * 60
    page.evaluate(f"geoTimeline.setTime({int(t * 1000)})")
    (plane,) = page.evaluate("geoTimeline.aircraft()")
    assert plane["shown"]
    expected = geodesy.position_at(
        o.lon, o.lat, flight.start_utc, d.lon, d.lat, flight.end_utc,
        datetime.fromtimestamp(t, tz=UTC),
    )
    got = plane["latlng"]
    assert geodesy.distance_km(expected.lon, expected.lat, got["lng"], got["lat"]) < 1.0
    assert abs(plane["heading"] - expected.heading_deg) < 2.0
    assert page.locator(".geo-aircraft svg").get_attribute("style").startswith("transform: rotate(")


def test_popup_shows_text_and_links(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("geoTimeline.openPopup('flight-vko-gyd-2025-03-14')")
    popup = page.locator(".geo-popup").first
    text = popup.inner_text()
    assert "01:54 MSK 14 Mar 2025" in text and "22:54 UTC 13 Mar 2025" in text
    assert "ASTRA, [ADS-B Exchange data: Gulfstream G650ER N103WG" in text and "plausible" in text
    assert popup.locator("a").count() == 0  # no source of the flight is a URL


def test_popup_of_a_day_precise_event(offline_page: OfflinePage, map_file) -> None:
    _open(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("geoTimeline.openPopup('dunford-gerasimov-2017')")
    text = page.locator(".geo-popup").first.inner_text()
    assert "16 February 2017, local time at Baku (Asia/Baku)" in text
    assert "2017-02-15 20:00 → 2017-02-16 20:00 UTC (day precision)" in text
    assert "Joseph Dunford; Valery Gerasimov; Ilham Aliyev" in text
    assert "confirmed" in text and "report.az, [Report on the meeting of Joseph Dunford" in text


def test_page_labels_agree_with_python(offline_page: OfflinePage, tmp_path: Path) -> None:
    """The page words an event's time itself (lazily, per popup): it must say what
    geo.timeline.precision_label says, for every precision and across zones."""
    from geo.timeline import precision_label
    from tests.helpers import events_from_csv

    extra = events_from_csv(
        "y1,report,t,2020,2021,,Washington,,reported,s,\n"
        "y2,report,t,2024,,,Tokyo,,reported,s,\n"
        "m1,report,t,2025-03,,,Baku,,reported,s,\n"
        "m2,report,t,2025-03,2025-05,,Baku,,reported,s,\n"
        "m3,report,t,2024-12,2025-02,,AKL,,reported,s,\n"
        "m4,report,t,2025-01,2025-06,,HNL,,reported,s,\n"
        "m5,report,t,2024-11,2025-01,,Washington,,reported,s,\n"
        "d1,report,t,2025-03-30,,,Jerusalem,,reported,s,\n"
        "d2,report,t,2025-02-27,2025-03-02,,Baku,,reported,s,\n"
        "d3,report,t,2024-12-30,2025-01-02,,CXI,,reported,s,\n"
        "d4,report,t,2025-03-09,2025-03-10,,Washington,,reported,s,\n"
        "p1,meeting,t,2025-03-14T01:54,2025-03-15,,Moscow,,reported,s,\n"
    )
    events = shipped_events() + extra
    path = tmp_path / "labels.html"
    path.write_bytes(export(events, "html"))
    _open(offline_page, path)
    for ev in events:
        got = offline_page.page.evaluate(f"geoTimeline.whenLabel({ev.id!r})")
        assert got == precision_label(ev), ev.id
