"""No input destroyed, no amplification, no hang, no traceback: the CLI and the reader under
the cases an adversarial pass found (issue 19), each with the behaviour it must have now."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import geo.io.rules
import geo.output
from geo.cli import main
from geo.dataset import load_dataset
from geo.io.csvfile import MAX_CELL
from geo.model import DataError
from geo.places import Gazetteer
from geo.timeline import iso_utc, parse_time

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"


def _events(tmp_path: Path, rows: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _run(*args: str, stdout: int | None = subprocess.PIPE, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, check=False)


# ---- never destroy input -------------------------------------------------------------------


def test_out_equal_to_the_input_is_refused_and_the_input_kept(tmp_path: Path, capsys) -> None:
    events = _events(tmp_path, "a,meeting,t,2025-03-14,,,Baku,,reported,s,\n")
    before = events.read_bytes()
    code = main(["export", str(events), "--start", "2030-01-01", "--out", str(events)])
    assert code == 2
    assert "is also an input" in capsys.readouterr().err
    assert events.read_bytes() == before
    link = tmp_path / "link.csv"  # another name for the same file
    link.symlink_to(events)
    assert main(["export", "--events", str(events), "--out", str(link)]) == 2
    assert main(["export", "--out", "data/places.csv"]) == 2  # a shipped input too
    assert events.read_bytes() == before


def test_a_failed_write_leaves_the_old_file_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    out = tmp_path / "map.geojson"
    out.write_bytes(b"the good map")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo.output.os, "fsync", disk_full)
    assert main(["export", "--format", "geojson", "--out", str(out)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"the good map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.geojson"]


def test_a_written_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "map.csv"
    out.write_bytes(b"old")
    out.chmod(0o640)
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o640 and out.read_bytes() != b"old"


# ---- no hang, no traceback -----------------------------------------------------------------


def test_a_pipe_as_input_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    proc = _run("check", "--events", str(fifo), timeout=60)
    assert proc.returncode == 2
    assert f"{fifo}:1: file: is a pipe, socket or device, not a file" in proc.stderr


def test_a_full_standard_output_is_an_error_not_a_traceback() -> None:
    with open("/dev/full", "w") as full:
        for args in (("check",), ("list", "--format", "json")):
            proc = _run(*args, stdout=full.fileno())
            assert proc.returncode == 1, args
            assert "standard output: cannot write: No space left on device" in proc.stderr
            assert "Traceback" not in proc.stderr


# ---- budgets, checked before the work ------------------------------------------------------


def test_a_9000_year_flight_is_refused_on_its_line(tmp_path: Path) -> None:
    events = _events(
        tmp_path, "f,flight,F,1000-01-01T00:00,9000-01-01T00:00,VKO,GYD,,reported,s,\n"
    )
    with pytest.raises(DataError) as err:
        load_dataset(events)
    (problem,) = err.value.problems
    assert problem.line == 2 and problem.column == "end"
    assert "a flight lasts at most 24 h" in problem.message


def test_a_row_lists_at_most_so_many_origins(tmp_path: Path) -> None:
    origins = ";".join(["Baku"] * 3_000)  # 15 KB: within a cell's limit
    events = _events(tmp_path, f"a,meeting,t,2025-03-14,,{origins},Moscow,,reported,s,\n")
    with pytest.raises(DataError) as err:
        load_dataset(events)
    assert [str(p) for p in err.value.problems] == [
        f"{events}:2: origin: lists 3,000; a row may list {geo.io.rules.MAX_ORIGINS}"
    ]


def test_a_long_cell_is_named_not_malformed(tmp_path: Path) -> None:
    events = _events(
        tmp_path,
        f"a,meeting,t,2025-03-14,,,Baku,,reported,s,{'x' * 200_000}\n"
        "b,meeting,t,2025-03-14,,,Baku,,reported,s,\n",
    )
    data = load_dataset(events, strict=False)
    assert [e.id for e in data.events] == ["b"]  # the rest of the file was read
    assert [str(p) for p in data.problems] == [
        f"{events}:2: notes: holds 200,000 characters; a cell may hold {MAX_CELL:,} (a quote "
        "left open swallows the lines after it)"
    ]


# ---- text that only looks right ------------------------------------------------------------


@pytest.mark.parametrize("lat", ["٤٠.٥", "４０.５", "4_0.5", "nan", "inf", "0x1p3"])
def test_only_ascii_decimal_numbers_are_coordinates(tmp_path: Path, lat: str) -> None:
    places = tmp_path / "places.csv"
    places.write_text(f"name,country,lat,lon,tz,aliases\nX,AZ,{lat},49.9,Asia/Baku,\n")
    with pytest.raises(DataError) as err:
        load_dataset(None, None, places)
    assert f"'{lat}' is not a number" in str(err.value)


def test_a_double_byte_order_mark_is_no_column_name(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_bytes(
        b"\xef\xbb\xbf\xef\xbb\xbf" + (HEADER + "a,meeting,t,2025-03-14,,,Baku,,reported,s,\n")
        .encode()
    )
    (ev,) = load_dataset(events).events
    assert ev.id == "a"


def test_years_before_1000_are_written_with_four_digits() -> None:
    span = parse_time("1000-01-01T00:00+04:00", "UTC")  # 999-12-31 20:00 UTC
    assert iso_utc(span.start_utc) == "0999-12-31T20:00:00Z"


# ---- every problem, but not a flood --------------------------------------------------------


def test_the_problem_list_is_capped_with_a_count(tmp_path: Path, capsys) -> None:
    rows = "".join(f"e{k},meeting,t,2025-03-14,,,Nowhere{k},,reported,s,\n" for k in range(250))
    events = _events(tmp_path, rows)
    assert main(["check", "--events", str(events)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 100 + 3
    assert lines[100] == "… and 150 more problems not shown (--max-problems 0 shows them all)"
    assert lines[-1] == "250 problems found"
    assert main(["check", "--events", str(events), "--max-problems", "0"]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 252


def test_a_suggestion_is_computed_once_per_distinct_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = Gazetteer.suggest

    def counted(self: Gazetteer, ref: str) -> str | None:
        calls.append(ref)
        return original(self, ref)

    monkeypatch.setattr(Gazetteer, "suggest", counted)
    rows = "".join(f"e{k},meeting,t,2025-03-14,,Bakku,Mozcow,,reported,s,\n" for k in range(3000))
    data = load_dataset(_events(tmp_path, rows), strict=False)
    assert len(data.problems) == 6000
    assert sorted(calls) == ["Bakku", "Mozcow"]


# ---- lenient loading, strict reporting -----------------------------------------------------


def test_one_bad_row_among_thousands_is_skipped_and_said(tmp_path: Path, capsys) -> None:
    rows = "".join(f"e{k},meeting,t,2025-03-14,,,Baku,,reported,s,\n" for k in range(3000))
    # a local time the clocks skip (DST begins in New York at 02:00 on 9 March 2025)
    rows += "dst,flight,F,2025-03-09T01:00,2025-03-09T02:30,IAD,JFK,,reported,s,\n"
    events = _events(tmp_path, rows)
    assert main(["check", "--events", str(events)]) == 2
    err = capsys.readouterr().err
    assert f"{events}:3002: end: 2025-03-09 02:30 does not exist in America/New_York" in err
    assert f"3,000 events loaded from {events}, 1 row skipped (1 problem)" in err
    assert main(["list", "--format", "csv", "--events", str(events)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3001 and "1 row skipped" in err
    assert main(["list", "--strict", "--events", str(events)]) == 2
    assert main(["export", "--strict", "--events", str(events), "--out",
                 str(tmp_path / "m.html")]) == 2
    assert not (tmp_path / "m.html").exists()


def test_generated_feature_ids_never_take_an_event_id() -> None:
    """An arc's feature id (``id#arcN``) is made unique against every event id in the file:
    an event whose own id is ``visit#arc1`` keeps it, and the arc gets ``visit#arc1-2``."""
    from geo.geojson import geojson_features
    from tests.helpers import events_from_csv

    events = events_from_csv(
        "visit,visit,A visit,2025-03-14,,Moscow,Baku,,reported,s,\n"
        "visit#arc1,meeting,Named like an arc,2025-03-15,,,Baku,,reported,s,\n"
    )
    ids = [f["id"] for f in geojson_features(events)]
    assert sorted(ids) == ["visit", "visit#arc1", "visit#arc1-2"]
    assert len(set(ids)) == len(ids)


def test_a_carriage_return_survives_the_kml() -> None:
    """XML readers turn a literal CR into LF; the KML writes it as a reference instead."""
    import xml.etree.ElementTree as ET

    from geo.export import to_kml
    from tests.helpers import events_from_csv

    (event,) = events_from_csv('cr,visit,"one\rtwo",2025-03-14,,,Baku,,reported,s,\n')
    assert event.title == "one\rtwo"
    root = ET.fromstring(to_kml([event]).encode("utf-8"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [n.text for n in root.iterfind(".//k:Placemark/k:name", ns)]
    assert names == ["one\rtwo"]


# ---- outputs only ever replace a regular file the user named (issue 27 items 4, 5, 15) -----


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _csv_export(capsys, *args: str) -> bytes:
    assert main(["export", "--format", "csv", "--out", "-", *args]) == 0
    return capsys.readouterr().out.encode()


def test_a_fifo_is_written_as_a_stream_not_replaced(tmp_path: Path, capsys) -> None:
    expected = _csv_export(capsys)
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    assert main(["export", "--format", "csv", "--out", str(fifo)]) == 0
    reader.join(timeout=120)
    assert got == [expected]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe
    assert f"{fifo}: " in capsys.readouterr().out and sorted(os.listdir(tmp_path)) == ["out.csv"]


def test_a_device_is_written_as_a_stream_not_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"  # a node of the null device of our own (never the real one)
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    assert main(["export", "--format", "csv", "--out", str(null)]) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["null"]


def test_dev_stdout_is_standard_output() -> None:
    dash = _run("export", "--format", "csv", "--out", "-")
    named = _run("export", "--format", "csv", "--out", "/dev/stdout")
    assert dash.returncode == named.returncode == 0, named.stderr
    assert named.stdout == dash.stdout and named.stdout.startswith("id,")


def test_a_symlink_is_followed_to_what_it_names(tmp_path: Path, capsys) -> None:
    """Documented: links are resolved. A link to a map replaces the map and stays a link; a
    link to a pipe writes into the pipe."""
    expected = _csv_export(capsys)
    real = tmp_path / "real.csv"
    real.write_bytes(b"the old map")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert main(["export", "--format", "csv", "--out", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == expected
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_pipe = tmp_path / "to-pipe.csv"
    to_pipe.symlink_to(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    assert main(["export", "--format", "csv", "--out", str(to_pipe)]) == 0
    reader.join(timeout=120)
    assert got == [expected] and to_pipe.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_folder_is_refused(tmp_path: Path, capsys) -> None:
    assert main(["export", "--format", "csv", "--out", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def _track_folder(tmp_path: Path) -> tuple[Path, Path]:
    import gzip

    from tests.test_tracks_fixtures import GYD, VKO, flight, readsb_json

    folder = tmp_path / "tracks"
    (folder / "day").mkdir(parents=True)
    fixes = flight(VKO, GYD, 1741906440.0 + 240.0, minutes=150.0)
    trace = folder / "day" / "trace_full_a0b1c2.json"
    trace.write_bytes(readsb_json(fixes, registration="N103WG"))
    (folder / "other.json.gz").write_bytes(gzip.compress(trace.read_bytes()))
    return folder, trace


def test_an_output_inside_a_tracks_folder_is_refused(tmp_path: Path, capsys) -> None:
    folder, trace = _track_folder(tmp_path)
    before = trace.read_bytes()
    code = main(["export", "--tracks", str(folder), "--format", "geojson", "--out", str(trace)])
    assert code == 2 and trace.read_bytes() == before
    assert "is inside the input folder" in capsys.readouterr().err
    for out in (folder / "all.csv", folder / "day" / "new.json"):  # not an input yet
        code = main(["export", "--tracks", str(folder), "--format", "fixes-csv", "--out",
                     str(out)])
        assert code == 2 and not out.exists()
        assert "is inside the input folder" in capsys.readouterr().err
    beside = tmp_path / "all.csv"  # beside the folder: written, and run twice, the same bytes
    runs = []
    for _ in range(2):
        assert main(["export", "--tracks", str(folder), "--format", "fixes-csv", "--out",
                     str(beside)]) == 0
        runs.append(beside.read_bytes())
    assert runs[0] == runs[1] and runs[0].count(b"\n") > 100


def test_a_250_byte_name_is_written(tmp_path: Path) -> None:
    out = tmp_path / ("m" * 246 + ".csv")
    assert len(out.name.encode()) == 250
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"id,") and sorted(os.listdir(tmp_path)) == [out.name]
    long = tmp_path / ("é" * 125 + ".csv")  # 254 bytes of two-byte characters
    assert main(["export", "--format", "csv", "--out", str(long)]) == 0
    assert long.exists()


def test_an_empty_out_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--out", ""])
    assert exit_.value.code == 2
    assert "--out: an empty name" in capsys.readouterr().err


def test_the_written_name_is_printed_safely(tmp_path: Path, capsys) -> None:
    out = tmp_path / "map\x1b[31m\n.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\\x1b[31m\\n.csv: " in printed
    assert printed.count("\n") == 1
