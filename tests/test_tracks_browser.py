"""A recorded track in real headless Chromium: the aircraft follows the record (not the great
circle), and the popup says what the record says against the report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo import geodesy
from geo.dataset import load_dataset
from geo.export import export
from geo.timeline import epoch_ms
from geo.tracks import positions_at
from tests.conftest import OfflinePage

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "synthetic-trace_full_n103wg.json"
FLIGHT = "flight-vko-gyd-2025-03-14"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    data = load_dataset(tracks=[EXAMPLE])
    event = next(e for e in data.events if e.id == FLIGHT)
    assert event.recorded is not None
    path = tmp_path_factory.mktemp("recorded") / "map.html"
    path.write_bytes(export(data.events, "html", views=data.views))
    return path, event


def _open(state: OfflinePage, path: Path) -> None:
    state.page.goto(path.as_uri())
    state.page.wait_for_function("window.geoTimeline !== undefined", timeout=20000)


def test_the_aircraft_follows_the_recorded_fixes(offline_page: OfflinePage, recorded) -> None:
    path, event = recorded
    leg = event.recorded.leg
    _open(offline_page, path)
    page = offline_page.page
    takeoff, landing = float(leg.t[0]), float(leg.t[-1])
    gap = event.recorded.leg.gaps[0]
    instants = [
        takeoff + 10 * 60 + 17,  # climbing out
        (gap.start_utc.timestamp() + gap.end_utc.timestamp()) / 2,  # in the coverage gap
        landing - 25 * 60 + 3,  # descending over the Caspian
    ]
    lons, lats, headings = positions_at(leg, instants)
    for t, lon, lat, heading in zip(instants, lons, lats, headings, strict=True):
        page.evaluate(f"geoTimeline.setTime({round(t * 1000)})")
        (plane,) = page.evaluate("geoTimeline.aircraft()")
        got = plane["latlng"]
        km = geodesy.distance_km(float(lon), float(lat), got["lng"], got["lat"])
        assert km < 1.0, (datetime.fromtimestamp(t, UTC), km)
        assert abs((plane["heading"] - float(heading) + 180) % 360 - 180) < 5.0
        # and it is not on the great circle: the record strays from it
        o, d = event.origin[0], event.destination
        circle = geodesy.position_at(o.lon, o.lat, event.start_utc, d.lon, d.lat, event.end_utc,
                                     datetime.fromtimestamp(t, UTC))
        assert geodesy.distance_km(circle.lon, circle.lat, got["lng"], got["lat"]) > 5.0
    assert offline_page.errors == []
    # the recorded path is drawn, with its coverage gap dashed and the great circle kept
    assert page.locator("path.geo-recorded-gap").count() == 1
    assert page.locator("path.geo-great-circle").count() == 1


def test_the_popup_shows_claim_against_record(offline_page: OfflinePage, recorded) -> None:
    path, _ = recorded
    _open(offline_page, path)
    page = offline_page.page
    t = epoch_ms(datetime(2025, 3, 14, 0, 10, tzinfo=UTC))
    page.evaluate(f"geoTimeline.setTime({t})")
    assert page.evaluate(f"geoTimeline.openPopup('{FLIGHT}')")
    track = page.locator(".geo-popup .geo-track")
    lines = track.locator("div").all_inner_texts()
    assert lines[0].startswith("recorded track: 292 fixes (readsb) from ")
    assert lines[1:] == [
        "took off 4 min after the reported time",
        "landed 2 min before the reported time",
        "flew 2 % farther than the great circle",
        "strayed up to 130 km from it",
        "1 coverage gap (23 min)",
        "1 outlier fix left out",
    ]
    caption = track.locator("figcaption").inner_text()
    assert caption.startswith("profile from first to last fix: altitude (solid) up to 41,000 ft")
    # the clock's time is marked on the profile, and moves with the clock
    now = track.locator(".geo-profile")
    first = float(now.get_attribute("data-now"))
    page.evaluate(f"geoTimeline.setTime({t + 30 * 60000})")
    assert float(now.get_attribute("data-now")) > first
    page.evaluate(f"geoTimeline.setTime({epoch_ms(datetime(2025, 3, 13, 22, 55, tzinfo=UTC))})")
    assert now.get_attribute("data-now") == ""  # before the first fix: no mark


def test_a_flight_without_a_track_says_so(offline_page: OfflinePage, tmp_path: Path) -> None:
    data = load_dataset()
    path = tmp_path / "map.html"
    path.write_bytes(export(data.events, "html", views=data.views))
    _open(offline_page, path)
    page = offline_page.page
    assert page.evaluate(f"geoTimeline.openPopup('{FLIGHT}')")
    assert page.locator(".geo-popup .geo-track").inner_text() == (
        "computed great circle, constant speed: no recorded track"
    )
    assert page.locator(".geo-profile").count() == 0


def test_a_recorded_track_is_coloured_by_altitude(offline_page: OfflinePage, recorded) -> None:
    """tar1090's scale: low orange, climbing through green and blue; a legend row says so."""
    path, event = recorded
    leg = event.recorded.leg
    _open(offline_page, path)
    page = offline_page.page
    colours = (
        "Array.from(document.querySelectorAll('path.geo-alt-run'), p => p.getAttribute('stroke'))"
    )
    page.evaluate(f"geoTimeline.setTime({round((float(leg.t[0]) + 40 * 60) * 1000)})")
    flying = page.evaluate(colours)  # flown so far, in the air
    assert len(set(flying)) >= 2, flying
    page.evaluate(f"geoTimeline.setTime({round((float(leg.t[-1]) + 3600) * 1000)})")
    landed = page.evaluate(colours)  # the whole record, done
    scale = page.evaluate("geoTimeline.model.meta.style.altitude")
    assert len(set(landed)) >= 3 and set(landed) <= {*scale["colors"], scale["unknown"]}
    assert scale["colors"][0] in landed or scale["colors"][1] in landed  # near the ground
    page.locator(".geo-legend summary").click()
    assert "recorded track by altitude" in page.locator(".geo-legend").inner_text()
    assert offline_page.errors == []
