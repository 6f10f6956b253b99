"""The score of a recorded leg against a claim, with its reasons in words.

A pure function of a legs frame (the archive's legs index columns: ``leg_id, icao24,
registration, type, callsigns, takeoff_s, takeoff_airport, takeoff_alternatives,
takeoff_observed, landing_s, …, first_s, last_s, first_lat_deg, …, largest_gap_s,
sources, synthetic``) and a :class:`~geo.match.claim.Claim`.

**The score** (in [0, 1]) is a weighted mean of the parts the claim speaks to:

* *identity* (weight 3 when the claim names an aircraft by registration, ICAO address or
  callsign; 1 when it names an ICAO type code): 1 if the leg's aircraft is the one named,
  else 0;
* *route* (weight 2): the mean over the two ends of 1 (the leg's takeoff/landing airport is
  the claimed one), 0.6 (the claimed airport is among the leg's alternatives), 0.5 (the end
  was not observed and the first/last fix is within 50 km of the claimed airport), else 0;
* *time* (weight 1, when a time is claimed): the mean over the claimed ends of
  ``1 / (1 + (Δ / 30 min)²)``, Δ the time from the claimed time to the leg's takeoff or
  landing (first or last fix when not observed) — 4 min gives 0.98, 1 h 0.20, 3 h 0.03 —
  under the reading of the claimed times that fits the leg best; a reading other than the
  first (with ``tz_unknown``) counts 0.9 of its time part.

So the route outweighs a few hours of time (a leg on the claimed route 3 h off scores 0.67
without an aircraft named; a leg elsewhere on time at most 0.50), and a named aircraft
outweighs both. Legs with neither a route nor an identity part are not candidates.
Candidates within :data:`AMBIGUOUS_WITHIN` of the best are reported as ambiguous; a best
score of at least :data:`FOUND_SCORE` is "found".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath

import numpy as np
import numpy.typing as npt
import pandas as pd
from pyproj import Geod

from geo.match.claim import Claim, ClaimedAirport, Reading
from geo.match.where import place_words
from geo.timeline import format_duration, format_instant, iso_utc
from geo.tracks.compare import normalize_aircraft

__all__ = [
    "AMBIGUOUS_WITHIN",
    "FOUND_SCORE",
    "GAP_REASON_MINUTES",
    "Candidate",
    "score_legs",
    "short_reasons",
]

W_IDENTITY = 3.0
W_TYPE = 1.0
W_ROUTE = 2.0
W_TIME = 1.0
ROUTE_ALTERNATIVE = 0.6
ROUTE_UNOBSERVED = 0.5
UNOBSERVED_KM = 50.0
TIME_SCALE_MINUTES = 30.0
OTHER_READING = 0.9
FOUND_SCORE = 0.7
"""A best candidate at or above this score is the claimed flight ("found"); ``--match-from``
draws it as the flight's recorded track."""
AMBIGUOUS_WITHIN = 0.05
GAP_REASON_MINUTES = 5.0
WINDOW_HOURS = 8.0
"""Legs more than this from every claimed time are not candidates."""

SCORE_COLUMNS = (
    "leg_id", "icao24", "registration", "type", "callsigns", "takeoff_s", "takeoff_airport",
    "takeoff_alternatives", "takeoff_observed", "landing_s", "landing_airport",
    "landing_alternatives", "landing_observed", "first_s", "last_s", "first_lat_deg",
    "first_lon_deg", "last_lat_deg", "last_lon_deg", "largest_gap_s", "sources", "synthetic",
)
"""The legs index columns the score reads (a store query reads only these)."""

GAP_PLACE_COLUMNS = ("largest_gap_lat_deg", "largest_gap_lon_deg")
"""Where the largest gap is, when the store has it (a store built before it existed has not:
its gaps are not placed)."""

F = npt.NDArray[np.float64]
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A recorded leg as an answer to the claim: its score, parts and reasons."""

    rank: int
    leg_id: str
    icao24: str
    registration: str
    type: str
    callsigns: tuple[str, ...]
    takeoff_s: int | None
    landing_s: int | None
    first_s: int
    last_s: int
    origin: str  # the leg's takeoff airport (ICAO), "" when unknown
    destination: str
    score: float
    identity: float | None  # None: the claim names no aircraft
    route: float
    time: float | None  # None: the claim gives no time
    reasons: tuple[str, ...]
    time_reading: str
    sources: str
    synthetic: bool


S = npt.NDArray[np.object_]


def _text(frame: pd.DataFrame, column: str) -> S:
    """A text column as an array of ``str`` ("" where null). (Element by element in numpy:
    a few hundred rows a claim, where pandas' string methods cost more than their work.)"""
    if column not in frame:
        return np.full(len(frame), "", dtype=object)
    out: S = frame[column].to_numpy(dtype=object, na_value="")
    if pd.api.types.infer_dtype(out, skipna=False) not in ("string", "empty"):
        out = np.array([str(v) for v in out.tolist()], dtype=object)
    return out


def _normalized(values: S) -> S:
    """:func:`geo.tracks.normalize_aircraft` of every value."""
    return np.array([normalize_aircraft(v) for v in values.tolist()], dtype=object)


def _has_token(values: S, tokens: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Whether each ``;``/``,``/space-separated list holds one of ``tokens`` (any case)."""
    if not len(values):
        return np.zeros(0, dtype=np.bool_)
    pattern = re.compile(
        "(?:^|[;, ])(?:" + "|".join(re.escape(t) for t in tokens) + ")(?:[;, ]|$)"
    )
    return np.fromiter((pattern.search(str(v).upper()) is not None for v in values.tolist()),
                       dtype=np.bool_, count=len(values))


def _floats(frame: pd.DataFrame, column: str) -> F:
    if column not in frame:
        return np.full(len(frame), np.nan)
    col = frame[column]
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        return np.asarray(col.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    return np.asarray(pd.to_numeric(col, errors="coerce"), dtype=np.float64)


def _bools(frame: pd.DataFrame, column: str) -> npt.NDArray[np.bool_]:
    if column not in frame:
        return np.zeros(len(frame), dtype=np.bool_)
    return np.asarray(frame[column].fillna(False).astype(bool), dtype=np.bool_)


def _split(text: str) -> list[str]:
    """``A;B``, ``A, B``, ``RJCJ 1.9 km;…`` -> the parts."""
    return [p for p in text.replace(",", ";").replace(" ", ";").split(";") if p]


def _km_from(lat: F, lon: F, airport: ClaimedAirport) -> F:
    ok = ~(np.isnan(lat) | np.isnan(lon))
    out = np.full(lat.shape, np.inf)
    if ok.any():
        n = int(ok.sum())
        _, _, m = _GEOD.inv(lon[ok], lat[ok], np.full(n, airport.lon), np.full(n, airport.lat))
        out[ok] = np.asarray(m) / 1000.0
    return out


def _end_score(
    airports: S, alternatives: S, observed: npt.NDArray[np.bool_],
    km: F, claimed: ClaimedAirport,
) -> F:
    codes = sorted(claimed.codes)
    wanted = set(codes)
    exact = np.fromiter((str(a).upper() in wanted for a in airports.tolist()), dtype=np.bool_,
                        count=len(airports))
    alt = _has_token(alternatives, codes)
    near = (~observed) & (km <= UNOBSERVED_KM)
    return np.where(exact, 1.0, np.where(alt, ROUTE_ALTERNATIVE,
                                         np.where(near, ROUTE_UNOBSERVED, 0.0)))


def _delta_minutes(leg_s: F, span: tuple[int, int]) -> F:
    lo, hi = span
    return np.where(leg_s < lo, leg_s - lo, np.where(leg_s > hi, leg_s - hi, 0.0)) / 60.0


def _time_part(delta: F) -> F:
    return 1.0 / (1.0 + (delta / TIME_SCALE_MINUTES) ** 2)


def score_legs(claim: Claim, legs: pd.DataFrame, *, top: int = 10) -> list[Candidate]:
    """The legs that could be the claimed flight, best first, at most ``top``."""
    if legs.empty:
        return []
    n = len(legs)
    first_s = _floats(legs, "first_s")
    last_s = _floats(legs, "last_s")
    takeoff_s = _floats(legs, "takeoff_s")
    landing_s = _floats(legs, "landing_s")
    up_s = np.where(np.isnan(takeoff_s), first_s, takeoff_s)
    down_s = np.where(np.isnan(landing_s), last_s, landing_s)

    # route
    t_obs, l_obs = _bools(legs, "takeoff_observed"), _bools(legs, "landing_observed")
    first_km = _km_from(_floats(legs, "first_lat_deg"), _floats(legs, "first_lon_deg"),
                        claim.origin)
    last_km = _km_from(_floats(legs, "last_lat_deg"), _floats(legs, "last_lon_deg"),
                       claim.destination)
    takeoff_airport = _text(legs, "takeoff_airport")
    landing_airport = _text(legs, "landing_airport")
    o_part = _end_score(takeoff_airport, _text(legs, "takeoff_alternatives"), t_obs, first_km,
                        claim.origin)
    d_part = _end_score(landing_airport, _text(legs, "landing_alternatives"), l_obs, last_km,
                        claim.destination)
    route = (o_part + d_part) / 2.0

    # identity
    icao24, registration = _text(legs, "icao24"), _text(legs, "registration")
    types, callsigns = _text(legs, "type"), _text(legs, "callsigns")
    named = normalize_aircraft(claim.aircraft) if claim.aircraft else ""
    how: S = np.full(n, "", dtype=object)
    w_identity = 0.0
    identity = np.zeros(n)
    if named:
        calls = np.array([c.replace("-", "") for c in callsigns.tolist()], dtype=object)
        how = np.select(
            [np.asarray(_normalized(registration) == named),
             np.asarray(_normalized(icao24) == named),
             _has_token(np.asarray(calls, dtype=object), [named]),
             np.asarray(_normalized(types) == named)],
            ["registration", "ICAO address", "callsign", "type"], default="",
        ).astype(object)
        kinds = set(how.tolist()) - {""}
        w_identity = W_TYPE if kinds == {"type"} else W_IDENTITY
        identity = (how != "").astype(np.float64)

    # time, under each reading: the best reading per leg
    has_time = any(r.depart or r.arrive for r in claim.readings)
    time = np.zeros(n)
    reading_k = np.zeros(n, dtype=np.int64)
    near = np.zeros(n, dtype=np.bool_)
    window = WINDOW_HOURS * 3600.0
    for k, r in enumerate(claim.readings):
        parts: list[F] = []
        if r.depart:
            parts.append(_time_part(_delta_minutes(up_s, r.depart)))
            near |= (last_s >= r.depart[0] - window) & (first_s <= r.depart[1] + window)
        if r.arrive:
            parts.append(_time_part(_delta_minutes(down_s, r.arrive)))
            near |= (last_s >= r.arrive[0] - window) & (first_s <= r.arrive[1] + window)
        if not parts:
            continue
        t = np.mean(parts, axis=0) * (1.0 if k == 0 else OTHER_READING)
        better = t > time
        time = np.where(better, t, time)
        reading_k = np.where(better, k, reading_k)
    if not has_time:
        near[:] = True

    weights = W_ROUTE + w_identity + (W_TIME if has_time else 0.0)
    score = (W_ROUTE * route + w_identity * identity + (W_TIME * time if has_time else 0.0))
    score = score / weights
    keep = near & ((route > 0) | (identity > 0))
    idx = np.flatnonzero(keep)
    # best first; ties: the earlier takeoff, then the address (a stable, documented order)
    order = np.lexsort((np.array(icao24, dtype=object)[idx].astype(str), up_s[idx],
                        -np.round(score[idx], 6)))
    idx = idx[order][:top]

    synthetic = _bools(legs, "synthetic")
    sources = _text(legs, "sources")
    leg_ids = _text(legs, "leg_id")
    gaps = _floats(legs, "largest_gap_s")
    gap_lat, gap_lon = (_floats(legs, c) for c in GAP_PLACE_COLUMNS)
    out: list[Candidate] = []
    for rank, k in enumerate(idx.tolist(), start=1):
        reading = claim.readings[int(reading_k[k])] if claim.readings else None
        reasons = _reasons(
            claim, reading, how[k], registration[k] or icao24[k],
            takeoff_airport[k], landing_airport[k], float(o_part[k]), float(d_part[k]),
            float(up_s[k]), float(down_s[k]), bool(t_obs[k]), bool(l_obs[k]),
            float(first_km[k]), float(last_km[k]), float(gaps[k]), sources[k],
            int(reading_k[k]), float(gap_lon[k]), float(gap_lat[k]),
        )
        out.append(Candidate(
            rank=rank, leg_id=leg_ids[k], icao24=icao24[k], registration=registration[k],
            type=types[k], callsigns=tuple(_split(callsigns[k])),
            takeoff_s=None if np.isnan(takeoff_s[k]) else int(takeoff_s[k]),
            landing_s=None if np.isnan(landing_s[k]) else int(landing_s[k]),
            first_s=int(first_s[k]), last_s=int(last_s[k]),
            origin=takeoff_airport[k], destination=landing_airport[k],
            score=round(float(score[k]), 3),
            identity=round(float(identity[k]), 3) if named else None,
            route=round(float(route[k]), 3),
            time=round(float(time[k]), 3) if has_time else None,
            reasons=reasons, time_reading=reading.name if reading and has_time else "",
            sources=sources[k], synthetic=bool(synthetic[k]),
        ))
    return out


def _when(delta_minutes: float) -> str:
    if round(abs(delta_minutes)) == 0:
        return "on time"
    return f"{format_duration(delta_minutes)} {'late' if delta_minutes > 0 else 'early'}"


def _reasons(
    claim: Claim, reading: Reading | None, how: str, name: str,
    takeoff_airport: str, landing_airport: str, o_part: float, d_part: float,
    up_s: float, down_s: float, t_obs: bool, l_obs: bool, first_km: float, last_km: float,
    largest_gap_s: float, sources: str, reading_k: int, gap_lon: float, gap_lat: float,
) -> tuple[str, ...]:
    o, d = claim.origin, claim.destination
    out: list[str] = []
    # takeoff
    timing = ""
    if reading is not None and reading.depart:
        delta = _delta_minutes(np.array([up_s]), reading.depart)[0]
        side = "after" if delta > 0 else "before"
        timing = ("at the reported time" if round(abs(delta)) == 0
                  else f"{format_duration(delta)} {side} the reported time")
    if o_part == ROUTE_UNOBSERVED:
        out.append(f"first seen {timing + ', ' if timing else ''}{first_km:,.0f} km from "
                   f"{o.label} (takeoff not observed)")
    else:
        if o_part == 1.0:
            where = f"at the reported airport ({o.label})"
        elif o_part == ROUTE_ALTERNATIVE:
            where = (f"at {takeoff_airport or 'an unknown airport'} (the reported {o.label} "
                     "an alternative)")
        else:
            where = (f"from {takeoff_airport or 'an unknown airport'} (not the reported "
                     f"{o.label})")
        out.append(f"took off {timing + ' ' if timing else ''}{where}")
    # landing
    if d_part == 1.0:
        landed = f"landed at {d.label}"
    elif d_part == ROUTE_ALTERNATIVE:
        landed = f"landed at {landing_airport or 'an unknown airport'} ({d.label} an alternative)"
    elif d_part == ROUTE_UNOBSERVED:
        landed = f"last seen {last_km:,.0f} km from {d.label} (landing not observed)"
    else:
        landed = f"landed at {landing_airport or 'an unknown airport'} (not the reported {d.label})"
    if reading is not None and reading.arrive:
        delta = _delta_minutes(np.array([down_s]), reading.arrive)[0]
        landed += f" {_when(delta)}"
    out.append(landed)
    if not t_obs and o_part != ROUTE_UNOBSERVED:
        out.append("takeoff not observed")
    if not l_obs and d_part != ROUTE_UNOBSERVED:
        out.append("landing not observed")
    # identity
    if claim.aircraft:
        if how == "type":
            out.append(f"type matches the reported {claim.aircraft}")
        elif how:
            out.append(f"{how} matches the reported aircraft ({claim.aircraft})")
        else:
            out.append(f"not the reported aircraft ({claim.aircraft}): {name}")
    if largest_gap_s >= GAP_REASON_MINUTES * 60:
        out.append(gap_reason(largest_gap_s, place_words(gap_lon, gap_lat)))
    if reading is not None and reading_k > 0:
        out.append(f"fits the times read as {reading.words}")
    if sources:
        names = sorted({PurePath(x).name for x in sources.split(";") if x})
        out.append(f"{FILES_REASON}{', '.join(names)}")
    return tuple(out)


FILES_REASON = "recorded in "  # the last reason: the files the leg was recorded in


def short_reasons(c: Candidate) -> tuple[str, ...]:
    """A candidate's reasons without the files it was recorded in (a map card's line)."""
    return tuple(r for r in c.reasons if not r.startswith(FILES_REASON))


def gap_reason(seconds: float, where: str = "") -> str:
    """``20-minute coverage gap``; ``coverage gap of 1 h 5 min``; with where it is
    (:func:`geo.match.where.place_words`): ``20-minute coverage gap 120 km N of Makhachkala (MCX)``,
    ``… gap over Russia, 15 km SE of Volgograd (VOG)``."""
    minutes = seconds / 60.0
    if round(minutes) < 60:
        words = f"{round(minutes)}-minute coverage gap"
    else:
        words = f"coverage gap of {format_duration(minutes)}"
    return f"{words} {where}" if where else words


def takeoff_words(s: int | None, tz: str) -> str:
    """``22:58 UTC (01:58 MSK 14 Mar 2025)``-style: UTC and local at the airport."""
    if s is None:
        return "not observed"
    dt = datetime.fromtimestamp(s, UTC)
    return f"{iso_utc(dt)} ({format_instant(dt, tz)})"
