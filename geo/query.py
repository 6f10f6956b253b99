"""The one selection both the CLI and the app apply: date range, kinds, statuses, text, and a
region (``--within``, the app's "Within")."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import compress, islice
from operator import attrgetter, eq, le
from typing import Any

from geo.model import Event
from geo.regions import within
from geo.timeline import overlaps


@dataclass(frozen=True, slots=True)
class Filters:
    """``start_utc``/``end_utc``: the half-open UTC range an event must overlap. ``within``: a
    region (a shapely geometry, :func:`geo.regions.region`, checked where the text came in)
    the event's place must be in (:func:`geo.regions.within`), or None."""

    start_utc: datetime | None = None
    end_utc: datetime | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""
    within: Any = None

    def matches(self, event: Event) -> bool:
        if self.kinds and event.kind not in self.kinds:
            return False
        if self.statuses and event.status not in self.statuses:
            return False
        if not overlaps(event, self.start_utc, self.end_utc):
            return False
        if self.text:
            needle = fold(self.text)
            return any(needle in fold(text) for text in searched(event))
        return True


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """``text`` for matching: case and accents folded (``Bakı`` and ``BAKI`` match ``baki``,
    ``Hajíyev`` matches ``hajiyev``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ı", "i").casefold()


def searched(event: Event) -> list[str]:
    """Every text a search looks in: id, title, participants, places (names and airport
    codes), aircraft, sources (as written and as cited) and notes."""
    places = (event.destination, *event.origin)
    return [
        event.id,
        event.title,
        *event.participants,
        *(loc.name for loc in places),
        *(loc.airport for loc in places),
        event.aircraft,
        *event.sources,
        *(ref.citation for ref in event.references),
        event.notes,
    ]


NO_FILTERS = Filters()

EVENT_ORDER = attrgetter("start_utc", "end_utc", "id")
"""The one order of events everywhere: start, end, then id."""


def in_order(events: Sequence[Event]) -> list[Event]:
    """``events`` in :data:`EVENT_ORDER`; when they already are (as :func:`select` returns
    them), found so by comparing start times, and whole keys only where starts tie."""
    starts = [e.start_utc for e in events]
    if all(map(le, starts, islice(starts, 1, None))):
        ties = compress(range(len(starts) - 1), map(eq, starts, islice(starts, 1, None)))
        if all(EVENT_ORDER(events[i]) <= EVENT_ORDER(events[i + 1]) for i in ties):
            return list(events)
    return sorted(events, key=EVENT_ORDER)


def select(events: Iterable[Event], filters: Filters) -> list[Event]:
    """Events that pass ``filters`` (in the region, when it names one), ordered by start
    time, then id."""
    chosen = events if filters == NO_FILTERS else (e for e in events if filters.matches(e))
    ordered = sorted(chosen, key=EVENT_ORDER)
    return ordered if filters.within is None else within(ordered, filters.within)


def span_of(events: Sequence[Event]) -> tuple[datetime, datetime] | None:
    """The earliest start and latest end of ``events``."""
    if not events:
        return None
    return min(e.start_utc for e in events), max(e.end_utc for e in events)
