"""Airfields for the archive: a code (IATA or ICAO) to its place and elevation, and the
other airfields near a leg's end (the alternatives the legs index names).

The nearest airport of a leg's end is :mod:`geo.tracks.airports`' rule; this module only
lists the others within :data:`ALTERNATIVE_KM` of the same fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from pyproj import Geod

__all__ = ["ALTERNATIVE_KM", "Airfield", "alternatives", "resolve_airport"]

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


def alternatives(lat: float, lon: float, chosen: str, km: float = ALTERNATIVE_KM) -> str:
    """``RJCJ 1.9 km;RJCO 4.2 km``: the airfields within ``km`` of the fix other than
    ``chosen``, nearest first ("" if none)."""
    fields, lats, lons = _table()
    band = km / 110.0 + 0.01
    lo = int(np.searchsorted(lats, lat - band, side="left"))
    hi = int(np.searchsorted(lats, lat + band, side="right"))
    if hi <= lo:
        return ""
    cand = np.arange(lo, hi)
    cos_lat = max(np.cos(np.radians(min(abs(lat) + band, 89.9))), 1e-6)
    wrapped = np.abs((lons[cand] - lon + 180.0) % 360.0 - 180.0)
    cand = cand[wrapped <= band / cos_lat]
    if not cand.size:
        return ""
    _, _, dist_m = _GEOD.inv(
        np.full(cand.shape[0], lon), np.full(cand.shape[0], lat), lons[cand], lats[cand]
    )
    dist_km = np.asarray(dist_m, dtype=np.float64) / 1000.0
    near = sorted(
        (float(d), fields[int(k)].code)
        for k, d in zip(cand.tolist(), dist_km.tolist(), strict=True)
        if d <= km and fields[int(k)].code != chosen
    )
    return ";".join(f"{code} {d:.1f} km" for d, code in near)
