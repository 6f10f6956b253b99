"""The three CSV writers: the normalized table, the events in the input format (re-importable),
and the recorded fixes of the flights that have a track (the plain fix CSV :mod:`geo.tracks`
reads). Each is deterministic: the same events give the same bytes.

Both event writers protect cells a spreadsheet would run as formulas (:func:`geo.cells.protect`:
``=HYPERLINK(…)`` is written ``'=HYPERLINK(…)``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from datetime import UTC, datetime

from geo.cells import protect
from geo.model import Event
from geo.query import in_order
from geo.table import SOURCE_COLUMNS, TABLE_COLUMNS, flat, normalize, source_row
from geo.tracks.fixcsv import FIX_HEADER
from geo.tracks.model import IntArray, Trace


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """RFC 4180: rows end in CRLF, so the writer quotes any cell holding a bare ``\\r``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[protect(cell) for cell in row] for row in rows])
    return buf.getvalue()


def to_csv(events: Sequence[Event]) -> str:
    """The normalized table (:data:`geo.table.TABLE_COLUMNS`); list cells joined with ``; ``."""
    rows = [normalize(ev) for ev in in_order(events)]
    return _csv_text(TABLE_COLUMNS, [[flat(row.get(col)) for col in TABLE_COLUMNS] for row in rows])


def to_events_csv(events: Sequence[Event]) -> str:
    """The events in the input format, ``events.csv``'s columns (and ``aircraft`` when any
    event has one): ``python -m geo check`` accepts the file, and it loads as the same events
    (:func:`geo.table.source_row`), so export -> load -> export gives the same bytes."""
    ordered = in_order(events)
    header = [c for c in SOURCE_COLUMNS if c != "aircraft" or any(e.aircraft for e in ordered)]
    rows = [source_row(ev) for ev in ordered]
    return _csv_text(header, [[row[col] for col in header] for row in rows])


def _fix_time(t: float) -> str:
    """Unix seconds as ISO 8601 UTC, to the millisecond when the fix has a fraction."""
    ms = round(t * 1000.0)
    whole = datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{ms % 1000:03d}Z" if ms % 1000 else f"{whole}Z"


def _number(value: float, digits: int) -> str:
    """``value`` to ``digits`` decimals without trailing zeros ("" for NaN)."""
    if math.isnan(value):
        return ""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


GROUND_KEPT_S = 3600.0
"""How far before a leg's first airborne fix (and after its last) the fixes CSV keeps the
aircraft's ground fixes: the taxi that names the airports and dates liftoff and touchdown."""


def _with_ground(trace: Trace, index: IntArray) -> list[int]:
    """The leg's fixes with the ground fixes that run up to it and away from it (no outlier,
    no fix of another leg, within :data:`GROUND_KEPT_S`)."""
    if index.shape[0] == 0:
        return []
    first, last = int(index[0]), int(index[-1])
    t0, t1 = float(trace.t[first]), float(trace.t[last])
    before: list[int] = []
    k = first - 1
    while k >= 0 and trace.on_ground[k] and t0 - trace.t[k] <= GROUND_KEPT_S:
        if not trace.outlier[k]:
            before.append(k)
        if trace.new_leg[k]:
            break
        k -= 1
    after: list[int] = []
    k = last + 1
    while (k < len(trace) and trace.on_ground[k] and not trace.new_leg[k]
           and trace.t[k] - t1 <= GROUND_KEPT_S):  # fmt: skip
        if not trace.outlier[k]:
            after.append(k)
        k += 1
    return [*reversed(before), *index.tolist(), *after]


def to_fixes_csv(events: Sequence[Event]) -> str:
    """The recorded fixes of every flight with a track (outliers left out, as on the map),
    flight after flight in the event order, in the plain fix format (:data:`FIX_HEADER`),
    with the ground fixes either side of the leg and each fix's ``on_ground``: ``--tracks``
    reads the file back as the same legs, from the same airports."""
    rows: list[list[str]] = []
    for ev in in_order(events):
        if ev.recorded is None:
            continue
        leg = ev.recorded.leg
        trace = leg.trace
        for k in _with_ground(trace, leg.index):
            code = int(trace.callsign_code[k])
            rows.append([
                _fix_time(float(trace.t[k])),
                _number(float(trace.lat[k]), 6),
                _number(float(trace.lon[k]), 6),
                _number(float(trace.alt_ft[k]), 0),
                _number(float(trace.gs_kt[k]), 1),
                trace.callsigns[code] if code >= 0 else "",
                trace.registration,
                ("~" if trace.non_icao else "") + trace.icao24,
                "true" if trace.on_ground[k] else "false",
            ])
    return _csv_text(FIX_HEADER, rows)
