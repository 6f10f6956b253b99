"""Flightradar24's CSV export of one flight::

    Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction
    1741906452,2025-03-13T22:54:12Z,AZG123,"55.5915,37.2615",0,12,245

``Timestamp`` is Unix seconds and wins; ``UTC`` (ISO 8601, must carry its offset) is only
used where ``Timestamp`` is empty, and must agree with it (within a second) where both are
given. ``Position`` is ``"lat,lon"``; ``Altitude`` feet (FR24 writes 0 on the ground, which
is read as a ground fix), ``Speed`` knots, ``Direction`` degrees. An FR24 file names no
registration or address: the callsign is the aircraft's only name.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from geo.io.csvfile import quoted
from geo.tracks._common import (
    ALT_FT,
    GS_KT,
    TRACK_DEG,
    Collector,
    CsvTable,
    Number,
    Part,
    Rows,
    TraceColumns,
    check_range,
    check_times,
    joined,
    parse_floats,
    parse_iso,
    parse_parts,
    rows_trace,
    to_float,
)
from geo.tracks.model import Trace

__all__ = ["FR24_COLUMNS", "read_fr24"]

FR24_COLUMNS = ("Timestamp", "UTC", "Callsign", "Position", "Altitude", "Speed", "Direction")
_ALTITUDE = Number("Altitude", "altitude", *ALT_FT, "ft")
_MEASURES = (
    Number("Speed", "speed", *GS_KT, "kt"),
    Number("Direction", "direction", *TRACK_DEG, "degrees"),
)

_TRACE = TraceColumns(
    "Timestamp", "lat", "lon", "Altitude", "ground", "Speed", "Direction", "", "Callsign"
)


def read_fr24(tables: Iterable[CsvTable], problems: Collector) -> list[Trace]:
    """The trace in a Flightradar24 CSV (its rows in parts, header already checked), or
    ``[]``. Once a problem is found the rest is only checked, never kept."""
    parts = parse_parts(tables, problems, _parse)
    if parts is None:
        return []
    rows = joined(parts)
    return [rows_trace(rows, np.arange(len(rows)), _TRACE, problems, format="fr24")]


def _times(rows: Rows) -> None:
    """``Timestamp`` (Unix seconds), else ``UTC`` (ISO 8601 with an offset), which must
    agree with it where both are given."""
    report_stamp, report_utc = rows.report("Timestamp"), rows.report("UTC")
    stamp_cells = rows.table.column("Timestamp")
    stamps, stamp_ok = parse_floats(stamp_cells, "time", report_stamp, required=False)
    utc_cells = [cell.strip() for cell in rows.table.column("UTC")]
    for k in np.flatnonzero(~stamp_ok).tolist():
        if not stamp_cells[k].strip() and not utc_cells[k]:
            report_stamp(k, "time is empty (and so is UTC)")
    for k, cell in enumerate(utc_cells):
        if not cell:
            continue
        parsed = parse_iso(cell)
        if isinstance(parsed, str):
            report_utc(k, parsed)
        elif stamp_ok[k]:
            if abs(parsed - float(stamps[k])) > 1.0:
                report_utc(
                    k,
                    f"{quoted(cell)} disagrees with Timestamp {stamps[k]:.0f} "
                    f"by {abs(parsed - float(stamps[k])):,.0f} s",
                )
        elif not stamp_cells[k].strip():
            stamps[k] = parsed
            stamp_ok[k] = True
    check_times(stamps, stamp_ok, report_stamp)
    rows.arrays["Timestamp"] = stamps


def _positions(rows: Rows) -> None:
    """``Position``: ``"lat,lon"`` in degrees."""
    n = len(rows)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    known = np.zeros(n, dtype=np.bool_)
    report = rows.report("Position")
    for k, cell in enumerate(rows.table.column("Position")):
        parts = cell.split(",")
        if len(parts) != 2:
            report(k, f'{quoted(cell.strip())} is not "lat,lon"')
            continue
        try:
            lat[k], lon[k] = to_float(parts[0].strip()), to_float(parts[1].strip())
            known[k] = True
        except ValueError:
            report(
                k,
                f'{quoted(cell.strip())} is not "lat,lon" in degrees (ASCII digits 0-9 '
                "and a '.')",
            )
    check_range(lat, known, -90.0, 90.0, "latitude", report)
    check_range(lon, known, -180.0, 180.0, "longitude", report)
    rows.arrays["lat"], rows.arrays["lon"] = lat, lon


def _parse(table: CsvTable, problems: Collector) -> Part:
    """The columns of one part of the rows, each value checked (problems collected); FR24
    writes altitude 0 on the ground (``ground``)."""
    rows = Rows(table, problems)
    _times(rows)
    _positions(rows)
    alt, alt_ok = rows.number(_ALTITUDE)
    rows.arrays["ground"] = alt_ok & (alt == 0.0)
    for spec in _MEASURES:
        rows.number(spec)
    rows.text("Callsign", "callsign")
    return rows.part()
