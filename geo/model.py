"""Typed records: the one shape every later step of the pipeline trusts.

Times inside are aware UTC datetimes. An event's time is an interval
``[start_utc, end_utc]``: for a minute- or second-precise time it is the instant itself
(``start_utc == end_utc`` for a point event, departure and arrival for a flight); for a
coarser time (a day, a month, a year) it covers the whole local period, and ``end_utc`` is
the first instant *after* it (half-open).  The precision the source gave travels with the
record, so nothing downstream invents a minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol, cast, get_args

Kind = Literal[
    "flight", "visit", "meeting", "call", "agreement", "statement", "report", "letter", "ruling"
]
Status = Literal["confirmed", "reported", "speculative"]
Precision = Literal["year", "month", "day", "minute", "second"]

KINDS: tuple[str, ...] = get_args(Kind)
STATUSES: tuple[str, ...] = get_args(Status)
PRECISIONS: tuple[str, ...] = get_args(Precision)

@dataclass(frozen=True, slots=True)
class Column:
    """A column of an input file: its name, whether a file may leave it out, what it holds."""

    name: str
    meaning: str
    optional: bool = False


EVENT_FILE: tuple[Column, ...] = (
    Column("id", "required, unique in the file"),
    Column("kind", "flight, visit, meeting, call, agreement, statement, report, letter or ruling"),
    Column("title", "free text (the id is shown where it is empty)"),
    Column("start", "local time at the precision the source gives: 2025, 2025-03, 2025-03-14, "
           "2025-03-14T01:54 (optionally +03:00 or Z)"),
    Column("end", "optional (required for a flight); the same forms"),
    Column("origin", "where the parties came from or called from: place references, ';'"),
    Column("destination", "where it happened (a flight's arrival airport): one place"),
    Column("participants", "names separated by ';'"),
    Column("status", "confirmed, reported or speculative"),
    Column("sources", "at least one, ';'-separated: a source id of sources.csv, or free text"),
    Column("notes", "free text"),
    Column("aircraft", "a flight's registration, ICAO 24-bit hex or callsign (links a recorded "
           "track)", optional=True),
)
"""The columns of ``events.csv``, declared once: the reader, the events CSV export, the frames
reader and the app's editor take their columns from here (``docs/data-format.md`` says more)."""
EVENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in EVENT_FILE if not c.optional)
"""The columns every events file has."""
EVENT_OPTIONAL: tuple[str, ...] = tuple(c.name for c in EVENT_FILE if c.optional)
"""Columns an events file may add: ``aircraft`` (a registration, ICAO hex or callsign)."""
EVENT_FILE_COLUMNS: tuple[str, ...] = tuple(c.name for c in EVENT_FILE)
"""Every column of ``events.csv``, in order."""
AIRPORT_COLUMNS: tuple[str, ...] = ("iata", "icao", "name", "city", "country", "lat", "lon", "tz")
PLACE_COLUMNS: tuple[str, ...] = ("name", "country", "lat", "lon", "tz", "aliases")
SOURCE_COLUMNS: tuple[str, ...] = ("id", "outlet", "title", "author", "published", "url", "notes")

VIEW_COLUMNS: tuple[str, ...] = (
    "id", "title", "text", "time", "start", "end", "extent", "mode", "window",
)

SOURCE_ID = re.compile(r"^(?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)+$", re.ASCII)
"""A ``sources`` token written as a lowercase slug with hyphens and at least one letter
(``oc-media-2025-03-17``) is a source id, which ``sources.csv`` must hold; anything else
(``TASS``, a URL, a date such as ``2025-03-14``) is free text."""


@dataclass(frozen=True, slots=True)
class Place:
    """A named place (a capital, a city) from ``places.csv``."""

    name: str
    country: str
    lat: float
    lon: float
    tz: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Airport:
    """An airport from ``airports.csv`` or the ``airportsdata`` package."""

    iata: str
    icao: str
    name: str
    city: str
    country: str
    lat: float
    lon: float
    tz: str

    @property
    def code(self) -> str:
        return self.iata or self.icao


@dataclass(frozen=True, slots=True)
class Location:
    """A resolved place reference: what an event's origin or destination points at."""

    name: str
    lat: float
    lon: float
    tz: str
    country: str
    airport: str = ""  # IATA (or ICAO) code when the reference is an airport

    @property
    def label(self) -> str:
        return f"{self.name} ({self.airport})" if self.airport else self.name


COARSER: dict[tuple[str, str], Precision] = {  # (precision, precision) -> the coarser
    (a, b): cast(Precision, PRECISIONS[min(PRECISIONS.index(a), PRECISIONS.index(b))])
    for a in PRECISIONS
    for b in PRECISIONS
}


@dataclass(frozen=True, slots=True)
class Reference:
    """What an event cites: a row of ``sources.csv``, or a free-text source (only ``title``,
    and ``url`` when the text is an http(s) URL)."""

    id: str
    outlet: str
    title: str
    author: str = ""
    published: str = ""  # ISO date at its precision: 2025-03-17, 2025-03 or 2025
    url: str = ""
    notes: str = ""

    @property
    def citation(self) -> str:
        """The reference as a reader cites it: ``OC Media, “Top officials …”, Nate Ostiller,
        17 Mar 2025``; a supplied title (in square brackets) is not quoted; free text as is."""
        if not self.id:
            return self.title
        title = self.title if self.title.startswith("[") else f"“{self.title}”"
        parts = [self.outlet, title, self.author, _published_label(self.published)]
        return ", ".join(part for part in parts if part)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _published_label(iso: str) -> str:
    """``2025-03-17`` -> ``17 Mar 2025``; ``2025-03`` -> ``Mar 2025``; ``2025`` as is."""
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso


def free_reference(text: str) -> Reference:
    """A free-text source: the text itself, a link when it is an http(s) URL."""
    return Reference("", "", text, url=text if is_http_url(text) else "")


@dataclass(frozen=True, slots=True)
class MapView:
    """A moment a document opens on, or one of its chapters (a row of ``views.csv``)."""

    id: str
    title: str
    text: str  # a short plain-text paragraph
    time_utc: datetime | None  # the clock (None: the end of the view's span)
    start_utc: datetime | None  # the span the slider covers (None: the data's)
    end_utc: datetime | None
    extent: tuple[float, float, float, float] | None  # minlon, minlat, maxlon, maxlat
    mode: Literal["cumulative", "window"] = "cumulative"
    window: timedelta | None = None
    line: int = 0


class RecordedTrack(Protocol):
    """What the records need of a flight's recorded track (ADS-B): the tracks package's
    :class:`geo.tracks.link.RecordedFlight` is one. The model names no tracks type, so it
    imports nothing above it; the readers of a recorded leg (the page's data, the exports)
    sit above :mod:`geo.tracks`."""

    @property
    def leg(self) -> Any:
        """The recorded leg (:class:`geo.tracks.model.Leg`)."""

    @property
    def comparison(self) -> Any:
        """The record against the report (:class:`geo.tracks.compare.Comparison`), or None
        for a flight that is its own record."""

    @property
    def drawn(self) -> Any:
        """The indices of the fixes the page draws (an int array)."""

    @property
    def source_line(self) -> str:
        """Where the record comes from, in words."""

    def lines(self) -> tuple[str, ...]:
        """The popup's lines: the source, then the findings."""

    def words(self) -> str:
        """The findings in one line."""

    def profile(self, samples: int = ...) -> tuple[Any, Any, Any]:
        """``(t, alt_ft, gs_kt)`` arrays for the profile chart."""

    def profile_caption(self) -> str:
        """What the profile chart shows, in words."""


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another aircraft the record shows that could have flown a reported flight: a candidate
    of ``--match-from`` (:mod:`geo.match.linking`) other than the chosen record, with its
    score, its reasons in short and its path (recorded fixes, thinned for drawing)."""

    name: str  # "N650GD (a1b2c3)": its registration (ICAO address), else the address
    score: float  # geo.match.score's score in [0, 1]
    reasons: tuple[str, ...]  # the score's reasons, in words (the files it came from left out)
    lat_deg: tuple[float, ...]  # the drawn path, in time order
    lon_deg: tuple[float, ...]

    def words(self) -> str:
        """The card's line: ``N650GD (a1b2c3), score 0.50: took off …; landed …``."""
        return f"{self.name}, score {self.score:.2f}" + (
            f": {'; '.join(self.reasons)}" if self.reasons else ""
        )


class Event(NamedTuple):
    """One validated row of ``events.csv``.

    A named tuple rather than a frozen dataclass: as immutable and as typed, and a bulk load
    makes 100,000 of them about four times faster (a frozen dataclass sets each of its 16
    fields through ``object.__setattr__``).
    """

    id: str
    kind: Kind
    title: str
    start_utc: datetime
    end_utc: datetime
    start_precision: Precision
    end_precision: Precision
    start_text: str
    end_text: str
    origin: tuple[Location, ...]
    destination: Location
    participants: tuple[str, ...]
    status: Status
    sources: tuple[str, ...]
    notes: str
    line: int = 0  # line in the source file where the row starts
    aircraft: str = ""  # registration, ICAO 24-bit hex or callsign (optional column)
    references: tuple[Reference, ...] = ()  # each source resolved: its row, or free text
    # a flight's recorded track (ADS-B), when one was linked: geo.tracks.link.RecordedFlight
    recorded: RecordedTrack | None = None
    # a flight's other candidates in an archive (--match-from): geo.match.linking
    alternatives: tuple[Alternative, ...] = ()

    @property
    def is_flight(self) -> bool:
        return self.kind == "flight"

    @property
    def start_tz(self) -> str:
        """The zone the start was written in: the origin airport's for a flight."""
        return self.origin[0].tz if self.kind == "flight" else self.destination.tz

    @property
    def end_tz(self) -> str:
        return self.destination.tz

    @property
    def precision(self) -> Precision:
        """The coarser of the start's and end's precision."""
        return COARSER[self.start_precision, self.end_precision]


# Characters that would break a line or hijack a terminal: C0/C1 controls (ESC sequences,
# \v, \f, NEL), the Unicode line and paragraph separators, and the bidi overrides.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str) -> str:
    """``text`` safe to print on one line of a terminal: line breaks, control characters and
    bidi overrides written as escapes (``\\n``, ``\\x1b``, ``\\u2028``), the rest unchanged."""
    return _UNSAFE.sub(_escape, text)


_HTTP_URL = re.compile(r"^https?://[^\s\"<>\\`]+$", re.IGNORECASE)


def is_http_url(text: str) -> bool:
    """The one link rule: only http(s) URLs become links (the page, the app and the exports
    ask this); ``javascript:``, ``data:`` and everything else stay text."""
    return _HTTP_URL.match(text.strip()) is not None


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input file, reported as ``FILE:LINE: column: message``."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        """One line, whatever the input held: cell text quoted in a message is made visible."""
        return f"{visible(self.file)}:{self.line}: {visible(self.column)}: {visible(self.message)}"


class DataError(Exception):
    """Every problem found in the input, raised once, all together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
