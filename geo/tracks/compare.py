"""The claim against the record: reported flights (events) matched to recorded legs, what
the comparison finds, in numbers and in words; and events for legs nobody reported.

Matching (:func:`match_legs`): a flight event whose ``aircraft`` names a leg's aircraft
(its registration, ICAO hex address, or a callsign it used: case-insensitive, ``-`` and
spaces ignored, so ``RA-96022`` is ``ra96022``) and whose ``[start_utc, end_utc]``
overlaps the leg's ``[takeoff, landing]`` widened by 3 h on each side, takes that leg; of
several, the one with the least ``|takeoff delta| + |landing delta|``. Each event picks on
its own, so two reports of one flight both get its leg. Legs no event took are
``unmatched_legs``: :func:`leg_event` makes each a confirmed flight of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from geo.model import Event, Location, free_reference
from geo.timeline import format_duration
from geo.tracks.airports import MATCH_KM
from geo.tracks.geometry import distances_km, offtrack_km, path_length_km
from geo.tracks.legs import GAP_MINUTES
from geo.tracks.model import Leg

__all__ = [
    "MATCH_WINDOW_HOURS",
    "Comparison",
    "Matches",
    "compare",
    "gap_words",
    "leg_event",
    "leg_events",
    "leg_names",
    "match_legs",
    "normalize_aircraft",
]

MATCH_WINDOW_HOURS = 3.0




def normalize_aircraft(name: str) -> str:
    """``RA-96022`` -> ``RA96022``, ``~a0b1c2`` -> ``A0B1C2``: how names are compared."""
    return "".join(name.split()).replace("-", "").lstrip("~").upper()


def leg_names(leg: Leg) -> frozenset[str]:
    """Every name the leg's aircraft goes by: registration, hex, the callsigns it used."""
    trace = leg.trace
    codes = np.unique(trace.callsign_code[int(leg.index[0]) : int(leg.index[-1]) + 1])
    names = {trace.registration, trace.icao24, leg.callsign}
    names.update(trace.callsigns[int(c)] for c in codes.tolist() if c >= 0)
    return frozenset(normalize_aircraft(n) for n in names if n)


@dataclass(frozen=True, slots=True, eq=False)
class Matches:
    """``pairs``: (event, its leg); ``unmatched_legs``: legs no event took, in input order;
    ``unmatched_events``: flight events naming an aircraft with no leg in the window."""

    pairs: tuple[tuple[Event, Leg], ...]
    unmatched_legs: tuple[Leg, ...]
    unmatched_events: tuple[Event, ...]


def match_legs(events: Iterable[Event], legs: Sequence[Leg]) -> Matches:
    """Pair reported flights with recorded legs (see the module doc)."""
    by_name: dict[str, list[int]] = {}
    for k, leg in enumerate(legs):
        for name in leg_names(leg):
            by_name.setdefault(name, []).append(k)
    candidates = {name: np.array(ks, dtype=np.int64) for name, ks in by_name.items()}
    takeoffs = np.array([leg.trace.t[leg.index[0]] for leg in legs], dtype=np.float64)
    landings = np.array([leg.trace.t[leg.index[-1]] for leg in legs], dtype=np.float64)
    window = MATCH_WINDOW_HOURS * 3600.0
    pairs: list[tuple[Event, Leg]] = []
    missing: list[Event] = []
    used = np.zeros(len(legs), dtype=np.bool_)
    for event in events:
        if event.kind != "flight" or not event.aircraft.strip():
            continue
        ks = candidates.get(normalize_aircraft(event.aircraft))
        start, end = event.start_utc.timestamp(), event.end_utc.timestamp()
        if ks is not None:
            ks = ks[(takeoffs[ks] <= end + window) & (landings[ks] >= start - window)]
        if ks is None or not ks.size:
            missing.append(event)
            continue
        cost = np.abs(takeoffs[ks] - start) + np.abs(landings[ks] - end)
        best = int(ks[int(np.argmin(cost))])  # the first of equals: input order
        pairs.append((event, legs[best]))
        used[best] = True
    unmatched = tuple(leg for leg, taken in zip(legs, used.tolist(), strict=True) if not taken)
    return Matches(tuple(pairs), unmatched, tuple(missing))


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_second(dt: datetime) -> datetime:
    return (dt + timedelta(microseconds=500_000)).replace(microsecond=0)


def leg_event(leg: Leg) -> Event:
    """A confirmed flight event for a leg no report describes: id ``track-<hex>-<takeoff>``,
    title ``N103WG (recorded) UUWW → UBBB``, times to the second (UTC), the track file as
    its source."""
    start, end = _to_second(leg.takeoff_utc), _to_second(leg.landing_utc)
    trace = leg.trace
    notes = [
        f"recorded track from {trace.source} (leg {leg.number}, {len(leg):,} fixes, "
        f"{trace.format or 'track'} format); times are the first and last airborne fix"
    ]
    notes += leg.observation_words
    if leg.gaps:
        notes.append(gap_words(len(leg.gaps), max(g.duration_minutes for g in leg.gaps)))
    return Event(
        id=leg.id,
        kind="flight",
        title=f"{leg.identity} (recorded) {leg.origin.label} → {leg.destination.label}",
        start_utc=start,
        end_utc=end,
        start_precision="second",
        end_precision="second",
        start_text=_iso(start),
        end_text=_iso(end),
        origin=(leg.origin.location,),
        destination=leg.destination.location,
        participants=(),
        status="confirmed",
        sources=(trace.source,),
        notes="; ".join(notes),
        line=0,
        aircraft=trace.registration or trace.icao24 or leg.callsign,
        references=(free_reference(trace.source),),
    )


def leg_events(legs: Iterable[Leg]) -> list[Event]:
    """:func:`leg_event` of each leg, ids made unique in input order: the same aircraft
    read from two files (two feeders' traces of one flight) gives ``track-…-2``."""
    seen: dict[str, int] = {}
    out: list[Event] = []
    for leg in legs:
        event = leg_event(leg)
        count = seen.get(event.id, 0) + 1
        seen[event.id] = count
        out.append(event if count == 1 else event._replace(id=f"{event.id}-{count}"))
    return out


def gap_words(count: int, longest_minutes: float) -> str:
    """``no coverage gap over 5 min``, ``1 coverage gap (41 min)``,
    ``2 coverage gaps (longest 41 min)``."""
    if not count:
        return f"no coverage gap over {GAP_MINUTES:.0f} min"
    longest = format_duration(longest_minutes)
    if count == 1:
        return f"1 coverage gap ({longest})"
    return f"{count} coverage gaps (longest {longest})"


def _relative(delta_minutes: float, verb: str, reference: str) -> str:
    if round(abs(delta_minutes)) == 0:
        return f"{verb} at {reference}"
    side = "after" if delta_minutes > 0 else "before"
    return f"{verb} {format_duration(delta_minutes)} {side} {reference}"


@dataclass(frozen=True, slots=True)
class Comparison:
    """A reported flight against its recorded leg. Deltas are recorded minus reported
    (positive: later than reported). Distances in km; ``detour_ratio`` is the recorded
    path over the great circle between the *reported* airports (None when they coincide);
    ``max_offtrack_km`` is the largest distance of a recorded fix from that great circle;
    ``origin_offset_km`` / ``destination_offset_km`` how far the leg's ends (the fixes its
    airports were matched from) are from the reported airports."""

    event_id: str
    leg_id: str
    track_points: int
    takeoff_utc: datetime
    landing_utc: datetime
    takeoff_delta_minutes: float
    landing_delta_minutes: float
    takeoff_observed: bool
    landing_observed: bool
    recorded_distance_km: float
    great_circle_km: float
    detour_ratio: float | None
    max_offtrack_km: float
    origin_offset_km: float
    destination_offset_km: float
    reported_origin: str
    reported_destination: str
    recorded_origin: str
    recorded_destination: str
    coverage_gaps: tuple[tuple[datetime, datetime], ...]
    longest_gap_minutes: float
    outliers: int
    observation: tuple[str, ...]

    def words(self) -> str:
        """Plain words, the :meth:`clauses` joined by ``; `` (e.g. ``took off 4 min after
        the reported time; landed 2 min before the reported time; flew 6 % farther than the
        great circle; strayed up to 35 km from it; 2 coverage gaps (longest 41 min); 3
        outlier fixes left out``)."""
        return "; ".join(self.clauses())

    def clauses(self) -> tuple[str, ...]:
        """The claim against the record, one finding per clause (the popup's lines)."""
        clauses: list[str] = []
        if self.takeoff_observed:
            clauses.append(_relative(self.takeoff_delta_minutes, "took off", "the reported time"))
        else:
            first = _relative(self.takeoff_delta_minutes, "first fix", "the reported departure")
            clauses.append(f"{self.observation[0]} ({first})")
        if self.landing_observed:
            clauses.append(_relative(self.landing_delta_minutes, "landed", "the reported time"))
        else:
            last = _relative(self.landing_delta_minutes, "last fix", "the reported arrival")
            clauses.append(f"{self.observation[-1]} ({last})")
        if self.takeoff_observed and self.origin_offset_km > MATCH_KM:
            clauses.append(
                f"took off {self.origin_offset_km:,.0f} km from the reported "
                f"{self.reported_origin} (at {self.recorded_origin})"
            )
        if self.landing_observed and self.destination_offset_km > MATCH_KM:
            clauses.append(
                f"landed {self.destination_offset_km:,.0f} km from the reported "
                f"{self.reported_destination} (at {self.recorded_destination})"
            )
        circle = "the great circle"
        if self.detour_ratio is not None:
            percent = round((self.detour_ratio - 1.0) * 100.0)
            if percent > 0:
                clauses.append(f"flew {percent} % farther than the great circle")
            elif percent == 0:
                clauses.append("flew the great circle's length")
            else:
                clauses.append(
                    f"recorded {-percent} % less than the great circle "
                    "(part of the flight is not in the track)"
                )
            circle = "it"
        if self.max_offtrack_km < 1.0:
            clauses.append(f"stayed within 1 km of {circle}")
        else:
            clauses.append(f"strayed up to {self.max_offtrack_km:,.0f} km from {circle}")
        clauses.append(gap_words(len(self.coverage_gaps), self.longest_gap_minutes))
        if self.outliers:
            fixes = "fix" if self.outliers == 1 else "fixes"
            clauses.append(f"{self.outliers} outlier {fixes} left out")
        return tuple(clauses)


def _code(location: Location) -> str:
    return location.airport or location.name


def compare(event: Event, leg: Leg) -> Comparison:
    """How the recorded ``leg`` compares with the reported flight ``event``."""
    if not event.origin:
        raise ValueError(f"event {event.id!r} has no origin; only flights can be compared")
    origin, destination = event.origin[0], event.destination
    great_circle_km = float(
        distances_km(origin.lon, origin.lat, destination.lon, destination.lat)[0]
    )
    recorded_km = path_length_km(leg)
    offtrack = offtrack_km(
        leg.lon, leg.lat, origin.lon, origin.lat, destination.lon, destination.lat
    )
    ends_lon = [leg.origin.lon, leg.destination.lon]
    ends_lat = [leg.origin.lat, leg.destination.lat]
    ref_lon = [origin.lon, destination.lon]
    ref_lat = [origin.lat, destination.lat]
    ends_km = distances_km(ends_lon, ends_lat, ref_lon, ref_lat)
    takeoff, landing = leg.takeoff_utc, leg.landing_utc
    return Comparison(
        event_id=event.id,
        leg_id=leg.id,
        track_points=len(leg),
        takeoff_utc=takeoff,
        landing_utc=landing,
        takeoff_delta_minutes=(takeoff - event.start_utc).total_seconds() / 60.0,
        landing_delta_minutes=(landing - event.end_utc).total_seconds() / 60.0,
        takeoff_observed=leg.takeoff_observed,
        landing_observed=leg.landing_observed,
        recorded_distance_km=recorded_km,
        great_circle_km=great_circle_km,
        detour_ratio=recorded_km / great_circle_km if great_circle_km >= 1.0 else None,
        max_offtrack_km=float(np.max(offtrack)) if offtrack.size else 0.0,
        origin_offset_km=float(ends_km[0]),
        destination_offset_km=float(ends_km[1]),
        reported_origin=_code(origin),
        reported_destination=_code(destination),
        recorded_origin=leg.origin.label,
        recorded_destination=leg.destination.label,
        coverage_gaps=tuple((g.start_utc, g.end_utc) for g in leg.gaps),
        longest_gap_minutes=max((g.duration_minutes for g in leg.gaps), default=0.0),
        outliers=leg.outliers,
        observation=leg.observation_words,
    )
