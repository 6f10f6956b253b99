"""Hostile text is inert: markup, script and template payloads in every field of the input
stay literal text in every export, and never become markup, script or links (no browser here;
tests/test_hostile_browser.py clicks through the map itself)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.cli import main
from geo.dataset import load_dataset
from geo.export import export
from geo.layers import map_payload
from geo.model import Event, is_http_url
from geo.table import TABLE_COLUMNS
from tests.helpers import page_data

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
FILES = {k: HOSTILE / f"{k}.csv" for k in ("events", "airports", "places")}
FILE_ARGS = [a for k, p in FILES.items() for a in (f"--{k}", str(p))]
LEGIT = "https://example.org/a?b=1&c=2"
TITLE = "</title><script>window.pwned=1</script> \" onmouseover=\"alert(1) {{7*7}} \u2028 & end"

# Strings that must never appear in the HTML outside the JSON data block and the <title>:
# each is (part of) a payload, and none occurs in Leaflet, folium or the page's own script.
MARKERS = (
    "alert(",
    "pwned",
    "onerror=alert",
    "onload=alert",
    "onmouseover=",
    "onfocus=",
    "{{7*7}}",
    "{{config}}",
    "${alert",
    "{% raw %}",
    "javascript:",
    "vbscript:",
    "data:text/html",
    "example.org",
    "\u2028",
    "\u2029",
    "PlaceA",
    "AliasA",
    "Airport QQ",
    "Person1",
)


def _raw_rows(key: str) -> list[dict[str, str]]:
    """The files as the csv module reads them: the originals the exports must reproduce."""
    with FILES[key].open(encoding="utf-8", newline="") as fh:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


RAW = {row["id"]: row for row in _raw_rows("events")}
PLACE_NAMES = [r["name"] for r in _raw_rows("places")]
AIRPORT_NAMES = [r["name"] for r in _raw_rows("airports")]


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return list(load_dataset(FILES["events"], FILES["airports"], FILES["places"]).events)


@pytest.fixture(scope="module")
def page(events: list[Event]) -> str:
    return export(events, "html", title=TITLE).decode("utf-8")


def _data_blocks(doc: str) -> list[re.Match[str]]:
    return list(re.finditer(r'<script type="application/(?:json|octet-stream)"[^>]*>(.*?)'
                            r"</script>", doc, re.S))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_the_hostile_files_pass_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *FILE_ARGS]) == 0
    out, err = capsys.readouterr()
    assert out.endswith(f"{len(RAW)} events OK\n") and err == ""


def test_every_field_carries_a_payload(events: list[Event]) -> None:
    payload = re.compile(r"<|\{\{|\$\{|\{%|[\"'] on|\u2028|\u2029|javascript:|data:")
    for row in RAW.values():
        for col in ("id", "title", "participants", "sources", "notes"):
            if col == "title" and not row[col]:
                continue  # the one event with no title shows its id
            assert payload.search(row[col]), (row["id"], col)
    for name in PLACE_NAMES + AIRPORT_NAMES:
        assert payload.search(name), name
    kinds = {e.kind for e in events}
    assert kinds == {"flight", "visit", "meeting", "call", "agreement", "statement", "report",
                     "letter"}
    assert {e.status for e in events} == {"confirmed", "reported", "speculative"}
    assert sum(len(e.origin) for e in events if not e.is_flight) >= 8  # arcs


def test_records_keep_the_text_literally(events: list[Event]) -> None:
    for ev in events:
        raw = RAW[ev.id]
        assert ev.title == raw["title"]
        assert ev.notes == raw["notes"]
        assert list(ev.participants) == _split(raw["participants"])
        assert list(ev.sources) == _split(raw["sources"])
    named = {loc.name for ev in events for loc in (ev.destination, *ev.origin)}
    assert named == set(PLACE_NAMES) | set(AIRPORT_NAMES)


def test_html_payloads_only_inside_the_data_block_and_title(page: str) -> None:
    blocks = _data_blocks(page)
    assert blocks, "no JSON data block"
    rest = page
    for m in reversed(blocks):
        rest = rest[: m.start()] + rest[m.end() :]
    titles = re.findall(r"<title>(.*?)</title>", rest, re.S)
    assert len(titles) == 1
    rest = re.sub(r"<title>.*?</title>", "", rest, flags=re.S)
    for marker in MARKERS:
        assert marker not in rest, marker
    for row in RAW.values():
        for value in (row["id"], row["title"], row["notes"]):
            assert not value or value not in rest


def test_html_data_block_is_inert_and_exact(page: str, events: list[Event]) -> None:
    block, _blob = _data_blocks(page)  # the small JSON block (title, styles, views)
    text = block.group(1)
    for bad in ("</", "<!--", "<script", "\u2028", "\u2029", "<"):
        assert bad not in text, bad
    assert TITLE in set(_strings(json.loads(text)))
    # the data itself: base64 only, nothing a browser could read as markup or script
    blob = re.search(r'id="geo-blob">(.*?)</script>', page, re.S)
    assert blob and re.fullmatch(r"[A-Za-z0-9+/=]*", blob.group(1))
    data = page_data(page)
    strings = set(data["strings"]) | set(data["events"]["id"]) | set(data["events"]["title"])
    for ev in events:
        raw = RAW[ev.id]
        for value in (raw["id"], raw["notes"], *_split(raw["participants"]),
                      *_split(raw["sources"])):
            assert value in strings, value
        assert raw["title"] in strings
        assert any(ev.destination.name in s for s in strings)


def test_html_title_is_escaped(page: str) -> None:
    (inner,) = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert not set(inner) & set("<>\"'"), inner
    assert html.unescape(inner) == TITLE


def test_cli_title_option_is_escaped(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    assert main(["export", *FILE_ARGS, "--title", TITLE, "--out", str(out)]) == 0
    doc = out.read_text(encoding="utf-8")
    head = doc[: doc.index("<body")]
    assert "<script>window.pwned" not in doc
    assert "onmouseover=\"alert" not in head
    (inner,) = re.findall(r"<title>(.*?)</title>", doc, re.S)
    assert html.unescape(inner) == TITLE


def test_only_http_sources_are_links(events: list[Event]) -> None:
    data = page_data(map_payload(events))
    cited = {s for sources in data["events"]["sources"] for s in sources}
    assert LEGIT in cited and len(cited) > 10  # the corpus cites many hostile "sources"
    # the page links exactly the sources the payload gives a URL, the one http(s) URL
    assert data["links"] == {LEGIT: LEGIT}  # a free-text URL: itself
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(document.domain)", "vbscript:msgbox(1)",
                "data:text/html,<script>alert(1)</script>", "//example.org/protocol-relative",
                'https://example.org/"><script>window.pwned=1</script>', " javascript:x",
                "https://example.org/\u2028x", "https://example.org/ x"):
        assert not is_http_url(bad), bad


def test_geojson_keeps_the_text(events: list[Event]) -> None:
    doc = json.loads(export(events, "geojson"))
    seen = set()
    for feature in doc["features"]:
        props = feature["properties"]
        if props["role"] == "contact":
            raw = RAW[props["event_id"]]
            assert props["to"].startswith(tuple(PLACE_NAMES))
            assert props["from"].startswith(tuple(PLACE_NAMES))
            continue
        raw = RAW[feature["id"]]
        seen.add(feature["id"])
        assert props["id"] == raw["id"]
        assert props["title"] == raw["title"]
        assert props["notes"] == raw["notes"]
        assert props["participants"] == "; ".join(_split(raw["participants"]))
        assert props["sources"] == "; ".join(_split(raw["sources"]))
        assert props["destination"].startswith(tuple(PLACE_NAMES + AIRPORT_NAMES))
    assert seen == set(RAW)


def test_kml_keeps_the_text(events: list[Event]) -> None:
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.fromstring(export(events, "kml"))
    # a placemark's id is an xs:ID made from the event's id, which ExtendedData keeps
    marks = {
        m.findtext("k:ExtendedData/k:Data[@name='id']/k:value", namespaces=ns) or m.get("id"): m
        for m in root.iterfind(".//k:Placemark", ns)
    }
    for event_id, raw in RAW.items():
        mark = marks[event_id]
        assert mark.findtext("k:name", namespaces=ns) == (raw["title"] or raw["id"])
        # the description is HTML made of escaped data: its text is the data
        markup = mark.findtext("k:description", namespaces=ns) or ""
        desc = html.unescape(re.sub(r"<[^>]+>", "\n", markup))
        assert raw["title"] in desc and raw["notes"] in desc
        assert "<script" not in markup.lower()
        data = {
            d.get("name"): d.findtext("k:value", namespaces=ns)
            for d in mark.iterfind("k:ExtendedData/k:Data", ns)
        }
        assert data["sources"] == "; ".join(_split(raw["sources"]))
        assert data["participants"] == "; ".join(_split(raw["participants"]))
    arcs = [m for key, m in marks.items() if key not in RAW]
    assert arcs
    for arc in arcs:
        name = arc.findtext("k:name", namespaces=ns) or ""
        assert name.startswith(tuple(PLACE_NAMES))


def test_csv_keeps_the_text(events: list[Event]) -> None:
    rows = list(csv.DictReader(io.StringIO(export(events, "csv").decode("utf-8"), newline="")))
    assert {r["id"] for r in rows} == set(RAW)
    for row in rows:
        raw = RAW[row["id"]]
        assert row["title"] == raw["title"]
        assert row["notes"] == raw["notes"]
        assert row["participants"] == "; ".join(_split(raw["participants"]))
        assert row["sources"] == "; ".join(_split(raw["sources"]))
        assert row["destination"].startswith(tuple(PLACE_NAMES + AIRPORT_NAMES))


def test_list_json_keeps_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "json", *FILE_ARGS]) == 0
    rows = json.loads(capsys.readouterr().out)
    for row in rows:
        raw = RAW[row["id"]]
        assert (row["title"], row["notes"]) == (raw["title"], raw["notes"])
        assert row["participants"] == _split(raw["participants"])


def test_list_table_does_not_pass_control_characters_to_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        RAW_HEADER + "esc,meeting,\"\t title\n\r \u2028 \u202e x\",2025-01-01,,,"
        "Baku,,reported,s,\n",
        encoding="utf-8",
    )
    assert main(["list", "--events", str(events)]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u2028\u2029\u202a-\u202e]", out)
    assert "title" in out


def test_c1_controls_and_del_are_refused_as_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """CSI (U+009B), NEL (U+0085) and DEL are terminal commands, never text: refused on
    their line like the C0 controls, so they reach no CSV, JSON or terminal."""
    events = tmp_path / "events.csv"
    events.write_text(
        RAW_HEADER + "esc,meeting,\"\x9b2J title\",2025-01-01,,,Baku,,reported,s,\x85\x7f\n"
        "ok,meeting,fine,2025-01-01,,,Baku,,reported,s,\n",
        encoding="utf-8",
    )
    assert main(["check", "--events", str(events)]) == 2
    err = capsys.readouterr().err
    assert f"{events}:2: title: contains U+009B (a control character) at position 1" in err
    assert f"{events}:2: notes: contains U+0085 (a control character) at position 1" in err
    assert main(["list", "--format", "json", "--events", str(events)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["ok"]


RAW_HEADER = "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"


@pytest.mark.parametrize(
    "cell, n",
    [
        ("\"bad\nkind\"", 1),
        ("\"meet\u2028ing\"", 1),
        ("\"meet\u202eing\x85\"", 2),  # NEL is a control character, and not a kind
        ("\"x\x1b[31mred\"", 2),  # the control character, and not a kind
    ],
)
def test_problem_lines_stay_one_line(
    cell: str, n: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    events = tmp_path / "events.csv"
    events.write_text(RAW_HEADER + f"a,{cell},t,2025-01-01,,,Baku,,reported,s,\n",
                      encoding="utf-8")
    assert main(["check", "--events", str(events)]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[-1] == f"{n} problem{'s' if n > 1 else ''} found"
    summary = f"0 events loaded from {events}, 1 row skipped ({n} problem{'s' * (n > 1)})"
    assert lines[-2] == summary
    assert len(lines) == n + 2
    for line in lines[:-2]:
        assert re.fullmatch(r"[^:]+:2: kind: .+", line), line
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202e]", line)


def test_header_with_colon_or_newline_reports_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    events = tmp_path / "events.csv"
    events.write_text(RAW_HEADER.rstrip("\n") + ',"a: b",",","x\ny"\n', encoding="utf-8")
    assert main(["check", "--events", str(events)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "3 problems found"
    for line in lines[:-1]:
        assert re.fullmatch(r"[^:]+:1: [^:]+: .+", line), line


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\ufffe", "\uffff"])
def test_control_characters_are_refused_or_survive_kml(
    char: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """XML 1.0 cannot carry C0 controls or U+FFFE/U+FFFF at all: check refuses them, saying
    where, so that every file check accepts exports to well-formed KML."""
    events = tmp_path / "events.csv"
    events.write_text(RAW_HEADER + f"a,meeting,t{char}t,2025-01-01,,,Baku,,reported,s,\n",
                      encoding="utf-8")
    code = main(["check", "--events", str(events)])
    out, err = capsys.readouterr()
    if code == 0:
        data = load_dataset(events)
        ET.fromstring(export(data.events, "kml"))
    else:
        assert code == 2
        assert re.match(r"[^:]+:2: title: .*U\+", err), err


PLACES_HEADER = "name,country,lat,lon,tz,aliases\n"
AIRPORTS_HEADER = "iata,icao,name,city,country,lat,lon,tz\n"


@pytest.mark.parametrize(
    "key, text, column",
    [
        # leap-second zones run 27 s off UTC; 'localtime' is whatever this machine is set to
        ("places", "Baku,AZ,40.4,49.9,right/Asia/Baku,", "tz"),
        ("places", "Baku,AZ,40.4,49.9,localtime,", "tz"),
        ("places", "Baku,AZ,40.4,49.9,posix/Asia/Baku,", "tz"),
        ("places", "Baku,AZ,40.4,49.9,../../../etc/passwd,", "tz"),
        # digits of other scripts are not dates
        ("events", "a,meeting,t,\u0662\u0660\u0662\u0665-03,,,Baku,,reported,s,", "start"),
        ("events", "a,meeting,t,\uff12\uff10\uff12\uff15,,,Baku,,reported,s,", "start"),
        # codes are ASCII: 'ß'.upper() is 'SS', and 'ÄÖÜ' is alphabetic
        ("airports", "\u00c4\u00d6\u00dc,,x,x,DE,50,8,Europe/Berlin", "iata"),
        ("airports", "\u00dfA,,x,x,DE,50,8,Europe/Berlin", "iata"),
        ("airports", ",\u0661\u0662\u0663\u0664,x,x,DE,50,8,Europe/Berlin", "icao"),
    ],
)
def test_check_refuses_lookalike_values(
    key: str, text: str, column: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    header = {"events": RAW_HEADER, "places": PLACES_HEADER, "airports": AIRPORTS_HEADER}[key]
    path = tmp_path / f"{key}.csv"
    path.write_text(header + text + "\n", encoding="utf-8")
    assert main(["check", f"--{key}", str(path)]) == 2
    err = capsys.readouterr().err
    assert re.match(rf"[^:]+:2: {column}: ", err), err


def test_csv_export_quotes_a_bare_carriage_return(tmp_path: Path) -> None:
    """A quoted cell may hold a bare \\r (kept as written); the export must quote it."""
    path = tmp_path / "events.csv"
    path.write_bytes(
        RAW_HEADER.encode() + b'real-id,meeting,"x\rforged-id",2025-01-01,,,Baku,,reported,s,\n'
    )
    (event,) = load_dataset(path).events
    assert event.title == "x\rforged-id"
    rows = list(csv.reader(io.StringIO(export([event], "csv").decode(), newline="")))
    assert [r[0] for r in rows[1:]] == ["real-id"]  # not also a row with the id 'forged-id'
    assert rows[1][TABLE_COLUMNS.index("title")] == "x\rforged-id"
