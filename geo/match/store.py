"""The matcher's view of an archive store (docs/archive.md): the legs of a time window, the
aircraft seen near a point and one aircraft's fixes, asked through :mod:`geo.archive`'s
queries (DuckDB over the partitions of the window only)."""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.match.claim import Claim
from geo.match.coverage import CoverageQuery
from geo.match.score import GAP_PLACE_COLUMNS, SCORE_COLUMNS
from geo.tracks import normalize_aircraft, normalized_sql

__all__ = ["StoreArchive", "StoreError", "open_store"]



class StoreError(ValueError):
    """Not a store (no ``archive.json`` of format ``geo-archive``), or an unreadable one."""


_LOCAL = threading.local()


def _connection() -> Any:
    """This thread's connection to the archive's database (:func:`geo.archive.connection`:
    Parquet footers kept between questions; one connection is not to be shared between
    threads)."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        from geo.archive import connection

        con = _LOCAL.con = connection()
    return con


def _has_gap_place(file: str) -> bool:
    return _schema_has_gap_place(file, os.stat(file).st_mtime_ns)


@lru_cache(maxsize=4096)
def _schema_has_gap_place(file: str, _mtime_ns: int) -> bool:
    import pyarrow.parquet as pq

    return set(GAP_PLACE_COLUMNS) <= set(pq.read_schema(file).names)


def _legs_source(files: Sequence[str]) -> tuple[str, str]:
    """``(columns, reader)`` for a query of these leg files: the score's columns and the
    largest gap's place, which a store built before it existed lacks (then NULL; files of
    both kinds are read by name)."""
    have = [_has_gap_place(f) for f in files]
    if all(have):
        return ", ".join((*SCORE_COLUMNS, *GAP_PLACE_COLUMNS)), "read_parquet(?)"
    if any(have):
        return (", ".join((*SCORE_COLUMNS, *GAP_PLACE_COLUMNS)),
                "read_parquet(?, union_by_name = true)")
    nulls = [f"CAST(NULL AS DOUBLE) AS {c}" for c in GAP_PLACE_COLUMNS]
    return ", ".join((*SCORE_COLUMNS, *nulls)), "read_parquet(?)"


def _dt(s: int) -> datetime:
    return datetime.fromtimestamp(s, UTC)


def _named_sql(named: Sequence[str], store: Path, params: list[object]) -> str:
    """A condition a leg of an aircraft going by one of ``named`` (normalized names: a
    registration, an address, a callsign or a type) meets, its values put in ``params``: by
    the addresses the store's identities (``aircraft.parquet``) give those names, plain
    comparisons the Parquet reader applies as it reads; in a store without identities, by
    every leg's names, normalized. A superset: the score tells which name matched."""
    from geo.archive import addresses_named

    marks = ", ".join("?" * len(named))
    hexes = addresses_named(store, named)
    if hexes is not None:
        params += [*hexes, *named]
        by_address = f"icao24 IN ({', '.join('?' * len(hexes))}) OR " if hexes else ""
        return f"({by_address}{normalized_sql('type')} IN ({marks}))"
    params += [*named, *named]
    return (f"(list_has_any([{normalized_sql('registration')}, {normalized_sql('icao24')}, "
            f"{normalized_sql('type')}], [{marks}]) "
            f"OR list_has_any(string_split({normalized_sql('callsigns')}, ';'), [{marks}]))")


@dataclass(frozen=True, slots=True)
class StoreArchive:
    """A store folder; ``info`` is its ``archive.json``."""

    path: Path
    info: dict[str, Any] = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def synthetic(self) -> bool:
        return bool(self.info.get("synthetic", False))

    def legs_between(self, start_s: int | None, end_s: int | None) -> pd.DataFrame:
        """Every leg whose ``[first_s, last_s]`` meets ``[start_s, end_s)`` (all: None)."""
        from geo.archive import legs

        between = None
        if start_s is not None and end_s is not None:
            between = (_dt(start_s), _dt(end_s))
        return legs(self.path, between=between)

    def candidate_legs(self, claim: Claim, start_s: int | None, end_s: int | None
                       ) -> pd.DataFrame:
        """The legs of the window that can score at all against ``claim`` (see
        :func:`geo.match.score.score_legs`): from or to a claimed airport (or with it among
        the alternatives), an unobserved end within half a degree of it, or the aircraft
        named. One DuckDB scan of the window's ``legs/day=…`` files; a superset, scored in
        Python."""
        files = self._leg_files(start_s, end_s)
        if not files:
            return pd.DataFrame(columns=list(SCORE_COLUMNS))
        where: list[str] = []
        params: list[object] = [files]
        for end, airport in (("takeoff", claim.origin), ("landing", claim.destination)):
            codes = sorted(airport.codes)
            fix = "first" if end == "takeoff" else "last"
            dlat = 0.5
            dlon = dlat / max(math.cos(math.radians(min(abs(airport.lat) + dlat, 89.0))), 0.01)
            where += [f"{end}_airport = ?"] * len(codes)
            params += codes
            where += [f"contains({end}_alternatives, ?)"] * len(codes)
            params += codes
            where.append(
                f"(NOT {end}_observed AND {fix}_lat_deg BETWEEN ? AND ? "
                f"AND {fix}_lon_deg BETWEEN ? AND ?)"
            )
            params += [airport.lat - dlat, airport.lat + dlat, airport.lon - dlon,
                       airport.lon + dlon]
        if claim.aircraft:
            where.append(_named_sql([normalize_aircraft(claim.aircraft)], self.path, params))
        columns, reader = _legs_source(files)
        sql = f"SELECT {columns} FROM {reader} WHERE ({' OR '.join(where)})"
        if start_s is not None and end_s is not None:
            sql += " AND first_s < ? AND last_s >= ?"
            params += [end_s, start_s]
        sql += " ORDER BY first_s, icao24, leg_id"
        frame: pd.DataFrame = _connection().execute(sql, params).df()
        return frame

    def candidate_legs_many(
        self, asks: Sequence[tuple[Claim, int, int]]
    ) -> list[pd.DataFrame]:
        """:meth:`candidate_legs` for many ``(claim, start_s, end_s)`` at once: one DuckDB
        scan of the days they cover, joined with the claims on (airport, day), (aircraft,
        day), and (day) for alternatives and unobserved ends; the same rows per claim."""
        if not asks:
            return []
        files = self._leg_files(min(a[1] for a in asks), max(a[2] for a in asks))
        if not files:
            return [pd.DataFrame(columns=list(SCORE_COLUMNS)) for _ in asks]
        codes: list[tuple[int, str, str, int, int, int]] = []
        boxes: list[tuple[int, str, int, float, float, float, float, int, int]] = []
        names: list[tuple[int, str, int, int, int]] = []
        for k, (claim, lo, hi) in enumerate(asks):
            days = range(lo // 86400 - 1, hi // 86400 + 1)  # legs are filed by first fix
            for side, airport in (("takeoff", claim.origin), ("landing", claim.destination)):
                dlat = 0.5
                dlon = dlat / max(math.cos(math.radians(min(abs(airport.lat) + dlat, 89.0))),
                                  0.01)
                for d in days:
                    codes += [(k, side, c, d, lo, hi) for c in sorted(airport.codes)]
                    boxes.append((k, side, d, airport.lat - dlat, airport.lat + dlat,
                                  airport.lon - dlon, airport.lon + dlon, lo, hi))
            if claim.aircraft:
                name = normalize_aircraft(claim.aircraft)
                names += [(k, name, d, lo, hi) for d in days]
        con = _connection()
        con.register("m_codes", pd.DataFrame(codes, columns=["k", "side", "code", "d", "lo",
                                                             "hi"]))
        con.register("m_boxes", pd.DataFrame(boxes, columns=["k", "side", "d", "lat0", "lat1",
                                                             "lon0", "lon1", "lo", "hi"]))
        con.register("m_names", pd.DataFrame(names, columns=["k", "named", "d", "lo", "hi"])
                     .astype({"named": str}))
        cols = ", ".join(f"l.{c}" for c in (*SCORE_COLUMNS, *GAP_PLACE_COLUMNS))
        time = "l.first_s < c.hi AND l.last_s >= c.lo"
        columns, reader = _legs_source(files)
        lo_all = min(a[1] for a in asks)
        hi_all = max(a[2] for a in asks)
        # One scan keeping only the rows that can join (plain comparisons, which the Parquet
        # reader applies as it reads): the legs from or to a claimed airport, with
        # alternatives or an unobserved end, or of a named aircraft: by its addresses, looked
        # up in the store's identities (else by every leg's names, normalized), or by type.
        # The claims are then joined with these few rows.
        all_codes = sorted({c[2] for c in codes})
        named = sorted({n[1] for n in names})
        marks = ", ".join("?" * len(all_codes))
        keep = [f"takeoff_airport IN ({marks})", f"landing_airport IN ({marks})",
                "takeoff_alternatives <> ''", "landing_alternatives <> ''",
                "NOT takeoff_observed", "NOT landing_observed"]
        params: list[object] = [files, hi_all, lo_all, *all_codes, *all_codes]
        name_keys = (
            f"{normalized_sql('registration')} AS _reg, {normalized_sql('icao24')} AS _hex, "
            f"{normalized_sql('type')} AS _type, "
            f"string_split({normalized_sql('callsigns')}, ';') AS _calls"
        )
        if named:
            keep.append(_named_sql(named, self.path, params))
        ctes = [
            f"l AS MATERIALIZED (SELECT {columns}, "
            "CAST(floor(first_s / 86400) AS BIGINT) AS _d "
            f"FROM {reader} WHERE first_s < ? AND last_s >= ? AND ({' OR '.join(keep)}))"
        ]
        parts = []
        for side, fix in (("takeoff", "first"), ("landing", "last")):
            parts.append(
                f"SELECT c.k, {cols} FROM l JOIN m_codes c ON l.{side}_airport = c.code "
                f"AND l._d = c.d AND c.side = '{side}' WHERE {time}"
            )
            parts.append(
                f"SELECT c.k, {cols} FROM (SELECT * FROM l WHERE {side}_alternatives <> '') l "
                f"JOIN m_codes c ON l._d = c.d AND c.side = '{side}' "
                f"WHERE contains(l.{side}_alternatives, c.code) AND {time}"
            )
            parts.append(
                f"SELECT c.k, {cols} FROM (SELECT * FROM l WHERE NOT {side}_observed) l "
                f"JOIN m_boxes c ON l._d = c.d AND c.side = '{side}' "
                f"WHERE l.{fix}_lat_deg BETWEEN c.lat0 AND c.lat1 "
                f"AND l.{fix}_lon_deg BETWEEN c.lon0 AND c.lon1 AND {time}"
            )
        if named:
            marks = ", ".join("?" * len(named))
            ctes.append(
                f"n AS MATERIALIZED (SELECT * FROM (SELECT *, {name_keys} FROM l) "
                f"WHERE _reg IN ({marks}) OR _hex IN ({marks}) OR _type IN ({marks}) "
                f"OR list_has_any(_calls, [{marks}]))"
            )
            params += [*named, *named, *named, *named]
            for key in ("_reg", "_hex", "_type"):
                parts.append(
                    f"SELECT c.k, {cols} FROM n l JOIN m_names c ON l.{key} = c.named "
                    f"AND l._d = c.d WHERE {time}"
                )
            parts.append(
                f"SELECT c.k, {cols} FROM (SELECT *, unnest(_calls) AS _call FROM n) l "
                f"JOIN m_names c ON l._call = c.named AND l._d = c.d WHERE {time}"
            )
        sql = "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(parts)
        try:
            found: pd.DataFrame = con.execute(sql, params).df()
        finally:
            for name in ("m_codes", "m_boxes", "m_names"):
                con.unregister(name)
        found = found.sort_values(["k", "first_s", "icao24", "leg_id"], kind="stable")
        found = found.drop_duplicates(["k", "leg_id"])
        ks = found["k"].to_numpy()
        bounds = np.searchsorted(ks, np.arange(len(asks) + 1))
        found = found.drop(columns="k")
        out = [found.iloc[bounds[k]:bounds[k + 1]].reset_index(drop=True)
               for k in range(len(asks))]
        return out

    def _leg_files(self, start_s: int | None, end_s: int | None) -> list[str]:
        from geo.archive.schema import leg_day_path

        if start_s is None or end_s is None:
            return sorted(str(p) for p in (self.path / "legs").glob("day=*/*.parquet"))
        out: list[str] = []
        day = _dt(start_s).date() - timedelta(days=1)  # a leg is filed under its first fix
        while day <= _dt(end_s).date():
            path = leg_day_path(self.path, day.isoformat())
            if path.exists():
                out.append(str(path))
            day += timedelta(days=1)
        return out

    def leg_positions(self, icao24: str, first_s: int, last_s: int) -> pd.DataFrame:
        """A leg's fixes (:func:`geo.archive.leg_positions`, as ``--tracks-from`` draws
        one): its aircraft's from ``first_s`` to ``last_s``, time order."""
        from geo.archive import leg_positions

        return leg_positions(self.path, icao24, first_s, last_s)

    def aircraft_near(self, query: CoverageQuery) -> Collection[str]:
        """The addresses seen within the query's radius, below its height above the field
        (ground fixes count), in its window."""
        from geo.archive import aircraft_near

        seen = aircraft_near(
            self.path, query.lon, query.lat, query.radius_km, query.max_height_ft,
            _dt(query.start_s), _dt(query.end_s + 1), elevation_ft=query.elevation_ft,
        )
        return frozenset(str(a) for a in seen["icao24"].tolist())


def open_store(path: str | Path) -> StoreArchive:
    """The store at ``path``; :class:`StoreError` saying what is wrong."""
    root = Path(path)
    manifest = root / "archive.json"
    try:
        info = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{root}: not an archive store (no archive.json)") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{manifest}: cannot read: {exc}") from None
    if not isinstance(info, dict) or info.get("format") != "geo-archive":
        raise StoreError(f"{manifest}: not a geo-archive store")
    if info.get("version") != 1:
        raise StoreError(f"{manifest}: version {info.get('version')!r} is not supported (1)")
    return StoreArchive(root, info)
