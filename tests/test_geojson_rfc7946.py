"""The GeoJSON export follows RFC 7946 and converts to a GeoPackage with GDAL (``ogr2ogr``)
with every field one plain type, for the shipped data, the hostile corpus and a generated
2,000-event file.

Outside CI a machine without GDAL's tools (Debian's gdal-bin) skips the conversion, saying
so; in CI (``CI`` set) they are required.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from shapely.geometry import shape

from geo.export import export
from tests.corpora import CORPORA
from tests.test_kml_schema import EDGES

LIST_FIELDS = ("origin", "participants", "sources", "references")


def _corpus(name: str):
    return EDGES if name == "edges" else CORPORA[name]().events


def _parts(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Point":
        return [[geometry["coordinates"]]]
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiLineString"
    return geometry["coordinates"]


@pytest.mark.parametrize("name", [*CORPORA, "edges"])
def test_rfc7946(name: str) -> None:
    doc = json.loads(export(_corpus(name), "geojson"))
    assert set(doc) == {"type", "features"} and doc["type"] == "FeatureCollection"  # no crs
    for feature in doc["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geom = feature["geometry"]
        assert geom["type"] in ("Point", "LineString", "MultiLineString")
        parts = _parts(geom)
        for part in parts:
            for position in part:
                assert len(position) == 2  # lon, lat; no altitude
                lon, lat = position
                assert -180 <= lon <= 180 and -90 <= lat <= 90
            # §3.1.9: no segment crosses the antimeridian; a crossing is split
            for (x1, _), (x2, _) in zip(part, part[1:], strict=False):
                assert abs(x2 - x1) < 180
        shapely_geom = shape(geom)
        assert shapely_geom.is_valid
        if geom["type"] != "Point":
            assert all(len(part) >= 2 for part in parts) and shapely_geom.length > 0
        props = feature["properties"]
        if props["role"] == "flight" and geom["type"] != "Point":
            assert len(props["times"]) == sum(len(part) for part in parts)
            assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t) for t in props["times"])
        for key in ("start_utc", "end_utc"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", props[key])
        if props["role"] != "contact":
            assert all(isinstance(props[key], str) for key in LIST_FIELDS)


def _tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} (gdal-bin) is required in CI")
        pytest.skip(f"{name} is not installed here (apt-get install gdal-bin)")
    return tool


def _fields(info: str) -> dict[str, str]:
    """``name: Type (w.p)`` lines of ``ogrinfo -so`` as {name: Type}."""
    return dict(re.findall(r"^(\w+): (\S+) \(", info, re.M))


@pytest.mark.parametrize("name", [*CORPORA, "edges"])
def test_converts_to_a_geopackage_with_plain_types(name: str, tmp_path: Path) -> None:
    src, dst = tmp_path / "events.geojson", tmp_path / "events.gpkg"
    src.write_bytes(export(_corpus(name), "geojson"))
    n = len(json.loads(src.read_bytes())["features"])
    ogrinfo = _tool("ogrinfo")
    read = subprocess.run([ogrinfo, "-so", "-al", str(src)], capture_output=True, text=True,
                          check=True, timeout=300)
    fields = _fields(read.stdout)
    assert "String(JSON)" not in fields.values(), fields
    for key in LIST_FIELDS:
        assert fields[key] == "String", (key, fields)
    if "times" in fields:
        assert fields["times"] == "StringList"
    assert fields["start_utc"] == fields["end_utc"] == "DateTime"
    convert = subprocess.run([_tool("ogr2ogr"), "-f", "GPKG", str(dst), str(src)],
                             capture_output=True, text=True, check=False, timeout=300)
    assert convert.returncode == 0, convert.stderr
    written = subprocess.run([ogrinfo, "-so", "-al", str(dst)], capture_output=True, text=True,
                             check=True, timeout=300)
    assert f"Feature Count: {n}\n" in written.stdout
    gpkg_fields = _fields(written.stdout)
    assert "String(JSON)" not in gpkg_fields.values(), gpkg_fields
    for key in LIST_FIELDS:
        assert gpkg_fields[key] == "String"
    # the text of a list field arrives whole
    sample = subprocess.run(
        [ogrinfo, "-al", "-q", "-fid", "1", str(dst)], capture_output=True, text=True,
        check=True, timeout=300,
    ).stdout
    first = json.loads(src.read_bytes())["features"][0]["properties"]
    if first.get("sources"):
        assert f"sources (String) = {first['sources']}" in sample
