"""Real recordings the tests can ship (tests/data/recordings/README.md: source, licence,
version): what the reader makes of them is pinned, airports exactly and each observed takeoff
and landing within 30 s of the liftoff and touchdown read from the fixes (below, with the
fixes that show them) and of the reader before issue 23's round (588ee4e), so a change of
the leg rules that moves a real flight shows."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from geo.tracks import read_track_file, split_legs

RECORDINGS = Path(__file__).parent / "data" / "recordings"
DENVER = RECORDINGS / "trace_full_ac671b.json"
DENVER_SHA256 = "995347cbfe9fedb93aa731db145a5bec8ab53d605c7068e7f47da55b60a47d43"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# The truth, read from the fixes (`python` over the JSON rows: time, pressure altitude,
# "ground", ground speed, vertical rate, geometric altitude). The transponder's air/ground
# switch is speed-driven on this aircraft: it says "ground" below about 75-97 kt, so on
# takeoff it switches on the roll 15 s before liftoff, and on landing 8-20 s after touchdown.
# Liftoff is where the level roll ends and the climb starts; touchdown where the descent
# ends (altitude level, vertical rate near 0) and the braking starts (ground speed falling
# 4-5 kt/s, which no aircraft does in the air). Pressure altitude on the runway reads 175-200
# ft at MSP (elevation 841 ft) on the evening of the 4th: a high-pressure day, 640 ft low.
TRUTH = {
    # leg 1, MSP: 01:12:04 225 ft -576 fpm; 01:12:11 200 ft -384 fpm 138 kt; 01:12:13 -192
    # fpm 132 kt; 01:12:14 175 ft 123 kt; 01:12:19 102 kt; "ground" from 01:12:26 (73 kt)
    "landing 1": at("2025-02-05T01:12:12"),
    # leg 2, MSP: "ground" to 03:43:47 (75 kt); 250-275 ft level to 03:44:09 (158 kt, +128
    # fpm); 03:44:10 300 ft +1,216 fpm; 03:44:11 350 ft +1,472 fpm
    "takeoff 2": at("2025-02-05T03:44:09"),
    # leg 3, MSP: 17:00:08 525 ft -320 fpm 132 kt; 17:00:11 500 ft -64 fpm 126 kt; 17:00:13
    # 475 ft 118 kt; "ground" from 17:00:18 (97 kt)
    "landing 3": at("2025-02-05T17:00:10"),
    # leg 4, MSP: "ground" to 18:14:35 (93 kt); 625 ft level, 0 fpm to 18:14:48 (134 kt);
    # 18:14:52 155 kt +448 fpm; 18:14:53 650 ft; 18:14:54 700 ft +1,472 fpm
    "takeoff 4": at("2025-02-05T18:14:51"),
    # leg 4, DEN (5,434 ft): 19:54:07 5,475 ft -576 fpm 147 kt; 19:54:08 -256 fpm; 19:54:12
    # 5,450 ft -64 fpm 142 kt; 19:54:17 121 kt; "ground" from 19:54:30 (71 kt)
    "landing 4": at("2025-02-05T19:54:10"),
}

# What the reader of 588ee4e (before this round) said: the first and last airborne fix, i.e.
# the air/ground switch (issue 23 item 12): 15-16 s early on takeoff, 7-16 s late on landing;
# it saw DEN because a ground fix follows the last airborne one.
BEFORE = {
    "landing 1": at("2025-02-05T01:12:22"),
    "takeoff 2": at("2025-02-05T03:43:54"),
    "landing 3": at("2025-02-05T17:00:17"),
    "takeoff 4": at("2025-02-05T18:14:37"),
    "landing 4": at("2025-02-05T19:54:26"),
}
# Today's estimates, from the runway's pressure altitude (legs.py): 01:12:06, 03:44:09,
# 17:00:08, 18:14:51, 19:54:08. From the field's elevation instead they were 01:11:23 (49 s
# early), 03:44:20, 16:59:38 (32 s early), 18:14:58, 19:54:11.

# (origin, destination, takeoff observed, landing observed)
DENVER_LEGS = [
    ("", "KMSP", False, True),  # from 32,000 ft over Belize
    ("KMSP", "", True, False),  # out of coverage at 8,450 ft near GEG
    ("", "KMSP", False, True),  # back into coverage at 11,275 ft
    ("KMSP", "KDEN", True, True),
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
    ends = {}
    for leg, (_, _, takeoff, landing) in zip(legs, DENVER_LEGS, strict=True):
        assert (leg.takeoff_observed, leg.landing_observed) == (takeoff, landing)
        if takeoff:
            ends[f"takeoff {leg.number}"] = leg.takeoff_utc
        if landing:
            ends[f"landing {leg.number}"] = leg.landing_utc
    assert sorted(ends) == sorted(TRUTH)
    for name, when in ends.items():
        assert abs((when - TRUTH[name]).total_seconds()) <= 30, name
        assert abs((when - BEFORE[name]).total_seconds()) <= 30, name
    for leg in legs:  # never beyond the adjacent ground fix
        t = leg.trace.t
        first, last = int(leg.index[0]), int(leg.index[-1])
        if leg.takeoff_observed:
            assert t[first - 1] <= leg.takeoff_utc.timestamp() <= t[first] + 30
        if leg.landing_observed:
            assert t[last] - 30 <= leg.landing_utc.timestamp() <= t[last + 1]
    # Denver is at 5,434 ft: the landing is seen by height above the field, not as a
    # pressure altitude under 3,000 ft
    assert legs[-1].destination.airport is not None
    assert legs[-1].destination.distance_km is not None and legs[-1].destination.distance_km < 5
