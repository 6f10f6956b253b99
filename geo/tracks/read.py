"""Read track files: plain or gzip, format told by content, never by the name.

* **gzip** is recognised by its magic bytes ``1f 8b`` whatever the file is called (readsb
  writes gzip into files named ``.json``); several members are read one after another.
* The format is told by the first character of the text: ``{`` (or ``[``: JSON all the
  same) a readsb/tar1090 trace
  (:mod:`geo.tracks.readsb`), ``<`` KML (:mod:`geo.tracks.kml`), otherwise a CSV whose
  header says which: Flightradar24's (:mod:`geo.tracks.fr24`) or a CSV of fixes
  (:mod:`geo.tracks.fixcsv`).
* Files over 64 MiB (:data:`geo.io.MAX_BYTES`) are refused before they are read, and so
  is a gzip stream that inflates beyond it.

Every problem is a :class:`geo.model.Problem` (``FILE:LINE: column: message``); nothing
here raises for bad input.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import Path

from geo.io import MAX_BYTES
from geo.model import DataError, Problem
from geo.tracks._common import Collector, CsvTable, read_csv
from geo.tracks.fixcsv import FIX_COLUMNS, FIX_OPTIONAL, read_fixes
from geo.tracks.fr24 import FR24_COLUMNS, read_fr24
from geo.tracks.kml import read_kml
from geo.tracks.model import Trace
from geo.tracks.readsb import read_readsb

__all__ = [
    "FORMATS_HELP",
    "TRACK_SUFFIXES",
    "TrackInput",
    "read_inputs",
    "read_track_bytes",
    "read_track_file",
]

TrackInput = str | os.PathLike[str] | tuple[str, bytes]
"""A path, or ``(display name, the file's bytes)`` (an upload)."""

FORMATS_HELP = (
    "expected a readsb/tar1090 trace (JSON), a Flightradar24 CSV "
    f"({','.join(FR24_COLUMNS)}), a KML with gx:Track, or a CSV of fixes "
    f"({','.join(FIX_COLUMNS + FIX_OPTIONAL)})"
)
_GZIP_MAGIC = b"\x1f\x8b"


def _mib(size: int) -> str:
    return f"{size:,} bytes ({size / 2**20:.1f} MiB)"


def _too_big(size: int) -> str:
    return (
        f"file is {_mib(size)}; the limit is {_mib(MAX_BYTES)} "
        "(split it, or filter it before loading)"
    )


def _gunzip(data: bytes, problems: Collector) -> bytes | None:
    out: list[bytes] = []
    total = 0
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(wbits=31)
            while True:
                chunk = inflater.decompress(rest, MAX_BYTES + 1 - total)
                out.append(chunk)
                total += len(chunk)
                if total > MAX_BYTES:
                    problems.add(
                        1,
                        "file",
                        f"gzip data inflates to more than {_mib(MAX_BYTES)}; "
                        "the limit applies to the content",
                    )
                    return None
                rest = inflater.unconsumed_tail
                if not rest or inflater.eof:
                    break
            if not inflater.eof:
                problems.add(
                    1, "file", "gzip data is truncated (the file ends before the stream does)"
                )
                return None
            rest = inflater.unused_data.lstrip(b"\x00")  # members may be zero-padded
            if rest and not rest.startswith(_GZIP_MAGIC):
                problems.add(1, "file", "bytes after the end of the gzip data")
                return None
    except zlib.error as exc:
        problems.add(1, "file", f"not valid gzip data ({exc})")
        return None
    return b"".join(out)


def _text(data: bytes, problems: Collector) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(1, "file", "UTF-16 text (a BOM FF FE / FE FF); save the file as UTF-8")
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        problems.add(line, "file", f"binary data (a NUL byte), not a track file; {FORMATS_HELP}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.add(
            line,
            "file",
            f"not UTF-8 text: byte 0x{data[exc.start : exc.start + 1].hex()} cannot be decoded; "
            "save the file as UTF-8",
        )
        return None


def _header_problems(
    table: CsvTable, required: tuple[str, ...], optional: tuple[str, ...], problems: Collector
) -> bool:
    expected = ",".join(required + optional)
    ok = True
    seen: set[str] = set()
    for column in table.header:
        if column in seen:
            problems.add(1, "header", f"column '{column}' appears twice")
            ok = False
        seen.add(column)
    missing = [c for c in required if c not in seen]
    if missing:
        problems.add(
            1,
            "header",
            f"missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; expected {expected}",
        )
        ok = False
    for column in table.header:
        if column not in required and column not in optional:
            problems.add(1, "header", f"unexpected column '{column}'; expected {expected}")
            ok = False
    return ok


def _read_csv_tracks(text: str, problems: Collector) -> list[Trace]:
    table = read_csv(text, problems)
    header = set(table.header)
    if len(table.header) == 1 and any(sep in table.header[0] for sep in ";\t|"):
        problems.add(1, "header", f"not comma-separated; {FORMATS_HELP}")
        return []
    if header & set(FIX_COLUMNS + FIX_OPTIONAL):
        if not _header_problems(table, FIX_COLUMNS, FIX_OPTIONAL, problems):
            return []
        return read_fixes(table, problems)
    if header & set(FR24_COLUMNS):
        if not _header_problems(table, FR24_COLUMNS, (), problems):
            return []
        return read_fr24(table, problems)
    problems.add(1, "file", f"not a track file; {FORMATS_HELP}")
    return []


def read_track_bytes(data: bytes, name: str, problems: list[Problem]) -> list[Trace]:
    """The traces in one file's bytes (plain or gzip); problems are appended to
    ``problems`` (and then no trace is returned)."""
    found = Collector(name)
    traces = _read(data, found)
    problems.extend(sorted(found.problems, key=lambda p: p.line))
    return [] if found else traces


def _read(data: bytes, problems: Collector) -> list[Trace]:
    if len(data) > MAX_BYTES:
        problems.add(1, "file", _too_big(len(data)))
        return []
    if data.startswith(_GZIP_MAGIC):
        inflated = _gunzip(data, problems)
        if inflated is None:
            return []
        data = inflated
    body = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if not body:
        problems.add(1, "file", f"file is empty; {FORMATS_HELP}")
        return []
    if body.startswith(b"<"):
        return read_kml(data, problems)
    text = _text(data, problems)
    if text is None:
        return []
    if body.startswith((b"{", b"[")):
        return read_readsb(text, problems)
    return _read_csv_tracks(text, problems)


def _read_path(path: str | os.PathLike[str], problems: list[Problem]) -> list[Trace]:
    name = os.fspath(path)
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            problems.append(Problem(name, 1, "file", _too_big(size)))
            return []
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        problems.append(Problem(name, 1, "file", f"cannot read: {exc.strerror or exc}"))
        return []
    return read_track_bytes(data, name, problems)


TRACK_SUFFIXES = (".json", ".csv", ".kml", ".gz")
"""In a folder, the files read (recursively; any name is read when given explicitly)."""


def _files_in(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.name.lower().endswith(TRACK_SUFFIXES)
    )


def read_inputs(sources: Iterable[TrackInput], problems: list[Problem]) -> list[Trace]:
    """Traces of every source (files, folders read recursively, ``(name, bytes)``)."""
    traces: list[Trace] = []
    for source in sources:
        if isinstance(source, tuple):
            name, data = source
            traces += read_track_bytes(data, name, problems)
            continue
        path = Path(source)
        if path.is_dir():
            files = _files_in(path)
            if not files:
                problems.append(
                    Problem(
                        os.fspath(source),
                        1,
                        "file",
                        f"folder holds no track files ({', '.join(TRACK_SUFFIXES)})",
                    )
                )
            for file in files:
                traces += _read_path(file, problems)
        else:
            traces += _read_path(source, problems)
    return traces


def read_track_file(source: TrackInput) -> list[Trace]:
    """The traces of one file (a path or ``(name, bytes)``); raises :class:`DataError`
    with every problem."""
    problems: list[Problem] = []
    traces = read_inputs([source], problems)
    if problems:
        raise DataError(problems)
    return traces
