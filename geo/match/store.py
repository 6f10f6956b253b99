"""The matcher's view of an archive store (docs/archive.md): the legs of a time window, the
aircraft seen near a point and one aircraft's fixes, asked through :mod:`geo.archive`'s
queries (DuckDB over the partitions of the window only)."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from geo.match.claim import Claim
from geo.match.coverage import CoverageQuery
from geo.match.score import SCORE_COLUMNS

__all__ = ["StoreArchive", "StoreError", "open_store"]



class StoreError(ValueError):
    """Not a store (no ``archive.json`` of format ``geo-archive``), or an unreadable one."""


_LOCAL = threading.local()


def _connection() -> Any:
    """This thread's DuckDB connection (opening one costs more than a small query; one
    connection is not to be shared between threads)."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        import duckdb

        con = _LOCAL.con = duckdb.connect(config={"threads": 2})
    return con


def _dt(s: int) -> datetime:
    return datetime.fromtimestamp(s, UTC)


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
            from geo.tracks import normalize_aircraft

            named = normalize_aircraft(claim.aircraft)
            where.append(
                "(replace(replace(upper(registration), '-', ''), ' ', '') = ? "
                "OR upper(ltrim(icao24, '~')) = ? OR upper(type) = ? "
                "OR contains(replace(replace(upper(callsigns), '-', ''), ' ', ''), ?))"
            )
            params += [named] * 4
        columns = ", ".join(SCORE_COLUMNS)
        sql = f"SELECT {columns} FROM read_parquet(?) WHERE ({' OR '.join(where)})"
        if start_s is not None and end_s is not None:
            sql += " AND first_s < ? AND last_s >= ?"
            params += [end_s, start_s]
        sql += " ORDER BY first_s, icao24, leg_id"
        frame: pd.DataFrame = _connection().execute(sql, params).df()
        return frame

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

    def positions(self, icao24: str, start_s: int, end_s: int) -> pd.DataFrame:
        """One aircraft's fixes in ``[start_s, end_s]``, time order, ``lat_deg``/``lon_deg``."""
        from geo.archive import positions

        return positions(self.path, icao24, _dt(start_s), _dt(end_s + 1))

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
