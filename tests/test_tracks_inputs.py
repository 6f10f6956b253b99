"""What the readers pass on and keep: the vertical rate every format that has one carries to
the liftoff and touchdown estimates, the identity rule (ICAO address, else registration, else
callsign), and a file of bad rows held in bounded memory.

Built from the written specification of each format (see ``test_tracks_fixtures``), not
from a recording."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from geo.tracks import read_track_file, split_legs
from tests.test_tracks_fixtures import GYD, T0, VKO, Fixes, flight, iso, readsb_rows

UUWW_FT = 685.0  # Vnukovo's elevation in airportsdata
UBBB_FT = 10.0  # Baku's
SPACING_S = 156.0 * 60.0 / 199.0  # between airborne fixes of flight()
CLIMB_FT = 400.0  # the first airborne fix's height above the field


def climbing_flight() -> Fixes:
    """VKO to GYD with ground fixes at both ends; the first airborne fix 400 ft above
    Vnukovo climbing 940 ft to the next, the last 400 ft above Baku after descending 940 ft:
    by altitude alone the climb and the descent are 940 ft per 47 s = 20 ft/s."""
    fixes = flight(VKO, GYD)
    alt = fixes.alt_ft.copy()
    alt[1], alt[2] = UUWW_FT + CLIMB_FT, UUWW_FT + CLIMB_FT + 940.0
    alt[-2], alt[-3] = UBBB_FT + CLIMB_FT, UBBB_FT + CLIMB_FT + 940.0
    return fixes.with_values(alt_ft=alt)


def readsb_with_rates(fixes: Fixes, rates: dict[int, float], *, geometric: bool) -> bytes:
    """A trace_full_<hex>.json whose rows ``k`` carry ``rates[k]`` ft/min as the
    ``vertical_rate`` (row[7]) or, with the vertical rate null, as ``geom_rate`` (row[11])."""
    base = float(fixes.t[0])
    rows = readsb_rows(fixes, base)
    for k, rate in rates.items():
        if geometric:
            rows[k][7], rows[k][11] = None, rate
        else:
            rows[k][7] = rate
    doc = {"icao": "a0b1c2", "r": "N103WG", "t": "GLF6", "timestamp": base, "trace": rows}
    return json.dumps(doc).encode()


def fixes_csv_with_rates(fixes: Fixes, rates: dict[int, float]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["time", "lat", "lon", "altitude_ft", "speed_kt", "on_ground", "vrate_fpm", "icao24"]
    )
    for k in range(len(fixes)):
        alt = "" if np.isnan(fixes.alt_ft[k]) else f"{fixes.alt_ft[k]:.0f}"
        writer.writerow(
            [
                iso(float(fixes.t[k])),
                f"{fixes.lat[k]:.6f}",
                f"{fixes.lon[k]:.6f}",
                alt,
                f"{fixes.gs_kt[k]:.0f}",
                "true" if fixes.ground[k] else "false",
                f"{rates[k]:.0f}" if k in rates else "",
                "a0b1c2",
            ]
        )
    return out.getvalue().encode()


# --------------------------------------------------------------------------- vertical rate

# 2,400 ft/min = 40 ft/s: 400 ft above the field is 10 s after liftoff (20 s by altitude)
RATES = {1: 2400.0, -2: -2400.0}


def _ends(data: bytes, name: str) -> tuple[float, float]:
    (trace,) = read_track_file((name, data))
    (leg,) = split_legs(trace).legs
    assert (leg.origin.code, leg.destination.code) == ("UUWW", "UBBB")
    return leg.takeoff_t, leg.landing_t


def test_without_a_vertical_rate_the_estimate_follows_the_altitudes() -> None:
    fixes = climbing_flight()
    takeoff, landing = _ends(readsb_with_rates(fixes, {}, geometric=False), "a.json")
    assert takeoff == pytest.approx(T0 - CLIMB_FT / (940.0 / SPACING_S), abs=0.01)
    assert landing == pytest.approx(float(fixes.t[-2]) + CLIMB_FT / (940.0 / SPACING_S), abs=0.01)


@pytest.mark.parametrize("geometric", [False, True], ids=["vertical_rate", "geom_rate"])
def test_a_readsb_vertical_rate_sets_liftoff_and_touchdown(geometric: bool) -> None:
    fixes = climbing_flight()
    n = len(fixes)
    rates = {k % n: rate for k, rate in RATES.items()}
    data = readsb_with_rates(fixes, rates, geometric=geometric)
    (trace,) = read_track_file(("trace_full_a0b1c2.json", data))
    assert trace.vrate_fpm is not None
    assert trace.vrate_fpm[1] == 2400.0 and trace.vrate_fpm[-2] == -2400.0
    takeoff, landing = _ends(data, "trace_full_a0b1c2.json")
    assert takeoff == pytest.approx(T0 - 10.0, abs=0.01)
    assert landing == pytest.approx(float(fixes.t[-2]) + 10.0, abs=0.01)


def test_a_fixes_csv_vertical_rate_sets_liftoff_and_touchdown() -> None:
    fixes = climbing_flight()
    n = len(fixes)
    data = fixes_csv_with_rates(fixes, {k % n: rate for k, rate in RATES.items()})
    takeoff, landing = _ends(data, "fixes.csv")
    assert takeoff == pytest.approx(T0 - 10.0, abs=0.01)
    assert landing == pytest.approx(float(fixes.t[-2]) + 10.0, abs=0.01)


def test_a_vertical_rate_that_is_not_a_rate_is_a_problem() -> None:
    from geo.model import DataError

    fixes = climbing_flight()
    data = readsb_with_rates(fixes, {3: "fast", 4: 1e9}, geometric=False)  # type: ignore[dict-item]
    with pytest.raises(DataError) as info:
        read_track_file(("t.json", data))
    messages = [p.message for p in info.value.problems]
    assert messages == [
        'vertical rate "fast" is not a number or null',
        "vertical rate 1000000000 ft/min is outside -100,000..100,000 ft/min",
    ]


# --------------------------------------------------------------------------- identity


def plain_csv(parts: list[tuple[str, Fixes]], *, every_row: bool = True) -> bytes:
    """A fixes CSV without icao24 or registration: each part's fixes under its callsign
    (on every row, or only where the part's fixes carry one), rows in time order."""
    rows: list[tuple[float, list[str]]] = []
    for callsign, fixes in parts:
        for k in range(len(fixes)):
            named = callsign if every_row or fixes.callsign[k] else ""
            alt = "0" if fixes.ground[k] else f"{fixes.alt_ft[k]:.0f}"
            cells = [f"{fixes.t[k]:.3f}", f"{fixes.lat[k]:.6f}", f"{fixes.lon[k]:.6f}", alt]
            rows.append((float(fixes.t[k]), [*cells, f"{fixes.gs_kt[k]:.0f}", named]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["time", "lat", "lon", "altitude_ft", "speed_kt", "callsign"])
    writer.writerows(cells for _, cells in sorted(rows, key=lambda row: row[0]))
    return out.getvalue().encode()


def _legs(name: str, data: bytes) -> list[tuple[str, str, str, float]]:
    """(callsign, origin, destination, km flown) of every leg of every trace in the file."""
    from geo.geodesy import distance_km

    out = []
    for trace in read_track_file((name, data)):
        for leg in split_legs(trace).legs:
            lat, lon = leg.lat, leg.lon
            km = sum(
                distance_km(float(lat[k]), float(lon[k]), float(lat[k + 1]), float(lon[k + 1]))
                for k in range(len(lat) - 1)
            )
            out.append((leg.callsign, leg.origin.code, leg.destination.code, round(km)))
    return sorted(out)


def two_aircraft() -> list[tuple[str, Fixes]]:
    """VKO to GYD as AZG123 and, in the same hours, GYD to VKO as AFL456."""
    return [("AZG123", flight(VKO, GYD)), ("AFL456", flight(GYD, VKO, t0=T0 + 30.0))]


def test_an_addressless_fixes_csv_is_split_by_callsign() -> None:
    legs = _legs("two.csv", plain_csv(two_aircraft()))
    assert [leg[:3] for leg in legs] == [("AFL456", "UBBB", "UUWW"), ("AZG123", "UUWW", "UBBB")]
    # each as flown alone (VKO-GYD is about 1,926 km; the airborne part a little less), not
    # one path zig-zagging between the two
    alone = sorted(leg for part in two_aircraft() for leg in _legs("one.csv", plain_csv([part])))
    assert legs == alone
    assert [leg[3] for leg in legs] == [1865, 1865]


def test_an_addressless_kml_is_split_by_callsign() -> None:
    from tests.test_tracks_fixtures import kml

    traces = read_track_file(("two.kml", kml(two_aircraft())))
    assert [(t.callsign, len(t)) for t in traces] == [("AZG123", 202), ("AFL456", 202)]


def test_rows_without_a_callsign_stay_with_the_aircraft_before_them() -> None:
    (trace,) = read_track_file(("one.csv", plain_csv(two_aircraft()[:1], every_row=False)))
    assert len(trace) == 202 and trace.callsign == "AZG123"
    ((callsign, origin, destination, km),) = _legs("one.csv", plain_csv(two_aircraft()[:1]))
    assert (callsign, origin, destination) == ("AZG123", "UUWW", "UBBB")


def test_an_address_wins_over_the_callsign() -> None:
    fixes = flight(VKO, GYD)
    data = plain_csv([("AZG123", fixes)]).decode().splitlines()
    # the first half of the rows also name the address: one aircraft, not two
    rows = [data[0] + ",icao24"] + [
        row + (",a0b1c2" if k < len(data) // 2 else ",") for k, row in enumerate(data[1:])
    ]
    (trace,) = read_track_file(("one.csv", "\n".join(rows).encode()))
    assert trace.icao24 == "a0b1c2" and len(trace) == 202


# --------------------------------------------------------------------------- bounded memory

LONG = b"X" * 48  # a long callsign: few rows per MiB, so the test runs quickly


@pytest.mark.parametrize(
    ("name", "head", "row"),
    [
        ("bomb.csv.gz", b"time,lat,lon,callsign\n", b"0,0,0," + LONG + b"\n"),
        (
            "bomb-fr24.csv.gz",
            b"Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n",
            b"0,," + LONG + b',"0,0",0,0,0\n',
        ),
    ],
    ids=["fixes", "fr24"],
)
def test_a_16_mib_bomb_of_bad_rows_is_read_in_bounded_memory(
    name: str, head: bytes, row: bytes
) -> None:
    """Every row's time is 1970: a problem per row. Only the first MAX_PROBLEMS are kept,
    and once the file is known to be bad its rows are checked part by part, not kept (the
    whole file as rows held about 400 bytes per 60-byte row: 16 MiB -> over 100 MB)."""
    import gzip
    import tracemalloc

    from geo.model import Problem
    from geo.tracks import read_track_bytes
    from geo.tracks._common import MAX_PROBLEMS

    rows = 16 * 2**20 // len(row) + 1
    bomb = gzip.compress(head + row * rows, compresslevel=9)
    assert len(bomb) < 64_000  # a small upload
    tracemalloc.start()
    try:
        found: list[Problem] = []
        assert read_track_bytes(bomb, name, found) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    assert len(found) == MAX_PROBLEMS + 1
    assert found[0].message.startswith("time 0 (Unix seconds) is not between 1990 and 2100")
    assert found[-1].message.startswith(f"{rows - MAX_PROBLEMS:,} more problems not listed")


# --------------------------------------------------------------------------- OpenSky

OPENSKY_HEADER = (
    "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
    "baroaltitude,geoaltitude,lastposupdate,lastcontact,hour"
)


def opensky_csv(fixes: Fixes, rates: dict[int, float], *, icao: str = "a0b1c2") -> list[str]:
    """State vectors as OpenSky writes them (SI units; a row without a position every
    other fix, as OpenSky keeps one every 10 s while it hears no position)."""
    rows = []
    for k in range(len(fixes)):
        t = float(fixes.t[k])
        alt = "" if np.isnan(fixes.alt_ft[k]) else f"{fixes.alt_ft[k] * 0.3048:.2f}"
        rate = f"{rates[k] * 0.3048 / 60.0:.6f}" if k in rates else ""
        ground = "true" if fixes.ground[k] else "false"
        speed = f"{fixes.gs_kt[k] * 1852.0 / 3600.0:.4f}"
        hour = int(t // 3600 * 3600)
        rows.append(
            f"{t + 0.4:.0f},{icao},{fixes.lat[k]:.6f},{fixes.lon[k]:.6f},{speed},"
            f"{fixes.track_deg[k]:.1f},{rate},AZG123  ,{ground},false,false,1234,{alt},,"
            f"{t:.3f},{t + 0.4:.3f},{hour}"
        )
        rows.append(f"{t + 5:.0f},{icao},,,,,,AZG123  ,{ground},false,false,1234,,,,,{hour}")
    return rows


def test_an_opensky_state_vector_csv_is_read_in_its_units_with_its_vertical_rate() -> None:
    fixes = climbing_flight()
    n = len(fixes)
    other = flight(GYD, VKO, t0=T0 + 30.0)
    rows = opensky_csv(fixes, {k % n: rate for k, rate in RATES.items()})
    rows += opensky_csv(other, {}, icao="4b1805")
    rows.sort(key=lambda row: int(row.split(",", 1)[0]))  # by time, the aircraft interleaved
    data = (OPENSKY_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    first, second = read_track_file(("states.csv", data))
    assert (first.format, first.icao24, first.callsign, len(first)) == (
        "opensky",
        "a0b1c2",
        "AZG123",
        n,
    )
    assert second.icao24 == "4b1805" and len(second) == len(other)
    assert first.alt_ft[1] == pytest.approx(UUWW_FT + CLIMB_FT, abs=0.02)
    assert first.gs_kt[5] == pytest.approx(fixes.gs_kt[5], abs=1e-3)
    assert first.vrate_fpm is not None and first.vrate_fpm[1] == pytest.approx(2400.0)
    (leg,) = split_legs(first).legs
    assert (leg.origin.code, leg.destination.code) == ("UUWW", "UBBB")
    assert leg.takeoff_t == pytest.approx(T0 - 10.0, abs=0.01)
    assert leg.landing_t == pytest.approx(float(fixes.t[-2]) + 10.0, abs=0.01)


def test_a_bad_opensky_row_is_named_by_its_line_and_column() -> None:
    from geo.model import DataError

    data = (
        OPENSKY_HEADER + "\n"
        "1741906452,a0b1c2,55.59,37.26,6.2,245.0,0.0,AZG123,true,false,false,1234,"
        "182.88,,1741906451.9,1741906452.0,1741906800\n"
        "1741906462,zz,55.59,37.26,6.2,245.0,abc,AZG123,maybe,false,false,1234,"
        "182.88,,1741906461.9,1741906462.0,1741906800\n"
    ).encode()
    with pytest.raises(DataError) as info:
        read_track_file(("states.csv", data))
    assert [str(p) for p in info.value.problems] == [
        "states.csv:3: vertrate: vertical rate 'abc' is not a number",
        "states.csv:3: icao24: icao24 'zz' is not a 24-bit address in hex (like a0b1c2)",
        "states.csv:3: onground: 'maybe' is not true, false, 1, 0 or empty",
    ]


def test_the_lines_of_a_readsb_problem_are_found_in_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Naming the line of a bad point searched a Python list of the file's line starts once
    per point, converting it to an array each time: 1 MiB of rows took 182 s. The work (list
    items converted) must stay linear in the rows."""
    import geo.tracks.readsb as readsb_module
    from geo.model import DataError

    converted = [0]
    search = np.searchsorted

    def counting(a: object, v: object, *args: object, **kwargs: object) -> object:
        if isinstance(a, list):
            converted[0] += len(a)
        return search(a, v, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(readsb_module.np, "searchsorted", counting)
    rows = 20_000
    head = '{"icao":"a0b1c2","timestamp":1741906452,"trace":[\n'
    body = ",\n".join(f"[{k},55.5,37.2,1000,200,90,0]" for k in range(rows - 1))
    data = (head + body + ',\n[1,55.5,37.2,"high",200,90,0]\n]}\n').encode()
    with pytest.raises(DataError) as info:
        read_track_file(("t.json", data))
    assert [str(p) for p in info.value.problems] == [
        f't.json:{rows + 1}: point {rows - 1}: altitude "high" is not a number, "ground" or null'
    ]
    assert converted[0] <= 10 * rows
