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

__all__ = ["MATCH_KM", "AirportIndex", "default_airports"]

MATCH_KM = 10.0
"""An end of a leg is at an airport when the fix is within this distance of it."""

_GEOD = Geod(ellps="WGS84")
_KM_PER_DEG_LAT = 110.574  # the shortest degree of latitude (at the equator)


class AirportIndex:
    """Airports sorted for nearest-neighbour queries within a small radius."""

    def __init__(self, airports: Sequence[Airport]) -> None:
        lats = np.array([a.lat for a in airports], dtype=np.float64)
        order = np.argsort(lats, kind="stable")
        self._airports = [airports[int(k)] for k in order]
        self._lat = lats[order]
        self._lon = np.array([a.lon for a in self._airports], dtype=np.float64)

    def __len__(self) -> int:
        return len(self._airports)

    def airport(self, k: int) -> Airport:
        return self._airports[k]

    def nearest(
        self, lats: npt.ArrayLike, lons: npt.ArrayLike, max_km: float = MATCH_KM
    ) -> tuple[IntArray, FloatArray]:
        """For each point, the index of the nearest airport within ``max_km`` (-1 if none)
        and its distance in km (NaN if none). Use :meth:`airport` to get the record."""
        q_lat = np.atleast_1d(np.asarray(lats, dtype=np.float64)).ravel()
        q_lon = np.atleast_1d(np.asarray(lons, dtype=np.float64)).ravel()
        nq = q_lat.shape[0]
        best = np.full(nq, -1, dtype=np.int64)
        best_km = np.full(nq, np.nan)
        if not nq or not len(self):
            return best, best_km
        dlat = (max_km + 1.0) / _KM_PER_DEG_LAT
        lo = np.searchsorted(self._lat, q_lat - dlat, side="left")
        hi = np.searchsorted(self._lat, q_lat + dlat, side="right")
        counts = hi - lo
        total = int(counts.sum())
        if not total:
            return best, best_km
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
            return best, best_km
        _, _, dist_m = _GEOD.inv(q_lon[query], q_lat[query], self._lon[cand], self._lat[cand])
        km = np.asarray(dist_m, dtype=np.float64) / 1000.0
        inside = km <= max_km
        query, cand, km = query[inside], cand[inside], km[inside]
        order = np.lexsort((cand, km, query))  # per query, nearest first (ties: stable)
        first = np.unique(query[order], return_index=True)[1]
        chosen = order[first]
        best[query[chosen]] = cand[chosen]
        best_km[query[chosen]] = km[chosen]
        return best, best_km


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
    """Every airport of ``airportsdata.load("ICAO")`` (built once, then cached)."""
    import airportsdata  # lazy: 28k rows, only needed once tracks are read

    table: Mapping[str, Mapping[str, Any]] = airportsdata.load("ICAO")
    airports = [a for a in map(_row_airport, table.values()) if a is not None]
    return AirportIndex(airports)
