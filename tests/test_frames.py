"""Events as GeoDataFrames and back, and GeoPackage, GeoParquet and GeoJSON files in and out:
the same events, checked by the rules of an events file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.dataset import Dataset
from geo.export import export
from geo.frames import (
    EVENT_LAYER_COLUMNS,
    from_geodataframe,
    read_events_file,
    to_geodataframe,
    write_frames,
)
from geo.geometry import contact_arcs, flight_tracks
from geo.model import DataError, Event
from geo.query import in_order
from tests.corpora import CORPORA


def _same(a, b) -> None:
    """Equal in every field but ``line`` (where each came from)."""
    assert [e._replace(line=0) for e in a] == [e._replace(line=0) for e in b]


def _data(name: str) -> Dataset:
    return CORPORA[name]()


@pytest.mark.parametrize("name", list(CORPORA))
def test_from_geodataframe_of_to_geodataframe_is_the_identity(name: str) -> None:
    data = _data(name)
    frame = to_geodataframe(data.events)["events"]
    back = from_geodataframe(frame, data.gazetteer, data.sources)
    _same(back, data.events)
    assert [e.line for e in back] == list(range(1, len(back) + 1))  # the row numbers


def test_the_frames_are_typed() -> None:
    data = _data("shipped")
    frames = to_geodataframe(data.events)
    events, arcs, tracks = frames["events"], frames["arcs"], frames["tracks"]
    assert list(events.columns) == [*EVENT_LAYER_COLUMNS, "geometry"]
    assert events.crs.to_epsg() == 4326 and arcs.crs.to_epsg() == 4326
    assert str(events["start_utc"].dtype) == "datetime64[ms, UTC]"
    flight = events[events["id"] == "flight-vko-gyd-2025-03-14"].iloc[0]
    assert flight["start_utc"] == pd.Timestamp("2025-03-13T22:54:00Z")
    assert flight["start"] == "2025-03-14T01:54" and bool(flight["plausible"])
    assert flight["distance_km"] == pytest.approx(1926, abs=5)
    assert (flight.geometry.x, flight.geometry.y) == (50.0467, 40.4675)  # GYD, the arrival
    assert events["distance_km"].isna().sum() == len(events) - 1
    assert str(events["plausible"].dtype) == "boolean" and events["precedent"].dtype == bool
    dunford = events[events["id"] == "dunford-gerasimov-2017"].iloc[0]
    assert dunford["origin"] == "Washington; Moscow" and bool(dunford["precedent"])
    assert len(arcs) == len(contact_arcs(data.events))
    assert set(arcs.geom_type) == {"LineString"}
    assert len(tracks) == len(flight_tracks(data.events)) == 1
    assert tracks.iloc[0]["event_id"] == "flight-vko-gyd-2025-03-14"
    assert tracks.iloc[0].geometry.coords[0] == (37.2615, 55.5915)  # VKO


def test_a_round_trip_flight_has_no_track_and_says_why() -> None:
    from tests.test_export import ZERO

    frames = to_geodataframe(ZERO)
    assert len(frames["tracks"]) == 0
    events = frames["events"].set_index("id")
    assert events.loc["round-trip", "track_omitted"].startswith("origin and destination")
    assert events.loc["at-home", "arcs_omitted"] == "Baku"
    _same(from_geodataframe(frames["events"]), ZERO)


def test_bad_rows_are_reported_by_row_number_with_the_csv_rules() -> None:
    data = _data("shipped")
    frame = to_geodataframe(data.events)["events"]
    frame.loc[2, "start"] = "2025-13-45"
    frame.loc[4, "destination"] = "Bakku"
    frame.loc[5, "title"] = "bell\x07"
    with pytest.raises(DataError) as err:
        from_geodataframe(frame, data.gazetteer, data.sources, name="edited.gpkg")
    lines = [str(p) for p in err.value.problems]
    assert lines[0].startswith("edited.gpkg:3: start: '2025-13-45' is not a real date")
    assert lines[1] == "edited.gpkg:5: destination: unknown place 'Bakku'; did you mean 'Baku'?"
    assert lines[2].startswith("edited.gpkg:6: title: contains U+0007 (a control character)")
    assert len(lines) == 3


def test_a_layer_without_the_events_columns_says_which() -> None:
    frame = to_geodataframe(_data("shipped").events)["events"].drop(columns=["start", "end"])
    with pytest.raises(DataError) as err:
        from_geodataframe(frame, name="x.gpkg")
    (problem,) = err.value.problems
    assert str(problem).startswith("x.gpkg:1: header: missing columns 'start', 'end'; expected")


@pytest.mark.parametrize("fmt, suffix", [("gpkg", "gpkg"), ("parquet", "parquet"),
                                         ("geojson", "geojson")])
@pytest.mark.parametrize("name", list(CORPORA))
def test_files_read_back_as_the_same_events(fmt, suffix, name: str, tmp_path: Path) -> None:
    data = _data(name)
    path = tmp_path / f"events.{suffix}"
    write_frames(data.events, path, fmt)
    back = read_events_file(path, data.gazetteer, data.sources)
    _same(back, in_order(data.events))  # written in the one event order
    # and the same from the file's bytes (an upload)
    _same(read_events_file(path.read_bytes(), data.gazetteer, data.sources,
                           name=f"upload.{suffix}"), in_order(data.events))


@pytest.mark.parametrize("name", list(CORPORA))
def test_the_geojson_export_reads_back_as_events(name: str, tmp_path: Path) -> None:
    data = _data(name)
    path = tmp_path / "map.geojson"
    path.write_bytes(export(data.events, "geojson"))
    _same(read_events_file(path, data.gazetteer, data.sources), in_order(data.events))


def test_a_geopackage_has_three_layers_and_the_same_bytes_every_time(tmp_path: Path) -> None:
    import pyogrio

    events = _data("shipped").events
    data = export(events, "gpkg")
    assert data == export(list(reversed(events)), "gpkg")
    path = tmp_path / "x.gpkg"
    path.write_bytes(data)
    assert [str(r[0]) for r in pyogrio.list_layers(path)] == ["events", "arcs", "tracks"]
    assert export(events, "parquet") == export(list(reversed(events)), "parquet")


def test_unreadable_files_are_problems_not_tracebacks(tmp_path: Path) -> None:
    data = _data("shipped")
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(DataError) as err:
        read_events_file(bad, data.gazetteer, data.sources)
    (problem,) = err.value.problems
    assert str(problem).startswith(f"{bad}:1: file: cannot read as GeoPackage")
    with pytest.raises(DataError) as err:
        read_events_file(tmp_path / "missing.parquet", data.gazetteer, data.sources)
    assert ":1: file: cannot read" in str(err.value)
    with pytest.raises(DataError) as err:
        read_events_file(b"x", data.gazetteer, data.sources, name="events.txt")
    assert "use .gpkg, .parquet, .geojson" in str(err.value)


def test_the_callers_events_are_not_changed() -> None:
    events: list[Event] = list(_data("shipped").events)
    before = list(events)
    to_geodataframe(events)
    assert events == before


def test_the_package_gives_the_frames() -> None:
    import geo

    data = _data("shipped")
    frames = geo.to_geodataframe(data.events)
    assert set(frames) == {"events", "arcs", "tracks"}
    _same(geo.from_geodataframe(frames["events"]), data.events)
