from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from shapely.geometry import shape

from geo.export import export, to_csv, to_geojson, to_kml
from geo.table import TABLE_COLUMNS
from tests.helpers import events_from_csv, shipped_events

KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"

PACIFIC = events_from_csv(
    "syd-scl,flight,Sydney to Santiago,2025-06-01T11:00,2025-06-01T10:30,SYD,SCL,,reported,s,\n"
    "canberra-santiago,call,Call across the Pacific,2025-06-02,,Canberra,Santiago,,reported,s,\n"
)


ASTRA = (
    "ASTRA, [ADS-B Exchange data: Gulfstream G650ER N103WG, Moscow Vnukovo → Baku, "
    "14 Mar 2025], Mar 2025"
)


def _positions(geometry):
    if geometry["type"] == "Point":
        return [geometry["coordinates"]]
    if geometry["type"] == "LineString":
        return geometry["coordinates"]
    return [p for part in geometry["coordinates"] for p in part]


@pytest.mark.parametrize("events", [shipped_events(), PACIFIC], ids=["shipped", "pacific"])
def test_geojson_is_rfc7946(events) -> None:
    doc = json.loads(to_geojson(events))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946: WGS84 lon/lat only
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        geom = feature["geometry"]
        assert geom["type"] in ("Point", "LineString", "MultiLineString")  # no polygons to wind
        assert shape(geom).is_valid
        for lon, lat in _positions(geom):
            assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_flight_has_per_vertex_times_and_splits_at_antimeridian() -> None:
    doc = json.loads(to_geojson(PACIFIC))
    flight = next(f for f in doc["features"] if f["id"] == "syd-scl")
    geom = flight["geometry"]
    assert geom["type"] == "MultiLineString"
    first, second = geom["coordinates"][0], geom["coordinates"][-1]
    assert abs(first[-1][0]) == 180 and abs(second[0][0]) == 180
    assert first[-1][1] == pytest.approx(second[0][1])
    n_vertices = sum(len(part) for part in geom["coordinates"])
    # the meridian point is added to both parts; times follow the original vertices
    assert len(flight["properties"]["times"]) in (n_vertices - 2, n_vertices)
    assert flight["properties"]["times"][0] == "2025-06-01T01:00:00Z"


def test_geojson_carries_every_property() -> None:
    doc = json.loads(to_geojson(shipped_events()))
    flight = next(f for f in doc["features"] if f["id"] == "flight-vko-gyd-2025-03-14")
    props = flight["properties"]
    assert props["start_utc"] == "2025-03-13T22:54:00Z" and props["end_utc"] == "2025-03-14T01:30:00Z"
    assert props["status"] == "reported" and "astra-adsb-n103wg-2025-03" in props["sources"]
    assert f"{ASTRA}" in [ref["citation"] for ref in props["references"]]
    assert props["distance_km"] == pytest.approx(1926, abs=5)
    assert len(props["times"]) == len(flight["geometry"]["coordinates"])
    arcs = [
        f for f in doc["features"] if f["properties"].get("event_id") == "dunford-gerasimov-2017"
    ]
    assert {a["properties"]["from"] for a in arcs} == {"Washington", "Moscow"}


def test_kml_parses_and_holds_timespans() -> None:
    root = ET.fromstring(to_kml(shipped_events()))
    marks = {m.get("id"): m for m in root.iter(f"{KML}Placemark")}
    dunford = marks["dunford-gerasimov-2017"]
    span = dunford.find(f"{KML}TimeSpan")
    assert span is not None
    assert span.findtext(f"{KML}begin") == "2017-02-15T20:00:00Z"
    assert span.findtext(f"{KML}end") == "2017-02-16T20:00:00Z"
    flight = marks["flight-vko-gyd-2025-03-14"]
    track = flight.find(f"{GX}Track")
    whens = [w.text for w in track.findall(f"{KML}when")]
    coords = track.findall(f"{GX}coord")
    assert whens[0] == "2025-03-13T22:54:00Z" and whens[-1] == "2025-03-14T01:30:00Z"
    assert len(whens) == len(coords) > 10
    assert flight.find(f"{KML}TimeSpan") is not None


def test_csv_round_trips() -> None:
    events = shipped_events()
    rows = list(csv.DictReader(io.StringIO(to_csv(events))))
    assert len(rows) == len(events)
    assert list(rows[0]) == list(TABLE_COLUMNS)
    flight = next(r for r in rows if r["id"] == "flight-vko-gyd-2025-03-14")
    assert flight["start_utc"] == "2025-03-13T22:54:00Z" and flight["plausible"] == "true"


@pytest.mark.parametrize("fmt", ["html", "geojson", "kml", "csv"])
def test_exports_are_deterministic(fmt: str) -> None:
    events = shipped_events()
    assert export(events, fmt) == export(list(reversed(events)), fmt)


def test_hostile_text_is_escaped_in_kml() -> None:
    events = events_from_csv(
        'x,meeting,"<script>alert(1)</script>",2025-01-01,,,Baku,,reported,'
        '"javascript:alert(1)","]]></description><b>x</b>"\n'
    )
    text = to_kml(events)
    assert "<script>" not in text and "<b>" not in text
    assert ET.fromstring(text) is not None
