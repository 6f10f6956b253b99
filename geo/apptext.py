"""Text in the app is text: Markdown made inert (:func:`md_text`), and the content security
policy that holds the map's document to its own scripts (:func:`map_policy`)."""

from __future__ import annotations

import base64
import hashlib
import re

from geo.options import Basemap

# ---- text is text ---------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
WORD_JOINER = "\u2060"
_AUTOLINK_START = re.compile(r"(?i)(?:https?|ftp|mailto|xmpp)(?=:)|www(?=\.)|@")
"""Where GitHub-flavoured Markdown starts a link of its own in plain text (``http://``,
``www.``, an address's ``@``): Streamlit's Markdown links these even when escaped."""


def md_text(text: object) -> str:
    """Any string from a file or a link, for a place Streamlit reads as Markdown (a label, a
    message, a table cell): every ASCII punctuation character backslash-escaped (CommonMark
    allows it for each), so no link, image, emphasis, HTML tag, ``:color[...]`` directive or
    KaTeX ``$...$`` comes alive; an invisible word joiner after each place a bare URL or
    address would start (``https\u2060://``, ``www\u2060.``, ``@\u2060``), so none is
    auto-linked; line breaks become spaces. The one escaping helper of the app.
    """
    flat = " ".join(str(text).split())
    joined = _AUTOLINK_START.sub(lambda m: m.group(0) + WORD_JOINER, flat)
    return _PUNCTUATION.sub(r"\\\1", joined)


TILE_SOURCES = ("https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org")
"""Where the map's online tiles come from (folium's OpenStreetMap layer)."""


_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def script_hashes(document: str) -> tuple[str, ...]:
    """The CSP sources (``'sha256-…'``) of the document's own inline scripts, each once, in
    order: its text as the HTML parser gives it to the browser (line breaks normalised)."""
    seen: dict[str, None] = {}
    for match in _INLINE_SCRIPT.finditer(document):
        text = match.group(1).replace("\r\n", "\n").replace("\r", "\n")
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        seen[f"'sha256-{digest}'"] = None
    return tuple(seen)


def map_policy(basemap: Basemap, document: str) -> str:
    """The content security policy of the app's map frame (a frame of its own): the
    document's own inline scripts by their hashes (no other script runs: not one injected
    into the document, not an inline event handler, not ``eval``), inline style, its
    ``data:`` images (Leaflet's icons) and nothing else; images from the tile server only
    when the basemap has tiles."""
    images = " ".join(("data:", *(TILE_SOURCES if basemap == "tiles" else ())))
    scripts = " ".join(script_hashes(document)) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
        f"img-src {images}; font-src data:; base-uri 'none'; form-action 'none'"
    )
