"""Every track file read safely (issue 23's adversarial list, issue 27 items 7 and 8): each
file on its own, pipes refused before opening, links out of a folder not followed, the
events files' text and number rules on every track value, problems bounded, gzip inflated
in linear time, aircraft per file bounded, the same file read once, the format registry."""

from __future__ import annotations

import gzip
import json
import os
import threading
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

import geo.io.source
import geo.tracks.read as read_module
from geo.cells import protect
from geo.io.csvfile import MAX_CELL
from geo.model import DataError, Problem
from geo.tracks import Trace, load_tracks, read_track_bytes, read_track_file
from geo.tracks._common import MAX_PROBLEMS, Collector
from geo.tracks.build import make_trace
from geo.tracks.fixcsv import MAX_AIRCRAFT
from geo.tracks.read import TRACK_FORMATS, TrackFormat, formats_help, track_suffixes
from tests.test_tracks_fixtures import T0, fixes_csv, flight, fr24_csv, kml, readsb_json


def problems_of(name: str, data: bytes) -> list[str]:
    found: list[Problem] = []
    assert read_track_bytes(data, name, found) == []
    assert found
    return [str(p) for p in found]


def readsb_doc(**head: object) -> dict[str, object]:
    doc: dict[str, object] = json.loads(readsb_json(flight(n=10)))
    doc.update(head)
    return doc


# --------------------------------------------------------------------------- each file alone


def test_one_bad_file_in_a_folder_leaves_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_bytes(readsb_json(flight(n=20)))
    (tmp_path / "notes.csv").write_bytes(b"this is not a track\n")
    found: list[Problem] = []
    tracks = load_tracks([tmp_path], problems=found)
    assert [t.source for t in tracks.traces] == [str(tmp_path / "good.json")]
    assert len(tracks.legs) == 1
    assert [str(p) for p in found] == [
        f"{tmp_path / 'notes.csv'}:1: file: not a track file; {formats_help()}"
    ]
    with pytest.raises(DataError) as info:  # strict: every problem, still only the bad file's
        load_tracks([tmp_path])
    assert [p.file for p in info.value.problems] == [str(tmp_path / "notes.csv")]


def _read_in_thread(inputs: list[Path]) -> tuple[list[Trace], list[Problem]]:
    out: dict[str, object] = {}

    def run() -> None:
        found: list[Problem] = []
        out["traces"] = list(load_tracks(inputs, problems=found).traces)
        out["problems"] = found

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=120)  # a safety net only: a refused pipe returns at once
    assert not worker.is_alive(), "reading a FIFO hung"
    return out["traces"], out["problems"]  # type: ignore[return-value]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    folder.mkdir()
    (folder / "good.json").write_bytes(readsb_json(flight(n=20)))
    os.mkfifo(folder / "pipe.json")
    os.mkfifo(tmp_path / "given.json")
    traces, found = _read_in_thread([folder, tmp_path / "given.json"])
    assert len(traces) == 1
    assert [str(p) for p in found] == [
        f"{folder / 'pipe.json'}:1: file: is a pipe, socket or device, not a file; "
        "give the path of a file",
        f"{tmp_path / 'given.json'}:1: file: is a pipe, socket or device, not a file; "
        "give the path of a file",
    ]


def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    folder.mkdir()
    (folder / "good.json").write_bytes(readsb_json(flight(n=20)))
    (folder / "passwd.csv").symlink_to("/etc/passwd")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "other.json").write_bytes(readsb_json(flight(n=20, t0=T0 + 86_400)))
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "inside.json").symlink_to(folder / "good.json")  # inside: followed (read once)
    found: list[Problem] = []
    tracks = load_tracks([folder], problems=found)
    assert found == []
    assert [t.source for t in tracks.traces] == [str(folder / "good.json")]
    assert sorted(tracks.notes) == [
        f"{folder / 'inside.json'}: the same content as {folder / 'good.json'}; read once",
        f"{folder / 'linked'}: a link to outside {folder}; not followed",
        f"{folder / 'passwd.csv'}: a link to outside {folder}; not followed",
    ]


# --------------------------------------------------------------------------- text rules


def test_lone_surrogates_are_refused_in_a_readsb_trace() -> None:
    doc = readsb_doc(r="N\ud800")
    doc["trace"][3][8] = {"flight": "AZG\udfff  "}  # type: ignore[index]
    data = json.dumps(doc).encode()  # written as \ud800 escapes, as JSON allows
    assert b"\\ud800" in data
    found = problems_of("trace.json", data)
    assert found == [
        "trace.json:1: r: registration contains U+D800 (a lone surrogate) at position 2; "
        "text may not hold it, remove it",
        "trace.json:1: point 3: callsign contains U+DFFF (a lone surrogate) at position 4; "
        "text may not hold it, remove it",
    ]
    for line in found:
        line.encode("utf-8")  # the problem itself is writable


@pytest.mark.parametrize(
    "bad, code, kind",
    [
        ("\u202e", "U+202E", "a bidi control"),
        ("\u2066", "U+2066", "a bidi control"),
        ("\x1b", "U+001B", "a control character"),
        ("\t", "U+0009", "a control character"),
        ("\x85", "U+0085", "a control character"),
    ],
)
def test_control_and_bidi_characters_are_refused_in_every_format(
    bad: str, code: str, kind: str
) -> None:
    message = f"contains {code} ({kind}) at position 4; text may not hold it, remove it"
    doc = readsb_doc(r=f"N10{bad}3WG")
    assert problems_of("t.json", json.dumps(doc).encode()) == [
        f"t.json:1: r: registration {message}"
    ]
    fixes = fixes_csv(flight(n=5)).decode()
    header, first, rest = fixes.split("\n", 2)
    assert "registration" in header
    cells = first.split(",")
    cells[header.split(",").index("registration")] = f'"N10{bad}3WG"'
    found = problems_of("f.csv", "\n".join([header, ",".join(cells), rest]).encode())
    assert found[-1] == f"f.csv:2: registration: registration {message}"
    fr24 = fr24_csv(flight(n=5)).decode().replace("AZG123", f"AZG{bad}123", 1)
    found = problems_of("fr.csv", fr24.encode())
    assert found[-1] == f"fr.csv:2: Callsign: callsign {message}"


def test_a_100000_character_type_is_refused() -> None:
    doc = readsb_doc(t="G" * 100_000)
    assert problems_of("t.json", json.dumps(doc).encode()) == [
        f"t.json:1: t: type holds 100,000 characters; a value may hold {MAX_CELL:,}"
    ]


# --------------------------------------------------------------------------- number rules


@pytest.mark.parametrize("number", ["５５.59", "٥٥.59", "5_5.59"])
def test_only_ascii_decimal_numbers_are_numbers(number: str) -> None:
    data = f"time,lat,lon\n{T0:.0f},{number},37.26\n{T0 + 60:.0f},55.6,37.26\n".encode()
    assert problems_of("f.csv", data) == [
        f"f.csv:2: lat: latitude '{number}' is not a number (write numbers with the ASCII "
        "digits 0-9, a '.' and an optional exponent)"
    ]
    fr24 = (
        "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
        f'{T0:.0f},,AZG1,"{number},37.26",0,0,0\n'
    ).encode()
    assert problems_of("fr.csv", fr24) == [
        f"fr.csv:2: Position: '{number},37.26' is not \"lat,lon\" in degrees (ASCII digits "
        "0-9 and a '.')"
    ]
    doc = kml([("AZG123", flight(n=3))]).decode()
    start = doc.index("<gx:coord>") + len("<gx:coord>")
    end = doc.index("</gx:coord>", start)
    doc = doc[:start] + f"37.26 {number} 100" + doc[end:]
    found = problems_of("k.kml", doc.encode())
    assert len(found) == 1 and found[0].endswith(
        f"gx:coord: '37.26 {number} 100' is not \"lon lat [altitude_m]\" (ASCII digits 0-9 "
        "and a '.')"
    )


@pytest.mark.parametrize("stamp", ["1_741_906_570", "١٧٤١٩٠٦٥٧٠", "１７４１９０６５７０"])
def test_unix_seconds_with_other_digits_are_refused(stamp: str) -> None:
    data = f"time,lat,lon\n{stamp},55.6,37.26\n{T0:.0f},55.6,37.26\n".encode()
    found = problems_of("f.csv", data)
    assert found == [
        f"f.csv:2: time: time '{stamp}' is not a number (write numbers with the ASCII "
        "digits 0-9, a '.' and an optional exponent)"
    ]


def test_an_8_mib_when_is_quoted_cut_with_its_length() -> None:
    doc = kml([("AZG123", flight(n=3))]).decode()
    start = doc.index("<when>") + len("<when>")
    end = doc.index("</when>", start)
    long_when = "2" * (8 * 2**20)
    found = problems_of("k.kml", (doc[:start] + long_when + doc[end:]).encode())
    assert len(found) == 1
    assert found[0].endswith(
        f"when: '{'2' * 60}…' (8,388,608 characters) is not a time (ISO 8601 with an offset, "
        "like 2025-03-13T22:54:12Z)"
    )
    assert len(found[0]) < 300


# --------------------------------------------------------------------------- bounds


def _gzip_bomb(head: bytes, row: bytes, size: int = 4096) -> bytes:
    """The largest gzip under ``size`` bytes of ``head`` and ``row`` repeated 2^k times."""
    best = b""
    rows = 1024
    while True:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        packed = packer.compress(head + row * rows) + packer.flush()
        if len(packed) > size:
            return best
        best, rows = packed, rows * 2


def test_a_4_kb_problem_bomb_keeps_few_problems_in_little_memory() -> None:
    bomb = _gzip_bomb(b"time,lat,lon\n", b"0,0,0\n")  # every row's time is 1970
    assert len(bomb) <= 4096
    assert len(gzip.decompress(bomb)) > 1_000_000
    tracemalloc.start()
    try:
        found: list[Problem] = []
        read_track_bytes(bomb, "bomb.csv.gz", found)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20
    assert len(found) == MAX_PROBLEMS + 1
    rows = len(gzip.decompress(bomb).splitlines()) - 1
    assert str(found[-1]) == (
        f"bomb.csv.gz:{MAX_PROBLEMS + 1}: file: {rows - MAX_PROBLEMS:,} more problems not "
        f"listed (the first {MAX_PROBLEMS:,} are); fix these and check again"
    )


def test_the_collector_counts_beyond_its_bound() -> None:
    found = Collector("x.csv")
    for k in range(MAX_PROBLEMS + 5):
        found.add(k + 1, "row", "bad")
    found.problems.append(Problem("x.csv", 1, "row", "bad"))
    assert len(found.problems) == MAX_PROBLEMS and found.count == MAX_PROBLEMS + 6


_DECOMPRESSOBJ = zlib.decompressobj


class _CountingInflater:
    """zlib's decompressor, counting the bytes it is given and copies back."""

    handled = 0

    def __init__(self, wbits: int) -> None:
        self.inner = _DECOMPRESSOBJ(wbits=wbits)

    def decompress(self, data: memoryview, max_length: int) -> bytes:
        out = self.inner.decompress(data, max_length)
        _CountingInflater.handled += (
            len(data) + len(self.inner.unconsumed_tail) + len(self.inner.unused_data)
        )
        return out

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_many_gzip_members_inflate_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    member = gzip.compress(b"")
    monkeypatch.setattr(geo.io.source.zlib, "decompressobj", _CountingInflater)
    for members in (2**14, 2**16):  # 4x the input must cost about 4x, not 16x
        _CountingInflater.handled = 0
        data = member * members
        assert problems_of("empty.json", data) == [
            f"empty.json:1: file: file is empty; {formats_help()}"
        ]
        assert _CountingInflater.handled <= 40 * len(data)


def test_gzip_members_and_padding_still_read() -> None:
    fixes = fixes_csv(flight(n=30)).decode()
    header, body = fixes.split("\n", 1)
    lines = body.splitlines(keepends=True)
    half = len(lines) // 2
    data = (
        gzip.compress((header + "\n" + "".join(lines[:half])).encode())
        + b"\x00" * 100
        + gzip.compress("".join(lines[half:]).encode())
    )
    traces = read_track_file(("two.csv.gz", data))
    assert len(traces) == 1 and len(traces[0]) == len(lines)


def test_aircraft_per_fixes_csv_are_bounded() -> None:
    rows = "".join(
        f"{T0 + k:.0f},55.6,37.26,RA-{k:05d}\n" for k in range(MAX_AIRCRAFT + 5)
    )
    data = ("time,lat,lon,registration\n" + rows).encode()
    assert problems_of("many.csv", data) == [
        f"many.csv:{MAX_AIRCRAFT + 2}: row: a {MAX_AIRCRAFT + 1:,}th aircraft (icao24, "
        f"registration or callsign); a fixes CSV may hold {MAX_AIRCRAFT:,}: split the file by "
        "aircraft"
    ]
    ok = ("time,lat,lon,registration\n" + rows.split("\n", 1)[1]).encode()
    assert len(read_track_file(("fewer.csv", ok[: ok.index(b"RA-01000")]))) <= MAX_AIRCRAFT


# --------------------------------------------------------------------------- issue 27: 7, 8


def test_the_same_track_twice_is_read_once(tmp_path: Path) -> None:
    data = readsb_json(flight(n=20))
    (tmp_path / "a.json").write_bytes(data)
    (tmp_path / "b.json").write_bytes(data)
    given = tmp_path / "a.json"
    tracks = load_tracks([given, given, tmp_path / "b.json", ("upload.json", data)])
    assert len(tracks.traces) == 1 and len(tracks.legs) == 1
    assert tracks.notes[:3] == (
        f"{given}: given again; read once",
        f"{tmp_path / 'b.json'}: the same content as {given}; read once",
        f"upload.json: the same content as {given}; read once",
    )


def test_fixes_csv_reads_back_formula_guards_and_ground_fixes() -> None:
    registration, callsign = "=RA-1", "-AZG1"
    assert protect(registration) == "'=RA-1"
    data = (
        "time,lat,lon,altitude_ft,callsign,registration,on_ground\n"
        f"{T0:.0f},55.59,37.26,,{protect(callsign)},{protect(registration)},true\n"
        f"{T0 + 60:.0f},55.60,37.20,900,{protect(callsign)},{protect(registration)},false\n"
        f"{T0 + 120:.0f},55.62,37.10,3000,{protect(callsign)},{protect(registration)},\n"
    ).encode()
    (trace,) = read_track_file(("fixes.csv", data))
    assert (trace.registration, trace.callsign) == (registration, callsign)
    assert trace.on_ground.tolist() == [True, False, False]
    bad = data.replace(b",true\n", b",maybe\n")
    assert problems_of("fixes.csv", bad) == [
        "fixes.csv:2: on_ground: 'maybe' is not true, false, 1, 0 or empty"
    ]


# --------------------------------------------------------------------------- the registry


def _read_pipe_format(data: bytes, problems: Collector) -> list[Trace]:
    rows = [line.split("|") for line in data.decode().splitlines()[1:] if line]
    t, lat, lon = (np.array([float(r[k]) for r in rows]) for k in range(3))
    return [make_trace(problems.name, t, lat, lon, format="pipes")]


def test_a_new_track_format_is_one_row(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pipes = TrackFormat(
        "pipes",
        "a pipes file (#pipes, then t|lat|lon)",
        lambda head: head.start.startswith(b"#pipes"),
        _read_pipe_format,
        (".pipes",),
    )
    monkeypatch.setattr(read_module, "TRACK_FORMATS", [*TRACK_FORMATS, pipes])
    assert formats_help().endswith(", or a pipes file (#pipes, then t|lat|lon)")
    assert ".pipes" in track_suffixes()
    body = "".join(f"{T0 + 60 * k:.0f}|{55 + k / 10}|{37 + k / 10}\n" for k in range(5))
    (tmp_path / "one.pipes").write_text("#pipes\n" + body)
    (trace,) = load_tracks([tmp_path]).traces
    assert trace.format == "pipes" and len(trace) == 5
    assert problems_of("x.txt", b"hello\n") == [
        f"x.txt:1: file: not a track file; {formats_help()}"
    ]


# --------------------------------------------------------------------------- a leg's end as a place


def test_a_leg_ending_away_from_an_airport_round_trips_through_events_csv() -> None:
    from geo.dataset import load_dataset
    from geo.export import export
    from tests.test_tracks_fixtures import VKO

    fixes = flight(VKO, (40.17, 52.69), n=60, ground_ends=False, end_ft=20_000)
    header = b"id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"
    first = load_dataset(
        header, names={"events": "e.csv"}, tracks=[("t.json", readsb_json(fixes))]
    )
    (event,) = first.events
    assert event.destination.name == "unknown (52.69, 40.17)"
    written = export(first.events, "events-csv")
    assert b'"unknown (52.69, 40.17)"' in written
    again = load_dataset(written, names={"events": "export.csv"})
    assert again.problems == ()
    (back,) = again.events
    assert (back.destination.lat, back.destination.lon) == (52.69, 40.17)
    assert back.destination.tz == "UTC" and not back.destination.airport
    assert export(again.events, "events-csv") == written


@pytest.mark.parametrize(
    "ref, lat_lon",
    [("52.69,40.17", (52.69, 40.17)), ("unknown (-33.9, 151.2)", (-33.9, 151.2))],
)
def test_a_flight_end_written_as_coordinates_loads(ref: str, lat_lon: tuple[float, float]) -> None:
    from geo.dataset import load_dataset

    data = (
        "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"
        f'f,flight,F,2025-03-14T01:54Z,2025-03-14T05:30Z,VKO,"{ref}",,reported,s,\n'
    ).encode()
    (event,) = load_dataset(data, names={"events": "e.csv"}).events
    assert (event.destination.lat, event.destination.lon) == lat_lon
    bad = data.replace(ref.encode(), "٥٢.69,40.17".encode())
    with pytest.raises(DataError):
        load_dataset(bad, names={"events": "e.csv"}, strict=True)


def test_a_long_json_value_is_quoted_cut_with_its_length() -> None:
    doc = readsb_doc(icao="a" * 5000)
    (line,) = problems_of("t.json", json.dumps(doc).encode())
    assert line == (
        f't.json:1: icao: "{"a" * 36}... (5,002 characters) is not a 24-bit address in hex '
        '(like "a0b1c2")'
    )
