"""The event as a flat record, each form defined once.

* :func:`normalize`: the normalized table (``list --format json``, the normalized CSV), list
  fields as lists.
* :func:`record`: the same fields with list fields as ``; ``-joined text (:data:`LIST_FIELDS`,
  :func:`flat`), plus ``start``/``end`` as written and ``aircraft``: the GeoJSON properties and
  the events layer of :mod:`geo.frames`. Joined, because GDAL (and so QGIS) types a property
  whose first value is ``[]`` as JSON, and a GeoPackage keeps no lists; the items of those
  fields never hold ``;`` (the CSV splits them on it), so the joined text is lossless.
* :func:`source_row`: the row of ``events.csv`` that reads back as the same event (the
  ``events-csv`` export): times as written, places as references that resolve back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from geo.model import EVENT_FILE_COLUMNS, Event, Location, Reference
from geo.timeline import format_duration, iso_local, iso_utc, precision_label, zone


@dataclass(frozen=True, slots=True)
class RecordColumn:
    """A column of the normalized record (:func:`normalize`, :func:`record`): its name, what it
    holds, and which outputs carry it."""

    name: str
    meaning: str
    table: bool = True  # the normalized table: ``list --format csv|json``, the CSV export
    layer: bool = True  # the events layer of the frames (GeoPackage, GeoParquet)


RECORD_COLUMNS: tuple[RecordColumn, ...] = (
    RecordColumn("id", "the event's id"),
    RecordColumn("kind", "flight, visit, meeting, …"),
    RecordColumn("title", "the title"),
    RecordColumn("start", "the start as written", table=False),
    RecordColumn("end", "the end as written", table=False),
    RecordColumn("when", "the time in words, at its precision"),
    RecordColumn("start_local", "the start in local time, as precise as written"),
    RecordColumn("end_local", "the end in local time (a period's last day, month or year)"),
    RecordColumn("start_utc", "the start, RFC 3339 UTC"),
    RecordColumn("end_utc", "the end, RFC 3339 UTC (exclusive for a period)"),
    RecordColumn("precision", "year, month, day, minute or second"),
    RecordColumn("timezone", "the zone the times were written in"),
    RecordColumn("origin", "where the parties came from (labels)"),
    RecordColumn("destination", "where it happened (a label)"),
    RecordColumn("destination_lat", "the place's latitude, degrees"),
    RecordColumn("destination_lon", "the place's longitude, degrees"),
    RecordColumn("participants", "who took part"),
    RecordColumn("status", "confirmed, reported or speculative"),
    RecordColumn("sources", "the sources as written"),
    RecordColumn("references", "each source as a citation"),
    RecordColumn("notes", "free text"),
    RecordColumn("aircraft", "a flight's registration, ICAO hex or callsign"),
    RecordColumn("arrival_timezone", "a flight's arrival zone", table=False),
    RecordColumn("distance_km", "a flight's great-circle distance"),
    RecordColumn("duration_minutes", "a flight's duration"),
    RecordColumn("duration", "a flight's duration in words"),
    RecordColumn("avg_speed_kmh", "a flight's average ground speed"),
    RecordColumn("plausible", "whether the flight's times and route are plausible"),
    RecordColumn("plausibility", "why, in words"),
    RecordColumn("precedent", "an earlier meeting where a flight lands", table=False),
    RecordColumn("track_omitted", "why a flight has no track (one place)", table=False),
    RecordColumn("arcs_omitted", "the origins that draw no arc", table=False),
    RecordColumn("track", "the drawn path in words: recorded or computed", layer=False),
    RecordColumn("track_source", "where the recorded track comes from", layer=False),
    RecordColumn("track_points", "how many fixes the recorded leg has", layer=False),
    RecordColumn("takeoff_utc", "the recorded takeoff", layer=False),
    RecordColumn("landing_utc", "the recorded landing", layer=False),
    RecordColumn("takeoff_delta_minutes", "recorded minus reported takeoff", layer=False),
    RecordColumn("landing_delta_minutes", "recorded minus reported landing", layer=False),
    RecordColumn("recorded_distance_km", "the recorded path's length", layer=False),
    RecordColumn("detour_ratio", "recorded length over the great circle", layer=False),
    RecordColumn("max_offtrack_km", "the farthest fix from the great circle", layer=False),
    RecordColumn("coverage_gaps", "the gaps in coverage, ISO 8601 intervals", layer=False),
    RecordColumn("outliers", "fixes left out as impossible", layer=False),
)
"""The normalized record's columns, declared once, in the order every output gives them."""
TABLE_COLUMNS: tuple[str, ...] = tuple(c.name for c in RECORD_COLUMNS if c.table)
"""The normalized table's columns (``list``, the CSV export)."""
LAYER_COLUMNS: tuple[str, ...] = tuple(c.name for c in RECORD_COLUMNS if c.layer)
"""The frames' events layer's columns (the GeoJSON export's event properties)."""


def _local_text(event: Event, which: str) -> str:
    """Local start/end as precisely as written: ``2025-03``, ``2017-02-16``, or a full time.

    For a period the end is the last period covered (inclusive), as a reader would say it.
    """
    precision = event.start_precision if which == "start" else event.end_precision
    tz_name = event.start_tz if which == "start" else event.end_tz
    if precision in ("minute", "second"):
        return iso_local(event.start_utc if which == "start" else event.end_utc, tz_name)
    local = (
        event.start_utc if which == "start" else event.end_utc - timedelta(microseconds=1)
    ).astimezone(zone(event.destination.tz))
    if precision == "year":
        return f"{local.year:04d}"
    if precision == "month":
        return f"{local.year:04d}-{local.month:02d}"
    return local.date().isoformat()


LIST_FIELDS: tuple[str, ...] = (
    "origin", "participants", "sources", "references", "coverage_gaps"
)
"""The fields :func:`normalize` gives as lists and :func:`record` as ``; ``-joined text
(``references`` as the citations; ``coverage_gaps`` as ISO 8601 intervals ``start/end``)."""

SOURCE_COLUMNS: tuple[str, ...] = EVENT_FILE_COLUMNS
"""The columns of :func:`source_row`: ``events.csv``'s, and the optional ``aircraft``."""


def flight_fields(event: Event) -> dict[str, Any]:
    """Distance, duration, speed and plausibility of a flight (empty for other kinds)."""
    if not event.is_flight or not event.origin:
        return {}
    from geo.geodesy import flight_facts

    o, d = event.origin[0], event.destination
    facts = flight_facts(o.lon, o.lat, event.start_utc, d.lon, d.lat, event.end_utc)
    return {
        "distance_km": round(facts.distance_km, 1),
        "duration_minutes": round(facts.duration_minutes, 1),
        "duration": format_duration(facts.duration_minutes),
        "avg_speed_kmh": None if facts.avg_speed_kmh is None else round(facts.avg_speed_kmh, 1),
        "plausible": facts.plausible,
        "plausibility": facts.reason,
    }


class FlightText(NamedTuple):
    """A flight's facts in words, as the popup, the app's panel and the KML say them."""

    distance: str  # '1,926 km'
    duration: str  # '2 h 36 min'
    speed: str  # '741 km/h' ('' when there is no average)
    verdict: str  # 'plausible: average 741 km/h over …'


def flight_text(event: Event, facts: dict[str, Any] | None = None) -> FlightText:
    """The one wording of a flight's distance, duration, speed and plausibility (``facts``:
    its :func:`flight_fields`, or a row of :func:`normalize`, when already at hand)."""
    if facts is None:
        facts = flight_fields(event)
    speed = facts.get("avg_speed_kmh")
    return FlightText(
        f"{facts['distance_km']:,.0f} km",
        facts["duration"],
        "" if speed is None else f"{speed:,.0f} km/h",
        ("plausible: " if facts["plausible"] else "IMPLAUSIBLE: ") + facts["plausibility"],
    )


def reference_fields(ref: Reference) -> dict[str, str]:
    """A cited source as the list and the exports give it: its row and its citation."""
    return {
        "id": ref.id,
        "outlet": ref.outlet,
        "title": ref.title,
        "author": ref.author,
        "published": ref.published,
        "url": ref.url,
        "citation": ref.citation,
    }


def normalize(event: Event) -> dict[str, Any]:
    """The event as one flat JSON-ready record (lists stay lists)."""
    row: dict[str, Any] = {
        "id": event.id,
        "kind": event.kind,
        "title": event.title,
        "when": precision_label(event),
        "start_local": _local_text(event, "start"),
        "end_local": _local_text(event, "end"),
        "start_utc": iso_utc(event.start_utc),
        "end_utc": iso_utc(event.end_utc),
        "precision": event.precision,
        "timezone": event.start_tz,
        "origin": [loc.label for loc in event.origin],
        "destination": event.destination.label,
        "destination_lat": event.destination.lat,
        "destination_lon": event.destination.lon,
        "participants": list(event.participants),
        "status": event.status,
        "sources": list(event.sources),
        "references": [reference_fields(ref) for ref in event.references],
        "notes": event.notes,
    }
    row["aircraft"] = event.aircraft
    if event.is_flight:
        row["arrival_timezone"] = event.end_tz
    row.update(flight_fields(event))
    if event.is_flight:
        row.update(record_fields(event))
    return row


def track_lines(event: Event) -> tuple[str, ...]:
    """A flight's drawn path in words: where its recorded track comes from and what it says
    against the report, or that the path is computed (the popup's lines, one rule)."""
    from geo.tracks.link import COMPUTED  # only here: no track module for other readers

    return (COMPUTED,) if event.recorded is None else event.recorded.lines()


def record_fields(event: Event) -> dict[str, Any]:
    """A flight's claim against its recorded track (ADS-B), or that there is none: ``track``
    in words, ``track_source``, and the figures (recorded minus reported; km; the great
    circle between the reported airports)."""
    recorded = event.recorded
    if recorded is None:
        return {"track": track_lines(event)[0]}
    out: dict[str, Any] = {
        "track": recorded.words(),
        "track_source": recorded.source_line,
        "track_points": len(recorded.leg),
    }
    c = recorded.comparison
    if c is None:
        return out
    out.update(
        takeoff_utc=iso_utc(c.takeoff_utc),
        landing_utc=iso_utc(c.landing_utc),
        takeoff_delta_minutes=round(c.takeoff_delta_minutes, 1),
        landing_delta_minutes=round(c.landing_delta_minutes, 1),
        recorded_distance_km=round(c.recorded_distance_km, 1),
        detour_ratio=None if c.detour_ratio is None else round(c.detour_ratio, 3),
        max_offtrack_km=round(c.max_offtrack_km, 1),
        coverage_gaps=[f"{iso_utc(a)}/{iso_utc(b)}" for a, b in c.coverage_gaps],
        outliers=c.outliers,
    )
    return out


def cited(fields: dict[str, str]) -> str:
    """A source as one line of text: its citation, then its address where it has one
    (``Report.az, ..., 17 Feb 2017 <https://report.az/...>``), so a flat table or file still
    leads the reader to the page."""
    url = fields.get("url") or ""
    return f"{fields['citation']} <{url}>" if url else fields["citation"]


def flat(value: Any) -> str:
    """A table cell as text: lists joined with ``; `` (a source as :func:`cited`), None
    empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(cited(v) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def record(event: Event, row: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event as the GeoJSON properties and the frames' events layer hold it (see the
    module docstring); ``row`` is its :func:`normalize` when already made."""
    row = normalize(event) if row is None else row
    out: dict[str, Any] = {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "start": event.start_text,
        "end": event.end_text,
    }
    for key, value in row.items():
        if key in out:
            continue
        out[key] = flat(value) if key in LIST_FIELDS else value
        if key == "notes":
            out["aircraft"] = event.aircraft
    return out


def place_reference(location: Location) -> str:
    """What an events file names a place by so that it resolves back to ``location``: an
    airport's code, a place's name."""
    return location.airport or location.name


def source_row(event: Event) -> dict[str, str]:
    """The row of ``events.csv`` the event reads back from (columns :data:`SOURCE_COLUMNS`):
    ``start``/``end`` as written, places by :func:`place_reference`, lists joined by ``;``."""
    return {
        "id": event.id,
        "kind": event.kind,
        "title": event.title,
        "start": event.start_text,
        "end": event.end_text,
        "origin": ";".join(place_reference(loc) for loc in event.origin),
        "destination": place_reference(event.destination),
        "participants": ";".join(event.participants),
        "status": event.status,
        "sources": ";".join(event.sources),
        "notes": event.notes,
        "aircraft": event.aircraft,
    }
