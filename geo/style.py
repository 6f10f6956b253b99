"""Every style rule of the map, in one place: colours, dashes, weights, radii, rings.

The page receives these tables in its payload (its script maps them onto Leaflet and canvas
drawing properties and writes no number of its own), the legend is built from them, the KML
export converts the same colours, and the static image reads them too.

Kinds are told apart by colour (the colour-blind-safe Okabe-Ito palette) and by the dash of
their arcs; statuses by opacity and a dashed outline for speculation; the *possibly under way*
state (the clock inside an event's interval) by a hollow marker.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from geo.model import KINDS, STATUSES


@dataclass(frozen=True, slots=True)
class KindStyle:
    color: str  # '#RRGGBB'
    dash: str  # SVG dash array of the kind's arcs ('' solid)
    weight: float  # arc width, px (SVG mode)
    canvas_weight: float  # arc width, px, on the canvas drawn above SVG_LIMIT events
    label: str  # the legend's words


@dataclass(frozen=True, slots=True)
class StatusStyle:
    opacity: float  # stroke opacity of markers and lines
    fill: float  # fill opacity of markers
    dash: str  # outline dash ('' solid)
    label: str


KIND_STYLE: dict[str, KindStyle] = {
    "flight": KindStyle("#0072B2", "", 3.5, 2.0, "flight: geodesic track, aircraft"),
    "visit": KindStyle("#009E73", "", 2.5, 1.0, "visit: solid arc from home capital"),
    "meeting": KindStyle("#D55E00", "", 2.5, 1.0, "meeting: arc from each party"),
    "call": KindStyle("#CC79A7", "6 6", 2.5, 1.0, "call: dashed arc caller → called"),
    "agreement": KindStyle("#E69F00", "12 4 2 4", 4.0, 2.0, "agreement: dash-dot, thick"),
    "statement": KindStyle("#56B4E9", "2 5", 2.5, 1.0, "statement: dotted"),
    "report": KindStyle("#6B6B6B", "2 5", 2.5, 1.0, "report: dotted grey"),
    "letter": KindStyle("#8B5A2B", "10 5", 2.5, 1.0, "letter: long dashes"),
    "ruling": KindStyle("#000000", "1 4", 2.5, 1.0, "ruling: court decision, warrant"),
}
STATUS_STYLE: dict[str, StatusStyle] = {
    "confirmed": StatusStyle(0.95, 0.85, "", "confirmed: solid"),
    "reported": StatusStyle(0.6, 0.4, "", "reported: lighter"),
    "speculative": StatusStyle(0.4, 0.1, "3 6", "speculative: faded, dashed outline"),
}
assert set(KIND_STYLE) == set(KINDS) and set(STATUS_STYLE) == set(STATUSES)


@dataclass(frozen=True, slots=True)
class MarkStyle:
    """Markers, rings, the flight's route and airports, clusters and the aircraft."""

    radius: float = 7.0  # an event's marker
    weight: float = 1.5  # its outline
    precedent_radius: float = 11.0  # an earlier meeting where a flight lands
    precedent_weight: float = 3.5
    precedent_ring: str = "#111111"
    # the clock inside the event's interval: drawn hollow (no fill), a thicker outline
    underway_fill: float = 0.0
    underway_weight: float = 2.5
    route_color: str = "#0072B2"  # a flight's whole route, under the part flown
    route_weight: float = 2.0
    route_opacity: float = 0.3  # the route ahead: faint and solid, never a statement's dots
    route_dash: str = ""
    # the fading trail behind the aircraft (as deck.gl's trips layer): the last `trail_share`
    # of the flight's time, in `trail_steps` pieces from faint to `trail_opacity`
    trail_share: float = 0.25
    trail_steps: int = 5
    trail_weight: float = 6.0
    trail_opacity: float = 0.45
    airport_radius: float = 4.0
    airport_fill: str = "#ffffff"
    cluster_color: str = "#333333"  # a marker standing for several events at one spot
    cluster_fill: str = "#ffffff"
    cluster_radius: float = 13.0  # a cluster of n events: cluster_radius(n), this and
    cluster_growth_px: float = 2.0  # this many px more for every tenfold count
    cluster_weight: float = 2.0  # its outline
    aircraft_color: str = "#0072B2"
    aircraft_size_px: int = 26
    aircraft_outline: str = "#ffffff"
    recorded_color: str = "#0b3d91"  # a recorded (ADS-B) track
    recorded_gap_dash: str = "4 6"  # its coverage gaps
    reference_opacity: float = 0.3  # the great circle kept beside a recorded track
    profile_alt_color: str = "#0b3d91"  # the popup's altitude profile
    profile_gs_color: str = "#D55E00"  # and ground speed
    profile_now_color: str = "#111111"  # the clock's time on it
    dash_from_zoom: int = 5  # canvas mode: dashes and widths from this zoom (below: hairlines)
    outline_color: str = "#8a9aa8"  # the shipped country outlines
    outline_weight: float = 0.8
    land_fill: str = "#f7f5ef"
    sea: str = "#dde7ee"
    legend_ink: str = "#333333"  # the legend's neutral samples (a status, a state, a count)
    place_label_color: str = "#222222"  # names on the map: a place's
    country_label_color: str = "#5b6b78"  # a country's (italic, lighter)
    label_ink: str = "#333333"  # a name where a line leaves the view; an origin's dot
    histogram_color: str = "#8a9aa8"  # the clock's bars of events over time
    clock_now_color: str = "#0072B2"  # the clock's time on them
    altitude_run_opacity: float = 0.95  # a recorded track's runs coloured by altitude


MARK = MarkStyle()

CLUSTER_CELL_PX = 44
"""The screen grid that groups places into one marker, px: a cluster marker is up to ~40 px
wide, so cells this size keep them apart (the page's ``GEO.cluster``, the still image)."""


def cluster_radius(n: int) -> float:
    """The radius in px of a marker standing for ``n`` events (the page's and the still
    image's): :attr:`MarkStyle.cluster_radius`, growing by ``cluster_growth_px`` per tenfold."""
    return MARK.cluster_radius + MARK.cluster_growth_px * math.log10(n)

# A recorded track coloured by altitude on tar1090's scale (its defaults.js ColorByAlt): the hue
# interpolated in altitude (ft) between these stops, saturation 88 %, the lightness
# interpolated in hue (so every hue reads about as dark on the map).
ALTITUDE_HUES: tuple[tuple[float, float], ...] = (
    (0, 20), (2000, 32.5), (4000, 43), (6000, 54), (8000, 72), (9000, 85), (11000, 140),
    (40000, 300), (51000, 360),
)
ALTITUDE_LIGHTNESS: tuple[tuple[float, float], ...] = (
    (0, 53), (20, 50), (32, 54), (40, 52), (46, 51), (50, 46), (60, 43), (80, 41), (100, 41),
    (120, 41), (140, 41), (160, 40), (180, 40), (190, 44), (198, 50), (200, 58), (220, 58),
    (240, 58), (255, 55), (266, 55), (270, 58), (280, 58), (290, 47), (300, 43), (310, 48),
    (320, 48), (340, 52), (360, 53),
)
ALTITUDE_SATURATION = 88.0
ALTITUDE_BAND_FT = 1000  # the page colours a track's segments by 1,000 ft bands
ALTITUDE_UNKNOWN = "#9e9e9e"  # a segment with no altitude in the record


def _interpolate(stops: tuple[tuple[float, float], ...], x: float) -> float:
    if x <= stops[0][0]:
        return stops[0][1]
    for (x0, y0), (x1, y1) in zip(stops, stops[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return stops[-1][1]


def altitude_color(alt_ft: float) -> str:
    """``#rrggbb`` of an altitude in feet on tar1090's scale (orange low, green, blue,
    magenta at 40,000 ft, red above)."""
    import colorsys

    hue = _interpolate(ALTITUDE_HUES, alt_ft)
    light = _interpolate(ALTITUDE_LIGHTNESS, hue)
    r, g, b = colorsys.hls_to_rgb((hue % 360) / 360, light / 100, ALTITUDE_SATURATION / 100)
    return "#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b))


def altitude_payload() -> dict[str, Any]:
    """The altitude colours the page reads: one per band from 0 to the scale's top."""
    top = int(ALTITUDE_HUES[-1][0])
    return {
        "band_ft": ALTITUDE_BAND_FT,
        "colors": [altitude_color(ft) for ft in range(0, top + 1, ALTITUDE_BAND_FT)],
        "unknown": ALTITUDE_UNKNOWN,
    }


@lru_cache(maxsize=1)
def _band_colors() -> tuple[str, ...]:
    return tuple(altitude_payload()["colors"])


def altitude_band_color(alt_ft: float) -> str:
    """The colour the page gives an altitude (``GEO.altitudeColor``): its 1,000 ft band's
    (the nearest band, the top band above the scale), :data:`ALTITUDE_UNKNOWN` when the
    altitude is unknown (NaN or negative)."""
    if not alt_ft >= 0:
        return ALTITUDE_UNKNOWN
    colors = _band_colors()
    return colors[min(len(colors) - 1, math.floor(alt_ft / ALTITUDE_BAND_FT + 0.5))]


def style_payload() -> dict[str, Any]:
    """The style tables as the page reads them (camelCase-free: the page uses these keys)."""
    return {
        "kinds": {k: asdict(s) for k, s in KIND_STYLE.items()},
        "statuses": {k: asdict(s) for k, s in STATUS_STYLE.items()},
        "mark": asdict(MARK),
        "altitude": altitude_payload(),
    }


def kml_color(hex_rgb: str, opacity: float) -> str:
    """``#RRGGBB`` and an opacity as KML's ``aabbggrr``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{round(opacity * 255):02x}{b}{g}{r}".lower()
