"""The airport nearest a fix, among the ~28,000 of the ``airportsdata`` package.

The index sorts the airports by latitude once; a query takes the latitude band of the
search radius by binary search, narrows it by longitude (wrapped at the antimeridian) with
numpy, and measures only the few airports left with one vectorized ``Geod.inv``. Any
number of fixes is one call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.model import Airport
from geo.tracks.model import FloatArray, IntArray

__all__ = ["ALTERNATIVE_KM", "MATCH_KM", "AirportIndex", "default_airports"]

MATCH_KM = 10.0
"""An end of a leg is at an airport when the fix is within this distance of it."""

ALTERNATIVE_KM = 5.0
"""Other airfields within this distance of a leg's end fix are named as alternatives."""

_GEOD = Geod(ellps="WGS84")
_KM_PER_DEG_LAT = 110.574  # the shortest degree of latitude (at the equator)


class AirportIndex:
    """Airports sorted for nearest-neighbour queries within a small radius."""

    def __init__(
        self, airports: Sequence[Airport], elevations_ft: Sequence[float] | None = None
    ) -> None:
        """``elevations_ft``: each airport's field elevation in feet, in the same order
        (NaN or None: unknown, taken as sea level by :meth:`elevation_ft`)."""
        lats = np.array([a.lat for a in airports], dtype=np.float64)
        order = np.argsort(lats, kind="stable")
        self._airports = [airports[int(k)] for k in order]
        self._lat = lats[order]
        self._lon = np.array([a.lon for a in self._airports], dtype=np.float64)
        elev = (
            np.zeros(len(airports))
            if elevations_ft is None
            else np.array(elevations_ft, dtype=np.float64)
        )
        if elev.shape[0] != len(airports):
            raise ValueError(f"{elev.shape[0]} elevations for {len(airports)} airports")
        self._elev = np.nan_to_num(elev[order], nan=0.0)

    def __len__(self) -> int:
        return len(self._airports)

    def airport(self, k: int) -> Airport:
        return self._airports[k]

    def elevation_ft(self, k: npt.ArrayLike) -> FloatArray:
        """Field elevation (ft) of the airports at indices ``k`` (as :meth:`nearest` gives);
        0 where ``k`` is -1 (no airport: sea level) or the elevation is unknown."""
        ks = np.atleast_1d(np.asarray(k, dtype=np.int64))
        if not len(self):
            return np.zeros(ks.shape[0])
        return np.where(ks >= 0, self._elev[np.maximum(ks, 0)], 0.0)

    def within(
        self, lats: npt.ArrayLike, lons: npt.ArrayLike, max_km: float
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Every (point, airport) pair within ``max_km``: ``(point index, airport index,
        km)``, per point nearest first."""
        q_lat = np.atleast_1d(np.asarray(lats, dtype=np.float64)).ravel()
        q_lon = np.atleast_1d(np.asarray(lons, dtype=np.float64)).ravel()
        nq = q_lat.shape[0]
        none = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        if not nq or not len(self):
            return none
        dlat = (max_km + 1.0) / _KM_PER_DEG_LAT
        lo = np.searchsorted(self._lat, q_lat - dlat, side="left")
        hi = np.searchsorted(self._lat, q_lat + dlat, side="right")
        counts = hi - lo
        total = int(counts.sum())
        if not total:
            return none
        query = np.repeat(np.arange(nq), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        cand = np.repeat(lo, counts) + offsets
        # longitude window: a degree of longitude is cos(lat) degrees of latitude long
        cos_lat = np.cos(np.radians(np.minimum(np.abs(q_lat) + dlat, 90.0)))
        dlon = np.where(cos_lat > 1e-6, dlat / np.maximum(cos_lat, 1e-6), 360.0)
        wrapped = np.abs((self._lon[cand] - q_lon[query] + 180.0) % 360.0 - 180.0)
        near = wrapped <= dlon[query]
        query, cand = query[near], cand[near]
        if not query.size:
            return none
        _, _, dist_m = _GEOD.inv(q_lon[query], q_lat[query], self._lon[cand], self._lat[cand])
        km = np.asarray(dist_m, dtype=np.float64) / 1000.0
        inside = km <= max_km
        query, cand, km = query[inside], cand[inside], km[inside]
        order = np.lexsort((cand, km, query))  # per query, nearest first (ties: stable)
        return query[order], cand[order], km[order]

    def nearest(
        self, lats: npt.ArrayLike, lons: npt.ArrayLike, max_km: float = MATCH_KM
    ) -> tuple[IntArray, FloatArray]:
        """For each point, the index of the nearest airport within ``max_km`` (-1 if none)
        and its distance in km (NaN if none). Use :meth:`airport` to get the record."""
        nq = np.atleast_1d(np.asarray(lats, dtype=np.float64)).ravel().shape[0]
        best = np.full(nq, -1, dtype=np.int64)
        best_km = np.full(nq, np.nan)
        query, cand, km = self.within(lats, lons, max_km)
        if not query.size:
            return best, best_km
        first = np.unique(query, return_index=True)[1]
        best[query[first]] = cand[first]
        best_km[query[first]] = km[first]
        return best, best_km


def _row_elevation(row: Mapping[str, Any]) -> float:
    try:
        value = float(row.get("elevation") or 0.0)
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) else 0.0


def _row_airport(row: Mapping[str, Any]) -> Airport | None:
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return Airport(
        iata=str(row.get("iata") or ""),
        icao=str(row.get("icao") or ""),
        name=str(row.get("name") or row.get("icao") or ""),
        city=str(row.get("city") or ""),
        country=str(row.get("country") or ""),
        lat=lat,
        lon=lon,
        tz=str(row.get("tz") or "UTC"),
    )


@lru_cache(maxsize=1)
def default_airports() -> AirportIndex:
    """Every airport of ``airportsdata.load("ICAO")`` with its field elevation (built once,
    then cached)."""
    import airportsdata  # lazy: 28k rows, only needed once tracks are read

    table: Mapping[str, Mapping[str, Any]] = airportsdata.load("ICAO")
    airports: list[Airport] = []
    elevations: list[float] = []
    for row in table.values():
        airport = _row_airport(row)
        if airport is not None:
            airports.append(airport)
            elevations.append(_row_elevation(row))
    return AirportIndex(airports, elevations)
