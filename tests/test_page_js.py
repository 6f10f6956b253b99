"""The page's script, run in node on the data Python wrote, draws what Python computed: the
same events and words, the same geodesic vertices for every arc and track, the aircraft where
geodesy.position_at puts it, and every event's state at t by the one interval rule."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo import geodesy, geometry
from geo.layers import map_payload
from geo.query import EVENT_ORDER
from geo.timeline import event_times, exclusive_end
from tests.helpers import events_from_csv, shipped_events

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tests" / "js" / "tools" / "model.mjs"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but no node on this machine")
        pytest.skip("no node on this machine")
    return node


def _run(events, times: list[int], tmp_path: Path, zooms: tuple[float, ...] = ()) -> dict:
    meta, blob = map_payload(events)
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"meta": meta, "blob": blob.decode(), "times": times,
                                   "zooms": zooms}))
    done = subprocess.run([_node(), str(TOOL), str(request)], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _ms(dt: datetime) -> int:
    return round(dt.timestamp() * 1000)


def _shipped() -> list:
    return sorted(shipped_events(), key=EVENT_ORDER)  # the page's order


def test_the_page_reads_what_python_wrote(tmp_path: Path) -> None:
    events = _shipped()
    out = _run(events, [], tmp_path)
    assert out["ids"] == [e.id for e in events]
    assert out["t0"] == [_ms(e.start_utc) for e in events]
    assert out["t1"] == [_ms(exclusive_end(e)) for e in events]
    assert out["place"] == [e.destination.label for e in events]
    assert out["when"] == [event_times(e).when for e in events]
    assert out["sources"] == [[r.citation for r in e.references] for e in events]


def test_the_page_draws_pythons_vertices(tmp_path: Path) -> None:
    events = _shipped() + events_from_csv(
        "pacific,meeting,t,2025-01-01,,Canberra,Santiago,,reported,s,\n"
        "f2,flight,F,2025-03-14T10:00,2025-03-14T11:00,SYD,SCL,,reported,s,\n"
    )
    events.sort(key=EVENT_ORDER)
    out = _run(events, [], tmp_path)
    arcs = geometry.contact_arcs(events)
    assert [a["event"] for a in out["arcs"]] == arcs.event.tolist()
    for j, arc in enumerate(out["arcs"]):
        lonlat = arcs.coords(j)
        page = list(zip(arc["points"][1::2], arc["points"][0::2], strict=True))
        assert len(page) == len(lonlat)
        for (x1, y1), (x2, y2) in zip(page, lonlat, strict=True):
            # 1e-6 degree: the ends are stored to 1e-6 (0.1 m); the rest is the same algorithm
            assert x1 == pytest.approx(x2, abs=2e-6) and y1 == pytest.approx(y2, abs=2e-6)
    tracks = geometry.flight_tracks(events)
    assert [t["event"] for t in out["tracks"]] == tracks.event.tolist()
    for j, track in enumerate(out["tracks"]):
        lonlat = tracks.coords(j)
        page = list(zip(track["points"][1::2], track["points"][0::2], strict=True))
        assert len(page) == len(lonlat)
        for (x1, y1), (x2, y2) in zip(page, lonlat, strict=True):
            assert x1 == pytest.approx(x2, abs=2e-6) and y1 == pytest.approx(y2, abs=2e-6)


def test_the_aircraft_is_where_geodesy_puts_it(tmp_path: Path) -> None:
    events = _shipped()
    (flight,) = [e for e in events if e.is_flight]
    times = [_ms(flight.start_utc) + k * 1_560_000 for k in range(7)]  # every 26 minutes
    out = _run(events, times, tmp_path)
    o, d = flight.origin[0], flight.destination
    for a in out["aircraft"]:
        t = datetime.fromtimestamp(a["t"] / 1000, tz=UTC)
        p = geodesy.position_at(o.lon, o.lat, flight.start_utc, d.lon, d.lat, flight.end_utc, t)
        assert a["lat"] == pytest.approx(p.lat, abs=1e-6)
        assert a["lon"] == pytest.approx(p.lon, abs=1e-6)
        if 0 < a["t"] - times[0] < times[-1] - times[0]:
            assert a["azi"] == pytest.approx(p.heading_deg, abs=1e-6)


def test_states_at_t_follow_the_one_interval_rule(tmp_path: Path) -> None:
    events = _shipped()
    departure = next(e for e in events if e.is_flight).start_utc
    out = _run(events, [_ms(departure)], tmp_path)
    states = out["states"][str(_ms(departure))]
    for e, state in zip(events, states, strict=True):
        expected = 0 if departure < e.start_utc else 2 if departure < exclusive_end(e) else 3
        assert state == expected, e.id
    i = [e.id for e in events].index("witkoff-baku-2025-03-14")
    assert states[i] == 2  # possibly under way at the departure, not done


def test_the_still_image_groups_markers_as_the_page_does(tmp_path: Path) -> None:
    """geo.static_map.clusters_at and the page's GEO.cluster, both on the payload's one grid
    (geo.style.CLUSTER_CELL_PX), make the same markers of the shipped events at every zoom."""
    from geo.static_map import clusters_at

    events = _shipped()
    zooms = (2.0, 3.5, 5.0, 7.0, 10.0)
    page = _run(events, [], tmp_path, zooms)["clusters"]
    contacts = [e for e in events if not e.is_flight]
    sizes = []
    for zoom, drawn in zip(zooms, page, strict=True):
        python = sorted(sorted(e.id for e in c.events) for c in clusters_at(contacts, zoom))
        assert python == sorted(sorted(ids) for ids in drawn), zoom
        sizes.append(len(python))
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # places join as the map zooms out


def test_the_still_image_colours_a_recorded_track_as_the_page_does(tmp_path: Path) -> None:
    """static_map.altitude_at and style.altitude_band_color against the page's
    GEO.altitudeAt and GEO.altitudeColor on the payload's profile and table: the same colour
    at every minute of a recorded flight (from orange on the runway to magenta at cruise)."""
    from geo.dataset import load_dataset
    from geo.static_map import altitude_at, recorded_profile
    from geo.style import altitude_band_color

    track = ROOT / "tests" / "data" / "frozen" / "synthetic-trace_full_n103wg.json"
    (flight,) = [e for e in load_dataset(tracks=[track]).events if e.recorded is not None]
    profile = recorded_profile(flight)  # what the still image colours by
    assert profile is not None
    first, last = int(profile[0][0]), int(profile[0][-1])
    times = list(range(first - 60_000, last + 120_000, 30_000))
    page = _run([flight], times, tmp_path)["altitudeColors"]
    python = [altitude_band_color(altitude_at(*profile, t)) for t in times]
    assert page == [python]
    assert len(set(python)) > 30 and python[-1] == altitude_band_color(500)  # landed
    assert "#9e9e9e" in python  # a coverage gap: no altitude there, on both
