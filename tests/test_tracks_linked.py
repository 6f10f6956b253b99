"""Recorded tracks through the CLI: linked to the reported flight by its aircraft, the claim
against the record in `list`, legs no event claims as flights of their own."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from geo.cli import main
from geo.dataset import load_dataset
from tests.test_tracks_fixtures import GYD, VKO, flight, readsb_json

REPORTED_DEPARTURE = 1741906440.0  # 2025-03-13T22:54:00Z


def _trace(tmp_path: Path, minutes_late: float = 4.0) -> Path:
    fixes = flight(VKO, GYD, REPORTED_DEPARTURE + minutes_late * 60, minutes=150.0)
    path = tmp_path / "trace_full_a0b1c2.json.gz"
    path.write_bytes(gzip.compress(readsb_json(fixes, registration="N103WG")))
    return path


def test_the_reported_flight_carries_its_record(tmp_path: Path, capsys) -> None:
    trace = _trace(tmp_path)
    assert main(["list", "--format", "json", "--tracks", str(trace)]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    f = rows["flight-vko-gyd-2025-03-14"]
    assert f["aircraft"] == "N103WG"
    # the estimated liftoff: 8 s after the first airborne fix (see test_tracks_compare)
    assert f["takeoff_delta_minutes"] == pytest.approx(4.0 + 8 / 60, abs=0.05)
    assert f["takeoff_utc"] == "2025-03-13T22:58:08Z"
    assert f["track_points"] >= 200
    assert f["detour_ratio"] == pytest.approx(1.0, abs=0.01)
    assert f["track"].startswith("took off 4 min after the reported time")
    assert not any(k.startswith("track-") for k in rows)  # claimed: no flight of its own


def test_a_leg_nobody_reported_is_a_flight_of_its_own(tmp_path: Path) -> None:
    trace = _trace(tmp_path, minutes_late=24 * 60)  # a day later: outside the ±3 h window
    data = load_dataset(tracks=[trace])
    own = [e for e in data.events if e.id.startswith("track-")]
    assert len(own) == 1 and own[0].status == "confirmed" and own[0].recorded is not None
    assert own[0].origin[0].airport == "VKO" and own[0].destination.airport == "GYD"
    reported = next(e for e in data.events if e.id == "flight-vko-gyd-2025-03-14")
    assert reported.recorded is None


def test_a_broken_track_file_is_reported_and_the_rest_loads(tmp_path: Path, capsys) -> None:
    good = _trace(tmp_path)
    bad = tmp_path / "broken.json"
    bad.write_text('{"icao": "abc123", "trace": [[0, 95, 10, 100, 1, 1, 0]]}')
    assert main(["check", "--tracks", str(good), "--tracks", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: point 0:" in err and "latitude" in err
    data = load_dataset(tracks=[good, bad], strict=False)
    flight_ = next(e for e in data.events if e.id == "flight-vko-gyd-2025-03-14")
    assert flight_.recorded is not None
