"""Tests for geo.geodesy: real routes, time zones, antimeridian handling and properties.

Lines are checked as the product computes them: a contact arc by :func:`geo.geodesy.arcs_ragged`
with :func:`geo.geometry.arc_points`' spacing, a flight's track by
:func:`geo.geometry.flight_tracks` (vertices, and their times in ms since the epoch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo import geometry
from geo.geodesy import (
    FlightFacts,
    Position,
    arcs_batch,
    arcs_ragged,
    distance_km,
    flight_facts,
    position_at,
    split_at_antimeridian,
    unwrap_lons,
)
from geo.model import DataError, Event, Location
from geo.timeline import epoch_ms
from tests.helpers import events_from_csv

GEOD = Geod(ellps="WGS84")

# (lon, lat)
VKO = (37.2615, 55.5915)  # Moscow Vnukovo
GYD = (50.0467, 40.4675)  # Baku Heydar Aliyev
NRT = (140.386, 35.765)  # Tokyo Narita
ANC = (-149.998, 61.174)  # Anchorage
JFK = (-73.7781, 40.6413)  # New York JFK
LHR = (-0.4543, 51.4700)  # London Heathrow
SYD = (151.177, -33.946)  # Sydney
SCL = (-70.785, -33.393)  # Santiago de Chile

VKO_DEP = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
GYD_ARR = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)


def lon_diff(a: float, b: float) -> float:
    """Absolute longitude difference modulo 360, in degrees."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


def max_jump(lons: list[float]) -> float:
    return max((abs(b - a) for a, b in zip(lons, lons[1:], strict=False)), default=0.0)


Point = tuple[float, float]


def contact_arc(a: Point, b: Point) -> list[Point]:
    """The geodesic polyline the product draws from ``a`` to ``b``: at most
    :data:`geo.geometry.ARC_STEP_KM` (100 km) between vertices, in one ``arcs_ragged`` batch."""
    lons, lats = arcs_ragged(*a, *b, geometry.arc_points(distance_km(*a, *b)))
    return list(zip(lons.tolist(), lats.tolist(), strict=True))


def flight(origin: Point, dep: datetime, destination: Point, arr: datetime) -> Event:
    return Event(
        id="f", kind="flight", title="f", start_utc=dep, end_utc=arr,
        start_precision="minute", end_precision="minute", start_text="", end_text="",
        origin=(Location("origin", origin[1], origin[0], "UTC", ""),),
        destination=Location("destination", destination[1], destination[0], "UTC", ""),
        participants=(), status="reported", sources=(), notes="",
    )  # fmt: skip


def track(
    origin: Point, dep: datetime, destination: Point, arr: datetime
) -> tuple[list[Point], list[int]]:
    """A flight's computed track as every reader draws it (:func:`geo.geometry.flight_tracks`):
    its vertices and each vertex's time in ms since the epoch."""
    lines = geometry.flight_tracks([flight(origin, dep, destination, arr)])
    assert len(lines) == 1
    return lines.coords(0), lines.times(0)


def utc_of(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


# --------------------------------------------------------------------------- real flights


def test_vko_gyd_facts() -> None:
    facts = flight_facts(*VKO, VKO_DEP, *GYD, GYD_ARR)
    assert isinstance(facts, FlightFacts)
    assert facts.distance_km == pytest.approx(1926, abs=10)
    assert facts.duration_minutes == 156.0
    assert facts.avg_speed_kmh == pytest.approx(740, abs=5)
    assert facts.plausible
    assert "plausible for a jet" in facts.reason
    assert "1,926 km" in facts.reason and "2 h 36 min" in facts.reason


def test_nrt_anc_lands_earlier_local_clock() -> None:
    # 16:30 JST (UTC+9) = 07:30 UTC; 07:50 AKDT (UTC-8) = 15:50 UTC -> 8 h 20 min,
    # although the local arrival clock reads earlier than the local departure clock.
    dep = datetime(2025, 6, 10, 16, 30, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)
    arr = datetime(2025, 6, 10, 7, 50, tzinfo=ZoneInfo("America/Anchorage")).astimezone(UTC)
    assert dep == datetime(2025, 6, 10, 7, 30, tzinfo=UTC)
    assert arr == datetime(2025, 6, 10, 15, 50, tzinfo=UTC)
    facts = flight_facts(*NRT, dep, *ANC, arr)
    assert facts.duration_minutes == 500.0
    assert facts.distance_km == pytest.approx(5526, abs=10)
    assert facts.avg_speed_kmh == pytest.approx(663, abs=5)
    assert facts.plausible


def test_nrt_anc_accepts_non_utc_aware_datetimes() -> None:
    dep = datetime(2025, 6, 10, 16, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    arr = datetime(2025, 6, 10, 7, 50, tzinfo=ZoneInfo("America/Anchorage"))
    assert flight_facts(*NRT, dep, *ANC, arr).duration_minutes == 500.0


def test_jfk_lhr_on_us_dst_night() -> None:
    # US clocks spring forward at 02:00 on 2025-03-09; the UK is still on GMT.
    dep = datetime(2025, 3, 8, 22, 0, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    arr = datetime(2025, 3, 9, 10, 0, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
    assert dep == datetime(2025, 3, 9, 3, 0, tzinfo=UTC)
    facts = flight_facts(*JFK, dep, *LHR, arr)
    assert facts.duration_minutes == 7 * 60.0
    assert facts.distance_km == pytest.approx(5555, abs=10)
    assert facts.plausible


def test_same_zone_across_dst_uses_utc_not_wall_clock() -> None:
    # Both in New York across the spring-forward gap: 01:00 EST -> 04:00 EDT is 2 h.
    ny = ZoneInfo("America/New_York")
    dep = datetime(2025, 3, 9, 1, 0, tzinfo=ny)
    arr = datetime(2025, 3, 9, 4, 0, tzinfo=ny)
    assert flight_facts(*JFK, dep, -77.0377, 38.8512, arr).duration_minutes == 120.0
    _coords, times = track(JFK, dep, (-77.0377, 38.8512), arr)
    assert times[-1] - times[0] == 2 * 3600 * 1000
    assert times[0] == epoch_ms(datetime(2025, 3, 9, 6, 0, tzinfo=UTC))


def test_naive_datetimes_rejected() -> None:
    naive = datetime(2025, 3, 13, 22, 54)  # noqa: DTZ001 - deliberately naive
    with pytest.raises(ValueError, match="aware"):
        flight_facts(*VKO, naive, *GYD, GYD_ARR)
    with pytest.raises(ValueError, match="aware"):
        track(VKO, VKO_DEP, GYD, naive)
    with pytest.raises(ValueError, match="aware"):
        track(VKO, naive, GYD, GYD_ARR)
    with pytest.raises(ValueError, match="aware"):
        position_at(*VKO, VKO_DEP, *GYD, GYD_ARR, naive)


def test_implausibly_fast() -> None:
    facts = flight_facts(*VKO, VKO_DEP, *GYD, VKO_DEP + timedelta(minutes=30))
    assert not facts.plausible
    assert facts.avg_speed_kmh == pytest.approx(3852, abs=10)
    assert "faster than any airliner" in facts.reason
    assert "3,852 km/h" in facts.reason


def test_implausibly_slow() -> None:
    # 1,926 km in 20 h: ~96 km/h, below 100 km/h on a route over 300 km.
    facts = flight_facts(*VKO, VKO_DEP, *GYD, VKO_DEP + timedelta(hours=20))
    assert not facts.plausible
    assert facts.avg_speed_kmh == pytest.approx(96.3, abs=0.5)
    assert "implausibly slow" in facts.reason


def test_longer_than_any_nonstop_flight() -> None:
    # Wrong arrival date on a short hop: 50 km in 24 h 40 min.
    facts = flight_facts(*VKO, VKO_DEP, 37.906, 55.4088, VKO_DEP + timedelta(hours=24, minutes=40))
    assert not facts.plausible
    assert "longer than any non-stop" in facts.reason


def test_short_slow_hop_is_plausible() -> None:
    # ~53 km (Vnukovo -> Domodedovo) in 50 min: slow, but below the 300 km threshold.
    facts = flight_facts(*VKO, VKO_DEP, 37.906, 55.4088, VKO_DEP + timedelta(minutes=50))
    assert facts.distance_km == pytest.approx(44, abs=10)
    assert facts.plausible
    assert "though slow for a jet" in facts.reason


def test_a_flight_that_does_not_arrive_after_it_leaves_is_refused_at_the_boundary() -> None:
    # so no track is ever computed for one: the reader names the row and the column
    rows = (
        "f,flight,F,2025-03-14T01:54:00,2025-03-14T01:54:00,VKO,GYD,,reported,s,\n"
        "g,flight,G,2025-03-14T01:54:00,2025-03-14T01:24:00,VKO,GYD,,reported,s,\n"
    )
    with pytest.raises(DataError, match="not after departure") as info:
        events_from_csv(rows)
    assert "test.csv:2: end: arrival" in str(info.value)
    assert "test.csv:3: end: arrival" in str(info.value)


@pytest.mark.parametrize("minutes", [0, -30])
def test_non_positive_duration(minutes: int) -> None:
    facts = flight_facts(*VKO, VKO_DEP, *GYD, VKO_DEP + timedelta(minutes=minutes))
    assert not facts.plausible
    assert facts.avg_speed_kmh is None
    assert facts.duration_minutes == minutes
    assert "non-positive duration" in facts.reason
    with pytest.raises(ValueError, match="not after departure"):
        position_at(*VKO, VKO_DEP, *GYD, VKO_DEP + timedelta(minutes=minutes), VKO_DEP)


# --------------------------------------------------------------------------- distance


def test_distance_symmetry_and_zero() -> None:
    assert distance_km(*VKO, *GYD) == pytest.approx(distance_km(*GYD, *VKO), abs=1e-9)
    assert distance_km(*SYD, *SCL) == pytest.approx(distance_km(*SCL, *SYD), abs=1e-9)
    assert distance_km(*VKO, *VKO) == 0.0
    # Quarter meridian of WGS84: 10,001.966 km.
    assert distance_km(0.0, 0.0, 0.0, 90.0) == pytest.approx(10001.966, abs=0.001)


# --------------------------------------------------------------------------- zero length


def test_zero_length_route() -> None:
    dep = VKO_DEP
    arr = dep + timedelta(minutes=47)
    assert contact_arc(VKO, VKO) == [VKO, VKO]

    facts = flight_facts(*VKO, dep, *VKO, arr)
    assert facts.distance_km == 0.0
    assert facts.avg_speed_kmh == 0.0
    assert facts.plausible
    assert "zero-length route" in facts.reason and "return-to-base" in facts.reason

    coords, times = track(VKO, dep, VKO, arr)
    assert (coords[0], times[0]) == (VKO, epoch_ms(dep))
    assert (coords[-1], times[-1]) == (VKO, epoch_ms(arr))
    assert len(coords) == len(times) == 11  # 47 min in 5-min steps -> 10 segments
    assert [b - a for a, b in zip(times, times[1:], strict=False)] == [282_000] * 10
    for lon, lat in coords:
        assert lon == pytest.approx(VKO[0], abs=1e-9)
        assert lat == pytest.approx(VKO[1], abs=1e-9)

    mid = position_at(*VKO, dep, *VKO, arr, dep + timedelta(minutes=20))
    assert mid == Position(VKO[0], VKO[1], 0.0)

    assert not flight_facts(*VKO, dep, *VKO, dep).plausible


# --------------------------------------------------------------------------- arcs and tracks


def test_arc_spacing_and_endpoints() -> None:
    pts = contact_arc(VKO, GYD)
    assert pts[0] == VKO and pts[-1] == GYD
    assert len(pts) == 21  # ceil(1926 / 100) = 20 segments
    for (lo1, la1), (lo2, la2) in zip(pts, pts[1:], strict=False):
        assert distance_km(lo1, la1, lo2, la2) <= 100.0 + 1e-6
    # Every point lies on the geodesic.
    total = distance_km(*VKO, *GYD)
    for lo, la in pts:
        assert distance_km(*VKO, lo, la) + distance_km(lo, la, *GYD) == pytest.approx(
            total, abs=1e-6
        )


def test_sydney_santiago_crosses_antimeridian() -> None:
    pts = contact_arc(SYD, SCL)
    lons = [lo for lo, _ in pts]
    assert lons[0] == SYD[0]
    assert lons[-1] == pytest.approx(SCL[0] + 360.0, abs=1e-9)  # 289.215
    assert max(lons) > 180.0
    assert max_jump(lons) <= 180.0
    assert lons == sorted(lons)  # flies steadily east

    dep = datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    arr = dep + timedelta(hours=12, minutes=40)
    coords, times = track(SYD, dep, SCL, arr)
    assert max_jump([lo for lo, _ in coords]) <= 180.0
    assert coords[0] == SYD
    assert coords[-1][0] == pytest.approx(SCL[0] + 360.0, abs=1e-9)
    assert coords[-1][1] == SCL[1]
    assert (times[0], times[-1]) == (epoch_ms(dep), epoch_ms(arr))

    parts = split_at_antimeridian(pts)
    assert len(parts) >= 2
    for part in parts:
        assert len(part) >= 2
        assert all(-180.0 <= lo <= 180.0 for lo, _ in part)
    for a, b in zip(parts, parts[1:], strict=False):
        assert abs(a[-1][0]) == 180.0
        assert b[0][0] == -a[-1][0]
        assert b[0][1] == a[-1][1]
    assert parts[0][0] == SYD
    assert parts[-1][-1][0] == pytest.approx(SCL[0], abs=1e-9)
    assert parts[-1][-1][1] == SCL[1]
    # The crossing latitude lies between the neighbouring arc points.
    crossing_lat = parts[0][-1][1]
    i = next(k for k, lo in enumerate(lons) if lo > 180.0)
    assert min(pts[i - 1][1], pts[i][1]) <= crossing_lat <= max(pts[i - 1][1], pts[i][1])


def test_split_edge_cases() -> None:
    assert split_at_antimeridian([]) == []
    assert split_at_antimeridian([(10.0, 1.0), (20.0, 2.0)]) == [[(10.0, 1.0), (20.0, 2.0)]]
    # A vertex exactly on the antimeridian is not duplicated.
    assert split_at_antimeridian([(170.0, 0.0), (180.0, 1.0), (190.0, 2.0)]) == [
        [(170.0, 0.0), (180.0, 1.0)],
        [(-180.0, 1.0), (-170.0, 2.0)],
    ]
    # Westbound crossing.
    assert split_at_antimeridian([(-170.0, 0.0), (-190.0, 2.0)]) == [
        [(-170.0, 0.0), (-180.0, 1.0)],
        [(180.0, 1.0), (170.0, 2.0)],
    ]


def test_unwrap_lons() -> None:
    assert unwrap_lons([]) == []
    assert unwrap_lons([170.0, -170.0, -150.0, 170.0]) == [170.0, 190.0, 210.0, 170.0]
    assert unwrap_lons([-170.0, 170.0]) == [-170.0, -190.0]


def test_track_matches_position_at_and_spacing() -> None:
    # the rule: vertices at most 5 min of flight time and 100 km apart
    assert (geometry.TRACK_STEP_MINUTES, geometry.TRACK_STEP_KM) == (5.0, 100.0)
    coords, times = track(VKO, VKO_DEP, GYD, GYD_ARR)
    assert len(coords) == len(times) == 33  # ceil(156 / 5) = 32 segments beat ceil(1926 / 100)
    assert (coords[0], utc_of(times[0])) == (VKO, VKO_DEP)
    assert (coords[-1], utc_of(times[-1])) == (GYD, GYD_ARR)
    for (lo1, la1), (lo2, la2), t1, t2 in zip(
        coords, coords[1:], times, times[1:], strict=False
    ):
        assert 0 < t2 - t1 <= 5 * 60_000
        assert distance_km(lo1, la1, lo2, la2) <= 100.0 + 1e-6
    for (lon, lat), ms in zip(coords, times, strict=True):
        at = utc_of(ms)
        assert at.tzinfo is UTC
        pos = position_at(*VKO, VKO_DEP, *GYD, GYD_ARR, at)
        assert lon_diff(pos.lon, lon) < 1e-9
        assert pos.lat == pytest.approx(lat, abs=1e-9)


def test_position_at_clamping_and_heading() -> None:
    az12, az21, total_m = GEOD.inv(*VKO, *GYD)
    before = position_at(*VKO, VKO_DEP, *GYD, GYD_ARR, VKO_DEP - timedelta(hours=1))
    assert (before.lon, before.lat) == VKO
    assert before.heading_deg == pytest.approx(az12 % 360.0, abs=1e-9)

    after = position_at(*VKO, VKO_DEP, *GYD, GYD_ARR, GYD_ARR + timedelta(hours=1))
    assert (after.lon, after.lat) == GYD
    assert after.heading_deg == pytest.approx((az21 + 180.0) % 360.0, abs=1e-9)

    mid = position_at(*VKO, VKO_DEP, *GYD, GYD_ARR, VKO_DEP + timedelta(minutes=78))
    assert distance_km(*VKO, mid.lon, mid.lat) == pytest.approx(total_m / 2000.0, abs=1e-6)
    assert 90.0 < mid.heading_deg < 180.0  # south-east towards Baku


def test_position_at_normalizes_longitude_across_antimeridian() -> None:
    dep = datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    arr = dep + timedelta(hours=12)
    positions = [
        position_at(*SYD, dep, *SCL, arr, dep + timedelta(minutes=m)) for m in range(0, 721, 10)
    ]
    assert all(-180.0 <= p.lon <= 180.0 for p in positions)
    assert all(0.0 <= p.heading_deg < 360.0 for p in positions)
    assert any(p.lon < 0 for p in positions) and any(p.lon > 0 for p in positions)


def test_arcs_batch_agrees_with_pyproj_arc_by_arc() -> None:
    routes = [(VKO, GYD), (SYD, SCL), (NRT, ANC), (JFK, LHR), (GYD, VKO)]
    n = 50
    lon1 = [r[0][0] for r in routes]
    lat1 = [r[0][1] for r in routes]
    lon2 = [r[1][0] for r in routes]
    lat2 = [r[1][1] for r in routes]
    lons, lats = arcs_batch(lon1, lat1, lon2, lat2, n)
    assert lons.shape == lats.shape == (len(routes), n)
    assert np.all(np.abs(np.diff(lons, axis=1)) <= 180.0)
    for i, (a, b) in enumerate(routes):
        # each arc alone, by pyproj's own n equally spaced points (both ends included)
        alone = GEOD.inv_intermediate(
            *a, *b, npts=n, initial_idx=0, terminus_idx=0, return_back_azimuth=False
        )
        assert lons[i][0] == a[0] and lats[i][0] == a[1]
        assert lon_diff(lons[i][-1], b[0]) < 1e-9 and lats[i][-1] == b[1]
        np.testing.assert_allclose(lons[i], unwrap_lons(list(alone.lons)), atol=1e-9, rtol=0)
        np.testing.assert_allclose(lats[i], list(alone.lats), atol=1e-9, rtol=0)


def test_arcs_batch_scalar_and_validation() -> None:
    lons, lats = arcs_batch(*VKO, *GYD, 2)
    assert lons.tolist() == [[VKO[0], GYD[0]]]
    assert lats.tolist() == [[VKO[1], GYD[1]]]
    with pytest.raises(ValueError):
        arcs_batch(*VKO, *GYD, 1)


def test_arcs_ragged_is_each_arc_alone() -> None:
    """One batch of arcs with different point counts gives, arc by arc, exactly what each
    arc computed alone gives (antimeridian crossings unwrapped within each arc only)."""
    routes = [(SYD, SCL), (VKO, GYD), (NRT, ANC), (SCL, SYD), (JFK, LHR), (ANC, NRT)]
    counts = [40, 2, 17, 64, 3, 9]
    cols = [[r[0][0] for r in routes], [r[0][1] for r in routes],
            [r[1][0] for r in routes], [r[1][1] for r in routes]]
    lons, lats = arcs_ragged(*cols, counts)
    assert lons.shape == lats.shape == (sum(counts),)
    start = 0
    for (a, b), n in zip(routes, counts, strict=True):
        alone_lons, alone_lats = arcs_batch(*a, *b, n)
        assert lons[start : start + n].tolist() == alone_lons[0].tolist()
        assert lats[start : start + n].tolist() == alone_lats[0].tolist()
        assert lons[start] == a[0] and lats[start + n - 1] == b[1]
        start += n
    with pytest.raises(ValueError):
        arcs_ragged(*VKO, *GYD, [1])


# --------------------------------------------------------------------------- properties

lons_st = st.floats(-180.0, 180.0, allow_nan=False)
lats_st = st.floats(-90.0, 90.0, allow_nan=False)
base_time = datetime(2025, 1, 1, tzinfo=UTC)
durations_st = st.integers(min_value=1, max_value=22 * 3600)  # seconds


@settings(max_examples=200, deadline=None)
@given(lons_st, lats_st, lons_st, lats_st, durations_st)
def test_track_endpoints_are_airports(
    lon1: float, lat1: float, lon2: float, lat2: float, seconds: int
) -> None:
    arr = base_time + timedelta(seconds=seconds)
    coords, times = track((lon1, lat1), base_time, (lon2, lat2), arr)
    (first_lon, first_lat), (last_lon, last_lat) = coords[0], coords[-1]
    assert first_lon == lon1 and first_lat == lat1  # exactly the airports
    assert lon_diff(last_lon, lon2) < 1e-9 and last_lat == lat2
    assert times[0] == epoch_ms(base_time) and times[-1] == epoch_ms(arr)
    assert max_jump([lo for lo, _ in coords]) <= 180.0
    steps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(0 <= s <= 5 * 60_000 for s in steps)  # in order, at most 5 min apart
    for (lo1, la1), (lo2, la2) in zip(coords, coords[1:], strict=False):
        assert distance_km(lo1, la1, lo2, la2) <= 100.0 + 1e-6  # and at most 100 km


@settings(max_examples=200, deadline=None)
@given(
    lons_st,
    lats_st,
    lons_st,
    lats_st,
    durations_st,
    st.floats(-0.2, 1.2, allow_nan=False),
)
def test_position_at_lies_on_geodesic(
    lon1: float, lat1: float, lon2: float, lat2: float, seconds: int, frac: float
) -> None:
    total = distance_km(lon1, lat1, lon2, lat2)
    assume(total < 19_000.0)  # avoid near-antipodal pairs (geodesic not unique)
    arr = base_time + timedelta(seconds=seconds)
    t = base_time + timedelta(seconds=seconds * frac)
    pos = position_at(lon1, lat1, base_time, lon2, lat2, arr, t)
    assert -180.0 <= pos.lon <= 180.0
    assert 0.0 <= pos.heading_deg < 360.0
    d1 = distance_km(lon1, lat1, pos.lon, pos.lat)
    d2 = distance_km(pos.lon, pos.lat, lon2, lat2)
    assert abs(d1 + d2 - total) < 0.003  # 3 m
    expected_fraction = min(max((t - base_time) / (arr - base_time), 0.0), 1.0)  # t in µs
    assert d1 == pytest.approx(total * expected_fraction, abs=0.003)


ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Moscow",
    "Asia/Baku",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Apia",
    "America/Anchorage",
    "America/New_York",
    "America/Santiago",
    "America/St_Johns",
    "Pacific/Honolulu",
]
local_dt_st = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31))  # noqa: DTZ001


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.sampled_from(ZONES),
    local_dt_st,
    st.integers(min_value=-2 * 3600, max_value=30 * 3600),
)
def test_duration_is_utc_difference_whatever_the_zones(
    zone1: str, zone2: str, dep_local: datetime, offset_s: int
) -> None:
    dep = dep_local.replace(tzinfo=ZoneInfo(zone1))
    arr = (dep_local + timedelta(seconds=offset_s)).replace(tzinfo=ZoneInfo(zone2))
    dep_off, arr_off = dep.utcoffset(), arr.utcoffset()
    assert dep_off is not None and arr_off is not None
    # Independent computation from the naive wall times and their UTC offsets.
    expected = (arr.replace(tzinfo=None) - arr_off) - (dep.replace(tzinfo=None) - dep_off)
    facts = flight_facts(*VKO, dep.astimezone(UTC), *GYD, arr.astimezone(UTC))
    assert facts.duration_minutes == pytest.approx(expected.total_seconds() / 60.0, abs=1e-9)
    # Same result when passing the zoned datetimes directly.
    assert flight_facts(*VKO, dep, *GYD, arr).duration_minutes == facts.duration_minutes
    # VKO-GYD is 1,926 km: plausible iff 0 < duration <= 22 h and 100 <= avg <= 1,000 km/h.
    minutes = facts.duration_minutes
    in_speed_range = minutes > 0 and 100.0 <= facts.distance_km / (minutes / 60.0) <= 1000.0
    assert facts.plausible == (0 < minutes <= 22 * 60 and in_speed_range)
