"""The matcher's view of an archive store (docs/archive.md): the legs of a time window and
the aircraft seen near a point, read from the store's hive-partitioned Parquet files.

Only the partitions of the window are opened (``legs/day=…`` from the day before the
window, since a leg is filed under the day of its first fix; ``positions/day=…/hour=…``).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.match.coverage import CoverageQuery

__all__ = ["StoreArchive", "StoreError", "open_store"]

EARTH_KM = 6371.0088
MAX_LEG_HOURS = 24


class StoreError(ValueError):
    """Not a store (no ``archive.json`` of format ``geo-archive``), or an unreadable one."""


def _day(s: int) -> str:
    return datetime.fromtimestamp(s, UTC).strftime("%Y-%m-%d")


def _read(paths: list[Path], columns: list[str] | None = None) -> pd.DataFrame:
    import pyarrow.parquet as pq

    tables = [pq.read_table(p, columns=columns) for p in paths]
    if not tables:
        return pd.DataFrame()
    import pyarrow as pa

    frame: pd.DataFrame = pa.concat_tables(tables, promote_options="default").to_pandas()
    return frame


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

    def _leg_files(self, start_s: int | None, end_s: int | None) -> list[Path]:
        root = self.path / "legs"
        if not root.is_dir():
            return []
        days = sorted(p for p in root.glob("day=*") if p.is_dir())
        if start_s is not None and end_s is not None:
            lo = _day(start_s - MAX_LEG_HOURS * 3600)
            hi = _day(end_s)
            days = [p for p in days if lo <= p.name[4:] <= hi]
        return [f for d in days for f in sorted(d.glob("*.parquet"))]

    def legs_between(self, start_s: int | None, end_s: int | None) -> pd.DataFrame:
        """Every leg whose ``[first_s, last_s]`` meets ``[start_s, end_s]`` (all: None)."""
        frame = _read(self._leg_files(start_s, end_s))
        if frame.empty or start_s is None or end_s is None:
            return frame
        keep = (frame["last_s"] >= start_s) & (frame["first_s"] <= end_s)
        return frame[keep].reset_index(drop=True)

    def _position_files(self, start_s: int, end_s: int) -> list[Path]:
        out: list[Path] = []
        t = datetime.fromtimestamp(start_s, UTC).replace(minute=0, second=0)
        end = datetime.fromtimestamp(end_s, UTC)
        while t <= end:
            folder = self.path / "positions" / f"day={t:%Y-%m-%d}" / f"hour={t:%H}"
            if folder.is_dir():
                out += sorted(folder.glob("*.parquet"))
            t += timedelta(hours=1)
        return out

    def positions(self, icao24: str, start_s: int, end_s: int) -> pd.DataFrame:
        """One aircraft's fixes in ``[start_s, end_s]``, time order, ``lat_deg``/``lon_deg``."""
        frame = _read(self._position_files(start_s, end_s))
        if frame.empty:
            return frame
        frame = _with_degrees(frame)
        keep = (frame["icao24"] == icao24) & frame["time_s"].between(start_s, end_s)
        return frame[keep].sort_values("time_s").reset_index(drop=True)

    def aircraft_near(self, query: CoverageQuery) -> Collection[str]:
        """The addresses seen within the query's radius, below its height above the field
        (ground fixes count), in its window."""
        cols = ["time_s", "icao24", "lat_udeg", "lon_udeg", "lat_deg", "lon_deg",
                "alt_baro_ft", "on_ground"]
        files = self._position_files(query.start_s, query.end_s)
        if not files:
            return frozenset()
        frame = _with_degrees(_read_some(files, cols))
        t = frame["time_s"].to_numpy()
        lat = np.radians(frame["lat_deg"].to_numpy(dtype=np.float64))
        lon = np.radians(frame["lon_deg"].to_numpy(dtype=np.float64))
        lat0, lon0 = np.radians(query.lat), np.radians(query.lon)
        a = (np.sin((lat - lat0) / 2) ** 2
             + np.cos(lat) * np.cos(lat0) * np.sin((lon - lon0) / 2) ** 2)
        km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
        alt = pd.to_numeric(frame["alt_baro_ft"], errors="coerce").to_numpy(dtype=np.float64)
        ground = frame["on_ground"].fillna(False).to_numpy(dtype=bool)
        low = ground | (alt - query.elevation_ft <= query.max_height_ft)
        keep = (t >= query.start_s) & (t <= query.end_s) & (km <= query.radius_km) & low
        return frozenset(frame["icao24"].to_numpy()[keep].tolist())


def _read_some(files: list[Path], wanted: list[str]) -> pd.DataFrame:
    import pyarrow.parquet as pq

    names = set(pq.read_schema(files[0]).names)
    return _read(files, [c for c in wanted if c in names])


def _with_degrees(frame: pd.DataFrame) -> pd.DataFrame:
    if "lat_deg" not in frame and "lat_udeg" in frame:
        frame = frame.assign(lat_deg=frame["lat_udeg"] / 1e6, lon_deg=frame["lon_udeg"] / 1e6)
    return frame


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
