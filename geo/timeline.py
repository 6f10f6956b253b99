"""Local time <-> UTC, precision intervals, date-range filters and honest labels.

A time written as ``2025-03`` means the whole of March 2025 *at the event's place*; a time
written as ``2025-03-14T01:54`` means that minute, local at the place, unless the text carries
its own offset (``+03:00`` or ``Z``). Local times are resolved with the place's IANA zone
(:mod:`zoneinfo`), so DST rules of the date itself apply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from geo.model import COARSER, Event, Precision

_ISO = re.compile(
    r"""^(?P<year>\d{4})
        (?:-(?P<month>\d{2})
          (?:-(?P<day>\d{2})
            (?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?
              (?P<offset>Z|[+-]\d{2}:?\d{2})?
            )?
          )?
        )?$""",
    re.VERBOSE | re.ASCII,  # \d is 0-9 only, not any script's digits ('٢٠٢٥', '２０２５')
)

FORMATS_HELP = "2025, 2025-03, 2025-03-14, 2025-03-14T01:54 or 2025-03-14T01:54:30[+03:00|Z]"


class TimeSpan(NamedTuple):
    """What one written time means: ``[start_utc, end_utc)`` at its precision.

    For a minute- or second-precise time ``start_utc == end_utc``. (A named tuple: a bulk
    load makes one per cell, and a tuple is made several times faster than a frozen class.)
    """

    start_utc: datetime
    end_utc: datetime
    precision: Precision


@lru_cache(maxsize=1)
def _iana_zones() -> frozenset[str]:
    """The installed IANA zones: not the leap-second ``right/`` (27 s off UTC) and ``posix/``
    copies ``ZoneInfo`` also opens, nor ``localtime`` (whatever this machine is set to) and
    ``Factory`` (no zone at all)."""
    return frozenset(available_timezones() - {"localtime", "Factory"})


@lru_cache(maxsize=4096)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; raises ``ValueError`` with a readable message."""
    try:
        if name not in _iana_zones():
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{name}' is not an IANA time zone (e.g. 'Asia/Baku')") from exc


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


def _local(naive: datetime, tz: ZoneInfo, *, strict: bool) -> datetime:
    """Attach ``tz`` to a naive local time and return the UTC instant.

    An ambiguous time (the repeated hour when clocks go back) takes its first occurrence.
    With ``strict``, a time that never happened (skipped when clocks go forward) is an error.
    """
    aware = naive.replace(tzinfo=tz)
    utc = aware.astimezone(UTC)
    if strict and utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks skip it)")
    return utc


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@lru_cache(maxsize=65536)
def parse_time(text: str, tz_name: str) -> TimeSpan:
    """Parse one ``start``/``end`` cell, local at ``tz_name`` unless it has an offset.

    Raises ``ValueError`` saying what is wrong and what would be valid.
    """
    try:
        return _parse_time(text, tz_name)
    except OverflowError:  # within a day of datetime's limits (years 1 and 9999)
        raise ValueError(f"'{text}' is out of range (years 1000 to 9998)") from None


def _parse_time(text: str, tz_name: str) -> TimeSpan:
    m = _ISO.fullmatch(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a date or time; write {FORMATS_HELP}")
    y, mo, d, h, mi, sec, offset = m.groups()
    year = int(y)
    month = int(mo) if mo else 1
    day = int(d) if d else 1
    hour = int(h) if h else 0
    minute = int(mi) if mi else 0
    second = int(sec) if sec else 0
    try:
        naive = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - zone below
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a real date or time ({exc})") from None
    if not 1000 <= year <= 9998:
        raise ValueError(f"'{text}': year {year} is out of range (1000 to 9998)")

    precision: Precision = (
        "second" if sec else "minute" if mi else "day" if d else "month" if mo else "year"
    )

    if offset is not None:
        if offset == "Z":
            fixed = UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 18 or minutes > 59:
                raise ValueError(f"'{text}': offset {offset} is out of range")
            fixed = timezone(sign * timedelta(hours=hours, minutes=minutes))
        instant = naive.replace(tzinfo=fixed).astimezone(UTC)
        return TimeSpan(instant, instant, precision)

    tz = zone(tz_name)
    if precision in ("minute", "second"):
        instant = _local(naive, tz, strict=True)
        return TimeSpan(instant, instant, precision)

    if precision == "day":
        after = naive + timedelta(days=1)
    elif precision == "month":
        ny, nm = _next_month(year, month)
        after = naive.replace(year=ny, month=nm)
    else:
        after = naive.replace(year=year + 1)
    return TimeSpan(_local(naive, tz, strict=False), _local(after, tz, strict=False), precision)


# The plain local forms `parse_times` does in bulk, position by position: a digit where
# this has 0, the date-time separator a T or a space. They are told apart by their length.
_PLAIN_FORM = "0000-00-00T00:00:00"
_PRECISION_BY_LENGTH: dict[int, Precision] = {
    4: "year",
    7: "month",
    10: "day",
    16: "minute",
    19: "second",
}


def parse_times(texts: Sequence[str], zones: Sequence[str]) -> list[TimeSpan | None]:
    """Many times at once: each span equals ``parse_time(texts[k], zones[k])``, or is None.

    The plain local forms (``2025``, ``2025-03``, ``2025-03-14``, ``2025-03-14T01:54[:30]``)
    are read as integer columns and resolved with one zone conversion per zone (pandas'
    ``tz_localize`` over the same IANA zone). The rest is None, for :func:`parse_time` to do
    one by one with its error messages: offsets, errors, years outside 1000..9998, and local
    times a clock change makes ambiguous or skips.
    """
    import numpy as np
    import pandas as pd  # only here: a bulk load; `check` of a small file never imports it

    n = len(texts)
    # The texts as a matrix of code points, NUL-padded to 20: a text of another length, with
    # a NUL of its own, or with anything but digits and the separators where the plain forms
    # have them is left to parse_time.
    chars = np.array(texts, dtype="U20").view(np.uint32).reshape(n, 20).astype(np.int64)
    length = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    is_digit = (chars >= ord("0")) & (chars <= ord("9"))
    shape_ok = np.isin(length, list(_PRECISION_BY_LENGTH)) & ((chars > 0).sum(axis=1) == length)
    for i, char in enumerate(_PLAIN_FORM):
        if char == "0":
            fits = is_digit[:, i]
        elif char == "T":
            fits = (chars[:, i] == ord("T")) | (chars[:, i] == ord(" "))
        else:
            fits = chars[:, i] == ord(char)
        shape_ok &= fits | (length < min(size for size in _PRECISION_BY_LENGTH if size > i))
    length = np.where(shape_ok, length, 0)
    digit = chars - ord("0")

    def number(first: int, width: int, shortest: int, default: int) -> Any:
        value = sum(digit[:, first + i] * 10 ** (width - 1 - i) for i in range(width))
        return np.where(length >= shortest, value, default)

    year = number(0, 4, 4, 1970)
    month = number(5, 2, 7, 1)
    day = number(8, 2, 10, 1)
    hour = number(11, 2, 16, 0)
    minute = number(14, 2, 16, 0)
    second = number(17, 2, 19, 0)
    ok = (
        (length > 0) & (year >= 1000) & (year <= 9998) & (month >= 1) & (month <= 12)
        & (hour < 24) & (minute < 60) & (second < 60)
    )
    year, month = np.where(ok, year, 1970), np.where(ok, month, 1)
    first_of_month = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    month_days = (first_of_month + 1).astype("datetime64[D]") - first_of_month.astype(
        "datetime64[D]"
    )
    ok &= (day >= 1) & (day <= month_days.astype(np.int64))
    date = first_of_month.astype("datetime64[D]") + (np.where(ok, day, 1) - 1)
    naive = date.astype("datetime64[s]") + (hour * 3600 + minute * 60 + second)
    instant = length >= 16
    after = np.where(  # the first instant after a coarse period; an instant is its own end
        instant,
        naive,
        np.where(
            length == 4,
            (year + 1 - 1970).astype("datetime64[Y]").astype("datetime64[s]"),
            np.where(
                length == 7,
                (first_of_month + 1).astype("datetime64[s]"),
                (date + 1).astype("datetime64[s]"),
            ),
        ),
    )

    # one zone conversion per zone, of the starts and the ends together
    bounds = np.concatenate([naive, after])
    utc_s = np.zeros(2 * n, dtype=np.int64)
    candidates = np.flatnonzero(ok)
    zone_code, zone_names = pd.factorize(np.array(zones, dtype=object)[candidates])
    by_zone = candidates[np.argsort(zone_code, kind="stable")]
    first = np.searchsorted(np.sort(zone_code), np.arange(len(zone_names) + 1))
    for j, tz_name in enumerate(zone_names):
        rows = by_zone[first[j] : first[j + 1]]
        if not is_zone(tz_name):
            ok[rows] = False
            continue
        both = np.concatenate([rows, rows + n])
        local = pd.DatetimeIndex(bounds[both])
        utc = local.tz_localize(zone(tz_name), ambiguous="NaT", nonexistent="NaT")
        missing = np.asarray(utc.isna()).reshape(2, -1).any(axis=0)
        ok[rows[missing]] = False  # a clock change there: parse_time decides
        utc_s[both] = utc.as_unit("s").asi8

    starts = utc_s[:n].tolist()
    ends = utc_s[n:].tolist()
    lengths = length.tolist()
    at = datetime.fromtimestamp
    spans: list[TimeSpan | None] = [None] * n
    for k in np.flatnonzero(ok).tolist():
        begin = at(starts[k], UTC)
        size = lengths[k]
        spans[k] = TimeSpan(
            begin, begin if size >= 16 else at(ends[k], UTC), _PRECISION_BY_LENGTH[size]
        )
    return spans


def parse_date_bound(text: str, *, end: bool = False) -> datetime:
    """A CLI/app date filter bound: an inclusive UTC date (or finer ISO time).

    ``end=True`` gives the first instant after the bound's period, so ``--end 2025-03-14``
    keeps everything that starts on 14 March UTC, and ``--end 2025-03-14T10:00`` keeps an
    event at 10:00 (the bound's minute is included too).
    """
    span = parse_time(text, "UTC")
    if not end:
        return span.start_utc
    if span.precision == "minute":
        return span.start_utc + timedelta(minutes=1)
    if span.precision == "second":
        return span.start_utc + timedelta(seconds=1)
    return span.end_utc


INSTANT = timedelta(seconds=1)
"""How long an instant lasts on the clock: times are precise to the second at most."""


def exclusive_end(event: Event) -> datetime:
    """The first instant after the event, so that every event is the half-open interval
    ``[start_utc, exclusive_end)`` — the one rule of :func:`overlaps`, of the page's clock
    (an event is *done*, *possibly under way* or *not yet* at t) and of its filters.

    A coarse end (a day, a month) is already the first instant after; a minute- or
    second-precise end is an instant inside the event (a flight is still under way at its
    arrival minute), so its interval runs one second past it.
    """
    if event.end_precision in ("minute", "second"):
        return event.end_utc + INSTANT
    return event.end_utc


def overlaps(event: Event, lo_utc: datetime | None, hi_utc: datetime | None) -> bool:
    """Whether the event's interval ``[start_utc, exclusive_end)`` meets ``[lo_utc, hi_utc)``."""
    if hi_utc is not None and event.start_utc >= hi_utc:
        return False
    return lo_utc is None or exclusive_end(event) > lo_utc


def last_day(event: Event) -> date:
    """The last UTC date whose ``--end`` bound keeps ``event`` (its end is half-open);
    the counterpart of :func:`overlaps` for date pickers."""
    if event.end_utc > event.start_utc:
        return (event.end_utc - timedelta(microseconds=1)).date()
    return event.end_utc.date()


def iso_utc(dt: datetime) -> str:
    """``2025-03-13T22:54:00Z``: RFC 3339 and ``xsd:dateTime``, always with seconds and a
    four-digit year (``0999-12-31T10:00:00Z``), as every export and list writes a UTC time."""
    u = dt.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"
    )


def iso_local(dt: datetime, tz_name: str) -> str:
    """``2025-03-14T01:54:00+03:00`` in the zone ``tz_name`` (RFC 3339, with seconds)."""
    return dt.astimezone(zone(tz_name)).isoformat(timespec="seconds")


def format_instant(dt: datetime, tz_name: str) -> str:
    """``01:54 MSK 14 Mar 2025``: a clock time with its zone abbreviation."""
    local = dt.astimezone(zone(tz_name))
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.second:
        clock += f":{local.second:02d}"
    abbreviation = local.tzname() or tz_name
    return f"{clock} {abbreviation} {local.day} {_MONTH_ABBR[local.month - 1]} {local.year}"


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
_SEASONS = {(3, 5): "spring", (6, 8): "summer", (9, 11): "autumn"}


def precision_label(event: Event, *, short: bool = False) -> str:
    """The event's time as precisely as the source gave it, in words, local at its place.

    ``16 February 2017``, ``March 2025``, ``spring 2025``, ``January–June 2025``, ``2025``;
    minute-precise times read ``01:54 MSK 14 Mar 2025``. Ends given at different precisions
    are each said at their own: ``January – 14 March 2025`` (a letter sent by 14 March), never
    widened to ``January–March 2025``. ``short`` abbreviates the month names
    (``16 Feb 2017``), as the slider's clock shows them.
    """
    return _label(
        event.start_utc,
        event.end_utc,
        event.start_precision,
        event.end_precision,
        event.start_tz,
        event.end_tz,
        event.destination.tz,
        short,
    )


@lru_cache(maxsize=65536)
def _label(
    start_utc: datetime,
    end_utc: datetime,
    start_precision: Precision,
    end_precision: Precision,
    start_tz: str,
    end_tz: str,
    place_tz: str,
    short: bool = False,
) -> str:
    precision = COARSER[start_precision, end_precision]
    if start_precision in ("minute", "second"):
        start = format_instant(start_utc, start_tz)
        if end_utc == start_utc:
            return start
        return f"{start} – {format_instant(end_utc, end_tz)}"
    names = _MONTH_ABBR if short else _MONTH_NAMES
    tz = zone(place_tz)
    first = start_utc.astimezone(tz).date()
    last = (end_utc.astimezone(tz) - timedelta(microseconds=1)).date()
    a, b = names[first.month - 1], names[last.month - 1]
    dated = ("year", "month", "day")
    if start_precision != end_precision and {start_precision, end_precision} <= set(dated):
        # each end at the precision its source gave
        at = {"year": "", "month": f"{a} ", "day": f"{first.day} {a} "}[start_precision]
        to = {"year": "", "month": f"{b} ", "day": f"{last.day} {b} "}[end_precision]
        if first.year == last.year and at:
            return f"{at.strip()} – {to}{last.year}"
        return f"{at}{first.year} – {to}{last.year}"
    if precision == "year":
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    if precision == "month":
        if (first.year, first.month) == (last.year, last.month):
            return f"{a} {first.year}"
        season = _SEASONS.get((first.month, last.month))
        if season and first.year == last.year:
            return f"{season} {first.year}"
        if first.month == 12 and last.month == 2 and last.year == first.year + 1:
            return f"winter {first.year}–{str(last.year)[-2:]}"
        if first.year == last.year:
            return f"{a}–{b} {first.year}"
        return f"{a} {first.year} – {b} {last.year}"
    if first == last:
        return f"{first.day} {a} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {a} {first.year}"
    tail = f"{last.day} {b} {last.year}"
    if first.year == last.year:
        return f"{first.day} {a} – {tail}"
    return f"{first.day} {a} {first.year} – {tail}"


def is_instant(precision: Precision) -> bool:
    """Whether a time of this precision is an instant (not a period)."""
    return precision in ("minute", "second")


class EventTimes(NamedTuple):
    """An event's time as every reader shows it: the precision label, the local line, the
    UTC line, and the clock's label at the event's stop."""

    when: str
    local: str
    utc: str
    stop: str


def event_times(event: Event) -> EventTimes:
    """The one wording of an event's time (popup, table, KML, the slider's stop label).

    ``01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025`` and ``22:54 UTC 13 Mar 2025 → …`` for
    minute-precise times; ``16 February 2017, local time at Baku (Asia/Baku)`` and
    ``2017-02-15 20:00 → 2017-02-16 20:00 UTC (day precision)`` for a day; the stop reads
    ``16 Feb 2017 (Baku)``, never an invented hour.
    """
    when = precision_label(event)
    if is_instant(event.start_precision):
        local = format_instant(event.start_utc, event.start_tz)
        utc = format_instant(event.start_utc, "UTC")
        if event.end_utc != event.start_utc:
            local += " → " + format_instant(event.end_utc, event.end_tz)
            utc += " → " + format_instant(event.end_utc, "UTC")
        return EventTimes(when, local, utc, format_instant(event.start_utc, event.start_tz))
    local = f"{when}, local time at {event.destination.name} ({event.end_tz})"
    utc = (
        f"{event.start_utc:%Y-%m-%d %H:%M} → {event.end_utc:%Y-%m-%d %H:%M} UTC"
        f" ({event.precision} precision)"
    )
    stop = f"{precision_label(event, short=True)} ({event.destination.name})"
    return EventTimes(when, local, utc, stop)


def epoch_ms(dt: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime (the page's clock counts in these);
    a naive one raises ``ValueError`` (it would be read as the machine's local time)."""
    if dt.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, got naive {dt!r}")
    return round(dt.timestamp() * 1000)


def format_duration(minutes: float) -> str:
    """``2 h 36 min``: whole minutes, a half rounded up (155.5 min is 2 h 36 min), the one
    wording of a duration in popups, panels, lists and exports."""
    total = math.floor(abs(minutes) + 0.5)
    hours, mins = divmod(total, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"


def time_in_zone(event: Event, tz_name: str) -> str:
    """An event's time as the reader's chosen zone shows it: a minute- or second-precise time
    as that zone's clock (``01:54 +04 14 Mar 2025 → 05:30 +04 14 Mar 2025``); a day, a month
    or a season stays in its own words at its place (a day in Baku is that day, whatever the
    reader's zone)."""
    if not is_instant(event.start_precision):
        return precision_label(event)
    start = format_instant(event.start_utc, tz_name)
    if event.end_utc == event.start_utc:
        return start
    return f"{start} → {format_instant(event.end_utc, tz_name)}"
