"""A year of synthetic scheduled flights between real airports, for the scale benchmark.

    python benchmarks/generate_flights.py --flights 300000 --out /tmp/flights.csv

A network like an airline system's: hubs (airports named "International", drawn from the
``airportsdata`` package) linked to each other and to spokes, each route flown on the same
local departure times every day of 2025 (one to six a day, between 05:30 and 23:30), the
block time its great-circle distance at 800 km/h plus 25 minutes (rounded to 5 minutes),
departure local at the origin and arrival local at the destination, as a timetable prints
them. Routes are 150 to 12,000 km long. The number of routes is chosen so the year holds
about ``--flights`` flights. Seeded: the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import airportsdata

from geo.geodesy import distance_km

YEAR = 2025
DAYS = 365


def _airports(rng: random.Random) -> list[dict[str, object]]:
    table = airportsdata.load("IATA")
    rows = [
        r for code, r in sorted(table.items())
        if r.get("tz") and len(code) == 3 and "International" in str(r.get("name", ""))
    ]
    rng.shuffle(rows)
    return rows


def _routes(n_flights: int, rng: random.Random) -> list[tuple[dict, dict, list[int], int]]:
    """(origin, destination, local departure minutes, block minutes) per route."""
    pool = _airports(rng)
    hubs, spokes = pool[:80], pool[80:900]
    per_day = n_flights / DAYS
    routes: list[tuple[dict, dict, list[int], int]] = []
    daily = 0
    while daily < per_day:
        a = rng.choice(hubs)
        b = rng.choice(hubs if rng.random() < 0.35 else spokes)
        if a is b:
            continue
        km = distance_km(float(a["lon"]), float(a["lat"]), float(b["lon"]), float(b["lat"]))
        if not 150 <= km <= 12_000:
            continue
        block = int(round((km / 800 * 60 + 25) / 5) * 5)
        freq = min(6, max(1, int(rng.expovariate(1 / 1.8)) + 1)) if km < 4000 else 1
        times = sorted(rng.randrange(330, 1410, 5) for _ in range(freq))
        for pair in ((a, b), (b, a)):  # both ways
            routes.append((pair[0], pair[1], times, block))
            daily += freq
    return routes


def write(path: Path, n_flights: int, seed: int) -> int:
    rng = random.Random(seed)
    routes = _routes(n_flights, rng)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["id", "kind", "title", "start", "end", "origin", "destination",
                      "participants", "status", "sources", "notes"])
        for r, (a, b, times, block) in enumerate(routes):
            za, zb = ZoneInfo(str(a["tz"])), ZoneInfo(str(b["tz"]))
            number = f"SY{r:04d}"
            title = f"{number} {a['iata']} → {b['iata']}"
            for day in range(DAYS):
                on = date(YEAR, 1, 1) + timedelta(days=day)
                for minutes in times:
                    local = datetime(on.year, on.month, on.day, minutes // 60, minutes % 60,
                                     tzinfo=za)
                    dep = local.astimezone(UTC)
                    back = dep.astimezone(za)
                    if (back.hour, back.minute) != (local.hour, local.minute):
                        continue  # a time the clocks skipped that day
                    arr = (dep + timedelta(minutes=block)).astimezone(zb)
                    out.writerow([
                        f"{number}-{day:03d}-{minutes:04d}", "flight", title,
                        local.strftime("%Y-%m-%dT%H:%M"), arr.strftime("%Y-%m-%dT%H:%M"),
                        a["iata"], b["iata"], "", "confirmed", "synthetic schedule", "",
                    ])
                    count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flights", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=20250314)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    n = write(args.out, args.flights, args.seed)
    print(f"{args.out}: {n:,} flights")


if __name__ == "__main__":
    main()
