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
    # the meridian point ends one part and starts the next: each copy has its time, so the
    # times follow the positions one for one
    times = flight["properties"]["times"]
    assert len(times) == n_vertices
    assert times[0] == "2025-06-01T01:00:00Z" and times[-1] == "2025-06-01T14:30:00Z"
    assert times == sorted(times)
    k = len(first)  # the first position of the second part: the meridian again, same time
    assert times[k - 1] == times[k]


def test_geojson_carries_every_property() -> None:
    doc = json.loads(to_geojson(shipped_events()))
    flight = next(f for f in doc["features"] if f["id"] == "flight-vko-gyd-2025-03-14")
    props = flight["properties"]
    assert props["start_utc"] == "2025-03-13T22:54:00Z"
    assert props["end_utc"] == "2025-03-14T01:30:00Z"
    assert props["status"] == "reported" and "astra-adsb-n103wg-2025-03" in props["sources"]
    event = next(e for e in shipped_events() if e.id == "flight-vko-gyd-2025-03-14")
    citations = [ref.citation for ref in event.references]
    assert ASTRA in citations
    # list fields as '; '-joined text in every feature (GDAL types a []-first field as JSON);
    # a source with an address gives it after its citation
    assert props["references"] == "; ".join(
        f"{ref.citation} <{ref.url}>" if ref.url else ref.citation for ref in event.references
    )
    assert props["sources"] == "; ".join(event.sources)
    assert props["origin"] == "Vnukovo International Airport (VKO)"
    assert (props["start"], props["end"]) == ("2025-03-14T01:54", "2025-03-14T05:30")
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


@pytest.mark.parametrize("fmt", ["html", "geojson", "kml", "csv", "events-csv", "gpkg", "parquet"])
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
    (placemark,) = ET.fromstring(text).iter(f"{KML}Placemark")
    assert placemark.findtext(f"{KML}name") == "<script>alert(1)</script>"  # text, as written
    card = placemark.findtext(f"{KML}description")
    assert card.startswith("<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3>")  # shown, not run
    assert "<td>javascript:alert(1)</td>" in card and "href" not in card  # no link made
    assert "<td>]]&gt;&lt;/description&gt;&lt;b&gt;x&lt;/b&gt;</td>" in card


ZERO = events_from_csv(
    "round-trip,flight,Round trip,2025-06-01T11:00,2025-06-01T12:30,SYD,SYD,,reported,s,\n"
    "at-home,visit,Stays home,2025-01-01,,Baku;Moscow,Baku,,reported,s,\n"
    "only-home,call,Calls itself,2025-01-02,,Baku,Baku,,reported,s,\n"
)


def test_a_zero_length_flight_is_a_point_that_says_why() -> None:
    doc = json.loads(to_geojson(ZERO))
    (flight,) = [f for f in doc["features"] if f["id"] == "round-trip"]
    assert flight["geometry"] == {"type": "Point", "coordinates": [151.177, -33.9461]}
    assert flight["properties"]["track_omitted"].startswith("origin and destination are one")
    assert "times" not in flight["properties"]
    for feature in doc["features"]:  # no zero-length line anywhere
        assert shape(feature["geometry"]).is_valid
        if feature["geometry"]["type"] != "Point":
            assert shape(feature["geometry"]).length > 0


def test_an_origin_that_is_the_place_draws_no_arc_and_says_why() -> None:
    doc = json.loads(to_geojson(ZERO))
    by_id = {f["id"]: f for f in doc["features"]}
    assert {f["id"] for f in doc["features"]} == {
        "round-trip", "at-home", "at-home#arc2", "only-home"
    }
    assert by_id["at-home"]["properties"]["arcs_omitted"] == "Baku"
    assert by_id["only-home"]["properties"]["arcs_omitted"] == "Baku"
    assert "no arc" in by_id["only-home"]["properties"]["arcs_omitted_reason"]
    assert "arcs_omitted" not in by_id["at-home#arc2"]["properties"]
    assert by_id["at-home#arc2"]["properties"]["from"] == "Moscow"


@pytest.mark.parametrize("events", [shipped_events(), PACIFIC, ZERO],
                         ids=["shipped", "pacific", "zero"])
def test_every_property_has_one_type_in_every_feature(events) -> None:
    doc = json.loads(to_geojson(events))
    types: dict[str, set[str]] = {}
    for feature in doc["features"]:
        for key, value in feature["properties"].items():
            if value is not None:
                types.setdefault(key, set()).add(type(value).__name__)
    assert all(len(t) == 1 for t in types.values()), types
    for key in ("origin", "participants", "sources", "references"):
        assert types[key] == {"str"}
    assert types.get("times", {"list"}) == {"list"}


def test_geojson_and_kml_are_written_in_batches_with_the_same_bytes(monkeypatch) -> None:
    """Batches change nothing: one batch per event gives the bytes of one batch for all."""
    from geo import batches

    events = shipped_events() + PACIFIC + ZERO
    whole = {fmt: export(events, fmt) for fmt in ("geojson", "kml")}
    monkeypatch.setattr(batches, "BATCH_EVENTS", 1)
    monkeypatch.setattr(batches.batches, "__defaults__", (1,))
    for fmt, data in whole.items():
        assert export(events, fmt) == data, fmt


def test_kml_ids_are_xml_names_and_keep_the_original() -> None:
    from geo.kml import kml_id

    events = events_from_csv(
        '"1 <b>&amp;",meeting,t,2025-01-01,,,Baku,,reported,s,\n'
        "1 _b_amp,meeting,t,2025-01-01,,,Baku,,reported,s,\n"
        "flight-confirmed,meeting,t,2025-01-01,,,Baku,,reported,s,\n"
        "ok.id_1-a,meeting,t,2025-01-01,,Moscow,Baku,,reported,s,\n"
        "ok.id_1-a-arc1,meeting,t,2025-01-01,,,Baku,,reported,s,\n"
    )
    root = ET.fromstring(to_kml(events))
    ids = [m.get("id") for m in root.iter(f"{KML}Placemark")]
    styles = [s.get("id") for s in root.iter(f"{KML}Style")]
    assert len(set(ids + styles)) == len(ids) + len(styles)  # unique in the document
    import re

    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9._-]*", i) for i in ids), ids
    assert kml_id("ok.id_1-a") == "ok.id_1-a"  # already a name: kept
    assert kml_id("1 <b>&amp;") == kml_id("1 <b>&amp;")  # the same every time
    assert kml_id("1 <b>&amp;").startswith("e-1_b_amp-")
    original = {
        m.get("id"): m.findtext(f"{KML}ExtendedData/{KML}Data[@name='id']/{KML}value")
        for m in root.iter(f"{KML}Placemark")
    }
    assert sorted(v for v in original.values() if v) == sorted(e.id for e in events)
    assert original["flight-confirmed-2"] == "flight-confirmed"  # a style's id was taken
    assert original["ok.id_1-a-arc1-2"] == "ok.id_1-a-arc1"  # an arc's id was taken


def test_kml_styles_and_placemarks_in_schema_order() -> None:
    root = ET.fromstring(to_kml(shipped_events()))
    for style in root.iter(f"{KML}Style"):
        assert [c.tag for c in style] == [f"{KML}IconStyle", f"{KML}LineStyle"]
    order = ["name", "description", "TimeStamp", "TimeSpan", "styleUrl", "ExtendedData",
             "Point", "MultiGeometry", "Track"]
    for mark in root.iter(f"{KML}Placemark"):
        tags = [c.tag.split("}")[1] for c in mark]
        assert tags == sorted(tags, key=order.index), tags


def test_kml_description_is_escaped_html_in_cdata() -> None:
    events = events_from_csv(
        'x,meeting,"<script>alert(1)</script>",2025-01-01,,,Baku,,reported,'
        '"https://example.org/a?b=1&c=2;javascript:alert(1)","a ]]> b\nline <i>2</i>"\n'
    )
    text = to_kml(events)
    body = text[text.index("<description>") : text.index("</description>")]
    assert body.startswith("<description><![CDATA[<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3>")
    assert "]]&gt; b<br>line &lt;i&gt;2&lt;/i&gt;" in body  # a CDATA end in data is text
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in body  # http(s) only as links
    assert "javascript:alert(1)" in body and 'href="javascript' not in body
    desc = ET.fromstring(text).find(f".//{KML}Placemark/{KML}description")
    assert desc is not None and desc.text is not None
    import html as html_module
    import re

    shown = html_module.unescape(re.sub(r"<[^>]+>", "\n", desc.text))
    assert "<script>alert(1)</script>" in shown and "a ]]> b" in shown
