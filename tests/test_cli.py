"""``python -m geo check | list`` on the shipped data."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main
from geo.table import TABLE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
N_EVENTS = sum(1 for _ in csv.DictReader((ROOT / "data" / "events.csv").open(encoding="utf-8")))
FLIGHT = "flight-vko-gyd-2025-03-14"
PRECEDENTS = {
    "dunford-gerasimov-2017": "2017-02-16",
    "scaparrotti-gerasimov-2018-04": "2018-04-19",
    "scaparrotti-gerasimov-2018-12": "2018-12-12",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def list_json(capsys, *args: str) -> list[dict]:
    assert main(["list", "--format", "json", *args]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def ids(rows: list[dict]) -> list[str]:
    return [r["id"] for r in rows]


def test_check_shipped_data():
    proc = run("check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"data/events.csv: {N_EVENTS} events OK\n"
    assert proc.stderr == ""


def test_list_json_flight(capsys):
    rows = {r["id"]: r for r in list_json(capsys)}
    assert len(rows) == N_EVENTS
    f = rows[FLIGHT]
    assert f["kind"] == "flight"
    assert f["start_utc"] == "2025-03-13T22:54:00Z"
    assert f["end_utc"] == "2025-03-14T01:30:00Z"
    assert f["start_local"] == "2025-03-14T01:54:00+03:00"
    assert f["end_local"] == "2025-03-14T05:30:00+04:00"
    assert f["timezone"] == "Europe/Moscow"
    assert f["arrival_timezone"] == "Asia/Baku"
    assert f["origin"] == ["Vnukovo International Airport (VKO)"]
    assert f["destination"] == "Heydar Aliyev International Airport (GYD)"
    assert f["distance_km"] == pytest.approx(1926, abs=5)
    assert f["duration_minutes"] == 156
    assert f["plausible"] is True
    assert f["precision"] == "minute"


def test_list_json_baku_precedents(capsys):
    rows = {r["id"]: r for r in list_json(capsys)}
    for eid, day in PRECEDENTS.items():
        r = rows[eid]
        assert r["start_local"] == day
        assert r["end_local"] == day
        assert r["destination"] == "Baku"
        assert r["timezone"] == "Asia/Baku"
        assert r["kind"] == "meeting"
        assert r["precision"] == "day"
    assert rows["dunford-gerasimov-2017"]["start_utc"] == "2017-02-15T20:00:00Z"
    assert rows["dunford-gerasimov-2017"]["when"] == "16 February 2017"


def test_list_is_sorted_by_start(capsys):
    rows = list_json(capsys)
    assert rows[0]["id"] == "dunford-gerasimov-2017"
    starts = [r["start_utc"] for r in rows]
    assert starts == sorted(starts)


def test_filter_utc_day_includes_baku_day_starting_the_evening_before(capsys):
    rows = list_json(capsys, "--kind", "meeting", "--start", "2025-03-13", "--end", "2025-03-13")
    assert ids(rows) == ["witkoff-baku-2025-03-14"]  # 14 March in Baku starts 13 March 20:00Z


def test_filter_start_end(capsys):
    rows = list_json(capsys, "--start", "2025-03-14", "--end", "2025-03-14")
    got = set(ids(rows))
    assert {FLIGHT, "witkoff-baku-2025-03-14", "peskov-confirms-2025-03-14"} <= got
    assert "witkoff-putin-2025-03-13" not in got  # 13 March Moscow ends 21:00Z on the 13th
    assert "knesset-debate-2025-03-05" not in got
    assert "lightstone-baku-2025-spring" in got  # March-May overlaps
    assert all(r["start_utc"] < "2025-03-15" and r["end_utc"] > "2025-03-14" for r in rows)


def test_filter_start_at_the_flight_arrival_minute(capsys):
    rows = list_json(capsys, "--kind", "flight", "--start", "2025-03-14T01:30")
    assert ids(rows) == [FLIGHT]
    assert list_json(capsys, "--kind", "flight", "--start", "2025-03-14T01:31") == []


def test_filter_kind_and_status(capsys):
    assert ids(list_json(capsys, "--kind", "flight")) == [FLIGHT]
    spec = list_json(capsys, "--status", "speculative")
    assert ids(spec) == ["trump-putin-baku-speculation-2025-03-14"]
    both = list_json(capsys, "--kind", "letter", "--kind", "report", "--status", "reported")
    assert ids(both) == ["besa-paper-2025-01", "rabbis-letter-2025"]
    assert all(r["status"] == "reported" for r in both)


def test_filter_search(capsys):
    rows = list_json(capsys, "--search", "gerasimov")
    assert set(ids(rows)) == set(PRECEDENTS)


def test_list_csv_parses_back(capsys):
    assert main(["list", "--format", "csv"]) == 0
    out, _ = capsys.readouterr()
    reader = csv.DictReader(io.StringIO(out, newline=""))
    assert tuple(reader.fieldnames or ()) == TABLE_COLUMNS
    rows = {r["id"]: r for r in reader}
    assert len(rows) == N_EVENTS
    f = rows[FLIGHT]
    assert f["start_utc"] == "2025-03-13T22:54:00Z"
    assert float(f["distance_km"]) == pytest.approx(1926, abs=5)
    assert f["plausible"] == "true"
    notes = rows["abraham-accords-2020"]["notes"]
    assert '"2020–2021"' in notes  # embedded quotes survive the round trip
    assert rows["dunford-gerasimov-2017"]["participants"] == (
        "Joseph Dunford; Valery Gerasimov; Ilham Aliyev"
    )


def test_list_table(capsys):
    assert main(["list", "--kind", "flight"]) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("ID")
    assert lines[1].startswith("flight-vko-gyd-2025-03")
    assert lines[-1] == "1 event"
    # ids are never cut
    assert lines[1].split()[0] == "flight-vko-gyd-2025-03-14"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "tomorrow"], "--start: 'tomorrow' is not a date or time"),
        (["--end", "2025-02-30"], "--end: '2025-02-30' is not a real date or time"),
        (["--start", "2025-04", "--end", "2025-03"], "--end 2025-03 is before --start 2025-04"),
    ],
)
def test_bad_filter_value(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        main(["list", *args])
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err


def test_bad_start_through_subprocess_has_no_traceback():
    proc = run("list", "--start", "14/03/2025")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--start: '14/03/2025' is not a date or time" in proc.stderr
    assert proc.stdout == ""


def test_list_with_positional_events_file(capsys):
    good = str(ROOT / "tests" / "data" / "good" / "bom.csv")
    assert ids(list_json(capsys, good)) == ["bom-1", "bom-2"]
    with pytest.raises(SystemExit) as info:
        main(["list", good, good])
    assert info.value.code == 2
    assert "at most one events file" in capsys.readouterr().err


def test_closed_stdout_pipe_is_quiet():
    """``python -m geo list | head -1`` must not print a BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "list", "--format", "json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first write
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err


def test_within_a_country_a_box_or_nothing(tmp_path: Path, capsys) -> None:
    assert main(["list", "--format", "json", "--within", "Azerbaijan"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["destination"].startswith(("Baku", "Heydar Aliyev")) for r in rows)
    assert main(["list", "--format", "json", "--within", "44,38,51,42"]) == 0
    boxed = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} <= {r["id"] for r in boxed}  # Yerevan is in the box too
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--within", "Narnia"])
    assert exit_.value.code == 2
    assert "did you mean 'Armenia'?" in capsys.readouterr().err


def test_events_from_a_geopackage_and_an_image_at_a_time(tmp_path: Path, capsys) -> None:
    gpkg = tmp_path / "events.gpkg"
    assert main(["export", "--out", str(gpkg)]) == 0
    assert main(["check", "--events", str(gpkg)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"{gpkg}: 27 events OK")
    png = tmp_path / "night.png"
    assert main(["export", "--out", str(png), "--at", "2025-03-14T00:12:00Z"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(SystemExit):
        main(["export", "--out", str(png), "--at", "soon"])


def test_check_with_tracks_says_what_the_track_gave(capsys):
    assert main(["check", "--tracks", "docs/examples/synthetic-trace_full_n103wg.json"]) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == "data/events.csv: 27 events OK"
    assert lines[1].startswith("flight-vko-gyd-2025-03-14: recorded track: 292 fixes (readsb)")
    assert "  1 coverage gap (23 min)" in lines
    assert any("outlier fix" in line for line in lines[2:])
