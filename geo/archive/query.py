"""Questions to a store, answered by DuckDB over the Parquet files (no server).

Every query lists the partition files of its time window and hands DuckDB that list, so it
reads nothing else: positions by UTC hour, legs by the UTC day of their first fix (the day
before the window too: a leg may start the evening before). Times in and out are Unix
seconds; ``start``/``end`` are aware datetimes, the window ``[start, end)``.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyproj import Geod

from geo.archive.airports import Airfield, resolve_airport
from geo.archive.build import ArchiveError
from geo.archive.schema import (
    AIRCRAFT,
    ARCHIVE_JSON,
    FILES,
    LEG_SCHEMA,
    ground_day_path,
    hour_path,
    leg_day_path,
)
from geo.tracks import normalize_aircraft, normalized_sql

__all__ = [
    "AT_GROUND_KM",
    "AirportReport",
    "addresses_named",
    "aircraft_near",
    "at_airport",
    "box",
    "connection",
    "legs",
    "positions",
    "store_info",
]

AT_GROUND_KM = 5.0
"""``at``: an aircraft on the ground within this distance of the airport is at it."""

_GEOD = Geod(ellps="WGS84")
_BOX = tuple[float, float, float, float]
_POSITION_COLUMNS = (
    "time_s, icao24, lat_udeg / 1e6 AS lat_deg, lon_udeg / 1e6 AS lon_deg, alt_baro_ft, "
    "on_ground, gs_kt, track_deg, vrate_fpm, callsign, registration, type, "
    "CAST(source AS VARCHAR) AS source"
)


@dataclass(frozen=True, slots=True, eq=False)
class AirportReport:
    airport: Airfield
    arrivals: pd.DataFrame  # legs landing there in the window
    departures: pd.DataFrame  # legs taking off there in the window
    on_ground: pd.DataFrame  # icao24, first_s, last_s, fixes: seen on the ground there


def _root(store: Path | str) -> Path:
    root = Path(store)
    if not (root / ARCHIVE_JSON).is_file():
        raise ArchiveError(f"{root}: not an archive store (no {ARCHIVE_JSON})")
    return root


def store_info(store: Path | str) -> dict[str, Any]:
    """The store's ``archive.json``: synthetic flag, inputs, days, counts."""
    path = _root(store) / ARCHIVE_JSON
    info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return info


def _seconds(moment: datetime, name: str) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name}: {moment.isoformat()} has no time zone; give an aware time")
    return math.floor(moment.timestamp())


def _window(start: datetime, end: datetime) -> tuple[int, int]:
    a, b = _seconds(start, "start"), _seconds(end, "end")
    if b <= a:
        raise ValueError(f"the window ends ({end.isoformat()}) before it starts")
    return a, b


def _hour_files(root: Path, start_s: int, end_s: int) -> list[str]:
    out: list[str] = []
    for h in range(start_s // 3600, (end_s - 1) // 3600 + 1):
        moment = datetime.fromtimestamp(h * 3600, UTC)
        path = hour_path(root, moment.strftime("%Y-%m-%d"), moment.hour)
        if path.exists():
            out.append(os.fspath(path))
    return out


def _ground_files(root: Path, start_s: int, end_s: int) -> list[str] | None:
    """The ground tier's files of the window's days; None when a day has none (a store
    built before the tier: its hour files answer)."""
    first = datetime.fromtimestamp(start_s, UTC).date()
    last = datetime.fromtimestamp(end_s - 1, UTC).date()
    out: list[str] = []
    day: date = first
    while day <= last:
        path = ground_day_path(root, day.isoformat())
        if not path.exists():
            return None
        out.append(os.fspath(path))
        day += timedelta(days=1)
    return out


def _leg_files(root: Path, window: tuple[int, int] | None) -> list[str]:
    if window is None:
        return sorted(os.fspath(p) for p in (root / "legs").glob("day=*/part-0.parquet"))
    first = datetime.fromtimestamp(window[0], UTC).date() - timedelta(days=1)
    last = datetime.fromtimestamp(window[1] - 1, UTC).date()
    out: list[str] = []
    day: date = first
    while day <= last:
        path = leg_day_path(root, day.isoformat())
        if path.exists():
            out.append(os.fspath(path))
        day += timedelta(days=1)
    return out


_DATABASES: dict[int, duckdb.DuckDBPyConnection] = {}
"""The process's database, by process id: a forked child opens its own, and neither uses nor
frees its parent's (freeing it there ran DuckDB's shutdown in a child about to exec, and
killed the child: Spark's Java gateway, for one)."""
_DATABASE_LOCK = threading.Lock()


def connection() -> duckdb.DuckDBPyConnection:
    """A new connection (close it when done) to this process's one in-memory DuckDB database,
    which keeps the Parquet files' footers between questions (``parquet_metadata_cache``), as
    a database server keeps its indexes warm: a question about a year of legs opens 365 files,
    and reading their footers again was most of its time. DuckDB checks every cached footer
    against its file's modification time, and trusts none younger than 10 s, so a file the
    build rewrites is read afresh. One connection per caller: a connection is not for two
    threads at once."""
    pid = os.getpid()
    with _DATABASE_LOCK:
        database = _DATABASES.get(pid)
        if database is None:
            database = duckdb.connect(config={"threads": 2})
            database.execute("SET GLOBAL parquet_metadata_cache = true")
            _DATABASES[pid] = database
        con = database.cursor()
    con.execute("SET enable_progress_bar = false")
    return con


def _new_lock() -> None:  # a child forked while another thread held the lock
    global _DATABASE_LOCK
    _DATABASE_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_new_lock)


HELD_BYTES = 768 << 20
"""The legs index held in memory, decoded, per process: at most this many bytes of it."""
_DECODED_PER_BYTE = 6
"""A legs file takes about 4 times its size in memory, decoded (the 118,000-leg day: 10.6 MB
on disk, 42 MB held); a question whose files would not fit, so estimated, is asked of the
files and holds nothing (a year of legs: 9.6 GB on disk)."""

_Rows = npt.NDArray[np.int64]
_NO_ROWS: _Rows = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True, eq=False)
class _Held:
    """One legs file, decoded (as DuckDB reads it), with its rows by address and by airport."""

    frame: pd.DataFrame
    empty: pd.DataFrame  # no rows, as DuckDB gives an empty answer (its column types)
    by_icao24: dict[str, _Rows]
    by_takeoff: dict[str, _Rows]
    by_landing: dict[str, _Rows]
    columns: dict[str, npt.NDArray[Any]]  # the columns the questions test, as NumPy (NaN: null)
    nbytes: int


def _rows_by(column: pd.Series) -> dict[str, _Rows]:
    groups = column.groupby(column).indices
    return {str(k): np.asarray(v, dtype=np.int64) for k, v in groups.items()}


@dataclass(frozen=True, slots=True, eq=False)
class _Ground:
    """One ground tier file, decoded: its columns as NumPy (addresses as codes into
    ``names``), in the file's order (by cell, address, time)."""

    cell: npt.NDArray[np.int32]
    icao24: npt.NDArray[np.int32]
    names: npt.NDArray[np.object_]
    time_s: npt.NDArray[np.int64]
    lat_udeg: npt.NDArray[np.int32]
    lon_udeg: npt.NDArray[np.int32]
    nbytes: int


_H = TypeVar("_H", _Held, _Ground)


class _HeldFiles:
    """A database server keeps its hot pages in memory; this keeps the hot legs and ground
    files, decoded, so a question about one aircraft or one airport on a day asked before
    costs a dictionary lookup or two binary searches and a few rows' copy, not a decoding of
    the day's files.

    A file is held from the second question that reads it (the first is asked of the file:
    a one-off command pays nothing), keyed by its path, inode, size and modification time (a
    rebuilt file is a new file: the build renames a new one into place), the least recently
    used let go beyond :data:`HELD_BYTES`. What is held is never handed out: callers get
    copies of their rows."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: OrderedDict[tuple[str, int, int, int], _Held | _Ground] = OrderedDict()
        self.seen: OrderedDict[tuple[str, int, int, int], None] = OrderedDict()
        self.nbytes = 0

    @staticmethod
    def _key(path: str) -> tuple[str, int, int, int]:
        st = os.stat(path)
        return path, st.st_ino, st.st_size, st.st_mtime_ns

    def files(self, paths: Sequence[str], load: Callable[[str], _H]) -> list[_H] | None:
        """The files held (loaded by ``load`` now if asked about before), or None: ask the
        files."""
        keys = [self._key(p) for p in paths]
        with self.lock:
            missing = [k for k in keys if k not in self.held]
            fresh = [k for k in missing if k not in self.seen]
            for k in fresh:
                self.seen[k] = None
                while len(self.seen) > 4096:
                    self.seen.popitem(last=False)
            if fresh:
                return None
            wanted = sum(self.held[k].nbytes for k in dict.fromkeys(keys) if k in self.held)
            if wanted + sum(k[2] for k in missing) * _DECODED_PER_BYTE > HELD_BYTES:
                return None
        loaded = {k: load(k[0]) for k in missing}
        with self.lock:
            for k, h in loaded.items():
                if k not in self.held:
                    self.held[k] = h
                    self.nbytes += h.nbytes
            out: list[_H] = []
            for k in keys:
                self.held.move_to_end(k)
                out.append(cast(_H, self.held[k]))
            while self.nbytes > HELD_BYTES and len(self.held) > len(keys):
                _, gone = self.held.popitem(last=False)
                self.nbytes -= gone.nbytes
            if self.nbytes > HELD_BYTES:  # this question's files alone are too big: let go
                for k in dict.fromkeys(keys):
                    self.nbytes -= self.held.pop(k).nbytes
        return out


def _load_held(path: str) -> _Held:
    with connection() as con:
        frame = con.execute(f"SELECT * FROM {FILES}", [[path]]).df()
        empty = con.execute(f"SELECT * FROM {FILES} LIMIT 0", [[path]]).df()
    columns: dict[str, npt.NDArray[Any]] = {
        name: frame[name].to_numpy(dtype=object)
        for name in ("icao24", "registration", "callsigns", "leg_id", "takeoff_airport",
                     "landing_airport")
    }  # fmt: skip
    for name in ("takeoff_s", "landing_s", "first_s", "last_s"):
        columns[name] = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
    return _Held(
        frame,
        empty,
        _rows_by(frame["icao24"]),
        _rows_by(frame["takeoff_airport"]),
        _rows_by(frame["landing_airport"]),
        columns,
        int(frame.memory_usage(deep=True).sum())
        + sum(c.nbytes * (9 if c.dtype == object else 1) for c in columns.values()),
    )  # (an object column: its pointers and about 64 bytes a string)


def _load_ground(path: str) -> _Ground:
    table = pq.read_table(path)
    coded = pc.dictionary_encode(table.column("icao24").combine_chunks())
    names = np.asarray(coded.dictionary.to_pylist(), dtype=object)
    arrays = {
        name: table.column(name).to_numpy() for name in ("cell", "time_s", "lat_udeg", "lon_udeg")
    }
    codes = coded.indices.to_numpy().astype(np.int32)
    nbytes = sum(a.nbytes for a in arrays.values()) + codes.nbytes + 64 * names.shape[0]
    return _Ground(arrays["cell"], codes, names, arrays["time_s"], arrays["lat_udeg"],
                   arrays["lon_udeg"], nbytes)  # fmt: skip


_HELD = _HeldFiles()


def _new_held_lock() -> None:  # as _new_lock: a child forked while a thread held it
    _HELD.lock = threading.Lock()


os.register_at_fork(after_in_child=_new_held_lock)


def _held_legs(
    held: Sequence[_Held],
    lookup: tuple[str, Sequence[str]],
    name: str | None,
    origins: Sequence[str] | None,
    destinations: Sequence[str] | None,
    window: tuple[int, int] | None,
) -> pd.DataFrame | None:
    """:func:`legs` from held files: the rows ``lookup`` (``(index, keys)``) finds, tested
    as the SQL tests them, copied once, in its order; None where a name is not ASCII (the
    SQL decides)."""
    index, keys = lookup
    hits: list[tuple[_Held, _Rows]] = []
    for h in held:
        found: dict[str, _Rows] = getattr(h, index)
        rows = np.unique(np.concatenate([found.get(k, _NO_ROWS) for k in keys]))
        if not rows.size:
            continue
        c = h.columns
        keep = np.ones(rows.size, dtype=np.bool_)
        if name is not None:
            named = _named(c["icao24"][rows], c["registration"][rows], c["callsigns"][rows], name)
            if named is None:
                return None
            keep &= named
        if origins is not None:
            keep &= np.isin(c["takeoff_airport"][rows], origins)
        if destinations is not None:
            keep &= np.isin(c["landing_airport"][rows], destinations)
        if window is not None:
            keep &= (c["first_s"][rows] < window[1]) & (c["last_s"][rows] >= window[0])
        if keep.any():
            hits.append((h, rows[keep]))
    if not hits:  # as DuckDB answers nothing
        return held[-1].empty.copy()
    if len(hits) > 1:
        both = pd.concat([h.frame.take(rows) for h, rows in hits], ignore_index=True)
        return _in_order(both, "first_s", "icao24", "leg_id")
    h, rows = hits[0]
    keys_ = list(zip(h.columns["first_s"][rows].tolist(), h.columns["icao24"][rows].tolist(),
                     h.columns["leg_id"][rows].tolist(), strict=True))  # fmt: skip
    order = sorted(range(rows.size), key=keys_.__getitem__)
    out = h.frame.take(rows[order])
    out.index = pd.RangeIndex(rows.size)  # as reset_index(drop=True), without its copy
    return out


def _in_order(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` sorted by ``columns`` (ascending; numbers and text compared as DuckDB's
    ``ORDER BY`` compares them: text by code point), renumbered."""
    keys = list(zip(*(frame[c].tolist() for c in columns), strict=True))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return frame.take(order).reset_index(drop=True)


def _held_ends(
    held: Sequence[_Held], codes: Sequence[str], start_s: int, end_s: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`at_airport`'s arrivals and departures from held files: each a copy of its rows,
    in the order of the time, then the address (as from the files: tested)."""
    found: dict[str, list[tuple[_Held, _Rows]]] = {"landing": [], "takeoff": []}
    for end, hits in found.items():
        for h in held:
            index: dict[str, _Rows] = getattr(h, f"by_{end}")
            rows = np.unique(np.concatenate([index.get(c, _NO_ROWS) for c in codes]))
            if rows.size:
                t = h.columns[f"{end}_s"][rows]
                rows = rows[(t >= start_s) & (t < end_s)]
            if rows.size:
                hits.append((h, rows))
    if not found["landing"] and not found["takeoff"]:  # as DuckDB answers nothing
        return held[-1].empty.copy(), held[-1].empty.copy()
    out = []
    for end, hits in found.items():
        if not hits:
            out.append(held[-1].frame.iloc[:0].copy())
        elif len(hits) == 1:
            h, rows = hits[0]
            t = h.columns[f"{end}_s"][rows].tolist()
            icao24 = h.columns["icao24"][rows].tolist()
            order = sorted(range(rows.size), key=lambda k: (t[k], icao24[k]))
            out.append(h.frame.take(rows[order]).reset_index(drop=True))
        else:
            both = pd.concat([h.frame.take(rows) for h, rows in hits], ignore_index=True)
            out.append(_in_order(both, f"{end}_s", "icao24"))
    return out[0], out[1]


def _named(
    icao24: Sequence[object], registration: Sequence[object], callsigns: Sequence[object],
    name: str,
) -> npt.NDArray[np.bool_] | None:  # fmt: skip
    """Which rows' icao24, registration or a callsign is ``name`` (normalized), as the SQL of
    :func:`legs` compares them; None where a name is not ASCII (there Python's and DuckDB's
    upper case may differ: the SQL decides)."""
    hits: list[bool] = []
    for address, registered, calls in zip(icao24, registration, callsigns, strict=True):
        names = [v for v in (address, registered) if isinstance(v, str)]
        if isinstance(calls, str):
            names += calls.split(";")
        if not all(v.isascii() for v in names):
            return None
        hits.append(any(normalize_aircraft(v) == name for v in names))
    return np.array(hits, dtype=np.bool_)


def _no_legs() -> pd.DataFrame:
    empty: pd.DataFrame = LEG_SCHEMA.empty_table().to_pandas()
    return empty


@lru_cache(maxsize=1024)
def _airfield(code: str) -> Airfield:
    found = resolve_airport(code)
    if found is None:
        raise ValueError(f"airport {code!r}: not a known IATA or ICAO code")
    return found


def _codes(field: Airfield) -> list[str]:
    return [c for c in (field.code, field.iata) if c]


def addresses_named(store: Path | str, names: Collection[str]) -> list[str] | None:
    """The addresses whose icao24, registration or a callsign is one of ``names`` as the
    matcher compares names (:func:`geo.tracks.normalize_aircraft`: case, spaces, hyphens and
    a leading ``~`` aside; ``names`` already so), from ``aircraft.parquet``; None when the
    store has none."""
    path = _root(store) / AIRCRAFT
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    if not names:
        return []
    known = _identities(os.fspath(path), stamp)
    return sorted({a for n in set(names) for a in known.get(n, ())})


@lru_cache(maxsize=4)
def _identities(path: str, _mtime_ns: int) -> dict[str, tuple[str, ...]]:
    """``aircraft.parquet`` as normalized name -> addresses (its icao24, registration and
    callsigns normalized by DuckDB, as the queries compare them), read once per version of the
    file (a server asks it for every claim)."""
    sql = (
        f"SELECT name, list(DISTINCT icao24 ORDER BY icao24) FROM (SELECT icao24, "
        f"unnest([{normalized_sql('icao24')}, {normalized_sql('registration')}, "
        f"{normalized_sql('callsign')}]) AS name FROM read_parquet(?)) "
        "WHERE name IS NOT NULL GROUP BY name"
    )
    with connection() as con:
        rows = con.execute(sql, [path]).fetchall()
    return {str(name): tuple(addresses) for name, addresses in rows}


def legs(
    store: Path | str,
    *,
    aircraft: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
    between: tuple[datetime, datetime] | None = None,
) -> pd.DataFrame:
    """Legs (the legs index's columns), by first fix: of ``aircraft`` (icao24, registration or
    any callsign, compared as the matcher compares names: case, spaces, hyphens and a leading
    ``~`` aside), from ``origin``, to ``destination`` (IATA or ICAO),
    overlapping ``between``."""
    root = _root(store)
    window = _window(*between) if between is not None else None
    files = _leg_files(root, window)
    if not files:
        return _no_legs()
    name = normalize_aircraft(aircraft) if aircraft is not None else None
    # the addresses first, from aircraft.parquet, so only their rows are read
    hexes = addresses_named(root, [name]) if name is not None else None
    if hexes == []:
        return _no_legs()
    origins = _codes(_airfield(origin)) if origin is not None else None
    destinations = _codes(_airfield(destination)) if destination is not None else None
    lookups = [
        (index, keys)
        for index, keys in (("by_icao24", hexes), ("by_takeoff", origins),
                            ("by_landing", destinations))
        if keys is not None
    ][:1]  # fmt: skip
    held = _HELD.files(files, _load_held) if lookups else None
    if held is not None:
        found = _held_legs(held, lookups[0], name, origins, destinations, window)
        if found is not None:
            return found
    where: list[str] = []
    params: list[object] = [files]
    if name is not None:
        if hexes is not None:  # sorted by address: DuckDB reads only their row groups
            where.append("icao24 IN (SELECT unnest(?))")
            params.append(hexes)
        where.append(
            f"({normalized_sql('icao24')} = ? OR {normalized_sql('registration')} = ? OR "
            "list_contains(list_transform(string_split(callsigns, ';'), "
            f"lambda c: {normalized_sql('c')}), ?))"
        )
        params += [name, name, name]
    for column, codes in (("takeoff_airport", origins), ("landing_airport", destinations)):
        if codes is not None:
            where.append(f"{column} IN (SELECT unnest(?))")
            params.append(codes)
    if window is not None:
        where.append("first_s < ? AND last_s >= ?")
        params += [window[1], window[0]]
    sql = f"SELECT * FROM {FILES}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY first_s, icao24, leg_id"
    with connection() as con:
        return con.execute(sql, params).df()


def _near_bounds(lon: float, lat: float, radius_km: float) -> list[int]:
    """A box around (lon, lat) holding every point within ``radius_km``: ``[min_lat_udeg,
    max_lat_udeg, min_lon_udeg, max_lon_udeg]`` (inclusive)."""
    dlat = radius_km / 110.574 + 1e-6
    dlon = min(180.0, dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6))
    return [
        round((lat - dlat) * 1e6),
        round((lat + dlat) * 1e6),
        round((lon - dlon) * 1e6),
        round((lon + dlon) * 1e6),
    ]


_Fixes = tuple[npt.NDArray[np.object_], npt.NDArray[np.int64], npt.NDArray[np.float64],
               npt.NDArray[np.float64]]  # fmt: skip
"""Fixes as (icao24, time_s, lat_deg, lon_deg)."""
_NO_FIXES: _Fixes = (np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64), np.zeros(0),
                     np.zeros(0))  # fmt: skip


def _fixes_in_files(
    files: list[str], bounds: list[int], start_s: int, end_s: int, extra: str,
    params: Sequence[object],
) -> _Fixes:  # fmt: skip
    """The fixes of ``files`` in the window and in the box ``bounds`` (and ``extra``)."""
    sql = (
        "SELECT icao24, time_s, lat_udeg / 1e6 AS lat_deg, lon_udeg / 1e6 AS lon_deg "
        f"FROM {FILES} WHERE time_s >= ? AND time_s < ? "
        "AND lat_udeg BETWEEN ? AND ? AND lon_udeg BETWEEN ? AND ? " + extra
    )
    with connection() as con:
        got = con.execute(sql, [files, start_s, end_s, *bounds, *params]).fetchnumpy()
    return (np.asarray(got["icao24"], dtype=object), np.asarray(got["time_s"], dtype=np.int64),
            np.asarray(got["lat_deg"], dtype=np.float64),
            np.asarray(got["lon_deg"], dtype=np.float64))  # fmt: skip


def _fixes_held(grounds: Sequence[_Ground], bounds: list[int], start_s: int, end_s: int) -> _Fixes:
    """:func:`_fixes_in_files` of held ground files: the rows of the box's cells (two binary
    searches per band of latitude: the files are sorted by cell), then the same tests."""
    lat_lo, lat_hi, lon_lo, lon_hi = bounds
    bands = np.clip(np.floor_divide([lat_lo, lat_hi], 1_000_000) + 90, 0, 179).tolist()
    lons = np.clip(np.floor_divide([lon_lo, lon_hi], 1_000_000) + 180, 0, 359).tolist()
    parts: list[tuple[npt.NDArray[np.object_], npt.NDArray[np.int64], npt.NDArray[np.int32],
                      npt.NDArray[np.int32]]] = []  # fmt: skip
    for g in grounds:
        for band in range(bands[0], bands[1] + 1):
            # keys of the column's type: an int would convert the whole column, every call
            a = int(g.cell.searchsorted(np.int32(band * 360 + lons[0]), side="left"))
            b = int(g.cell.searchsorted(np.int32(band * 360 + lons[1]), side="right"))
            t, la, lo = g.time_s[a:b], g.lat_udeg[a:b], g.lon_udeg[a:b]
            keep = ((t >= start_s) & (t < end_s) & (la >= lat_lo) & (la <= lat_hi)
                    & (lo >= lon_lo) & (lo <= lon_hi))  # fmt: skip
            parts.append((g.names[g.icao24[a:b][keep]], t[keep], la[keep], lo[keep]))
    if not parts:
        return _NO_FIXES
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]) / 1e6,
            np.concatenate([p[3] for p in parts]) / 1e6)  # fmt: skip


def _near(fixes: _Fixes, lon: float, lat: float, radius_km: float) -> pd.DataFrame:
    """One row per aircraft with fixes within ``radius_km`` of (lon, lat) (WGS84 geodesic):
    ``icao24, first_s, last_s, fixes``, by first fix, then address."""
    icao24, time_s, lat_deg, lon_deg = fixes
    n = time_s.shape[0]
    inside = np.zeros(n, dtype=np.bool_)
    if n:
        _, _, dist_m = _GEOD.inv(np.full(n, lon), np.full(n, lat), lon_deg, lat_deg)
        inside = np.asarray(dist_m) <= radius_km * 1000.0
    if not inside.any():
        return pd.DataFrame(
            {
                "icao24": pd.Series(dtype=object),
                "first_s": pd.Series(dtype=np.int64),
                "last_s": pd.Series(dtype=np.int64),
                "fixes": pd.Series(dtype=np.int64),
            }
        )
    # per aircraft: first and last fix, fixes; ordered by first fix, then address
    group, names = pd.factorize(icao24[inside], sort=True)
    time_s = time_s[inside]
    first = np.full(names.shape[0], np.iinfo(np.int64).max)
    last = np.full(names.shape[0], np.iinfo(np.int64).min)
    np.minimum.at(first, group, time_s)
    np.maximum.at(last, group, time_s)
    fixes_n = np.bincount(group, minlength=names.shape[0]).astype(np.int64)
    order = sorted(range(names.shape[0]), key=lambda k: (int(first[k]), str(names[k])))
    return pd.DataFrame(
        {
            "icao24": pd.array(names[order].tolist(), dtype="str"),
            "first_s": first[order],
            "last_s": last[order],
            "fixes": fixes_n[order],
        }
    )


def aircraft_near(
    store: Path | str,
    lon: float,
    lat: float,
    radius_km: float,
    max_height_ft: float,
    start: datetime,
    end: datetime,
    *,
    elevation_ft: float = 0.0,
) -> pd.DataFrame:
    """One row per aircraft seen within ``radius_km`` of (lon, lat) in the window, on the
    ground or at most ``max_height_ft`` above ``elevation_ft`` (barometric altitude):
    ``icao24, first_s, last_s, fixes``."""
    start_s, end_s = _window(start, end)
    files = _hour_files(_root(store), start_s, end_s)
    bounds = _near_bounds(lon, lat, radius_km)
    where, params = "AND (on_ground OR alt_baro_ft <= ?)", [elevation_ft + max_height_ft]
    return _near(_fixes_in_files(files, bounds, start_s, end_s, where, params) if files
                 else _NO_FIXES, lon, lat, radius_km)  # fmt: skip


def at_airport(store: Path | str, airport: str, start: datetime, end: datetime) -> AirportReport:
    """Arrivals (landing there in the window), departures (taking off there in the window)
    and the aircraft seen on the ground within :data:`AT_GROUND_KM` of it."""
    root = _root(store)
    field = _airfield(airport)
    start_s, end_s = _window(start, end)
    codes = _codes(field)
    files = _leg_files(root, (start_s, end_s))
    held = _HELD.files(files, _load_held) if files else None
    if held is not None:
        arrivals, departures = _held_ends(held, codes, start_s, end_s)
    else:
        if files:
            sql = (
                f"SELECT * FROM {FILES} WHERE "
                "(landing_airport IN (SELECT unnest(?)) AND landing_s >= ? AND landing_s < ?) OR "
                "(takeoff_airport IN (SELECT unnest(?)) AND takeoff_s >= ? AND takeoff_s < ?)"
            )
            with connection() as con:
                params = [files, codes, start_s, end_s, codes, start_s, end_s]
                there = con.execute(sql, params).df()
        else:
            there = LEG_SCHEMA.empty_table().to_pandas()
        landed = (there["landing_airport"].isin(codes) & (there["landing_s"] >= start_s)
                  & (there["landing_s"] < end_s))  # fmt: skip
        left = (there["takeoff_airport"].isin(codes) & (there["takeoff_s"] >= start_s)
                & (there["takeoff_s"] < end_s))  # fmt: skip
        arrivals = _in_order(there[landed], "landing_s", "icao24")
        departures = _in_order(there[left], "takeoff_s", "icao24")
    # on the ground there: the ground tier's days (held from the second question), else the
    # hours of a store built before the tier
    bounds = _near_bounds(field.lon_deg, field.lat_deg, AT_GROUND_KM)
    tier = _ground_files(root, start_s, end_s)
    grounds = _HELD.files(tier, _load_ground) if tier else None
    if grounds is not None:
        fixes = _fixes_held(grounds, bounds, start_s, end_s)
    elif tier is not None:
        fixes = _fixes_in_files(tier, bounds, start_s, end_s, "", [])
    else:
        hours = _hour_files(root, start_s, end_s)
        fixes = (_fixes_in_files(hours, bounds, start_s, end_s, "AND on_ground", []) if hours
                 else _NO_FIXES)  # fmt: skip
    ground = _near(fixes, field.lon_deg, field.lat_deg, AT_GROUND_KM)
    return AirportReport(field, arrivals, departures, ground)


def _in_box(bbox: _BOX, prefix: str = "") -> tuple[str, list[object]]:
    min_lon, min_lat, max_lon, max_lat = bbox
    lat = f"{prefix}lat_udeg BETWEEN ? AND ?"
    if min_lon <= max_lon:
        lon = f"{prefix}lon_udeg BETWEEN ? AND ?"
    else:  # across the antimeridian
        lon = f"({prefix}lon_udeg >= ? OR {prefix}lon_udeg <= ?)"
    values = [
        round(min_lat * 1e6),
        round(max_lat * 1e6),
        round(min_lon * 1e6),
        round(max_lon * 1e6),
    ]
    return f"{lat} AND {lon}", list(values)


def check_box(bbox: Sequence[float]) -> _BOX:
    """``(min_lon, min_lat, max_lon, max_lat)`` checked (a box across the antimeridian has
    ``min_lon > max_lon``); raises ``ValueError`` saying what is wrong."""
    if len(bbox) != 4 or not all(math.isfinite(v) for v in bbox):
        raise ValueError("a box is MINLON,MINLAT,MAXLON,MAXLAT (four numbers)")
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    if not (-90 <= min_lat <= max_lat <= 90):
        raise ValueError(f"box latitudes {min_lat},{max_lat}: need -90 <= MINLAT <= MAXLAT <= 90")
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise ValueError(f"box longitudes {min_lon},{max_lon}: need -180..180")
    return min_lon, min_lat, max_lon, max_lat


def box(
    store: Path | str,
    bbox: Sequence[float],
    start: datetime,
    end: datetime,
    *,
    then: Sequence[float] | None = None,
    within: timedelta | None = None,
) -> pd.DataFrame:
    """Who was in ``bbox`` in the window: ``icao24, first_s, last_s, fixes, callsigns``.

    With ``then`` (and ``within``), Turnstone's two-box question: aircraft in ``bbox`` in
    the window and in ``then`` at most ``within`` later: ``icao24, box_s`` (its last fix in
    the first box before reaching the second), ``then_s`` (its first fix in the second box),
    ``elapsed_s``, ``callsigns``."""
    root = _root(store)
    start_s, end_s = _window(start, end)
    first_where, first_params = _in_box(check_box(bbox))
    if then is None:
        files = _hour_files(root, start_s, end_s)
        if not files:
            return pd.DataFrame(columns=["icao24", "first_s", "last_s", "fixes", "callsigns"])
        sql = (
            "SELECT icao24, min(time_s) AS first_s, max(time_s) AS last_s, count(*) AS fixes, "
            "coalesce(string_agg(DISTINCT callsign, ';' ORDER BY callsign), '') AS callsigns "
            f"FROM {FILES} WHERE time_s >= ? AND time_s < ? "
            f"AND {first_where} "
            "GROUP BY icao24 ORDER BY first_s, icao24"
        )
        with connection() as con:
            return con.execute(sql, [files, start_s, end_s, *first_params]).df()
    if within is None or within.total_seconds() <= 0:
        raise ValueError("--then needs --within, a positive duration (like PT4H)")
    within_s = int(within.total_seconds())
    then_where, then_params = _in_box(check_box(then))
    # each box read from the hours of its own window (one list for both read 4 hours more
    # for the first box: 136 -> 85 ms on the benchmark day)
    first_files = _hour_files(root, start_s, end_s)
    files = _hour_files(root, start_s, end_s + within_s)
    columns = ["icao24", "box_s", "then_s", "elapsed_s", "callsigns"]
    if not first_files:
        return pd.DataFrame(columns=columns)
    sql = f"""
        WITH a AS (SELECT icao24, time_s FROM {FILES}
              WHERE time_s >= ? AND time_s < ? AND {first_where}),
        b AS (SELECT icao24, time_s, callsign FROM {FILES}
              WHERE time_s >= ? AND time_s < ? AND {then_where}),
        pairs AS (
            SELECT b.icao24, a.time_s AS box_s, b.time_s AS then_s, b.callsign
            FROM b ASOF JOIN a ON b.icao24 = a.icao24 AND b.time_s > a.time_s
            WHERE b.time_s - a.time_s <= ?)
        SELECT icao24, arg_min(box_s, then_s) AS box_s, min(then_s) AS then_s,
               min(then_s) - arg_min(box_s, then_s) AS elapsed_s,
               coalesce(string_agg(DISTINCT callsign, ';' ORDER BY callsign), '') AS callsigns
        FROM pairs GROUP BY icao24 ORDER BY then_s, icao24
    """
    params = [first_files, start_s, end_s, *first_params,
              files, start_s, end_s + within_s, *then_params]  # fmt: skip
    with connection() as con:
        return con.execute(sql, [*params, within_s]).df()


def positions(store: Path | str, icao24: str, start: datetime, end: datetime) -> pd.DataFrame:
    """The fixes of one aircraft in the window, in time order (``lat_deg``/``lon_deg``)."""
    root = _root(store)
    start_s, end_s = _window(start, end)
    files = _hour_files(root, start_s, end_s)
    if not files:
        return pd.DataFrame(
            columns=[c.split(" AS ")[-1].strip() for c in _POSITION_COLUMNS.split(",")]
        )
    sql = (
        f"SELECT {_POSITION_COLUMNS} FROM {FILES} "
        "WHERE icao24 = lower(?) AND time_s >= ? AND time_s < ? "
        "ORDER BY time_s, source, lat_deg, lon_deg"
    )
    with connection() as con:
        return con.execute(sql, [files, icao24.strip(), start_s, end_s]).df()


def leg_positions(store: Path | str, icao24: str, first_s: int, last_s: int) -> pd.DataFrame:
    """A leg's fixes: its aircraft's from the leg's first fix to its last, both included
    (``first_s``/``last_s`` of the legs index), in time order. The one rule by which
    ``--tracks-from`` draws a leg and ``--match-from`` links one."""
    return positions(store, icao24, datetime.fromtimestamp(first_s, UTC),
                     datetime.fromtimestamp(last_s + 1, UTC))

