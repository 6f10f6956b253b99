"""Geometry of recorded legs on the WGS84 ellipsoid (pyproj ``Geod``), vectorized.

* :func:`path_length_km`: the sum of the geodesic segments between consecutive fixes of a
  leg (outliers left out). Across a coverage gap the segment is the straight geodesic
  between the fixes on either side: the least the aircraft flew there.
* :func:`offtrack_km`: each point's distance from a geodesic *segment* (from an origin to a
  destination): the length of the shortest geodesic to the nearest point of the segment,
  which is the perpendicular foot or an end. The foot is found by iterating the
  along-track correction (start from the spherical projection; move by the along-track
  component of the geodesic from the current foot to the point, measured with
  ``Geod.inv``; clamp to the segment): it converges in a few steps, to well under a metre,
  for every point of one leg in the same ``Geod.fwd`` / ``Geod.inv`` calls.
* :func:`position_at` / :func:`positions_at`: where the aircraft was at a time, on the
  geodesic between the two recorded fixes around it, at the fraction of the time between
  them; the heading is that geodesic's azimuth there.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.tracks.model import FloatArray, Leg

__all__ = [
    "EARTH_RADIUS_M",
    "TrackPosition",
    "distances_km",
    "max_offtrack_km",
    "offtrack_km",
    "along_segments",
    "path_length_km",
    "position_at",
    "positions_at",
    "unit_vectors",
]

_GEOD = Geod(ellps="WGS84")
EARTH_RADIUS_M = 6371008.8  # mean radius, for the spherical first guesses only


class TrackPosition(NamedTuple):
    """``(lon, lat, heading_deg)``; the same names as :class:`geo.geodesy.Position`."""

    lon: float
    lat: float
    heading_deg: float


def unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Points as unit vectors (N, 3) of the sphere with the same latitudes and longitudes."""
    la, lo = np.radians(lat), np.radians(lon)
    cos_la = np.cos(la)
    return np.stack([cos_la * np.cos(lo), cos_la * np.sin(lo), np.sin(la)], axis=-1)


def distances_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Geodesic distances between pairs of points (broadcast together), in km."""
    a, b, c, d = (
        np.ascontiguousarray(x, dtype=np.float64)
        for x in np.broadcast_arrays(
            *(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (lon1, lat1, lon2, lat2))
        )
    )
    _, _, dist = _GEOD.inv(a, b, c, d)
    return np.asarray(dist, dtype=np.float64) / 1000.0


def path_length_km(leg: Leg) -> float:
    """Length of the recorded path (geodesic segments between kept fixes), in km."""
    if leg.index.shape[0] < 2:
        return 0.0
    lon, lat = leg.lon, leg.lat
    _, _, d = _GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return float(np.sum(d)) / 1000.0


def _f64(x: npt.ArrayLike, n: int) -> FloatArray:
    return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)))


def offtrack_km(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    lon1: npt.ArrayLike,
    lat1: npt.ArrayLike,
    lon2: npt.ArrayLike,
    lat2: npt.ArrayLike,
    iterations: int = 8,
) -> FloatArray:
    """Distance in km of each point from the geodesic segment from (lon1, lat1) to
    (lon2, lat2); the segment's ends may be scalars or one per point."""
    p_lon = np.atleast_1d(np.asarray(lon, dtype=np.float64)).ravel()
    p_lat = np.atleast_1d(np.asarray(lat, dtype=np.float64)).ravel()
    n = p_lon.shape[0]
    if not n:
        return np.zeros(0)
    a_lon, a_lat, b_lon, b_lat = (_f64(x, n) for x in (lon1, lat1, lon2, lat2))
    if all(np.ndim(x) == 0 for x in (lon1, lat1, lon2, lat2)):  # one segment: one inverse
        one = _GEOD.inv(a_lon[:1], a_lat[:1], b_lon[:1], b_lat[:1])
        az, _, length = (np.repeat(np.asarray(x, dtype=np.float64), n) for x in one)
    else:
        az, _, length = (
            np.asarray(x, dtype=np.float64) for x in _GEOD.inv(a_lon, a_lat, b_lon, b_lat)
        )
    # first guess: the along-track fraction of the spherical projection
    a = unit_vectors(a_lat, a_lon)
    b = unit_vectors(b_lat, b_lon)
    p = unit_vectors(p_lat, p_lon)
    normal = np.cross(a, b)
    norm = np.linalg.norm(normal, axis=1)
    ok = norm > 1e-12
    normal[ok] /= norm[ok, None]
    foot = p - np.sum(p * normal, axis=1)[:, None] * normal
    along = np.arctan2(np.sum(np.cross(a, foot) * normal, axis=1), np.sum(a * foot, axis=1))
    whole = np.arctan2(norm, np.sum(a * b, axis=1))
    fraction = np.where(ok & (whole > 0), along / np.where(whole > 0, whole, 1.0), 0.0)
    s = np.clip(fraction, 0.0, 1.0) * length
    dist = np.zeros(n)
    for _ in range(iterations):
        f_lon, f_lat, f_az = _GEOD.fwd(a_lon, a_lat, az, s, return_back_azimuth=False)
        to_p, _, d = _GEOD.inv(f_lon, f_lat, p_lon, p_lat)
        dist = np.asarray(d, dtype=np.float64)
        sigma = dist / EARTH_RADIUS_M
        turn = np.radians(np.asarray(to_p) - np.asarray(f_az))
        step = EARTH_RADIUS_M * np.arctan2(np.sin(sigma) * np.cos(turn), np.cos(sigma))
        s_new = np.clip(s + step, 0.0, length)
        if np.all(np.abs(s_new - s) < 1e-3):  # the foot moves < 1 mm: d is its distance
            break
        s = s_new
    else:
        f_lon, f_lat, _ = _GEOD.fwd(a_lon, a_lat, az, s)
        dist = np.asarray(_GEOD.inv(f_lon, f_lat, p_lon, p_lat)[2], dtype=np.float64)
    # the nearest point of the segment is the foot or an end (a zero-length segment is a
    # point): where the iteration clamped to an end, it is the end on the foot's side
    # along the great circle, which for a point far off (thousands of km) may be the
    # farther end: take the nearer
    ended = np.flatnonzero((s <= 0.0) | (s >= length))
    if ended.size:
        _, _, to_a = _GEOD.inv(a_lon[ended], a_lat[ended], p_lon[ended], p_lat[ended])
        _, _, to_b = _GEOD.inv(b_lon[ended], b_lat[ended], p_lon[ended], p_lat[ended])
        dist[ended] = np.minimum(dist[ended], np.minimum(np.asarray(to_a), np.asarray(to_b)))
    return np.asarray(dist, dtype=np.float64) / 1000.0


def _spherical_offtrack_m(p: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Distance (m, on the mean sphere) of unit vectors ``p`` (N, 3) from the arc ``a``-``b``
    (two unit 3-vectors): matrix-vector products only, no per-point cross products."""
    to_a = np.arccos(np.clip(p @ a, -1.0, 1.0))
    to_b = np.arccos(np.clip(p @ b, -1.0, 1.0))
    ends = np.minimum(to_a, to_b)
    normal = np.cross(a, b)
    norm = float(np.linalg.norm(normal))
    if norm < 1e-12:
        return np.asarray(ends * EARTH_RADIUS_M, dtype=np.float64)
    normal = normal / norm
    pn = p @ normal
    cross = np.arcsin(np.clip(pn, -1.0, 1.0))

    def foot_dot(v: FloatArray) -> FloatArray:  # (p - (p.n) n) . v
        return np.asarray(p @ v - pn * float(normal @ v), dtype=np.float64)

    # the foot is on the arc: past a towards b, before b, on the arc's side of the sphere
    inside = (
        (foot_dot(np.cross(normal, a)) >= 0.0)
        & (foot_dot(np.cross(b, normal)) >= 0.0)
        & (foot_dot(a + b) > 0.0)
    )
    return np.asarray(np.where(inside, np.abs(cross), ends) * EARTH_RADIUS_M, dtype=np.float64)


def max_offtrack_km(
    lon: npt.ArrayLike, lat: npt.ArrayLike, lon1: float, lat1: float, lon2: float, lat2: float
) -> float:
    """The largest :func:`offtrack_km` of the points from one segment, measured exactly on
    WGS84 for the points the sphere puts near the largest (within a margin wider than the
    sphere's error, see the code), so a leg of any length costs few geodesics. 0 for no
    points."""
    p_lon = np.atleast_1d(np.asarray(lon, dtype=np.float64)).ravel()
    p_lat = np.atleast_1d(np.asarray(lat, dtype=np.float64)).ravel()
    if not p_lon.size:
        return 0.0
    a = unit_vectors(np.array([lat1]), np.array([lon1]))[0]
    b = unit_vectors(np.array([lat2]), np.array([lon2]))[0]
    rough = _spherical_offtrack_m(unit_vectors(p_lat, p_lon), a, b)
    top = float(np.max(rough))
    # the sphere's distances stray from the ellipsoid's by under 1 % of themselves, and its
    # great circle from the geodesic by under 0.34 % of the route's length (the flattening)
    _, _, route_m = _GEOD.inv(lon1, lat1, lon2, lat2)
    margin = 0.02 * top + 0.004 * float(route_m) + 1000.0
    near = np.flatnonzero(rough >= top - margin)
    exact = offtrack_km(p_lon[near], p_lat[near], lon1, lat1, lon2, lat2)
    return float(np.max(exact))


def _seconds(value: datetime | float) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"t must be a timezone-aware datetime, got naive {value!r}")
        return value.timestamp()
    return float(value)


def along_segments(
    t: FloatArray, lon: FloatArray, lat: FloatArray, i: npt.NDArray[np.int64], q: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The positions at times ``q``, each between fixes ``i`` and ``i + 1``, along their WGS84
    geodesic (the fraction of the time between them, clamped to the two fixes, which are
    given exactly): ``(lons in [-180, 180], lats, fraction, azimuth at fix i, azimuth there,
    the segment's length in m)``. One ``inv`` and one ``fwd`` for all of them."""
    j = i + 1
    u = np.clip((q - t[i]) / (t[j] - t[i]), 0.0, 1.0)
    az, _, dist = _GEOD.inv(lon[i], lat[i], lon[j], lat[j])
    az = np.asarray(az, dtype=np.float64)
    dist = np.asarray(dist, dtype=np.float64)
    p_lon, p_lat, p_az = _GEOD.fwd(lon[i], lat[i], az, u * dist, return_back_azimuth=False)
    p_lon = np.asarray(p_lon, dtype=np.float64)
    p_lat = np.asarray(p_lat, dtype=np.float64)
    start, end = u == 0.0, u == 1.0
    p_lon[start], p_lat[start] = lon[i][start], lat[i][start]
    p_lon[end], p_lat[end] = lon[j][end], lat[j][end]
    p_lon = np.where(np.abs(p_lon) <= 180.0, p_lon, (p_lon + 180.0) % 360.0 - 180.0)
    return p_lon, p_lat, u, az, np.asarray(p_az, dtype=np.float64), dist


def positions_at(leg: Leg, times: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(lons, lats, headings)`` at each time (Unix seconds), interpolated along the
    geodesic between the recorded fixes around it; clamped to the first and last fix.

    At a fix's own time the position is that fix exactly and the heading is the azimuth
    towards the next fix (at the last fix: the arrival azimuth from the one before).
    Longitudes are in [-180, 180], headings in [0, 360).
    """
    t = leg.t
    lon, lat = leg.lon, leg.lat
    q = np.atleast_1d(np.asarray(times, dtype=np.float64)).ravel()
    n = t.shape[0]
    seg = np.clip(np.searchsorted(t, q, side="right") - 1, 0, max(n - 2, 0))
    if n < 2:
        return np.full(q.shape, lon[0]), np.full(q.shape, lat[0]), np.zeros(q.shape)
    p_lon, p_lat, u, az, p_az, dist = along_segments(t, lon, lat, seg, q)
    heading = np.where(u == 0.0, az, p_az)
    still = dist < 1.0  # no movement: the recorded track, else north
    if still.any():
        recorded = leg.trace.track_deg[leg.index][seg][still]
        heading[still] = np.where(np.isnan(recorded), 0.0, recorded)
    heading = np.mod(heading, 360.0)
    heading[heading >= 360.0] = 0.0
    return p_lon, p_lat, heading


def position_at(leg: Leg, t: datetime | float) -> TrackPosition:
    """The aircraft's position and heading at ``t`` (an aware datetime or Unix seconds);
    see :func:`positions_at`. Raises ``ValueError`` for a naive datetime."""
    lons, lats, headings = positions_at(leg, [_seconds(t)])
    return TrackPosition(float(lons[0]), float(lats[0]), float(headings[0]))
