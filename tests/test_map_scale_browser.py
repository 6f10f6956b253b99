"""Maps above the SVG limit (6,000 and 100,000 events): markers, lines and aircraft on canvas
layers, with the same clusters, links and clock as the small map."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from geo import geodesy
from geo.dataset import load_dataset
from geo.export import export
from geo.layers import SVG_LIMIT
from geo.timeline import epoch_ms
from tests.conftest import OfflinePage, at_rest, drawn
from tests.synthetic import write

pytestmark = pytest.mark.browser


def _build(tmp: Path, n: int, flights: int, origins: float, seed: int):
    csv_path = tmp / "events.csv"
    write(csv_path, n, flights, origins, seed=seed)
    events = list(load_dataset(csv_path).events)
    html = tmp / "map.html"
    html.write_bytes(export(events, "html", basemap="outlines"))
    return events, html


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    return _build(tmp_path_factory.mktemp("big"), SVG_LIMIT + 1000, 20, 0.1, seed=7)


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory):
    return _build(tmp_path_factory.mktemp("huge"), 100_000, 1000, 0.5, seed=11)


def _open(state: OfflinePage, html: Path, fragment: str = "") -> None:
    state.page.goto(html.as_uri() + fragment)
    state.page.wait_for_function("window.geoTimeline !== undefined", timeout=60000)


def test_canvas_mode_shows_everything_and_the_slider_filters(offline_page: OfflinePage, big):
    events, html = big
    _open(offline_page, html)
    page = offline_page.page
    assert offline_page.errors == [] and offline_page.blocked == []
    assert page.evaluate("geoTimeline.canvas")
    assert page.locator("canvas.geo-canvas").count() == 4  # lines, flights, markers, aircraft
    assert page.locator("path.geo-marker").count() == 0  # no SVG element per marker
    assert page.evaluate("geoTimeline.shownCount()") == len(events)  # opens at the end
    mid = sorted(e.start_utc for e in events)[len(events) // 2]
    page.evaluate(f"geoTimeline.setTime({epoch_ms(mid)})")
    expected = sum(1 for e in events if e.start_utc <= mid)
    assert page.evaluate("geoTimeline.shownCount()") == expected


@pytest.mark.parametrize("size", ["big", "huge"])
def test_clicking_a_crowded_spot_lists_its_events(
    offline_page: OfflinePage, size: str, request: pytest.FixtureRequest
):
    events, html = request.getfixturevalue(size)
    _open(offline_page, html)
    page = offline_page.page
    at = Counter(e.destination for e in events if not e.is_flight)
    place, n_here = at.most_common(1)[0]
    target = next(e for e in events if e.destination == place and not e.is_flight)
    page.evaluate(
        f"geoTimeline.map.setView([{place.lat}, {place.lon}], 12, {{animate: false}})"
    )
    at_rest(page)
    drawn(page)  # the new view drawn (the huge page: a long redraw on a busy machine)
    point = page.evaluate(f"geoTimeline.pointAt({target.id!r})")
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    listing = page.locator(".geo-list")
    listing.wait_for(timeout=60000)  # a guard against a hang, not a budget
    at_rest(page)  # the list's auto-pan ended
    # at zoom 12 the cluster is this airport's events alone, every one of them listed: read
    # at once, in the page (item by item, a busy machine's redraw could come in between)
    shown = page.evaluate(
        "() => { const l = document.querySelector('.geo-list'); return l && {"
        " title: l.querySelector('.geo-popup-title').textContent,"
        " ids: [...l.querySelectorAll('.geo-list-item')].map(b => b.dataset.event) }; }")
    assert shown is not None, "the list closed by itself"
    assert shown["title"] == f"{n_here} events at {place.label}"
    ids = set(shown["ids"])
    assert len(shown["ids"]) == len(ids) == n_here
    assert ids == {e.id for e in events if e.destination == place and not e.is_flight}
    items = listing.locator(".geo-list-item")
    items.first.click()
    card = page.locator(".geo-popup[data-event]")
    card.wait_for(timeout=5000)
    assert card.get_attribute("data-event") in ids
    assert offline_page.errors == []


@pytest.mark.parametrize("size", ["big", "huge"])
def test_a_link_opens_that_moment(
    offline_page: OfflinePage, size: str, request: pytest.FixtureRequest
):
    events, html = request.getfixturevalue(size)
    t = sorted(e.start_utc for e in events)[len(events) // 3].replace(microsecond=0)
    stamp = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    _open(offline_page, html, f"#t={stamp}&zoom=5&lat=48.5&lon=11.5&mode=window&window=P7D")
    page = offline_page.page
    assert page.evaluate("geoTimeline.time()") == epoch_ms(t)
    assert page.evaluate("geoTimeline.map.getZoom()") == 5
    centre = page.evaluate("geoTimeline.map.getCenter()")
    assert (round(centre["lat"], 2), round(centre["lng"], 2)) == (48.5, 11.5)
    week = timedelta(days=7)
    expected = sum(
        1 for e in events
        if e.start_utc <= t + week and (e.end_utc + (timedelta(seconds=1) if e.end_precision
                                                      in ("minute", "second") else timedelta()))
        > t - week
    )
    assert page.evaluate("geoTimeline.shownCount()") == expected
    assert page.evaluate("geoTimeline.notes") == []


def test_aircraft_on_canvas_map_matches_geodesy(offline_page: OfflinePage, big):
    events, html = big
    _open(offline_page, html)
    page = offline_page.page
    flight = next(e for e in events if e.is_flight)
    t = flight.start_utc + (flight.end_utc - flight.start_utc) / 3
    page.evaluate(f"geoTimeline.setTime({epoch_ms(t)})")
    planes = page.evaluate("geoTimeline.aircraft()")
    o, d = flight.origin[0], flight.destination
    expected = geodesy.position_at(o.lon, o.lat, flight.start_utc, d.lon, d.lat,
                                   flight.end_utc, t.astimezone(UTC))
    assert any(
        geodesy.distance_km(expected.lon, expected.lat, p["latlng"]["lng"], p["latlng"]["lat"])
        < 0.01
        for p in planes
    )
    assert isinstance(t, datetime)


LINES_PIXELS = """() => {
  const c = document.querySelector('.leaflet-pane canvas.geo-canvas');
  const g = c.getContext('2d');
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let sum = 0, ink = 0;
  for (let k = 3; k < d.length; k += 4) { sum += d[k]; if (d[k]) ink++; }
  return { sum: sum, ink: ink, data: Array.from(d.filter((_, k) => k % 16 === 3)) };
}"""


def test_cumulative_lines_drawn_from_snapshots_match_a_fresh_draw(
    offline_page: OfflinePage, big
) -> None:
    """The lines layer keeps a canvas with snapshots in cumulative mode: after moving the
    clock back and forth, what it shows at t is what a page opened at t draws."""
    events, html = big
    times = sorted(e.end_utc for e in events)
    t_mid, t_late = times[len(times) // 2], times[(len(times) * 4) // 5]
    frag = f"#t={t_mid.strftime('%Y-%m-%dT%H:%M:%SZ')}&zoom=2&lat=20&lon=0"
    _open(offline_page, html, frag)
    page = offline_page.page
    drawn(page)
    fresh = page.evaluate(LINES_PIXELS)
    assert fresh["ink"] > 1000  # lines are drawn
    for t in (t_late, times[len(times) // 10], times[-1], t_mid):  # forward, far back, end, back
        page.evaluate(f"geoTimeline.setTime({epoch_ms(t)})")
        drawn(page)
    again = page.evaluate(LINES_PIXELS)
    assert page.evaluate("geoTimeline.time()") == epoch_ms(t_mid)
    # the same pixels, up to the rounding of opacities batched differently
    diff = sum(abs(a - b) for a, b in zip(fresh["data"], again["data"], strict=True))
    assert diff <= 0.01 * fresh["sum"] / 4, (diff, fresh["sum"])
    assert abs(again["ink"] - fresh["ink"]) <= 0.01 * fresh["ink"]
