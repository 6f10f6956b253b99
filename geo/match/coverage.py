"""Coverage: could the archive have seen the claimed flight at all?

For each claimed airport, the aircraft the archive saw within :data:`RADIUS_KM` of it and
below :data:`HEIGHT_FT` above the field (the field elevation from ``airportsdata``) from
:data:`MARGIN_HOURS` before the earliest claimed time there (over every reading) to as much
after the latest — not counting the candidates themselves. :data:`GOOD_AIRCRAFT` or more:
*good*; at least one: *poor*; none: *none*. A claim without times uses the window of the
whole claim, or nothing is counted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from geo.match.claim import Claim, ClaimedAirport

__all__ = [
    "GOOD_AIRCRAFT",
    "HEIGHT_FT",
    "MARGIN_HOURS",
    "RADIUS_KM",
    "AirportCoverage",
    "CoverageQuery",
    "NearbyAircraft",
    "airport_coverage",
]

RADIUS_KM = 30.0
HEIGHT_FT = 5000.0
MARGIN_HOURS = 1.0
GOOD_AIRCRAFT = 3

Verdict = Literal["good", "poor", "none"]


@dataclass(frozen=True, slots=True)
class CoverageQuery:
    """Which aircraft were seen within ``radius_km`` of (lon, lat), below ``max_height_ft``
    above a field at ``elevation_ft``, between ``start_s`` and ``end_s`` (Unix seconds)?"""

    lon: float
    lat: float
    radius_km: float
    max_height_ft: float
    elevation_ft: float
    start_s: int
    end_s: int


NearbyAircraft = Callable[[CoverageQuery], Collection[str]]
"""The archive's answer to a :class:`CoverageQuery`: the ICAO addresses seen."""


@dataclass(frozen=True, slots=True)
class AirportCoverage:
    airport: str  # IATA, else ICAO
    aircraft_seen: int  # other aircraft (not the candidates)
    verdict: Verdict
    start_s: int
    end_s: int


def _verdict(n: int) -> Verdict:
    return "good" if n >= GOOD_AIRCRAFT else "poor" if n > 0 else "none"


def _window(spans: Sequence[tuple[int, int]], fallback: tuple[int, int] | None
            ) -> tuple[int, int] | None:
    if spans:
        lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    elif fallback is not None:
        lo, hi = fallback
    else:
        return None
    margin = int(MARGIN_HOURS * 3600)
    return lo - margin, hi + margin


def airport_coverage(
    claim: Claim, nearby: NearbyAircraft, exclude: Collection[str] = ()
) -> dict[str, AirportCoverage]:
    """``{"origin": …, "destination": …}`` for the claim's airports."""
    skip = {e.lower() for e in exclude}
    out: dict[str, AirportCoverage] = {}
    ends: tuple[tuple[str, ClaimedAirport], ...] = (
        ("origin", claim.origin), ("destination", claim.destination)
    )
    for end, airport in ends:
        spans = [s for r in claim.readings
                 for s in ((r.depart,) if end == "origin" else (r.arrive,)) if s]
        window = _window(spans, claim.window)
        if window is None:
            out[end] = AirportCoverage(airport.label, 0, "none", 0, 0)
            continue
        seen = nearby(CoverageQuery(
            lon=airport.lon, lat=airport.lat, radius_km=RADIUS_KM, max_height_ft=HEIGHT_FT,
            elevation_ft=airport.elevation_ft, start_s=window[0], end_s=window[1],
        ))
        n = len({a.lower() for a in seen} - skip)
        out[end] = AirportCoverage(airport.label, n, _verdict(n), window[0], window[1])
    return out
