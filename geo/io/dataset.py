"""Dataset assembly: the reference files first, then the events resolved against them.

Every problem in every file is collected and raised once, together, as a
:class:`~geo.model.DataError`. A reference row with a problem is reported once, on its own
line; events naming it say so instead of "unknown place", and the good rows still resolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from geo.io.csvfile import in_line_order, read_records
from geo.io.reference import Bibliography, Broken, read_airports, read_places, read_sources
from geo.io.rules import read_events
from geo.io.source import Source, default_name
from geo.io.views import read_views
from geo.model import EVENT_COLUMNS, EVENT_OPTIONAL, DataError, Event, MapView, Problem
from geo.perf import paused_gc
from geo.places import Gazetteer
from geo.shipped import shipped

SHIPPED_FILES: tuple[str, ...] = ("events", "airports", "places", "sources", "views")


@dataclass(frozen=True, slots=True)
class Dataset:
    """Validated events and the gazetteer they were resolved against."""

    events: tuple[Event, ...]
    gazetteer: Gazetteer = field(repr=False)
    events_name: str = "events.csv"
    sources: Bibliography = field(default_factory=dict, repr=False)
    views: tuple[MapView, ...] = ()


def default_paths() -> dict[str, Path]:
    """The shipped files; relative (``data/events.csv``) when run from the repository root."""
    return {key: shipped(f"{key}.csv") for key in SHIPPED_FILES}


def _events(
    source: Source,
    gazetteer: Gazetteer,
    name: str,
    problems: list[Problem],
    broken: Broken,
    bibliography: Bibliography,
) -> list[Event]:
    columns = (*EVENT_COLUMNS, *EVENT_OPTIONAL)
    table = read_records(source, name, columns, problems, optional=EVENT_OPTIONAL)
    return read_events(table, name, gazetteer, broken, bibliography, problems)


def load_events(
    source: Source,
    gazetteer: Gazetteer,
    name: str | None = None,
    bibliography: Bibliography | None = None,
) -> list[Event]:
    """``events.csv`` validated against ``gazetteer`` (and the source ids against
    ``bibliography``); raises :class:`DataError`."""
    name = name or default_name(source, "events.csv")
    problems: list[Problem] = []
    events = _events(source, gazetteer, name, problems, {}, bibliography or {})
    if problems:
        raise DataError(in_line_order(problems))
    return events


def load_dataset(
    events: Source | None = None,
    airports: Source | None = None,
    places: Source | None = None,
    *,
    sources: Source | None = None,
    views: Source | None = None,
    names: dict[str, str] | None = None,
) -> Dataset:
    """Load and validate the files; every problem in all of them in one DataError.

    The shipped ``sources.csv`` is always read; ``sources`` adds a file of the user's to it
    (an id both define is a problem on the user's line). ``views`` are the document's views
    (chapters); with the shipped events and no ``views``, the shipped ``views.csv``.
    """
    defaults = default_paths()
    names = dict(names or {})

    def label(key: str, src: Source) -> str:
        return names.get(key) or default_name(src, f"{key}.csv")

    ev_src = events if events is not None else defaults["events"]
    ap_src = airports if airports is not None else defaults["airports"]
    pl_src = places if places is not None else defaults["places"]
    problems: list[Problem] = []
    broken: Broken = {}
    file_problems: list[Problem] = []
    airport_rows = read_airports(ap_src, label("airports", ap_src), file_problems, broken)
    problems += in_line_order(file_problems)
    file_problems = []
    place_rows = read_places(pl_src, label("places", pl_src), file_problems, broken)
    problems += in_line_order(file_problems)
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
    problems += in_line_order(file_problems)
    file_problems = []
    view_src = views if views is not None else (defaults["views"] if events is None else None)
    view_rows = (
        [] if view_src is None else read_views(view_src, label("views", view_src), file_problems)
    )
    problems += in_line_order(file_problems)
    ev_name = label("events", ev_src)
    file_problems = []
    with paused_gc():  # many rows, many small objects that all stay alive
        event_rows = _events(ev_src, gazetteer, ev_name, file_problems, broken, bibliography)
    problems += in_line_order(file_problems)
    if problems:
        raise DataError(problems)
    return Dataset(tuple(event_rows), gazetteer, ev_name, bibliography, tuple(view_rows))
