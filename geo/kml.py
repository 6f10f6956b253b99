"""The KML export: OGC KML 2.2 with Google's ``gx`` extension, valid against both schemas
(``ogckml22.xsd`` + ``kml22gx.xsd``; tests/test_kml_schema.py runs ``xmllint`` on it).

* ``TimeSpan``/``TimeStamp`` with ``xsd:dateTime`` UTC times (``2025-03-13T22:54:00Z``), so
  Google Earth's time slider works; flights as a ``gx:Track`` (a ``when`` and a ``gx:coord``
  per vertex, the track of :func:`geo.geometry.flight_tracks`), contact arcs as their own
  placemarks (a ``MultiGeometry`` of ``LineString`` parts split at the antimeridian).
* A flight with a recorded track is its fixes, each with its time and its altitude
  (``altitudeMode`` ``absolute``, metres; the recorded barometric altitude taken as height
  above sea level, which it is to within the day's pressure: a few hundred feet). A fix
  without an altitude takes the altitude interpolated in time between its neighbours that
  have one (``altitude_note`` in ``ExtendedData`` says how many did); a computed track is
  clamped to the ground (altitude 0), as it knows no altitude.
* Elements in the schema's order: a ``Style`` has ``IconStyle`` then ``LineStyle``; a
  ``Placemark`` has ``name``, ``description``, its time, ``styleUrl``, ``ExtendedData``, then
  its geometry.
* Placemark ids are ``xs:ID`` values (:func:`kml_id`): an event id that already is one is
  kept, any other becomes a slug and a digest of it; the id itself is in ``ExtendedData``
  (``Data name="id"``), as are ``kind``, ``status``, ``sources`` and ``participants``.
* ``description`` is HTML built here with :func:`html.escape` around every piece of data,
  inside CDATA, so Google Earth renders the markup made here and shows the data as text:
  ``<script>`` in a title reads ``<script>``. Only ``http(s)`` URLs become links.

Written in batches (:mod:`geo.batches`), vertices formatted in bulk (:mod:`geo.vertices`).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from geo import geometry
from geo.batches import pipeline
from geo.ids import UniqueIds
from geo.model import Event, Reference, is_http_url
from geo.query import in_order
from geo.style import KIND_STYLE, STATUS_STYLE, kml_color
from geo.table import flight_fields, flight_text, track_lines
from geo.timeline import iso_utc, precision_label
from geo.vertices import (
    Parts,
    RowText,
    constant,
    decimal_rows,
    normalized_lons,
    split_lines,
    utc_rows,
)

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"
DOCUMENT_NAME = "Flights and diplomacy"

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*\Z", re.ASCII)
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+", re.ASCII)


def kml_id(event_id: str) -> str:
    """An ``xs:ID`` (an XML NCName) for an event id, the same every time: the id itself when
    it is one (ASCII letters, digits, ``._-``, not starting with a digit, ``.`` or ``-``),
    else ``e-<slug>-<10 hex digits of its SHA-1>`` (``e-meeting_img_src_x-3f1c…``)."""
    if _NCNAME.match(event_id):
        return event_id
    slug = _NOT_NAME.sub("_", event_id).strip("_.-")[:40]
    digest = hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:10]
    return f"e-{slug}-{digest}" if slug else f"e-{digest}"


def _text(value: str) -> str:
    """Element text: ``&``, ``<`` and ``>`` as references, and a carriage return as
    ``&#13;`` (an XML reader turns a literal one into a line feed)."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _cdata(markup: str) -> str:
    """``markup`` as CDATA; a ``]]>`` inside (none comes from escaped data) is split across
    two sections, so it cannot end the first."""
    return "<![CDATA[" + markup.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _citation(ref: Reference) -> str:
    text = html.escape(ref.citation)
    if ref.url and is_http_url(ref.url):
        return f'<a href="{html.escape(ref.url.strip(), quote=True)}">{text}</a>'
    return text


def balloon_fields(event: Event) -> dict[str, Any]:
    """What a balloon shows, with the same words as :func:`geo.table.normalize` (its fields
    ``when``, ``start_utc``, ``end_utc``, ``destination``, ``origin`` and a flight's figures),
    without the fields the balloon does not show."""
    row: dict[str, Any] = {
        "when": precision_label(event),
        "start_utc": iso_utc(event.start_utc),
        "end_utc": iso_utc(event.end_utc),
        "destination": event.destination.label,
        "origin": [loc.label for loc in event.origin],
    }
    row.update(flight_fields(event))
    return row


def description_html(event: Event, row: dict[str, Any]) -> str:
    """The placemark's balloon as HTML: every piece of data escaped, the markup our own.
    ``row`` is the event's :func:`balloon_fields` (or its :func:`geo.table.normalize`)."""
    e = html.escape
    cells = [
        ("When", e(row["when"])),
        ("UTC", f"{e(row['start_utc'])} – {e(row['end_utc'])}"),
        ("Place", e(row["destination"])),
    ]
    if event.origin:
        cells.append(("From", e("; ".join(row["origin"]))))
    if event.participants:
        cells.append(("Who", e("; ".join(event.participants))))
    cells.append(("Status", e(event.status)))
    cells.append(("Sources", "<br>".join(_citation(ref) for ref in event.references)))
    if event.is_flight:
        text = flight_text(event, row)
        speed = f", {text.speed}" if text.speed else ""
        cells.append(("Flight", e(f"{text.distance}, {text.duration}{speed}; {text.verdict}")))
        cells.append(("Track", "<br>".join(map(e, track_lines(event)))))
    if event.notes:
        cells.append(("Notes", e(event.notes).replace("\n", "<br>")))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in cells)
    return f"<h3>{e(event.title or event.id)}</h3><table>{body}</table>"


def _time(ev: Event, row: dict[str, Any], indent: str) -> str:
    if ev.start_utc == ev.end_utc:
        return f"{indent}<TimeStamp><when>{row['start_utc']}</when></TimeStamp>\n"
    return (
        f"{indent}<TimeSpan><begin>{row['start_utc']}</begin>"
        f"<end>{row['end_utc']}</end></TimeSpan>\n"
    )


def _data(pairs: Sequence[tuple[str, str]], indent: str) -> str:
    items = "".join(
        f'{indent} <Data name="{name}"><value>{_text(value)}</value></Data>\n'
        for name, value in pairs
    )
    return f"{indent}<ExtendedData>\n{items}{indent}</ExtendedData>\n"


def _styles() -> Iterator[str]:
    """A style per kind and status, from :mod:`geo.style` (KML's colours are aabbggrr)."""
    for kind, ks in KIND_STYLE.items():
        for status, st in STATUS_STYLE.items():
            color = kml_color(ks.color, st.opacity)
            yield (
                f'  <Style id="{kind}-{status}">\n'
                f"   <IconStyle><color>{color}</color></IconStyle>\n"
                f"   <LineStyle><color>{color}</color><width>{ks.weight:g}</width></LineStyle>\n"
                "  </Style>\n"
            )


STYLE_IDS: tuple[str, ...] = tuple(f"{k}-{s}" for k in KIND_STYLE for s in STATUS_STYLE)


@dataclass(frozen=True, slots=True)
class _Batch:
    events: Sequence[Event]
    tracks: geometry.Lines
    whens: RowText  # a row '<when>…</when>\n' per track vertex
    coords: RowText  # a row '<gx:coord>lon lat 0</gx:coord>\n' per track vertex
    arcs: geometry.Lines
    arc_parts: Parts
    arc_coords: RowText  # a row 'lon,lat,0 ' per vertex of arc_parts


_Lines3 = tuple[Sequence[Event], geometry.Lines, geometry.Lines]


def _geometry(events: Sequence[Event]) -> _Lines3:
    """The first worker's part: the batch's tracks and arcs (pyproj)."""
    return events, geometry.flight_tracks(events), geometry.contact_arcs(events)


FEET = 0.3048


def _altitudes_m(tracks: geometry.Lines) -> Any:
    """Each vertex's altitude in metres, to the decimetre: a recorded one, interpolated in
    time where a fix has none (0 where its track has none at all, as a computed track)."""
    alt = tracks.alt_ft if tracks.alt_ft is not None else np.full(tracks.lons.size, np.nan)
    out = np.zeros(alt.size)
    for j in range(len(tracks)):
        a, b = int(tracks.offsets[j]), int(tracks.offsets[j + 1])
        part = alt[a:b]
        known = ~np.isnan(part)
        if known.any():
            assert tracks.times_ms is not None
            t = tracks.times_ms[a:b].astype(np.float64)
            out[a:b] = np.interp(t, t[known], part[known]) * FEET
    return np.round(out, 1)


def _altitude_note(ev: Event) -> str:
    """What the KML did with a recorded track's missing altitudes ("" when none were)."""
    if ev.recorded is None:
        return ""
    missing = int(np.count_nonzero(np.isnan(ev.recorded.leg.alt_ft)))
    if not missing:
        return ""
    return f"{missing:,} fixes without an altitude: interpolated in time between the others"


def _vertex_text(lines: _Lines3) -> _Batch:
    """The second worker's part: the vertices as text (numpy)."""
    events, tracks, arcs = lines
    n = tracks.lons.size
    assert tracks.times_ms is not None
    whens = RowText.of([constant("<when>", n), utc_rows(tracks.times_ms),
                        constant("</when>\n", n)], padded=False)
    coords = RowText.of([
        constant("<gx:coord>", n), decimal_rows(normalized_lons(tracks.lons)),
        constant(" ", n), decimal_rows(tracks.lats), constant(" ", n),
        decimal_rows(_altitudes_m(tracks)), constant("</gx:coord>\n", n),
    ])
    parts = split_lines(arcs)
    m = parts.lons.size
    arc_coords = RowText.of([
        decimal_rows(parts.lons), constant(",", m), decimal_rows(parts.lats), constant(",0 ", m),
    ])
    return _Batch(events, tracks, whens, coords, arcs, parts, arc_coords)


def _placemarks(batch: _Batch, ids: UniqueIds) -> Iterator[bytes]:
    tracks, arcs = batch.tracks, batch.arcs
    track_of = {int(i): j for j, i in enumerate(tracks.event.tolist())}
    arcs_of = arcs.by_event()
    for i, ev in enumerate(batch.events):
        row = balloon_fields(ev)
        style = f"#{ev.kind}-{ev.status}"
        base = ids.claim(kml_id(ev.id))
        data = [("id", ev.id), ("kind", ev.kind), ("status", ev.status),
                ("sources", "; ".join(ev.sources)), ("participants", "; ".join(ev.participants))]
        if ev.is_flight:
            data += [("track", "; ".join(track_lines(ev)))]
            if note := _altitude_note(ev):
                data += [("altitude_note", note)]
        head = (
            f'  <Placemark id="{base}">\n'
            f"   <name>{_text(ev.title or ev.id)}</name>\n"
            f"   <description>{_cdata(description_html(ev, row))}</description>\n"
            + _time(ev, row, "   ")
            + f"   <styleUrl>{style}</styleUrl>\n"
            + _data(data, "   ")
        )
        if ev.is_flight:
            j = track_of[i]
            a, b = int(tracks.offsets[j]), int(tracks.offsets[j + 1])
            mode = "absolute" if ev.recorded is not None else "clampToGround"
            yield (
                head + "   <gx:Track>\n"
                f"    <altitudeMode>{mode}</altitudeMode>\n"
            ).encode("utf-8")
            yield batch.whens.span(a, b)
            yield batch.coords.span(a, b)
            yield b"   </gx:Track>\n  </Placemark>\n"
            continue
        d = ev.destination
        yield (
            head
            + f"   <Point><coordinates>{d.lon:.6f},{d.lat:.6f},0</coordinates></Point>\n"
            + "  </Placemark>\n"
        ).encode("utf-8")
        for j in arcs_of.get(i, []):
            k = int(arcs.origin[j])
            o = ev.origin[k]
            lines = "".join(
                "    <LineString><tessellate>1</tessellate><coordinates>"
                + batch.arc_coords.span(*batch.arc_parts.vertices_of(p), trim=1).decode("ascii")
                + "</coordinates></LineString>\n"
                for p in batch.arc_parts.parts_of(j)
            )
            yield (
                f'  <Placemark id="{ids.claim(f"{base}-arc{k + 1}")}">\n'
                f"   <name>{_text(f'{o.name} → {d.name}: {ev.title or ev.id}')}</name>\n"
                + _time(ev, row, "   ")
                + f"   <styleUrl>{style}</styleUrl>\n"
                + _data([("event_id", ev.id), ("from", o.label), ("to", d.label)], "   ")
                + f"   <MultiGeometry>\n{lines}   </MultiGeometry>\n"
                + "  </Placemark>\n"
            ).encode("utf-8")


def write_kml(events: Sequence[Event], out: IO[bytes]) -> None:
    """The KML document of ``events`` (in the one event order) written to ``out``."""
    events = in_order(events)
    out.write(
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<kml xmlns="{KML_NS}" xmlns:gx="{GX_NS}">\n'
            " <Document>\n"
            f"  <name>{DOCUMENT_NAME}</name>\n"
            + "".join(_styles())
        ).encode("utf-8")
    )
    ids = UniqueIds(STYLE_IDS)
    for batch in pipeline(events, _geometry, _vertex_text):
        for piece in _placemarks(batch, ids):
            out.write(piece)
    out.write(b" </Document>\n</kml>\n")
