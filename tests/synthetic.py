"""Synthetic events for benchmarks: N events at random airports over ten years, F flights.

    python benchmarks/generate.py --events 100000 --flights 1000 --out /tmp/events.csv

It lives among the tests (tests/synthetic.py), which read nothing from benchmarks/;
benchmarks/generate.py runs it from the command line.

Places are airport codes drawn from the ``airportsdata`` package (so the shipped airports.csv
does not have to list them); times are local at the event's place, like real data. Kinds and
statuses are mixed; a share of the events (``--origin-share``) names one or two origins, so
the map draws contact arcs for them. Flights get plausible times: great-circle distance at
750 km/h plus 30 minutes, departure and arrival written in each airport's local time.
Seeded: the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import airportsdata

from geo.geodesy import distance_km

KINDS = ["visit", "meeting", "call", "agreement", "statement", "report", "letter"]
STATUSES = ["confirmed", "reported", "speculative"]
START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_S = 10 * 365 * 86400


def airports(n: int, rng: random.Random) -> list[dict[str, object]]:
    table = airportsdata.load("IATA")
    rows = [
        r for code, r in sorted(table.items())
        if r.get("tz") and len(code) == 3 and r.get("name")
    ]
    return rng.sample(rows, min(n, len(rows)))


def write(path: Path, n_events: int, n_flights: int, origin_share: float, seed: int) -> None:
    rng = random.Random(seed)
    pool = airports(2000, rng)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["id", "kind", "title", "start", "end", "origin", "destination",
                      "participants", "status", "sources", "notes"])
        for i in range(n_events):
            dest = rng.choice(pool)
            tz = ZoneInfo(str(dest["tz"]))
            when = (START + timedelta(seconds=rng.randrange(SPAN_S))).astimezone(tz)
            precision = rng.random()
            if precision < 0.6:
                start, end = when.strftime("%Y-%m-%d"), ""
            elif precision < 0.8:
                start = when.strftime("%Y-%m")
                end = (when + timedelta(days=rng.choice([0, 40, 70]))).strftime("%Y-%m")
            else:
                start, end = when.strftime("%Y-%m-%dT%H:%M"), ""
            origins = ""
            if rng.random() < origin_share:
                origins = ";".join(str(rng.choice(pool)["iata"]) for _ in range(rng.randint(1, 2)))
            kind = rng.choice(KINDS)
            out.writerow([
                f"ev{i:06d}", kind, f"Synthetic {kind} {i}", start, end, origins, dest["iata"],
                f"Person {rng.randrange(500)};Person {rng.randrange(500)}",
                rng.choice(STATUSES), f"Source {rng.randrange(50)};https://example.org/{i}",
                "generated" if rng.random() < 0.5 else "",
            ])
        for j in range(n_flights):
            while True:  # a route a jet flies without landing (up to 12,000 km, 16 h)
                a, b = rng.sample(pool, 2)
                km = distance_km(float(a["lon"]), float(a["lat"]), float(b["lon"]),
                                 float(b["lat"]))
                if km <= 12_000:
                    break
            minutes = int(km / 750 * 60) + 30
            dep = START + timedelta(minutes=rng.randrange(SPAN_S // 60))
            arr = dep + timedelta(minutes=minutes)
            out.writerow([
                f"fl{j:05d}", "flight", f"Flight {a['iata']}-{b['iata']}",
                dep.astimezone(ZoneInfo(str(a["tz"]))).strftime("%Y-%m-%dT%H:%M"),
                arr.astimezone(ZoneInfo(str(b["tz"]))).strftime("%Y-%m-%dT%H:%M"),
                a["iata"], b["iata"], "Crew", rng.choice(STATUSES), "ADS-B (synthetic)", "",
            ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--flights", type=int, default=100)
    parser.add_argument("--origin-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=20250314)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write(args.out, args.events, args.flights, args.origin_share, args.seed)
    print(f"{args.out}: {args.events} events + {args.flights} flights")


if __name__ == "__main__":
    main()
