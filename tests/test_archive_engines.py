"""The SQL other engines run on the store (``geo.archive.engines``): the README quotes it
as declared, and DuckDB running it answers as the Python API does, to the second, on a store
made for the trap of the two-box question (an aircraft shuttling between the two boxes).
Spark runs the same questions in ``benchmarks/spark_sql.py`` (not here: CI has no Spark)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_spec import Fix, Flight, fixes, t, write_globe

from geo.archive import build_store
from geo.archive.engines import (
    README_QUESTIONS,
    Questions,
    duckdb_answers,
    python_answers,
    render_block,
)

README = Path(__file__).resolve().parent.parent / "README.md"

SHUTTLE = [  # one aircraft, EDDF -> EGLL -> EDDF -> EGLL
    Flight("3c6601", "D-AIBA", "A319", "DLH900", o, d, f"2025-03-14T{a}:00Z", f"2025-03-14T{b}:00Z")
    for o, d, a, b in (
        ("EDDF", "EGLL", "07:00", "08:20"),
        ("EGLL", "EDDF", "09:10", "10:30"),
        ("EDDF", "EGLL", "11:20", "12:40"),
    )
]
ONCE = Flight("3c6602", "D-AIBB", "A319", "DLH902", "EDDF", "EGLL", "2025-03-14T15:00:00Z",
              "2025-03-14T16:25:00Z")  # fmt: skip
SLOW = Flight("4ca7b6", "EI-DVN", "B738", "RYR7", "EDDF", "EIDW", "2025-03-14T08:00:00Z",
              "2025-03-14T17:00:00Z")  # fmt: skip  # over EGLL's box, but over 4 h after EDDF's
BOX_EDDF = (7.5706, 49.0333, 9.5706, 51.0333)
BOX_EGLL = (-1.461941, 50.4706, 0.538059, 52.4706)


def at(text: str) -> datetime:
    return datetime.fromtimestamp(t(text), UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("engines")
    shuttle = [f for flight in SHUTTLE for f in fixes(flight)]
    write_globe(root / "globe", [(SHUTTLE[0], shuttle), (ONCE, fixes(ONCE)), (SLOW, fixes(SLOW))])
    build_store([root / "globe"], root / "store")
    return root / "store"


def questions(store: Path, aircraft: str = "d-aiba") -> Questions:
    return Questions(
        store=str(store),
        aircraft=aircraft,
        legs_days=("2025-03-14", "2025-03-14"),
        airport="EGLL",
        start=at("2025-03-14T06:00:00Z"),
        end=at("2025-03-14T18:00:00Z"),
        box_a=BOX_EDDF,
        box_b=BOX_EGLL,
    )


def inside(box: tuple[float, float, float, float], fix: Fix) -> bool:
    return box[1] <= fix.lat <= box[3] and box[0] <= fix.lon <= box[2]


def test_the_readme_quotes_the_sql_as_declared() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    assert render_block(README_QUESTIONS, spark=False) in blocks
    assert render_block(README_QUESTIONS, spark=True) in blocks


def test_duckdb_sql_answers_as_the_python_api_to_the_second(store: Path) -> None:
    q = questions(store)
    python = python_answers(q)
    assert duckdb_answers(q) == python
    assert python["legs"] == [  # by registration, in lower case; first fix: the takeoff
        ("track-3c6601-20250314T0659Z", t("2025-03-14T07:00:00Z")),
        ("track-3c6601-20250314T0909Z", t("2025-03-14T09:10:00Z")),
        ("track-3c6601-20250314T1119Z", t("2025-03-14T11:20:00Z")),
    ]
    assert python["arrivals"] == [
        ("track-3c6601-20250314T0659Z", t("2025-03-14T08:20:00Z")),
        ("track-3c6601-20250314T1119Z", t("2025-03-14T12:40:00Z")),
        ("track-3c6602-20250314T1459Z", t("2025-03-14T16:25:00Z")),
    ]
    for key in ("3c6602", "DLH900"):  # by hex, by callsign
        assert (
            python_answers(questions(store, key))["legs"]
            == duckdb_answers(questions(store, key))["legs"]
        )


def two_boxes(tracks: dict[str, list[Fix]], q: Questions) -> list[tuple[object, ...]]:
    """The two-box question over the specified fixes, by its definition: each aircraft's
    first fix in B with a fix in A (in the window) at most ``within`` before it, and the
    last fix in A before it."""
    start, end = int(q.start.timestamp()), int(q.end.timestamp())
    within_s = q.within_hours * 3600
    out: list[tuple[object, ...]] = []
    for icao24, track in tracks.items():
        in_a = sorted(f.time_s for f in track if start <= f.time_s < end and inside(q.box_a, f))
        for then_s in sorted(f.time_s for f in track if inside(q.box_b, f)):
            before = [s for s in in_a if s < then_s]
            if before and then_s - before[-1] <= within_s:
                out.append((icao24, before[-1], then_s))
                break
    return sorted(out, key=lambda row: (row[2], row[0]))


def test_two_boxes_pair_the_first_fix_in_b_with_the_last_fix_in_a_before_it(store: Path) -> None:
    """The shuttle is in A again after its first visit to B: the answer is its first fix in
    B and the last fix in A before that one (not the last fix in A before any fix in B, which
    the README's Spark SQL gave before it was run); the slow flight reaches B over 4 h after
    it left A."""
    q = questions(store)
    tracks = {
        "3c6601": [f for flight in SHUTTLE for f in fixes(flight)],
        "3c6602": fixes(ONCE),
        "4ca7b6": fixes(SLOW),
    }
    expected = two_boxes(tracks, q)
    assert [row[0] for row in expected] == ["3c6601", "3c6602"]
    assert python_answers(q)["two boxes"] == expected
    assert duckdb_answers(q)["two boxes"] == expected
    box_s, then_s = expected[0][1:]
    assert box_s < then_s < t("2025-03-14T08:20:00Z")  # the first flight's, not the third's
    # the trap is there: the last fix in A with a fix in B within 4 h after it is the
    # third flight's, after the answer's fix in B
    shuttle = tracks["3c6601"]
    in_b = [f.time_s for f in shuttle if inside(q.box_b, f)]
    last_a = max(
        f.time_s
        for f in shuttle
        if inside(q.box_a, f) and any(0 < b - f.time_s <= 4 * 3600 for b in in_b)
    )
    assert last_a > t("2025-03-14T11:00:00Z") > then_s


@pytest.mark.parametrize("name", ["x' OR 1=1 --", "N1'", "a b", ""])
def test_a_name_that_is_not_a_name_is_refused_not_pasted_into_sql(name: str) -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        questions(Path("store"), aircraft=name)


def test_a_window_that_leaves_its_day_is_refused() -> None:
    with pytest.raises(ValueError, match="one UTC day"):  # 22:00 + 4 h is the next day
        replace(questions(Path("store")), start=at("2025-03-14T18:00:00Z"),
                end=at("2025-03-14T22:00:00Z"))  # fmt: skip
