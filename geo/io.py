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
from pathlib import Path
from typing import cast

from geo.model import (
    AIRPORT_COLUMNS,
    EVENT_COLUMNS,
    KINDS,
    PLACE_COLUMNS,
    STATUSES,
    Airport,
    DataError,
    Event,
    Kind,
    Location,
    Place,
    Problem,
    Status,
    visible,
)
from geo.perf import paused_gc
from geo.places import Gazetteer
from geo.timeline import TimeSpan, is_zone, iso_utc, parse_time

MAX_BYTES = 64 * 1024 * 1024
"""Largest input file accepted; larger ones are refused before they are read."""

REPO_DATA = Path(__file__).resolve().parent.parent / "data"

Source = str | os.PathLike[str] | bytes
"""A file path, or the file's bytes (an upload) together with a display name."""

Row = tuple[int, dict[str, str]]


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


def read_table(
    source: Source,
    name: str,
    columns: Sequence[str],
    problems: list[Problem],
    *,
    optional: Sequence[str] = (),
) -> list[Row]:
    """Rows of a CSV file as ``(line, {column: text})``, after checking its shape.

    Problems with the file as a whole (size, encoding, header) stop the reading; problems with
    single rows (ragged rows) are reported and those rows skipped.
    """
    data = _read_bytes(source, name, problems)
    if data is None:
        return []
    text = _decode(data, name, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    line = 1  # where the record being read starts
    forbidden = _FORBIDDEN.search(text) is not None  # rare: only then is every cell searched
    try:
        header = [h.strip() for h in next(reader, [])]
        if not _check_header(header, name, columns, optional, problems):
            return []
        width = len(header)
        line = reader.line_num + 1
        for record in reader:
            if record and any(cell.strip() for cell in record):
                if len(record) != width:
                    problems.append(
                        Problem(
                            name,
                            line,
                            "row",
                            f"has {len(record)} fields, the header has {width} "
                            "(an unquoted comma, or a missing field?)",
                        )
                    )
                else:
                    if forbidden:
                        _check_characters(record, header, name, line, problems)
                    rows.append((line, dict(zip(header, record, strict=True))))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, line, "row", _csv_error_text(exc, reader.line_num, line)))
    return rows


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
    if ";" not in cell:
        one = cell.strip()
        return (one,) if one else ()
    parts = [part.strip() for part in cell.split(";")]
    return tuple([part for part in parts if part])


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


class _EventChecker:
    """Validates event rows against a gazetteer, collecting problems."""

    def __init__(
        self, name: str, gazetteer: Gazetteer, problems: list[Problem], broken: Broken
    ) -> None:
        self.name = name
        self.gaz = gazetteer
        self.problems = problems
        self.broken = broken
        self.first_line_of: dict[str, int] = {}

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, column, message))

    def place(self, line: int, column: str, ref: str) -> Location | None:
        loc = self.gaz.resolve(ref)
        if loc is not None:
            return loc
        where = self.broken.get(ref.strip().casefold())
        if where:
            self.problem(line, column, f"'{ref}' is defined on {where}, which has a problem")
            return None
        hint = self.gaz.suggest(ref)
        what = "airport code" if ref.isupper() and len(ref) in (3, 4) else "place"
        msg = f"unknown {what} '{ref}'"
        if hint:
            msg += f"; did you mean '{hint}'?"
        else:
            msg += " (use an IATA/ICAO airport code or a name from places.csv)"
        self.problem(line, column, msg)
        return None

    def choice(self, line: int, column: str, value: str, allowed: Sequence[str]) -> bool:
        if value in allowed:
            return True
        if not value:
            self.problem(line, column, f"empty; use one of {', '.join(allowed)}")
            return False
        hint = difflib.get_close_matches(value.lower(), allowed, n=1)
        did = f"did you mean '{hint[0]}'? " if hint else ""
        self.problem(
            line, column, f"'{value}' is not a {column}; {did}use one of {', '.join(allowed)}"
        )
        return False

    def time(self, line: int, column: str, text: str, tz: str | None) -> TimeSpan | None:
        try:
            return parse_time(text, tz or "UTC")
        except ValueError as exc:
            self.problem(line, column, str(exc))
            return None

    def event(self, line: int, row: dict[str, str]) -> Event | None:
        n_before = len(self.problems)
        event_id = row["id"].strip()
        if not event_id:
            self.problem(line, "id", "empty id; every event needs a unique id")
        elif event_id in self.first_line_of:
            self.problem(
                line,
                "id",
                f"duplicate id '{event_id}' (first on line {self.first_line_of[event_id]})",
            )
        else:
            self.first_line_of[event_id] = line

        kind = row["kind"].strip()
        kind_ok = self.choice(line, "kind", kind, KINDS)
        status = row["status"].strip()
        self.choice(line, "status", status, STATUSES)
        is_flight = kind == "flight"

        origin_refs = split_list(row["origin"])
        origins = [self.place(line, "origin", ref) for ref in origin_refs]
        dest_ref = row["destination"].strip()
        destination: Location | None = None
        if not dest_ref:
            self.problem(line, "destination", "empty; say where the event happened")
        elif ";" in dest_ref:
            self.problem(
                line, "destination", f"'{dest_ref}': one place only (origin takes several)"
            )
        else:
            destination = self.place(line, "destination", dest_ref)

        if is_flight:
            if len(origin_refs) != 1:
                self.problem(
                    line,
                    "origin",
                    f"a flight has exactly one origin airport, not {len(origin_refs)}",
                )
            ends = [("destination", dest_ref, destination)]
            if len(origin_refs) == 1:
                ends.insert(0, ("origin", origin_refs[0], origins[0]))
            for col, ref, loc in ends:
                if loc is not None and not loc.airport:
                    self.problem(
                        line,
                        col,
                        f"'{ref}' is a place, not an airport; a flight needs airport "
                        "codes (e.g. VKO, GYD)",
                    )

        start_tz: str | None = None
        end_tz: str | None = None
        if destination is not None:
            end_tz = destination.tz
            start_tz = destination.tz
        if is_flight:
            start_tz = origins[0].tz if len(origins) == 1 and origins[0] else None

        start_text = row["start"].strip()
        end_text = row["end"].strip()
        start = end = None
        if not start_text:
            self.problem(line, "start", "empty; every event needs a start date")
        else:
            start = self.time(line, "start", start_text, start_tz)
        if end_text:
            end = self.time(line, "end", end_text, end_tz)
        elif is_flight:
            self.problem(line, "end", "a flight needs its arrival time (local at the destination)")

        if is_flight:
            for col, span in (("start", start), ("end", end)):
                if span is not None and span.precision not in ("minute", "second"):
                    self.problem(
                        line,
                        col,
                        f"a flight's {'departure' if col == 'start' else 'arrival'} "
                        "must be precise to the minute (e.g. 2025-03-14T01:54)",
                    )
        # Order only means something once both zones are known: an unresolved place
        # (already reported) leaves its time parsed as UTC, for its syntax only.
        zones_known = start_tz is not None and end_tz is not None
        if start is not None and end is not None and zones_known:
            if is_flight:
                if end.start_utc <= start.start_utc:
                    self.problem(
                        line,
                        "end",
                        f"arrival {end_text} ({iso_utc(end.start_utc)}) is not after departure "
                        f"{start_text} ({iso_utc(start.start_utc)}) in UTC",
                    )
            elif end.end_utc < start.start_utc or (
                # a period (a day, a month) that is over when the start begins
                end.end_utc == start.start_utc and end.start_utc < end.end_utc
            ):
                self.problem(line, "end", f"'{end_text}' is before start '{start_text}'")

        sources = split_list(row["sources"])
        if not sources:
            self.problem(line, "sources", "no source; cite at least one (a file, outlet or URL)")

        if len(self.problems) > n_before or not kind_ok:
            return None
        assert start is not None and destination is not None
        origin_locs = tuple(loc for loc in origins if loc is not None)
        end_span = end or start
        return Event(
            id=event_id,
            kind=cast(Kind, kind),
            title=row["title"].strip(),
            start_utc=start.start_utc,
            end_utc=end_span.end_utc,
            start_precision=start.precision,
            end_precision=end_span.precision,
            start_text=start_text,
            end_text=end_text,
            origin=origin_locs,
            destination=destination,
            participants=split_list(row["participants"]),
            status=cast(Status, status),
            sources=sources,
            notes=row["notes"].strip(),
            line=line,
        )


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
    rows = read_table(source, name, EVENT_COLUMNS, problems)
    checker = _EventChecker(name, gazetteer, problems, broken)
    return [ev for line, row in rows if (ev := checker.event(line, row)) is not None]


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

