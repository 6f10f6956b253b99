"""A day of recorded traces through the tool: read, split into legs, link, simplify, export.

    python benchmarks/bench_tracks.py --legs 1000 --fixes 1000 [--keep DIR]

Writes ``--legs`` synthetic readsb traces (``trace_full_<hex>.json``, one leg each, a fix
every few seconds along a wandering route between two of the world's large airports, with
20 m of position noise as real receivers have), then times each stage in this process and
prints the sizes: the fixes read, the fixes drawn (simplified with time kept, 100 m), the HTML
map and the GeoJSON. ``--keep DIR`` leaves the traces and the map there, to open the map with
``benchmarks/bench_browser.py --html DIR/map.html``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson
from pyproj import Geod

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

GEOD = Geod(ellps="WGS84")
T0 = 1741910400.0  # 2025-03-14T00:00:00Z


def _airports(rng: random.Random) -> list[tuple[float, float]]:
    import airportsdata

    big = [a for a in airportsdata.load("IATA").values() if a["icao"] and len(a["icao"]) == 4]
    rng.shuffle(big)
    return [(float(a["lon"]), float(a["lat"])) for a in big[:2000]]


def _trace(k: int, fixes: int, ports: list[tuple[float, float]], rng: random.Random) -> bytes:
    while True:
        (x1, y1), (x2, y2) = rng.sample(ports, 2)
        _, _, dist = GEOD.inv(x1, y1, x2, y2)
        if 300e3 < dist < 3000e3:
            break
    minutes = dist / 1000.0 / 780.0 * 60.0 + 20.0
    u = np.linspace(0.0, 1.0, fixes)
    lon, lat = np.array(GEOD.npts(x1, y1, x2, y2, fixes, initial_idx=0, terminus_idx=0)).T
    az, _, _ = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    az = np.append(az, az[-1])
    # a route that wanders off the great circle (up to 60 km), and receiver noise (20 m)
    phase = rng.uniform(0, 2 * np.pi)
    off = 60e3 * np.sin(np.pi * u) * np.sin(3 * np.pi * u + phase)
    lon, lat, _ = GEOD.fwd(lon, lat, az + 90.0, off)
    nrng = np.random.default_rng(k)
    lon, lat, _ = GEOD.fwd(lon, lat, nrng.uniform(0, 360, fixes), nrng.normal(0, 20.0, fixes))
    alt = np.interp(u, [0, 0.12, 0.85, 1], [300, 38000, 38000, 300])
    gs = np.interp(u, [0, 0.12, 0.85, 1], [150, 450, 450, 140])
    start = T0 + rng.uniform(0, 20 * 3600)
    seconds = u * minutes * 60.0
    rows = [[0.0, float(lat[0]), float(lon[0]), "ground", 10.0, 0.0, 0, 0, None]]
    rows += [[float(s) + 30.0, float(a), float(b), int(h), float(g), float(t) % 360, 0, 0,
              {"flight": f"BNC{k:04d}"} if j == 0 else None]
             for j, (s, a, b, h, g, t) in enumerate(zip(seconds, lat, lon, alt, gs, az,
                                                        strict=True))]
    rows.append([float(seconds[-1]) + 60.0, float(lat[-1]), float(lon[-1]), "ground", 10.0,
                 0.0, 0, 0, None])
    return orjson.dumps({"icao": f"{0xA00000 + k:06x}", "r": f"N{k:04d}B", "t": "B738",
                         "timestamp": start, "trace": rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=1000)
    parser.add_argument("--fixes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the traces and the map here")
    args = parser.parse_args()
    from geo.dataset import load_dataset
    from geo.export import export
    from geo.tracks import load_tracks

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        folder = out / "traces"
        folder.mkdir(parents=True, exist_ok=True)
        ports = _airports(rng)
        for k in range(args.legs):
            (folder / f"trace_full_{0xA00000 + k:06x}.json").write_bytes(
                _trace(k, args.fixes, ports, rng)
            )
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"{args.legs:,} traces x {args.fixes:,} fixes: {size / 2**20:,.1f} MiB of JSON")

        t = time.perf_counter()
        tracks = load_tracks([folder])
        read_s = time.perf_counter() - t
        fixes = sum(len(leg) for leg in tracks.legs)
        print(f"read + legs: {read_s:6.2f} s  ({len(tracks.legs):,} legs, {fixes:,} fixes)")

        t = time.perf_counter()
        data = load_dataset(tracks=[folder])
        load_s = time.perf_counter() - t
        drawn = sum(len(e.recorded.drawn) for e in data.events if e.recorded is not None)
        print(f"load_dataset (read, link, simplify): {load_s:6.2f} s  "
              f"({drawn:,} fixes drawn, {drawn / max(1, fixes):.1%} of those read)")

        for fmt in ("html", "geojson"):
            t = time.perf_counter()
            body = export(data.events, fmt, basemap="outlines")
            print(f"export {fmt:8s}: {time.perf_counter() - t:6.2f} s  "
                  f"{len(body) / 2**20:8.1f} MiB")
            if fmt == "html":
                (out / "map.html").write_bytes(body)
        if args.keep:
            print(f"map: {out / 'map.html'}  (python benchmarks/bench_browser.py --html ...)")


if __name__ == "__main__":
    main()
