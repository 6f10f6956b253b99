"""Make a :class:`~geo.tracks.model.Trace` from arrays of fixes: the one constructor every
reader (and any later source) goes through, so every trace obeys the same invariants.

* Times are rounded to the millisecond (readsb writes an offset from a base timestamp; the
  sum must compare equal for equal instants).
* Fixes are sorted by time (stable). ``reordered`` counts the fixes that came after a
  later fix in the input.
* Fixes with the same time are merged into one: the first in input order, its unknown
  altitude, speed and track filled from the others; a new-leg flag on any of them is kept.
  ``duplicates`` counts the fixes merged away.
* Outliers are flagged (:func:`geo.tracks.outliers.flag_outliers`).

The values are trusted: validating them (ranges, types) is the reader's job, where the
file and line of a bad value are known.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from geo.tracks.model import BoolArray, FloatArray, Trace
from geo.tracks.outliers import outliers_and_jumps

__all__ = ["callsign_codes", "make_trace"]


def callsign_codes(
    per_fix: Sequence[str | None], rows: Sequence[int]
) -> tuple[npt.NDArray[np.int32], list[str]]:
    """The ``callsign_code`` and ``callsigns`` of :func:`make_trace` for the fixes ``rows``
    of a reader's columns: each distinct callsign once, in first-seen order; -1 for none."""
    names: dict[str, int] = {}
    codes = np.array(
        [names.setdefault(c, len(names)) if (c := per_fix[k]) else -1 for k in rows],
        dtype=np.int32,
    )
    return codes, list(names)


def _floats(values: npt.ArrayLike | None, n: int, name: str) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    out = np.array(values, dtype=np.float64).ravel()
    if out.shape[0] != n:
        raise ValueError(f"{name} has {out.shape[0]} values for {n} fixes")
    return out


def _bools(values: npt.ArrayLike | None, n: int, name: str) -> BoolArray:
    if values is None:
        return np.zeros(n, dtype=np.bool_)
    out = np.array(values, dtype=np.bool_).ravel()
    if out.shape[0] != n:
        raise ValueError(f"{name} has {out.shape[0]} values for {n} fixes")
    return out


def _first_known(values: FloatArray, starts: npt.NDArray[np.intp]) -> FloatArray:
    """Per group (``starts`` of contiguous groups), the first value that is not NaN."""
    n = values.shape[0]
    where = np.where(np.isnan(values), n, np.arange(n))
    first = np.minimum.reduceat(where, starts)
    out = np.full(starts.shape[0], np.nan)
    found = first < n
    out[found] = values[first[found]]
    return out


def _most_frequent(codes: npt.NDArray[np.int32], names: Sequence[str]) -> str:
    known = codes[codes >= 0]
    if not known.size or not names:
        return ""
    return names[int(np.argmax(np.bincount(known, minlength=len(names))))]


def make_trace(
    source: str,
    t: npt.ArrayLike,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    *,
    alt_ft: npt.ArrayLike | None = None,
    on_ground: npt.ArrayLike | None = None,
    gs_kt: npt.ArrayLike | None = None,
    track_deg: npt.ArrayLike | None = None,
    new_leg: npt.ArrayLike | None = None,
    stale: npt.ArrayLike | None = None,
    callsign_code: npt.ArrayLike | None = None,
    callsigns: Sequence[str] = (),
    format: str = "",
    icao24: str = "",
    non_icao: bool = False,
    registration: str = "",
    callsign: str = "",
    aircraft_type: str = "",
    vrate_fpm: npt.ArrayLike | None = None,
) -> Trace:
    """A trace from per-fix arrays (any order, duplicates allowed); see the module doc.

    ``alt_ft``, ``gs_kt``, ``track_deg``, ``vrate_fpm`` (vertical rate, ft/min): NaN where
    unknown (None: all unknown; a trace made without ``vrate_fpm`` has none).
    ``callsign_code``: per fix an index into ``callsigns``, -1 for none. ``callsign``
    defaults to the most frequent one. Raises ``ValueError`` when array lengths differ (a
    programming error, not bad input).
    """
    t_arr = np.round(np.array(t, dtype=np.float64).ravel() * 1000.0) / 1000.0
    n = int(t_arr.shape[0])
    columns = {
        "lat": _floats(lat, n, "lat"),
        "lon": _floats(lon, n, "lon"),
        "alt_ft": _floats(alt_ft, n, "alt_ft"),
        "gs_kt": _floats(gs_kt, n, "gs_kt"),
        "track_deg": _floats(track_deg, n, "track_deg") % 360.0,
    }
    if vrate_fpm is not None:
        columns["vrate_fpm"] = _floats(vrate_fpm, n, "vrate_fpm")
    flags = {
        "on_ground": _bools(on_ground, n, "on_ground"),
        "new_leg": _bools(new_leg, n, "new_leg"),
        "stale": _bools(stale, n, "stale"),
    }
    codes = (
        np.full(n, -1, dtype=np.int32)
        if callsign_code is None
        else np.array(callsign_code, dtype=np.int32).ravel()
    )
    if codes.shape[0] != n:
        raise ValueError(f"callsign_code has {codes.shape[0]} values for {n} fixes")
    if codes.size and int(codes.max(initial=-1)) >= len(callsigns):
        raise ValueError("callsign_code refers past the end of callsigns")

    reordered = 0
    if n > 1 and bool(np.any(t_arr[1:] < t_arr[:-1])):
        running_max = np.maximum.accumulate(t_arr)
        reordered = int(np.count_nonzero(t_arr[1:] < running_max[:-1]))
        order = np.argsort(t_arr, kind="stable")
        t_arr = t_arr[order]
        columns = {k: v[order] for k, v in columns.items()}
        flags = {k: v[order] for k, v in flags.items()}
        codes = codes[order]

    duplicates = 0
    if n > 1:
        same = t_arr[1:] == t_arr[:-1]
        duplicates = int(np.count_nonzero(same))
        if duplicates:
            starts = np.flatnonzero(np.concatenate([[True], ~same]))
            t_arr = t_arr[starts]
            for key in ("alt_ft", "gs_kt", "track_deg", "vrate_fpm"):
                if key in columns:
                    columns[key] = _first_known(columns[key], starts)
            for key in ("lat", "lon"):
                columns[key] = columns[key][starts]
            flags["new_leg"] = np.logical_or.reduceat(flags["new_leg"], starts)
            flags["on_ground"] = flags["on_ground"][starts]
            flags["stale"] = flags["stale"][starts]
            where = np.where(codes < 0, n, np.arange(n))
            first = np.minimum.reduceat(where, starts)
            codes = np.where(first < n, codes[np.minimum(first, n - 1)], -1).astype(np.int32)

    outlier, jumps = outliers_and_jumps(t_arr, columns["lat"], columns["lon"])
    arrays: list[npt.NDArray[np.generic]] = [
        t_arr,
        *columns.values(),
        *flags.values(),
        outlier,
        codes,
    ]
    for array in arrays:
        array.flags.writeable = False
    names = tuple(name.strip().upper() for name in callsigns)
    return Trace(
        source=source,
        format=format,
        icao24=icao24.strip().lstrip("~").lower(),
        non_icao=non_icao,
        registration=registration.strip().upper(),
        callsign=(callsign.strip().upper() or _most_frequent(codes, names)),
        aircraft_type=aircraft_type.strip().upper(),
        t=t_arr,
        lat=columns["lat"],
        lon=columns["lon"],
        alt_ft=columns["alt_ft"],
        on_ground=flags["on_ground"],
        gs_kt=columns["gs_kt"],
        track_deg=columns["track_deg"],
        new_leg=flags["new_leg"],
        stale=flags["stale"],
        outlier=outlier,
        callsign_code=codes,
        callsigns=names,
        duplicates=duplicates,
        reordered=reordered,
        vrate_fpm=columns.get("vrate_fpm"),
        jumps=jumps,
    )
