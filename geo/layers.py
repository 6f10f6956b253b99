"""Records -> the page's data: every column the map draws, and every word it shows.

Everything the page needs is computed here, in Python, and handed to the browser as data:
styles (:mod:`geo.style`), the geometry rules (:mod:`geo.geometry`: the page computes the
same geodesic vertices from each line's ends), times as integer seconds, and every label and
popup line as text (:func:`geo.timeline.event_times`, :func:`geo.table.flight_text`). The
page's script only shows, hides and moves what it is given; it composes no label and never
parses HTML from the data.

The data is compact (:mod:`geo.pack`): one typed column per field, places and strings
dictionary-coded (a place, a label, a name is written once however many events share it),
list fields as a count per event and one flat list of items, all deflated into one blob.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import chain, islice
from operator import le
from typing import Any

import numpy as np

from geo import geodesy, geometry
from geo.labels import labels_payload
from geo.model import (
    COARSER,
    KINDS,
    PRECISIONS,
    STATUSES,
    Event,
    Location,
    MapView,
    Reference,
    is_http_url,
)
from geo.pack import Packer
from geo.payload import OPTIONAL_PARTS, PART_TYPES, rule_problems
from geo.perf import paused_gc
from geo.query import EVENT_ORDER
from geo.style import CLUSTER_CELL_PX, style_payload
from geo.table import flight_text, track_lines
from geo.timeline import INSTANT, EventTimes, event_times, exclusive_end

PRECEDENT_RADIUS_KM = 50.0
COORD_SCALE = 10**6  # coordinates as integers of 1e-6 degree (about 0.1 m)
SVG_LIMIT = 5000  # more events than this are drawn on canvas layers, not as SVG elements
AIRCRAFT_LIMIT = 3000  # more aircraft airborne at once than this are drawn as dots
VERSION = 2

FLAG_PRECEDENT = 1
FLAG_FLIGHT = 2


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


class _Strings:
    """A dictionary of strings: each distinct text gets one index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {"": 0}

    def ids(self, texts: Sequence[str]) -> list[int]:
        index = self.index
        for text in texts:
            if text not in index:
                index[text] = len(index)
        return list(map(index.__getitem__, texts))

    @property
    def table(self) -> list[str]:
        return list(self.index)


def _transposed(events: Sequence[Event]) -> dict[str, tuple[Any, ...]]:
    """The events as one tuple per field (Event is a named tuple: zip transposes in C)."""
    if not events:
        return {name: () for name in Event._fields}
    return dict(zip(Event._fields, zip(*events, strict=True), strict=True))


def _seconds(dt: datetime | None) -> int | None:
    """Seconds since the epoch."""
    return None if dt is None else round(dt.timestamp())


def _views(views: Sequence[MapView]) -> list[dict[str, Any]]:
    return [
        {
            "id": v.id,
            "title": v.title,
            "text": v.text,
            "time": _seconds(v.time_utc),
            "start": _seconds(v.start_utc),
            "end": _seconds(v.end_utc),
            "extent": list(v.extent) if v.extent else None,
            "mode": v.mode,
            "window": None if v.window is None else round(v.window.total_seconds()),
        }
        for v in views
    ]


def page_rules() -> dict[str, Any]:
    """The rule constants the page applies, from their homes, by the declaration
    (:data:`geo.payload.RULES`); a rule missing, extra or of another type is refused."""
    rules = {
        "instantMs": INSTANT // timedelta(milliseconds=1),
        "zeroLengthKm": geodesy.ZERO_LENGTH_KM,
        "clusterCellPx": CLUSTER_CELL_PX,
        **geometry.rule(),
    }
    wrong = rule_problems(rules)
    if wrong:
        raise ValueError("the page's rules differ from geo.payload.RULES: " + "; ".join(wrong))
    return rules


def map_payload(
    events: Sequence[Event],
    *,
    tz: str = "UTC",
    title: str = "",
    views: Sequence[MapView] = (),
    compress: bool = True,
    left_out: Sequence[str] = (),
) -> tuple[dict[str, Any], bytes]:
    """Everything the page draws: the JSON block (small) and the blob (base64); ``left_out``:
    what the map says was left out of its input (:func:`left_out_lines`)."""
    with paused_gc():
        meta, blob = _payload(events, tz=tz, title=title, views=views, compress=compress)
    meta["leftOut"] = list(left_out)
    return meta, blob


LEFT_OUT_SHOWN = 7  # problems listed on the map; the rest counted


def left_out_lines(problems: Sequence[Any], rows_skipped: int, events_name: str) -> list[str]:
    """What a map made from a lenient load says was left out: ``4 rows of typo.csv were left
    out:`` then the problems (``FILE:LINE: column: message``), at most LEFT_OUT_SHOWN."""
    if not problems:
        return []
    rows = f"{rows_skipped:,} row{'s' if rows_skipped != 1 else ''}"
    verb = "was" if rows_skipped == 1 else "were"
    head = (f"{rows} of {events_name} {verb} left out:" if rows_skipped
            else f"{len(problems):,} problem{'s' if len(problems) != 1 else ''} in the input:")
    lines = [head, *(str(p) for p in problems[:LEFT_OUT_SHOWN])]
    if len(problems) > LEFT_OUT_SHOWN:
        lines.append(f"and {len(problems) - LEFT_OUT_SHOWN:,} more (python -m geo check)")
    return lines


def _payload(
    events: Sequence[Event], *, tz: str, title: str, views: Sequence[MapView], compress: bool
) -> tuple[dict[str, Any], bytes]:
    events = list(events)
    field = _transposed(events)
    # in EVENT_ORDER already, as select returns them? (tuples made and compared in C)
    keys = list(zip(field["start_utc"], field["end_utc"], field["id"], strict=True))
    if not all(map(le, keys, islice(keys, 1, None))):
        events.sort(key=EVENT_ORDER)
        field = _transposed(events)
    n = len(events)
    strings = _Strings()
    pack = Packer(declared=PART_TYPES, optional=OPTIONAL_PARTS)  # each once (geo.payload)

    # places: every destination and origin, once each
    dests: tuple[Location, ...] = field["destination"]
    origins: tuple[tuple[Location, ...], ...] = field["origin"]
    place_of: dict[Location, int] = {}
    for loc in chain(dests, chain.from_iterable(origins)):
        if loc not in place_of:
            place_of[loc] = len(place_of)
    places = list(place_of)
    pack.array("pl.lat", np.rint(np.array([p.lat for p in places]) * COORD_SCALE), "i32")
    pack.array("pl.lon", np.rint(np.array([p.lon for p in places]) * COORD_SCALE), "i32")
    pack.array("pl.label", strings.ids([p.label for p in places]), "u32")
    pack.array("pl.zone", strings.ids([p.tz for p in places]), "u32")

    # times: whole seconds after `base`; starts as deltas (the events are in start order)
    starts = np.array([round(t.timestamp()) for t in field["start_utc"]], dtype=np.float64)
    base = int(starts[0]) if n else 0
    ends = np.array([round(exclusive_end(e).timestamp()) for e in events], dtype=np.float64)
    pack.array("ev.dt0", np.diff(starts, prepend=float(base)), "f64")
    pack.array("ev.len", ends - starts, "f64")

    kinds: tuple[str, ...] = field["kind"]
    kind_ix = {k: i for i, k in enumerate(KINDS)}
    status_ix = {s: i for i, s in enumerate(STATUSES)}
    coarser = {pair: PRECISIONS.index(p) for pair, p in COARSER.items()}
    precedents = precedent_ids(events)
    flags = np.array([FLAG_FLIGHT if k == "flight" else 0 for k in kinds], dtype=np.uint8)
    if precedents:
        flags |= np.array([FLAG_PRECEDENT if i in precedents else 0 for i in field["id"]],
                          dtype=np.uint8)
    pack.array("ev.kind", list(map(kind_ix.__getitem__, kinds)), "u8")
    pack.array("ev.status", list(map(status_ix.__getitem__, field["status"])), "u8")
    pack.array(
        "ev.precision",
        list(map(coarser.__getitem__, zip(field["start_precision"], field["end_precision"],
                                          strict=True))),
        "u8",
    )
    pack.array("ev.flags", flags, "u8")
    pack.array("ev.place", [place_of[d] for d in dests], "u32")
    pack.json("ev.id", list(field["id"]))
    pack.json("ev.title", list(field["title"]))
    pack.array("ev.notes", strings.ids(field["notes"]), "u32")
    times = [event_times(e) for e in events]
    for name in EventTimes._fields:
        pack.array(f"ev.{name}", strings.ids([getattr(t, name) for t in times]), "u32")

    # list fields: a count per event, then every item
    pack.array("ev.origin.n", list(map(len, origins)), "u16")
    pack.array("ev.origin.items", [place_of[o] for o in chain.from_iterable(origins)], "u32")
    participants = field["participants"]
    pack.array("ev.who.n", list(map(len, participants)), "u16")
    pack.array("ev.who.items", strings.ids(list(chain.from_iterable(participants))), "u32")
    references: tuple[tuple[Reference, ...], ...] = field["references"]
    cited = list(chain.from_iterable(references))
    pack.array("ev.src.n", list(map(len, references)), "u16")
    pack.array("ev.src.items", strings.ids([ref.citation for ref in cited]), "u32")
    links = {
        str(strings.index[ref.citation]): ref.url for ref in cited if is_http_url(ref.url)
    }

    # contact arcs (which exist is geometry's rule; the page computes their vertices)
    which, _index, arc_origins = geometry.contact_ends(events)
    pack.array("arc.event", which, "u32")
    pack.array("arc.from", [place_of[o] for o in arc_origins], "u32")

    # flights: the origin airport (the destination is the event's place) and the facts
    flight_ix = [i for i, kind in enumerate(kinds) if kind == "flight"]
    pack.array("fl.event", flight_ix, "u32")
    pack.array("fl.from", [place_of[origins[i][0]] for i in flight_ix], "u32")
    pack.array(
        "fl.facts", strings.ids([line for i in flight_ix for line in flight_lines(events[i])]),
        "u32",
    )

    # what each flight's drawn path is (a recorded track's source and findings, or computed)
    lines = [track_lines(events[i]) for i in flight_ix]
    pack.array("fl.rec.n", list(map(len, lines)), "u16")
    pack.array("fl.rec.items", strings.ids(list(chain.from_iterable(lines))), "u32")
    n_recorded, n_fixes = _recorded(pack, [events[i] for i in flight_ix], strings)
    _alternatives(pack, [events[i] for i in flight_ix], strings)

    pack.json("strings", strings.table)
    pack.json("links", links)
    blob_meta, blob = pack.finish(compress=compress)
    zones = {"UTC", tz, *(p.tz for p in places)}
    meta = {
        "version": VERSION,
        "title": title,
        "tz": tz,
        "zones": sorted(zones),
        "kinds": list(KINDS),
        "statuses": list(STATUSES),
        "precisions": list(PRECISIONS),
        "style": style_payload(),
        "rule": page_rules(),
        "base": base,  # seconds since the epoch of the first start
        "coordScale": COORD_SCALE,
        "counts": {"events": n, "places": len(places), "arcs": len(which),
                   "flights": len(flight_ix), "recorded": n_recorded, "fixes": n_fixes},
        "svgLimit": SVG_LIMIT,
        "aircraftLimit": AIRCRAFT_LIMIT,
        "views": _views(views),
        "labels": labels_payload(events),
        "blob": blob_meta,
    }
    return meta, blob


def _recorded(pack: Packer, flights: Sequence[Event], strings: _Strings) -> tuple[int, int]:
    """The recorded tracks of the flights that have one (:mod:`geo.tracks`): their drawn
    fixes (simplified with time kept) with times in ms, a flag on each fix that starts a
    coverage gap, and the altitude and ground-speed profile. Returns (tracks, drawn fixes).

    ``rec.flight``: the flight (its index among the flights) of each track; ``rec.n`` and
    ``pr.n``: fixes and profile points per track; unknown altitudes and speeds are -1."""
    which = [(f, e.recorded) for f, e in enumerate(flights) if e.recorded is not None]
    pack.array("rec.flight", [f for f, _ in which], "u32")
    pack.array("rec.n", [len(r.drawn) for _, r in which], "u32")
    drawn = [r.drawn for _, r in which]
    traces = [r.leg.trace for _, r in which]
    cat = np.concatenate if which else (lambda _: np.zeros(0))

    def column(name: str) -> Any:
        return cat([getattr(tr, name)[k] for tr, k in zip(traces, drawn, strict=True)])

    pack.array("rec.lat", np.rint(column("lat") * COORD_SCALE), "i32")
    pack.array("rec.lon", np.rint(column("lon") * COORD_SCALE), "i32")
    pack.array("rec.t", np.rint(column("t") * 1000.0), "f64")
    starts = {g.start_index for _, r in which for g in r.leg.gaps}
    pack.array(
        "rec.gap", [1 if k in starts else 0 for k in chain.from_iterable(drawn)], "u8"
    )
    profiles = [r.profile() for _, r in which]
    pack.array("rec.caption", strings.ids([r.profile_caption() for _, r in which]), "u32")
    pack.array("pr.n", [len(p[0]) for p in profiles], "u32")
    pack.array("pr.t", np.rint(cat([p[0] for p in profiles]) * 1000.0), "f64")

    def known(values: Any) -> Any:
        return np.where(np.isnan(values), -1.0, np.rint(values))

    pack.array("pr.alt", known(cat([p[1] for p in profiles])), "i32")
    pack.array("pr.gs", known(cat([p[2] for p in profiles])), "i32")
    return len(which), sum(map(len, drawn))


def _alternatives(pack: Packer, flights: Sequence[Event], strings: _Strings) -> None:
    """The other candidates of the flights matched against an archive (``--match-from``,
    :class:`geo.model.Alternative`): each one's flight (its index among the flights), its
    card line and its drawn path. Optional parts: none are written when no flight has one
    (a document without them is unchanged)."""
    alts = [(f, a) for f, e in enumerate(flights) for a in e.alternatives]
    if not alts:
        return
    pack.array("alt.flight", [f for f, _ in alts], "u32")
    pack.array("alt.text", strings.ids([a.words() for _, a in alts]), "u32")
    pack.array("alt.n", [len(a.lat_deg) for _, a in alts], "u32")
    lat = list(chain.from_iterable(a.lat_deg for _, a in alts))
    lon = list(chain.from_iterable(a.lon_deg for _, a in alts))
    pack.array("alt.lat", np.rint(np.array(lat, dtype=np.float64) * COORD_SCALE), "i32")
    pack.array("alt.lon", np.rint(np.array(lon, dtype=np.float64) * COORD_SCALE), "i32")


def bounds(events: Sequence[Event]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around every place the events name."""
    lats: list[float] = []
    lons: list[float] = []
    for ev in events:
        for loc in (ev.destination, *ev.origin):
            lats.append(loc.lat)
            lons.append(loc.lon)
        if ev.recorded is not None:  # a recorded track may stray far from its airports
            leg = ev.recorded.leg
            lats += [float(leg.lat.min()), float(leg.lat.max())]
            lons += [float(leg.lon.min()), float(leg.lon.max())]
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
