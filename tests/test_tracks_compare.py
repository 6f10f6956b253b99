"""Reported flights against recorded legs: matching, deltas, distances, off-track, words,
and events for legs nobody reported."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.model import Event, Kind, Location, free_reference
from geo.places import Gazetteer
from geo.tracks import (
    Leg,
    compare,
    leg_event,
    leg_events,
    match_legs,
    offtrack_km,
    read_track_file,
    split_legs,
)
from tests.test_tracks_fixtures import (
    CASPIAN,
    GEOD,
    GYD,
    T0,
    T1,
    VKO,
    Fixes,
    along,
    concat,
    flight,
    readsb_json,
)

GAZ = Gazetteer()
SVO = (37.4146, 55.9726)  # Moscow Sheremetyevo, UUEE


def place(code: str) -> Location:
    found = GAZ.resolve(code)
    assert found is not None
    return found


def reported(
    start: float = T0,
    end: float = T1,
    aircraft: str = "N103WG",
    origin: str = "VKO",
    destination: str = "GYD",
    event_id: str = "vko-gyd",
    kind: Kind = "flight",
) -> Event:
    s = datetime.fromtimestamp(start, UTC)
    e = datetime.fromtimestamp(end, UTC)
    return Event(
        id=event_id,
        kind=kind,
        title="reported",
        start_utc=s,
        end_utc=e,
        start_precision="minute",
        end_precision="minute",
        start_text=s.isoformat(),
        end_text=e.isoformat(),
        origin=(place(origin),),
        destination=place(destination),
        participants=(),
        status="reported",
        sources=("news",),
        notes="",
        aircraft=aircraft,
    )


def legs_of(fixes: Fixes, **head: object) -> tuple[Leg, ...]:
    (trace,) = read_track_file(("trace_full_a0b1c2.json", readsb_json(fixes, **head)))  # type: ignore[arg-type]
    return split_legs(trace).legs


def recorded(t0: float = T0 + 240, t1: float = T1 - 120, **kw: object) -> Leg:
    """VKO -> GYD taking off 4 min after the reported time, landing 2 min before it."""
    (leg,) = legs_of(flight(VKO, GYD, t0=t0, minutes=(t1 - t0) / 60.0, **kw))  # type: ignore[arg-type]
    return leg


# --------------------------------------------------------------------------- compare


def test_deltas_and_words() -> None:
    result = compare(reported(), recorded())
    # takeoff and landing are the estimated liftoff (8 s after the first airborne fix, at
    # 500 ft under Vnukovo's 686-ft field) and touchdown (22 s after the last fix, 500 ft
    # over Baku's field, descending 1,282 ft/min): within 30 s of the fixes
    assert result.takeoff_delta_minutes == pytest.approx(4.0 + 8 / 60, abs=1e-6)
    assert result.landing_delta_minutes == pytest.approx(-2.0 + 22 / 60, abs=1e-6)
    assert result.takeoff_utc == datetime(2025, 3, 13, 22, 58, 8, tzinfo=UTC)
    assert result.track_points == 200 and result.outliers == 0
    assert result.great_circle_km == pytest.approx(1926, abs=10)
    assert result.recorded_distance_km == pytest.approx(result.great_circle_km, rel=1e-9)
    assert result.detour_ratio == pytest.approx(1.0, abs=1e-9)
    assert result.max_offtrack_km < 0.01
    assert result.coverage_gaps == ()
    assert (result.reported_origin, result.recorded_origin) == ("VKO", "UUWW")
    assert result.words() == (
        "took off 4 min after the reported time; landed 2 min before the reported time; "
        "flew the great circle's length; stayed within 1 km of it; no coverage gap over 5 min"
    )


@pytest.mark.parametrize("metres", [5_000.0, 35_000.0, 150_000.0, -400_000.0])
def test_max_offtrack_of_fixes_placed_off_the_geodesic(metres: float) -> None:
    """Fixes moved perpendicular to the VKO-GYD geodesic by a smooth bump (no jump an
    outlier test would catch) whose top, 40 % along, is ``metres`` to the side."""
    fixes = flight(n=201)
    u = np.linspace(0.0, 1.0, 201)
    bump = np.where((u > 0.1) & (u < 0.7), np.sin(np.pi * (u - 0.1) / 0.6), 0.0)
    lon, lat, az = along(VKO, GYD, u)
    side = np.where(metres > 0, 90.0, -90.0)
    moved_lon, moved_lat, _ = GEOD.fwd(lon, lat, az + side, abs(metres) * bump)
    fixes.lon[1:-1], fixes.lat[1:-1] = moved_lon, moved_lat
    leg = recorded_from(fixes)
    assert leg.outliers == 0
    result = compare(reported(), leg)
    assert result.max_offtrack_km == pytest.approx(abs(metres) / 1000.0, abs=1.0)
    assert result.max_offtrack_km == pytest.approx(abs(metres) / 1000.0, abs=0.001)


def recorded_from(fixes: Fixes) -> Leg:
    (leg,) = legs_of(fixes)
    return leg


def test_detour_ratio_of_a_dogleg() -> None:
    via = (40.0, 45.0)
    first = flight(VKO, via, n=60, ground_ends=False, start_ft=500, end_ft=36000)
    second = flight(
        via, GYD, t0=float(first.t[-1]) + 60, n=60, ground_ends=False, start_ft=36000, end_ft=500
    )
    leg = recorded_from(concat(first.take(np.r_[0:59]), second))
    result = compare(reported(), leg)
    gc = GEOD.inv(*VKO, *GYD)[2]
    dogleg = GEOD.inv(*VKO, *via)[2] + GEOD.inv(*via, *GYD)[2]
    assert result.detour_ratio == pytest.approx(dogleg / gc, rel=1e-4)
    assert result.recorded_distance_km == pytest.approx(dogleg / 1000.0, rel=1e-4)
    expected_off = float(offtrack_km(via[0], via[1], *VKO, *GYD)[0])
    assert result.max_offtrack_km == pytest.approx(expected_off, abs=0.5)
    percent = round((dogleg / gc - 1.0) * 100.0)
    assert f"flew {percent} % farther than the great circle; strayed up to" in result.words()


def test_words_for_gaps_outliers_and_unobserved_ends() -> None:
    fixes = flight(
        VKO,
        GYD,
        t0=T0 + 240,
        minutes=150,
        n=151,
        ground_ends=False,
        start_ft=32000,
        cruise_ft=36000,
    )
    fixes.lat[[20, 110, 120]] += 3.0  # three outliers
    keep = np.r_[0:30, 71:90, 100:151]  # gaps: 29 -> 71 (42 min), 89 -> 100 (11 min)
    leg = recorded_from(fixes.take(keep))
    result = compare(reported(), leg)
    assert [round((b - a).total_seconds() / 60) for a, b in result.coverage_gaps] == [42, 11]
    assert result.outliers == 3
    assert not result.takeoff_observed and result.landing_observed
    assert result.words() == (
        "takeoff not observed: first fix at 32,000 ft (first fix 4 min after the reported "
        "departure); landed 2 min before the reported time; flew the great circle's length; "
        "stayed within 1 km of it; 2 coverage gaps (longest 42 min); 3 outlier fixes left out"
    )


def test_words_for_a_different_airport_and_an_incomplete_track() -> None:
    result = compare(reported(), recorded_from(flight(SVO, GYD, t0=T0, minutes=156)))
    assert result.words().startswith(
        "took off at the reported time; landed at the reported time; took off 44 km from the "
        "reported VKO (at UUEE); flew 2 % farther than the great circle; strayed up to 44 km "
        "from it"
    )
    short = compare(reported(), recorded_from(flight(VKO, GYD, n=50).take(np.r_[0:30])))
    assert not short.landing_observed
    assert "less than the great circle (part of the flight is not in the track)" in short.words()
    assert "landing not observed: last fix at 36,000 ft (last fix" in short.words()


def test_compare_needs_a_flight() -> None:
    meeting = reported(kind="meeting")._replace(origin=())
    with pytest.raises(ValueError, match="has no origin"):
        compare(meeting, recorded())


# --------------------------------------------------------------------------- off-track


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-70, 70),
    st.floats(-180, 180),
    st.floats(0, 360),
    st.floats(50e3, 9_000e3),
    st.floats(-0.2, 1.2),
    st.floats(-800e3, 800e3),
)
def test_offtrack_equals_a_dense_search(
    lat1: float, lon1: float, azimuth: float, length: float, fraction: float, offset: float
) -> None:
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, azimuth, length)
    # a point off the segment (possibly beyond its ends)
    base_lon, base_lat, base_az = GEOD.fwd(lon1, lat1, azimuth, fraction * length)
    p_lon, p_lat, _ = GEOD.fwd(base_lon, base_lat, base_az + 90.0, offset)
    got = float(offtrack_km(p_lon, p_lat, lon1, lat1, lon2, lat2)[0])
    samples = np.linspace(0.0, length, 20001)
    s_lon, s_lat, _ = GEOD.fwd(
        np.full(samples.shape, lon1),
        np.full(samples.shape, lat1),
        np.full(samples.shape, azimuth),
        samples,
    )
    _, _, d = GEOD.inv(np.full(samples.shape, p_lon), np.full(samples.shape, p_lat), s_lon, s_lat)
    dense = float(np.min(d)) / 1000.0
    step_km = length / 20000 / 1000.0
    assert got <= dense + 1e-6  # never farther than a sampled point of the segment
    assert got >= dense - step_km / 2 - 1e-6  # and as near as the sampling can tell
    if 0.0 <= fraction <= 1.0:
        assert got == pytest.approx(abs(offset) / 1000.0, abs=0.01)


def test_offtrack_of_a_zero_length_route_is_the_distance_to_it() -> None:
    d = offtrack_km([38.0], [55.0], *VKO, *VKO)
    assert d[0] == pytest.approx(GEOD.inv(38.0, 55.0, *VKO)[2] / 1000.0)


# --------------------------------------------------------------------------- matching


def day_of_legs() -> list[Leg]:
    out = flight(VKO, GYD, t0=T0 + 240, minutes=150)
    back = flight(GYD, VKO, t0=T0 + 6 * 3600, minutes=160)
    other = flight(SVO, GYD, t0=T0, minutes=150, callsign="SU1850")
    return [
        *legs_of(concat(out, back)),
        *legs_of(other, icao="4b1805", registration="RA-89049"),
    ]


@pytest.mark.parametrize(
    "aircraft", ["N103WG", "n-103wg", "N 103 WG", "A0B1C2", "~a0b1c2", "azg123"]
)
def test_match_by_registration_hex_or_callsign(aircraft: str) -> None:
    legs = day_of_legs()
    matches = match_legs([reported(aircraft=aircraft)], legs)
    assert [(e.id, leg.number, leg.trace.icao24) for e, leg in matches.pairs] == [
        ("vko-gyd", 1, "a0b1c2")
    ]
    assert matches.unmatched_legs == (legs[1], legs[2])
    assert matches.unmatched_events == ()


def test_match_picks_the_nearest_leg_in_the_window() -> None:
    legs = day_of_legs()
    back = reported(
        T0 + 6 * 3600 + 600,
        T0 + 6 * 3600 + 160 * 60,
        origin="GYD",
        destination="VKO",
        event_id="gyd-vko",
    )
    # the window: the leg (taking off at T0 + 4 min) overlaps the report widened by 3 h
    early = reported(T0 - 6 * 3600, T0 - 3 * 3600 + 300, event_id="early")
    too_early = reported(T0 - 6 * 3600, T0 - 3 * 3600 + 200, event_id="too-early")
    ra = reported(aircraft="RA89049", event_id="ra")
    meeting = reported(kind="meeting", event_id="meeting")
    nobody = reported(aircraft="", event_id="no-aircraft")
    matches = match_legs([back, early, too_early, ra, meeting, nobody], legs)
    assert [(e.id, leg.number, leg.trace.registration) for e, leg in matches.pairs] == [
        ("gyd-vko", 2, "N103WG"),
        ("early", 1, "N103WG"),
        ("ra", 1, "RA-89049"),
    ]
    assert [e.id for e in matches.unmatched_events] == ["too-early"]
    assert matches.unmatched_legs == ()


def test_two_reports_of_one_flight_share_its_leg() -> None:
    legs = day_of_legs()
    matches = match_legs([reported(event_id="a"), reported(T0 + 600, event_id="b")], legs)
    assert [(e.id, leg.number) for e, leg in matches.pairs] == [("a", 1), ("b", 1)]


# --------------------------------------------------------------------------- leg events


def test_event_for_an_unmatched_leg() -> None:
    event = leg_event(recorded())
    assert event == Event(
        id="track-a0b1c2-20250313T2258Z",
        kind="flight",
        title="N103WG (recorded) UUWW → UBBB",
        # the estimated liftoff and touchdown (see test_deltas_and_words)
        start_utc=datetime(2025, 3, 13, 22, 58, 8, tzinfo=UTC),
        end_utc=datetime(2025, 3, 14, 1, 28, 22, tzinfo=UTC),
        start_precision="second",
        end_precision="second",
        start_text="2025-03-13T22:58:08Z",
        end_text="2025-03-14T01:28:22Z",
        origin=(place("UUWW"),),
        destination=place("UBBB"),
        participants=(),
        status="confirmed",
        sources=("trace_full_a0b1c2.json",),
        notes="recorded track from trace_full_a0b1c2.json (leg 1, 200 fixes, readsb format); "
        "times are the estimated liftoff and touchdown (else the first and last airborne fix); "
        "took off 2025-03-13T22:58:08Z from UUWW, landed 2025-03-14T01:28:22Z at UBBB; "
        "recorded 1,926 km; the great circle's length between its ends (1,926 km); "
        "up to 0 km off it",
        line=0,
        aircraft="N103WG",
        references=(free_reference("trace_full_a0b1c2.json"),),
    )


def test_events_of_one_flight_read_twice_get_unique_ids() -> None:
    leg, again = recorded(), recorded()
    assert [e.id for e in leg_events([leg, again, leg])] == [
        "track-a0b1c2-20250313T2258Z",
        "track-a0b1c2-20250313T2258Z-2",
        "track-a0b1c2-20250313T2258Z-3",
    ]


def test_event_for_a_leg_between_unknown_places() -> None:
    far = GEOD.fwd(*CASPIAN, 45.0, 300_000.0)[:2]
    fixes = flight(CASPIAN, far, t0=T0 + 0.4, n=50, ground_ends=False, start_ft=30000)
    (leg,) = legs_of(fixes, registration=None)
    event = leg_event(leg)
    assert event.title.startswith("AZG123 (recorded) unknown (42.00, 50.50) → unknown (")
    assert event.origin[0] == Location("unknown (42.00, 50.50)", 42.0, 50.5, "UTC", "", "")
    assert event.start_text == "2025-03-13T22:54:00Z"  # to the second
    assert event.aircraft == "a0b1c2"
    assert "takeoff not observed: first fix at 30,000 ft" in event.notes
    assert event.end_utc > event.start_utc and event.end_utc.tzinfo is UTC


WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=st.sampled_from(
    [chr(c) for c in range(0x21, 0x7F)] + list(WHITESPACE)), max_size=24))
def test_the_sql_normalization_of_names_is_pythons(name: str) -> None:
    """The archive's queries compare names in DuckDB (normalized_sql) as the matcher does in
    Python (normalize_aircraft): the same result for every ASCII name and every whitespace."""
    import duckdb

    from geo.tracks import normalize_aircraft, normalized_sql

    sql = duckdb.execute(f"SELECT {normalized_sql('?')}", [name]).fetchone()
    assert sql is not None and sql[0] == normalize_aircraft(name)
