"""Airfields for the archive: a code (IATA or ICAO) to its place and elevation, and the
other airfields near a leg's end (the alternatives the legs index names).

The nearest airport of a leg's end is :mod:`geo.tracks.airports`' rule; this module only
lists the others within :data:`ALTERNATIVE_KM` of the same fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from pyproj import Geod

__all__ = ["ALTERNATIVE_KM", "Airfield", "alternatives", "alternatives_many", "resolve_airport"]

ALTERNATIVE_KM = 5.0
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Airfield:
    code: str  # ICAO (IATA when it has none), as the legs index writes it
    iata: str
    name: str
    lat_deg: float
    lon_deg: float
    elevation_ft: float


@lru_cache(maxsize=1)
def _table() -> tuple[list[Airfield], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    import airportsdata

    rows: Mapping[str, Mapping[str, Any]] = airportsdata.load("ICAO")
    fields = sorted(
        (
            Airfield(
                code=str(r.get("icao") or r.get("iata") or key),
                iata=str(r.get("iata") or ""),
                name=str(r.get("name") or key),
                lat_deg=float(r["lat"]),
                lon_deg=float(r["lon"]),
                elevation_ft=float(r.get("elevation") or 0.0),
            )
            for key, r in rows.items()
        ),
        key=lambda a: (a.lat_deg, a.code),
    )
    lat = np.array([a.lat_deg for a in fields])
    lon = np.array([a.lon_deg for a in fields])
    return fields, lat, lon


def resolve_airport(code: str) -> Airfield | None:
    """An airport by ICAO or IATA code (case-insensitive), or None."""
    wanted = code.strip().upper()
    if not wanted:
        return None
    fields, _, _ = _table()
    for field in fields:
        if field.code == wanted:
            return field
    for field in fields:
        if field.iata == wanted:
            return field
    return None


def alternatives_many(
    lats: Sequence[float],
    lons: Sequence[float],
    chosen: Sequence[str],
    km: float = ALTERNATIVE_KM,
) -> list[str]:
    """For each fix, ``RJCJ 1.9 km;RJCO 4.2 km``: the airfields within ``km`` of it other
    than its ``chosen`` code, nearest first ("" if none); one geodesic call for all."""
    q_lat = np.asarray(lats, dtype=np.float64)
    q_lon = np.asarray(lons, dtype=np.float64)
    n = int(q_lat.shape[0])
    out = [""] * n
    if not n:
        return out
    fields, f_lat, f_lon = _table()
    band = km / 110.0 + 0.01
    lo = np.searchsorted(f_lat, q_lat - band, side="left")
    hi = np.searchsorted(f_lat, q_lat + band, side="right")
    counts = hi - lo
    total = int(counts.sum())
    if not total:
        return out
    query = np.repeat(np.arange(n), counts)
    cand = np.repeat(lo, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    cos_lat = np.maximum(np.cos(np.radians(np.minimum(np.abs(q_lat) + band, 89.9))), 1e-6)
    wrapped = np.abs((f_lon[cand] - q_lon[query] + 180.0) % 360.0 - 180.0)
    keep = wrapped <= band / cos_lat[query]
    query, cand = query[keep], cand[keep]
    if not query.size:
        return out
    _, _, dist_m = _GEOD.inv(q_lon[query], q_lat[query], f_lon[cand], f_lat[cand])
    dist_km = np.asarray(dist_m, dtype=np.float64) / 1000.0
    found: dict[int, list[tuple[float, str]]] = {}
    for q, k, d in zip(query.tolist(), cand.tolist(), dist_km.tolist(), strict=True):
        code = fields[k].code
        if d <= km and code != chosen[q]:
            found.setdefault(q, []).append((d, code))
    for q, near in found.items():
        out[q] = ";".join(f"{code} {d:.1f} km" for d, code in sorted(near))
    return out


def alternatives(lat: float, lon: float, chosen: str, km: float = ALTERNATIVE_KM) -> str:
    """``RJCJ 1.9 km;RJCO 4.2 km``: the airfields within ``km`` of the fix other than
    ``chosen``, nearest first ("" if none)."""
    return alternatives_many([lat], [lon], [chosen], km)[0]
