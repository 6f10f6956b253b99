"""Events as GeoDataFrames (geopandas, shapely), and GeoPackage, GeoJSON and GeoParquet files
in and out (through pyogrio and pyarrow).

:func:`to_geodataframe` gives three typed frames in WGS84 (EPSG:4326):

* ``events``: one row per event, in the order given, a ``Point`` at its place; the columns of
  :func:`geo.table.record` (the GeoJSON export's properties): text columns as ``str``, list
  fields as ``; ``-joined text (a GeoPackage holds no lists, see :mod:`geo.table`),
  ``start_utc``/``end_utc`` aware UTC datetimes (``datetime64[ms, UTC]``: years 1000–9998
  fit), flight figures as floats (NaN for other kinds), ``plausible`` a nullable boolean, and
  ``precedent``, ``track_omitted``, ``arcs_omitted``.
* ``arcs``: one row per contact arc (``LineString``, or ``MultiLineString`` split at the
  antimeridian): ``event_id, kind, status, from, to, start_utc, end_utc``.
* ``tracks``: one row per flight with a track, the same columns and the flight's
  ``distance_km`` and ``duration_minutes``. A round trip (both airports one place) has none;
  the events layer says why (``track_omitted``).

:func:`from_geodataframe` reads an events layer back (:mod:`geo.io.frames`, the reader, is
re-exported here): ``from_geodataframe(to_geodataframe(events)["events"])`` gives the events
back (every field, ``line`` aside: that is where each came from).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo import geometry
from geo.geojson import ARCS_OMITTED, TRACK_OMITTED
from geo.io.frames import from_geodataframe, read_events_file
from geo.layers import precedent_ids
from geo.model import Event
from geo.options import FRAME_SUFFIXES as SUFFIXES
from geo.options import FrameFormat, frame_format
from geo.query import in_order
from geo.table import LAYER_COLUMNS, record
from geo.timeline import epoch_ms
from geo.vertices import split_lines

LAYERS: tuple[str, ...] = ("events", "arcs", "tracks")
CRS = "EPSG:4326"

EVENT_LAYER_COLUMNS: tuple[str, ...] = LAYER_COLUMNS
"""The events layer's columns, in order: :data:`geo.table.RECORD_COLUMNS`' (declared once)."""
_FLOATS = ("destination_lat", "destination_lon", "distance_km", "duration_minutes",
           "avg_speed_kmh")
_LINE_COLUMNS = ("event_id", "kind", "status", "from", "to", "start_utc", "end_utc")



GPKG_DATE = "2000-01-01T00:00:00.000Z"
"""The time a GeoPackage says it was last changed: fixed, so the same events give the same
bytes (GDAL would write the clock's time)."""


def _utc(times: Sequence[Any]) -> pd.Series:
    """Aware datetimes as ``datetime64[ms, UTC]`` (ms since the epoch: no year-2262 limit)."""
    ms = np.array([epoch_ms(t) for t in times], dtype=np.int64).astype("datetime64[ms]")
    return pd.Series(ms).dt.tz_localize("UTC")


def _events_frame(events: Sequence[Event], precedents: set[str]) -> Any:
    import geopandas as gpd
    import shapely

    rows = []
    for ev in events:
        row = record(ev)
        row["precedent"] = ev.id in precedents
        if ev.is_flight and geometry.same_place(ev.origin[0], ev.destination):
            row["track_omitted"] = TRACK_OMITTED
        omitted = geometry.omitted_origins(ev)
        if omitted:
            row["arcs_omitted"] = "; ".join(o.label for o in omitted)
        rows.append(row)
    frame = pd.DataFrame.from_records(rows, columns=list(EVENT_LAYER_COLUMNS))
    for col in EVENT_LAYER_COLUMNS:
        if col in _FLOATS:
            frame[col] = frame[col].astype("float64")
        elif col == "plausible":
            frame[col] = frame[col].astype("boolean")
        elif col == "precedent":
            frame[col] = frame[col].astype(bool)
        elif col in ("start_utc", "end_utc"):
            frame[col] = _utc([getattr(ev, col) for ev in events])
        else:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
            if frame[col].notna().all():
                frame[col] = frame[col].astype(str)
    points = shapely.points(
        [ev.destination.lon for ev in events], [ev.destination.lat for ev in events]
    )
    return gpd.GeoDataFrame(frame, geometry=list(points) if len(events) else [], crs=CRS)


def _lines_frame(events: Sequence[Event], lines: geometry.Lines, tracks: bool) -> Any:
    import geopandas as gpd
    import shapely

    parts = split_lines(lines)
    geoms = []
    rows: dict[str, list[Any]] = {c: [] for c in _LINE_COLUMNS}
    if tracks:
        rows["distance_km"], rows["duration_minutes"] = [], []
    chosen: list[Event] = []
    for j, i in enumerate(lines.event.tolist()):
        ev = events[i]
        if tracks and geometry.same_place(ev.origin[0], ev.destination):
            continue
        pieces = [
            shapely.linestrings(parts.lons[a:b], parts.lats[a:b])
            for a, b in map(parts.vertices_of, parts.parts_of(j))
        ]
        geoms.append(pieces[0] if len(pieces) == 1 else shapely.MultiLineString(pieces))
        k = int(lines.origin[j])
        rows["event_id"].append(ev.id)
        rows["kind"].append(ev.kind)
        rows["status"].append(ev.status)
        rows["from"].append(ev.origin[k].label)
        rows["to"].append(ev.destination.label)
        chosen.append(ev)
        if tracks:
            facts = record(ev)
            rows["distance_km"].append(facts.get("distance_km"))
            rows["duration_minutes"].append(facts.get("duration_minutes"))
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in rows.items()})
    frame["start_utc"] = _utc([ev.start_utc for ev in chosen])
    frame["end_utc"] = _utc([ev.end_utc for ev in chosen])
    if tracks:
        for col in ("distance_km", "duration_minutes"):
            frame[col] = frame[col].astype("float64")
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=CRS)


def to_geodataframe(events: Sequence[Event]) -> dict[str, Any]:
    """``{"events": …, "arcs": …, "tracks": …}``: the events as typed GeoDataFrames (see the
    module docstring). The caller's events are not changed; each call makes new frames."""
    events = list(events)
    precedents = precedent_ids(events)
    return {
        "events": _events_frame(events, precedents),
        "arcs": _lines_frame(events, geometry.contact_arcs(events), tracks=False),
        "tracks": _lines_frame(events, geometry.flight_tracks(events), tracks=True),
    }


# ------------------------------------------------------------------ files


def write_frames(events: Sequence[Event], path: str | os.PathLike[str], fmt: FrameFormat) -> None:
    """Write the events to ``path``: a GeoPackage with the three layers (``events``, ``arcs``,
    ``tracks``; an empty one left out), or the events layer alone as GeoParquet or as GeoJSON
    (RFC 7946, through GDAL). Rows in the one event order (:data:`geo.query.EVENT_ORDER`), as
    in every export: the same events give the same bytes, in whatever order they come."""
    frames = to_geodataframe(in_order(events))
    if fmt == "parquet":
        frames["events"].to_parquet(path, index=False)
        return
    import pyogrio

    if fmt == "geojson":
        frames["events"].to_file(path, driver="GeoJSON", engine="pyogrio", RFC7946="YES")
        return
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    try:
        for layer in LAYERS:
            frame = frames[layer]
            if layer == "events" or len(frame):
                frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def frames_bytes(events: Sequence[Event], fmt: FrameFormat) -> bytes:
    """:func:`write_frames`'s file as bytes (an export's download)."""
    with tempfile.TemporaryDirectory(prefix="geo-frames-") as folder:
        path = Path(folder) / f"events.{'json' if fmt == 'geojson' else fmt}"
        write_frames(events, path, fmt)
        return path.read_bytes()


__all__ = [
    "ARCS_OMITTED",
    "EVENT_LAYER_COLUMNS",
    "LAYERS",
    "SUFFIXES",
    "TRACK_OMITTED",
    "frame_format",
    "frames_bytes",
    "from_geodataframe",
    "read_events_file",
    "to_geodataframe",
    "write_frames",
]
