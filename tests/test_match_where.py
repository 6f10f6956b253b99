"""Where a coverage gap is, in words (``geo.match.where``): the country outline under it and
the nearest shipped place with distance and direction; the archive's legs index places each
leg's largest gap; a store built before it did still answers, its gaps unplaced."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from geo import geodesy
from geo.match import make_claim, match_claim, open_store
from geo.match.demo import DEMO_FLIGHTS, write_store
from geo.match.score import GAP_PLACE_COLUMNS, gap_reason
from geo.match.where import compass, place_words
from geo.places import Gazetteer
from geo.regions import country_at

BAKU = (49.892, 40.378)  # places.csv


def test_a_point_on_land_names_its_country_and_the_nearest_place() -> None:
    assert country_at(*BAKU) == "Azerbaijan"
    assert place_words(*BAKU) == "over Azerbaijan, near Baku"
    assert place_words(37.6, 55.7) == "over Russia, near Moscow"


def test_a_point_over_the_caspian_is_so_far_in_that_direction_from_the_nearest_place() -> None:
    lon, lat = 47.835, 43.892  # off Dagestan: no outline covers it
    assert country_at(lon, lat) is None
    mcx = (47.6523, 42.8168)  # Makhachkala's airport (airportsdata)
    km = geodesy.distance_km(*mcx, lon, lat)
    assert km == pytest.approx(120.0, abs=0.5)  # WGS84
    assert place_words(lon, lat) == "120 km N of Makhachkala (MCX)"
    # an airport with a placeholder ICAO code (airportsdata's "_LHL" at Baku) is no place
    assert place_words(50.2, 41.6) == "124 km N of Baku (ZXT)"
    assert place_words(44.5, 48.7) == "over Russia, 15 km SE of Volgograd (VOG)"


def test_compass_points_and_no_point() -> None:
    assert [compass(a) for a in (0, 22.4, 22.6, 90, 135, 180, 225, 270, 315, 359)] == [
        "N", "N", "NE", "E", "SE", "S", "SW", "W", "NW", "N"]
    assert place_words(math.nan, 40.0) == ""
    assert gap_reason(1230.0, "") == "20-minute coverage gap"
    assert gap_reason(4020.0, "over Russia, near Moscow") == (
        "coverage gap of 1 h 7 min over Russia, near Moscow")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo night as built now, and as a store built before the gap's place existed (its
    leg files without the two columns)."""
    root = tmp_path_factory.mktemp("where")
    new = write_store(root / "new", DEMO_FLIGHTS)
    old = write_store(root / "old", DEMO_FLIGHTS)
    for path in (old / "legs").glob("day=*/*.parquet"):
        table = pq.read_table(path)
        pq.write_table(table.drop_columns(list(GAP_PLACE_COLUMNS)), path)
    return new, old


def _first(store: Path) -> tuple[str, ...]:
    claim = make_claim("VKO", "GYD", "2025-03-14T01:54", "2025-03-14T05:30",
                       gazetteer=Gazetteer(), aircraft="N103WG")
    return match_claim(claim, open_store(store)).candidates[0].reasons


def test_the_demo_flights_gap_is_placed_over_the_caspian(stores) -> None:
    new, _ = stores
    table = pq.read_table(sorted((new / "legs").glob("day=*/*.parquet"))).to_pandas()
    (row,) = table[table["registration"] == "N103WG"].itertuples()
    # the aircraft halfway through the 20-minute gap: over the sea off Dagestan
    assert row.largest_gap_s == 1230
    assert (row.largest_gap_lat_deg, row.largest_gap_lon_deg) == pytest.approx(
        (43.892, 47.835), abs=0.001)
    assert country_at(row.largest_gap_lon_deg, row.largest_gap_lat_deg) is None
    assert "20-minute coverage gap 120 km N of Makhachkala (MCX)" in _first(new)


def test_a_store_built_before_still_answers_without_the_place(stores) -> None:
    _, old = stores
    reasons = _first(old)
    assert "20-minute coverage gap" in reasons
    assert reasons[:2] == ("took off 4 min after the reported time at the reported airport (VKO)",
                           "landed at GYD 2 min early")
