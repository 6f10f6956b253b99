"""Flight and diplomacy events from news reports on an offline Leaflet map.

``CSV rows -> records (io) -> geometry and times (geodesy, timeline) -> features (layers)
-> one self-contained HTML document (render)``. Heavy modules load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geo.dataset import Dataset, load_dataset
from geo.model import Airport, DataError, Event, Location, Place, Problem
from geo.query import Filters, select

if TYPE_CHECKING:
    from geo.frames import from_geodataframe, to_geodataframe
    from geo.render import build_map, to_html
    from geo.tracks import load_tracks

__all__ = [
    "Airport",
    "DataError",
    "Dataset",
    "Event",
    "Filters",
    "Location",
    "Place",
    "Problem",
    "build_map",
    "from_geodataframe",
    "load_dataset",
    "load_tracks",
    "select",
    "to_geodataframe",
    "to_html",
]


def __getattr__(name: str) -> Any:
    if name in ("build_map", "to_html"):
        from geo import render

        return getattr(render, name)
    if name == "load_tracks":
        from geo.tracks import load_tracks

        return load_tracks
    if name in ("to_geodataframe", "from_geodataframe"):
        from geo import frames

        return getattr(frames, name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
