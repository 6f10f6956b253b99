"""Dataset assembly: the reference files first, then the events resolved against them, then
the recorded tracks linked to the flights. It sits above the readers (:mod:`geo.io`) and the
tracks (:mod:`geo.tracks`): neither imports it.

Every problem in every file is collected and raised once, together, as a
:class:`~geo.model.DataError`. A reference row with a problem is reported once, on its own
line; events naming it say so instead of "unknown place", and the good rows still resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geo.io.csvfile import in_line_order
from geo.io.events import FATAL_COLUMNS, read_event_file
from geo.io.reference import (
    Bibliography,
    Broken,
    Known,
    read_airports,
    read_places,
    read_sources,
)
from geo.io.source import Source, default_name
from geo.io.views import read_views
from geo.model import DataError, Event, MapView, Problem
from geo.perf import paused_gc
from geo.places import Gazetteer
from geo.shipped import shipped
from geo.tracks import TrackInput, TrackSet, link, load_tracks

SHIPPED_FILES: tuple[str, ...] = ("events", "airports", "places", "sources", "views")


@dataclass(frozen=True, slots=True)
class Dataset:
    """Validated events and the gazetteer they were resolved against."""

    events: tuple[Event, ...]
    gazetteer: Gazetteer = field(repr=False)
    events_name: str = "events.csv"
    sources: Bibliography = field(default_factory=dict, repr=False)
    views: tuple[MapView, ...] = ()
    problems: tuple[Problem, ...] = ()  # what was left out (a lenient load), in file order
    rows_skipped: int = 0  # rows of the events file left out for their problems
    track_notes: tuple[str, ...] = ()  # what reading the recorded tracks noticed (not errors)
    replaced: tuple[str, ...] = ()  # shipped events a file's own replaced (``with_shipped``)

    @property
    def summary(self) -> str:
        """``327,061 events loaded from events.csv, 1 row skipped (1 problem)``, or
        ``events.csv: 27 events OK``."""
        n = len(self.events)
        if not self.problems:
            return f"{self.events_name}: {n:,} events OK"
        events = f"{n:,} event{'s' if n != 1 else ''}"
        skipped = self.rows_skipped
        rows = f"{skipped:,} row{'s' if skipped != 1 else ''} skipped"
        found = len(self.problems)
        return (
            f"{events} loaded from {self.events_name}, {rows} "
            f"({found:,} problem{'s' if found != 1 else ''})"
        )


def default_paths() -> dict[str, Path]:
    """The shipped files; relative (``data/events.csv``) when run from the repository root."""
    return {key: shipped(f"{key}.csv") for key in SHIPPED_FILES}


def load_dataset(
    events: Source | None = None,
    airports: Source | None = None,
    places: Source | None = None,
    *,
    sources: Source | None = None,
    views: Source | None = None,
    tracks: Sequence[TrackInput] = (),
    names: dict[str, str] | None = None,
    strict: bool = True,
    read_track: Callable[[TrackInput], TrackSet] | None = None,
    with_shipped: bool = False,
) -> Dataset:
    """Load and validate the files; every problem in all of them, at once.

    The shipped airports, places and sources are always read; ``airports``, ``places`` and
    ``sources`` add files of the user's to them (a code, name or id both define differently
    is a problem on the user's line). ``views`` are the document's views (chapters); with the
    shipped events and no ``views``, the shipped ``views.csv``. ``tracks``: recorded flight
    tracks (files, folders, or ``(name, bytes)`` uploads; :mod:`geo.tracks`), linked to the
    flights they record, the others flights of their own; ``read_track`` reads one of them
    (default :func:`geo.tracks.load_tracks` of it; the app passes one that remembers what it
    read, so an edit of the events does not read the tracks again).

    ``strict`` (the API's default): any problem raises one :class:`DataError`. Lenient
    (``strict=False``, the CLI's and the app's default): every valid row is loaded and the
    rows with problems are left out, listed in :attr:`Dataset.problems`; only a file that
    cannot be read at all (its bytes, its header) still raises.
    """
    defaults = default_paths()
    names = dict(names or {})

    def label(key: str, src: Source) -> str:
        return names.get(key) or default_name(src, f"{key}.csv")

    ev_src = events if events is not None else defaults["events"]
    problems: list[Problem] = []
    broken: Broken = {}
    known: Known = {}

    def collect(read: list[Problem]) -> None:
        problems.extend(in_line_order(read))

    file_problems: list[Problem] = []
    airport_rows = read_airports(
        defaults["airports"], str(defaults["airports"]), file_problems, broken, known
    )
    if airports is not None:
        airport_rows += read_airports(
            airports, label("airports", airports), file_problems, broken, known
        )
    collect(file_problems)
    file_problems, known = [], {}
    place_rows = read_places(
        defaults["places"], str(defaults["places"]), file_problems, broken, known
    )
    if places is not None:
        place_rows += read_places(places, label("places", places), file_problems, broken, known)
    collect(file_problems)
    gazetteer = Gazetteer(airport_rows, place_rows)
    file_problems = []
    where: dict[str, str] = {}
    bibliography = read_sources(
        defaults["sources"], str(defaults["sources"]), file_problems, where=where
    )
    if sources is not None:
        bibliography = read_sources(
            sources, label("sources", sources), file_problems, bibliography, where
        )
    collect(file_problems)
    file_problems = []
    view_src = views if views is not None else (defaults["views"] if events is None else None)
    view_rows = (
        [] if view_src is None else read_views(view_src, label("views", view_src), file_problems)
    )
    collect(file_problems)
    ev_name = label("events", ev_src)
    file_problems = []
    with paused_gc():  # many rows, many small objects that all stay alive
        event_rows, skipped = read_event_file(
            ev_src, gazetteer, ev_name, file_problems, broken, bibliography
        )
    collect(file_problems)
    replaced: tuple[str, ...] = ()
    if with_shipped and events is not None:  # the user's rows added to the shipped story
        shipped_problems: list[Problem] = []
        shipped_rows, _ = read_event_file(
            defaults["events"], gazetteer, str(defaults["events"]), shipped_problems, {},
            bibliography,
        )
        collect(shipped_problems)
        own = {e.id for e in event_rows}
        replaced = tuple(e.id for e in shipped_rows if e.id in own)
        event_rows = [e for e in shipped_rows if e.id not in own] + event_rows
        if views is None:
            view_rows = read_views(defaults["views"], str(defaults["views"]), problems)
    if problems and (strict or any(p.column in FATAL_COLUMNS for p in problems)):
        raise DataError(problems)
    notes: tuple[str, ...] = ()
    if tracks:
        event_rows, notes = _with_tracks(event_rows, tracks, problems, strict, read_track)
    return Dataset(
        tuple(event_rows), gazetteer, ev_name, bibliography, tuple(view_rows),
        tuple(problems), skipped, notes, replaced,
    )


def _with_tracks(
    events: list[Event], inputs: Sequence[TrackInput], problems: list[Problem], strict: bool,
    read_track: Callable[[TrackInput], TrackSet] | None = None,
) -> tuple[list[Event], tuple[str, ...]]:
    """The events with the recorded tracks linked; each file read on its own, so one bad
    file (in a folder too) leaves the others (a lenient load lists its problems).
    ``read_track``: the app's reader of one upload (it keeps parsed uploads); without it
    every input is read at once, so a file given twice is read once."""
    if read_track is None:
        found_problems: list[Problem] = []
        found = load_tracks(inputs, problems=found_problems)
        if found_problems and strict:
            raise DataError([*problems, *found_problems])
        problems.extend(found_problems)
        return link(events, found), found.notes
    read: list[TrackSet] = []
    for given in inputs:
        try:
            read.append(read_track(given))
        except DataError as err:
            if strict:
                raise DataError([*problems, *err.problems]) from None
            problems.extend(err.problems)
    found = TrackSet(
        tuple(t for r in read for t in r.traces), tuple(g for r in read for g in r.legs),
        tuple(n for r in read for n in r.notes),
    )
    return link(events, found), found.notes
