"""The one selection both the CLI and the app apply: date range, kinds, statuses, text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, islice
from operator import attrgetter, eq, le

from geo.model import Event
from geo.timeline import overlaps


@dataclass(frozen=True, slots=True)
class Filters:
    """``start_utc``/``end_utc``: the half-open UTC range an event must overlap."""

    start_utc: datetime | None = None
    end_utc: datetime | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""

    def matches(self, event: Event) -> bool:
        if self.kinds and event.kind not in self.kinds:
            return False
        if self.statuses and event.status not in self.statuses:
            return False
        if not overlaps(event, self.start_utc, self.end_utc):
            return False
        if self.text:
            needle = self.text.casefold()
            haystack = [
                event.id,
                event.title,
                event.destination.name,
                event.destination.airport,
                *event.participants,
                *(loc.name for loc in event.origin),
                *(loc.airport for loc in event.origin),
            ]
            return any(needle in h.casefold() for h in haystack)
        return True


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
    """Events that pass ``filters``, ordered by start time, then id."""
    chosen = events if filters == NO_FILTERS else (e for e in events if filters.matches(e))
    return sorted(chosen, key=EVENT_ORDER)


def span_of(events: Sequence[Event]) -> tuple[datetime, datetime] | None:
    """The earliest start and latest end of ``events``."""
    if not events:
        return None
    return min(e.start_utc for e in events), max(e.end_utc for e in events)
