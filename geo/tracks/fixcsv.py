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

from collections.abc import Iterable

import numpy as np

from geo.tracks._common import (
    ALT_FT,
    FLAGS,
    GS_KT,
    LAT,
    LON,
    MAX_AIRCRAFT,
    VRATE_FPM,
    Collector,
    CsvTable,
    Number,
    Part,
    Rows,
    TraceColumns,
    check_times,
    joined,
    not_a_number,
    parse_iso,
    parse_parts,
    rows_by_aircraft,
    rows_trace,
    to_float,
)
from geo.tracks.model import Trace

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
_GROUND = {**FLAGS, "yes": True, "no": False}
_MEASURES = (
    Number("altitude_ft", "altitude", *ALT_FT, "ft"),
    Number("speed_kt", "speed", *GS_KT, "kt"),
)
_VRATE = Number("vrate_fpm", "vertical rate", *VRATE_FPM, "ft/min")
_TRACE = TraceColumns(
    "time", "lat", "lon", "altitude_ft", "on_ground", "speed_kt", "", "vrate_fpm", "callsign"
)


def read_fixes(tables: Iterable[CsvTable], problems: Collector) -> list[Trace]:
    """One trace per aircraft in a CSV of fixes (its rows in parts, header already checked),
    or ``[]``. Once a problem is found, the rest of the file is only checked (its problems
    counted), never kept: a file of bad rows costs one part's memory."""
    parts = parse_parts(tables, problems, _parse)
    if parts is None:
        return []
    rows = joined(parts)
    del parts
    hexes, registrations, callsigns = (
        rows.texts[name] for name in ("icao24", "registration", "callsign")
    )
    groups = rows_by_aircraft(
        _identities(hexes, registrations, callsigns), rows.lines, problems, "row",
        "(icao24, registration or callsign); a fixes CSV", "split the file by aircraft",
    )  # fmt: skip
    if groups is None:
        return []
    return [
        rows_trace(
            rows, index, _TRACE, problems, format="csv", icao24=icao24, registration=registration
        )
        for (icao24, registration, _), index in groups.items()
    ]


def _identities(
    hexes: list[str], registrations: list[str], callsigns: list[str]
) -> list[tuple[str, str, str]]:
    """Per row, its aircraft: ``(icao24, registration, "")`` where it names either, else
    ``("", "", callsign)`` (or the aircraft an addressed row with that callsign names); a row
    with no name at all belongs to the row before it (the first ones, to the first named)."""
    named: dict[str, tuple[str, str, str]] = {}
    for hex_, registration, callsign in zip(hexes, registrations, callsigns, strict=True):
        if (hex_ or registration) and callsign and callsign not in named:
            named[callsign] = (hex_, registration, "")
    keys: list[tuple[str, str, str] | None] = []
    for hex_, registration, callsign in zip(hexes, registrations, callsigns, strict=True):
        if hex_ or registration:
            keys.append((hex_, registration, ""))
        elif callsign:
            keys.append(named.get(callsign, ("", "", callsign)))
        else:
            keys.append(keys[-1] if keys else None)
    first = next((key for key in keys if key is not None), ("", "", ""))
    return [first if key is None else key for key in keys]


def _times(rows: Rows) -> None:
    """The ``time`` column: Unix seconds, or ISO 8601 with an offset (checked: 1990..2100)."""
    cells = [cell.strip() for cell in rows.table.column("time")]
    report = rows.report("time")
    n = len(cells)
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
                report(k, "time is empty")
                continue
            try:
                t[k] = to_float(cell)
            except ValueError:
                if cell[:1].isdigit() and not cell.isascii() or "_" in cell:
                    report(k, not_a_number("time", cell))
                    continue
                parsed = parse_iso(cell, unix=True)
                if isinstance(parsed, str):
                    report(k, parsed)
                    continue
                t[k] = parsed
            t_ok[k] = True
    check_times(t, t_ok, report)
    rows.arrays["time"] = t


def _parse(table: CsvTable, problems: Collector) -> Part:
    """The columns of one part of the rows, each value checked (problems collected)."""
    rows = Rows(table, problems)
    _times(rows)
    rows.number(LAT)
    rows.number(LON)
    for spec in _MEASURES:
        rows.number(spec)
    if _VRATE.column in table.header:
        rows.number(_VRATE)
    rows.hexes("icao24", required=False)
    rows.text("registration", "registration")
    rows.text("callsign", "callsign")
    rows.flags("on_ground", _GROUND)
    return rows.part()
