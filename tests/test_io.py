"""Reading and validating the CSV files: a corpus of bad files, and awkward but valid ones.

Every bad file must give exit code 2 from ``python -m geo check`` and exactly the expected
``FILE:LINE: column:`` problem lines (in line order), never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import geo.dataset
import geo.io
import geo.io.rules
import geo.io.source
from geo.cli import main
from geo.dataset import load_dataset
from geo.io import load_events
from geo.model import DataError, Problem

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "good"

Expect = list[tuple[int, str, str]]  # (line, column, key phrase of the message)

# file -> the problems `check --events FILE` must report, in this order and no others.
EVENT_CASES: dict[str, Expect] = {
    "missing_column.csv": [(1, "header", "missing column 'notes'")],
    "extra_column.csv": [(1, "remarks", "unexpected column 'remarks'")],
    "ragged_row.csv": [(3, "row", "has 12 fields, the header has 11")],
    "semicolon_separated.csv": [(1, "header", "looks semicolon-separated")],
    "tab_separated.csv": [(1, "header", "looks tab-separated")],
    "empty.csv": [(1, "file", "file is empty")],
    "whitespace_only.csv": [(1, "file", "file is empty")],
    "bom_only.csv": [(1, "file", "file is empty")],
    "binary.bin": [(1, "file", "binary data (NUL byte)")],
    "latin1.csv": [(3, "file", "not UTF-8 text: byte 0xe9")],
    "utf16.csv": [(1, "file", "UTF-16 text")],
    "bad_date.csv": [(2, "start", "'2025-13-45' is not a real date")],
    "bad_time_format.csv": [(2, "start", "'14/03/2025' is not a date or time; write 2025")],
    "year_out_of_range.csv": [(2, "start", "out of range")],
    "end_before_start.csv": [
        (2, "end", "'2025-03-01' is before start '2025-03-14'"),
        (3, "end", "'2025-03-13' is before start '2025-03-14'"),
    ],
    "flight_arrival_before_departure.csv": [
        (2, "end", "(2025-03-13T22:30:00Z) is not after departure"),
        (3, "end", "(2025-03-13T22:54:00Z) is not after departure"),
    ],
    "flight_not_minute_precise.csv": [(2, "start", "must be precise to the minute")],
    "flight_place_not_airport.csv": [(2, "origin", "'Moscow' is a place, not an airport")],
    "flight_two_origins.csv": [(2, "origin", "exactly one origin airport, not 2")],
    "flight_missing_end.csv": [(2, "end", "a flight needs its arrival time")],
    "unknown_kind.csv": [(2, "kind", "'meting' is not a kind; did you mean 'meeting'?")],
    "unknown_status.csv": [(2, "status", "'rumoured' is not a status")],
    "unknown_place.csv": [(2, "destination", "unknown place 'Bakku'; did you mean 'Baku'?")],
    "unknown_airport.csv": [(2, "origin", "unknown airport code 'XQZ'")],
    "duplicate_id.csv": [(3, "id", "duplicate id 'm-ok' (first on line 2)")],
    "empty_id.csv": [(2, "id", "empty id")],
    "missing_sources.csv": [(2, "sources", "no source"), (3, "sources", "no source")],
    "empty_destination.csv": [(2, "destination", "empty")],
    "nonexistent_local_time.csv": [
        (2, "start", "2025-03-09 02:30 does not exist in America/New_York")
    ],
    "unterminated_quote.csv": [(3, "row", "never closed")],
    # rows 2-4 are one valid record; 6-7 another (bad status): lines are first physical lines
    "multiline_row_error.csv": [
        (5, "kind", "'meting' is not a kind"),
        (6, "status", "'rumoured' is not a status"),
        (8, "start", "'2025-02-30' is not a real date"),
    ],
    "many_problems.csv": [
        (2, "row", "has 12 fields"),
        (3, "kind", "'meting' is not a kind"),
        (3, "destination", "did you mean 'Baku'?"),
        (5, "id", "duplicate id 'm-ok' (first on line 4)"),
        (5, "sources", "no source"),
        (6, "start", "'2025-13-01' is not a real date"),
    ],
}

# reference files: (option, file) -> problems in that file (events from good/bom.csv)
REFERENCE_CASES: dict[tuple[str, str], Expect] = {
    ("--airports", "airports_bad_lat.csv"): [
        (2, "lat", "95.0 is outside -90..90"),
        (3, "lon", "'east' is not a number"),
    ],
    ("--places", "places_bad_tz.csv"): [(2, "tz", "'Asia/Bakku' is not an IANA time zone")],
    ("--places", "places_duplicate_alias.csv"): [
        (3, "aliases", "'baki' already names the place on line 2")
    ],
}


def problem_lines(stderr: str, file: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"{file}:")]


def assert_problems(lines: list[str], file: str, expected: Expect) -> None:
    assert len(lines) == len(expected), "\n".join(lines)
    for got, (line, column, phrase) in zip(lines, expected, strict=True):
        prefix = f"{file}:{line}: {column}: "
        assert got.startswith(prefix), f"{got!r} should start with {prefix!r}"
        assert phrase in got[len(prefix) :], f"{got!r} should say {phrase!r}"


def test_corpus_is_complete():
    on_disk = {p.name for p in BAD.iterdir()}
    listed = set(EVENT_CASES) | {name for _, name in REFERENCE_CASES}
    assert on_disk == listed


@pytest.mark.parametrize("name", sorted(EVENT_CASES))
def test_bad_events_file(name, capsys):
    path = str(BAD / name)
    assert main(["check", "--events", path]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    expected = EVENT_CASES[name]
    assert_problems(problem_lines(err, path), path, expected)
    n = len(expected)
    assert err.splitlines()[-1] == f"{n} problem{'s' if n != 1 else ''} found"
    assert "Traceback" not in err


@pytest.mark.parametrize(("option", "name"), sorted(REFERENCE_CASES))
def test_bad_reference_file(option, name, capsys):
    path = str(BAD / name)
    events = str(GOOD / "bom.csv")
    assert main(["check", "--events", events, option, path]) == 2
    _, err = capsys.readouterr()
    assert_problems(problem_lines(err, path), path, REFERENCE_CASES[(option, name)])
    # the reference file's problems come first
    assert err.splitlines()[0].startswith(f"{path}:")


def test_broken_place_row_is_named_not_unknown(capsys, tmp_path):
    """An event naming a place whose places.csv row is bad points at that row."""
    places = tmp_path / "places.csv"
    places.write_text("name,country,lat,lon,tz,aliases\nGanja,AZ,40.68,46.36,Asia/Bakku,\n")
    events = tmp_path / "events.csv"
    events.write_text(
        "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"
        "a,meeting,t,2025-03-14,,,Ganja,,confirmed,s,\nb,call,t,2025-03-15,,Ganja,Baku,,"
        "reported,s,\n"
    )
    assert main(["check", "--events", str(events), "--places", str(places)]) == 2
    _, err = capsys.readouterr()
    lines = problem_lines(err, str(events))
    assert lines == [
        f"{events}:2: destination: 'Ganja' is defined on {places}:2, which has a problem",
        f"{events}:3: origin: 'Ganja' is defined on {places}:2, which has a problem",
    ]


def test_a_places_file_of_ones_own_adds_to_the_shipped_places(capsys, tmp_path):
    places = tmp_path / "places.csv"
    places.write_text(
        "name,country,lat,lon,tz,aliases\n"
        "Ganja,AZ,40.6828,46.3606,Asia/Baku,Gandzha\n"
        "Baku,AZ,40.378,49.892,Asia/Baku,\n"  # the shipped row again: fine, and once
        "Moscow,RU,55.0,37.0,Europe/Moscow,\n"  # another place of that name: a clash
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"
        "a,visit,t,2025-03-14,,Gandzha,Baku,,confirmed,s,\n"
    )
    assert main(["check", "--events", str(events), "--places", str(places)]) == 2
    _, err = capsys.readouterr()
    assert problem_lines(err, str(places)) == [
        f"{places}:4: name: 'Moscow' already names a place on data/places.csv:115, defined "
        "differently (a file of your own adds to the shipped one: rename one of them)"
    ]
    data = load_dataset(events, None, places, strict=False)
    (ev,) = data.events
    assert ev.origin[0].name == "Ganja" and ev.destination.name == "Baku"
    assert data.gazetteer.place("Jerusalem") is not None  # the shipped places are all there


def test_bad_airport_row_falls_back_without_noise(capsys):
    """GYD and VKO resolve through airportsdata while airports.csv's own rows are bad."""
    airports = str(BAD / "airports_bad_lat.csv")
    assert main(["check", "--airports", airports]) == 2
    _, err = capsys.readouterr()
    # the airports' problems, the summary and the count: no event is the worse for them
    assert all(line.startswith(airports) for line in err.splitlines()[:-2])
    assert err.splitlines()[-2].startswith("27 events loaded from data/events.csv, 0 rows")


def test_no_traceback_through_subprocess():
    path = "tests/data/bad/many_problems.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "check", "--events", path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith(f"{path}:2: row: ")
    assert proc.stderr.splitlines()[-1] == "6 problems found"


def test_binary_file_does_not_traceback_through_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "check", "--events", "tests/data/bad/binary.bin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "binary data" in proc.stderr


def test_missing_file(tmp_path, capsys):
    path = str(tmp_path / "nope.csv")
    assert main(["check", "--events", path]) == 2
    _, err = capsys.readouterr()
    assert err.startswith(f"{path}:1: file: cannot read: No such file")


# ---- size limit ---------------------------------------------------------------------------


def test_huge_file_is_refused_fast_and_unread(tmp_path, monkeypatch, capsys):
    big = tmp_path / "huge.csv"
    with big.open("wb") as fh:
        fh.write(b"id,kind,title,start,end,origin,destination,participants,status,sources,notes\n")
        fh.truncate(geo.io.MAX_BYTES + 1024)  # sparse: no 64 MB written to disk
    assert big.stat().st_size > 64 * 1024 * 1024

    opened: list[str] = []

    def spy_open(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(geo.io.source, "open", spy_open, raising=False)
    assert main(["check", "--events", str(big)]) == 2
    assert str(big) not in opened  # refused on its size, before reading
    assert opened  # the spy works: airports.csv and places.csv were opened
    _, err = capsys.readouterr()
    assert err.startswith(
        f"{big}:1: file: file is 67,109,888 bytes (64.0 MiB); the limit is 67,108,864 bytes "
        "(64 MiB)"
    )


def test_file_just_over_a_small_limit(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(geo.io.source, "MAX_BYTES", 200)
    path = tmp_path / "over.csv"
    path.write_bytes((GOOD / "bom.csv").read_bytes()[:201].ljust(201, b" "))
    assert main(["check", "--events", str(path)]) == 2
    _, err = capsys.readouterr()
    assert problem_lines(err, str(path)) == [
        f"{path}:1: file: file is 201 bytes; the limit is 200 bytes "
        "(split it, or filter it before loading)"
    ]


def test_uploaded_bytes_over_the_limit(monkeypatch):
    monkeypatch.setattr(geo.io.source, "MAX_BYTES", 100)
    with pytest.raises(DataError) as info:
        load_dataset(events=b"x" * 101, names={"events": "upload.csv"})
    (problem,) = [p for p in info.value.problems if p.file == "upload.csv"]
    assert (problem.line, problem.column) == (1, "file")
    assert "101 bytes; the limit is 100 bytes" in problem.message


# ---- awkward but valid --------------------------------------------------------------------


def events_of(name: str) -> dict[str, geo.Event]:
    data = load_dataset(GOOD / name)
    return {e.id: e for e in data.events}


@pytest.mark.parametrize("name", sorted(p.name for p in GOOD.iterdir()))
def test_good_file_checks(name, capsys):
    path = str(GOOD / name)
    assert main(["check", "--events", path]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"{path}: ") and out.rstrip().endswith("events OK")


def test_bom_is_not_part_of_the_first_id():
    assert (GOOD / "bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    events = list(load_dataset(GOOD / "bom.csv").events)
    assert [e.id for e in sorted(events, key=lambda e: e.line)] == ["bom-1", "bom-2"]
    assert events[0].line == 2


def test_crlf():
    assert b"\r\n" in (GOOD / "crlf.csv").read_bytes()
    ev = events_of("crlf.csv")
    assert ev["crlf-1"].title == "Windows line endings"
    assert ev["crlf-1"].notes == "plain note"
    assert ev["crlf-1"].participants == ("A", "B")
    assert ev["crlf-2"].notes == "two\r\nlines"  # quoted: kept as written
    assert ev["crlf-2"].line == 3


def test_quoted_newlines_preserved():
    ev = events_of("quoted_newlines.csv")
    assert ev["qn-1"].notes == 'first line\nsecond line, with a comma and "quotes"\nthird line'
    assert ev["qn-1"].title == "A title, with a comma"
    assert ev["qn-1"].line == 2
    assert ev["qn-2"].line == 5


def test_explicit_offsets():
    ev = events_of("explicit_offsets.csv")
    flight = ev["off-1"]
    assert flight.start_utc == datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
    assert flight.end_utc == datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    assert flight.start_precision == flight.end_precision == "minute"
    assert ev["off-2"].start_utc == datetime(2025, 3, 14, 6, 0, 30, tzinfo=UTC)
    assert ev["off-2"].precision == "second"
    # with an offset, a wall time skipped by DST at the place is no problem
    assert ev["off-3"].start_utc == datetime(2025, 3, 9, 7, 30, tzinfo=UTC)


def test_month_ranges():
    ev = events_of("month_ranges.csv")
    spring = ev["mr-1"]  # 2025-03 .. 2025-05 at Baku (UTC+4)
    assert spring.start_utc == datetime(2025, 2, 28, 20, tzinfo=UTC)
    assert spring.end_utc == datetime(2025, 5, 31, 20, tzinfo=UTC)
    assert spring.precision == "month"
    january = ev["mr-2"]
    assert january.start_utc == datetime(2024, 12, 31, 20, tzinfo=UTC)
    assert january.end_utc == datetime(2025, 1, 31, 20, tzinfo=UTC)
    years = ev["mr-3"]  # 2020 .. 2021 at Washington (EST in January)
    assert years.start_utc == datetime(2020, 1, 1, 5, tzinfo=UTC)
    assert years.end_utc == datetime(2022, 1, 1, 5, tzinfo=UTC)


def test_load_events_bytes_with_own_name():
    gaz = load_dataset().gazetteer
    data = (GOOD / "bom.csv").read_bytes()
    events = load_events(data, gaz, name="upload.csv")
    assert [e.id for e in events] == ["bom-1", "bom-2"]
    with pytest.raises(DataError) as info:
        load_events((BAD / "unknown_place.csv").read_bytes(), gaz, name="upload.csv")
    assert str(info.value).startswith("upload.csv:2: destination: unknown place 'Bakku'")


def test_problems_are_sorted_within_a_file():
    with pytest.raises(DataError) as info:
        load_dataset(BAD / "many_problems.csv")
    lines = [p.line for p in info.value.problems]
    assert lines == sorted(lines)


def test_repo_relative_default_paths(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert geo.dataset.default_paths()["events"] == Path("data/events.csv")


HOSTILE = ROOT / "tests" / "data" / "hostile"


def _outcome(events: Path | None, **refs: Path) -> tuple[object, ...] | list[str]:
    """What loading gives: the records, or every problem line."""
    try:
        return load_dataset(events, refs.get("airports"), refs.get("places")).events
    except DataError as err:
        return [str(p) for p in err.problems]


@pytest.mark.parametrize(
    ("events", "refs"),
    [(None, {})]
    + [(p, {}) for p in sorted(GOOD.iterdir())]
    + [(p, {}) for p in sorted(BAD.iterdir())]
    + [(HOSTILE / "events.csv", {k: HOSTILE / f"{k}.csv" for k in ("airports", "places")})],
    ids=lambda v: v.name if isinstance(v, Path) else "",
)
def test_bulk_time_parsing_changes_nothing(events, refs, monkeypatch):
    """Small files parse times one by one, big ones in bulk: both give the same result."""
    monkeypatch.setattr(geo.io.rules, "BULK_TIMES", 10**9)
    one_by_one = _outcome(events, **refs)
    monkeypatch.setattr(geo.io.rules, "BULK_TIMES", 1)
    assert _outcome(events, **refs) == one_by_one


EVENT_ROW = "x,meeting,t,2025-03-14,,,Baku,,reported,{sources},\n"
HEADER_ROW = "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"
SOURCES_HEADER = "id,outlet,title,author,published,url,notes\n"


def _with_sources(sources_cell: str, sources_csv: str | None = None) -> geo.dataset.Dataset:
    events = (HEADER_ROW + EVENT_ROW.format(sources=sources_cell)).encode()
    extra = None if sources_csv is None else (SOURCES_HEADER + sources_csv).encode()
    return load_dataset(events, sources=extra, names={"events": "e.csv", "sources": "s.csv"})


def test_a_source_id_resolves_to_its_reference() -> None:
    (ev,) = _with_sources("oc-media-2025-03-17;TASS;https://example.org/a").events
    assert ev.sources == ("oc-media-2025-03-17", "TASS", "https://example.org/a")
    oc, tass, url = ev.references
    assert oc.outlet == "OC Media" and oc.author == "Nate Ostiller"
    assert oc.citation == (
        "OC Media, “Top officials from Trump’s administration make direct diplomatic "
        "overtures to Azerbaijan”, Nate Ostiller, 17 Mar 2025"
    )
    assert (tass.id, tass.citation, tass.url) == ("", "TASS", "")
    assert url.url == "https://example.org/a"  # free text that is a URL links


def test_an_unknown_source_id_is_a_problem_with_a_suggestion() -> None:
    with pytest.raises(DataError) as err:
        _with_sources("oc-media-2025-03-18")
    assert [str(p) for p in err.value.problems] == [
        "e.csv:2: sources: unknown source id 'oc-media-2025-03-18'; did you mean "
        "'oc-media-2025-03-17'? (add it to sources.csv, or write the source as free text)"
    ]


def test_a_sources_file_of_ones_own_adds_to_the_shipped_one() -> None:
    (ev,) = _with_sources(
        "my-notes-2025;oc-media-2025-03-17", "my-notes-2025,My notebook,[Field notes],Me,2025,,\n"
    ).events
    assert [r.outlet for r in ev.references] == ["My notebook", "OC Media"]
    assert ev.references[0].citation == "My notebook, [Field notes], Me, 2025"


def test_bad_source_rows_are_reported_all_at_once() -> None:
    rows = (
        "oc-media-2025-03-17,X,T,,,,\n"  # clashes with the shipped row
        "Not An Id,X,T,,,,\n"
        "no-outlet-2025,,T,,2025-02-30,,\n"
        "bad-url-2025,X,T,,2025-13,javascript:alert(1),\n"
    )
    with pytest.raises(DataError) as err:
        _with_sources("TASS", rows)
    assert [str(p) for p in err.value.problems] == [
        "s.csv:2: id: 'oc-media-2025-03-17' is already used on data/sources.csv:4",
        "s.csv:3: id: 'Not An Id' is not a source id: write a lowercase slug with hyphens, "
        "e.g. oc-media-2025-03-17",
        "s.csv:4: outlet: empty; a reader needs it to find the source",
        "s.csv:4: published: '2025-02-30' is not a real date (day is out of range for month)",
        "s.csv:5: published: '2025-13' is not a real date (month must be in 1..12)",
        "s.csv:5: url: 'javascript:alert(1)' is not an http(s) URL; leave it empty where the "
        "address is not known",
    ]


@pytest.mark.parametrize("extent", ["35,39,５３,57", "35,39,٥٣,57", "3_5,39,53,57"])
def test_view_extents_take_ascii_digits_only(extent: str) -> None:
    from geo.io.views import read_views

    data = (
        "id,title,text,time,start,end,extent,mode,window\n"
        f'night,"The night",,,,,"{extent}",cumulative,\n'
    ).encode()
    problems: list[Problem] = []
    assert read_views(data, "views.csv", problems) == []
    assert [str(p) for p in problems] == [
        f"views.csv:2: extent: '{extent}' is not four numbers (minlon,minlat,maxlon,maxlat)"
    ]


def test_the_boundary_refuses_a_fifo_before_opening_it(tmp_path) -> None:
    from geo.io.source import read_bytes

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    pipe = tmp_path / "events.csv"
    os.mkfifo(pipe)
    problems: list[Problem] = []
    assert read_bytes(pipe, "events.csv", problems) is None  # returns: nothing waits
    assert [str(p) for p in problems] == [
        "events.csv:1: file: is a pipe, socket or device, not a file; give the path of a file"
    ]
