"""Read and validate the CSV files into records.

Every problem in a file is collected, then raised together as one :class:`DataError` whose
lines read ``FILE:LINE: column: message`` (header = line 1; a row spanning several lines
because of quoted newlines reports its first line). Nothing here raises anything else for bad
input.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import TypeVar, cast

from geo.model import (
    AIRPORT_COLUMNS,
    EVENT_COLUMNS,
    KINDS,
    PLACE_COLUMNS,
    STATUSES,
    Airport,
    DataError,
    Event,
    Location,
    Place,
    Problem,
    visible,
)
from geo.perf import paused_gc
from geo.places import Gazetteer
from geo.timeline import TimeSpan, is_zone, iso_utc, parse_time, parse_times

MAX_BYTES = 64 * 1024 * 1024
"""Largest input file accepted; larger ones are refused before they are read."""

REPO_DATA = Path(__file__).resolve().parent.parent / "data"

Source = str | os.PathLike[str] | bytes
"""A file path, or the file's bytes (an upload) together with a display name."""

Row = tuple[int, dict[str, str]]
T = TypeVar("T")


def _read_bytes(source: Source, name: str, problems: list[Problem]) -> bytes | None:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            size = os.stat(source).st_size
            if size > MAX_BYTES:
                problems.append(Problem(name, 1, "file", too_big_message(size)))
                return None
            with open(source, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            problems.append(Problem(name, 1, "file", f"cannot read: {exc.strerror or exc}"))
            return None
    if len(data) > MAX_BYTES:
        problems.append(Problem(name, 1, "file", too_big_message(len(data))))
        return None
    return data


def _default_name(source: Source, fallback: str) -> str:
    return fallback if isinstance(source, bytes) else os.fspath(source)


def _size_text(size: int) -> str:
    """``67,109,888 bytes (64.0 MiB)``: exact, so a file just over the limit reads as over."""
    mib = size / 2**20
    if mib < 1:
        return f"{size:,} bytes"
    return f"{size:,} bytes ({mib:.{0 if mib.is_integer() else 1}f} MiB)"


def too_big_message(size: int) -> str:
    """What a refused oversize file is told (the CLI and the app say the same)."""
    return (
        f"file is {_size_text(size)}; the limit is {_size_text(MAX_BYTES)} "
        "(split it, or filter it before loading)"
    )


def _decode(data: bytes, name: str, problems: list[Problem]) -> str | None:
    if not data.strip():
        problems.append(Problem(name, 1, "file", "file is empty; expected a header row"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            Problem(name, 1, "file", "UTF-16 text (a BOM FF FE / FE FF); save the file as UTF-8")
        )
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        problems.append(Problem(name, line, "file", "binary data (NUL byte); expected CSV text"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        problems.append(
            Problem(
                name,
                line,
                "file",
                f"not UTF-8 text: byte 0x{bad} cannot be decoded (a Latin-1 or Windows-1252 "
                "file?); save the file as UTF-8",
            )
        )
        return None
    if not text.strip():  # only a byte-order mark and blanks
        problems.append(Problem(name, 1, "file", "file is empty; expected a header row"))
        return None
    return text


@dataclass(frozen=True, slots=True)
class Table:
    """The rows of a CSV file that have the header's shape, and the line each starts on."""

    header: list[str]
    lines: list[int]
    records: list[list[str]]

    def column(self, name: str) -> list[str]:
        """One column's cells, in row order (empty cells where the column is absent)."""
        if name not in self.header:
            return [""] * len(self.records)
        return list(map(itemgetter(self.header.index(name)), self.records))

    def rows(self) -> list[Row]:
        return [
            (line, dict(zip(self.header, record, strict=True)))
            for line, record in zip(self.lines, self.records, strict=True)
        ]


def read_table(
    source: Source,
    name: str,
    columns: Sequence[str],
    problems: list[Problem],
    *,
    optional: Sequence[str] = (),
) -> list[Row]:
    """Rows of a CSV file as ``(line, {column: text})``, after checking its shape."""
    return read_records(source, name, columns, problems, optional=optional).rows()


def read_records(
    source: Source,
    name: str,
    columns: Sequence[str],
    problems: list[Problem],
    *,
    optional: Sequence[str] = (),
) -> Table:
    """The rows of a CSV file, after checking its shape.

    Problems with the file as a whole (size, encoding, header) stop the reading; problems with
    single rows (ragged rows) are reported and those rows skipped.
    """
    empty = Table([], [], [])
    data = _read_bytes(source, name, problems)
    if data is None:
        return empty
    text = _decode(data, name, problems)
    if text is None:
        return empty
    # read the bytes again line by line (already known to decode): a StringIO of the text
    # would hold a 4-byte-per-character copy of the whole file
    lines_in = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines_in, strict=True)
    lines: list[int] = []
    records: list[list[str]] = []
    line = 1  # where the record being read starts
    forbidden = _FORBIDDEN.search(text) is not None  # rare: only then is every cell searched
    header: list[str] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        if not _check_header(header, name, columns, optional, problems):
            return empty
        width = len(header)
        line = reader.line_num + 1
        for record in reader:
            if len(record) == width and (record[0].strip() or any(map(str.strip, record))):
                if forbidden:
                    _check_characters(record, header, name, line, problems)
                lines.append(line)
                records.append(record)
            elif record and any(cell.strip() for cell in record):
                problems.append(
                    Problem(
                        name,
                        line,
                        "row",
                        f"has {len(record)} fields, the header has {width} "
                        "(an unquoted comma, or a missing field?)",
                    )
                )
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, line, "row", _csv_error_text(exc, reader.line_num, line)))
    return Table(header, lines, records)


# Characters no text field may hold: XML 1.0 (the KML export) cannot carry C0 controls other
# than tab and line breaks, nor the noncharacters U+FFFE/U+FFFF, not even as references.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _check_characters(
    record: list[str], header: list[str], name: str, line: int, problems: list[Problem]
) -> None:
    """Report (once per cell) a control character or noncharacter; the row is kept, so the
    places it defines still resolve, but the file as a whole is refused."""
    for col, cell in zip(header, record, strict=True):
        bad = _FORBIDDEN.search(cell)
        if bad:
            code = ord(bad.group())
            what = "a noncharacter" if code >= 0xFFFE else "a control character"
            problems.append(
                Problem(
                    name,
                    line,
                    col,
                    f"contains U+{code:04X} ({what}) at position {bad.start() + 1}; "
                    "text may not hold it, remove it",
                )
            )


def _column_label(col: str) -> str:
    """A header cell as the column of a problem line, if it can be one (else ``header``)."""
    if col and ":" not in col and visible(col) == col and len(col) <= 40:
        return col
    return "header"


def _csv_error_text(exc: csv.Error, at: int, start: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text or "EOF" in text:
        return (
            "a quoted field opened here is never closed (a missing '\"'?); "
            "the rest of the file was not read"
        )
    where = f" (on line {at})" if at != start else ""
    return f"malformed CSV{where}: {text}; the rest of the file was not read"


def _check_header(
    header: list[str],
    name: str,
    columns: Sequence[str],
    optional: Sequence[str],
    problems: list[Problem],
) -> bool:
    expected = ",".join(columns)
    if len(header) == 1:
        for sep, label in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if sep in header[0]:
                problems.append(
                    Problem(
                        name,
                        1,
                        "header",
                        f"the file looks {label}-separated; this format is comma-separated "
                        f"with the header {expected}",
                    )
                )
                return False
    ok = True
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append(Problem(name, 1, _column_label(col), f"column '{col}' appears twice"))
            ok = False
        seen.add(col)
    missing = [c for c in columns if c not in seen and c not in optional]
    extra = [c for c in header if c not in columns]
    if missing:
        problems.append(
            Problem(
                name,
                1,
                "header",
                f"missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(c) for c in missing)}; expected {expected}",
            )
        )
        ok = False
    for col in extra:
        hint = difflib.get_close_matches(col.lower(), columns, n=1)
        did = f" (did you mean '{hint[0]}'?)" if hint else ""
        problems.append(
            Problem(
                name,
                1,
                _column_label(col),
                f"unexpected column '{col}'{did}; expected {expected}",
            )
        )
        ok = False
    return ok


def _in_line_order(problems: list[Problem]) -> list[Problem]:
    """Problems of one file by line (stable: a row's problems keep their column order)."""
    return sorted(problems, key=lambda p: p.line)


def split_list(cell: str) -> tuple[str, ...]:
    """``a; b;;c`` -> ``("a", "b", "c")``."""
    return split_lists((cell,))[0]


def split_lists(cells: Sequence[str]) -> list[tuple[str, ...]]:
    """:func:`split_list` of every cell of a column, in one pass."""
    return [
        tuple([part for piece in cell.split(";") if (part := piece.strip())])
        if ";" in cell
        else ((one,) if (one := cell.strip()) else ())
        for cell in cells
    ]


def _float(
    row: dict[str, str], col: str, lo: float, hi: float, name: str, line: int, out: list[Problem]
) -> float:
    text = row.get(col, "").strip()
    try:
        value = float(text)
    except ValueError:
        out.append(Problem(name, line, col, f"'{text}' is not a number"))
        return math.nan
    if not (lo <= value <= hi) or math.isnan(value):
        out.append(Problem(name, line, col, f"{text} is outside {lo:g}..{hi:g}"))
        return math.nan
    return value


def _zone(row: dict[str, str], name: str, line: int, out: list[Problem]) -> str:
    tz = row.get("tz", "").strip()
    if not is_zone(tz):
        out.append(Problem(name, line, "tz", f"'{tz}' is not an IANA time zone (e.g. 'Asia/Baku')"))
    return tz


Broken = dict[str, str]
"""Reference keys (casefolded codes, names, aliases) of rows that have problems -> FILE:LINE."""


def load_airports(source: Source, name: str | None = None) -> list[Airport]:
    """``airports.csv``: ``iata,icao,name,city,country,lat,lon,tz``."""
    name = name or _default_name(source, "airports.csv")
    problems: list[Problem] = []
    out = _read_airports(source, name, problems, {})
    if problems:
        raise DataError(_in_line_order(problems))
    return out


def _read_airports(
    source: Source, name: str, problems: list[Problem], broken: Broken
) -> list[Airport]:
    """The airports without problems; rows with problems go to ``broken``."""
    out: list[Airport] = []
    seen: dict[str, int] = {}
    for line, row in read_table(source, name, AIRPORT_COLUMNS, problems):
        n_before = len(problems)
        # upper() only ASCII: 'ß'.upper() is 'SS', and a non-ASCII code must stay invalid
        iata, icao = (
            code.upper() if code.isascii() else code
            for code in (row["iata"].strip(), row["icao"].strip())
        )
        for col, code in (("iata", iata), ("icao", icao)):
            if code and code in seen:
                problems.append(
                    Problem(name, line, col, f"'{code}' is already used on line {seen[code]}")
                )
            elif code:
                seen[code] = line
        if not iata and not icao:
            problems.append(Problem(name, line, "iata", "an airport needs an IATA or ICAO code"))
        if iata and (len(iata) != 3 or not (iata.isascii() and iata.isalpha())):
            problems.append(Problem(name, line, "iata", f"'{iata}' is not a 3-letter IATA code"))
        if icao and (len(icao) != 4 or not (icao.isascii() and icao.isalnum())):
            problems.append(Problem(name, line, "icao", f"'{icao}' is not a 4-character ICAO code"))
        lat = _float(row, "lat", -90, 90, name, line, problems)
        lon = _float(row, "lon", -180, 180, name, line, problems)
        tz = _zone(row, name, line, problems)
        if len(problems) > n_before:
            for code in (iata, icao):
                if code:
                    broken.setdefault(code.casefold(), f"{name}:{line}")
            continue
        out.append(
            Airport(
                iata,
                icao,
                row["name"].strip(),
                row["city"].strip(),
                row["country"].strip(),
                lat,
                lon,
                tz,
            )
        )
    return out


def load_places(source: Source, name: str | None = None) -> list[Place]:
    """``places.csv``: ``name,country,lat,lon,tz,aliases``."""
    name = name or _default_name(source, "places.csv")
    problems: list[Problem] = []
    out = _read_places(source, name, problems, {})
    if problems:
        raise DataError(_in_line_order(problems))
    return out


def _read_places(source: Source, name: str, problems: list[Problem], broken: Broken) -> list[Place]:
    """The places without problems; rows with problems go to ``broken``."""
    out: list[Place] = []
    seen: dict[str, int] = {}
    for line, row in read_table(source, name, PLACE_COLUMNS, problems, optional=("aliases",)):
        n_before = len(problems)
        place_name = row["name"].strip()
        if not place_name:
            problems.append(Problem(name, line, "name", "empty place name"))
        aliases = split_list(row.get("aliases", ""))
        for label in (place_name, *aliases):
            key = label.casefold()
            if key in seen and seen[key] != line:
                problems.append(
                    Problem(
                        name,
                        line,
                        "name" if label == place_name else "aliases",
                        f"'{label}' already names the place on line {seen[key]}",
                    )
                )
            seen.setdefault(key, line)
        lat = _float(row, "lat", -90, 90, name, line, problems)
        lon = _float(row, "lon", -180, 180, name, line, problems)
        tz = _zone(row, name, line, problems)
        if len(problems) > n_before:
            for label in (place_name, *aliases):
                broken.setdefault(label.casefold(), f"{name}:{line}")
            continue
        out.append(Place(place_name, row["country"].strip(), lat, lon, tz, aliases))
    return out


BULK_TIMES = 1000
"""From this many rows on, times are parsed in bulk (:func:`parse_times`)."""


class _EventColumns:
    """Validates event rows column by column, collecting every problem.

    Each check is one pass over a column (or a few), so 100,000 rows cost a few dozen list
    passes rather than 100,000 calls through a per-row validator. A row's problems still read
    in the order of its columns: each pass has a step number, and problems are sorted by row,
    then step.
    """

    def __init__(
        self, name: str, gazetteer: Gazetteer, problems: list[Problem], broken: Broken
    ) -> None:
        self.name = name
        self.gaz = gazetteer
        self.problems = problems
        self.broken = broken
        self.lines: list[int] = []
        self.bad = bytearray()
        self.step = 0
        self.found: list[tuple[int, int, Problem]] = []

    def problem(self, k: int, column: str, message: str) -> None:
        self.found.append((k, self.step, Problem(self.name, self.lines[k], column, message)))
        self.bad[k] = 1

    def place(self, k: int, column: str, ref: str) -> Location | None:
        loc = self.gaz.resolve(ref)
        if loc is not None:
            return loc
        where = self.broken.get(ref.strip().casefold())
        if where:
            self.problem(k, column, f"'{ref}' is defined on {where}, which has a problem")
            return None
        hint = self.gaz.suggest(ref)
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
        for k, value in enumerate(values):
            if value in known:
                continue
            if not value:
                self.problem(k, column, f"empty; use one of {', '.join(allowed)}")
                continue
            hint = difflib.get_close_matches(value.lower(), allowed, n=1)
            did = f"did you mean '{hint[0]}'? " if hint else ""
            self.problem(
                k, column, f"'{value}' is not a {column}; {did}use one of {', '.join(allowed)}"
            )

    def times(
        self, columns: Sequence[tuple[str, list[str], list[str]]]
    ) -> list[list[TimeSpan | None]]:
        """Each ``(column, cells, zones)``'s spans (None where empty or wrong, reported).

        Many cells are parsed in bulk, all columns together (one zone conversion per zone);
        what the bulk parse leaves, parse_time does one by one, with its error message.
        """
        filled = [[k for k, text in enumerate(texts) if text] for _, texts, _ in columns]
        spans: list[list[TimeSpan | None]] = [[None] * len(texts) for _, texts, _ in columns]
        if sum(map(len, filled)) >= BULK_TIMES:
            cells = [
                (texts[k], zones[k])
                for (_, texts, zones), rows in zip(columns, filled, strict=True)
                for k in rows
            ]
            bulk = iter(parse_times([text for text, _ in cells], [tz for _, tz in cells]))
            for column_spans, rows in zip(spans, filled, strict=True):
                for k in rows:
                    column_spans[k] = next(bulk)
        for i, ((column, texts, zones), rows) in enumerate(zip(columns, filled, strict=True)):
            self.step += 1 if i else 0  # the columns' problems in their order within a row
            for k in rows:
                if spans[i][k] is None:
                    try:
                        spans[i][k] = parse_time(texts[k], zones[k])
                    except ValueError as exc:
                        self.problem(k, column, str(exc))
        return spans

    def events(self, table: Table) -> list[Event]:
        n = len(table.records)
        self.lines = table.lines
        self.bad = bytearray(n)
        col = table.column

        self.step += 1
        ids = [cell.strip() for cell in col("id")]
        first: dict[str, int] = {}
        unique = len(set(ids)) == n and "" not in ids
        for k, event_id in enumerate([] if unique else ids):
            if not event_id:
                self.problem(k, "id", "empty id; every event needs a unique id")
            elif event_id in first:
                self.problem(
                    k,
                    "id",
                    f"duplicate id '{event_id}' (first on line {self.lines[first[event_id]]})",
                )
            else:
                first[event_id] = k

        self.step += 1
        kinds = [cell.strip() for cell in col("kind")]
        self.choices("kind", kinds, KINDS)
        self.step += 1
        statuses = [cell.strip() for cell in col("status")]
        self.choices("status", statuses, STATUSES)
        flights = [k for k, kind in enumerate(kinds) if kind == "flight"]

        self.step += 1
        origin_refs = split_lists(col("origin"))
        origins: list[tuple[Location | None, ...]] = [
            tuple([self.place(k, "origin", ref) for ref in refs]) if refs else ()
            for k, refs in enumerate(origin_refs)
        ]

        self.step += 1
        dest_refs = [cell.strip() for cell in col("destination")]
        resolve = self.gaz.resolve
        known = {ref: resolve(ref) for ref in dict.fromkeys(dest_refs) if ref and ";" not in ref}
        dests: list[Location | None] = list(map(known.get, dest_refs))
        for k in [k for k, loc in enumerate(dests) if loc is None] if None in dests else []:
            ref = dest_refs[k]
            if not ref:
                self.problem(k, "destination", "empty; say where the event happened")
            elif ";" in ref:
                self.problem(k, "destination", f"'{ref}': one place only (origin takes several)")
            else:
                dests[k] = self.place(k, "destination", ref)

        self.step += 1
        for k in flights:
            if len(origin_refs[k]) != 1:
                self.problem(
                    k,
                    "origin",
                    f"a flight has exactly one origin airport, not {len(origin_refs[k])}",
                )
        self.step += 1
        for k in flights:
            ends = [("destination", dest_refs[k], dests[k])]
            if len(origin_refs[k]) == 1:
                ends.insert(0, ("origin", origin_refs[k][0], origins[k][0]))
            for column, ref, loc in ends:
                if loc is not None and not loc.airport:
                    self.problem(
                        k,
                        column,
                        f"'{ref}' is a place, not an airport; a flight needs airport "
                        "codes (e.g. VKO, GYD)",
                    )

        # A flight's departure is local at its origin airport, everything else at the place.
        end_tz = [None if loc is None else loc.tz for loc in dests]
        start_tz = list(end_tz)
        for k in flights:
            one = origins[k]
            start_tz[k] = one[0].tz if len(one) == 1 and one[0] is not None else None
        start_texts = [cell.strip() for cell in col("start")]
        end_texts = [cell.strip() for cell in col("end")]
        # an unresolved place (already reported) leaves its times parsed as UTC, for syntax
        self.step += 1
        for k, text in enumerate(start_texts):
            if not text:
                self.problem(k, "start", "empty; every event needs a start date")
        starts, ends_ = self.times(
            [
                ("start", start_texts, [tz or "UTC" for tz in start_tz]),
                ("end", end_texts, [tz or "UTC" for tz in end_tz]),
            ]
        )
        for k in flights:
            if not end_texts[k]:
                self.problem(
                    k, "end", "a flight needs its arrival time (local at the destination)"
                )

        self.step += 1
        for k in flights:
            for column, span in (("start", starts[k]), ("end", ends_[k])):
                if span is not None and span.precision not in ("minute", "second"):
                    self.problem(
                        k,
                        column,
                        f"a flight's {'departure' if column == 'start' else 'arrival'} "
                        "must be precise to the minute (e.g. 2025-03-14T01:54)",
                    )
        # Order only means something once both zones are known: an unresolved place
        # (already reported) leaves its time parsed as UTC, for its syntax only.
        self.step += 1
        for k in [k for k, text in enumerate(end_texts) if text]:
            start, end = starts[k], ends_[k]
            if end is None or start is None or start_tz[k] is None or end_tz[k] is None:
                continue
            if kinds[k] == "flight":
                if end.start_utc <= start.start_utc:
                    self.problem(
                        k,
                        "end",
                        f"arrival {end_texts[k]} ({iso_utc(end.start_utc)}) is not after "
                        f"departure {start_texts[k]} ({iso_utc(start.start_utc)}) in UTC",
                    )
            elif end.end_utc < start.start_utc or (
                # a period (a day, a month) that is over when the start begins
                end.end_utc == start.start_utc and end.start_utc < end.end_utc
            ):
                self.problem(
                    k, "end", f"'{end_texts[k]}' is before start '{start_texts[k]}'"
                )

        self.step += 1
        sources = split_lists(col("sources"))
        for k, cited in enumerate([] if all(sources) else sources):
            if not cited:
                self.problem(k, "sources", "no source; cite at least one (a file, outlet or URL)")

        self.found.sort(key=lambda found: found[:2])
        self.problems.extend(problem for _, _, problem in self.found)
        # the rows without a problem; the checks above make their cells the records' types
        good = [not bad for bad in self.bad]

        def keep(column: Sequence[T]) -> list[T]:
            return list(compress(column, good))

        start_of = cast(list[TimeSpan], keep(starts))
        end_of = [end or start for start, end in zip(start_of, keep(ends_), strict=True)]
        rows = zip(
            keep(ids),
            keep(kinds),
            keep([cell.strip() for cell in col("title")]),
            [span.start_utc for span in start_of],
            [span.end_utc for span in end_of],
            [span.precision for span in start_of],
            [span.precision for span in end_of],
            keep(start_texts),
            keep(end_texts),
            keep(origins),
            keep(dests),
            keep(split_lists(col("participants"))),
            keep(statuses),
            keep(sources),
            keep([cell.strip() for cell in col("notes")]),
            keep(self.lines),
            [""] * (n - sum(self.bad)),
            strict=True,
        )
        out = list(map(Event._make, rows))
        return out


def load_events(source: Source, gazetteer: Gazetteer, name: str | None = None) -> list[Event]:
    """``events.csv`` validated against ``gazetteer``; raises :class:`DataError`."""
    name = name or _default_name(source, "events.csv")
    problems: list[Problem] = []
    events = _read_events(source, gazetteer, name, problems, {})
    if problems:
        raise DataError(_in_line_order(problems))
    return events


def _read_events(
    source: Source, gazetteer: Gazetteer, name: str, problems: list[Problem], broken: Broken
) -> list[Event]:
    table = read_records(source, name, EVENT_COLUMNS, problems)
    return _EventColumns(name, gazetteer, problems, broken).events(table)


@dataclass(frozen=True, slots=True)
class Dataset:
    """Validated events and the gazetteer they were resolved against."""

    events: tuple[Event, ...]
    gazetteer: Gazetteer = field(repr=False)
    events_name: str = "events.csv"


def default_paths() -> dict[str, Path]:
    """The shipped files; relative (``data/events.csv``) when run from the repository root."""
    base = REPO_DATA
    try:
        base = REPO_DATA.relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    return {key: base / f"{key}.csv" for key in ("events", "airports", "places")}


def load_dataset(
    events: Source | None = None,
    airports: Source | None = None,
    places: Source | None = None,
    *,
    names: dict[str, str] | None = None,
) -> Dataset:
    """Load and validate all three files; every problem in all of them in one DataError."""
    defaults = default_paths()
    names = dict(names or {})

    def label(key: str, src: Source) -> str:
        return names.get(key) or _default_name(src, f"{key}.csv")

    ev_src = events if events is not None else defaults["events"]
    ap_src = airports if airports is not None else defaults["airports"]
    pl_src = places if places is not None else defaults["places"]
    # A reference row with a problem is reported once, on its own line; events naming it say
    # so instead of "unknown place", and the good rows still resolve.
    problems: list[Problem] = []
    broken: Broken = {}
    file_problems: list[Problem] = []
    airport_rows = _read_airports(ap_src, label("airports", ap_src), file_problems, broken)
    problems += _in_line_order(file_problems)
    file_problems = []
    place_rows = _read_places(pl_src, label("places", pl_src), file_problems, broken)
    problems += _in_line_order(file_problems)
    gazetteer = Gazetteer(airport_rows, place_rows)
    ev_name = label("events", ev_src)
    file_problems = []
    with paused_gc():  # many rows, many small objects that all stay alive
        event_rows = _read_events(ev_src, gazetteer, ev_name, file_problems, broken)
    problems += _in_line_order(file_problems)
    if problems:
        raise DataError(problems)
    return Dataset(tuple(event_rows), gazetteer, ev_name)

