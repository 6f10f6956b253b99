"""The GeoJSON export (RFC 7946): one feature per event, and one per contact arc.

* An event other than a flight is a ``Point`` at its place; a flight is its track, a
  ``LineString`` (a ``MultiLineString`` when it crosses the antimeridian, RFC 7946 §3.1.9),
  with ``times``: one RFC 3339 UTC time per position of the geometry, in order (for a
  ``MultiLineString`` the parts' positions one after the other, the meridian point at the end
  of one part and the start of the next each with its interpolated time), so ``times`` has
  exactly as many entries as the geometry has positions.
* A flight whose two airports are one place (a round trip) has no track to draw: its feature
  is a ``Point`` at the airport, without ``times``, and ``track_omitted`` says why. A contact
  whose origin is its place draws no arc (:func:`geo.geometry.contact_ends`); the event's
  ``arcs_omitted`` names those origins and ``arcs_omitted_reason`` says why.
* Properties are :func:`geo.table.record`: list fields (``origin``, ``participants``,
  ``sources``, ``references``) as ``; ``-joined text in every feature, never arrays (see
  there why); ``times`` is the one array, present on every flight with a track and never
  empty. No ``crs`` member: coordinates are WGS84 longitude, latitude, at most six decimals.

The file has one feature per line and is written in batches of events (their tracks computed
on a worker thread while the previous batch is written), vertices formatted in bulk
(:mod:`geo.vertices`): four million vertices take about a second.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import orjson

from geo import geometry
from geo.batches import pipeline
from geo.ids import UniqueIds
from geo.layers import precedent_ids
from geo.model import Event
from geo.query import in_order
from geo.table import normalize, record
from geo.vertices import Parts, RowText, constant, decimal_rows, split_lines, utc_rows

TRACK_OMITTED = "origin and destination are one place: a round trip has no track to draw"
ARCS_OMITTED = "these origins are the event's place itself: nothing travels, no arc is drawn"


@dataclass(frozen=True, slots=True)
class _Lines:
    """A batch's lines, split and formatted: ``coords`` has a row ``[lon,lat],`` per vertex of
    ``parts``, ``times`` a row ``"…Z",`` per vertex (tracks only)."""

    lines: geometry.Lines
    parts: Parts
    coords: RowText
    times: RowText | None

    def geometry(self, j: int) -> bytes:
        """Line ``j`` as a GeoJSON geometry object."""
        parts = [b"[" + self.coords.span(a, b, trim=1) + b"]"
                 for a, b in map(self.parts.vertices_of, self.parts.parts_of(j))]
        if len(parts) == 1:
            return b'{"type":"LineString","coordinates":' + parts[0] + b"}"
        return b'{"type":"MultiLineString","coordinates":[' + b",".join(parts) + b"]}"

    def times_of(self, j: int) -> bytes:
        assert self.times is not None
        a, b = self.parts.line_vertices(j)
        return b"[" + self.times.span(a, b, trim=1) + b"]"


def _formatted(lines: geometry.Lines) -> _Lines:
    parts = split_lines(lines)
    n = parts.lons.size
    coords = RowText.of([
        constant("[", n), decimal_rows(parts.lons), constant(",", n), decimal_rows(parts.lats),
        constant("],", n),
    ])
    times = None
    if parts.times_ms is not None:
        times = RowText.of([constant('"', n), utc_rows(parts.times_ms), constant('",', n)],
                           padded=False)
    return _Lines(lines, parts, coords, times)


@dataclass(frozen=True, slots=True)
class _Batch:
    events: Sequence[Event]
    tracks: _Lines
    arcs: _Lines


_Lines3 = tuple[Sequence[Event], geometry.Lines, geometry.Lines]


def _geometry(events: Sequence[Event]) -> _Lines3:
    """The first worker's part: the batch's tracks and arcs (pyproj)."""
    return events, geometry.flight_tracks(events), geometry.contact_arcs(events)


def _text(lines: _Lines3) -> _Batch:
    """The second worker's part: the lines split and formatted (numpy)."""
    events, tracks, arcs = lines
    return _Batch(events, _formatted(tracks), _formatted(arcs))


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def _features(batch: _Batch, precedents: set[str], ids: UniqueIds) -> Iterator[bytes]:
    track_of = {int(i): j for j, i in enumerate(batch.tracks.lines.event.tolist())}
    arcs_of = batch.arcs.lines.by_event()
    for i, ev in enumerate(batch.events):
        props = record(ev, normalize(ev))
        props["precedent"] = ev.id in precedents
        d = ev.destination
        if ev.is_flight:
            props["role"] = "flight"
            j = track_of[i]
            if geometry.same_place(ev.origin[0], d):
                props["track_omitted"] = TRACK_OMITTED
                geom: Any = _point(d.lon, d.lat)
            else:
                geom = orjson.Fragment(batch.tracks.geometry(j))
                props["times"] = orjson.Fragment(batch.tracks.times_of(j))
            yield orjson.dumps({"type": "Feature", "id": ev.id, "geometry": geom,
                                "properties": props})
            continue
        props["role"] = "event"
        omitted = geometry.omitted_origins(ev)
        if omitted:
            props["arcs_omitted"] = "; ".join(o.label for o in omitted)
            props["arcs_omitted_reason"] = ARCS_OMITTED
        yield orjson.dumps({"type": "Feature", "id": ev.id, "geometry": _point(d.lon, d.lat),
                            "properties": props})
        for j in arcs_of.get(i, []):
            k = int(batch.arcs.lines.origin[j])
            yield orjson.dumps({
                "type": "Feature",
                "id": ids.claim(f"{ev.id}#arc{k + 1}"),
                "geometry": orjson.Fragment(batch.arcs.geometry(j)),
                "properties": {
                    "role": "contact",
                    "event_id": ev.id,
                    "kind": ev.kind,
                    "status": ev.status,
                    "from": ev.origin[k].label,
                    "to": d.label,
                    "start_utc": props["start_utc"],
                    "end_utc": props["end_utc"],
                },
            })


def write_geojson(events: Sequence[Event], out: IO[bytes]) -> None:
    """The GeoJSON document of ``events`` (in the one event order) written to ``out``."""
    events = in_order(events)
    precedents = precedent_ids(events)
    out.write(b'{"type":"FeatureCollection","features":[')
    sep = b"\n"
    ids = UniqueIds(ev.id for ev in events)  # an arc's id never takes an event's
    for batch in pipeline(events, _geometry, _text):
        for feature in _features(batch, precedents, ids):
            out.write(sep)
            out.write(feature)
            sep = b",\n"
    out.write(b"\n]}\n")


def geojson_features(events: Sequence[Event]) -> list[dict[str, Any]]:
    """The features as Python objects (the parsed document)."""
    import io

    buf = io.BytesIO()
    write_geojson(events, buf)
    features: list[dict[str, Any]] = orjson.loads(buf.getvalue())["features"]
    return features


__all__ = ["ARCS_OMITTED", "TRACK_OMITTED", "geojson_features", "write_geojson"]
