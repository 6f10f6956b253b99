"""Outlier fixes: positions no aircraft could have reached.

The rule
--------
A fix is an outlier when reaching it from the **last kept fix** means flying faster than
**1,500 km/h over the ground**, allowing **1 km** of position noise on top:

    distance_km > 1,500 * hours + 1.0

1,500 km/h is Mach 1.2 at sea level: airliners and business jets cruise at 850-950 km/h
true airspeed and, with the strongest jet-stream tailwinds, have been recorded at about
1,300 km/h over the ground; nothing a news story follows flies faster. The 1 km allowance
keeps multilateration jitter between fixes a second apart from counting as a jump. One
rule for every altitude: a tighter low-altitude limit would flag real fast descents.

Why it does not cascade
-----------------------
Each fix is compared with the last *kept* fix, not the previous one, so one bad fix is
skipped and the next good fix is compared with the good fix before it. The walk starts at
the first fix that begins a run of :data:`REANCHOR_FIXES` (4) fixes agreeing pairwise, so
a bad first fix cannot become the reference: the fixes before that run are checked
backwards from it. When a fix disagrees with the last kept fix but it and the next 3 agree
with each other, the walk **re-anchors** there: two long runs that disagree (a real
discontinuity, or two aircraft sharing an address) are both kept.

Cost: the rule is decided exactly on WGS84, but most pairs are settled without solving their
geodesic: a distance on the sphere of radius *a* (the equatorial radius) through the same
latitudes and longitudes, times :data:`SPHERE_BOUND`, is never shorter than the WGS84 geodesic
(the ellipsoid's radii of curvature are at most a²/b = 1.00337 a, at the poles; a path's
length on the ellipsoid is at most that factor times its length on the sphere, so the
shortest paths are too). A pair within the limit by that bound is within it by the geodesic;
only the others get ``Geod.inv`` (vectorized), and only around the (rare) pairs that break the
rule does a short scalar walk run. The distances themselves are not kept: a leg's recorded
length measures its own (:func:`geo.tracks.geometry.path_length_km`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.tracks.model import BoolArray, FloatArray

__all__ = [
    "MAX_SPEED_KMH",
    "SPHERE_BOUND",
    "NOISE_KM",
    "REANCHOR_FIXES",
    "flag_outliers",
    "outliers_and_jumps",
]

MAX_SPEED_KMH = 1500.0
NOISE_KM = 1.0
REANCHOR_FIXES = 4

SPHERE_BOUND = 1.004
"""Upper bound of WGS84 geodesic over spherical (radius a) distance: 1.003364 (a/b), rounded
up (see the module doc)."""

_GEOD = Geod(ellps="WGS84")
_A_M = _GEOD.a


def _sphere_upper_m(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """An upper bound of each WGS84 geodesic between consecutive fixes (m): the haversine
    distance on the sphere of radius a, times :data:`SPHERE_BOUND`."""
    phi = np.radians(lat)
    dphi = np.diff(phi)
    dlam = np.radians(np.diff(lon))
    h = np.sin(dphi / 2.0) ** 2 + np.cos(phi[:-1]) * np.cos(phi[1:]) * np.sin(dlam / 2.0) ** 2
    upper: FloatArray = (2.0 * _A_M * SPHERE_BOUND) * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return upper


def _reachable(d_m: FloatArray | float, dt_s: FloatArray | float) -> npt.NDArray[np.bool_]:
    return np.asarray(
        np.asarray(d_m) <= (MAX_SPEED_KMH / 3.6) * np.asarray(dt_s) + NOISE_KM * 1000.0
    )


def flag_outliers(t: FloatArray, lat: FloatArray, lon: FloatArray) -> BoolArray:
    """True for each fix that is an outlier by the module's rule.

    ``t`` must be strictly increasing (Unix seconds); ``lat``/``lon`` in degrees.
    """
    return outliers_and_jumps(t, lat, lon)[0]


def outliers_and_jumps(t: FloatArray, lat: FloatArray, lon: FloatArray) -> tuple[BoolArray, int]:
    """:func:`flag_outliers`, and how many pairs of consecutive fixes break the rule (two
    aircraft under one identity make many: see :mod:`geo.tracks.legs`)."""
    n = int(t.shape[0])
    out = np.zeros(n, dtype=np.bool_)
    if n < 2:
        return out, 0
    dt = np.diff(t)
    ok = _reachable(_sphere_upper_m(lat, lon), dt)  # ok[i]: i -> i+1, surely
    unsure = np.flatnonzero(~ok)
    if unsure.size:  # the geodesic decides
        _, _, dist = _GEOD.inv(lon[unsure], lat[unsure], lon[unsure + 1], lat[unsure + 1])
        ok[unsure] = _reachable(np.asarray(dist, dtype=np.float64), dt[unsure])
    if ok.all():
        return out, 0
    breaks = np.flatnonzero(~ok)

    def reachable(i: int, j: int) -> bool:
        _, _, dist = _GEOD.inv(float(lon[i]), float(lat[i]), float(lon[j]), float(lat[j]))
        return bool(_reachable(float(dist), float(t[j] - t[i])))

    # start where 4 fixes in a row agree; check the ones before it backwards from there
    runs = np.concatenate([[0], np.cumsum(ok)])
    span = REANCHOR_FIXES - 1
    chained = np.flatnonzero(runs[span:] - runs[:-span] == span) if n > span else np.zeros(0)
    first = int(chained[0]) if chained.size else 0
    earliest = first
    for i in range(first - 1, -1, -1):
        if reachable(i, earliest):
            earliest = i
        else:
            out[i] = True
    last = first  # the last kept fix
    j = first + 1
    while j < n:
        if last == j - 1 and ok[j - 1]:
            # in step with the pairwise test: keep everything up to the next break
            k = int(np.searchsorted(breaks, j - 1))
            stop = int(breaks[k]) if k < breaks.shape[0] else n - 1
            last, j = stop, stop + 1
            continue
        if reachable(last, j):
            last, j = j, j + 1
            continue
        end = j + span
        if end < n and runs[end] - runs[j] == span:  # j and the next fixes agree
            last, j = j, j + 1
            continue
        out[j] = True
        j += 1
    return out, int(breaks.shape[0])
