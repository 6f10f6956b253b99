"""The exported document in real headless Chromium, every network request blocked: what a
reader sees on opening, what they can reach, and what the clock says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo import geodesy
from geo.dataset import load_dataset
from geo.export import export
from geo.timeline import epoch_ms, exclusive_end
from tests.conftest import OfflinePage, at_rest, open_offline
from tests.helpers import shipped_events

pytestmark = pytest.mark.browser

DEPARTURE = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = load_dataset()
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_bytes(export(data.events, "html", views=data.views))
    return path


def open_map(state: OfflinePage, path: Path, fragment: str = "") -> None:
    state.page.goto(path.as_uri() + fragment)
    state.page.wait_for_function("window.geoTimeline !== undefined", timeout=20000)


def baku_events_at(t: datetime) -> set[str]:
    return {
        e.id for e in shipped_events()
        if e.destination.name == "Baku" and e.start_utc <= t
    }


def test_leaflet_loads_without_errors_or_requests(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("typeof L !== 'undefined' && L.version") == "1.9.3"
    assert offline_page.errors == []
    assert offline_page.dialogs == []
    # nothing but tile images may try to leave the file
    assert all(
        u.startswith("https://tile.openstreetmap.org/") and u.endswith(".png")
        for u in offline_page.blocked
    ), offline_page.blocked


def test_the_story_first_the_flight_night(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("geoTimeline.label()") == "13 Mar 2025, 22:54 UTC"
    assert page.evaluate("geoTimeline.time()") == epoch_ms(DEPARTURE)
    # the extent fits Vnukovo, Baku's airport and the track between them
    inside = page.evaluate(
        "() => { const b = geoTimeline.map.getBounds();"
        " return [[55.5915, 37.2615], [40.4675, 50.0467], [48.0, 44.0]].map(p => b.contains(p)); }"
    )
    assert inside == [True, True, True]
    assert page.evaluate("geoTimeline.map.getZoom()") >= 4
    (plane,) = page.evaluate("geoTimeline.aircraft()")
    assert plane["latlng"]["lat"] == pytest.approx(55.5915, abs=1e-3)  # at Vnukovo, departing
    assert page.locator(".geo-aircraft").count() == 1
    assert "The flight night" in page.locator(".geo-chapters").inner_text()
    # the layer control is collapsed; the legend waits to be opened
    assert page.locator(".leaflet-control-layers-expanded").count() == 0
    assert not page.evaluate("document.querySelector('.geo-legend details').open")


def test_clicking_baku_lists_every_event_there(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    expected = baku_events_at(DEPARTURE)
    assert len(expected) == 8
    point = page.evaluate("geoTimeline.pointAt('dunford-gerasimov-2017')")
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    listing = page.locator(".geo-list")
    listing.wait_for(timeout=5000)
    assert "8 events at Baku" in listing.locator(".geo-popup-title").inner_text()
    items = listing.locator(".geo-list-item")
    ids = [items.nth(k).get_attribute("data-event") for k in range(items.count())]
    assert set(ids) == expected and len(ids) == 8
    for event_id in ids:  # each entry opens that event's card, and leads back to the list
        at_rest(page)
        page.locator(f".geo-list-item[data-event='{event_id}']").click()
        card = page.locator(f".geo-popup[data-event='{event_id}']")
        card.wait_for(timeout=5000)
        at_rest(page)
        page.locator(".geo-back").click()
        page.locator(".geo-list").wait_for(timeout=5000)


def test_possibly_under_way_is_not_done(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("geoTimeline.stateOf('witkoff-baku-2025-03-14')") == "underway"
    assert page.evaluate("geoTimeline.stateOf('dunford-gerasimov-2017')") == "done"
    assert page.evaluate("geoTimeline.stateOf('washington-summit-2025-08-08')") == "hidden"
    page.evaluate("geoTimeline.openPopup('witkoff-baku-2025-03-14')")
    card = page.locator(".geo-popup[data-event='witkoff-baku-2025-03-14']")
    assert "possibly under way at the clock's time" in card.inner_text()
    # drawn apart: on its own (zoomed to Baku, after the others), the marker is hollow
    page.evaluate("geoTimeline.setTime(Date.UTC(2025, 2, 14, 19, 0))")
    events = {e.id: e for e in shipped_events()}
    underway = [
        i for i, e in events.items()
        if e.start_utc <= datetime(2025, 3, 14, 19, tzinfo=UTC) < exclusive_end(e)
    ]
    assert "witkoff-baku-2025-03-14" in underway


def test_a_day_precise_stop_reads_its_day_and_place(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    (meeting,) = [e for e in shipped_events() if e.id == "dunford-gerasimov-2017"]
    page.evaluate("geoTimeline.setSpan(geoTimeline.span[0], geoTimeline.span[1])")
    page.evaluate(f"geoTimeline.setTime({epoch_ms(meeting.start_utc)})")
    assert page.evaluate("geoTimeline.label()") == "16 Feb 2017 (Baku)"
    # stepping back to it with "previous" from later that day says the same
    page.evaluate(f"geoTimeline.setTime({epoch_ms(meeting.start_utc) + 5 * 3600000})")
    assert page.evaluate("geoTimeline.label()") == "16 Feb 2017, 01:00 UTC"
    page.locator("button.geo-prev").click()
    assert page.locator(".geo-time-label").inner_text() == "16 Feb 2017 (Baku)"


def test_a_link_is_a_view(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file, "#t=2018-12-12T10:00:00Z&zoom=7&lat=40.4&lon=49.9")
    page = offline_page.page
    assert page.evaluate("geoTimeline.label()") == "12 Dec 2018, 10:00 UTC"
    assert page.evaluate("geoTimeline.map.getZoom()") == 7
    centre = page.evaluate("geoTimeline.map.getCenter()")
    assert centre["lat"] == pytest.approx(40.4, abs=0.01)
    assert centre["lng"] == pytest.approx(49.9, abs=0.01)
    assert page.evaluate("geoTimeline.stateOf('scaparrotti-gerasimov-2018-12')") == "underway"
    assert page.evaluate("geoTimeline.notes") == []
    # and the document keeps its state in the fragment
    page.evaluate("geoTimeline.setMode('window', 86400000)")
    page.wait_for_function("location.hash.indexOf('mode=window') >= 0", timeout=5000)
    assert "window=P1D" in page.evaluate("location.hash")


def test_a_bad_link_is_ignored_with_a_note(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file, "#t=soon&zoom=40&tz=<b>x</b>&view=flight-night")
    page = offline_page.page
    assert offline_page.errors == []
    note = page.locator(".geo-note")
    assert note.count() == 1
    text = note.inner_text()
    assert "t: 'soon' is not a time" in text and "zoom: '40'" in text and "tz: '<b>x</b>'" in text
    assert page.locator(".geo-note b").count() == 0  # text, not markup
    assert page.evaluate("geoTimeline.label()") == "13 Mar 2025, 22:54 UTC"  # the view stands


def test_chapters_move_clock_extent_and_mode(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    page.locator(".geo-chapters button.geo-chapter-next").click()
    assert "Baku precedents" in page.locator(".geo-chapter-title").inner_text()
    assert page.evaluate("geoTimeline.clock.lo") == epoch_ms(datetime(2017, 1, 1, tzinfo=UTC))
    bounds_ok = page.evaluate(
        "() => { const b = geoTimeline.map.getBounds();"
        " return [[40.378, 49.892], [50.454, 3.952], [55.752, 37.618]].map(p => b.contains(p)); }"
    )
    assert all(bounds_ok)
    page.wait_for_function("location.hash.indexOf('view=baku-precedents') >= 0", timeout=5000)


@pytest.mark.parametrize("speed", [60, 600, 3600])
def test_play_advances_the_clock_as_labelled(
    offline_page: OfflinePage, map_file, speed: int
) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    page.select_option("select.geo-speed", str(speed))
    # measured in the page: the clock's advance over the page's own elapsed time
    ratio = page.evaluate(
        """() => new Promise((done) => {
          const c = geoTimeline.clock;
          c.setTime(c.lo);
          c.play();
          const t0 = c.t, p0 = c._last;
          setTimeout(() => { const t1 = c.t, p1 = c._last; c.pause();
                             done((t1 - t0) / (p1 - p0)); }, 700);
        })"""
    )
    assert ratio == pytest.approx(speed, rel=1e-6)
    label = page.locator("select.geo-speed option:checked").inner_text()
    assert label in {"60×", "600×", "1 h/s"}


def test_next_and_previous_work_mid_flight(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    arrival = epoch_ms(datetime(2025, 3, 14, 1, 30, tzinfo=UTC))
    page.evaluate(f"geoTimeline.setTime({epoch_ms(DEPARTURE) + 40 * 60000})")
    page.locator("button.geo-next").click()
    assert page.evaluate("geoTimeline.time()") == arrival  # the arrival is a stop
    page.locator("button.geo-prev").click()
    assert page.evaluate("geoTimeline.time()") == epoch_ms(DEPARTURE)


def test_label_in_chosen_zone(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    page.evaluate(f"geoTimeline.setTime({epoch_ms(DEPARTURE) + 60000})")
    assert page.evaluate("geoTimeline.label()") == "13 Mar 2025, 22:55 UTC"
    page.select_option("select.geo-tz", "Europe/Moscow")
    assert page.evaluate("geoTimeline.label()") == "14 Mar 2025, 01:55 GMT+3"


@pytest.mark.parametrize("minutes_after_departure", [10, 78, 150])
def test_aircraft_matches_geodesy(
    offline_page: OfflinePage, map_file, minutes_after_departure: int
) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    flight = next(e for e in shipped_events() if e.is_flight)
    o, d = flight.origin[0], flight.destination
    t = DEPARTURE.timestamp() + minutes_after_departure * 60 + 17  # any second: time is continuous
    page.evaluate(f"geoTimeline.setTime({int(t * 1000)})")
    (plane,) = page.evaluate("geoTimeline.aircraft()")
    expected = geodesy.position_at(
        o.lon, o.lat, flight.start_utc, d.lon, d.lat, flight.end_utc,
        datetime.fromtimestamp(t, tz=UTC),
    )
    got = plane["latlng"]
    assert geodesy.distance_km(expected.lon, expected.lat, got["lng"], got["lat"]) < 0.001
    assert plane["heading"] == pytest.approx(expected.heading_deg, abs=1e-6)
    style = page.locator(".geo-aircraft svg").get_attribute("style")
    assert style.startswith("transform: rotate(")


def test_follow_the_aircraft(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    page.evaluate("geoTimeline.openPopup('flight-vko-gyd-2025-03-14')")
    at_rest(page)  # the card pans the map to fit; a click while it slides misses the button
    follow = page.locator("button.geo-follow")
    follow.click()
    assert follow.inner_text() == "Stop following"
    page.evaluate(f"geoTimeline.setTime({epoch_ms(DEPARTURE) + 78 * 60000})")
    centre = page.evaluate("geoTimeline.map.getCenter()")
    (plane,) = page.evaluate("geoTimeline.aircraft()")
    assert centre["lat"] == pytest.approx(plane["latlng"]["lat"], abs=0.05)
    assert centre["lng"] == pytest.approx(plane["latlng"]["lng"], abs=0.05)


def test_popup_shows_text_and_links(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("geoTimeline.openPopup('flight-vko-gyd-2025-03-14')")
    popup = page.locator(".geo-popup").first
    text = popup.inner_text()
    assert "01:54 MSK 14 Mar 2025" in text and "22:54 UTC 13 Mar 2025" in text
    assert "ASTRA, [ADS-B Exchange data: Gulfstream G650ER N103WG" in text and "plausible" in text
    assert "2 h 36 min gate to gate" in text
    assert popup.locator("a").count() == 0  # no source of the flight is a URL


def test_popup_of_a_day_precise_event(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("geoTimeline.openPopup('dunford-gerasimov-2017')")
    text = page.locator(".geo-popup").first.inner_text()
    assert "16 February 2017, local time at Baku (Asia/Baku)" in text
    assert "2017-02-15 20:00 → 2017-02-16 20:00 UTC (day precision)" in text
    assert "Joseph Dunford; Valery Gerasimov; Ilham Aliyev" in text
    assert "confirmed" in text and "report.az, [Report on the meeting of Joseph Dunford" in text


def test_the_histogram_shows_where_the_events_are(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    page.locator("button.geo-span").click()  # the whole eight years
    hist = page.locator("canvas.geo-histogram")
    box = hist.bounding_box()
    # a click at the far left lands on the first event (the 2017 meeting), not on nothing
    page.mouse.click(box["x"] + 1, box["y"] + box["height"] / 2)
    first = min(shipped_events(), key=lambda e: e.start_utc)
    assert page.evaluate("geoTimeline.time()") == epoch_ms(first.start_utc)


def test_keys_work_wherever_the_map_has_focus(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    page.locator(".leaflet-container").focus()
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("geoTimeline.time()") > epoch_ms(DEPARTURE)
    page.keyboard.press("Shift+ArrowLeft")
    assert page.evaluate("geoTimeline.time()") == epoch_ms(DEPARTURE)
    page.keyboard.press("Space")
    assert page.evaluate("geoTimeline.clock.playing")
    page.keyboard.press("Space")
    assert not page.evaluate("geoTimeline.clock.playing")


def test_on_a_phone_no_two_controls_overlap(browser, map_file) -> None:
    state = open_offline(browser, viewport=(390, 844))
    try:
        open_map(state, map_file)
        boxes = state.page.evaluate(
            """() => Array.from(document.querySelectorAll('.leaflet-control'))
                 .filter(el => el.offsetParent !== null)
                 .map(el => { const r = el.getBoundingClientRect();
                              return [el.className, r.left, r.top, r.right, r.bottom]; })"""
        )
        assert len(boxes) >= 5
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                (na, l1, t1, r1, b1), (nb, l2, t2, r2, b2) = boxes[a], boxes[b]
                overlap = l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1
                assert not overlap, (na, nb)
        slider = state.page.locator("input.geo-slider").bounding_box()
        assert slider["width"] > 250  # still usable
        assert all(r <= 390 and bottom <= 844 for _n, _l, _t, r, bottom in boxes)
    finally:
        state.page.context.close()
