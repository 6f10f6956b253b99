"""The map as a still image at one moment: the page's time rule, deterministic PNG and SVG,
and what the image says (its title, time, legend and attribution, read from the SVG's
text, which matplotlib keeps beside each text it draws as paths)."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from geo.export import export
from geo.static_map import _fill, default_time, render_image, state_at
from geo.timeline import exclusive_end
from tests.corpora import CORPORA
from tests.helpers import events_from_csv

MID_FLIGHT = datetime(2025, 3, 14, 0, 12, tzinfo=UTC)


def _texts(svg: bytes) -> list[str]:
    return re.findall(r"<!-- (.*?) -->", svg.decode("utf-8"))


def test_an_events_state_follows_the_pages_rule() -> None:
    (flight,) = events_from_csv(
        "f,flight,F,2025-03-14T01:54,2025-03-14T05:30,VKO,GYD,,reported,s,\n"
    )
    dep, arr = flight.start_utc, flight.end_utc
    assert state_at(flight, dep - timedelta(seconds=1)) == "hidden"
    assert state_at(flight, dep) == "underway"
    assert state_at(flight, arr) == "underway"  # still under way in its arrival minute
    assert state_at(flight, arr + timedelta(seconds=1)) == "done"
    (day,) = events_from_csv("d,meeting,M,2017-02-16,,,Baku,,reported,s,\n")
    assert state_at(day, day.start_utc + timedelta(hours=12)) == "underway"
    assert state_at(day, day.end_utc) == "done"


def test_the_default_moment_is_the_first_views_clock() -> None:
    data = CORPORA["shipped"]()
    assert default_time(data.events, data.views) == datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
    assert default_time(data.events) == max(e.end_utc for e in data.events)


def test_an_extent_is_widened_to_the_maps_shape() -> None:
    assert _fill((35, 39, 53, 57), 1.0, 2.0) == (26.0, 39.0, 62.0, 57.0)
    assert _fill((0, 0, 40, 10), 1.0, 2.0) == (0.0, -5.0, 40.0, 15.0)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_images_are_deterministic(fmt: str) -> None:
    data = CORPORA["shipped"]()
    first = render_image(data.events, at=MID_FLIGHT, fmt=fmt, views=data.views)
    assert render_image(data.events, at=MID_FLIGHT, fmt=fmt, views=data.views) == first
    assert export(data.events, fmt, views=data.views, at=MID_FLIGHT) == first


def test_a_png_of_the_size_asked_without_a_software_stamp() -> None:
    data = CORPORA["shipped"]()
    png = render_image(data.events, at=MID_FLIGHT, fmt="png", size=(800, 500), dpi=100)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (800, 500)
    assert b"Software" not in png and b"matplotlib" not in png.lower()


def test_the_svg_says_what_it_shows() -> None:
    data = CORPORA["shipped"]()
    svg = render_image(data.events, at=MID_FLIGHT, fmt="svg", views=data.views)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"<dc:date>" not in svg and b"Matplotlib" not in svg
    texts = _texts(svg)
    shown = [e for e in data.events if e.start_utc <= MID_FLIGHT]
    assert "The flight night, 13–14 March 2025" in texts
    assert f"14 Mar 2025, 00:12 UTC · {len(shown)} of {len(data.events)} events shown" in texts
    assert any(t.startswith("Outlines: Natural Earth (public domain). Data: ") for t in texts)
    assert "flight: geodesic track, aircraft" in texts
    assert "possibly under way (hollow)" in texts
    assert "earlier meeting where a flight lands" in texts  # the Baku precedents
    assert "8" in texts  # Baku: eight events at one spot, one marker with their count


def test_before_the_flight_there_is_no_aircraft_and_fewer_events() -> None:
    data = CORPORA["shipped"]()
    before = datetime(2017, 1, 1, tzinfo=UTC)
    texts = _texts(render_image(data.events, at=before, fmt="svg", title="Before"))
    assert "Before" in texts
    assert f"01 Jan 2017, 00:00 UTC · 0 of {len(data.events)} events shown" in texts
    assert "Outlines: Natural Earth (public domain). Data: none shown." in texts
    assert "flight: geodesic track, aircraft" not in texts  # no flight yet


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        render_image([], at=datetime(2025, 1, 1), fmt="png")  # noqa: DTZ001 - on purpose


def test_the_flight_is_drawn_as_its_legend_says_above_the_arcs() -> None:
    """The legend and the map agree: the flight's lines are solid (never a statement's dots),
    its route ahead faint, and every flight line above every contact arc."""
    from matplotlib.colors import to_hex

    from geo.static_map import map_figure
    from geo.style import KIND_STYLE, MARK

    data = CORPORA["shipped"]()
    fig = map_figure(data.events, at=MID_FLIGHT, views=data.views)
    ax = fig.axes[0]
    flight = KIND_STYLE["flight"].color.lower()
    flight_lines = [ln for ln in ax.lines if to_hex(ln.get_color()) == flight]
    arc_colors = {KIND_STYLE[k].color.lower() for k in ("meeting", "visit", "statement")}
    arcs = [ln for ln in ax.lines if to_hex(ln.get_color()) in arc_colors]
    assert flight_lines and arcs
    assert {ln.get_linestyle() for ln in flight_lines} == {"-"}
    route = [ln for ln in flight_lines if ln.get_alpha() == MARK.route_opacity]
    assert route, "the route ahead is drawn, faint"
    trail = [ln for ln in flight_lines if ln.get_zorder() == 5.5]
    assert len(trail) == MARK.trail_steps  # the fading trail behind the aircraft
    assert [ln.get_alpha() for ln in trail] == sorted(ln.get_alpha() for ln in trail)
    assert min(ln.get_zorder() for ln in flight_lines) > max(ln.get_zorder() for ln in arcs)
    handles = {h.get_label(): h for h in fig.legends[0].legend_handles}
    assert handles[KIND_STYLE["flight"].label].get_linestyle() == "-"
    assert handles["a flight's route ahead (faint)"].get_linestyle() == "-"
    statement = KIND_STYLE["statement"]
    assert statement.dash and MARK.route_dash != statement.dash


def test_the_image_names_places_and_countries() -> None:
    data = CORPORA["shipped"]()
    texts = _texts(render_image(data.events, at=MID_FLIGHT, fmt="svg", views=data.views))
    assert {"Baku", "Moscow", "Yerevan"} <= set(texts)
    assert {"Georgia", "Ukraine", "Belarus"} <= set(texts)


NEAR_BAKU = (
    "a,meeting,A,2017-02-16,,,Baku,,reported,s,\n"
    "b,visit,B,2018-02-16,,Moscow,Baku,,reported,s,\n"
    "c,meeting,C,2019-02-16,,,GYD,,reported,s,\n"  # the airport, about 15 km from the city
    "d,call,D,2019-03-16,,Baku,Moscow,,reported,s,\n"
)


def test_markers_are_grouped_by_the_pages_grid() -> None:
    """The page's rule (GEO.cluster on CLUSTER_CELL_PX = 44 px cells of Web Mercator pixels):
    Baku and its airport are 112 px apart at zoom 10 (two markers), 28 px at zoom 8 (one)."""
    from geo.static_map import clusters_at, image_zoom

    events = events_from_csv(NEAR_BAKU)
    wide = clusters_at(events, 8)
    assert [[e.id for e in c.events] for c in wide] == [["a", "b", "c"], ["d"]]
    assert (wide[0].lon, wide[0].lat) == (49.892, 40.378)  # on its busiest place, Baku
    assert wide[0].places == ((49.892, 40.378), (50.0467, 40.4675))
    close = clusters_at(events, 10)
    assert [[e.id for e in c.events] for c in close] == [["a", "b"], ["c"], ["d"]]
    # an image 1152 px wide at 200 dpi is 553 page pixels: 36° across is zoom 4.43
    assert image_zoom(1152, 200, 36.0) == pytest.approx(4.4330, abs=1e-4)


def test_the_image_draws_the_pages_markers_and_their_counts() -> None:
    from geo.style import cluster_radius

    events = events_from_csv(NEAR_BAKU)
    at = datetime(2020, 1, 1, tzinfo=UTC)
    def counts(extent: tuple[float, float, float, float]) -> list[str]:
        svg = render_image(events, at=at, fmt="svg", extent=extent)
        return [text for text in _texts(svg) if text.isdigit()]

    assert counts((20.0, 30.0, 70.0, 65.0)) == ["3"]  # Baku and its airport: one marker of 3
    assert counts((49.6, 40.2, 50.3, 40.6)) == ["2"]  # apart: 2 at Baku, the airport's own
    assert cluster_radius(1) == 13.0 and cluster_radius(100) == 17.0  # the page's size


def test_a_recorded_tracks_altitude_is_the_pages_scale() -> None:
    """The page's band lookup (GEO.altitudeColor, GEO.altitudeAt) on geo.style's one table."""
    import math

    from geo.static_map import altitude_at, altitude_runs
    from geo.style import ALTITUDE_UNKNOWN, altitude_band_color, altitude_color

    assert altitude_band_color(0) == altitude_color(0) == "#f05a0f"  # orange on the ground
    assert altitude_band_color(400) == "#f05a0f"  # the nearest 1,000 ft band
    assert altitude_band_color(10_000) == altitude_color(10_000) == "#24c50d"  # green
    assert altitude_band_color(40_000) == altitude_color(40_000) == "#ce0dce"  # magenta
    assert altitude_band_color(99_999) == altitude_color(51_000)  # the top band above it
    assert altitude_band_color(math.nan) == altitude_band_color(-1) == ALTITUDE_UNKNOWN
    times, alts = [0, 1000, 2000], [1000.0, 3000.0, math.nan]
    assert altitude_at(times, alts, 500) == 2000.0  # linear in time
    assert altitude_at(times, alts, 1500) == 3000.0  # the known one beside an unknown
    assert altitude_at(times, alts, -5) == 1000.0 and math.isnan(altitude_at(times, alts, 9e9))
    runs = altitude_runs([0, 1, 2, 3], [0, 0, 0, 0], [0, 1000, 2000, 3000],
                         [0, 1000, 2000, 3000], [0.0, 200.0, 30_000.0, 30_000.0])
    assert runs == [("#f05a0f", [0, 1], [0, 0]),  # 100 ft at its middle
                    (altitude_band_color(15_100), [1, 2], [0, 0]),
                    (altitude_band_color(30_000), [2, 3], [0, 0])]


def test_the_image_colours_a_recorded_track_by_altitude() -> None:
    from pathlib import Path

    from geo import geometry
    from geo.dataset import load_dataset
    from geo.static_map import altitude_runs, in_gaps, recorded_gaps, recorded_profile
    from geo.style import ALTITUDE_UNKNOWN, MARK, altitude_color

    track = Path(__file__).parent / "data" / "frozen" / "synthetic-trace_full_n103wg.json"
    events = load_dataset(tracks=[track]).events
    (flight,) = [e for e in events if e.recorded is not None]
    lines = geometry.flight_tracks([flight])
    assert lines.times_ms is not None and lines.alt_ft is not None
    profile = recorded_profile(flight)  # the page's: what both colour by
    assert profile is not None
    times = lines.times_ms.tolist()
    gap = in_gaps(times, recorded_gaps(flight))
    expected = {color for color, _, _ in altitude_runs(
        lines.lons.tolist(), lines.lats.tolist(), times, *profile, gap)}
    # from the first segment (400 -> 825 ft: 1,000 ft band) to the cruise at 41,000 ft
    assert {altitude_color(1000), altitude_color(41_000)} <= expected
    assert altitude_color(0) not in expected and len(expected) == 40  # the gap: no colour

    def the_map(at: datetime) -> str:
        svg = render_image([flight], at=at, fmt="svg", extent=(36.0, 38.0, 51.0, 57.0))
        return svg.decode("utf-8").split('id="legend_1"')[0]  # the legend drawn last

    def run_colours(at: datetime) -> set[str]:
        return set(re.findall(r"stroke: (#[0-9a-f]{6}); stroke-opacity: "
                              + str(MARK.altitude_run_opacity), the_map(at)))

    assert run_colours(exclusive_end(flight)) == expected  # flown: every band it went through
    # the coverage gap (00:40:50-01:04:10 UTC) dashed in the flight's colour, as the page
    # draws it (MARK.recorded_gap_dash "4 6" px: 3, 4.5 pt), and no run of unknown altitude
    assert recorded_gaps(flight) == [(1741912850000, 1741914250000)]
    assert in_gaps([0, 10, 20, 30], [(10, 20)]) == [False, True, False]
    done = the_map(exclusive_end(flight))
    assert "stroke-dasharray: 3,4.5" in done and ALTITUDE_UNKNOWN not in done
    # six minutes after the claimed start, two into the record: the climb to 3,000 ft so far
    climb = run_colours(flight.start_utc + timedelta(minutes=6))
    assert climb == {altitude_color(1000), altitude_color(2000), altitude_color(3000)}
    assert climb == {"#f07719", "#f19222", "#f0a21c"}  # orange, tar1090's low altitudes
    assert run_colours(flight.start_utc + timedelta(minutes=3)) == set()  # not in the air yet
    svg = render_image([flight], at=exclusive_end(flight), fmt="svg")
    assert "recorded altitude, 0 → 40,000 ft" in _texts(svg)  # the legend says the scale


def test_the_image_names_countries_at_the_pages_zoom() -> None:
    """One zoom for the image (image_zoom: its page pixels), for markers and names alike: 19°
    across 553 page pixels is zoom 5.35, where the page names countries (COUNTRY_MAX_ZOOM 6);
    at 0.7° (zoom 9.8) it names places only."""
    from geo.labels import COUNTRY_MAX_ZOOM
    from geo.static_map import image_zoom

    events = events_from_csv(NEAR_BAKU)
    at = datetime(2020, 1, 1, tzinfo=UTC)
    assert image_zoom(1152, 200, 19.08) == pytest.approx(5.35, abs=0.01)
    assert COUNTRY_MAX_ZOOM == 6  # the old count in image pixels (zoom 6.4) named none here
    caucasus = _texts(render_image(events, at=at, fmt="svg", extent=(41.0, 36.0, 58.0, 46.0)))
    assert {"Baku", "Georgia", "Armenia"} <= set(caucasus)
    baku = _texts(render_image(events, at=at, fmt="svg", extent=(49.6, 40.2, 50.3, 40.6)))
    assert "Baku" in baku and "Azerbaijan" not in baku
