"""Checks on the reference-data files in ``data/`` (built by ``scripts/build_*.py``)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
PLACES_HEADER = ["name", "country", "lat", "lon", "tz", "aliases"]
AIRPORTS_HEADER = ["iata", "icao", "name", "city", "country", "lat", "lon", "tz"]

KEY_PLACES = {
    "Washington": ("US", 38.895, -77.036),
    "Moscow": ("RU", 55.752, 37.618),
    "Baku": ("AZ", 40.378, 49.892),
    "Jerusalem": ("IL", 31.769, 35.216),
    "Yerevan": ("AM", 40.178, 44.513),
    "Astana": ("KZ", 51.180, 71.446),
    "Ramat Gan": ("IL", 32.082, 34.811),
    "Mons": ("BE", 50.454, 3.952),
}


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert b"\r\n" not in raw, f"{path.name} must use \\n line endings"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def places() -> tuple[list[str], list[dict[str, str]]]:
    return read_csv(DATA / "places.csv")


@pytest.fixture(scope="module")
def places_by_name(places) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in places[1]}


def test_places_header_and_size(places):
    header, rows = places
    assert header == PLACES_HEADER
    assert len(rows) >= 190


def test_places_sorted_by_name(places):
    names = [row["name"] for row in places[1]]
    assert names == sorted(names, key=lambda n: (n.casefold(), n))


def test_places_fields_valid(places):
    for row in places[1]:
        assert row["name"].strip() == row["name"] != ""
        assert len(row["country"]) == 2 and row["country"].isupper(), row
        assert -90 <= float(row["lat"]) <= 90, row
        assert -180 <= float(row["lon"]) <= 180, row
        zoneinfo.ZoneInfo(row["tz"])  # raises if the zone is unknown


def test_places_names_and_aliases_unique(places):
    seen: dict[str, str] = {}
    for row in places[1]:
        for label in [row["name"], *filter(None, row["aliases"].split(";"))]:
            key = label.strip().casefold()
            assert key, row
            assert key not in seen, f"{label!r} of {row['name']!r} clashes with {seen[key]!r}"
            seen[key] = row["name"]


@pytest.mark.parametrize("name", sorted(KEY_PLACES))
def test_key_places(places_by_name, name):
    country, lat, lon = KEY_PLACES[name]
    row = places_by_name[name]
    assert row["country"] == country
    assert abs(float(row["lat"]) - lat) <= 0.01
    assert abs(float(row["lon"]) - lon) <= 0.01


def test_washington_alias(places_by_name):
    assert "Washington, D.C." in places_by_name["Washington"]["aliases"].split(";")


def test_mons_aliases(places_by_name):
    assert "SHAPE" in places_by_name["Mons"]["aliases"].split(";")


def test_astana_is_utc_plus_5(places_by_name):
    tz = zoneinfo.ZoneInfo(places_by_name["Astana"]["tz"])
    offset = dt.datetime(2025, 6, 1, 12, tzinfo=tz).utcoffset()
    assert offset == dt.timedelta(hours=5)


def test_countries_geojson():
    collection = json.loads((DATA / "countries.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) >= 170
    for feature in features:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"name", "iso_a3"}
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert feature["geometry"]["coordinates"]


def test_airports_match_airportsdata():
    airportsdata = pytest.importorskip("airportsdata")
    header, rows = read_csv(DATA / "airports.csv")
    assert header == AIRPORTS_HEADER
    assert {"VKO", "GYD", "IAD", "TLV", "EVN", "NQZ"} <= {row["iata"] for row in rows}
    reference = airportsdata.load("IATA")
    for row in rows:
        ref = reference[row["iata"]]
        assert row["icao"] == ref["icao"]
        assert row["country"] == ref["country"]
        assert abs(float(row["lat"]) - ref["lat"]) <= 0.01, row
        assert abs(float(row["lon"]) - ref["lon"]) <= 0.01, row
        assert row["tz"] == ref["tz"]
        zoneinfo.ZoneInfo(row["tz"])


def test_key_airports():
    _, rows = read_csv(DATA / "airports.csv")
    by_iata = {row["iata"]: row for row in rows}
    assert by_iata["VKO"]["icao"] == "UUWW"
    assert by_iata["VKO"]["tz"] == "Europe/Moscow"
    assert by_iata["GYD"]["icao"] == "UBBB"
    assert by_iata["GYD"]["tz"] == "Asia/Baku"
