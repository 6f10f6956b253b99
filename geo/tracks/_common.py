"""What the readers share: the limits fixes must respect, their messages, the text and number
rules of every value they take, and a bounded collector of one file's problems."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress
from typing import SupportsIndex

import numpy as np

from geo.io.csvfile import NUMBER_HELP, Table, plain_number, quoted, text_problem
from geo.model import Problem
from geo.tracks.model import BoolArray, FloatArray

CsvTable = Table
"""The rows of a track CSV: :class:`geo.io.csvfile.Table` (one CSV reader for every file)."""

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
