"""The matcher against an archive generated in the test from a written specification.

The specification (UTC; every flight a leg of the store, fixes every 30 s):

- a0b1c2 N103WG GLF6, callsign N103WG, UUWW 13 Mar 22:58:10 -> UBBB 14 Mar 01:27:40, no
  fixes 00:45-01:05 (a 20-minute gap over the Caspian): the flight;
- a8c3d1 N650GD GLF6, UUWW 23:58 -> UBBB 02:28: same type, same route, an hour later;
- 600a1c 4K-AZ81 A320 AHY028, LTFM 22:20 -> UBBB 01:28: lands at GYD at the same time;
- 152ba4 RA-89050 SU95 SU1120, UUWW 22:58 -> URSS 01:02: leaves VKO at the same minute;
- ac82ec N887WM GLF5, UUWW 14 Mar 01:54 -> UBBB 04:25: 01:54 read as UTC;
- 4b1805 HB-JFN GLF6 SWR8AJ, LSZH 14 Mar 06:10 -> UDYZ 10:05: only in OpenSky files;
- background: 8 departures and 6 arrivals at VKO, 6 and 5 at GYD, 20:00-05:00
  (``geo.match.demo.DEMO_FLIGHTS``).

The claim of the shipped event: VKO 01:54 Moscow time -> GYD 05:30 Baku time, that is
22:54 -> 01:30 UTC, across midnight UTC.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from geo.cli import main
from geo.dataset import load_dataset
from geo.match import (
    FOUND_SCORE,
    claim_from_event,
    make_claim,
    match_claim,
    open_store,
    result_json,
    score_legs,
)
from geo.match.demo import DEMO_FLIGHTS, FlightSpec, demo_store, write_store
from geo.places import Gazetteer

OPENSKY = FlightSpec(
    "4b1805", "HB-JFN", "GLF6", "SWR8AJ", "LSZH", "UDYZ",
    datetime(2025, 3, 14, 6, 10, tzinfo=UTC), datetime(2025, 3, 14, 10, 5, tzinfo=UTC),
    source="states_2025-03-14-06.csv",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("archive"), [*DEMO_FLIGHTS, OPENSKY])


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_dataset(strict=False).gazetteer


def _claim(g: Gazetteer, **kw: object) -> object:
    base: dict[str, object] = {"origin": "VKO", "destination": "GYD",
                               "depart": "2025-03-14T01:54", "arrive": "2025-03-14T05:30"}
    base.update(kw)
    return make_claim(gazetteer=g, **base)  # type: ignore[arg-type]


def test_local_times_across_midnight_with_a_gap_beat_the_three_decoys(store, gazetteer):
    # no aircraft named: route and time alone must pick N103WG over the decoys
    result = match_claim(_claim(gazetteer), open_store(store))
    first, *rest = result.candidates
    assert first.icao24 == "a0b1c2"
    assert first.time_reading == "local"
    assert first.reasons[:2] == (
        "took off 4 min after the reported time at the reported airport (VKO)",
        "landed at GYD 2 min early",
    )
    # the gap over the Caspian, placed
    assert "20-minute coverage gap 120 km N of Makhachkala (MCX)" in first.reasons
    # (2 x route 1 + time: mean of 1/(1+(4.17/30)^2) and 1/(1+(2.33/30)^2)) / 3
    assert first.score == pytest.approx((2 + (0.98107 + 0.99399) / 2) / 3, abs=0.0006)
    decoys = {c.icao24: c for c in rest}
    # the same route an hour later, the GYD arrival from Istanbul, the VKO departure to Sochi
    assert decoys["a8c3d1"].score < first.score - 0.2
    assert decoys["600a1c"].score < FOUND_SCORE
    assert decoys["152ba4"].score < FOUND_SCORE
    assert "landed at UBBB" not in " ".join(decoys["152ba4"].reasons)
    assert "landed at URSS (not the reported GYD)" in decoys["152ba4"].reasons[1]
    assert result.status == "found"
    assert result.synthetic
    assert result.verdict.startswith("found: N103WG (a0b1c2), score 1.00")


def test_the_event_names_the_aircraft(store, gazetteer):
    data = load_dataset(strict=False)
    event = next(e for e in data.events if e.id == "flight-vko-gyd-2025-03-14")
    result = match_claim(claim_from_event(event, gazetteer), open_store(store))
    first = result.candidates[0]
    assert (first.icao24, first.registration) == ("a0b1c2", "N103WG")
    assert first.score == pytest.approx((3 + 2 + (0.98107 + 0.99399) / 2) / 6, abs=0.0006)
    assert "registration matches the reported aircraft (N103WG)" in first.reasons
    assert result.coverage["origin"].verdict == "good"
    assert result.coverage["destination"].verdict == "good"


def test_a_record_only_in_opensky_files(store, gazetteer):
    claim = make_claim("ZRH", "EVN", "2025-03-14T07:10", "2025-03-14T14:05", gazetteer=gazetteer)
    result = match_claim(claim, open_store(store))
    first = result.candidates[0]
    assert first.icao24 == "4b1805"
    assert first.sources.endswith("states_2025-03-14-06.csv")
    assert "recorded in states_2025-03-14-06.csv" in first.reasons
    assert first.reasons[:2] == (
        "took off at the reported time at the reported airport (ZRH)",
        "landed at EVN on time",
    )
    assert result.status == "found"


def test_a_local_time_whose_decoy_fits_the_clock_time_read_as_utc(store, gazetteer):
    claim = _claim(gazetteer, arrive="")
    # the events files' reading: 01:54 in Moscow
    first = match_claim(claim, open_store(store)).candidates[0]
    assert first.icao24 == "a0b1c2"
    # every reading tried: still N103WG first; the decoy says it fits the UTC reading
    claim = _claim(gazetteer, arrive="", tz_unknown=True)
    assert [r.name for r in claim.readings] == ["local", "destination", "utc"]
    result = match_claim(claim, open_store(store))
    assert result.candidates[0].icao24 == "a0b1c2"
    decoy = next(c for c in result.candidates if c.icao24 == "ac82ec")
    assert decoy.time_reading == "utc"
    assert "took off at the reported time at the reported airport (VKO)" in decoy.reasons
    assert "fits the times read as both times read as UTC" in decoy.reasons
    assert decoy.score < result.candidates[0].score


def test_readings_of_the_shipped_claim(gazetteer):
    claim = _claim(gazetteer, tz_unknown=True)
    got = {r.name: (r.depart, r.arrive) for r in claim.readings}
    ts = lambda text: int(datetime.fromisoformat(text).timestamp())  # noqa: E731
    assert got["local"] == ((ts("2025-03-13T22:54:00+00:00"),) * 2,
                            (ts("2025-03-14T01:30:00+00:00"),) * 2)
    assert got["utc"] == ((ts("2025-03-14T01:54:00+00:00"),) * 2,
                          (ts("2025-03-14T05:30:00+00:00"),) * 2)
    assert got["origin"][1] == (ts("2025-03-14T02:30:00+00:00"),) * 2  # 05:30 MSK
    given = _claim(gazetteer, depart_tz="UTC", arrive_tz="Asia/Baku")
    assert given.readings[0].name == "given"
    assert given.readings[0].depart == (ts("2025-03-14T01:54:00+00:00"),) * 2


def test_the_named_aircraft_with_its_times_hours_off(store, gazetteer):
    # reported 4 h and 5 h after the record: the named aircraft still comes first
    claim = _claim(gazetteer, depart="2025-03-14T05:58", arrive="2025-03-14T10:28",
                   aircraft="N103WG")
    result = match_claim(claim, open_store(store))
    first = result.candidates[0]
    assert first.icao24 == "a0b1c2"
    assert first.reasons[0] == "took off 4 h before the reported time at the reported airport (VKO)"
    assert first.reasons[1] == "landed at GYD 5 h early"
    assert first.score >= FOUND_SCORE
    assert result.status == "found"


def test_none_with_good_coverage(store, gazetteer):
    claim = _claim(gazetteer, aircraft="N999XX")
    result = match_claim(claim, open_store(store))
    assert all(c.score < FOUND_SCORE for c in result.candidates)
    assert result.status == "not recorded"
    assert result.coverage["origin"].verdict == "good"
    n = result.coverage["origin"].aircraft_seen
    assert n == 12  # of the spec, near VKO below 5,000 ft from 21:54 to 23:54 UTC
    assert result.verdict.startswith(
        f"no matching flight recorded; the archive saw {n} other aircraft at VKO in that window"
    )


def test_none_without_coverage(store, gazetteer):
    claim = make_claim("SVO", "LED", "2025-06-01T10:00", "2025-06-01T11:30", gazetteer=gazetteer)
    result = match_claim(claim, open_store(store))
    assert result.candidates == ()
    assert result.status == "no coverage"
    assert result.coverage["origin"].aircraft_seen == 0
    assert result.verdict.startswith(
        "the archive has no coverage there: absence of a record is not evidence"
    )


def test_json_keeps_the_documented_names(store, gazetteer):
    data = result_json(match_claim(_claim(gazetteer), open_store(store)))
    assert set(data) >= {"claim", "candidates", "coverage", "verdict"}
    assert "readings" in data["claim"]
    assert set(data["candidates"][0]) >= {
        "rank", "icao24", "registration", "type", "callsigns", "takeoff_utc", "landing_utc",
        "origin", "destination", "score", "reasons", "time_reading",
    }
    assert data["candidates"][0]["takeoff_utc"] == "2025-03-13T22:58:10Z"
    assert data["candidates"][0]["takeoff_local"] == "2025-03-14T01:58:10+03:00"
    assert set(data["coverage"]["origin"]) >= {"aircraft_seen", "verdict"}
    assert data["synthetic"] is True
    json.dumps(data)


def test_pure_scoring_on_a_hand_made_frame(gazetteer):
    claim = _claim(gazetteer)
    frame = pd.DataFrame([
        {"leg_id": "x", "icao24": "abc123", "registration": "N1", "type": "GLF6",
         "callsigns": "N1", "takeoff_s": None, "takeoff_airport": None,
         "takeoff_alternatives": "", "takeoff_observed": False, "landing_s": 1741915800,
         "landing_airport": "LTAI", "landing_alternatives": "UBBB 3.1 km",
         "landing_observed": True, "first_s": 1741906440, "last_s": 1741915800,
         "first_lat_deg": 55.7, "first_lon_deg": 37.3, "last_lat_deg": 40.4,
         "last_lon_deg": 50.0, "largest_gap_s": 4000, "sources": "a", "synthetic": False},
    ])
    (c,) = score_legs(claim, frame)
    # origin not observed but first fix ~13 km from VKO (0.5), GYD an alternative (0.6)
    assert c.route == pytest.approx(0.55)
    assert "took off 0 min" not in c.reasons[0]
    assert c.reasons[0] == "first seen at the reported time, 12 km from VKO (takeoff not observed)"
    assert c.reasons[1] == "landed at LTAI (GYD an alternative) on time"
    assert "coverage gap of 1 h 7 min" in c.reasons


def test_cli_match_event_on_the_demo_store(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert main(["match", "--event", "flight-vko-gyd-2025-03-14"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("*** SYNTHETIC archive")
    assert "#1  score 1.00  N103WG  a0b1c2  GLF6" in out
    assert "verdict: found: N103WG (a0b1c2)" in out
    assert (tmp_path / "geo" / "demo-archive-v2" / "archive.json").is_file()
    assert demo_store(tmp_path / "geo") == tmp_path / "geo" / "demo-archive-v2"


def test_cli_batch_summary_and_csv(store, tmp_path, capsys):
    events = tmp_path / "events.csv"
    rows = [
        ["id", "kind", "title", "start", "end", "origin", "destination", "participants",
         "status", "sources", "notes", "aircraft"],
        ["f1", "flight", "the flight", "2025-03-14T01:54", "2025-03-14T05:30", "VKO", "GYD",
         "", "reported", "a source", "", "N103WG"],
        ["f2", "flight", "nobody flew", "2025-03-14T01:54", "2025-03-14T05:30", "VKO", "GYD",
         "", "reported", "a source", "", "N999XX"],
        ["f3", "flight", "elsewhere", "2025-06-01T10:00", "2025-06-01T11:30", "SVO", "LED",
         "", "reported", "a source", "", ""],
    ]
    with events.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    assert main(["match", "--store", str(store), "--events", str(events)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "1 of 3 reported flights found in the record; 1 without coverage; "
        "1 not recorded despite good coverage (SYNTHETIC archive: no evidence)"
    )
    assert main(["match", "--store", str(store), "--events", str(events),
                 "--format", "csv"]) == 0
    got = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [(r["event"], r["status"], r["registration"]) for r in got] == [
        ("f1", "found", "N103WG"), ("f2", "not recorded", "N103WG"), ("f3", "no coverage", ""),
    ]


def test_cli_bad_input_is_one_line(store, capsys):
    assert main(["match", "--store", str(store), "--from", "XXX", "--to", "GYD"]) == 2
    assert capsys.readouterr().err == (
        "python -m geo match: error: --from: 'XXX' is not a known airport code (IATA or ICAO)\n"
    )
    assert main(["match", "--store", str(store), "--event", "nope"]) == 2
    assert "no event 'nope'" in capsys.readouterr().err
    assert main(["match", "--store", "/nonexistent", "--from", "VKO", "--to", "GYD"]) == 2
    assert "not an archive store" in capsys.readouterr().err


@pytest.mark.parametrize("kw", [
    {}, {"aircraft": "N103WG", "tz_unknown": True}, {"aircraft": "GLF6"},
    {"origin": "IST", "destination": "GYD", "aircraft": "AHY028"},
])
def test_the_store_prefilter_loses_no_candidate(store, gazetteer, kw):
    archive = open_store(store)
    claim = _claim(gazetteer, **kw)
    everything = score_legs(claim, archive.legs_between(None, None), top=100)
    prefiltered = score_legs(claim, archive.candidate_legs(claim, None, None), top=100)
    assert everything and prefiltered == everything


@pytest.mark.parametrize("identities", [True, False], ids=["identities", "no-identities"])
def test_the_batch_query_gives_each_claim_its_own_answer(store, gazetteer, tmp_path, identities):
    """The batch's one query per week gives each claim what its own query gives; named
    aircraft found through the store's identities (``aircraft.parquet``) or, in a store
    without them, through every leg's names."""
    import shutil

    from geo.match.result import match_claims

    if not identities:
        store = Path(shutil.copytree(store, tmp_path / "store"))
        (store / "aircraft.parquet").unlink()
    claims = [
        _claim(gazetteer), _claim(gazetteer, aircraft="N103WG", tz_unknown=True),
        _claim(gazetteer, aircraft="n-103 wg"), _claim(gazetteer, aircraft="~A0B1C2"),
        _claim(gazetteer, aircraft="glf6"),
        _claim(gazetteer, aircraft="SU1120"), _claim(gazetteer, aircraft="N999XX"),
        make_claim("ZRH", "EVN", "2025-03-14T07:10", "2025-03-14T14:05", gazetteer=gazetteer),
        make_claim("SVO", "LED", "2025-06-01T10:00", "2025-06-01T11:30", gazetteer=gazetteer),
    ]
    archive = open_store(store)
    results = match_claims(claims, archive)
    assert results == [match_claim(c, archive) for c in claims]
    named = {c.aircraft: r.candidates[0] for c, r in zip(claims, results, strict=True)
             if c.aircraft and r.candidates}
    assert named["n-103 wg"].registration == named["N103WG"].registration == "N103WG"
    assert named["~A0B1C2"].icao24 == "a0b1c2"
    assert named["glf6"].type == "GLF6"


class _FrameArchive:
    """An archive as a hand-made legs frame and a coverage function (no store)."""

    def __init__(self, legs: pd.DataFrame, seen: list[str]) -> None:
        self.legs, self.seen = legs, seen
        self.name, self.synthetic = "hand-made", False

    def candidate_legs(self, claim, start_s, end_s):
        return self.legs

    def aircraft_near(self, query):
        return self.seen


def test_text_from_the_archive_is_inert_in_the_table(gazetteer):
    from geo.match.result import result_table

    evil = "\x1b[2J\u202eEVIL\nNEXT"
    frame = pd.DataFrame([{
        "leg_id": "x", "icao24": "abc123", "registration": evil, "type": "=cmd|x",
        "callsigns": evil, "takeoff_s": 1741906690, "takeoff_airport": "UUWW",
        "takeoff_alternatives": "", "takeoff_observed": True, "landing_s": 1741915660,
        "landing_airport": "UBBB", "landing_alternatives": "", "landing_observed": True,
        "first_s": 1741906390, "last_s": 1741915960, "first_lat_deg": 55.59,
        "first_lon_deg": 37.26, "last_lat_deg": 40.47, "last_lon_deg": 50.05,
        "largest_gap_s": 60, "sources": evil, "synthetic": False,
    }])
    result = match_claim(_claim(gazetteer, aircraft="N103WG"),
                         _FrameArchive(frame, ["abc123", "111111"]))
    # the leg is not the named aircraft (0.5 < 0.7): 2 aircraft seen near VKO, poor coverage
    assert result.coverage["origin"].aircraft_seen == 2 and result.status == "poor coverage"
    assert result.verdict == (
        "no matching flight recorded, but the archive's coverage there is poor (2 other "
        "aircraft at VKO, 2 at GYD): absence of a record is weak evidence"
    )
    table = result_table(result)
    assert "\x1b" not in table and "\u202e" not in table
    assert all(line.isprintable() for line in table.splitlines())
    assert "EVIL\\nNEXT" in table


def test_near_ties_are_ambiguous(gazetteer):
    base = {
        "type": "GLF6", "takeoff_s": 1741906690, "takeoff_airport": "UUWW",
        "takeoff_alternatives": "", "takeoff_observed": True, "landing_s": 1741915660,
        "landing_airport": "UBBB", "landing_alternatives": "", "landing_observed": True,
        "first_s": 1741906390, "last_s": 1741915960, "first_lat_deg": 55.59,
        "first_lon_deg": 37.26, "last_lat_deg": 40.47, "last_lon_deg": 50.05,
        "largest_gap_s": 60, "sources": "a", "synthetic": False,
    }
    frame = pd.DataFrame([
        {**base, "leg_id": "x", "icao24": "aaaaaa", "registration": "N1", "callsigns": "N1"},
        {**base, "leg_id": "y", "icao24": "bbbbbb", "registration": "N2", "callsigns": "N2",
         "takeoff_s": base["takeoff_s"] + 120},
    ])
    result = match_claim(_claim(gazetteer), _FrameArchive(frame, ["c1", "c2", "c3"]))
    assert [c.registration for c in result.candidates] == ["N1", "N2"]
    assert result.status == "ambiguous"
    assert result.verdict.startswith("ambiguous: N1 (aaaaaa) scores 1.00 and N2 (bbbbbb)")
