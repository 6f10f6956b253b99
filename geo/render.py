"""Features -> folium map -> one self-contained, offline HTML document.

Leaflet's JS and CSS are inlined from the ``xstatic-leaflet`` package (its images as data:
URIs); none of folium's CDN defaults (jQuery, Bootstrap, awesome-markers, Font Awesome) are
kept. The shipped Natural Earth country outlines make the map readable with no tiles; online
tiles are an optional base layer. The time slider and event layers are this project's own
plain JS (``geo/static/timeline.js``), inlined, fed by one JSON data block.

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
from geo.model import Event
from geo.options import Basemap
from geo.shipped import shipped

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_TITLE = "Flights and diplomacy"
DATA_PLACEHOLDER = "\x00geo-data\x00"  # a NUL never occurs in a rendered document
SVG_LIMIT = 5000  # more events than this are drawn on a canvas, not as SVG elements


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
    own = _static("timeline.css") + ".leaflet-container { background: #dde7ee; }\n"
    return _RawHTML(f"<style>{css}\n{own}</style>\n<script>{js}</script>\n")


class _TimeLayers(MacroElement):
    """The data block, the slider control and the event layers.

    Rendered without Jinja: branca would compile a macro's output as a template again, so
    ``{{ … }}`` in a title would be evaluated. The data and the script go into the document
    as fixed text.
    """

    def __init__(
        self,
        payload: dict[str, Any],
        flights: folium.FeatureGroup,
        events: folium.FeatureGroup,
        arcs: folium.FeatureGroup,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GeoTimeline"
        self.payload = payload
        self.fit: list[list[float]] | None = None  # the view to fit before the first draw
        self.defer_data = False
        self.flights, self.events, self.arcs = flights, events, arcs

    def render(self, **kwargs: Any) -> str:
        figure: Any = self.get_root()
        parent: Any = self._parent
        data_id = "geo-data"
        # to_html splices the (large) data in after rendering, sparing branca's copies of it
        data = DATA_PLACEHOLDER if self.defer_data else json_for_script(self.payload)
        figure.html.add_child(
            _RawHTML(f'<script type="application/json" id="{data_id}">{data}</script>\n'),
            name=f"{self.get_name()}_data",
        )
        groups = (
            f"{{flights: {self.flights.get_name()}, events: {self.events.get_name()}, "
            f"arcs: {self.arcs.get_name()}}}"
        )
        options = json.dumps({"svgLimit": SVG_LIMIT, "fit": self.fit})
        figure.script.add_child(
            _RawHTML(
                f"{_static('timeline.js')}\n"
                f"var {self.get_name()} = geoTimelineInit({parent.get_name()}, {groups}, "
                f"{json.dumps(data_id)}, {options});\n"
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


def build_map(
    events: Sequence[Event],
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap = "tiles",
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
    fmap.default_js = []
    fmap.default_css = []
    figure: Any = fmap.get_root()
    figure.title = html.escape(title)
    figure.header.add_child(_inline_leaflet(), name="inline_leaflet")
    if basemap == "tiles":
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap tiles (online)", control=True, show=True
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
    for group in (arcs, places, flights):
        group.add_to(fmap)
    payload = map_payload(events, tz=tz, title=title)
    time_layers = _TimeLayers(payload, flights, places, arcs)
    if box is not None:
        # fitted by the page before it draws anything, without a zoom animation: a fit after
        # the layers are drawn would draw every arc twice
        (south, west), (north, east) = box
        pad = 2.0
        time_layers.fit = [[south - pad, west - pad], [north + pad, east + pad]]
    fmap.add_child(time_layers)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _number_ids(figure)
    return fmap


def _outline_style(_feature: Any) -> dict[str, Any]:
    return {"color": "#8a9aa8", "weight": 0.8, "fillColor": "#f7f5ef", "fillOpacity": 1.0}


def to_html(
    events: Sequence[Event],
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap = "tiles",
) -> str:
    """The self-contained HTML document (what the app shows and the CLI exports)."""
    return to_html_bytes(events, tz=tz, title=title, basemap=basemap).decode("utf-8")


def to_html_bytes(
    events: Sequence[Event],
    *,
    tz: str = "UTC",
    title: str | None = None,
    basemap: Basemap = "tiles",
) -> bytes:
    """:func:`to_html` as UTF-8: the rendered document with the data block's JSON (made as
    bytes, never as a text copy of tens of MB) spliced in."""
    fmap = build_map(events, tz=tz, title=title, basemap=basemap)
    layers = next(c for c in fmap._children.values() if isinstance(c, _TimeLayers))
    layers.defer_data = True
    text: str = fmap.get_root().render()
    head, placeholder, tail = text.rpartition(DATA_PLACEHOLDER)  # the last: after any title
    assert placeholder, "the data placeholder is missing from the rendered document"
    data = json_for_script_bytes(layers.payload)
    return b"".join((head.encode("utf-8"), data, tail.encode("utf-8")))
