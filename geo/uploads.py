"""The app's files in: uploads checked in memory, their cache keys, the reader of uploaded
tracks, problems mapped to the editor's rows."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geo.bytecache import ByteCache
from geo.dataset import Dataset, load_dataset
from geo.io import MAX_BYTES, too_big_message
from geo.model import DataError, Event, Problem
from geo.tracks.read import TRACK_FORMATS, track_suffixes

if TYPE_CHECKING:
    from geo.tracks.model import TrackSet
    from geo.tracks.read import TrackInput


UPLOAD_KEYS: tuple[str, ...] = ("events", "airports", "places", "sources")
TRACK_TYPES: tuple[str, ...] = tuple(s.lstrip(".") for s in track_suffixes())
"""The names the app's track uploader takes: the track formats' own (geo.tracks.read)."""
TRACK_HELP = (
    "One of: " + "; ".join(f.label for f in TRACK_FORMATS) + "; plain or gzip. A track is "
    "linked to the flight whose aircraft column names its aircraft, within ±3 h; a leg nobody "
    "reported becomes a flight of its own."
)
"""The track uploader's help, from the registered formats (a new format is listed)."""


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
