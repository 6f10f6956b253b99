"""Fewer fixes for drawing, with time kept: Douglas-Peucker on the ellipsoid, by the
*time-synchronized* distance, all legs at once.

:func:`simplify` returns the trace indices of the fixes to draw: the first and last fix of
the leg, both ends of every coverage gap, and enough others that every fix left out lies
within ``tolerance_m`` of where the drawn path puts the aircraft **at that fix's time**: on
the geodesic between the kept fixes around it, at the fraction of the time between them
(the map moves the aircraft so, and :func:`geo.tracks.positions_at` does on all fixes). So
the drawn path is within the tolerance of the recorded one in space *and* the aircraft on
it is within the tolerance of the interpolated recorded position at every fix's time (a
distance from the path alone would let a segment with a change of speed keep the aircraft
kilometres ahead of the record). The kept fixes are recorded fixes, with their own times:
nothing is moved or invented.

How: rounds on the sphere with the same latitudes and longitudes (unit vectors; the
point at the time's fraction by spherical interpolation) split every segment still too far
at its farthest fix, for every leg in the same numpy operations, so the number of rounds is
the depth of the Douglas-Peucker tree, not the number of fixes. The sphere's fraction of a
segment is not quite the ellipsoid's, so a last check measures every left-out fix exactly
on WGS84 (pyproj ``Geod``: the geodesic, the point at the fraction, the distance to it) and
splits what is still over; it repeats until nothing is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyproj import Geod

from geo.tracks.geometry import EARTH_RADIUS_M, unit_vectors
from geo.tracks.model import BoolArray, FloatArray, IntArray, Leg

__all__ = ["simplify", "simplify_many"]

_GEOD = Geod(ellps="WGS84")


def _norm(v: FloatArray) -> FloatArray:
    return np.asarray(np.sqrt(np.einsum("ij,ij->i", v, v)), dtype=np.float64)


def _dot(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.asarray(np.einsum("ij,ij->i", a, b), dtype=np.float64)


def _segments(prev: IntArray) -> tuple[IntArray, IntArray]:
    """``(first, segment)``: the position of each segment's first candidate, and each
    candidate's segment, for candidates sorted by position (a segment is its kept fix
    ``prev``; the one after is then the same)."""
    starts = np.concatenate([[True], prev[1:] != prev[:-1]])
    return np.flatnonzero(starts), np.cumsum(starts) - 1


def _synchronized_m(
    x: FloatArray, a: FloatArray, b: FloatArray, u: FloatArray, segment: IntArray
) -> FloatArray:
    """Distance (m, on the sphere) of each ``x`` from the point a fraction ``u`` of the way
    along the arc ``a``-``b`` (spherical interpolation); ``a`` and ``b`` one per segment,
    ``segment`` each ``x``'s."""
    omega = np.arctan2(_norm(np.cross(a, b)), _dot(a, b))[segment]
    a, b = a[segment], b[segment]
    small = omega < 1e-9
    sin_omega = np.where(small, 1.0, np.sin(omega))
    wa = np.where(small, 1.0 - u, np.sin((1.0 - u) * omega) / sin_omega)
    wb = np.where(small, u, np.sin(u * omega) / sin_omega)
    p = wa[:, None] * a + wb[:, None] * b
    return np.asarray(
        np.arctan2(_norm(np.cross(x, p)), _dot(x, p)) * EARTH_RADIUS_M, dtype=np.float64
    )


def _synchronized_exact_m(
    lon: FloatArray, lat: FloatArray, t: FloatArray, x: IntArray, a: IntArray, b: IntArray
) -> FloatArray:
    """The same distance on the WGS84 ellipsoid (pyproj), for fixes ``x`` between ``a`` and
    ``b`` (positions in the concatenated arrays, ``x`` sorted): each segment's geodesic is
    solved once."""
    first, segment = _segments(a)
    az, _, dist = _GEOD.inv(lon[a[first]], lat[a[first]], lon[b[first]], lat[b[first]])
    az, dist = np.asarray(az)[segment], np.asarray(dist)[segment]
    u = (t[x] - t[a]) / (t[b] - t[a])
    p_lon, p_lat, _ = _GEOD.fwd(lon[a], lat[a], az, u * dist)
    _, _, d = _GEOD.inv(p_lon, p_lat, lon[x], lat[x])
    return np.asarray(d, dtype=np.float64)


def _around(keep: BoolArray, cand: IntArray) -> tuple[IntArray, IntArray]:
    """For each candidate position, the kept positions before and after it."""
    total = keep.shape[0]
    positions = np.arange(total)
    prev = np.maximum.accumulate(np.where(keep, positions, 0))[cand]
    nxt = np.minimum.accumulate(np.where(keep, positions, total)[::-1])[::-1][cand]
    return prev, nxt


def _worst_per_segment(
    cand: IntArray, prev: IntArray, excess: FloatArray
) -> tuple[IntArray, BoolArray, IntArray]:
    """``(farthest, too_far, seg_of)``: the farthest candidate of each segment still over
    the tolerance, whether each segment is over, and each candidate's segment."""
    first = np.concatenate([[True], prev[1:] != prev[:-1]])
    seg_start = np.flatnonzero(first)
    seg_of = np.cumsum(first) - 1
    worst = np.maximum.reduceat(excess, seg_start)
    too_far = worst > 0.0
    farthest = too_far[seg_of] & (excess == worst[seg_of])
    chosen = cand[farthest][np.unique(seg_of[farthest], return_index=True)[1]]
    return chosen, too_far, seg_of


def simplify_many(legs: Sequence[Leg], tolerance_m: float = 100.0) -> list[IntArray]:
    """:func:`simplify` of each leg, all in the same vectorized rounds."""
    if not tolerance_m > 0.0:
        raise ValueError(f"tolerance_m must be positive, got {tolerance_m}")
    sizes = np.array([len(leg) for leg in legs], dtype=np.int64)
    if not sizes.size:
        return []
    total = int(sizes.sum())
    offsets = np.cumsum(sizes) - sizes
    lat = np.concatenate([leg.lat for leg in legs])
    lon = np.concatenate([leg.lon for leg in legs])
    t = np.concatenate([leg.t for leg in legs])
    points = unit_vectors(lat, lon)
    keep: BoolArray = np.zeros(total, dtype=np.bool_)
    keep[offsets] = True
    keep[offsets + sizes - 1] = True
    for offset, leg in zip(offsets.tolist(), legs, strict=True):
        for gap in leg.gaps:
            at = offset + int(np.searchsorted(leg.index, gap.start_index))
            keep[at : at + 2] = True
    limit = tolerance_m / 1.01  # the sphere's rounds leave a margin for the exact check
    pending = ~keep
    while True:  # on the sphere
        cand = np.flatnonzero(pending)
        if not cand.size:
            break
        prev, nxt = _around(keep, cand)
        u = (t[cand] - t[prev]) / (t[nxt] - t[prev])
        first, segment = _segments(prev)
        ends_a, ends_b = points[prev[first]], points[nxt[first]]
        excess = _synchronized_m(points[cand], ends_a, ends_b, u, segment) - limit
        chosen, too_far, seg_of = _worst_per_segment(cand, prev, excess)
        keep[chosen] = True
        pending[cand[~too_far[seg_of]]] = False
        pending[chosen] = False
    while True:  # exactly, on the ellipsoid
        cand = np.flatnonzero(~keep)
        if not cand.size:
            break
        prev, nxt = _around(keep, cand)
        excess = _synchronized_exact_m(lon, lat, t, cand, prev, nxt) - tolerance_m
        chosen, _, _ = _worst_per_segment(cand, prev, excess)
        if not chosen.size:
            break
        keep[chosen] = True
    return [
        leg.index[keep[offset : offset + size]]
        for leg, offset, size in zip(legs, offsets.tolist(), sizes.tolist(), strict=True)
    ]


def simplify(leg: Leg, tolerance_m: float = 100.0) -> IntArray:
    """Trace indices of the fixes to draw for ``leg`` (see the module doc); always the
    first and last fix and both ends of each coverage gap, in time order."""
    return simplify_many([leg], tolerance_m)[0]
