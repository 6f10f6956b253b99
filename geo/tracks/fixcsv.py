"""A plain CSV of fixes, for tracks from anywhere else::

    time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24
    2025-03-13T22:54:12Z,55.5915,37.2615,0,,AZG123,N103WG,a0b1c2

``time``, ``lat`` and ``lon`` are required; the other columns are optional, in any order.
``time`` is ISO 8601 with an offset (``Z``, ``+03:00``) or Unix seconds; a time without an
offset is refused. A file may hold several aircraft (at most :data:`MAX_AIRCRAFT`): rows are
grouped into one trace per (``icao24``, ``registration``) pair, in order of first
appearance. An optional ``on_ground`` column (``true``/``false``, ``1``/``0``, empty for
unknown) says which fixes are on the ground; without it legs split at long or low gaps only
(see :mod:`geo.tracks.legs`). A cell written with a formula guard (``'=…``, as the fixes-csv
export writes text) is read without it.
"""

from __future__ import annotations

import re
from functools import partial

import numpy as np

from geo.io.csvfile import quoted
from geo.tracks._common import (
    ALT_FT,
    GS_KT,
    Collector,
    CsvTable,
    RowReport,
    check_range,
    check_text,
    check_times,
    not_a_number,
    parse_floats,
    parse_iso,
    to_float,
)
from geo.tracks.build import make_trace
from geo.tracks.model import Trace

__all__ = ["FIX_COLUMNS", "FIX_GROUND", "FIX_HEADER", "FIX_OPTIONAL", "MAX_AIRCRAFT", "read_fixes"]

FIX_COLUMNS = ("time", "lat", "lon")
FIX_OPTIONAL = ("altitude_ft", "speed_kt", "callsign", "registration", "icao24")
FIX_GROUND = ("on_ground",)
"""Read when present; written by the fixes-csv export (:mod:`geo.csvwriters`)."""
FIX_HEADER = FIX_COLUMNS + FIX_OPTIONAL + FIX_GROUND
"""Every column, in the order the writers (the fixes-csv export, the archive's tracks) use."""
MAX_AIRCRAFT = 1_000
"""Aircraft (``icao24``, ``registration`` pairs) one fixes CSV may hold."""
_HEX = re.compile(r"~?[0-9a-fA-F]{6}")
_GROUND = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def read_fixes(table: CsvTable, problems: Collector) -> list[Trace]:
    """One trace per aircraft in a CSV of fixes (header already checked), or ``[]``."""
    lines = table.lines
    before = problems.count
    n = len(table.records)

    def reporter(column: str) -> RowReport:
        return RowReport(problems, lines, column)

    cells = [cell.strip() for cell in table.column("time")]
    report_time = reporter("time")
    t = np.full(n, np.nan)
    t_ok = np.zeros(n, dtype=np.bool_)
    try:  # all Unix seconds: one conversion
        joined = "".join(cells)
        if not joined.isascii() or "_" in joined:
            raise ValueError("not plain ASCII numbers")
        t[:] = np.array(cells, dtype=np.float64)
        t_ok[:] = True
    except ValueError:
        for k, cell in enumerate(cells):
            if not cell:
                report_time(k, "time is empty")
                continue
            try:
                t[k] = to_float(cell)
            except ValueError:
                if cell[:1].isdigit() and not cell.isascii() or "_" in cell:
                    report_time(k, not_a_number("time", cell))
                    continue
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
            report_hex(k, f"{quoted(cell)} is not a 24-bit address in hex (like a0b1c2)")
    registrations = _texts(table, "registration", "registration", problems)
    callsigns = _texts(table, "callsign", "callsign", problems)
    ground = np.zeros(n, dtype=np.bool_)
    report_ground = reporter("on_ground")
    for k, cell in enumerate(table.column("on_ground")):
        flag = _GROUND.get(cell.strip().lower())
        if flag is None and cell.strip():
            report_ground(k, f"{quoted(cell.strip())} is not true, false, 1, 0 or empty")
        ground[k] = bool(flag)
    if problems.count > before:
        return []

    groups: dict[tuple[str, str], list[int]] = {}
    for k, key in enumerate(zip((h.lower() for h in hexes), registrations, strict=True)):
        rows = groups.get(key)
        if rows is None:
            if len(groups) == MAX_AIRCRAFT:
                problems.add(
                    lines[k],
                    "row",
                    f"a {MAX_AIRCRAFT + 1:,}th aircraft (icao24, registration); a fixes CSV "
                    f"may hold {MAX_AIRCRAFT:,}: split the file by aircraft",
                )
                return []
            rows = groups[key] = []
        rows.append(k)
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
                on_ground=ground[index],
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


def _texts(table: CsvTable, column: str, what: str, problems: Collector) -> list[str]:
    """A text column, stripped and upper case, each value checked by the text rule."""
    report = RowReport(problems, table.lines, column)
    values = [cell.strip().upper() for cell in table.column(column)]
    checked: dict[str, bool] = {}
    for k, value in enumerate(values):
        ok = checked.get(value)
        if ok is None:
            ok = checked[value] = check_text(value, what, lambda _m: None) == value
        if not ok:
            check_text(value, what, partial(report, k))
            values[k] = ""
    return values
