"""Generated input: CSV text that is valid, mixed with every way a file can be broken.

- ``check`` and ``list --format json`` never raise and exit 0 or 2; on 2 every problem is one
  ``FILE:LINE: column: message`` line; on 0 the JSON parses and holds every event.
- every file ``check`` accepts exports to an HTML map that runs in Chromium without an error.

Bounded so the whole file runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import geo.io
import geo.io.rules
from geo.cells import unprotect
from geo.cli import main
from geo.dataset import default_paths, load_dataset
from geo.export import export
from geo.io import load_airports, load_places
from geo.model import (
    AIRPORT_COLUMNS,
    EVENT_COLUMNS,
    KINDS,
    PLACE_COLUMNS,
    STATUSES,
    Airport,
    DataError,
    Place,
)
from geo.places import Gazetteer
from tests.conftest import OfflinePage, open_offline

PLACES = load_places(default_paths()["places"])
AIRPORTS = load_airports(default_paths()["airports"])
# codes not in airports.csv (airportsdata), some across the antimeridian or near the poles
OTHER_CODES = ("JFK", "LHR", "SYD", "SCL", "NRT", "HNL", "AKL", "ANC", "UUEE", "KSFO", "PPT",
               "SUV", "LYR", "USH")
GAZ = load_dataset().gazetteer
CODES = tuple(a.iata or a.icao for a in AIRPORTS) + OTHER_CODES
PLACE_REFS = tuple(p.name for p in PLACES) + tuple(a for p in PLACES for a in p.aliases)
PAYLOADS = (
    "<script>alert(1)</script>",
    "</script><script>window.pwned=1</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)",
    "javascript:alert(1)",
    "{{7*7}}",
    "${alert(1)}",
    "{% raw %}",
    "\u2028",
    "\u2029",
    "<!--",
    "]]>",
    "https://example.org/a?b=1&c=2",
    "=HYPERLINK(\"http://x\")",
    "\u202e",
    "a\nb",
    "",
)
PRECISIONS = ("year", "month", "day", "minute", "second")
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PROBLEM_LINE = re.compile(r"^[^:]+:\d+: [^:]+: .+")
COUNT_LINE = re.compile(r"^[\d,]+ problems? found$")
# a lenient load's summary: what was loaded and what was left out
SUMMARY_LINE = re.compile(r"^([\d,]+) events? loaded from .+, [\d,]+ rows? skipped \(")

KML = "{http://www.opengis.net/kml/2.2}"
_TMP = tempfile.TemporaryDirectory(prefix="geo-fuzz-")
# GEO_FUZZ_SCALE=20 pytest tests/test_fuzz.py: twenty times the examples, for a bug hunt
SCALE = max(1, int(os.environ.get("GEO_FUZZ_SCALE", "1")))


def _path(name: str) -> Path:
    return Path(_TMP.name) / name


# ---- strategies: valid rows ----------------------------------------------------------------

raw_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
clean_text = raw_text.map(lambda s: FORBIDDEN.sub("", s))
free_text = st.one_of(st.sampled_from(PAYLOADS), clean_text)
# now and then a control character check must refuse (XML could not carry it into KML)
notes_text = st.one_of(free_text, free_text, free_text, free_text, raw_text)
list_item = free_text.map(lambda s: s.replace(";", ","))


def _fmt(dt: datetime, precision: str, sep: str = "T") -> str:
    if precision == "year":
        return f"{dt.year:04d}"
    if precision == "month":
        return f"{dt.year:04d}-{dt.month:02d}"
    if precision == "day":
        return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
    clock = f"{dt.hour:02d}:{dt.minute:02d}"
    if precision == "second":
        clock += f":{dt.second:02d}"
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}{sep}{clock}"


def _ref_case(ref: str, how: int) -> str:
    return (ref, ref.lower(), ref.upper(), f"  {ref} ")[how]


@dataclass(frozen=True)
class World:
    """What events may name: the shipped airports and places, or generated files of them."""

    codes: tuple[str, ...]
    place_refs: tuple[str, ...]
    gazetteer: Gazetteer
    files: dict[str, bytes] = field(default_factory=dict)  # airports/places -> CSV bytes

    def paths(self) -> list[Path | None]:
        """The airports and places files as load_dataset takes them (None: shipped)."""
        return [_path(f"{k}.csv") if k in self.files else None for k in ("airports", "places")]

    def write(self) -> list[str]:
        """The files, written; the CLI options naming them."""
        args = []
        for key, data in self.files.items():
            path = _path(f"{key}.csv")
            path.write_bytes(data)
            args += [f"--{key}", str(path)]
        return args


SHIPPED = World(CODES, PLACE_REFS, GAZ)
ZONES = ("UTC", "Asia/Baku", "Pacific/Kiritimati", "Pacific/Apia", "America/St_Johns",
         "Asia/Kathmandu", "Antarctica/Troll", "Etc/GMT+12", "Europe/Dublin", "Africa/Casablanca",
         "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago")
latitude = st.one_of(st.sampled_from((90.0, -90.0, 0.0, 89.9999, -0.0)),
                     st.floats(-90, 90, allow_nan=False))
longitude = st.one_of(
    st.sampled_from((180.0, -180.0, 179.9999, -179.9999, 0.0)),
    st.floats(-180, 180, allow_nan=False),
)


def _name(prefix: str, text: str) -> str:
    return f"{prefix} {text.replace(';', ',')}".strip()


@st.composite
def generated_worlds(draw: st.DrawFn) -> World:
    """Airports and places anywhere (poles, antimeridian, the same spot twice), in odd zones,
    with hostile names; references to them by name and alias."""
    airports = [
        Airport(f"QQ{'ABCD'[k]}", "", _name(f"Airport{k}", draw(free_text)),
                draw(free_text).strip(), "ZZ", draw(latitude), draw(longitude),
                draw(st.sampled_from(ZONES)))
        for k in range(draw(st.integers(1, 4)))
    ]
    places = [
        Place(_name(f"P{k}", draw(free_text)), "ZZ", draw(latitude), draw(longitude),
              draw(st.sampled_from(ZONES)),
              tuple(_name(f"A{k}-{j}", draw(free_text)) for j in range(draw(st.integers(0, 2)))))
        for k in range(draw(st.integers(1, 4)))
    ]
    files = {
        "airports": _csv_text(list(AIRPORT_COLUMNS), [
            [a.iata, a.icao, a.name, a.city, a.country, repr(a.lat), repr(a.lon), a.tz]
            for a in airports], ["\n"]).encode("utf-8"),
        "places": _csv_text(list(PLACE_COLUMNS), [
            [p.name, p.country, repr(p.lat), repr(p.lon), p.tz, ";".join(p.aliases)]
            for p in places], ["\n"]).encode("utf-8"),
    }
    return World(
        tuple(a.iata for a in airports) + OTHER_CODES[:3],
        tuple(p.name for p in places) + tuple(a for p in places for a in p.aliases),
        Gazetteer(airports, places),
        files,
    )


worlds = st.one_of(st.just(SHIPPED), generated_worlds())
moment = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31))  # noqa: DTZ001


def any_ref(world: World) -> st.SearchStrategy[str]:
    place_ref = st.builds(_ref_case, st.sampled_from(world.place_refs), st.integers(0, 3))
    return st.one_of(place_ref, st.sampled_from(world.codes))


@st.composite
def flight_cells(draw: st.DrawFn, world: World) -> dict[str, str]:
    origin, dest = draw(st.sampled_from(world.codes)), draw(st.sampled_from(world.codes))
    o, d = world.gazetteer.resolve(origin), world.gazetteer.resolve(dest)
    assert o is not None and d is not None
    dep_local = draw(moment).replace(second=0, microsecond=0)
    minutes = draw(st.integers(30, 20 * 60))
    dep_utc = dep_local.replace(tzinfo=ZoneInfo(o.tz)).astimezone(UTC)
    arr_local = (dep_utc + timedelta(minutes=minutes)).astimezone(ZoneInfo(d.tz))
    sep = draw(st.sampled_from("T "))
    return {
        "kind": "flight",
        "start": _fmt(dep_local, "minute", sep),
        "end": _fmt(arr_local.replace(tzinfo=None), "minute", sep),
        "origin": origin,
        "destination": dest.lower() if draw(st.booleans()) else dest,
    }


@st.composite
def other_cells(draw: st.DrawFn, world: World) -> dict[str, str]:
    start = draw(moment)
    start_precision = draw(st.sampled_from(PRECISIONS))
    start_text = _fmt(start, start_precision)
    end_text = ""
    if draw(st.booleans()):
        end = start + draw(st.timedeltas(timedelta(0), timedelta(days=800)))
        end_text = _fmt(end, draw(st.sampled_from(PRECISIONS)))
    elif start_precision in ("minute", "second") and draw(st.booleans()):
        start_text += draw(st.sampled_from(("Z", "+03:00", "-0930", "+14:00")))
    origins = draw(st.lists(any_ref(world), max_size=3))
    return {
        "kind": draw(st.sampled_from([k for k in KINDS if k != "flight"])),
        "start": start_text,
        "end": end_text,
        "origin": ";".join(origins),
        "destination": draw(any_ref(world)),
    }


@st.composite
def valid_rows(draw: st.DrawFn, world: World, max_rows: int = 6) -> list[list[str]]:
    n = draw(st.integers(1, max_rows))
    rows = []
    for k in range(n):
        cells = draw(st.one_of(flight_cells(world), other_cells(world)))
        cells["id"] = f"{draw(free_text)}#{k}"
        cells["title"] = draw(free_text)
        cells["participants"] = ";".join(draw(st.lists(list_item, max_size=3)))
        sources = draw(st.lists(list_item, min_size=1, max_size=3))
        cells["sources"] = ";".join([*sources, "src"])
        cells["status"] = draw(st.sampled_from(STATUSES))
        cells["notes"] = draw(notes_text)
        rows.append([cells[c] for c in EVENT_COLUMNS])
    return rows


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _csv_text(header: list[str], rows: list[list[str]], newlines: list[str]) -> str:
    """RFC 4180 rows, each ended by one of ``newlines`` (with a "\\r\\n" terminator the csv
    module quotes every cell holding "\\r" or "\\n"; with "\\n" alone it leaves a bare "\\r"
    unquoted, which splits the row)."""
    out = []
    for k, row in enumerate([header, *rows]):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(row)
        out.append(buf.getvalue()[:-2] + newlines[k % len(newlines)])
    return "".join(out)


@st.composite
def valid_files(draw: st.DrawFn) -> tuple[bytes, World]:
    world = draw(worlds)
    rows = draw(valid_rows(world))
    newline = draw(st.sampled_from(("\n", "\r\n")))
    order = list(EVENT_COLUMNS)
    if draw(st.booleans()):  # columns may come in any order
        order = draw(st.permutations(EVENT_COLUMNS))
        index = [EVENT_COLUMNS.index(c) for c in order]
        rows = [[row[i] for i in index] for row in rows]
    text = _csv_text(order, rows, [newline])
    return text.encode("utf-8-sig" if draw(st.booleans()) else "utf-8"), world


# ---- strategies: broken files --------------------------------------------------------------

junk_cell = st.one_of(
    st.sampled_from(("2025-13-45", "2025-02-30", "20250314", "14/03/2025", "2025-03-14T25:00",
                     "0999", "9999", "2025-03-14T01:54+25:00", "Bakku", "ZZZ", "flihgt",
                     "rumoured", "", " ", "\"", "a;b", "VKO;GYD", "２０２５", "٢٠٢٥-03",
                     "2025-03-30T02:30", "nan", "inf")),
    st.text(max_size=20),
)
MUTATIONS = ("cell", "drop_cell", "add_cell", "raw_line", "quote", "nul", "bytes", "blank_line",
             "header", "truncate")


@st.composite
def broken_files(draw: st.DrawFn) -> bytes:
    rows = [list(r) for r in draw(valid_rows(SHIPPED, max_rows=4))]
    header = list(EVENT_COLUMNS)
    raw_lines: list[tuple[int, str]] = []
    byte_edits: list[tuple[str, int, bytes]] = []
    for kind in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        r = draw(st.integers(0, len(rows) - 1))
        if kind == "cell" and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(junk_cell)
        elif kind == "drop_cell" and rows[r]:
            rows[r].pop(draw(st.integers(0, len(rows[r]) - 1)))
        elif kind == "add_cell":
            rows[r].append(draw(junk_cell))
        elif kind == "raw_line":
            raw_lines.append((r, draw(st.text(max_size=40))))
        elif kind == "blank_line":
            raw_lines.append((r, draw(st.sampled_from(("", " ", ",,,", "\t")))))
        elif kind == "header":
            how = draw(st.integers(0, 5))
            if how == 0:
                header = header[:-1]
            elif how == 1:
                header = [*header, draw(st.sampled_from(("remarks", "a: b", "x\ny", "", "id")))]
            elif how == 2 and header:
                header[draw(st.integers(0, len(header) - 1))] = draw(junk_cell)
            elif how == 3:
                header = [";".join(header)]
            elif how == 4:
                header = ["\t".join(header)]
            elif how == 5:
                header = []
        elif kind in ("quote", "nul", "bytes", "truncate"):
            what = {"quote": b'"', "nul": b"\x00", "truncate": b""}.get(kind)
            if what is None:
                what = draw(st.binary(min_size=1, max_size=8))
            byte_edits.append((kind, draw(st.integers(0, 10_000)), what))
    newlines = draw(st.lists(st.sampled_from(("\n", "\r\n", "\r")), min_size=1, max_size=3))
    text = _csv_text(header, rows, newlines) if header else ""
    if not header:
        text = "".join(",".join(r) + "\n" for r in rows)
    lines = text.splitlines(keepends=True)
    for at, line in sorted(raw_lines, reverse=True):
        lines.insert(min(at + 1, len(lines)), line + "\n")
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1")))
    data = "".join(lines).encode(encoding, errors="replace")
    for kind, at, what in byte_edits:
        at = at % (len(data) + 1)
        data = data[:at] if kind == "truncate" else data[:at] + what + data[at:]
    return data


# ---- running the CLI in-process ------------------------------------------------------------


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own errors
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def _check_cli(data: bytes, world: World = SHIPPED) -> int:
    """Run check and list on ``data``; assert the contract; return check's exit code."""
    path = _path("events.csv")
    path.write_bytes(data)
    files = world.write()
    code, out, err = _run(["check", "--events", str(path), *files])
    assert code in (0, 2), (code, err)
    lcode, lout, lerr = _run(["list", "--format", "json", str(path), *files])
    if code == 0:
        n = int(re.fullmatch(r".*: (\d+) events OK\n", out, re.S).group(1))  # type: ignore[union-attr]
        assert lcode == 0
        rows = json.loads(lout)
        assert isinstance(rows, list) and len(rows) == n
        assert lerr == ""
    else:
        lines = err.splitlines()  # strict: \r, \v, \f, \x1c-\x1e, \x85, U+2028/2029 split too
        assert lines and COUNT_LINE.match(lines[-1]), lines[-1:]
        summary = SUMMARY_LINE.match(lines[-2]) if len(lines) > 1 else None
        problems = lines[:-2] if summary else lines[:-1]
        assert int(lines[-1].split()[0].replace(",", "")) == len(problems)
        for line in problems:
            assert PROBLEM_LINE.match(line), line
        if summary:  # loaded leniently: list gives the valid rows and says what it left out
            assert lcode == 0, lerr
            assert lerr.splitlines() == problems + [lines[-2]]
            assert len(json.loads(lout)) == int(summary.group(1).replace(",", ""))
        else:  # nothing of the file could be read: list refuses it the same way
            assert lcode == 2 and lerr == err
        event(f"problem column: {lines[0].split(': ')[1] if ': ' in lines[0] else '?'}")
    event(f"exit {code}")
    return code


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(valid_files())
def test_valid_files_pass_check_or_say_why(file: tuple[bytes, World]) -> None:
    data, world = file
    code = _check_cli(data, world)
    if code == 2:
        # what a valid row may still get wrong: a local time skipped by a DST change, an
        # arrival in a repeated hour read as its first occurrence (before the departure), or
        # a control character in its text (or in the place or airport it names)
        path = _path("events.csv")
        _, _, err = _run(["check", "--events", str(path), *world.write()])
        for line in err.splitlines()[:-1]:
            assert re.search(
                r"the clocks skip it|is not after departure|: contains U\+[0-9A-F]{4} \(a "
                r"|binary data \(NUL byte\)|is defined on .*, which has a problem"
                r"|a flight lasts at most|^[\d,]+ events? loaded from |unknown source id ",
                line,
            ), line
        return
    # what check accepts exports, and the exports read back with the text unchanged
    events = load_dataset(_path("events.csv"), *world.paths()).events
    by_id = {e.id: e for e in events}
    geojson = json.loads(export(events, "geojson"))
    for feature in geojson["features"]:
        props = feature["properties"]
        if props["role"] != "contact":
            ev = by_id[feature["id"]]
            assert (props["title"], props["notes"]) == (ev.title, ev.notes)
            assert props["participants"] == "; ".join(ev.participants)
    kml = ET.fromstring(export(events, "kml"))
    names = [m.findtext(f"{KML}name") for m in kml.iter(f"{KML}Placemark")]
    # XML reads a line break in text as \n, whatever was written (\r\n, \r)
    assert all(_lf(e.title or e.id) in names for e in events)
    table_text = export(events, "csv").decode()
    # read as the importer reads it: a formula-safe cell loses its one leading apostrophe
    table = [
        {k: unprotect(v) for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(table_text, newline=""))
    ]
    assert sorted(r["id"] for r in table) == sorted(by_id)
    for row in table:
        assert (row["title"], row["notes"]) == (by_id[row["id"]].title, by_id[row["id"]].notes)


@settings(max_examples=120 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(broken_files())
def test_broken_files_never_crash(data: bytes) -> None:
    _check_cli(data)


def _outcome(data: bytes, world: World, bulk: int) -> object:
    path = _path("events.csv")
    path.write_bytes(data)
    world.write()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(geo.io.rules, "BULK_TIMES", bulk)
        try:
            return load_dataset(path, *world.paths()).events
        except DataError as err:
            return [str(p) for p in err.problems]


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(valid_files(), broken_files().map(lambda data: (data, SHIPPED))))
def test_bulk_and_one_by_one_time_parsing_agree(file: tuple[bytes, World]) -> None:
    data, world = file
    assert _outcome(data, world, 1) == _outcome(data, world, 10**9)


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda s: s.encode("utf-8")))
def test_random_input_never_crashes(data: bytes) -> None:
    _check_cli(data)


# ---- every accepted file runs in the browser -----------------------------------------------


@pytest.fixture(scope="module")
def shared_page(browser: Any) -> Iterator[OfflinePage]:
    state = open_offline(browser)
    yield state
    state.page.context.close()


STEP_ALL = (
    "() => { const s = geoTimeline.stops, n = s.length;"
    " geoTimeline.setSpan(geoTimeline.span[0], geoTimeline.span[1]);"
    " for (let i = 0; i < n; i++) geoTimeline.setTime(s[i]);"
    " geoTimeline.setMode('window', 86400000);"
    " for (let i = n - 1; i >= 0; i -= Math.max(1, n >> 5)) geoTimeline.setTime(s[i]);"
    " geoTimeline.setMode('cumulative'); geoTimeline.setTime(geoTimeline.span[1]);"
    " return [n, geoTimeline.shownCount()]; }"
)


@pytest.mark.browser
@settings(max_examples=15 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(file=valid_files(), tz=st.sampled_from(("UTC", "Asia/Baku", "Pacific/Kiritimati")))
def test_accepted_files_run_in_chromium(
    shared_page: OfflinePage, file: tuple[bytes, World], tz: str
) -> None:
    data, world = file
    path = _path("accepted.csv")
    path.write_bytes(data)
    code, _, _ = _run(["check", "--events", str(path), *world.write()])
    assume(code == 0)
    events = load_dataset(path, *world.paths()).events
    html = _path("accepted.html")
    html.write_bytes(export(events, "html", tz=tz))
    state = shared_page
    state.errors.clear()
    state.dialogs.clear()
    state.page.goto(html.as_uri())
    state.page.wait_for_function("window.geoTimeline !== undefined", timeout=15000)
    n_stops, shown = state.page.evaluate(STEP_ALL)
    assert n_stops >= 1
    assert shown == len(events)
    assert state.errors == []
    assert state.dialogs == []
    assert state.page.evaluate("typeof window.pwned") == "undefined"


def test_lon_just_under_180_exports(tmp_path: Path) -> None:
    """Found by test_valid_files_pass_check_or_say_why; its longitudes skip these for now."""
    places = tmp_path / "places.csv"
    places.write_text(
        "name,country,lat,lon,tz,aliases\nEdge,ZZ,10.0,179.99999999999997,UTC,\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        ",".join(EVENT_COLUMNS) + "\nv,visit,t,2025,,Edge,Edge,,reported,s,\n", encoding="utf-8"
    )
    assert _run(["check", "--events", str(events), "--places", str(places)])[0] == 0
    data = load_dataset(events, None, places)
    for fmt in ("geojson", "kml"):
        export(data.events, fmt)
