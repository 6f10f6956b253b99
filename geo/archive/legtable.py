"""The legs index: one row per leg, made by :func:`geo.tracks.split_legs` (the ``--tracks``
leg rules, one home) from every fix of one aircraft over the store's days and sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
    split_legs,
)
from geo.tracks.geometry import along_segments
from geo.tracks.model import BoolArray, FloatArray, IntArray

__all__ = ["POSITIONS_PER_TASK", "buckets", "leg_rows"]

_LEGS_AT_ONCE = 1000  # legs made into rows together (their traces are held until then)

POSITIONS_PER_TASK = 4_000_000
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


class _Words:
    """A string column as dictionary codes: ``codes[i]`` indexes ``words``; the last word is
    None (a null). Aircraft's columns hold few distinct values: no string per fix."""

    __slots__ = ("codes", "empty", "words")

    def __init__(self, column: pa.ChunkedArray) -> None:
        chunks = pc.dictionary_encode(column).chunks  # one dictionary, shared by the chunks
        if not chunks or any(not c.dictionary.equals(chunks[-1].dictionary) for c in chunks):
            chunks = [pc.dictionary_encode(column.combine_chunks())]
        dictionary = chunks[-1].dictionary
        self.words: list[str | None] = [*dictionary.to_pylist(), None]
        self.codes: npt.NDArray[np.int32] = np.concatenate(
            [c.indices.fill_null(len(dictionary)).to_numpy() for c in chunks]
        ).astype(np.int32, copy=False)
        self.empty = np.array([not w for w in self.words], dtype=np.bool_)

    def take(self, order: npt.NDArray[np.int64]) -> None:
        self.codes = self.codes[order]


def _most_common(words: _Words, a: int, b: int) -> str | None:
    """The most frequent non-empty value of rows ``a:b`` (ties: the first in sort order), or
    None."""
    rows = words.codes[a:b]
    first = int(rows[0])
    if not (rows != first).any():  # one value throughout (the usual case)
        return None if words.empty[first] else str(words.words[first])
    counts = np.bincount(rows, minlength=len(words.words))
    counts[words.empty] = 0
    top = int(counts.max())
    if not top:
        return None
    return str(min(str(words.words[k]) for k in np.flatnonzero(counts == top).tolist()))


def _first_seen_codes(words: _Words, a: int, b: int) -> tuple[npt.NDArray[np.int32], list[str]]:
    """Rows ``a:b`` coded by the order each value first appears there (-1: null), and the
    values in that order."""
    raw = words.codes[a:b]
    null = len(words.words) - 1
    first = int(raw[0])
    if not (raw != first).any():  # one value throughout (the usual case)
        if first == null:
            return np.full(raw.shape[0], -1, dtype=np.int32), []
        return np.zeros(raw.shape[0], dtype=np.int32), [str(words.words[first])]
    runs = np.flatnonzero(np.concatenate([[True], raw[1:] != raw[:-1]]))  # values change
    order = [k for k in dict.fromkeys(raw[runs].tolist()) if k != null]
    codes = np.full(raw.shape[0], -1, dtype=np.int32)
    for rank, k in enumerate(order):  # an aircraft has few callsigns
        codes[raw == k] = rank
    return codes, [str(words.words[k]) for k in order]


def _end(match: AirportMatch, observed: bool, t: float) -> tuple[int | None, str | None]:
    if not observed:
        return None, None
    return int(t), match.code or None


@dataclass(frozen=True, slots=True)
class _Aircraft:
    """What the legs of one aircraft share: its address, names, and its rows ``a:b`` of the
    bucket's positions (all sources, before duplicates were merged)."""

    icao24: str
    registration: str | None
    aircraft_type: str | None
    a: int
    b: int
    sole_source: str | None  # the one source of all its rows, if one


def _gap_middles(
    t: FloatArray, lon: FloatArray, lat: FloatArray, i: IntArray
) -> tuple[FloatArray, FloatArray]:
    """``(lons, lats)`` at the middle time of fixes ``i`` and ``i + 1``: what
    :func:`geo.tracks.positions_at` gives there (its :func:`along_segments`), for many legs in
    one call."""
    q = (t[i] + t[i + 1]) / 2.0
    p_lon, p_lat, *_ = along_segments(t, lon, lat, i, q)
    return p_lon, p_lat


def _legs_rows(
    legs: list[tuple[Leg, _Aircraft]],
    raw_t: FloatArray,
    source: _Words,
    sha: Mapping[str, str],
    synthetic: bool,
) -> list[dict[str, object]]:
    """One row per leg, every leg of the bucket at once (``raw_t``: the bucket's position
    times, ``source`` their sources, indexed by the aircraft's ``a:b``)."""
    if not legs:
        return []
    n_legs = len(legs)
    t = np.concatenate([leg.trace.t[leg.index] for leg, _ in legs])
    lat = np.concatenate([leg.trace.lat[leg.index] for leg, _ in legs])
    lon = np.concatenate([leg.trace.lon[leg.index] for leg, _ in legs])
    codes = np.concatenate([leg.trace.callsign_code[leg.index] for leg, _ in legs])
    lens = np.array([leg.index.shape[0] for leg, _ in legs], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    lasts = starts + lens - 1
    leg_of = np.repeat(np.arange(n_legs), lens)

    # the largest gap: per leg the first greatest step, and the aircraft at its middle
    step = np.diff(t)
    inside = leg_of[1:] == leg_of[:-1]
    step_in = np.where(inside, step, -np.inf)
    multi = lens > 1
    largest = np.zeros(n_legs)
    gap_at = np.zeros(n_legs, dtype=np.int64)
    if step_in.size:
        top = np.maximum.reduceat(step_in, np.minimum(starts, step_in.size - 1))
        largest = np.where(multi, top, 0.0)
        hit = np.where(inside & (step_in == largest[leg_of[:-1]]), np.arange(step.size), t.size)
        gap_at = np.minimum.reduceat(hit, np.minimum(starts, step_in.size - 1))
    gap_lon = np.full(n_legs, np.nan)
    gap_lat = np.full(n_legs, np.nan)
    if multi.any():
        gap_lon[multi], gap_lat[multi] = _gap_middles(t, lon, lat, gap_at[multi])

    # coverage: the minutes from the first fix that hold a fix (times increase in a leg)
    minutes = np.floor((t - t[starts][leg_of]) / 60.0).astype(np.int64)
    changed = np.concatenate([[0], (np.diff(minutes) > 0) & inside]).astype(np.int64)
    held = np.add.reduceat(changed, starts) - changed[starts] + 1
    span = minutes[lasts] + 1

    # callsigns in the order they first appear: each (leg, code)'s first fix, in fix order
    known = np.flatnonzero(codes >= 0)
    pair = leg_of[known] * (int(codes.max(initial=0)) + 1) + codes[known]
    firsts = np.sort(known[np.unique(pair, return_index=True)[1]])
    seen: list[dict[str, None]] = [{} for _ in range(n_legs)]
    for k, j in zip(firsts.tolist(), leg_of[firsts].tolist(), strict=True):
        seen[j].setdefault(legs[j][0].trace.callsigns[int(codes[k])], None)

    first_t, last_t = t[starts].tolist(), t[lasts].tolist()
    columns = {
        "first_lat_deg": lat[starts],
        "first_lon_deg": lon[starts],
        "last_lat_deg": lat[lasts],
        "last_lon_deg": lon[lasts],
        "min_lat_deg": np.minimum.reduceat(lat, starts),
        "min_lon_deg": np.minimum.reduceat(lon, starts),
        "max_lat_deg": np.maximum.reduceat(lat, starts),
        "max_lon_deg": np.maximum.reduceat(lon, starts),
    }
    values = {name: column.tolist() for name, column in columns.items()}
    gap_lats, gap_lons = gap_lat.tolist(), gap_lon.tolist()
    rows: list[dict[str, object]] = []
    for j, (leg, aircraft) in enumerate(legs):
        if aircraft.sole_source is not None:
            sources = [aircraft.sole_source]
        else:  # the sources of its rows from the leg's first fix to its last
            raw = raw_t[aircraft.a : aircraft.b]
            lo = aircraft.a + int(np.searchsorted(raw, first_t[j], side="left"))
            hi = aircraft.a + int(np.searchsorted(raw, last_t[j], side="right"))
            present = np.unique(source.codes[lo:hi]).tolist()
            sources = sorted(str(source.words[k]) for k in present)
        takeoff_s, takeoff_airport = _end(leg.origin, leg.takeoff_observed, first_t[j])
        landing_s, landing_airport = _end(leg.destination, leg.landing_observed, last_t[j])
        row: dict[str, object] = {
            "leg_id": leg.id,
            "icao24": aircraft.icao24,
            "registration": aircraft.registration,
            "type": aircraft.aircraft_type,
            "callsigns": ";".join(seen[j]),
            "takeoff_s": takeoff_s,
            "takeoff_airport": takeoff_airport,
            "takeoff_alternatives": (leg.origin.lat, leg.origin.lon)
            if takeoff_s is not None
            else "",
            "takeoff_observed": leg.takeoff_observed,
            "landing_s": landing_s,
            "landing_airport": landing_airport,
            "landing_alternatives": (leg.destination.lat, leg.destination.lon)
            if landing_s is not None
            else "",
            "landing_observed": leg.landing_observed,
            "first_s": int(first_t[j]),
            "last_s": int(last_t[j]),
        }
        row.update({name: column[j] for name, column in values.items()})
        row.update(
            {
                "largest_gap_s": int(largest[j]),
                "largest_gap_lat_deg": gap_lats[j] if multi[j] else None,
                "largest_gap_lon_deg": gap_lons[j] if multi[j] else None,
                "fix_count": int(lens[j]),
                "coverage": float(held[j]) / int(span[j]),
                "sources": ";".join(sources),
                "source_sha256": ";".join(sha.get(s, "") for s in sources),
                "synthetic": synthetic,
            }
        )
        rows.append(row)
    return rows


def _aircraft_legs(
    frame: Mapping[str, FloatArray],
    flags: Mapping[str, BoolArray],
    words: Mapping[str, _Words],
    a: int,
    b: int,
) -> list[tuple[Leg, _Aircraft]]:
    """The legs of the aircraft in rows ``a:b`` of the bucket's positions."""
    icao24 = str(words["icao24"].words[int(words["icao24"].codes[a])])
    codes, names = _first_seen_codes(words["callsign"], a, b)
    trace = make_trace(
        f"archive:{icao24}",
        frame["time_s"][a:b],
        frame["lat_udeg"][a:b] / 1e6,
        frame["lon_udeg"][a:b] / 1e6,
        alt_ft=frame["alt_baro_ft"][a:b],
        on_ground=flags["on_ground"][a:b],
        gs_kt=frame["gs_kt"][a:b],
        track_deg=frame["track_deg"][a:b],
        vrate_fpm=frame["vrate_fpm"][a:b],
        new_leg=flags["new_leg"][a:b],
        callsign_code=codes,
        callsigns=names,
        format="archive",
        icao24=icao24,
        non_icao=icao24.startswith("~"),
    )
    source = words["source"].codes[a:b]
    sole = int(source[0])
    aircraft = _Aircraft(
        icao24,
        _most_common(words["registration"], a, b),
        _most_common(words["type"], a, b),
        a,
        b,
        str(words["source"].words[sole]) if bool(np.all(source == sole)) else None,
    )
    return [(leg, aircraft) for leg in split_legs(trace, default_airports()).legs]


def _bucket_where(bucket: str) -> tuple[str, list[object]]:
    """The addresses ending in a digit of ``bucket``: ``suffix`` is evaluated in the scan
    (``right(...) IN (SELECT ...)`` was a join over every row of every file)."""
    digits = sorted(set(bucket))
    if not digits:
        return "false", []
    return "(" + " OR ".join("suffix(icao24, ?)" for _ in digits) + ")", list(digits)


def _read(
    paths: list[str], bucket: str, touched: list[str] | None
) -> tuple[dict[str, FloatArray], dict[str, BoolArray], dict[str, _Words]]:
    """The bucket's positions as arrays (numbers, flags, strings as :class:`_Words`), in the
    order ``icao24, time_s, *POSITION_SORT``: sorted here by address and time; rows tied on
    both (rare) are put in the full order by DuckDB."""
    con = duckdb.connect(config={"threads": 1})
    con.execute("SET enable_progress_bar = false")
    where, digits = _bucket_where(bucket)
    params: list[object] = [paths, *digits]
    if touched is not None:
        con.register("touched", pd.DataFrame({"icao24": touched}))
        where += " AND icao24 IN (SELECT icao24 FROM touched)"
    table = con.sql(f"SELECT {_COLUMNS} FROM {FILES} WHERE {where}", params=params).to_arrow_table()
    frame: dict[str, FloatArray] = {}
    flags: dict[str, BoolArray] = {}
    words: dict[str, _Words] = {}
    for name in table.column_names:
        column = table[name]
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            words[name] = _Words(column)  # few distinct values: codes, not a string per row
        elif pa.types.is_boolean(column.type):
            flags[name] = column.fill_null(False).to_numpy()
    order = _order(con, table, words["icao24"])
    con.close()
    for name in table.column_names:
        column = table[name]
        if name in words or name in flags:
            continue
        if column.null_count:  # NaN where null
            frame[name] = column.to_numpy(zero_copy_only=False).astype(np.float64)[order]
        else:  # gather the narrow values, then widen
            frame[name] = column.to_numpy()[order].astype(np.float64)
    for name, flag in flags.items():
        flags[name] = flag[order]
    for coded in words.values():
        coded.take(order)
    return frame, flags, words


def _order(con: duckdb.DuckDBPyConnection, table: pa.Table, icao: _Words) -> npt.NDArray[np.int64]:
    """The permutation that sorts ``table`` by ``icao24, time_s, *POSITION_SORT``, as DuckDB's
    ORDER BY does (every selected column is a key: the order is total)."""
    full = ", ".join(c for c in ("icao24", "time_s", *POSITION_SORT) if c != "cell")
    time = table["time_s"]
    n = table.num_rows
    if time.null_count or table["icao24"].null_count or not n:
        con.register("numbered", table.append_column("_row", pa.array(np.arange(n))))
        rows = con.sql(f"SELECT _row FROM numbered ORDER BY {full}").fetchnumpy()["_row"]
        return np.asarray(rows, dtype=np.int64)
    seconds = time.to_numpy().astype(np.int64)
    by_name = np.argsort(np.array(icao.words[:-1], dtype=object), kind="stable")
    rank = np.empty(by_name.shape[0], dtype=np.int64)
    rank[by_name] = np.arange(by_name.shape[0], dtype=np.int64)
    low, span = int(seconds.min()), int(seconds.max()) - int(seconds.min()) + 1
    if span * (by_name.shape[0] + 1) < 2**62:
        key = rank[icao.codes] * span + (seconds - low)
        order = np.argsort(key).astype(np.int64)  # ties are ordered below
        ordered_key = key[order]
        tied = ordered_key[1:] == ordered_key[:-1]
    else:
        order = np.lexsort((seconds, rank[icao.codes])).astype(np.int64)
        r, s = rank[icao.codes][order], seconds[order]
        tied = (r[1:] == r[:-1]) & (s[1:] == s[:-1])
    if tied.any():
        slots = np.flatnonzero(np.concatenate([tied, [False]]) | np.concatenate([[False], tied]))
        con.register("ties", _rows_of(table, np.sort(order[slots])))
        rows = con.sql(f"SELECT _row FROM ties ORDER BY {full}").fetchnumpy()["_row"]
        order[slots] = np.asarray(rows, dtype=np.int64)
    return order


def _rows_of(table: pa.Table, rows: npt.NDArray[np.int64]) -> pa.Table:
    """The ``rows`` (sorted) of ``table`` with their number in column ``_row``, taken batch by
    batch (a take across chunks would first join every chunk of every column)."""
    parts: list[pa.RecordBatch] = []
    start = 0
    for batch in table.to_batches():
        lo, hi = np.searchsorted(rows, [start, start + batch.num_rows])
        if hi > lo:
            mine = rows[lo:hi]
            part = batch.take(pa.array(mine - start))
            parts.append(part.append_column("_row", pa.array(mine)))
        start += batch.num_rows
    return pa.Table.from_batches(parts)


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
        frame, flags, words = _read(paths, bucket, touched)
        icao = words["icao24"].codes
        legs: list[tuple[Leg, _Aircraft]] = []
        if icao.shape[0]:
            change = np.flatnonzero(icao[1:] != icao[:-1]) + 1
            starts = np.concatenate([[0], change])
            ends = np.concatenate([change, [icao.shape[0]]])
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                legs.extend(_aircraft_legs(frame, flags, words, a, b))
                if len(legs) >= _LEGS_AT_ONCE:  # their traces let go
                    rows.extend(_legs_rows(legs, frame["time_s"], words["source"], sha, synthetic))
                    legs = []
        rows.extend(_legs_rows(legs, frame["time_s"], words["source"], sha, synthetic))
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
