"""Local time <-> UTC, precision intervals, date-range filters and honest labels.

A time written as ``2025-03`` means the whole of March 2025 *at the event's place*; a time
written as ``2025-03-14T01:54`` means that minute, local at the place, unless the text carries
its own offset (``+03:00`` or ``Z``). Local times are resolved with the place's IANA zone
(:mod:`zoneinfo`), so DST rules of the date itself apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from geo.model import Event, Precision

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


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """What one written time means: ``[start_utc, end_utc)`` at its precision.

    For a minute- or second-precise time ``start_utc == end_utc``.
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


def overlaps(event: Event, lo_utc: datetime | None, hi_utc: datetime | None) -> bool:
    """Whether the event's interval meets ``[lo_utc, hi_utc)``.

    A minute- or second-precise end is an instant inside the event (a flight still lands at
    its arrival minute); a coarser end is the first instant after it. A point event
    (start == end) overlaps when it lies inside.
    """
    if hi_utc is not None and event.start_utc >= hi_utc:
        return False
    if lo_utc is not None:
        end_is_instant = event.end_precision in ("minute", "second")
        if event.end_utc < lo_utc or (event.end_utc == lo_utc and not end_is_instant):
            return False
    return True


def last_day(event: Event) -> date:
    """The last UTC date whose ``--end`` bound keeps ``event`` (its end is half-open);
    the counterpart of :func:`overlaps` for date pickers."""
    if event.end_utc > event.start_utc:
        return (event.end_utc - timedelta(microseconds=1)).date()
    return event.end_utc.date()


def iso_utc(dt: datetime) -> str:
    """``2025-03-13T22:54Z`` (seconds only when not zero)."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ" if dt.second else "%Y-%m-%dT%H:%MZ")


def iso_local(dt: datetime, tz_name: str) -> str:
    """``2025-03-14T01:54+03:00`` in the zone ``tz_name``."""
    local = dt.astimezone(zone(tz_name))
    return local.isoformat(timespec="seconds" if local.second else "minutes")


def zone_abbreviation(dt: datetime, tz_name: str) -> str:
    """``MSK``, ``EST``; tzdata's numeric form (``+04``) where no abbreviation is in use."""
    return dt.astimezone(zone(tz_name)).tzname() or tz_name


def format_instant(dt: datetime, tz_name: str) -> str:
    """``01:54 MSK 14 Mar 2025``: a clock time with its zone abbreviation."""
    local = dt.astimezone(zone(tz_name))
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.second:
        clock += f":{local.second:02d}"
    abbreviation = local.tzname() or tz_name
    return f"{clock} {abbreviation} {local.day} {_MONTH_ABBR[local.month - 1]} {local.year}"


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SEASONS = {(3, 5): "spring", (6, 8): "summer", (9, 11): "autumn"}


def _month_name(d: date) -> str:
    return f"{d:%B}"


def precision_label(event: Event) -> str:
    """The event's time as precisely as the source gave it, in words, local at its place.

    ``16 February 2017``, ``March 2025``, ``spring 2025``, ``January–June 2025``, ``2025``;
    minute-precise times read ``01:54 MSK 14 Mar 2025``.
    """
    return _label(
        event.start_utc,
        event.end_utc,
        event.start_precision,
        event.precision,
        event.start_tz,
        event.end_tz,
        event.destination.tz,
    )


@lru_cache(maxsize=65536)
def _label(
    start_utc: datetime,
    end_utc: datetime,
    start_precision: Precision,
    precision: Precision,
    start_tz: str,
    end_tz: str,
    place_tz: str,
) -> str:
    if start_precision in ("minute", "second"):
        start = format_instant(start_utc, start_tz)
        if end_utc == start_utc:
            return start
        return f"{start} – {format_instant(end_utc, end_tz)}"
    tz = zone(place_tz)
    first = start_utc.astimezone(tz).date()
    last = (end_utc.astimezone(tz) - timedelta(microseconds=1)).date()
    if precision == "year":
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    if precision == "month":
        if (first.year, first.month) == (last.year, last.month):
            return f"{_month_name(first)} {first.year}"
        season = _SEASONS.get((first.month, last.month))
        if season and first.year == last.year:
            return f"{season} {first.year}"
        if first.month == 12 and last.month == 2 and last.year == first.year + 1:
            return f"winter {first.year}–{str(last.year)[-2:]}"
        if first.year == last.year:
            return f"{_month_name(first)}–{_month_name(last)} {first.year}"
        return f"{_month_name(first)} {first.year} – {_month_name(last)} {last.year}"
    if first == last:
        return f"{first.day} {_month_name(first)} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {_month_name(first)} {first.year}"
    tail = f"{last.day} {_month_name(last)} {last.year}"
    if first.year == last.year:
        return f"{first.day} {_month_name(first)} – {tail}"
    return f"{first.day} {_month_name(first)} {first.year} – {tail}"
