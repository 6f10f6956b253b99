"""The Streamlit app's logic without Streamlit: URL query <-> view, presets, uploads, panels.

``app.py`` is a thin shell over this module: widgets in, :class:`View` -> :class:`Filters`
(the same :func:`geo.timeline.parse_date_bound` bounds ``python -m geo export --start/--end``
uses), :func:`geo.query.select`, :func:`geo.export.export` out. Nothing here imports Streamlit,
so every piece is testable on its own.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import sys
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from geo.dataset import Dataset, load_dataset
from geo.io import MAX_BYTES, too_big_message
from geo.io.views import date_presets, load_views
from geo.model import KINDS, STATUSES, DataError, Event, Problem
from geo.options import BASEMAPS, DEFAULT_BASEMAP, Basemap, Format, parse_basemap
from geo.query import Filters, span_of
from geo.regions import region_or_none
from geo.shipped import shipped
from geo.table import flat, flight_text, normalize, track_lines
from geo.timeline import is_zone, last_day, parse_date_bound, time_in_zone

if TYPE_CHECKING:
    from geo.tracks.model import TrackSet
    from geo.tracks.read import TrackInput

DateRange = tuple[date, date]

ALL = "All"
CUSTOM = "Custom range"
PRESETS: dict[str, DateRange | None] = {ALL: None, **date_presets(load_views(shipped("views.csv")))}
QUERY_KEYS: tuple[str, ...] = (
    "start", "end", "kind", "status", "q", "within", "tz", "basemap",
)
MAX_QUERY_TEXT = 200
MAX_NOTE_VALUE = 60  # characters of a link's bad value quoted back in a note
UPLOAD_KEYS: tuple[str, ...] = ("events", "airports", "places", "sources")
TRACK_TYPES: tuple[str, ...] = ("json", "gz", "csv", "kml")
"""The suffixes the recorded-tracks uploader takes (readsb JSON, gzip of any, FR24 or fix
CSV, KML; :mod:`geo.tracks` tells them apart by their content)."""


@dataclass(frozen=True, slots=True)
class View:
    """What the page shows: the filters, the display zone and the basemap.

    ``start``/``end`` are inclusive UTC dates (``None``: open), as ``--start``/``--end``.
    Empty ``kinds``/``statuses`` mean all, as with no ``--kind``/``--status``.
    """

    start: date | None = None
    end: date | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    q: str = ""
    tz: str = "UTC"
    basemap: Basemap = DEFAULT_BASEMAP
    within: str = ""  # a region (geo.regions): a country, a box, a polygon file

    def filters(self) -> Filters:
        """Exactly the :class:`Filters` the CLI builds from :meth:`export_args`."""
        lo = parse_date_bound(self.start.isoformat()) if self.start else None
        hi = parse_date_bound(self.end.isoformat(), end=True) if self.end else None
        area = region_or_none(self.within)  # a bad one: said beside the field, left out
        return Filters(lo, hi, self.kinds, self.statuses, self.q.strip(), area)

    def export_args(self, fmt: Format) -> list[str]:
        """``python -m geo export`` options giving the same bytes as the app's download."""
        args = ["--format", fmt]
        if self.start:
            args += ["--start", self.start.isoformat()]
        if self.end:
            args += ["--end", self.end.isoformat()]
        for kind in self.kinds:
            args += ["--kind", kind]
        for status in self.statuses:
            args += ["--status", status]
        if self.q.strip():
            args.append(f"--search={self.q.strip()}")  # '=': a leading '-' stays text
        if self.within.strip():
            args.append(f"--within={self.within.strip()}")
        if self.tz != "UTC":
            args += ["--tz", self.tz]
        if self.basemap != DEFAULT_BASEMAP:
            args += ["--basemap", self.basemap]
        return args


# ---- URL query parameters ------------------------------------------------------------------


def _values(params: Mapping[str, str | Sequence[str]], key: str) -> list[str]:
    """Every value of ``key``: repeated (``kind=a&kind=b``) or comma lists (``kind=a,b``)."""
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def _last(params: Mapping[str, str | Sequence[str]], key: str) -> str | None:
    raw = params.get(key)
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    return raw[-1] if raw else None


def shown_value(value: str) -> str:
    """A value from a link, quoted back in a note: at most :data:`MAX_NOTE_VALUE` characters."""
    return value if len(value) <= MAX_NOTE_VALUE else value[:MAX_NOTE_VALUE] + "…"


def _choices(
    params: Mapping[str, str | Sequence[str]], key: str, allowed: Sequence[str], notes: list[str]
) -> tuple[str, ...]:
    out: list[str] = []
    for value in _values(params, key):
        if value not in allowed:
            notes.append(
                f"{key}: '{shown_value(value)}' is not one of {', '.join(allowed)}; ignored"
            )
        elif value not in out:
            out.append(value)
    return tuple(out)


def _date(params: Mapping[str, str | Sequence[str]], key: str, notes: list[str]) -> date | None:
    text = _last(params, key)
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        notes.append(f"{key}: '{shown_value(text)}' is not a date (YYYY-MM-DD); ignored")
        return None


def view_from_query(params: Mapping[str, str | Sequence[str]]) -> tuple[View, list[str]]:
    """The view a link asks for, and a note for each value that was ignored."""
    notes: list[str] = []
    start = _date(params, "start", notes)
    end = _date(params, "end", notes)
    if start and end and end < start:
        notes.append(f"end {end} is before start {start}; the date range is ignored")
        start = end = None
    q = (_last(params, "q") or "").strip()[:MAX_QUERY_TEXT]
    tz = (_last(params, "tz") or "UTC").strip() or "UTC"
    if not is_zone(tz):
        notes.append(
            f"tz: '{shown_value(tz)}' is not an IANA time zone (e.g. 'Asia/Baku'); UTC is used"
        )
        tz = "UTC"
    basemap_text = (_last(params, "basemap") or DEFAULT_BASEMAP).strip() or DEFAULT_BASEMAP
    basemap: Basemap = DEFAULT_BASEMAP
    try:
        basemap = parse_basemap(basemap_text)
    except ValueError:
        notes.append(
            f"basemap: '{shown_value(basemap_text)}' is not one of {', '.join(BASEMAPS)}; "
            f"{BASEMAPS[DEFAULT_BASEMAP].lower()} is used"
        )
    within = (_last(params, "within") or "").strip()[:MAX_QUERY_TEXT]
    if within:
        from geo.regions import region

        try:
            region(within, files=False)
        except ValueError:
            notes.append(f"within: '{shown_value(within)}' is not a region; ignored")
            within = ""
    view = View(
        start,
        end,
        _choices(params, "kind", KINDS, notes),
        _choices(params, "status", STATUSES, notes),
        q,
        tz,
        basemap,
        within,
    )
    return view, list(dict.fromkeys(notes))  # each note once, however often a value repeats


def view_to_query(view: View) -> dict[str, str]:
    """The query parameters of ``view``; defaults are left out so links stay short."""
    out: dict[str, str] = {}
    if view.start:
        out["start"] = view.start.isoformat()
    if view.end:
        out["end"] = view.end.isoformat()
    if view.kinds:
        out["kind"] = ",".join(view.kinds)
    if view.statuses:
        out["status"] = ",".join(view.statuses)
    if view.q.strip():
        out["q"] = view.q.strip()
    if view.within.strip():
        out["within"] = view.within.strip()
    if view.tz != "UTC":
        out["tz"] = view.tz
    if view.basemap != DEFAULT_BASEMAP:
        out["basemap"] = view.basemap
    return out


# ---- the date slider -----------------------------------------------------------------------


def date_span(events: Sequence[Event]) -> DateRange | None:
    """The slider's range: the first and last UTC dates any event overlaps."""
    span = span_of(events)
    if span is None:
        return None
    return span[0].date(), max(last_day(e) for e in events)


def slider_bounds(span: DateRange | None, today: date) -> DateRange:
    """Slider min and max: the span, widened to two days when it is one (or no data)."""
    lo, hi = span if span else (today, today)
    return (lo, hi) if hi > lo else (lo, lo + timedelta(days=1))


def misses(start: date | None, end: date | None, bounds: DateRange) -> bool:
    """Whether ``start``..``end`` lies wholly outside ``bounds``."""
    return bool((start and start > bounds[1]) or (end and end < bounds[0]))


def clamp_range(start: date | None, end: date | None, bounds: DateRange) -> DateRange:
    """``start``..``end`` (``None``: open) inside ``bounds``; all of it when they miss it.

    Clamping a range that meets the data selects the same events (there are none outside).
    """
    lo, hi = bounds
    if misses(start, end, bounds):
        return bounds
    return max(start or lo, lo), min(end or hi, hi)


def presets_for(bounds: DateRange) -> list[str]:
    """The presets that meet the data's dates (all of them for the shipped data)."""
    lo, hi = bounds
    return [
        label for label, rng in PRESETS.items() if rng is None or (rng[0] <= hi and rng[1] >= lo)
    ]


def preset_range(label: str, bounds: DateRange) -> DateRange:
    rng = PRESETS.get(label)
    return bounds if rng is None else clamp_range(rng[0], rng[1], bounds)


def preset_for(rng: DateRange, bounds: DateRange) -> str:
    """The preset whose (clamped) range is ``rng``, else :data:`CUSTOM`."""
    for label in presets_for(bounds):
        if preset_range(label, bounds) == rng:
            return label
    return CUSTOM


def range_to_view(view: View, rng: DateRange, bounds: DateRange) -> View:
    """``view`` with the slider's range; an end at the data's bound stays open."""
    start = None if rng[0] <= bounds[0] else rng[0]
    end = None if rng[1] >= bounds[1] else rng[1]
    return replace(view, start=start, end=end)


# ---- uploads -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: its name (used in problem lines) and its bytes."""

    name: str
    data: bytes


MAX_KEPT_PROBLEMS = 10_000
"""Problems a load keeps (the app shows fewer); the rest are only counted, so a small file
with millions of bad rows holds no more than these in the server."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A new dataset, or why there is none: ``FILE:LINE: column: message`` lines or an error.

    At most :data:`MAX_KEPT_PROBLEMS` problems are kept (in ``problems`` when the load was
    refused, in the dataset's when it loaded leniently); ``more_problems`` counts the others
    and ``summary`` is the dataset's summary counting them all.
    """

    dataset: Dataset | None
    problems: tuple[str, ...] = ()
    error: str = ""
    more_problems: int = 0
    summary: str = ""

    @property
    def ok(self) -> bool:
        return self.dataset is not None

    @staticmethod
    def loaded(dataset: Dataset) -> LoadResult:
        """A loaded dataset with its problems bounded (the summary still counts them all)."""
        found = len(dataset.problems)
        if found <= MAX_KEPT_PROBLEMS:
            return LoadResult(dataset, summary=dataset.summary)
        summary = dataset.summary
        kept = replace(dataset, problems=dataset.problems[:MAX_KEPT_PROBLEMS])
        return LoadResult(kept, more_problems=found - MAX_KEPT_PROBLEMS, summary=summary)

    @staticmethod
    def refused(problems: Sequence[object], error: str = "") -> LoadResult:
        """A refused load: its first problems as lines, the others counted."""
        lines = tuple(str(p) for p in problems[:MAX_KEPT_PROBLEMS])
        return LoadResult(None, lines, error, more_problems=len(problems) - len(lines))


def is_own_record(event: Event) -> bool:
    """A flight made from a recorded leg nobody reported (not a row of an events file)."""
    return event.recorded is not None and event.recorded.comparison is None


def upload_key(uploads: Mapping[str, Upload | None], tracks: Sequence[Upload] = ()) -> str:
    """A digest of the uploads' names and bytes (the cache key of the loaded dataset)."""
    h = hashlib.sha256()
    for key in UPLOAD_KEYS:
        up = uploads.get(key)
        h.update(key.encode())
        if up is None:
            h.update(b"\x00-")
        else:
            h.update(b"\x01" + up.name.encode() + b"\x00" + hashlib.sha256(up.data).digest())
    for up in tracks:
        h.update(b"\x02" + up.name.encode() + b"\x00" + hashlib.sha256(up.data).digest())
    return h.hexdigest()


EDITED_NAME = "edited events"
"""The editor's events as problem lines name them."""


def edit_key(
    text: str, references: Mapping[str, Upload] | None = None, tracks: Sequence[Upload] = ()
) -> str:
    """The data key of edited events: a digest of everything that made the dataset (the
    edited text, the reader's uploaded reference files and tracks), never of the text alone,
    so two sessions' same edit over other files are two datasets."""
    given = {**(references or {}), "events": Upload(EDITED_NAME, text.encode("utf-8"))}
    return "edit:" + upload_key(given, tracks)


def load_uploads(
    events: Upload | None = None,
    airports: Upload | None = None,
    places: Upload | None = None,
    sources: Upload | None = None,
    *,
    tracks: Sequence[Upload] = (),
    strict: bool = False,
    read_track: Callable[[TrackInput], TrackSet] | None = None,
    with_shipped: bool = False,
) -> LoadResult:
    """Validate uploaded files in memory; the shipped events stand in when none are uploaded,
    and uploaded airports, places and sources add to the shipped ones; recorded ``tracks``
    (:mod:`geo.tracks`) are linked to the flights they record, each read by ``read_track``
    (:func:`track_reader`: once per server). ``with_shipped``: uploaded events add to the
    shipped ones (a row with a shipped id replaces that event) instead of replacing them.

    Lenient unless ``strict``: the valid rows load and the others are listed in the
    dataset's ``problems``. Never raises: a file over :data:`geo.io.MAX_BYTES` is refused
    unread, a :class:`DataError` becomes its problem lines, anything else one error message.
    """
    given = {"events": events, "airports": airports, "places": places, "sources": sources}
    refused = [
        str(Problem(up.name, 1, "file", too_big_message(len(up.data))))
        for up in given.values()
        if up is not None and len(up.data) > MAX_BYTES
    ]
    if refused:
        return LoadResult.refused(refused)
    names = {key: up.name for key, up in given.items() if up is not None}
    try:
        dataset = load_dataset(
            events.data if events else None,
            airports.data if airports else None,
            places.data if places else None,
            sources=sources.data if sources else None,
            tracks=[(up.name, up.data) for up in tracks],
            names=names,
            strict=strict,
            read_track=read_track,
            with_shipped=with_shipped,
        )
    except DataError as err:
        return LoadResult.refused(err.problems)
    except Exception as exc:  # shown to the user; the last good data stays
        files = ", ".join(names.values()) or "the files"
        return LoadResult(None, error=f"{files}: could not be loaded ({type(exc).__name__}: {exc})")
    return LoadResult.loaded(dataset)


def track_reader(cache: ByteCache) -> Callable[[TrackInput], TrackSet]:
    """A reader of uploaded tracks that reads each file once while ``cache`` keeps it (its
    key: a digest of the file's name and bytes, everything its reading depends on), so an
    edit of the events re-links the parsed tracks instead of reading them again. A file that
    cannot be read is read again each time (its problems are not kept)."""
    from geo.tracks import TrackSet, load_tracks

    def read(given: TrackInput) -> TrackSet:
        if not isinstance(given, tuple):  # a path: files change, never remembered
            return load_tracks([given])
        name, data = given
        key = "track:" + hashlib.sha256(
            name.encode("utf-8", "surrogatepass") + b"\x00" + data
        ).hexdigest()
        cached = cache.get(key)
        if isinstance(cached, TrackSet):
            return cached
        found = load_tracks([given])
        cache.put(key, found)
        return found

    return read


def problems_by_row(text: str, problems: Sequence[str]) -> dict[int, list[str]]:
    """The problems of an events file (``NAME:LINE: column: message``) by the index of the row
    they are on (0: the first row after the header), each as ``column: message``. A row
    starts on a line of its own; a cell with a line break makes it span more than one, so
    rows are counted as the CSV reader reads them, not as lines."""
    starts: dict[int, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1  # where the record being read starts
    for k, _ in enumerate(reader):
        if k:
            starts[line] = k - 1
        line = reader.line_num + 1
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        _, _, rest = problem.partition(":")
        number, _, message = rest.partition(": ")
        if number.isdigit() and int(number) in starts:
            by_row.setdefault(starts[int(number)], []).append(message)
    return by_row


# ---- the session ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Session:
    """Everything a reader's session keeps besides its widgets' values, as one typed record
    (the app replaces it, never mutates it).

    ``dataset`` is the last good data (``None`` only when even the shipped data is broken);
    ``problems``/``problem_error`` why the last upload was not taken; ``upload_sig`` the
    digest of the uploads it reflects; ``upload_nonce`` renews the uploaders' keys (emptying
    them); ``query_notes`` what the link asked for that was ignored; ``wanted_range`` the
    link's dates, until the slider has bounds (``range_bounds``) to fit them in.
    """

    dataset: Dataset | None = None
    data_key: str = ""
    data_label: str = ""
    problems: tuple[str, ...] = ()
    problem_error: str = ""
    upload_sig: str | None = None
    upload_nonce: int = 0
    query_notes: tuple[str, ...] = ()
    wanted_range: tuple[date | None, date | None] = (None, None)
    range_bounds: DateRange | None = None
    notice: str = ""  # said once, on the next run (e.g. that the date range was reset)
    selected: tuple[str, ...] = ()  # events chosen in the table or on the map (rows selected)
    focus: tuple[str, ...] = ()  # events chosen in the table: the map shows them
    map_seen: object = None  # the map's last value handled (its counter)
    table_seen: tuple[str, ...] = ()  # the table's last selection handled
    tracks: tuple[Upload, ...] = ()  # the recorded tracks uploaded with the data
    references: tuple[tuple[str, Upload], ...] = ()  # uploaded airports/places/sources by key
    edited: str | None = None  # the editor's events as CSV text, until discarded
    edit_problems: tuple[str, ...] = ()
    edit_sig: str = ""  # the edited text the problems are of
    more_problems: int = 0  # the refused load's problems beyond ``problems`` (counted only)
    data_summary: str = ""  # the dataset's summary as loaded (counting every problem)
    data_more_problems: int = 0  # the dataset's problems beyond those it keeps

    @property
    def shipped(self) -> bool:
        return self.data_key.startswith("shipped:")

    @property
    def skipped_note(self) -> str:
        """What the current data left out, in words ('' when nothing)."""
        data = self.dataset
        if data is None or not data.problems:
            return ""
        return self.data_summary or data.summary

    def with_data(self, result: LoadResult, key: str, label: str) -> Session:
        """The session after a load: the new data, or the old with the load's problems."""
        if result.dataset is None:
            return replace(
                self,
                problems=result.problems,
                more_problems=result.more_problems,
                problem_error=result.error or ("" if result.problems else "the data has problems"),
            )
        return replace(
            self, dataset=result.dataset, data_key=key, data_label=label, problems=(),
            problem_error="", more_problems=0,
            data_summary=result.summary or result.dataset.summary,
            data_more_problems=result.more_problems,
        )


# ---- text is text ---------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
WORD_JOINER = "\u2060"
_AUTOLINK_START = re.compile(r"(?i)(?:https?|ftp|mailto|xmpp)(?=:)|www(?=\.)|@")
"""Where GitHub-flavoured Markdown starts a link of its own in plain text (``http://``,
``www.``, an address's ``@``): Streamlit's Markdown links these even when escaped."""


def md_text(text: object) -> str:
    """Any string from a file or a link, for a place Streamlit reads as Markdown (a label, a
    message, a table cell): every ASCII punctuation character backslash-escaped (CommonMark
    allows it for each), so no link, image, emphasis, HTML tag, ``:color[...]`` directive or
    KaTeX ``$...$`` comes alive; an invisible word joiner after each place a bare URL or
    address would start (``https\u2060://``, ``www\u2060.``, ``@\u2060``), so none is
    auto-linked; line breaks become spaces. The one escaping helper of the app.
    """
    flat = " ".join(str(text).split())
    joined = _AUTOLINK_START.sub(lambda m: m.group(0) + WORD_JOINER, flat)
    return _PUNCTUATION.sub(r"\\\1", joined)


TILE_SOURCES = ("https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org")
"""Where the map's online tiles come from (folium's OpenStreetMap layer)."""


_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def script_hashes(document: str) -> tuple[str, ...]:
    """The CSP sources (``'sha256-…'``) of the document's own inline scripts, each once, in
    order: its text as the HTML parser gives it to the browser (line breaks normalised)."""
    seen: dict[str, None] = {}
    for match in _INLINE_SCRIPT.finditer(document):
        text = match.group(1).replace("\r\n", "\n").replace("\r", "\n")
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        seen[f"'sha256-{digest}'"] = None
    return tuple(seen)


def map_policy(basemap: Basemap, document: str) -> str:
    """The content security policy of the app's map frame (a frame of its own): the
    document's own inline scripts by their hashes (no other script runs: not one injected
    into the document, not an inline event handler, not ``eval``), inline style, its
    ``data:`` images (Leaflet's icons) and nothing else; images from the tile server only
    when the basemap has tiles."""
    images = " ".join(("data:", *(TILE_SOURCES if basemap == "tiles" else ())))
    scripts = " ".join(script_hashes(document)) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
        f"img-src {images}; font-src data:; base-uri 'none'; form-action 'none'"
    )


# ---- a cache sized by bytes -----------------------------------------------------------------

SAMPLED_ITEMS = 256
"""A sequence longer than this is sized by this many of its items, evenly spaced."""


def deep_size(value: object) -> int:
    """The bytes ``value`` holds, measured: every object it reaches (``sys.getsizeof``; a
    NumPy array's buffer, a DataFrame's deep memory usage), each counted once. A tuple, list,
    set or dict longer than :data:`SAMPLED_ITEMS` is measured on that many items, evenly
    spaced, and scaled to its length (a dataset of a million events is sized in milliseconds).
    Classes, modules and functions are not part of a value and are not counted."""
    seen: set[int] = set()
    skip = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
            types.MethodType)
    leaves = (str, bytes, bytearray, int, float, complex, bool, type(None), date, memoryview)

    def size(obj: object) -> int:
        if id(obj) in seen or isinstance(obj, skip):
            return 0
        seen.add(id(obj))
        if isinstance(obj, leaves):
            return sys.getsizeof(obj)
        if hasattr(obj, "memory_usage") and hasattr(obj, "columns"):  # a DataFrame
            return int(obj.memory_usage(deep=True).sum())
        if hasattr(obj, "nbytes") and hasattr(obj, "dtype"):  # an array: its buffer too
            return sys.getsizeof(obj) + int(getattr(obj, "nbytes", 0))
        items: list[object]
        if isinstance(obj, dict):
            items = [x for kv in obj.items() for x in kv]
        elif isinstance(obj, tuple | list | set | frozenset | OrderedDict):
            items = list(obj)
        else:
            items = [getattr(obj, name) for name in _slots(type(obj)) if hasattr(obj, name)]
            items += list(getattr(obj, "__dict__", {}).values())
        own = sys.getsizeof(obj)
        if len(items) <= SAMPLED_ITEMS:
            return own + sum(size(x) for x in items)
        step = len(items) / SAMPLED_ITEMS
        picked = [items[int(k * step)] for k in range(SAMPLED_ITEMS)]
        return own + int(sum(size(x) for x in picked) * len(items) / SAMPLED_ITEMS)

    return size(value)


def _slots(cls: type) -> list[str]:
    return [name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())
            if isinstance(name, str) and not name.startswith("__")]


class ByteCache:
    """The datasets, documents, tables and selections sessions share, kept while their
    measured sizes (:func:`deep_size`) fit in ``budget`` bytes: the least recently used go
    first, and a value over a quarter of the budget is not kept at all. One lock: a
    Streamlit server runs each session's script on a thread of its own."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._items: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value: object, size: int | None = None) -> int:
        """Keep ``value`` (its size measured unless given); the bytes it was counted as."""
        n = deep_size(value) if size is None else size
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= old[1]
            if n > self.budget // 4:
                return n
            self._items[key] = (value, n)
            self._total += n
            while self._total > self.budget and self._items:
                _, (_, gone) = self._items.popitem(last=False)
                self._total -= gone
        return n

    @property
    def size(self) -> int:
        with self._lock:
            return self._total

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


# ---- what the page shows -------------------------------------------------------------------

TABLE_ORDER: tuple[str, ...] = (
    "id",
    "kind",
    "status",
    "title",
    "when",
    "shown",  # the time in the display zone (see table_rows)
    "start_utc",
    "end_utc",
    "origin",
    "destination",
    "participants",
    "references",
    "notes",
    "aircraft",
    "start_local",
    "end_local",
    "timezone",
    "precision",
    "destination_lat",
    "destination_lon",
    "distance_km",
    "duration_minutes",
    "avg_speed_kmh",
    "plausible",
    "plausibility",
)


def shown_column(tz: str) -> str:
    """The table's column of times in the display zone."""
    return f"time ({tz})"


def _cell(value: Any) -> Any:
    return flat(value) if isinstance(value, list) else value


def table_rows(events: Iterable[Event], tz: str = "UTC") -> list[dict[str, Any]]:
    """:func:`geo.table.normalize` rows in table order, list cells joined with ``; ``
    (sources as their citations and addresses: :func:`geo.table.flat`), and each event's
    time in the display zone ``tz``."""
    rows = []
    for ev in events:
        row = normalize(ev)
        row["shown"] = time_in_zone(ev, tz)
        row["aircraft"] = ev.aircraft
        rows.append(
            {shown_column(tz) if col == "shown" else col: _cell(row.get(col))
             for col in TABLE_ORDER}
        )
    return rows


def flight_panel(event: Event, tz: str = "UTC") -> dict[str, str]:
    """A flight's facts as label -> text, all from :func:`geo.table.normalize`; its times
    also in the display zone ``tz``."""
    row = normalize(event)
    text = flight_text(event)
    plausible = row.get("plausible")
    mark = "✓ plausible" if plausible else "✗ implausible"
    origin = row["origin"][0] if row["origin"] else "?"
    panel = {
        "Route": f"{origin} → {row['destination']}",
        f"Times ({tz})": time_in_zone(event, tz),
        "Departs (local)": f"{row['start_local']} ({row['timezone']})",
        "Arrives (local)": f"{row['end_local']} ({row.get('arrival_timezone', '')})",
        "UTC": f"{row['start_utc']} → {row['end_utc']}",
        "Distance": text.distance,
        "Duration": text.duration,
        "Average speed": text.speed,
        "Plausibility": f"{mark}: {row.get('plausibility', '')}",
        "Status": str(row["status"]),
        "Sources": "; ".join(ref.citation for ref in event.references),
    }
    if event.aircraft:
        panel["Aircraft"] = event.aircraft
    lines = track_lines(event)  # the recorded track against the report, or "computed"
    panel["Track"] = lines[0]
    if len(lines) > 1:
        panel["Record vs report"] = "; ".join(lines[1:])
    if "takeoff_utc" in row:
        panel["Recorded (UTC)"] = f"{row['takeoff_utc']} → {row['landing_utc']}"
    return panel


def zone_options(viewer: str | None, data_zones: Iterable[str], every: Iterable[str]) -> list[str]:
    """UTC, the viewer's zone, the data's zones, then every other IANA zone (sorted)."""
    out: list[str] = ["UTC"]
    if viewer and is_zone(viewer) and viewer != "UTC":
        out.append(viewer)
    seen = set(out)
    for z in (*sorted(set(data_zones)), *sorted(set(every))):
        if z and z not in seen:
            out.append(z)
            seen.add(z)
    return out
