from __future__ import annotations

import json
import re

import folium
import pytest

import geo
from geo.render import json_for_script, leaflet_assets
from tests.helpers import events_from_csv, page_data, shipped_events

CDN_HOSTS = ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "bootstrapcdn",
             "unpkg.com", "fontawesome")


def test_build_map_returns_folium_map() -> None:
    events = shipped_events()
    fmap = geo.build_map(events)
    assert isinstance(fmap, folium.Map)
    layers = list(fmap._children.values())
    # the default basemap is the shipped outlines with names: no tile layer, no request
    assert [getattr(c, "layer_name", None) for c in layers[:5]] == [
        "Country outlines (offline)",
        "Capital-to-capital contacts (arcs)",
        "Meetings, visits, statements",
        "Flights",
        "Names of places and countries (offline)",
    ]
    (time_layers,) = [c for c in layers if type(c).__name__ == "_TimeLayers"]
    counts = time_layers.meta["counts"]
    assert counts["events"] == len(events) > 20
    assert counts["flights"] == sum(e.is_flight for e in events) >= 1
    assert (counts["recorded"], counts["fixes"]) == (0, 0)  # no --tracks
    places = [loc for e in events for loc in (e.destination, *e.origin)]
    lats, lons = [p.lat for p in places], [p.lon for p in places]
    south, west, north, east = min(lats), min(lons), max(lats), max(lons)
    pad = time_layers.fit[1][0] - north
    (s, w), (n, e) = time_layers.fit  # every place the events name, with a margin
    assert pad > 0 and [s, w, n, e] == pytest.approx(
        [south - pad, west - pad, north + pad, east + pad]
    )


def test_html_is_self_contained() -> None:
    html = geo.to_html(shipped_events())
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert not any(host in html for host in CDN_HOSTS)
    js, css = leaflet_assets()
    assert js in html and "url(images/" not in css and "data:image/png;base64," in css
    assert "geoTimelineInit(" in html
    # by default nothing points outside the file; with tiles, only tile URLs
    urls = set(re.findall(r"https?://[^\s\"'\\)]+", html.replace(js, "")))
    assert not {u for u in urls if "{z}" in u}
    tiled = geo.to_html(shipped_events(), basemap="tiles")
    urls = set(re.findall(r"https?://[^\s\"'\\)]+", tiled.replace(js, "")))
    assert {u for u in urls if "{z}" in u} == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}


def test_outlines_only_has_no_tiles_but_the_outline_layer() -> None:
    html = geo.to_html(shipped_events(), basemap="outlines")
    assert "tile.openstreetmap.org" not in html
    assert "Country outlines (offline)" in html and '"Azerbaijan"' in html


def test_the_default_is_outlines_and_tiles_are_an_overlay_one_can_switch_off() -> None:
    assert geo.to_html(shipped_events()) == geo.to_html(shipped_events(), basemap="outlines")
    tiled = geo.to_html(shipped_events(), basemap="tiles")
    layer = re.search(r"L\.tileLayer\([^;]*", tiled)
    assert layer and "tile.openstreetmap.org" in layer.group(0)
    # a LayerControl overlay (a checkbox), not the only base layer (a radio that stays on)
    control = re.search(r"overlays\s*:\s*\{[^}]*\}", tiled)
    assert control and "OpenStreetMap tiles" in control.group(0)


def test_popups_carry_local_and_utc_times_and_sources() -> None:
    data = page_data(geo.to_html(shipped_events(), tz="Europe/Moscow"))
    assert data["meta"]["tz"] == "Europe/Moscow"
    cols = data["events"]
    i = cols["id"].index("flight-vko-gyd-2025-03-14")
    assert cols["local"][i].startswith("01:54 MSK 14 Mar 2025")
    assert cols["sources"][i][0] == (
        "Caliber.Az, “The Jerusalem Post: Trump’s envoy Witkoff arrives in Baku with key "
        "diplomatic mission”, Tamilla Hasanova, Mar 2025"
    )
    (flight,) = data["flights"]
    assert flight["facts"][0] == "1,926 km great circle"


def test_speculative_events_are_styled_apart() -> None:
    data = page_data(geo.to_html(shipped_events()))
    spec = [i for i, s in enumerate(data["events"]["status"]) if s == "speculative"]
    assert [data["events"]["id"][i] for i in spec] == ["trump-putin-baku-speculation-2025-03-14"]
    statuses = data["meta"]["style"]["statuses"]
    assert statuses["speculative"]["dash"]
    assert statuses["speculative"]["fill"] < statuses["confirmed"]["fill"]


def test_json_in_script_is_inert() -> None:
    hostile = "</script><script>alert(1)</script><!-- \u2028\u2029 & ${x} {{y}}"
    text = json_for_script({"t": hostile})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": hostile}


def test_title_is_escaped_and_same_input_same_bytes() -> None:
    events = shipped_events()
    html = geo.to_html(events, title='<img src=x onerror="alert(1)">')
    assert "<img src=x" not in html
    assert "<title>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</title>" in html or (
        "<title>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</title>" in html
    )
    assert geo.to_html(events) == geo.to_html(events)


def test_empty_selection_renders() -> None:
    html = geo.to_html([])
    assert page_data(html)["events"]["t0"] == []


def test_hostile_fields_stay_in_the_data_block() -> None:
    events = events_from_csv(
        'x,meeting,"</script><script>alert(1)</script>",2025-01-01,,,Baku,,reported,'
        '"javascript:alert(1);https://ok.example/a",note\n'
    )
    html = geo.to_html(events)
    assert "<script>alert(1)</script>" not in html and "javascript:" not in html
    data = page_data(html)
    assert data["events"]["title"][0] == "</script><script>alert(1)</script>"
    assert data["events"]["sources"][0] == ["javascript:alert(1)", "https://ok.example/a"]
    assert data["links"] == {"https://ok.example/a": "https://ok.example/a"}


def test_template_syntax_in_data_is_not_evaluated() -> None:
    events = events_from_csv(
        'x,meeting,"{{7*7}} {% if true %}IF{% endif %} ${1+1}",2025-01-01,,,Baku,,reported,s,\n'
    )
    html = geo.to_html(events, title="{{ 6*7 }}")
    title = page_data(html)["events"]["title"][0]
    assert title == "{{7*7}} {% if true %}IF{% endif %} ${1+1}"
    assert "<title>{{ 6*7 }}</title>" in html and "42" not in html.split("<title>")[1][:20]


def test_a_map_from_files_with_skipped_rows_says_so_in_its_metadata(tmp_path) -> None:
    from geo.cli import main
    from tests.helpers import document_parts

    out = tmp_path / "map.html"
    assert main(["export", "tests/data/bad/many_problems.csv", "--out", str(out)]) == 0
    meta, _blob = document_parts(out.read_text(encoding="utf-8"))
    left_out = meta["leftOut"]
    assert left_out[0] == "4 rows of tests/data/bad/many_problems.csv were left out:"
    assert "tests/data/bad/many_problems.csv:6: start: '2025-13-01' is not a real date" in (
        " ".join(left_out))
    assert len(left_out) == 1 + 6  # the heading and each of the six problems
    # a clean load says nothing
    clean = tmp_path / "clean.html"
    assert main(["export", "--out", str(clean)]) == 0
    assert document_parts(clean.read_text(encoding="utf-8"))[0]["leftOut"] == []


def test_left_out_lines_count_and_cap() -> None:
    from geo.layers import LEFT_OUT_SHOWN, left_out_lines
    from geo.model import Problem

    problems = [Problem("x.csv", k, "start", "bad") for k in range(2, 20)]
    lines = left_out_lines(problems, 1, "x.csv")
    assert lines[0] == "1 row of x.csv was left out:"
    assert lines[1] == "x.csv:2: start: bad"
    assert len(lines) == 1 + LEFT_OUT_SHOWN + 1
    assert lines[-1] == f"and {18 - LEFT_OUT_SHOWN} more (python -m geo check)"
    assert left_out_lines([], 0, "x.csv") == []
