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
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt

from geo.io.csvfile import quoted
from geo.tracks._common import (
    ALT_FT,
    GS_KT,
    TRACK_DEG,
    Collector,
    CsvTable,
    RowReport,
    check_range,
    check_text,
    check_times,
    parse_floats,
    parse_iso,
    to_float,
)
from geo.tracks.build import make_trace
from geo.tracks.model import BoolArray, FloatArray, Trace

__all__ = ["FR24_COLUMNS", "read_fr24"]

FR24_COLUMNS = ("Timestamp", "UTC", "Callsign", "Position", "Altitude", "Speed", "Direction")


@dataclass(frozen=True, slots=True)
class _Part:
    """What one part of the file's rows says, checked (see :func:`_parse`)."""

    t: FloatArray
    lat: FloatArray
    lon: FloatArray
    alt: FloatArray
    alt_ok: BoolArray
    gs: FloatArray
    track: FloatArray
    callsigns: list[str]


def read_fr24(tables: Iterable[CsvTable], problems: Collector) -> list[Trace]:
    """The trace in a Flightradar24 CSV (its rows in parts, header already checked), or
    ``[]``. Once a problem is found the rest is only checked, never kept."""
    before = problems.count
    parts: list[_Part] = []
    for table in tables:
        part = _parse(table, problems)
        if problems.count == before:
            parts.append(part)
    if problems.count > before:
        return []

    def joined(name: str) -> npt.NDArray[np.generic]:
        arrays = [getattr(part, name) for part in parts]
        return np.concatenate(arrays) if arrays else np.zeros(0)

    stamps, lat, lon, alt, gs, track = map(joined, ("t", "lat", "lon", "alt", "gs", "track"))
    alt_ok = joined("alt_ok").astype(np.bool_)
    callsigns = [c for part in parts for c in part.callsigns]
    names: dict[str, int] = {}
    codes = np.array(
        [names.setdefault(c, len(names)) if c else -1 for c in callsigns], dtype=np.int32
    )
    return [
        make_trace(
            problems.name,
            stamps,
            lat,
            lon,
            alt_ft=alt,
            on_ground=alt_ok & (alt == 0.0),
            gs_kt=gs,
            track_deg=track,
            callsign_code=codes,
            callsigns=list(names),
            format="fr24",
        )
    ]


def _parse(table: CsvTable, problems: Collector) -> _Part:
    """The columns of one part of the rows, each value checked (problems collected)."""
    lines = table.lines

    def reporter(column: str) -> RowReport:
        return RowReport(problems, lines, column)

    n = len(table.records)
    stamps, stamp_ok = parse_floats(
        table.column("Timestamp"), "time", reporter("Timestamp"), required=False
    )
    utc_cells = [cell.strip() for cell in table.column("UTC")]
    stamp_cells = table.column("Timestamp")
    for k in np.flatnonzero(~stamp_ok).tolist():
        if not stamp_cells[k].strip() and not utc_cells[k]:
            reporter("Timestamp")(k, "time is empty (and so is UTC)")
    for k, cell in enumerate(utc_cells):
        if not cell:
            continue
        parsed = parse_iso(cell)
        if isinstance(parsed, str):
            reporter("UTC")(k, parsed)
        elif stamp_ok[k]:
            if abs(parsed - float(stamps[k])) > 1.0:
                reporter("UTC")(
                    k,
                    f"{quoted(cell)} disagrees with Timestamp {stamps[k]:.0f} "
                    f"by {abs(parsed - float(stamps[k])):,.0f} s",
                )
        elif not stamp_cells[k].strip():
            stamps[k] = parsed
            stamp_ok[k] = True
    check_times(stamps, stamp_ok, reporter("Timestamp"))

    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    known = np.zeros(n, dtype=np.bool_)
    report_position = reporter("Position")
    for k, cell in enumerate(table.column("Position")):
        parts = cell.split(",")
        if len(parts) != 2:
            report_position(k, f"{quoted(cell.strip())} is not \"lat,lon\"")
            continue
        try:
            lat[k], lon[k] = to_float(parts[0].strip()), to_float(parts[1].strip())
            known[k] = True
        except ValueError:
            report_position(
                k,
                f"{quoted(cell.strip())} is not \"lat,lon\" in degrees (ASCII digits 0-9 "
                "and a '.')",
            )
    check_range(lat, known, -90.0, 90.0, "latitude", report_position)
    check_range(lon, known, -180.0, 180.0, "longitude", report_position)

    alt, alt_ok = parse_floats(
        table.column("Altitude"), "altitude", reporter("Altitude"), required=False
    )
    check_range(alt, alt_ok, *ALT_FT, "altitude", reporter("Altitude"), "ft")
    gs, gs_ok = parse_floats(table.column("Speed"), "speed", reporter("Speed"), required=False)
    check_range(gs, gs_ok, *GS_KT, "speed", reporter("Speed"), "kt")
    track, track_ok = parse_floats(
        table.column("Direction"), "direction", reporter("Direction"), required=False
    )
    check_range(track, track_ok, *TRACK_DEG, "direction", reporter("Direction"), "degrees")

    callsigns = [cell.strip().upper() for cell in table.column("Callsign")]
    report_callsign = reporter("Callsign")
    checked: set[str] = set()
    for k, callsign in enumerate(callsigns):
        if callsign not in checked:
            if check_text(callsign, "callsign", partial(report_callsign, k)):
                checked.add(callsign)
        if callsign not in checked:
            callsigns[k] = ""
    return _Part(stamps, lat, lon, alt, alt_ok, gs, track, callsigns)
