"""Where traces come from, and the one step that turns traces into a :class:`TrackSet`.

A source is anything with ``traces() -> Iterator[Trace]`` (:class:`TrackSource`); the rest
of the package only sees traces, so a new source changes nothing downstream. Sources
validate at their boundary and raise one :class:`geo.model.DataError` listing every
problem, before yielding any trace. Today there is :class:`FileSource` (files, folders,
uploads). A database source would look like this sketch (not implemented; no DB here):

A PostGIS source (sketch)
-------------------------
For a Turnstone-style table ``positions(t timestamptz, hex text, flight text, alt int,
gs real, geom geometry(Point, 4326))``, one row per fix, ``alt`` NULL when unknown and
(by that table's convention, check it) ``-1`` or a ground column when on the ground::

    class PostgisSource:
        def __init__(self, dsn: str, start: datetime, end: datetime,
                     hexes: Sequence[str] = (), table: str = "positions") -> None: ...

        def traces(self) -> Iterator[Trace]:
            # one query, ordered so that each aircraft's rows arrive together:
            #   SELECT hex, extract(epoch FROM t), ST_Y(geom), ST_X(geom), alt, gs, flight
            #   FROM positions WHERE t >= %(start)s AND t < %(end)s
            #     [AND hex = ANY(%(hexes)s)]  ORDER BY hex, t
            # fetched with a server-side (named) cursor in chunks of ~100k rows; per hex,
            # the columns become numpy arrays (NULL -> NaN), the flights a callsign table
            # (np.unique(..., return_inverse=True)), then
            #   yield make_trace(f"db:{table}", t, lat, lon, alt_ft=alt, gs_kt=gs,
            #                    on_ground=..., callsign_code=codes, callsigns=names,
            #                    format="postgis", icao24=hex)
            # rows with coordinates outside -90..90 / -180..180 or times outside
            # 1990..2100 are problems (FILE = "db:positions", LINE = the row's ctid or
            # number, column = the column's name), all raised at the end as one DataError.

Then ``track_set(PostgisSource(...).traces())`` gives the same :class:`TrackSet` a folder
of files does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from geo.model import DataError, Problem
from geo.tracks.airports import AirportIndex
from geo.tracks.legs import split_legs
from geo.tracks.model import Leg, Trace, TrackSet
from geo.tracks.read import TrackInput, read_inputs

__all__ = ["FileSource", "TrackSource", "load_tracks", "track_set"]


class TrackSource(Protocol):
    """Anything that yields traces; raises :class:`DataError` (all problems at once) for
    bad input, before the first trace."""

    def traces(self) -> Iterator[Trace]: ...


class FileSource:
    """Track files: paths, folders (read recursively: ``*.json``, ``*.csv``, ``*.kml``,
    ``*.gz``, hidden files skipped, in path order) and ``(name, bytes)``
    uploads. Each file's format is told by its content (see :mod:`geo.tracks.read`).
    After reading, :attr:`notes` says what was skipped (a link out of a folder, the same
    content twice)."""

    def __init__(self, inputs: Iterable[TrackInput]) -> None:
        self.inputs = tuple(inputs)
        self.notes: list[str] = []

    def read(self, problems: list[Problem] | None = None) -> list[Trace]:
        """Every trace of every input. Each file is read on its own: without ``problems``,
        one :class:`DataError` with every problem of every file; with it, a bad file's
        problems are added to it and the other files' traces returned."""
        found: list[Problem] = []
        self.notes = []
        traces = read_inputs(self.inputs, found, self.notes)
        if problems is None:
            if found:
                raise DataError(found)
        else:
            problems.extend(found)
        return traces

    def traces(self) -> Iterator[Trace]:
        return iter(self.read())


def track_set(
    traces: Iterable[Trace], airports: AirportIndex | None = None, notes: Iterable[str] = ()
) -> TrackSet:
    """Split each trace into legs (matching airports, by default those of airportsdata)
    and gather the notes: ``notes`` (what reading skipped), what reading did to the fixes,
    and the fixes no leg took."""
    kept: list[Trace] = []
    legs: list[Leg] = []
    notes = list(notes)
    for trace in traces:
        kept.append(trace)
        split = split_legs(trace, airports)
        legs.extend(split.legs)
        notes.extend(f"{trace.source}: {note}" for note in trace.notes)
        notes.extend(f"{trace.source}: {note}" for note in split.notes)
        if split.dropped_fixes:
            many = "s" if split.dropped_fixes > 1 else ""
            notes.append(
                f"{trace.source}: {split.dropped_fixes} lone airborne fix{'es' if many else ''} "
                "between ground contacts left out of the legs"
            )
        if len(trace) and not split.legs:
            notes.append(f"{trace.source}: no leg (the aircraft is never seen airborne twice)")
    return TrackSet(tuple(kept), tuple(legs), tuple(notes))


def load_tracks(
    inputs: Iterable[TrackInput],
    airports: AirportIndex | None = None,
    *,
    problems: list[Problem] | None = None,
) -> TrackSet:
    """Read track files, folders and uploads, and split them into legs. Each file is read on
    its own: without ``problems``, every problem of every file in one :class:`DataError`;
    with it (a lenient load), a bad file's problems are added to ``problems`` and the
    other files load."""
    source = FileSource(inputs)
    traces = source.read(problems)
    return track_set(traces, airports, source.notes)
