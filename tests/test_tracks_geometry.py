"""Simplification for drawing and positions along recorded legs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.tracks import (
    Leg,
    offtrack_km,
    path_length_km,
    position_at,
    positions_at,
    read_track_file,
    simplify,
    simplify_many,
    split_legs,
)
from tests.test_tracks_fixtures import GEOD, GYD, T0, VKO, Fixes, flight, readsb_json


def legs_of(fixes: Fixes) -> tuple[Leg, ...]:
    (trace,) = read_track_file(("t.json", readsb_json(fixes)))
    return split_legs(trace).legs


def wandering(
    seed: int, n: int = 300, lat: float = 50.0, lon: float = 10.0, heading0: float = 0.0
) -> Fixes:
    """An aircraft turning at random: headings drift, legs of 0.2-8 km between fixes."""
    rng = np.random.default_rng(seed)
    fixes = flight(n=n, ground_ends=False, minutes=n * 0.5, start_ft=20000, end_ft=20000)
    spread = float(rng.choice([1.0, 10.0, 40.0]))
    heading = heading0 + np.cumsum(rng.normal(0.0, spread, n))
    step = rng.uniform(200.0, 8000.0, n)
    lons, lats = [lon], [lat]
    for k in range(1, n):
        x, y, _ = GEOD.fwd(lons[-1], lats[-1], heading[k], step[k])
        lons.append(x)
        lats.append(y)
    return fixes.with_values(lon=lons, lat=lats)


def assert_within(leg: Leg, kept: np.ndarray, tolerance_m: float) -> None:
    """Every fix left out is within the tolerance of the geodesic between the kept fixes
    around it (measured exactly on the ellipsoid)."""
    trace = leg.trace
    position = np.searchsorted(leg.index, kept)
    assert np.array_equal(leg.index[position], kept)
    around = np.searchsorted(kept, leg.index, side="right") - 1
    dropped = ~np.isin(leg.index, kept)
    a = kept[np.clip(around[dropped], 0, len(kept) - 2)]
    b = kept[np.clip(around[dropped], 0, len(kept) - 2) + 1]
    k = leg.index[dropped]
    d = offtrack_km(
        trace.lon[k], trace.lat[k], trace.lon[a], trace.lat[a], trace.lon[b], trace.lat[b]
    )
    assert np.all(d * 1000.0 <= tolerance_m + 1e-6), float(np.max(d) * 1000.0)


def assert_in_time(leg: Leg, kept: np.ndarray, tolerance_m: float) -> None:
    """At every fix's time, the aircraft moved along the kept fixes (as the map moves it) is
    within the tolerance of that fix (measured exactly on the ellipsoid)."""
    drawn = dataclasses.replace(leg, index=kept)
    lon, lat, _ = positions_at(drawn, leg.t)
    _, _, d = GEOD.inv(lon, lat, leg.lon, leg.lat)
    assert float(np.max(d)) <= tolerance_m + 1e-6, float(np.max(d))


# --------------------------------------------------------------------------- simplify


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([10.0, 100.0, 1000.0]))
def test_simplify_keeps_the_ends_and_stays_within_tolerance(seed: int, tolerance_m: float) -> None:
    (leg,) = legs_of(wandering(seed))
    kept = simplify(leg, tolerance_m)
    assert kept[0] == leg.index[0] and kept[-1] == leg.index[-1]
    assert np.all(np.diff(kept) > 0)
    assert_within(leg, kept, tolerance_m)
    assert_in_time(leg, kept, tolerance_m)


def test_simplify_keeps_time_a_change_of_speed_keeps_a_fix() -> None:
    """A straight leg flown slowly for its first half and fast for its second: every fix is
    on the geodesic, but drawn with its ends alone the aircraft would be far ahead of the
    record at half time. The fix where the speed changes stays."""
    fixes = flight(n=201, minutes=120, ground_ends=False, start_ft=20000, end_ft=20000)
    u = np.linspace(0.0, 1.0, 201)
    t = fixes.t[0] + np.where(u <= 0.5, u * 2 * 90 * 60, 90 * 60 + (u - 0.5) * 2 * 30 * 60)
    (leg,) = legs_of(fixes.with_values(t=t))
    kept = simplify(leg, 100.0)
    assert leg.index[100] in kept
    assert len(kept) <= 8
    assert_in_time(leg, kept, 100.0)


def test_simplify_keeps_both_ends_of_every_gap() -> None:
    fixes = flight(n=241, minutes=240, ground_ends=False, start_ft=900, end_ft=900)
    (leg,) = legs_of(fixes.take(np.r_[0:101, 160:241]))
    (gap,) = leg.gaps
    kept = simplify(leg, 100.0)
    assert gap.start_index in kept and gap.end_index in kept
    assert_within(leg, kept, 100.0)
    assert_in_time(leg, kept, 100.0)


def test_a_straight_leg_needs_few_fixes() -> None:
    (leg,) = legs_of(flight(n=1000))
    kept = simplify(leg, 100.0)
    assert 2 <= len(kept) <= 8
    assert_within(leg, kept, 100.0)
    assert simplify(leg, 2000.0).tolist() == [leg.index[0], leg.index[-1]]


def test_simplify_many_equals_one_by_one() -> None:
    legs = [legs_of(wandering(seed, n=100 + seed))[0] for seed in range(6)]
    together = simplify_many(legs, 50.0)
    assert [a.tolist() for a in together] == [simplify(leg, 50.0).tolist() for leg in legs]
    assert simplify_many([], 50.0) == []
    with pytest.raises(ValueError, match="tolerance_m must be positive"):
        simplify(legs[0], 0.0)


def test_simplify_across_the_antimeridian() -> None:
    fixes = flight((179.0, -16.0), (-179.0, -15.5), n=200, minutes=30, ground_ends=False)
    u = np.linspace(0.0, 1.0, 200)
    lon, lat, _ = GEOD.fwd(
        fixes.lon, fixes.lat, fixes.track_deg + 90.0, 3000.0 * np.sin(6 * np.pi * u)
    )
    (leg,) = legs_of(fixes.with_values(lon=lon, lat=lat))
    assert (leg.lon > 0).any() and (leg.lon < 0).any()
    kept = simplify(leg, 100.0)
    assert 10 < len(kept) < 100
    assert_within(leg, kept, 100.0)
    assert_in_time(leg, kept, 100.0)


# --------------------------------------------------------------------------- position_at


def test_position_at_a_fix_is_the_fix() -> None:
    (leg,) = legs_of(flight(n=50))
    for k in (0, 1, 17, len(leg) - 1):
        when = float(leg.t[k])
        at = position_at(leg, when)
        assert (at.lon, at.lat) == (float(leg.lon[k]), float(leg.lat[k]))
        same = position_at(leg, datetime.fromtimestamp(when, UTC))
        assert (same.lon, same.lat) == pytest.approx((at.lon, at.lat), abs=1e-9)
    lons, lats, headings = positions_at(leg, leg.t)
    np.testing.assert_array_equal(lons, leg.lon)
    np.testing.assert_array_equal(lats, leg.lat)
    assert np.all((headings >= 0) & (headings < 360))


def test_position_between_fixes_is_on_the_geodesic_at_the_time_fraction() -> None:
    (leg,) = legs_of(flight(n=20))
    a, b = 5, 6
    when = float(leg.t[a] + 0.25 * (leg.t[b] - leg.t[a]))
    at = position_at(leg, when)
    az, _, whole = GEOD.inv(leg.lon[a], leg.lat[a], leg.lon[b], leg.lat[b])
    _, _, part = GEOD.inv(leg.lon[a], leg.lat[a], at.lon, at.lat)
    assert part == pytest.approx(0.25 * whole, rel=1e-9)
    assert (
        float(offtrack_km(at.lon, at.lat, leg.lon[a], leg.lat[a], leg.lon[b], leg.lat[b])[0]) < 1e-6
    )
    assert position_at(leg, float(leg.t[a])).heading_deg == pytest.approx(az % 360.0)
    ahead, _, _ = GEOD.inv(at.lon, at.lat, leg.lon[b], leg.lat[b])
    assert at.heading_deg == pytest.approx(ahead % 360.0, abs=1e-6)  # the geodesic's azimuth


def test_position_is_clamped_to_the_leg() -> None:
    (leg,) = legs_of(flight(n=20))
    before = position_at(leg, float(leg.t[0]) - 3600)
    lon, lat, heading = position_at(leg, float(leg.t[-1]) + 3600)  # a (lon, lat, heading)
    assert (before.lon, before.lat) == VKO
    assert (lon, lat) == GYD and 0 <= heading < 360
    with pytest.raises(ValueError, match="timezone-aware"):
        position_at(leg, datetime(2025, 3, 13, 23, 0))  # noqa: DTZ001 - the naive case itself


def test_path_length_is_the_sum_of_segments() -> None:
    (leg,) = legs_of(flight(n=100))
    assert path_length_km(leg) == pytest.approx(GEOD.inv(*VKO, *GYD)[2] / 1000.0, rel=1e-9)
    assert path_length_km(leg) == pytest.approx(1926, abs=10)
    assert T0 == pytest.approx(float(leg.t[0]))


@pytest.mark.parametrize("outlier", [False, True])
def test_path_length_is_the_kept_fixes_geodesics_sum(outlier: bool) -> None:
    """A leg's recorded length is the sum of the geodesics between its kept fixes, an
    outlier inside it or not."""
    fixes = wandering(3, n=120)
    if outlier:  # fix 60 jumps 500 km east: an outlier, left out of the leg
        fixes.lon[60] += 7.0
    (leg,) = legs_of(fixes)
    assert (leg.trace.outliers == 1) is outlier
    _, _, d = GEOD.inv(leg.lon[:-1], leg.lat[:-1], leg.lon[1:], leg.lat[1:])
    assert path_length_km(leg) == float(np.sum(d)) / 1000.0


def test_offtrack_of_one_segment_is_that_of_the_segment_repeated() -> None:
    """One segment's geodesic is solved once (scalar ends) and gives the same distances, bit
    for bit, as the segment given once per point."""
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(-180.0, 180.0, 400), rng.uniform(-89.0, 89.0, 400)
    ends = (*VKO, *GYD)
    once = offtrack_km(lon, lat, *ends)
    each = offtrack_km(lon, lat, *(np.full(400, x) for x in ends))
    assert np.array_equal(once, each)
    assert once[0] == pytest.approx(float(offtrack_km(lon[:1], lat[:1], *ends)[0]), abs=1e-6)
