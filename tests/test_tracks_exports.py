"""A recorded track through every reader of the events: the page's data, GeoJSON (the fixes,
each with its time), KML (gx:Track with altitude, valid against the schema), the fixes CSV
(read back as the same leg), the list and the app's flight panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geo import panels, uploads
from geo.dataset import load_dataset
from geo.export import export, to_fixes_csv
from geo.geojson import geojson_features
from geo.layers import map_payload
from geo.model import Event
from geo.pack import unpack
from geo.tracks import COMPUTED
from tests.test_kml_schema import xmllint

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "synthetic-trace_full_n103wg.json"
FLIGHT = "flight-vko-gyd-2025-03-14"


@pytest.fixture(scope="module")
def events() -> tuple[Event, ...]:
    return load_dataset(tracks=[EXAMPLE]).events


def flight(events: tuple[Event, ...]) -> Event:
    return next(e for e in events if e.id == FLIGHT)


def test_the_page_gets_the_drawn_fixes_and_the_words(events) -> None:
    ev = flight(events)
    meta, blob = map_payload(events)
    parts = unpack(meta["blob"], blob)
    assert meta["counts"]["recorded"] == 1
    drawn = ev.recorded.drawn
    assert meta["counts"]["fixes"] == len(drawn) < len(ev.recorded.leg)
    lat = np.asarray(parts["rec.lat"]) / 1e6
    assert np.allclose(lat, ev.recorded.leg.trace.lat[drawn], atol=1e-6)
    t = np.asarray(parts["rec.t"])
    assert t[0] == round(float(ev.recorded.leg.t[0]) * 1000)
    assert int(np.sum(parts["rec.gap"])) == 1  # the one coverage gap starts at a drawn fix
    words = [parts["strings"][k] for k in parts["fl.rec.items"]]
    assert words[0].startswith("recorded track: 292 fixes (readsb)")
    assert "1 coverage gap (23 min)" in words
    assert max(parts["pr.alt"]) == 41000 and len(parts["pr.t"]) == 240


def test_without_a_track_the_page_says_computed() -> None:
    meta, blob = map_payload(load_dataset().events)
    parts = unpack(meta["blob"], blob)
    assert meta["counts"]["recorded"] == 0
    assert [parts["strings"][k] for k in parts["fl.rec.items"]] == [COMPUTED]


def test_geojson_is_the_fixes_with_their_times(events) -> None:
    ev = flight(events)
    (feature,) = [f for f in geojson_features(events) if f["id"] == FLIGHT]
    coords = feature["geometry"]["coordinates"]
    leg = ev.recorded.leg
    assert feature["geometry"]["type"] == "LineString" and len(coords) == len(leg) == 292
    assert coords[0] == [round(float(leg.lon[0]), 6), round(float(leg.lat[0]), 6)]
    assert feature["properties"]["times"][0] == "2025-03-13T22:58:10Z"
    assert len(feature["properties"]["times"]) == 292
    props = feature["properties"]
    assert props["track_points"] == 292 and props["detour_ratio"] == pytest.approx(1.02, abs=0.005)
    assert props["coverage_gaps"] == "2025-03-14T00:40:50Z/2025-03-14T01:04:10Z"
    assert props["track"].startswith("took off 4 min after the reported time")


def test_kml_track_has_altitudes_and_validates(events, tmp_path: Path) -> None:
    path = tmp_path / "rec.kml"
    path.write_bytes(export(events, "kml"))
    text = path.read_text(encoding="utf-8")
    block = text[text.index(f'<Placemark id="{FLIGHT}">'):]
    block = block[: block.index("</Placemark>")]
    assert "<altitudeMode>absolute</altitudeMode>" in block
    coords = [line for line in block.splitlines() if line.startswith("<gx:coord>")]
    assert len(coords) == 292
    top = max(float(c.removeprefix("<gx:coord>").removesuffix("</gx:coord>").split()[2])
              for c in coords)
    assert top == pytest.approx(41000 * 0.3048, abs=0.1)
    assert "took off 4 min after the reported time" in block
    done = xmllint(path)
    assert done.returncode == 0, done.stderr[-2000:]


def test_fixes_csv_reads_back_as_the_same_leg(events, tmp_path: Path) -> None:
    text = to_fixes_csv(events)
    lines = text.splitlines()
    assert lines[0] == "time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24,on_ground"
    # the taxi before the leg (and after it) is kept, flagged, so the airports and the
    # liftoff and touchdown estimates read back the same (issue 27, item 7)
    assert lines[1] == "2025-03-13T22:56:10Z,55.5915,37.2615,,12,,N103WG,a0b1c2,true"
    assert "2025-03-13T22:58:10Z,55.5915,37.2615,400,150,N103WG,N103WG,a0b1c2,false" in lines
    assert sum(line.endswith(",true") for line in lines) == 4
    assert len(lines) == 1 + 292 + 4
    path = tmp_path / "fixes.csv"
    path.write_text(text, encoding="utf-8", newline="")
    again = flight(load_dataset(tracks=[path]).events)
    a, b = flight(events).recorded.comparison, again.recorded.comparison
    assert a is not None and b is not None
    assert (b.track_points, b.takeoff_utc, b.landing_utc) == (a.track_points, a.takeoff_utc,
                                                              a.landing_utc)
    assert again.origin == flight(events).origin
    assert b.recorded_distance_km == pytest.approx(a.recorded_distance_km, abs=1e-3)
    assert b.outliers == 0  # the outlier was left out of the file, as of the map


def test_uploaded_tracks_reach_the_app(tmp_path: Path) -> None:
    up = uploads.Upload(EXAMPLE.name, EXAMPLE.read_bytes())
    result = uploads.load_uploads(tracks=[up])
    assert result.dataset is not None
    panel = panels.flight_panel(flight(result.dataset.events))
    assert panel["Track"] == f"recorded track: 292 fixes (readsb) from {EXAMPLE.name}"
    assert panel["Record vs report"].startswith("took off 4 min after the reported time")
    # estimated liftoff 11 s after the first airborne fix (400 ft, under Vnukovo's field;
    # 825 ft 16 s later) and touchdown 20 s after the last (500 ft over Baku, -25 ft/s)
    assert panel["Recorded (UTC)"] == "2025-03-13T22:58:21Z → 2025-03-14T01:28:00Z"
    assert panels.flight_panel(flight(load_dataset().events))["Track"] == COMPUTED
    assert uploads.upload_key({}, [up]) != uploads.upload_key({})
    broken = uploads.load_uploads(tracks=[uploads.Upload("bad.json", b'{"icao": 1}')])
    assert broken.dataset is not None and broken.dataset.problems  # lenient: listed, not lost
    assert any("bad.json" in str(p) for p in broken.dataset.problems)


def test_the_still_image_puts_the_aircraft_on_the_record(events) -> None:
    from datetime import UTC, datetime

    from geo import geodesy
    from geo.tracks import aircraft_at, positions_at

    ev = flight(events)
    at = datetime(2025, 3, 14, 0, 52, tzinfo=UTC)
    pos = aircraft_at(ev, at)
    lon, lat, _ = positions_at(ev.recorded.leg, [at.timestamp()])
    assert (pos.lon, pos.lat) == pytest.approx((float(lon[0]), float(lat[0])))
    bare = ev._replace(recorded=None)  # without the record: the great circle
    o, d = ev.origin[0], ev.destination
    circle = geodesy.position_at(o.lon, o.lat, ev.start_utc, d.lon, d.lat, ev.end_utc, at)
    assert aircraft_at(bare, at).lon == pytest.approx(circle.lon)
    assert geodesy.distance_km(pos.lon, pos.lat, circle.lon, circle.lat) > 5.0
    assert export(events, "png", at=at)[:8] == b"\x89PNG\r\n\x1a\n"
