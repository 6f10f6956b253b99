"""The export formats are one table (:data:`geo.formats.EXPORT_FORMATS`): a format registered as
one row and one writer is a CLI ``--format`` choice, a suffix the CLI infers, an
:func:`geo.export.export` name and an app download button, with no other change; the README
lists every format of the table."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pytest

from geo import formats
from geo.cli import build_parser, main
from geo.export import export
from geo.formats import EXPORT_FORMATS, ExportFormat, ExportOptions, format_for_path
from geo.model import Event

ROOT = Path(__file__).resolve().parent.parent


def _count_ids(out: IO[bytes], events: Sequence[Event], options: ExportOptions) -> None:
    out.write(f"{len(events)} events in {options.tz}\n".encode())


MADE_UP = ExportFormat(
    "made-up", "made-up list", "text/x-made-up", "mu", _count_ids, suffixes=("madeup",)
)


@pytest.fixture
def made_up() -> Iterator[ExportFormat]:
    formats.register(MADE_UP)
    try:
        yield MADE_UP
    finally:
        del EXPORT_FORMATS[MADE_UP.name]


def test_a_registered_format_is_a_cli_choice_and_a_suffix(made_up: ExportFormat,
                                                          tmp_path: Path) -> None:
    args = build_parser().parse_args(["export", "--format", "made-up", "--out", "x"])
    assert args.format == "made-up"
    assert format_for_path("list.mu") == format_for_path("LIST.MADEUP") == "made-up"
    out = tmp_path / "list.mu"
    assert main(["export", "--out", str(out), "--tz", "Asia/Baku"]) == 0  # from the suffix
    assert out.read_bytes() == b"27 events in Asia/Baku\n"
    assert export([], "made-up") == b"0 events in UTC\n"


def test_an_unregistered_format_is_refused_naming_the_choices() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", "--format", "made-up", "--out", "x"])
    with pytest.raises(ValueError, match="unknown format 'made-up'; use one of html, geojson"):
        export([], "made-up")
    with pytest.raises(ValueError, match="already registered"):
        formats.register(EXPORT_FORMATS["kml"])


def test_a_registered_format_gets_an_app_download_button(made_up: ExportFormat) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = {b.key: b for b in at.get("download_button")}
    assert [k for k in buttons if k.startswith("download_") and k != "download_edited"] == [
        f"download_{name}" for name in EXPORT_FORMATS if name != "fixes-csv"
    ]  # the shipped data has no recorded track: no fixes CSV is offered, the app says why
    button: Any = buttons["download_made-up"]
    assert button.proto.label == "Download made-up list"


def test_the_table_keeps_the_formats_and_their_suffixes() -> None:
    assert list(EXPORT_FORMATS) == [
        "html", "geojson", "kml", "csv", "events-csv", "fixes-csv", "gpkg", "parquet", "png",
        "svg",
    ]
    assert {n for n, f in EXPORT_FORMATS.items() if f.streamed} == {"geojson", "kml"}
    assert {n for n, f in EXPORT_FORMATS.items() if f.heavy} == {"gpkg", "parquet", "png", "svg"}
    assert [format_for_path(p) for p in ("m.htm", "m.json", "m.geoparquet", "m.csv", "m.x")] == [
        "html", "geojson", "parquet", "csv", "html"
    ]


def test_the_readme_lists_every_format() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"`export` formats \(`--format`.*?\n\n", readme, re.S)
    assert listed, "README.md: the export formats paragraph is missing"
    for name in EXPORT_FORMATS:
        assert f"`{name}`" in listed.group(0), name
