"""Geodesic computations for flights on the WGS84 ellipsoid.

Conventions
-----------
* Coordinates are always given and returned in **lon/lat order**, in degrees.
* All geodesics are computed on the WGS84 ellipsoid with ``pyproj.Geod(ellps="WGS84")``
  (Karney's algorithm, accurate to nanometres); distances are returned in kilometres.
* Azimuths/headings are forward azimuths in degrees in ``[0, 360)``, clockwise from north.
* Times must be timezone-aware ``datetime`` objects; naive datetimes raise ``ValueError``.
  Aware datetimes in any zone are accepted and converted to UTC *before* any arithmetic
  (subtracting two aware datetimes that share a ``tzinfo`` would otherwise use wall-clock
  time and get DST transitions wrong).
* Polylines (:func:`arcs_ragged`, :func:`arcs_batch`; a flight's track is
  :func:`geo.geometry.flight_tracks`, spaced by :func:`track_segments`) have **unwrapped**
  longitudes: the first longitude is the input value, every later one differs from its
  predecessor by at most 180 degrees, so a route across the antimeridian is continuous
  (Sydney -> Santiago runs 151 ... 180, 181 ... 289.2). The last point equals the
  destination modulo 360. Leaflet draws such lines correctly; for RFC 7946 GeoJSON use
  :func:`split_at_antimeridian` to get parts with longitudes in ``[-180, 180]``.
* Single positions (:func:`position_at`) have longitudes normalized to ``[-180, 180]``.
* A zero-length route (origin == destination) yields degenerate geometry: its polyline is
  one point repeated and the heading is reported as 0.

Plausibility rules used by :func:`flight_facts`
-----------------------------------------------
A flight is implausible when

1. arrival is not strictly after departure (non-positive duration);
2. the gate-to-gate average speed exceeds 1,000 km/h (no airliner or business jet does
   better gate to gate);
3. it lasts more than 22 h (longer than any non-stop airliner flight, the longest being
   ~19 h) -- this typically catches a wrong arrival date;
4. the route is at least 300 km long and the average is below 100 km/h, i.e. the trip
   took far longer than the flight plus any reasonable allowance for taxiing, holding
   or a diversion (below 300 km, taxi and holding time can legitimately dominate).

A zero-length route with a positive duration is a plausible return-to-base flight
(subject to rule 3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.timeline import format_duration

__all__ = [
    "FlightFacts",
    "Position",
    "arcs_batch",
    "arcs_ragged",
    "distance_km",
    "distances_km",
    "flight_facts",
    "position_at",
    "split_at_antimeridian",
    "track_segments",
    "unwrap_lons",
]

_GEOD = Geod(ellps="WGS84")

_MAX_PLAUSIBLE_KMH = 1000.0
_MIN_PLAUSIBLE_KMH = 100.0
_SLOW_CHECK_MIN_KM = 300.0
_MAX_PLAUSIBLE_MINUTES = 22 * 60.0
_JET_KMH = 450.0
ZERO_LENGTH_KM = 1e-3
"""Below 1 m a route is zero-length: its two ends are one spot (the one threshold)."""
TRACK_STEP_MINUTES = 5.0
"""A computed track's vertices: at most this much flight time apart (the one spacing rule)."""
TRACK_STEP_KM = 100.0
"""...and at most this far apart."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Position:
    """An aircraft position with its heading (forward azimuth, degrees in [0, 360))."""

    lon: float
    lat: float
    heading_deg: float


@dataclass(frozen=True, slots=True)
class FlightFacts:
    """Distance, duration and plausibility of a flight; ``reason`` explains the verdict."""

    distance_km: float
    duration_minutes: float
    avg_speed_kmh: float | None
    plausible: bool
    reason: str


# --------------------------------------------------------------------------- helpers


def _to_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


def _normalize_lon(lon: float) -> float:
    if -180.0 <= lon <= 180.0:
        return float(lon)
    return float((lon + 180.0) % 360.0 - 180.0)


def _normalize_azimuth(az: float) -> float:
    heading = float(az) % 360.0
    return 0.0 if heading >= 360.0 else heading


def _inv(lon1: float, lat1: float, lon2: float, lat2: float) -> tuple[float, float]:
    """Return (forward azimuth at origin in degrees, distance in metres)."""
    az12, _az21, dist_m = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(az12), float(dist_m)


def _as_1d(values: npt.ArrayLike) -> FloatArray:
    return np.atleast_1d(np.asarray(values, dtype=np.float64)).ravel()


# --------------------------------------------------------------------------- public API


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic (WGS84) distance between two points, in kilometres."""
    return _inv(lon1, lat1, lon2, lat2)[1] / 1000.0


def flight_facts(
    lon1: float,
    lat1: float,
    dep_utc: datetime,
    lon2: float,
    lat2: float,
    arr_utc: datetime,
) -> FlightFacts:
    """Distance, duration, average speed and a plausibility verdict for a flight.

    The datetimes must be aware (any zone; they are compared in UTC). See the module
    docstring for the plausibility rules.
    """
    dep = _to_utc(dep_utc, "dep_utc")
    arr = _to_utc(arr_utc, "arr_utc")
    minutes = (arr - dep).total_seconds() / 60.0
    dist = distance_km(lon1, lat1, lon2, lat2)
    zero_length = dist < ZERO_LENGTH_KM
    if zero_length:
        dist = 0.0

    if minutes <= 0.0:
        if minutes == 0.0:
            why = "arrival time equals departure time"
        else:
            why = f"arrival is {format_duration(minutes)} before departure"
        return FlightFacts(dist, minutes, None, False, f"non-positive duration: {why}")

    duration = format_duration(minutes)
    if minutes > _MAX_PLAUSIBLE_MINUTES:
        avg = 0.0 if zero_length else dist / (minutes / 60.0)
        return FlightFacts(
            dist,
            minutes,
            avg,
            False,
            f"duration {duration} is longer than any non-stop airliner flight "
            "(longest ~19 h); check the dates",
        )

    if zero_length:
        return FlightFacts(
            0.0,
            minutes,
            0.0,
            True,
            f"zero-length route (departs from and arrives at the same place) in {duration}: "
            "plausible as a return-to-base flight",
        )

    avg = dist / (minutes / 60.0)
    summary = f"average {avg:,.0f} km/h over {dist:,.0f} km in {duration}"
    if avg > _MAX_PLAUSIBLE_KMH:
        return FlightFacts(
            dist,
            minutes,
            avg,
            False,
            f"average {avg:,.0f} km/h is faster than any airliner or business jet "
            f"(max ~1,000 km/h gate to gate) over {dist:,.0f} km in {duration}",
        )
    if dist >= _SLOW_CHECK_MIN_KM and avg < _MIN_PLAUSIBLE_KMH:
        return FlightFacts(
            dist,
            minutes,
            avg,
            False,
            f"{summary} is implausibly slow for a flight "
            "(below 100 km/h on a route of 300 km or more)",
        )
    if avg >= _JET_KMH:
        return FlightFacts(dist, minutes, avg, True, f"{summary}: plausible for a jet")
    return FlightFacts(
        dist,
        minutes,
        avg,
        True,
        f"{summary}: plausible, though slow for a jet (turboprop, short sector "
        "or long taxi/holding)",
    )


def distances_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Geodesic distances for arrays of endpoint pairs, in one vectorized ``Geod.inv``."""
    a_lon1, a_lat1, a_lon2, a_lat2 = (
        np.ascontiguousarray(x, dtype=np.float64)
        for x in np.broadcast_arrays(_as_1d(lon1), _as_1d(lat1), _as_1d(lon2), _as_1d(lat2))
    )
    _az12, _az21, dist_m = _GEOD.inv(a_lon1, a_lat1, a_lon2, a_lat2)
    return np.asarray(dist_m, dtype=np.float64) / 1000.0


def arcs_batch(
    lon1: npt.ArrayLike,
    lat1: npt.ArrayLike,
    lon2: npt.ArrayLike,
    lat2: npt.ArrayLike,
    n_points: int,
) -> tuple[FloatArray, FloatArray]:
    """Great-circle (geodesic) polylines for N flights in one vectorized pass.

    Inputs are scalars or 1-D arrays of length N (broadcast together). Returns
    ``(lons, lats)`` of shape ``(N, n_points)`` with ``n_points >= 2`` points evenly
    spaced in distance, endpoints exactly the inputs (destination longitude modulo 360)
    and longitudes unwrapped along axis 1.
    """
    if n_points < 2:
        raise ValueError(f"n_points must be at least 2, got {n_points}")
    n = np.broadcast_shapes(*(_as_1d(x).shape for x in (lon1, lat1, lon2, lat2)))[0]
    lons, lats = arcs_ragged(lon1, lat1, lon2, lat2, np.full(n, n_points))
    return lons.reshape(n, n_points), lats.reshape(n, n_points)


def arcs_ragged(
    lon1: npt.ArrayLike,
    lat1: npt.ArrayLike,
    lon2: npt.ArrayLike,
    lat2: npt.ArrayLike,
    n_points: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Geodesic polylines for N endpoint pairs, each with its own number of points, in one
    ``Geod.inv`` and one ``Geod.fwd`` call.

    Arc ``j`` has ``n_points[j] >= 2`` points evenly spaced in distance and is
    ``lons[s:s + n_points[j]]`` (the same for lats), ``s`` the sum of the counts before it.
    Endpoints are exactly the inputs; longitudes are unwrapped along each arc, as
    ``numpy.unwrap`` does, so an arc crossing the antimeridian stays continuous.
    """
    a_lon1, a_lat1, a_lon2, a_lat2, counts = (
        np.ascontiguousarray(x)
        for x in np.broadcast_arrays(
            _as_1d(lon1), _as_1d(lat1), _as_1d(lon2), _as_1d(lat2),
            np.atleast_1d(np.asarray(n_points, dtype=np.int64)).ravel(),
        )
    )
    if counts.size and counts.min() < 2:
        raise ValueError(f"n_points must be at least 2, got {counts.min()}")
    az12, _az21, dist_m = _GEOD.inv(a_lon1, a_lat1, a_lon2, a_lat2)
    ends = np.cumsum(counts)
    starts = ends - counts
    arc = np.repeat(np.arange(counts.size), counts)
    fractions = (np.arange(arc.size) - starts[arc]) * (1.0 / (counts - 1))[arc]
    lons_flat, lats_flat, _ = _GEOD.fwd(
        a_lon1[arc],
        a_lat1[arc],
        np.asarray(az12, dtype=np.float64)[arc],
        np.asarray(dist_m, dtype=np.float64)[arc] * fractions,
    )
    lons = np.asarray(lons_flat, dtype=np.float64)
    lats = np.asarray(lats_flat, dtype=np.float64)
    lons[starts], lats[starts] = a_lon1, a_lat1
    lons[ends - 1], lats[ends - 1] = a_lon2, a_lat2
    # numpy.unwrap's correction (period 360), restarted at each arc's first point
    step = np.diff(lons)
    wrapped = np.mod(step + 180.0, 360.0) - 180.0
    wrapped[(wrapped == -180.0) & (step > 0)] = 180.0
    correction = wrapped - step
    correction[np.abs(step) < 180.0] = 0.0
    correction[ends[:-1] - 1] = 0.0  # from one arc's last point to the next arc's first
    total = np.concatenate([[0.0], np.cumsum(correction)])  # multiples of 360: exact
    return lons + (total - total[starts][arc]), lats


def track_segments(
    total_km: npt.ArrayLike,
    total_minutes: npt.ArrayLike,
    step_minutes: float = TRACK_STEP_MINUTES,
    max_step_km: float = TRACK_STEP_KM,
) -> npt.NDArray[np.int64]:
    """How many segments a track gets: at most ``step_minutes`` of flight time and
    ``max_step_km`` each, and at least one (one rule for single and batched tracks)."""
    km = _as_1d(total_km)
    minutes = _as_1d(total_minutes)
    by_distance = np.ceil(km / max_step_km - 1e-9)
    by_time = np.ceil(minutes / step_minutes - 1e-9)
    return np.maximum(1, np.maximum(by_distance, by_time)).astype(np.int64)


def position_at(
    lon1: float,
    lat1: float,
    dep_utc: datetime,
    lon2: float,
    lat2: float,
    arr_utc: datetime,
    t_utc: datetime,
) -> Position:
    """Exact position and heading at time ``t_utc`` of a flight at uniform ground speed.

    Clamped to the origin before departure and to the destination after arrival. The
    heading is the local forward azimuth of the geodesic (the arrival azimuth at the
    destination; 0 for a zero-length route). Longitude is normalized to [-180, 180].
    Raises ``ValueError`` for naive datetimes or if arrival is not after departure.
    """
    dep = _to_utc(dep_utc, "dep_utc")
    arr = _to_utc(arr_utc, "arr_utc")
    t = _to_utc(t_utc, "t_utc")
    if arr <= dep:
        raise ValueError(f"arrival {arr.isoformat()} is not after departure {dep.isoformat()}")
    az12, dist_m = _inv(lon1, lat1, lon2, lat2)
    if dist_m < ZERO_LENGTH_KM * 1000.0:
        return Position(_normalize_lon(lon1), float(lat1), 0.0)
    if t <= dep:
        fraction = 0.0
    elif t >= arr:
        fraction = 1.0
    else:
        fraction = (t - dep) / (arr - dep)
    lon, lat, az = _GEOD.fwd(lon1, lat1, az12, dist_m * fraction, return_back_azimuth=False)
    if fraction == 0.0:
        lon, lat, az = lon1, lat1, az12
    elif fraction == 1.0:
        lon, lat = lon2, lat2
    return Position(_normalize_lon(float(lon)), float(lat), _normalize_azimuth(float(az)))


def unwrap_lons(lons: Sequence[float]) -> list[float]:
    """Shift longitudes by multiples of 360 so consecutive values differ by <= 180.

    The first value is kept as is.
    """
    if len(lons) == 0:
        return []
    unwrapped: FloatArray = np.unwrap(np.asarray(lons, dtype=np.float64), period=360.0)
    return [float(x) for x in unwrapped]


def split_at_antimeridian(
    coords: Sequence[tuple[float, float]],
) -> list[list[tuple[float, float]]]:
    """Split an unwrapped ``[(lon, lat), ...]`` polyline where it crosses +/-180.

    Returns parts whose longitudes lie in [-180, 180]; at each crossing the part ends on
    the meridian (+180 or -180) and the next part starts at the opposite sign with the
    same, linearly interpolated latitude (suitable for an RFC 7946 MultiLineString).
    Parts with fewer than two points are dropped; the input should be unwrapped (see
    :func:`unwrap_lons`), otherwise a jump of more than 180 degrees is taken literally.
    """
    pts = [(float(lon), float(lat)) for lon, lat in coords]
    if not pts:
        return []

    # Offset (a multiple of 360) mapping the current part into [-180, 180]. If the line
    # starts exactly on an antimeridian, pick the side it moves towards.
    x0 = pts[0][0]
    offset = 360.0 * math.floor((x0 + 180.0) / 360.0)
    if x0 - offset < -180.0:  # x0 just under 180: x0 + 180.0 rounded up to 360.0
        offset -= 360.0
    if x0 - offset == -180.0:
        nxt = next((x for x, _ in pts[1:] if x != x0), x0)
        if nxt < x0:
            offset -= 360.0

    parts: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = [(x0 - offset, pts[0][1])]
    for (px, py), (x, y) in zip(pts, pts[1:], strict=False):
        while not -180.0 <= x - offset <= 180.0:
            east = x - offset > 180.0
            boundary = offset + (180.0 if east else -180.0)
            t = (boundary - px) / (x - px)
            lat_b = py + t * (y - py)
            edge = 180.0 if east else -180.0
            if current[-1] != (edge, lat_b):
                current.append((edge, lat_b))
            parts.append(current)
            offset += 360.0 if east else -360.0
            current = [(-edge, lat_b)]
        current.append((x - offset, y))
    parts.append(current)
    return [part for part in parts if len(part) >= 2]
