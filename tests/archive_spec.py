"""A tiny ADS-B archive written from a specification, in every source format the archive
reads, for tests/test_archive_*.py (and small enough to build in seconds).

Each :class:`Flight` says what happened (aircraft, airports, takeoff and landing times);
:func:`fixes` turns it into fixes (ground taxi before and after, a climb/cruise/descent
along the geodesic, one fix every 60 s); the writers put those fixes into
``globe_history`` day folders, tars (plain and split), OpenSky CSVs and a fixes CSV.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tarfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
STEP_S = 60
TAXI = 5  # ground fixes before the takeoff and after the landing

AIRPORTS = {  # ICAO: (lat, lon)
    "UUWW": (55.5915, 37.2615),
    "UBBB": (40.4675, 50.0467),
    "LTFM": (41.2751, 28.7519),
    "EDDF": (50.0333, 8.5706),
    "EGLL": (51.4706, -0.461941),
    "URSS": (43.449902, 39.9566),
    "EIDW": (53.4213, -6.27007),
    "OTHH": (25.273056, 51.608056),
    "OMDB": (25.2528, 55.3644),
}


def t(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


@dataclass(frozen=True)
class Flight:
    icao24: str
    registration: str
    type: str
    callsign: str
    origin: str
    destination: str
    takeoff: str  # RFC 3339
    landing: str

    @property
    def takeoff_s(self) -> int:
        return t(self.takeoff)

    @property
    def landing_s(self) -> int:
        return t(self.landing)


@dataclass(frozen=True)
class Fix:
    time_s: int
    lat: float
    lon: float
    alt_ft: float | None  # None on the ground
    gs_kt: float
    track_deg: float
    vrate_fpm: float


def fixes(flight: Flight) -> list[Fix]:
    lat0, lon0 = AIRPORTS[flight.origin]
    lat1, lon1 = AIRPORTS[flight.destination]
    a, b = flight.takeoff_s, flight.landing_s
    out = [Fix(a - STEP_S * k, lat0, lon0, None, 12.0, 90.0, 0.0) for k in range(TAXI, 0, -1)]
    az, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    times = np.arange(a, b + 1, STEP_S)
    if times[-1] != b:
        times = np.append(times, b)
    for time_s in times.tolist():
        frac = (time_s - a) / (b - a)
        lon, lat, _ = GEOD.fwd(lon0, lat0, az, dist * frac)
        minutes = min(time_s - a, b - time_s) / 60.0
        alt = min(33000.0, 500.0 + 2000.0 * minutes)
        climbing = (time_s - a) < (b - time_s)
        vrate = 0.0 if alt >= 33000 else (2000.0 if climbing else -2000.0)
        out.append(Fix(time_s, round(lat, 5), round(lon, 5), alt, 420.0, round(az % 360, 1), vrate))
    out += [Fix(b + STEP_S * k, lat1, lon1, None, 12.0, 270.0, 0.0) for k in range(1, TAXI + 1)]
    return out


def day_of(time_s: int) -> str:
    return datetime.fromtimestamp(time_s, UTC).strftime("%Y/%m/%d")


def readsb_docs(flight: Flight, keep: list[Fix]) -> dict[str, bytes]:
    """``YYYY/MM/DD/traces/xx/trace_full_<hex>.json`` -> gzip bytes, one per UTC day."""
    by_day: dict[str, list[Fix]] = defaultdict(list)
    for fix in keep:
        by_day[day_of(fix.time_s)].append(fix)
    out: dict[str, bytes] = {}
    for day, day_fixes in sorted(by_day.items()):
        base = day_fixes[0].time_s
        rows = [
            [
                f.time_s - base,
                f.lat,
                f.lon,
                "ground" if f.alt_ft is None else round(f.alt_ft),
                f.gs_kt,
                f.track_deg,
                0,
                round(f.vrate_fpm),
                {"flight": f"{flight.callsign:<8}"} if k % 5 == 0 else None,
                "adsb_icao",
                None,
                None,
                None,
                None,
            ]
            for k, f in enumerate(day_fixes)
        ]
        doc = {
            "icao": flight.icao24,
            "r": flight.registration,
            "t": flight.type,
            "timestamp": base,
            "trace": rows,
        }
        name = f"{day}/traces/{flight.icao24[-2:]}/trace_full_{flight.icao24}.json"
        out[name] = gzip.compress(json.dumps(doc).encode(), mtime=0)
    return out


def write_globe(root: Path, flights: list[tuple[Flight, list[Fix]]]) -> None:
    for flight, keep in flights:
        for name, data in readsb_docs(flight, keep).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in sorted(members.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def globe_members(flights: list[tuple[Flight, list[Fix]]]) -> dict[str, bytes]:
    members: dict[str, bytes] = {}
    for flight, keep in flights:
        members.update(readsb_docs(flight, keep))
    return members


def split(data: bytes, path: Path, parts: int) -> list[Path]:
    """``path.aa``, ``path.ab``, ...: the bytes cut into ``parts`` pieces (mid-member)."""
    size = -(-len(data) // parts)
    out = []
    for k in range(parts):
        part = path.with_name(f"{path.name}.a{chr(ord('a') + k)}")
        part.write_bytes(data[k * size : (k + 1) * size])
        out.append(part)
    return out


OPENSKY_HEADER = (
    "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
    "baroaltitude,geoaltitude,lastposupdate,lastcontact"
)


def opensky_csv(flights: list[tuple[Flight, list[Fix]]]) -> bytes:
    lines = [OPENSKY_HEADER]
    for flight, keep in flights:
        for f in keep:
            alt_m = "" if f.alt_ft is None else f"{f.alt_ft * 0.3048:.2f}"
            lines.append(
                f"{f.time_s},{flight.icao24},{f.lat},{f.lon},{f.gs_kt * 1852 / 3600:.4f},"
                f"{f.track_deg},{f.vrate_fpm * 0.3048 / 60:.4f},{flight.callsign:<8},"
                f"{'True' if f.alt_ft is None else 'False'},False,False,1000,{alt_m},{alt_m},"
                f"{f.time_s}.5,{f.time_s + 1}.0"
            )
        # a state without a position, as OpenSky writes them
        lines.append(f"{keep[0].time_s + 1},{flight.icao24},,,,,,,False,False,False,,,,,")
    return ("\n".join(lines) + "\n").encode()


def fixes_csv(flights: list[tuple[Flight, list[Fix]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["time", "lat", "lon", "altitude_ft", "speed_kt", "callsign", "registration", "icao24"]
    )
    for flight, keep in flights:
        for f in keep:
            if f.alt_ft is None:
                continue  # a fixes CSV has no ground column
            stamp = datetime.fromtimestamp(f.time_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.writerow(
                [
                    stamp,
                    f.lat,
                    f.lon,
                    round(f.alt_ft),
                    f.gs_kt,
                    flight.callsign,
                    flight.registration,
                    flight.icao24,
                ]
            )
    return out.getvalue().encode()


# --- the specification ----------------------------------------------------------------

MIDNIGHT = Flight(
    "a0b1c2",
    "N103WG",
    "GLF6",
    "AZG123",
    "UUWW",
    "UBBB",
    "2025-03-13T22:54:00Z",
    "2025-03-14T01:30:00Z",
)
TAR_FLIGHT = Flight(
    "4b1805",
    "HB-JFA",
    "A20N",
    "SWR1A",
    "UBBB",
    "LTFM",
    "2025-03-14T03:00:00Z",
    "2025-03-14T06:10:00Z",
)
SPLIT_FLIGHT = Flight(
    "3c6444",
    "D-ABYA",
    "B748",
    "DLH9C",
    "EDDF",
    "EGLL",
    "2025-03-14T07:00:00Z",
    "2025-03-14T08:20:00Z",
)
TWO_SOURCES = Flight(
    "151d8a",
    "RA-96022",
    "IL96",
    "RSD022",
    "UUWW",
    "URSS",
    "2025-03-14T05:00:00Z",
    "2025-03-14T07:10:00Z",
)
GZ_FLIGHT = Flight(
    "4ca7b5",
    "EI-DVM",
    "B738",
    "RYR1",
    "EIDW",
    "EGLL",
    "2025-03-14T09:00:00Z",
    "2025-03-14T10:05:00Z",
)
TARCSV_FLIGHT = Flight(
    "896180",
    "A6-EEO",
    "A388",
    "UAE3",
    "OMDB",
    "OTHH",
    "2025-03-14T11:00:00Z",
    "2025-03-14T12:05:00Z",
)
CSV_FLIGHT = Flight(
    "06a0a5",
    "A7-BAB",
    "B77W",
    "QTR1",
    "OTHH",
    "OMDB",
    "2025-03-14T13:00:00Z",
    "2025-03-14T14:00:00Z",
)
FILLER = [
    Flight(
        f"aa{k:04x}",
        f"N{k}AA",
        "B738",
        f"AAL{k}",
        o,
        d,
        f"2025-03-14T{h:02d}:{m:02d}:00Z",
        f"2025-03-14T{h + 2:02d}:{m:02d}:00Z",
    )
    for k, (o, d, h, m) in enumerate(
        [
            ("EDDF", "EGLL", 2, 5),
            ("EGLL", "EDDF", 4, 40),
            ("LTFM", "UBBB", 8, 15),
            ("UUWW", "LTFM", 10, 0),
            ("EIDW", "EDDF", 15, 30),
        ]
    )
]
CHANGE = 6 * 3600 - 30 * 60  # TWO_SOURCES: readsb until 05:30, OpenSky from 05:30


def write_sources(root: Path) -> dict[str, Path]:
    """Every source format under ``root``; returns their paths by kind."""
    root.mkdir(parents=True, exist_ok=True)
    two = fixes(TWO_SOURCES)
    cut = t("2025-03-14T05:30:00Z")
    paths: dict[str, Path] = {}
    globe = root / "globe"
    write_globe(
        globe,
        [(MIDNIGHT, fixes(MIDNIGHT)), (TWO_SOURCES, [f for f in two if f.time_s < cut])]
        + [(f, fixes(f)) for f in FILLER[:3]],
    )
    paths["globe"] = globe
    members = globe_members([(TAR_FLIGHT, fixes(TAR_FLIGHT)), (FILLER[3], fixes(FILLER[3]))])
    members["2025/03/14/traces/ff/trace_full_badbad.json"] = gzip.compress(
        b'{"icao": "badbad", "trace": ['
    )[:-9]
    tar = root / "day.tar"
    tar.write_bytes(tar_bytes(members))
    paths["tar"] = tar
    split_dir = root / "split"
    split_dir.mkdir()
    data = tar_bytes(
        globe_members([(SPLIT_FLIGHT, fixes(SPLIT_FLIGHT)), (FILLER[4], fixes(FILLER[4]))])
    )
    paths["split"] = split(data, split_dir / "v2025.03.14-planes-readsb-prod-0.tar", 3)[0]
    csv_path = root / "states_2025-03-14-05.csv"
    csv_path.write_bytes(opensky_csv([(TWO_SOURCES, [f for f in two if f.time_s >= cut])]))
    paths["opensky_csv"] = csv_path
    gz = root / "states_2025-03-14-09.csv.gz"
    gz.write_bytes(gzip.compress(opensky_csv([(GZ_FLIGHT, fixes(GZ_FLIGHT))]), mtime=0))
    paths["opensky_gz"] = gz
    tar_csv = root / "states_2025-03-14-11.csv.tar"
    inner = gzip.compress(opensky_csv([(TARCSV_FLIGHT, fixes(TARCSV_FLIGHT))]), mtime=0)
    tar_csv.write_bytes(tar_bytes({"states_2025-03-14-11.csv.gz": inner, "README.txt": b"hi"}))
    paths["opensky_tar"] = tar_csv
    fixes_path = root / "fixes.csv"
    fixes_path.write_bytes(fixes_csv([(CSV_FLIGHT, fixes(CSV_FLIGHT))]))
    paths["fixes"] = fixes_path
    return paths
