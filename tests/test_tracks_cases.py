"""What a leg is, on cases built from a written specification (issue 23's list): each case
below says in words what the fixes are, the test builds them with the writers of
``test_tracks_fixtures`` (readsb JSON, fixes CSV, KML as their specs say) and checks what an
analyst reading the fixes would conclude.

Airports (lon, lat, field elevation) are those of ``airportsdata``; a fix's altitude is
pressure altitude in feet, as the formats carry it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from geo.model import Event, Location
from geo.places import Gazetteer
from geo.tracks import (
    Leg,
    Trace,
    compare,
    leg_event,
    leg_events,
    link,
    match_legs,
    offtrack_km,
    read_track_file,
    split_legs,
    track_set,
)
from geo.tracks.compare import leg_facts
from geo.tracks.geometry import max_offtrack_km
from tests.test_tracks_fixtures import (
    GEOD,
    GYD,
    T0,
    VKO,
    Fixes,
    along,
    concat,
    fixes_csv,
    flight,
    kml,
    readsb_json,
    readsb_rows,
)

GAZ = Gazetteer()

# (lon, lat), field elevation in ft (airportsdata)
HIGH = {
    "KDEN": ((-104.673167, 39.861667), 5433.8),
    "MMMX": ((-99.0721, 19.4363), 7316.0),
    "SKBO": ((-74.1469, 4.70159), 8361.0),
    "HAAB": ((38.7993, 8.97789), 7630.0),
    "HKJK": ((36.9278, -1.31924), 5330.0),
    "FAOR": ((28.24233, -26.13367), 5558.0),
    "OAKB": ((69.2123, 34.5659), 5877.0),
    "OIIE": ((51.1522, 35.4161), 3305.0),
    "OIII": ((51.3134, 35.6892), 3962.0),
    "OYSN": ((44.2197, 15.4763), 7216.0),
}
MAKHACHKALA = (47.6523, 42.8168)  # URML, on the way from Vnukovo to Baku
NEW_CHITOSE = (141.692, 42.7752)  # RJCC
CHITOSE_AB = (141.666, 42.7945)  # RJCJ
LHR = (-0.46194, 51.4706)
MAD = (-3.56264, 40.4719)
JFK = (-73.778692, 40.639928)
PERTH = (115.967, -31.9403)
MSP = ((-93.221778, 44.881972), 841.8)  # KMSP


def readsb_trace(fixes: Fixes, **head: object) -> Trace:
    (trace,) = read_track_file(("trace_full_a0b1c2.json", readsb_json(fixes, **head)))  # type: ignore[arg-type]
    return trace


def legs_of(fixes: Fixes, **head: object) -> tuple[Leg, ...]:
    return split_legs(readsb_trace(fixes, **head)).legs


def km_from(a: tuple[float, float], azimuth: float, km: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(a[0], a[1], azimuth, km * 1000.0)
    return (float(lon), float(lat))


def place(code: str) -> Location:
    found = GAZ.resolve(code)
    assert found is not None
    return found


def claim(
    start: float,
    end: float,
    aircraft: str = "N103WG",
    origin: str = "VKO",
    destination: str = "GYD",
    event_id: str = "claim",
) -> Event:
    s, e = datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC)
    return Event(
        id=event_id,
        kind="flight",
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


def standing(at: tuple[float, float], t0: float, minutes: float, step_s: float = 60.0) -> Fixes:
    """An aircraft standing at ``at`` (20 m of position jitter), on the ground by its flag,
    0 kt, one fix every ``step_s``."""
    n = int(minutes * 60 / step_s)
    rng = np.random.default_rng(7)
    lon, lat, _ = GEOD.fwd(
        np.full(n, at[0]), np.full(n, at[1]), rng.uniform(0, 360, n), rng.uniform(0, 20, n)
    )
    return Fixes(
        t0 + np.arange(n) * step_s,
        np.asarray(lat),
        np.asarray(lon),
        np.full(n, np.nan),
        np.ones(n, np.bool_),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n, np.int64),
        [None] * n,
    )


def taxi(a: tuple[float, float], b: tuple[float, float], t0: float, minutes: float) -> Fixes:
    """Taxiing from a to b at a steady speed, on the ground, a fix every 30 s."""
    n = int(minutes * 2) + 1
    lon, lat, az = along(a, b, np.linspace(0.0, 1.0, n))
    _, _, length = GEOD.inv(*a, *b)
    return Fixes(
        t0 + np.arange(n) * 30.0,
        lat,
        lon,
        np.full(n, np.nan),
        np.ones(n, np.bool_),
        np.full(n, length / (minutes * 60.0) * 3600.0 / 1852.0),
        az,
        np.zeros(n, np.int64),
        [None] * n,
    )


# ---------------------------------------------------------------- 1. a high airport


@pytest.mark.parametrize("code", sorted(HIGH))
def test_a_turnaround_out_of_coverage_at_a_high_airport_is_two_legs(code: str) -> None:
    """Spec: an aircraft arrives from 300 km west, its last fix 600 ft above the field (over
    the airport), is out of coverage for an hour, and leaves 600 ft above the field for a
    point 300 km east. Two legs, the airport at both ends, observed."""
    at, elev = HIGH[code]
    west, east = km_from(at, 270.0, 300.0), km_from(at, 90.0, 300.0)
    into = flight(west, at, n=60, minutes=40, ground_ends=False, start_ft=30000, end_ft=elev + 600)
    out = flight(
        at,
        east,
        t0=float(into.t[-1]) + 3600.0,
        n=60,
        minutes=40,
        ground_ends=False,
        start_ft=elev + 600,
        end_ft=30000,
    )
    legs = legs_of(concat(into, out))
    assert [(leg.destination.code, leg.landing_observed) for leg in legs][:1] == [(code, True)]
    assert [(leg.origin.code, leg.takeoff_observed) for leg in legs][1:] == [(code, True)]
    assert len(legs) == 2 and legs[0].gaps == () and legs[1].gaps == ()


# ---------------------------------------------------------------- 1b. the day's pressure


def pressure_day_landing(offset_ft: float) -> tuple[Fixes, list[float]]:
    """Spec: a landing at Minneapolis (KMSP, 841.8 ft) on a day whose pressure altitude reads
    ``offset_ft`` off the true altitude (-600: a cold high-pressure day, QNH about 30.52 inHg;
    +600 a deep low). Touchdown at T0 at the airport's reference point, on a runway heading
    121 deg. Before it a 3 deg final approach at 140 kt ground speed, descending 740 ft/min
    from 5,000 ft above the field (6 min 45 s, 29 km), a fix every 7 s, its vertical rate
    -740 ft/min. After it the landing roll: the flag still says airborne for 16 s (a fix every
    2 s, level, vertical rate 0, pressure altitude = field + offset), braking from 140 kt at
    3.75 kt/s; from T0 + 18 s the flag says ground (altitude null), braking on to 20 kt, to
    T0 + 60 s. Returns the fixes and their vertical rates (ft/min)."""
    (lon0, lat0), elev = MSP
    approach_s = np.arange(-405.0, 0.0, 7.0)  # seconds from touchdown
    roll_s = np.arange(2.0, 61.0, 2.0)
    ms = 140.0 * 1852.0 / 3600.0
    decel = 3.75 * 1852.0 / 3600.0  # m/s per s
    gs = np.maximum(140.0 - 3.75 * roll_s, 20.0)
    stop = (ms - 20.0 * 1852.0 / 3600.0) / decel  # seconds to 20 kt
    travelled = np.where(
        roll_s <= stop,
        ms * roll_s - decel * roll_s**2 / 2,
        ms * stop - decel * stop**2 / 2 + 20.0 * 1852.0 / 3600.0 * (roll_s - stop),
    )
    along_m = np.concatenate([ms * approach_s, [0.0], travelled])  # signed, along 121 deg
    t_rel = np.concatenate([approach_s, [0.0], roll_s])
    n = t_rel.shape[0]
    lon, lat, _ = GEOD.fwd(np.full(n, lon0), np.full(n, lat0), np.full(n, 121.0), along_m)
    height = np.maximum(-t_rel, 0.0) * 740.0 / 60.0
    ground = t_rel >= 18.0
    alt = np.where(ground, np.nan, elev + height + offset_ft)
    fixes = Fixes(
        T0 + t_rel,
        np.asarray(lat),
        np.asarray(lon),
        alt,
        ground,
        np.concatenate([np.full(approach_s.shape[0] + 1, 140.0), gs]),
        np.full(n, 121.0),
        np.zeros(n, np.int64),
        ["DAL1812" if k % 20 == 0 else None for k in range(n)],
    )
    return fixes, np.where(t_rel < 0.0, -740.0, 0.0).tolist()


def readsb_with_rates(fixes: Fixes, rates_fpm: list[float]) -> Trace:
    """The readsb trace of ``fixes`` with their vertical rates (the writer's are 0)."""
    base = float(fixes.t[0])
    rows = readsb_rows(fixes, base)
    for row, rate in zip(rows, rates_fpm, strict=True):
        row[7] = round(rate)
    text = json.dumps({"icao": "a0b1c2", "timestamp": base, "trace": rows}).encode()
    (trace,) = read_track_file(("trace_full_a0b1c2.json", text))  # type: ignore[arg-type]
    return trace


@pytest.mark.parametrize("offset_ft", [-600.0, 600.0, 0.0])
def test_touchdown_on_a_high_or_low_pressure_day(offset_ft: float) -> None:
    """The touchdown is where the descent meets the runway as the aircraft's own fixes show
    it (its pressure altitude on the roll), not where pressure altitude meets the field's
    elevation: on the high-pressure day that was 49 s early (600 ft at 740 ft/min), and on
    the low one the last airborne fix, 16 s late."""
    fixes, rates = pressure_day_landing(offset_ft)
    (leg,) = split_legs(readsb_with_rates(fixes, rates)).legs
    assert leg.landing_observed and leg.destination.code == "KMSP"
    assert not leg.takeoff_observed  # the track starts 4,400 ft or more above the field
    assert abs(leg.landing_utc.timestamp() - T0) <= 10.0


@pytest.mark.parametrize("offset_ft", [-600.0, 600.0])
def test_liftoff_on_a_high_or_low_pressure_day(offset_ft: float) -> None:
    """Spec: the landing above played backwards (times mirrored about T0, tracks reversed,
    vertical rates negated): a takeoff roll flagged airborne from 18 s before liftoff (the
    air/ground switch on the roll), liftoff at T0, a climb at 740 ft/min."""
    landing, rates = pressure_day_landing(offset_ft)
    back = landing.take(np.arange(len(landing))[::-1])
    fixes = back.with_values(t=2 * T0 - back.t, track_deg=np.full(len(back), 301.0))
    (leg,) = split_legs(readsb_with_rates(fixes, [-r for r in rates[::-1]])).legs
    assert leg.takeoff_observed and leg.origin.code == "KMSP"
    assert abs(leg.takeoff_utc.timestamp() - T0) <= 10.0


# ---------------------------------------------------------------- 2. taxi at altitude 0


def taxi_flight() -> tuple[Fixes, float]:
    """Spec: 10 min of taxi from a stand 2.5 km from Vnukovo's reference point to it, at
    altitude 0 (the formats' ground), then the flight to Baku (airborne from T0, the first
    fix at 500 ft), then 5 min of taxi at Baku. Returns the fixes and the liftoff."""
    stand = km_from(VKO, 200.0, 2.5)
    air = flight(VKO, GYD, ground_ends=False)
    before = taxi(stand, VKO, T0 - 630.0, 10.0)
    after = taxi(GYD, km_from(GYD, 30.0, 2.0), float(air.t[-1]) + 60.0, 5.0)
    legs = legs_of(air)  # the readsb reading of the airborne part alone: the reference
    return concat(before, air, after), legs[0].takeoff_utc.timestamp()


@pytest.mark.parametrize("fmt", ["csv", "kml"])
def test_taxi_at_altitude_zero_is_the_ground(fmt: str) -> None:
    fixes, liftoff = taxi_flight()
    if fmt == "csv":
        (trace,) = read_track_file(("fixes.csv", fixes_csv(fixes)))
    else:
        (trace,) = read_track_file(("f.kml", kml([("AZG123", fixes)])))
    (leg,) = split_legs(trace).legs
    assert leg.takeoff_observed and leg.landing_observed
    assert (leg.origin.code, leg.destination.code) == ("UUWW", "UBBB")
    # not the gate time 10.5 min earlier: within 30 s of the liftoff read from readsb
    assert abs(leg.takeoff_utc.timestamp() - liftoff) <= 30.0
    assert leg.landing_utc.timestamp() <= float(fixes.t[-1]) - 4 * 60.0


# ---------------------------------------------------------------- 3. parked, flickering


@pytest.mark.parametrize("alt_ft", [700.0, 4000.0])
def test_a_parked_aircraft_stuck_airborne_makes_no_flight(alt_ft: float) -> None:
    """Spec: 8 h standing at Vnukovo (0 kt, 20 m of jitter) with the flag saying airborne at
    ``alt_ft`` (700: the field's height; 4,000: a stuck altitude), a 10-min hole every hour."""
    fixes = standing(VKO, T0, 8 * 60)
    fixes.ground[:] = False
    fixes.alt_ft[:] = alt_ft
    keep = (np.arange(len(fixes)) % 60) >= 10
    tracks = track_set([readsb_trace(fixes.take(keep))])
    assert tracks.legs == ()
    if alt_ft > 2000:  # slow but high: airborne by every reading, and it did not move
        assert any("moved under 5 km" in note for note in tracks.notes)


def test_a_flickering_flag_makes_no_flight() -> None:
    """Spec: 2 h on the ground at Vnukovo; six times, two fixes 20 s apart say airborne
    (no altitude, 0 kt): 40-second 'flights'."""
    fixes = standing(VKO, T0, 120, step_s=20.0)
    for k in range(6):
        at = 30 + 50 * k
        fixes.ground[at : at + 2] = False
    tracks = track_set([readsb_trace(fixes)])
    assert tracks.legs == ()


def test_a_short_flicker_at_speed_is_no_flight_either() -> None:
    """Spec: the flag flickers airborne for 40 s during a 60-kt taxi on the runway, with
    altitudes at the field: not a flight (it moved 1.2 km, for under 2 min)."""
    fixes = taxi(VKO, km_from(VKO, 90.0, 4.0), T0, 2.0)
    fixes.gs_kt[:] = 60.0
    fixes.ground[1:3] = False
    fixes.alt_ft[1:3] = 700.0
    tracks = track_set([readsb_trace(fixes)])
    assert tracks.legs == ()
    assert any("not flights" in note for note in tracks.notes)


# ---------------------------------------------------------------- 4. identity


def test_a_callsign_shared_by_two_aircraft_with_a_claim_3_h_late() -> None:
    """Spec: two aircraft fly under callsign AZG123 the same evening: a0b1c2 from Vnukovo to
    Baku at T0, 4b1805 over the Pacific (Petropavlovsk to 1,500 km east) at T0 + 3 h. The
    claim names AZG123, Vnukovo to Baku, 3 h late. The route outweighs the hours."""
    ours = legs_of(flight(VKO, GYD), icao="a0b1c2", registration=None)
    pkc = (158.45399, 53.1679)
    theirs = legs_of(
        flight(pkc, km_from(pkc, 90.0, 1500.0), t0=T0 + 3 * 3600), icao="4b1805", registration=None
    )
    event = claim(T0 + 3 * 3600, T0 + 3 * 3600 + 156 * 60, aircraft="AZG123")
    matches = match_legs([event], [*theirs, *ours])
    ((_, leg),) = matches.pairs
    assert leg.trace.icao24 == "a0b1c2"
    (score,) = matches.scores
    assert (score.identity, score.route) == (2.0, 3.0)
    assert score.time == pytest.approx(-0.25 * 6.0, abs=0.05)
    result = compare(event, leg, score)
    assert result.link == score and "took off 3 h" in result.words()


def test_near_ties_are_reported_as_ambiguous() -> None:
    """Spec: two aircraft calling AZG123 fly Vnukovo to Baku 20 min apart; the claim is
    between them. Both are named."""
    a = legs_of(flight(VKO, GYD), icao="a0b1c2", registration=None)
    b = legs_of(flight(VKO, GYD, t0=T0 + 1200), icao="4b1805", registration=None)
    event = claim(T0 + 600, T0 + 600 + 156 * 60, aircraft="AZG123")
    matches = match_legs([event], [*a, *b])
    ((_, leg),) = matches.pairs
    (score,) = matches.scores
    other = b[0] if leg is a[0] else a[0]
    assert [leg_id for leg_id, _ in score.ambiguous_with] == [other.id]
    assert "ambiguous: " + other.id in compare(event, leg, score).words()


def test_no_link_where_the_route_disagrees_and_identity_is_absent() -> None:
    """Spec: a KML track with no name at all flies Madrid to London at the claimed time; the
    claim is N103WG from Vnukovo to Baku. No link. The same track flying Vnukovo to Baku
    links, by route."""
    away = flight(MAD, LHR, minutes=120)
    (trace,) = read_track_file(("f.kml", kml([("", away)])))
    assert not (trace.registration or trace.icao24 or trace.callsign)
    event = claim(T0, T0 + 156 * 60)
    assert match_legs([event], split_legs(trace).legs).pairs == ()
    (same,) = read_track_file(("g.kml", kml([("", flight(VKO, GYD))])))
    (pair,) = match_legs([event], split_legs(same).legs).pairs
    assert pair[1].origin.code == "UUWW"


def interleaved() -> Fixes:
    """Spec: a fix every 20 s for 2 h; in runs of five fixes, alternately an aircraft flying
    Vnukovo to Baku and one flying London to Madrid at 30,000 ft, under one callsign and no
    address or registration."""
    t = T0 + np.arange(360) * 20.0
    which = (np.arange(360) // 5) % 2
    frac = (t - T0) / (t[-1] - T0)
    lon_a, lat_a, az_a = along(VKO, GYD, frac)
    lon_b, lat_b, az_b = along(LHR, MAD, frac)
    n = t.shape[0]
    return Fixes(
        t,
        np.where(which == 0, lat_a, lat_b),
        np.where(which == 0, lon_a, lon_b),
        np.full(n, 30000.0),
        np.zeros(n, np.bool_),
        np.full(n, 450.0),
        np.where(which == 0, az_a, az_b),
        np.zeros(n, np.int64),
        ["ABC1"] * n,
    )


def test_two_aircraft_interleaved_without_an_address_are_told_apart() -> None:
    (trace,) = read_track_file(("fixes.csv", fixes_csv(interleaved(), registration="", icao24="")))
    split = split_legs(trace)
    assert len(split.legs) == 2
    assert any("two aircraft under one identity" in note for note in split.notes)
    for leg in split.legs:
        facts = leg_facts(leg)
        assert leg.trace.interleaved
        assert facts.recorded_distance_km < 1.05 * facts.great_circle_km  # never summed
        assert facts.max_offtrack_km < 5.0
    lengths = sorted(round(leg_facts(leg).recorded_distance_km, -2) for leg in split.legs)
    assert lengths == [1200.0, 1900.0]  # London-Madrid part, Vnukovo-Baku part


# ---------------------------------------------------------------- 5. inside a leg


def test_a_go_around_with_a_low_coverage_hole_is_inside_the_leg() -> None:
    """Spec: the flight to Baku descends to 800 ft over the airport, is out of coverage
    for 7 min, reappears at 2,000 ft climbing to 3,000 ft on a circuit 8 km out, and lands
    (a ground fix a minute later)."""
    into = flight(VKO, GYD, ground_ends=False, end_ft=800)
    t_back = float(into.t[-1]) + 7 * 60
    turn = km_from(GYD, 120.0, 8.0)
    circuit = flight(GYD, turn, t0=t_back, n=10, minutes=4, ground_ends=False, start_ft=2000)
    circuit.alt_ft[:] = np.linspace(2000.0, 3000.0, 10)
    final = flight(turn, GYD, t0=t_back + 5 * 60, n=10, minutes=5, start_ft=3000, end_ft=200)
    final.alt_ft[1:-1] = np.linspace(3000.0, 200.0, 10)
    before = legs_of(concat(into, circuit, final.take(np.r_[1:12])))
    (leg,) = before
    assert (leg.go_arounds, leg.touch_and_goes) == (1, 0)
    (gap,) = leg.gaps
    assert gap.low and gap.duration_minutes == pytest.approx(7.0, abs=0.01)
    assert leg.event_words == ("1 go-around", "1 coverage gap at low height (not a landing)")
    assert (leg.origin.code, leg.destination.code) == ("UUWW", "UBBB")


def test_a_touch_and_go_is_inside_the_leg() -> None:
    """Spec: the flight to Baku touches down (three ground fixes at 120 kt over 30 s on the
    runway), climbs away on a circuit to 2,000 ft and lands for good."""
    into = flight(VKO, GYD, ground_ends=False, end_ft=300)
    t = float(into.t[-1])
    roll = taxi(GYD, km_from(GYD, 174.0, 1.8), t + 10.0, 1.0)
    roll = roll.take(np.r_[0:3])
    roll.gs_kt[:] = 120.0
    away = km_from(GYD, 174.0, 10.0)
    up = flight(km_from(GYD, 174.0, 2.5), away, t0=t + 80.0, n=8, minutes=4, ground_ends=False)
    up.alt_ft[:] = np.linspace(400.0, 2000.0, 8)
    down = flight(away, GYD, t0=t + 6 * 60, n=8, minutes=4)
    down.alt_ft[1:-1] = np.linspace(2000.0, 300.0, 8)
    (leg,) = legs_of(concat(into, roll, up, down.take(np.r_[1:10])))
    assert (leg.touch_and_goes, leg.go_arounds) == (1, 0)
    assert leg.event_words == ("1 touch-and-go",)
    assert leg.destination.code == "UBBB" and leg.landing_observed


# ---------------------------------------------------------------- 6. facts of every leg


def test_a_diversion_recorded_end_to_end_is_not_a_missing_part() -> None:
    """Spec: claimed Vnukovo to Baku; recorded Vnukovo to Makhachkala, ground to ground."""
    (leg,) = legs_of(flight(VKO, MAKHACHKALA, minutes=130))
    words = compare(claim(T0, T0 + 156 * 60), leg).words()
    assert leg.destination.code == "URML"
    assert "from the reported GYD (at URML)" in words
    assert "(it landed elsewhere)" in words
    assert "part of the flight is not in the track" not in words


def test_side_by_side_airfields_are_named() -> None:
    """Spec: a flight from 300 km south lands on New Chitose (RJCC) 190 m nearer to it than
    to Chitose Air Base (RJCJ)."""
    south = km_from(NEW_CHITOSE, 180.0, 300.0)
    (leg,) = legs_of(flight(south, NEW_CHITOSE, n=60, minutes=40))
    end = leg.destination
    assert end.code == "RJCC"
    ((code, km),) = end.alternatives
    rjcj_km = GEOD.inv(*NEW_CHITOSE, *CHITOSE_AB)[2] / 1000.0
    assert code == "RJCJ" and km == pytest.approx(rjcj_km, abs=0.01)
    assert end.alternative_words == f"RJCC (0.0 km; also RJCJ at {rjcj_km:,.1f} km)"
    assert "also RJCJ at" in leg_event(leg).notes


def dense_offtrack_km(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    az, _, length = GEOD.inv(*a, *b)
    s = np.linspace(0.0, length, 200001)
    lon, lat, _ = GEOD.fwd(np.full(s.size, a[0]), np.full(s.size, a[1]), np.full(s.size, az), s)
    _, _, d = GEOD.inv(np.full(s.size, p[0]), np.full(s.size, p[1]), lon, lat)
    return float(np.min(d)) / 1000.0


@pytest.mark.parametrize(
    ("p", "a", "b"),
    [
        (PERTH, JFK, LHR),  # nearest: London, 14,499 km (the old answer: 18,712)
        (km_from(km_from(VKO, 135.0, 900.0), 45.0, 10_000.0), VKO, GYD),
        (km_from(km_from(VKO, 135.0, 900.0), 225.0, 10_000.0), VKO, GYD),
        (PERTH, LHR, JFK),
    ],
)
def test_a_point_far_off_the_route(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> None:
    got = float(offtrack_km(p[0], p[1], a[0], a[1], b[0], b[1])[0])
    assert got == pytest.approx(dense_offtrack_km(p, a, b), abs=0.2)
    assert got > 3000.0


def test_an_unclaimed_leg_has_its_facts() -> None:
    """Spec: a leg from Vnukovo to Baku by way of a point 400 km east of the great circle's
    middle; nobody claims it."""
    mid = along(VKO, GYD, [0.5])
    via = km_from((float(mid[0][0]), float(mid[1][0])), float(mid[2][0]) + 90.0, 400.0)
    one = flight(VKO, via, minutes=80, n=100)
    two = flight(via, GYD, t0=float(one.t[-2]) + 47.0, minutes=80, n=100)
    (leg,) = legs_of(concat(one.take(np.r_[0:101]), two.take(np.r_[1:102])))
    facts = leg_facts(leg)
    assert facts.great_circle_km == pytest.approx(1926, abs=10)
    assert facts.max_offtrack_km == pytest.approx(400, abs=15)
    assert facts.detour_ratio is not None and 1.05 < facts.detour_ratio < 1.3
    percent = round((facts.detour_ratio - 1) * 100)
    event = leg_event(leg)
    assert f"{percent} % farther than the great circle between its ends" in event.notes
    assert "took off 2025-03-13T" in event.notes and "from UUWW" in event.notes
    assert f"up to {facts.max_offtrack_km:,.0f} km off it" in event.notes


def test_one_rounding_rule_for_a_legs_times() -> None:
    """Spec: a track seen first at 32,000 ft at 22:54:59.6: its id, its event and a
    claim's comparison all say 22:55:00."""
    fixes = flight(ground_ends=False, start_ft=32000, t0=T0 + 59.6)
    (leg,) = legs_of(fixes)
    assert leg.id == "track-a0b1c2-20250313T2255Z"
    assert leg_event(leg).start_utc == datetime(2025, 3, 13, 22, 55, tzinfo=UTC)
    assert compare(claim(T0, T0 + 9000), leg).takeoff_utc == datetime(
        2025, 3, 13, 22, 55, tzinfo=UTC
    )


# ---------------------------------------------------------------- issue 27


def test_a_leg_is_simplified_once_however_many_events_use_it(monkeypatch) -> None:
    import sys

    link_module = sys.modules["geo.tracks.link"]

    seen: list[int] = []
    real = link_module.simplify_many

    def counting(legs, tolerance_m=100.0):  # type: ignore[no-untyped-def]
        seen.append(len(legs))
        return real(legs, tolerance_m)

    monkeypatch.setattr(link_module, "simplify_many", counting)
    tracks = track_set([readsb_trace(flight())])
    events = [claim(T0, T0 + 156 * 60, event_id=f"claim-{k}") for k in range(50)]
    out = link(events, tracks)
    assert seen == [1]
    assert all(e.recorded is not None for e in out)
    assert len({id(e.recorded.drawn) for e in out if e.recorded is not None}) == 1


def test_generated_leg_ids_never_take_a_given_id() -> None:
    tracks = track_set([readsb_trace(flight())])
    (leg,) = tracks.legs
    given = claim(T0, T0 + 60, aircraft="someone else", event_id=leg.id)
    out = link([given], tracks)
    assert [e.id for e in out] == [leg.id, leg.id + "-2"]
    assert [e.id for e in leg_events([leg, leg], taken=[leg.id + "-2"])] == [
        leg.id,
        leg.id + "-3",
    ]


def test_a_leg_longer_than_a_day_is_not_one_flight() -> None:
    """Spec: a fix every 4 min for 473 h at 30,000 ft, moving 7 km between fixes eastwards
    along 50° N: continuously covered, never on the ground."""
    n = 473 * 15
    lon = (np.arange(n) * 0.1 + 180.0) % 360.0 - 180.0
    fixes = Fixes(
        T0 + np.arange(n) * 240.0,
        np.full(n, 50.0),
        lon,
        np.full(n, 30000.0),
        np.zeros(n, np.bool_),
        np.full(n, 57.0),
        np.full(n, 90.0),
        np.zeros(n, np.int64),
        [None] * n,
    )
    tracks = track_set([readsb_trace(fixes)])
    assert tracks.legs == ()
    assert any(
        "473 h continuously airborne" in note and "longer than 24 h" in note
        for note in tracks.notes
    )


def test_the_largest_offtrack_is_the_exact_one() -> None:
    """max_offtrack_km (the sphere picks the candidates, WGS84 measures them) equals the
    largest offtrack_km of every point, for short and long routes and points anywhere."""
    rng = np.random.default_rng(1)
    for k in range(300):
        lat1, lat2 = rng.uniform(-80, 80, 2)
        lon1, lon2 = rng.uniform(-180, 180, 2)
        if k % 3 == 0:  # a short route, points near it
            lat2, lon2 = lat1 + rng.uniform(-5, 5), lon1 + rng.uniform(-5, 5)
            p_lat = np.clip(lat1 + rng.uniform(-8, 8, 50), -89, 89)
            p_lon = lon1 + rng.uniform(-8, 8, 50)
        else:
            p_lat, p_lon = rng.uniform(-89, 89, 50), rng.uniform(-180, 180, 50)
        every = float(np.max(offtrack_km(p_lon, p_lat, lon1, lat1, lon2, lat2)))
        assert max_offtrack_km(p_lon, p_lat, lon1, lat1, lon2, lat2) == pytest.approx(
            every, abs=1e-6
        )


def test_the_largest_offtrack_among_nearly_equal_offsets() -> None:
    """Points at nearly the same offset (within 1 %) along routes up to 15,000 km, where the
    sphere's great circle strays from the geodesic by tens of km: still the exact largest."""
    rng = np.random.default_rng(5)
    for _ in range(150):
        lat1, lon1, az = rng.uniform(-75, 75), rng.uniform(-180, 180), rng.uniform(0, 360)
        length, off = rng.uniform(100e3, 15000e3), 10 ** rng.uniform(3, 6.5)
        lon2, lat2, _ = GEOD.fwd(lon1, lat1, az, length)
        f = rng.uniform(-0.1, 1.1, 60)
        b_lon, b_lat, b_az = GEOD.fwd(
            np.full(60, lon1), np.full(60, lat1), np.full(60, az), f * length
        )
        o = off * (1 + rng.uniform(-0.01, 0.01, 60)) * rng.choice([-1, 1], 60)
        p_lon, p_lat, _ = GEOD.fwd(b_lon, b_lat, b_az + 90, o)
        every = float(np.max(offtrack_km(p_lon, p_lat, lon1, lat1, lon2, lat2)))
        assert max_offtrack_km(p_lon, p_lat, lon1, lat1, lon2, lat2) == pytest.approx(
            every, abs=1e-6
        )


def test_an_unclaimed_legs_facts_are_measured_once_and_shown(monkeypatch) -> None:
    import sys

    compare_module = sys.modules["geo.tracks.compare"]
    calls: list[int] = []
    real = compare_module.leg_facts

    def counting(leg):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(leg)

    monkeypatch.setattr(compare_module, "leg_facts", counting)
    monkeypatch.setattr(sys.modules["geo.tracks.link"], "leg_facts", counting)
    (own,) = link([], track_set([readsb_trace(flight())]))
    recorded = own.recorded
    assert recorded is not None and recorded.facts is not None
    for _ in range(3):  # the popup, the panel, the exports: no new measurement
        assert recorded.clauses()[1].startswith("recorded 1,926 km")
    assert calls == [1]


def test_a_kml_clamped_to_the_ground_still_has_its_flight() -> None:
    """Spec: the taxi and flight of ``taxi_flight`` as a KML path with every altitude 0
    (clamped to the ground): speed alone decides, the flight is still there."""
    fixes, _ = taxi_flight()
    fixes.ground[:] = True  # the writer puts 0 for ground fixes: every coordinate at 0
    (trace,) = read_track_file(("f.kml", kml([("AZG123", fixes)])))
    assert not np.any(trace.alt_ft)
    (leg,) = split_legs(trace).legs
    assert (leg.origin.code, leg.destination.code) == ("UUWW", "UBBB")
    assert abs(leg.takeoff_utc.timestamp() - T0) <= 60.0
