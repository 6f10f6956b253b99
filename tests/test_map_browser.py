"""The exported document in real headless Chromium, every network request blocked: what a
reader sees on opening, what they can reach, and what the clock says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo import geodesy
from geo.dataset import load_dataset
from geo.export import export
from geo.style import MARK
from geo.timeline import epoch_ms, exclusive_end
from tests.conftest import OfflinePage, at_rest, no_popup, open_offline
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
    # the default export makes no request at all (no tiles: their coordinates would reveal
    # the area under study)
    assert offline_page.blocked == []


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
    # three of the flight's sources have a verified address (Caliber.Az, azerbaycan24, OC Media)
    assert popup.locator("a").count() == 3


def test_popup_of_a_day_precise_event(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert page.evaluate("geoTimeline.openPopup('dunford-gerasimov-2017')")
    text = page.locator(".geo-popup").first.inner_text()
    assert "16 February 2017, local time at Baku (Asia/Baku)" in text
    assert "2017-02-15 20:00 → 2017-02-16 20:00 UTC (day precision)" in text
    assert "Joseph Dunford; Valery Gerasimov; Ilham Aliyev" in text
    assert "confirmed" in text and "Report.az, [Report on the meeting of Joseph Dunford" in text


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


def test_a_cards_sources_link_their_verified_addresses(offline_page: OfflinePage, map_file) -> None:
    """The shipped export's card gives each source with a verified address as a link to it,
    opened apart from the map (``rel="noopener noreferrer"``); one without stays text."""
    open_map(offline_page, map_file)
    page = offline_page.page
    (event,) = [e for e in shipped_events() if e.id == "dunford-gerasimov-2017"]
    linked = {ref.citation: ref.url for ref in event.references if ref.url}
    report_az = "Report.az, [Report on the meeting of Joseph Dunford and Valery Gerasimov in Baku]"
    assert linked[f"{report_az}, 17 Feb 2017"] == (
        "https://report.az/en/analytics/"
        "baku-meeting-of-us-and-russia-s-chiefs-of-staff-indicator-of-trust-in-baku-comment"
    )
    assert len(linked) == 2 and len(event.references) == 3  # AZERTAC has no verified page
    assert page.evaluate("geoTimeline.openPopup('dunford-gerasimov-2017')")
    card = page.locator(".geo-popup[data-event='dunford-gerasimov-2017']")
    card.wait_for(timeout=5000)
    items = card.locator("ul.geo-sources li")
    assert items.count() == 3
    links = card.locator("ul.geo-sources a")
    assert links.count() == 2
    for k in range(links.count()):
        a = links.nth(k)
        assert linked[a.inner_text()] == a.get_attribute("href")
        assert a.get_attribute("rel") == "noopener noreferrer"
        assert a.get_attribute("target") == "_blank"
    assert {links.nth(k).get_attribute("href") for k in range(2)} == set(linked.values())
    azertac = items.filter(has_text="AZERTAC")
    assert azertac.count() == 1 and azertac.locator("a").count() == 0

PANE_Z = "el => Number(getComputedStyle(el.closest('.leaflet-pane')).zIndex)"


def test_the_flight_is_drawn_above_the_arcs_in_its_own_style(
    offline_page: OfflinePage, map_file
) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    # mid-flight: the route ahead faint and solid (not a statement's dots), the flown part
    # solid, a fading trail behind the aircraft, the aircraft above every marker and cluster
    page.evaluate(f"geoTimeline.setTime({epoch_ms(DEPARTURE) + 78 * 60000})")
    route = page.locator("path.geo-flight-route").first
    assert route.get_attribute("stroke-dasharray") in (None, "", "none")
    assert float(route.get_attribute("stroke-opacity")) < 0.5
    track = page.locator("path.geo-flight-track")
    assert track.get_attribute("stroke-dasharray") in (None, "", "none")
    trail = page.locator("path.geo-flight-trail")
    assert trail.count() == 5
    opacities = [float(trail.nth(k).get_attribute("stroke-opacity")) for k in range(5)]
    assert opacities == sorted(opacities) and opacities[0] < opacities[-1]
    statement = page.evaluate("geoTimeline.model.meta.style.kinds.statement.dash")
    assert statement and route.get_attribute("stroke-dasharray") != statement
    arcs_z = page.locator("path.geo-arc").first.evaluate(PANE_Z)
    assert route.evaluate(PANE_Z) > arcs_z and track.evaluate(PANE_Z) > arcs_z
    markers_z = page.evaluate(
        "Number(getComputedStyle(geoTimeline.map.getPane('geoMarkers')).zIndex)"
    )
    assert page.locator(".geo-aircraft").evaluate(PANE_Z) > markers_z
    # after the landing: the flown flight stays above the contact arcs
    page.evaluate("geoTimeline.setTime(Date.UTC(2025, 2, 14, 12, 0))")
    done = page.locator("path.geo-flight-done").first
    assert done.get_attribute("stroke-dasharray") in (None, "", "none")
    assert done.evaluate(PANE_Z) > page.locator("path.geo-arc").first.evaluate(PANE_Z)


VISIBLE_LABELS = """() => {
  const box = geoTimeline.map.getContainer().getBoundingClientRect();
  return Array.from(document.querySelectorAll('.geo-label'))
    .filter(el => el.style.display !== 'none')
    .map(el => { const r = el.getBoundingClientRect();
                 return [el.textContent, r.left >= box.left && r.right <= box.right &&
                         r.top >= box.top && r.bottom <= box.bottom, r.left, r.top, r.right,
                         r.bottom]; });
}"""


def test_names_on_the_map_offline_at_the_opening_view(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    labels = page.evaluate(VISIBLE_LABELS)
    inside = {text for text, within, *_ in labels if within}
    # Baku and Moscow by their points; Washington where its arcs leave the view
    assert {"Baku", "Moscow", "Washington"} <= inside, labels
    assert {"Georgia", "Kazakhstan", "Turkey", "Iran"} & inside  # country names at this zoom
    colours = page.evaluate("""() => Object.fromEntries(Array.from(
      document.querySelectorAll('.geo-label'),
      el => [el.textContent, getComputedStyle(el).color]))""")
    # the names' colours are geo.style's, as in the still image
    def rgb(hex_rgb: str) -> str:
        return "rgb({}, {}, {})".format(*(int(hex_rgb[k : k + 2], 16) for k in (1, 3, 5)))

    assert colours["Baku"] == rgb(MARK.place_label_color) == "rgb(34, 34, 34)"
    country = next(iter({"Georgia", "Kazakhstan", "Turkey", "Iran"} & inside))
    assert colours[country] == rgb(MARK.country_label_color) == "rgb(91, 107, 120)"
    clusters = page.evaluate("""() => Array.from(document.querySelectorAll('.geo-cluster'),
      el => { const s = getComputedStyle(el);
              return [el.classList.contains('geo-cluster-precedent'), s.borderTopColor,
                      s.getPropertyValue(el.classList.contains('geo-cluster-precedent')
                        ? '--geo-precedent-weight' : '--geo-cluster-weight'),
                      s.color, s.backgroundColor]; })""")
    assert clusters  # the markers' look is geo.style's too (CSS variables from the payload)
    for precedent, border, width, ink, fill in clusters:
        assert (border, width) == ((rgb(MARK.precedent_ring), "3.5px") if precedent
                                   else (rgb(MARK.cluster_color), "2px"))
        assert (ink, fill) == (rgb(MARK.cluster_color), rgb(MARK.cluster_fill))
    for a in range(len(labels)):  # no two names overlap
        for b in range(a + 1, len(labels)):
            _, _, l1, t1, r1, b1 = labels[a]
            _, _, l2, t2, r2, b2 = labels[b]
            assert not (l1 < r2 - 0.5 and l2 < r1 - 0.5 and t1 < b2 - 0.5 and t2 < b1 - 0.5), (
                labels[a], labels[b])
    # zoomed in on Baku: no country names, the place names stay
    page.evaluate("geoTimeline.map.setView([40.4, 49.9], 9, {animate: false})")
    texts = {text for text, within, *_ in page.evaluate(VISIBLE_LABELS) if within}
    assert "Baku" in texts and not texts & {"Georgia", "Iran", "Armenia", "Azerbaijan"}
    assert offline_page.errors == []
    page.screenshot(path="/tmp/mapui-labels.png")


TICKS = """() => { const axis = document.querySelector('.geo-axis').getBoundingClientRect();
  return Array.from(document.querySelectorAll('.geo-axis .geo-tick')).map(el => {
    const r = el.getBoundingClientRect();
    return [el.textContent, Number(el.dataset.t), r.left >= axis.left - 0.5 &&
            r.right <= axis.right + 0.5 && r.width > 0]; }); }"""


def test_the_slider_has_dated_ticks_for_the_chapter_and_the_whole_span(
    offline_page: OfflinePage, map_file
) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    ticks = page.evaluate(TICKS)  # the flight night: a day or two, hours and a date
    assert len(ticks) >= 3 and all(inside for *_, inside in ticks), ticks
    assert any(label == "14 Mar" for label, *_ in ticks)
    assert [t for _, t, _ in ticks] == sorted(t for _, t, _ in ticks)
    hours = [label for label, *_ in ticks if ":" in label]
    assert hours and all(label.endswith(":00") for label in hours)
    page.locator("button.geo-span").click()  # the whole span: years
    page.wait_for_function("document.querySelector('.geo-axis .geo-tick').textContent.length == 4")
    ticks = page.evaluate(TICKS)
    years = [label for label, *_ in ticks]
    assert len(years) >= 3 and all(y.isdigit() for y in years), years
    assert {"2018", "2024"} & set(years)
    for label, t, _ in ticks:  # each on 1 January of its year, UTC
        assert datetime.fromtimestamp(t / 1000, tz=UTC) == datetime(int(label), 1, 1, tzinfo=UTC)
    # in another zone the ticks move to its midnights
    page.select_option("select.geo-tz", "Asia/Baku")
    label, t, _ = page.evaluate(TICKS)[0]
    assert datetime.fromtimestamp(t / 1000, tz=UTC) == datetime(int(label) - 1, 12, 31, 20,
                                                                 tzinfo=UTC)
    # a histogram bin says its span and count on hover
    hist = page.locator("canvas.geo-histogram")
    box = hist.bounding_box()
    hist.hover(position={"x": 2, "y": box["height"] / 2})
    assert "event" in hist.get_attribute("title")


def test_on_a_phone_every_card_fits_with_a_reachable_close_button(browser, map_file) -> None:
    state = open_offline(browser, viewport=(390, 844))
    try:
        open_map(state, map_file)
        page = state.page
        page.evaluate("geoTimeline.setSpan(geoTimeline.span[0], geoTimeline.span[1])")
        page.evaluate("geoTimeline.setTime(geoTimeline.span[1])")  # every event shown
        ids = page.evaluate("geoTimeline.model.id")
        assert len(ids) == len(shipped_events())
        for event_id in ids:
            assert page.evaluate(f"geoTimeline.openPopup({event_id!r})"), event_id
            at_rest(page)
            box = page.locator(".leaflet-popup").bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0, (event_id, box)
            assert box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844, (
                event_id, box)
            card = page.locator(".geo-popup[data-event]")
            # the important lines first: the title, then kind · status, then when
            lines = card.inner_text().split("\n")
            assert lines[1].split(" · ")[0] in {"flight", "meeting", "visit", "call",
                                                "agreement", "statement", "report", "letter",
                                                "ruling"}, lines[:3]
            assert lines[2] == "When", lines[:3]
            page.locator(".leaflet-popup-close-button").click()  # reachable: not covered
            no_popup(page)
        assert state.errors == []
    finally:
        state.page.context.close()


def test_a_file_with_skipped_rows_makes_a_map_that_says_so(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    from geo.cli import main

    out = tmp_path / "typo.html"
    assert main(["export", "tests/data/bad/many_problems.csv", "--out", str(out)]) == 0
    open_map(offline_page, out)
    note = offline_page.page.locator(".geo-left-out")
    assert note.count() == 1
    text = note.inner_text()
    assert "4 rows of tests/data/bad/many_problems.csv were left out:" in text
    assert "many_problems.csv:6: start: '2025-13-01' is not a real date" in text
    assert offline_page.page.evaluate("geoTimeline.model.n") == 1


EMBEDDING = """<!doctype html><html><body style="margin:0">
<iframe id="m" src="{src}" style="width:1200px;height:760px;border:0"></iframe>
<script>
  window.told = [];
  window.addEventListener("message", function (ev) {{
    if (ev.data && ev.data.geo) window.told.push(ev.data);
  }});
</script></body></html>"""


def test_an_event_opened_from_a_cluster_list_is_told_to_the_app(
    browser, map_file, tmp_path: Path
) -> None:
    """The app selects the table row of an event opened on the map, from a list too."""
    host = tmp_path / "host.html"
    host.write_text(EMBEDDING.format(src=map_file.as_uri()), encoding="utf-8")
    state = open_offline(browser, viewport=(1240, 800))
    try:
        page = state.page
        page.goto(host.as_uri())
        frame = page.frame_locator("#m")
        page.wait_for_function("window.told.some(m => m.geo === 'state')", timeout=20000)
        inner = next(f for f in page.frames if f.url.startswith(map_file.as_uri()))
        point = inner.evaluate("geoTimeline.pointAt('dunford-gerasimov-2017')")
        assert not inner.evaluate("geoTimeline.map.scrollWheelZoom.enabled()")  # embedded
        frame.locator(".leaflet-container").click(position={"x": point["x"], "y": point["y"]})
        frame.locator(".geo-list").wait_for(timeout=5000)
        inner.wait_for_function("!document.querySelector('.leaflet-map-pane.leaflet-pan-anim')")
        frame.locator(".geo-list-item[data-event='dunford-gerasimov-2017']").click()
        page.wait_for_function(
            "window.told.some(m => m.geo === 'opened' && m.id === 'dunford-gerasimov-2017')",
            timeout=10000,
        )
        # inside the app the wheel scrolls the page until the map is clicked
        assert inner.evaluate("geoTimeline.map.scrollWheelZoom.enabled()")  # clicked above
        assert state.errors == []
    finally:
        page.context.close()


def test_smaller_items_in_the_air_legend_collapsed_pause_glyph(browser, map_file) -> None:
    state = open_offline(browser, viewport=(1440, 900))
    try:
        open_map(state, map_file)
        page = state.page
        # the legend starts collapsed on a large screen too (the README's word)
        assert not page.evaluate("document.querySelector('.geo-legend details').open")
        # a flight known to the minute, between its times, is in the air, not "possibly"
        page.evaluate(f"geoTimeline.setTime({epoch_ms(DEPARTURE) + 10 * 60000})")
        assert page.evaluate("geoTimeline.openPopup('flight-vko-gyd-2025-03-14')")
        text = page.locator(".geo-popup[data-event='flight-vko-gyd-2025-03-14']").inner_text()
        assert "in the air at the clock's time" in text and "possibly" not in text
        # a pause glyph Debian's fonts have (U+23F8 drew an empty box)
        page.evaluate("geoTimeline.play()")
        assert page.locator("button.geo-play").inner_text() == "❚❚"
        page.evaluate("geoTimeline.pause()")
        assert page.locator("button.geo-play").inner_text() == "▶"
    finally:
        state.page.context.close()


def test_the_chapter_panel_follows_the_clock(offline_page: OfflinePage, map_file) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert "The flight night" in page.locator(".geo-chapter-title").inner_text()
    # the app's table selects a 2018 row: the clock goes there, and so does the panel
    assert page.evaluate("geoTimeline.focus(['scaparrotti-gerasimov-2018-12'])")
    assert "Baku precedents" in page.locator(".geo-chapter-title").inner_text()
    page.wait_for_function("location.hash.indexOf('view=baku-precedents') >= 0", timeout=5000)
    assert page.locator(".geo-count").inner_text().endswith(" shown")


def test_the_names_can_be_switched_off_in_the_layer_control(
    offline_page: OfflinePage, map_file
) -> None:
    open_map(offline_page, map_file)
    page = offline_page.page
    assert page.locator(".geo-label", has_text="Baku").is_visible()
    page.locator(".leaflet-control-layers").hover()
    page.get_by_label("Names of places and countries (offline)").uncheck()
    page.locator(".geo-label", has_text="Baku").wait_for(state="hidden", timeout=20000)
    page.get_by_label("Names of places and countries (offline)").check()
    page.locator(".geo-label", has_text="Baku").wait_for(state="visible", timeout=20000)


def test_a_map_of_one_event_opens(offline_page: OfflinePage, tmp_path: Path) -> None:
    """One event at one place, no tiles: fitting the map to it must not zoom past the
    deepest zoom (Leaflet has none without a tile layer; it broke the page with NaN)."""
    data = load_dataset()
    (one,) = [e for e in data.events if e.id == "state-department-2025-08-01"]
    path = tmp_path / "one.html"
    path.write_bytes(export([one], "html", views=data.views))
    open_map(offline_page, path)
    page = offline_page.page
    assert page.evaluate("geoTimeline.map.getZoom()") <= 18
    assert offline_page.errors == []
