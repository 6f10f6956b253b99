"""A document whose data differs from what its page reads shows, in real Chromium, a visible
message naming each part (never a map drawn with an undefined column)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.export import export
from tests.conftest import OfflinePage
from tests.helpers import events_from_csv

pytestmark = pytest.mark.browser

ROWS = "call,call,A call,2025-03-13,,Moscow,Baku,A,confirmed,s,\n"


def test_a_renamed_part_is_said_on_the_page(offline_page: OfflinePage, tmp_path: Path) -> None:
    html = export(events_from_csv(ROWS), "html").decode("utf-8")
    tag = '<script type="application/json" id="geo-meta">'
    head, rest = html.split(tag, 1)
    meta, tail = rest.split("</script>", 1)
    assert meta.count('"ev.dt0":') == 1  # the part's entry in the blob's index
    renamed = head + tag + meta.replace('"ev.dt0":', '"ev.dt":') + "</script>" + tail
    path = tmp_path / "renamed.html"
    path.write_text(renamed, encoding="utf-8")
    page = offline_page.page
    page.goto(path.as_uri())
    page.wait_for_selector(".geo-error", timeout=20000)
    text = page.inner_text(".geo-error")
    assert "The map's data could not be read" in text
    assert "missing part 'ev.dt0'; extra part 'ev.dt'" in text
    assert page.is_visible(".geo-error")


def test_a_renamed_rule_is_said_on_the_page(offline_page: OfflinePage, tmp_path: Path) -> None:
    html = export(events_from_csv(ROWS), "html").decode("utf-8")
    assert html.count('"instantMs":1000') == 1  # geo.payload.RULES, in the JSON block
    path = tmp_path / "renamed-rule.html"
    path.write_text(html.replace('"instantMs":1000', '"instantSeconds":1'), encoding="utf-8")
    page = offline_page.page
    page.goto(path.as_uri())
    page.wait_for_selector(".geo-error", timeout=20000)
    text = page.inner_text(".geo-error")
    assert "missing rule 'instantMs'; extra rule 'instantSeconds'" in text
    assert page.is_visible(".geo-error")
