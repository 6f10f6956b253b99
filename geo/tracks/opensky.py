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
:data:`geo.tracks.fixcsv.MAX_AIRCRAFT` per file. ``hour``, ``alert``, ``spi``, ``squawk``,
``geoaltitude`` and ``lastcontact`` are read past.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np

from geo.io.csvfile import quoted
from geo.tracks._common import (
    ALT_FT,
    FEET_PER_METRE,
    GS_KT,
    TRACK_DEG,
    VRATE_FPM,
    Collector,
    CsvTable,
    RowReport,
    check_range,
    check_text,
    check_times,
    parse_floats,
)
from geo.tracks.build import callsign_codes, make_trace
from geo.tracks.fixcsv import rows_by_aircraft
from geo.tracks.model import BoolArray, FloatArray, Trace

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
_HEX = re.compile(r"~?[0-9a-fA-F]{6}")
_FLAG = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True, slots=True)
class _Part:
    """The placed rows of one part of the file, checked (see :func:`_parse`)."""

    t: FloatArray
    lat: FloatArray
    lon: FloatArray
    alt_ft: FloatArray
    gs_kt: FloatArray
    track_deg: FloatArray
    vrate_fpm: FloatArray
    ground: BoolArray
    hexes: list[str]
    callsigns: list[str]
    lines: list[int]


def read_opensky(tables: Iterable[CsvTable], problems: Collector) -> list[Trace]:
    """One trace per aircraft in an OpenSky state-vector CSV (its rows in parts, header
    already checked), or ``[]``; once a problem is found the rest is only checked."""
    before = problems.count
    parts: list[_Part] = []
    for table in tables:
        part = _parse(table, problems)
        if problems.count == before:
            parts.append(part)
    if problems.count > before:
        return []
    hexes = [h for part in parts for h in part.hexes]
    lines = [line for part in parts for line in part.lines]
    groups = rows_by_aircraft(
        hexes, lines, problems, "icao24", "(icao24); a file", "split the query by aircraft"
    )
    if groups is None:
        return []

    def joined(name: str) -> FloatArray:
        arrays: list[FloatArray] = [getattr(part, name) for part in parts]
        return np.concatenate(arrays) if arrays else np.zeros(0)

    t, lat, lon, alt, gs, track, vrate = map(
        joined, ("t", "lat", "lon", "alt_ft", "gs_kt", "track_deg", "vrate_fpm")
    )
    ground = np.concatenate([part.ground for part in parts]) if parts else np.zeros(0, bool)
    callsigns = [c for part in parts for c in part.callsigns]
    traces: list[Trace] = []
    for hex_, rows in groups.items():
        index = np.array(rows, dtype=np.int64)
        codes, names = callsign_codes(callsigns, rows)
        traces.append(
            make_trace(
                problems.name,
                t[index],
                lat[index],
                lon[index],
                alt_ft=alt[index],
                on_ground=ground[index],
                gs_kt=gs[index],
                track_deg=track[index],
                vrate_fpm=vrate[index],
                callsign_code=codes,
                callsigns=names,
                format="opensky",
                icao24=hex_,
                non_icao=hex_.startswith("~"),
            )
        )
    return traces


def _parse(table: CsvTable, problems: Collector) -> _Part:
    """The rows of one part that have a position, each value checked."""
    lat_cells, lon_cells = table.column("lat"), table.column("lon")
    placed = [k for k, (a, b) in enumerate(zip(lat_cells, lon_cells, strict=True)) if a or b]
    rows = table if len(placed) == len(table.records) else _rows(table, placed)

    def report(column: str) -> RowReport:
        return RowReport(problems, rows.lines, column)

    lat, lat_ok = parse_floats(rows.column("lat"), "latitude", report("lat"), required=True)
    check_range(lat, lat_ok, -90.0, 90.0, "latitude", report("lat"))
    lon, lon_ok = parse_floats(rows.column("lon"), "longitude", report("lon"), required=True)
    check_range(lon, lon_ok, -180.0, 180.0, "longitude", report("lon"))
    t, t_ok = parse_floats(rows.column("time"), "time", report("time"), required=True)
    posupdate, pos_ok = parse_floats(
        rows.column("lastposupdate"), "time", report("lastposupdate"), required=False
    )
    check_times(t, t_ok, report("time"))
    check_times(posupdate, pos_ok, report("lastposupdate"))
    t = np.where(pos_ok, posupdate, t)
    alt_m, alt_ok = parse_floats(
        rows.column("baroaltitude"), "altitude", report("baroaltitude"), required=False
    )
    alt = alt_m * FEET_PER_METRE
    check_range(alt, alt_ok, *ALT_FT, "altitude", report("baroaltitude"), "ft")
    speed, speed_ok = parse_floats(
        rows.column("velocity"), "speed", report("velocity"), required=False
    )
    gs = speed * KT_PER_MPS
    check_range(gs, speed_ok, *GS_KT, "speed", report("velocity"), "kt")
    track, track_ok = parse_floats(
        rows.column("heading"), "heading", report("heading"), required=False
    )
    check_range(track, track_ok, *TRACK_DEG, "heading", report("heading"), "degrees")
    rate, rate_ok = parse_floats(
        rows.column("vertrate"), "vertical rate", report("vertrate"), required=False
    )
    vrate = rate * FPM_PER_MPS
    check_range(vrate, rate_ok, *VRATE_FPM, "vertical rate", report("vertrate"), "ft/min")

    hexes = [cell.strip().lower() for cell in rows.column("icao24")]
    report_hex = report("icao24")
    for k, cell in enumerate(hexes):
        if not _HEX.fullmatch(cell):
            what = "is empty" if not cell else f"{quoted(cell)} is not a 24-bit address in hex"
            report_hex(k, f"icao24 {what} (like a0b1c2)")
    ground = np.zeros(len(rows.records), dtype=np.bool_)
    report_ground = report("onground")
    for k, cell in enumerate(rows.column("onground")):
        flag = _FLAG.get(cell.strip().lower())
        if flag is None and cell.strip():
            report_ground(k, f"{quoted(cell.strip())} is not true, false, 1, 0 or empty")
        ground[k] = bool(flag)
    callsigns = [cell.strip().upper() for cell in rows.column("callsign")]
    checked: dict[str, bool] = {}
    report_callsign = report("callsign")
    for k, callsign in enumerate(callsigns):
        ok = checked.get(callsign)
        if ok is None:
            ok = checked[callsign] = check_text(callsign, "callsign", lambda _m: None) == callsign
        if not ok:
            check_text(callsign, "callsign", partial(report_callsign, k))
            callsigns[k] = ""
    return _Part(t, lat, lon, alt, gs, track, vrate, ground, hexes, callsigns, list(rows.lines))


def _rows(table: CsvTable, keep: list[int]) -> CsvTable:
    return type(table)(
        table.header,
        [table.lines[k] for k in keep],
        [table.records[k] for k in keep],
        table.flagged,
    )
