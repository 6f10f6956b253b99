"""Build ``data/airports.csv`` for the airports the project uses.

Source: the ``airportsdata`` package (``airportsdata.load("IATA")``; data from
https://github.com/mborsetti/airportsdata, MIT licence). Lat/lon are rounded to 4 decimals;
``tz`` is the IANA zone given by airportsdata. Edit ``IATA_CODES`` to add airports.

Rebuild (needs ``pip install airportsdata``)::

    python scripts/build_airports.py
"""

from __future__ import annotations

import csv
import sys
import zoneinfo
from pathlib import Path

import airportsdata

IATA_CODES = ["VKO", "GYD", "IAD", "TLV", "EVN", "NQZ"]

OUT = Path(__file__).resolve().parent.parent / "data" / "airports.csv"
HEADER = ["iata", "icao", "name", "city", "country", "lat", "lon", "tz"]


def main() -> int:
    airports = airportsdata.load("IATA")
    missing = [code for code in IATA_CODES if code not in airports]
    if missing:
        raise SystemExit(f"ERROR: not in airportsdata: {missing}")
    rows = []
    for code in sorted(IATA_CODES):
        a = airports[code]
        zoneinfo.ZoneInfo(a["tz"])  # raises if unknown
        rows.append(
            [
                a["iata"],
                a["icao"],
                a["name"],
                a["city"],
                a["country"],
                str(round(a["lat"], 4)),
                str(round(a["lon"], 4)),
                a["tz"],
            ]
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"Wrote {OUT} with {len(rows)} rows")
    print(f"Data source: airportsdata {airportsdata.__version__} (MIT licence)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
