"""The README's three archive questions in Spark SQL, in DuckDB SQL and through the Python
API, on one store; prints whether the answers agree (the same legs, aircraft and times).

    pip install -e '.[spark]'   # pyspark, not a dependency of geo; Java 17 on the PATH
    python benchmarks/generate_globe_day.py --legs 300 --out /tmp/spark-globe
    python -m geo archive build /tmp/spark-globe/2025 --out /tmp/spark-store --synthetic
    python benchmarks/spark_sql.py --store /tmp/spark-store [--readme]

The SQL is :mod:`geo.archive.engines`' (the text the README quotes). The questions are
picked from the store's data (the busiest arrival airport of 06:00-18:00 UTC on its middle
day, the first aircraft to arrive there, boxes of 2 degrees around the two ends of the most
common route of at most 3 hours leaving in that window), or with ``--readme`` the README's
own (the benchmark day's).
Spark runs local (``local[2]``, no UI, no network), its session time zone set to
``--session-tz`` (the answers must not depend on it). Exit 0 when all agree. Run with
Spark 3.5.9 and 4.3.0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.archive import legs  # noqa: E402
from geo.archive.airports import resolve_airport  # noqa: E402
from geo.archive.engines import (  # noqa: E402
    QUESTION_KEYS,
    README_QUESTIONS,
    SPARK,
    SPARK_SETUP,
    Answers,
    Questions,
    duckdb_answers,
    keys,
    python_answers,
)


def pick_questions(store: Path) -> Questions:
    """Questions with answers on this store (like ``bench_archive.Questions``)."""
    days = json.loads((store / "archive.json").read_text(encoding="utf-8"))["days"]
    day = datetime.strptime(days[len(days) // 2], "%Y-%m-%d").replace(tzinfo=UTC)
    start, end = day + timedelta(hours=6), day + timedelta(hours=18)
    every = legs(store)
    s, e = int(start.timestamp()), int(end.timestamp())
    landing = every[(every["landing_s"] >= s) & (every["landing_s"] < e)]
    airport = str(landing["landing_airport"].value_counts().index[0])
    arriving = landing[landing["landing_airport"] == airport].iloc[0]
    aircraft = str(arriving["registration"] or arriving["icao24"])
    short = every[
        (every["takeoff_s"] >= s)
        & (every["takeoff_s"] < e)
        & (every["landing_s"] - every["takeoff_s"] <= 3 * 3600)
    ]
    pairs = Counter(zip(short["takeoff_airport"], short["landing_airport"], strict=True))
    (origin, destination), _ = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    boxes = []
    for code in (origin, destination):
        field = resolve_airport(str(code))
        assert field is not None, code
        boxes.append(
            (
                round(field.lon_deg - 1, 6),
                round(field.lat_deg - 1, 6),
                round(field.lon_deg + 1, 6),
                round(field.lat_deg + 1, 6),
            )
        )
    return Questions(
        store=str(store),
        aircraft=aircraft,
        legs_days=(days[0], days[-1]),
        airport=airport,
        start=start,
        end=end,
        box_a=boxes[0],
        box_b=boxes[1],
    )


def spark_answers(questions: Questions, session_tz: str) -> tuple[str, Answers]:
    """Spark's version and its answers to :data:`SPARK`'s SQL (local, 2 threads)."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("geo-archive-sql")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", session_tz)
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    try:
        spark.sparkContext.setLogLevel("ERROR")
        fields = questions.fields()
        for statement in SPARK_SETUP:
            spark.sql(statement.format(**fields))
        out: Answers = {}
        for key in QUESTION_KEYS:
            rows: list[dict[str, Any]] = [
                r.asDict() for r in spark.sql(SPARK[key].format(**fields)).collect()
            ]
            out[key] = keys(key, rows)
        return str(spark.version), out
    finally:
        spark.stop()


def describe(q: Questions) -> str:
    return (
        f"aircraft {q.aircraft} (legs of {q.legs_days[0]}..{q.legs_days[1]}); arrivals at "
        f"{q.airport} {q.start:%Y-%m-%d %H:%M}-{q.end:%H:%M}Z; box {q.box_a} then box "
        f"{q.box_b} within {q.within_hours} h"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--readme", action="store_true", help="the README's questions")
    parser.add_argument("--aircraft", help="instead of the one picked from the data")
    parser.add_argument("--session-tz", default="UTC", help="Spark's session time zone")
    args = parser.parse_args(argv)
    store: Path = args.store
    if args.readme:
        questions = replace(README_QUESTIONS, store=str(store))
    else:
        questions = pick_questions(store)
    if args.aircraft:
        questions = replace(questions, aircraft=args.aircraft)
    import duckdb

    python = python_answers(questions)
    duck = duckdb_answers(questions)
    version, spark = spark_answers(questions, args.session_tz)
    info = json.loads((store / "archive.json").read_text(encoding="utf-8"))
    print(
        f"store {store}: {info['legs']:,} legs, {info['positions']:,} positions; Spark {version}"
        f" (local[2], session time zone {args.session_tz}), DuckDB {duckdb.__version__}"
    )
    print(describe(questions))
    agree = True
    for key in QUESTION_KEYS:
        same = python[key] == duck[key] == spark[key]
        agree = agree and same
        first = python[key][0] if python[key] else None
        print(
            f"{key:10}  python {len(python[key]):3}  duckdb {len(duck[key]):3}  "
            f"spark {len(spark[key]):3}  {'agree' if same else 'DIFFER'}  first: {first}"
        )
        if not same:
            print(f"  python {python[key]}\n  duckdb {duck[key]}\n  spark  {spark[key]}")
    print("all three engines agree on all three questions" if agree else "the engines DIFFER")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
