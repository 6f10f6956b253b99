"""Names on the map, offline: what the page and the still image may label, and how much
each name matters.

- **places**: every place the events name (an event's place, an origin, a flight's airports),
  worded short (a city's name; an airport's code), ranked by how many events name it;
- **countries**: the shipped outlines' names (Natural Earth, public domain) at a point well
  inside each country (the pole of inaccessibility of its largest part), ranked by area and
  shown at low zooms only.

Which names are drawn is decided where the pixels are known (the page at each zoom, the image
once): greedily, most important first, a name left out where it would touch one already
placed (:data:`PLACE_OFFSETS`, the same order of tries in both).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geo.model import Event, Location
from geo.shipped import shipped

COUNTRY_MAX_ZOOM = 6  # country names from the widest view down to this zoom
MAX_PLACE_LABELS = 1000  # the most named places the page may label (placed at every view)
PLACE_OFFSETS: tuple[tuple[str, int, int], ...] = (
    # where a place's name may go, tried in this order: (anchor, dx, dy) in px from the point
    ("left", 9, 0),  # to the right of the point, vertically centred
    ("right", -9, 0),  # to its left
    ("bottom", 0, -9),  # above it
    ("top", 0, 9),  # below it
)
"""A place's name is tried right of its point, then left, above, below."""


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    lon: float
    lat: float
    rank: float  # larger first
    dot: bool = False  # a small marker of its own (an origin or airport with no event marker)


def place_labels(events: Sequence[Event]) -> list[Label]:
    """A label for each place the events name, most named first (ties by name).

    An airport is labelled by its code (the city beside it has its own name); a place that is
    only an origin or an airport, with no event of its own, gets a small dot.
    """
    named: Counter[Location] = Counter()
    destinations: set[Location] = set()
    for ev in events:
        named[ev.destination] += 1
        if not ev.is_flight:
            destinations.add(ev.destination)
        for loc in ev.origin:
            named[loc] += 1
    out = [
        Label(
            text=loc.airport or loc.name,
            lon=loc.lon,
            lat=loc.lat,
            rank=float(count) * (0.5 if loc.airport else 1.0),
            dot=loc not in destinations,
        )
        for loc, count in named.items()
    ]
    return sorted(out, key=lambda lb: (-lb.rank, lb.text))


@lru_cache(maxsize=1)
def country_labels() -> tuple[Label, ...]:
    """The shipped outlines' country names at a point inside each, largest country first."""
    from shapely.geometry import shape
    from shapely.ops import polylabel

    data = json.loads(shipped("countries.geojson").read_text(encoding="utf-8"))
    out = []
    for feature in data.get("features", []):
        name = str(feature.get("properties", {}).get("name", "")).strip()
        geom = shape(feature["geometry"])
        if not name or geom.is_empty:
            continue
        parts: Iterable[Any] = getattr(geom, "geoms", [geom])
        largest = max(parts, key=lambda p: p.area)
        point = polylabel(largest, tolerance=0.1)
        out.append(Label(name, round(point.x, 3), round(point.y, 3), round(geom.area, 3)))
    return tuple(sorted(out, key=lambda lb: (-lb.rank, lb.text)))


def labels_payload(events: Sequence[Event]) -> dict[str, Any]:
    """The labels as the page reads them: ``[lon, lat, text, rank, dot]`` rows."""
    return {
        "places": [
            [lb.lon, lb.lat, lb.text, lb.rank, lb.dot]
            for lb in place_labels(events)[:MAX_PLACE_LABELS]
        ],
        "countries": [[lb.lon, lb.lat, lb.text, lb.rank] for lb in country_labels()],
        "countryMaxZoom": COUNTRY_MAX_ZOOM,
        "offsets": [list(o) for o in PLACE_OFFSETS],
    }


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in px


def place(options: Sequence[Sequence[Box]], taken: Sequence[Box] = ()) -> list[tuple[int, int]]:
    """Greedy placement (the page's ``GEO.placeLabels``): for each label, most important
    first, the first of its boxes that overlaps nothing placed (nor ``taken``: markers).
    Returns ``(label, option)`` pairs for the labels placed."""
    boxes = list(taken)
    out: list[tuple[int, int]] = []
    for k, alternatives in enumerate(options):
        for j, (x0, y0, x1, y1) in enumerate(alternatives):
            if all(x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0 for a0, b0, a1, b1 in boxes):
                out.append((k, j))
                boxes.append((x0, y0, x1, y1))
                break
    return out
