"""Split a trace into legs: what a flight is, between ground contacts.

Rules, applied to the fixes that are not outliers, in time order:

1. **On the ground** is the format's ground flag (readsb ``"ground"``, Flightradar24
   altitude 0), else a standing or taxiing speed (under :data:`TAXI_KT` = 50 kt: the
   source's ground speed, else the speed between the fix and its neighbours) *near the
   field*: an altitude within :data:`GROUND_FT` = 1,500 ft of the **elevation of the nearest
   airport** (within :data:`FIELD_KM` = 25 km; sea level when there is none), never the
   pressure altitude alone (Denver is at 5,434 ft). Where no fix of the trace carries a
   ground flag (a plain fixes CSV, a KML), altitude 0 is the ground (unless every altitude
   is 0: a path clamped to the ground says nothing of height, and speed decides). A ground
   fix is in no leg; the airborne fixes between two ground contacts are one leg.
2. A **touch-and-go** (a run of ground fixes at speed, :data:`TAXI_KT` or more, lasting at
   most :data:`TOUCH_AND_GO_SECONDS` = 90 s, airborne on both sides) is inside the leg,
   counted in ``touch_and_goes``. A **go-around** (a low pass: a lowest point under
   :data:`GO_AROUND_FT` = 1,500 ft above an airfield within 10 km, at least 1,000 ft below
   the leg's fixes both before and after it) is inside the leg, counted in ``go_arounds``.
3. A **new-leg flag** (readsb flag 2) starts a new leg at that fix (a flag on an outlier
   passes to the next kept fix).
4. A **coverage gap** (no fix for more than :data:`GAP_MINUTES` = 5 min) while airborne is a
   gap *within* the leg, drawn dashed, unless it lasts over :data:`SPLIT_GAP_HOURS` = 3 h,
   or the aircraft was under :data:`LOW_FT` = 3,000 ft above the nearest field on both
   sides and the gap leaves at least :data:`TURNAROUND_MINUTES` = 10 min beyond flying
   between the two fixes at 250 kt (it landed out of coverage and took off again): then a
   new leg starts after it. A shorter hole at low height (a go-around, a circuit) stays in
   the leg, its gap marked ``low``.
5. A leg needs **movement**: at least two fixes, airborne for :data:`MIN_AIRBORNE_MINUTES`
   = 2 min and :data:`MIN_MOVE_KM` = 5 km across. A lone airborne fix is dropped and
   counted; a parked aircraft whose flag says airborne, and flickers of the flag, are no
   flights (noted). A leg longer than :data:`MAX_LEG_HOURS` = 24 h (as events) is not a
   flight: it is left out with a note.

**Takeoff and landing** are the *estimated liftoff and touchdown*, not the transponder's
air/ground switch (which comes 15-23 s before liftoff, on the takeoff roll, and 8-20 s after
touchdown, on the landing roll): from the first fix more than 50 ft above the **runway**,
back along its climb rate (the source's vertical rate, else the altitude change to the next
fix) to the runway's height; clamped between the last ground fix and that fix (two minutes
when there is no ground fix); likewise forward to touchdown. Without altitudes the first and
last airborne fix are used. The runway's height is in the source's own altitude, which is
pressure altitude: it reads low on a high-pressure day and high on a low one (600 ft in
cold weather, a minute of a descent), so the field's elevation is not used where the fixes
show the runway. When the leg's end fix is within :data:`RUNWAY_SECONDS` = 20 s of the
adjacent ground fix, level (vertical rate under :data:`ROLL_FPM` = 500 ft/min) and within
:data:`GROUND_FT` of the field's elevation, it is on the roll (the switch comes there) and
its altitude is the runway's (the pressure altitude calibrated by the aircraft's own fix);
else the elevation of the airport the end is matched to (sea level when none). Each end is
**observed** when it is near the ground: the fix next to it (within 5 min) is a ground fix,
or it is under 3,000 ft above the nearest field. Only an observed end is matched to an
airport: the nearest within 10 km (:mod:`geo.tracks.airports`) of the adjacent ground fix if
there is one, else of the fix; other airfields within 5 km are named as alternatives, with
their distances. An unobserved end (the track starts at 32,000 ft) has no airport.

**Two aircraft under one identity** (fixes alternating between two places no aircraft could
fly between, persistently): the trace is told apart into two traces (each fix to the one it
is reachable from) before splitting, each marked ``interleaved``, and noted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.tracks.airports import ALTERNATIVE_KM, MATCH_KM, AirportIndex, default_airports
from geo.tracks.model import AirportMatch, BoolArray, FloatArray, Gap, IntArray, Leg, Trace, utc
from geo.tracks.outliers import MAX_SPEED_KMH, NOISE_KM

__all__ = [
    "FIELD_KM",
    "GAP_MINUTES",
    "GO_AROUND_FT",
    "GROUND_FT",
    "LOW_FT",
    "MAX_LEG_HOURS",
    "MIN_AIRBORNE_MINUTES",
    "MIN_MOVE_KM",
    "ROLL_FPM",
    "RUNWAY_SECONDS",
    "SPLIT_GAP_HOURS",
    "TAXI_KT",
    "TOUCH_AND_GO_SECONDS",
    "TURNAROUND_MINUTES",
    "LegSplit",
    "split_legs",
]

GAP_MINUTES = 5.0
SPLIT_GAP_HOURS = 3.0
LOW_FT = 3000.0  # above the nearest field
FIELD_KM = 25.0
TAXI_KT = 50.0
GROUND_FT = 1500.0  # above the nearest field (pressure altitude strays with the weather)
TOUCH_AND_GO_SECONDS = 90.0
GO_AROUND_FT = 1500.0
GO_AROUND_CLIMB_FT = 1000.0
TURNAROUND_MINUTES = 10.0
TURNAROUND_KT = 250.0
MIN_AIRBORNE_MINUTES = 2.0
MIN_MOVE_KM = 5.0
MAX_LEG_HOURS = 24.0
ESTIMATE_SECONDS = 180.0  # liftoff/touchdown are estimated from the fixes this near the end
CLEAR_FT = 50.0  # a fix this far above the runway is off it
RUNWAY_SECONDS = 20.0  # an airborne fix this near a ground fix, and level, is on the roll
ROLL_FPM = 500.0  # level: a vertical rate under this (ft/min)
INTERLEAVED_MIN_BREAKS = 6  # alternating impossible jumps needed to tell two aircraft apart

_GEOD = Geod(ellps="WGS84")
_KT_TO_MS = 1852.0 / 3600.0


@dataclass(frozen=True, slots=True, eq=False)
class LegSplit:
    """The legs of one trace, how many lone airborne fixes were dropped, and what else was
    left out or found, in words (``2 stretches airborne by the flag but parked ...``)."""

    legs: tuple[Leg, ...]
    dropped_fixes: int
    notes: tuple[str, ...] = ()


def _most_frequent(codes: npt.NDArray[np.int32], names: tuple[str, ...]) -> str:
    known = codes[codes >= 0]
    if not known.size:
        return ""
    return names[int(np.argmax(np.bincount(known, minlength=len(names))))]


def _speed_kt(t: FloatArray, lat: FloatArray, lon: FloatArray, gs: FloatArray) -> FloatArray:
    """The source's ground speed; where unknown, the lesser of the speeds from the previous
    and to the next fix (a fix at the end of a taxi is slow on one side)."""
    out = gs.copy()
    unknown = np.flatnonzero(np.isnan(out))
    if not unknown.size or t.shape[0] < 2:
        return out
    _, _, d = _GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    seg = np.asarray(d, dtype=np.float64) / np.maximum(np.diff(t), 1e-3) / _KT_TO_MS
    before = np.concatenate([[np.inf], seg])[unknown]
    after = np.concatenate([seg, [np.inf]])[unknown]
    out[unknown] = np.minimum(before, after)
    return out


def _field_ft(index: AirportIndex, lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Elevation of the nearest airport within :data:`FIELD_KM` of each point (0: none)."""
    if not lat.shape[0]:
        return np.zeros(0)
    found, _ = index.nearest(lat, lon, FIELD_KM)
    return index.elevation_ft(found)


def _runs(mask: BoolArray) -> tuple[IntArray, IntArray]:
    """First and last position of each run of True."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.diff(padded)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1


def _interleaved_groups(trace: Trace) -> IntArray | None:
    """Two aircraft under one identity: per fix 0 or 1 (which aircraft), -1 for a fix
    neither could reach; None when the fixes are one aircraft's."""
    n = len(trace)
    if n < 2 * INTERLEAVED_MIN_BREAKS:
        return None
    t, lat, lon = trace.t, trace.lat, trace.lon
    if trace.jumps < INTERLEAVED_MIN_BREAKS or trace.jumps < 0.05 * n:
        return None
    group = np.full(n, -1, dtype=np.int64)
    heads: list[int] = []

    def reachable(i: int, j: int) -> bool:
        _, _, dist = _GEOD.inv(float(lon[i]), float(lat[i]), float(lon[j]), float(lat[j]))
        return float(dist) <= (MAX_SPEED_KMH / 3.6) * float(t[j] - t[i]) + NOISE_KM * 1000.0

    for j in range(n):
        for g, head in enumerate(heads):
            if reachable(head, j):
                group[j] = g
                heads[g] = j
                break
        else:
            if len(heads) < 2:
                group[j] = len(heads)
                heads.append(j)
    sizes = np.bincount(group[group >= 0], minlength=2)
    if len(heads) < 2 or int(sizes.min()) < max(INTERLEAVED_MIN_BREAKS, 0.25 * n):
        return None  # scattered bad fixes, not a second aircraft
    # alternating: the fixes switch between the two many times
    switches = int(np.count_nonzero(np.diff(group[group >= 0]) != 0))
    if switches < INTERLEAVED_MIN_BREAKS:
        return None
    return group


def _subtrace(trace: Trace, keep: IntArray) -> Trace:
    from geo.tracks.build import make_trace  # build imports nothing of legs

    vrate = None if trace.vrate_fpm is None else trace.vrate_fpm[keep]
    sub = make_trace(
        trace.source,
        trace.t[keep],
        trace.lat[keep],
        trace.lon[keep],
        alt_ft=trace.alt_ft[keep],
        on_ground=trace.on_ground[keep],
        gs_kt=trace.gs_kt[keep],
        track_deg=trace.track_deg[keep],
        new_leg=trace.new_leg[keep],
        stale=trace.stale[keep],
        callsign_code=trace.callsign_code[keep],
        callsigns=trace.callsigns,
        format=trace.format,
        icao24=trace.icao24,
        non_icao=trace.non_icao,
        registration=trace.registration,
        callsign=trace.callsign,
        aircraft_type=trace.aircraft_type,
        vrate_fpm=vrate,
    )
    return replace(sub, interleaved=True)


def split_legs(trace: Trace, airports: AirportIndex | None = None) -> LegSplit:
    """The legs of ``trace`` by the module's rules (airports: the default index)."""
    index = airports if airports is not None else default_airports()
    groups = None if trace.interleaved else _interleaved_groups(trace)
    if groups is None:
        return _split_one(trace, index)
    legs: list[Leg] = []
    dropped = 0
    notes = [
        "two aircraft under one identity (positions alternate between places no aircraft "
        "could fly between): told apart into two tracks, "
        f"{int(np.count_nonzero(groups == 0)):,} and {int(np.count_nonzero(groups == 1)):,} "
        "fixes"
    ]
    for g in (0, 1):
        part = _split_one(_subtrace(trace, np.flatnonzero(groups == g)), index)
        legs.extend(part.legs)
        dropped += part.dropped_fixes
        notes.extend(part.notes)
    legs.sort(key=lambda leg: float(leg.trace.t[leg.index[0]]))
    numbered = tuple(replace(leg, number=k + 1) for k, leg in enumerate(legs))
    return LegSplit(numbered, dropped, tuple(notes))


def _split_one(trace: Trace, index: AirportIndex) -> LegSplit:
    kept: IntArray = np.flatnonzero(~trace.outlier).astype(np.int64)
    m = int(kept.shape[0])
    if not m:
        return LegSplit((), 0)
    t = trace.t[kept]
    lat = trace.lat[kept]
    lon = trace.lon[kept]
    alt = trace.alt_ft[kept]
    flagged = trace.on_ground[kept]
    speed = _speed_kt(t, lat, lon, trace.gs_kt[kept])
    with np.errstate(invalid="ignore"):
        slow = speed < TAXI_KT  # NaN: not known to be slow
    ground = flagged.copy()
    with np.errstate(invalid="ignore"):
        heights = bool(np.any(alt > 0.0))
    if not flagged.any() and heights:
        ground |= alt == 0.0  # a plain fixes CSV or a KML: altitude 0 is the ground
    cand = np.flatnonzero(slow & ~ground)
    if cand.size:
        field = _field_ft(index, lat[cand], lon[cand])
        cand_alt = alt[cand]
        with np.errstate(invalid="ignore"):
            ground[cand] = np.isnan(cand_alt) | (cand_alt - field < GROUND_FT)

    # touch-and-goes: brief ground runs at speed, airborne on both sides
    near = GAP_MINUTES * 60.0
    g_first, g_last = _runs(ground)
    touch = np.zeros(m, dtype=np.bool_)
    touch_runs = np.zeros(0, dtype=np.int64)
    if g_first.size:
        fast = np.where(np.isnan(speed), 0.0, speed)
        bounds = np.column_stack([g_first, g_last + 1]).ravel()
        min_speed = np.minimum.reduceat(np.append(fast, 0.0), bounds)[::2]  # per run
        inner = (g_first > 0) & (g_last < m - 1)
        pf, nl = np.maximum(g_first - 1, 0), np.minimum(g_last + 1, m - 1)
        is_touch = (
            inner
            & (min_speed >= TAXI_KT)
            & (t[g_last] - t[g_first] <= TOUCH_AND_GO_SECONDS)
            & (t[g_first] - t[pf] <= near)
            & (t[nl] - t[g_last] <= near)
        )
        touch_runs = np.flatnonzero(is_touch)
        for r in touch_runs.tolist():
            touch[g_first[r] : g_last[r] + 1] = True
    in_air = ~ground | touch

    # a new-leg flag on kept fix j, or on an outlier between kept fixes j-1 and j
    flags_before = np.concatenate([[0], np.cumsum(trace.new_leg)])[kept + 1]
    flag = np.empty(m, dtype=np.bool_)  # the count of flags grew since the previous kept fix
    flag[0] = flags_before[0] > 0
    flag[1:] = flags_before[1:] > flags_before[:-1]

    dt = np.diff(t)
    gap = dt > near
    split_gap = np.zeros(max(m - 1, 0), dtype=np.bool_)
    low_gap = np.zeros(max(m - 1, 0), dtype=np.bool_)
    gi = np.flatnonzero(gap & in_air[:-1] & in_air[1:])
    if gi.size:
        sides = np.concatenate([gi, gi + 1])
        height = alt[sides] - _field_ft(index, lat[sides], lon[sides])
        with np.errstate(invalid="ignore"):
            low_side = height < LOW_FT
        low = low_side[: gi.size] & low_side[gi.size :]
        _, _, d = _GEOD.inv(lon[gi], lat[gi], lon[gi + 1], lat[gi + 1])
        slack = dt[gi] - np.asarray(d, dtype=np.float64) / (TURNAROUND_KT * _KT_TO_MS)
        turnaround = low & (slack >= TURNAROUND_MINUTES * 60.0)
        split_gap[gi] = (dt[gi] > SPLIT_GAP_HOURS * 3600.0) | turnaround
        low_gap[gi] = low & ~split_gap[gi]
    new_start = np.concatenate([[True], ~in_air[:-1] | flag[1:] | split_gap])
    starts_here = in_air & new_start
    ends_here = in_air & np.concatenate([new_start[1:] | ~in_air[1:], [True]])
    firsts = np.flatnonzero(starts_here)
    lasts = np.flatnonzero(ends_here)
    long_enough = lasts > firsts
    dropped = int(np.count_nonzero(~long_enough))
    firsts, lasts = firsts[long_enough], lasts[long_enough]
    notes: list[str] = []
    if not firsts.size:
        return LegSplit((), dropped)

    # movement: airborne long enough and far enough (bounding box of the fixes)
    duration = t[lasts] - t[firsts]
    stretches = np.column_stack([firsts, lasts + 1]).ravel()  # reduce over first..last
    lat_span, lon_span = (
        np.maximum.reduceat(np.append(v, 0.0), stretches)[::2]
        - np.minimum.reduceat(np.append(v, 0.0), stretches)[::2]
        for v in (lat, lon)
    )
    mid_lat = np.radians(np.clip(np.abs(lat[firsts]) + lat_span, 0.0, 89.0))
    move_km = np.hypot(lat_span * 111.0, lon_span * 111.0 * np.cos(mid_lat))
    moved = (duration >= MIN_AIRBORNE_MINUTES * 60.0) & (move_km >= MIN_MOVE_KM)
    bounded = duration <= MAX_LEG_HOURS * 3600.0
    parked = int(np.count_nonzero(~moved))
    if parked:
        notes.append(
            f"{parked:,} airborne stretch{'es' if parked > 1 else ''} that moved under "
            f"{MIN_MOVE_KM:.0f} km or lasted under {MIN_AIRBORNE_MINUTES:.0f} min (a parked "
            "aircraft, a flickering flag) left out: not flights"
        )
    for j in np.flatnonzero(moved & ~bounded).tolist():
        notes.append(
            f"a stretch of {duration[j] / 3600.0:,.0f} h continuously airborne "
            f"(from {utc(t[firsts[j]]):%Y-%m-%dT%H:%MZ}) is longer than "
            f"{MAX_LEG_HOURS:.0f} h: left out, not one flight"
        )
    good = moved & bounded
    firsts, lasts = firsts[good], lasts[good]
    if not firsts.size:
        return LegSplit((), dropped, tuple(notes))

    prev = np.maximum(firsts - 1, 0)
    after = np.minimum(lasts + 1, m - 1)
    ground_before = (firsts > 0) & ~in_air[prev] & (t[firsts] - t[prev] <= near)
    ground_after = (lasts < m - 1) & ~in_air[after] & (t[after] - t[lasts] <= near)
    n_legs = int(firsts.shape[0])
    ends = np.concatenate([firsts, lasts])
    # match from the adjacent ground fix when there is one (it is on the airport)
    from_pos = np.concatenate(
        [np.where(ground_before, prev, firsts), np.where(ground_after, after, lasts)]
    )
    # one query for every end: the field under the end fix (25 km), the airport at the fix
    # it is matched from (10 km) and the alternatives there (5 km)
    points = np.concatenate([ends, from_pos])
    q, c, ckm = index.within(lat[points], lon[points], FIELD_KM)
    head = np.unique(q, return_index=True)[1]  # per point, its nearest (results sorted)
    nearest = np.full(points.shape[0], -1, dtype=np.int64)
    nearest_km = np.full(points.shape[0], np.nan)
    nearest[q[head]] = c[head]
    nearest_km[q[head]] = ckm[head]
    end_field = index.elevation_ft(nearest[: 2 * n_legs])
    with np.errstate(invalid="ignore"):
        low_end = alt[ends] - end_field < LOW_FT
    seen_takeoff = ground_before | low_end[:n_legs]
    seen_landing = ground_after | low_end[n_legs:]
    end_lat = lat[from_pos]
    end_lon = lon[from_pos]
    found = nearest[2 * n_legs :].copy()
    km = nearest_km[2 * n_legs :]
    found[~(km <= MATCH_KM)] = -1
    others: dict[int, list[tuple[str, float]]] = {}
    for qi, ci, d_km in zip(q.tolist(), c.tolist(), ckm.tolist(), strict=True):
        j = qi - 2 * n_legs
        if j >= 0 and d_km <= ALTERNATIVE_KM and ci != int(found[j]):
            airport = index.airport(ci)
            others.setdefault(j, []).append((airport.icao or airport.iata, round(d_km, 2)))
    field_at = index.elevation_ft(found)

    def match(j: int, seen: bool) -> AirportMatch:
        la, lo = float(end_lat[j]), float(end_lon[j])
        if not seen or found[j] < 0:
            return AirportMatch(la, lo)
        return AirportMatch(
            la, lo, index.airport(int(found[j])), float(km[j]), tuple(others.get(j, ()))
        )

    vrate = None if trace.vrate_fpm is None else trace.vrate_fpm[kept]
    go_arounds = _go_arounds(index, t, lat, lon, alt, in_air, firsts, lasts)
    outlier_index = np.flatnonzero(trace.outlier).astype(np.int64)
    outlier_times = trace.t[outlier_index]
    touch_at = t[g_first[touch_runs]] if touch_runs.size else np.zeros(0)  # increasing
    # per leg, in one call each: its outliers, its gaps, its touch-and-goes (strictly inside)
    outliers_lo = np.searchsorted(outlier_times, t[firsts], side="left").tolist()
    outliers_hi = np.searchsorted(outlier_times, t[lasts], side="right").tolist()
    gap_at = np.flatnonzero(gap)
    gaps_lo = np.searchsorted(gap_at, firsts, side="left").tolist()
    gaps_hi = np.searchsorted(gap_at, lasts, side="left").tolist()
    touches = (
        np.searchsorted(touch_at, t[lasts], side="left")
        - np.searchsorted(touch_at, t[firsts], side="right")
    ).tolist()
    takeoff_seen, landing_seen = seen_takeoff.tolist(), seen_landing.tolist()
    grounded_before, grounded_after = ground_before.tolist(), ground_after.tolist()
    fields = field_at.tolist()
    legs: list[Leg] = []
    for j, (a, b) in enumerate(zip(firsts.tolist(), lasts.tolist(), strict=True)):
        leg_index = kept[a : b + 1]
        leg_index.flags.writeable = False
        gaps = tuple(
            Gap(utc(t[g]), utc(t[g + 1]), int(kept[g]), int(kept[g + 1]), bool(low_gap[g]))
            for g in gap_at[gaps_lo[j] : gaps_hi[j]].tolist()
        )
        codes = trace.callsign_code[int(kept[a]) : int(kept[b]) + 1]
        takeoff_t, landing_t = float("nan"), float("nan")
        if takeoff_seen[j]:
            bound = float(t[prev[j]]) if grounded_before[j] else float(t[a]) - 120.0
            runway = _runway_ft(t, alt, vrate, a, b, fields[j], grounded_before[j])
            takeoff_t = _liftoff(t, alt, vrate, a, b, runway, bound, +1)
        if landing_seen[j]:
            bound = float(t[after[j]]) if grounded_after[j] else float(t[b]) + 120.0
            runway = _runway_ft(t, alt, vrate, b, a, fields[n_legs + j], grounded_after[j])
            landing_t = _liftoff(t, alt, vrate, b, a, runway, bound, -1)
        legs.append(
            Leg(
                trace=trace,
                number=j + 1,
                index=leg_index,
                outlier_index=outlier_index[outliers_lo[j] : outliers_hi[j]],
                gaps=gaps,
                origin=match(j, takeoff_seen[j]),
                destination=match(n_legs + j, landing_seen[j]),
                takeoff_observed=takeoff_seen[j],
                landing_observed=landing_seen[j],
                callsign=_most_frequent(codes, trace.callsigns) or trace.callsign,
                takeoff_t=takeoff_t,
                landing_t=landing_t,
                go_arounds=_count_apart(go_arounds[j], touch_at),
                touch_and_goes=touches[j],
            )
        )
    return LegSplit(tuple(legs), dropped, tuple(notes))


def _runway_ft(
    t: FloatArray,
    alt: FloatArray,
    vrate: FloatArray | None,
    end: int,
    other: int,
    field_ft: float,
    grounded: bool,
) -> float:
    """The runway's height in the source's altitude at a leg's end fix ``end`` (``other``:
    the leg's other end; ``grounded``: a ground fix is next to ``end``): the end fix's
    altitude when it is on the roll, else ``field_ft`` (see the module doc)."""
    step = 1 if other > end else -1
    ground_at = end - step
    height = float(alt[end])
    if not grounded or abs(float(t[end]) - float(t[ground_at])) > RUNWAY_SECONDS:
        return field_ft
    if not abs(height - field_ft) < GROUND_FT:  # NaN: no altitude
        return field_ft
    rate = float("nan")  # ft/min
    if vrate is not None:
        rate = float(vrate[end])
    if rate != rate:
        k = end + step
        dt = float(t[k]) - float(t[end])
        rate = (float(alt[k]) - height) / dt * 60.0 if dt else rate
    if abs(rate) >= ROLL_FPM:  # climbing or descending: already off the runway
        return field_ft
    return height


def _liftoff(
    t: FloatArray,
    alt: FloatArray,
    vrate: FloatArray | None,
    end: int,
    other: int,
    runway_ft: float,
    bound: float,
    step: int,
) -> float:
    """The estimated liftoff (``step`` +1, from the leg's first fix ``end`` onwards) or
    touchdown (``step`` -1, from the last fix backwards): see the module doc. ``bound``:
    the adjacent ground fix's time (the estimate is not beyond it)."""
    if step > 0:  # the fixes end, end + 1, ... (within the estimate's time), before other
        stop = int(np.searchsorted(t, t[end] + ESTIMATE_SECONDS, side="right"))
        window = alt[end : max(min(stop, other), end)]
    else:  # end, end - 1, ... after other
        start = int(np.searchsorted(t, t[end] - ESTIMATE_SECONDS, side="left"))
        window = alt[max(start, other) + 1 : end + 1][::-1]
    if window.size < 2:
        return float(t[end])
    height = window - runway_ft
    clear_at = height > CLEAR_FT  # NaN: not clear
    first_clear = int(clear_at.argmax())
    if not clear_at[first_clear] or first_clear + 1 >= window.size:
        return float(t[end])
    k, k2 = end + step * first_clear, end + step * (first_clear + 1)
    rate = float("nan")  # ft/s away from the field
    if vrate is not None and vrate[k] == vrate[k]:
        rate = float(vrate[k]) / 60.0 * step
    if not rate > 0.0:
        rate = (float(alt[k2]) - float(alt[k])) / (float(t[k2]) - float(t[k])) * step
    if not rate > 0.0:
        return float(t[end])
    estimate = float(t[k]) - step * float(height[first_clear]) / rate
    lo, hi = (bound, float(t[k])) if step > 0 else (float(t[k]), bound)
    return min(max(estimate, lo), hi)


def _go_arounds(
    index: AirportIndex,
    t: FloatArray,
    lat: FloatArray,
    lon: FloatArray,
    alt: FloatArray,
    in_air: BoolArray,
    firsts: IntArray,
    lasts: IntArray,
) -> list[FloatArray]:
    """Per leg, the times of its low passes (lowest points near an airfield with a climb of
    :data:`GO_AROUND_CLIMB_FT` before and after)."""
    out: list[FloatArray] = [np.zeros(0) for _ in range(firsts.shape[0])]
    m = t.shape[0]
    if m < 3:
        return out
    with np.errstate(invalid="ignore"):
        low = np.flatnonzero(alt[1:-1] < 16000.0) + 1  # no airfield is higher
    if not low.size:
        return out
    with np.errstate(invalid="ignore"):
        valley = (alt[low] <= alt[low - 1]) & (alt[low] < alt[low + 1]) & in_air[low]
    cand = low[valley]
    if not cand.size:
        return out
    found, _ = index.nearest(lat[cand], lon[cand], MATCH_KM)
    height = alt[cand] - index.elevation_ft(found)
    cand = cand[(found >= 0) & (height < GO_AROUND_FT)]
    leg_of = np.searchsorted(firsts, cand, side="right") - 1
    for i, j in zip(cand.tolist(), leg_of.tolist(), strict=True):
        if j < 0 or i >= lasts[j] or i <= firsts[j]:
            continue
        a, b = int(firsts[j]), int(lasts[j])
        need = float(alt[i]) + GO_AROUND_CLIMB_FT
        if np.nanmax(alt[a:i]) >= need and np.nanmax(alt[i + 1 : b + 1]) >= need:
            out[j] = np.append(out[j], t[i])
    return out


def _count_apart(times: FloatArray, touch_at: FloatArray) -> int:
    """Low passes counted once per five minutes, and not where a touch-and-go was."""
    count, last = 0, -np.inf
    for when in np.sort(times).tolist():
        if when - last > GAP_MINUTES * 60.0 and not np.any(
            np.abs(touch_at - when) <= GAP_MINUTES * 60.0
        ):
            count += 1
        last = when
    return count
