"""Split a trace into legs: airborne time between ground contacts.

Rules, applied to the fixes that are not outliers, in time order:

1. A **ground fix** (readsb ``"ground"``, Flightradar24 altitude 0) is in no leg; the
   airborne fixes between two ground contacts are one leg.
2. A **new-leg flag** (readsb flag 2) starts a new leg at that fix (a flag on an outlier
   passes to the next kept fix).
3. A **coverage gap** (no fix for more than :data:`GAP_MINUTES` = 5 min) while airborne is a
   gap *within* the leg, drawn dashed, unless it lasts over :data:`SPLIT_GAP_HOURS` = 3 h,
   or the aircraft was below :data:`LOW_FT` = 3,000 ft on both sides of it (it landed
   out of coverage and took off again): then a new leg starts after it.
4. A leg needs at least two fixes; a lone airborne fix between ground contacts (altitude
   noise while taxiing) is dropped and counted.

The takeoff is the leg's first fix and the landing its last. Each is **observed** when that
fix is near the ground: the fix next to it (within 5 min) is a ground fix, or it is below
3,000 ft. Only an observed end is matched to an airport: the nearest within 10 km
(:mod:`geo.tracks.airports`) of the adjacent ground fix if there is one, else of the fix.
An unobserved end (the track starts at 32,000 ft) has no airport, even over one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from geo.tracks.airports import MATCH_KM, AirportIndex, default_airports
from geo.tracks.model import AirportMatch, Gap, IntArray, Leg, Trace, utc

__all__ = ["GAP_MINUTES", "LOW_FT", "SPLIT_GAP_HOURS", "LegSplit", "split_legs"]

GAP_MINUTES = 5.0
SPLIT_GAP_HOURS = 3.0
LOW_FT = 3000.0


@dataclass(frozen=True, slots=True, eq=False)
class LegSplit:
    """The legs of one trace, and how many lone airborne fixes were dropped."""

    legs: tuple[Leg, ...]
    dropped_fixes: int


def _most_frequent(codes: npt.NDArray[np.int32], names: tuple[str, ...]) -> str:
    known = codes[codes >= 0]
    if not known.size:
        return ""
    return names[int(np.argmax(np.bincount(known, minlength=len(names))))]


def split_legs(trace: Trace, airports: AirportIndex | None = None) -> LegSplit:
    """The legs of ``trace`` by the module's rules (airports: the default index)."""
    kept: IntArray = np.flatnonzero(~trace.outlier).astype(np.int64)
    m = int(kept.shape[0])
    if not m:
        return LegSplit((), 0)
    t = trace.t[kept]
    alt = trace.alt_ft[kept]
    ground = trace.on_ground[kept]
    airborne = ~ground
    # a new-leg flag on kept fix j, or on an outlier between kept fixes j-1 and j
    flags_before = np.concatenate([[0], np.cumsum(trace.new_leg)])[kept + 1]
    flag = np.diff(flags_before, prepend=0) > 0

    dt = np.diff(t)
    gap = dt > GAP_MINUTES * 60.0
    with np.errstate(invalid="ignore"):
        low = alt < LOW_FT  # NaN altitude: not known to be low
    split_gap = gap & ((dt > SPLIT_GAP_HOURS * 3600.0) | (low[:-1] & low[1:]))
    new_start = np.concatenate([[True], ground[:-1] | flag[1:] | split_gap])
    starts_here = airborne & new_start
    ends_here = airborne & np.concatenate([new_start[1:] | ground[1:], [True]])
    firsts = np.flatnonzero(starts_here)
    lasts = np.flatnonzero(ends_here)
    long_enough = lasts > firsts
    dropped = int(np.count_nonzero(~long_enough))
    firsts, lasts = firsts[long_enough], lasts[long_enough]
    if not firsts.size:
        return LegSplit((), dropped)

    near = GAP_MINUTES * 60.0
    prev = np.maximum(firsts - 1, 0)
    after = np.minimum(lasts + 1, m - 1)
    ground_before = (firsts > 0) & ground[prev] & (t[firsts] - t[prev] <= near)
    ground_after = (lasts < m - 1) & ground[after] & (t[after] - t[lasts] <= near)
    seen_takeoff = ground_before | low[firsts]
    seen_landing = ground_after | low[lasts]
    # match from the adjacent ground fix when there is one (it is on the airport)
    from_fix = kept[
        np.concatenate(
            [np.where(ground_before, prev, firsts), np.where(ground_after, after, lasts)]
        )
    ]
    end_lat = trace.lat[from_fix]
    end_lon = trace.lon[from_fix]
    index = airports if airports is not None else default_airports()
    found, km = index.nearest(end_lat, end_lon, MATCH_KM)
    n_legs = int(firsts.shape[0])

    def match(j: int, seen: bool) -> AirportMatch:
        lat, lon = float(end_lat[j]), float(end_lon[j])
        if not seen or found[j] < 0:
            return AirportMatch(lat, lon)
        return AirportMatch(lat, lon, index.airport(int(found[j])), float(km[j]))

    outlier_index = np.flatnonzero(trace.outlier).astype(np.int64)
    outlier_times = trace.t[outlier_index]
    legs: list[Leg] = []
    for j, (a, b) in enumerate(zip(firsts.tolist(), lasts.tolist(), strict=True)):
        leg_index = kept[a : b + 1]
        leg_index.flags.writeable = False
        lo = int(np.searchsorted(outlier_times, t[a], side="left"))
        hi = int(np.searchsorted(outlier_times, t[b], side="right"))
        gaps = tuple(
            Gap(utc(t[g]), utc(t[g + 1]), int(kept[g]), int(kept[g + 1]))
            for g in (a + np.flatnonzero(gap[a:b])).tolist()
        )
        codes = trace.callsign_code[int(kept[a]) : int(kept[b]) + 1]
        legs.append(
            Leg(
                trace=trace,
                number=j + 1,
                index=leg_index,
                outlier_index=outlier_index[lo:hi],
                gaps=gaps,
                origin=match(j, bool(seen_takeoff[j])),
                destination=match(n_legs + j, bool(seen_landing[j])),
                takeoff_observed=bool(seen_takeoff[j]),
                landing_observed=bool(seen_landing[j]),
                callsign=_most_frequent(codes, trace.callsigns) or trace.callsign,
            )
        )
    return LegSplit(tuple(legs), dropped)
