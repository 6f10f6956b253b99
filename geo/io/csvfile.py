"""CSV shape: the header, the rows that have its width, and the line each starts on.

Problems with the file as a whole (its header) stop the reading; problems with single rows
(ragged rows, forbidden characters) are reported and those rows skipped or flagged.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

from geo.cells import unprotect
from geo.io.source import Source, decode, read_bytes
from geo.model import Problem, visible

Row = tuple[int, dict[str, str]]


MAX_CELL = 16_384
"""Characters a cell may hold (a title, a note, a list of sources): longer ones are almost
always a broken quote swallowing the lines after it, and each row's cost must stay bounded."""

csv.field_size_limit(2**31 - 1)  # the reader's own limit (128 KiB) would stop the file


@dataclass(frozen=True, slots=True)
class Table:
    """The rows of a CSV file that have the header's shape, and the line each starts on.

    ``flagged`` holds the lines of rows kept with a problem of their text (a control
    character, a cell over :data:`MAX_CELL`): kept so that what they define is known to be
    broken rather than unknown, but never loaded.
    """

    header: list[str]
    lines: list[int]
    records: list[list[str]]
    flagged: frozenset[int] = frozenset()

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


def read_records(
    source: Source,
    name: str,
    columns: Sequence[str],
    problems: list[Problem],
    *,
    optional: Sequence[str] = (),
    expected: str | None = None,
    header_help: str | None = None,
) -> Table:
    """The rows of a CSV file, after checking its shape.

    Problems with the file as a whole (size, encoding, header) stop the reading; problems with
    single rows (ragged rows) are reported and those rows skipped. ``expected`` is the
    format's help text for a file that is not text (see :func:`geo.io.source.decode`),
    ``header_help`` the columns a header problem lists (by default the required ones).
    """
    header: list[str] = []
    lines: list[int] = []
    records: list[list[str]] = []
    flagged: set[int] = set()
    for part in iter_records(
        source,
        name,
        columns,
        problems,
        optional=optional,
        expected=expected,
        header_help=header_help,
    ):
        header = part.header
        lines += part.lines
        records += part.records
        flagged |= part.flagged
    return Table(header, lines, records, frozenset(flagged))


CHUNK_ROWS = 16_384
"""Rows per part of :func:`iter_records`: a reader that keeps only what it needs of each part
holds one part's rows at a time (a file of millions of bad rows stays small in memory)."""


def iter_records(
    source: Source,
    name: str,
    columns: Sequence[str],
    problems: list[Problem],
    *,
    optional: Sequence[str] = (),
    expected: str | None = None,
    header_help: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[Table]:
    """The rows of a CSV file as :func:`read_records` reads them, in parts of at most
    ``chunk_rows`` rows (each with the header): nothing when the file as a whole has a
    problem, else at least one part (maybe without rows)."""
    data = read_bytes(source, name, problems)
    if data is None:
        return
    text = decode(data, name, problems, expected=expected)
    if text is None:
        return
    forbidden = _FORBIDDEN.search(text) is not None  # rare: only then is every cell searched
    long_cells = len(text) > MAX_CELL  # a short file cannot hold a long cell
    quoted = "'" in text  # a formula-safe cell ('=…, written by geo.cells.protect) is possible
    del text  # read the bytes again line by line (already known to decode): a StringIO of
    # the text would hold a 4-byte-per-character copy of the whole file
    lines_in = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines_in, strict=True)
    lines: list[int] = []
    records: list[list[str]] = []
    line = 1  # where the record being read starts
    flagged: set[int] = set()
    header: list[str] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        if header:  # a second byte-order mark (the first is the encoding's) is no column name
            header[0] = header[0].lstrip("\ufeff").strip()
        if not _check_header(header, name, columns, optional, problems, header_help):
            return
        width = len(header)
        line = reader.line_num + 1
        for record in reader:
            if len(record) == width and (record[0].strip() or any(map(str.strip, record))):
                if forbidden and _check_characters(record, header, name, line, problems):
                    flagged.add(line)
                if (
                    long_cells
                    and max(map(len, record)) > MAX_CELL  # (each cell checked only then)
                    and _check_lengths(record, header, name, line, problems)
                ):
                    flagged.add(line)
                if quoted:  # the apostrophe a CSV writer put before a formula character
                    record = [unprotect(cell) for cell in record]
                lines.append(line)
                records.append(record)
                if len(records) == chunk_rows:
                    yield Table(header, lines, records, frozenset(flagged))
                    lines, records, flagged = [], [], set()
            elif record and any(cell.strip() for cell in record):
                problems.append(Problem(name, line, "row", ragged_text(len(record), width)))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, line, "row", csv_error_text(exc, reader.line_num, line)))
    yield Table(header, lines, records, frozenset(flagged))


# Characters no text field may hold: XML 1.0 (the KML export) cannot carry C0 controls other
# than tab and line breaks, nor the noncharacters U+FFFE/U+FFFF, not even as references; the
# C1 controls (DEL, U+0080..U+009F: CSI, NEL) are terminal commands, never text.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _check_lengths(
    record: list[str], header: list[str], name: str, line: int, problems: list[Problem]
) -> bool:
    """Report each cell over :data:`MAX_CELL` characters; whether there was one."""
    found = False
    for col, cell in zip(header, record, strict=True):
        if len(cell) > MAX_CELL:
            found = True
            problems.append(
                Problem(
                    name, line, _column_label(col),
                    f"holds {len(cell):,} characters; a cell may hold {MAX_CELL:,} (a quote "
                    "left open swallows the lines after it)",
                )
            )
    return found


def _check_characters(
    record: list[str], header: list[str], name: str, line: int, problems: list[Problem]
) -> bool:
    """Report (once per cell) a control character or noncharacter; whether there was one.
    The row is kept (flagged), so what it defines is known to be broken, not unknown."""
    found = False
    for col, cell in zip(header, record, strict=True):
        bad = _FORBIDDEN.search(cell)
        if bad:
            found = True
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
    return found


def _column_label(col: str) -> str:
    """A header cell as the column of a problem line, if it can be one (else ``header``)."""
    if col and ":" not in col and visible(col) == col and len(col) <= 40:
        return col
    return "header"


# What no single-line text (a name, a code, a callsign) may hold: every control character
# (tab and line breaks too), the line and paragraph separators, the bidi controls (which
# reorder what a terminal or a page shows), lone surrogates (no UTF-8 can carry them: every
# writer would fail on them) and the noncharacters U+FFFE/U+FFFF.
_UNSAFE_TEXT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)


def _character_kind(code: int) -> str:
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if code >= 0xFFFE:
        return "a noncharacter"
    if code in (0x2028, 0x2029):
        return "a line separator"
    if code >= 0x200E:
        return "a bidi control"
    return "a control character"


def text_problem(text: str) -> str | None:
    """What is wrong with a one-line text value read from a file (``None``: nothing): over
    :data:`MAX_CELL` characters, or holding a character no text may hold (a control or bidi
    character, a lone surrogate, a noncharacter). The events files' text rule, for every
    name and code a reader takes."""
    if len(text) > MAX_CELL:
        return f"holds {len(text):,} characters; a value may hold {MAX_CELL:,}"
    bad = _UNSAFE_TEXT.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    return (
        f"contains U+{code:04X} ({_character_kind(code)}) at position {bad.start() + 1}; "
        "text may not hold it, remove it"
    )


QUOTE_CHARS = 60
"""Characters of a value a problem quotes; a longer value is cut and its length stated."""


def quoted(text: str) -> str:
    """A value as a problem quotes it: ``'abc'``, or cut after :data:`QUOTE_CHARS` characters
    with its length stated (``'2025-03-13T…' (8,388,608 characters)``), so a problem line
    stays a line whatever the file holds."""
    if len(text) <= QUOTE_CHARS:
        return f"'{text}'"
    return f"'{text[:QUOTE_CHARS]}…' ({len(text):,} characters)"


NUMBER_HELP = "write numbers with the ASCII digits 0-9, a '.' and an optional exponent"


def plain_number(text: str) -> bool:
    """Whether a number's text uses only what every reader of the file agrees on: ASCII
    characters and no ``_`` (Python's ``float`` also takes ``５５.59``, ``٥٥.59`` and
    ``3_7.26``, which a spreadsheet or another program reads differently or not at all)."""
    return text.isascii() and "_" not in text


def ragged_text(fields: int, width: int) -> str:
    """What a record of the wrong width is told (the events files' and the track CSVs')."""
    return (
        f"has {fields} fields, the header has {width} (an unquoted comma, or a missing field?)"
    )


def csv_error_text(exc: csv.Error, at: int, start: int) -> str:
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
    header_help: str | None = None,
) -> bool:
    expected = header_help or ",".join(c for c in columns if c not in optional)
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


def in_line_order(problems: list[Problem]) -> list[Problem]:
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
