"""``events.csv``'s columns are declared once (:data:`geo.model.EVENT_FILE`), and an
:class:`~geo.model.Event` is filled field by field by name."""

from __future__ import annotations

from datetime import UTC, datetime

from geo.csvwriters import to_events_csv
from geo.dataset import load_dataset
from geo.model import EVENT_COLUMNS, EVENT_FILE, EVENT_FILE_COLUMNS, EVENT_OPTIONAL
from geo.table import SOURCE_COLUMNS
from tests.helpers import events_from_csv

FLIGHT = "flight-vko-gyd-2025-03-14"


def test_the_columns_derive_from_one_declaration() -> None:
    assert EVENT_FILE_COLUMNS == (
        "id", "kind", "title", "start", "end", "origin", "destination", "participants",
        "status", "sources", "notes", "aircraft",
    )
    assert EVENT_COLUMNS == EVENT_FILE_COLUMNS[:-1] and EVENT_OPTIONAL == ("aircraft",)
    assert SOURCE_COLUMNS == EVENT_FILE_COLUMNS
    assert all(len(c.meaning) > 8 for c in EVENT_FILE)


def test_the_events_csv_export_writes_the_declared_header() -> None:
    events = load_dataset().events
    assert to_events_csv(events).split("\r\n", 1)[0] == ",".join(EVENT_FILE_COLUMNS)
    plain = events_from_csv("a-b,call,A call,2025-06-02,,Baku,Moscow,,reported,s,\n")
    assert to_events_csv(plain).split("\r\n", 1)[0] == ",".join(EVENT_COLUMNS)


def test_each_field_of_a_read_event_holds_its_own_value() -> None:
    ev = next(e for e in load_dataset().events if e.id == FLIGHT)
    assert (ev.kind, ev.status, ev.aircraft) == ("flight", "reported", "N103WG")
    assert ev.start_utc == datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
    assert ev.end_utc == datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    assert (ev.start_precision, ev.end_precision) == ("minute", "minute")
    assert (ev.start_text, ev.end_text) == ("2025-03-14T01:54", "2025-03-14T05:30")
    assert [o.airport for o in ev.origin] == ["VKO"] and ev.destination.airport == "GYD"
    assert ev.participants == ("Steve Witkoff (believed aboard)",)
    assert ev.sources[0] == "hasanova-witkoff-baku-2025-03"
    assert len(ev.references) == 4  # two ids of one page merged (issue 28)
    assert ev.notes.startswith("01:54 Moscow time departure") and ev.line == 14
    assert ev.recorded is None
