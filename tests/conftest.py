"""Shared fixtures: headless Debian Chromium driven by Playwright, with the network cut.

Browser tests run wherever /usr/bin/chromium exists. Outside CI they skip, saying why, on a
machine without it; in CI (CI=true) a missing Chromium is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.appserver import ServerError, serve_app

# Tests no load can break: no hypothesis deadline and no health check that times the machine
# (a busy 2-core CI runner makes any example "too slow"). Every @settings(...) in the tests
# starts from this profile, so a test that names only max_examples gets it too.
settings.register_profile(
    "geo", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("geo")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless=new",
    # The app's map frame is sandboxed; Chromium puts a sandboxed frame in a process of its
    # own, and there Playwright's clicks on the app's buttons made as the map finished loading
    # were lost on a busy machine (the HTML download: 1 of 3 runs failed; 0 of 4 with this).
    # Kept in the page's process, the sandbox (an opaque origin) holds as it does out of it.
    "--disable-features=IsolateSandboxedIframes",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but no Chromium at /usr/bin/chromium: .ci/run must install it")
        pytest.skip("no Chromium on this machine (apt-get install chromium); CI runs these")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class OfflinePage:
    """A page whose every request outside ``allowed`` prefixes is aborted and recorded."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_offline(
    browser: Any,
    allowed: tuple[str, ...] = ("file:", "data:"),
    viewport: tuple[int, int] = (1280, 800),
) -> OfflinePage:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    context.set_default_timeout(GUARD_MS)  # waits without a guard of their own
    context.set_default_navigation_timeout(GUARD_MS)
    page = context.new_page()
    state = OfflinePage(page)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(allowed):
            r.continue_()
        else:
            state.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda exc: state.errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        state.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return state


GUARD_MS = 180_000
"""How long a wait for a page's state may take: a guard against a hang, not a budget."""


# What a page does after a step, waited for by what it is, never by the clock (a busy machine
# makes any fixed pause too short): a popup that opens, or changes its content, pans the map
# so it fits, animated; Leaflet marks the map's pane while the pan runs. A click aimed while
# the map slides lands where the button was.
AT_REST = "!document.querySelector('.leaflet-map-pane.leaflet-pan-anim')"
# A closed popup fades out and stays in the DOM, over the map, until it is removed.
NO_POPUP = "!document.querySelector('.leaflet-popup')"
# Canvas layers redraw on the next animation frame: after two, what was asked for is drawn.
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))"


def at_rest(page: Any) -> None:
    """Wait until the map is not panning (a popup's auto-pan has ended). The guard is long:
    on a busy machine the 100,000-event page's auto-pan took 26-29 s (each frame a redraw)."""
    page.wait_for_function(AT_REST, timeout=GUARD_MS)


def no_popup(page: Any) -> None:
    """Wait until every closed popup has faded out and left the page."""
    page.wait_for_function(NO_POPUP)


def drawn(page: Any) -> None:
    """Wait until the page has drawn the frames its last changes asked for."""
    page.evaluate(TWO_FRAMES)


@pytest.fixture
def offline_page(browser: Any) -> Iterator[OfflinePage]:
    state = open_offline(browser)
    yield state
    state.page.context.close()


APP_START_TIMEOUT_S = 300.0
"""How long ``streamlit run app.py`` may take to answer: a guard against a hang, not a budget."""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 for one test module (:mod:`tests.appserver`): its
    base URL. The server's cache folder (``XDG_CACHE_HOME``: the matcher's demo store is built
    there on first use) is the module's own temporary folder, never the user's."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    cache = tmp_path_factory.mktemp("cache")
    try:
        with serve_app(
            log, start_timeout_s=APP_START_TIMEOUT_S, env={"XDG_CACHE_HOME": str(cache)}
        ) as url:
            yield url
    except ServerError as exc:
        pytest.fail(str(exc))
