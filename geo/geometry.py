"""Records -> geometry: contact arcs and flight tracks, one rule each, for every consumer.

The page, the GeoJSON and KML exports and the static image all draw the lines this module
computes (the page computes the same vertices itself, from the rule sent in its payload, with
the same geodesic algorithm). Everything is vectorized: all arcs, or all tracks, in one
``Geod.inv`` and one ``Geod.fwd`` batch (:func:`geo.geodesy.arcs_ragged`).

* A **contact arc** joins each origin of an event other than a flight to the event's place,
  unless the origin *is* the place (within :data:`SAME_PLACE_KM`): nothing travels then.
  Vertices are evenly spaced along the WGS84 geodesic, at most :data:`ARC_STEP_KM` apart.
* A **flight track** is the geodesic from the origin airport to the destination flown at
  uniform ground speed; vertices at most :data:`TRACK_STEP_MINUTES` of flight time and
  :data:`TRACK_STEP_KM` apart, each with its time. A flight with a **recorded track**
  (``event.recorded``, :mod:`geo.tracks`) is drawn as the record instead: every fix of its
  leg (outliers left out) with its own time and barometric altitude, nothing added between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from geo import geodesy
from geo.geodesy import TRACK_STEP_KM, TRACK_STEP_MINUTES
from geo.model import Event, Location
from geo.timeline import epoch_ms

ARC_STEP_KM = 100.0
SAME_PLACE_KM = geodesy.ZERO_LENGTH_KM  # closer than that to the place is the place itself

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Lines:
    """Ragged polylines in flat arrays: line ``j`` is ``[offsets[j], offsets[j + 1])``.

    ``event[j]`` is the position of its event in the sequence given; ``origin[j]`` which of
    the event's origins it starts from (0 for a flight). Longitudes are unwrapped along each
    line (continuous across the antimeridian). ``times_ms`` (tracks only) holds each vertex's
    time in ms since the epoch; ``alt_ft`` (tracks only) its recorded barometric altitude in
    feet (NaN where unknown, and along a computed track).
    """

    event: IntArray
    origin: IntArray
    offsets: IntArray
    lons: FloatArray
    lats: FloatArray
    times_ms: IntArray | None = None
    alt_ft: FloatArray | None = None

    def __len__(self) -> int:
        return int(self.event.size)

    def coords(self, j: int) -> list[tuple[float, float]]:
        """Line ``j`` as ``[(lon, lat), …]``."""
        a, b = int(self.offsets[j]), int(self.offsets[j + 1])
        return list(zip(self.lons[a:b].tolist(), self.lats[a:b].tolist(), strict=True))

    def times(self, j: int) -> list[int]:
        assert self.times_ms is not None, "contact arcs have no vertex times"
        times: list[int] = self.times_ms[int(self.offsets[j]) : int(self.offsets[j + 1])].tolist()
        return times

    def by_event(self) -> dict[int, list[int]]:
        """Event position -> its lines, in order."""
        out: dict[int, list[int]] = {}
        for j, i in enumerate(self.event.tolist()):
            out.setdefault(i, []).append(j)
        return out


def _empty(with_times: bool) -> Lines:
    none = np.zeros(0, dtype=np.int64)
    return Lines(
        none, none, np.zeros(1, dtype=np.int64), np.zeros(0), np.zeros(0),
        none if with_times else None, np.zeros(0) if with_times else None,
    )


def same_place(a: Location, b: Location) -> bool:
    """Whether two locations are one spot (a contact between them draws no arc)."""
    if a.lat == b.lat and a.lon == b.lon:
        return True
    if abs(a.lat - b.lat) > 0.01 or abs(a.lon - b.lon) > 0.01:
        return False
    return geodesy.distance_km(a.lon, a.lat, b.lon, b.lat) < SAME_PLACE_KM


def contact_ends(events: Sequence[Event]) -> tuple[list[int], list[int], list[Location]]:
    """Every contact arc's event position, origin index and origin: the one arc rule."""
    which: list[int] = []
    index: list[int] = []
    origins: list[Location] = []
    for i, ev in enumerate(events):
        if ev.kind == "flight" or not ev.origin:
            continue
        d = ev.destination
        for k, o in enumerate(ev.origin):
            if not same_place(o, d):
                which.append(i)
                index.append(k)
                origins.append(o)
    return which, index, origins


def omitted_origins(event: Event) -> list[Location]:
    """The origins of an event that draw no arc, because they are its place."""
    if event.kind == "flight":
        return []
    return [o for o in event.origin if same_place(o, event.destination)]


def arc_points(km: npt.ArrayLike) -> IntArray:
    """How many vertices an arc of this length gets (at least 2)."""
    segments = np.ceil(np.asarray(km, dtype=np.float64) / ARC_STEP_KM - 1e-9)
    counts: IntArray = np.maximum(2, segments + 1).astype(np.int64)
    return counts


def contact_arcs(events: Sequence[Event]) -> Lines:
    """All contact arcs of ``events`` (see the module docstring), in event order."""
    which, index, origins = contact_ends(events)
    if not which:
        return _empty(False)
    dests = [events[i].destination for i in which]
    table = np.array(
        [(o.lon, o.lat, d.lon, d.lat) for o, d in zip(origins, dests, strict=True)],
        dtype=np.float64,
    )
    km = geodesy.distances_km(table[:, 0], table[:, 1], table[:, 2], table[:, 3])
    counts = arc_points(km)
    lons, lats = geodesy.arcs_ragged(table[:, 0], table[:, 1], table[:, 2], table[:, 3], counts)
    return Lines(
        np.array(which, dtype=np.int64),
        np.array(index, dtype=np.int64),
        np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        lons,
        lats,
    )


def _times_ms(events: Sequence[Event], field: str) -> IntArray:
    """``start_utc`` or ``end_utc`` of each event in ms since the epoch."""
    return np.fromiter(
        (epoch_ms(getattr(e, field)) for e in events), dtype=np.int64, count=len(events)
    )


def flight_tracks(events: Sequence[Event]) -> Lines:
    """The track of every flight among ``events``, in event order: its recorded track when
    it has one, else the geodesic at uniform ground speed, with each vertex's time (see the
    module docstring)."""
    flights = [i for i, e in enumerate(events) if e.kind == "flight"]
    if not flights:
        return _empty(True)
    recorded = [i for i in flights if events[i].recorded is not None]
    if not recorded:
        return _computed_tracks(events, flights)
    taken = set(recorded)
    return _merged(
        _computed_tracks(events, [i for i in flights if i not in taken]),
        _recorded_tracks(events, recorded),
    )


def _computed_tracks(events: Sequence[Event], flights: list[int]) -> Lines:
    if not flights:
        return _empty(True)
    chosen = [events[i] for i in flights]
    table = np.array(
        [(f.origin[0].lon, f.origin[0].lat, f.destination.lon, f.destination.lat) for f in chosen],
        dtype=np.float64,
    )
    t0 = _times_ms(chosen, "start_utc")
    duration = _times_ms(chosen, "end_utc") - t0
    km = geodesy.distances_km(table[:, 0], table[:, 1], table[:, 2], table[:, 3])
    segments = geodesy.track_segments(km, duration / 60_000)
    counts = segments + 1
    lons, lats = geodesy.arcs_ragged(table[:, 0], table[:, 1], table[:, 2], table[:, 3], counts)
    ends = np.cumsum(counts)
    line = np.repeat(np.arange(len(chosen)), counts)
    step = np.arange(line.size) - (ends - counts)[line]
    times = t0[line] + (step * np.maximum(duration, 0)[line]) // segments[line]
    return Lines(
        np.array(flights, dtype=np.int64),
        np.zeros(len(flights), dtype=np.int64),
        np.concatenate([[0], ends]).astype(np.int64),
        lons,
        lats,
        times.astype(np.int64),
        np.full(lons.size, np.nan),
    )


def _recorded_tracks(events: Sequence[Event], flights: list[int]) -> Lines:
    """Each flight's recorded leg, fix by fix; longitudes unwrapped along the line."""
    legs = [events[i].recorded.leg for i in flights]  # type: ignore[union-attr]
    counts = np.array([len(leg) for leg in legs], dtype=np.int64)
    lons = np.concatenate([np.unwrap(leg.lon, period=360.0) for leg in legs])
    return Lines(
        np.array(flights, dtype=np.int64),
        np.zeros(len(flights), dtype=np.int64),
        np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        lons,
        np.concatenate([leg.lat for leg in legs]),
        np.rint(np.concatenate([leg.t for leg in legs]) * 1000.0).astype(np.int64),
        np.concatenate([leg.alt_ft for leg in legs]),
    )


def _merged(a: Lines, b: Lines) -> Lines:
    """Two sets of tracks as one, in event order (a ragged gather, vectorized)."""
    event = np.concatenate([a.event, b.event])
    order = np.argsort(event, kind="stable")
    sizes = np.concatenate([np.diff(a.offsets), np.diff(b.offsets)])[order]
    starts = np.concatenate([a.offsets[:-1], b.offsets[:-1] + a.lons.size])[order]
    ends = np.cumsum(sizes)
    take = np.arange(int(ends[-1]) if ends.size else 0) + np.repeat(starts - (ends - sizes), sizes)

    def column(x: Any, y: Any) -> Any:
        return np.concatenate([x, y])[take]

    return Lines(
        event[order],
        np.concatenate([a.origin, b.origin])[order],
        np.concatenate([[0], ends]).astype(np.int64),
        column(a.lons, b.lons),
        column(a.lats, b.lats),
        column(a.times_ms, b.times_ms),
        column(a.alt_ft, b.alt_ft),
    )


def rule() -> dict[str, Any]:
    """The spacing rules, as the page reads them to compute the same vertices."""
    return {
        "arcStepKm": ARC_STEP_KM,
        "trackStepMinutes": TRACK_STEP_MINUTES,
        "trackStepKm": TRACK_STEP_KM,
    }
