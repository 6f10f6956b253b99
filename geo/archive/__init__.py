"""An ADS-B archive: positions and a legs index as hive-partitioned Parquet, built from
readsb ``globe_history`` days, their tars, OpenSky state vectors and every ``--tracks``
format (on Dask when asked), queried with DuckDB. The store's contract: ``docs/archive.md``.

Modules: ``schema`` (layout, columns), ``inputs`` (files, folders, tars, split parts ->
units), ``readers`` (a unit -> positions), ``build`` (the phases and the tasks),
``legtable`` (legs by the ``--tracks`` rules), ``airports`` (codes, alternatives),
``query`` (the questions), ``cli`` (``python -m geo archive``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.archive.build import ArchiveError, BuildInterrupted, BuildReport, build_store
    from geo.archive.query import (
        AirportReport,
        addresses_named,
        aircraft_near,
        at_airport,
        box,
        connection,
        leg_positions,
        legs,
        positions,
        store_info,
    )

_HOME = {
    "ArchiveError": "geo.archive.build",
    "BuildInterrupted": "geo.archive.build",
    "BuildReport": "geo.archive.build",
    "build_store": "geo.archive.build",
    "AirportReport": "geo.archive.query",
    "addresses_named": "geo.archive.query",
    "aircraft_near": "geo.archive.query",
    "at_airport": "geo.archive.query",
    "box": "geo.archive.query",
    "connection": "geo.archive.query",
    "leg_positions": "geo.archive.query",
    "legs": "geo.archive.query",
    "positions": "geo.archive.query",
    "store_info": "geo.archive.query",
}


def __getattr__(name: str) -> Any:
    """The API, imported on first use: ``python -m geo list`` does not pay for DuckDB,
    Arrow and Dask because ``archive`` is one of its subcommands."""
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'geo.archive' has no attribute {name!r}")


__all__ = [
    "AirportReport",
    "addresses_named",
    "ArchiveError",
    "BuildInterrupted",
    "BuildReport",
    "aircraft_near",
    "at_airport",
    "box",
    "build_store",
    "connection",
    "leg_positions",
    "legs",
    "positions",
    "store_info",
]
