"""The Streamlit app's state without Streamlit: URL query <-> view, presets, the session.

``app.py`` is a thin shell over this module: widgets in, :class:`View` -> :class:`Filters`
(the same :func:`geo.timeline.parse_date_bound` bounds ``python -m geo export --start/--end``
uses), :func:`geo.query.select`, :func:`geo.export.export` out. Nothing here imports Streamlit,
so every piece is testable on its own. Beside it, by job: :mod:`geo.uploads` (files in),
:mod:`geo.panels` (what the page shows), :mod:`geo.apptext` (text and the map's policy),
:mod:`geo.bytecache` (the server's shared cache).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from geo.dataset import Dataset
from geo.io.views import date_presets, load_views
from geo.model import KINDS, STATUSES, Event
from geo.options import BASEMAPS, DEFAULT_BASEMAP, Basemap, Format, parse_basemap
from geo.query import Filters, span_of
from geo.regions import region_or_none
from geo.shipped import shipped
from geo.timeline import is_zone, last_day, parse_date_bound
from geo.uploads import LoadResult, Upload

DateRange = tuple[date, date]

ALL = "All"
CUSTOM = "Custom range"
PRESETS: dict[str, DateRange | None] = {ALL: None, **date_presets(load_views(shipped("views.csv")))}
QUERY_KEYS: tuple[str, ...] = (
    "start", "end", "kind", "status", "q", "within", "tz", "basemap",
)
MAX_QUERY_TEXT = 200
MAX_NOTE_VALUE = 60  # characters of a link's bad value quoted back in a note
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


