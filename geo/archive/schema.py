"""The store's layout and column types: declared once, read by the build and the queries.

See ``docs/archive.md`` for the meaning of every column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = [
    "ARCHIVE_JSON",
    "FORMAT",
    "GROUND",
    "GROUND_COLUMNS",
    "GROUND_SORT",
    "LEGS",
    "LEG_SCHEMA",
    "POSITIONS",
    "POSITION_SCHEMA",
    "POSITION_SORT",
    "VERSION",
    "cell_of",
    "day_hour",
    "ground_day_path",
    "hour_path",
    "leg_day_path",
]

FORMAT = "geo-archive"
VERSION = 1
ARCHIVE_JSON = "archive.json"
POSITIONS = "positions"
LEGS = "legs"
GROUND = "ground"
PART = "part-0.parquet"
FILES = "read_parquet(?, hive_partitioning = false)"
"""How every query reads its list of partition files (the partition values are in the path)."""
CELL_RULE = "(floor(lat_deg) + 90) * 360 + (floor(lon_deg) + 180)"

POSITION_SCHEMA = pa.schema(
    [
        ("time_s", pa.int64()),
        ("icao24", pa.string()),
        ("lat_udeg", pa.int32()),
        ("lon_udeg", pa.int32()),
        ("alt_baro_ft", pa.int32()),
        ("on_ground", pa.bool_()),
        ("gs_kt", pa.float32()),
        ("track_deg", pa.float32()),
        ("vrate_fpm", pa.int32()),
        ("callsign", pa.string()),
        ("registration", pa.string()),
        ("type", pa.string()),
        ("new_leg", pa.bool_()),
        ("cell", pa.int32()),
        ("source", pa.dictionary(pa.int32(), pa.string())),
    ]
)
"""Positions as written (``day``/``hour`` are the hive partition columns)."""

POSITION_SORT = (
    "cell",
    "icao24",
    "time_s",
    "source",
    "lat_udeg",
    "lon_udeg",
    "alt_baro_ft",
    "on_ground",
    "gs_kt",
    "track_deg",
    "vrate_fpm",
    "callsign",
    "registration",
    "type",
    "new_leg",
)
"""A total order on the rows: the same rows give the same file however they were gathered."""

DELTA_COLUMNS = ("time_s", "lat_udeg", "lon_udeg")
"""Sorted by aircraft then time, these change little from row to row: delta-encoded."""

GROUND_SORT = ("cell", "icao24", "time_s", "lat_udeg", "lon_udeg")
GROUND_COLUMNS = GROUND_SORT
"""``STORE/ground/day=…``: every fix on the ground of the day, these columns of the
positions, in this order (a total order: the same fixes give the same file). One file a day,
not 24: who was on the ground at an airport reads one or two files."""

AIRCRAFT = "aircraft.parquet"
AIRCRAFT_SCHEMA = pa.schema(
    [("icao24", pa.string()), ("registration", pa.string()), ("callsign", pa.string())]
)
"""``STORE/aircraft.parquet``: the identities the legs index holds, one row per distinct
(icao24, registration, callsign): rewritten with the legs."""

LEG_SCHEMA = pa.schema(
    [
        ("leg_id", pa.string()),
        ("icao24", pa.string()),
        ("registration", pa.string()),
        ("type", pa.string()),
        ("callsigns", pa.string()),
        ("takeoff_s", pa.int64()),
        ("takeoff_airport", pa.string()),
        ("takeoff_alternatives", pa.string()),
        ("takeoff_observed", pa.bool_()),
        ("landing_s", pa.int64()),
        ("landing_airport", pa.string()),
        ("landing_alternatives", pa.string()),
        ("landing_observed", pa.bool_()),
        ("first_s", pa.int64()),
        ("last_s", pa.int64()),
        ("first_lat_deg", pa.float64()),
        ("first_lon_deg", pa.float64()),
        ("last_lat_deg", pa.float64()),
        ("last_lon_deg", pa.float64()),
        ("min_lat_deg", pa.float64()),
        ("min_lon_deg", pa.float64()),
        ("max_lat_deg", pa.float64()),
        ("max_lon_deg", pa.float64()),
        ("largest_gap_s", pa.int64()),
        ("largest_gap_lat_deg", pa.float64()),  # where it is: the aircraft at its middle
        ("largest_gap_lon_deg", pa.float64()),
        ("fix_count", pa.int64()),
        ("coverage", pa.float64()),
        ("sources", pa.string()),
        ("source_sha256", pa.string()),
        ("synthetic", pa.bool_()),
    ]
)


def cell_of(
    lat_udeg: npt.NDArray[np.int32], lon_udeg: npt.NDArray[np.int32]
) -> npt.NDArray[np.int32]:
    """The coarse spatial cell (1 degree, latitude band major) of micro-degree positions."""
    lat_band = np.clip(np.floor_divide(lat_udeg.astype(np.int64), 1_000_000) + 90, 0, 179)
    lon_band = np.clip(np.floor_divide(lon_udeg.astype(np.int64), 1_000_000) + 180, 0, 359)
    cells: npt.NDArray[np.int32] = (lat_band * 360 + lon_band).astype(np.int32)
    return cells


def day_hour(time_s: int) -> tuple[str, int]:
    """The UTC day (``YYYY-MM-DD``) and hour of a Unix time."""
    moment = datetime.fromtimestamp(time_s, UTC)
    return moment.strftime("%Y-%m-%d"), moment.hour


def hour_path(store: Path, day: str, hour: int) -> Path:
    return store / POSITIONS / f"day={day}" / f"hour={hour:02d}" / PART


def leg_day_path(store: Path, day: str) -> Path:
    return store / LEGS / f"day={day}" / PART


def ground_day_path(store: Path, day: str) -> Path:
    return store / GROUND / f"day={day}" / PART
