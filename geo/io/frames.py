"""Events from GeoPackage, GeoParquet and GeoJSON files (and from a GeoDataFrame), through
the very rules of an events file.

:func:`from_geodataframe` reads an events layer (:func:`geo.frames.to_geodataframe`'s
``"events"``, or a file's): its cells become the text cells of ``events.csv`` (``start``/``end``
as written, places by reference: a label ``Name (CODE)`` is the airport ``CODE``, another label
a place's name) and go through the rules of an events file (:data:`geo.io.rules.CHECKS`, and
the CSV reader's checks of the header and of each cell's characters and length), so a bad row
is reported as ``FILE:LINE: column: message`` with LINE the feature's number (its row number,
from 1, as QGIS shows it). The geometry is not read: an event's place is its ``destination``.

Only reading lives here (the writer is :mod:`geo.frames`, above the page's data): reading a
GeoPackage of events pulls in no layer of the map.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.io.csvfile import (
    Table,
    _check_characters,
    _check_header,
    _check_lengths,
    in_line_order,
    split_list,
)
from geo.io.reference import Bibliography, load_airports, load_places, load_sources
from geo.io.rules import read_events
from geo.io.source import Source, read_bytes
from geo.model import EVENT_FILE_COLUMNS, EVENT_OPTIONAL, DataError, Event, Problem
from geo.options import FrameFormat, frame_format
from geo.places import Gazetteer
from geo.shipped import shipped


def _cell(value: Any) -> str:
    """A frame's value as the text of a CSV cell (missing values empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return value if isinstance(value, str) else str(value)


def _reference(label: str, gazetteer: Gazetteer) -> str:
    """A place label (``Vnukovo International Airport (VKO)``, ``Baku``) as the reference that
    names it: the airport's code, or the label itself (a place's name, or text that the rules
    then report as an unknown place)."""
    label = label.strip()
    if label.endswith(")") and " (" in label:
        code = label[label.rindex(" (") + 2 : -1]
        found = gazetteer.resolve(code) if code else None
        if found is not None and found.airport and found.label == label:
            return code
    return label


def from_geodataframe(
    frame: Any,
    gazetteer: Gazetteer | None = None,
    bibliography: Bibliography | None = None,
    *,
    name: str = "GeoDataFrame",
) -> list[Event]:
    """The events of an events layer (:func:`to_geodataframe`'s ``"events"``, or a file's),
    checked by the rules of ``events.csv``; raises :class:`~geo.model.DataError` with every
    problem as ``NAME:N: column: message`` (N the row's number, from 1).

    ``gazetteer`` and ``bibliography`` default to the shipped data's. Rows whose ``role`` is
    ``contact`` (the arcs of a GeoJSON export read as one layer) are not events and are
    skipped; every other column than the events file's is ignored.
    """
    if gazetteer is None:
        gazetteer = Gazetteer(
            load_airports(shipped("airports.csv")), load_places(shipped("places.csv"))
        )
    if bibliography is None:
        bibliography = load_sources(shipped("sources.csv"))
    columns = EVENT_FILE_COLUMNS
    header = [c for c in columns if c in frame.columns]
    problems: list[Problem] = []
    if not _check_header(header, name, columns, EVENT_OPTIONAL, problems):
        raise DataError(problems)
    keep = list(range(len(frame)))
    if "role" in frame.columns:
        roles = [_cell(v) for v in frame["role"].tolist()]
        keep = [k for k in keep if roles[k] != "contact"]
    cells = {col: [_cell(v) for v in frame[col].tolist()] for col in header}
    for col in ("origin", "destination"):
        cells[col] = [
            ";".join(_reference(label, gazetteer) for label in split_list(cell)) if cell else ""
            for cell in cells[col]
        ]
    records, lines, flagged = [], [], set()
    for k in keep:
        record_ = [cells[col][k] for col in header]
        line = k + 1
        if _check_characters(record_, header, name, line, problems):
            flagged.add(line)
        if _check_lengths(record_, header, name, line, problems):
            flagged.add(line)
        records.append(record_)
        lines.append(line)
    table = Table(header, lines, records, frozenset(flagged))
    events = read_events(table, name, gazetteer, {}, bibliography, problems)
    if problems:
        raise DataError(in_line_order(problems))
    return events


def _read_frame(path: Path, fmt: FrameFormat) -> Any:
    import geopandas as gpd

    if fmt == "parquet":
        return gpd.read_parquet(path)
    import pyogrio

    if fmt == "geojson":  # strings that look like dates stay strings ("2025-03" is a month)
        return gpd.read_file(path, engine="pyogrio", DATE_AS_STRING="YES")
    layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    layer = "events" if "events" in layers else (layers[0] if layers else None)
    return gpd.read_file(path, engine="pyogrio", layer=layer)


def read_events_file(
    source: Source,
    gazetteer: Gazetteer,
    bibliography: Bibliography,
    *,
    name: str | None = None,
) -> list[Event]:
    """The events of a GeoPackage (its ``events`` layer, else its first), GeoParquet or
    GeoJSON file (a path, or the file's bytes with ``name`` giving its suffix), checked as
    :func:`from_geodataframe` checks them. Raises :class:`~geo.model.DataError` for every
    problem, a file that cannot be read (too big, not that format) included."""
    label = name or (os.fspath(source) if not isinstance(source, bytes) else "events")
    fmt = frame_format(label)
    if fmt is None:
        raise DataError([Problem(label, 1, "file", (
            "not a file of events this reads; use .gpkg, .parquet, .geojson or a .csv"
        ))])
    problems: list[Problem] = []
    data = read_bytes(source, label, problems)  # the size limit, and a readable file
    if data is None:
        raise DataError(problems)
    with tempfile.TemporaryDirectory(prefix="geo-read-") as folder:
        path = Path(folder) / f"events{Path(label).suffix.lower()}"
        path.write_bytes(data)
        try:
            frame = _read_frame(path, fmt)
        except Exception as exc:  # any failure of the reader is a problem of the file
            what = {"gpkg": "GeoPackage", "parquet": "GeoParquet", "geojson": "GeoJSON"}[fmt]
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problem = Problem(label, 1, "file", f"cannot read as {what}: {first}")
            raise DataError([problem]) from None
    return from_geodataframe(frame, gazetteer, bibliography, name=label)


__all__ = ["from_geodataframe", "read_events_file"]
