"""What the readers share: the limits fixes must respect, their messages, the text and number
rules of every value they take, a bounded collector of one file's problems, and the CSV
readers' column reading (:class:`Rows`: a part's columns checked by name, the rows read in
parts by :func:`parse_parts`, grouped by aircraft by :func:`rows_by_aircraft`, made a trace
by :func:`rows_trace`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import compress
from typing import SupportsIndex, TypeVar

import numpy as np

from geo.io.csvfile import NUMBER_HELP, Table, plain_number, quoted, text_problem
from geo.model import Problem
from geo.tracks.build import callsign_codes, make_trace
from geo.tracks.model import BoolArray, FloatArray, IntArray, Trace

CsvTable = Table
"""The rows of a track CSV: :class:`geo.io.csvfile.Table` (one CSV reader for every file)."""

MAX_AIRCRAFT = 1_000
"""Aircraft one track file may hold (see :func:`rows_by_aircraft`)."""
MAX_PROBLEMS = 1_000
"""Problems of one file kept; beyond it they are counted (a small file of bad rows must not
hold millions of messages)."""

TIME_MIN = 631152000.0  # 1990-01-01T00:00Z
TIME_MAX = 4102444800.0  # 2100-01-01T00:00Z
ALT_FT = (-2000.0, 130000.0)  # Mode C/S altitudes reach 126,700 ft
GS_KT = (0.0, 4000.0)
TRACK_DEG = (0.0, 360.0)
VRATE_FPM = (-100000.0, 100000.0)  # ft/min; a fighter's zoom climb is about 60,000
FEET_PER_METRE = 1.0 / 0.3048

Report = Callable[[int, str], None]
"""``report(k, message)``: a problem with fix ``k`` (the reader knows its line and column)."""


class _Bounded(list[Problem]):
    """A list of problems that keeps :data:`MAX_PROBLEMS` and counts the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def append(self, problem: Problem) -> None:
        if len(self) < MAX_PROBLEMS:
            super().append(problem)
        else:
            self.dropped += 1

    def extend(self, problems: object) -> None:
        for problem in problems:  # type: ignore[attr-defined]
            self.append(problem)

    def insert(self, index: SupportsIndex, problem: Problem) -> None:
        raise TypeError("problems are appended")


@dataclass
class Collector:
    """The problems of one file, each ``FILE:LINE: column: message``; the first
    :data:`MAX_PROBLEMS` are kept, the others counted (:attr:`count` has them all)."""

    name: str
    problems: _Bounded = field(default_factory=_Bounded)

    def add(self, line: int, column: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.name, line, column, message))
        else:
            self.problems.dropped += 1

    @property
    def count(self) -> int:
        """Every problem found, kept or counted."""
        return len(self.problems) + self.problems.dropped

    def __bool__(self) -> bool:
        return bool(self.problems)

    def listed(self) -> list[Problem]:
        """The kept problems by line, and a last one counting the others."""
        out = sorted(self.problems, key=lambda p: p.line)
        if self.problems.dropped:
            out.append(
                Problem(
                    self.name,
                    out[-1].line,
                    "file",
                    f"{self.problems.dropped:,} more problems not listed (the first "
                    f"{MAX_PROBLEMS:,} are); fix these and check again",
                )
            )
        return out


def check_text(text: str, what: str, report: Callable[[str], None]) -> str:
    """``text`` if it obeys the text rule (:func:`geo.io.csvfile.text_problem`), else ``""``
    with the problem reported as ``{what} {message}``."""
    problem = text_problem(text)
    if problem is None:
        return text
    report(f"{what} {problem}")
    return ""


def show(value: float) -> str:
    """A number as a message quotes it: ``95``, ``95.5``, ``1e+300``, ``NaN``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "infinity" if value > 0 else "-infinity"
    return format(value, ".10g")


def _bound(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def check_range(
    values: FloatArray,
    present: BoolArray,
    lo: float,
    hi: float,
    what: str,
    report: Report,
    unit: str = "",
) -> None:
    """Report each present value that is not finite or not within ``lo..hi``."""
    with np.errstate(invalid="ignore"):
        bad = present & ~((values >= lo) & (values <= hi))
    suffix = f" {unit}" if unit else ""
    for k in np.flatnonzero(bad).tolist():
        value = float(values[k])
        if not math.isfinite(value):
            report(k, f"{what} {show(value)} is not a finite number")
        else:
            report(
                k,
                f"{what} {show(value)}{suffix} is outside {_bound(lo)}..{_bound(hi)}{suffix}",
            )


def check_times(values: FloatArray, present: BoolArray, report: Report) -> None:
    """Report times that are not finite or not between 1990 and 2100."""
    with np.errstate(invalid="ignore"):
        bad = present & ~((values >= TIME_MIN) & (values < TIME_MAX))
    for k in np.flatnonzero(bad).tolist():
        value = float(values[k])
        if not math.isfinite(value):
            report(k, f"time {show(value)} is not a finite number")
        else:
            report(
                k,
                f"time {show(value)} (Unix seconds) is not between 1990 and 2100",
            )


TIME_HELP = "ISO 8601 with an offset, like 2025-03-13T22:54:12Z"


def parse_iso(text: str, *, unix: bool = False) -> float | str:
    """Unix seconds of an ISO 8601 time with an offset, or the message saying what is wrong
    (``unix``: the column also takes Unix seconds, and the message says so).

    A time without an offset is refused: these are recorded instants, always UTC-aware.
    """
    try:
        if not text.isascii():  # fromisoformat takes other scripts' digits
            raise ValueError(text)
        when = datetime.fromisoformat(text)
    except ValueError:
        return f"{quoted(text)} is not a time ({TIME_HELP}{', or Unix seconds' if unix else ''})"
    if when.tzinfo is None or when.utcoffset() is None:
        return (
            f"{quoted(text)} has no UTC offset; times must be UTC-aware (end it with Z or +00:00)"
        )
    try:
        return when.timestamp()
    except (OverflowError, OSError, ValueError):
        return f"{quoted(text)} is out of range"


def to_float(text: str) -> float:
    """A number's text as a float; ``ValueError`` unless it is a plain ASCII number (see
    :func:`geo.io.csvfile.plain_number`)."""
    if not plain_number(text):
        raise ValueError(text)
    return float(text)


def not_a_number(what: str, text: str) -> str:
    """The message for a cell that is not a number."""
    if text.isascii() and "_" not in text:
        return f"{what} {quoted(text)} is not a number"
    return f"{what} {quoted(text)} is not a number ({NUMBER_HELP})"


def parse_floats(
    cells: Sequence[str],
    what: str,
    report: Report,
    *,
    required: bool,
) -> tuple[FloatArray, BoolArray]:
    """A CSV column as numbers: ``(values, present)``; empty cells are NaN and not present
    (a problem when ``required``), cells that are not numbers are reported."""
    stripped = [cell.strip() for cell in cells]
    present = np.fromiter(map(bool, stripped), dtype=np.bool_, count=len(stripped))
    values = np.full(len(stripped), np.nan)
    filled = list(compress(stripped, present.tolist()))
    try:
        if not plain_number("".join(filled)):
            raise ValueError("not plain ASCII numbers")
        values[present] = np.array(filled, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        for k in np.flatnonzero(present).tolist():
            try:
                values[k] = to_float(stripped[k])
            except ValueError:
                report(k, not_a_number(what, stripped[k]))
                present[k] = False
    if required:
        for k in np.flatnonzero(~present).tolist():
            if not stripped[k]:
                report(k, f"{what} is empty")
    return values, present


class RowReport:
    """``report(k, message)`` for record ``k`` of a CSV table: its line, one column."""

    def __init__(self, problems: Collector, lines: list[int], column: str) -> None:
        self.problems, self.lines, self.column = problems, lines, column

    def __call__(self, k: int, message: str) -> None:
        self.problems.add(self.lines[k], self.column, message)


# --- the CSV readers' columns ----------------------------------------------------------------

K = TypeVar("K", bound=Hashable)
P = TypeVar("P")
_HEX = re.compile(r"~?[0-9a-fA-F]{6}")
FLAGS = {"true": True, "1": True, "false": False, "0": False}
"""The values of a ground flag column (empty: unknown, read as not on the ground)."""


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric column as a reader takes it: its ``column`` in the file, what its messages
    call it (``what``), the range ``lo..hi`` in the trace's ``unit`` (after ``scale``, the
    factor from the file's unit: metres to feet), and whether an empty cell is a problem."""

    column: str
    what: str
    lo: float
    hi: float
    unit: str = ""
    scale: float = 1.0
    required: bool = False


LAT = Number("lat", "latitude", -90.0, 90.0, required=True)
LON = Number("lon", "longitude", -180.0, 180.0, required=True)


@dataclass(frozen=True, slots=True)
class Part:
    """What some rows of a track CSV say, checked: per column name, its values (numbers and
    flags as arrays, texts as lists), and the line of each row."""

    lines: IntArray
    arrays: dict[str, FloatArray | BoolArray]
    texts: dict[str, list[str]]

    def __len__(self) -> int:
        return int(self.lines.shape[0])


class Rows:
    """One part of a track CSV's rows read column by column: every value checked by the
    rules above, every problem reported at its line and column; each column kept under its
    name for :meth:`part`. The preamble every CSV track reader shares."""

    def __init__(self, table: CsvTable, problems: Collector) -> None:
        self.table, self.problems = table, problems
        self.arrays: dict[str, FloatArray | BoolArray] = {}
        self.texts: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.table.records)

    def report(self, column: str) -> RowReport:
        """``report(k, message)``: a problem of row ``k`` in ``column``."""
        return RowReport(self.problems, self.table.lines, column)

    def number(self, spec: Number) -> tuple[FloatArray, BoolArray]:
        """The column's numbers in the trace's unit, and which are present (checked)."""
        values, present = parse_floats(
            self.table.column(spec.column),
            spec.what,
            self.report(spec.column),
            required=spec.required,
        )
        if spec.scale != 1.0:
            values = values * spec.scale
        check_range(
            values, present, spec.lo, spec.hi, spec.what, self.report(spec.column), spec.unit
        )
        self.arrays[spec.column] = values
        return values, present

    def times(self, column: str, *, required: bool) -> tuple[FloatArray, BoolArray]:
        """A column of Unix seconds, and which are present (checked: 1990..2100)."""
        values, present = parse_floats(
            self.table.column(column), "time", self.report(column), required=required
        )
        check_times(values, present, self.report(column))
        self.arrays[column] = values
        return values, present

    def text(self, column: str, what: str) -> list[str]:
        """A text column, stripped and upper case, each value checked by the text rule (a
        bad one reported on its every row and read as empty); equal values are one object."""
        report = self.report(column)
        known: dict[str, str | None] = {}
        values: list[str] = []
        for k, cell in enumerate(self.table.column(column)):
            value = known.get(cell)
            if value is None:
                value = cell.strip().upper()
                if check_text(value, what, lambda _m: None) != value:
                    check_text(value, what, partial(report, k))
                    values.append("")
                    continue
                known[cell] = value
            values.append(value)
        self.texts[column] = values
        return values

    def hexes(self, column: str, *, required: bool, what: str = "") -> list[str]:
        """A column of 24-bit addresses in hex (``~`` before a non-ICAO one), lower case;
        equal values are one object. ``what``: the word a problem starts with (OpenSky's
        messages name the column; an empty cell is a problem only when ``required``)."""
        report = self.report(column)
        known: dict[str, str] = {}
        values: list[str] = []
        for k, cell in enumerate(self.table.column(column)):
            value = known.get(cell)
            if value is None:
                text = cell.strip()
                value = text.lower()
                if _HEX.fullmatch(text) or not text and not required:
                    known[cell] = value
                else:
                    wrong = (
                        "is empty" if not text else f"{quoted(text)} is not a 24-bit address in hex"
                    )
                    report(k, f"{what} {wrong} (like a0b1c2)".lstrip())
            values.append(value)
        self.texts[column] = values
        return values

    def flags(self, column: str, accepted: Mapping[str, bool] = FLAGS) -> BoolArray:
        """A column of ground flags (``accepted``; empty: not on the ground)."""
        report = self.report(column)
        known: dict[str, bool] = {}
        out = np.zeros(len(self), dtype=np.bool_)
        for k, cell in enumerate(self.table.column(column)):
            flag = known.get(cell)
            if flag is None:
                text = cell.strip()
                found = accepted.get(text.lower())
                if found is None and text:
                    report(k, f"{quoted(text)} is not true, false, 1, 0 or empty")
                    continue
                flag = known[cell] = bool(found)
            out[k] = flag
        self.arrays[column] = out
        return out

    def part(self) -> Part:
        """Every column read so far, with the rows' lines."""
        return Part(np.array(self.table.lines, dtype=np.int64), self.arrays, self.texts)


def parse_parts(
    tables: Iterable[CsvTable], problems: Collector, parse: Callable[[CsvTable, Collector], P]
) -> list[P] | None:
    """Each part of a file's rows parsed, or ``None`` when any has a problem (or there is no
    part: the file's header was refused): once a problem is found the rest is only checked
    (its problems counted), never kept, so a file of bad rows costs one part's memory."""
    before = problems.count
    parts: list[P] = []
    for table in tables:
        part = parse(table, problems)
        if problems.count == before:
            parts.append(part)
    return None if problems.count > before or not parts else parts


def joined(parts: Sequence[Part]) -> Part:
    """The parts of a file as one (at least one; the first names the columns)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return Part(
        np.concatenate([p.lines for p in parts]),
        {name: np.concatenate([p.arrays[name] for p in parts]) for name in first.arrays},
        {name: [v for p in parts for v in p.texts[name]] for name in first.texts},
    )


def rows_by_aircraft(
    keys: Iterable[K],
    lines: Sequence[int] | IntArray,
    problems: Collector,
    column: str,
    what: str,
    advice: str,
) -> dict[K, IntArray] | None:
    """The rows of each aircraft (``keys``: one per row), in first-seen order; ``None``, with
    a problem on the row that names a ``MAX_AIRCRAFT + 1``-th aircraft, when a file holds too
    many (``what``: how the aircraft are told apart and by which file; ``advice``: the fix)."""
    index: dict[K, int] = {}
    codes = np.fromiter((index.setdefault(key, len(index)) for key in keys), dtype=np.int64)
    if len(index) > MAX_AIRCRAFT:
        k = int(np.argmax(codes == MAX_AIRCRAFT))
        problems.add(
            int(lines[k]),
            column,
            f"a {MAX_AIRCRAFT + 1:,}th aircraft {what} may hold {MAX_AIRCRAFT:,}: {advice}",
        )
        return None
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(index) + 1)).tolist()
    return {key: order[bounds[c] : bounds[c + 1]] for key, c in index.items()}


@dataclass(frozen=True, slots=True)
class TraceColumns:
    """Which of a reader's columns (by name in :class:`Part`) gives each quantity of a
    :class:`~geo.tracks.model.Trace` (``""``: the format has none)."""

    t: str
    lat: str
    lon: str
    alt_ft: str = ""
    on_ground: str = ""
    gs_kt: str = ""
    track_deg: str = ""
    vrate_fpm: str = ""
    callsign: str = ""


def rows_trace(
    rows: Part,
    index: IntArray,
    columns: TraceColumns,
    problems: Collector,
    *,
    format: str,
    icao24: str = "",
    registration: str = "",
) -> Trace:
    """The trace of the rows ``index`` of a file's columns (one aircraft's)."""

    def take(name: str) -> FloatArray | BoolArray | None:
        return rows.arrays[name][index] if name in rows.arrays else None

    codes, names = (
        callsign_codes(rows.texts[columns.callsign], index.tolist())
        if columns.callsign
        else (None, [])
    )
    return make_trace(
        problems.name,
        rows.arrays[columns.t][index],
        rows.arrays[columns.lat][index],
        rows.arrays[columns.lon][index],
        alt_ft=take(columns.alt_ft),
        on_ground=take(columns.on_ground),
        gs_kt=take(columns.gs_kt),
        track_deg=take(columns.track_deg),
        vrate_fpm=take(columns.vrate_fpm),
        callsign_code=codes,
        callsigns=names,
        format=format,
        icao24=icao24,
        non_icao=icao24.startswith("~"),
        registration=registration,
    )
