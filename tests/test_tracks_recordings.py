"""Real recordings the tests can ship (tests/data/recordings/README.md: source, licence,
version): what the reader makes of them is pinned, airports exactly and takeoff and landing
within 30 s, so a change of the leg rules that moves a real flight shows."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo.tracks import read_track_file, split_legs

RECORDINGS = Path(__file__).parent / "data" / "recordings"
DENVER = RECORDINGS / "trace_full_ac671b.json"
DENVER_SHA256 = "995347cbfe9fedb93aa731db145a5bec8ab53d605c7068e7f47da55b60a47d43"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (origin, destination, takeoff or None when not observed, landing or None): the reader's
# answers on this recording before the vertical rate was used (within 1 s of today's).
# Cross-checked against the fixes: each observed takeoff is 22-26 s after the first airborne
# fix (the transponder switches on the roll), each landing before the first ground fix.
DENVER_LEGS = [
    ("", "KMSP", None, at("2025-02-05T01:11:23")),  # from 32,000 ft over Belize
    ("KMSP", "", at("2025-02-05T03:44:21"), None),  # out of coverage at 8,450 ft near GEG
    ("", "KMSP", None, at("2025-02-05T16:59:39")),  # back into coverage at 11,275 ft
    ("KMSP", "KDEN", at("2025-02-05T18:14:59"), at("2025-02-05T19:54:11")),
]


def test_the_shipped_recording_is_the_cited_file() -> None:
    assert hashlib.sha256(DENVER.read_bytes()).hexdigest() == DENVER_SHA256
    assert "MIT License" in (RECORDINGS / "LICENSE-traffic.md").read_text(encoding="utf-8")
    assert DENVER_SHA256 in (RECORDINGS / "README.md").read_text(encoding="utf-8")


def test_a_readsb_recording_keeps_its_airports_and_times() -> None:
    (trace,) = read_track_file(DENVER)
    assert (trace.icao24, trace.registration, trace.callsign, trace.aircraft_type) == (
        "ac671b",
        "N899DN",
        "DAL1812",
        "B739",
    )
    assert len(trace) == 2499 and trace.duplicates == 1
    legs = split_legs(trace).legs
    assert [(leg.origin.code, leg.destination.code) for leg in legs] == [
        (origin, destination) for origin, destination, _, _ in DENVER_LEGS
    ]
    for leg, (_, _, takeoff, landing) in zip(legs, DENVER_LEGS, strict=True):
        assert leg.takeoff_observed == (takeoff is not None)
        assert leg.landing_observed == (landing is not None)
        if takeoff is not None:
            assert leg.takeoff_utc.timestamp() == pytest.approx(takeoff.timestamp(), abs=30)
        if landing is not None:
            assert leg.landing_utc.timestamp() == pytest.approx(landing.timestamp(), abs=30)
    # Denver is at 5,434 ft: the landing is seen by height above the field, not as a
    # pressure altitude under 3,000 ft
    assert legs[-1].destination.airport is not None
    assert legs[-1].destination.distance_km is not None and legs[-1].destination.distance_km < 5
