"""The choices a user makes at the boundary, each listed once: basemaps, time modes, the
suffixes of events files read as frames. (Export formats are a table of their own,
:mod:`geo.formats`.)

The CLI's ``choices``, the app's widgets and the writers all read these; a value from outside
(a command line, a link) is checked here, once, and is a ``Literal`` afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

Format = str
"""An export format's name: a row of the one table of formats, :data:`geo.formats.EXPORT_FORMATS`
(``html``, ``geojson``, ``kml``, …), which a new format joins at run time."""

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


def parse_basemap(text: str) -> Basemap:
    """``text`` as a :data:`Basemap`; ``ValueError`` naming the choices otherwise."""
    if text not in BASEMAPS:
        raise ValueError(f"unknown basemap '{text}'; use one of {', '.join(BASEMAPS)}")
    return text


_MOVED = {
    "FORMATS": "EXPORT_FORMATS (its keys)",
    "MEDIA_TYPES": "EXPORT_FORMATS[name].media_type",
    "FORMAT_LABELS": "EXPORT_FORMATS[name].label",
    "EXTENSIONS": "EXPORT_FORMATS[name].extension",
    "IMAGE_FORMATS": "EXPORT_FORMATS",
    "parse_format": "export_format",
    "format_for_path": "format_for_path",
}


def __getattr__(name: str) -> object:
    """The export formats moved to their own table, :mod:`geo.formats`: say where."""
    if name in _MOVED:  # an ImportError, so `from geo.options import ...` shows this message
        raise ImportError(
            f"geo.options.{name} moved to the table of export formats: "
            f"geo.formats.{_MOVED[name]}"
        )
    raise AttributeError(f"module 'geo.options' has no attribute {name!r}")
