"""Small builders shared by the tests: events from CSV text, against the shipped gazetteer."""

from __future__ import annotations

from geo.io import load_dataset
from geo.model import Event

HEADER = "id,kind,title,start,end,origin,destination,participants,status,sources,notes\n"


def events_from_csv(rows: str, *, header: bool = True) -> list[Event]:
    """Validated events from CSV rows (the header is added unless ``header=False``)."""
    text = (HEADER if header else "") + rows
    return list(load_dataset(text.encode("utf-8"), names={"events": "test.csv"}).events)


def shipped_events() -> list[Event]:
    return list(load_dataset().events)
