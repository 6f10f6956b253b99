"""Build ``data/countries.geojson``: country outlines for maps.

Source: Natural Earth 1:110m admin-0 countries ("naturalearth_lowres", public domain,
https://www.naturalearthdata.com/), as shipped in the installed ``pyogrio`` package's test
fixtures (``pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp``, originally
copied from GeoPandas). Licence: public domain -- no attribution required ("Made with Natural
Earth" is appreciated).

Processing: keep only the ``name`` and ``iso_a3`` properties, round coordinates to 3 decimals
(dropping consecutive duplicate points, and rings that collapse to fewer than 4 points), sort
features by name, write compact deterministic JSON as a GeoJSON FeatureCollection. In this old
Natural Earth extract France and Norway carry ``iso_a3 = "-99"``; they are set to FRA / NOR.
Kosovo, N. Cyprus and Somaliland keep ``-99`` (no ISO 3166 code).

Rebuild (needs ``pyogrio`` and ``shapely``)::

    python scripts/build_outlines.py
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pyogrio
import shapely
from shapely.geometry import mapping, shape

OUT = Path(__file__).resolve().parent.parent / "data" / "countries.geojson"
FIXTURE = Path("tests") / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
ISO_A3_FIXES = {"France": "FRA", "Norway": "NOR"}
DECIMALS = 3


def find_source() -> Path:
    """Locate naturalearth_lowres.shp inside an installed package (pyogrio first)."""
    for package in ("pyogrio", "geopandas"):
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        root = Path(spec.origin).parent
        if (root / FIXTURE).exists():
            return root / FIXTURE
        found = sorted(root.rglob("naturalearth_lowres.shp"))
        if found:
            return found[0]
    raise SystemExit("ERROR: naturalearth_lowres.shp not found in pyogrio or geopandas")


def round_ring(ring: list) -> list | None:
    """Round a ring, dropping consecutive duplicates; None if it collapses below 4 points."""
    out: list[list[float]] = []
    for x, y, *_ in ring:
        point = [round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0]  # + 0.0 turns -0.0 into 0.0
        if not out or out[-1] != point:
            out.append(point)
    return out if len(out) >= 4 else None


def round_polygon(rings: list) -> list | None:
    rounded = [round_ring(r) for r in rings]
    if rounded[0] is None:  # exterior collapsed: drop the whole polygon
        return None
    return [r for r in rounded if r is not None]


def round_geometry(geom: dict) -> dict:
    if geom["type"] == "Polygon":
        coords = round_polygon(geom["coordinates"])
        if coords is None:
            raise SystemExit("ERROR: polygon collapsed when rounding")
    elif geom["type"] == "MultiPolygon":
        polys = [round_polygon(p) for p in geom["coordinates"]]
        coords = [p for p in polys if p is not None]
        if not coords:
            raise SystemExit("ERROR: multipolygon collapsed when rounding")
    else:
        raise SystemExit(f"ERROR: unexpected geometry type {geom['type']}")
    return {"type": geom["type"], "coordinates": coords}


def main() -> int:
    source = find_source()
    _meta, _fids, geometries, fields = pyogrio.raw.read(source, columns=["name", "iso_a3"])
    names, isos = fields
    features = []
    for name, iso, wkb in zip(names, isos, geometries, strict=True):
        iso = ISO_A3_FIXES.get(name, iso) if iso == "-99" else iso
        geom = round_geometry(mapping(shapely.from_wkb(wkb)))
        features.append(
            {
                "type": "Feature",
                "properties": {"name": str(name), "iso_a3": str(iso)},
                "geometry": geom,
            }
        )
    invalid = [f["properties"]["name"] for f in features if not shape(f["geometry"]).is_valid]
    if invalid:
        print(f"warning: invalid geometries after rounding: {invalid}")
    features.sort(key=lambda f: (f["properties"]["name"], f["properties"]["iso_a3"]))
    collection = {"type": "FeatureCollection", "features": features}

    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    OUT.write_text(text + "\n", encoding="utf-8", newline="\n")
    still_missing = sorted(
        f["properties"]["name"] for f in features if f["properties"]["iso_a3"] == "-99"
    )
    print(f"Source: {source}")
    print(f"iso_a3 fixed by hand: {ISO_A3_FIXES}; still -99: {still_missing}")
    print(f"Wrote {OUT}: {len(features)} features, {OUT.stat().st_size:,} bytes")
    print("Data source: Natural Earth 1:110m admin-0 countries (public domain)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
