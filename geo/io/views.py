"""Views: the moments a document opens on and the chapters it tells, from ``views.csv``.

``id,title,text,time,start,end,extent,mode,window`` — a view sets the clock (``time``), the
part of the timeline the slider spans (``start``..``end``, inclusive UTC dates), the map's
extent (``minlon,minlat,maxlon,maxlat``, or empty to fit the view's events) and the display
mode (``cumulative``: everything up to the clock; ``window``: what overlaps the clock ±
``window``, an ISO 8601 duration such as ``P1D``). The first view is the one a document
opens on; the page shows them all as chapters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, timedelta

from geo.io.csvfile import in_line_order, plain_number, read_records
from geo.io.source import Source, default_name
from geo.model import SOURCE_ID, VIEW_COLUMNS, DataError, MapView, Problem
from geo.options import TIME_MODES
from geo.timeline import parse_date_bound, parse_time

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$",
    re.ASCII,
)


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration of years (365 days), weeks, days, hours and minutes: ``P1D``,
    ``PT6H``, ``P1Y``; ``ValueError`` otherwise."""
    m = _DURATION.match(text)
    if not m or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"'{text}' is not a duration; write P1D, P7D, PT6H or P1Y")
    n = {k: int(v) if v else 0 for k, v in m.groupdict().items()}
    value = timedelta(
        days=365 * n["years"] + 7 * n["weeks"] + n["days"], hours=n["hours"],
        minutes=n["minutes"],
    )
    if not value:
        raise ValueError(f"'{text}' is an empty duration")
    if value > timedelta(days=3650):
        raise ValueError(f"'{text}' is longer than ten years")
    return value


def _extent(text: str) -> tuple[float, float, float, float]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"'{text}' is not an extent; write minlon,minlat,maxlon,maxlat")
    try:
        if not all(map(plain_number, parts)):  # float() takes '５５', '٥٥' and '3_7'
            raise ValueError(text)
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"'{text}' is not four numbers (minlon,minlat,maxlon,maxlat)") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise ValueError(f"'{text}' is not four finite numbers")
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError(
            f"'{text}': need -180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90"
        )
    return w, s, e, n


def read_views(source: Source, name: str, problems: list[Problem]) -> list[MapView]:
    """The views of a file, in its order; rows with problems are reported and left out."""
    out: list[MapView] = []
    seen: dict[str, int] = {}
    optional = ("text", "time", "start", "end", "extent", "mode", "window")
    table = read_records(source, name, VIEW_COLUMNS, problems, optional=optional)
    for line, row in table.rows():
        n_before = len(problems) - (line in table.flagged)
        cells = {col: row.get(col, "").strip() for col in VIEW_COLUMNS}

        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(name, line, column, message))

        vid = cells["id"]
        if not SOURCE_ID.match(vid) and not re.fullmatch(r"[a-z0-9]+", vid):
            bad("id", f"'{vid}' is not a view id: write a lowercase slug, e.g. flight-night")
        elif vid in seen:
            bad("id", f"'{vid}' is already used on line {seen[vid]}")
        seen.setdefault(vid, line)
        if not cells["title"]:
            bad("title", "empty; a chapter needs a title")
        time = start = end = None
        extent = None
        window = None
        try:
            time = parse_time(cells["time"], "UTC").start_utc if cells["time"] else None
        except ValueError as exc:
            bad("time", str(exc))
        for col in ("start", "end"):
            if cells[col]:
                try:
                    bound = parse_date_bound(cells[col], end=col == "end")
                except ValueError as exc:
                    bad(col, str(exc))
                    continue
                if col == "start":
                    start = bound
                else:
                    end = bound
        if start and end and end <= start:
            bad("end", f"'{cells['end']}' is before start '{cells['start']}'")
        if time and ((start and time < start) or (end and time >= end)):
            bad("time", f"'{cells['time']}' is outside the view's start..end")
        if cells["extent"]:
            try:
                extent = _extent(cells["extent"])
            except ValueError as exc:
                bad("extent", str(exc))
        mode = cells["mode"] or "cumulative"
        if mode not in TIME_MODES:
            bad("mode", f"'{mode}' is not a mode; use one of {', '.join(TIME_MODES)}")
        if cells["window"]:
            try:
                window = parse_duration(cells["window"])
            except ValueError as exc:
                bad("window", str(exc))
        elif mode == "window":
            bad("window", "a window view needs its window (e.g. P1D)")
        if len(problems) > n_before:
            continue
        out.append(
            MapView(
                vid, cells["title"], cells["text"], time, start, end, extent,
                "window" if mode == "window" else "cumulative", window, line,
            )
        )
    return out


def load_views(source: Source, name: str | None = None) -> list[MapView]:
    """``views.csv`` on its own; raises :class:`DataError`."""
    name = name or default_name(source, "views.csv")
    problems: list[Problem] = []
    views = read_views(source, name, problems)
    if problems:
        raise DataError(in_line_order(problems))
    return views


def date_presets(views: Sequence[MapView]) -> dict[str, tuple[date, date]]:
    """Each view with a span as a date range to pick: its title -> its first and last UTC
    day (the app's presets are the document's chapters, not a list of their own)."""
    out: dict[str, tuple[date, date]] = {}
    for view in views:
        if view.start_utc is not None and view.end_utc is not None:
            last = view.end_utc - timedelta(microseconds=1)  # the end is exclusive
            out.setdefault(view.title, (view.start_utc.date(), last.date()))
    return out
