"""Write the documentation's SYNTHETIC recorded track: a readsb ``trace_full`` file for the
shipped flight's aircraft (N103WG, Vnukovo -> Baku, night of 13-14 March 2025).

It is made up, here, from a written route and a speed and altitude profile: it is not an
ADS-B recording and is no evidence of anything. It exists to show the format and what the
tool does with a track (the README's worked example, the screenshot, the browser test).
Every number is chosen to exercise a feature: takeoff 4 min after the reported 22:54 UTC,
landing 2 min before the reported 01:30 UTC, a route bent east of the great circle, a
coverage gap of 23 min over the Caspian Sea, one impossible jump (an outlier).

    python scripts/make_example_track.py  # -> docs/examples/synthetic-trace_full_n103wg.json
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "examples" / "synthetic-trace_full_n103wg.json"
GEOD = Geod(ellps="WGS84")

VKO = (37.2615, 55.5915)  # (lon, lat), the runway ends' midpoints are near enough
GYD = (50.0467, 40.4675)
# a route a dispatcher could file: south-east over Tambov and Volgograd, Astrakhan, then down
# the Caspian Sea (not the great circle, which crosses the Caucasus further west)
ROUTE = [VKO, (38.6, 54.4), (41.4, 52.7), (44.5, 48.7), (48.0, 46.3), (49.6, 43.4), GYD]
TAKEOFF = datetime(2025, 3, 13, 22, 58, 10, tzinfo=UTC).timestamp()
LANDING = datetime(2025, 3, 14, 1, 27, 40, tzinfo=UTC).timestamp()
GAP = (datetime(2025, 3, 14, 0, 41, tzinfo=UTC).timestamp(),
       datetime(2025, 3, 14, 1, 4, tzinfo=UTC).timestamp())
CRUISE_FT = 41000.0


def _route_points(step_m: float = 500.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The route densified along its geodesics: lon, lat and distance from the start (m)."""
    lons, lats, dist = [ROUTE[0][0]], [ROUTE[0][1]], [0.0]
    for (x1, y1), (x2, y2) in zip(ROUTE, ROUTE[1:], strict=False):
        _, _, length = GEOD.inv(x1, y1, x2, y2)
        n = max(1, int(length // step_m))
        pts = GEOD.npts(x1, y1, x2, y2, n - 1) if n > 1 else []
        for x, y in [*pts, (x2, y2)]:
            _, _, d = GEOD.inv(lons[-1], lats[-1], x, y)
            lons.append(x)
            lats.append(y)
            dist.append(dist[-1] + d)
    return np.array(lons), np.array(lats), np.array(dist)


def _speed_kt(u: np.ndarray) -> np.ndarray:
    """Ground speed over the flight's fraction of time: climbing out, cruising, descending."""
    return np.interp(u, [0.0, 0.03, 0.17, 0.8, 0.97, 1.0], [150, 260, 470, 480, 230, 140])


def _altitude_ft(u: np.ndarray) -> np.ndarray:
    return np.interp(u, [0.0, 0.17, 0.78, 1.0], [400.0, CRUISE_FT, CRUISE_FT, 500.0])


def build() -> dict[str, object]:
    lon_r, lat_r, dist_r = _route_points()
    # fixes every 16 s near the airports, every 40 s at cruise; none within the gap
    times = []
    t = TAKEOFF
    while t < LANDING:
        times.append(t)
        u = (t - TAKEOFF) / (LANDING - TAKEOFF)
        t += 16.0 if u < 0.15 or u > 0.85 else 40.0
    times.append(LANDING)
    t_air = np.array([x for x in times if not GAP[0] < x < GAP[1]])
    u = (t_air - TAKEOFF) / (LANDING - TAKEOFF)
    # distance flown: the speed profile integrated, scaled to the route's length
    fine = np.linspace(0.0, 1.0, 4001)
    flown = np.concatenate([[0.0], np.cumsum((_speed_kt(fine[1:]) + _speed_kt(fine[:-1])) / 2)])
    along = np.interp(u, fine, flown / flown[-1]) * dist_r[-1]
    lon = np.interp(along, dist_r, lon_r)
    lat = np.interp(along, dist_r, lat_r)
    track = np.zeros_like(lon)
    track[:-1], _, _ = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    track[-1] = track[-2]
    base = TAKEOFF - 120.0  # the file starts with the aircraft taxiing
    rows: list[list[object]] = []
    for k, (x, y) in enumerate([VKO, (VKO[0] + 0.002, VKO[1] - 0.001)]):
        rows.append([round(k * 60.0, 2), y, x, "ground", 12.0, 170.0, 0, 0, None])
    alt = _altitude_ft(u)
    gs = _speed_kt(u)
    for k in range(len(t_air)):
        info = {"flight": "N103WG  "} if k == 0 else None
        rows.append([
            round(float(t_air[k] - base), 2), round(float(lat[k]), 5), round(float(lon[k]), 5),
            int(round(float(alt[k]) / 25.0) * 25), round(float(gs[k]), 1),
            round(float(track[k]) % 360.0, 1), 0, 0, info,
        ])
    # one impossible jump: a fix 300 km off the route (a decoding error)
    bad = next(k for k, r in enumerate(rows) if isinstance(r[0], float) and r[0] > 3600.0)
    rows[bad] = [rows[bad][0], float(rows[bad][1]) + 2.7, *rows[bad][2:]]
    end = LANDING - base
    rows.append([round(end + 50.0, 2), GYD[1] + 0.001, GYD[0], "ground", 18.0, 200.0, 0, 0, None])
    rows.append([round(end + 110.0, 2), GYD[1] + 0.002, GYD[0] + 0.002, "ground", 8.0, 90.0, 0, 0,
                 None])
    return {
        "icao": "a0b1c2",
        "r": "N103WG",
        "t": "GLF6",
        "desc": "SYNTHETIC EXAMPLE for the documentation - not an ADS-B recording, no evidence",
        "timestamp": base,
        "trace": rows,
    }


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = build()
    rows = data.pop("trace")
    head = json.dumps(data)[:-1]
    body = ",\n".join(json.dumps(r) for r in rows)  # type: ignore[union-attr]
    OUT.write_text(f'{head}, "trace": [\n{body}\n]}}\n', encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} fixes")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
