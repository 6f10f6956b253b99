"""The choices a user makes at the boundary, each listed once: export formats and basemaps.

The CLI's ``choices``, the app's widgets and the writers all read these; a value from outside
(a command line, a link) is checked here, once, and is a ``Literal`` afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

Format = Literal[
    "html", "geojson", "kml", "csv", "events-csv", "fixes-csv", "gpkg", "parquet", "png", "svg"
]
FORMATS: tuple[Format, ...] = get_args(Format)
MEDIA_TYPES: dict[Format, str] = {
    "html": "text/html",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "csv": "text/csv",
    "events-csv": "text/csv",
    "fixes-csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
    "parquet": "application/vnd.apache.parquet",
    "png": "image/png",
    "svg": "image/svg+xml",
}
FORMAT_LABELS: dict[Format, str] = {
    "html": "HTML map",
    "geojson": "GeoJSON",
    "kml": "KML",
    "csv": "CSV",
    "events-csv": "events CSV (re-importable)",
    "fixes-csv": "recorded fixes CSV (re-readable as tracks)",
    "gpkg": "GeoPackage",
    "parquet": "GeoParquet",
    "png": "PNG image",
    "svg": "SVG image",
}
EXTENSIONS: dict[Format, str] = {
    "html": "html",
    "geojson": "geojson",
    "kml": "kml",
    "csv": "csv",
    "events-csv": "csv",
    "fixes-csv": "csv",
    "gpkg": "gpkg",
    "parquet": "parquet",
    "png": "png",
    "svg": "svg",
}
"""The file name suffix each format is saved with (``events-csv`` and ``fixes-csv`` are
``.csv`` files)."""
IMAGE_FORMATS: tuple[Format, ...] = ("png", "svg")
"""The formats that draw the map at one moment (they take a time: ``export(..., at=…)``)."""
_SUFFIXES: dict[str, Format] = {"htm": "html", "json": "geojson", "geoparquet": "parquet"}

FrameFormat = Literal["gpkg", "parquet", "geojson"]
FRAME_SUFFIXES: dict[str, FrameFormat] = {
    ".gpkg": "gpkg", ".parquet": "parquet", ".geoparquet": "parquet",
    ".geojson": "geojson", ".json": "geojson",
}
"""The suffixes of events files read as frames (geopandas), not CSV, and their formats."""


def frame_format(name: str) -> FrameFormat | None:
    """The frame format an events file's name says (``x.gpkg``), or None for a CSV."""
    return FRAME_SUFFIXES.get(Path(name).suffix.lower())


TimeMode = Literal["cumulative", "window"]
TIME_MODES: tuple[TimeMode, ...] = get_args(TimeMode)

Basemap = Literal["tiles", "outlines"]
BASEMAPS: dict[Basemap, str] = {
    "outlines": "Outlines + names (offline)",
    "tiles": "OpenStreetMap tiles (online)",
}
DEFAULT_BASEMAP: Basemap = "outlines"
"""No request leaves the file unless asked: a tile's coordinates tell the tile server which
area is being studied (operational security), so tiles are an explicit choice."""

ImageFormat = Literal["png", "svg"]
"""The image formats (:mod:`geo.static_map`)."""


def parse_format(text: str) -> Format:
    """``text`` as a :data:`Format`; ``ValueError`` naming the choices otherwise."""
    if text not in FORMATS:
        raise ValueError(f"unknown format '{text}'; use one of {', '.join(FORMATS)}")
    return text


def format_for_path(path: str) -> Format:
    """The format an output file's suffix names (``map.kml`` -> kml, ``x.gpkg`` -> gpkg,
    ``x.csv`` -> the normalized csv); html otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = _SUFFIXES.get(suffix, suffix)
    return suffix if suffix in FORMATS else "html"


def parse_basemap(text: str) -> Basemap:
    """``text`` as a :data:`Basemap`; ``ValueError`` naming the choices otherwise."""
    if text not in BASEMAPS:
        raise ValueError(f"unknown basemap '{text}'; use one of {', '.join(BASEMAPS)}")
    return text
