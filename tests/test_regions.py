"""A spatial filter: countries of the shipped outlines, boxes and polygon files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from geo.regions import region, region_name, within
from tests.corpora import CORPORA
from tests.helpers import events_from_csv


def _ids(events) -> set[str]:
    return {e.id for e in events}


def test_a_country_by_name_or_code() -> None:
    aze = region("Azerbaijan")
    assert aze.contains(shapely.Point(49.892, 40.378))  # Baku
    assert region("azerbaijan").equals(aze) and region("AZE").equals(aze)
    assert region_name("aze") == "Azerbaijan"
    assert region("Bosnia and Herz.").area > 0  # as the outlines spell it


def test_an_unknown_country_gets_a_suggestion() -> None:
    with pytest.raises(ValueError, match=r"unknown region 'Azerbijan'; did you mean "
                                         r"'Azerbaijan'\? \(a region is a country name"):
        region("Azerbijan")
    with pytest.raises(ValueError, match="did you mean 'United States of America'"):
        region("United States")
    with pytest.raises(ValueError, match=r"unknown region 'Atlantis' \(a region is"):
        region("Atlantis")


def test_within_a_country_keeps_the_events_there() -> None:
    events = CORPORA["shipped"]().events
    in_aze = _ids(within(events, region("Azerbaijan")))
    assert "flight-vko-gyd-2025-03-14" in in_aze  # lands at GYD
    assert "dunford-gerasimov-2017" in in_aze  # in Baku, though its origins are far away
    assert all(e.destination.country == "AZ" or e.is_flight
               for e in events if e.id in in_aze)
    in_rus = _ids(within(events, region("Russia")))
    assert "flight-vko-gyd-2025-03-14" in in_rus  # departs from VKO
    assert "witkoff-putin-2025-03-13" in in_rus
    # an origin in the region does not bring in an event that happened elsewhere
    assert "dunford-gerasimov-2017" not in in_rus
    assert within(events, region("Chile")) == []


def test_a_box_and_one_across_the_antimeridian() -> None:
    events = events_from_csv(
        "baku,meeting,t,2025-01-01,,,Baku,,reported,s,\n"
        "fiji,meeting,t,2025-01-01,,,Suva,,reported,s,\n"
        "tonga,meeting,t,2025-01-01,,,Nuku'alofa,,reported,s,\n"
        "wellington,meeting,t,2025-01-01,,,Wellington,,reported,s,\n"
    )
    assert _ids(within(events, region("44,38,51,42"))) == {"baku"}
    assert _ids(within(events, region(" 44 , 38 , 51 , 42 "))) == {"baku"}
    across = region("170,-25,-170,-10")
    assert _ids(within(events, across)) == {"fiji", "tonga"}
    assert _ids(within(events, region("49.892,40.378,50,41"))) == {"baku"}  # edge included


@pytest.mark.parametrize(
    "text, message",
    [
        ("44,38,51", "is not four numbers"),
        ("44,95,51,96", "95 is not a latitude"),
        ("190,38,200,42", "190 is not a longitude"),
        ("44,42,51,38", "minlat 42 must be below maxlat 38"),
        ("44,38,44,42", "the box has no width"),
        ("", "no region given"),
        ("nowhere.geojson", "nowhere.geojson: no such file"),
    ],
)
def test_bad_regions_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        region(text)


def test_a_polygon_file(tmp_path: Path) -> None:
    path = tmp_path / "caucasus.geojson"
    square = [[[44, 38], [51, 38], [51, 42], [44, 42], [44, 38]]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                           "coordinates": square}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point",
                                                           "coordinates": [0, 0]}},
    ]}))
    events = CORPORA["shipped"]().events
    got = within(events, region(str(path)))
    assert got == within(events, region("44,38,51,42")) and got
    none = tmp_path / "points.geojson"
    none.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point",
                                                           "coordinates": [0, 0]}}]}))
    with pytest.raises(ValueError, match="holds no polygon"):
        region(str(none))
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"not a geopackage")
    with pytest.raises(ValueError, match="cannot read as a polygon file"):
        region(str(broken))


def test_a_polygon_file_in_another_crs(tmp_path: Path) -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame(geometry=[shapely.box(44, 38, 51, 42)], crs=4326).to_crs(3857)
    path = tmp_path / "mercator.gpkg"
    frame.to_file(path, engine="pyogrio")
    assert region(str(path)).contains(shapely.Point(49.892, 40.378))


def test_outlines_of_ones_own() -> None:
    outlines = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Box", "iso_a3": "BOX"},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    }]}
    assert region("box", outlines).area == pytest.approx(0.5)
    with pytest.raises(ValueError, match="did you mean 'Box'"):
        region("Boxx", outlines)
