"""The Streamlit app (``app.py``) under ``streamlit.testing.v1.AppTest``, and ``geo.appstate``.

The app must add nothing of its own: its table is ``geo.select`` for the same UTC dates, its
map and downloads are byte for byte what ``python -m geo export`` writes for the same filters.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import appstate, panels, uploads
from geo.appstate import View
from geo.dataset import load_dataset
from geo.export import export
from geo.io import MAX_BYTES
from geo.model import KINDS, STATUSES
from geo.query import Filters, select
from geo.timeline import last_day, parse_date_bound
from geo.uploads import Upload
from tests.helpers import document_parts

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SHIPPED = load_dataset()
SHIPPED_IDS = [e.id for e in select(SHIPPED.events, Filters())]


@pytest.fixture
def at() -> Any:
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """file id -> bytes of every file the app hands to Streamlit's media storage."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: Any, path_or_data: Any, mimetype: str, kind: Any, filename: Any = None) -> str:
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            stored[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    yield stored


def table_ids(at: Any) -> list[str]:
    return list(at.dataframe[0].value["id"])


def map_html(at: Any) -> bytes:
    """The document the app's map component shows (its ``html`` argument)."""
    frames = at.get("component_instance")
    assert len(frames) == 1 and frames[0].proto.component_name.endswith("geo_map")
    return str(json.loads(frames[0].proto.json_args)["html"]).encode("utf-8")


def download(at: Any, media: dict[str, bytes], fmt: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.key == f"download_{fmt}")
    file_id = Path(button.proto.url).stem
    return media[file_id]


def cli_export(*args: str) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "export", *args, "--out", "-"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return proc.stdout


def shown(markdown: str) -> str:
    """What a reader sees of Markdown the app escaped (geo.apptext.md_text)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def run_ok(at: Any) -> Any:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def events_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def shipped_rows() -> list[dict[str, str]]:
    text = (ROOT / "data" / "events.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# ---- the app -------------------------------------------------------------------------------


def test_default_run_shows_every_shipped_event(at: Any) -> None:
    run_ok(at)
    assert table_ids(at) == SHIPPED_IDS
    assert map_html(at) == export(SHIPPED.events, "html", views=SHIPPED.views)
    assert not at.error and not at.warning
    assert at.selectbox(key="preset").value == appstate.ALL
    assert dict(at.query_params) == {}
    text = " ".join(m.value for m in at.markdown)
    for needle in ("GeoNames", "CC BY 4.0", "Natural Earth", "airportsdata", "OpenStreetMap"):
        assert needle in text
    assert "✈️" in " ".join(e.label for e in at.expander)  # the flight panel


@pytest.mark.parametrize(
    ("lo", "hi"),
    [
        (date(2025, 3, 13), date(2025, 3, 14)),
        (date(2017, 6, 1), date(2020, 6, 30)),
        (date(2025, 3, 14), date(2025, 3, 14)),
        (date(2025, 8, 2), date(2025, 8, 8)),
    ],
)
def test_slider_selects_what_geo_select_selects(at: Any, lo: date, hi: date) -> None:
    run_ok(at)
    at.slider(key="range").set_value((lo, hi))
    run_ok(at)
    filters = Filters(parse_date_bound(lo.isoformat()), parse_date_bound(hi.isoformat(), end=True))
    expected = [e.id for e in select(SHIPPED.events, filters)]
    assert table_ids(at) == expected
    assert len(expected) < len(SHIPPED_IDS)
    assert at.query_params["start"] == lo.isoformat()
    assert at.query_params["end"] == hi.isoformat()
    assert map_html(at) == export(select(SHIPPED.events, filters), "html", views=SHIPPED.views)


def test_presets_set_the_slider(at: Any) -> None:
    run_ok(at)
    at.selectbox(key="preset").set_value("The flight night, 13–14 March 2025")
    run_ok(at)
    assert at.slider(key="range").value == (date(2025, 3, 13), date(2025, 3, 14))
    assert "flight-vko-gyd-2025-03-14" in table_ids(at)
    at.selectbox(key="preset").set_value("Baku precedents, 2017–2018")
    run_ok(at)
    assert set(table_ids(at)) == {
        "dunford-gerasimov-2017",
        "scaparrotti-gerasimov-2018-04",
        "scaparrotti-gerasimov-2018-12",
    }
    at.slider(key="range").set_value((date(2018, 1, 1), date(2018, 12, 31)))
    run_ok(at)
    assert at.selectbox(key="preset").value == appstate.CUSTOM
    at.selectbox(key="preset").set_value(appstate.ALL)
    run_ok(at)
    assert table_ids(at) == SHIPPED_IDS
    assert "start" not in at.query_params


def test_kind_status_and_search_filter_like_the_cli(at: Any) -> None:
    run_ok(at)
    at.multiselect(key="kinds").set_value(["meeting", "visit"])
    at.multiselect(key="statuses").set_value(["confirmed"])
    at.text_input(key="q").set_value("gerasimov")
    run_ok(at)
    filters = Filters(kinds=("visit", "meeting"), statuses=("confirmed",), text="gerasimov")
    assert table_ids(at) == [e.id for e in select(SHIPPED.events, filters)]
    assert at.query_params["kind"] == "visit,meeting"
    assert at.query_params["status"] == "confirmed"
    # the search box is bound to its query parameter: the browser keeps ?q= (see the
    # browser test of quick edits); AppTest has no browser URL to show it
    assert at.text_input(key="q").value == "gerasimov"


def test_downloads_are_the_cli_exports(at: Any, media: dict[str, bytes]) -> None:
    run_ok(at)
    at.slider(key="range").set_value((date(2025, 3, 13), date(2025, 3, 14)))
    at.multiselect(key="statuses").set_value(["confirmed", "reported"])
    at.selectbox(key="tz").set_value("Asia/Baku")
    at.radio(key="basemap").set_value("tiles")  # not the default (outlines)
    run_ok(at)
    args = ["--start", "2025-03-13", "--end", "2025-03-14", "--status", "confirmed"]
    args += ["--status", "reported", "--tz", "Asia/Baku", "--basemap", "tiles"]
    for fmt in ("csv", "geojson", "kml", "html"):
        assert download(at, media, fmt) == cli_export("--format", fmt, *args), fmt
    assert map_html(at) == download(at, media, "html")
    shown = " ".join(c.value for c in at.code)
    assert "python -m geo export --format html " + " ".join(args) in shown


def test_query_params_restore_the_view(at: Any) -> None:
    at.query_params["start"] = "2025-03-13"
    at.query_params["end"] = "2025-03-14"
    at.query_params["kind"] = ["flight", "meeting,visit"]
    at.query_params["status"] = "confirmed,reported"
    at.query_params["q"] = "Witkoff"
    at.query_params["tz"] = "Europe/Moscow"
    at.query_params["basemap"] = "tiles"
    run_ok(at)
    assert not at.warning
    assert at.slider(key="range").value == (date(2025, 3, 13), date(2025, 3, 14))
    assert at.selectbox(key="preset").value == "The flight night, 13–14 March 2025"
    assert at.multiselect(key="kinds").value == ["flight", "meeting", "visit"]
    assert at.multiselect(key="statuses").value == ["confirmed", "reported"]
    assert at.text_input(key="q").value == "Witkoff"
    assert at.selectbox(key="tz").value == "Europe/Moscow"
    assert at.radio(key="basemap").value == "tiles"
    view = View(
        date(2025, 3, 13),
        date(2025, 3, 14),
        ("flight", "visit", "meeting"),
        ("confirmed", "reported"),
        "Witkoff",
    )
    expected = select(SHIPPED.events, view.filters())
    assert table_ids(at) == [e.id for e in expected]
    assert {"flight-vko-gyd-2025-03-14", "witkoff-baku-2025-03-14"} <= set(table_ids(at))
    assert map_html(at) == export(
        expected, "html", tz="Europe/Moscow", basemap="tiles", views=SHIPPED.views
    )
    # the URL is rewritten in one canonical form, and reopens the same view
    assert at.query_params["kind"] == "flight,visit,meeting"


def test_bad_query_params_are_ignored_with_a_note(at: Any) -> None:
    at.query_params["start"] = "yesterday"
    at.query_params["kind"] = "flight,meating"
    at.query_params["tz"] = "Mars/Olympus"
    at.query_params["basemap"] = "satellite"
    run_ok(at)
    note = shown(at.warning[0].value)
    for needle in ("start: 'yesterday'", "kind: 'meating'", "tz: 'Mars/Olympus'", "basemap"):
        assert needle in note
    assert at.multiselect(key="kinds").value == ["flight"]
    assert table_ids(at) == ["flight-vko-gyd-2025-03-14"]
    assert at.selectbox(key="tz").value == "UTC"


def test_out_of_range_link_dates_are_clamped(at: Any) -> None:
    at.query_params["start"] = "1990-01-01"
    at.query_params["end"] = "2099-12-31"
    run_ok(at)
    assert at.slider(key="range").value == appstate.date_span(SHIPPED.events)
    assert table_ids(at) == SHIPPED_IDS
    assert "start" not in at.query_params and "end" not in at.query_params
    assert not at.warning


def test_link_dates_outside_the_data_show_everything_with_a_note(at: Any) -> None:
    at.query_params["start"] = "2030-01-01"
    run_ok(at)
    assert "outside the data" in shown(at.warning[0].value)
    assert table_ids(at) == SHIPPED_IDS


def test_bad_upload_lists_problems_and_keeps_the_last_good_data(at: Any) -> None:
    run_ok(at)
    before = map_html(at)
    rows = shipped_rows()[:2]
    rows[1] = {**rows[1], "kind": "meating"}
    bad = events_csv(rows)
    at.toggle(key="strict").set_value(True)  # all or nothing, as --strict
    at.file_uploader(key="upload_events_0").set_value(("events.csv", bad, "text/csv"))
    run_ok(at)
    code = "\n".join(c.value for c in at.code)
    assert code.startswith("events.csv:3: kind: 'meating' is not a kind; did you mean 'meeting'?")
    assert "still shows the shipped data" in shown(at.error[0].value)
    assert table_ids(at) == SHIPPED_IDS
    assert map_html(at) == before

    good = events_csv(shipped_rows()[:3])
    at.file_uploader(key="upload_events_0").set_value(("mine.csv", good, "text/csv"))
    run_ok(at)
    assert not at.error
    assert len(table_ids(at)) == 3
    assert at.session_state["session"].dataset.events_name == "mine.csv"
    good_map = map_html(at)

    unexpected = b"id,kind\n\xff\xfe"  # not UTF-8, not even the right header
    at.file_uploader(key="upload_events_0").set_value(("broken.csv", unexpected, "text/csv"))
    run_ok(at)
    assert "broken.csv:" in "\n".join(c.value for c in at.code)
    assert "still shows your upload mine.csv (3 events)" in shown(at.error[0].value)
    assert len(table_ids(at)) == 3 and map_html(at) == good_map

    next(b for b in at.button if "Back" in b.label).click()
    run_ok(at)
    assert not at.error
    assert not any("broken.csv" in c.value for c in at.code)
    assert table_ids(at) == SHIPPED_IDS
    assert [u.key for u in at.file_uploader][0] == "upload_events_1"  # emptied


def test_one_bad_row_is_left_out_and_said(at: Any) -> None:
    """Lenient (the default, as `geo check`): the valid rows load, the bad one is listed."""
    run_ok(at)
    rows = shipped_rows()[:3]
    rows[1] = {**rows[1], "kind": "meating"}
    at.file_uploader(key="upload_events_0").set_value(("mine.csv", events_csv(rows), "text/csv"))
    run_ok(at)
    assert not at.error
    assert len(table_ids(at)) == 2
    warning = shown(at.warning[0].value)
    assert "2 events loaded from mine.csv, 1 row skipped (1 problem)" in warning
    assert "mine.csv:3: kind: 'meating' is not a kind" in "\n".join(c.value for c in at.code)
    # the map (and its HTML download) says so, as `geo export` of the same file does (issue 26)
    meta = document_parts(map_html(at).decode("utf-8"))[0]
    assert meta["leftOut"] == [
        "1 row of mine.csv was left out:",
        "mine.csv:3: kind: 'meating' is not a kind; did you mean 'meeting'? use one of flight, "
        "visit, meeting, call, agreement, statement, report, letter, ruling",
    ]


def test_an_events_upload_can_add_to_the_shipped_story(at: Any) -> None:
    """Issue 26: an events upload replaced the shipped story, with no "add to". With the
    toggle on, its rows are added; a row with a shipped id replaces that event, and says so."""
    run_ok(at)
    rows = shipped_rows()[:2]
    mine = {**rows[0], "id": "my-own-meeting-2025", "title": "My own meeting"}
    changed = {**rows[1], "title": "Corrected title"}
    at.toggle(key="add_to_shipped").set_value(True)
    at.file_uploader(key="upload_events_0").set_value(
        ("mine.csv", events_csv([mine, changed]), "text/csv"))
    run_ok(at)
    assert not at.error
    assert sorted(table_ids(at)) == sorted([*SHIPPED_IDS, "my-own-meeting-2025"])
    titles = dict(zip(at.dataframe[0].value["id"], at.dataframe[0].value["title"], strict=True))
    assert titles[changed["id"]] == "Corrected title"
    label = "\n".join(t.value for t in at.text)
    assert (f"your upload mine.csv added to the shipped events, 1 of them replaced by yours "
            f"({changed['id']})") in label
    assert len(json.loads(at.get("component_instance")[0].proto.json_args)["html"]) > 0
    at.toggle(key="add_to_shipped").set_value(False)  # off: the file alone, as before
    run_ok(at)
    assert sorted(table_ids(at)) == sorted(["my-own-meeting-2025", changed["id"]])


def test_upload_without_events_still_works(at: Any) -> None:
    run_ok(at)
    header = (ROOT / "data" / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    at.file_uploader(key="upload_events_0").set_value(("none.csv", header.encode(), "text/csv"))
    run_ok(at)
    assert not at.error
    assert table_ids(at) == []
    assert len(at.get("component_instance")) == 1
    at.button[0].click()
    run_ok(at)
    assert table_ids(at) == SHIPPED_IDS


def test_upload_of_reference_files_only(at: Any) -> None:
    """An airports.csv upload alone is checked against the shipped events."""
    run_ok(at)
    text = (ROOT / "data" / "airports.csv").read_text(encoding="utf-8")
    bad = text.replace("Asia/Baku", "Asia/Bakoo").encode()
    at.file_uploader(key="upload_airports_0").set_value(("my_airports.csv", bad, "text/csv"))
    run_ok(at)
    code = "\n".join(c.value for c in at.code)
    assert "my_airports.csv:3: tz: 'Asia/Bakoo' is not an IANA time zone" in code
    assert table_ids(at) == SHIPPED_IDS


# ---- the upload path on its own ------------------------------------------------------------


def test_load_uploads_reports_problem_lines() -> None:
    rows = shipped_rows()[:2]
    rows[1] = {**rows[1], "kind": "meating"}
    result = uploads.load_uploads(Upload("events.csv", events_csv(rows)), strict=True)
    assert result.dataset is None and not result.error
    assert result.problems[0].startswith("events.csv:3: kind: 'meating' is not a kind")


def test_load_uploads_refuses_oversize_files_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[object] = []
    monkeypatch.setattr(uploads, "load_dataset", lambda *a, **k: called.append(a))
    big = Upload("huge.csv", b"x" * (MAX_BYTES + 1))
    result = uploads.load_uploads(big)
    assert result.dataset is None and not called
    assert result.problems[0].startswith("huge.csv:1: file: file is 67,108,865 bytes")
    assert "the limit is 67,108,864 bytes" in result.problems[0]


def test_load_uploads_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise MemoryError("simulated")

    monkeypatch.setattr(uploads, "load_dataset", boom)
    result = uploads.load_uploads(Upload("events.csv", b"id\n"), places=Upload("p.csv", b""))
    assert result.dataset is None
    assert result.error == "events.csv, p.csv: could not be loaded (MemoryError: simulated)"


def test_load_uploads_good_file_and_names() -> None:
    data = (ROOT / "data" / "events.csv").read_bytes()
    result = uploads.load_uploads(Upload("copy.csv", data))
    assert result.ok and result.dataset is not None
    assert result.dataset.events_name == "copy.csv"
    assert [e.id for e in result.dataset.events] == [e.id for e in SHIPPED.events]


# ---- geo.appstate --------------------------------------------------------------------------


def test_query_reads_repeated_and_comma_lists() -> None:
    view, notes = appstate.view_from_query(
        {"kind": ["flight", "meeting, visit", "flight"], "status": "confirmed,bogus"}
    )
    assert view.kinds == ("flight", "meeting", "visit")
    assert view.statuses == ("confirmed",)
    assert notes == ["status: 'bogus' is not one of confirmed, reported, speculative; ignored"]


def test_query_end_before_start_is_dropped() -> None:
    view, notes = appstate.view_from_query({"start": "2025-03-14", "end": "2025-03-13"})
    assert view.start is None and view.end is None and notes


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
views = st.builds(
    View,
    start=st.none() | dates,
    end=st.none() | dates,
    kinds=st.lists(st.sampled_from(KINDS), unique=True).map(tuple),
    statuses=st.lists(st.sampled_from(STATUSES), unique=True).map(tuple),
    q=st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).map(str.strip),
    tz=st.sampled_from(["UTC", "Asia/Baku", "America/New_York", "Etc/GMT+3"]),
    basemap=st.sampled_from(list(appstate.BASEMAPS)),
).filter(lambda v: not (v.start and v.end and v.end < v.start))


@given(views)
def test_query_round_trip(view: View) -> None:
    back, notes = appstate.view_from_query(appstate.view_to_query(view))
    assert notes == [] and back == view


@given(views)
def test_view_filters_are_the_cli_filters(view: View) -> None:
    from geo.cli import _filters, build_parser

    args = build_parser().parse_args(["export", *view.export_args("csv"), "--out", "-"])
    assert _filters(args) == view.filters()


def test_date_span_and_presets() -> None:
    span = appstate.date_span(SHIPPED.events)
    assert span is not None
    for ev in SHIPPED.events:
        assert span[0] <= ev.start_utc.date() and last_day(ev) <= span[1]
    bounds = appstate.slider_bounds(span, date(2026, 1, 1))
    assert appstate.presets_for(bounds) == list(appstate.PRESETS)
    assert appstate.preset_range("Baku precedents, 2017–2018", bounds)[0] == bounds[0]
    assert appstate.preset_for(bounds, bounds) == appstate.ALL
    assert appstate.slider_bounds(None, date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 1, 2))
    assert appstate.clamp_range(date(1900, 1, 1), None, bounds) == bounds
    assert appstate.clamp_range(date(2099, 1, 1), date(2099, 2, 1), bounds) == bounds


def test_flight_panel_facts_come_from_normalize() -> None:
    flight = next(e for e in SHIPPED.events if e.is_flight)
    panel = panels.flight_panel(flight)
    assert (
        panel["Route"]
        == "Vnukovo International Airport (VKO) → Heydar Aliyev International Airport (GYD)"
    )
    assert panel["Departs (local)"] == "2025-03-14T01:54:00+03:00 (Europe/Moscow)"
    assert panel["Arrives (local)"] == "2025-03-14T05:30:00+04:00 (Asia/Baku)"
    assert panel["UTC"] == "2025-03-13T22:54:00Z → 2025-03-14T01:30:00Z"
    assert panel["Plausibility"].startswith("✓ plausible")


# ---- the workbench (issue 14) --------------------------------------------------------------


def map_args(at: Any) -> dict[str, Any]:
    (frame,) = at.get("component_instance")
    args: dict[str, Any] = json.loads(frame.proto.json_args)
    return args


def test_an_upload_while_filtered_resets_the_dates_and_says_so(at: Any) -> None:
    run_ok(at)
    at.selectbox(key="preset").set_value("The flight night, 13–14 March 2025")
    run_ok(at)
    rows = [
        {**shipped_rows()[1], "id": "later", "start": "2030-05-01"},
        {**shipped_rows()[1], "id": "later-2", "start": "2030-06-01"},
    ]
    at.file_uploader(key="upload_events_0").set_value(("good.csv", events_csv(rows), "text/csv"))
    run_ok(at)
    assert table_ids(at) == ["later", "later-2"]  # not "0 of 2": the range follows the data
    assert at.slider(key="range").value == (date(2030, 4, 30), date(2030, 6, 1))
    assert "The date range was reset to the dates of your upload good.csv" in shown(
        at.info[0].value
    )
    sidebar_text = " ".join(t.value for t in at.sidebar.text)
    assert "Showing your upload good.csv (2 events)" in sidebar_text  # on the same run


def test_one_bad_row_among_thousands_loads_the_rest(at: Any) -> None:
    run_ok(at)
    base = shipped_rows()[1]
    rows = [{**base, "id": f"e{k}"} for k in range(3000)]
    rows[1500] = {**rows[1500], "start": "2025-02-30"}
    at.file_uploader(key="upload_events_0").set_value(("many.csv", events_csv(rows), "text/csv"))
    run_ok(at)
    assert len(table_ids(at)) == 2999
    assert "2,999 events loaded from many.csv, 1 row skipped (1 problem)" in shown(
        at.warning[0].value
    )
    at.toggle(key="strict").set_value(True)
    run_ok(at)
    assert table_ids(at) == SHIPPED_IDS  # strict: the file is refused, as --strict refuses it
    assert "many.csv:1502: start: '2025-02-30' is not a real date" in "\n".join(
        c.value for c in at.code
    )


def test_places_of_ones_own_add_to_the_shipped_ones(at: Any) -> None:
    run_ok(at)
    places = b"name,country,lat,lon,tz,aliases\nGanja,AZ,40.6828,46.3606,Asia/Baku,\n"
    rows = [{**shipped_rows()[1], "id": "g", "destination": "Ganja", "origin": "Washington"}]
    at.file_uploader(key="upload_places_0").set_value(("mine_places.csv", places, "text/csv"))
    at.file_uploader(key="upload_events_0").set_value(("g.csv", events_csv(rows), "text/csv"))
    run_ok(at)
    assert not at.error and table_ids(at) == ["g"]  # Ganja is new, Washington is shipped


def test_search_finds_the_tail_number_in_the_notes(at: Any) -> None:
    at.query_params["q"] = "N103WG"
    run_ok(at)
    assert table_ids(at) == ["flight-vko-gyd-2025-03-14"]
    at.text_input(key="q").set_value("hajíyev")  # accents and case do not matter
    run_ok(at)
    assert "hajiyev-netanyahu-2025-02-18" in table_ids(at)
    at.text_input(key="q").set_value("no such thing at all")
    run_ok(at)
    assert table_ids(at) == []
    assert "No event matches these filters" in shown(at.info[0].value)


def test_the_sidebar_zone_is_the_maps_clock_and_the_tables(at: Any) -> None:
    run_ok(at)
    at.selectbox(key="tz").set_value("Asia/Baku")
    run_ok(at)
    from tests.helpers import page_data

    assert page_data(map_html(at).decode())["meta"]["tz"] == "Asia/Baku"
    frame = at.dataframe[0].value
    i = list(frame["id"]).index("flight-vko-gyd-2025-03-14")
    assert frame["time (Asia/Baku)"][i] == "02:54 +04 14 Mar 2025 → 05:30 +04 14 Mar 2025"
    panel = shown(" ".join(m.value for m in at.markdown))
    assert "| Times (Asia/Baku) | 02:54 +04 14 Mar 2025 → 05:30 +04 14 Mar 2025 |" in panel


def test_table_rows_focus_the_map_and_the_map_selects_a_row(at: Any) -> None:
    run_ok(at)
    ids = table_ids(at)
    k = ids.index("dunford-gerasimov-2017")
    at.session_state["table"] = {"selection": {"rows": [k], "columns": [], "cells": []}}
    run_ok(at)
    assert map_args(at)["focus"]["ids"] == ["dunford-gerasimov-2017"]
    # an event opened on the map comes back as the component's value: its row is selected
    at.session_state["map"] = {"event": "witkoff-baku-2025-03-14", "n": 1}
    run_ok(at)
    assert at.session_state["session"].selected == ("witkoff-baku-2025-03-14",)
    assert map_args(at)["focus"] is None  # the map is on it already: no jump back
    (table,) = [d for d in at.dataframe if d.key == "table"]
    rows = list(table.value["id"])
    default = json.loads(table.proto.selection_default)
    assert default["selection"]["rows"] == [rows.index("witkoff-baku-2025-03-14")]
    # and a zone chosen on the map's own clock is the app's one display zone
    at.session_state["map"] = {"zone": "Europe/Moscow", "n": 2}
    run_ok(at)
    assert at.selectbox(key="tz").value == "Europe/Moscow"


def _editor(at: Any) -> Any:
    (editor,) = [d for d in at.dataframe if d.key and d.key.startswith("editor_")]
    return editor


def test_editing_a_cell_to_a_bad_value_and_back(at: Any) -> None:
    run_ok(at)
    editor = _editor(at)
    rows = list(editor.value["id"])
    k = rows.index("dunford-gerasimov-2017")
    before = map_html(at)
    at.session_state[editor.key] = {"edited_rows": {k: {"start": "2017-02-30"}},
                                    "added_rows": [], "deleted_rows": []}
    run_ok(at)
    editor = _editor(at)
    problems = list(editor.value["problem"])
    assert problems[k].startswith("start: '2017-02-30' is not a real date")
    assert map_html(at) == before  # the last good events stay on the map
    assert "1 problem(s) in your edits" in shown(at.error[0].value)
    at.session_state[editor.key] = {"edited_rows": {k: {"start": "2017-02-16"}},
                                    "added_rows": [], "deleted_rows": []}
    run_ok(at)
    assert not at.error
    assert list(_editor(at).value["problem"])[k] == ""


def test_adding_a_flight_and_downloading_a_file_geo_check_accepts(
    at: Any, media: dict[str, bytes], tmp_path: Path
) -> None:
    run_ok(at)
    editor = _editor(at)
    flight = {"id": "new-flight", "kind": "flight", "title": "Return flight",
              "start": "2025-03-14T12:00", "end": "2025-03-14T14:00", "origin": "GYD",
              "destination": "VKO", "participants": "", "status": "reported",
              "sources": "oc-media-2025-03-17", "notes": "", "aircraft": "N103WG"}
    at.session_state[editor.key] = {"edited_rows": {}, "added_rows": [flight],
                                    "deleted_rows": []}
    run_ok(at)
    assert "new-flight" in table_ids(at)  # valid: the map and table show it
    button = next(b for b in at.get("download_button") if b.key == "download_edited")
    data = media[Path(button.proto.url).stem]
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "geo", "check", "--events", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{path}: {len(SHIPPED.events) + 1} events OK"


def test_within_a_country_like_the_cli(at: Any) -> None:
    at.query_params["within"] = "Azerbaijan"
    run_ok(at)
    from geo.regions import region, within

    expected = within(select(SHIPPED.events, Filters()), region("Azerbaijan"))
    assert table_ids(at) == [e.id for e in expected] and expected
    assert at.query_params["within"] == "Azerbaijan"
    at.text_input(key="within").set_value("/etc/passwd")  # the app reads no server file
    run_ok(at)
    assert "not a file" in shown(at.sidebar.error[0].value)
    assert table_ids(at) == SHIPPED_IDS


def test_no_fixes_csv_without_recorded_tracks(at: Any) -> None:
    run_ok(at)  # the shipped data has no recorded track
    keys = {b.key for b in at.get("download_button")}
    assert "download_fixes-csv" not in keys and {"download_csv", "download_events-csv"} <= keys
    assert any("no fixes CSV" in c.value for c in at.caption)


def test_the_date_boxes_say_the_datas_span(at: Any) -> None:
    run_ok(at)
    first = min(e.start_utc for e in SHIPPED.events).date()
    assert any(c.value.startswith(f"The data spans {first:%d %b %Y} to ") for c in at.caption)


def test_download_labels_are_short_with_the_rest_as_help(at: Any) -> None:
    run_ok(at)
    buttons = {b.key: b for b in at.get("download_button")}
    events_csv = buttons["download_events-csv"].proto
    assert events_csv.label == "Download events CSV"
    assert events_csv.help == "re-importable"


def test_the_track_uploader_takes_and_lists_every_registered_format() -> None:
    """The uploader's types and help come from the track formats' table (an OpenSky CSV was
    readable but not listed)."""
    from geo.tracks.read import TRACK_FORMATS, track_suffixes

    assert {f".{t}" for t in uploads.TRACK_TYPES} == set(track_suffixes())
    assert all(f.label in uploads.TRACK_HELP for f in TRACK_FORMATS)
    assert "OpenSky state-vector CSV" in uploads.TRACK_HELP
