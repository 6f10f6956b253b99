"""The legs index: one row per leg, made by :func:`geo.tracks.split_legs` (the ``--tracks``
leg rules, one home) from every fix of one aircraft over the store's days and sources."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.archive.airports import alternatives_many
from geo.archive.schema import FILES, LEG_SCHEMA, POSITION_SORT
from geo.tracks import (
    AirportMatch,
    Leg,
    default_airports,
    make_trace,
    positions_at,
    split_legs,
)

__all__ = ["POSITIONS_PER_TASK", "buckets", "leg_rows"]

POSITIONS_PER_TASK = 2_000_000
"""About this many positions per legs task (memory), and at least two tasks per worker."""


def buckets(positions: int, workers: int) -> list[str]:
    """Aircraft split into tasks by the last hex digit of their address: 1, 2, 4, 8 or 16
    groups of digits (``"0123"``). Any split gives the same legs."""
    want = max(-(-positions // POSITIONS_PER_TASK), 2 * workers, 1)
    n = next(k for k in (1, 2, 4, 8, 16) if k >= min(want, 16))
    digits = "0123456789abcdef"
    size = 16 // n
    return [digits[k : k + size] for k in range(0, 16, size)]


_COLUMNS = (
    "time_s, icao24, lat_udeg, lon_udeg, alt_baro_ft, on_ground, gs_kt, track_deg, vrate_fpm, "
    "callsign, registration, type, new_leg, CAST(source AS VARCHAR) AS source"
)


def _most_common(values: npt.NDArray[np.generic]) -> str | None:
    """The most frequent non-empty value (ties: the first in sort order), or None."""
    counts = Counter(v for v in values.tolist() if v)
    if not counts:
        return None
    top = max(counts.values())
    return str(min(k for k, c in counts.items() if c == top))


def _end(match: AirportMatch, observed: bool, t: float) -> tuple[int | None, str | None]:
    if not observed:
        return None, None
    return int(t), match.code or None


def _rows_for(
    leg: Leg,
    raw_t: npt.NDArray[np.int64],
    raw_source: npt.NDArray[np.generic],
    registration: str | None,
    aircraft_type: str | None,
    icao24: str,
    sha: Mapping[str, str],
    synthetic: bool,
) -> dict[str, object]:
    trace = leg.trace
    t = trace.t[leg.index]
    lat = trace.lat[leg.index]
    lon = trace.lon[leg.index]
    codes = trace.callsign_code[leg.index]
    seen: dict[str, None] = {}
    for c in codes[codes >= 0].tolist():
        seen.setdefault(trace.callsigns[c], None)
    lo = int(np.searchsorted(raw_t, t[0], side="left"))
    hi = int(np.searchsorted(raw_t, t[-1], side="right"))
    sources = sorted(set(raw_source[lo:hi].tolist()))
    minutes = np.floor((t - t[0]) / 60.0).astype(np.int64)
    span_minutes = int(minutes[-1]) + 1
    gap_lon = gap_lat = None
    if len(t) > 1:  # the largest gap's place: the aircraft at its middle (on the geodesic)
        k = int(np.diff(t).argmax())
        lons, lats, _ = positions_at(leg, [(float(t[k]) + float(t[k + 1])) / 2.0])
        gap_lon, gap_lat = float(lons[0]), float(lats[0])
    takeoff_s, takeoff_airport = _end(leg.origin, leg.takeoff_observed, t[0])
    landing_s, landing_airport = _end(leg.destination, leg.landing_observed, t[-1])
    return {
        "leg_id": leg.id,
        "icao24": icao24,
        "registration": registration,
        "type": aircraft_type,
        "callsigns": ";".join(seen),
        "takeoff_s": takeoff_s,
        "takeoff_airport": takeoff_airport,
        "takeoff_alternatives": (leg.origin.lat, leg.origin.lon) if takeoff_s is not None else "",
        "takeoff_observed": leg.takeoff_observed,
        "landing_s": landing_s,
        "landing_airport": landing_airport,
        "landing_alternatives": (leg.destination.lat, leg.destination.lon)
        if landing_s is not None
        else "",
        "landing_observed": leg.landing_observed,
        "first_s": int(t[0]),
        "last_s": int(t[-1]),
        "first_lat_deg": float(lat[0]),
        "first_lon_deg": float(lon[0]),
        "last_lat_deg": float(lat[-1]),
        "last_lon_deg": float(lon[-1]),
        "min_lat_deg": float(lat.min()),
        "min_lon_deg": float(lon.min()),
        "max_lat_deg": float(lat.max()),
        "max_lon_deg": float(lon.max()),
        "largest_gap_s": int(np.diff(t).max()) if len(t) > 1 else 0,
        "largest_gap_lat_deg": gap_lat,
        "largest_gap_lon_deg": gap_lon,
        "fix_count": int(len(t)),
        "coverage": float(np.unique(minutes).shape[0]) / span_minutes,
        "sources": ";".join(sources),
        "source_sha256": ";".join(sha.get(s, "") for s in sources),
        "synthetic": synthetic,
    }


def _aircraft_legs(
    frame: Mapping[str, npt.NDArray[np.generic]],
    a: int,
    b: int,
    sha: Mapping[str, str],
    synthetic: bool,
) -> list[dict[str, object]]:
    icao24 = str(frame["icao24"][a])
    t = frame["time_s"][a:b].astype(np.int64)
    calls = frame["callsign"][a:b]
    names: dict[str, int] = {}
    codes = np.array(
        [-1 if c is None else names.setdefault(str(c), len(names)) for c in calls.tolist()],
        dtype=np.int32,
    )
    alt = frame["alt_baro_ft"][a:b].astype(np.float64)
    trace = make_trace(
        f"archive:{icao24}",
        t.astype(np.float64),
        frame["lat_udeg"][a:b].astype(np.float64) / 1e6,
        frame["lon_udeg"][a:b].astype(np.float64) / 1e6,
        alt_ft=alt,
        on_ground=frame["on_ground"][a:b].astype(np.bool_),
        gs_kt=frame["gs_kt"][a:b].astype(np.float64),
        track_deg=frame["track_deg"][a:b].astype(np.float64),
        vrate_fpm=frame["vrate_fpm"][a:b].astype(np.float64),
        new_leg=frame["new_leg"][a:b].astype(np.bool_),
        callsign_code=codes,
        callsigns=list(names),
        format="archive",
        icao24=icao24,
        non_icao=icao24.startswith("~"),
    )
    registration = _most_common(frame["registration"][a:b])
    aircraft_type = _most_common(frame["type"][a:b])
    split = split_legs(trace, default_airports())
    return [
        _rows_for(leg, t, frame["source"][a:b], registration, aircraft_type, icao24, sha, synthetic)
        for leg in split.legs
    ]


def leg_rows(
    paths: list[str],
    bucket: str,
    touched: list[str] | None,
    sha: Mapping[str, str],
    synthetic: bool,
) -> pa.Table:
    """The legs of the aircraft whose address ends in a digit of ``bucket`` (only ``touched`` ones,
    when given) from the positions files ``paths``, in the legs schema."""
    rows: list[dict[str, object]] = []
    if paths:
        con = duckdb.connect(config={"threads": 1})
        con.execute("SET enable_progress_bar = false")
        where = "right(icao24, 1) IN (SELECT unnest(?))"
        params: list[object] = [paths, list(bucket)]
        if touched is not None:
            con.register("touched", pd.DataFrame({"icao24": touched}))
            where += " AND icao24 IN (SELECT icao24 FROM touched)"
        order = ", ".join(c for c in ("icao24", "time_s", *POSITION_SORT) if c != "cell")
        query = f"SELECT {_COLUMNS} FROM {FILES} WHERE {where} ORDER BY {order}"
        table = con.sql(query, params=params).to_arrow_table()
        con.close()
        frame: dict[str, npt.NDArray[np.generic]] = {}
        for name in table.column_names:
            column = table[name]
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                # few distinct values: decode through a dictionary, not row by row
                coded = pc.dictionary_encode(column.combine_chunks())
                words = np.array([*coded.dictionary.to_pylist(), None], dtype=object)
                index = coded.indices.fill_null(len(coded.dictionary)).to_numpy()
                frame[name] = words[index]
            elif pa.types.is_boolean(column.type):
                frame[name] = column.fill_null(False).to_numpy()
            else:
                frame[name] = column.to_numpy(zero_copy_only=False).astype(np.float64)
        icao = frame["icao24"]
        if icao.shape[0]:
            change = np.flatnonzero(icao[1:] != icao[:-1]) + 1
            starts = np.concatenate([[0], change])
            ends = np.concatenate([change, [icao.shape[0]]])
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                rows.extend(_aircraft_legs(frame, a, b, sha, synthetic))
    _fill_alternatives(rows)
    return pa.Table.from_pylist(rows, schema=LEG_SCHEMA)


def _fill_alternatives(rows: list[dict[str, object]]) -> None:
    """Replace the observed ends' ``(lat, lon)`` placeholders by the other airfields near
    them, all ends in one call."""
    where: list[tuple[int, str, str]] = []
    lats: list[float] = []
    lons: list[float] = []
    for k, row in enumerate(rows):
        for end in ("takeoff", "landing"):
            fix = row[f"{end}_alternatives"]
            if isinstance(fix, tuple):
                where.append((k, f"{end}_alternatives", str(row[f"{end}_airport"] or "")))
                lats.append(float(fix[0]))
                lons.append(float(fix[1]))
    found = alternatives_many(lats, lons, [w[2] for w in where])
    for (k, column, _), text in zip(where, found, strict=True):
        rows[k][column] = text
