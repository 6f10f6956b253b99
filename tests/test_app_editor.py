"""The editor (issue 27 items 10, 11): problems on the row they are about whatever its cells
hold, and edits that re-link the parsed tracks instead of reading them again."""

from __future__ import annotations

from typing import Any

import pytest

import geo.tracks
from geo import uploads
from geo.bytecache import ByteCache
from geo.uploads import Upload, problems_by_row
from tests.test_app import APP, run_ok
from tests.test_app_sessions import edit_title, editor, own_flights, track, upload_tracks


def test_problems_by_row_counts_rows_not_lines() -> None:
    text = 'id,notes\na,"one\ntwo\nthree"\nb,x\nc,"x\r\ny"\nd,z\n'
    # lines: 1 header, 2-4 row a, 5 row b, 6-7 row c, 8 row d
    problems = ["edited events:6: notes: bad", "edited events:2: id: also bad",
                "edited events:8: id: bad d", "edited events:3: id: inside a cell",
                "edited events:99: id: no such row"]
    assert problems_by_row(text, problems) == {2: ["notes: bad"], 0: ["id: also bad"],
                                               3: ["id: bad d"]}


def test_a_problem_after_a_cell_with_a_line_break_is_on_its_row() -> None:
    from streamlit.testing.v1 import AppTest

    at: Any = AppTest.from_file(APP, default_timeout=120)
    run_ok(at)
    ed = editor(at)
    ids = list(ed.value["id"])
    k = ids.index("dunford-gerasimov-2017")
    at.session_state[ed.key] = {
        "edited_rows": {k: {"notes": "line one\nline two\nline three"},
                        k + 1: {"start": "2017-02-30"}},
        "added_rows": [], "deleted_rows": [],
    }
    run_ok(at)
    problems = list(editor(at).value["problem"])
    assert problems[k + 1].startswith("start: '2017-02-30' is not a real date")
    assert [i for i, p in enumerate(problems) if p] == [k + 1]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every call of geo.tracks.load_tracks (the app's and the dataset's)."""
    calls: list[object] = []
    original = geo.tracks.load_tracks

    def counted(inputs: Any, *args: Any, **kwargs: Any) -> Any:
        inputs = list(inputs)
        calls.append(inputs)
        return original(inputs, *args, **kwargs)

    monkeypatch.setattr(geo.tracks, "load_tracks", counted)
    return calls


def test_edits_re_link_the_parsed_tracks_without_reading_them(reads: list[object]) -> None:
    from streamlit.testing.v1 import AppTest

    at: Any = AppTest.from_file(APP, default_timeout=120)
    run_ok(at)
    upload_tracks(at, track(4, "0dd123"))  # a file no other test reads
    assert len(reads) == 1
    ids = own_flights(at)
    for title in ("First edit", "Second edit", "Third edit"):
        edit_title(at, title)
        assert own_flights(at) == ids  # linked again: its own flight is there
    assert len(reads) == 1


def test_the_reader_reads_each_upload_once(reads: list[object]) -> None:
    name, data, _ = track(5, "0dd456")
    read = uploads.track_reader(ByteCache(2**28))
    first = uploads.load_uploads(tracks=[Upload(name, data)], read_track=read)
    again = uploads.load_uploads(tracks=[Upload(name, data)], read_track=read)
    assert len(reads) == 1 and first.dataset is not None and again.dataset is not None
    assert [e.id for e in first.dataset.events] == [e.id for e in again.dataset.events]
    other = uploads.load_uploads(tracks=[Upload("renamed.json.gz", data)], read_track=read)
    assert len(reads) == 2 and other.dataset is not None  # the name is part of what was read
