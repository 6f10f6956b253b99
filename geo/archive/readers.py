"""One unit's bytes -> positions (an Arrow table in the store's schema), problems as text.

* readsb/tar1090 traces, Flightradar24 CSVs, KML and CSVs of fixes are read by
  :func:`geo.tracks.read_track_bytes` (the ``--tracks`` readers: one home for their rules,
  the vertical rate included, :attr:`geo.tracks.Trace.vrate_fpm`).
* OpenSky state vectors (a CSV whose header starts ``time,icao24``) are read here: SI units
  converted to ft, kt and ft/min; rows without a position skipped, as OpenSky writes them.

Nothing raises for bad input: a unit that cannot be read adds ``INPUT:MEMBER: problem``
lines and gives ``None``.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from geo.archive.inputs import Unit, read_unit
from geo.archive.schema import POSITION_SCHEMA, cell_of
from geo.model import Problem
from geo.tracks import Trace, read_track_bytes

__all__ = ["FT_PER_M", "KT_PER_MPS", "OPENSKY_COLUMNS", "read_positions"]

FT_PER_M = 1.0 / 0.3048
KT_PER_MPS = 3600.0 / 1852.0
FPM_PER_MPS = 60.0 / 0.3048
OPENSKY_COLUMNS = (
    "time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign",
    "onground", "alert", "spi", "squawk", "baroaltitude", "geoaltitude", "lastposupdate",
    "lastcontact",
)  # fmt: skip
_OPENSKY_NEEDED = ("time", "icao24", "lat", "lon")
_HEX = re.compile(r"^~?[0-9a-f]{6}$")
_GZIP = b"\x1f\x8b"
_MAX_INFLATED = 8 << 30


def _gunzip(data: bytes) -> bytes:
    """Every gzip member, one after another (raises ``ValueError`` on bad data)."""
    out: list[bytes] = []
    rest = data
    total = 0
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        try:
            chunk = inflater.decompress(rest)
        except zlib.error as exc:
            raise ValueError(f"not valid gzip data ({exc})") from None
        total += len(chunk)
        if total > _MAX_INFLATED:
            raise ValueError("gzip data inflates to more than 8 GiB")
        out.append(chunk)
        if not inflater.eof:
            raise ValueError("gzip data is truncated (the file ends before the stream does)")
        rest = inflater.unused_data.lstrip(b"\x00")
        if rest and not rest.startswith(_GZIP):
            raise ValueError("bytes after the end of the gzip data")
    return b"".join(out)


def _masked_int32(values: npt.NDArray[np.float64]) -> pa.Array:
    known = np.isfinite(values)
    return pa.array(np.where(known, np.round(values), 0).astype(np.int32), mask=~known)


def _masked_float32(values: npt.NDArray[np.float64]) -> pa.Array:
    known = np.isfinite(values)
    return pa.array(values.astype(np.float32), mask=~known)


_Strings: TypeAlias = list[str] | list[str | None] | npt.NDArray[np.object_] | pa.Array


def _strings(values: _Strings) -> pa.Array:
    if isinstance(values, pa.Array):
        return values
    return pa.array(values, type=pa.string())


def _repeated(value: str | None, n: int) -> pa.Array:
    """``value`` ``n`` times as a string column (null for ``None``), without ``n`` objects."""
    if value is None:
        return pa.nulls(n, pa.string())
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _table(
    source: str,
    t: npt.NDArray[np.float64],
    icao24: _Strings,
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    *,
    alt_ft: npt.NDArray[np.float64],
    on_ground: npt.NDArray[np.bool_],
    gs_kt: npt.NDArray[np.float64],
    track_deg: npt.NDArray[np.float64],
    vrate_fpm: npt.NDArray[np.float64],
    callsign: _Strings,
    registration: _Strings,
    aircraft_type: _Strings,
    new_leg: npt.NDArray[np.bool_],
) -> pa.Table:
    n = int(t.shape[0])
    lat_udeg = np.round(lat * 1e6).astype(np.int32)
    lon_udeg = np.round(lon * 1e6).astype(np.int32)
    alt = np.where(on_ground, np.nan, alt_ft)
    columns = [
        pa.array(np.floor(t).astype(np.int64)),
        _strings(icao24),
        pa.array(lat_udeg),
        pa.array(lon_udeg),
        _masked_int32(alt),
        pa.array(on_ground.astype(np.bool_)),
        _masked_float32(gs_kt),
        _masked_float32(track_deg),
        _masked_int32(vrate_fpm),
        _strings(callsign),
        _strings(registration),
        _strings(aircraft_type),
        pa.array(new_leg.astype(np.bool_)),
        pa.array(cell_of(lat_udeg, lon_udeg)),
        pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, dtype=np.int32)), pa.array([source], type=pa.string())
        ),
    ]
    return pa.Table.from_arrays(columns, schema=POSITION_SCHEMA)


def _from_trace(source: str, trace: Trace, vrate: npt.NDArray[np.float64] | None) -> pa.Table:
    n = len(trace)
    names = np.array([*trace.callsigns, None], dtype=object)
    codes = np.where(trace.callsign_code >= 0, trace.callsign_code, len(trace.callsigns))
    icao = ("~" if trace.non_icao else "") + trace.icao24
    return _table(
        source,
        trace.t,
        _repeated(icao, n),
        trace.lat,
        trace.lon,
        alt_ft=trace.alt_ft,
        on_ground=trace.on_ground,
        gs_kt=trace.gs_kt,
        track_deg=trace.track_deg,
        vrate_fpm=vrate if vrate is not None else np.full(n, np.nan),
        callsign=names[codes],
        registration=_repeated(trace.registration or None, n),
        aircraft_type=_repeated(trace.aircraft_type or None, n),
        new_leg=trace.new_leg,
    )


def _opensky(data: bytes, unit: Unit, problems: list[str]) -> pa.Table | None:
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype={"icao24": str, "callsign": str, "onground": str, "squawk": str},
            keep_default_na=True,
        )
    except (ValueError, pd.errors.ParserError) as exc:
        problems.append(f"{unit.label}: not a readable OpenSky CSV: {exc}")
        return None
    missing = [c for c in _OPENSKY_NEEDED if c not in frame.columns]
    if missing:
        problems.append(f"{unit.label}: OpenSky CSV without column(s) {', '.join(missing)}")
        return None

    def number(name: str) -> npt.NDArray[np.float64]:
        if name not in frame.columns:
            return np.full(len(frame), np.nan)
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)

    t = number("lastposupdate")
    t = np.where(np.isfinite(t), t, number("time"))
    lat, lon = number("lat"), number("lon")
    icao = frame["icao24"].fillna("").str.strip().str.lower().to_numpy(dtype=object)
    placed = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon)
    valid = (
        placed
        & (np.abs(lat) <= 90)
        & (np.abs(lon) <= 180)
        & (t > 631152000)  # 1990
        & (t < 4102444800)  # 2100
        & np.array([bool(_HEX.match(h)) for h in icao], dtype=np.bool_)
    )
    bad = int(np.count_nonzero(placed & ~valid))
    if bad:
        problems.append(
            f"{unit.label}: {bad:,} row{'s' if bad != 1 else ''} with an invalid time, position "
            "or icao24 skipped"
        )
    ground = (
        frame["onground"].fillna("").str.strip().str.lower().isin(("true", "1")).to_numpy()
        if "onground" in frame.columns
        else np.zeros(len(frame), dtype=np.bool_)
    )
    callsign = (
        frame["callsign"]
        .fillna("")
        .str.strip()
        .str.upper()
        .replace("", None)
        .to_numpy(dtype=object)
        if "callsign" in frame.columns
        else np.full(len(frame), None, dtype=object)
    )
    keep = np.flatnonzero(valid)
    # OpenSky repeats a state every 10 s with the same lastposupdate: one fix per instant
    seen = pd.DataFrame({"i": icao[keep], "t": np.floor(t[keep])}).duplicated().to_numpy()
    keep = keep[~seen]
    n = int(keep.shape[0])
    return _table(
        unit.input,
        t[keep],
        icao[keep],
        lat[keep],
        lon[keep],
        alt_ft=number("baroaltitude")[keep] * FT_PER_M,
        on_ground=ground[keep],
        gs_kt=number("velocity")[keep] * KT_PER_MPS,
        track_deg=number("heading")[keep],
        vrate_fpm=number("vertrate")[keep] * FPM_PER_MPS,
        callsign=callsign[keep],
        registration=np.full(n, None, dtype=object),
        aircraft_type=np.full(n, None, dtype=object),
        new_leg=np.zeros(n, dtype=np.bool_),
    )


def read_positions(unit: Unit, problems: list[str]) -> pa.Table | None:
    """The positions in one unit, or ``None`` (its problems appended to ``problems``)."""
    try:
        data = read_unit(unit)
    except OSError as exc:
        problems.append(f"{unit.label}: cannot read: {exc.strerror or exc}")
        return None
    if data.startswith(_GZIP):
        try:
            data = _gunzip(data)
        except ValueError as exc:
            problems.append(f"{unit.label}: {exc}")
            return None
    body = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if body.startswith(b"time,icao24"):
        return _opensky(data, unit, problems)
    found: list[Problem] = []
    traces = read_track_bytes(data, unit.label, found)
    problems.extend(str(p) for p in found)
    if found:
        return None
    tables: list[pa.Table] = []
    for trace in traces:
        if not trace.icao24:
            problems.append(
                f"{unit.label}: a track of {trace.identity} has no icao24 (ICAO address); "
                "the archive keys aircraft by it, so it was left out"
            )
            continue
        if not len(trace):
            continue
        tables.append(_from_trace(unit.input, trace, trace.vrate_fpm))
    if not tables:
        return None
    return pa.concat_tables(tables)
