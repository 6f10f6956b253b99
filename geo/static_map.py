"""A still image of the map at one moment, for an article or for print (matplotlib and
geopandas): the shipped outlines, the contact arcs and flight tracks of :mod:`geo.geometry`,
the markers, the aircraft, a legend, a title and the attribution, in the page's styles
(:mod:`geo.style`).

At the moment ``at`` an event is, by the page's one rule (:func:`geo.timeline.exclusive_end`):
*not yet* (``at < start``: not drawn), *possibly under way* (``start <= at < exclusive_end``:
a hollow marker, a flight's track flown up to the aircraft) or *done* (drawn full). Events are
grouped into markers by the page's rule (:func:`clusters_at`: the places in one cell of a
:data:`geo.style.CLUSTER_CELL_PX` screen grid at the image's zoom are one marker with their
count, sized by :func:`geo.style.cluster_radius`). Longitude and latitude are drawn
equirectangular, stretched by 1/cos of the middle latitude, as geopandas draws WGS84.

The output is deterministic: fonts as paths in SVG with a fixed hash salt, no dates or
versions in the metadata.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from geo import geometry
from geo.labels import COUNTRY_MAX_ZOOM, PLACE_OFFSETS, country_labels, place, place_labels
from geo.layers import precedent_ids
from geo.model import Event, MapView
from geo.options import ImageFormat
from geo.style import (
    CLUSTER_CELL_PX,
    KIND_STYLE,
    MARK,
    STATUS_STYLE,
    altitude_band_color,
    cluster_radius,
)
from geo.timeline import exclusive_end
from geo.tracks.link import aircraft_at
from geo.vertices import split_lines

State = Literal["hidden", "underway", "done"]
ATTRIBUTION = "Outlines: Natural Earth (public domain)"
PX_PT = 0.75  # the page's CSS pixels in points (96 px per inch)


def state_at(event: Event, at: datetime) -> State:
    """``hidden`` before the event, ``underway`` inside ``[start, exclusive_end)``, else
    ``done`` (the page's rule)."""
    if at < event.start_utc:
        return "hidden"
    return "underway" if at < exclusive_end(event) else "done"


def default_time(events: Sequence[Event], views: Sequence[MapView] = ()) -> datetime:
    """The moment an image shows when none is given: the first view's clock, else the end
    of the data (everything done)."""
    if views and views[0].time_utc is not None:
        return views[0].time_utc
    if events:
        return max(exclusive_end(e) for e in events)
    return datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Cluster:
    """One marker of the image: the events of the places that share a grid cell."""

    lon: float  # where it sits: its busiest place (a real spot, not a centroid in the sea)
    lat: float
    places: tuple[tuple[float, float], ...]  # (lon, lat) of each, the busiest first
    events: tuple[Event, ...]  # in the order given


def _world_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel at ``zoom`` (256 px for the world at 0), as the page projects."""
    s = math.sin(math.radians(min(max(lat, -85.0511), 85.0511)))
    size = 256 * 2**zoom
    return ((lon + 180) / 360 * size,
            (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * size)


def clusters_at(
    events: Sequence[Event], zoom: float, cell_px: float = CLUSTER_CELL_PX
) -> list[Cluster]:
    """The page's markers (``GEO.cluster``) at ``zoom``: the events' places (destinations)
    that fall in one cell of a ``cell_px`` grid of Web Mercator pixels are one marker, which
    sits on its busiest place (the first such place on a tie). Events at one place are always
    together; nearby places join as the map zooms out."""
    at_place: dict[tuple[float, float], list[Event]] = {}
    for ev in events:
        at_place.setdefault((ev.destination.lon, ev.destination.lat), []).append(ev)
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for spot in at_place:
        x, y = _world_px(spot[0], spot[1], zoom)
        cells.setdefault((math.floor(x / cell_px), math.floor(y / cell_px)), []).append(spot)
    out = []
    for spots in cells.values():
        spots.sort(key=lambda s: -len(at_place[s]))  # stable: the first place on a tie
        members = {id(e) for s in spots for e in at_place[s]}
        out.append(Cluster(spots[0][0], spots[0][1], tuple(spots),
                           tuple(e for e in events if id(e) in members)))
    return out


def image_zoom(width_px: float, dpi: float, lon_span: float) -> float:
    """The page's zoom for a map ``width_px`` image pixels wide at ``dpi`` that shows
    ``lon_span`` degrees: the page's CSS pixels are :data:`PX_PT` points."""
    css_px = width_px * 72 / (dpi * PX_PT)
    return math.log2(css_px * 360 / (256 * max(lon_span, 1e-6)))


@lru_cache(maxsize=1)
def _outlines() -> Any:
    import geopandas as gpd

    from geo.shipped import shipped

    return gpd.read_file(shipped("countries.geojson"), engine="pyogrio")


def _extent(
    events: Sequence[Event], views: Sequence[MapView],
    extent: tuple[float, float, float, float] | None,
) -> tuple[float, float, float, float]:
    if extent is not None:
        return extent
    if views and views[0].extent is not None:
        return views[0].extent
    points = [(loc.lon, loc.lat) for e in events for loc in (e.destination, *e.origin)]
    if not points:
        return (-180.0, -60.0, 180.0, 80.0)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    pad_x = max(2.0, (max(lons) - min(lons)) * 0.08)
    pad_y = max(2.0, (max(lats) - min(lats)) * 0.08)
    return (max(-180.0, min(lons) - pad_x), max(-85.0, min(lats) - pad_y),
            min(180.0, max(lons) + pad_x), min(85.0, max(lats) + pad_y))


def _dashes(dash: str, width_pt: float) -> Any:
    """An SVG dash array in px as a matplotlib line style (solid when empty)."""
    if not dash:
        return "solid"
    return (0, tuple(float(x) * PX_PT for x in dash.split()))


def _outlets(events: Sequence[Event], limit: int = 4) -> str:
    names = sorted({ref.outlet or ref.title for e in events for ref in e.references})
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def render_image(
    events: Sequence[Event],
    *,
    at: datetime,
    fmt: ImageFormat = "png",
    title: str | None = None,
    views: Sequence[MapView] = (),
    extent: tuple[float, float, float, float] | None = None,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 200,
) -> bytes:
    """The map at ``at`` as PNG or SVG bytes (see the module docstring).

    ``extent`` (minlon, minlat, maxlon, maxlat) defaults to the first view's, else the
    data's; ``title`` to the first view's title; ``size`` is in pixels at ``dpi``.
    """
    import matplotlib

    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig = map_figure(events, at=at, title=title, views=views, extent=extent, size=size,
                         dpi=dpi)
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


_RC: dict[str, Any] = {
    "svg.hashsalt": "geo-static-map",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "lines.scale_dashes": False,
    "path.simplify": False,
}


def map_figure(
    events: Sequence[Event],
    *,
    at: datetime,
    title: str | None = None,
    views: Sequence[MapView] = (),
    extent: tuple[float, float, float, float] | None = None,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 200,
) -> Any:
    """The matplotlib ``Figure`` :func:`render_image` saves (the map in its first axes)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    if at.tzinfo is None:
        raise ValueError("at must be an aware datetime (UTC)")
    minlon, minlat, maxlon, maxlat = _extent(events, views, extent)
    shown = [e for e in events if state_at(e, at) != "hidden"]
    precedents = precedent_ids(events)
    heading = title or (views[0].title if views else "") or "Flights and diplomacy"
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
        FigureCanvasAgg(fig)
        fig.patch.set_facecolor("white")
        box = (0.01, 0.08, 0.72, 0.80)  # the map; the legend to its right
        ax = fig.add_axes(box)
        ax.set_facecolor(MARK.sea)
        _outlines().plot(ax=ax, facecolor=MARK.land_fill, edgecolor=MARK.outline_color,
                         linewidth=MARK.outline_weight * PX_PT, zorder=1)
        stretch = 1 / max(math.cos(math.radians((minlat + maxlat) / 2)), 0.05)
        minlon, minlat, maxlon, maxlat = _fill(
            (minlon, minlat, maxlon, maxlat), stretch, box[2] * size[0] / (box[3] * size[1])
        )
        ax.set_aspect(stretch)
        ax.set_xlim(minlon, maxlon)
        ax.set_ylim(minlat, maxlat)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        _draw_arcs(ax, shown)
        _draw_flights(ax, shown, at)
        zoom = image_zoom(box[2] * size[0], dpi, maxlon - minlon)
        clusters = clusters_at([e for e in shown if not e.is_flight], zoom)
        _draw_markers(ax, clusters, at, precedents)
        _draw_labels(ax, events, clusters, precedents, (minlon, minlat, maxlon, maxlat), zoom)
        _legend(fig, shown, precedents, Line2D)
        fig.text(0.01, 0.955, heading, fontsize=11, weight="bold", va="center")
        fig.text(0.01, 0.915, f"{at.astimezone(UTC):%d %b %Y, %H:%M} UTC · {len(shown)} of "
                 f"{len(events)} events shown", fontsize=7.5, va="center", color="#333333")
        data = _outlets(shown)
        fig.text(0.01, 0.045, f"{ATTRIBUTION}. Data: {data or 'none shown'}.", fontsize=6,
                 va="center", color="#444444")
    return fig


def _draw_arcs(ax: Any, shown: Sequence[Event]) -> None:
    contacts = [e for e in shown if not e.is_flight]
    arcs = geometry.contact_arcs(contacts)
    parts = split_lines(arcs)
    for j, i in enumerate(arcs.event.tolist()):
        ev = contacts[i]
        ks, st = KIND_STYLE[ev.kind], STATUS_STYLE[ev.status]
        for p in parts.parts_of(j):
            a, b = parts.vertices_of(p)
            ax.plot(parts.lons[a:b], parts.lats[a:b], color=ks.color, alpha=st.opacity,
                    linewidth=ks.weight * PX_PT, linestyle=_dashes(ks.dash, ks.weight),
                    solid_capstyle="round", zorder=3)


def _draw_flights(ax: Any, shown: Sequence[Event], at: datetime) -> None:
    import numpy as np
    from matplotlib.markers import MarkerStyle
    from matplotlib.transforms import Affine2D

    flights = [e for e in shown if e.is_flight]
    tracks = geometry.flight_tracks(flights)
    parts = split_lines(tracks)
    at_ms = round(at.timestamp() * 1000)
    for j, i in enumerate(tracks.event.tolist()):
        ev = flights[i]
        ks, st = KIND_STYLE["flight"], STATUS_STYLE[ev.status]
        o, d = ev.origin[0], ev.destination
        profile = recorded_profile(ev)  # a recorded track: its runs coloured by altitude
        for p in parts.parts_of(j):
            a, b = parts.vertices_of(p)
            lons, lats = parts.lons[a:b], parts.lats[a:b]
            route = MARK.recorded_color if profile is not None else MARK.route_color
            ax.plot(lons, lats, color=route, alpha=MARK.route_opacity,
                    linewidth=MARK.route_weight * PX_PT,
                    linestyle=_dashes(MARK.route_dash, MARK.route_weight), zorder=4)
            assert parts.times_ms is not None
            flown = parts.times_ms[a:b] <= at_ms
            if flown.sum() >= 1:
                k = int(np.count_nonzero(flown))
                xs, ys = list(lons[:k]), list(lats[:k])
                if k < b - a and state_at(ev, at) == "underway":
                    pos = aircraft_at(ev, at)
                    xs.append(pos.lon if abs(pos.lon - xs[-1]) < 180 else xs[-1])
                    ys.append(pos.lat)
                # the piece to the aircraft ends at its segment's next fix's time, so it
                # takes the whole segment's colour and gap, as on the page
                times = parts.times_ms[a:b][: len(xs)].tolist()
                gap = in_gaps(times, recorded_gaps(ev))
                for solid, px, py in _pieces(xs, ys, gap):  # a recorded gap: dashed
                    ax.plot(px, py, color=ks.color, alpha=st.opacity,
                            linewidth=ks.weight * PX_PT, solid_capstyle="round", zorder=5,
                            **({} if solid else {"linestyle": _dashes(MARK.recorded_gap_dash,
                                                                      ks.weight)}))
                if profile is not None:
                    _draw_altitude_runs(ax, xs, ys, times, *profile, gap)
        for loc in (o, d):
            ax.scatter([loc.lon], [loc.lat], s=(2 * MARK.airport_radius * PX_PT) ** 2,
                       facecolor=MARK.airport_fill, edgecolor=ks.color,
                       linewidth=MARK.weight * PX_PT, zorder=6)
        if state_at(ev, at) == "underway":
            _draw_trail(ax, ev, at)
            pos = aircraft_at(ev, at)
            plane = MarkerStyle(  # an arrowhead, turned clockwise from north to the heading
                [(0, 1), (0.55, -0.8), (0, -0.4), (-0.55, -0.8), (0, 1)],
                transform=Affine2D().rotate_deg(-pos.heading_deg),
            )
            ax.scatter([pos.lon], [pos.lat], marker=plane,
                       s=(MARK.aircraft_size_px * PX_PT) ** 2, color=MARK.aircraft_color,
                       edgecolor=MARK.aircraft_outline, linewidth=0.6, zorder=9)


def recorded_profile(event: Event) -> tuple[Any, Any] | None:
    """A recorded flight's altitude profile as the page's data holds it (``pr.t``,
    ``pr.alt``): times in ms and whole feet (NaN: unknown); None without a record."""
    import numpy as np

    if event.recorded is None:
        return None
    t_s, alt_ft, _ = event.recorded.profile()
    return (np.rint(np.asarray(t_s, dtype=float) * 1000.0),
            np.rint(np.asarray(alt_ft, dtype=float)))


def altitude_at(times_ms: Any, alt_ft: Any, t_ms: float) -> float:
    """A recorded track's altitude at ``t_ms``, the page's ``GEO.altitudeAt``: linear in time
    between its fixes, the nearer fix's beyond them, the known one beside an unknown (NaN)."""
    import numpy as np

    n = len(times_ms)
    hi = int(np.searchsorted(times_ms, t_ms, side="left"))
    if n == 0:
        return math.nan
    if hi <= 0:
        return float(alt_ft[0])
    if hi >= n:
        return float(alt_ft[n - 1])
    p, q = float(alt_ft[hi - 1]), float(alt_ft[hi])
    if math.isnan(p) or math.isnan(q):
        return q if math.isnan(p) else p
    u = (t_ms - times_ms[hi - 1]) / max(1, times_ms[hi] - times_ms[hi - 1])
    return p + (q - p) * float(u)


def recorded_gaps(event: Event) -> list[tuple[int, int]]:
    """A recorded flight's coverage gaps, ms since the epoch (first, last fix around each)."""
    if event.recorded is None:
        return []
    return [(round(g.start_utc.timestamp() * 1000), round(g.end_utc.timestamp() * 1000))
            for g in event.recorded.leg.gaps]


def in_gaps(times: Sequence[float], gaps: Sequence[tuple[int, int]]) -> list[bool]:
    """For each segment between vertices at ``times`` (ms): whether it lies in a gap."""
    return [any(g0 <= times[q] and times[q + 1] <= g1 for g0, g1 in gaps)
            for q in range(len(times) - 1)]


def _pieces(
    xs: Sequence[float], ys: Sequence[float], gap: Sequence[bool]
) -> list[tuple[bool, list[float], list[float]]]:
    """The path cut where ``gap`` changes: ``[(solid, lons, lats), ...]``."""
    out: list[tuple[bool, list[float], list[float]]] = []
    for q in range(len(xs) - 1):
        if not out or out[-1][0] == gap[q]:
            out.append((not gap[q], [xs[q]], [ys[q]]))
        out[-1][1].append(xs[q + 1])
        out[-1][2].append(ys[q + 1])
    return out or [(True, list(xs), list(ys))]


def altitude_runs(
    xs: Sequence[float], ys: Sequence[float], times: Sequence[float], times_ms: Any,
    alt_ft: Any, gap: Sequence[bool] = (),
) -> list[tuple[str, list[float], list[float]]]:
    """A recorded track's path ``xs, ys`` (vertex times ``times``, ms) in runs of one colour,
    the page's ``GEO.altitudeRuns``: each segment coloured by the recorded altitude at its
    middle time (:func:`altitude_at`) in the page's 1,000 ft bands
    (:func:`geo.style.altitude_band_color`), a segment in a coverage gap (``gap``) left out
    (it is drawn dashed): ``[(colour, lons, lats), ...]``."""
    runs: list[tuple[str, list[float], list[float]]] = []
    broken = True
    for q in range(len(xs) - 1):
        if q < len(gap) and gap[q]:
            broken = True
            continue
        color = altitude_band_color(altitude_at(times_ms, alt_ft, (times[q] + times[q + 1]) / 2))
        if broken or runs[-1][0] != color:
            broken = False
            runs.append((color, [xs[q]], [ys[q]]))
        runs[-1][1].append(xs[q + 1])
        runs[-1][2].append(ys[q + 1])
    return runs


def _draw_altitude_runs(
    ax: Any, xs: Sequence[float], ys: Sequence[float], times: Sequence[float], times_ms: Any,
    alt_ft: Any, gap: Sequence[bool],
) -> None:
    width = KIND_STYLE["flight"].weight * PX_PT
    for color, lons, lats in altitude_runs(xs, ys, times, times_ms, alt_ft, gap):
        ax.plot(lons, lats, color=color, alpha=MARK.altitude_run_opacity, linewidth=width,
                solid_capstyle="round", zorder=5.2)


def _draw_trail(ax: Any, ev: Event, at: datetime) -> None:
    """The fading trail behind the aircraft, the page's rule (``GEO.trailAt``): the last
    ``trail_share`` of the flight's time in ``trail_steps`` pieces, fainter the older."""
    span = exclusive_end(ev) - ev.start_utc
    lo = max(ev.start_utc, at - span * MARK.trail_share)
    if at <= lo:
        return
    steps, samples = MARK.trail_steps, 4
    times = [lo + (at - lo) * q / (steps * samples) for q in range(steps * samples + 1)]
    points = [aircraft_at(ev, t) for t in times]
    lons = [p.lon for p in points]
    for q in range(len(lons) - 2, -1, -1):  # unwrapped toward the aircraft
        while lons[q] - lons[q + 1] > 180:
            lons[q] -= 360
        while lons[q + 1] - lons[q] > 180:
            lons[q] += 360
    for s in range(steps):
        u = (s + 1) / steps
        piece = slice(s * samples, (s + 1) * samples + 1)
        ax.plot(lons[piece], [p.lat for p in points[piece]], color=KIND_STYLE["flight"].color,
                alpha=MARK.trail_opacity * u, linewidth=MARK.trail_weight * (0.4 + 0.6 * u)
                * PX_PT, solid_capstyle="butt", zorder=5.5)


def _marker_radius(cluster: Cluster, precedents: set[str]) -> float:
    """The px radius of the marker drawn for ``cluster``, its precedent ring included."""
    n = len(cluster.events)
    radius = cluster_radius(n) if n > 1 else MARK.radius
    if any(e.id in precedents for e in cluster.events):
        radius += MARK.precedent_radius - MARK.radius
    return radius


def _draw_markers(
    ax: Any, clusters: Sequence[Cluster], at: datetime, precedents: set[str]
) -> None:
    for cluster in sorted(clusters, key=lambda c: (c.lon, c.lat)):
        lon, lat, here = cluster.lon, cluster.lat, cluster.events
        if any(e.id in precedents for e in here):  # the ring stays outside a cluster too
            ax.scatter([lon], [lat], s=(2 * _marker_radius(cluster, precedents) * PX_PT) ** 2,
                       facecolor="none", edgecolor=MARK.precedent_ring,
                       linewidth=MARK.precedent_weight * PX_PT, zorder=8.6)
        if len(here) > 1:  # several events: one marker with their count
            ax.scatter([lon], [lat], s=(2 * cluster_radius(len(here)) * PX_PT) ** 2,
                       facecolor=MARK.cluster_fill, edgecolor=MARK.cluster_color,
                       linewidth=MARK.cluster_weight * PX_PT, zorder=8)
            ax.text(lon, lat, str(len(here)), ha="center", va="center", fontsize=6,
                    weight="bold", color=MARK.cluster_color, zorder=8.5)
            continue
        (ev,) = here
        ks, st = KIND_STYLE[ev.kind], STATUS_STYLE[ev.status]
        underway = state_at(ev, at) == "underway"
        ax.scatter([lon], [lat], s=(2 * MARK.radius * PX_PT) ** 2,
                   facecolor="none" if underway else ks.color,
                   alpha=None, edgecolor=ks.color,
                   linewidth=(MARK.underway_weight if underway else MARK.weight) * PX_PT,
                   linestyle="--" if st.dash else "-", zorder=8)
        if not underway:  # the fill at the status' opacity, the outline at its own
            ax.collections[-1].set_facecolor(_rgba(ks.color, st.fill))
        ax.collections[-1].set_edgecolor(_rgba(ks.color, st.opacity))


LABEL_PT = 6.5  # a place's name; a country's is smaller, italic
COUNTRY_PT = 5.5


def _draw_labels(
    ax: Any, events: Sequence[Event], clusters: Sequence[Cluster], precedents: set[str],
    extent: tuple[float, ...], zoom: float,
) -> None:
    """The page's names (:mod:`geo.labels`): the places the events name, and the countries
    when the image is as wide as the page shows them (its zoom, :func:`image_zoom`, at most
    COUNTRY_MAX_ZOOM), placed greedily without overlap, clear of the markers."""
    fig = ax.figure
    px_per_pt: float = fig.dpi / 72
    height_px = fig.bbox.height
    minlon, minlat, maxlon, maxlat = extent

    def screen(lon: float, lat: float) -> tuple[float, float]:
        x, y = ax.transData.transform((lon, lat))
        return float(x), float(height_px - y)

    def inside(lon: float, lat: float) -> bool:
        return minlon <= lon <= maxlon and minlat <= lat <= maxlat

    places = [lb for lb in place_labels(events) if inside(lb.lon, lb.lat)]
    countries = [lb for lb in country_labels() if inside(lb.lon, lb.lat)]
    if zoom > COUNTRY_MAX_ZOOM:
        countries = []
    marker_at = {spot: _marker_radius(c, precedents) for c in clusters for spot in c.places}

    def radius_px(lon: float, lat: float) -> float:  # the marker drawn there (_draw_markers)
        return float((marker_at.get((lon, lat), MARK.radius) + 2) * PX_PT * px_per_pt)

    taken = []
    options: list[list[tuple[float, float, float, float]]] = []
    for lb in places:
        x, y = screen(lb.lon, lb.lat)
        marker = radius_px(lb.lon, lb.lat)
        taken.append((x - marker, y - marker, x + marker, y + marker))
        w, h = 0.62 * LABEL_PT * px_per_pt * len(lb.text), 1.3 * LABEL_PT * px_per_pt
        boxes = []
        for anchor, off_x, off_y in PLACE_OFFSETS:  # beside the marker, as the page puts them
            dx = math.copysign(max(abs(off_x) * PX_PT * px_per_pt, marker), off_x) if off_x else 0.0
            dy = math.copysign(max(abs(off_y) * PX_PT * px_per_pt, marker), off_y) if off_y else 0.0
            ox = dx + (0 if anchor == "left" else -w if anchor == "right"
                                           else -w / 2)
            oy = dy + (0 if anchor == "top" else -h if anchor == "bottom"
                                           else -h / 2)
            boxes.append((x + ox, y + oy, x + ox + w, y + oy + h))
        options.append(boxes)
    for lb in countries:
        x, y = screen(lb.lon, lb.lat)
        w, h = 0.55 * COUNTRY_PT * px_per_pt * len(lb.text), 1.3 * COUNTRY_PT * px_per_pt
        options.append([(x - w / 2, y - h / 2, x + w / 2, y + h / 2)])
    labels = [*places, *countries]
    inverse = ax.transData.inverted()
    for k, j in place(options, taken):
        x0, y0, x1, y1 = options[k][j]
        lon, lat = inverse.transform(((x0 + x1) / 2, height_px - (y0 + y1) / 2))
        country = k >= len(places)
        ax.text(lon, lat, labels[k].text, ha="center", va="center",
                fontsize=COUNTRY_PT if country else LABEL_PT,
                style="italic" if country else "normal",
                weight="normal" if country else "bold",
                color=MARK.country_label_color if country else MARK.place_label_color, zorder=7,
                clip_on=True)
        if labels[k].dot:
            ax.scatter([labels[k].lon], [labels[k].lat], s=(5 * PX_PT) ** 2, facecolor="white",
                       edgecolor=MARK.label_ink, linewidth=0.5, zorder=6.5)


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    r, g, b = (int(color[k : k + 2], 16) / 255 for k in (1, 3, 5))
    return (r, g, b, alpha)


def _fill(
    extent: tuple[float, float, float, float], stretch: float, ratio: float
) -> tuple[float, float, float, float]:
    """``extent`` widened (or heightened) about its centre to the map's width/height
    ``ratio``, as a web map fits its bounds."""
    minlon, minlat, maxlon, maxlat = extent
    cx, cy = (minlon + maxlon) / 2, (minlat + maxlat) / 2
    half_w, half_h = (maxlon - minlon) / 2, (maxlat - minlat) / 2
    if half_w < half_h * stretch * ratio:
        half_w = half_h * stretch * ratio
    else:
        half_h = half_w / (stretch * ratio)
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


ALTITUDE_LEGEND_FT = (0, 10_000, 20_000, 30_000, 40_000)  # the page's legend's stops
ALTITUDE_LEGEND = "recorded altitude, 0 → 40,000 ft"  # orange, green, blue, magenta


def _legend(fig: Any, shown: Sequence[Event], precedents: set[str], line2d: Any) -> None:
    from matplotlib.legend_handler import HandlerTuple

    handles: list[Any] = []
    labels_of: dict[int, str] = {}
    for kind in KIND_STYLE:
        if any(e.kind == kind for e in shown):
            ks = KIND_STYLE[kind]
            handles.append(line2d([], [], color=ks.color, linewidth=ks.weight * PX_PT,
                                  linestyle=_dashes(ks.dash, ks.weight), label=ks.label))
    if any(e.is_flight for e in shown):  # the route ahead, as the page draws it
        handles.append(line2d([], [], color=MARK.route_color, alpha=MARK.route_opacity,
                              linewidth=MARK.route_weight * PX_PT,
                              linestyle=_dashes(MARK.route_dash, MARK.route_weight),
                              label="a flight's route ahead (faint)"))
    if any(e.is_flight and e.recorded is not None for e in shown):  # tar1090's colours
        handles.append(tuple(
            line2d([], [], color=altitude_band_color(ft), linewidth=KIND_STYLE["flight"].weight
                   * PX_PT, alpha=MARK.altitude_run_opacity)
            for ft in ALTITUDE_LEGEND_FT
        ))
        labels_of[len(handles) - 1] = ALTITUDE_LEGEND
    for status, st in STATUS_STYLE.items():
        if any(e.status == status for e in shown):
            handles.append(line2d([], [], marker="o", linestyle="none", markersize=6,
                                  markerfacecolor=_rgba("#555555", st.fill),
                                  markeredgecolor=_rgba("#555555", st.opacity),
                                  label=st.label))
    handles.append(line2d([], [], marker="o", linestyle="none", markersize=6,
                          markerfacecolor="none", markeredgecolor="#555555",
                          markeredgewidth=MARK.underway_weight * PX_PT,
                          label="possibly under way (hollow)"))
    if any(e.id in precedents for e in shown):
        handles.append(line2d([], [], marker="o", linestyle="none", markersize=9,
                              markerfacecolor="none", markeredgecolor=MARK.precedent_ring,
                              markeredgewidth=MARK.precedent_weight * PX_PT,
                              label="earlier meeting where a flight lands"))
    labels = [labels_of.get(k) or h.get_label() for k, h in enumerate(handles)]
    fig.legend(handles=handles, labels=labels, handler_map={tuple: HandlerTuple(ndivide=None,
               pad=0)}, loc="upper left", bbox_to_anchor=(0.745, 0.88), fontsize=6,
               frameon=False, labelspacing=0.7, handlelength=2.6)
