"""What the readers share: the limits fixes must respect, their messages, and a small CSV
table reader that keeps each record's line."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress

import numpy as np

from geo.io.csvfile import csv_error_text, ragged_text
from geo.model import Problem
from geo.tracks.model import BoolArray, FloatArray

TIME_MIN = 631152000.0  # 1990-01-01T00:00Z
TIME_MAX = 4102444800.0  # 2100-01-01T00:00Z
ALT_FT = (-2000.0, 130000.0)  # Mode C/S altitudes reach 126,700 ft
GS_KT = (0.0, 4000.0)
TRACK_DEG = (0.0, 360.0)
FEET_PER_METRE = 1.0 / 0.3048

Report = Callable[[int, str], None]
"""``report(k, message)``: a problem with fix ``k`` (the reader knows its line and column)."""


@dataclass
class Collector:
    """The problems of one file, each ``FILE:LINE: column: message``."""

    name: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, column, message))

    def __bool__(self) -> bool:
        return bool(self.problems)


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
        when = datetime.fromisoformat(text)
    except ValueError:
        return f"'{text}' is not a time ({TIME_HELP}{', or Unix seconds' if unix else ''})"
    if when.tzinfo is None or when.utcoffset() is None:
        return f"'{text}' has no UTC offset; times must be UTC-aware (end it with Z or +00:00)"
    try:
        return when.timestamp()
    except (OverflowError, OSError, ValueError):
        return f"'{text}' is out of range"


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
        values[present] = np.array(filled, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        for k in np.flatnonzero(present).tolist():
            try:
                values[k] = float(stripped[k])
            except ValueError:
                report(k, f"{what} '{stripped[k]}' is not a number")
                present[k] = False
    if required:
        for k in np.flatnonzero(~present).tolist():
            if not stripped[k]:
                report(k, f"{what} is empty")
    return values, present


@dataclass(frozen=True, slots=True)
class CsvTable:
    header: list[str]
    lines: list[int]
    records: list[list[str]]

    def column(self, name: str) -> list[str]:
        if name not in self.header:
            return [""] * len(self.records)
        k = self.header.index(name)
        return [record[k] for record in self.records]


def read_csv(text: str, problems: Collector) -> CsvTable:
    """Records of CSV text with the header's width, and the line each starts on; a ragged
    record or a broken quote is reported (the rest of the file after a broken quote is
    not read)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[int] = []
    records: list[list[str]] = []
    header: list[str] = []
    line = 1
    try:
        header = [cell.strip() for cell in next(reader, [])]
        width = len(header)
        line = reader.line_num + 1
        for record in reader:
            if len(record) == width:
                if any(cell.strip() for cell in record):
                    lines.append(line)
                    records.append(record)
            elif any(cell.strip() for cell in record):
                problems.add(line, "row", ragged_text(len(record), width))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(line, "row", csv_error_text(exc, reader.line_num, line))
    return CsvTable(header, lines, records)


class RowReport:
    """``report(k, message)`` for record ``k`` of a CSV table: its line, one column."""

    def __init__(self, problems: Collector, lines: list[int], column: str) -> None:
        self.problems, self.lines, self.column = problems, lines, column

    def __call__(self, k: int, message: str) -> None:
        self.problems.add(self.lines[k], self.column, message)
