"""Records -> map features with display properties (no folium here).

Everything the page needs is computed here, in Python, and handed to the browser as data:
geodesic arcs and flight tracks (pyproj, via :mod:`geo.geodesy`), epoch-millisecond times,
styles by kind and status, and popup fields as plain text. The page's script only shows,
hides and moves what it is given; it never parses HTML from the data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from operator import le
from typing import Any

import numpy as np

from geo import geodesy
from geo.model import COARSER, KINDS, PRECISIONS, STATUSES, Event, Location
from geo.perf import paused_gc
from geo.query import EVENT_ORDER
from geo.table import flight_fields
from geo.timeline import format_instant, precision_label

# Colours by kind (colour-blind-safe Okabe-Ito palette) and line dash by kind.
KIND_STYLE: dict[str, dict[str, str]] = {
    "flight": {"color": "#0072B2", "dash": "", "label": "flight: geodesic track, aircraft"},
    "visit": {"color": "#009E73", "dash": "", "label": "visit: solid arc from home capital"},
    "meeting": {"color": "#D55E00", "dash": "", "label": "meeting: arc from each party"},
    "call": {"color": "#CC79A7", "dash": "6 6", "label": "call: dashed arc caller → called"},
    "agreement": {"color": "#E69F00", "dash": "12 4 2 4", "label": "agreement: dash-dot, thick"},
    "statement": {"color": "#56B4E9", "dash": "2 5", "label": "statement: dotted"},
    "report": {"color": "#6B6B6B", "dash": "2 5", "label": "report: dotted grey"},
    "letter": {"color": "#8B5A2B", "dash": "10 5", "label": "letter: long dashes"},
    "ruling": {"color": "#000000", "dash": "1 4", "label": "ruling: court decision, warrant"},
}
STATUS_STYLE: dict[str, dict[str, Any]] = {
    "confirmed": {"opacity": 0.95, "fill": 0.85, "dash": "", "label": "confirmed: solid"},
    "reported": {"opacity": 0.6, "fill": 0.4, "dash": "", "label": "reported: lighter"},
    "speculative": {
        "opacity": 0.4,
        "fill": 0.1,
        "dash": "3 6",
        "label": "speculative: faded, dashed outline",
    },
}

PRECEDENT_RADIUS_KM = 50.0
ARC_STEP_KM = 150.0
ARC_MAX_POINTS = 64
COORD_DIGITS = 4  # about 10 m


def epoch_ms(dt: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    return int(round(dt.timestamp() * 1000))


def _round(x: float) -> float:
    return round(x, COORD_DIGITS)


_HTTP_URL = re.compile(r"^https?://[^\s\"<>\\`]+$", re.IGNORECASE)


def is_http_url(text: str) -> bool:
    """Only http(s) URLs become links; ``javascript:``, ``data:`` and the rest stay text."""
    return _HTTP_URL.match(text.strip()) is not None


def time_lines(event: Event) -> tuple[str, str]:
    """Local time with zone abbreviation, and UTC, as shown in a popup.

    ``01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025`` and ``22:54 UTC 13 Mar 2025 → …``.
    """
    if event.start_precision in ("minute", "second"):
        local = format_instant(event.start_utc, event.start_tz)
        utc = format_instant(event.start_utc, "UTC")
        if event.end_utc != event.start_utc:
            local += " → " + format_instant(event.end_utc, event.end_tz)
            utc += " → " + format_instant(event.end_utc, "UTC")
        return local, utc
    local = f"{precision_label(event)}, local time at {event.destination.name} ({event.end_tz})"
    utc = (
        f"{event.start_utc:%Y-%m-%d %H:%M} → {event.end_utc:%Y-%m-%d %H:%M} UTC"
        f" ({event.precision} precision)"
    )
    return local, utc


def flight_lines(event: Event) -> list[str]:
    """A flight's facts as the popup words them: distance, duration, speed, verdict."""
    facts = flight_fields(event)
    speed = facts.get("avg_speed_kmh")
    minutes = int(facts["duration_minutes"])
    return [
        f"{facts['distance_km']:,.0f} km great circle",
        f"{minutes // 60} h {minutes % 60:02d} min gate to gate",
        "" if speed is None else f"{speed:,.0f} km/h average",
        ("plausible: " if facts["plausible"] else "IMPLAUSIBLE: ") + facts["plausibility"],
    ]


def popup_fields(event: Event) -> dict[str, Any]:
    """The popup's content as plain-text fields (the page inserts them as text nodes)."""
    local, utc = time_lines(event)
    fields: dict[str, Any] = {
        "title": event.title or event.id,
        "id": event.id,
        "kind": event.kind,
        "when": precision_label(event),
        "local": local,
        "utc": utc,
        "place": event.destination.label,
        "origin": [loc.label for loc in event.origin],
        "participants": list(event.participants),
        "status": event.status,
        "sources": [[s, 1 if is_http_url(s) else 0] for s in event.sources],
        "notes": event.notes,
    }
    if event.is_flight:
        fields["flight"] = flight_lines(event)
        fields["plausible"] = flight_fields(event)["plausible"]
    return fields


def precedent_ids(events: Sequence[Event]) -> set[str]:
    """Meetings that took place, earlier, where a flight in the data lands.

    These are the precedents an analyst compares the flight with (the Baku meetings of
    2017–2018 for the Moscow → Baku flight); the map makes them stand out.
    """
    latest_departure: dict[tuple[float, float], datetime] = {}
    meetings: list[Event] = []
    for ev in events:
        if ev.kind == "flight":
            key = (ev.destination.lon, ev.destination.lat)
            if key not in latest_departure or ev.start_utc > latest_departure[key]:
                latest_departure[key] = ev.start_utc
        elif ev.kind == "meeting":
            meetings.append(ev)
    if not latest_departure or not meetings:
        return set()
    places = sorted({(e.destination.lon, e.destination.lat) for e in meetings})
    place_xy = np.array(places, dtype=np.float64)
    landings = list(latest_departure)
    land_xy = np.array(landings, dtype=np.float64)
    # 1° of latitude is 111 km: only places that close in latitude need measuring, found for
    # all landings at once in the places sorted by latitude
    by_lat = np.argsort(place_xy[:, 1], kind="stable")
    lats = place_xy[by_lat, 1]
    first = np.searchsorted(lats, land_xy[:, 1] - 1.0, side="left")
    count = np.searchsorted(lats, land_xy[:, 1] + 1.0, side="right") - first
    landing = np.repeat(np.arange(len(landings)), count)
    within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    place = by_lat[np.repeat(first, count) + within]
    dist = geodesy.distances_km(
        land_xy[landing, 0], land_xy[landing, 1], place_xy[place, 0], place_xy[place, 1]
    )
    near: dict[tuple[float, float], datetime] = {}  # meeting place -> latest nearby departure
    close = dist <= PRECEDENT_RADIUS_KM
    for j, k in zip(landing[close].tolist(), place[close].tolist(), strict=True):
        dep = latest_departure[landings[j]]
        if places[k] not in near or dep > near[places[k]]:
            near[places[k]] = dep
    return {
        e.id
        for e in meetings
        if (last := near.get((e.destination.lon, e.destination.lat))) is not None
        and e.end_utc <= last
    }


@dataclass(frozen=True, slots=True)
class FlightPath:
    """A flight's track: vertices (degrees) and their times (ms since the epoch)."""

    latlngs: list[list[float]]
    times_ms: list[int]


def flight_path(event: Event, step_minutes: float = 5.0) -> FlightPath:
    o, d = event.origin[0], event.destination
    lons, lats, offsets_us = geodesy.flight_track_arrays(
        o.lon, o.lat, event.start_utc, d.lon, d.lat, event.end_utc, step_minutes=step_minutes
    )
    start = epoch_ms(event.start_utc)
    return FlightPath(
        np.round(np.stack([lats, lons], axis=1), COORD_DIGITS).tolist(),
        (start + (offsets_us + 500) // 1000).tolist(),
    )


def _flight_paths(flights: Sequence[Event], step_minutes: float = 5.0) -> list[dict[str, Any]]:
    """Every flight's track for the page, all in one vectorized geodesic batch.

    The same spacing rule as :func:`geodesy.flight_track` (at most ``step_minutes`` of flight
    time and 100 km apart).
    """
    if not flights:
        return []
    coords = np.array(
        [(f.origin[0].lon, f.origin[0].lat, f.destination.lon, f.destination.lat) for f in flights],
        dtype=np.float64,
    )
    durations_ms = np.array(
        [epoch_ms(f.end_utc) - epoch_ms(f.start_utc) for f in flights], dtype=np.int64
    )
    dist = geodesy.distances_km(coords[:, 0], coords[:, 1], coords[:, 2], coords[:, 3])
    segments = geodesy.track_segments(dist, durations_ms / 60_000, step_minutes)
    lons, lats = geodesy.arcs_ragged(
        coords[:, 0], coords[:, 1], coords[:, 2], coords[:, 3], segments + 1
    )
    ends = np.cumsum(segments + 1)
    flight = np.repeat(np.arange(len(flights)), segments + 1)
    step = np.arange(flight.size) - (ends - segments - 1)[flight]
    times = (step * durations_ms[flight]) // segments[flight]
    path = np.rint(np.stack([lats, lons], axis=1) * 10**COORD_DIGITS).astype(np.int64)
    paths = np.split(path.ravel(), 2 * ends[:-1])
    return [
        {"path": p.tolist(), "times": t.tolist()}
        for p, t in zip(paths, np.split(times, ends[:-1]), strict=True)
    ]


def _arc_ends(events: Sequence[Event]) -> tuple[list[int], list[tuple[float, ...]]]:
    """Each contact arc's event and ends ``(lon1, lat1, lon2, lat2)``: one per origin of an
    event other than a flight, unless the origin is the place itself."""
    which: list[int] = []
    ends: list[tuple[float, ...]] = []
    for i, ev in enumerate(events):
        if ev.kind == "flight" or not ev.origin:
            continue
        d = ev.destination
        for o in ev.origin:
            if not (math.isclose(o.lat, d.lat) and math.isclose(o.lon, d.lon)):
                which.append(i)
                ends.append((o.lon, o.lat, d.lon, d.lat))
    return which, ends


def _arcs(which: list[int], ends: list[tuple[float, ...]]) -> dict[str, Any]:
    """Every contact arc (see :func:`_arc_ends`), as one flat array of integer coordinates
    (1e-4 degree).

    Arc ``j`` belongs to event ``event[j]`` and is ``coords[offset[j]:offset[j + 1]]``, read
    as ``[lat, lon, lat, lon, …]``; all computed in one vectorized geodesic batch. The
    coordinates stay a numpy array (``json_for_script`` writes it as a JSON list): a
    million Python ints would cost more to make than to write.
    """
    if not ends:
        return {"event": [], "offset": [0], "coords": np.zeros(0, dtype=np.int64)}
    table = np.array(ends, dtype=np.float64)
    dist = geodesy.distances_km(table[:, 0], table[:, 1], table[:, 2], table[:, 3])
    n_points = np.clip(np.ceil(dist / ARC_STEP_KM).astype(np.int64) + 1, 2, ARC_MAX_POINTS)
    lons, lats = geodesy.arcs_ragged(table[:, 0], table[:, 1], table[:, 2], table[:, 3], n_points)
    coords = np.rint(np.stack([lats, lons], axis=1) * 10**COORD_DIGITS).astype(np.int64)
    return {
        "event": which,
        "offset": np.concatenate([[0], np.cumsum(2 * n_points)]).tolist(),
        "coords": coords.ravel(),
    }


def map_payload(events: Sequence[Event], *, tz: str = "UTC", title: str = "") -> dict[str, Any]:
    """Everything the page draws, in compact column form (see :func:`_payload`)."""
    with paused_gc():
        return _payload(events, tz=tz, title=title)


def _local_line(event: Event) -> str:
    """A minute-precise event's local time with its zone's abbreviation (``01:54 MSK …``),
    which only tzdata knows; the page composes the coarser labels itself."""
    local = format_instant(event.start_utc, event.start_tz)
    if event.end_utc != event.start_utc:
        local += " → " + format_instant(event.end_utc, event.end_tz)
    return local


def _transposed(events: Sequence[Event]) -> dict[str, tuple[Any, ...]]:
    """The events as one tuple per field (Event is a named tuple: zip transposes in C)."""
    if not events:
        return {name: () for name in Event._fields}
    return dict(zip(Event._fields, zip(*events, strict=True), strict=True))


def _payload(events: Sequence[Event], *, tz: str, title: str) -> dict[str, Any]:
    """Everything the page draws, in compact column form.

    One list per field (no repeated keys); places, people and sources as indices into a shared
    string table, the list fields (origins, participants, sources) as one flat list each;
    coordinates as integers in units of 1e-4 degree (about 10 m), arcs and tracks as flat
    ``[lat, lon, lat, lon, …]`` lists; a flight's vertex times in ms after its departure.
    """
    events = list(events)
    field = _transposed(events)
    # in EVENT_ORDER already, as select returns them? (tuples made and compared in C)
    keys = list(zip(field["start_utc"], field["end_utc"], field["id"], strict=True))
    if not all(map(le, keys, islice(keys, 1, None))):
        events.sort(key=EVENT_ORDER)
        field = _transposed(events)
    kinds: tuple[str, ...] = field["kind"]
    flight_ix = [i for i, kind in enumerate(kinds) if kind == "flight"]
    # pyproj (and numpy) release the GIL: the geodesics run on a second core while the
    # columns are built; what needs Python objects is done here, so the threads don't queue
    # for the GIL
    arc_ends = _arc_ends(events)
    with ThreadPoolExecutor(max_workers=1) as pool:
        arcs = pool.submit(_arcs, *arc_ends)
        paths = pool.submit(_flight_paths, [events[i] for i in flight_ix])
        precedents = precedent_ids(events)
        dests: tuple[Location, ...] = field["destination"]
        # Shared strings (places, zones, people, sources) as indices into one table.
        label_of = {key: d.label for key, d in {id(d): d for d in dests}.items()}
        places = [label_of[id(d)] for d in dests]
        zones_col = [d.tz for d in dests]
        origins: tuple[tuple[Location, ...], ...] = field["origin"]
        lists: dict[str, tuple[list[int], list[str]]] = {  # count per event, then all items
            "origin": (
                list(map(len, origins)),
                [o.label for o in chain.from_iterable(origins)],
            ),
        }
        for name in ("participants", "sources"):
            column = field[name]
            lists[name] = (list(map(len, column)), list(chain.from_iterable(column)))
        table = dict.fromkeys(places)
        table.update(dict.fromkeys(zones_col))
        for _, items in lists.values():
            table.update(dict.fromkeys(items))
        sid = {text: i for i, text in enumerate(table)}
        ids = sid.__getitem__

        kind_ix = {k: i for i, k in enumerate(KINDS)}
        status_ix = {s: i for i, s in enumerate(STATUSES)}
        coarser = {pair: PRECISIONS.index(p) for pair, p in COARSER.items()}
        start_precision = field["start_precision"]
        scale = 10**COORD_DIGITS
        cols: dict[str, list[Any]] = {
            "kind": list(map(kind_ix.__getitem__, kinds)),
            "status": list(map(status_ix.__getitem__, field["status"])),
            "precision": list(
                map(coarser.__getitem__, zip(start_precision, field["end_precision"], strict=True))
            ),
            "t0": [round(t.timestamp() * 1000) for t in field["start_utc"]],
            "t1": [round(t.timestamp() * 1000) for t in field["end_utc"]],
            "lat": [round(d.lat * scale) for d in dests],
            "lon": [round(d.lon * scale) for d in dests],
            "precedent": [1 if i in precedents else 0 for i in field["id"]] if precedents
            else [0] * len(events),
            "id": list(field["id"]),
            "title": list(field["title"]),
            # a minute-precise time names its zone's abbreviation (MSK); the page composes others
            "local": [
                _local_line(events[i]) if p in ("minute", "second") else 0
                for i, p in enumerate(start_precision)
            ],
            "place": list(map(ids, places)),
            "zone": list(map(ids, zones_col)),
            "notes": list(field["notes"]),
        }
        flights = [
            {"event": i, **path, "facts": flight_lines(events[i])}
            for i, path in zip(flight_ix, paths.result(), strict=True)
        ]
        zones = {"UTC", tz, *zones_col, *(events[i].start_tz for i in flight_ix)}
        return {
            "title": title,
            "tz": tz,
            "zones": sorted(zones),
            "kinds": list(KINDS),
            "statuses": list(STATUSES),
            "precisions": list(PRECISIONS),
            "coordScale": scale,
            "kindStyle": KIND_STYLE,
            "statusStyle": STATUS_STYLE,
            "strings": list(table),
            "events": cols,
            # list fields: event i has count[i] items, after those of the events before it
            "lists": {
                name: {"count": counts, "items": list(map(ids, items))}
                for name, (counts, items) in lists.items()
            },
            "arcs": arcs.result(),
            "flights": flights,
        }


def bounds(events: Sequence[Event]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around every place the events name."""
    lats: list[float] = []
    lons: list[float] = []
    for ev in events:
        for loc in (ev.destination, *ev.origin):
            lats.append(loc.lat)
            lons.append(loc.lon)
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
