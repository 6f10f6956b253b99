"""The CSV track readers' shared column reading (geo.tracks._common.Rows and its helpers):
each value checked once per distinct cell yet every bad row reported at its line, units
converted, aircraft grouped in first-seen order under the file's bound."""

from __future__ import annotations

import numpy as np
import pytest

from geo.io.csvfile import Table
from geo.model import Problem
from geo.tracks import read_track_bytes
from geo.tracks._common import (
    FEET_PER_METRE,
    MAX_AIRCRAFT,
    Collector,
    Number,
    Part,
    Rows,
    joined,
    parse_parts,
    rows_by_aircraft,
)


def _rows(header: list[str], records: list[list[str]]) -> tuple[Rows, Collector]:
    problems = Collector("f.csv")
    table = Table(header, list(range(2, len(records) + 2)), records)
    return Rows(table, problems), problems


def test_a_bad_ground_flag_is_reported_on_every_row_it_is_on() -> None:
    rows, problems = _rows(["onground"], [["true"], ["maybe"], [" 0 "], ["maybe"], [""]])
    flags = rows.flags("onground")
    assert flags.tolist() == [True, False, False, False, False]
    assert [str(p) for p in problems.listed()] == [
        "f.csv:3: onground: 'maybe' is not true, false, 1, 0 or empty",
        "f.csv:5: onground: 'maybe' is not true, false, 1, 0 or empty",
    ]


def test_numbers_are_scaled_to_the_trace_unit_before_their_range_is_checked() -> None:
    spec = Number("baroaltitude", "altitude", -2_000.0, 130_000.0, "ft", FEET_PER_METRE)
    rows, problems = _rows(["baroaltitude"], [["100"], [""], ["40000"]])
    values, present = rows.number(spec)
    assert values[0] == pytest.approx(328.084, abs=1e-3)  # 100 m in feet
    assert present.tolist() == [True, False, True]
    assert [str(p) for p in problems.listed()] == [
        "f.csv:4: baroaltitude: altitude 131233.5958 ft is outside -2,000..130,000 ft"
    ]


def test_addresses_are_lower_case_and_a_bad_one_is_quoted_as_written() -> None:
    rows, problems = _rows(["icao24"], [["A0B1C2"], ["~00ff0A"], ["ZZ12"], [""]])
    assert rows.hexes("icao24", required=True, what="icao24")[:2] == ["a0b1c2", "~00ff0a"]
    assert [str(p) for p in problems.listed()] == [
        "f.csv:4: icao24: icao24 'ZZ12' is not a 24-bit address in hex (like a0b1c2)",
        "f.csv:5: icao24: icao24 is empty (like a0b1c2)",
    ]


def test_a_text_breaking_the_text_rule_is_read_as_empty_on_each_row() -> None:
    rows, problems = _rows(["callsign"], [[" afl1 "], ["A\u202eB"], ["A\u202eB"]])
    assert rows.text("callsign", "callsign") == ["AFL1", "", ""]
    assert [p.line for p in problems.listed()] == [3, 4]


def test_parts_are_joined_in_order_and_a_problem_keeps_none() -> None:
    def parse(table: Table, problems: Collector) -> Part:
        rows = Rows(table, problems)
        rows.number(Number("x", "x", 0.0, 10.0, required=True))
        rows.text("name", "name")
        return rows.part()

    good = [
        Table(["x", "name"], [2, 3], [["1", "a"], ["2", "b"]]),
        Table(["x", "name"], [4], [["3", "c"]]),
    ]
    parts = parse_parts(good, Collector("f.csv"), parse)
    assert parts is not None
    whole = joined(parts)
    assert whole.lines.tolist() == [2, 3, 4]
    assert whole.arrays["x"].tolist() == [1.0, 2.0, 3.0]
    assert whole.texts["name"] == ["A", "B", "C"]
    bad = [good[0], Table(["x", "name"], [4], [["11", "c"]])]
    problems = Collector("f.csv")
    assert parse_parts(bad, problems, parse) is None
    assert [str(p) for p in problems.listed()] == ["f.csv:4: x: x 11 is outside 0..10"]


def test_rows_by_aircraft_in_first_seen_order_and_bounded() -> None:
    groups = rows_by_aircraft(
        ["b", "a", "b", "c", "a"], [2, 3, 4, 5, 6], Collector("f.csv"), "row", "", ""
    )
    assert groups is not None
    assert {key: rows.tolist() for key, rows in groups.items()} == {
        "b": [0, 2], "a": [1, 4], "c": [3],
    }  # fmt: skip
    assert list(groups) == ["b", "a", "c"]
    keys = [k // 2 for k in range(2 * (MAX_AIRCRAFT + 1))]
    problems = Collector("f.csv")
    lines = np.arange(2, len(keys) + 2)
    assert rows_by_aircraft(keys, lines, problems, "icao24", "(icao24); a file", "split") is None
    assert [str(p) for p in problems.listed()] == [
        f"f.csv:{2 * MAX_AIRCRAFT + 2}: icao24: a {MAX_AIRCRAFT + 1:,}th aircraft (icao24); a "
        f"file may hold {MAX_AIRCRAFT:,}: split"
    ]


def test_an_opensky_file_read_through_the_shared_columns() -> None:
    data = (
        b"time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,baroaltitude,"
        b"lastposupdate\n"
        b"1741906452,A0B1C2,55.5915,37.2615,6.2,245.0,0.0,AZG123  ,true,182.88,1741906451.5\n"
        b"1741906462,a0b1c2,,,,,,AZG123,false,,\n"
        b"1741906472,a0b1c2,55.60,37.27,100.0,245.0,5.08,AZG123,false,304.8,\n"
    )
    problems: list[Problem] = []
    (trace,) = read_track_bytes(data, "states.csv", problems)
    assert problems == []
    assert trace.icao24 == "a0b1c2"
    assert trace.t.tolist() == [1741906451.5, 1741906472.0]  # lastposupdate, else time
    assert trace.alt_ft.tolist() == pytest.approx([600.0, 1000.0])
    assert trace.gs_kt.tolist() == pytest.approx([12.052, 194.384], abs=1e-3)
    assert trace.vrate_fpm is not None
    assert trace.vrate_fpm.tolist() == pytest.approx([0.0, 1000.0])
    assert trace.on_ground.tolist() == [True, False]
    assert trace.callsigns == ("AZG123",)
