"""Records -> map features with display properties (no folium here).

Everything the page needs is computed here, in Python, and handed to the browser as data:
geodesic arcs and flight tracks (pyproj, via :mod:`geo.geodesy`), epoch-millisecond times,
styles by kind and status, and popup fields as plain text. The page's script only shows,
hides and moves what it is given; it never parses HTML from the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from itertools import chain, islice
from operator import le
from typing import Any

import numpy as np

from geo import geodesy, geometry
from geo.model import (
    COARSER,
    KINDS,
    PRECISIONS,
    STATUSES,
    Event,
    Location,
    Reference,
    is_http_url,
)
from geo.perf import paused_gc
from geo.query import EVENT_ORDER
from geo.style import style_payload
from geo.table import flight_text
from geo.timeline import EventTimes, event_times

PRECEDENT_RADIUS_KM = 50.0
COORD_DIGITS = 4  # about 10 m


def epoch_ms(dt: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    return int(round(dt.timestamp() * 1000))


def flight_lines(event: Event) -> list[str]:
    """A flight's facts as the popup words them (from :func:`geo.table.flight_text`)."""
    text = flight_text(event)
    return [
        f"{text.distance} great circle",
        f"{text.duration} gate to gate",
        f"{text.speed} average" if text.speed else "",
        text.verdict,
    ]


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


def _flight_paths(tracks: geometry.Lines, t0_ms: list[int]) -> list[dict[str, Any]]:
    """Every flight's track for the page: integer coordinates (1e-4 degree) as a flat
    ``[lat, lon, …]`` list and vertex times in ms after the departure."""
    if not len(tracks):
        return []
    scale = 10**COORD_DIGITS
    path = np.rint(np.stack([tracks.lats, tracks.lons], axis=1) * scale).astype(np.int64)
    assert tracks.times_ms is not None
    cuts = tracks.offsets[1:-1]
    return [
        {"path": p.tolist(), "times": (t - t0).tolist()}
        for p, t, t0 in zip(
            np.split(path.ravel(), 2 * cuts), np.split(tracks.times_ms, cuts), t0_ms, strict=True
        )
    ]


def _arcs(arcs: geometry.Lines) -> dict[str, Any]:
    """Every contact arc (:func:`geo.geometry.contact_arcs`), as one flat array of integer
    coordinates (1e-4 degree).

    Arc ``j`` belongs to event ``event[j]`` and is ``coords[offset[j]:offset[j + 1]]``, read
    as ``[lat, lon, lat, lon, …]``. The coordinates stay a numpy array (``json_for_script``
    writes it as a JSON list): a million Python ints would cost more to make than to write.
    """
    coords = np.rint(np.stack([arcs.lats, arcs.lons], axis=1) * 10**COORD_DIGITS).astype(np.int64)
    return {
        "event": arcs.event.tolist(),
        "offset": (2 * arcs.offsets).tolist(),
        "coords": coords.ravel(),
    }


def map_payload(events: Sequence[Event], *, tz: str = "UTC", title: str = "") -> dict[str, Any]:
    """Everything the page draws, in compact column form (see :func:`_payload`)."""
    with paused_gc():
        return _payload(events, tz=tz, title=title)


def _transposed(events: Sequence[Event]) -> dict[str, tuple[Any, ...]]:
    """The events as one tuple per field (Event is a named tuple: zip transposes in C)."""
    if not events:
        return {name: () for name in Event._fields}
    return dict(zip(Event._fields, zip(*events, strict=True), strict=True))


def _payload(events: Sequence[Event], *, tz: str, title: str) -> dict[str, Any]:
    """Everything the page draws, in compact column form.

    One list per field (no repeated keys); places, people, sources and the time labels as
    indices into a shared string table, the list fields (origins, participants, sources) as
    one flat list each; coordinates as integers in units of 1e-4 degree (about 10 m), arcs
    and tracks as flat ``[lat, lon, lat, lon, …]`` lists; a flight's vertex times in ms after
    its departure. Every word the page shows of an event comes from here.
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
    with ThreadPoolExecutor(max_workers=1) as pool:
        arcs = pool.submit(lambda: _arcs(geometry.contact_arcs(events)))
        tracks = pool.submit(geometry.flight_tracks, events)
        precedents = precedent_ids(events)
        dests: tuple[Location, ...] = field["destination"]
        # Shared strings (places, zones, people, sources, labels) as indices into one table.
        label_of = {key: d.label for key, d in {id(d): d for d in dests}.items()}
        places = [label_of[id(d)] for d in dests]
        zones_col = [d.tz for d in dests]
        times = [event_times(e) for e in events]
        origins: tuple[tuple[Location, ...], ...] = field["origin"]
        lists: dict[str, tuple[list[int], list[str]]] = {  # count per event, then all items
            "origin": (
                list(map(len, origins)),
                [o.label for o in chain.from_iterable(origins)],
            ),
        }
        participants = field["participants"]
        lists["participants"] = (
            list(map(len, participants)), list(chain.from_iterable(participants))
        )
        references: tuple[tuple[Reference, ...], ...] = field["references"]
        cited = list(chain.from_iterable(references))
        lists["sources"] = (list(map(len, references)), [ref.citation for ref in cited])
        urls = {ref.citation: ref.url for ref in cited if ref.url}
        labels: dict[str, list[str]] = {
            name: [getattr(t, name) for t in times] for name in EventTimes._fields
        }
        table = dict.fromkeys(places)
        table.update(dict.fromkeys(zones_col))
        for _, items in lists.values():
            table.update(dict.fromkeys(items))
        for label_column in labels.values():
            table.update(dict.fromkeys(label_column))
        sid = {text: i for i, text in enumerate(table)}
        ids = sid.__getitem__

        kind_ix = {k: i for i, k in enumerate(KINDS)}
        status_ix = {s: i for i, s in enumerate(STATUSES)}
        coarser = {pair: PRECISIONS.index(p) for pair, p in COARSER.items()}
        start_precision = field["start_precision"]
        scale = 10**COORD_DIGITS
        t0 = [round(t.timestamp() * 1000) for t in field["start_utc"]]
        cols: dict[str, list[Any]] = {
            "kind": list(map(kind_ix.__getitem__, kinds)),
            "status": list(map(status_ix.__getitem__, field["status"])),
            "precision": list(
                map(coarser.__getitem__, zip(start_precision, field["end_precision"], strict=True))
            ),
            "t0": t0,
            "t1": [round(t.timestamp() * 1000) for t in field["end_utc"]],
            "lat": [round(d.lat * scale) for d in dests],
            "lon": [round(d.lon * scale) for d in dests],
            "precedent": [1 if i in precedents else 0 for i in field["id"]] if precedents
            else [0] * len(events),
            "id": list(field["id"]),
            "title": list(field["title"]),
            "place": list(map(ids, places)),
            "zone": list(map(ids, zones_col)),
            "notes": list(field["notes"]),
            **{name: list(map(ids, texts)) for name, texts in labels.items()},
        }
        paths = _flight_paths(tracks.result(), [t0[i] for i in flight_ix])
        flights = [
            {"event": i, **path, "facts": flight_lines(events[i])}
            for i, path in zip(flight_ix, paths, strict=True)
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
            "style": style_payload(),
            "strings": list(table),
            # the cited sources that link somewhere: string index -> its http(s) URL
            "links": {
                str(sid[citation]): url for citation, url in urls.items() if is_http_url(url)
            },
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
