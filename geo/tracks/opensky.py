"""OpenSky Network state vectors as CSV (a Trino/Impala query of ``state_vectors_data4``, or
pyopensky's ``history`` saved with ``to_csv``)::

    time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,
    baroaltitude,geoaltitude,lastposupdate,lastcontact[,hour]
    1741906452,a0b1c2,55.5915,37.2615,6.2,245.0,0.0,AZG123  ,true,false,false,1234,
    182.88,205.74,1741906451.9,1741906452.0

SI units, converted here: ``velocity`` m/s to knots, ``baroaltitude`` metres to feet,
``vertrate`` m/s to ft/min (the liftoff and touchdown estimates use it). The fix's time is
``lastposupdate`` (when the position was received), else ``time``. A row without a position
is skipped, as OpenSky writes one every 10 s while it hears the aircraft but no position; a
state repeated with the same ``lastposupdate`` is one fix (merged by
:func:`geo.tracks.make_trace`). ``onground`` is ``true``/``false`` (``1``/``0``). One trace
per ``icao24`` (required: OpenSky names every aircraft by it), at most
:data:`geo.tracks._common.MAX_AIRCRAFT` per file. ``hour``, ``alert``, ``spi``, ``squawk``,
``geoaltitude`` and ``lastcontact`` are read past.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from geo.tracks._common import (
    ALT_FT,
    FEET_PER_METRE,
    GS_KT,
    LAT,
    LON,
    TRACK_DEG,
    VRATE_FPM,
    Collector,
    CsvTable,
    Number,
    Part,
    Rows,
    TraceColumns,
    joined,
    parse_parts,
    rows_by_aircraft,
    rows_trace,
)
from geo.tracks.model import Trace

__all__ = ["OPENSKY_COLUMNS", "OPENSKY_MARKS", "OPENSKY_OPTIONAL", "read_opensky"]

OPENSKY_COLUMNS = ("time", "icao24", "lat", "lon")
OPENSKY_OPTIONAL = (
    "velocity", "heading", "vertrate", "callsign", "onground", "alert", "spi", "squawk",
    "baroaltitude", "geoaltitude", "lastposupdate", "lastcontact", "hour",
)  # fmt: skip
OPENSKY_MARKS = ("vertrate", "baroaltitude", "lastposupdate", "onground")
"""A CSV is OpenSky's when its header names one of these (a plain fixes CSV has none)."""
KT_PER_MPS = 3600.0 / 1852.0
FPM_PER_MPS = 60.0 * FEET_PER_METRE
_MEASURES = (
    Number("baroaltitude", "altitude", *ALT_FT, "ft", FEET_PER_METRE),
    Number("velocity", "speed", *GS_KT, "kt", KT_PER_MPS),
    Number("heading", "heading", *TRACK_DEG, "degrees"),
    Number("vertrate", "vertical rate", *VRATE_FPM, "ft/min", FPM_PER_MPS),
)

_TRACE = TraceColumns(
    "time", "lat", "lon", "baroaltitude", "onground", "velocity", "heading", "vertrate",
    "callsign",
)  # fmt: skip


def read_opensky(tables: Iterable[CsvTable], problems: Collector) -> list[Trace]:
    """One trace per aircraft in an OpenSky state-vector CSV (its rows in parts, header
    already checked), or ``[]``; once a problem is found the rest is only checked."""
    parts = parse_parts(tables, problems, _parse)
    if parts is None:
        return []
    rows = joined(parts)
    del parts  # the file's columns are held once
    groups = rows_by_aircraft(
        rows.texts["icao24"], rows.lines, problems, "icao24", "(icao24); a file",
        "split the query by aircraft",
    )  # fmt: skip
    if groups is None:
        return []
    return [
        rows_trace(rows, index, _TRACE, problems, format="opensky", icao24=hex_)
        for hex_, index in groups.items()
    ]


def _parse(table: CsvTable, problems: Collector) -> Part:
    """The rows of one part that have a position, each value checked; ``time`` is the fix's
    time (``lastposupdate`` where known)."""
    lat_cells, lon_cells = table.column("lat"), table.column("lon")
    placed = [k for k, (a, b) in enumerate(zip(lat_cells, lon_cells, strict=True)) if a or b]
    del lat_cells, lon_cells
    rows = Rows(table if len(placed) == len(table.records) else _rows(table, placed), problems)
    rows.number(LAT)
    rows.number(LON)
    t, _ = rows.times("time", required=True)
    posupdate, pos_ok = rows.times("lastposupdate", required=False)
    rows.arrays["time"] = np.where(pos_ok, posupdate, t)
    del rows.arrays["lastposupdate"]
    for spec in _MEASURES:
        rows.number(spec)
    rows.hexes("icao24", required=True, what="icao24")
    rows.flags("onground")
    rows.text("callsign", "callsign")
    return rows.part()


def _rows(table: CsvTable, keep: list[int]) -> CsvTable:
    return type(table)(
        table.header,
        [table.lines[k] for k in keep],
        [table.records[k] for k in keep],
        table.flagged,
    )
