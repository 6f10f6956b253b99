"""A reported flight as a claim to check against the archive: its airports, its times and
every way those times may be read.

A time written without an offset is read as the events files read it (departure local at
the origin airport, arrival local at the destination) unless a zone is given; with
``tz_unknown`` every plausible reading is tried — the events files' reading, both times
local at the origin, both local at the destination, both UTC, and both in the zone of each
city the claim names — and each candidate says which one it fits. Times are parsed by
:func:`geo.timeline.parse_time` (one rule for every reader); a claimed time is an interval
``[lo, hi]`` in Unix seconds, a point for a minute-precise time, a whole local day for a
date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from geo.model import Event
from geo.places import Gazetteer
from geo.timeline import TimeSpan, parse_time, zone

__all__ = [
    "Claim",
    "ClaimError",
    "ClaimedAirport",
    "Reading",
    "claim_from_event",
    "make_claim",
]

_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


class ClaimError(ValueError):
    """A claim that cannot be read (an unknown airport, a bad time, a bad zone)."""


@dataclass(frozen=True, slots=True)
class ClaimedAirport:
    """A claimed airport with what the matcher needs: both codes, position, zone and the
    field elevation (feet, from ``airportsdata``; 0 when unknown)."""

    code: str  # as the claim wrote it (upper case)
    icao: str
    iata: str
    name: str
    city: str
    lat: float
    lon: float
    tz: str
    elevation_ft: float

    @property
    def label(self) -> str:
        """``VKO``: the code a reader knows (IATA, else ICAO)."""
        return self.iata or self.icao or self.code

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(c for c in (self.icao, self.iata, self.code) if c)


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading the claimed times: a name (``local``, ``origin``, ``destination``,
    ``utc``, ``given``, ``offset``, ``place:Moscow``), the reading in words, and the claimed
    departure and arrival as ``(lo, hi)`` Unix seconds (``None``: not claimed)."""

    name: str
    words: str
    depart: tuple[int, int] | None
    arrive: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class Claim:
    """What a source says: from, to, when, which aircraft; and the readings of its times
    (the first is the events files' reading, or the one the zones given say)."""

    origin: ClaimedAirport
    destination: ClaimedAirport
    depart_text: str
    arrive_text: str
    aircraft: str
    readings: tuple[Reading, ...]
    event_id: str = ""
    title: str = ""

    @property
    def window(self) -> tuple[int, int] | None:
        """The earliest and latest claimed instant over every reading (None: no times)."""
        bounds = [
            b for r in self.readings for span in (r.depart, r.arrive) if span for b in span
        ]
        return (min(bounds), max(bounds)) if bounds else None


@lru_cache(maxsize=1)
def _elevations() -> dict[str, float]:
    from geo.places import _airportsdata  # the gazetteer's one copy of airportsdata

    table = _airportsdata("ICAO")
    return {code: float(row.get("elevation") or 0.0) for code, row in table.items()}


def claimed_airport(ref: str, gazetteer: Gazetteer, what: str) -> ClaimedAirport:
    """The airport a claim names by IATA or ICAO code; :class:`ClaimError` if unknown."""
    code = ref.strip().upper()
    airport = gazetteer.airport(code) if code else None
    if airport is None:
        raise ClaimError(f"{what}: '{ref}' is not a known airport code (IATA or ICAO)")
    return ClaimedAirport(
        code=code, icao=airport.icao, iata=airport.iata, name=airport.name, city=airport.city,
        lat=airport.lat, lon=airport.lon, tz=airport.tz,
        elevation_ft=_elevations().get(airport.icao, 0.0),
    )


def _span(text: str, tz: str, what: str) -> tuple[int, int]:
    try:
        span: TimeSpan = parse_time(text, tz)
    except ValueError as exc:
        raise ClaimError(f"{what}: {exc}") from None
    return int(span.start_utc.timestamp()), int(span.end_utc.timestamp())


def _has_offset(text: str) -> bool:
    return bool(_OFFSET.search(text.strip()))


def _check_zone(name: str, what: str) -> str:
    try:
        zone(name)
    except ValueError as exc:
        raise ClaimError(f"{what}: {exc}") from None
    return name


def make_claim(
    origin: str,
    destination: str,
    depart: str = "",
    arrive: str = "",
    *,
    gazetteer: Gazetteer,
    depart_tz: str = "",
    arrive_tz: str = "",
    aircraft: str = "",
    tz_unknown: bool = False,
    places: Sequence[str] = (),
    event_id: str = "",
    title: str = "",
) -> Claim:
    """A claim from its parts (the CLI's options, an event's cells).

    ``places``: names of cities the claim mentions (places.csv); with ``tz_unknown`` their
    zones are readings too (and so is the zone of each airport's city).
    """
    o = claimed_airport(origin, gazetteer, "--from")
    d = claimed_airport(destination, gazetteer, "--to")
    dep_tz = _check_zone(depart_tz, "--depart-tz") if depart_tz else o.tz
    arr_tz = _check_zone(arrive_tz, "--arrive-tz") if arrive_tz else d.tz
    depart, arrive = depart.strip(), arrive.strip()
    for text, what in ((depart, "--depart"), (arrive, "--arrive")):
        if text:
            _span(text, "UTC", what)  # every bad time is an error, whatever the reading
    first_name = "given" if (depart_tz or arrive_tz) else "local"
    if all(_has_offset(t) for t in (depart, arrive) if t) and (depart or arrive):
        first_name = "offset"
    options: list[tuple[str, str, str]] = [(first_name, dep_tz, arr_tz)]
    if tz_unknown and first_name != "offset":
        options += [("origin", o.tz, o.tz), ("destination", d.tz, d.tz), ("utc", "UTC", "UTC")]
        city_names = [*places, o.city, d.city]
        for name in city_names:
            place = gazetteer.place(name) if name else None
            if place is not None:
                options.append((f"place:{place.name}", place.tz, place.tz))
    readings: list[Reading] = []
    seen: set[tuple[tuple[int, int] | None, tuple[int, int] | None]] = set()
    for name, dz, az in options:
        try:
            dep = _span(depart, dz, "--depart") if depart else None
            arr = _span(arrive, az, "--arrive") if arrive else None
        except ClaimError:
            if not readings:
                raise
            continue  # a local time the clocks skip in this zone: not a reading
        if (dep, arr) in seen:
            continue
        seen.add((dep, arr))
        readings.append(Reading(name, _reading_words(name, o, d, dz, az), dep, arr))
    return Claim(o, d, depart, arrive, aircraft.strip(), tuple(readings), event_id, title)


def _reading_words(
    name: str, o: ClaimedAirport, d: ClaimedAirport, dep_tz: str, arr_tz: str
) -> str:
    if name == "offset":
        return "times as written, with their UTC offsets"
    if name == "local":
        return f"departure local at {o.label} ({o.tz}), arrival local at {d.label} ({d.tz})"
    if name == "given":
        return f"departure in {dep_tz}, arrival in {arr_tz} (the zones given)"
    if name == "origin":
        return f"both times local at {o.label} ({o.tz})"
    if name == "destination":
        return f"both times local at {d.label} ({d.tz})"
    if name == "utc":
        return "both times read as UTC"
    return f"both times in {dep_tz}, the zone of {name.removeprefix('place:')}"


def claim_from_event(
    event: Event, gazetteer: Gazetteer, *, tz_unknown: bool = False,
    places: Iterable[str] = (),
) -> Claim:
    """The claim a flight event makes: its airports, its times as written (so every
    reading can be tried), its ``aircraft``."""
    if event.kind != "flight":
        raise ClaimError(f"event '{event.id}' is a {event.kind}, not a flight")
    origin = event.origin[0].airport or event.origin[0].name
    destination = event.destination.airport or event.destination.name
    try:
        return make_claim(
            origin, destination, event.start_text, event.end_text, gazetteer=gazetteer,
            aircraft=event.aircraft, tz_unknown=tz_unknown, places=tuple(places),
            event_id=event.id, title=event.title,
        )
    except ClaimError as exc:
        raise ClaimError(f"event '{event.id}': {exc}") from None
