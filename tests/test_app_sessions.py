"""Sessions side by side (issue 27): one reader's data never reaches another.

Every cache the app keeps is shared by the sessions of one server; each key must be a digest
of everything that produced its value (events, reference files, tracks, strictness). Two or
three ``AppTest`` sessions in one process share those caches exactly as a server's do.
"""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from tests.test_app import APP, map_html, run_ok, shown, table_ids
from tests.test_tracks_fixtures import GYD, VKO, flight, readsb_json

REPORTED_DEPARTURE = 1741906440.0  # 2025-03-13T22:54:00Z: the shipped VKO-GYD flight
DAY = 86400.0
EDITED_ID = "dunford-gerasimov-2017"


def new_session() -> Any:
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=120)


def track(days_late: float, icao: str) -> tuple[str, bytes, str]:
    """A leg nobody reported (a day or more after the reported flight): a flight of its own."""
    fixes = flight(VKO, GYD, REPORTED_DEPARTURE + days_late * DAY, minutes=150.0)
    data = gzip.compress(readsb_json(fixes, icao=icao, registration="N103WG"))
    return (f"trace_full_{icao}.json.gz", data, "application/gzip")


def editor(at: Any) -> Any:
    (found,) = [d for d in at.dataframe if d.key and d.key.startswith("editor_")]
    return found


def edit_title(at: Any, title: str, event_id: str = EDITED_ID) -> None:
    ed = editor(at)
    k = list(ed.value["id"]).index(event_id)
    at.session_state[ed.key] = {"edited_rows": {k: {"title": title}}, "added_rows": [],
                                "deleted_rows": []}
    run_ok(at)


def own_flights(at: Any) -> list[str]:
    return [i for i in table_ids(at) if i.startswith("track-")]


def upload_tracks(at: Any, *files: tuple[str, bytes, str]) -> None:
    nonce = at.session_state["session"].upload_nonce
    at.file_uploader(key=f"upload_tracks_{nonce}").set_value(list(files))
    run_ok(at)


@pytest.mark.parametrize("title", ["The same edit in every session"])
def test_the_same_edit_with_other_tracks_shows_each_its_own(title: str) -> None:
    a, b, c = new_session(), new_session(), new_session()
    for s in (a, b, c):
        run_ok(s)
    upload_tracks(a, track(1, "a0b1c2"))
    upload_tracks(b, track(2, "c0ffee"))
    a_ids, b_ids = own_flights(a), own_flights(b)
    assert len(a_ids) == 1 and len(b_ids) == 1 and a_ids != b_ids

    edit_title(a, title)
    assert own_flights(a) == a_ids
    a_map = map_html(a)
    edit_title(b, title)  # the very same events text as A's
    assert own_flights(b) == b_ids  # B's flight, not A's
    assert map_html(b) != a_map
    assert a_ids[0].encode() not in map_html(b)

    edit_title(c, title)  # no tracks at all: the same text again
    assert not c.error, [shown(e.value) for e in c.error]
    assert own_flights(c) == []
    assert title in [r for r in c.dataframe[0].value["title"]]


def test_a_swapped_track_file_is_the_one_shown_with_the_edits() -> None:
    a = new_session()
    run_ok(a)
    upload_tracks(a, track(1, "a0b1c2"))
    first = own_flights(a)
    edit_title(a, "Edited before the swap")
    upload_tracks(a, track(3, "c0ffee"))  # the uploads replace the data; the edits are kept
    second = own_flights(a)
    assert second and second != first
    next(b for b in a.button if b.key == "use_edits").click()
    run_ok(a)
    assert own_flights(a) == second  # the new track, not the one the edits were made with


def test_edits_keep_the_uploaded_reference_files() -> None:
    """An edit is checked against the places the reader uploaded, not the shipped ones
    alone; the same edit without them is another dataset (a problem in its row)."""
    mine = b"name,country,lat,lon,tz,aliases\nZzyzx,US,35.1436,-116.1047,America/Los_Angeles,\n"
    a, b = new_session(), new_session()
    run_ok(a)
    run_ok(b)
    a.file_uploader(key="upload_places_0").set_value(("places.csv", mine, "text/csv"))
    run_ok(a)
    ed = editor(a)
    k = list(ed.value["id"]).index(EDITED_ID)
    change = {"edited_rows": {k: {"destination": "Zzyzx"}}, "added_rows": [], "deleted_rows": []}
    a.session_state[ed.key] = change
    run_ok(a)
    assert not a.error, [shown(e.value) for e in a.error]
    assert EDITED_ID in table_ids(a)
    b.session_state[editor(b).key] = change
    run_ok(b)  # B uploaded no such place: its problem, in its row; its map keeps its data
    assert "Zzyzx" in list(editor(b).value["problem"])[k]
    assert "1 problem(s) in your edits" in shown(b.error[0].value)


def test_two_uploads_of_one_name_each_show_their_own() -> None:
    from tests.test_app import events_csv, shipped_rows

    rows = shipped_rows()
    a, b = new_session(), new_session()
    run_ok(a)
    run_ok(b)
    a.file_uploader(key="upload_events_0").set_value(
        ("events.csv", events_csv(rows[:2]), "text/csv"))
    b.file_uploader(key="upload_events_0").set_value(
        ("events.csv", events_csv(rows[2:5]), "text/csv"))
    run_ok(a)
    run_ok(b)
    assert set(table_ids(b)) == {r["id"] for r in rows[2:5]}
    assert set(table_ids(a)) == {r["id"] for r in rows[:2]}
    edit_title(a, "Same edit")  # the edit path over two uploads: each its own rows
    edit_title(b, "Same edit", rows[2]["id"])
    assert set(table_ids(a)) == {r["id"] for r in rows[:2]}
    assert set(table_ids(b)) == {r["id"] for r in rows[2:5]}
