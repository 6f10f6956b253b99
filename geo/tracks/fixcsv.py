"""A plain CSV of fixes, for tracks from anywhere else::

    time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24
    2025-03-13T22:54:12Z,55.5915,37.2615,0,,AZG123,N103WG,a0b1c2

``time``, ``lat`` and ``lon`` are required; the other columns are optional, in any order.
``time`` is ISO 8601 with an offset (``Z``, ``+03:00``) or Unix seconds; a time without an
offset is refused. A file may hold several aircraft (at most :data:`MAX_AIRCRAFT`): rows are
grouped into one trace per aircraft, in order of first appearance, by the identity rule:
the (``icao24``, ``registration``) pair, and where a row has neither, its ``callsign`` (an
addressless file of two aircraft under two callsigns is two traces, not one path). An
optional ``on_ground`` column (``true``/``false``, ``1``/``0``, empty for unknown) says which
fixes are on the ground; without it legs split at long or low gaps only (see
:mod:`geo.tracks.legs`). An optional ``vrate_fpm`` column (the vertical rate in ft/min, empty
for unknown) is used by the liftoff and touchdown estimates. A cell written with a formula
guard (``'=…``, as the fixes-csv export writes text) is read without it.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import numpy as np

from geo.io.csvfile import quoted
from geo.tracks._common import (
    ALT_FT,
    GS_KT,
    VRATE_FPM,
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
from geo.tracks.build import callsign_codes, make_trace
from geo.tracks.model import BoolArray, FloatArray, Trace

K = TypeVar("K", bound=Hashable)

__all__ = [
    "FIX_COLUMNS",
    "FIX_EXTRA",
    "FIX_GROUND",
    "FIX_HEADER",
    "FIX_OPTIONAL",
    "MAX_AIRCRAFT",
    "read_fixes",
]

FIX_COLUMNS = ("time", "lat", "lon")
FIX_OPTIONAL = ("altitude_ft", "speed_kt", "callsign", "registration", "icao24")
FIX_GROUND = ("on_ground",)
"""Read when present; written by the fixes-csv export (:mod:`geo.csvwriters`)."""
FIX_HEADER = FIX_COLUMNS + FIX_OPTIONAL + FIX_GROUND
"""Every column, in the order the writers (the fixes-csv export, the archive's tracks) use."""
FIX_EXTRA = (*FIX_GROUND, "vrate_fpm")
"""Read when present, not listed in the help: the ground flag and the vertical rate."""
MAX_AIRCRAFT = 1_000
"""Aircraft (``icao24``, ``registration`` pairs) one fixes CSV may hold."""
_HEX = re.compile(r"~?[0-9a-fA-F]{6}")
_GROUND = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


@dataclass(frozen=True, slots=True)
class _Part:
    """What one part of the file's rows says, checked (see :func:`_parse`)."""

    lines: list[int]
    t: FloatArray
    lat: FloatArray
    lon: FloatArray
    alt: FloatArray
    gs: FloatArray
    vrate: FloatArray
    ground: BoolArray
    hexes: list[str]
    registrations: list[str]
    callsigns: list[str]


def rows_by_aircraft(
    keys: Iterable[K], lines: list[int], problems: Collector, column: str, what: str,
    advice: str,
) -> dict[K, list[int]] | None:
    """The rows of each aircraft (``keys``: one per row), in first-seen order; ``None``, with
    a problem on the row that names a ``MAX_AIRCRAFT + 1``-th aircraft, when a file holds too
    many (``what``: how the aircraft are told apart and by which file; ``advice``: the fix)."""
    groups: dict[K, list[int]] = {}
    for k, key in enumerate(keys):
        rows = groups.get(key)
        if rows is None:
            if len(groups) == MAX_AIRCRAFT:
                problems.add(
                    lines[k], column,
                    f"a {MAX_AIRCRAFT + 1:,}th aircraft {what} may hold {MAX_AIRCRAFT:,}: "
                    f"{advice}",
                )
                return None
            rows = groups[key] = []
        rows.append(k)
    return groups


def read_fixes(tables: Iterable[CsvTable], problems: Collector) -> list[Trace]:
    """One trace per aircraft in a CSV of fixes (its rows in parts, header already checked),
    or ``[]``. Once a problem is found, the rest of the file is only checked (its problems
    counted), never kept: a file of bad rows costs one part's memory."""
    before = problems.count
    parts: list[_Part] = []
    has_vrate = False
    for table in tables:
        has_vrate = "vrate_fpm" in table.header
        part = _parse(table, problems)
        if problems.count == before:
            parts.append(part)
    if problems.count > before:
        return []

    def joined(name: str) -> FloatArray:
        arrays: list[FloatArray] = [getattr(part, name) for part in parts]
        return np.concatenate(arrays) if arrays else np.zeros(0)

    t, lat, lon, alt, gs, vrate = map(joined, ("t", "lat", "lon", "alt", "gs", "vrate"))
    ground = np.concatenate([part.ground for part in parts]) if parts else np.zeros(0, bool)
    lines = [line for part in parts for line in part.lines]
    hexes = [h for part in parts for h in part.hexes]
    registrations = [r for part in parts for r in part.registrations]
    callsigns = [c for part in parts for c in part.callsigns]

    groups = rows_by_aircraft(
        _identities(hexes, registrations, callsigns), lines, problems, "row",
        "(icao24, registration or callsign); a fixes CSV", "split the file by aircraft",
    )
    if groups is None:
        return []
    traces: list[Trace] = []
    for (icao24, registration, _), rows in groups.items():
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
                vrate_fpm=vrate[index] if has_vrate else None,
                callsign_code=codes,
                callsigns=names,
                format="csv",
                icao24=icao24,
                non_icao=icao24.startswith("~"),
                registration=registration,
            )
        )
    return traces


def _identities(
    hexes: list[str], registrations: list[str], callsigns: list[str]
) -> list[tuple[str, str, str]]:
    """Per row, its aircraft: ``(icao24, registration, "")`` where it names either, else
    ``("", "", callsign)`` (or the aircraft an addressed row with that callsign names); a row
    with no name at all belongs to the row before it (the first ones, to the first named)."""
    named: dict[str, tuple[str, str, str]] = {}
    for hex_, registration, callsign in zip(hexes, registrations, callsigns, strict=True):
        if (hex_ or registration) and callsign and callsign not in named:
            named[callsign] = (hex_.lower(), registration, "")
    keys: list[tuple[str, str, str] | None] = []
    for hex_, registration, callsign in zip(hexes, registrations, callsigns, strict=True):
        if hex_ or registration:
            keys.append((hex_.lower(), registration, ""))
        elif callsign:
            keys.append(named.get(callsign, ("", "", callsign)))
        else:
            keys.append(keys[-1] if keys else None)
    first = next((key for key in keys if key is not None), ("", "", ""))
    return [first if key is None else key for key in keys]


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


def _parse(table: CsvTable, problems: Collector) -> _Part:
    """The columns of one part of the rows, each value checked (problems collected)."""
    lines = table.lines
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
    vrate, vrate_ok = parse_floats(
        table.column("vrate_fpm"), "vertical rate", reporter("vrate_fpm"), required=False
    )
    check_range(vrate, vrate_ok, *VRATE_FPM, "vertical rate", reporter("vrate_fpm"), "ft/min")

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
    return _Part(lines, t, lat, lon, alt, gs, vrate, ground, hexes, registrations, callsigns)
