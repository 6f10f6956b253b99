"""The claim against the record: reported flights (events) matched to recorded legs, what
the comparison finds, in numbers and in words; and events for legs nobody reported.

Linking by evidence (:func:`match_legs`). A flight event naming an ``aircraft`` considers
the legs within its ``[start_utc, end_utc]`` widened by 3 h on each side. Each candidate is
scored, and the score's parts travel with the link (:class:`LinkScore`):

* **identity**: +2 when the leg's aircraft goes by the event's name (registration, ICAO hex
  address, or a callsign it used: case-insensitive, ``-`` and spaces ignored, so
  ``RA-96022`` is ``ra96022``); 0 when the leg has no identity at all (absent); a leg named
  otherwise is not a candidate.
* **route**: per end, +1.5 when the leg's observed takeoff (landing) is within 10 km of the
  claimed origin (destination), -1.5 when it is observed more than 50 km from it, 0 when
  not observed or in between.
* **time**: -0.25 per hour of ``|takeoff delta| + |landing delta|``: a few hours weigh less
  than one airport.

The highest total wins (the first of equals in input order). A leg without identity needs
the whole route (+3): no link where the route disagrees and identity is absent. When the
runner-up is within :data:`TIE_MARGIN` the link is **ambiguous**, and both candidates are
named. Each event picks on its own, so two reports of one flight both get its leg. Legs no
event took are ``unmatched_legs``: :func:`leg_event` makes each a confirmed flight of its
own, with the leg's own facts (airports, distance, detour, off-track).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from geo.model import Event, Location, free_reference
from geo.timeline import format_duration
from geo.tracks.airports import MATCH_KM
from geo.tracks.geometry import distances_km, max_offtrack_km, path_length_km
from geo.tracks.legs import GAP_MINUTES
from geo.tracks.model import FloatArray, Leg

__all__ = [
    "MATCH_WINDOW_HOURS",
    "TIE_MARGIN",
    "Comparison",
    "LegFacts",
    "LinkScore",
    "Matches",
    "compare",
    "gap_words",
    "leg_event",
    "leg_events",
    "leg_facts",
    "leg_names",
    "leg_words",
    "match_legs",
    "normalize_aircraft",
    "normalized_sql",
]

MATCH_WINDOW_HOURS = 3.0
IDENTITY_POINTS = 2.0
ROUTE_POINTS = 1.5  # per end
ROUTE_DISAGREE_KM = 50.0
TIME_POINTS_PER_HOUR = 0.25
TIE_MARGIN = 0.5


@dataclass(frozen=True, slots=True)
class LinkScore:
    """Why a claim took its leg: the score's parts, and the near-ties (other legs within
    :data:`TIE_MARGIN` of the total: the link is then ambiguous)."""

    identity: float
    route: float
    time: float
    ambiguous_with: tuple[tuple[str, float], ...] = ()  # (leg id, its total)

    @property
    def total(self) -> float:
        return self.identity + self.route + self.time

    def words(self) -> str:
        """``linked by identity 2.0 + route 3.0 + time -0.1 = 4.9``."""
        return (
            f"linked by identity {self.identity:.1f} + route {self.route:+.1f} + time "
            f"{self.time:+.1f} = {self.total:.1f}"
        )

    def ambiguity_words(self) -> str:
        """``ambiguous: track-…-20250314T0100Z scores 4.6 against 4.9``; "" if none."""
        if not self.ambiguous_with:
            return ""
        others = ", ".join(f"{leg_id} scores {total:.1f}" for leg_id, total in self.ambiguous_with)
        return f"ambiguous: {others} against {self.total:.1f}"


def normalize_aircraft(name: str) -> str:
    """``RA-96022`` -> ``RA96022``, ``~a0b1c2`` -> ``A0B1C2``: how names are compared."""
    return "".join(name.split()).replace("-", "").lstrip("~").upper()


def normalized_sql(column: str) -> str:
    """:func:`normalize_aircraft` of a text column, in DuckDB's SQL (the archive's queries
    compare names in the store): every character :meth:`str.split` takes for whitespace and
    the hyphens removed, a leading ``~`` stripped, upper case (the same as Python's for
    ASCII, which names are; ``tests/test_match.py`` checks the two agree)."""
    return (f"upper(ltrim(replace(regexp_replace({column}, {_WHITESPACE_RE}, '', 'g'), "
            "'-', ''), '~'))")


_WHITESPACE_RE = r"'[\x{09}-\x{0d}\x{1c}-\x{20}\x{85}\p{Z}]'"
"""What :meth:`str.split` splits on, as an RE2 class: tab to carriage return, the four
information separators and the space, NEL, and the Unicode separators (Z*)."""


def leg_names(leg: Leg) -> frozenset[str]:
    """Every name the leg's aircraft goes by: registration, hex, the callsigns it used."""
    trace = leg.trace
    codes = np.unique(trace.callsign_code[int(leg.index[0]) : int(leg.index[-1]) + 1])
    names = {trace.registration, trace.icao24, leg.callsign}
    names.update(trace.callsigns[int(c)] for c in codes.tolist() if c >= 0)
    return frozenset(normalize_aircraft(n) for n in names if n)


@dataclass(frozen=True, slots=True, eq=False)
class Matches:
    """``pairs``: (event, its leg); ``scores``: the evidence of each pair, in the same order;
    ``unmatched_legs``: legs no event took, in input order; ``unmatched_events``: flight
    events naming an aircraft with no leg in the window."""

    pairs: tuple[tuple[Event, Leg], ...]
    unmatched_legs: tuple[Leg, ...]
    unmatched_events: tuple[Event, ...]
    scores: tuple[LinkScore, ...] = ()


def _route_points(
    observed: npt.NDArray[np.bool_], lon: FloatArray, lat: FloatArray, at: Location
) -> FloatArray:
    km = distances_km(lon, lat, at.lon, at.lat)
    agree = observed & (km <= MATCH_KM)
    disagree = observed & (km > ROUTE_DISAGREE_KM)
    return np.where(agree, ROUTE_POINTS, np.where(disagree, -ROUTE_POINTS, 0.0))


def match_legs(events: Iterable[Event], legs: Sequence[Leg]) -> Matches:
    """Pair reported flights with recorded legs by evidence (see the module doc)."""
    by_name: dict[str, list[int]] = {}
    anonymous: list[int] = []
    for k, leg in enumerate(legs):
        names = leg_names(leg)
        if not names:
            anonymous.append(k)
        for name in names:
            by_name.setdefault(name, []).append(k)
    candidates = {name: np.array(ks, dtype=np.int64) for name, ks in by_name.items()}
    nobody = np.array(anonymous, dtype=np.int64)
    takeoffs = np.array([leg.takeoff_seconds for leg in legs], dtype=np.float64)
    landings = np.array([leg.landing_seconds for leg in legs], dtype=np.float64)
    seen_off = np.array([leg.takeoff_observed for leg in legs], dtype=np.bool_)
    seen_on = np.array([leg.landing_observed for leg in legs], dtype=np.bool_)
    off_lon = np.array([leg.origin.lon for leg in legs], dtype=np.float64)
    off_lat = np.array([leg.origin.lat for leg in legs], dtype=np.float64)
    on_lon = np.array([leg.destination.lon for leg in legs], dtype=np.float64)
    on_lat = np.array([leg.destination.lat for leg in legs], dtype=np.float64)
    window = MATCH_WINDOW_HOURS * 3600.0
    pairs: list[tuple[Event, Leg]] = []
    scores: list[LinkScore] = []
    missing: list[Event] = []
    used = np.zeros(len(legs), dtype=np.bool_)
    for event in events:
        if event.kind != "flight" or not event.aircraft.strip() or not event.origin:
            continue
        named = candidates.get(normalize_aircraft(event.aircraft), np.zeros(0, np.int64))
        ks = np.concatenate([named, nobody])
        identity = np.concatenate([np.full(named.size, IDENTITY_POINTS), np.zeros(nobody.size)])
        start, end = event.start_utc.timestamp(), event.end_utc.timestamp()
        near = (takeoffs[ks] <= end + window) & (landings[ks] >= start - window)
        ks, identity = ks[near], identity[near]
        if ks.size:
            route = _route_points(
                seen_off[ks], off_lon[ks], off_lat[ks], event.origin[0]
            ) + _route_points(seen_on[ks], on_lon[ks], on_lat[ks], event.destination)
            hours = (np.abs(takeoffs[ks] - start) + np.abs(landings[ks] - end)) / 3600.0
            time = -TIME_POINTS_PER_HOUR * hours
            allowed = (identity > 0.0) | (route >= 2.0 * ROUTE_POINTS)
            ks, identity = ks[allowed], identity[allowed]
            route, time = route[allowed], time[allowed]
        if not ks.size:
            missing.append(event)
            continue
        total = identity + route + time
        order = np.lexsort((ks, -total))  # best first; ties: input order
        best = int(order[0])
        close = [
            (legs[int(ks[i])].id, round(float(total[i]), 2))
            for i in order[1:].tolist()
            if total[best] - total[i] < TIE_MARGIN and int(ks[i]) != int(ks[best])
        ]
        pairs.append((event, legs[int(ks[best])]))
        scores.append(
            LinkScore(
                round(float(identity[best]), 2),
                round(float(route[best]), 2),
                round(float(time[best]), 2),
                tuple(close),
            )
        )
        used[int(ks[best])] = True
    unmatched = tuple(leg for leg, taken in zip(legs, used.tolist(), strict=True) if not taken)
    return Matches(tuple(pairs), unmatched, tuple(missing), tuple(scores))


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class LegFacts:
    """What every leg says of itself, claimed or not: its recorded distance, the great
    circle between its own ends (the fixes its airports were matched from), the detour
    ratio (None when the ends coincide) and the largest distance of a fix from that great
    circle, all on WGS84."""

    recorded_distance_km: float
    great_circle_km: float
    detour_ratio: float | None
    max_offtrack_km: float

    def clauses(self) -> tuple[str, ...]:
        out = [f"recorded {self.recorded_distance_km:,.0f} km"]
        if self.detour_ratio is not None:
            percent = round((self.detour_ratio - 1.0) * 100.0)
            out.append(
                f"{percent} % farther than the great circle between its ends "
                f"({self.great_circle_km:,.0f} km)"
                if percent > 0
                else f"the great circle's length between its ends ({self.great_circle_km:,.0f} km)"
            )
        out.append(f"up to {self.max_offtrack_km:,.0f} km off it")
        return tuple(out)


def leg_facts(leg: Leg) -> LegFacts:
    """:class:`LegFacts` of ``leg``."""
    a, b = leg.origin, leg.destination
    great = float(distances_km(a.lon, a.lat, b.lon, b.lat)[0])
    recorded = path_length_km(leg)
    return LegFacts(
        recorded_distance_km=recorded,
        great_circle_km=great,
        detour_ratio=recorded / great if great >= 1.0 else None,
        max_offtrack_km=max_offtrack_km(leg.lon, leg.lat, a.lon, a.lat, b.lon, b.lat),
    )


def leg_words(leg: Leg, facts: LegFacts | None = None) -> tuple[str, ...]:
    """A leg's own findings, claimed or not: its ends (with alternatives within 5 km),
    distance, detour and off-track, what happened inside it, and what was not observed."""
    out = [
        f"took off {leg.takeoff_utc:%Y-%m-%dT%H:%M:%SZ} from "
        f"{leg.origin.alternative_words}, landed {leg.landing_utc:%Y-%m-%dT%H:%M:%SZ} at "
        f"{leg.destination.alternative_words}",
        "; ".join((facts or leg_facts(leg)).clauses()),
    ]
    out += leg.event_words
    out += leg.observation_words
    return tuple(out)


def leg_event(leg: Leg, facts: LegFacts | None = None) -> Event:
    """A confirmed flight event for a leg no report describes: id ``track-<hex>-<takeoff>``,
    title ``N103WG (recorded) UUWW → UBBB``, times to the second (UTC, the leg's one
    rounding rule), the track file as its source, and the leg's own facts in its notes."""
    start, end = leg.takeoff_utc, leg.landing_utc
    trace = leg.trace
    notes = [
        f"recorded track from {trace.source} (leg {leg.number}, {len(leg):,} fixes, "
        f"{trace.format or 'track'} format); times are the estimated liftoff and touchdown "
        "(else the first and last airborne fix)"
    ]
    notes += leg_words(leg, facts)
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


def leg_events(
    legs: Iterable[Leg], taken: Iterable[str] = (), facts: Sequence[LegFacts] | None = None
) -> list[Event]:
    """:func:`leg_event` of each leg, ids made unique in input order: the same aircraft
    read from two files (two feeders' traces of one flight) gives ``track-…-2``. ``taken``:
    ids already in use (the given events'): a generated id never equals one of them (it
    gets the next free suffix). ``facts``: each leg's :func:`leg_facts`, when known."""
    used = set(taken)
    seen: dict[str, int] = {}
    out: list[Event] = []
    for k, leg in enumerate(legs):
        event = leg_event(leg, None if facts is None else facts[k])
        count = seen.get(event.id, 0) + 1
        new_id = event.id if count == 1 else f"{event.id}-{count}"
        while new_id in used:
            count += 1
            new_id = f"{event.id}-{count}"
        seen[event.id] = count
        used.add(new_id)
        out.append(event if new_id == event.id else event._replace(id=new_id))
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
    link: LinkScore | None = None  # why this leg: the score's parts (None: given, not scored)
    go_arounds: int = 0
    touch_and_goes: int = 0
    events_inside: tuple[str, ...] = ()  # the leg's go-arounds, touch-and-goes, low holes

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
            elif self.takeoff_observed and self.landing_observed and not self.coverage_gaps:
                elsewhere = (
                    "it landed elsewhere"
                    if self.destination_offset_km > MATCH_KM
                    else "recorded from takeoff to landing"
                )
                clauses.append(f"recorded {-percent} % less than the great circle ({elsewhere})")
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
        clauses.extend(self.events_inside)
        if self.link is not None and self.link.ambiguous_with:
            clauses.append(self.link.ambiguity_words())
        if self.outliers:
            fixes = "fix" if self.outliers == 1 else "fixes"
            clauses.append(f"{self.outliers} outlier {fixes} left out")
        return tuple(clauses)


def _code(location: Location) -> str:
    return location.airport or location.name


def compare(event: Event, leg: Leg, link: LinkScore | None = None) -> Comparison:
    """How the recorded ``leg`` compares with the reported flight ``event`` (``link``: the
    evidence that paired them, kept in the comparison)."""
    if not event.origin:
        raise ValueError(f"event {event.id!r} has no origin; only flights can be compared")
    origin, destination = event.origin[0], event.destination
    great_circle_km = float(
        distances_km(origin.lon, origin.lat, destination.lon, destination.lat)[0]
    )
    recorded_km = path_length_km(leg)
    offtrack = max_offtrack_km(
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
        max_offtrack_km=offtrack,
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
        link=link,
        go_arounds=leg.go_arounds,
        touch_and_goes=leg.touch_and_goes,
        events_inside=leg.event_words,
    )
