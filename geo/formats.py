"""The export formats, one table: a row per format (name, label, media type, extension, writer,
streamed or not, heavy or not). The CLI's ``--format`` choices and suffix inference, the app's
download buttons, :func:`geo.export.export` and the README's list all read it; a new format is
one row and its writer (:func:`register`).

Each built-in writer imports its module when it runs, so reading the table (the CLI's parser)
loads no writer: the HTML document (:mod:`geo.render`), GeoJSON and KML streamed batch by batch
(:mod:`geo.geojson`, :mod:`geo.kml`), the three CSVs (:mod:`geo.csvwriters`), GeoPackage and
GeoParquet (:mod:`geo.frames`), the map at one moment as PNG or SVG (:mod:`geo.static_map`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from geo.model import Event, MapView
from geo.options import DEFAULT_BASEMAP, Basemap


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What a writer may use beside the events (each ignores what it has no use for)."""

    tz: str = "UTC"  # the display zone (IANA)
    title: str | None = None
    basemap: Basemap = DEFAULT_BASEMAP
    views: tuple[MapView, ...] = ()
    at: datetime | None = None  # an image's moment (None: the first view's clock)
    left_out: tuple[str, ...] = ()  # what the map says was left out of its input


Writer = Callable[[IO[bytes], Sequence[Event], ExportOptions], None]
"""Writes the export of the events to a binary stream."""


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: a row of :data:`EXPORT_FORMATS`."""

    name: str  # what --format takes: ``geojson``
    label: str  # what a reader sees: ``GeoJSON``
    media_type: str  # ``application/geo+json``
    extension: str  # the file name suffix it is saved with, no dot: ``geojson``
    write: Writer
    streamed: bool = False  # written batch by batch, never whole in memory
    heavy: bool = False  # slow to make: the app makes it only when its button is clicked
    suffixes: tuple[str, ...] = ()  # more suffixes an output name may give it (``htm``)


def _html(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.render import to_html_bytes

    out.write(
        to_html_bytes(events, tz=o.tz, title=o.title, basemap=o.basemap, views=o.views,
                      left_out=o.left_out)
    )


def _geojson(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.geojson import write_geojson

    write_geojson(events, out)


def _kml(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.kml import write_kml

    write_kml(events, out)


def _csv(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.csvwriters import to_csv

    out.write(to_csv(events).encode("utf-8"))


def _events_csv(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.csvwriters import to_events_csv

    out.write(to_events_csv(events).encode("utf-8"))


def _fixes_csv(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.csvwriters import to_fixes_csv

    out.write(to_fixes_csv(events).encode("utf-8"))


def _gpkg(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.frames import frames_bytes

    out.write(frames_bytes(events, "gpkg"))


def _parquet(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
    from geo.frames import frames_bytes

    out.write(frames_bytes(events, "parquet"))


def _image(fmt: str) -> Writer:
    def write(out: IO[bytes], events: Sequence[Event], o: ExportOptions) -> None:
        from geo.static_map import default_time, render_image

        moment = o.at if o.at is not None else default_time(events, o.views)
        image = render_image(
            events, at=moment, fmt="png" if fmt == "png" else "svg", title=o.title,
            views=o.views,
        )
        out.write(image)

    return write


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("html", "HTML map", "text/html", "html", _html, suffixes=("htm",)),
        ExportFormat(
            "geojson", "GeoJSON", "application/geo+json", "geojson", _geojson, streamed=True,
            suffixes=("json",),
        ),
        ExportFormat(
            "kml", "KML", "application/vnd.google-earth.kml+xml", "kml", _kml, streamed=True
        ),
        ExportFormat("csv", "CSV", "text/csv", "csv", _csv),
        ExportFormat("events-csv", "events CSV (re-importable)", "text/csv", "csv", _events_csv),
        ExportFormat(
            "fixes-csv", "recorded fixes CSV (re-readable as tracks)", "text/csv", "csv",
            _fixes_csv,
        ),
        ExportFormat(
            "gpkg", "GeoPackage", "application/geopackage+sqlite3", "gpkg", _gpkg, heavy=True
        ),
        ExportFormat(
            "parquet", "GeoParquet", "application/vnd.apache.parquet", "parquet", _parquet,
            heavy=True, suffixes=("geoparquet",),
        ),
        ExportFormat("png", "PNG image", "image/png", "png", _image("png"), heavy=True),
        ExportFormat("svg", "SVG image", "image/svg+xml", "svg", _image("svg"), heavy=True),
    )
}
"""Every export format by name, in the order the CLI and the app list them."""


def register(fmt: ExportFormat) -> None:
    """Add a format (a row and its writer): the CLI, the app and :func:`geo.export.export`
    offer it from then on. ``ValueError`` for a name already taken."""
    if fmt.name in EXPORT_FORMATS:
        raise ValueError(f"an export format '{fmt.name}' is already registered")
    EXPORT_FORMATS[fmt.name] = fmt


def format_names() -> tuple[str, ...]:
    """The names ``--format`` takes, in the table's order."""
    return tuple(EXPORT_FORMATS)


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; ``ValueError`` naming the choices otherwise."""
    found = EXPORT_FORMATS.get(name)
    if found is None:
        raise ValueError(f"unknown format '{name}'; use one of {', '.join(EXPORT_FORMATS)}")
    return found


def format_for_path(path: str) -> str:
    """The format an output file's suffix names: a format's name, else the first format
    saved with that extension (``map.kml`` -> kml, ``x.csv`` -> the normalized csv,
    ``x.json`` -> geojson); html otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in EXPORT_FORMATS:
        return suffix
    for fmt in EXPORT_FORMATS.values():
        if suffix and (suffix == fmt.extension or suffix in fmt.suffixes):
            return fmt.name
    return "html"
