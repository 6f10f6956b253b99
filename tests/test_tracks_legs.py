"""Outliers, leg splitting, coverage gaps and airports of recorded traces."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.model import Airport
from geo.tracks import (
    AirportIndex,
    Leg,
    Trace,
    default_airports,
    flag_outliers,
    make_trace,
    read_track_file,
    split_legs,
    track_set,
)
from geo.tracks.outliers import MAX_SPEED_KMH, NOISE_KM, _sphere_upper_m
from tests.test_tracks_fixtures import (
    CASPIAN,
    GEOD,
    GYD,
    T0,
    VKO,
    Fixes,
    concat,
    flight,
    kml,
    readsb_json,
)


def trace_of(fixes: Fixes) -> Trace:
    (trace,) = read_track_file(("trace_full_a0b1c2.json", readsb_json(fixes)))
    return trace


def legs_of(fixes: Fixes) -> tuple[Leg, ...]:
    return split_legs(trace_of(fixes)).legs


def shifted(fixes: Fixes, seconds: float) -> Fixes:
    return fixes.with_values(t=fixes.t + seconds)


# --------------------------------------------------------------------------- legs


def test_two_flights_split_at_the_ground_between() -> None:
    out = flight(VKO, GYD)
    back = flight(GYD, VKO, t0=T0 + 4 * 3600)
    legs = legs_of(concat(out, back))
    assert [(leg.number, leg.origin.code, leg.destination.code) for leg in legs] == [
        (1, "UUWW", "UBBB"),
        (2, "UBBB", "UUWW"),
    ]
    first = legs[0]
    assert first.takeoff_observed and first.landing_observed and first.observation_words == ()
    # the estimated liftoff: the first fix clear of Vnukovo's 686-ft field (1,505 ft, 47 s
    # after T0) traced back along its climb; the first airborne fix (500 ft) is the switch
    assert first.takeoff_utc.timestamp() == pytest.approx(T0 + 9.0, abs=1.0)
    assert len(first) == 200  # the ground fixes are in no leg
    assert not first.trace.on_ground[first.index].any()
    assert first.origin.distance_km == pytest.approx(0.0, abs=0.01)
    assert first.origin.location.airport == "VKO" and first.origin.location.tz == "Europe/Moscow"
    assert first.callsign == "AZG123" and first.identity == "N103WG"
    assert first.id == "track-a0b1c2-20250313T2254Z"


def test_new_leg_flag_splits() -> None:
    fixes = flight(n=200, ground_ends=False)
    fixes.flags[120] = 2
    legs = legs_of(fixes)
    assert [len(leg) for leg in legs] == [120, 80]
    assert legs[1].index[0] == 120


def test_new_leg_flag_on_an_outlier_passes_to_the_next_fix() -> None:
    fixes = flight(n=200, ground_ends=False)
    fixes.flags[120] = 2
    fixes.lat[120] += 3.0  # an impossible jump: left out, its flag kept
    legs = legs_of(fixes)
    assert [len(leg) for leg in legs] == [120, 79]
    assert legs[1].index[0] == 121


def one_fix_a_minute(minutes: int = 240) -> Fixes:
    return flight(n=minutes + 1, minutes=minutes, ground_ends=False, start_ft=900, end_ft=900)


def test_one_hour_gap_in_the_air_stays_in_the_leg() -> None:
    fixes = one_fix_a_minute()
    keep = np.r_[0:101, 160:241]  # nothing between minute 100 and minute 160, at cruise
    (leg,) = legs_of(fixes.take(keep))
    assert len(leg) == 101 + 81
    (gap,) = leg.gaps
    assert gap.duration_minutes == pytest.approx(60.0, abs=0.01)
    assert gap.start_utc.timestamp() == pytest.approx(T0 + 100 * 60, abs=0.01)
    assert (leg.trace.t[gap.start_index], leg.trace.t[gap.end_index]) == (
        pytest.approx(T0 + 6000, abs=0.01),
        pytest.approx(T0 + 9600, abs=0.01),
    )


def test_four_hour_gap_splits() -> None:
    fixes = one_fix_a_minute()
    late = shifted(fixes.take(np.r_[121:241]), 4 * 3600)
    legs = legs_of(concat(fixes.take(np.r_[0:121]), late))
    assert [len(leg) for leg in legs] == [121, 120]
    assert legs[0].gaps == () and legs[1].gaps == ()
    assert legs[0].takeoff_observed and not legs[0].landing_observed
    assert legs[0].observation_words == ("landing not observed: last fix at 36,000 ft",)
    assert legs[0].destination.airport is None
    assert not legs[1].takeoff_observed and legs[1].landing_observed
    assert legs[1].destination.code == "UBBB"


def test_low_on_both_sides_of_a_gap_splits() -> None:
    # lands at Baku out of coverage and takes off again 20 minutes later
    into = flight(VKO, GYD, n=100, ground_ends=False, start_ft=1200, end_ft=1500)
    out = flight(
        GYD,
        VKO,
        t0=float(into.t[-1]) + 20 * 60,
        n=100,
        ground_ends=False,
        start_ft=1500,
        end_ft=1200,
    )
    legs = legs_of(concat(into, out))
    assert [(leg.origin.code, leg.destination.code) for leg in legs] == [
        ("UUWW", "UBBB"),
        ("UBBB", "UUWW"),
    ]
    assert all(leg.takeoff_observed and leg.landing_observed for leg in legs)


def test_a_gap_high_on_one_side_does_not_split() -> None:
    fixes = one_fix_a_minute()
    fixes.alt_ft[:] = 2000.0
    fixes.alt_ft[131:] = 5000.0
    (leg,) = legs_of(fixes.take(np.r_[0:111, 131:241]))
    assert len(leg.gaps) == 1 and leg.gaps[0].duration_minutes == pytest.approx(21.0)


def test_gaps_under_five_minutes_are_not_gaps() -> None:
    fixes = one_fix_a_minute()
    (leg,) = legs_of(fixes.take(np.r_[0:100, 104:241]))  # 5 min exactly: no gap
    assert leg.gaps == ()


def test_unknown_airport_far_from_any() -> None:
    far = GEOD.fwd(*CASPIAN, 45.0, 300_000.0)[:2]
    (leg,) = legs_of(flight(CASPIAN, far, n=50))
    assert leg.takeoff_observed and leg.origin.airport is None
    assert leg.origin.label == "unknown (42.00, 50.50)"
    location = leg.origin.location
    assert (location.name, location.tz, location.airport) == ("unknown (42.00, 50.50)", "UTC", "")
    assert (location.lat, location.lon) == (42.0, 50.5)


def test_takeoff_not_observed_has_no_airport_even_over_one() -> None:
    # the first fix is over Vnukovo, but at 32,000 ft: nothing says it took off there
    (leg,) = legs_of(flight(n=100, ground_ends=False, start_ft=32000))
    assert not leg.takeoff_observed and leg.origin.airport is None
    assert leg.origin.label == "unknown (55.59, 37.26)"
    assert leg.observation_words == ("takeoff not observed: first fix at 32,000 ft",)
    assert leg.landing_observed and leg.destination.code == "UBBB"


def test_observed_from_low_altitude_without_ground_fixes() -> None:
    (leg,) = legs_of(flight(n=100, ground_ends=False, start_ft=800, end_ft=600))
    assert (leg.origin.code, leg.destination.code) == ("UUWW", "UBBB")


def test_kml_without_ground_state_still_finds_airports() -> None:
    fixes = flight(n=60, ground_ends=False)
    (trace,) = read_track_file(("f.kml", kml([("AZG123", fixes)])))
    (leg,) = split_legs(trace).legs
    assert (leg.origin.code, leg.destination.code, leg.callsign) == ("UUWW", "UBBB", "AZG123")


def test_lone_airborne_fix_between_ground_contacts_is_noted() -> None:
    taxi = flight(VKO, VKO, n=3, minutes=2)
    taxi.ground[1:4] = True
    taxi.ground[2] = False  # one fix of altitude noise while taxiing
    taxi.alt_ft[2] = 100.0
    # standing (0 kt) at 100 ft, under Vnukovo's 686-ft field: on the ground by speed
    standing = track_set([trace_of(taxi)])
    assert standing.legs == ()
    assert standing.notes == (
        "trace_full_a0b1c2.json: no leg (the aircraft is never seen airborne twice)",
    )
    taxi.gs_kt[2] = 80.0  # at speed: airborne, alone
    tracks = track_set([trace_of(taxi)])
    assert tracks.legs == ()
    assert tracks.notes == (
        "trace_full_a0b1c2.json: 1 lone airborne fix between ground contacts left out of the legs",
        "trace_full_a0b1c2.json: no leg (the aircraft is never seen airborne twice)",
    )


# --------------------------------------------------------------------------- outliers


def test_one_bad_fix_is_flagged_and_does_not_cascade() -> None:
    fixes = flight(n=200)
    fixes.lat[50] += 2.0
    trace = trace_of(fixes)
    assert np.flatnonzero(trace.outlier).tolist() == [50]
    (leg,) = split_legs(trace).legs
    assert leg.outliers == 1 and leg.outlier_index.tolist() == [50]
    assert 50 not in leg.index.tolist() and len(leg) == 199
    assert track_set([trace]).notes == (
        "trace_full_a0b1c2.json: 1 outlier fix (impossible jump) left out",
    )


@pytest.mark.parametrize(
    "bad",
    [[0], [1], [0, 1], [60, 61], [60, 61, 62], [198], [199], [10, 90, 150]],
)
def test_outliers_anywhere(bad: list[int]) -> None:
    fixes = flight(n=200, ground_ends=False)
    fixes.lat[bad] -= 4.0
    trace = trace_of(fixes)
    assert np.flatnonzero(trace.outlier).tolist() == bad


def test_two_long_runs_that_disagree_are_both_kept() -> None:
    fixes = flight(n=200, ground_ends=False)
    fixes.lon[100:] += 5.0  # a real discontinuity (or two aircraft with one address)
    assert not trace_of(fixes).outlier.any()


@settings(max_examples=60, deadline=None)
@given(
    st.sets(st.integers(0, 299), max_size=12),
    st.floats(0.5, 20.0),
    st.floats(0.0, 360.0),
)
def test_isolated_spikes_are_exactly_the_outliers(
    spikes: set[int], degrees: float, azimuth: float
) -> None:
    bad = sorted(k for k in spikes if k - 1 not in spikes)  # isolated spikes only
    fixes = flight(n=300, ground_ends=False)
    lon, lat, _ = GEOD.fwd(
        fixes.lon[bad],
        fixes.lat[bad],
        np.full(len(bad), azimuth),
        np.full(len(bad), degrees * 111_000.0),
    )
    fixes.lon[bad], fixes.lat[bad] = lon, lat
    out = flag_outliers(fixes.t, fixes.lat, fixes.lon)
    assert np.flatnonzero(out).tolist() == bad


@settings(deadline=None, max_examples=400)
@given(
    st.floats(-90.0, 90.0),
    st.floats(-180.0, 180.0),
    st.floats(-90.0, 90.0),
    st.floats(-180.0, 180.0),
)
def test_the_sphere_bound_is_never_shorter_than_the_geodesic(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    """Poles, the antimeridian, antipodes, a metre apart: the bound the rule settles most
    pairs with is at least the WGS84 geodesic."""
    lat, lon = np.array([lat1, lat2]), np.array([lon1, lon2])
    exact = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    assert _sphere_upper_m(lat, lon)[0] >= exact


@pytest.mark.parametrize(
    ("lat", "azimuth"), [(0.0, 0.0), (0.0, 90.0), (89.9, 0.0), (89.9, 90.0), (-60.0, 45.0)]
)
@pytest.mark.parametrize("seconds", [1.0, 600.0, 36_000.0])
def test_a_jump_a_metre_within_or_beyond_the_limit_is_decided_by_the_geodesic(
    lat: float, azimuth: float, seconds: float
) -> None:
    """Jumps at the rule's limit (1,500 km/h plus 1 km), where the sphere's bound cannot
    decide: one metre within it is kept, one metre beyond it is an outlier, at the equator,
    near the pole (where the sphere and the ellipsoid differ most) and in between."""
    limit_m = MAX_SPEED_KMH / 3.6 * seconds + NOISE_KM * 1000.0
    for extra_m, outlier in ((-1.0, False), (1.0, True)):
        lon2, lat2, _ = GEOD.fwd(10.0, lat, azimuth, limit_m + extra_m)
        assert GEOD.inv(10.0, lat, lon2, lat2)[2] == pytest.approx(limit_m + extra_m, abs=1e-3)
        # a run of 4 agreeing fixes first, then the jump, then back where it came from
        t = np.array([0.0, 1.0, 2.0, 3.0, 3.0 + seconds, 4.0 + seconds + seconds])
        lats = np.array([lat, lat, lat, lat, lat2, lat])
        lons = np.array([10.0, 10.0, 10.0, 10.0, lon2, 10.0])
        assert flag_outliers(t, lats, lons).tolist() == [False] * 4 + [outlier, False]


def test_jitter_within_a_kilometre_is_not_an_outlier() -> None:
    t = T0 + np.arange(100.0)  # a fix a second
    lat = 55.0 + np.where(np.arange(100) % 2, 0.006, 0.0)  # 670 m back and forth
    assert not flag_outliers(t, lat, np.full(100, 37.0)).any()


# --------------------------------------------------------------------------- make_trace


def test_make_trace_sorts_merges_and_flags() -> None:
    trace = make_trace(
        "db:positions",
        [3.0, 1.0, 2.0, 2.0, 4.0, 5.0],
        [55.0, 55.0, 55.001, 55.002, 59.0, 55.003],
        [37.0, 37.0, 37.001, 37.002, 37.0, 37.003],
        alt_ft=[1000, 900, np.nan, 950, 1000, 1100],
        callsign_code=[0, 0, 1, -1, 0, 0],
        callsigns=["azg123 ", "AZG124"],
        icao24="~A0B1C2",
        non_icao=True,
    )
    assert trace.t.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert trace.lat.tolist() == [55.0, 55.001, 55.0, 59.0, 55.003]
    assert trace.alt_ft.tolist() == [900, 950, 1000, 1000, 1100]  # NaN filled from the copy
    assert (trace.duplicates, trace.reordered) == (1, 3)
    assert trace.outlier.tolist() == [False, False, False, True, False]
    assert trace.callsign == "AZG123" and trace.icao24 == "a0b1c2"
    with pytest.raises(ValueError, match="lat has 1 values for 2 fixes"):
        make_trace("x", [1, 2], [1], [1, 2])


# --------------------------------------------------------------------------- airports


def brute_nearest(lat: float, lon: float, index: AirportIndex) -> tuple[int, float]:
    lats = np.array([index.airport(k).lat for k in range(len(index))])
    lons = np.array([index.airport(k).lon for k in range(len(index))])
    _, _, d = GEOD.inv(np.full(lats.shape, lon), np.full(lats.shape, lat), lons, lats)
    k = int(np.argmin(d))
    return (k, float(d[k]) / 1000.0) if d[k] <= 10_000.0 else (-1, float("nan"))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 28_000), st.floats(0.0, 15_000.0), st.floats(0.0, 360.0))
def test_nearest_airport_equals_brute_force(which: int, metres: float, azimuth: float) -> None:
    index = default_airports()
    near = index.airport(which % len(index))
    lon, lat, _ = GEOD.fwd(near.lon, near.lat, azimuth, metres)
    found, km = index.nearest([lat], [lon])
    expected, expected_km = brute_nearest(float(lat), float(lon), index)
    if expected < 0:
        assert found[0] == -1 and np.isnan(km[0])
    else:
        assert km[0] == pytest.approx(expected_km, abs=1e-9)
        assert index.airport(int(found[0])).lat == index.airport(expected).lat or (
            km[0] == pytest.approx(expected_km)
        )


def test_nearest_airport_across_the_antimeridian_and_at_the_pole() -> None:
    def airport(code: str, lat: float, lon: float) -> Airport:
        return Airport("", code, code, "", "", lat, lon, "UTC")

    index = AirportIndex([airport("EAST", -16.0, 179.99), airport("POLE", 89.999, 0.0)])
    found, km = index.nearest([-16.0, 89.9999, 0.0], [-179.99, 120.0, 0.0])
    assert [index.airport(int(k)).icao if k >= 0 else None for k in found] == ["EAST", "POLE", None]
    assert km[0] == pytest.approx(2.14, abs=0.01)
    assert np.isnan(km[2])


def test_vnukovo_and_baku() -> None:
    found, km = default_airports().nearest([55.5915, 40.4675], [37.2615, 50.0467])
    assert [default_airports().airport(int(k)).icao for k in found] == ["UUWW", "UBBB"]
    assert km.tolist() == [0.0, 0.0]
