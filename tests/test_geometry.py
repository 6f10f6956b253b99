"""One rule each: contact arcs and flight tracks are the same in the page, GeoJSON and KML,
and a duration reads the same in the popup, the app's panel, the list and the KML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from geo import geometry, panels
from geo.export import to_geojson, to_kml
from geo.layers import map_payload
from geo.query import EVENT_ORDER
from geo.table import normalize
from tests.helpers import events_from_csv, page_data, shipped_events

KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"

# 01:54:00 MSK = 22:54:00 UTC; 05:29:30 +04 = 01:29:30 UTC: 155.5 minutes
HALF_MINUTE_FLIGHT = "f,flight,F,2025-03-14T01:54:00,2025-03-14T05:29:30,VKO,GYD,,reported,s,\n"


def test_a_duration_reads_the_same_everywhere() -> None:
    (flight,) = events_from_csv(HALF_MINUTE_FLIGHT)
    assert normalize(flight)["duration_minutes"] == 155.5
    expected = "2 h 36 min"  # half a minute rounds up, in every reader
    popup = page_data(map_payload([flight]))["flights"][0]["facts"]
    assert popup[1] == f"{expected} gate to gate"
    assert panels.flight_panel(flight)["Duration"] == expected
    assert normalize(flight)["duration"] == expected
    description = ET.fromstring(to_kml([flight])).find(f".//{KML}Placemark/{KML}description")
    assert description is not None and f", {expected}, " in (description.text or "")
    # and the plausibility text, written by geodesy, says the same
    assert f"in {expected}" in normalize(flight)["plausibility"]


def _page_arcs(events) -> list[list[tuple[float, float]]]:
    """The arcs the page draws: the geodesic between the ends the payload names, with the
    payload's rule (the page computes the same vertices: tests/test_page_js.py)."""
    data = page_data(map_payload(events))
    assert len(data["arcs"]) == len(geometry.contact_arcs(events))
    arcs = geometry.contact_arcs(events)
    return [arcs.coords(j) for j in range(len(arcs))]


def _geojson_arcs(events) -> list[list[tuple[float, float]]]:
    doc = json.loads(to_geojson(events))
    return [
        [tuple(c) for c in f["geometry"]["coordinates"]]
        for f in doc["features"]
        if f["properties"]["role"] == "contact"
    ]


def _kml_arcs(events) -> list[list[tuple[float, float]]]:
    root = ET.fromstring(to_kml(events))
    out = []
    for mark in root.iter(f"{KML}Placemark"):
        lines = mark.findall(f"{KML}MultiGeometry/{KML}LineString/{KML}coordinates")
        if lines:
            coords = [c.split(",") for line in lines for c in (line.text or "").split()]
            out.append([(float(x), float(y)) for x, y, _z in coords])
    return out


def test_the_same_arcs_in_the_page_geojson_and_kml() -> None:
    events = shipped_events() + events_from_csv(
        # an origin that is the place itself draws no arc, in every reader
        "same,visit,t,2025-01-01,,Baku;Moscow,Baku,,reported,s,\n"
    )
    events.sort(key=EVENT_ORDER)  # the order of every reader
    page, geo_json, kml = _page_arcs(events), _geojson_arcs(events), _kml_arcs(events)
    # (the page's own vertices equal these: tests/test_page_js.py)
    expected = len(geometry.contact_arcs(events))
    assert expected == sum(len(geometry.contact_ends([e])[0]) for e in events)
    assert len(page) == len(geo_json) == len(kml) == expected
    for a, b, c in zip(page, geo_json, kml, strict=True):
        assert len(a) == len(b) == len(c) >= 2
        for (x1, y1), (x2, y2), (x3, y3) in zip(a, b, c, strict=True):
            assert x1 == pytest.approx(x2, abs=1e-4) and y1 == pytest.approx(y2, abs=1e-4)
            assert x2 == pytest.approx(x3, abs=1e-6) and y2 == pytest.approx(y3, abs=1e-6)


def test_the_same_track_in_geojson_and_kml() -> None:
    events = shipped_events()
    tracks = geometry.flight_tracks(events)
    (j,) = range(len(tracks))
    expected = tracks.coords(j)
    doc = json.loads(to_geojson(events))
    (feature,) = [f for f in doc["features"] if f["properties"]["role"] == "flight"]
    geo_json = [tuple(c) for c in feature["geometry"]["coordinates"]]
    track = ET.fromstring(to_kml(events)).find(f".//{GX}Track")
    assert track is not None
    kml = [tuple(map(float, c.text.split()[:2])) for c in track.findall(f"{GX}coord")]
    times = [w.text for w in track.findall(f"{KML}when")]
    assert len(expected) == len(geo_json) == len(kml) == len(times)
    assert times == feature["properties"]["times"]
    for (x1, y1), (x2, y2), (x3, y3) in zip(expected, geo_json, kml, strict=True):
        assert x1 == pytest.approx(x2, abs=1e-6) and y1 == pytest.approx(y2, abs=1e-6)
        assert x2 == pytest.approx(x3, abs=1e-6) and y2 == pytest.approx(y3, abs=1e-6)


def test_an_arc_is_geodesic_not_straight() -> None:
    # Washington -> Baku: the great circle passes far north of both ends (over Scandinavia)
    arcs = geometry.contact_arcs(
        events_from_csv("x,visit,t,2025-01-01,,Washington,Baku,,reported,s,\n")
    )
    (coords,) = [arcs.coords(j) for j in range(len(arcs))]
    assert max(lat for _lon, lat in coords) > 60
    assert coords[0] == (-77.036, 38.895) and coords[-1] == (49.892, 40.378)


def test_an_arc_across_the_antimeridian_is_continuous() -> None:
    arcs = geometry.contact_arcs(
        events_from_csv("x,meeting,t,2025-01-01,,Canberra,Santiago,,reported,s,\n")
    )
    lons = [lon for lon, _lat in arcs.coords(0)]
    assert all(abs(b - a) < 180 for a, b in zip(lons, lons[1:], strict=False))
    assert lons[-1] > 180  # unwrapped: Santiago's -70.7 as 289.3
