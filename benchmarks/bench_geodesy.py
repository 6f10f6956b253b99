"""Benchmark: vectorized ``arcs_batch`` versus a per-point pure Python loop over pyproj.

Both methods compute ``--points`` evenly spaced geodesic points for ``--flights`` random
airport pairs (uniform on the sphere, seeded) and produce the same output: endpoints set
to the inputs and longitudes unwrapped. The loop calls ``Geod.inv`` once per flight and
``Geod.fwd`` once per point with Python floats. Each method is timed with
``time.perf_counter`` and the best of ``--repeat`` runs is reported.

Run: ``python benchmarks/bench_geodesy.py --flights 10000 --points 64 --repeat 3``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pyproj import Geod

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.geodesy import arcs_batch  # noqa: E402

FloatArray = npt.NDArray[np.float64]
GEOD = Geod(ellps="WGS84")


def random_pairs(n: int, seed: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    lon1, lon2 = rng.uniform(-180.0, 180.0, size=(2, n))
    lat1, lat2 = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, size=(2, n))))
    return lon1, lat1, lon2, lat2


def loop_arcs(
    lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray, n_points: int
) -> tuple[FloatArray, FloatArray]:
    fractions = [j / (n_points - 1) for j in range(n_points)]
    out_lons: list[list[float]] = []
    out_lats: list[list[float]] = []
    for a_lon, a_lat, b_lon, b_lat in zip(
        lon1.tolist(), lat1.tolist(), lon2.tolist(), lat2.tolist(), strict=True
    ):
        az, _, dist = GEOD.inv(a_lon, a_lat, b_lon, b_lat)
        lons = [a_lon]
        lats = [a_lat]
        prev = a_lon
        for frac in fractions[1:-1]:
            lon, lat, _ = GEOD.fwd(a_lon, a_lat, az, dist * frac)
            lon += 360.0 * round((prev - lon) / 360.0)  # unwrap against previous point
            lons.append(lon)
            lats.append(lat)
            prev = lon
        lons.append(b_lon + 360.0 * round((prev - b_lon) / 360.0))
        lats.append(b_lat)
        out_lons.append(lons)
        out_lats.append(lats)
    return np.array(out_lons), np.array(out_lats)


def best_time(
    fn: Callable[[], tuple[FloatArray, FloatArray]], repeat: int
) -> tuple[float, tuple[FloatArray, FloatArray]]:
    best = float("inf")
    result: tuple[FloatArray, FloatArray] | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flights", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.points < 2 or args.flights < 1 or args.repeat < 1:
        parser.error("need --points >= 2, --flights >= 1, --repeat >= 1")

    lon1, lat1, lon2, lat2 = random_pairs(args.flights, args.seed)
    n_total = args.flights * args.points

    t_vec, (vec_lons, vec_lats) = best_time(
        lambda: arcs_batch(lon1, lat1, lon2, lat2, args.points), args.repeat
    )
    t_loop, (loop_lons, loop_lats) = best_time(
        lambda: loop_arcs(lon1, lat1, lon2, lat2, args.points), args.repeat
    )

    max_dlon = float(np.max(np.abs(vec_lons - loop_lons)))
    max_dlat = float(np.max(np.abs(vec_lats - loop_lats)))

    print(
        f"{args.flights:,} flights x {args.points} points = {n_total:,} points, "
        f"best of {args.repeat} (pyproj Geod WGS84)"
    )
    print(f"{'method':<26}{'seconds':>10}{'points/s':>16}")
    print(f"{'arcs_batch (vectorized)':<26}{t_vec:>10.4f}{n_total / t_vec:>16,.0f}")
    print(f"{'per-point Python loop':<26}{t_loop:>10.4f}{n_total / t_loop:>16,.0f}")
    print(f"ratio loop/vectorized: {t_loop / t_vec:.1f}x")
    print(f"max abs difference: lon {max_dlon:.3g} deg, lat {max_dlat:.3g} deg")
    if max_dlon > 1e-9 or max_dlat > 1e-9:
        raise SystemExit("results differ")


if __name__ == "__main__":
    main()
