"""The page's data -> folium map -> one self-contained, offline HTML document.

Leaflet's JS and CSS are inlined from the ``xstatic-leaflet`` package (its images as data:
URIs); none of folium's CDN defaults (jQuery, Bootstrap, awesome-markers, Font Awesome) are
kept. The shipped Natural Earth country outlines make the map readable with no tiles; online
tiles are an explicit choice (``basemap="tiles"``: their requests reveal the area viewed), an
overlay the reader can switch off. The page's own script (``geo/static/js/*.js``, small files
by role, concatenated here in name order) and its vendored libraries (``geo/static/vendor``:
GeographicLib's geodesics, fflate's inflate) are inlined after Leaflet, fed by one small JSON
block and one base64 blob (:mod:`geo.pack`).

The document is deterministic: element ids are numbered, not random, so the same input gives
byte-identical HTML.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import folium
import orjson
from branca.element import Element, MacroElement

from geo.layers import bounds, map_payload
from geo.model import Event, MapView
from geo.options import DEFAULT_BASEMAP, Basemap
from geo.shipped import shipped
from geo.style import MARK

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = ("geographiclib-geodesic-2.2.0.min.js", "fflate-0.8.3.min.js")
DEFAULT_TITLE = "Flights and diplomacy"
BLOB_PLACEHOLDER = "\x00geo-blob\x00"  # a NUL never occurs in a rendered document


_SCRIPT_ESCAPES = tuple(
    (char.encode("utf-8"), escaped.encode("ascii"))
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    )
)


def json_for_script_bytes(value: Any) -> bytes:
    """UTF-8 JSON that is inert inside ``<script>``: no ``</script>``, ``<!--``, U+2028/2029.

    Numpy arrays are written as JSON lists. (In UTF-8 the bytes of U+2028 cannot occur inside
    another character's, so replacing bytes is replacing characters.)
    """
    data = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
    for char, escaped in _SCRIPT_ESCAPES:
        if char in data:  # a scan is cheap; a replace copies tens of MB
            data = data.replace(char, escaped)
    return data


def json_for_script(value: Any) -> str:
    """:func:`json_for_script_bytes` as text."""
    return json_for_script_bytes(value).decode("utf-8")


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from xstatic-leaflet, the CSS's images inlined as data: URIs."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = base / match.group(1)
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    if "</script" in js.lower():  # pragma: no cover - a Leaflet release we have not seen
        raise RuntimeError("leaflet.js contains '</script'; cannot inline it safely")
    return js, css


@cache
def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def page_script() -> str:
    """The vendored libraries, then the page's files in name order (their fixed order)."""
    parts = [_static(f"vendor/{name}") for name in VENDOR]
    parts += [_static(f"js/{path.name}") for path in sorted((STATIC / "js").glob("*.js"))]
    script = "\n".join(parts)
    if "</script" in script.lower():  # pragma: no cover - a vendored release we have not seen
        raise RuntimeError("the page's script contains '</script'; cannot inline it safely")
    return script


@lru_cache(maxsize=1)
def country_outlines() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(shipped("countries.geojson").read_text(encoding="utf-8"))
    return data


class _RawHTML(Element):
    """A fixed piece of HTML, not passed through Jinja (Leaflet's source is not a template)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.markup = markup

    def render(self, **kwargs: Any) -> str:
        return self.markup


def _inline_leaflet() -> _RawHTML:
    js, css = leaflet_assets()
    own = _static("timeline.css") + f".leaflet-container {{ background: {MARK.sea}; }}\n"
    return _RawHTML(f"<style>{css}\n{own}</style>\n<script>{js}</script>\n")


class _TimeLayers(MacroElement):
    """The data (a JSON block and a base64 blob), the page's script and its start.

    Rendered without Jinja: branca would compile a macro's output as a template again, so
    ``{{ … }}`` in a title would be evaluated. The data and the script go into the document
    as fixed text.
    """

    def __init__(
        self,
        meta: dict[str, Any],
        blob: bytes,
        flights: folium.FeatureGroup,
        events: folium.FeatureGroup,
        arcs: folium.FeatureGroup,
        names: folium.FeatureGroup | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GeoTimeline"
        self.meta, self.blob = meta, blob
        self.fit: list[list[float]] | None = None  # the view to fit when there is no view
        self.defer_data = False
        self.flights, self.events, self.arcs = flights, events, arcs
        self.names = names

    def render(self, **kwargs: Any) -> str:
        figure: Any = self.get_root()
        parent: Any = self._parent
        # to_html_bytes splices the (large) blob in after rendering, sparing branca's copies
        blob = BLOB_PLACEHOLDER if self.defer_data else self.blob.decode("ascii")
        figure.html.add_child(
            _RawHTML(
                f'<script type="application/json" id="geo-meta">{json_for_script(self.meta)}'
                f'</script>\n<script type="application/octet-stream" id="geo-blob">{blob}'
                "</script>\n"
            ),
            name=f"{self.get_name()}_data",
        )
        names = f", names: {self.names.get_name()}" if self.names is not None else ""
        groups = (
            f"{{flights: {self.flights.get_name()}, events: {self.events.get_name()}, "
            f"arcs: {self.arcs.get_name()}{names}}}"
        )
        options = json.dumps({"metaId": "geo-meta", "blobId": "geo-blob", "fit": self.fit})
        figure.script.add_child(
            _RawHTML(
                f"{page_script()}\n"
                f"var {self.get_name()} = geoTimelineInit({parent.get_name()}, {groups}, "
                f"{options});\n"
            ),
            name=self.get_name(),
        )
        return ""


def _number_ids(root: Any) -> None:
    """Replace folium's random element ids by sequential ones (deterministic output)."""
    counter = 0

    def walk(element: Any) -> None:
        nonlocal counter
        counter += 1
        element._id = f"{counter:04d}"
        for child in list(getattr(element, "_children", {}).values()):
            walk(child)

    walk(root)


MAX_ZOOM = 18
"""The deepest zoom (OpenStreetMap's tiles stop there; the outlines say nothing closer)."""


def build_map(
    events: Sequence[Event],
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap = DEFAULT_BASEMAP,
    views: Sequence[MapView] = (),
    left_out: Sequence[str] = (),
) -> folium.Map:
    """The folium map of ``events``: outlines, optional tiles, event layers, time slider."""
    title = DEFAULT_TITLE if title is None else title
    box = bounds(events)
    fmap = folium.Map(
        location=[40.0, 30.0],
        zoom_start=3,
        tiles=None,
        control_scale=True,
        zoom_control=True,
    )
    # without a tile layer Leaflet has no zoom limit (folium gives max_zoom to tiles only):
    # fitting one place (a selection of one event) would zoom to infinity and break the page
    fmap.options["max_zoom"] = MAX_ZOOM
    fmap.default_js = []
    fmap.default_css = []
    figure: Any = fmap.get_root()
    figure.title = html.escape(title)
    figure.header.add_child(_inline_leaflet(), name="inline_leaflet")
    if basemap == "tiles":  # an overlay, so the reader can switch the requests off
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap tiles (online: requests reveal the area)",
            control=True, show=True, overlay=True,
        ).add_to(fmap)
    folium.GeoJson(
        country_outlines(),
        name="Country outlines (offline)",
        style_function=_outline_style,
        highlight_function=None,
        tooltip=None,
        smooth_factor=1.0,
        control=True,
        zoom_on_click=False,
        embed=True,
        interactive=False,
    ).add_to(fmap)
    arcs = folium.FeatureGroup(name="Capital-to-capital contacts (arcs)")
    places = folium.FeatureGroup(name="Meetings, visits, statements")
    flights = folium.FeatureGroup(name="Flights")
    names = folium.FeatureGroup(name="Names of places and countries (offline)")
    for group in (arcs, places, flights, names):
        group.add_to(fmap)
    meta, blob = map_payload(events, tz=tz, title=title, views=views, left_out=left_out)
    time_layers = _TimeLayers(meta, blob, flights, places, arcs, names)
    if box is not None:
        # fitted by the page before it draws anything, without a zoom animation (when the
        # document has no view of its own to open on)
        (south, west), (north, east) = box
        pad = 2.0
        time_layers.fit = [[south - pad, west - pad], [north + pad, east + pad]]
    fmap.add_child(time_layers)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    _number_ids(figure)
    return fmap


def _outline_style(_feature: Any) -> dict[str, Any]:
    return {
        "color": MARK.outline_color,
        "weight": MARK.outline_weight,
        "fillColor": MARK.land_fill,
        "fillOpacity": 1.0,
    }


def to_html(
    events: Sequence[Event],
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap = DEFAULT_BASEMAP,
    views: Sequence[MapView] = (),
    left_out: Sequence[str] = (),
) -> str:
    """The self-contained HTML document (what the app shows and the CLI exports)."""
    return to_html_bytes(
        events, tz=tz, title=title, basemap=basemap, views=views, left_out=left_out
    ).decode("utf-8")


def to_html_bytes(
    events: Sequence[Event],
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap = DEFAULT_BASEMAP,
    views: Sequence[MapView] = (),
    left_out: Sequence[str] = (),
) -> bytes:
    """:func:`to_html` as UTF-8: the rendered document with the data blob (base64, made as
    bytes, never as a text copy of megabytes) spliced in."""
    fmap = build_map(events, tz=tz, title=title, basemap=basemap, views=views, left_out=left_out)
    layers = next(c for c in fmap._children.values() if isinstance(c, _TimeLayers))
    layers.defer_data = True
    text: str = fmap.get_root().render()
    head, placeholder, tail = text.rpartition(BLOB_PLACEHOLDER)  # the last: after any title
    assert placeholder, "the data placeholder is missing from the rendered document"
    return b"".join((head.encode("utf-8"), layers.blob, tail.encode("utf-8")))
