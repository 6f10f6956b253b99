"""The archive's three questions (legs, at an airport, in a box then another) on the test
archive, through the Python API and ``python -m geo archive``: exact aircraft and times."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from archive_spec import FILLER, MIDNIGHT, TAR_FLIGHT, TWO_SOURCES, t, write_sources

from geo.archive import aircraft_near, at_airport, box, build_store, legs, positions
from geo.archive.airports import alternatives, resolve_airport
from geo.cli import main
from geo.tracks import normalize_aircraft


def at(text: str) -> datetime:
    return datetime.fromtimestamp(t(text), UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("q")
    sources = write_sources(root / "src")
    build_store(list(sources.values()), root / "store")
    return root / "store"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["archive", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_legs_by_aircraft_by_registration_hex_or_callsign_any_case(store: Path) -> None:
    for key in ("n103wg", "A0B1C2", "azg123"):
        assert legs(store, aircraft=key)["leg_id"].tolist() == ["track-a0b1c2-20250313T2254Z"]
    assert legs(store, aircraft="nobody").empty


def test_legs_by_aircraft_compare_names_as_the_matcher_does(store: Path) -> None:
    # spaces, hyphens, a leading ~ and case aside (geo.tracks.normalize_aircraft), as a claim
    # names an aircraft: before, only case was aside and these found nothing
    for key in ("n-103 wg", " ~a0b1c2", "AZG 123", "n103wg\t"):
        assert legs(store, aircraft=key)["leg_id"].tolist() == ["track-a0b1c2-20250313T2254Z"]
    assert legs(store, aircraft="N-103").empty


def test_a_child_started_after_a_question_runs(store: Path) -> None:
    # the process's DuckDB database is the parent's alone: a child forked with a preexec
    # function (Spark's Java gateway is one) must not free it, or the child dies before exec
    assert not legs(store, aircraft="n103wg").empty
    done = subprocess.run([sys.executable, "-c", "print('ran')"], preexec_fn=lambda: None,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "ran\n")
    assert not legs(store, aircraft="n103wg").empty


def test_a_question_after_the_store_grew_reads_the_new_files(tmp_path: Path) -> None:
    # the process keeps Parquet footers between questions (geo.archive.connection); a legs
    # file the build rewrites in the same second must be read afresh, not from the cache
    sources = write_sources(tmp_path / "src")
    out = tmp_path / "store"
    build_store([sources["globe"]], out)
    before = legs(out)["icao24"].tolist()
    held_before = [legs(out, origin="VKO") for _ in range(2)]  # the second from memory
    build_store(list(sources.values()), out)
    after = legs(out)["icao24"].tolist()
    held_after = [legs(out, origin="VKO") for _ in range(2)]
    assert held_before[0].equals(held_before[1]) and held_after[0].equals(held_after[1])
    assert len(held_after[1]) > len(held_before[1])  # the rebuilt file is a new file
    assert len(before) == 5 and len(after) == 12 and set(before) < set(after)
    assert len(after) == sum(pq.read_metadata(f).num_rows for f in out.glob("legs/day=*/*.parquet"))


def test_legs_from_to_by_iata_or_icao_and_in_a_window(store: Path) -> None:
    vko = legs(store, origin="VKO")
    assert vko["icao24"].tolist() == [MIDNIGHT.icao24, TWO_SOURCES.icao24, FILLER[3].icao24]
    assert legs(store, origin="UUWW", destination="GYD")["icao24"].tolist() == [MIDNIGHT.icao24]
    # overlapping the window: the leg that started the evening before is in
    window = (at("2025-03-14T01:00:00Z"), at("2025-03-14T02:00:00Z"))
    assert legs(store, between=window)["icao24"].tolist() == [MIDNIGHT.icao24]


NAMES = ("n103wg", "A0B1C2", "azg123", "n-103 wg", " ~a0b1c2", "nobody", "N-103",
         TWO_SOURCES.icao24, FILLER[3].icao24.upper())  # fmt: skip
HELD_QUESTIONS: list[dict[str, object]] = [
    *({"aircraft": k} for k in NAMES),  # type: ignore[list-item]
    {"origin": "VKO"}, {"origin": "UUWW", "destination": "GYD"}, {"destination": "UBBB"},
    {"origin": "EGLL"},
    {"aircraft": "n103wg", "between": (at("2025-03-14T01:00:00Z"), at("2025-03-14T02:00:00Z"))},
    {"aircraft": "n103wg", "between": (at("2025-03-14T03:00:00Z"), at("2025-03-14T04:00:00Z"))},
    {"origin": "VKO", "between": (at("2025-03-14T00:00:00Z"), at("2025-03-14T12:00:00Z"))},
    {"aircraft": "azg123", "destination": "GYD"},
]  # fmt: skip


@pytest.mark.parametrize("question", HELD_QUESTIONS, ids=repr)
def test_a_question_asked_again_is_answered_from_memory_as_from_the_files(
    store: Path, question: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first question about a legs file asks DuckDB; the second holds the file, decoded,
    # and answers from it: the same frame, column types and order included
    from geo.archive import query

    monkeypatch.setattr(query, "_HELD", query._HeldFiles())
    from_files = legs(store, **question)  # type: ignore[arg-type]
    assert not query._HELD.held
    from_memory = legs(store, **question)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(from_memory, from_files)
    name = question.get("aircraft")
    named = name is None or query.addresses_named(store, [normalize_aircraft(str(name))])
    assert bool(query._HELD.held) == bool(named)  # nobody by that name: no file is read
    assert legs(store, **question).equals(from_files)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [("GYD", "2025-03-14T00:00:00Z", "2025-03-14T12:00:00Z"),
     ("VKO", "2025-03-13T20:00:00Z", "2025-03-14T06:00:00Z"),
     ("UUWW", "2025-03-13T00:00:00Z", "2025-03-15T00:00:00Z"),
     ("EGLL", "2025-03-14T00:00:00Z", "2025-03-14T01:00:00Z")],
)  # fmt: skip
def test_at_an_airport_asked_again_is_answered_from_memory_as_from_the_files(
    store: Path, code: str, start: str, end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.archive import query

    monkeypatch.setattr(query, "_HELD", query._HeldFiles())
    first = at_airport(store, code, at(start), at(end))
    second = at_airport(store, code, at(start), at(end))
    tiers = {Path(key[0]).parts[-3] for key in query._HELD.held}
    assert tiers == {"legs", "ground"}  # the second answer from the files held
    pd.testing.assert_frame_equal(second.arrivals, first.arrivals)
    pd.testing.assert_frame_equal(second.departures, first.departures)
    pd.testing.assert_frame_equal(second.on_ground, first.on_ground)


def test_the_legs_held_in_memory_stay_within_their_bytes(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.archive import query

    monkeypatch.setattr(query, "_HELD", query._HeldFiles())
    from_files = legs(store, origin="VKO")
    monkeypatch.setattr(query, "HELD_BYTES", 1)  # no file fits: each question still answered
    assert legs(store, origin="VKO").equals(from_files)
    assert not query._HELD.held and query._HELD.nbytes == 0
    # two files that would not fit together, by their size on disk: none is even read (a
    # year of legs is 9.6 GB)
    largest = max(f.stat().st_size for f in store.glob("legs/day=*/part-0.parquet"))
    monkeypatch.setattr(query, "HELD_BYTES", largest * query._DECODED_PER_BYTE + 1)
    monkeypatch.setattr(query, "_load_held", None)
    assert legs(store, origin="VKO").equals(from_files)
    assert not query._HELD.held
    monkeypatch.undo()
    monkeypatch.setattr(query, "_HELD", query._HeldFiles())
    assert legs(store, origin="VKO").equals(from_files)
    monkeypatch.setattr(query, "HELD_BYTES", 1 << 30)
    assert legs(store, origin="VKO").equals(from_files)
    days = sorted(key[0] for key in query._HELD.held if "legs" in key[0])
    assert [Path(d).parent.name for d in days] == ["day=2025-03-13", "day=2025-03-14"]
    assert query._HELD.nbytes == sum(h.nbytes for h in query._HELD.held.values()) > 0


def test_at_an_airport_arrivals_departures_and_on_the_ground(store: Path) -> None:
    report = at_airport(store, "GYD", at("2025-03-14T00:00:00Z"), at("2025-03-14T12:00:00Z"))
    assert report.airport.code == "UBBB"
    assert report.arrivals["icao24"].tolist() == [MIDNIGHT.icao24, FILLER[2].icao24]
    assert report.arrivals["landing_s"].tolist() == [
        t("2025-03-14T01:30:00Z"),
        t("2025-03-14T10:15:00Z"),
    ]
    assert report.departures["icao24"].tolist() == [TAR_FLIGHT.icao24]
    assert report.departures["takeoff_s"].tolist() == [t("2025-03-14T03:00:00Z")]
    ground = report.on_ground.set_index("icao24")
    assert ground.loc[MIDNIGHT.icao24, "first_s"] == t("2025-03-14T01:31:00Z")
    assert ground.loc[MIDNIGHT.icao24, "fixes"] == 5
    assert sorted(ground.index) == sorted([MIDNIGHT.icao24, TAR_FLIGHT.icao24, FILLER[2].icao24])


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [("GYD", "2025-03-14T00:00:00Z", "2025-03-14T12:00:00Z"),
     ("VKO", "2025-03-13T20:00:00Z", "2025-03-14T06:00:00Z"),
     ("UUWW", "2025-03-13T00:00:00Z", "2025-03-15T00:00:00Z"),
     ("GYD", "2025-03-14T01:31:00Z", "2025-03-14T01:33:00Z")],
)  # fmt: skip
def test_on_the_ground_from_the_ground_tier_as_from_the_positions(
    store: Path, code: str, start: str, end: str, tmp_path: Path
) -> None:
    # the ground tier answers; a store without it (built before it) is asked the hours
    import shutil

    old = tmp_path / "old"
    shutil.copytree(store, old)
    shutil.rmtree(old / "ground")
    tier = at_airport(store, code, at(start), at(end)).on_ground
    hours = at_airport(old, code, at(start), at(end)).on_ground
    pd.testing.assert_frame_equal(tier, hours)
    assert not tier.empty


def test_aircraft_near_an_airport_below_a_height(store: Path) -> None:
    vko = resolve_airport("VKO")
    assert vko is not None
    near = aircraft_near(
        store, vko.lon_deg, vko.lat_deg, 10.0, 3000.0,
        at("2025-03-13T22:00:00Z"), at("2025-03-14T00:00:00Z"), elevation_ft=vko.elevation_ft,
    )  # fmt: skip
    # 5 ground fixes and the takeoff fix at 500 ft; a minute later (2,500 ft) it is 13 km out
    assert near.to_dict(orient="records") == [
        {"icao24": MIDNIGHT.icao24, "first_s": t("2025-03-13T22:49:00Z"),
         "last_s": t("2025-03-13T22:54:00Z"), "fixes": 6}
    ]  # fmt: skip


def test_box_and_the_two_box_question(store: Path) -> None:
    moscow = (36.0, 55.0, 38.0, 56.0)
    baku = (49.0, 40.0, 51.0, 41.0)
    window = (at("2025-03-13T22:00:00Z"), at("2025-03-14T12:00:00Z"))
    seen = box(store, moscow, *window)
    assert seen["icao24"].tolist() == [MIDNIGHT.icao24, TWO_SOURCES.icao24, FILLER[3].icao24]
    then = box(store, moscow, *window, then=baku, within=timedelta(hours=4))
    assert then.to_dict(orient="records") == [
        {"icao24": MIDNIGHT.icao24, "box_s": t("2025-03-13T23:00:00Z"),
         "then_s": t("2025-03-14T01:25:00Z"), "elapsed_s": 8700, "callsigns": "AZG123"}
    ]  # fmt: skip
    assert box(store, moscow, *window, then=baku, within=timedelta(hours=2)).empty


def test_a_query_reads_only_the_partitions_of_its_window(store: Path) -> None:
    from geo.archive.query import _hour_files, _leg_files

    hours = _hour_files(store, t("2025-03-14T05:10:00Z"), t("2025-03-14T07:00:00Z"))
    assert [Path(h).parent.name for h in hours] == ["hour=05", "hour=06"]
    days = _leg_files(store, (t("2025-03-14T05:00:00Z"), t("2025-03-14T06:00:00Z")))
    assert [Path(d).parent.name for d in days] == ["day=2025-03-13", "day=2025-03-14"]


def test_positions_of_one_aircraft_in_degrees(store: Path) -> None:
    fixes = positions(store, "A0B1C2", at("2025-03-13T22:00:00Z"), at("2025-03-13T22:50:00Z"))
    assert fixes["time_s"].tolist() == [t("2025-03-13T22:49:00Z")]
    assert (fixes["lat_deg"].iloc[0], fixes["lon_deg"].iloc[0]) == (55.5915, 37.2615)


def test_alternatives_name_other_airfields_within_5_km(store: Path) -> None:
    doha = resolve_airport("DOH")
    assert doha is not None and doha.code == "OTHH"
    assert alternatives(doha.lat_deg, doha.lon_deg, "OTHH") == "OTBD 4.9 km"
    assert legs(store, aircraft="QTR1")["takeoff_alternatives"].tolist() == ["OTBD 4.5 km"]


def test_cli_legs_table_json_csv(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "legs", "--store", str(store), "--aircraft", "RA-96022")
    assert code == 0
    assert out.splitlines()[1].split()[:9] == [
        "track-151d8a-20250314T0500Z", "151d8a", "RA-96022", "IL96", "RSD022",
        "2025-03-14T05:00:00Z", "UUWW", "2025-03-14T07:10:00Z", "URSS",
    ]  # fmt: skip
    code, out, _ = run(capsys, "legs", "--store", str(store), "--from", "VKO", "--to", "GYD",
                       "--format", "json")  # fmt: skip
    (leg,) = json.loads(out)
    assert (leg["takeoff_s"], leg["landing_s"]) == ("2025-03-13T22:54:00Z", "2025-03-14T01:30:00Z")
    window = ["2025-03-14T09:30:00Z", "2025-03-14T09:40:00Z"]
    code, out, _ = run(capsys, "legs", "--store", str(store), "--between", *window,
                       "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["icao24"] for r in rows] == [FILLER[2].icao24, "4ca7b5"]  # in the air then


def test_cli_at_and_box(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    window = ["2025-03-14T00:00:00Z", "2025-03-14T12:00:00Z"]
    code, out, _ = run(capsys, "at", "GYD", "--store", str(store), "--between", *window,
                       "--format", "json")  # fmt: skip
    doc = json.loads(out)
    assert code == 0 and doc["airport"] == "UBBB"
    assert [a["icao24"] for a in doc["arrivals"]] == [MIDNIGHT.icao24, FILLER[2].icao24]
    code, out, _ = run(capsys, "box", "36,55,38,56", "--store", str(store), "--between",
                       "2025-03-13T22:00:00Z", "2025-03-14T12:00:00Z", "--then", "49,40,51,41",
                       "--within", "PT4H")  # fmt: skip
    assert code == 0
    assert out.splitlines()[1].split() == [
        "a0b1c2", "2025-03-13T23:00:00Z", "2025-03-14T01:25:00Z", "8700", "AZG123"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["legs", "--between", "2025-03-14", "2025-03-15T00:00:00Z"], "has no offset"),
        (["legs", "--between", "2025-03-15T00:00:00Z", "2025-03-14T00:00:00Z"], "is not after"),
        (["legs", "--from", "ZZZZ"], "not a known IATA or ICAO code"),
        (["box", "1,2,3", "--between", "2025-03-14T00:00:00Z", "2025-03-15T00:00:00Z"],
         "is not MINLON,MINLAT,MAXLON,MAXLAT"),
        (["box", "1,2,3,4", "--between", "2025-03-14T00:00:00Z", "2025-03-15T00:00:00Z",
          "--then", "1,2,3,4", "--within", "4 hours"], "not an ISO 8601 duration"),
        (["box", "1,2,3,4", "--between", "2025-03-14T00:00:00Z", "2025-03-15T00:00:00Z",
          "--then", "1,2,3,4"], "--then needs --within"),
    ],
)  # fmt: skip
def test_cli_usage_errors_exit_2_without_a_traceback(
    store: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv[:1], "--store", str(store), *argv[1:])
    assert code == 2 and message in err and "Traceback" not in err


def test_cli_a_folder_that_is_not_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "legs", "--store", str(tmp_path))
    assert code == 2 and "not an archive store" in err


def test_cli_build_reports_bad_members_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = write_sources(tmp_path / "src")
    code, out, err = run(capsys, "build", str(sources["tar"]), "--out", str(tmp_path / "s"))
    assert code == 0
    assert "trace_full_badbad.json: gzip data is truncated" in err
    assert "2 legs" in out


def test_list_draws_a_leg_of_the_store_as_the_recorded_track(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["list", "--tracks-from", str(store), "--tracks-aircraft", "N103WG",
                 "--format", "json"])  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == 0
    (flight,) = [e for e in json.loads(out) if e.get("aircraft") == "N103WG"]
    assert flight["track_source"] == (
        f"recorded track: 157 fixes (csv) from {store}:track-a0b1c2-20250313T2254Z.csv"
    )
    # Liftoff and touchdown are estimated (geo.tracks.legs): the fixes CSV the store hands
    # over has no vertical rate, and the spec's first airborne fix (500 ft at 22:54:00) is
    # below Vnukovo's 685 ft field, so liftoff comes from the climb to the next fix (2,500 ft
    # at 22:55:00): 6 s after the spec's time; the last airborne fix (500 ft at 01:30:00,
    # Baku's field at 10 ft) descends at 2,000 ft/min to touch down 15 s later.
    assert (flight["takeoff_utc"], flight["landing_utc"]) == (
        "2025-03-13T22:54:06Z",
        "2025-03-14T01:30:15Z",
    )


def test_tracks_from_options_need_the_store(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--tracks-aircraft", "N103WG"])
    assert exit_.value.code == 2
    assert "go with --tracks-from STORE" in capsys.readouterr().err


def test_hostile_callsigns_stay_text_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixes = tmp_path / "fixes.csv"
    rows = ["time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24"]
    for k in range(6):
        alt = 500 + 2000 * min(k, 5 - k)
        rows.append(f"2025-03-14T10:0{k}:00Z,55.5915,{37.2615 + 0.1 * k},{alt},300,"
                    f"=HYPERLINK(1),N1\u202eX,abc123")  # fmt: skip
    fixes.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out_store = tmp_path / "s"
    # a bidi control in a track's text is refused by the reader (the events files' text rule):
    # the file is reported, nothing of it stored, and the build goes on
    report = build_store([fixes], out_store)
    assert "\u202e" not in str(report)
    fixes.write_text("\n".join(rows).replace("N1\u202eX", "N1X") + "\n", encoding="utf-8")
    out_store = tmp_path / "s2"
    build_store([fixes], out_store)
    code, out, _ = run(capsys, "legs", "--store", str(out_store), "--format", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["callsigns"] == "'=HYPERLINK(1)"  # geo.cells: shown as text by a spreadsheet
    code, out, _ = run(capsys, "legs", "--store", str(out_store))
    assert "=HYPERLINK(1)" in out and "\u202e" not in out


def test_names_not_in_ascii_are_compared_by_the_sql() -> None:
    # Python's and DuckDB's upper case differ beyond ASCII ('ß'.upper() is 'SS' in Python):
    # there the held rows do not decide, the SQL over the files does
    from geo.archive.query import _named

    icao24, registration = ["a0b1c2", "a0b1c3"], ["N103WG", None]
    callsigns = ["AZG123;", "stra\u00dfe"]
    assert _named(icao24, registration, callsigns, "N103WG") is None
    first = (icao24[:1], registration[:1], callsigns[:1])
    assert _named(*first, "N103WG").tolist() == [True]  # type: ignore[union-attr]
    assert _named(*first, "AZG123").tolist() == [True]  # type: ignore[union-attr]
    assert _named(*first, "A0B1C3").tolist() == [False]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lon", "lat", "radius_km"),
    [(50.0467, 40.4675, 5.0), (37.29, 55.59, 150.0), (37.0, 55.0, 400.0), (44.0, 48.0, 2000.0),
     (-179.9, 0.0, 50.0), (0.0, 89.99, 30.0)],
)  # fmt: skip
def test_fixes_from_the_held_ground_files_are_those_duckdb_reads(
    store: Path, lon: float, lat: float, radius_km: float
) -> None:
    # the held path finds a box's fixes by cell (binary searches per band of latitude): the
    # same fixes as DuckDB's scan of the files, boxes across bands and the edges included
    from geo.archive.query import (
        _fixes_held,
        _fixes_in_files,
        _load_ground,
        _near,
        _near_bounds,
    )  # fmt: skip

    files = sorted(str(p) for p in store.glob("ground/day=*/part-0.parquet"))
    bounds = _near_bounds(lon, lat, radius_km)
    window = (t("2025-03-13T00:00:00Z"), t("2025-03-15T00:00:00Z"))
    held = _fixes_held([_load_ground(f) for f in files], bounds, *window)
    read = _fixes_in_files(files, bounds, *window, "", [])

    def rows(fixes: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return sorted(zip(*(a.tolist() for a in fixes), strict=True))

    assert rows(held) == rows(read)
    pd.testing.assert_frame_equal(_near(held, lon, lat, radius_km),
                                  _near(read, lon, lat, radius_km))  # fmt: skip
    if abs(lon) < 179 and abs(lat) < 89:
        assert len(read[0]) > 0
