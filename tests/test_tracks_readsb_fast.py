"""The readsb reader's fast path (:func:`geo.tracks.readsb._clean_part`) gives, for a clean
part, exactly the columns the careful code gives (byte for byte), and refuses every other
part, which the careful code then reads with its problems, lines and order unchanged.

Each case is read twice, with the fast path and with it switched off (``_clean_part``
answering ``None`` for every part, as before it existed), and the two are compared."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo.tracks.readsb as readsb
from geo.tracks._common import Collector
from tests.test_tracks_fixtures import flight, readsb_json

BASE = 1741906452


@contextmanager
def careful_only() -> Iterator[None]:
    """Every part read by the careful code, as before the fast path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readsb, "_clean_part", lambda *args, **kwargs: None)
        yield


@contextmanager
def fast_answers() -> Iterator[list[bool]]:
    """Whether the fast path took each part it was given (in order)."""
    taken: list[bool] = []
    clean_part = readsb._clean_part

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = clean_part(*args, **kwargs)
        taken.append(found is not None)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readsb, "_clean_part", spy)
        yield taken


def _bytes(values: Any) -> Any:
    if isinstance(values, np.ndarray):
        return (values.dtype.str, values.shape, values.tobytes())
    return values


TRACE_FIELDS = (
    "icao24", "registration", "aircraft_type", "callsign", "callsigns", "t", "lat", "lon",
    "alt_ft", "on_ground", "gs_kt", "track_deg", "vrate_fpm", "new_leg", "stale",
    "callsign_code", "outlier",
)  # fmt: skip


def outcome(text: str) -> tuple[list[str], int, list[tuple[Any, ...]]]:
    """The problems (as lines), how many more were counted, and each trace's values as
    bytes (NaN is NaN, -0.0 is not 0.0)."""
    found = Collector("trace_full_a0b1c2.json")
    traces = readsb.read_readsb(text, found)
    values = [tuple(_bytes(getattr(t, name)) for name in TRACE_FIELDS) for t in traces]
    return [str(p) for p in found.problems], found.problems.dropped, values


def both(text: str) -> tuple[list[str], int, list[tuple[Any, ...]], list[bool]]:
    """The outcome with the fast path (asserted equal to the careful code's), and which
    parts it took."""
    with fast_answers() as taken:
        fast = outcome(text)
    with careful_only():
        slow = outcome(text)
    assert fast == slow
    return (*fast, taken)


def document(rows: list[str], head: str = '"icao":"a0b1c2","r":"N103WG","t":"GLF6"') -> str:
    """A trace with one row per line (row k on line k + 4)."""
    return "{" + head + f',\n"timestamp":{BASE},\n"trace":[\n' + ",\n".join(rows) + "\n]}\n"


FIELDS = ("t", "lat", "lon", "alt", "gs", "track", "flags", "rate", "info", "source", "geom_alt")
FIELDS += ("geom",)  # the geometric vertical rate


def rows(n: int = 8, **changes: str) -> list[str]:
    """``n`` clean rows of 14 values; ``changes`` maps ``"k:field"`` (a name of
    :data:`FIELDS`) to the JSON text of that value of row ``k``."""
    out = []
    for k in range(n):
        fields = {
            "t": str(k),
            "lat": f"55.{k:04d}",
            "lon": "37.5",
            "alt": '"ground"' if k < 2 else str(1000 + 100 * k),
            "gs": "420.5",
            "track": "90.25",
            "flags": "0",
            "rate": "0" if k % 3 else "null",
            "info": '{"flight":"AZG123  "}' if k % 4 == 0 else "null",
            "source": '"adsb_icao"',
            "geom_alt": "null",
            "geom": str(64 * k),
        }
        for key, value in changes.items():
            at, name = key.split(":")
            if int(at) == k:
                fields[name] = value
        out.append("[" + ",".join(fields[name] for name in FIELDS) + ",null,null]")
    return out


# --------------------------------------------------------------------------- clean parts


def test_a_clean_trace_takes_the_fast_path_with_the_careful_values() -> None:
    problems, _, values, taken = both(document(rows()))
    assert problems == [] and taken == [True] and len(values) == 1
    with fast_answers() as taken:
        found = Collector("t.json")
        (trace,) = readsb.read_readsb(document(rows()), found)
    assert taken == [True]
    assert trace.on_ground.tolist() == [True, True] + [False] * 6
    assert np.isnan(trace.alt_ft[:2]).all() and trace.alt_ft[2] == 1200.0
    assert trace.vrate_fpm is not None and trace.vrate_fpm[:4].tolist() == [0.0, 0.0, 0.0, 192.0]
    assert trace.callsigns == ("AZG123",) and trace.callsign_code[[0, 1, 4]].tolist() == [0, -1, 0]
    assert trace.lat[3] == 55.0003 and trace.t[7] == BASE + 7


@pytest.mark.parametrize(
    "text",
    [
        readsb_json(flight(n=12)).decode(),
        readsb_json(flight(n=12), one_line=True).decode(),
        # rows of 7 values (no vertical rate, no aircraft info)
        document([f"[{k},55,37,{1000 * k},400,90,{2 * (k == 3)}]" for k in range(6)]),
        # integers where floats are expected, and nulls in the nullable columns
        document([f"[{k},{50 + k},{-3 - k},null,null,null,1,null]" for k in range(5)]),
        # a "true" inside a text: the columns are type-checked one by one, same values
        document(rows(), head='"icao":"a0b1c2","r":"true","t":"GLF6"'),
    ],
    ids=["readsb", "one-line", "seven-values", "integers-and-nulls", "true-in-a-text"],
)
def test_clean_variants_take_the_fast_path(text: str) -> None:
    problems, _, values, taken = both(text)
    assert problems == [] and len(values) == 1 and taken and all(taken)


def test_out_of_range_values_are_found_after_the_fast_path() -> None:
    """Range and time checks run over the whole columns: a clean part with values out of
    range still takes the fast path, and the problems are the careful code's."""
    text = document(rows(**{"2:alt": "200000", "5:rate": "-300000"}))
    problems, _, values, taken = both(text)
    assert taken == [True] and values == []
    assert problems == [
        "trace_full_a0b1c2.json:6: point 2: altitude 200000 ft is outside -2,000..130,000 ft",
        "trace_full_a0b1c2.json:9: point 5: vertical rate -300000 ft/min is outside "
        "-100,000..100,000 ft/min",
    ]


# --------------------------------------------------------------------------- refused parts

EDGES = {  # each a part of rows of one width: the fast path itself must refuse it
    "a null latitude": (
        rows(**{"3:lat": "null"}),
        "trace_full_a0b1c2.json:7: point 3: latitude null is not a number",
    ),
    "a text altitude other than ground": (
        rows(**{"4:alt": '"high"'}),
        'trace_full_a0b1c2.json:8: point 4: altitude "high" is not a number, "ground" or null',
    ),
    "a callsign that is not text": (
        rows(**{"5:info": '{"flight":5}'}),
        "trace_full_a0b1c2.json:9: point 5: callsign 5 is not text",
    ),
    "a callsign the text rule refuses": (
        rows(**{"5:info": '{"flight":"AZG\\u0007"}'}),
        "trace_full_a0b1c2.json:9: point 5: callsign contains U+0007",
    ),
    "an integer too large for a float": (
        rows(**{"6:geom": "1" + "0" * 400}),
        "trace_full_a0b1c2.json:10: point 6: vertical rate "
        "1000000000000000000000000000000000000... (401 characters) is too large",
    ),
    "a boolean for a speed": (
        rows(**{"1:gs": "true"}),
        "trace_full_a0b1c2.json:5: point 1: ground speed true is not a number or null",
    ),
    "flags beyond 31 bits": (
        rows(**{"2:flags": "2147483648"}),
        "trace_full_a0b1c2.json:6: point 2: flags 2147483648 is not a bitfield",
    ),
    "an aircraft info that is not an object": (
        rows(**{"2:info": '"AZG1"'}),
        'trace_full_a0b1c2.json:6: point 2: aircraft info "AZG1" is not an object or null',
    ),
    "a row that is not an array": (
        rows()[:2] + ['{"lat":55}'],
        "trace_full_a0b1c2.json:6: point 2: expected an array",
    ),
    "a NaN speed beside a null one (read by json, not orjson)": (
        rows(**{"1:gs": "null", "3:gs": "NaN"}),
        "trace_full_a0b1c2.json:7: point 3: ground speed NaN is not a finite number",
    ),
    "a NaN time offset (read by json, not orjson)": (
        rows(**{"2:t": "NaN"}),
        "trace_full_a0b1c2.json:6: point 2: time offset NaN is not a finite number",
    ),
}


@pytest.mark.parametrize("case", EDGES, ids=list(EDGES))
def test_a_part_that_is_not_clean_gets_the_careful_problems(case: str) -> None:
    lines, expected = EDGES[case]
    problems, _, values, taken = both(document(lines))
    assert values == [] and len(problems) == 1, problems
    assert problems[0].startswith(expected)
    if "NaN" not in case:  # NaN is a float: the fast path takes it, the range check finds it
        assert taken == [False]


def test_a_column_of_arrays_is_refused() -> None:
    """numpy would read a column whose every value is ``[55]`` as a 2-D array of numbers."""
    lines = [row.replace("55.", "[55.").replace(",37.5", "],37.5") for row in rows(3)]
    problems, _, values, taken = both(document(lines))
    assert taken == [False] and values == []
    assert problems == [
        f"trace_full_a0b1c2.json:{k + 4}: point {k}: latitude {value} is not a number"
        for k, value in enumerate(["[55.0]", "[55.0001]", "[55.0002]"])
    ]


def test_rows_of_mixed_widths_are_read_by_the_careful_code_with_the_same_values() -> None:
    lines = rows(6)
    lines[3] = "[3,55.0003,37.5,1300,420.5,90.25,0,null]"  # 8 values among rows of 14
    problems, _, values, taken = both(document(lines))
    assert problems == [] and len(values) == 1 and taken == [False]


def test_a_bad_part_among_clean_parts_keeps_the_problems_lines_and_codes() -> None:
    """Parts of about 120 characters: the clean ones take the fast path, the one with a bad
    row does not; the callsigns are coded in order of first appearance across all of them."""
    lines = rows(40, **{"9:info": '{"flight":"BAD\\u0001"}', "12:info": '{"flight":"AZG7"}'})
    lines[21] = rows(22, **{"21:lon": '"east"'})[21]
    text = document(lines)
    fixed = text.replace('"BAD\\u0001"', '"AZG9"').replace('"east"', "37.5")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readsb, "_PART", 120)
        problems, _, _, taken = both(text)
        _, _, values, taken_clean = both(fixed)
    assert True in taken and False in taken and all(taken_clean)
    assert problems == [
        "trace_full_a0b1c2.json:13: point 9: callsign contains U+0001 (a control character) at "
        "position 4; text may not hold it, remove it",
        'trace_full_a0b1c2.json:25: point 21: longitude "east" is not a number',
    ]
    assert len(values) == 1


# --------------------------------------------------------------------------- any rows

_VALUE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=2**31 + 2),
    st.sampled_from([None, "ground", "x", True, False, 0, 2, 2**53 + 1, 2**63, -0.0]),
    st.fixed_dictionaries({"flight": st.one_of(st.none(), st.integers(), st.text(max_size=4))}),
)
_ROW = st.one_of(
    st.lists(_VALUE, min_size=7, max_size=14),
    st.lists(st.one_of(st.floats(-80, 80), st.integers(0, 3)), min_size=7, max_size=7),
    st.builds(list, st.tuples(*[st.floats(0, 360)] * 3, st.sampled_from(["ground", 100, None]),
                              *[st.one_of(st.none(), st.floats(0, 400))] * 2, st.integers(0, 3),
                              st.one_of(st.none(), st.integers(-5000, 5000)))),
)  # fmt: skip


def _columns(points: readsb._Points) -> dict[str, Any]:
    return {name: _bytes(np.concatenate(parts)) for name, parts in points.parts.items() if parts}


def _read(parts: list[list[Any]], booleans: bool, add: Callable[..., Any]) -> tuple[Any, ...]:
    points = readsb._Points(booleans=booleans)
    for part in parts:
        add(points, part)
    return _columns(points), points.kept, points.more, points.names, points.count


@settings(deadline=None, max_examples=300)
@given(st.lists(st.lists(_ROW, min_size=1, max_size=12), min_size=1, max_size=3))
def test_any_parts_give_the_careful_columns_and_problems(parts: list[list[Any]]) -> None:
    """Rows of any JSON values, given a part at a time: the same columns (byte for byte),
    problems and callsign codes as the careful code. ``booleans`` as the reader sets it
    from the document's text."""
    text = json.dumps(parts)
    booleans = "true" in text or "false" in text
    fast = _read(parts, booleans, readsb._Points.add)
    with careful_only():
        slow = _read(parts, booleans, readsb._Points.add)
    assert fast == slow


_POISON = st.sampled_from(
    [None, "x", "ground", True, False, 2**31, -1, 10**400, 2**64, 1.5, [1], {}, "", {"flight": 5},
     {"flight": "A\x01"}, {"flight": "  "}, {"flight": None}, float("nan"), -0.0, 2**63]
)  # fmt: skip
_CLEAN = st.builds(
    lambda t, lat, gs, alt, rate, info: [t, lat, 37.5, alt, gs, 90.0, 2, rate, info, "adsb_icao",
                                     None, 64, None, None],
    st.floats(0, 1e5), st.one_of(st.floats(-90, 90), st.integers(-90, 90)),
    st.sampled_from([420.5, 12, None]),
    st.sampled_from(["ground", 1000, 1500.5, None]), st.sampled_from([0, -64, None]),
    st.sampled_from([None, {"flight": "AZG1 "}, {"flight": "azg2"}, {"type": "adsb"}]),
)  # fmt: skip


@settings(deadline=None, max_examples=300)
@given(
    st.lists(_CLEAN, min_size=1, max_size=10),
    st.integers(0, 9),
    st.integers(0, 13),
    _POISON,
    st.booleans(),
)
def test_one_bad_value_in_a_clean_part_gives_the_careful_problems(
    part: list[list[Any]], row: int, column: int, bad: Any, poisoned: bool
) -> None:
    """A clean part (which the fast path takes) with one value replaced by one that may not
    belong there: the same columns, problems and codes as the careful code."""
    if poisoned:
        part[row % len(part)][column] = bad
    text = json.dumps(part)
    booleans = "true" in text or "false" in text
    fast = _read([part], booleans, readsb._Points.add)
    with careful_only():
        slow = _read([part], booleans, readsb._Points.add)
    assert fast == slow
    if not poisoned:
        with fast_answers() as taken:
            _read([part], booleans, readsb._Points.add)
        assert taken == [True]


def test_large_integers_become_the_floats_python_makes() -> None:
    """numpy reading integers as int64 then float64 rounds as ``float(int)`` does."""
    big = [2**53 + 1, 2**62 + 2**9 + 1, -(2**63), 2**63 - 1, 9007199254740993, 3]
    part = [[k, v, v, v, v, v, 0, v] for k, v in enumerate(big)]
    points = readsb._Points(booleans=False)
    with fast_answers() as taken:
        points.add(part)
    assert taken == [True]
    lat = np.concatenate(points.parts["lat"])
    assert lat.tolist() == [float(v) for v in big]
    with careful_only():
        slow = readsb._Points(booleans=False)
        slow.add(part)
    assert _columns(points) == _columns(slow)
