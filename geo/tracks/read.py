"""Read track files: plain or gzip, format told by content, never by the name.

* Every file goes through the one input boundary of :mod:`geo.io` (size, bytes and
  encoding, CSV shape: :mod:`geo.io.source`, :mod:`geo.io.csvfile`), with its format's own
  help text.
* **gzip** is recognised by its magic bytes ``1f 8b`` whatever the file is called (readsb
  writes gzip into files named ``.json``); several members are read one after another, in
  time linear in the file, and the 64 MiB limit applies to the inflated content.
* The format is told by :data:`TRACK_FORMATS`, one row per format (name, what the help
  says, the test on the file's first bytes, the reader, the suffixes a folder's files may
  have): a readsb/tar1090 trace (:mod:`geo.tracks.readsb`), KML
  (:mod:`geo.tracks.kml`), OpenSky state vectors (:mod:`geo.tracks.opensky`), a CSV of fixes
  (:mod:`geo.tracks.fixcsv`) or Flightradar24's CSV (:mod:`geo.tracks.fr24`). A new format
  is one row plus its reader.
* Each file is read on its own: a bad file is a problem, the other files still load
  (:func:`read_inputs`). A pipe or a device is refused before it is opened; in a folder, a
  symbolic link that leads out of the folder is not followed (a note says so); the same
  content given twice is read once (a note says so).

Every problem is a :class:`geo.model.Problem` (``FILE:LINE: column: message``), at most
:data:`geo.tracks._common.MAX_PROBLEMS` per file and the rest counted; nothing here raises
for bad input.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from geo.io.csvfile import iter_records
from geo.io.source import GZIP_MAGIC, decode, inflate, read_bytes
from geo.model import DataError, Problem
from geo.tracks._common import Collector, CsvTable
from geo.tracks.fixcsv import FIX_COLUMNS, FIX_EXTRA, FIX_OPTIONAL, read_fixes
from geo.tracks.fr24 import FR24_COLUMNS, read_fr24
from geo.tracks.kml import read_kml
from geo.tracks.model import Trace
from geo.tracks.opensky import OPENSKY_COLUMNS, OPENSKY_MARKS, OPENSKY_OPTIONAL, read_opensky
from geo.tracks.readsb import read_readsb

__all__ = [
    "FORMATS_HELP",
    "TRACK_FORMATS",
    "TRACK_SUFFIXES",
    "Head",
    "TrackFormat",
    "TrackInput",
    "csv_format",
    "formats_help",
    "read_inputs",
    "read_track_bytes",
    "read_track_file",
    "track_suffixes",
]

TrackInput = str | os.PathLike[str] | tuple[str, bytes]
"""A path, or ``(display name, the file's bytes)`` (an upload)."""

_HEAD_BYTES = 65_536


@dataclass(frozen=True, slots=True)
class Head:
    """The start of a file's content (after a byte-order mark and blanks), for sniffing."""

    start: bytes

    @property
    def columns(self) -> frozenset[str]:
        """The names in the first line read as a CSV header (split at commas, or at the
        semicolons, tabs or bars of a file saved with another separator)."""
        line = self.start.split(b"\n", 1)[0].decode("utf-8", "replace")
        names: set[str] = set()
        for sep in ",;\t|":
            try:
                names.update(c.strip() for c in next(csv.reader([line], delimiter=sep), []))
            except csv.Error:
                continue
        return frozenset(names)


@dataclass(frozen=True, slots=True)
class TrackFormat:
    """One track format: how a file is recognised and read.

    ``sniff(head)`` says whether a file is of this format from its first bytes (the first
    row of :data:`TRACK_FORMATS` that says yes reads it); ``read(data, problems)`` gives its
    traces from the file's (inflated) bytes, or ``[]`` with its problems collected.
    """

    name: str  # "readsb": the Trace's format
    label: str  # what the help says: "a readsb/tar1090 trace (JSON)"
    sniff: Callable[[Head], bool]
    read: Callable[[bytes, Collector], list[Trace]]
    suffixes: tuple[str, ...]  # the names a folder's files of this format end with


def _text_reader(
    label: str, read: Callable[[str, Collector], list[Trace]]
) -> Callable[[bytes, Collector], list[Trace]]:
    """A reader of UTF-8 text (decoded at the boundary, with the format's help)."""

    def read_text(data: bytes, problems: Collector) -> list[Trace]:
        text = decode(data, problems.name, problems.problems, expected=f"expected {label}")
        return [] if text is None else read(text, problems)

    return read_text


def csv_format(
    name: str,
    label: str,
    columns: tuple[str, ...],
    optional: tuple[str, ...],
    read: Callable[[Iterable[CsvTable], Collector], list[Trace]],
    *,
    extra: tuple[str, ...] = (),
    marks: tuple[str, ...] = (),
) -> TrackFormat:
    """A CSV track format: recognised by a header naming any of its columns, read with the
    events files' CSV reader (:func:`geo.io.csvfile.iter_records`: shape, text rules,
    formula guards removed), its rows given to ``read`` in parts (so a reader can keep only
    what it needs of each). ``extra`` columns are read but not listed in the help;
    ``marks``: recognised only by a header naming one of these (a format whose columns
    overlap another's)."""
    listed = ",".join(columns + optional)
    known = frozenset(marks or columns + optional + extra)

    def read_csv(data: bytes, problems: Collector) -> list[Trace]:
        tables = iter_records(
            data,
            problems.name,
            columns + optional + extra,
            problems.problems,
            optional=optional + extra,
            expected=f"expected {label}",
            header_help=listed,
        )
        first = next(tables, None)
        if first is None or set(columns) - set(first.header):
            return []
        return read(chain([first], tables), problems)

    return TrackFormat(
        name, label, lambda head: bool(head.columns & known), read_csv, (".csv",)
    )


TRACK_FORMATS: list[TrackFormat] = [
    TrackFormat(
        "readsb",
        "a readsb/tar1090 trace (JSON)",
        lambda head: head.start.startswith((b"{", b"[")),
        _text_reader("a readsb/tar1090 trace (JSON)", read_readsb),
        (".json",),
    ),
    csv_format(
        "fr24", f"a Flightradar24 CSV ({','.join(FR24_COLUMNS)})", FR24_COLUMNS, (), read_fr24
    ),
    TrackFormat(
        "kml", "a KML with gx:Track", lambda head: head.start.startswith(b"<"), read_kml, (".kml",)
    ),
    csv_format(
        "opensky",
        "an OpenSky state-vector CSV (time,icao24,lat,lon,velocity,heading,vertrate,...)",
        OPENSKY_COLUMNS,
        OPENSKY_OPTIONAL,
        read_opensky,
        marks=OPENSKY_MARKS,
    ),
    csv_format(
        "csv",
        f"a CSV of fixes ({','.join(FIX_COLUMNS + FIX_OPTIONAL)})",
        FIX_COLUMNS,
        FIX_OPTIONAL,
        read_fixes,
        extra=FIX_EXTRA,
    ),
]
"""The track formats, in the order they are tried. Appending a row (and its reader) is all
a new format takes: the help text, the suffixes and the dispatch follow."""


def formats_help() -> str:
    """``expected a readsb/tar1090 trace (JSON), …, or a CSV of fixes (…)``: every
    registered format."""
    labels = [f.label for f in TRACK_FORMATS]
    listed = ", ".join(labels[:-1]) + f", or {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"expected {listed}"


def track_suffixes() -> tuple[str, ...]:
    """The names a folder's files are read by (any name is read when given explicitly)."""
    found: dict[str, None] = {}
    for fmt in TRACK_FORMATS:
        found.update(dict.fromkeys(fmt.suffixes))
    found[".gz"] = None
    return tuple(found)


FORMATS_HELP = formats_help()
"""The help of the built-in formats (see :func:`formats_help` for the registered ones)."""
TRACK_SUFFIXES = track_suffixes()
"""In a folder, the files read (recursively; any name is read when given explicitly)."""


def read_track_bytes(data: bytes, name: str, problems: list[Problem]) -> list[Trace]:
    """The traces in one file's bytes (plain or gzip); problems are appended to
    ``problems`` (and then no trace is returned)."""
    found = Collector(name)
    try:
        traces = _read(data, found)
    except MemoryError:  # 64 MiB of tiny rows can need more than a small machine has
        traces = []
        found.add(
            1,
            "file",
            f"needs more memory than is free to read ({len(data):,} bytes); split the file",
        )
    problems.extend(found.listed())
    return [] if found else traces


def _read(data: bytes, problems: Collector) -> list[Trace]:
    if read_bytes(data, problems.name, problems.problems) is None:  # the size limit
        return []
    if data.startswith(GZIP_MAGIC):
        inflated = inflate(data, problems.name, problems.problems)
        if inflated is None:
            return []
        data = inflated
    head = Head(data[:_HEAD_BYTES].lstrip(b"\xef\xbb\xbf").lstrip())
    if not head.start:
        problems.add(1, "file", f"file is empty; {formats_help()}")
        return []
    for fmt in TRACK_FORMATS:
        if fmt.sniff(head):
            return fmt.read(data, problems)
    if decode(data, problems.name, problems.problems, expected=formats_help()) is not None:
        problems.add(1, "file", f"not a track file; {formats_help()}")
    return []


@dataclass
class _Reading:
    """What reading the inputs has seen: the problems, the notes, each content's first name."""

    problems: list[Problem]
    notes: list[str]
    seen: dict[bytes, str]

    def once(self, data: bytes, name: str) -> bool:
        """Whether ``data`` is new (the same content again is noted and skipped)."""
        digest = hashlib.sha256(data).digest()
        first = self.seen.get(digest)
        if first is None:
            self.seen[digest] = name
            return True
        what = "given again" if first == name else f"the same content as {first}"
        self.notes.append(f"{name}: {what}; read once")
        return False

    def file(self, path: str | os.PathLike[str]) -> list[Trace]:
        name = os.fspath(path)
        data = read_bytes(path, name, self.problems)
        if data is None or not self.once(data, name):
            return []
        return read_track_bytes(data, name, self.problems)


def _inside(link: Path, root: Path) -> bool:
    return link.resolve().is_relative_to(root)


def _files_in(folder: Path, notes: list[str]) -> list[Path]:
    """The track files of a folder and its subfolders (hidden ones skipped), in path order;
    a symbolic link is followed only when it stays inside the folder."""
    root = folder.resolve()
    suffixes = track_suffixes()
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):  # os.walk never enters a linked folder
        here = Path(top)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for entry in dirs:
            if (here / entry).is_symlink() and not _inside(here / entry, root):
                notes.append(f"{here / entry}: a link to outside {folder}; not followed")
        for entry in files:
            path = here / entry
            if entry.startswith(".") or not entry.lower().endswith(suffixes):
                continue
            if path.is_symlink() and not _inside(path, root):
                notes.append(f"{path}: a link to outside {folder}; not followed")
                continue
            found.append(path)
    return sorted(found)


def read_inputs(
    sources: Iterable[TrackInput], problems: list[Problem], notes: list[str] | None = None
) -> list[Trace]:
    """Traces of every source (files, folders read recursively, ``(name, bytes)``), each
    file on its own: a bad file adds its problems to ``problems`` and the others still
    load. What was skipped, and why, is added to ``notes``."""
    reading = _Reading(problems, [] if notes is None else notes, {})
    traces: list[Trace] = []
    for source in sources:
        if isinstance(source, tuple):
            name, data = source
            if reading.once(data, name):
                traces += read_track_bytes(data, name, problems)
            continue
        path = Path(source)
        if path.is_dir():
            files = _files_in(path, reading.notes)
            if not files:
                problems.append(
                    Problem(
                        os.fspath(source),
                        1,
                        "file",
                        f"folder holds no track files ({', '.join(track_suffixes())})",
                    )
                )
            for file in files:
                traces += reading.file(file)
        else:
            traces += reading.file(source)
    return traces


def read_track_file(source: TrackInput) -> list[Trace]:
    """The traces of one file (a path or ``(name, bytes)``); raises :class:`DataError`
    with every problem."""
    problems: list[Problem] = []
    traces = read_inputs([source], problems)
    if problems:
        raise DataError(problems)
    return traces
