"""Writers: the HTML map, GeoJSON (RFC 7946), KML (with time) and the normalized CSV.

Every writer is deterministic: the same events give byte-identical output.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from geo import geodesy, geometry
from geo.layers import precedent_ids
from geo.model import Event, MapView
from geo.options import MEDIA_TYPES, Basemap, Format, parse_basemap, parse_format
from geo.query import in_order
from geo.style import KIND_STYLE, STATUS_STYLE, kml_color
from geo.table import TABLE_COLUMNS, flat, flight_text, normalize
from geo.timeline import iso_utc

__all__ = ["MEDIA_TYPES", "export", "geojson_features", "to_csv", "to_geojson", "to_kml"]


def _sorted(events: Sequence[Event]) -> list[Event]:
    return in_order(events)


def to_csv(events: Sequence[Event]) -> str:
    """The normalized table; list cells joined with ``; ``.

    Rows end in CRLF (RFC 4180), so the writer quotes any cell holding a bare ``\r``.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(TABLE_COLUMNS)
    for ev in _sorted(events):
        row = normalize(ev)
        writer.writerow([flat(row.get(col)) for col in TABLE_COLUMNS])
    return buf.getvalue()


def _line_geometry(coords: list[tuple[float, float]]) -> dict[str, Any]:
    """LineString, or MultiLineString when it crosses the antimeridian (RFC 7946 §3.1.9)."""
    parts = geodesy.split_at_antimeridian(coords)
    rounded = [[[round(x, 6), round(y, 6)] for x, y in part] for part in parts]
    if len(rounded) == 1:
        return {"type": "LineString", "coordinates": rounded[0]}
    return {"type": "MultiLineString", "coordinates": rounded}


def _utc_ms(ms: int) -> str:
    return iso_utc(datetime.fromtimestamp(ms / 1000, tz=UTC))


def geojson_features(events: Sequence[Event]) -> list[dict[str, Any]]:
    """One feature per event (a flight's track, or the event's place), plus contact arcs."""
    events = _sorted(events)
    precedents = precedent_ids(events)
    tracks = geometry.flight_tracks(events)
    track_of = {i: j for j, i in enumerate(tracks.event.tolist())}
    arcs = geometry.contact_arcs(events)
    arcs_of = arcs.by_event()
    features: list[dict[str, Any]] = []
    for i, ev in enumerate(events):
        props = normalize(ev)
        props["precedent"] = ev.id in precedents
        d = ev.destination
        if ev.is_flight:
            j = track_of[i]
            geometry_ = _line_geometry(tracks.coords(j))
            props["role"] = "flight"
            props["times"] = [_utc_ms(ms) for ms in tracks.times(j)]
            if geometry_["type"] == "MultiLineString":
                props["times_note"] = "times follow the vertices in order across the parts"
            features.append({"type": "Feature", "id": ev.id, "geometry": geometry_,
                             "properties": props})
            continue
        props["role"] = "event"
        features.append(
            {
                "type": "Feature",
                "id": ev.id,
                "geometry": {"type": "Point", "coordinates": [round(d.lon, 6), round(d.lat, 6)]},
                "properties": props,
            }
        )
        for j in arcs_of.get(i, []):
            o = ev.origin[int(arcs.origin[j])]
            features.append(
                {
                    "type": "Feature",
                    "id": f"{ev.id}#arc{int(arcs.origin[j]) + 1}",
                    "geometry": _line_geometry(arcs.coords(j)),
                    "properties": {
                        "role": "contact",
                        "event_id": ev.id,
                        "kind": ev.kind,
                        "status": ev.status,
                        "from": o.label,
                        "to": d.label,
                        "start_utc": props["start_utc"],
                        "end_utc": props["end_utc"],
                    },
                }
            )
    return features


def to_geojson(events: Sequence[Event]) -> str:
    collection = {"type": "FeatureCollection", "features": geojson_features(events)}
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


_KML_NS = "http://www.opengis.net/kml/2.2"
_GX_NS = "http://www.google.com/kml/ext/2.2"
ET.register_namespace("", _KML_NS)
ET.register_namespace("gx", _GX_NS)


def _k(tag: str) -> str:
    return f"{{{_KML_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    node = ET.SubElement(parent, _k(tag))
    if text is not None:
        node.text = text
    return node


def _kml_time(parent: ET.Element, ev: Event) -> None:
    if ev.start_utc == ev.end_utc:
        _sub(_sub(parent, "TimeStamp"), "when", iso_utc(ev.start_utc))
    else:
        span = _sub(parent, "TimeSpan")
        _sub(span, "begin", iso_utc(ev.start_utc))
        _sub(span, "end", iso_utc(ev.end_utc))


def _kml_description(ev: Event) -> str:
    """Plain text (ElementTree escapes it); Google Earth shows it as the balloon text."""
    row = normalize(ev)
    lines = [
        f"{ev.title}",
        f"When: {row['when']}",
        f"UTC: {row['start_utc']} – {row['end_utc']}",
        f"Place: {row['destination']}",
    ]
    if ev.origin:
        lines.append("From: " + "; ".join(row["origin"]))
    if ev.participants:
        lines.append("Who: " + "; ".join(ev.participants))
    lines.append(f"Status: {ev.status}")
    lines.append("Sources: " + "; ".join(ref.citation for ref in ev.references))
    if ev.is_flight:
        text = flight_text(ev)
        speed = f", {text.speed}" if text.speed else ""
        lines.append(f"Flight: {text.distance}, {text.duration}{speed}; {text.verdict}")
    if ev.notes:
        lines.append(f"Notes: {ev.notes}")
    return "\n".join(lines)


def _kml_coords(coords: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.6f},{y:.6f},0" for x, y in coords)


def _kml_styles(doc: ET.Element) -> None:
    """A style per kind and status, from :mod:`geo.style` (KML's colours are aabbggrr)."""
    for kind, ks in KIND_STYLE.items():
        for status, st in STATUS_STYLE.items():
            style = _sub(doc, "Style")
            style.set("id", f"{kind}-{status}")
            icon = _sub(style, "IconStyle")
            _sub(icon, "color", kml_color(ks.color, st.opacity))
            line = _sub(style, "LineStyle")
            _sub(line, "color", kml_color(ks.color, st.opacity))
            _sub(line, "width", f"{ks.weight:g}")


def to_kml(events: Sequence[Event]) -> str:
    """KML 2.2 with TimeSpan/TimeStamp (Google Earth's time slider) and gx:Track flights."""
    events = _sorted(events)
    kml = ET.Element(_k("kml"))
    doc = _sub(kml, "Document")
    _sub(doc, "name", "Flights and diplomacy")
    _kml_styles(doc)
    tracks = geometry.flight_tracks(events)
    track_of = {i: j for j, i in enumerate(tracks.event.tolist())}
    arcs = geometry.contact_arcs(events)
    arcs_of = arcs.by_event()
    for i, ev in enumerate(events):
        mark = _sub(doc, "Placemark")
        mark.set("id", ev.id)
        _sub(mark, "name", ev.title or ev.id)
        _sub(mark, "description", _kml_description(ev))
        _kml_time(mark, ev)
        _sub(mark, "styleUrl", f"#{ev.kind}-{ev.status}")
        ext = _sub(mark, "ExtendedData")
        for key in ("kind", "status", "sources", "participants"):
            data = _sub(ext, "Data")
            data.set("name", key)
            value = getattr(ev, key)
            _sub(data, "value", "; ".join(value) if isinstance(value, tuple) else str(value))
        d = ev.destination
        if ev.is_flight:
            j = track_of[i]
            track = ET.SubElement(mark, f"{{{_GX_NS}}}Track")
            for ms in tracks.times(j):
                _sub(track, "when", _utc_ms(ms))
            for lon, lat in tracks.coords(j):
                coord = ET.SubElement(track, f"{{{_GX_NS}}}coord")
                lon_n = ((lon + 180.0) % 360.0) - 180.0
                coord.text = f"{lon_n:.6f} {lat:.6f} 0"
            continue
        point = _sub(mark, "Point")
        _sub(point, "coordinates", f"{d.lon:.6f},{d.lat:.6f},0")
        for j in arcs_of.get(i, []):
            k = int(arcs.origin[j])
            o = ev.origin[k]
            arc_mark = _sub(doc, "Placemark")
            arc_mark.set("id", f"{ev.id}-arc{k + 1}")
            _sub(arc_mark, "name", f"{o.name} → {d.name}: {ev.title or ev.id}")
            _kml_time(arc_mark, ev)
            _sub(arc_mark, "styleUrl", f"#{ev.kind}-{ev.status}")
            multi = _sub(arc_mark, "MultiGeometry")
            for part in geodesy.split_at_antimeridian(arcs.coords(j)):
                line = _sub(multi, "LineString")
                _sub(line, "tessellate", "1")
                _sub(line, "coordinates", _kml_coords(part))
    ET.indent(kml, space=" ")
    body = ET.tostring(kml, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def export(
    events: Sequence[Event],
    fmt: Format | str,
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap | str = "tiles",
    views: Sequence[MapView] = (),
) -> bytes:
    """The bytes of one export; the CLI writes them, the app's download buttons serve them.

    ``fmt`` and ``basemap`` are checked here (``ValueError`` for an unknown one).
    """
    fmt = parse_format(fmt)
    basemap = parse_basemap(basemap)
    if fmt == "html":
        from geo.render import to_html_bytes

        return to_html_bytes(events, tz=tz, title=title, basemap=basemap, views=views)
    if fmt == "geojson":
        return to_geojson(events).encode("utf-8")
    if fmt == "kml":
        return to_kml(events).encode("utf-8")
    return to_csv(events).encode("utf-8")
