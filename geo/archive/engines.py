"""The archive's three questions as SQL for engines that read the store as it is.

The store is plain hive-partitioned Parquet, so DuckDB (here, or on object storage) and Spark
(Trino and Athena alike) answer the three questions without ``geo``: legs of an aircraft;
arrivals at an airport in a window; in box A in the window, then in box B within a duration.
The SQL text is declared once, here, as templates: the README quotes them rendered with
:data:`README_QUESTIONS` (``tests/test_archive_engines.py`` checks the quote), and
``benchmarks/spark_sql.py`` runs them on a store in Spark and DuckDB and compares the answers
with the Python API's (:func:`python_answers`), as the tests do for DuckDB.

What the engines see of the partitions: DuckDB reads ``day`` as DATE and ``hour`` as text
(``HH``, zero-padded, so it compares as text); Spark reads ``day`` as DATE and ``hour`` as
INT. Spark has no ASOF join: "the last fix in A before the fix in B, at most D before it" is a
window frame over A's and B's fixes together (``RANGE BETWEEN D PRECEDING AND 1 PRECEDING``
on the integer seconds). Times are Unix seconds and the literals carry their offset, so no
session time zone changes an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from geo.archive.query import at_airport, box, check_box, legs

__all__ = [
    "DUCKDB",
    "QUESTION_KEYS",
    "README_QUESTIONS",
    "SPARK",
    "SPARK_SETUP",
    "Answers",
    "Questions",
    "duckdb_answers",
    "keys",
    "python_answers",
    "render_block",
]

_NAME = re.compile(r"[A-Za-z0-9~-]{1,16}")
_BOX = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Questions:
    """What the three questions ask: ``aircraft`` (hex, registration or callsign) over the
    legs of ``legs_days`` (first and last UTC day of the legs' first fixes); arrivals at
    ``airport`` (as the store writes it: ICAO, else IATA) in ``[start, end)``; in ``box_a``
    in ``[start, end)``, then in ``box_b`` at most ``within_hours`` later. The window is
    whole hours of one UTC day, and ``end`` plus ``within_hours`` stays in that day (the SQL
    names its partitions)."""

    store: str
    aircraft: str
    legs_days: tuple[str, str]
    airport: str
    start: datetime
    end: datetime
    box_a: _BOX
    box_b: _BOX
    within_hours: int = 4

    def __post_init__(self) -> None:
        for name, value in (("aircraft", self.aircraft), ("airport", self.airport)):
            if not _NAME.fullmatch(value):
                raise ValueError(f"{name} {value!r}: letters, digits, '-' or '~' only")
        if "'" in self.store:
            raise ValueError(f"store {self.store!r}: a path without quotes")
        for day in self.legs_days:
            datetime.strptime(day, "%Y-%m-%d")  # noqa: DTZ007 (a date, checked for its form)
        for moment in (self.start, self.end):
            if moment.utcoffset() != timedelta(0) or moment.timestamp() % 3600:
                raise ValueError(f"{moment.isoformat()}: a whole hour in UTC")
        last = self.start.replace(hour=0) + timedelta(days=1)
        if not (self.start < self.end and self.end + self.within_timedelta <= last):
            raise ValueError("the window, and the window plus within_hours, stay in one UTC day")
        for bbox in (self.box_a, self.box_b):
            if check_box(bbox)[0] > bbox[2]:
                raise ValueError(f"box {bbox}: the SQL here takes no box across the antimeridian")

    @property
    def within_timedelta(self) -> timedelta:
        return timedelta(hours=self.within_hours)

    def fields(self) -> dict[str, str]:
        """The templates' fields."""
        day = self.start.date()
        b_last = (self.end + self.within_timedelta - timedelta(hours=1)).hour
        out = {
            "store": self.store,
            "aircraft": self.aircraft,
            "day_from": self.legs_days[0],
            "day_to": self.legs_days[1],
            "airport": self.airport,
            "day_before": (day - timedelta(days=1)).isoformat(),
            "day": day.isoformat(),
            "start": self.start.strftime("%Y-%m-%d %H:%M:%S"),
            "end": self.end.strftime("%Y-%m-%d %H:%M:%S"),
            "a_first": f"{self.start.hour:02d}",
            "a_last": f"{self.end.hour - 1:02d}",
            "b_last": f"{b_last:02d}",
            "a_first_int": str(self.start.hour),
            "a_last_int": str(self.end.hour - 1),
            "b_last_int": str(b_last),
            "within_hours": str(self.within_hours),
        }
        for prefix, bbox in (("a", self.box_a), ("b", self.box_b)):
            min_lon, min_lat, max_lon, max_lat = (round(v * 1e6) for v in bbox)
            out[f"{prefix}_lat"] = f"lat_udeg BETWEEN {min_lat} AND {max_lat}"
            out[f"{prefix}_lon"] = f"lon_udeg BETWEEN {min_lon} AND {max_lon}"
        return out


README_QUESTIONS = Questions(
    store="store",
    aircraft="N9374GX",
    legs_days=("2025-03-13", "2025-03-15"),
    airport="KLAL",
    start=datetime(2025, 3, 14, 6, tzinfo=UTC),
    end=datetime(2025, 3, 14, 18, tzinfo=UTC),
    box_a=(-83.019, 26.987639, -81.019, 28.987639),
    box_b=(-78.459929, 37.947456, -76.459929, 39.947456),
)
"""The README's questions: those of ``geo archive`` on the benchmark day (README)."""

QUESTION_KEYS = ("legs", "arrivals", "two boxes")

_TITLES = {
    "legs": "legs of an aircraft (its hex, registration or a callsign), by first fix",
    "arrivals": (
        "arrivals at an airport in a window (legs by the day of their first fix: the day\n"
        "-- before too; departures: takeoff_airport, takeoff_s)"
    ),
    "two boxes": (
        "in box A in the window, then in box B within {within_hours} hours (micro-degrees, Unix\n"
        "-- seconds): each aircraft's first fix in B with a fix in A at most {within_hours} h\n"
        "-- before it, and the"
        " last fix in A before it"
    ),
}

DUCKDB = {
    "legs": """\
SELECT * FROM read_parquet('{store}/legs/*/*.parquet', hive_partitioning = true)
WHERE day BETWEEN '{day_from}' AND '{day_to}'
  AND (icao24 = lower('{aircraft}') OR registration = upper('{aircraft}')
       OR list_contains(string_split(callsigns, ';'), upper('{aircraft}')))
ORDER BY first_s, icao24""",
    "arrivals": """\
SELECT * FROM read_parquet('{store}/legs/*/*.parquet', hive_partitioning = true)
WHERE day BETWEEN '{day_before}' AND '{day}' AND landing_airport = '{airport}'
  AND landing_s >= epoch(TIMESTAMPTZ '{start}+00')
  AND landing_s <  epoch(TIMESTAMPTZ '{end}+00')
ORDER BY landing_s, icao24""",
    "two boxes": """\
WITH p AS (SELECT icao24, time_s, lat_udeg, lon_udeg, hour
           FROM read_parquet('{store}/positions/*/*/*.parquet', hive_partitioning = true)
           WHERE day = '{day}' AND hour BETWEEN '{a_first}' AND '{b_last}'),
a AS (SELECT icao24, time_s FROM p WHERE hour BETWEEN '{a_first}' AND '{a_last}'
      AND {a_lat} AND {a_lon}),
b AS (SELECT icao24, time_s FROM p
      WHERE {b_lat} AND {b_lon}),
pairs AS (SELECT b.icao24, a.time_s AS box_s, b.time_s AS then_s
          FROM b ASOF JOIN a ON b.icao24 = a.icao24 AND b.time_s > a.time_s
          WHERE b.time_s - a.time_s <= {within_hours} * 3600)
SELECT icao24, arg_min(box_s, then_s) AS box_s, min(then_s) AS then_s
FROM pairs GROUP BY icao24 ORDER BY then_s, icao24""",
}
"""DuckDB SQL of each question (fields: :meth:`Questions.fields`)."""

SPARK_SETUP = (
    "CREATE TEMPORARY VIEW legs USING parquet OPTIONS (path '{store}/legs')",
    "CREATE TEMPORARY VIEW positions USING parquet OPTIONS (path '{store}/positions')",
)
"""Spark SQL: the store's two tables as views (Spark finds the ``day=``/``hour=`` partitions)."""

SPARK = {
    "legs": """\
SELECT * FROM legs WHERE day BETWEEN '{day_from}' AND '{day_to}'
  AND (icao24 = lower('{aircraft}') OR registration = upper('{aircraft}')
       OR array_contains(split(callsigns, ';'), upper('{aircraft}')))
ORDER BY first_s, icao24""",
    "arrivals": """\
SELECT * FROM legs WHERE day BETWEEN '{day_before}' AND '{day}' AND landing_airport = '{airport}'
  AND landing_s >= unix_seconds(TIMESTAMP '{start}+00:00')
  AND landing_s <  unix_seconds(TIMESTAMP '{end}+00:00')
ORDER BY landing_s, icao24""",
    "two boxes": """\
WITH a AS (SELECT icao24, time_s, true AS in_a FROM positions
           WHERE day = '{day}' AND hour BETWEEN {a_first_int} AND {a_last_int}
             AND {a_lat}
             AND {a_lon}),
b AS (SELECT icao24, time_s, false AS in_a FROM positions
      WHERE day = '{day}' AND hour BETWEEN {a_first_int} AND {b_last_int}
        AND {b_lat} AND {b_lon}),
seen AS (SELECT icao24, time_s, in_a,
                max(IF(in_a, time_s, NULL)) OVER (PARTITION BY icao24 ORDER BY time_s
                    RANGE BETWEEN {within_hours} * 3600 PRECEDING AND 1 PRECEDING) AS box_s
         FROM (SELECT * FROM a UNION ALL SELECT * FROM b))
SELECT icao24, min_by(box_s, time_s) AS box_s, min(time_s) AS then_s
FROM seen WHERE NOT in_a AND box_s IS NOT NULL
GROUP BY icao24 ORDER BY then_s, icao24""",
}
"""Spark SQL of each question, over :data:`SPARK_SETUP`'s views."""


def render_block(questions: Questions, *, spark: bool) -> str:
    """The SQL block the README shows: each statement after its comment, ending in ``;``."""
    fields = questions.fields()
    parts: list[str] = []
    if spark:
        parts += [s.format(**fields) + ";" for s in SPARK_SETUP]
    for key in QUESTION_KEYS:
        sql = (SPARK if spark else DUCKDB)[key].format(**fields)
        parts.append(f"-- {_TITLES[key].format(**fields)}\n{sql};")
    return "\n".join(parts) + "\n"


Answers = dict[str, list[tuple[object, ...]]]
"""Per question, what must agree: legs ``(leg_id, first_s)``, arrivals ``(leg_id,
landing_s)``, two boxes ``(icao24, box_s, then_s)``, in the answer's order."""

_KEY_COLUMNS = {
    "legs": ("leg_id", "first_s"),
    "arrivals": ("leg_id", "landing_s"),
    "two boxes": ("icao24", "box_s", "then_s"),
}


def _plain(column: str, value: object) -> object:
    if column.endswith("_s"):  # Unix seconds: int64 in every engine
        return int(str(value))
    return str(value)


def keys(key: str, rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """The columns of one question's answer that must agree, as plain values."""
    return [tuple(_plain(c, r[c]) for c in _KEY_COLUMNS[key]) for r in rows]


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def python_answers(questions: Questions) -> Answers:
    """The three questions through ``geo.archive`` (``legs``, ``at_airport``, ``box``) on
    ``questions.store``; ``legs`` of all the store's days (``legs_days`` should span them)."""
    q = questions
    store = q.store
    asked: dict[str, Callable[[], pd.DataFrame]] = {
        "legs": lambda: legs(store, aircraft=q.aircraft),
        "arrivals": lambda: at_airport(store, q.airport, q.start, q.end).arrivals,
        "two boxes": lambda: box(
            store, q.box_a, q.start, q.end, then=q.box_b, within=q.within_timedelta
        ),
    }
    return {key: keys(key, _records(asked[key]())) for key in QUESTION_KEYS}


def duckdb_answers(questions: Questions) -> Answers:
    """The three questions in :data:`DUCKDB`'s SQL, run by DuckDB on ``questions.store``."""
    import duckdb

    fields = questions.fields()
    out: Answers = {}
    with duckdb.connect(config={"threads": 2}) as con:
        for key in QUESTION_KEYS:
            cursor = con.execute(DUCKDB[key].format(**fields))
            names = [d[0] for d in cursor.description]
            out[key] = keys(key, [dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return out
