"""Where a point of a recorded leg is, in words, from the places the project has: the
country outline under it (:func:`geo.regions.country_at`) and the nearest named place — a
city of the shipped places file, or an airport with IATA and ICAO codes (``airportsdata``,
named by its city and IATA code) — with its distance and direction: ``over Russia, 15 km SE
of Volgograd (VOG)``, or, off every outline (the sea), ``120 km N of Makhachkala (MCX)``."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.regions import country_at

__all__ = ["NEAR_KM", "place_words"]

NEAR_KM = 10.0  # closer than this to a place: "near Baku"
_GEOD = Geod(ellps="WGS84")
_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


SHORTLIST = 8  # places measured on the ellipsoid, the nearest by a flat approximation


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[str, ...], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from geo.io import load_places
    from geo.places import _airportsdata
    from geo.shipped import shipped

    named = [(p.name, p.lon, p.lat) for p in load_places(shipped("places.csv"))]
    named += [
        (f"{row.get('city') or row.get('name') or code} ({code})", float(row["lon"]),
         float(row["lat"]))
        for code, row in sorted(_airportsdata("IATA").items())
        if re.fullmatch(r"[A-Z]{4}", str(row.get("icao") or ""))  # not a placeholder ("_LHL")
    ]
    return (tuple(n for n, _, _ in named), np.array([x for _, x, _ in named], dtype=np.float64),
            np.array([y for _, _, y in named], dtype=np.float64))


def compass(azimuth_deg: float) -> str:
    """An azimuth (degrees from north) as one of the eight compass points."""
    return _POINTS[round((azimuth_deg % 360.0) / 45.0) % 8]


def place_words(lon: float, lat: float) -> str:
    """``over Russia, 120 km SE of Volgograd``; ``150 km E of Baku`` off the outlines; ``near
    Baku`` within :data:`NEAR_KM`; "" for a point that is not one (NaN)."""
    if not (np.isfinite(lon) and np.isfinite(lat)):
        return ""
    names, lons, lats = _places()
    country = country_at(lon, lat)
    over = f"over {country}" if country else ""
    if not names:
        return over
    # a shortlist by a flat approximation, then the geodesic from each place to the point
    # (its azimuth says where the point lies from the place)
    dlon = (lons - lon + 180.0) % 360.0 - 180.0
    flat = (dlon * np.cos(np.radians(lat))) ** 2 + (lats - lat) ** 2
    short = np.argsort(flat, kind="stable")[:SHORTLIST]
    n = len(short)
    az, _, m = _GEOD.inv(lons[short], lats[short], np.full(n, lon), np.full(n, lat))
    best = int(np.argmin(m))
    k = int(short[best])
    km = float(m[best]) / 1000.0
    near = (f"near {names[k]}" if km < NEAR_KM
            else f"{km:,.0f} km {compass(float(az[best]))} of {names[k]}")
    return f"{over}, {near}" if over else near
