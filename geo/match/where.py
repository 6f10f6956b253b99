"""Where a point of a recorded leg is, in words, from the places the project ships: the
country outline under it (:func:`geo.regions.country_at`) and the nearest place of the shipped
places file with its distance and direction — ``over Azerbaijan, 40 km N of Baku``, or, off
every outline (the sea), ``150 km E of Baku``."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.regions import country_at

__all__ = ["NEAR_KM", "place_words"]

NEAR_KM = 10.0  # closer than this to a place: "near Baku"
_GEOD = Geod(ellps="WGS84")
_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[str, ...], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from geo.io import load_places
    from geo.shipped import shipped

    places = load_places(shipped("places.csv"))
    return (tuple(p.name for p in places), np.array([p.lon for p in places], dtype=np.float64),
            np.array([p.lat for p in places], dtype=np.float64))


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
    # from each place to the point: the azimuth says where the point lies from the place
    az, _, m = _GEOD.inv(lons, lats, np.full(lons.shape, lon), np.full(lats.shape, lat))
    k = int(np.argmin(m))
    km = float(m[k]) / 1000.0
    near = (f"near {names[k]}" if km < NEAR_KM
            else f"{km:,.0f} km {compass(float(az[k]))} of {names[k]}")
    return f"{over}, {near}" if over else near
