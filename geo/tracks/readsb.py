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

The document is read without building it whole: the top-level object is walked key by key,
and the ``trace`` array is decoded a part at a time (:data:`_PART` characters, about 3,000
points, by orjson; where a part does not end on a point, the standard decoder one point at a
time), each part's values going straight into compact columns. A 16 MiB trace peaks at about
50 MB of Python objects instead of about 280 MB (16 MiB of bad rows: 64 MB, from 293 MB).
What is accepted, every value, every message and its line are those of reading the whole
document as before (orjson's values when orjson takes the whole document, else those of
:func:`json.loads`): the walker follows the standard decoder's grammar and raises its errors
at the same places, and each check keeps its own first problems, so that the ones kept are
those found checking whole columns one after another.

A part is first offered to a fast path (:func:`_clean_part`): rows of one width, numbers where
numbers belong, callsigns that are text. Its rows are joined into one list and cut into columns
by slicing, and each number column is read by numpy in one pass, numpy's inferred type
(int64 or float64) being its type check where the document holds no ``true`` or ``false``.
The values are those of the careful code, byte for byte; any other part goes to the careful
code, whose problems, lines and order are unchanged (``tests/test_tracks_readsb_fast.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial, reduce
from itertools import compress, repeat
from operator import iadd, is_not
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
from geo.tracks.model import BoolArray, FloatArray, IntArray, Trace

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


# --------------------------------------------------------------------------- the walker

_PART = 1 << 18
"""Characters of the ``trace`` array decoded at once (about 3,000 points of readsb's rows):
the Python objects of one part are alive at a time, never those of the whole array."""

_scan = json.JSONDecoder().raw_decode


def _skip_ws(text: str, i: int) -> int:
    found = _WS.match(text, i)
    return found.end() if found else i


class _NotOrjson(Exception):
    """orjson refuses a value the standard library takes (NaN, a lone surrogate, 1e400)."""


@dataclass
class _Walker:
    """Reads a JSON document a value at a time, as :func:`json.loads` reads it whole: the same
    grammar, each error raised at the same place with the same message.

    The values are orjson's (faster) while ``json_only`` is false, as the whole document was
    read before when orjson took it; where orjson refuses a value the standard library takes,
    :class:`_NotOrjson` is raised and the document is read again with ``json_only``.
    """

    text: str
    json_only: bool = False

    def value(self, i: int) -> tuple[Any, int]:
        """The value starting at ``text[i]`` and the index after it."""
        value, end = _scan(self.text, i)
        if self.json_only:
            return value, end
        try:
            return orjson.loads(self.text[i:end]), end
        except orjson.JSONDecodeError:
            raise _NotOrjson from None

    def part(self, i: int) -> tuple[list[Any], int] | None:
        """The array elements from ``text[i]`` to the first ``]`` at least :data:`_PART`
        characters on, decoded in one call, and the index after the last one; ``None`` where
        that ``]`` does not end an element (or the decoder refuses the part).

        A part starts where an element starts, so it is read as the whole document would be:
        ``[`` + part + ``]`` is valid only if the part is whole elements, the last ending at
        that ``]``. Near the end, the part is the rest of the array, its own ``]`` included.
        """
        text, n = self.text, len(self.text)
        loads: Callable[[str], Any] = json.loads if self.json_only else orjson.loads
        cut = text.find("]", i + _PART) if i + _PART < n else -1
        if cut != -1:
            try:
                return loads("[" + text[i : cut + 1] + "]"), cut + 1
            except json.JSONDecodeError:  # orjson's error is one too
                pass
        end = cut if cut != -1 else text.rfind("]", i)
        if end == -1:
            return None
        try:  # the array ends at that ']'
            return loads("[" + text[i : end + 1]), end
        except json.JSONDecodeError:
            return None

    def one_by_one(self, i: int) -> tuple[list[Any], int]:
        """Array elements decoded one at a time from ``text[i]``, for about :data:`_PART`
        characters or to the array's end, and the index after the last one."""
        text, n = self.text, len(self.text)
        limit = i + _PART
        values: list[Any] = []
        while True:
            value, end = self.value(i)
            values.append(value)
            j = _skip_ws(text, end)
            if j < n and text[j] == "]":
                return values, end
            if j >= n or text[j] != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, j)
            if end >= limit:
                return values, end
            i = _skip_ws(text, j + 1)

    def elements(self, i: int, take: Callable[[list[Any]], None]) -> int:
        """Walk the array whose ``[`` is ``text[i]``, giving its elements to ``take`` a part
        at a time, in order; the index after its ``]``."""
        text, n = self.text, len(self.text)
        i = _skip_ws(text, i + 1)
        if i < n and text[i] == "]":
            return i + 1
        while True:
            part = self.part(i) if i < n and text[i] != "]" else None
            values, end = part if part is not None else self.one_by_one(i)
            j = _skip_ws(text, end)
            if j < n and text[j] == "]":
                take(values)
                return j + 1
            if j >= n or text[j] != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, j)
            take(values)
            i = _skip_ws(text, j + 1)

    def members(self, i: int, take: Callable[[str, int], int]) -> int:
        """Walk the object whose ``{`` is ``text[i]``: ``take(key, index of its value)`` reads
        each value and gives the index after it; the index after the ``}``."""
        text, n = self.text, len(self.text)
        i = _skip_ws(text, i + 1)
        if i < n and text[i] == "}":
            return i + 1
        while True:
            if i >= n or text[i] != '"':
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", text, i
                )
            key, i = self.value(i)
            i = _skip_ws(text, i)
            if i >= n or text[i] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
            i = take(str(key), _skip_ws(text, i + 1))
            i = _skip_ws(text, i)
            if i < n and text[i] == "}":
                return i + 1
            if i >= n or text[i] != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
            i = _skip_ws(text, i + 1)

    def skip(self, i: int) -> int:
        """Check the value at ``text[i]`` without keeping it (an array a part at a time, an
        object a member at a time); the index after it."""
        if self.text.startswith("[", i):
            return self.elements(i, lambda _values: None)
        if self.text.startswith("{", i):
            return self.members(i, lambda _key, j: self.value(j)[1])
        return self.value(i)[1]


def _where(text: str, points: set[int]) -> tuple[dict[str, int], dict[int, int]]:
    """Lines of the top-level keys and of the ``trace`` rows ``points`` (only called for
    messages).

    Walks the document with the C decoder one value at a time; the last of repeated keys
    wins, as in ``json.loads``.
    """
    keys: dict[str, int] = {}
    starts: dict[int, int] = {}
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
            return keys, {}
        i += 1
        while True:
            i = skip(i)
            if text[i] == "}":
                break
            key, i = _scan(text, i)
            keys[str(key)] = line_of(i)
            i = skip(i) + 1  # the ':'
            i = skip(i)
            if key == "trace" and text[i] == "[":
                starts = {}
                k = 0
                i = skip(i + 1)
                while text[i] != "]":
                    if k in points:
                        starts[k] = i
                    _, i = _scan(text, i)
                    k += 1
                    i = skip(i)
                    if text[i] == ",":
                        i = skip(i + 1)
                i += 1
            else:
                i = _Walker(text, json_only=True).skip(i)
            i = skip(i)
            if text[i] == ",":
                i += 1
    except (ValueError, IndexError, RecursionError):
        pass
    return keys, {k: line_of(offset) for k, offset in starts.items()}


# --------------------------------------------------------------------------- the points

_CHECKS = (
    "shape",
    "time offset",
    "latitude",
    "longitude",
    "ground speed",
    "track",
    "vertical rate",
    "altitude text",
    "altitude",
    "flags",
    "aircraft info",
    "latitude range",
    "longitude range",
    "altitude range",
    "ground speed range",
    "track range",
    "vertical rate range",
    "finite time offset",
    "time",
)
"""The checks of the points, in the order they run over whole columns: the problems kept
are the first :data:`MAX_PROBLEMS` in this order (then stably by point)."""

_COLUMNS = {
    "number": np.int64,  # the point's index in ``trace``
    "offsets": np.float64,
    "offset_ok": np.bool_,
    "lat": np.float64,
    "lat_ok": np.bool_,
    "lon": np.float64,
    "lon_ok": np.bool_,
    "gs": np.float64,
    "gs_known": np.bool_,
    "track": np.float64,
    "track_known": np.bool_,
    "vrate": np.float64,
    "vrate_known": np.bool_,
    "alt": np.float64,
    "alt_known": np.bool_,
    "ground": np.bool_,
    "flags": np.int64,
    "codes": np.int32,
}


_FLOAT: frozenset[type] = frozenset({int, float})
_FLOAT_OR_NULL: frozenset[type] = frozenset({int, float, type(None)})
_INFO: frozenset[type] = frozenset({dict, type(None)})


def _floats(column: list[Any], kinds: frozenset[type]) -> tuple[FloatArray, BoolArray] | None:
    """A clean column as :func:`_numbers` reads it, ``None`` where it is not clean (a value of
    another type, an integer too large for a float)."""
    found = set(map(type, column))
    if not found <= kinds:
        return None
    try:
        values = np.array(column, dtype=np.float64)
    except OverflowError:
        return None
    if type(None) not in found:
        return values, np.ones(len(column), dtype=np.bool_)
    nulls = column.count(None)  # by identity: a float NaN is not counted
    missing = np.isnan(values)
    if int(np.count_nonzero(missing)) != nulls:  # a NaN given as a value (json's NaN)
        return values, np.fromiter((v is not None for v in column), np.bool_, len(column))
    return values, ~missing


def _inferred(column: list[Any]) -> IntArray | FloatArray | None:
    """``column`` as numpy reads it without being told a type, where that is a column of
    int64 or float64 (every value an int or a float, one pass); else ``None`` (a null, a text,
    an object, an array, an integer beyond int64). Only for a document without a boolean:
    numpy takes ``true`` for 1."""
    try:
        values = np.array(column)
    except (ValueError, TypeError, OverflowError):
        return None
    if values.shape != (len(column),) or values.dtype not in (np.int64, np.float64):
        return None
    return values


def _numbers_fast(
    column: list[Any], kinds: frozenset[type], booleans: bool
) -> tuple[FloatArray, BoolArray] | None:
    """:func:`_floats`, in one pass where the column is all numbers and has no boolean."""
    if not booleans:
        values = _inferred(column)
        if values is not None:  # ints as floats: the same rounding as float(int)
            return values.astype(np.float64, copy=False), np.ones(len(column), dtype=np.bool_)
    return _floats(column, kinds)


def _clean_part(
    rows: list[Any], first: int, names: dict[str, int], *, booleans: bool = True
) -> dict[str, Any] | None:
    """The columns :meth:`_Points.add` makes of ``rows`` (points ``first``, ``first`` + 1, ...)
    where the part is clean: rows that are arrays of one width of at least 7 values, numbers
    where numbers belong, altitudes numbers, "ground" or null, flags bitfields, aircraft info
    objects or null with a callsign that is text obeying the text rule; ``None`` for any other
    part, leaving ``names`` as it was (the careful code reads it and reports its problems).
    ``booleans``: the document may hold ``true`` or ``false`` (else numpy's reading of a column
    is its type check).

    The same values as the careful code's, by the same conversions, in a few passes over
    whole columns: the rows are joined into one list and cut into columns by slicing.
    """
    n = len(rows)
    if not n or set(map(type, rows)) != {list}:
        return None
    widths = set(map(len, rows))
    width = widths.pop()
    if widths or width < 7:
        return None
    flat: list[Any] = reduce(iadd, rows, [])
    nothing: list[Any] = [None] * n

    def column(j: int) -> list[Any]:
        return flat[j::width] if j < width else nothing

    offsets = _numbers_fast(column(0), _FLOAT, booleans)
    lat = _numbers_fast(column(1), _FLOAT, booleans)
    lon = _numbers_fast(column(2), _FLOAT, booleans)
    gs = _numbers_fast(column(4), _FLOAT_OR_NULL, booleans)
    track = _numbers_fast(column(5), _FLOAT_OR_NULL, booleans)
    if offsets is None or lat is None or lon is None or gs is None or track is None:
        return None
    rates = column(7)
    vrate = _inferred(rates) if not booleans else None
    if vrate is not None:
        vrate_known = np.ones(n, dtype=np.bool_)
        vrate = vrate.astype(np.float64, copy=False)
    else:
        if None in rates:  # the geometric rate where the barometric one is null
            rates = [b if a is None else a for a, b in zip(rates, column(11), strict=True)]
        found = _floats(rates, _FLOAT_OR_NULL)
        if found is None:
            return None
        vrate, vrate_known = found

    texts = np.array(column(3), dtype=object)
    if texts.shape != (n,):  # an array among the altitudes
        return None
    ground = texts == "ground"
    alt_values = None
    if not booleans:
        texts[ground] = np.nan  # the only NaN: a NaN given as a value is a float
        alt_values = _inferred(texts.tolist())
    if alt_values is not None:
        alt = alt_values.astype(np.float64, copy=False)
        alt_known = ~ground
    else:
        texts[ground] = None
        found = _floats(texts.tolist(), _FLOAT_OR_NULL)  # a text other than "ground" too
        if found is None:
            return None
        alt, alt_known = found

    flag_column = column(6)
    flags = _inferred(flag_column) if not booleans else None
    if flags is None:
        if set(map(type, flag_column)) != {int}:
            return None
        try:
            flags = np.array(flag_column, dtype=np.int64)
        except OverflowError:
            return None
    if flags.dtype != np.int64 or int(flags.min()) < 0 or int(flags.max()) >= 2**31:
        return None

    codes = np.full(n, -1, dtype=np.int32)
    infos = column(8)
    if infos.count(None) != n:
        if not set(map(type, infos)) <= _INFO:
            return None
        seen: list[tuple[int, str]] = []
        new: set[str] = set()
        refused: list[str] = []
        for k in compress(range(n), map(is_not, infos, repeat(None))):
            flight = infos[k].get("flight")
            if flight is None:
                continue
            if type(flight) is not str:
                return None
            callsign = flight.strip().upper()
            if not callsign:
                continue
            if callsign not in names and callsign not in new:
                if not check_text(callsign, "callsign", refused.append):
                    return None
                new.add(callsign)
            seen.append((k, callsign))
        for k, callsign in seen:  # the part is clean: its callsigns are coded, in order
            codes[k] = names.setdefault(callsign, len(names))

    return dict(
        zip(
            _COLUMNS,
            (np.arange(first, first + n, dtype=np.int64), *offsets, *lat, *lon, *gs, *track,
             vrate, vrate_known, alt, alt_known, ground, flags, codes),
            strict=True,
        )
    )  # fmt: skip


class _Points:
    """A ``trace`` array's points, given a part at a time: their values in compact columns,
    and each check's first :data:`MAX_PROBLEMS` problems (the others counted)."""

    def __init__(self, *, booleans: bool = True) -> None:
        self.booleans = booleans  # the document may hold true or false (see _clean_part)
        self.count = 0  # points given so far
        self.parts: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
        self.names: dict[str, int] = {}  # callsign -> code, in order of first appearance
        self.kept: dict[str, list[tuple[int, str]]] = {check: [] for check in _CHECKS}
        self.more: dict[str, int] = dict.fromkeys(_CHECKS, 0)

    def report(self, check: str, number: IntArray) -> Callable[[int, str], None]:
        """``report(k, message)`` for the ``k``-th well-shaped point of ``number``."""
        kept = self.kept[check]

        def add(k: int, message: str) -> None:
            if len(kept) < MAX_PROBLEMS:
                kept.append((int(number[k]), message))
            else:
                self.more[check] += 1

        return add

    def add(self, rows: list[Any]) -> None:
        """The next points of the array: a clean part by :func:`_clean_part`, any other by the
        careful code below (its problems, their order and messages)."""
        first = self.count
        clean = _clean_part(rows, first, self.names, booleans=self.booleans)
        self.count += len(rows)
        if clean is not None:
            for name, column in clean.items():
                self.parts[name].append(column)
            return
        shape_ok = [type(r) is list and len(r) >= 7 for r in rows]
        if all(shape_ok):
            good = rows
            number = np.arange(first, first + len(rows), dtype=np.int64)
        else:
            shape = self.report("shape", np.arange(first, first + len(rows), dtype=np.int64))
            for k, ok in enumerate(shape_ok):
                if not ok:
                    row = rows[k]
                    got = f"{len(row)} values" if type(row) is list else _json_text(row)
                    shape(k, f"expected an array {_ROW} of at least 7 values, got {got}")
            number = np.flatnonzero(shape_ok).astype(np.int64) + first
            good = [rows[k] for k in (number - first).tolist()]

        def at(check: str) -> Callable[[int, str], None]:
            return self.report(check, number)

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

        offsets, offset_ok = _numbers(
            list(cols[0]), "time offset", at("time offset"), nullable=False
        )
        lat, lat_ok = _numbers(list(cols[1]), "latitude", at("latitude"), nullable=False)
        lon, lon_ok = _numbers(list(cols[2]), "longitude", at("longitude"), nullable=False)
        gs, gs_known = _numbers(list(cols[4]), "ground speed", at("ground speed"), nullable=True)
        track, track_known = _numbers(list(cols[5]), "track", at("track"), nullable=True)

        rates = optional(7)
        if None in rates:  # the geometric rate where the barometric one is null
            rates = [b if a is None else a for a, b in zip(rates, optional(11), strict=True)]
        vrate, vrate_known = _numbers(rates, "vertical rate", at("vertical rate"), nullable=True)

        altitude = list(cols[3])
        ground = np.fromiter((v == "ground" for v in altitude), dtype=np.bool_, count=n)
        if ground.any():
            altitude = [None if g else v for v, g in zip(altitude, ground.tolist(), strict=True)]
        strings = [k for k, v in enumerate(altitude) if type(v) is str]
        text_at = at("altitude text")
        for k in strings:
            text_at(k, f'altitude {_json_text(altitude[k])} is not a number, "ground" or null')
            altitude[k] = None
        alt, alt_known = _numbers(altitude, "altitude", at("altitude"), nullable=True)

        flag_column = list(cols[6])
        flags = np.zeros(n, dtype=np.int64)
        if set(map(type, flag_column)) <= {int} and all(0 <= f < 2**31 for f in flag_column):
            flags = np.array(flag_column, dtype=np.int64) if n else flags
        else:
            flags_at = at("flags")
            for k, f in enumerate(flag_column):
                if type(f) is not int or not 0 <= f < 2**31:
                    flags_at(k, f"flags {_json_text(f)} is not a bitfield (an integer 0..2^31)")
                else:
                    flags[k] = f

        codes = np.full(n, -1, dtype=np.int32)
        names = self.names
        info_at = at("aircraft info")
        for k, info in enumerate(optional(8)):
            if info is None:
                continue
            if not isinstance(info, dict):
                info_at(k, f"aircraft info {_json_text(info)} is not an object or null")
                continue
            flight = info.get("flight")
            if flight is None:
                continue
            if not isinstance(flight, str):
                info_at(k, f"callsign {_json_text(flight)} is not text")
                continue
            callsign = flight.strip().upper()
            if callsign and callsign not in names:
                callsign = check_text(callsign, "callsign", partial(info_at, k))
            if callsign:
                codes[k] = names.setdefault(callsign, len(names))

        values = dict(
            zip(
                _COLUMNS,
                (number, offsets, offset_ok, lat, lat_ok, lon, lon_ok, gs, gs_known, track,
                 track_known, vrate, vrate_known, alt, alt_known, ground, flags, codes),
                strict=True,
            )
        )  # fmt: skip
        for name, column in values.items():
            self.parts[name].append(column)

    def columns(self, start: float, base_ok: bool) -> dict[str, Any]:
        """The whole columns (``t`` = ``start`` + offset), their range checks run."""
        cols: dict[str, Any] = {}
        for name, dtype in _COLUMNS.items():
            parts = self.parts.pop(name)
            if len(parts) == 1:  # one part (most traces): its own array, not a copy
                cols[name] = parts[0]
            else:
                cols[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
            parts.clear()
        number = cols["number"]

        def at(check: str) -> Callable[[int, str], None]:
            return self.report(check, number)

        check_range(cols["lat"], cols["lat_ok"], -90.0, 90.0, "latitude", at("latitude range"))
        check_range(cols["lon"], cols["lon_ok"], -180.0, 180.0, "longitude", at("longitude range"))
        check_range(cols["alt"], cols["alt_known"], *ALT_FT, "altitude", at("altitude range"), "ft")
        check_range(
            cols["gs"], cols["gs_known"], *GS_KT, "ground speed", at("ground speed range"), "kt"
        )
        check_range(
            cols["track"], cols["track_known"], *TRACK_DEG, "track", at("track range"), "degrees"
        )
        check_range(
            cols["vrate"],
            cols["vrate_known"],
            *VRATE_FPM,
            "vertical rate",
            at("vertical rate range"),
            "ft/min",
        )
        offsets, offset_ok = cols["offsets"], cols["offset_ok"]
        cols["t"] = start + offsets
        bad_offset = offset_ok & ~np.isfinite(offsets)
        finite_at = at("finite time offset")
        for k in np.flatnonzero(bad_offset).tolist():
            finite_at(k, f"time offset {show(float(offsets[k]))} is not a finite number")
        if base_ok:
            time_at = at("time")
            check_times(
                cols["t"],
                offset_ok & ~bad_offset,
                lambda k, m: time_at(k, f"{m} (timestamp + time offset)"),
            )
        return cols

    def problems(self, room: int) -> tuple[list[tuple[int, str]], int]:
        """The first ``room`` problems in the checks' order, and how many more there are."""
        kept: list[tuple[int, str]] = []
        more = 0
        if not any(self.kept.values()) and not any(self.more.values()):
            return kept, more
        for check in _CHECKS:
            found = self.kept[check]
            take = max(0, min(len(found), room - len(kept)))
            kept.extend(found[:take])
            more += len(found) - take + self.more[check]
        return kept, more


@dataclass
class _Document:
    """What the reader takes of the top-level object: the last value of each key it reads
    (as :func:`json.loads` keeps the last of repeated keys)."""

    walker: _Walker
    values: dict[str, Any] = field(default_factory=dict)
    has_trace: bool = False
    points: _Points | None = None  # the ``trace`` array's, else its value is in ``values``

    def member(self, key: str, i: int) -> int:
        walker = self.walker
        if key == "trace":
            self.has_trace = True
            if walker.text.startswith("[", i):
                text = walker.text
                self.points = _Points(booleans="true" in text or "false" in text)
                self.values.pop(key, None)
                return walker.elements(i, self.points.add)
            self.points = None
        elif key not in ("icao", "r", "t", "timestamp"):
            return walker.skip(i)
        self.values[key], end = walker.value(i)
        return end


def _document(text: str, *, json_only: bool = False) -> _Document | None:
    """The top-level object as far as the reader needs it, ``None`` for JSON that is not an
    object; raises as :func:`json.loads` raises."""
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    walker = _Walker(text, json_only)
    i = _skip_ws(text, 0)
    doc: _Document | None = None
    try:
        if text.startswith("{", i):
            doc = _Document(walker)
            end = walker.members(i, doc.member)
        else:
            end = walker.skip(i)
    except _NotOrjson:
        del doc
        return _document(text, json_only=True)
    end = _skip_ws(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return doc


def read_readsb(text: str, problems: Collector) -> list[Trace]:
    """The trace in a readsb JSON document, or ``[]`` with its problems collected."""
    try:
        doc = _document(text)
    except json.JSONDecodeError as exc:
        problems.add(exc.lineno, "file", f"not valid JSON: {exc.msg} (column {exc.colno})")
        return []
    except RecursionError:
        problems.add(1, "file", "not valid JSON: arrays or objects nested too deeply")
        return []
    except ValueError:  # an integer with more digits than Python converts
        problems.add(1, "file", "not valid JSON: a number with thousands of digits")
        return []
    if doc is None or not doc.has_trace:
        problems.add(
            1,
            "file",
            "JSON, but not a readsb/tar1090 trace: expected an object with 'icao', "
            "'timestamp' and 'trace' (a trace_full_<hex>.json)",
        )
        return []

    found: list[tuple[str, int | None, str]] = []  # (column, point, message)

    def top(key: str, message: str) -> None:
        found.append((key, None, message))

    icao = doc.values.get("icao")
    if icao is None:
        top("icao", 'missing; the aircraft\'s 24-bit address in hex, like "a0b1c2"')
    elif not isinstance(icao, str) or not _HEX.fullmatch(icao):
        top("icao", f'{_json_text(icao)} is not a 24-bit address in hex (like "a0b1c2")')
    texts: dict[str, str] = {}
    for key in ("r", "t"):
        value = doc.values.get(key)
        if value is not None and not isinstance(value, str):
            top(key, f"{_json_text(value)} is not text")
        what = "registration" if key == "r" else "type"
        texts[key] = (
            check_text(value.strip(), what, partial(top, key)) if isinstance(value, str) else ""
        )
    base = doc.values.get("timestamp")
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
    points = doc.points
    if points is None:
        top("trace", f"{_json_text(doc.values.get('trace'))} is not an array of points {_ROW}")
        points = _Points()
    del doc
    cols = points.columns(start, base_ok)
    kept, more = points.problems(MAX_PROBLEMS - len(found))
    found.extend(("", k, message) for k, message in kept)

    if found:
        keys, lines = _where(text, {k for _, k, _ in found if k is not None})
        found.sort(key=lambda item: -1 if item[1] is None else item[1])  # stable: by point
        for column, number_k, message in found:
            if number_k is None:
                problems.add(keys.get(column, 1), column, message)
            else:
                problems.add(lines.get(number_k, 1), f"point {number_k}", message)
        problems.problems.dropped += more
        return []
    assert isinstance(icao, str)
    flags = cols["flags"]
    return [
        make_trace(
            problems.name,
            cols["t"],
            cols["lat"],
            cols["lon"],
            alt_ft=cols["alt"],
            on_ground=cols["ground"],
            gs_kt=cols["gs"],
            track_deg=cols["track"],
            vrate_fpm=cols["vrate"],
            new_leg=(flags & 2) != 0,
            stale=(flags & 1) != 0,
            callsign_code=cols["codes"],
            callsigns=list(points.names),
            format="readsb",
            icao24=icao,
            non_icao=icao.startswith("~"),
            registration=texts["r"],
            aircraft_type=texts["t"],
        )
    ]
