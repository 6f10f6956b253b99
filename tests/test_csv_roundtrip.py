"""The events CSV reads back as the events it was written from, byte for byte over two
cycles; formula cells are written safe for spreadsheets and come back exactly as typed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from geo.cli import main
from geo.dataset import Dataset, load_dataset
from geo.export import export, to_csv, to_events_csv
from geo.model import Event
from geo.query import in_order
from geo.table import normalize
from tests.corpora import CORPORA, HOSTILE_FILES
from tests.helpers import events_from_csv


def _reload(data: bytes, name: str) -> list[Event]:
    files = HOSTILE_FILES if name == "hostile" else {}
    return list(load_dataset(data, files.get("airports"), files.get("places"),
                             names={"events": "export.csv"}).events)


@pytest.mark.parametrize("name", list(CORPORA))
def test_events_csv_is_byte_stable_over_two_cycles(name: str) -> None:
    data: Dataset = CORPORA[name]()
    first = export(data.events, "events-csv")
    once = _reload(first, name)
    second = export(once, "events-csv")
    assert second == first
    twice = _reload(second, name)
    assert export(twice, "events-csv") == first
    # the same events: `list --format json` is identical
    assert [normalize(e) for e in once] == [normalize(e) for e in in_order(data.events)]
    assert [e._replace(line=0) for e in once] == [
        e._replace(line=0) for e in in_order(data.events)
    ]


def test_events_csv_passes_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(export(CORPORA["shipped"]().events, "events-csv"))
    assert main(["check", "--events", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith(
        f"{len(CORPORA['shipped']().events)} events OK"
    )


def test_events_csv_has_the_input_columns_and_references() -> None:
    events = events_from_csv(
        "f,flight,F,2025-03-14T01:54,2025-03-14T05:30,UUWW,GYD,A; B,reported,s;t,\n"
        "m,meeting,M,2025-03,2025-05,washington;moscow,Baku,,confirmed,s,n\n"
    )
    rows = list(csv.reader(io.StringIO(to_events_csv(events), newline="")))
    assert rows[0] == ["id", "kind", "title", "start", "end", "origin", "destination",
                       "participants", "status", "sources", "notes"]
    assert rows[1] == ["m", "meeting", "M", "2025-03", "2025-05", "Washington;Moscow", "Baku",
                       "", "confirmed", "s", "n"]
    # an airport by its IATA code (UUWW is Vnukovo's ICAO code), times as written
    assert rows[2] == ["f", "flight", "F", "2025-03-14T01:54", "2025-03-14T05:30", "VKO", "GYD",
                       "A;B", "reported", "s;t", ""]


def test_the_aircraft_column_only_when_an_event_has_one() -> None:
    text = (
        "id,kind,title,start,end,origin,destination,participants,status,sources,notes,aircraft\n"
        "f,flight,F,2025-03-14T01:54,2025-03-14T05:30,VKO,GYD,,reported,s,,N103WG\n"
    )
    (event,) = load_dataset(text.encode(), names={"events": "t.csv"}).events
    rows = list(csv.reader(io.StringIO(to_events_csv([event]), newline="")))
    assert rows[0][-1] == "aircraft" and rows[1][-1] == "N103WG"
    assert export(load_dataset(export([event], "events-csv")).events, "events-csv") == (
        export([event], "events-csv")
    )


FORMULAS = events_from_csv(
    'x,meeting,"=HYPERLINK(""http://evil.example"",""click"")",2025-01-01,,,Baku,'
    '"+cmd|\' /C calc\'!A0;@SUM(A1)",reported,s,"-2+3 and \'=quoted"\n'
)


def test_formula_cells_are_written_with_a_leading_apostrophe() -> None:
    for text in (to_csv(FORMULAS), to_events_csv(FORMULAS)):
        (row,) = list(csv.DictReader(io.StringIO(text, newline="")))
        assert row["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
        assert row["participants"].startswith("'+cmd")
        assert row["notes"] == "'-2+3 and '=quoted"
    (row,) = list(csv.DictReader(io.StringIO(to_csv(FORMULAS), newline="")))
    assert row["destination_lon"] == "49.892"  # numbers stay numbers


def test_formula_cells_come_back_exactly_as_typed() -> None:
    first = export(FORMULAS, "events-csv")
    (event,) = load_dataset(first, names={"events": "export.csv"}).events
    (original,) = FORMULAS
    assert event.title == original.title == '=HYPERLINK("http://evil.example","click")'
    assert event.participants == original.participants == ("+cmd|' /C calc'!A0", "@SUM(A1)")
    assert event.notes == original.notes
    assert export([event], "events-csv") == first
