"""The baseline a Python user would reach for: geopandas' ``explore()`` of the same data.

    python benchmarks/explore_baseline.py EVENTS_CSV OUT_HTML [--lines]

Reads and resolves the events with the same loader as ``python -m geo export`` (so both sides
pay the same parsing cost), puts every event's place and its normalized properties in a
GeoDataFrame, and writes ``gdf.explore()`` to an HTML file. With ``--lines`` it draws the same
work the project's map draws: every contact arc and every flight track as a LineString with
the same geodesic vertices (:mod:`geo.geometry`, computed here too), beside the points.
"""

from __future__ import annotations

import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import geometry
from geo.dataset import load_dataset
from geo.table import normalize


def _lines(events: list, frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Every arc and track as a LineString (the project's vertices), with its event's row."""
    parts = []
    for lines in (geometry.contact_arcs(events), geometry.flight_tracks(events)):
        ends = lines.offsets
        coords = np.column_stack([lines.lons, lines.lats])
        geoms = shapely.linestrings(coords, indices=np.repeat(np.arange(len(lines)),
                                                              np.diff(ends)))
        rows = frame.iloc[lines.event].reset_index(drop=True)
        parts.append(gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326"))
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    events_csv, out = sys.argv[1], sys.argv[2]
    data = load_dataset(events_csv, strict=False)
    events = list(data.events)
    frame = pd.DataFrame([normalize(e) for e in events])
    for col in ("origin", "participants", "sources", "references"):
        frame[col] = frame[col].map(lambda v: "; ".join(map(str, v)))
    frame = frame.drop(columns=[c for c in frame.columns if frame[c].map(
        lambda v: isinstance(v, list | dict)).any()])
    gdf = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["destination_lon"], frame["destination_lat"]),
        crs="EPSG:4326",
    )
    if "--lines" in sys.argv[3:]:
        gdf = pd.concat([gdf, _lines(events, frame)], ignore_index=True)
    gdf.explore().save(out)


if __name__ == "__main__":
    main()
