"""Fewer fixes for drawing: Douglas-Peucker on the ellipsoid, all legs at once.

:func:`simplify` returns the trace indices of the fixes to draw: the first and last fix of
the leg, both ends of every coverage gap, and enough others that every fix left out lies
within ``tolerance_m`` of the **geodesic** between the kept fixes around it (the path is
meant to be drawn geodesic by geodesic, as :func:`geo.geodesy.arcs_ragged` does). The kept
fixes are recorded fixes, with their own times: nothing is moved or invented.

How: distances are measured on the sphere with the same latitudes and longitudes (unit
vectors, cross-track to the great circle, or to the nearer end beyond the segment), and a
segment is accepted only when its farthest fix, plus a margin for the sphere, is within the
tolerance: 1 % of the distance, plus ``1.1 * f * L**2 / (8 R)`` for a segment ``L`` long,
which bounds how far the ellipsoid's geodesic strays from the sphere's great circle (``f``
the flattening; 16 m for 500 km, 65 m for 1,000 km: long straight stretches get a fix every
few hundred km). Each round splits every segment still too far at its farthest fix, for
every leg in the same numpy operations, so the number of rounds is the depth of the
Douglas-Peucker tree, not the number of fixes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geo.tracks.geometry import EARTH_RADIUS_M, unit_vectors
from geo.tracks.model import BoolArray, FloatArray, IntArray, Leg

__all__ = ["simplify", "simplify_many"]

_FLATTENING = 1.0 / 298.257223563


def _norm(v: FloatArray) -> FloatArray:
    return np.asarray(np.sqrt(np.einsum("ij,ij->i", v, v)), dtype=np.float64)


def _dot(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.asarray(np.einsum("ij,ij->i", a, b), dtype=np.float64)


def _segment_distance_m(
    x: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Distance (m, on the sphere) of each ``x`` from the arc ``a``-``b``, and the arcs'
    lengths (m)."""
    normal = np.cross(a, b)
    size = _norm(normal)
    length = np.arctan2(size, _dot(a, b)) * EARTH_RADIUS_M
    to_a = np.arctan2(_norm(np.cross(x, a)), _dot(x, a))
    to_b = np.arctan2(_norm(np.cross(x, b)), _dot(x, b))
    ends = np.minimum(to_a, to_b)
    arc = size > 1e-12
    unit = normal / np.where(arc, size, 1.0)[:, None]
    sx = _dot(x, unit)
    foot = x - sx[:, None] * unit
    inside = arc & (_dot(np.cross(a, foot), unit) >= 0.0) & (_dot(np.cross(foot, b), unit) >= 0.0)
    cross = np.abs(np.arcsin(np.clip(sx, -1.0, 1.0)))
    return np.where(inside, cross, ends) * EARTH_RADIUS_M, length


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
    points = unit_vectors(lat, lon)
    keep: BoolArray = np.zeros(total, dtype=np.bool_)
    keep[offsets] = True
    keep[offsets + sizes - 1] = True
    for offset, leg in zip(offsets.tolist(), legs, strict=True):
        for gap in leg.gaps:
            at = offset + int(np.searchsorted(leg.index, gap.start_index))
            keep[at : at + 2] = True
    pending = ~keep
    positions = np.arange(total)
    while True:
        cand = np.flatnonzero(pending)
        if not cand.size:
            break
        prev = np.maximum.accumulate(np.where(keep, positions, 0))[cand]
        nxt = np.minimum.accumulate(np.where(keep, positions, total)[::-1])[::-1][cand]
        dist, length = _segment_distance_m(points[cand], points[prev], points[nxt])
        limit = (tolerance_m - 1.1 * _FLATTENING * length**2 / (8.0 * EARTH_RADIUS_M)) / 1.01
        excess = dist - limit
        first = np.concatenate([[True], prev[1:] != prev[:-1]])
        seg_start = np.flatnonzero(first)
        seg_of = np.cumsum(first) - 1
        worst = np.maximum.reduceat(excess, seg_start)
        too_far = worst > 0.0
        farthest = too_far[seg_of] & (excess == worst[seg_of])
        chosen = cand[farthest][np.unique(seg_of[farthest], return_index=True)[1]]
        keep[chosen] = True
        pending[cand[~too_far[seg_of]]] = False
        pending[chosen] = False
    return [
        leg.index[keep[offset : offset + size]]
        for leg, offset, size in zip(legs, offsets.tolist(), sizes.tolist(), strict=True)
    ]


def simplify(leg: Leg, tolerance_m: float = 100.0) -> IntArray:
    """Trace indices of the fixes to draw for ``leg`` (see the module doc); always the
    first and last fix and both ends of each coverage gap, in time order."""
    return simplify_many([leg], tolerance_m)[0]
