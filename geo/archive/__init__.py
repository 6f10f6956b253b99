"""An ADS-B archive: positions and a legs index as hive-partitioned Parquet, built from
readsb ``globe_history`` days, their tars, OpenSky state vectors and every ``--tracks``
format (on Dask when asked), queried with DuckDB. The store's contract: ``docs/archive.md``.

Modules: ``schema`` (layout, columns), ``inputs`` (files, folders, tars, split parts ->
units), ``readers`` (a unit -> positions), ``build`` (the phases and the tasks),
``legtable`` (legs by the ``--tracks`` rules), ``airports`` (codes, alternatives),
``query`` (the questions), ``cli`` (``python -m geo archive``).
"""

from __future__ import annotations

from geo.archive.build import ArchiveError, BuildInterrupted, BuildReport, build_store
from geo.archive.query import (
    AirportReport,
    aircraft_near,
    at_airport,
    box,
    legs,
    positions,
    store_info,
)

__all__ = [
    "AirportReport",
    "ArchiveError",
    "BuildInterrupted",
    "BuildReport",
    "aircraft_near",
    "at_airport",
    "box",
    "build_store",
    "legs",
    "positions",
    "store_info",
]
