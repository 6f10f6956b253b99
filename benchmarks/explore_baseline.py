"""The baseline a Python user would reach for: geopandas' ``explore()`` of the same points.

    python benchmarks/explore_baseline.py EVENTS_CSV OUT_HTML

Reads and resolves the events with the same loader as ``python -m geo export`` (so both sides
pay the same parsing cost), puts every event's place and its normalized properties in a
GeoDataFrame, and writes ``gdf.explore()`` to an HTML file.
"""

from __future__ import annotations

import sys

import geopandas as gpd
import pandas as pd

from geo.io import load_dataset
from geo.table import normalize


def main() -> None:
    events_csv, out = sys.argv[1], sys.argv[2]
    data = load_dataset(events_csv)
    frame = pd.DataFrame([normalize(e) for e in data.events])
    for col in ("origin", "participants", "sources"):
        frame[col] = frame[col].map("; ".join)
    gdf = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["destination_lon"], frame["destination_lat"]),
        crs="EPSG:4326",
    )
    gdf.explore().save(out)


if __name__ == "__main__":
    main()
