"""The lines of :mod:`geo.geometry` as the files write them: split at the antimeridian with a
time for every vertex, and their numbers and times turned into text in bulk.

A file of 26,000 flights holds about four million vertices; formatting each of them with a
``strftime`` or an f-string costs seconds. Here every vertex of a batch becomes a fixed-width
row of bytes built with numpy (digits by integer arithmetic, dates from a table of the few
distinct days), padding bytes are dropped in one pass, and each line is then one slice of
the result. The text is the same as the one-at-a-time formatting gives: times as
:func:`geo.timeline.iso_utc` writes them (``2025-03-13T22:54:00Z``, seconds truncated, a
four-digit year), degrees with at most six decimals and no trailing zeros.

The antimeridian rule is :func:`geo.geodesy.split_at_antimeridian`'s: a part ends on the
meridian (+180 or -180) and the next part starts on the opposite sign at the same, linearly
interpolated latitude. :func:`split_lines` applies it to whole batches and also gives each
meridian vertex its time, interpolated with the same fraction as its latitude, so that every
part has exactly as many times as vertices (tests/test_vertices.py checks the coordinates
equal :func:`~geo.geodesy.split_at_antimeridian`'s).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from geo.geometry import Lines

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ByteRows = npt.NDArray[np.uint8]
"""A ``(rows, width)`` array of bytes; zero bytes are padding, dropped by :func:`joined`."""

PAD = 0
_DAY_MS = 86_400_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


# ------------------------------------------------------------------ times


@lru_cache(maxsize=1)
def _clock_table() -> ByteRows:
    """``HH:MM:SS`` of every second of a day, as a ``(86400, 8)`` byte table."""
    second = np.arange(86_400, dtype=np.int64)
    fields = (second // 3600, second // 60 % 60, second % 60)
    table = np.empty((86_400, 8), dtype=np.uint8)
    for k, value in enumerate(fields):
        table[:, 3 * k] = 48 + value // 10
        table[:, 3 * k + 1] = 48 + value % 10
    table[:, 2] = table[:, 5] = ord(":")
    return table


def utc_rows(times_ms: npt.ArrayLike) -> ByteRows:
    """``YYYY-MM-DDTHH:MM:SSZ`` of each time (ms since the epoch) as ``(n, 20)`` bytes: what
    :func:`geo.timeline.iso_utc` writes, seconds truncated (floored, before 1970 too)."""
    ms = np.asarray(times_ms, dtype=np.int64).ravel()
    out = np.empty((ms.size, 20), dtype=np.uint8)
    if not ms.size:
        return out
    days, in_day = np.divmod(ms, _DAY_MS)
    first, last = int(days.min()), int(days.max())
    if last - first < 4 * days.size + 1024:  # a table of every day in the span
        unique = np.arange(first, last + 1, dtype=np.int64)
        which = days - first
    else:  # a sparse span (centuries apart): only the days that occur
        unique, which = np.unique(days, return_inverse=True)
    dates = np.frombuffer(
        "".join(
            f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
            for d in map(date.fromordinal, (_EPOCH_ORDINAL + unique).tolist())
        ).encode("ascii"),
        dtype=np.uint8,
    ).reshape(-1, 10)
    out[:, :10] = dates[which.ravel()]
    out[:, 10] = ord("T")
    out[:, 11:19] = _clock_table()[in_day // 1000]
    out[:, 19] = ord("Z")
    return out


def utc_texts(times_ms: npt.ArrayLike) -> list[str]:
    """:func:`utc_rows` as strings."""
    rows = utc_rows(times_ms)
    return [bytes(row).decode("ascii") for row in rows] if rows.size else []


# ------------------------------------------------------------------ numbers


@lru_cache(maxsize=1)
def _three_digits() -> tuple[ByteRows, npt.NDArray[np.int64]]:
    """``000`` … ``999`` as ``(1000, 3)`` bytes, and how many trailing zeros each has."""
    k = np.arange(1000, dtype=np.int64)
    table = np.stack([48 + k // 100, 48 + k // 10 % 10, 48 + k % 10], axis=1).astype(np.uint8)
    zeros = np.where(k % 10, 0, np.where(k % 100, 1, np.where(k, 2, 3))).astype(np.int64)
    return table, zeros


@lru_cache(maxsize=4)
def _whole_table(n_int: int) -> ByteRows:
    """Row ``2 * w + negative``: the integer part ``w`` (< 10**n_int) with its sign,
    right-aligned in ``n_int + 1`` bytes padded with :data:`PAD`."""
    rows = []
    for w in range(10**n_int):
        for negative in (False, True):
            text = ("-" if negative else "") + str(w)
            rows.append(bytes(n_int + 1 - len(text)) + text.encode("ascii"))
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(-1, n_int + 1)


def decimal_rows(values: npt.ArrayLike) -> ByteRows:
    """Each value rounded to six decimals, as text without trailing zeros (``38.895``,
    ``-77.036``, ``0``), right-aligned in ``(n, width)`` bytes padded with :data:`PAD`.

    For values below 10**6 in magnitude (degrees, kilometres).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    scaled = np.rint(v * 1e6).astype(np.int64)
    negative = scaled < 0
    whole, fraction = np.divmod(np.abs(scaled), 1_000_000)
    top = int(whole.max()) if v.size else 0
    if top >= 10**6:
        raise ValueError(f"{top} is too large for decimal_rows")
    n_int = len(str(top))
    digits, zeros = _three_digits()
    high, low = np.divmod(fraction, 1000)
    out = np.empty((v.size, n_int + 8), dtype=np.uint8)
    out[:, : n_int + 1] = _whole_table(n_int)[2 * whole + negative]
    out[:, n_int + 1] = ord(".")
    out[:, n_int + 2 : n_int + 5] = digits[high]
    out[:, n_int + 5 :] = digits[low]
    # trailing zeros of the fraction (and a bare point) become padding
    trailing = np.where(fraction == 0, 7, np.where(low > 0, zeros[low], 3 + zeros[high]))
    out[:, n_int + 1 :][np.arange(7) >= 7 - trailing[:, None]] = PAD
    return out


# ------------------------------------------------------------------ rows -> text


def constant(text: str, rows: int) -> ByteRows:
    """The same bytes on every row."""
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    return np.broadcast_to(data, (rows, data.size))


def joined(columns: Sequence[ByteRows], *, padded: bool = True) -> tuple[bytes, IntArray]:
    """The rows of ``columns`` side by side, padding dropped: the text of all rows one after
    another, and ``ends`` where each row's text ends (row ``i`` is
    ``text[ends[i - 1]:ends[i]]``, with ``ends[-1]`` taken as 0). ``padded=False`` for
    columns that hold no padding (times, constants): every row then has the same width."""
    if not columns:
        return b"", np.zeros(0, dtype=np.int64)
    table = np.concatenate([np.asarray(c, dtype=np.uint8) for c in columns], axis=1)
    if not padded:
        rows, width = table.shape
        return table.tobytes(), np.arange(1, rows + 1, dtype=np.int64) * width
    kept = table != PAD
    ends = np.cumsum(np.count_nonzero(kept, axis=1))
    return table[kept].tobytes(), ends.astype(np.int64)


@dataclass(frozen=True, slots=True)
class RowText:
    """Rows of text and where each ends: row ``i`` is ``text[start(i):ends[i]]``."""

    text: bytes
    ends: IntArray

    @classmethod
    def of(cls, columns: Sequence[ByteRows], *, padded: bool = True) -> RowText:
        text, ends = joined(columns, padded=padded)
        return cls(text, ends)

    def span(self, first: int, stop: int, *, trim: int = 0) -> bytes:
        """Rows ``first .. stop - 1`` as one text, without the last ``trim`` bytes."""
        a = int(self.ends[first - 1]) if first > 0 else 0
        b = int(self.ends[stop - 1]) if stop > 0 else 0
        return self.text[a : b - trim] if b > a else b""


# ------------------------------------------------------------------ the antimeridian


@dataclass(frozen=True, slots=True)
class Parts:
    """Lines split at the antimeridian: line ``j`` is parts ``line_parts[j] ..
    line_parts[j + 1] - 1``, part ``p`` vertices ``part_vertices[p] .. part_vertices[p + 1] -
    1``. Longitudes in [-180, 180]; ``times_ms`` one per vertex (tracks) or None (arcs)."""

    line_parts: IntArray
    part_vertices: IntArray
    lons: FloatArray
    lats: FloatArray
    times_ms: IntArray | None

    def parts_of(self, j: int) -> range:
        return range(int(self.line_parts[j]), int(self.line_parts[j + 1]))

    def vertices_of(self, p: int) -> tuple[int, int]:
        return int(self.part_vertices[p]), int(self.part_vertices[p + 1])

    def line_vertices(self, j: int) -> tuple[int, int]:
        """The first vertex of line ``j`` and the one after its last (all its parts)."""
        return int(self.part_vertices[self.line_parts[j]]), int(
            self.part_vertices[self.line_parts[j + 1]]
        )


def _first_offset(x0: float, nxt: float) -> float:
    """The multiple of 360 that maps a line's first longitude into [-180, 180] (the rule of
    :func:`geo.geodesy.split_at_antimeridian`, ties towards where the line goes)."""
    offset = 360.0 * math.floor((x0 + 180.0) / 360.0)
    if x0 - offset < -180.0:
        offset -= 360.0
    if x0 - offset == -180.0 and nxt < x0:
        offset -= 360.0
    return offset


def split_line(
    lons: Sequence[float], lats: Sequence[float], times: Sequence[float] | None
) -> list[tuple[list[float], list[float], list[float] | None]]:
    """One unwrapped line split as :func:`geo.geodesy.split_at_antimeridian` splits it, each
    meridian vertex with its interpolated time: ``[(lons, lats, times), …]`` per part."""
    if not lons:
        return []
    x0 = float(lons[0])
    nxt = next((float(x) for x in lons[1:] if x != x0), x0)
    offset = _first_offset(x0, nxt)
    have_times = times is not None
    ts = [float(t) for t in times] if times is not None else [0.0] * len(lons)
    parts: list[tuple[list[float], list[float], list[float]]] = []
    cur: tuple[list[float], list[float], list[float]] = ([x0 - offset], [float(lats[0])], [ts[0]])
    for i in range(1, len(lons)):
        px, py, pt = float(lons[i - 1]), float(lats[i - 1]), ts[i - 1]
        x, y, t_now = float(lons[i]), float(lats[i]), ts[i]
        while not -180.0 <= x - offset <= 180.0:
            east = x - offset > 180.0
            boundary = offset + (180.0 if east else -180.0)
            f = (boundary - px) / (x - px)
            lat_b = py + f * (y - py)
            time_b = pt + f * (t_now - pt)
            edge = 180.0 if east else -180.0
            if (cur[0][-1], cur[1][-1]) != (edge, lat_b):
                cur[0].append(edge)
                cur[1].append(lat_b)
                cur[2].append(time_b)
            parts.append(cur)
            offset += 360.0 if east else -360.0
            cur = ([-edge], [lat_b], [time_b])
        cur[0].append(x - offset)
        cur[1].append(y)
        cur[2].append(t_now)
    parts.append(cur)
    return [(a, b, c if have_times else None) for a, b, c in parts if len(a) >= 2]


def split_lines(lines: Lines) -> Parts:
    """Every line of ``lines`` split at the antimeridian (see the module docstring).

    A line that stays on one side (nearly all) is shifted by its first vertex's multiple of
    360 in one vectorized step; only lines that cross go through :func:`split_line`.
    """
    offsets = lines.offsets
    n = len(lines)
    counts = np.diff(offsets)
    if not n or not lines.lons.size:
        empty = np.zeros(0, dtype=np.int64)
        return Parts(np.zeros(n + 1, dtype=np.int64), np.zeros(1, dtype=np.int64),
                     np.zeros(0), np.zeros(0), None if lines.times_ms is None else empty)
    first = offsets[:-1]
    x0 = lines.lons[first]
    shift = 360.0 * np.floor((x0 + 180.0) / 360.0)
    line = np.repeat(np.arange(n), counts)
    shifted = lines.lons - shift[line]
    outside = (shifted < -180.0) | (shifted > 180.0)
    bad = np.bincount(line[outside], minlength=n) > 0
    bad |= (x0 - shift) <= -180.0  # a first vertex on (or rounded past) the meridian
    if not bad.any():
        one = np.arange(n + 1, dtype=np.int64)
        return Parts(one, offsets.astype(np.int64), shifted, lines.lats, lines.times_ms)
    lon_pieces: list[FloatArray] = []
    lat_pieces: list[FloatArray] = []
    time_pieces: list[IntArray] = []
    part_counts: list[int] = []
    parts_per_line = np.ones(n, dtype=np.int64)
    start = 0
    for j in np.flatnonzero(bad).tolist():
        if j > start:  # the run of good lines before j, as they are
            a, b = int(offsets[start]), int(offsets[j])
            lon_pieces.append(shifted[a:b])
            lat_pieces.append(lines.lats[a:b])
            if lines.times_ms is not None:
                time_pieces.append(lines.times_ms[a:b])
            part_counts.extend(counts[start:j].tolist())
        a, b = int(offsets[j]), int(offsets[j + 1])
        times = None if lines.times_ms is None else lines.times_ms[a:b].tolist()
        parts = split_line(lines.lons[a:b].tolist(), lines.lats[a:b].tolist(), times)
        parts_per_line[j] = len(parts)
        for p_lons, p_lats, p_times in parts:
            lon_pieces.append(np.asarray(p_lons, dtype=np.float64))
            lat_pieces.append(np.asarray(p_lats, dtype=np.float64))
            if p_times is not None:
                time_pieces.append(np.rint(np.asarray(p_times)).astype(np.int64))
            part_counts.append(len(p_lons))
        start = j + 1
    if start < n:
        a = int(offsets[start])
        lon_pieces.append(shifted[a:])
        lat_pieces.append(lines.lats[a:])
        if lines.times_ms is not None:
            time_pieces.append(lines.times_ms[a:])
        part_counts.extend(counts[start:].tolist())
    line_parts = np.concatenate([[0], np.cumsum(parts_per_line)]).astype(np.int64)
    part_vertices = np.concatenate([[0], np.cumsum(part_counts, dtype=np.int64)]).astype(np.int64)
    return Parts(
        line_parts,
        part_vertices,
        np.concatenate(lon_pieces) if lon_pieces else np.zeros(0),
        np.concatenate(lat_pieces) if lat_pieces else np.zeros(0),
        None if lines.times_ms is None else (
            np.concatenate(time_pieces) if time_pieces else np.zeros(0, dtype=np.int64)
        ),
    )


def normalized_lons(lons: FloatArray) -> FloatArray:
    """Longitudes in [-180, 180) (one position each, as a gx:Track or a marker wants)."""
    out: FloatArray = np.mod(lons + 180.0, 360.0) - 180.0
    return out
