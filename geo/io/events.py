"""The events file: a CSV (``events.csv``'s columns) or a GeoPackage, GeoParquet or GeoJSON
of events (:mod:`geo.io.frames`), checked by the event rules against a gazetteer and the
sources.

Only reading: :mod:`geo.dataset` assembles every file into one ``Dataset``.
"""

from __future__ import annotations

from geo.io.csvfile import in_line_order, read_records
from geo.io.reference import Bibliography, Broken
from geo.io.rules import read_events
from geo.io.source import Source, default_name
from geo.model import EVENT_FILE_COLUMNS, EVENT_OPTIONAL, DataError, Event, Problem
from geo.options import frame_format
from geo.places import Gazetteer

FATAL_COLUMNS = frozenset({"file", "header"})
"""Problems in these columns leave nothing of a file to load: even a lenient load stops."""


def read_event_file(
    source: Source,
    gazetteer: Gazetteer,
    name: str,
    problems: list[Problem],
    broken: Broken,
    bibliography: Bibliography,
) -> tuple[list[Event], int]:
    """The events that pass every check, and how many rows were left out (the rows a problem
    names: a ragged row is no record, a bad record names its line); the problems go to
    ``problems``."""
    columns = EVENT_FILE_COLUMNS
    before = len(problems)
    if frame_format(name):  # a GeoPackage, GeoParquet or GeoJSON of events: read strictly
        from geo.io.frames import read_events_file  # pandas and geopandas: only when needed

        try:
            return read_events_file(source, gazetteer, bibliography, name=name), 0
        except DataError as err:
            problems.extend(err.problems)
            return [], len({p.line for p in err.problems})
    table = read_records(source, name, columns, problems, optional=EVENT_OPTIONAL)
    events = read_events(table, name, gazetteer, broken, bibliography, problems)
    return events, len({p.line for p in problems[before:] if p.column not in FATAL_COLUMNS})


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
    events, _skipped = read_event_file(source, gazetteer, name, problems, {}, bibliography or {})
    if problems:
        raise DataError(in_line_order(problems))
    return events
