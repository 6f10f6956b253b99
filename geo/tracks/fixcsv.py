"""A plain CSV of fixes, for tracks from anywhere else::

    time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24
    2025-03-13T22:54:12Z,55.5915,37.2615,0,,AZG123,N103WG,a0b1c2

``time``, ``lat`` and ``lon`` are required; the other columns are optional, in any order.
``time`` is ISO 8601 with an offset (``Z``, ``+03:00``) or Unix seconds; a time without an
offset is refused. A file may hold several aircraft: rows are grouped into one trace per
(``icao24``, ``registration``) pair, in order of first appearance. There is no ground
column: legs split at long or low gaps only (see :mod:`geo.tracks.legs`).
"""

from __future__ import annotations

import re

import numpy as np

from geo.tracks._common import (
    ALT_FT,
    GS_KT,
    Collector,
    CsvTable,
    RowReport,
    check_range,
    check_times,
    parse_floats,
    parse_iso,
)
from geo.tracks.build import make_trace
from geo.tracks.model import Trace

__all__ = ["FIX_COLUMNS", "FIX_OPTIONAL", "read_fixes"]

FIX_COLUMNS = ("time", "lat", "lon")
FIX_OPTIONAL = ("altitude_ft", "speed_kt", "callsign", "registration", "icao24")
_HEX = re.compile(r"~?[0-9a-fA-F]{6}")


def read_fixes(table: CsvTable, problems: Collector) -> list[Trace]:
    """One trace per aircraft in a CSV of fixes (header already checked), or ``[]``."""
    lines = table.lines
    before = len(problems.problems)
    n = len(table.records)

    def reporter(column: str) -> RowReport:
        return RowReport(problems, lines, column)

    cells = [cell.strip() for cell in table.column("time")]
    report_time = reporter("time")
    t = np.full(n, np.nan)
    t_ok = np.zeros(n, dtype=np.bool_)
    try:  # all Unix seconds: one conversion
        t[:] = np.array(cells, dtype=np.float64)
        t_ok[:] = True
    except ValueError:
        for k, cell in enumerate(cells):
            if not cell:
                report_time(k, "time is empty")
                continue
            try:
                t[k] = float(cell)
            except ValueError:
                parsed = parse_iso(cell, unix=True)
                if isinstance(parsed, str):
                    report_time(k, parsed)
                    continue
                t[k] = parsed
            t_ok[k] = True
    check_times(t, t_ok, report_time)

    lat, lat_ok = parse_floats(table.column("lat"), "latitude", reporter("lat"), required=True)
    check_range(lat, lat_ok, -90.0, 90.0, "latitude", reporter("lat"))
    lon, lon_ok = parse_floats(table.column("lon"), "longitude", reporter("lon"), required=True)
    check_range(lon, lon_ok, -180.0, 180.0, "longitude", reporter("lon"))
    alt, alt_ok = parse_floats(
        table.column("altitude_ft"), "altitude", reporter("altitude_ft"), required=False
    )
    check_range(alt, alt_ok, *ALT_FT, "altitude", reporter("altitude_ft"), "ft")
    gs, gs_ok = parse_floats(
        table.column("speed_kt"), "speed", reporter("speed_kt"), required=False
    )
    check_range(gs, gs_ok, *GS_KT, "speed", reporter("speed_kt"), "kt")

    hexes = [cell.strip() for cell in table.column("icao24")]
    report_hex = reporter("icao24")
    for k, cell in enumerate(hexes):
        if cell and not _HEX.fullmatch(cell):
            report_hex(k, f"'{cell}' is not a 24-bit address in hex (like a0b1c2)")
    if len(problems.problems) > before:
        return []

    registrations = [cell.strip().upper() for cell in table.column("registration")]
    callsigns = [cell.strip().upper() for cell in table.column("callsign")]
    groups: dict[tuple[str, str], list[int]] = {}
    for k, key in enumerate(zip((h.lower() for h in hexes), registrations, strict=True)):
        groups.setdefault(key, []).append(k)
    traces: list[Trace] = []
    for (icao24, registration), rows in groups.items():
        index = np.array(rows, dtype=np.int64)
        names: dict[str, int] = {}
        codes = np.array(
            [names.setdefault(callsigns[k], len(names)) if callsigns[k] else -1 for k in rows],
            dtype=np.int32,
        )
        traces.append(
            make_trace(
                problems.name,
                t[index],
                lat[index],
                lon[index],
                alt_ft=alt[index],
                gs_kt=gs[index],
                callsign_code=codes,
                callsigns=list(names),
                format="csv",
                icao24=icao24,
                non_icao=icao24.startswith("~"),
                registration=registration,
            )
        )
    return traces
