"""The app's "Find the aircraft" panel in headless Chromium: ``streamlit run app.py`` on
localhost (every other request cut), the synthetic demo store built by the server on first use
into a temporary cache folder. The candidates are listed with the coverage and the verdict in
words, the first one is chosen and drawn beside the claim, then written into the flight's
``aircraft``; the edited events download as a file ``geo check`` accepts."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import open_offline

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
WAIT_MS = 180_000  # a guard against a hang, not a budget (the demo store: first click)


def test_find_the_aircraft_choose_draw_and_download(
    browser: Any, app_url: str, tmp_path: Path
) -> None:
    state = open_offline(browser, allowed=(app_url, "data:", "blob:", "about:"))
    page = state.page
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text[:300]}"))
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        expander = page.locator('[data-testid="stExpander"]').filter(
            has=page.get_by_text("Find the aircraft", exact=True))
        panel = expander.first
        header = expander.first.locator("summary")
        run = panel.get_by_role("button", name="Find the aircraft")
        # open the panel, and again whenever a rerun of the app draws it closed: clicked only
        # while closed (a click on an open one would close it), until its button shows
        deadline = time.monotonic() + WAIT_MS / 1000
        clicks = 0
        while not run.is_visible():
            assert time.monotonic() < deadline, (
                f"the panel never opened ({clicks} clicks; open: "
                f"{panel.locator('details[open]').count()}; status: "
                f"{page.locator('[data-testid=stStatusWidget]').all_inner_texts()!r}; "
                f"panel: {panel.inner_html()!r:.3000}; page: "
                f"{page.locator('[data-testid=stMain]').inner_text()!r:.4000}; "
                f"console: {console[-30:]!r}; blocked: {state.blocked[-10:]!r})")
            if header.is_visible() and not panel.locator("details[open]").count():
                header.click(timeout=WAIT_MS)
                clicks += 1
            page.wait_for_timeout(200)  # polling a page state
        run.click(timeout=WAIT_MS)
        page.get_by_text("Verdict: found: N103WG (a0b1c2)").wait_for(timeout=WAIT_MS)
        page.get_by_text("Coverage at origin VKO: good").wait_for(timeout=WAIT_MS)
        page.get_by_text("SYNTHETIC archive").first.wait_for(timeout=WAIT_MS)
        # the first candidate stays chosen (AppTest chooses another: tests/test_match_app.py)
        # drawn beside the claim: the map document of the candidate in a frame
        panel.get_by_text("Draw this candidate beside the claim").click()
        drawn = page.frame_locator('iframe[title="st.iframe"], iframe[srcdoc]').last
        drawn.locator(".leaflet-container").first.wait_for(timeout=WAIT_MS)
        # into the flight's aircraft, then the edited events downloaded
        panel.get_by_role("button", name="Use this aircraft for the flight").click()
        button = page.get_by_role("button", name="Download events.csv")
        button.wait_for(timeout=WAIT_MS)
        with page.expect_download(timeout=WAIT_MS) as info:
            button.click()
        saved = tmp_path / "events.csv"
        info.value.save_as(saved)
        row = next(line for line in saved.read_text(encoding="utf-8").splitlines()
                   if line.startswith("flight-vko-gyd-2025-03-14,"))
        assert row.endswith(",N103WG")
        proc = subprocess.run([sys.executable, "-m", "geo", "check", "--events", str(saved)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert state.errors == []
    finally:
        page.context.close()
