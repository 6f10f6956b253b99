"""CPU time of the CSV track readers (a fixes CSV, Flightradar24, OpenSky) on generated files
of about 16 MiB each, read through :func:`geo.tracks.read_track_bytes` as ``--tracks`` does.

    python benchmarks/bench_csv_readers.py [--mib 16] [--repeat 5]

Prints the best of ``--repeat`` CPU times (``time.process_time``) per format. To compare two
versions of the readers, run it under each (``PYTHONPATH=OTHER_CHECKOUT``) back to back; it
prints which ``geo`` it imported. The files are the same on every run (seeded).
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import time
from collections.abc import Callable, Iterator

import geo
from geo.model import Problem
from geo.tracks import read_track_bytes

T0 = 1_741_906_452  # 2025-03-13 22:54:12 UTC


def _flights(aircraft: int, rng: random.Random) -> Iterator[tuple[int, int, float, float]]:
    """``(aircraft, t, lat, lon)`` of the fixes of ``aircraft`` straight flights at about
    450 kt, one fix every 5 s per aircraft, in time order (interleaved)."""
    starts = [(rng.uniform(-50, 60), rng.uniform(-170, 170), rng.uniform(0, 2 * math.pi))
              for _ in range(aircraft)]  # fmt: skip
    step_deg = 450 * 1.852 * 5 / 3600 / 111.2
    for k in itertools.count():
        a, i = k % aircraft, k // aircraft
        lat0, lon0, course = starts[a]
        lat = lat0 + math.cos(course) * step_deg * i
        lon = lon0 + math.sin(course) * step_deg * i / max(math.cos(math.radians(lat)), 0.2)
        lat = max(-89.0, min(89.0, lat))
        lon = (lon + 180.0) % 360.0 - 180.0
        yield a, T0 + 5 * i + a % 5, lat, lon


def _file(header: str, rows: Iterator[str], target: int) -> bytes:
    """``header`` and then ``rows`` until the file holds ``target`` bytes of rows."""
    lines = [header]
    size = 0
    for line in rows:
        lines.append(line)
        size += len(line) + 1
        if size >= target:
            break
    return ("\n".join(lines) + "\n").encode()


def fixes_csv(target: int, rng: random.Random) -> bytes:
    rows = (
        f"{t},{lat:.5f},{lon:.5f},{35000 - a * 100},{450 + a % 7},"
        f"AFL{100 + a},RA-{73000 + a},{0xA0B000 + a:06x},false,{(a % 3 - 1) * 64}"
        for a, t, lat, lon in _flights(40, rng)
    )
    header = "time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24,on_ground,vrate_fpm"
    return _file(header, rows, target)


def fr24_csv(target: int, rng: random.Random) -> bytes:
    rows = (
        f'{t},{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))},AFL1234,'
        f'"{lat:.6f},{lon:.6f}",{35000},{452},{87}'
        for _, t, lat, lon in _flights(1, rng)
    )
    return _file("Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction", rows, target)


def _opensky_row(a: int, t: int, lat: float, lon: float) -> str:
    placed = t % 10 != 3  # now and then a state without a position
    return (
        f"{t},{0x3C6000 + a:06x},{f'{lat:.5f}' if placed else ''},"
        f"{f'{lon:.5f}' if placed else ''},231.5,87.3,0.0,DLH{400 + a:<5d},false,false,false,"
        f"1000,10668.0,10850.9,{t - 0.4 if placed else ''},{t}.0,{t - t % 3600}"
    )


def opensky_csv(target: int, rng: random.Random) -> bytes:
    header = (
        "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
        "baroaltitude,geoaltitude,lastposupdate,lastcontact,hour"
    )
    rows = (_opensky_row(*f) for f in _flights(200, rng))
    return _file(header, rows, target)


def best_cpu(read: Callable[[], object], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.process_time()
        read()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=float, default=16.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    target = int(args.mib * 2**20)
    print(f"geo: {geo.__file__}")
    for name, make in (("fixes", fixes_csv), ("fr24", fr24_csv), ("opensky", opensky_csv)):
        data = make(target, random.Random(23))
        problems: list[Problem] = []
        traces = read_track_bytes(data, f"{name}.csv", problems)
        assert not problems, problems[:3]
        fixes = sum(len(trace.t) for trace in traces)
        cpu = best_cpu(lambda d=data, n=name: read_track_bytes(d, f"{n}.csv", []), args.repeat)
        print(
            f"{name:8s} {len(data) / 2**20:5.1f} MiB {len(traces):4d} traces {fixes:9,d} fixes"
            f"  best CPU {cpu:6.3f} s"
        )


if __name__ == "__main__":
    main()
