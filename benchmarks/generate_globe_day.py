"""A synthetic global day of ADS-B history in readsb's ``globe_history`` layout, from real
airports, for ``bench_archive.py``.

    python benchmarks/generate_globe_day.py --legs 100000 --out /tmp/globe

writes ``OUT/2025/03/14/traces/<xx>/trace_full_<hex>.json`` (gzip JSON, readsb's point
arrays) and, for the legs still in the air at midnight, the start of the next day's folder
``OUT/2025/03/15/...``. Each aircraft flies two to four legs between airports named
"International" in ``airportsdata`` (300 to 3,000 km apart) with turnarounds of 40 to 90
minutes: taxi on the ground (a fix every 20 s), climb at 2,000 ft/min, cruise at 33,000 to
39,000 ft, descent, taxi in; airborne a fix every 25 to 60 s, with a coverage gap of 5 to 40
minutes in one leg of three. Some aircraft take off before midnight the day before and some
land after midnight: midnight crossings both ways. Seeded: the same arguments give the same
files. About 300 positions per leg.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import airportsdata
import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
DAY = datetime(2025, 3, 14, tzinfo=UTC)
DAY_S = int(DAY.timestamp())


def _airports() -> tuple[np.ndarray, np.ndarray]:
    table = airportsdata.load("IATA")
    rows = sorted(
        (r["lat"], r["lon"])
        for code, r in table.items()
        if len(code) == 3 and r.get("icao") and "International" in str(r.get("name", ""))
    )
    lat = np.array([r[0] for r in rows])
    lon = np.array([r[1] for r in rows])
    return lat, lon


def _leg(
    rng: np.random.Generator, t0: float, a: tuple[float, float], b: tuple[float, float]
) -> tuple[list[list[object]], float]:
    """The fixes of one leg from ``t0`` (taxi out starts): rows [t, lat, lon, alt, gs,
    track, vrate]; returns them and the time the taxi in ends."""
    az, _, dist_m = GEOD.inv(a[1], a[0], b[1], b[0])
    speed = 230.0  # m/s, about 450 kt
    airborne_s = dist_m / speed + 600.0
    taxi_out, taxi_in = rng.uniform(300, 900), rng.uniform(180, 600)
    rows: list[list[object]] = []
    for t in np.arange(t0, t0 + taxi_out, 20.0):
        rows.append([t, a[0], a[1], "ground", 12.0, az % 360, 0])
    takeoff = t0 + taxi_out
    landing = takeoff + airborne_s
    cruise = float(rng.integers(33, 40) * 1000)
    step = float(rng.uniform(25, 60))
    times = np.arange(takeoff, landing, step)
    frac = np.clip((times - takeoff) / airborne_s, 0, 1)
    lon, lat, _ = GEOD.fwd(np.full(times.shape, a[1]), np.full(times.shape, a[0]),
                           np.full(times.shape, az), dist_m * frac)  # fmt: skip
    minutes_up = (times - takeoff) / 60.0
    minutes_down = (landing - times) / 60.0
    alt = np.minimum(cruise, 300.0 + 2000.0 * np.minimum(minutes_up, minutes_down))
    vrate = np.where(alt >= cruise, 0, np.where(minutes_up < minutes_down, 2000, -2000))
    keep = np.ones(times.shape, dtype=bool)
    if rng.random() < 1 / 3 and times.size > 200:
        gap_start = int(rng.integers(60, times.size - 100))
        keep[gap_start : gap_start + int(rng.uniform(300, 2400) / step)] = False
    for k in np.flatnonzero(keep).tolist():
        rows.append([float(times[k]), round(float(lat[k]), 5), round(float(lon[k]), 5),
                     int(alt[k]), 450.0, round(az % 360, 1), int(vrate[k])])  # fmt: skip
    for t in np.arange(landing, landing + taxi_in, 20.0):
        rows.append([t, b[0], b[1], "ground", 12.0, (az + 180) % 360, 0])
    return rows, landing + taxi_in


def generate(legs: int, out: Path, seed: int = 14) -> tuple[int, int]:
    rng = np.random.default_rng(seed)
    lat, lon = _airports()
    n_air = len(lat)
    written_legs = 0
    positions = 0
    aircraft = 0
    while written_legs < legs:
        aircraft += 1
        icao = f"{0x100000 + aircraft * 7919 % 0xEFFFFF:06x}"
        reg = f"N{aircraft}GX"
        callsign = f"GX{aircraft % 10000:04d}"
        here = int(rng.integers(n_air))
        t = DAY_S + float(rng.uniform(-4 * 3600, 14 * 3600))  # some start the evening before
        rows: list[list[object]] = []
        for _ in range(int(rng.integers(2, 5))):
            for _try in range(20):
                there = int(rng.integers(n_air))
                _, _, d = GEOD.inv(lon[here], lat[here], lon[there], lat[there])
                if 300e3 <= d <= 3000e3:
                    break
            else:
                break
            leg_rows, t_end = _leg(rng, t, (lat[here], lon[here]), (lat[there], lon[there]))
            rows += leg_rows
            written_legs += 1
            here = there
            t = t_end + float(rng.uniform(40 * 60, 90 * 60))
            if t > DAY_S + 26 * 3600 or written_legs >= legs:
                break
        by_day: dict[str, list[list[object]]] = defaultdict(list)
        for row in rows:
            day = datetime.fromtimestamp(float(row[0]), UTC).strftime("%Y/%m/%d")
            by_day[day].append(row)
        for day, day_rows in by_day.items():
            base = float(day_rows[0][0])
            points = [
                [round(float(r[0]) - base, 2), r[1], r[2], r[3], r[4], r[5], 0, r[6],
                 {"flight": f"{callsign:<8}"} if k % 20 == 0 else None,
                 "adsb_icao", None, None, None, None]
                for k, r in enumerate(day_rows)
            ]  # fmt: skip
            doc = {"icao": icao, "r": reg, "t": "A320", "timestamp": base, "trace": points}
            path = out / day / "traces" / icao[-2:] / f"trace_full_{icao}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gzip.compress(json.dumps(doc).encode(), compresslevel=5, mtime=0))
            positions += len(points)
    return written_legs, positions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    legs, positions = generate(args.legs, args.out, args.seed)
    print(f"{args.out}: {legs:,} legs, {positions:,} positions")


if __name__ == "__main__":
    main()
