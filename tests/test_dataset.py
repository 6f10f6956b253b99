"""geo.dataset: the assembly of a Dataset from the files (here: an events file added to the
shipped story)."""

from __future__ import annotations

from geo.dataset import load_dataset
from tests.test_app import events_csv as _csv
from tests.test_app import shipped_rows as _shipped_rows


def test_an_events_file_added_to_the_shipped_story() -> None:
    shipped = load_dataset()
    rows = _shipped_rows()
    mine = {**rows[0], "id": "my-own-2025", "title": "Mine"}
    changed = {**rows[1], "title": "Corrected"}
    data = load_dataset(_csv([mine, changed]), names={"events": "mine.csv"}, strict=False,
                        with_shipped=True)
    ids = [e.id for e in data.events]
    assert sorted(ids) == sorted([*(e.id for e in shipped.events), "my-own-2025"])
    assert len(ids) == len(set(ids))
    assert data.replaced == (changed["id"],)
    assert next(e for e in data.events if e.id == changed["id"]).title == "Corrected"
    assert data.views == shipped.views  # the shipped chapters stay with the shipped story
    assert data.problems == () and data.events_name == "mine.csv"


def test_without_with_shipped_the_file_replaces_the_story() -> None:
    rows = _shipped_rows()[:2]
    data = load_dataset(_csv(rows), strict=False)
    assert [e.id for e in data.events] == [r["id"] for r in rows]
    assert data.replaced == () and data.views == ()


def test_a_bad_row_of_the_added_file_is_named_on_its_own_line() -> None:
    rows = _shipped_rows()
    bad = {**rows[0], "id": "mine-bad", "kind": "meating"}
    data = load_dataset(_csv([bad]), names={"events": "mine.csv"}, strict=False,
                        with_shipped=True)
    assert [str(p).split(": ")[0] for p in data.problems] == ["mine.csv:2"]
    assert data.rows_skipped == 1
    assert len(data.events) == len(load_dataset().events)
