"""Resolve place references: airport codes and named places.

An airport code (IATA, 3 letters; ICAO, 4) is looked up in ``airports.csv`` first, then in
the ``airportsdata`` package, so any of the world's airports can be written by code. A name is
looked up in ``places.csv`` by name or alias, case-insensitively.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, Literal

from geo.model import Airport, Location, Place

_IATA = re.compile(r"^[A-Z]{3}$")
_ICAO = re.compile(r"^[A-Z0-9]{4}$")
_CODE_ANY_CASE = re.compile(r"^[A-Za-z0-9]{3,4}$")
_COORDINATES = re.compile(
    r"(?:unknown )?\(?\s*([+-]?\d{1,2}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)\s*\)?", re.ASCII
)


def coordinates_location(ref: str) -> Location | None:
    """A place written as coordinates, ``lat, lon`` in degrees: ``52.69,40.17``, or
    ``unknown (52.69, 40.17)`` as a recorded leg's end away from any airport is written
    (zone UTC, no country, no airport); None when ``ref`` is not such a place."""
    found = _COORDINATES.fullmatch(ref.strip())
    if found is None:
        return None
    lat, lon = float(found.group(1)), float(found.group(2))
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return Location(name=ref.strip(), lat=lat, lon=lon, tz="UTC", country="")


@lru_cache(maxsize=2)
def _airportsdata(code_type: Literal["IATA", "ICAO"]) -> Mapping[str, Mapping[str, Any]]:
    import airportsdata  # lazy: 30k rows, only needed for codes not in airports.csv

    table: Mapping[str, Mapping[str, Any]] = airportsdata.load(code_type)
    return table


def _from_airportsdata(code: str) -> Airport | None:
    row: Mapping[str, Any] | None = None
    if _IATA.match(code):
        row = _airportsdata("IATA").get(code)
    elif _ICAO.match(code):
        row = _airportsdata("ICAO").get(code)
    if row is None:
        return None
    return Airport(
        iata=str(row.get("iata") or ""),
        icao=str(row.get("icao") or ""),
        name=str(row.get("name") or code),
        city=str(row.get("city") or ""),
        country=str(row.get("country") or ""),
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        tz=str(row.get("tz") or "UTC"),
    )


def airport_location(airport: Airport) -> Location:
    return Location(
        name=airport.name,
        lat=airport.lat,
        lon=airport.lon,
        tz=airport.tz,
        country=airport.country,
        airport=airport.code,
    )


def place_location(place: Place) -> Location:
    return Location(
        name=place.name, lat=place.lat, lon=place.lon, tz=place.tz, country=place.country
    )


class Gazetteer:
    """Every place an event may name: the airports and places files, then airportsdata."""

    def __init__(self, airports: Iterable[Airport] = (), places: Iterable[Place] = ()) -> None:
        self._airports: dict[str, Airport] = {}
        for a in airports:
            for code in (a.iata, a.icao):
                if code:
                    self._airports[code.upper()] = a
        self._places: dict[str, Place] = {}
        for p in places:
            for name in (p.name, *p.aliases):
                self._places.setdefault(name.casefold(), p)
        self._names = sorted({p.name for p in self._places.values()})
        self._cache: dict[str, Location | None] = {}

    def airport(self, code: str) -> Airport | None:
        """The airport with this IATA or ICAO code (any case), or None."""
        code = code.strip().upper()
        return self._airports.get(code) or _from_airportsdata(code)

    def place(self, name: str) -> Place | None:
        return self._places.get(name.strip().casefold())

    def resolve(self, ref: str) -> Location | None:
        """The location a reference names, or None.

        An upper-case code is an airport first; otherwise a place name, then a code.
        Coordinates (``52.69,40.17``, ``unknown (52.69, 40.17)``) name a point (see
        :func:`coordinates_location`).
        """
        ref = ref.strip()
        if ref in self._cache:
            return self._cache[ref]
        found = coordinates_location(ref)
        airport = self.airport(ref) if (_IATA.match(ref) or _ICAO.match(ref)) else None
        if found is not None:
            pass
        elif airport is not None:
            found = airport_location(airport)
        else:
            place = self.place(ref)
            if place is not None:
                found = place_location(place)
            elif _CODE_ANY_CASE.match(ref):
                airport = self.airport(ref)
                found = airport_location(airport) if airport else None
        self._cache[ref] = found
        return found

    def suggest(self, ref: str) -> str | None:
        """The nearest known place name to a near-miss, for "did you mean …?"."""
        keys = list(self._places)
        close = difflib.get_close_matches(ref.strip().casefold(), keys, n=1, cutoff=0.75)
        if not close:
            return None
        return self._places[close[0]].name

    @property
    def place_names(self) -> list[str]:
        return self._names
