"""The hostile export in real Chromium, offline: every feature clicked, every popup and tooltip
opened, the slider stepped through every stop in every mode and zone — and nothing in the data
ever runs, injects markup, opens a dialog or adds a global."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from geo.dataset import load_dataset
from geo.export import export
from tests.conftest import OfflinePage, at_rest, no_popup, open_offline
from tests.helpers import shipped_events
from tests.test_hostile import FILES, LEGIT, RAW, TITLE, _split

pytestmark = pytest.mark.browser

GLOBALS = "Object.getOwnPropertyNames(window).sort()"
# closes the popup and stops the pan that opening it began (returning the map would make
# Playwright serialize all of it)
CLOSE = "() => { geoTimeline.map.closePopup(); geoTimeline.map.stop(); }"
# Every element a popup's or tooltip's content may hold (see geo/static/js/60-popup.js).
CONTENT_TAGS = {"div", "dl", "dt", "dd", "ul", "li", "a", "span", "button"}

# Pans (at once) so that an event's point is in the middle of the map; its pixel there.
CENTRE_ON = """
id => {
  const m = geoTimeline.map;
  m.panTo(m.containerPointToLatLng(geoTimeline.pointAt(id)), { animate: false });
  return geoTimeline.pointAt(id);
}
"""

# Reads every open popup and tooltip (the overlays on the map now; a closed one lingers in the
# DOM for its fade-out): its text, its links, the tags inside it; for a list, its entries.
READ_OPEN = """
() => {
  const grab = (n) => ({
    title: (n.querySelector('.geo-popup-title') || n).textContent,
    list: !!n.querySelector('.geo-list'),
    items: [...n.querySelectorAll('.geo-list-item')].map(b => b.getAttribute('data-event')),
    text: n.textContent,
    links: [...n.querySelectorAll('a')].map(a =>
      [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]),
    tags: [...n.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),
    injected: n.querySelectorAll(
      'img, svg, iframe, frame, object, embed, script, style, link, meta, base, form, ' +
      'video, audio, math, template').length,
  });
  const out = { popups: [], tooltips: [] };
  geoTimeline.map.eachLayer(l => {
    if (l instanceof L.Popup) out.popups.push(grab(l.getElement().querySelector(
      '.leaflet-popup-content')));
    else if (l instanceof L.Tooltip) out.tooltips.push(grab(l.getElement()));
  });
  return out;
}
"""

# Opens every event's card through the page's API, one at a time, reading each while open.
OPEN_ALL = (
    """
() => {
  const read = """
    + READ_OPEN
    + """;
  const out = { popups: [], tooltips: [], opened: 0 };
  for (const id of geoTimeline.model.id) {
    if (!geoTimeline.openPopup(id)) continue;
    out.opened++;
    out.popups.push(...read().popups);
    geoTimeline.map.closePopup();
  }
  return out;
}
"""
)

DOM_AUDIT = """
() => {
  const onAttrs = [], jsUrls = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (/^on/i.test(a.name)) onAttrs.push(e.tagName + ' ' + a.name);
      if (/^\\s*(javascript|vbscript|data:text\\/html)/i.test(a.value) ||
          /(javascript|vbscript):/i.test(a.value) && a.name !== 'style')
        jsUrls.push(e.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  return {
    onAttrs, jsUrls,
    scripts: document.scripts.length,
    pwned: typeof window.pwned,
    injectedInPanes: document.querySelectorAll(
      '.leaflet-popup-pane img, .leaflet-popup-pane iframe, ' +
      '.leaflet-tooltip-pane img, .leaflet-tooltip-pane svg, .leaflet-tooltip-pane iframe, ' +
      '.leaflet-control-container iframe, .leaflet-control-container img, ' +
      '.leaflet-control-container script, .leaflet-popup-pane script').length,
  };
}
"""

# Every stop of the slider, in the current mode: how many distinct times were reached.
STEP_ALL = (
    "() => { const s = geoTimeline.stops; const seen = new Set();"
    " for (let i = 0; i < s.length; i++) {"
    " geoTimeline.setTime(s[i]); seen.add(geoTimeline.time()); }"
    " return seen.size; }"
)


class _ScriptCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"


def _scripts_in(path: Path) -> int:
    counter = _ScriptCounter()
    counter.feed(path.read_text(encoding="utf-8"))
    return counter.scripts


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    events = load_dataset(FILES["events"], FILES["airports"], FILES["places"]).events
    path = tmp_path_factory.mktemp("hostile") / "hostile.html"
    path.write_bytes(export(events, "html", title=TITLE))
    return path


@pytest.fixture(scope="module")
def clean_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clean") / "clean.html"
    path.write_bytes(export(shipped_events(), "html"))
    return path


def _open(state: OfflinePage, path: Path) -> None:
    state.page.goto(path.as_uri())
    state.page.wait_for_function("window.geoTimeline !== undefined", timeout=15000)


def _expected_title(row: dict[str, str]) -> str:
    return row["title"] or row["id"]


BY_TITLE = {_expected_title(r): r for r in RAW.values()}


def _check_shown(shown: dict[str, list[dict[str, Any]]]) -> tuple[set[str], set[str]]:
    """Every popup and tooltip holds only text (and http(s) links); returns the titles of the
    event cards and of the events the lists and tooltips name."""
    popup_titles: set[str] = set()
    for popup in shown["popups"]:
        assert popup["injected"] == 0, popup
        assert set(popup["tags"]) <= CONTENT_TAGS, popup["tags"]
        if popup["list"]:  # a cluster's or an arc's events: each entry one event's title
            assert popup["items"] and set(popup["items"]) <= set(RAW), popup["items"]
            assert popup["links"] == []
            continue
        row = BY_TITLE[popup["title"]]  # the title shown literally: KeyError if mangled
        popup_titles.add(popup["title"])
        text = popup["text"]
        for value in (row["id"], row["notes"], *_split(row["participants"]),
                      *_split(row["sources"])):
            assert value in text, (value, text)
        for href, rel, target in popup["links"]:
            assert href == LEGIT, href
            assert rel == "noopener noreferrer" and target == "_blank"
        n_legit = _split(row["sources"]).count(LEGIT)
        assert len(popup["links"]) == n_legit
    tooltip_titles: set[str] = set()
    for tooltip in shown["tooltips"]:
        assert tooltip["injected"] == 0 and set(tooltip["tags"]) <= CONTENT_TAGS, tooltip
        assert tooltip["links"] == []
        if re.fullmatch(r"\d+ events", tooltip["text"]):
            continue
        assert tooltip["text"] in BY_TITLE, tooltip["text"]
        tooltip_titles.add(tooltip["text"])
    return popup_titles, tooltip_titles


def _click_through_lists(page: Any, collect: Any) -> None:
    """Every open list (a cluster's, an arc's): each entry clicked, its card read."""
    shown = page.evaluate(READ_OPEN)
    collect(shown)
    for popup in shown["popups"]:
        for k in range(len(popup["items"])):  # by position: hostile ids make bad selectors
            at_rest(page)
            page.locator(".geo-list-item").nth(k).click()
            collect(page.evaluate(READ_OPEN))
            at_rest(page)
            page.locator(".geo-back").click()


def test_globals_are_those_of_a_clean_map(
    browser: Any, hostile_file: Path, clean_file: Path
) -> None:
    seen = {}
    for name, path in (("clean", clean_file), ("hostile", hostile_file)):
        state = open_offline(browser)
        try:
            _open(state, path)
            seen[name] = state.page.evaluate(GLOBALS)
            assert state.errors == [] and state.dialogs == []
        finally:
            state.page.context.close()
    assert "pwned" not in seen["hostile"]
    assert set(seen["hostile"]) == set(seen["clean"])


def test_clicking_through_everything_runs_nothing(
    offline_page: OfflinePage, hostile_file: Path
) -> None:
    _open(offline_page, hostile_file)
    page = offline_page.page
    globals_at_load = page.evaluate(GLOBALS)
    scripts = _scripts_in(hostile_file)
    assert page.evaluate(DOM_AUDIT)["scripts"] == scripts
    assert page.title() == TITLE
    assert page.locator(".geo-title").text_content() == TITLE

    popup_titles: set[str] = set()
    tooltip_titles: set[str] = set()

    def collect(shown: dict[str, list[dict[str, Any]]]) -> None:
        p, t = _check_shown(shown)
        popup_titles.update(p)
        tooltip_titles.update(t)

    # 1. At the end of the span (everything shown): real DOM clicks and hovers on every SVG
    # feature; a cluster's or an arc's list, each of its entries.
    page.evaluate("geoTimeline.setSpan(geoTimeline.span[0], geoTimeline.span[1])")
    page.evaluate("geoTimeline.setTime(geoTimeline.span[1])")
    n_dom = 0
    for selector in ("path.geo-marker", ".geo-cluster", "path.geo-arc", "path.geo-flight-done"):
        features = page.locator(selector)
        for k in range(features.count()):
            n_dom += 1
            features.nth(k).dispatch_event("mouseover")
            features.nth(k).dispatch_event("click")
            _click_through_lists(page, collect)
            page.evaluate(CLOSE)
            features.nth(k).dispatch_event("mouseout")
    assert n_dom >= 4  # markers, clusters, arcs and the flight's track are DOM elements

    # 2. Every event's card through the page, at the end ...
    everything = page.evaluate(OPEN_ALL)
    collect(everything)
    # ... and mid-flight, when the aircraft is on the map (a real click on it, too).
    flight = next(r for r in RAW.values() if r["kind"] == "flight")
    page.evaluate("geoTimeline.setTime(Date.UTC(2025, 2, 13, 23, 50))")  # 22:54 -> 01:30 UTC
    assert len(page.evaluate("geoTimeline.aircraft()")) == 1
    page.locator(".geo-aircraft").first.dispatch_event("click")
    shown = page.evaluate(READ_OPEN)
    assert [p["title"] for p in shown["popups"]] == [_expected_title(flight)]
    collect(shown)
    page.evaluate(CLOSE)
    page.locator("path.geo-flight-track").first.dispatch_event("mouseover")
    collect(page.evaluate(READ_OPEN))
    collect(page.evaluate(OPEN_ALL))

    assert popup_titles == set(BY_TITLE)
    assert tooltip_titles and tooltip_titles <= set(BY_TITLE)
    assert everything["opened"] == len(RAW)

    # 3. The slider through every stop, in each mode, window and zone.
    n_stops = page.evaluate("geoTimeline.stops.length")
    assert n_stops >= len({r["start"] for r in RAW.values()})
    assert page.evaluate(STEP_ALL) == n_stops
    page.select_option("select.geo-mode", "window")
    for value in page.locator("select.geo-window option").evaluate_all(
        "os => os.map(o => o.value)"
    ):
        page.select_option("select.geo-window", value)
        assert page.evaluate(STEP_ALL) == n_stops
        collect(page.evaluate(OPEN_ALL))
    page.select_option("select.geo-mode", "cumulative")
    zones = page.locator("select.geo-tz option").evaluate_all("os => os.map(o => o.value)")
    assert len(zones) >= 3
    for zone in zones:
        page.select_option("select.geo-tz", zone)
        assert page.evaluate(STEP_ALL) == n_stops

    # 4. Real keys on the slider and the buttons, every speed, the chapters' and link's buttons.
    slider = page.locator("input.geo-slider")
    slider.focus()
    page.keyboard.press("Home")
    assert page.evaluate("geoTimeline.time() === geoTimeline.clock.lo")
    for key in ["ArrowRight"] * 5 + ["Shift+ArrowRight"] * 4 + ["ArrowLeft", "Shift+ArrowLeft",
                                                                "PageUp", "PageDown"]:
        page.keyboard.press(key)
    assert page.evaluate("geoTimeline.time() > geoTimeline.clock.lo")
    page.locator("button.geo-next").click()
    page.locator("button.geo-prev").click()
    for speed in page.locator("select.geo-speed option").evaluate_all("os => os.map(o => o.value)"):
        page.select_option("select.geo-speed", speed)
        slider.focus()
        page.keyboard.press("Space")
        page.wait_for_timeout(150)
        page.keyboard.press("Space")
    page.keyboard.press("End")
    assert page.evaluate("geoTimeline.time() === geoTimeline.clock.hi")
    page.locator("canvas.geo-histogram").click()
    collect(page.evaluate(OPEN_ALL))

    _assert_nothing_ran(offline_page, scripts, globals_at_load)


def _assert_nothing_ran(state: OfflinePage, scripts: int, globals_at_load: list[str]) -> None:
    page = state.page
    audit = page.evaluate(DOM_AUDIT)
    assert state.dialogs == []
    assert state.errors == []
    assert audit["pwned"] == "undefined"
    assert audit["onAttrs"] == []
    assert audit["jsUrls"] == []
    assert audit["scripts"] == scripts
    assert audit["injectedInPanes"] == 0
    assert page.evaluate(GLOBALS) == globals_at_load
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in state.blocked), (
        state.blocked
    )


@pytest.fixture(scope="module")
def hostile_canvas_file(hostile_file: Path) -> Path:
    """The same map with its many-events mode forced on: markers, arcs and tracks drawn on
    canvases, popups and tooltips made on demand by the page's own click and hover handlers."""
    doc = hostile_file.read_text(encoding="utf-8")
    forced = re.sub(r'"svgLimit": ?\d+', '"svgLimit": 1', doc)
    assert forced != doc
    path = hostile_file.with_name("hostile-canvas.html")
    path.write_text(forced, encoding="utf-8")
    return path


def test_canvas_mode_runs_nothing_either(
    offline_page: OfflinePage, hostile_canvas_file: Path
) -> None:
    _open(offline_page, hostile_canvas_file)
    page = offline_page.page
    globals_at_load = page.evaluate(GLOBALS)
    scripts = _scripts_in(hostile_canvas_file)
    assert page.evaluate("geoTimeline.canvas") is True
    assert page.locator("path.geo-marker").count() == 0
    page.evaluate("geoTimeline.setSpan(geoTimeline.span[0], geoTimeline.span[1])")
    page.evaluate("geoTimeline.setTime(geoTimeline.span[1])")

    popup_titles: set[str] = set()
    tooltip_titles: set[str] = set()

    def collect(shown: dict[str, list[dict[str, Any]]]) -> None:
        p, t = _check_shown(shown)
        popup_titles.update(p)
        tooltip_titles.update(t)

    flight = next(r for r in RAW.values() if r["kind"] == "flight")
    for when in ("end", "mid-flight"):
        if when == "mid-flight":
            page.evaluate("geoTimeline.setTime(Date.UTC(2025, 2, 13, 23, 50))")
        for event_id in RAW:
            if when == "mid-flight" and event_id != flight["id"]:
                continue
            # through the page's API, then a real click on the marker (or cluster) itself
            assert page.evaluate("id => geoTimeline.openPopup(id)", event_id), event_id
            shown = page.evaluate(READ_OPEN)
            assert [p["title"] for p in shown["popups"]] == [_expected_title(RAW[event_id])]
            collect(shown)
            page.evaluate(CLOSE)
            if event_id == flight["id"]:
                continue  # a flight has no marker; its aircraft is drawn on canvas
            at = page.evaluate(CENTRE_ON, event_id)  # clear of the controls
            no_popup(page)  # a closed popup lingers, fading, over the point
            page.mouse.click(at["x"], at["y"])
            _click_through_lists(page, collect)
            page.evaluate(CLOSE)
    assert popup_titles == set(BY_TITLE)
    steps = page.evaluate(STEP_ALL)
    assert steps == page.evaluate("geoTimeline.stops.length")
    _assert_nothing_ran(offline_page, scripts, globals_at_load)
