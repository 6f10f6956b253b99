"""The legs query on a legs index of a year: ``--legs`` rows (70 million by default) written
directly as the store's legs partitions (one file per UTC day, sorted by aircraft and time,
the schema of ``geo.archive.schema.LEG_SCHEMA``, row groups as the build writes them, and
the ``aircraft.parquet`` identity table), then ``geo.archive.legs`` timed.

    python benchmarks/bench_legs_year.py --legs 70000000 --work /tmp/archive_year

Aircraft: 60,000 addresses (registration ``N<k>YR``, callsign ``YR<k>``), each flying about
3.2 legs a day between 2,000 ICAO codes of airportsdata (KJFK among them); the store holds
no positions (the legs query does not read them). Seeded. Times are the median of 3 runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.archive import legs  # noqa: E402
from geo.archive.build import LEG_ROW_GROUP  # noqa: E402
from geo.archive.schema import AIRCRAFT as AIRCRAFT_FILE  # noqa: E402
from geo.archive.schema import AIRCRAFT_SCHEMA, LEG_SCHEMA  # noqa: E402

AIRCRAFT = 60_000
START = datetime(2025, 1, 1, tzinfo=UTC)


def _day(rng: np.random.Generator, day: int, n: int, codes: np.ndarray) -> pa.Table:
    who = np.sort(rng.integers(0, AIRCRAFT, n))
    base = int((START + timedelta(days=day)).timestamp())
    first = base + rng.integers(0, 86_400, n)
    order = np.lexsort((first, who))
    who, first = who[order], first[order]
    length = rng.integers(1_800, 14_400, n)
    hexes = np.char.mod("%06x", 0x300000 + who * 37)
    regs = np.char.add(np.char.add("N", who.astype(str)), "YR")
    calls = np.char.add("YR", who.astype(str))
    origin = codes[rng.integers(0, len(codes), n)]
    dest = codes[rng.integers(0, len(codes), n)]
    lat = rng.uniform(-60, 70, n)
    lon = rng.uniform(-180, 180, n)
    minutes = np.datetime_as_string(first.astype("datetime64[s]"), unit="m")
    when = np.char.add(np.char.replace(np.char.replace(minutes, "-", ""), ":", ""), "Z")
    columns = {
        "leg_id": np.char.add(np.char.add(np.char.add("track-", hexes), "-"), when),
        "icao24": hexes,
        "registration": regs,
        "type": np.full(n, "A320"),
        "callsigns": calls,
        "takeoff_s": first,
        "takeoff_airport": origin,
        "takeoff_alternatives": np.full(n, ""),
        "takeoff_observed": np.ones(n, bool),
        "landing_s": first + length,
        "landing_airport": dest,
        "landing_alternatives": np.full(n, ""),
        "landing_observed": np.ones(n, bool),
        "first_s": first,
        "last_s": first + length,
        "first_lat_deg": lat,
        "first_lon_deg": lon,
        "last_lat_deg": lat + 1,
        "last_lon_deg": lon + 1,
        "min_lat_deg": lat,
        "min_lon_deg": lon,
        "max_lat_deg": lat + 1,
        "max_lon_deg": lon + 1,
        "largest_gap_s": rng.integers(20, 900, n),
        "largest_gap_lat_deg": lat + 0.5,
        "largest_gap_lon_deg": lon + 0.5,
        "fix_count": length // 30,
        "coverage": rng.uniform(0.8, 1.0, n),
        "sources": np.full(n, "synthetic-year"),
        "source_sha256": np.full(n, "0" * 64),
        "synthetic": np.ones(n, bool),
    }
    arrays = [pa.array(columns[f.name], type=f.type) for f in LEG_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=LEG_SCHEMA)


def generate(total: int, store: Path) -> None:
    rng = np.random.default_rng(2025)
    import airportsdata

    codes = np.array(sorted(airportsdata.load("ICAO"))[::14][:2000])
    codes[0] = "KJFK"
    per_day = total // 365
    for day in range(365):
        n = per_day + (1 if day < total % 365 else 0)
        table = _day(rng, day, n, codes)
        name = (START + timedelta(days=day)).strftime("%Y-%m-%d")
        path = store / "legs" / f"day={name}" / "part-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression="zstd", row_group_size=LEG_ROW_GROUP)
    who = np.arange(AIRCRAFT)
    aircraft = pa.table(
        {
            "icao24": np.char.mod("%06x", 0x300000 + who * 37),
            "registration": np.char.add(np.char.add("N", who.astype(str)), "YR"),
            "callsign": np.char.add("YR", who.astype(str)),
        },
        schema=AIRCRAFT_SCHEMA,
    )
    pq.write_table(aircraft.sort_by("icao24"), store / AIRCRAFT_FILE, compression="zstd")
    info = {"format": "geo-archive", "version": 1, "synthetic": True, "inputs": [],
            "days": [], "positions": 0, "legs": total}  # fmt: skip
    (store / "archive.json").write_text(json.dumps(info), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=70_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/archive_year"))
    args = parser.parse_args()
    store = args.work / "store"
    if not (store / "archive.json").exists():
        t0 = time.perf_counter()
        generate(args.legs, store)
        print(f"generated {args.legs:,} legs in {time.perf_counter() - t0:.0f} s")
    size = sum(p.stat().st_size for p in store.rglob("*.parquet"))
    print(f"{store}: {args.legs:,} legs, {size:,} bytes")
    week = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 8, tzinfo=UTC))
    for label, kwargs in (
        ("a year, by hex", {"aircraft": f"{0x300000 + 1234 * 37:06x}"}),
        ("a year, by registration", {"aircraft": "N1234YR"}),
        ("a week, by callsign", {"aircraft": "YR1234", "between": week}),
        ("a year, from an airport", {"origin": "KJFK"}),
    ):
        times = []
        rows = 0
        for _ in range(3):
            t0 = time.perf_counter()
            rows = len(legs(store, **kwargs))  # type: ignore[arg-type]
            times.append(time.perf_counter() - t0)
        print(f"legs, {label}: {statistics.median(times):.2f} s ({rows:,} legs)")


if __name__ == "__main__":
    main()
