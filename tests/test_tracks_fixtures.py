"""Track files built in the tests from the written format specs (no fixture files): fixes
along a geodesic, and writers for readsb JSON, Flightradar24 CSV, KML and the plain CSV.

The other test_tracks_* modules import these builders; the tests here check that the
builders themselves write what the specs say.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from pyproj import Geod

GEOD = Geod(ellps="WGS84")

# (lon, lat)
VKO = (37.2615, 55.5915)  # Moscow Vnukovo, UUWW
GYD = (50.0467, 40.4675)  # Baku Heydar Aliyev, UBBB
CASPIAN = (50.5, 42.0)  # open sea: no airport within 10 km

T0 = datetime(2025, 3, 13, 22, 54, tzinfo=UTC).timestamp()  # reported VKO departure
T1 = datetime(2025, 3, 14, 1, 30, tzinfo=UTC).timestamp()  # reported GYD arrival

F = npt.NDArray[np.float64]


@dataclass
class Fixes:
    """Columns of fixes, as the specs describe them (altitude NaN: null/unknown)."""

    t: F
    lat: F
    lon: F
    alt_ft: F
    ground: npt.NDArray[np.bool_]
    gs_kt: F
    track_deg: F
    flags: npt.NDArray[np.int64]
    callsign: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def take(self, index: npt.ArrayLike) -> Fixes:
        k = np.asarray(index)
        return Fixes(
            self.t[k],
            self.lat[k],
            self.lon[k],
            self.alt_ft[k],
            self.ground[k],
            self.gs_kt[k],
            self.track_deg[k],
            self.flags[k],
            [self.callsign[i] for i in np.arange(len(self))[k].tolist()],
        )

    def with_values(self, **columns: npt.ArrayLike) -> Fixes:
        new: dict[str, Any] = {k: np.array(v, copy=True) for k, v in columns.items()}
        return replace(self, **new)


def concat(*parts: Fixes) -> Fixes:
    names = ("t", "lat", "lon", "alt_ft", "ground", "gs_kt", "track_deg", "flags")
    columns: dict[str, Any] = {
        name: np.concatenate([getattr(p, name) for p in parts]) for name in names
    }
    return Fixes(**columns, callsign=[c for p in parts for c in p.callsign])


def along(
    a: tuple[float, float], b: tuple[float, float], fractions: npt.ArrayLike
) -> tuple[F, F, F]:
    """(lon, lat, azimuth) at fractions of the geodesic from a to b."""
    f = np.asarray(fractions, dtype=np.float64)
    az, _, dist = GEOD.inv(*a, *b)
    lon, lat, fwd_az = GEOD.fwd(
        np.full(f.shape, a[0]),
        np.full(f.shape, a[1]),
        np.full(f.shape, az),
        f * dist,
        return_back_azimuth=False,
    )
    return np.asarray(lon), np.asarray(lat), np.asarray(fwd_az) % 360.0


def flight(
    a: tuple[float, float] = VKO,
    b: tuple[float, float] = GYD,
    t0: float = T0,
    minutes: float = 156.0,
    n: int = 200,
    *,
    cruise_ft: float = 36000.0,
    ground_ends: bool = True,
    start_ft: float = 500.0,
    end_ft: float = 500.0,
    callsign: str | None = "AZG123",
) -> Fixes:
    """A flight from a to b along the geodesic: a ground fix at each airport a minute
    before takeoff / after landing (``ground_ends``), then ``n`` airborne fixes evenly
    spaced in time from ``t0`` to ``t0 + minutes``, climbing from ``start_ft`` and
    descending to ``end_ft``."""
    fractions = np.linspace(0.0, 1.0, n)
    lon, lat, az = along(a, b, fractions)
    t = t0 + fractions * minutes * 60.0
    climb = start_ft + fractions * 200000.0
    descent = end_ft + (1.0 - fractions) * 200000.0
    alt = np.minimum(np.minimum(climb, descent), cruise_ft)
    _, _, length = GEOD.inv(*a, *b)
    speed_kt = length / (minutes * 60.0) * 3600.0 / 1852.0
    airborne = Fixes(
        t,
        lat,
        lon,
        alt,
        np.zeros(n, np.bool_),
        np.full(n, speed_kt),
        az,
        np.zeros(n, np.int64),
        [callsign if k % 20 == 0 else None for k in range(n)],
    )
    if not ground_ends:
        return airborne

    def ground_fix(at: tuple[float, float], when: float) -> Fixes:
        return Fixes(
            np.array([when]),
            np.array([at[1]]),
            np.array([at[0]]),
            np.array([np.nan]),
            np.array([True]),
            np.array([12.0]),
            np.array([90.0]),
            np.array([0]),
            [callsign],
        )

    return concat(ground_fix(a, t0 - 60.0), airborne, ground_fix(b, t[-1] + 60.0))


def readsb_rows(fixes: Fixes, base: float) -> list[list[object]]:
    rows: list[list[object]] = []
    for k in range(len(fixes)):
        alt: object = (
            "ground"
            if fixes.ground[k]
            else (None if np.isnan(fixes.alt_ft[k]) else round(float(fixes.alt_ft[k])))
        )
        info = (
            None
            if fixes.callsign[k] is None
            else {"type": "adsb_icao", "flight": f"{fixes.callsign[k]:<8}"}
        )
        rows.append(
            [
                round(float(fixes.t[k] - base), 2),
                round(float(fixes.lat[k]), 6),
                round(float(fixes.lon[k]), 6),
                alt,
                round(float(fixes.gs_kt[k]), 1),
                round(float(fixes.track_deg[k]), 1),
                int(fixes.flags[k]),
                0,
                info,
                "adsb_icao",
                None,
                None,
                None,
                None,
            ]
        )
    return rows


def readsb_json(
    fixes: Fixes,
    *,
    icao: str = "a0b1c2",
    registration: str | None = "N103WG",
    aircraft_type: str | None = "GLF6",
    base: float | None = None,
    one_line: bool = False,
) -> bytes:
    """A trace_full_<hex>.json: one row per line, as readsb writes it (or all on one)."""
    base = float(fixes.t[0]) if base is None else base
    head = {"icao": icao, "r": registration, "t": aircraft_type, "timestamp": base}
    head = {k: v for k, v in head.items() if v is not None}
    rows = readsb_rows(fixes, base)
    if one_line:
        return json.dumps({**head, "trace": rows}).encode()
    lines = ",\n".join(json.dumps(row) for row in rows)
    top = json.dumps(head)[1:-1].replace(", ", ",\n")
    return ("{" + top + ',\n"trace":[\n' + lines + "\n]\n}\n").encode()


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fr24_csv(fixes: Fixes) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Timestamp", "UTC", "Callsign", "Position", "Altitude", "Speed", "Direction"])
    callsign = next((c for c in fixes.callsign if c), "")
    for k in range(len(fixes)):
        alt = 0 if fixes.ground[k] else round(float(fixes.alt_ft[k]))
        writer.writerow(
            [
                round(float(fixes.t[k])),
                iso(float(fixes.t[k])),
                callsign,
                f"{fixes.lat[k]:.6f},{fixes.lon[k]:.6f}",
                alt,
                round(float(fixes.gs_kt[k])),
                round(float(fixes.track_deg[k])),
            ]
        )
    return out.getvalue().encode()


def kml(parts: list[tuple[str, Fixes]], *, doctype: str = "") -> bytes:
    """A KML document, one Placemark with a gx:Track per (name, fixes)."""
    marks = []
    for name, fixes in parts:
        whens = "\n".join(f"      <when>{iso(float(t))}</when>" for t in fixes.t)
        coords = "\n".join(
            f"      <gx:coord>{lon:.6f} {lat:.6f} {0.0 if g else alt * 0.3048:.1f}</gx:coord>"
            for lon, lat, alt, g in zip(
                fixes.lon, fixes.lat, fixes.alt_ft, fixes.ground, strict=True
            )
        )
        marks.append(
            f"  <Placemark>\n    <name>{name}</name>\n    <gx:Track>\n{whens}\n{coords}\n"
            "    </gx:Track>\n  </Placemark>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype
        + '<kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2">\n<Document>\n'
        + "\n".join(marks)
        + "\n</Document>\n</kml>\n"
    ).encode()


def fixes_csv(
    fixes: Fixes,
    *,
    registration: str = "N103WG",
    icao24: str = "a0b1c2",
    unix: bool = False,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["time", "lat", "lon", "altitude_ft", "speed_kt", "callsign", "registration", "icao24"]
    )
    for k in range(len(fixes)):
        alt = "0" if fixes.ground[k] else f"{fixes.alt_ft[k]:.0f}"
        when = f"{fixes.t[k]:.3f}" if unix else iso(float(fixes.t[k]))
        writer.writerow(
            [
                when,
                f"{fixes.lat[k]:.6f}",
                f"{fixes.lon[k]:.6f}",
                alt,
                f"{fixes.gs_kt[k]:.0f}",
                fixes.callsign[k] or "",
                registration,
                icao24,
            ]
        )
    return out.getvalue().encode()


# --------------------------------------------------------------------------- the builders


def test_flight_runs_from_airport_to_airport() -> None:
    fixes = flight()
    assert (fixes.lon[0], fixes.lat[0]) == VKO
    assert fixes.lon[-1] == GYD[0] and fixes.lat[-1] == GYD[1]
    assert fixes.ground[0] and fixes.ground[-1] and not fixes.ground[1:-1].any()
    assert fixes.t[1] == T0 and np.all(np.diff(fixes.t) > 0)
    assert np.nanmax(fixes.alt_ft) == 36000.0


def test_readsb_writer_follows_the_spec() -> None:
    doc = json.loads(readsb_json(flight(n=5)))
    assert set(doc) == {"icao", "r", "t", "timestamp", "trace"}
    assert doc["trace"][0][3] == "ground" and len(doc["trace"][0]) == 14
    assert doc["trace"][1][8]["flight"] == "AZG123  "


def test_gzip_of_a_writer_is_gzip() -> None:
    assert gzip.compress(fr24_csv(flight(n=3)))[:2] == b"\x1f\x8b"
