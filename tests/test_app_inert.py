"""Text from files and links is inert in the app (issue 27 item 12), and the map's frame is
held to a content security policy (item 13): the rules themselves, without a browser (the
browser checks are in test_app_upload_browser.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.apptext import WORD_JOINER, map_policy, md_text, script_hashes
from tests.test_app import APP, events_csv, run_ok, shipped_rows, shown

# GitHub-flavoured Markdown's autolink literals (mdast-util-gfm-autolink-literal, which
# Streamlit's Markdown runs over the text after escapes are resolved), ported
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
HOSTILE = [
    "https://evil.example/x",
    "see HTTP://EVIL.EXAMPLE and www.evil.example",
    "mailto:a@evil.example",
    "ops@evil.example",
    "xmpp:a@evil.example",
    "<https://evil.example>",
    "[click](https://evil.example)",
]


def links_in(markdown: str) -> list[str]:
    text = shown(markdown)  # the text after Markdown resolved the escapes
    return [m.group(0) for r in (GFM_URL, GFM_EMAIL) for m in r.finditer(text)]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_url_or_address_is_auto_linked(text: str) -> None:
    assert links_in(text)  # the port finds them in the raw text
    out = md_text(text)
    assert links_in(out) == []
    assert shown(out).replace(WORD_JOINER, "") == text  # what a reader sees: the same text


@settings(deadline=None, max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("htpsw.:/@-_ax1 ")), max_size=40))
def test_no_text_is_auto_linked(text: str) -> None:
    assert links_in(md_text(text)) == []


def test_the_map_policy_allows_tiles_only_with_tiles() -> None:
    document = "<html><head><script>var a = 1;\r\n</script></head><body>" \
        '<script type="text/javascript">var b = 2;</script><script>var a = 1;\n</script></body>'
    tiles, outlines = map_policy("tiles", document), map_policy("outlines", document)
    assert "tile.openstreetmap.org" in tiles and "tile.openstreetmap.org" not in outlines
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"
        for text in (b"var a = 1;\n", b"var b = 2;")  # the parser's line breaks; each once
    ]
    for policy in (tiles, outlines):
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'"
        assert directives["script-src"] == " ".join(hashes)  # its own scripts: no injected one,
        # no inline handler, no URL, no eval
        assert "connect-src" not in directives and "frame-src" not in directives
    assert "script-src 'none'" in map_policy("outlines", "<p>no script</p>")


def test_the_app_sends_the_policy_with_the_map() -> None:
    from streamlit.testing.v1 import AppTest

    at: Any = AppTest.from_file(APP, default_timeout=120)
    at.query_params["basemap"] = "outlines"
    run_ok(at)
    (frame,) = at.get("component_instance")
    args = json.loads(frame.proto.json_args)
    assert args["csp"] == map_policy("outlines", args["html"])
    assert len(script_hashes(args["html"])) >= 2  # the page's scripts, each by its hash


def test_a_url_in_an_uploaded_title_is_shown_as_text_in_the_app() -> None:
    from streamlit.testing.v1 import AppTest

    rows = shipped_rows()
    flight = next(r for r in rows if r["kind"] == "flight")
    hostile = {**flight, "title": "Flight https://evil.example/x www.evil.example ops@evil.example"}
    at: Any = AppTest.from_file(APP, default_timeout=120)
    run_ok(at)
    at.file_uploader(key="upload_events_0").set_value(
        ("events.csv", events_csv([hostile]), "text/csv"))
    run_ok(at)
    labels = [e.label for e in at.expander]
    title = next(label for label in labels if "evil" in label)
    assert links_in(title) == [] and "evil.example" in shown(title).replace(WORD_JOINER, "")
