"""Every export, by format: the HTML map, GeoJSON (RFC 7946), KML (with time), the normalized
CSV, the events CSV (the input format, re-importable), the recorded fixes of the flights that
have a track (the plain fix CSV :mod:`geo.tracks` reads), GeoPackage and GeoParquet (the
frames of :mod:`geo.frames`, through geopandas), and a PNG or SVG image of the map at one
moment (:mod:`geo.static_map`).

Every writer is deterministic: the same events give byte-identical output. The formats are
rows of one table, :data:`geo.formats.EXPORT_FORMATS` (a new format is a row and its writer);
the writers live one per module (:mod:`geo.geojson`, :mod:`geo.kml`, :mod:`geo.csvwriters`,
:mod:`geo.frames`, :mod:`geo.static_map`, :mod:`geo.render`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import IO

from geo.csvwriters import to_csv, to_events_csv, to_fixes_csv
from geo.formats import EXPORT_FORMATS, ExportOptions, export_format
from geo.geojson import geojson_features, write_geojson
from geo.kml import write_kml
from geo.model import Event, MapView
from geo.options import DEFAULT_BASEMAP, Basemap, parse_basemap
from geo.tracks.fixcsv import FIX_HEADER

MEDIA_TYPES: dict[str, str] = {f.name: f.media_type for f in EXPORT_FORMATS.values()}
"""Each built-in format's media type (the table, :data:`geo.formats.EXPORT_FORMATS`, has
every format's)."""

__all__ = [
    "FIX_HEADER",
    "MEDIA_TYPES",
    "export",
    "export_to",
    "geojson_features",
    "to_csv",
    "to_events_csv",
    "to_fixes_csv",
    "to_geojson",
    "to_kml",
]


def to_geojson(events: Sequence[Event]) -> str:
    """The GeoJSON document (:mod:`geo.geojson`) as text."""
    buf = io.BytesIO()
    write_geojson(events, buf)
    return buf.getvalue().decode("utf-8")


def to_kml(events: Sequence[Event]) -> str:
    """The KML document (:mod:`geo.kml`) as text."""
    buf = io.BytesIO()
    write_kml(events, buf)
    return buf.getvalue().decode("utf-8")


def export_to(
    out: IO[bytes],
    events: Sequence[Event],
    fmt: str,
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap | str = DEFAULT_BASEMAP,
    views: Sequence[MapView] = (),
    at: datetime | None = None,
    left_out: Sequence[str] = (),
) -> None:
    """Write one export to ``out`` with its format's writer (:data:`geo.formats.EXPORT_FORMATS`).
    GeoJSON and KML are streamed batch by batch, so a large one never sits in memory whole;
    the other formats are written at once.

    ``fmt`` and ``basemap`` are checked here (``ValueError`` for an unknown one). ``at`` is
    the moment an image (png, svg) shows (default: :func:`geo.static_map.default_time`, the
    first view's clock); the other formats ignore it. ``left_out``: what the map says was
    left out of its input (:func:`geo.layers.left_out_lines`; the HTML map shows it).
    """
    writer = export_format(fmt).write
    options = ExportOptions(
        tz, title, parse_basemap(basemap), tuple(views), at, tuple(left_out)
    )
    writer(out, events, options)


def export(
    events: Sequence[Event],
    fmt: str,
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap | str = DEFAULT_BASEMAP,
    views: Sequence[MapView] = (),
    at: datetime | None = None,
    left_out: Sequence[str] = (),
) -> bytes:
    """The bytes of one export; the CLI writes them, the app's download buttons serve them.

    ``fmt`` and ``basemap`` are checked here (``ValueError`` for an unknown one); ``at`` as
    for :func:`export_to`.
    """
    buf = io.BytesIO()
    export_to(buf, events, fmt, tz=tz, title=title, basemap=basemap, views=views, at=at,
              left_out=left_out)
    return buf.getvalue()
