"""A flight's alternatives on the exported map (``export --match-from``), in headless
Chromium: the card lists the other candidates (name, score, reasons in short), a toggle draws
them faintly and hides them again, and a hostile name stays text."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.cli import main
from geo.dataset import load_dataset
from geo.export import export
from geo.match.demo import DEMO_FLIGHTS, write_store
from geo.model import Alternative
from tests.conftest import GUARD_MS, OfflinePage

pytestmark = pytest.mark.browser

FLIGHT = "flight-vko-gyd-2025-03-14"
WAIT_MS = GUARD_MS  # a guard against a hang, not a budget


@pytest.fixture(scope="module")
def matched_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("altmap")
    store = write_store(folder / "store", DEMO_FLIGHTS)
    out = folder / "map.html"
    assert main(["export", "--match-from", str(store), "--out", str(out)]) == 0
    return out


def _open_card(state: OfflinePage, path: Path) -> None:
    page = state.page
    page.goto(path.as_uri())
    page.wait_for_function("window.geoTimeline !== undefined", timeout=WAIT_MS)
    assert page.evaluate(f"geoTimeline.openPopup('{FLIGHT}')")
    page.locator(".geo-popup .geo-alternatives").wait_for(timeout=WAIT_MS)


def test_the_card_lists_the_alternatives_and_draws_them_on_request(
    offline_page: OfflinePage, matched_map: Path
) -> None:
    _open_card(offline_page, matched_map)
    page = offline_page.page
    items = page.locator(".geo-popup .geo-alternatives li").all_inner_texts()
    assert [t.split(",")[0] for t in items] == [
        "N650GD (a8c3d1)", "N887WM (ac82ec)", "RA-89050 (152ba4)", "4K-AZ81 (600a1c)"
    ]
    assert items[0].startswith("N650GD (a8c3d1), score 0.37: took off 1 h 4 min after the "
                               "reported time at the reported airport (VKO)")
    # off by default; the toggle draws the four faintly, then hides them
    paths = page.locator("path.geo-alternative")
    assert paths.count() == 0
    toggle = page.locator(".geo-popup .geo-alternatives-toggle")
    assert toggle.inner_text() == "Draw the alternatives"
    toggle.click()
    page.wait_for_function(
        "document.querySelectorAll('path.geo-alternative').length === 4", timeout=WAIT_MS
    )
    assert toggle.inner_text() == "Hide the alternatives"
    assert page.evaluate("geoTimeline.alternativesShown()") == [FLIGHT]
    opacity = paths.first.get_attribute("stroke-opacity")
    assert opacity is not None and float(opacity) == pytest.approx(0.3)  # faint
    toggle.click()
    page.wait_for_function(
        "document.querySelectorAll('path.geo-alternative').length === 0", timeout=WAIT_MS
    )
    assert page.evaluate("geoTimeline.alternativesShown()") == []
    assert offline_page.errors == [] and offline_page.blocked == []


def test_a_hostile_alternative_stays_text(offline_page: OfflinePage, tmp_path: Path) -> None:
    data = load_dataset()
    hostile = Alternative(
        '<img src=x onerror="window.__pwned=1">', 0.5,
        ("<script>window.__pwned=2</script>",), (55.59, 40.46), (37.26, 50.05),
    )
    events = [e._replace(alternatives=(hostile,)) if e.id == FLIGHT else e
              for e in data.events]
    path = tmp_path / "map.html"
    path.write_bytes(export(events, "html", views=data.views))
    _open_card(offline_page, path)
    page = offline_page.page
    (item,) = page.locator(".geo-popup .geo-alternatives li").all_inner_texts()
    assert item == ('<img src=x onerror="window.__pwned=1">, score 0.50: '
                    "<script>window.__pwned=2</script>")
    assert page.locator(".geo-popup .geo-alternatives img, .geo-popup script").count() == 0
    page.locator(".geo-popup .geo-alternatives-toggle").click()
    page.wait_for_function(
        "document.querySelectorAll('path.geo-alternative').length === 1", timeout=WAIT_MS
    )
    assert page.evaluate("window.__pwned === undefined")
    assert offline_page.errors == []
