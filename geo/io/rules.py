"""The event rules: an ordered list of named checks over the columns of ``events.csv``.

Each check is one pass over a column (or a few), so 100,000 rows cost a few dozen list passes
rather than 100,000 calls through a per-row validator. A row's problems read in the order of
the checks in :data:`CHECKS` (which follows the columns): each problem is tagged with its
row and its check's position, and sorted by both. A check may leave what it found (resolved
places, parsed times) in the :class:`Rows` for the checks after it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, NamedTuple, TypeVar, cast

from geo.io.csvfile import Table, split_lists
from geo.io.reference import Bibliography, Broken
from geo.model import (
    KINDS,
    SOURCE_ID,
    STATUSES,
    Event,
    Location,
    Problem,
    Reference,
    free_reference,
)
from geo.places import Gazetteer, coordinates_location
from geo.timeline import TimeSpan, iso_utc, parse_time, parse_times

BULK_TIMES = 1000
"""From this many cells on, times are parsed in bulk (:func:`geo.timeline.parse_times`)."""

# What one row may cost: each is checked before any geometry or page is made from the row.
MAX_ORIGINS = 50  # places a contact comes from (each draws an arc)
MAX_PARTICIPANTS = 200
MAX_SOURCES = 50
MAX_FLIGHT_HOURS = 24  # no aircraft flies longer without landing (the longest: ~19 h)

T = TypeVar("T")


@dataclass
class Rows:
    """The rows under check: their cells by column, what the checks found, every problem."""

    name: str
    gazetteer: Gazetteer
    broken: Broken
    table: Table
    bibliography: Bibliography = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    bad: bytearray = field(default_factory=bytearray)
    step: int = 0  # the position in CHECKS of the check now running
    found: list[tuple[int, int, Problem]] = field(default_factory=list)
    # cells, stripped
    ids: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    flights: list[int] = field(default_factory=list)  # rows whose kind is flight
    origin_refs: list[tuple[str, ...]] = field(default_factory=list)
    dest_refs: list[str] = field(default_factory=list)
    start_texts: list[str] = field(default_factory=list)
    end_texts: list[str] = field(default_factory=list)
    sources: list[tuple[str, ...]] = field(default_factory=list)
    # found by the checks
    origins: list[tuple[Location | None, ...]] = field(default_factory=list)
    dests: list[Location | None] = field(default_factory=list)
    start_tz: list[str | None] = field(default_factory=list)
    end_tz: list[str | None] = field(default_factory=list)
    starts: list[TimeSpan | None] = field(default_factory=list)
    ends: list[TimeSpan | None] = field(default_factory=list)
    end_errors: list[tuple[int, str]] = field(default_factory=list)
    references: list[tuple[Reference, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.table.records)
        self.lines = self.table.lines
        self.bad = bytearray(n)
        if self.table.flagged:  # a problem of their text, reported while reading
            for k, line in enumerate(self.lines):
                if line in self.table.flagged:
                    self.bad[k] = 1
        self._hints: dict[str, str | None] = {}
        col = self.table.column
        self.ids = [cell.strip() for cell in col("id")]
        self.kinds = [cell.strip() for cell in col("kind")]
        self.statuses = [cell.strip() for cell in col("status")]
        self.flights = [k for k, kind in enumerate(self.kinds) if kind == "flight"]
        self.origin_refs = split_lists(col("origin"))
        self.dest_refs = [cell.strip() for cell in col("destination")]
        self.start_texts = [cell.strip() for cell in col("start")]
        self.end_texts = [cell.strip() for cell in col("end")]
        self.sources = split_lists(col("sources"))

    def problem(self, k: int, column: str, message: str) -> None:
        self.found.append((k, self.step, Problem(self.name, self.lines[k], column, message)))
        self.bad[k] = 1

    def place(self, k: int, column: str, ref: str) -> Location | None:
        """The location ``ref`` names, or None with the problem reported."""
        loc = self.gazetteer.resolve(ref)
        if loc is not None:
            return loc
        where = self.broken.get(ref.strip().casefold())
        if where:
            self.problem(k, column, f"'{ref}' is defined on {where}, which has a problem")
            return None
        if ref not in self._hints:  # difflib once per distinct reference, not per row
            self._hints[ref] = self.gazetteer.suggest(ref)
        hint = self._hints[ref]
        what = "airport code" if ref.isupper() and len(ref) in (3, 4) else "place"
        msg = f"unknown {what} '{ref}'"
        if hint:
            msg += f"; did you mean '{hint}'?"
        else:
            msg += " (use an IATA/ICAO airport code or a name from places.csv)"
        self.problem(k, column, msg)
        return None

    def choices(self, column: str, values: list[str], allowed: Sequence[str]) -> None:
        known = frozenset(allowed)
        if known.issuperset(values):
            return
        hints: dict[str, list[str]] = {}
        for k, value in enumerate(values):
            if value in known:
                continue
            if not value:
                self.problem(k, column, f"empty; use one of {', '.join(allowed)}")
                continue
            if value not in hints:
                hints[value] = difflib.get_close_matches(value.lower(), allowed, n=1)
            hint = hints[value]
            did = f"did you mean '{hint[0]}'? " if hint else ""
            self.problem(
                k, column, f"'{value}' is not a {column}; {did}use one of {', '.join(allowed)}"
            )


class Check(NamedTuple):
    """One rule: its name (what it asserts) and the pass that reports where it fails."""

    name: str
    run: Callable[[Rows], None]


def _unique_ids(rows: Rows) -> None:
    ids, n = rows.ids, len(rows.ids)
    first: dict[str, int] = {}
    unique = len(set(ids)) == n and "" not in ids
    for k, event_id in enumerate([] if unique else ids):
        if not event_id:
            rows.problem(k, "id", "empty id; every event needs a unique id")
        elif event_id in first:
            rows.problem(
                k,
                "id",
                f"duplicate id '{event_id}' (first on line {rows.lines[first[event_id]]})",
            )
        else:
            first[event_id] = k


def _known_kind(rows: Rows) -> None:
    rows.choices("kind", rows.kinds, KINDS)


def _known_status(rows: Rows) -> None:
    rows.choices("status", rows.statuses, STATUSES)


def _origins_resolve(rows: Rows) -> None:
    rows.origins = [
        tuple([rows.place(k, "origin", ref) for ref in refs]) if refs else ()
        for k, refs in enumerate(rows.origin_refs)
    ]


def _destination_resolves(rows: Rows) -> None:
    refs = rows.dest_refs
    resolve = rows.gazetteer.resolve
    known = {ref: resolve(ref) for ref in dict.fromkeys(refs) if ref and ";" not in ref}
    dests: list[Location | None] = list(map(known.get, refs))
    for k in [k for k, loc in enumerate(dests) if loc is None] if None in dests else []:
        ref = refs[k]
        if not ref:
            rows.problem(k, "destination", "empty; say where the event happened")
        elif ";" in ref:
            rows.problem(k, "destination", f"'{ref}': one place only (origin takes several)")
        else:
            dests[k] = rows.place(k, "destination", ref)
    rows.dests = dests


def _flight_has_one_origin(rows: Rows) -> None:
    for k in rows.flights:
        if len(rows.origin_refs[k]) != 1:
            rows.problem(
                k,
                "origin",
                f"a flight has exactly one origin airport, not {len(rows.origin_refs[k])}",
            )


def _flight_joins_airports(rows: Rows) -> None:
    for k in rows.flights:
        ends = [("destination", rows.dest_refs[k], rows.dests[k])]
        if len(rows.origin_refs[k]) == 1:
            ends.insert(0, ("origin", rows.origin_refs[k][0], rows.origins[k][0]))
        for column, ref, loc in ends:
            if loc is not None and not loc.airport and coordinates_location(ref) is None:
                rows.problem(
                    k,
                    column,
                    f"'{ref}' is a place, not an airport; a flight needs airport "
                    "codes (e.g. VKO, GYD)",
                )


def _start_is_a_time(rows: Rows) -> None:
    """Starts and ends are parsed together (in bulk: one zone conversion per zone); the end's
    problems wait for :func:`_end_is_a_time`, to read in column order."""
    # A flight's departure is local at its origin airport, everything else at the place. An
    # unresolved place (already reported) leaves its times parsed as UTC, for their syntax.
    rows.end_tz = [None if loc is None else loc.tz for loc in rows.dests]
    rows.start_tz = list(rows.end_tz)
    for k in rows.flights:
        one = rows.origins[k]
        rows.start_tz[k] = one[0].tz if len(one) == 1 and one[0] is not None else None
    for k, text in enumerate(rows.start_texts):
        if not text:
            rows.problem(k, "start", "empty; every event needs a start date")
    columns = [
        (rows.start_texts, [tz or "UTC" for tz in rows.start_tz]),
        (rows.end_texts, [tz or "UTC" for tz in rows.end_tz]),
    ]
    filled = [[k for k, text in enumerate(texts) if text] for texts, _ in columns]
    spans: list[list[TimeSpan | None]] = [[None] * len(texts) for texts, _ in columns]
    if sum(map(len, filled)) >= BULK_TIMES:
        cells = [
            (texts[k], zones[k])
            for (texts, zones), which in zip(columns, filled, strict=True)
            for k in which
        ]
        bulk = iter(parse_times([text for text, _ in cells], [tz for _, tz in cells]))
        for column_spans, which in zip(spans, filled, strict=True):
            for k in which:
                column_spans[k] = next(bulk)
    errors: list[list[tuple[int, str]]] = [[], []]
    for i, ((texts, zones), which) in enumerate(zip(columns, filled, strict=True)):
        for k in which:
            if spans[i][k] is None:
                try:
                    spans[i][k] = parse_time(texts[k], zones[k])
                except ValueError as exc:
                    errors[i].append((k, str(exc)))
    for k, message in errors[0]:
        rows.problem(k, "start", message)
    rows.starts, rows.ends = spans
    rows.end_errors = errors[1]


def _end_is_a_time(rows: Rows) -> None:
    for k, message in rows.end_errors:
        rows.problem(k, "end", message)
    for k in rows.flights:
        if not rows.end_texts[k]:
            rows.problem(k, "end", "a flight needs its arrival time (local at the destination)")


def _flight_times_are_minutes(rows: Rows) -> None:
    for k in rows.flights:
        for column, span in (("start", rows.starts[k]), ("end", rows.ends[k])):
            if span is not None and span.precision not in ("minute", "second"):
                rows.problem(
                    k,
                    column,
                    f"a flight's {'departure' if column == 'start' else 'arrival'} "
                    "must be precise to the minute (e.g. 2025-03-14T01:54)",
                )


def _end_not_before_start(rows: Rows) -> None:
    # Order only means something once both zones are known: an unresolved place (already
    # reported) leaves its time parsed as UTC, for its syntax only.
    for k in [k for k, text in enumerate(rows.end_texts) if text]:
        start, end = rows.starts[k], rows.ends[k]
        if end is None or start is None or rows.start_tz[k] is None or rows.end_tz[k] is None:
            continue
        if rows.kinds[k] == "flight":
            if end.start_utc <= start.start_utc:
                rows.problem(
                    k,
                    "end",
                    f"arrival {rows.end_texts[k]} ({iso_utc(end.start_utc)}) is not after "
                    f"departure {rows.start_texts[k]} ({iso_utc(start.start_utc)}) in UTC",
                )
        elif end.end_utc < start.start_utc or (
            # a period (a day, a month) that is over when the start begins
            end.end_utc == start.start_utc and end.start_utc < end.end_utc
        ):
            rows.problem(
                k, "end", f"'{rows.end_texts[k]}' is before start '{rows.start_texts[k]}'"
            )


def _sources_cited(rows: Rows) -> None:
    for k, cited in enumerate([] if all(rows.sources) else rows.sources):
        if not cited:
            rows.problem(k, "sources", "no source; cite at least one (a file, outlet or URL)")


def _source_ids_known(rows: Rows) -> None:
    """A token written as a source id must name a row of sources.csv; free text is kept as
    text (a link when it is an http(s) URL)."""
    known = rows.bibliography
    resolved: dict[str, Reference | None] = {}
    for token in {t for cited in rows.sources for t in cited}:
        if SOURCE_ID.match(token):
            resolved[token] = known.get(token)
        else:
            resolved[token] = free_reference(token)
    if None in resolved.values():
        ids = sorted(known)
        hints = {
            token: difflib.get_close_matches(token, ids, n=1, cutoff=0.6)
            for token, ref in resolved.items() if ref is None
        }
        for k, cited in enumerate(rows.sources):
            for token in cited:
                if resolved[token] is None:
                    hint = hints[token]
                    did = f"; did you mean '{hint[0]}'?" if hint else ""
                    rows.problem(
                        k,
                        "sources",
                        f"unknown source id '{token}'{did} (add it to sources.csv, or write "
                        "the source as free text)",
                    )
    rows.references = [
        tuple([ref for token in cited if (ref := resolved[token]) is not None])
        for cited in rows.sources
    ]


def _within_limits(rows: Rows) -> None:
    """What one row may cost, before anything is drawn of it."""
    col = rows.table.column
    participants = split_lists(col("participants"))
    for name, lists, limit in (
        ("origin", rows.origin_refs, MAX_ORIGINS),
        ("participants", participants, MAX_PARTICIPANTS),
        ("sources", rows.sources, MAX_SOURCES),
    ):
        for k, items in enumerate(lists):
            if len(items) > limit:
                rows.problem(k, name, f"lists {len(items):,}; a row may list {limit}")
    longest = MAX_FLIGHT_HOURS * 3600
    for k in rows.flights:
        start, end = rows.starts[k], rows.ends[k]
        if start is None or end is None:
            continue
        seconds = (end.start_utc - start.start_utc).total_seconds()
        if seconds > longest:
            rows.problem(
                k, "end",
                f"the flight would last {seconds / 3600:,.1f} h; a flight lasts at most "
                f"{MAX_FLIGHT_HOURS} h (no aircraft flies longer without landing): check the "
                "dates",
            )


CHECKS: tuple[Check, ...] = (
    Check("every event has a unique id", _unique_ids),
    Check("the kind is one of the kinds", _known_kind),
    Check("the status is one of the statuses", _known_status),
    Check("every origin names a known place", _origins_resolve),
    Check("the destination names one known place", _destination_resolves),
    Check("a flight has exactly one origin", _flight_has_one_origin),
    Check("a flight joins two airports", _flight_joins_airports),
    Check("the start is a date or time", _start_is_a_time),
    Check("the end is a date or time (a flight's is required)", _end_is_a_time),
    Check("a flight's times are precise to the minute", _flight_times_are_minutes),
    Check("the end does not come before the start", _end_not_before_start),
    Check("every event cites a source", _sources_cited),
    Check("every source id is in sources.csv", _source_ids_known),
    Check("a row keeps to the limits of what one row may cost", _within_limits),
)
"""The rules, in the order a row's problems are listed (the order of its columns)."""


def check_events(
    table: Table, name: str, gazetteer: Gazetteer, broken: Broken, bibliography: Bibliography
) -> Rows:
    """Run every check of :data:`CHECKS` over the table's rows."""
    rows = Rows(name, gazetteer, broken, table, bibliography)
    for step, check in enumerate(CHECKS):
        rows.step = step
        check.run(rows)
    rows.found.sort(key=lambda found: found[:2])
    return rows


def events_of(rows: Rows) -> list[Event]:
    """The records of the rows without a problem (the checks made their cells the types)."""
    good = [not bad for bad in rows.bad]

    def keep(column: Sequence[T]) -> list[T]:
        return list(compress(column, good))

    col = rows.table.column
    start_of = cast(list[TimeSpan], keep(rows.starts))
    end_of = [end or start for start, end in zip(start_of, keep(rows.ends), strict=True)]
    fields: dict[str, list[Any]] = {  # by name: Event's order is its own business
        "id": keep(rows.ids),
        "kind": keep(rows.kinds),
        "title": keep([cell.strip() for cell in col("title")]),
        "start_utc": [span.start_utc for span in start_of],
        "end_utc": [span.end_utc for span in end_of],
        "start_precision": [span.precision for span in start_of],
        "end_precision": [span.precision for span in end_of],
        "start_text": keep(rows.start_texts),
        "end_text": keep(rows.end_texts),
        "origin": keep(rows.origins),
        "destination": keep(rows.dests),
        "participants": keep(split_lists(col("participants"))),
        "status": keep(rows.statuses),
        "sources": keep(rows.sources),
        "notes": keep([cell.strip() for cell in col("notes")]),
        "line": keep(rows.lines),
        "aircraft": keep([cell.strip() for cell in col("aircraft")]),
        "references": keep(rows.references),
        "recorded": [None] * len(start_of),  # linked after loading (geo.dataset)
        "alternatives": [()] * len(start_of),  # matched after loading (geo.match.linking)
    }
    if fields.keys() != set(Event._fields):  # a field added to Event must be filled here
        raise TypeError(f"Event fields {sorted(set(Event._fields) ^ fields.keys())} unset")
    # Event(**row) for each row, in bulk: _make on the columns taken in Event's field order
    return list(map(Event._make, zip(*(fields[f] for f in Event._fields), strict=True)))


def read_events(
    table: Table,
    name: str,
    gazetteer: Gazetteer,
    broken: Broken,
    bibliography: Bibliography,
    problems: list[Problem],
) -> list[Event]:
    """The events of a table that pass every check; every problem goes to ``problems``."""
    rows = check_events(table, name, gazetteer, broken, bibliography)
    problems.extend(problem for _, _, problem in rows.found)
    return events_of(rows)
