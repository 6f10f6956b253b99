"""A small *synthetic* archive store of the flight night around VKO and GYD (13–14 March
2025), so ``python -m geo match --event flight-vko-gyd-2025-03-14`` answers on a fresh
install. It is generated, not recorded: every file says so (``archive.json``'s
``synthetic``, the legs' ``synthetic`` column, every output of the matcher).

:func:`write_store` writes any list of :class:`FlightSpec` in the store layout of
docs/archive.md (the tests build their archives with it from a written specification);
:func:`demo_store` builds the demo once into the user's cache folder
(``$XDG_CACHE_HOME/geo/demo-archive-v2``, written to a temporary folder and renamed into
place) and returns its path.

The night (UTC): N103WG (``a0b1c2``, GLF6) UUWW 22:58 -> UBBB 01:27 with a 20-minute
coverage gap over the Caspian; decoys: N650GD, another GLF6 on the same route an hour later;
AHY028 landing at GYD at the same time from Istanbul; SU1120 leaving VKO at the same minute
for Sochi; N887WM leaving VKO at 01:54 UTC (the reported clock time read as UTC) for GYD;
and background traffic at both airports.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Geod

__all__ = ["DEMO_FLIGHTS", "DEMO_VERSION", "FlightSpec", "demo_store", "write_store"]

DEMO_VERSION = 2  # 2: the legs index places each leg's largest gap
GLOBE = "synthetic-globe_history"
STEP_S = 30
CLIMB_FPM = 2500.0
CRUISE_FT = 39000.0
TAXI_S = 300
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class FlightSpec:
    """One generated flight: who, from where to where (ICAO), takeoff and landing (aware
    UTC), coverage gaps as ``(start, end)`` UTC, the source file name, and whether the
    takeoff and landing were seen (a flight first seen at cruise has neither fixes on the
    ground nor a takeoff airport)."""

    icao24: str
    registration: str
    type: str
    callsign: str
    origin: str
    destination: str
    takeoff: datetime
    landing: datetime
    gaps: tuple[tuple[datetime, datetime], ...] = ()
    source: str = GLOBE
    takeoff_seen: bool = True
    landing_seen: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _airport(code: str) -> tuple[float, float, float]:
    from geo.places import _airportsdata  # loaded once

    row = _airportsdata("ICAO")[code]
    return float(row["lat"]), float(row["lon"]), float(row.get("elevation") or 0.0)


def _fixes(spec: FlightSpec) -> pd.DataFrame:
    """The flight's fixes every 30 s: taxi on the ground, climb, cruise, descent, taxi."""
    lat0, lon0, el0 = _airport(spec.origin)
    lat1, lon1, el1 = _airport(spec.destination)
    t0, t1 = int(spec.takeoff.timestamp()), int(spec.landing.timestamp())
    times = np.arange(t0 - TAXI_S, t1 + TAXI_S + 1, STEP_S, dtype=np.int64)
    frac = np.clip((times - t0) / max(t1 - t0, 1), 0.0, 1.0)
    az, _, dist = _GEOD.inv(lon0, lat0, lon1, lat1)
    lon, lat, _ = _GEOD.fwd(np.full(len(times), lon0), np.full(len(times), lat0),
                            np.full(len(times), az), frac * dist)
    up = (times - t0) / 60.0 * CLIMB_FPM + el0
    down = (t1 - times) / 60.0 * CLIMB_FPM + el1
    alt = np.minimum(np.minimum(up, down), CRUISE_FT)
    ground = (times < t0) | (times > t1)
    alt = np.where(ground, np.nan, alt)
    gs = np.where(ground, 12.0, np.minimum(160 + (alt / CRUISE_FT) * 330, 490))
    keep = np.ones(len(times), dtype=bool)
    for a, b in spec.gaps:
        keep &= ~((times > a.timestamp()) & (times < b.timestamp()))
    if not spec.takeoff_seen:
        keep &= times >= t0 + 240
    if not spec.landing_seen:
        keep &= times <= t1 - 240
    track = np.full(len(times), (az + 360.0) % 360.0)
    frame = pd.DataFrame({
        "time_s": times, "icao24": spec.icao24,
        "lat_udeg": np.round(np.asarray(lat) * 1e6).astype(np.int32),
        "lon_udeg": np.round(np.asarray(lon) * 1e6).astype(np.int32),
        "alt_baro_ft": pd.array(np.round(alt).tolist(), dtype="Int32"),
        "on_ground": ground, "gs_kt": gs.astype(np.float32),
        "track_deg": track.astype(np.float32),
        "vrate_fpm": pd.array([0] * len(times), dtype="Int32"),
        "callsign": spec.callsign, "registration": spec.registration, "type": spec.type,
        "new_leg": np.zeros(len(times), dtype=bool), "source": spec.source,
    })
    frame = frame[keep].reset_index(drop=True)
    frame["cell"] = (((np.floor(frame["lat_udeg"] / 1e6) + 90) * 360
                      + (np.floor(frame["lon_udeg"] / 1e6) + 180)).astype(np.int32))
    return frame


def _readsb_docs(spec: FlightSpec, fixes: pd.DataFrame) -> dict[str, bytes]:
    """``YYYY/MM/DD/traces/xx/trace_full_<hex>.json`` (gzip) per UTC day: readsb's layout,
    a flight across midnight split over two day files as readsb splits it."""
    out: dict[str, bytes] = {}
    days = pd.to_datetime(fixes["time_s"], unit="s", utc=True).dt.strftime("%Y/%m/%d")
    for day, part in fixes.groupby(days.to_numpy()):
        t = part["time_s"].to_numpy(dtype=np.int64)
        lat = part["lat_udeg"].to_numpy(dtype=np.int64) / 1e6
        lon = part["lon_udeg"].to_numpy(dtype=np.int64) / 1e6
        ground = part["on_ground"].to_numpy(dtype=bool)
        alt = part["alt_baro_ft"].to_numpy(dtype=np.float64, na_value=np.nan)
        gs = part["gs_kt"].to_numpy(dtype=np.float64)
        track = part["track_deg"].to_numpy(dtype=np.float64)
        base = int(t[0])
        rows: list[list[object]] = []
        for k in range(len(t)):
            rows.append([
                int(t[k]) - base, float(lat[k]), float(lon[k]),
                "ground" if ground[k] else int(alt[k]),
                round(float(gs[k]), 1), round(float(track[k]), 1), 0, 0,
                {"flight": f"{spec.callsign:<8}"} if k % 10 == 0 else None, "adsb_icao",
                None, None, None, None,
            ])
        doc = {"icao": spec.icao24, "r": spec.registration, "t": spec.type,
               "desc": "SYNTHETIC: generated by geo.match.demo, not an ADS-B recording",
               "timestamp": base, "trace": rows}
        name = f"{day}/traces/{spec.icao24[-2:]}/trace_full_{spec.icao24}.json"
        out[name] = gzip.compress(json.dumps(doc).encode(), mtime=0)
    return out


OPENSKY_HEADER = (
    "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
    "baroaltitude,geoaltitude,lastposupdate,lastcontact"
)


def _opensky_lines(spec: FlightSpec, fixes: pd.DataFrame) -> list[str]:
    """OpenSky state vectors (SI units) for the fixes."""
    lines = []
    t = fixes["time_s"].to_numpy(dtype=np.int64)
    lat = fixes["lat_udeg"].to_numpy(dtype=np.int64) / 1e6
    lon = fixes["lon_udeg"].to_numpy(dtype=np.int64) / 1e6
    ground = fixes["on_ground"].to_numpy(dtype=bool)
    alt = fixes["alt_baro_ft"].to_numpy(dtype=np.float64, na_value=np.nan)
    gs = fixes["gs_kt"].to_numpy(dtype=np.float64)
    track = fixes["track_deg"].to_numpy(dtype=np.float64)
    for k in range(len(t)):
        alt_m = "" if ground[k] else f"{alt[k] * 0.3048:.2f}"
        lines.append(
            f"{t[k]},{spec.icao24},{lat[k]},{lon[k]},{gs[k] * 1852 / 3600:.4f},"
            f"{track[k]:.1f},0.0,{spec.callsign:<8},{'True' if ground[k] else 'False'},"
            f"False,False,1000,{alt_m},{alt_m},{t[k]}.0,{t[k]}.0"
        )
    return lines


def write_sources(folder: str | Path, flights: Sequence[FlightSpec]) -> list[Path]:
    """The flights as the files an archive is built from: a readsb ``globe_history`` folder
    (:data:`GLOBE`) for every flight whose ``source`` is not an OpenSky file, and one
    OpenSky state-vector CSV per ``source`` named ``states_….csv``."""
    root = Path(folder)
    globe = root / GLOBE
    opensky: dict[str, list[str]] = {}
    for spec in flights:
        fixes = _fixes(spec)
        if spec.source.startswith("states_"):
            opensky.setdefault(spec.source, []).extend(_opensky_lines(spec, fixes))
            continue
        for name, data in _readsb_docs(spec, fixes).items():
            path = globe / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    out = [globe] if globe.exists() else []
    for name, lines in sorted(opensky.items()):
        path = root / name
        path.write_text("\n".join([OPENSKY_HEADER, *lines]) + "\n", encoding="utf-8")
        out.append(path)
    return out


def write_store(out: str | Path, flights: Sequence[FlightSpec], *, synthetic: bool = True
                ) -> Path:
    """Build an archive store of ``flights`` at ``out`` with :func:`geo.archive.build_store`
    (the archive's own leg rules), from the files :func:`write_sources` writes."""
    from geo.archive import build_store

    root = Path(out)
    root.parent.mkdir(parents=True, exist_ok=True)
    sources = Path(tempfile.mkdtemp(prefix=".sources-", dir=root.parent))
    try:
        report = build_store(write_sources(sources, flights), root, synthetic=synthetic)
    finally:
        shutil.rmtree(sources, ignore_errors=True)
    if report.problems:
        raise RuntimeError("; ".join(report.problems))
    return root


def _spec(icao: str, reg: str, typ: str, call: str, o: str, d: str, up: str, down: str,
          **kw: object) -> FlightSpec:
    return FlightSpec(icao, reg, typ, call, o, d, _utc(up), _utc(down), **kw)  # type: ignore[arg-type]


DEMO_FLIGHTS: tuple[FlightSpec, ...] = (
    # the reported flight's aircraft, with a coverage gap over the Caspian
    _spec("a0b1c2", "N103WG", "GLF6", "N103WG", "UUWW", "UBBB",
          "2025-03-13T22:58:10Z", "2025-03-14T01:27:40Z",
          gaps=((_utc("2025-03-14T00:45:00Z"), _utc("2025-03-14T01:05:00Z")),)),
    # same type, same route, an hour later
    _spec("a8c3d1", "N650GD", "GLF6", "N650GD", "UUWW", "UBBB",
          "2025-03-13T23:58:00Z", "2025-03-14T02:28:00Z"),
    # lands at GYD at the same time, from Istanbul
    _spec("600a1c", "4K-AZ81", "A320", "AHY028", "LTFM", "UBBB",
          "2025-03-13T22:20:00Z", "2025-03-14T01:28:00Z"),
    # leaves VKO at the same minute, for Sochi
    _spec("152ba4", "RA-89050", "SU95", "SU1120", "UUWW", "URSS",
          "2025-03-13T22:58:00Z", "2025-03-14T01:02:00Z"),
    # leaves VKO at 01:54 UTC: the reported clock time read as UTC
    _spec("ac82ec", "N887WM", "GLF5", "N887WM", "UUWW", "UBBB",
          "2025-03-14T01:54:00Z", "2025-03-14T04:25:00Z"),
    # background traffic at VKO
    *(
        _spec(f"15{k:04x}", f"RA-{73000 + k}", "B738", f"UTA{300 + k}", "UUWW", dest,
              f"2025-03-13T{21 + k // 4:02d}:{(k * 13) % 60:02d}:00Z",
              f"2025-03-14T{(k * 7) % 60 // 10 + 2:02d}:{(k * 11) % 60:02d}:00Z")
        for k, dest in enumerate(("URSS", "UWGG", "UNNT", "USSS", "URWA", "UGTB", "UTAA",
                                  "UDYZ"))
    ),
    *(
        _spec(f"14{k:04x}", f"RA-{89100 + k}", "A321", f"AFL{1400 + k}", src, "UUWW",
              f"2025-03-13T{20 + k // 3:02d}:{(k * 17) % 60:02d}:00Z",
              f"2025-03-13T{22 + k // 3:02d}:{(k * 19) % 60:02d}:00Z")
        for k, src in enumerate(("URSS", "UWGG", "URWA", "UUEE", "ULLI", "URKK"))
    ),
    # background traffic at GYD
    *(
        _spec(f"60{k:04x}", f"4K-AZ{10 + k}", "A320", f"AHY{100 + k}", "UBBB", dest,
              f"2025-03-14T{k // 3:02d}:{(k * 13) % 60:02d}:00Z",
              f"2025-03-14T{3 + k // 3:02d}:{(k * 7) % 60:02d}:00Z")
        for k, dest in enumerate(("LTFM", "OMDB", "UGTB", "UDYZ", "OTHH", "LTAI"))
    ),
    *(
        _spec(f"61{k:04x}", f"4K-AZ{40 + k}", "B763", f"AHY{200 + k}", src, "UBBB",
              f"2025-03-13T{21 + k // 3:02d}:{(k * 23) % 60:02d}:00Z",
              f"2025-03-14T{k // 2:02d}:{(k * 29) % 60 // 2 + 30:02d}:00Z")
        for k, src in enumerate(("UTAA", "OMDB", "UGTB", "LTAI", "UAAA"))
    ),
)


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geo"


def demo_store(cache: str | Path | None = None) -> Path:
    """The demo store, built on first use (atomically: a temporary folder renamed into
    place, so a killed build leaves nothing half-written behind the name)."""
    root = Path(cache) if cache is not None else _cache_root()
    target = root / f"demo-archive-v{DEMO_VERSION}"
    if (target / "archive.json").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".demo-archive-", dir=root))
    try:
        write_store(tmp, DEMO_FLIGHTS, synthetic=True)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "archive.json").is_file():  # not another process's demo
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
