"""Records of recorded flight tracks: a trace (what one file says about one aircraft), its
legs (airborne time between ground contacts), coverage gaps and matched airports.

Fixes live in numpy arrays, one per quantity, never as one Python object per fix: a day of
traces is about a million fixes. Every array of a :class:`Trace` has one entry per fix, in
time order (strictly increasing ``t``), and is read-only. A :class:`Leg` holds indices into
its trace's arrays.

Units are in the names: ``t`` in Unix seconds (UTC, float64, rounded to the millisecond),
``alt_ft`` in feet (barometric where the source says so, NaN when unknown), ``gs_kt`` in
knots, ``track_deg`` in degrees clockwise from true north. Datetimes are aware UTC.

Records holding arrays compare by identity (``eq=False``): two traces are equal when they
are the same object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from geo.model import Airport, Location
from geo.places import airport_location

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

__all__ = [
    "AirportMatch",
    "BoolArray",
    "FloatArray",
    "Gap",
    "IntArray",
    "Leg",
    "Trace",
    "TrackSet",
    "to_second",
    "utc",
]


def utc(t: float) -> datetime:
    """Unix seconds as an aware UTC datetime (to the microsecond)."""
    return datetime.fromtimestamp(round(float(t), 6), UTC)


def to_second(t: float) -> int:
    """Unix seconds rounded to the whole second, half up: the one rounding rule of times."""
    return int(math.floor(float(t) + 0.5))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


@dataclass(frozen=True, slots=True, eq=False)
class Trace:
    """The fixes of one aircraft from one source (a file, or later a database query).

    Build one with :func:`geo.tracks.make_trace`, which sorts the fixes, merges duplicates
    and flags outliers, so every trace obeys the invariants below.

    * ``t`` strictly increasing; every array has ``len(t)`` entries.
    * ``outlier``: fixes implying an impossible jump (see :mod:`geo.tracks.outliers`); they
      are kept in the arrays (the file said so) but left out of legs, paths and distances.
    * ``callsign_code``: per fix, an index into ``callsigns`` (-1 where the fix carries none).
    * ``duplicates``: fixes merged into another with the same time; ``reordered``: fixes
      that came after a later fix in the file and were sorted into place.
    """

    source: str  # the file name as given (or the source's label), used in sources and notes
    format: str  # "readsb", "fr24", "kml", "csv", or a later source's name
    icao24: str  # 24-bit address, lower-case hex without '~' ("" if unknown)
    non_icao: bool  # the address was written with '~' (TIS-B, anonymous: not an ICAO address)
    registration: str  # upper case ("" if unknown)
    callsign: str  # the most frequent callsign, stripped, upper case ("" if none)
    aircraft_type: str  # ICAO type designator such as "GLF6" ("" if unknown)
    t: FloatArray
    lat: FloatArray
    lon: FloatArray
    alt_ft: FloatArray
    on_ground: BoolArray
    gs_kt: FloatArray
    track_deg: FloatArray
    new_leg: BoolArray  # the source says a new leg starts at this fix (readsb flag 2)
    stale: BoolArray  # readsb flag 1: no new position for a while after this fix
    outlier: BoolArray
    callsign_code: npt.NDArray[np.int32]
    callsigns: tuple[str, ...]
    duplicates: int = 0
    reordered: int = 0
    # per fix, the source's vertical rate in ft/min (NaN unknown); None: the source has none
    vrate_fpm: FloatArray | None = None
    # the fixes hold two aircraft under one identity (persistent alternating impossible
    # jumps): set on the traces :func:`geo.tracks.split_legs` tells apart
    interleaved: bool = False
    jumps: int = 0  # pairs of consecutive fixes no aircraft could fly between

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def outliers(self) -> int:
        return int(np.count_nonzero(self.outlier))

    @property
    def identity(self) -> str:
        """What the aircraft is called in titles: registration, else callsign, else hex."""
        return self.registration or self.callsign or self.icao24.upper() or "unknown aircraft"

    @property
    def notes(self) -> tuple[str, ...]:
        """What reading did to the fixes, in words (not errors)."""
        out: list[str] = []
        if not len(self):
            out.append("no fixes")
        if self.duplicates:
            out.append(
                f"{_count(self.duplicates, 'duplicate fix', 'duplicate fixes')} "
                "(same time as another) merged"
            )
        if self.reordered:
            out.append(
                f"{_count(self.reordered, 'out-of-order fix', 'out-of-order fixes')} "
                "sorted into time order"
            )
        if self.outliers:
            out.append(
                f"{_count(self.outliers, 'outlier fix', 'outlier fixes')} "
                "(impossible jump) left out"
            )
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Gap:
    """A coverage gap: no fix for more than five minutes while airborne, within one leg.

    ``start_index`` and ``end_index`` are the trace indices of the fixes on either side;
    the path between them is drawn dashed.
    """

    start_utc: datetime
    end_utc: datetime
    start_index: int
    end_index: int
    low: bool = False  # under 3,000 ft above the nearest field on both sides

    @property
    def duration_minutes(self) -> float:
        return (self.end_utc - self.start_utc).total_seconds() / 60.0


@dataclass(frozen=True, slots=True)
class AirportMatch:
    """Where a leg starts or ends: the airport nearest the fix (within 10 km), or none.

    ``lat``/``lon`` are the fix the match was made from (the adjacent ground fix when the
    source saw the aircraft on the ground, else the takeoff or landing fix).
    """

    lat: float
    lon: float
    airport: Airport | None = None
    distance_km: float | None = None
    # other airfields within 5 km of the fix: (code, km from the fix), nearest first
    alternatives: tuple[tuple[str, float], ...] = ()

    @property
    def alternative_words(self) -> str:
        """``RJCC (0.4 km; also RJCJ at 1.9 km)`` or the :attr:`label` alone."""
        if not self.alternatives or self.distance_km is None:
            return self.label
        others = ", ".join(f"{code} at {km:,.1f} km" for code, km in self.alternatives)
        return f"{self.label} ({self.distance_km:,.1f} km; also {others})"

    @property
    def code(self) -> str:
        """The ICAO code (IATA when the airport has no ICAO code), "" if unknown."""
        if self.airport is None:
            return ""
        return self.airport.icao or self.airport.iata

    @property
    def label(self) -> str:
        """``UUWW``, or ``unknown (55.59, 37.26)`` (lat, lon)."""
        return self.code or f"unknown ({self.lat:.2f}, {self.lon:.2f})"

    @property
    def location(self) -> Location:
        """The airport as a :class:`geo.model.Location`, or an ``unknown (lat, lon)`` one
        (zone UTC, no airport code) at the fix."""
        if self.airport is not None:
            return airport_location(self.airport)
        return Location(name=self.label, lat=self.lat, lon=self.lon, tz="UTC", country="")


@dataclass(frozen=True, slots=True, eq=False)
class Leg:
    """Airborne time between two ground contacts (or a split, see :mod:`geo.tracks.legs`).

    ``index``: the trace indices of the leg's fixes, outliers left out, in time order; the
    first is the first airborne fix, the last the last airborne fix. ``outlier_index``: the
    outliers that fell within the leg. Takeoff and landing are *observed* when the fix is
    near the ground (an adjacent ground fix, or under 3,000 ft above the nearest field);
    otherwise the track starts or ends in the air and ``origin``/``destination`` are unknown.

    ``takeoff_t`` / ``landing_t`` (Unix seconds): the *estimated* liftoff and touchdown (see
    :mod:`geo.tracks.legs`), NaN when not estimated (then the first/last fix is used).
    :attr:`takeoff_utc` and :attr:`landing_utc` round them to the second, the one rounding
    rule every reader (the leg's id, its event, a claim's comparison) uses.
    """

    trace: Trace
    number: int  # 1-based, in time order within the trace
    index: IntArray
    outlier_index: IntArray
    gaps: tuple[Gap, ...]
    origin: AirportMatch
    destination: AirportMatch
    takeoff_observed: bool
    landing_observed: bool
    callsign: str  # the leg's most frequent callsign, else the trace's
    takeoff_t: float = float("nan")
    landing_t: float = float("nan")
    go_arounds: int = 0  # low passes near an airfield that climbed away without touching
    touch_and_goes: int = 0  # brief ground contacts at speed inside the leg

    def __len__(self) -> int:
        return int(self.index.shape[0])

    @property
    def t(self) -> FloatArray:
        return self.trace.t[self.index]

    @property
    def lat(self) -> FloatArray:
        return self.trace.lat[self.index]

    @property
    def lon(self) -> FloatArray:
        return self.trace.lon[self.index]

    @property
    def alt_ft(self) -> FloatArray:
        return self.trace.alt_ft[self.index]

    @property
    def takeoff_seconds(self) -> int:
        """The estimated liftoff (else the first fix), in whole Unix seconds (half up)."""
        t = self.takeoff_t if self.takeoff_t == self.takeoff_t else self.trace.t[self.index[0]]
        return to_second(float(t))

    @property
    def landing_seconds(self) -> int:
        """The estimated touchdown (else the last fix), in whole Unix seconds (half up)."""
        t = self.landing_t if self.landing_t == self.landing_t else self.trace.t[self.index[-1]]
        return to_second(float(t))

    @property
    def takeoff_utc(self) -> datetime:
        return utc(self.takeoff_seconds)

    @property
    def landing_utc(self) -> datetime:
        return utc(self.landing_seconds)

    @property
    def duration_minutes(self) -> float:
        return float(self.landing_seconds - self.takeoff_seconds) / 60.0

    @property
    def event_words(self) -> tuple[str, ...]:
        """``("1 go-around", "2 touch-and-goes", "1 coverage gap at low height")``: what
        happened inside the leg that did not split it."""
        out: list[str] = []
        if self.go_arounds:
            out.append(_count(self.go_arounds, "go-around"))
        if self.touch_and_goes:
            out.append(_count(self.touch_and_goes, "touch-and-go", "touch-and-goes"))
        low = sum(1 for g in self.gaps if g.low)
        if low:
            out.append(f"{_count(low, 'coverage gap')} at low height (not a landing)")
        return tuple(out)

    @property
    def outliers(self) -> int:
        return int(self.outlier_index.shape[0])

    @property
    def registration(self) -> str:
        return self.trace.registration

    @property
    def icao24(self) -> str:
        return self.trace.icao24

    @property
    def identity(self) -> str:
        """Registration, else this leg's callsign, else the hex address."""
        return (
            self.trace.registration
            or self.callsign
            or self.trace.icao24.upper()
            or ("unknown aircraft")
        )

    @property
    def id(self) -> str:
        """``track-<hex>-<takeoff YYYYmmddTHHMMZ>``: the same file gives the same id."""
        key = self.trace.icao24 or self.trace.registration or self.callsign or "unknown"
        safe = "".join(c for c in key.lower() if c.isascii() and (c.isalnum() or c == "-"))
        return f"track-{safe or 'unknown'}-{self.takeoff_utc.strftime('%Y%m%dT%H%MZ')}"

    def _end_words(self, which: str) -> str:
        k = int(self.index[0] if which == "takeoff" else self.index[-1])
        alt = float(self.trace.alt_ft[k])
        fix = "first" if which == "takeoff" else "last"
        if np.isnan(alt):
            return f"{which} not observed: {fix} fix has no altitude"
        return f"{which} not observed: {fix} fix at {alt:,.0f} ft"

    @property
    def observation_words(self) -> tuple[str, ...]:
        """``("takeoff not observed: first fix at 32,000 ft",)``; empty when both ends are."""
        out: list[str] = []
        if not self.takeoff_observed:
            out.append(self._end_words("takeoff"))
        if not self.landing_observed:
            out.append(self._end_words("landing"))
        return tuple(out)


@dataclass(frozen=True, slots=True, eq=False)
class TrackSet:
    """Everything read from a track source: the traces, their legs, and notes in words
    (``FILE: 3 duplicate fixes (same time as another) merged``), which are not errors."""

    traces: tuple[Trace, ...]
    legs: tuple[Leg, ...]
    notes: tuple[str, ...]
