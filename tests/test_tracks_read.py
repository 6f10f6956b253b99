"""Reading track files: the four formats, gzip by magic bytes, fixes merged and sorted, and
every broken file reported as FILE:LINE: column: message, never a traceback."""

from __future__ import annotations

import gzip
import json
import math
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.io import MAX_BYTES
from geo.model import DataError
from geo.tracks import FileSource, Trace, load_tracks, read_track_file
from tests.test_tracks_fixtures import (
    GYD,
    T0,
    VKO,
    concat,
    fixes_csv,
    flight,
    fr24_csv,
    kml,
    readsb_json,
)


def read_one(name: str, data: bytes) -> Trace:
    traces = read_track_file((name, data))
    assert len(traces) == 1
    return traces[0]


def problems(name: str, data: bytes) -> list[str]:
    with pytest.raises(DataError) as info:
        read_track_file((name, data))
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- the formats


def test_readsb_trace() -> None:
    fixes = flight(n=50)
    trace = read_one(
        "trace_full_a0b1c2.json", readsb_json(fixes, icao="A0B1C2", registration="n103wg")
    )
    assert trace.format == "readsb"
    assert (trace.icao24, trace.registration, trace.aircraft_type) == ("a0b1c2", "N103WG", "GLF6")
    assert trace.callsign == "AZG123"  # padded with spaces in the file
    assert len(trace) == 52 and trace.duplicates == trace.reordered == 0
    assert trace.on_ground[0] and trace.on_ground[-1] and not trace.on_ground[1:-1].any()
    assert np.isnan(trace.alt_ft[0])  # "ground" has no altitude
    assert trace.t[1] == pytest.approx(T0, abs=0.01)
    assert (trace.lon[0], trace.lat[0]) == VKO
    assert trace.gs_kt[1] > 300 and 0 <= trace.track_deg[1] < 360
    assert not trace.outlier.any() and not trace.t.flags.writeable


def test_readsb_flags_and_non_icao_address() -> None:
    fixes = flight(n=10, ground_ends=False)
    fixes.flags[4] = 2 | 1 | 8
    trace = read_one("t.json", readsb_json(fixes, icao="~2a3b4c", registration=None))
    assert trace.icao24 == "2a3b4c" and trace.non_icao and trace.registration == ""
    assert trace.new_leg.tolist() == [k == 4 for k in range(10)]
    assert trace.stale.tolist() == [k == 4 for k in range(10)]


def test_readsb_short_rows_and_nulls() -> None:
    doc = {
        "icao": "a0b1c2",
        "timestamp": T0,
        "trace": [[0, 55.0, 37.0, None, None, None, 0], [10.5, 55.01, 37.01, 1000, 250.0, 90.0, 0]],
    }
    trace = read_one("t.json", json.dumps(doc).encode())
    assert np.isnan(trace.alt_ft[0]) and np.isnan(trace.gs_kt[0]) and np.isnan(trace.track_deg[0])
    assert trace.t.tolist() == [T0, T0 + 10.5]
    assert trace.callsign == "" and trace.registration == ""


def test_fr24_csv() -> None:
    fixes = flight(n=40)
    trace = read_one("AZG123_3a1b2c3d.csv", fr24_csv(fixes))
    assert trace.format == "fr24" and trace.callsign == "AZG123" and trace.icao24 == ""
    assert trace.on_ground[0] and trace.on_ground[-1]  # altitude 0
    assert trace.lat[0] == pytest.approx(VKO[1]) and trace.lon[-1] == pytest.approx(GYD[0])
    assert trace.alt_ft[20] == pytest.approx(round(fixes.alt_ft[20]))


def test_fr24_time_from_utc_when_timestamp_is_empty() -> None:
    text = (
        "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
        ',2025-03-13T22:54:12Z,AZG123,"55.5915,37.2615",0,12,245\n'
        '1741906512,2025-03-13T22:55:12Z,AZG123,"55.5800,37.2400",900,150,245\n'
    )
    trace = read_one("fr24.csv", text.encode())
    assert trace.t.tolist() == [1741906452.0, 1741906512.0]


def test_kml_tracks_in_metres() -> None:
    first = flight(n=30)
    second = flight(GYD, VKO, t0=T0 + 6 * 3600, n=30, callsign="AZG124")
    # no address: two callsigns are two aircraft (the identity rule), one trace each
    trace, other = read_track_file(("flight.kml", kml([("AZG123", first), ("AZG124", second)])))
    assert trace.format == "kml" and len(trace) == 32 and len(other) == 32
    assert trace.alt_ft[10] == pytest.approx(first.alt_ft[9], abs=0.5)  # metres -> feet
    assert (trace.callsigns, other.callsigns) == (("AZG123",), ("AZG124",))


def test_kml_placemark_name_that_is_not_a_callsign_is_ignored() -> None:
    trace = read_one("f.kml", kml([("Route", flight(n=5))]))
    assert trace.callsign == ""


def test_plain_csv_iso_and_unix_times() -> None:
    fixes = flight(n=20)
    by_iso = read_one("fixes.csv", fixes_csv(fixes))
    by_unix = read_one("fixes.csv", fixes_csv(fixes, unix=True))
    assert by_iso.format == "csv" and by_iso.registration == "N103WG" and by_iso.icao24 == "a0b1c2"
    np.testing.assert_allclose(by_iso.t, np.round(fixes.t), atol=0)
    np.testing.assert_allclose(by_unix.t, np.round(fixes.t * 1000) / 1000)
    text = "time,lat,lon\n2025-03-14T01:54:12+03:00,55.5915,37.2615\n1741906512,55.6,37.3\n"
    assert read_one("mixed.csv", text.encode()).t.tolist() == [1741906452.0, 1741906512.0]


def test_plain_csv_holds_several_aircraft() -> None:
    text = (
        "time,lat,lon,registration,icao24\n"
        "2025-03-13T22:54:12Z,55.5,37.2,N103WG,a0b1c2\n"
        "2025-03-13T22:54:12Z,40.4,50.0,RA-96022,~123abc\n"
        "2025-03-13T22:55:12Z,55.6,37.3,N103WG,a0b1c2\n"
    )
    traces = read_track_file(("two.csv", text.encode()))
    assert [(t.registration, t.icao24, t.non_icao, len(t)) for t in traces] == [
        ("N103WG", "a0b1c2", False, 2),
        ("RA-96022", "123abc", True, 1),
    ]


# --------------------------------------------------------------------------- gzip


@pytest.mark.parametrize("name", ["trace_full_a0b1c2.json", "plain.csv", "no_extension", "x.kml"])
def test_gzip_is_told_by_magic_bytes_not_the_name(name: str, tmp_path: Path) -> None:
    fixes = flight(n=12)
    for data in (readsb_json(fixes), fr24_csv(fixes), kml([("AZG123", fixes)]), fixes_csv(fixes)):
        plain = read_one(name, data)
        path = tmp_path / name
        path.write_bytes(gzip.compress(data))
        (packed,) = read_track_file(path)
        assert packed.format == plain.format and packed.source == str(path)
        np.testing.assert_array_equal(packed.t, plain.t)
        np.testing.assert_array_equal(packed.lat, plain.lat)


def test_gzip_with_several_members() -> None:
    data = fixes_csv(flight(n=10))
    head, tail = data[:100], data[100:]
    trace = read_one("two_members.csv", gzip.compress(head) + gzip.compress(tail))
    assert len(trace) == 12


# --------------------------------------------------------------------------- merged, sorted


def test_duplicates_merged_and_out_of_order_sorted() -> None:
    fixes = flight(n=20, ground_ends=False)
    order = list(range(20))
    order[5], order[6] = order[6], order[5]  # fix 5 now comes after a later fix (6)
    order[12], order[15] = order[15], order[12]  # 13, 14 and 12 come after 15
    shuffled = fixes.take(order)
    dup = fixes.take([8, 8, 8])
    dup.alt_ft[0] = np.nan  # the first copy has no altitude: filled from the second
    dup.lat[1:] += 0.001  # later copies disagree: the first copy's position wins
    trace = read_one("t.json", readsb_json(concat(shuffled, dup), base=float(fixes.t[0])))
    assert len(trace) == 20
    assert np.all(np.diff(trace.t) > 0)
    assert trace.duplicates == 3
    assert trace.reordered == 1 + 3 + 3  # and the three copies of fix 8 at the end
    k = int(np.argmin(np.abs(trace.t - fixes.t[8])))
    assert trace.lat[k] == pytest.approx(fixes.lat[8], abs=1e-6)
    assert trace.alt_ft[k] == round(fixes.alt_ft[8])
    assert trace.notes == (
        "3 duplicate fixes (same time as another) merged",
        "7 out-of-order fixes sorted into time order",
    )


def test_duplicate_in_the_file_is_merged_with_its_first_copy() -> None:
    fixes = flight(n=6, ground_ends=False)
    copies = fixes.take([0, 1, 2, 2, 3, 4, 5])
    copies.alt_ft[2] = np.nan
    trace = read_one("t.json", readsb_json(copies))
    assert len(trace) == 6 and trace.duplicates == 1 and trace.reordered == 0
    assert trace.alt_ft[2] == round(fixes.alt_ft[2])


# --------------------------------------------------------------------------- broken files


def lines_of_readsb(point: int) -> int:
    """The line of trace point N in readsb_json's multi-line layout."""
    return 6 + point  # {"icao", "r", "t", "timestamp", "trace":[ then one row per line


def with_row(data: bytes, k: int, column: int, value: object) -> bytes:
    doc = json.loads(data)
    doc["trace"][k][column] = value
    return json.dumps(doc).encode()


GOOD = readsb_json(flight(n=30))


BROKEN: list[tuple[str, bytes, list[str]]] = [
    (
        "latitude out of range, one line",
        with_row(GOOD, 17, 1, 95),
        ["trace.json:1: point 17: latitude 95 is outside -90..90"],
    ),
    (
        "latitude out of range, readsb's layout",
        GOOD.replace(
            b"[" + json.dumps(json.loads(GOOD)["trace"][17])[1:].encode(),
            b"["
            + json.dumps(
                [json.loads(GOOD)["trace"][17][0], 95.0] + json.loads(GOOD)["trace"][17][2:]
            )[1:].encode(),
        ),
        [f"trace.json:{lines_of_readsb(17)}: point 17: latitude 95 is outside -90..90"],
    ),
    (
        "truncated JSON",
        GOOD[: GOOD.index(b"\n", 400)],
        ["trace.json:8: file: not valid JSON: Expecting value (column 101)"],
    ),
    (
        "wrong types",
        with_row(with_row(with_row(GOOD, 1, 1, "55.1"), 2, 6, True), 3, 3, "high"),
        [
            'trace.json:1: point 1: latitude "55.1" is not a number',
            "trace.json:1: point 2: flags true is not a bitfield (an integer 0..2^31)",
            'trace.json:1: point 3: altitude "high" is not a number, "ground" or null',
        ],
    ),
    (
        "NaN and huge numbers",
        with_row(with_row(with_row(GOOD, 4, 2, math.nan), 5, 1, 10**400), 6, 4, 1e300).replace(
            b"1e+300", b"1e400"
        ),
        [
            "trace.json:1: point 4: longitude NaN is not a finite number",
            "trace.json:1: point 5: latitude 1000000000000000000000000000000000000... "
            "(401 characters) is too large",
            "trace.json:1: point 6: ground speed infinity is not a finite number",
        ],
    ),
    (
        "altitude and speed out of range",
        with_row(with_row(GOOD, 7, 3, 250000), 8, 4, -5),
        [
            "trace.json:1: point 7: altitude 250000 ft is outside -2,000..130,000 ft",
            "trace.json:1: point 8: ground speed -5 kt is outside 0..4,000 kt",
        ],
    ),
    (
        "a row too short and a row that is not an array",
        json.dumps({**json.loads(GOOD), "trace": [[0, 55, 37], {"lat": 55}]}).encode(),
        [
            "trace.json:1: point 0: expected an array [seconds, lat, lon, altitude, speed, "
            "track, flags, ...] of at least 7 values, got 3 values",
            "trace.json:1: point 1: expected an array [seconds, lat, lon, altitude, speed, "
            'track, flags, ...] of at least 7 values, got {"lat": 55}',
        ],
    ),
    (
        "no address, bad timestamp",
        json.dumps({"timestamp": "yesterday", "trace": []}).encode(),
        [
            'trace.json:1: icao: missing; the aircraft\'s 24-bit address in hex, like "a0b1c2"',
            'trace.json:1: timestamp: "yesterday" is not a number',
        ],
    ),
    (
        "time before 1990",
        json.dumps({"icao": "a0b1c2", "timestamp": 12, "trace": []}).encode(),
        ["trace.json:1: timestamp: time 12 (Unix seconds) is not between 1990 and 2100"],
    ),
    (
        "JSON that is not a trace",
        b"[1, 2, 3]",
        [
            "trace.json:1: file: JSON, but not a readsb/tar1090 trace: expected an object "
            "with 'icao', 'timestamp' and 'trace' (a trace_full_<hex>.json)"
        ],
    ),
    (
        "truncated gzip",
        gzip.compress(GOOD)[:200],
        ["trace.json:1: file: gzip data is truncated (the file ends before the stream does)"],
    ),
    (
        "corrupt gzip",
        b"\x1f\x8b\x08\x00" + b"\xff" * 40,
        [
            "trace.json:1: file: not valid gzip data (Error -3 while decompressing data: "
            "invalid block type)"
        ],
    ),
    (
        "random bytes",
        bytes(range(256)),
        [
            "trace.json:1: file: binary data (NUL byte); expected a "
            "readsb/tar1090 trace (JSON), a Flightradar24 CSV (Timestamp,UTC,Callsign,"
            "Position,Altitude,Speed,Direction), a KML with gx:Track, an OpenSky state-vector "
            "CSV (time,icao24,lat,lon,velocity,heading,vertrate,...), or a CSV of fixes "
            "(time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24)"
        ],
    ),
    (
        "empty",
        b"  \n",
        [
            "trace.json:1: file: file is empty; expected a readsb/tar1090 trace (JSON), a "
            "Flightradar24 CSV (Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction), "
            "a KML with gx:Track, an OpenSky state-vector CSV (time,icao24,lat,lon,velocity,"
            "heading,vertrate,...), or a CSV of fixes (time,lat,lon,altitude_ft,speed_kt,"
            "callsign,registration,icao24)"
        ],
    ),
    (
        "naive, date-only and unreadable times",
        b"time,lat,lon\n2025-03-13T22:54:12,55,37\n2025-03-13,55,37\nsoon,55,37\n",
        [
            "trace.json:2: time: '2025-03-13T22:54:12' has no UTC offset; times must be "
            "UTC-aware (end it with Z or +00:00)",
            "trace.json:3: time: '2025-03-13' has no UTC offset; times must be UTC-aware "
            "(end it with Z or +00:00)",
            "trace.json:4: time: 'soon' is not a time (ISO 8601 with an offset, like "
            "2025-03-13T22:54:12Z, or Unix seconds)",
        ],
    ),
    (
        "plain CSV: bad cells and a ragged row",
        b"time,lat,lon,altitude_ft,icao24\n"
        b"2025-03-13T22:54:12Z,north,37,,a0b1c2\n"
        b"2025-03-13T22:55:12Z,55,,35000,a0b1\n"
        b"2025-03-13T22:56:12Z,55,37\n",
        [
            "trace.json:2: lat: latitude 'north' is not a number",
            "trace.json:3: lon: longitude is empty",
            "trace.json:3: icao24: 'a0b1' is not a 24-bit address in hex (like a0b1c2)",
            "trace.json:4: row: has 3 fields, the header has 5 (an unquoted comma, or a "
            "missing field?)",
        ],
    ),
    (
        "plain CSV: header",
        b"time,lat,lng,alt\n2025-03-13T22:54:12Z,55,37,100\n",
        [
            "trace.json:1: header: missing column 'lon'; expected time,lat,lon,altitude_ft,"
            "speed_kt,callsign,registration,icao24",
            "trace.json:1: lng: unexpected column 'lng' (did you mean 'lon'?); expected "
            "time,lat,lon,altitude_ft,speed_kt,callsign,registration,icao24",
            "trace.json:1: alt: unexpected column 'alt' (did you mean 'lat'?); expected "
            "time,lat,lon,altitude_ft,"
            "speed_kt,callsign,registration,icao24",
        ],
    ),
    (
        "Flightradar24: position and disagreeing times",
        b"Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
        b'1741906452,2025-03-13T22:54:12Z,AZG123,"55.5915",0,12,245\n'
        b'1741906512,2025-03-13T23:00:12Z,AZG123,"55.58,37.24",900,150,400\n',
        [
            "trace.json:2: Position: '55.5915' is not \"lat,lon\"",
            "trace.json:3: UTC: '2025-03-13T23:00:12Z' disagrees with Timestamp 1741906512 "
            "by 300 s",
            "trace.json:3: Direction: direction 400 degrees is outside 0..360 degrees",
        ],
    ),
    (
        "KML with a DOCTYPE (entities)",
        kml(
            [("AZG123", flight(n=3))],
            doctype='<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n',
        ),
        [
            "trace.json:2: file: DOCTYPE and entity declarations are not allowed in a track "
            "file (they can fetch external files or expand without limit); remove the "
            "<!DOCTYPE ...>"
        ],
    ),
    (
        "KML with an external entity",
        b'<?xml version="1.0"?>\n<!DOCTYPE kml SYSTEM "file:///etc/passwd">\n<kml/>',
        [
            "trace.json:2: file: DOCTYPE and entity declarations are not allowed in a track "
            "file (they can fetch external files or expand without limit); remove the "
            "<!DOCTYPE ...>"
        ],
    ),
    (
        "KML not well-formed",
        b"<kml>\n<Document>\n<Placemark></Document></kml>",
        ["trace.json:3: file: not well-formed XML: mismatched tag (column 14)"],
    ),
    (
        "KML track with a naive time, a bad coordinate and a count mismatch",
        b'<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">\n'
        b"<Placemark><gx:Track>\n"
        b"<when>2025-03-13T22:54:12</when>\n"
        b"<when>2025-03-13T22:55:12Z</when>\n"
        b"<gx:coord>37.26 55.59 200</gx:coord>\n"
        b"<gx:coord>37.30 95.00 300</gx:coord>\n"
        b"</gx:Track></Placemark>\n"
        b"<Placemark><gx:Track>\n"
        b"<when>2025-03-13T22:56:12Z</when>\n"
        b"</gx:Track></Placemark>\n"
        b"</kml>\n",
        [
            "trace.json:3: when: '2025-03-13T22:54:12' has no UTC offset; times must be "
            "UTC-aware (end it with Z or +00:00)",
            "trace.json:6: gx:coord: latitude 95 is outside -90..90",
            "trace.json:8: gx:Track: has 1 <when> but 0 <gx:coord>; each time needs its position",
        ],
    ),
    (
        "KML altitude in metres out of range",
        b'<kml xmlns:gx="http://www.google.com/kml/ext/2.2"><Placemark><gx:Track>\n'
        b"<when>2025-03-13T22:54:12Z</when>\n<gx:coord>37.26 55.59 99999</gx:coord>\n"
        b"</gx:Track></Placemark></kml>",
        ["trace.json:3: gx:coord: altitude 99999 m is outside -610..39,624 m"],
    ),
    (
        "XML declaring an unknown encoding",
        b'<?xml version="1.0" encoding="klingon"?><kml/>',
        [
            "trace.json:1: file: the XML declaration names an unknown encoding: klingon; "
            "save the file as UTF-8"
        ],
    ),
    (
        "UTF-16",
        "time,lat,lon\n".encode("utf-16"),
        ["trace.json:1: file: UTF-16 text (a BOM FF FE / FE FF); save the file as UTF-8"],
    ),
]


@pytest.mark.parametrize(
    "data, expected", [(d, e) for _, d, e in BROKEN], ids=[case for case, _, _ in BROKEN]
)
def test_broken_file_gives_exact_problems(data: bytes, expected: list[str]) -> None:
    assert problems("trace.json", data) == expected


def test_every_file_reports_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    (folder / "day1").mkdir(parents=True)
    (folder / "day1" / "a.json").write_bytes(with_row(GOOD, 3, 1, 95))
    (folder / "b.csv").write_bytes(b"time,lat,lon\n2025-03-13T22:54:12,55,37\n")
    (folder / "good.kml").write_bytes(kml([("AZG123", flight(n=4))]))
    (folder / "README.md").write_text("not a track, not read")
    (folder / ".hidden.json").write_text("{")
    with pytest.raises(DataError) as info:
        load_tracks([folder, ("upload.json", b"{")])
    assert [str(p) for p in info.value.problems] == [
        f"{folder / 'b.csv'}:2: time: '2025-03-13T22:54:12' has no UTC offset; times must be "
        "UTC-aware (end it with Z or +00:00)",
        f"{folder / 'day1' / 'a.json'}:1: point 3: latitude 95 is outside -90..90",
        "upload.json:1: file: not valid JSON: Expecting property name enclosed in double "
        "quotes (column 2)",
    ]


def test_a_folder_of_good_files(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_bytes(gzip.compress(readsb_json(flight(n=20))))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.csv").write_bytes(fr24_csv(flight(GYD, VKO, t0=T0 + 9000, n=20)))
    tracks = load_tracks([tmp_path])
    assert [t.format for t in tracks.traces] == ["readsb", "fr24"]
    assert len(tracks.legs) == 2
    assert [t.format for t in FileSource([tmp_path]).traces()] == ["readsb", "fr24"]


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_tracks([tmp_path / "nope.json", tmp_path])
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'nope.json'}:1: file: cannot read: No such file or directory",
        f"{tmp_path}:1: file: folder holds no track files (.json, .csv, .kml, .gz)",
    ]


def test_files_over_64_mib_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: no 64 MiB written
    with pytest.raises(DataError) as info:
        read_track_file(big)
    assert [str(p) for p in info.value.problems] == [
        f"{big}:1: file: file is 67,108,865 bytes (64.0 MiB); the limit is 67,108,864 bytes "
        "(64 MiB) (split it, or filter it before loading)"
    ]
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    packed = bomb.compress(b"0" * (MAX_BYTES + 1024)) + bomb.flush()
    assert len(packed) < 1_000_000
    assert problems("bomb.csv", packed) == [
        "bomb.csv:1: file: gzip data inflates to more than 67,108,864 bytes (64 MiB); "
        "the limit applies to the content"
    ]


# --------------------------------------------------------------------------- fuzzing


def read_or_problems(data: bytes) -> None:
    """Either traces or a DataError whose every problem is one FILE:LINE: line."""
    try:
        for trace in read_track_file(("fuzz.json", data)):
            assert np.all(np.diff(trace.t) > 0)
            assert np.all(np.abs(trace.lat) <= 90) and np.all(np.abs(trace.lon) <= 180)
    except DataError as exc:
        assert exc.problems
        for p in exc.problems:
            text = str(p)
            assert text.startswith("fuzz.json:") and "\n" not in text and p.line >= 1


SAMPLES = [
    readsb_json(flight(n=8)),
    readsb_json(flight(n=8), one_line=True),
    fr24_csv(flight(n=8)),
    kml([("AZG123", flight(n=8))]),
    fixes_csv(flight(n=8)),
]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data: bytes) -> None:
    read_or_problems(data)
    read_or_problems(b"\x1f\x8b" + data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SAMPLES),
    st.booleans(),
    st.integers(0, 10_000),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4),
)
def test_fuzz_truncated_and_mutated_files(
    sample: bytes, packed: bool, cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(gzip.compress(sample) if packed else sample)
    for at, value in flips:
        data[at % len(data)] = value
    read_or_problems(bytes(data[: cut % (len(data) + 1)]))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(JSON_VALUES, min_size=0, max_size=10), max_size=6),
    JSON_VALUES,
    JSON_VALUES,
)
def test_fuzz_wrong_types_in_a_trace(rows: list[list[object]], icao: object, stamp: object) -> None:
    doc = {"icao": icao, "timestamp": stamp, "trace": rows}
    read_or_problems(json.dumps(doc).encode())
    good_head = {"icao": "a0b1c2", "timestamp": T0, "trace": rows}
    read_or_problems(json.dumps(good_head).encode())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=True, width=64),
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(allow_nan=True, allow_infinity=True),
            st.one_of(st.none(), st.just("ground"), st.floats(), st.integers()),
        ),
        max_size=20,
    )
)
def test_fuzz_numbers_in_a_trace(rows: list[tuple[float, float, float, object]]) -> None:
    trace = [[t, lat, lon, alt, None, None, 0] for t, lat, lon, alt in rows]
    read_or_problems(json.dumps({"icao": "a0b1c2", "timestamp": T0, "trace": trace}).encode())
    lines = "".join(
        f"{T0 + (t if math.isfinite(t) else 0)},{lat},{lon},{alt}\n" for t, lat, lon, alt in rows
    )
    read_or_problems(("time,lat,lon,altitude_ft\n" + lines).encode())
    fr24 = "".join(
        f'{T0 + (t if math.isfinite(t) else 0)},,AZG1,"{lat},{lon}",{alt},,\n'
        for t, lat, lon, alt in rows
    )
    read_or_problems(("Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n" + fr24).encode())
