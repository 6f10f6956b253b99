"""The app's map component (geo/static/component) in Chromium, driven as Streamlit drives it:
a harness page hosts it in a frame, sends it render messages (the document, the events to
focus) and collects what it sends back (its value: the event a reader opened, the zone)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from geo.apptext import map_policy
from geo.dataset import load_dataset
from geo.export import export
from geo.timeline import epoch_ms
from tests.conftest import open_offline

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
COMPONENT = ROOT / "geo" / "static" / "component" / "index.html"

HARNESS = """<!doctype html><html><body>
<iframe id="c" src="{src}" style="width:1000px;height:650px;border:0"></iframe>
<script>
  window.sent = [];
  window.addEventListener("message", function (ev) {{
    if (ev.data && ev.data.isStreamlitMessage) window.sent.push(ev.data);
  }});
  window.render = function (args) {{
    document.getElementById("c").contentWindow.postMessage(
      {{ type: "streamlit:render", args: args, dfs: [], disabled: false }}, "*");
  }};
</script></body></html>"""


# In the component's frame: every state the map tells it, after the component has taken it.
STATES = """() => {
  window.states = [];
  window.addEventListener("message", ev => {
    if (ev.data && ev.data.geo === "state") window.states.push(String(ev.data.fragment));
  });
}"""


def _map_frame(page: Any) -> Any:
    for frame in page.frames:
        try:
            if frame.evaluate("() => !!window.geoTimeline"):
                return frame
        except Exception:  # a frame still loading
            continue
    return None


def test_the_component_shows_focuses_and_reports(browser: Any, tmp_path: Path) -> None:
    data = load_dataset()
    html = export(data.events, "html", views=data.views).decode("utf-8")
    harness = tmp_path / "harness.html"
    harness.write_text(HARNESS.format(src=COMPONENT.as_uri()), encoding="utf-8")
    state = open_offline(browser, viewport=(1100, 800))
    page = state.page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    try:
        page.goto(harness.as_uri())
        page.wait_for_function("window.sent.some(m => m.type === 'streamlit:componentReady')")
        policy = map_policy("tiles", html)  # the app's policy for this document: it works
        # under it
        page.evaluate("args => window.render(args)", {"html": html, "height": 650, "csp": policy})
        page.wait_for_function("window.sent.some(m => m.type === 'streamlit:setFrameHeight')")
        frame = None
        for _ in range(100):
            frame = _map_frame(page)
            if frame:
                break
            page.wait_for_timeout(100)
        assert frame is not None, "the document did not load in the component"
        assert frame.evaluate("geoTimeline.label()") == "13 Mar 2025, 22:54 UTC"
        assert frame.evaluate(
            "() => document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')"
            ".content") == policy

        # the table selected a row: the map goes to it, and opens it
        page.evaluate("args => window.render(args)",
                      {"html": html, "height": 650, "csp": policy,
                       "focus": {"ids": ["dunford-gerasimov-2017"]}})
        frame.wait_for_function("document.querySelector('.geo-popup[data-event]') !== null")
        meeting = next(e for e in data.events if e.id == "dunford-gerasimov-2017")
        assert frame.evaluate("geoTimeline.time()") == epoch_ms(meeting.start_utc)
        assert frame.evaluate("geoTimeline.map.getBounds().contains([40.378, 49.892])")

        # a reader opens an event on the map: the component's value names it
        frame.evaluate("geoTimeline.setSpan(geoTimeline.span[0], geoTimeline.span[1])")
        frame.evaluate("geoTimeline.setTime(geoTimeline.span[1])")
        assert frame.evaluate("geoTimeline.openPopup('witkoff-baku-2025-03-14')")
        page.wait_for_function(
            "window.sent.some(m => m.type === 'streamlit:setComponentValue' && m.value.event)"
        )
        # (the focus above opened a card too, but told nothing: the app asked for it)
        values = [m["value"] for m in page.evaluate("window.sent")
                  if m["type"] == "streamlit:setComponentValue"]
        assert values[-1]["event"] == "witkoff-baku-2025-03-14"
        assert all(m["dataType"] == "json" for m in page.evaluate("window.sent")
                   if m["type"] == "streamlit:setComponentValue")

        # and a zone chosen on the map's clock
        frame.select_option("select.geo-tz", "Asia/Baku")
        page.wait_for_function(
            "window.sent.some(m => m.type === 'streamlit:setComponentValue' && m.value.zone)"
        )

        # a new document (a filter changed) keeps the reader's moment and place
        component = frame.parent_frame
        component.evaluate(STATES)
        frame.evaluate(f"geoTimeline.setTime({epoch_ms(datetime(2025, 3, 14, 0, 12, tzinfo=UTC))})")
        # the map tells the component its state a quarter of a second after the last change
        component.wait_for_function(
            "window.states.some(s => decodeURIComponent(s).includes('t=2025-03-14T00:12'))"
        )
        other = export(data.events[:20], "html", views=data.views).decode("utf-8")
        page.evaluate("args => window.render(args)",  # each document with its own policy
                      {"html": other, "height": 650, "csp": map_policy("tiles", other)})
        frame = None
        for _ in range(100):
            frame = _map_frame(page)
            if frame and frame.evaluate("geoTimeline.model.n") == 20:
                break
            page.wait_for_timeout(100)
        assert frame is not None
        assert frame.evaluate("geoTimeline.time()") == epoch_ms(
            datetime(2025, 3, 14, 0, 12, tzinfo=UTC)
        )
        assert state.errors == [], state.errors
        refused = [t for t in console if "Content Security Policy" in t]
        assert refused == [], refused
        json.dumps(values)  # plain data only
    finally:
        page.context.close()
