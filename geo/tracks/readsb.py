"""readsb / tar1090 / ADS-B Exchange traces (``trace_full_<hex>.json``, ``trace_recent_…``).

The format, as readsb's ``globe_index.c`` writes it::

    {"icao": "a0b1c2", "r": "N103WG", "t": "GLF6", "timestamp": 1741906452.016,
     "trace": [[seconds_after_timestamp, lat, lon, alt_ft | "ground" | null,
                gs_kt | null, track_deg | null, flags, vertical_rate,
                aircraft_info | null, source, geom_alt, geom_rate, ias, roll], ...]}

``icao`` may start with ``~`` (a non-ICAO address, e.g. TIS-B). Rows may be shorter than
14 values; the first 7 are required. ``flags`` is a bitfield: 1 the position is stale,
2 a new leg starts here, 4 the vertical rate is geometric, 8 the altitude is geometric (it is
taken as it is). The callsign, when known, is ``aircraft_info["flight"]``, padded with
spaces. ``vertical_rate`` (ft/min, barometric unless flag 4) is the fix's vertical rate,
else ``geom_rate`` where it is null: the liftoff and touchdown estimates use it
(:mod:`geo.tracks.legs`).

Problems name the fix as ``point N``, N being its index in ``trace`` (0-based, as
``jq '.trace[N]'``), on the line where that row starts; keys of the top-level object are
named as themselves (``timestamp``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import orjson

from geo.tracks._common import (
    ALT_FT,
    GS_KT,
    MAX_PROBLEMS,
    TRACK_DEG,
    VRATE_FPM,
    Collector,
    check_range,
    check_text,
    check_times,
    show,
)
from geo.tracks.build import make_trace
from geo.tracks.model import BoolArray, FloatArray, Trace

__all__ = ["read_readsb"]

_HEX = re.compile(r"~?[0-9a-fA-F]{6}")
_WS = re.compile(r"[ \t\n\r]*")
_ROW = "[seconds, lat, lon, altitude, speed, track, flags, ...]"


def _json_text(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (ValueError, TypeError):
        text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}... ({len(text):,} characters)"


def _where(text: str) -> tuple[dict[str, int], list[int]]:
    """Lines of the top-level keys and of each ``trace`` row (only called for messages).

    Walks the document with the C decoder one value at a time; the last of repeated keys
    wins, as in ``json.loads``.
    """
    decoder = json.JSONDecoder()
    keys: dict[str, int] = {}
    starts: list[int] = []
    newlines = np.fromiter(
        (m.start() for m in re.finditer("\n", text)), dtype=np.int64
    )  # an array once: searching a list converts it on every call (quadratic)

    def line_of(offset: int) -> int:
        return int(np.searchsorted(newlines, offset)) + 1

    def skip(i: int) -> int:
        found = _WS.match(text, i)
        return found.end() if found else i

    try:
        i = skip(0)
        if text[i] != "{":
            return keys, []
        i += 1
        while True:
            i = skip(i)
            if text[i] == "}":
                break
            key, i = decoder.raw_decode(text, i)
            keys[str(key)] = line_of(i)
            i = skip(i) + 1  # the ':'
            i = skip(i)
            if key == "trace" and text[i] == "[":
                starts = []
                i = skip(i + 1)
                while text[i] != "]":
                    starts.append(i)
                    _, i = decoder.raw_decode(text, i)
                    i = skip(i)
                    if text[i] == ",":
                        i = skip(i + 1)
                i += 1
            else:
                _, i = decoder.raw_decode(text, i)
            i = skip(i)
            if text[i] == ",":
                i += 1
    except (ValueError, IndexError, RecursionError):
        pass
    lines = np.searchsorted(newlines, np.array(starts, dtype=np.int64)) + 1
    return keys, lines.tolist()


_NUMBER = frozenset({int, float})
_NULLABLE = frozenset({int, float, type(None)})


def _numbers(
    column: list[Any], what: str, report: Callable[[int, str], None], *, nullable: bool
) -> tuple[FloatArray, BoolArray]:
    """A JSON column as floats: ``(values, present)``; null is NaN (and not present)."""
    n = len(column)
    allowed = _NULLABLE if nullable else _NUMBER
    kinds = set(map(type, column))
    values: FloatArray | None = None
    if kinds <= allowed:
        try:
            values = np.array(column, dtype=np.float64)
        except OverflowError:
            values = None
    if nullable and type(None) in kinds:
        present = np.fromiter((v is not None for v in column), dtype=np.bool_, count=n)
    else:
        present = np.ones(n, dtype=np.bool_)
    if values is None:  # a wrong type, or an integer too large for a float: one by one
        values = np.full(n, np.nan)
        for k, v in enumerate(column):
            if v is None and nullable:
                continue
            present[k] = False
            if type(v) not in _NUMBER:
                expected = "a number or null" if nullable else "a number"
                report(k, f"{what} {_json_text(v)} is not {expected}")
                continue
            try:
                values[k] = float(v)
                present[k] = True
            except OverflowError:
                report(k, f"{what} {_json_text(v)} is too large")
    return values, present


def _loads(text: str) -> Any:
    """orjson when it can (1.5x faster); the standard parser for what orjson refuses, so
    NaN literals, huge integers and every error message are the standard library's."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def read_readsb(text: str, problems: Collector) -> list[Trace]:
    """The trace in a readsb JSON document, or ``[]`` with its problems collected."""
    try:
        doc = _loads(text)
    except json.JSONDecodeError as exc:
        problems.add(exc.lineno, "file", f"not valid JSON: {exc.msg} (column {exc.colno})")
        return []
    except RecursionError:
        problems.add(1, "file", "not valid JSON: arrays or objects nested too deeply")
        return []
    except ValueError:  # an integer with more digits than Python converts
        problems.add(1, "file", "not valid JSON: a number with thousands of digits")
        return []
    if not isinstance(doc, dict) or "trace" not in doc:
        problems.add(
            1,
            "file",
            "JSON, but not a readsb/tar1090 trace: expected an object with 'icao', "
            "'timestamp' and 'trace' (a trace_full_<hex>.json)",
        )
        return []

    found: list[tuple[str, int | None, str]] = []  # (column, point, message)
    more = [0]  # problems beyond the bound: counted, not kept

    def top(key: str, message: str) -> None:
        found.append((key, None, message))

    def point(k: int, message: str) -> None:
        if len(found) < MAX_PROBLEMS:
            found.append(("", k, message))
        else:
            more[0] += 1

    icao = doc.get("icao")
    if icao is None:
        top("icao", 'missing; the aircraft\'s 24-bit address in hex, like "a0b1c2"')
    elif not isinstance(icao, str) or not _HEX.fullmatch(icao):
        top("icao", f'{_json_text(icao)} is not a 24-bit address in hex (like "a0b1c2")')
    texts: dict[str, str] = {}
    for key in ("r", "t"):
        value = doc.get(key)
        if value is not None and not isinstance(value, str):
            top(key, f"{_json_text(value)} is not text")
        what = "registration" if key == "r" else "type"
        texts[key] = (
            check_text(value.strip(), what, partial(top, key))
            if isinstance(value, str)
            else ""
        )
    base = doc.get("timestamp")
    before = len(found)
    if base is None:
        top("timestamp", "missing; the Unix time (seconds) the trace's offsets count from")
    elif type(base) not in _NUMBER:
        top("timestamp", f"{_json_text(base)} is not a number")
    else:
        try:
            base = float(base)
        except OverflowError:
            top("timestamp", f"{_json_text(base)} is too large")
        else:
            check_times(np.array([base]), np.array([True]), lambda _k, m: top("timestamp", m))
    base_ok = len(found) == before  # else the points' times are not checked against it
    start = float(base) if base_ok and isinstance(base, float) else 0.0
    rows = doc["trace"]
    if not isinstance(rows, list):
        top("trace", f"{_json_text(rows)} is not an array of points {_ROW}")
        rows = []

    shape_ok = [type(r) is list and len(r) >= 7 for r in rows]
    if not all(shape_ok):
        for k, ok in enumerate(shape_ok):
            if not ok:
                row = rows[k]
                got = f"{len(row)} values" if type(row) is list else _json_text(row)
                point(k, f"expected an array {_ROW} of at least 7 values, got {got}")
    number = np.flatnonzero(shape_ok) if not all(shape_ok) else np.arange(len(rows))
    good = [rows[k] for k in number.tolist()] if len(number) != len(rows) else rows

    def at(k: int, message: str) -> None:
        point(int(number[k]), message)

    n = len(good)
    widths = set(map(len, good))
    width = widths.pop() if len(widths) == 1 else 7  # readsb writes rows of one width
    cols: list[Any] = (
        list(zip(*good, strict=True))
        if width > 7
        else list(zip(*(r[:7] for r in good), strict=True))
        if n
        else [()] * 7
    )

    def optional(j: int) -> list[Any]:
        """Column ``j`` (None where a row is too short to have it)."""
        if j < len(cols):
            return list(cols[j])
        return [r[j] if len(r) > j else None for r in good]
    offsets, offset_ok = _numbers(list(cols[0]), "time offset", at, nullable=False)
    lat, lat_ok = _numbers(list(cols[1]), "latitude", at, nullable=False)
    lon, lon_ok = _numbers(list(cols[2]), "longitude", at, nullable=False)
    gs, gs_known = _numbers(list(cols[4]), "ground speed", at, nullable=True)
    track, track_known = _numbers(list(cols[5]), "track", at, nullable=True)

    rates = optional(7)
    if None in rates:  # the geometric rate where the barometric one is null
        rates = [b if a is None else a for a, b in zip(rates, optional(11), strict=True)]
    vrate, vrate_known = _numbers(rates, "vertical rate", at, nullable=True)

    altitude = list(cols[3])
    ground = np.fromiter((v == "ground" for v in altitude), dtype=np.bool_, count=n)
    if ground.any():
        altitude = [None if g else v for v, g in zip(altitude, ground.tolist(), strict=True)]
    strings = [k for k, v in enumerate(altitude) if type(v) is str]
    for k in strings:
        at(k, f'altitude {_json_text(altitude[k])} is not a number, "ground" or null')
        altitude[k] = None
    alt, alt_known = _numbers(altitude, "altitude", at, nullable=True)

    flag_column = list(cols[6])
    flags = np.zeros(n, dtype=np.int64)
    if set(map(type, flag_column)) <= {int} and all(0 <= f < 2**31 for f in flag_column):
        flags = np.array(flag_column, dtype=np.int64) if n else flags
    else:
        for k, f in enumerate(flag_column):
            if type(f) is not int or not 0 <= f < 2**31:
                at(k, f"flags {_json_text(f)} is not a bitfield (an integer 0..2^31)")
            else:
                flags[k] = f

    codes = np.full(n, -1, dtype=np.int32)
    names: dict[str, int] = {}
    for k, info in enumerate(optional(8)):
        if info is None:
            continue
        if not isinstance(info, dict):
            at(k, f"aircraft info {_json_text(info)} is not an object or null")
            continue
        flight = info.get("flight")
        if flight is None:
            continue
        if not isinstance(flight, str):
            at(k, f"callsign {_json_text(flight)} is not text")
            continue
        callsign = flight.strip().upper()
        if callsign and callsign not in names:
            callsign = check_text(callsign, "callsign", partial(at, k))
        if callsign:
            codes[k] = names.setdefault(callsign, len(names))

    check_range(lat, lat_ok, -90.0, 90.0, "latitude", at)
    check_range(lon, lon_ok, -180.0, 180.0, "longitude", at)
    check_range(alt, alt_known, *ALT_FT, "altitude", at, "ft")
    check_range(gs, gs_known, *GS_KT, "ground speed", at, "kt")
    check_range(track, track_known, *TRACK_DEG, "track", at, "degrees")
    check_range(vrate, vrate_known, *VRATE_FPM, "vertical rate", at, "ft/min")
    t = start + offsets
    bad_offset = offset_ok & ~np.isfinite(offsets)
    for k in np.flatnonzero(bad_offset).tolist():
        at(k, f"time offset {show(float(offsets[k]))} is not a finite number")
    if base_ok:
        check_times(
            t, offset_ok & ~bad_offset, lambda k, m: at(k, f"{m} (timestamp + time offset)")
        )

    if found:
        keys, lines = _where(text)
        found.sort(key=lambda item: -1 if item[1] is None else item[1])  # stable: by point
        for column, number_k, message in found:
            if number_k is None:
                problems.add(keys.get(column, 1), column, message)
            else:
                line = lines[number_k] if number_k < len(lines) else 1
                problems.add(line, f"point {number_k}", message)
        problems.problems.dropped += more[0]
        return []
    assert isinstance(icao, str)
    return [
        make_trace(
            problems.name,
            t,
            lat,
            lon,
            alt_ft=alt,
            on_ground=ground,
            gs_kt=gs,
            track_deg=track,
            vrate_fpm=vrate,
            new_leg=(flags & 2) != 0,
            stale=(flags & 1) != 0,
            callsign_code=codes,
            callsigns=list(names),
            format="readsb",
            icao24=icao,
            non_icao=icao.startswith("~"),
            registration=texts["r"],
            aircraft_type=texts["t"],
        )
    ]
