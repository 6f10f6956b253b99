"""Every export, by format: the HTML map, GeoJSON (RFC 7946), KML (with time), the normalized
CSV, the events CSV (the input format, re-importable), the recorded fixes of the flights that
have a track (the plain fix CSV :mod:`geo.tracks` reads), GeoPackage and GeoParquet (the
frames of :mod:`geo.frames`, through geopandas), and a PNG or SVG image of the map at one
moment (:mod:`geo.static_map`).

Every writer is deterministic: the same events give byte-identical output. The writers
themselves live one per module (:mod:`geo.geojson`, :mod:`geo.kml`, :mod:`geo.frames`,
:mod:`geo.static_map`, :mod:`geo.render`); the CSV writers are here.

Both CSV writers protect cells a spreadsheet would run as formulas (:func:`geo.cells.protect`:
``=HYPERLINK(…)`` is written ``'=HYPERLINK(…)``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import IO

from geo.cells import protect
from geo.geojson import geojson_features, write_geojson
from geo.kml import write_kml
from geo.model import Event, MapView
from geo.options import (
    DEFAULT_BASEMAP,
    MEDIA_TYPES,
    Basemap,
    Format,
    ImageFormat,
    parse_basemap,
    parse_format,
)
from geo.query import in_order
from geo.table import SOURCE_COLUMNS, TABLE_COLUMNS, flat, normalize, source_row
from geo.tracks.fixcsv import FIX_COLUMNS, FIX_OPTIONAL

FIX_HEADER = FIX_COLUMNS + FIX_OPTIONAL
"""The fixes CSV's columns: :mod:`geo.tracks.fixcsv`'s, all of them."""

__all__ = [
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


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """RFC 4180: rows end in CRLF, so the writer quotes any cell holding a bare ``\\r``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[protect(cell) for cell in row] for row in rows])
    return buf.getvalue()


def to_csv(events: Sequence[Event]) -> str:
    """The normalized table (:data:`geo.table.TABLE_COLUMNS`); list cells joined with ``; ``."""
    rows = [normalize(ev) for ev in in_order(events)]
    return _csv_text(TABLE_COLUMNS, [[flat(row.get(col)) for col in TABLE_COLUMNS] for row in rows])


def to_events_csv(events: Sequence[Event]) -> str:
    """The events in the input format, ``events.csv``'s columns (and ``aircraft`` when any
    event has one): ``python -m geo check`` accepts the file, and it loads as the same events
    (:func:`geo.table.source_row`), so export -> load -> export gives the same bytes."""
    ordered = in_order(events)
    header = [c for c in SOURCE_COLUMNS if c != "aircraft" or any(e.aircraft for e in ordered)]
    rows = [source_row(ev) for ev in ordered]
    return _csv_text(header, [[row[col] for col in header] for row in rows])


def _fix_time(t: float) -> str:
    """Unix seconds as ISO 8601 UTC, to the millisecond when the fix has a fraction."""
    ms = round(t * 1000.0)
    whole = datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{ms % 1000:03d}Z" if ms % 1000 else f"{whole}Z"


def _number(value: float, digits: int) -> str:
    """``value`` to ``digits`` decimals without trailing zeros ("" for NaN)."""
    if math.isnan(value):
        return ""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_fixes_csv(events: Sequence[Event]) -> str:
    """The recorded fixes of every flight with a track (outliers left out, as on the map),
    flight after flight in the event order, in the plain fix format (:data:`FIX_HEADER`):
    ``--tracks`` reads the file back as the same legs."""
    rows: list[list[str]] = []
    for ev in in_order(events):
        if ev.recorded is None:
            continue
        leg = ev.recorded.leg
        trace = leg.trace
        for k in leg.index.tolist():
            code = int(trace.callsign_code[k])
            rows.append([
                _fix_time(float(trace.t[k])),
                _number(float(trace.lat[k]), 6),
                _number(float(trace.lon[k]), 6),
                _number(float(trace.alt_ft[k]), 0),
                _number(float(trace.gs_kt[k]), 1),
                trace.callsigns[code] if code >= 0 else "",
                trace.registration,
                ("~" if trace.non_icao else "") + trace.icao24,
            ])
    return _csv_text(FIX_HEADER, rows)


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
    fmt: Format | str,
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap | str = DEFAULT_BASEMAP,
    views: Sequence[MapView] = (),
    at: datetime | None = None,
    left_out: Sequence[str] = (),
) -> None:
    """Write one export to ``out``. GeoJSON and KML are streamed batch by batch, so a large
    one never sits in memory whole; the other formats are written at once.

    ``fmt`` and ``basemap`` are checked here (``ValueError`` for an unknown one). ``at`` is
    the moment an image (png, svg) shows (default: :func:`geo.static_map.default_time`, the
    first view's clock); the other formats ignore it. ``left_out``: what the map says was
    left out of its input (:func:`geo.layers.left_out_lines`; the HTML map shows it).
    """
    fmt = parse_format(fmt)
    basemap = parse_basemap(basemap)
    if fmt == "geojson":
        write_geojson(events, out)
    elif fmt == "kml":
        write_kml(events, out)
    else:
        out.write(
            export(events, fmt, tz=tz, title=title, basemap=basemap, views=views, at=at,
                   left_out=left_out)
        )


def export(
    events: Sequence[Event],
    fmt: Format | str,
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
    fmt = parse_format(fmt)
    basemap = parse_basemap(basemap)
    if fmt == "html":
        from geo.render import to_html_bytes

        return to_html_bytes(events, tz=tz, title=title, basemap=basemap, views=views,
                             left_out=left_out)
    if fmt in ("geojson", "kml"):
        buf = io.BytesIO()
        (write_geojson if fmt == "geojson" else write_kml)(events, buf)
        return buf.getvalue()
    if fmt == "csv":
        return to_csv(events).encode("utf-8")
    if fmt == "events-csv":
        return to_events_csv(events).encode("utf-8")
    if fmt == "fixes-csv":
        return to_fixes_csv(events).encode("utf-8")
    if fmt in ("gpkg", "parquet"):
        from geo.frames import frames_bytes

        return frames_bytes(events, "gpkg" if fmt == "gpkg" else "parquet")
    from geo.static_map import default_time, render_image

    moment = at if at is not None else default_time(events, views)
    image_fmt: ImageFormat = "png" if fmt == "png" else "svg"
    return render_image(events, at=moment, fmt=image_fmt, title=title, views=views)
