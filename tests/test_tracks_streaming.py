"""readsb traces and KML read a part at a time: a 16 MiB file of valid fixes in bounded
memory, and the same traces, problems and lines whatever the size of the parts (the whole
document in one part is how they were read before).

Built from the written specification of each format (see ``test_tracks_fixtures``), not
from a recording."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo.tracks._common as common
import geo.tracks.kml as kml_module
import geo.tracks.readsb as readsb_module
from geo.model import Problem
from geo.tracks import Trace, read_track_bytes
from tests.test_tracks_fixtures import GYD, T0, VKO, flight, kml, readsb_json

SIZE = 16 * 2**20
MiB = 2**20


def measured(data: bytes, name: str) -> tuple[list[Trace], list[Problem], int]:
    """The traces and problems of ``data``, and the peak of Python memory reading it."""
    found: list[Problem] = []
    tracemalloc.start()
    try:
        traces = read_track_bytes(data, name, found)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return traces, found, peak


# --------------------------------------------------------------------------- bounded memory


def big_readsb() -> tuple[bytes, int]:
    """A 16 MiB trace_full_<hex>.json as readsb writes it: one 14-value row per line, every
    tenth with the aircraft's info; the first 20 on the ground."""
    head = f'{{"icao":"a0b1c2",\n"r":"N103WG",\n"t":"GLF6",\n"timestamp":{T0},\n"trace":[\n'
    info = '{"type":"adsb_icao","flight":"AZG123  "}'
    rows: list[str] = []
    size = len(head)
    while size < SIZE:
        k = len(rows)
        alt = '"ground"' if k < 20 else str(1000 + k % 30000)
        rows.append(
            f"[{k * 0.5:.2f},{55 + k % 100000 * 1e-5:.6f},{37 + k % 100000 * 1e-5:.6f},{alt},"
            f"{300 + k % 100:.1f},{k % 360:.1f},0,{k % 64 * 64},{info if k % 10 == 0 else 'null'},"
            '"adsb_icao",null,null,null,null]'
        )
        size += len(rows[-1]) + 2
    return (head + ",\n".join(rows) + "\n]\n}\n").encode(), len(rows)


def test_a_16_mib_readsb_trace_is_read_in_bounded_memory() -> None:
    """Decoded whole (orjson, then columns from the tree), this trace peaked at 281 MiB of
    Python objects. Read a part at a time it holds its text (16 MiB), its columns (about
    100 bytes a fix: 17 MB, twice while they are joined) and one part's objects (about
    3,000 rows): 48 MiB measured, bounded here at 80."""
    data, rows = big_readsb()
    assert len(data) >= SIZE
    (trace,), found, peak = measured(data, "trace_full_a0b1c2.json")
    assert peak < 80 * MiB, f"peak {peak / MiB:.0f} MiB"
    assert found == []
    assert len(trace) == rows and trace.icao24 == "a0b1c2" and trace.callsign == "AZG123"
    assert trace.t[0] == T0 and trace.t[-1] == T0 + (rows - 1) * 0.5
    assert int(trace.on_ground.sum()) == 20 and trace.alt_ft[20] == 1020.0
    assert trace.lat[12345] == pytest.approx(55.12345, abs=1e-9)


def big_kml() -> tuple[bytes, int]:
    """A 16 MiB KML: Placemarks of 20,000 fixes, one a second, named AZG100, AZG101, ..."""
    start = datetime.fromtimestamp(T0, UTC)
    marks: list[str] = []
    size = k = 0
    while size < SIZE:
        whens, coords = [], []
        for _ in range(20_000):
            when = datetime.fromtimestamp(T0 + k, UTC) if k else start
            whens.append(f"      <when>{when:%Y-%m-%dT%H:%M:%SZ}</when>")
            coords.append(
                f"      <gx:coord>{37 + k % 100000 * 1e-5:.6f} {55 + k % 100000 * 1e-5:.6f} "
                f"{1000 + k % 9000:.1f}</gx:coord>"
            )
            k += 1
        marks.append(
            f"  <Placemark>\n    <name>AZG{100 + len(marks)}</name>\n    <gx:Track>\n"
            + "\n".join(whens + coords)
            + "\n    </gx:Track>\n  </Placemark>\n"
        )
        size += len(marks[-1])
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2">\n<Document>\n'
    )
    return (head + "".join(marks) + "</Document>\n</kml>\n").encode(), k


def test_a_16_mib_kml_is_read_in_bounded_memory() -> None:
    """Each <when> and <gx:coord> kept as (line, text) until the end, this KML peaked at
    100 MiB. Converted as each ends, a fix is about 54 bytes of columns (10 MB) and the
    traces' arrays as much again: 31 MiB measured, bounded here at 60."""
    data, fixes = big_kml()
    assert len(data) >= SIZE
    traces, found, peak = measured(data, "flights.kml")
    assert peak < 60 * MiB, f"peak {peak / MiB:.0f} MiB"
    assert found == []
    assert sum(len(t) for t in traces) == fixes and len(traces) == fixes // 20_000
    assert [t.callsign for t in traces[:2]] == ["AZG100", "AZG101"]
    last = traces[-1]
    assert last.t[-1] == T0 + fixes - 1
    assert last.alt_ft[-1] == pytest.approx((1000 + (fixes - 1) % 9000) / 0.3048)


def test_a_16_mib_readsb_trace_of_bad_rows_is_read_in_bounded_memory() -> None:
    """A 57 KB gzip of 16 MiB of rows whose latitude is 95: decoded whole, and every row's
    line found, it peaked at 293 MiB; now 64 MiB (the inflated bytes and their text, 16 MiB
    each, and the columns), bounded here at 100 as the CSV readers' bomb is."""
    import gzip

    row = '[0,95,37.2,1000,200,90,0,0,null,"adsb_icao",null,null,null,null]'
    rows = SIZE // (len(row) + 2)
    head = '{"icao":"a0b1c2","timestamp":1741906452,"trace":[\n'
    bomb = gzip.compress((head + ",\n".join([row] * rows) + "\n]}").encode())
    assert len(bomb) < 64_000  # a small upload
    traces, found, peak = measured(bomb, "bomb.json.gz")
    assert peak < 100 * MiB, f"peak {peak / MiB:.0f} MiB"
    assert traces == [] and len(found) == common.MAX_PROBLEMS + 1
    assert str(found[0]) == "bomb.json.gz:2: point 0: latitude 95 is outside -90..90"
    assert str(found[-2]) == "bomb.json.gz:1001: point 999: latitude 95 is outside -90..90"
    assert found[-1].message.startswith(f"{rows - common.MAX_PROBLEMS:,} more problems not listed")


# --------------------------------------------------------------------------- parts change nothing


@contextmanager
def limits(*, part: int, feed: int, max_problems: int) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readsb_module, "_PART", part)
        patch.setattr(kml_module, "_FEED", feed)
        for module in (readsb_module, kml_module, common):
            patch.setattr(module, "MAX_PROBLEMS", max_problems)
        yield


def _list(values: object) -> object:
    return values.tolist() if hasattr(values, "tolist") else values


def outcome(name: str, data: bytes) -> tuple[list[str], int, list[str]]:
    """The problems as lines (and how many were counted, not kept) and each trace's values
    (as text: NaN equals NaN)."""
    found = common.Collector(name)
    if name.endswith(".json"):
        traces = readsb_module.read_readsb(data.decode(), found)
    else:
        traces = kml_module.read_kml(data, found)
    columns = ("t", "lat", "lon", "alt_ft", "on_ground", "gs_kt", "vrate_fpm", "callsign_code")
    values = [
        repr((t.icao24, t.registration, t.callsigns, [_list(getattr(t, c)) for c in columns]))
        for t in traces
    ]
    return [str(p) for p in found.problems], found.problems.dropped, values


BAD_ROWS = (
    f'{{"icao":"a0b1c2","timestamp":{T0},"trace":[\n[0,1,2,"high",1,2,0],\n[1,95,2,3,4,5,"x"],\n'
    '[2,"a",null,null,null,null,0,null,{"flight":5}],\n7,\n[1,2],\n[NaN,1,1,1,1,1,1],\n'
    "[1e999,-1,-1,-1,-1,-1,-1],\n[3,1,2,3,4,5,2,0,null,null,null,null]\n]}"
)
BAD_KML = (
    '<kml xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><name>RA-1</name>\n'
    "<Placemark><gx:Track><when>1990</when>\n<gx:coord>1 95 99999</gx:coord>\n"
    "<gx:Track><when>2025-03-13T22:54:12Z</when></gx:Track>\n<gx:coord>1 2</gx:coord>"
    "</gx:Track></Placemark>\n<Placemark><name>AZG9</name><gx:Track></gx:Track>\n<gx:Track>"
    "<when>2025-03-13T22:54:12Z</when><gx:coord>1 2 3</gx:coord></gx:Track></Placemark>\n"
    "<gx:Track><when>2025-03-13T22:55:12Z</when><gx:coord>x 2.1 3</gx:coord></gx:Track>"
    "</Document></kml>"
)
SAMPLES = [
    ("t.json", readsb_json(flight(n=12)).decode()),
    ("t.json", readsb_json(flight(n=12), one_line=True).decode()),
    ("t.json", BAD_ROWS),
    ("f.kml", kml([("AZG123", flight(n=6)), ("Route", flight(GYD, VKO, T0 + 9000, n=4))]).decode()),
    ("f.kml", BAD_KML),
]
TOKENS = [*'[]{}",: \n0123456789.-eN<>/=x', '"trace"', '"ground"', "null", "NaN", "1e400"]
TOKENS += ['"\\ud800"', "12345678901234567890123", "<when>", "</gx:coord>", "<gx:Track>"]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(SAMPLES),
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 2), st.sampled_from(TOKENS)), max_size=4
    ),
    st.integers(0, 5000),
    st.sampled_from([1, 2, 1000]),
)
def test_parts_of_any_size_give_what_the_whole_document_gives(
    sample: tuple[str, str], edits: list[tuple[int, int, str]], cut: int, max_problems: int
) -> None:
    """Mutated and cut documents, read in parts of 1 and 17 characters (bytes for KML) and
    in one part, with few problems kept: the same traces, problems, lines and count."""
    name, text = sample
    for at, op, token in edits:
        at %= len(text) + 1
        text = text[:at] + token + text[at + (op > 0) :] if op < 2 else text[:at] + text[at + 1 :]
    if cut % 3 == 0:
        text = text[: cut % (len(text) + 1)]
    data = text.encode()
    with limits(part=2**40, feed=2**40, max_problems=max_problems):
        whole = outcome(name, data)
    for size in (1, 17):
        with limits(part=size, feed=size, max_problems=max_problems):
            assert outcome(name, data) == whole


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from([text for name, text in SAMPLES if name.endswith(".json")]),
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 2), st.sampled_from(TOKENS)), max_size=3
    ),
    st.integers(0, 5000),
)
def test_a_broken_trace_gets_the_standard_decoders_error(
    text: str, edits: list[tuple[int, int, str]], cut: int
) -> None:
    """The walker follows json.loads's grammar: where it refuses a document, the problem is
    its error, at its line and column; where it takes one, the walker does too."""
    for at, op, token in edits:
        at %= len(text) + 1
        text = text[:at] + token + text[at + (op > 0) :] if op < 2 else text[:at] + text[at + 1 :]
    text = text[: cut % (len(text) + 1)] if cut % 2 else text
    try:
        json.loads(text)
        expected = None
    except json.JSONDecodeError as exc:
        expected = f"t.json:{exc.lineno}: file: not valid JSON: {exc.msg} (column {exc.colno})"
    except (RecursionError, ValueError):
        return
    for size in (1, 17, 2**40):
        with limits(part=size, feed=size, max_problems=1000):
            problems, _, _ = outcome("t.json", text.encode())
        invalid = [p for p in problems if "not valid JSON" in p]
        assert invalid == ([] if expected is None else [expected])
        if expected is not None:
            assert problems == invalid


HUGE = "123456789012345678901234567890"


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        # orjson takes the document: its value, a float (as before)
        ("", ["t.json:2: point 0: flags 1.2345678901234568e+29 is not a bitfield "
              "(an integer 0..2^31)"]),
        # a NaN elsewhere: orjson refuses the document, the standard library's values
        (",\n[NaN,55.5,37.2,1000,200,90,0]", [
            f"t.json:2: point 0: flags {HUGE} is not a bitfield (an integer 0..2^31)",
            "t.json:3: point 1: time offset NaN is not a finite number",
        ]),
    ],
)  # fmt: skip
def test_the_values_are_orjsons_only_where_it_takes_the_whole_document(
    tail: str, expected: list[str]
) -> None:
    rows = f"[0,55.5,37.2,1000,200,90,{HUGE}]" + tail
    text = '{"icao":"a0b1c2","timestamp":1741906452,"trace":[\n' + rows + "\n]}"
    for size in (1, 2**40):
        with limits(part=size, feed=size, max_problems=1000):
            assert outcome("t.json", text.encode())[0] == expected


def test_problems_beyond_the_bound_are_those_the_checks_find_last() -> None:
    """1,500 points with a bad latitude and a bad flag: the 1,000 kept are latitudes (the
    latitude check runs before the flags'), in point order, whatever the parts."""
    rows = ",\n".join(f'[{k},"north",37.2,1000,200,90,-1]' for k in range(1500))
    text = '{"icao":"a0b1c2","timestamp":1741906452,"trace":[\n' + rows + "\n]}"
    for size in (100, 2**40):
        with limits(part=size, feed=size, max_problems=1000):
            problems, dropped, traces = outcome("t.json", text.encode())
        assert len(problems) == 1000 and dropped == 2000 and traces == []
        assert problems[0] == 't.json:2: point 0: latitude "north" is not a number'
        assert problems[-1] == 't.json:1001: point 999: latitude "north" is not a number'


def test_kml_problems_beyond_the_bound_are_those_the_checks_find_last() -> None:
    """Two tracks of 600 fixes with a bad time; the second's positions bad too. The kept
    1,000 are times (checked before positions), across both tracks."""

    def track(bad_coord: bool) -> str:
        whens = "".join(f"<when>t{k}</when>\n" for k in range(600))
        coord = "x 55" if bad_coord else "37 55"
        return f"<gx:Track>\n{whens}" + f"<gx:coord>{coord}</gx:coord>\n" * 600 + "</gx:Track>\n"

    text = f'<kml xmlns:gx="http://www.google.com/kml/ext/2.2">\n{track(False)}{track(True)}</kml>'
    with limits(part=2**40, feed=64, max_problems=1000):
        problems, dropped, traces = outcome("f.kml", text.encode())
    assert len(problems) == 1000 and dropped == 200 + 600 and traces == []
    assert problems[0].startswith("f.kml:3: when: 't0' is not a time")
    assert problems[600].startswith("f.kml:1205: when: 't0' is not a time")
    assert problems[-1].startswith("f.kml:1604: when: 't399' is not a time")


def test_a_doctype_split_between_parts_is_refused() -> None:
    """expat fed 5 bytes at a time still calls the DOCTYPE handler: refused, nothing
    expanded."""
    laughs = "".join(f'<!ENTITY a{k} "&a{k - 1};&a{k - 1};">' for k in range(1, 10))
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a0 "lol">' + laughs + "]>\n"
        "<kml><Placemark><name>&a9;</name></Placemark></kml>"
    )
    with limits(part=5, feed=5, max_problems=1000):
        problems, dropped, traces = outcome("f.kml", text.encode())
    assert problems == [
        "f.kml:2: file: DOCTYPE and entity declarations are not allowed in a track file "
        "(they can fetch external files or expand without limit); remove the <!DOCTYPE ...>"
    ]
    assert dropped == 0 and traces == []
