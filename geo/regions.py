"""A spatial filter: which events lie within a region (shapely 2, vectorized).

A region is written one of three ways (:func:`region`):

* a country of the shipped outlines (``data/countries.geojson``, Natural Earth 1:110m), by
  its name as the outlines spell it (``Azerbaijan``, ``United States of America``, ``Bosnia
  and Herz.``) in any case, or its ISO 3166-1 alpha-3 code (``AZE``); a near miss gets a
  suggestion. At 1:110m a border is a few kilometres off: a place near one may fall on the
  other side (Jerusalem lies in the outline named ``Palestine``); for a precise region give a
  box or a polygon file;
* a box ``minlon,minlat,maxlon,maxlat`` in degrees (``44,38,51,42``); ``minlon > maxlon`` is a
  box across the antimeridian (``170,-50,-170,-30``);
* a polygon file geopandas reads (GeoJSON, GeoPackage, shapefile, GeoParquet): the union of
  its polygons, in WGS84 (other CRSs are converted).

:func:`within` keeps the events whose place lies in the region, its boundary included.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from geo.model import Event

HELP = (
    "a region is a country name from the shipped outlines (e.g. 'Azerbaijan'), a box "
    "minlon,minlat,maxlon,maxlat (e.g. 44,38,51,42) or a polygon file (.geojson, .gpkg, .shp)"
)
POLYGON_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".parquet", ".geoparquet", ".zip")

_NUMBER = r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*"
_BOX = re.compile(",".join([_NUMBER] * 4) + r"\Z")


def _shipped_outlines() -> dict[str, Any]:
    from geo.shipped import shipped

    data: dict[str, Any] = json.loads(shipped("countries.geojson").read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _countries() -> dict[str, tuple[str, Any]]:
    return _index(_shipped_outlines())


def _index(outlines: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """casefolded name or ISO code -> (the name as spelt, its geometry)."""
    from shapely.geometry import shape

    out: dict[str, tuple[str, Any]] = {}
    for feature in outlines.get("features", []):
        props = feature.get("properties") or {}
        name = str(props.get("name") or "")
        if not name or not feature.get("geometry"):
            continue
        geom = shape(feature["geometry"])
        out[name.casefold()] = (name, geom)
        code = str(props.get("iso_a3") or "")
        if re.fullmatch(r"[A-Z]{3}", code):
            out.setdefault(code.casefold(), (name, geom))
    return out


@lru_cache(maxsize=1)
def _country_tree() -> tuple[list[str], Any]:
    import shapely

    geoms = {name: geom for name, geom in _countries().values()}
    names = sorted(geoms)
    return names, shapely.STRtree([geoms[n] for n in names])


def country_at(lon: float, lat: float) -> str | None:
    """The name of the shipped outline (Natural Earth 1:110m) a point lies in (its boundary
    included), else None: the sea, or a coast the coarse outlines leave out."""
    import shapely

    names, tree = _country_tree()
    hits = sorted(int(k) for k in tree.query(shapely.Point(lon, lat), predicate="intersects"))
    return names[hits[0]] if hits else None


def box(minlon: float, minlat: float, maxlon: float, maxlat: float) -> Any:
    """A lon/lat box as a shapely geometry; across the antimeridian when ``minlon > maxlon``
    (then two boxes, one each side). ``ValueError`` for values out of range."""
    import shapely

    for what, value, limit in (("longitude", minlon, 180), ("latitude", minlat, 90),
                               ("longitude", maxlon, 180), ("latitude", maxlat, 90)):
        if not math.isfinite(value) or abs(value) > limit:
            raise ValueError(f"{value:g} is not a {what} (-{limit}..{limit})")
    if minlat >= maxlat:
        raise ValueError(f"minlat {minlat:g} must be below maxlat {maxlat:g}")
    if minlon == maxlon:
        raise ValueError(f"minlon and maxlon are both {minlon:g}: the box has no width")
    if minlon < maxlon:
        return shapely.box(minlon, minlat, maxlon, maxlat)
    return shapely.MultiPolygon(
        [shapely.box(minlon, minlat, 180, maxlat), shapely.box(-180, minlat, maxlon, maxlat)]
    )


def polygon_file(path: str | os.PathLike[str]) -> Any:
    """The union of the polygons in a file geopandas reads, in WGS84."""
    import geopandas as gpd

    name = os.fspath(path)
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # any failure of the reader is a problem of the file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{name}: cannot read as a polygon file: {first}") from None
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    polygons = frame.geometry[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise ValueError(f"{name}: holds no polygon ({len(frame)} features)")
    return polygons.union_all()


def region(text: str, outlines: dict[str, Any] | None = None, *, files: bool = True) -> Any:
    """The region ``text`` names (see the module docstring) as a shapely geometry;
    ``ValueError`` saying what is wrong and what would be valid. ``outlines``: a GeoJSON
    FeatureCollection of countries (``name``, ``iso_a3``) instead of the shipped one.
    ``files=False`` (the app: a link must not make the server read its files): a country or a
    box only."""
    text = text.strip()
    if not text:
        raise ValueError(f"no region given; {HELP}")
    numbers = _BOX.match(text)
    if numbers:
        try:
            return box(*(float(x) for x in numbers.groups()))
        except ValueError as exc:
            raise ValueError(f"box '{text}': {exc}; write minlon,minlat,maxlon,maxlat") from None
    if "," in text and re.fullmatch(r"[\s\d.,+-]*", text):
        raise ValueError(f"box '{text}' is not four numbers; write minlon,minlat,maxlon,maxlat")
    path = Path(text)
    if not files and (path.suffix.lower() in POLYGON_SUFFIXES or "/" in text or "\\" in text):
        raise ValueError(f"'{text}': here a region is a country or a box, not a file")
    if files and (path.suffix.lower() in POLYGON_SUFFIXES or path.is_file()):
        if not path.is_file():
            raise ValueError(f"{text}: no such file; {HELP}")
        return polygon_file(path)
    countries = _countries() if outlines is None else _index(outlines)
    found = countries.get(text.casefold())
    if found is not None:
        return found[1]
    names = sorted({name for name, _ in countries.values()})
    folded = {n.casefold(): n for n in names}
    key = text.casefold()
    hint = [n for n in names if n.casefold().startswith(key)] or [
        folded[k] for k in difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)
    ]
    did = f"; did you mean '{hint[0]}'?" if hint else ""
    raise ValueError(f"unknown region '{text}'{did} ({HELP})")


def region_or_none(text: str) -> Any:
    """The app's lenient reading: the region a country or a box names, else None (an empty
    text, or one naming no region: the app says so beside the field and leaves it out)."""
    try:
        return region(text, files=False) if text.strip() else None
    except ValueError:
        return None


def region_name(text: str) -> str:
    """How to speak of a region in a title: the country as the outlines spell it, or the text."""
    found = _countries().get(text.strip().casefold())
    return found[0] if found else text.strip()


def within(events: Sequence[Event], geometry: Any) -> list[Event]:
    """The events inside ``geometry`` (its boundary included), in the order given.

    An event is inside when its place (``destination``) is; a flight when its departure or
    its arrival airport is (it touches the region). The origins of other events do not count:
    an event inside keeps all its contact arcs, whatever region they come from, and an event
    outside is left out even when one of its origins lies inside (it happened elsewhere).
    """
    import shapely

    if not events:
        return []
    shapely.prepare(geometry)
    lons = [e.destination.lon for e in events]
    lats = [e.destination.lat for e in events]
    flights = [k for k, e in enumerate(events) if e.is_flight and e.origin]
    lons += [events[k].origin[0].lon for k in flights]
    lats += [events[k].origin[0].lat for k in flights]
    inside = np.asarray(shapely.intersects_xy(geometry, lons, lats), dtype=bool)
    keep = inside[: len(events)].copy()
    keep[flights] |= inside[len(events) :]
    return [e for e, k in zip(events, keep.tolist(), strict=True) if k]
