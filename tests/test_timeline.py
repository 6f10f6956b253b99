"""Local time <-> UTC, precision intervals, date filters and labels, with real values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.model import Event, Location
from geo.query import EVENT_ORDER, Filters, in_order, select
from geo.timeline import (
    TimeSpan,
    format_instant,
    iso_local,
    iso_utc,
    overlaps,
    parse_date_bound,
    parse_time,
    parse_times,
    precision_label,
)

BAKU = Location("Baku", 40.378, 49.892, "Asia/Baku", "AZ")
WASHINGTON = Location("Washington", 38.895, -77.036, "America/New_York", "US")
VKO = Location("Vnukovo", 55.5915, 37.2615, "Europe/Moscow", "RU", airport="VKO")
GYD = Location("Heydar Aliyev", 40.4675, 50.0467, "Asia/Baku", "AZ", airport="GYD")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_event(
    start: str, end: str = "", where: Location = BAKU, kind: str = "meeting", eid: str = "e"
) -> Event:
    origin = (VKO,) if kind == "flight" else ()
    s = parse_time(start, origin[0].tz if origin else where.tz)
    e = parse_time(end, where.tz) if end else s
    return Event(
        id=eid,
        kind=kind,  # type: ignore[arg-type]
        title=eid,
        start_utc=s.start_utc,
        end_utc=e.end_utc,
        start_precision=s.precision,
        end_precision=e.precision,
        start_text=start,
        end_text=end,
        origin=origin,
        destination=where,
        participants=(),
        status="confirmed",
        sources=("s",),
        notes="",
    )


# ---- parse_time -----------------------------------------------------------------------------


def test_minute_local_at_moscow():
    span = parse_time("2025-03-14T01:54", "Europe/Moscow")
    assert span == TimeSpan(utc(2025, 3, 13, 22, 54), utc(2025, 3, 13, 22, 54), "minute")


def test_second_precision():
    span = parse_time("2025-03-14T01:54:30", "Europe/Moscow")
    assert span.start_utc == utc(2025, 3, 13, 22, 54, 30)
    assert span.precision == "second"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-14T01:54+03:00", utc(2025, 3, 13, 22, 54)),
        ("2025-03-14T01:54+0300", utc(2025, 3, 13, 22, 54)),
        ("2025-03-14T01:54Z", utc(2025, 3, 14, 1, 54)),
        ("2025-03-14T01:54-05:30", utc(2025, 3, 14, 7, 24)),
        ("2025-03-14 01:54", utc(2025, 3, 13, 21, 54)),  # space separator, local at Baku
    ],
)
def test_offsets_override_the_zone(text, expected):
    assert parse_time(text, "Asia/Baku").start_utc == expected


def test_day_covers_the_local_day():
    span = parse_time("2025-03-14", "Asia/Baku")
    assert span == TimeSpan(utc(2025, 3, 13, 20), utc(2025, 3, 14, 20), "day")


def test_month_at_baku():
    span = parse_time("2025-03", "Asia/Baku")
    assert span == TimeSpan(utc(2025, 2, 28, 20), utc(2025, 3, 31, 20), "month")


def test_december_rolls_into_next_year():
    span = parse_time("2024-12", "Asia/Baku")
    assert span.end_utc == utc(2024, 12, 31, 20)


def test_year():
    span = parse_time("2025", "America/New_York")
    assert span == TimeSpan(utc(2025, 1, 1, 5), utc(2026, 1, 1, 5), "year")


def test_day_across_a_dst_change_is_23_hours():
    span = parse_time("2025-03-09", "America/New_York")
    assert span.start_utc == utc(2025, 3, 9, 5)
    assert span.end_utc - span.start_utc == timedelta(hours=23)


def test_nonexistent_local_time_is_an_error():
    with pytest.raises(ValueError) as info:
        parse_time("2025-03-09T02:30", "America/New_York")
    assert str(info.value) == (
        "2025-03-09 02:30 does not exist in America/New_York (the clocks skip it)"
    )


def test_ambiguous_local_time_takes_the_first_occurrence():
    # 01:30 happens twice on 2 Nov 2025 in New York: first at EDT (-4), then at EST (-5)
    span = parse_time("2025-11-02T01:30", "America/New_York")
    assert span.start_utc == utc(2025, 11, 2, 5, 30)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("2025-13-45", "is not a real date or time (month must be in 1..12)"),
        ("2025-02-29", "is not a real date or time"),
        ("14/03/2025", "is not a date or time; write 2025, 2025-03"),
        ("2025-3-14", "is not a date or time"),
        ("", "is not a date or time"),
        ("2025-03-14T25:00", "is not a real date or time"),
        ("2025-03-14T01:54+19:00", "offset +19:00 is out of range"),
        ("0999", "year 999 is out of range"),
        ("9999-12-31", "out of range"),
        ("9999-12-31T23:59", "out of range"),
    ],
)
def test_bad_times(text, phrase):
    with pytest.raises(ValueError, match=None) as info:
        parse_time(text, "America/New_York")
    assert phrase in str(info.value)


def test_unknown_zone():
    with pytest.raises(ValueError, match="'Asia/Bakku' is not an IANA time zone"):
        parse_time("2025-03-14", "Asia/Bakku")


NAIVE_MIN = datetime(1990, 1, 1)  # noqa: DTZ001 - wall-clock times, zone given apart
NAIVE_MAX = datetime(2035, 12, 31)  # noqa: DTZ001

ZONES = [
    "UTC",
    "Europe/Moscow",
    "Asia/Baku",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # 30-minute DST
    "America/Santiago",  # DST at midnight, southern hemisphere
    "Asia/Kathmandu",  # +05:45
    "Pacific/Apia",  # skipped a whole day in 2011
]


@settings(max_examples=200, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    naive=st.datetimes(min_value=NAIVE_MIN, max_value=NAIVE_MAX).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
)
def test_local_minute_round_trips(zone_name, naive):
    tz = ZoneInfo(zone_name)
    exists = naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive
    iso = naive.strftime("%Y-%m-%dT%H:%M")
    if not exists:
        with pytest.raises(ValueError, match="does not exist"):
            parse_time(iso, zone_name)
        return
    span = parse_time(iso, zone_name)
    assert span.start_utc.tzinfo is UTC
    assert span.start_utc.astimezone(tz).replace(tzinfo=None) == naive


# ---- parse_times: the bulk path must say exactly what parse_time says ---------------------------


def _scalar(text: str, zone_name: str) -> TimeSpan | None:
    try:
        return parse_time(text, zone_name)
    except ValueError:
        return None


def assert_bulk_agrees(texts: list[str], zones: list[str]) -> int:
    """Every span parse_times gives equals parse_time's; returns how many it gave."""
    given_ = parse_times(texts, zones)
    assert len(given_) == len(texts)
    for text, zone_name, span in zip(texts, zones, given_, strict=True):
        if span is None:
            continue
        assert span == _scalar(text, zone_name), (text, zone_name)
        assert span.start_utc.tzinfo is UTC and span.end_utc.tzinfo is UTC
    return sum(span is not None for span in given_)


# zones with unusual clocks: negative DST (Dublin), 30-minute DST (Lord Howe), DST changes at
# midnight (Santiago, Havana), a skipped day (Apia), Ramadan DST (Casablanca), +2 h DST
# (Troll), offset changes without DST (Moscow 2011/2014), historical local mean time (Kolkata)
CLOCK_ZONES = [
    *ZONES,
    "Europe/Dublin",
    "America/Havana",
    "Africa/Casablanca",
    "Antarctica/Troll",
    "Asia/Kolkata",
    "America/St_Johns",
]


def _transition_days(zone_name: str, first: int, last: int) -> list[datetime]:
    """Local days (naive midnights) on which the zone's UTC offset changes."""
    tz = ZoneInfo(zone_name)
    days = []
    day = datetime(first, 1, 1)  # noqa: DTZ001 - wall-clock days
    offset = day.replace(tzinfo=tz).utcoffset()
    while day.year <= last:
        nxt = day + timedelta(days=1)
        next_offset = nxt.replace(tzinfo=tz).utcoffset()
        if next_offset != offset:
            days.append(day)
        day, offset = nxt, next_offset
    return days


@pytest.mark.parametrize("zone_name", CLOCK_ZONES)
def test_bulk_times_around_every_clock_change(zone_name):
    texts = ["1000", "1000-01-01", "2025-03-14T01:54", "9998-12-31", "9998-12-31T23:59:59"]
    for day in _transition_days(zone_name, 1900, 2040):
        for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
            texts += [f"{d:%Y}", f"{d:%Y-%m}", f"{d:%Y-%m-%d}"]
            for minutes in range(0, 24 * 60, 30):
                t = d + timedelta(minutes=minutes)
                texts += [f"{t:%Y-%m-%dT%H:%M}", f"{t:%Y-%m-%d %H:%M:%S}"]
    given_ = assert_bulk_agrees(texts, [zone_name] * len(texts))
    assert given_ > 0.9 * len(texts)  # only the skipped and repeated local times are left


def test_bulk_times_leave_the_rest_to_parse_time():
    texts = [
        "2025-03-14T01:54+03:00",  # an offset
        "2025-03-14T01:54Z",
        "2025-02-30",  # not a real date
        "2025-13",
        "2025-03-14T24:00",
        "0999-12-31",  # out of range
        "9999",
        "2025-3-14",  # not the plain form
        "2025-03-14\x00",  # a NUL of its own
        "２０２５",  # not ASCII digits
        "",
        "2025-03-09T02:30",  # skipped by the clocks in New York
        "2025-11-02T01:30",  # repeated: parse_time takes the first
        "2025-03-14",
    ]
    got = parse_times(texts, ["America/New_York"] * len(texts))
    assert got[:-1] == [None] * (len(texts) - 1)
    assert got[-1] == parse_time("2025-03-14", "America/New_York")
    assert parse_times(["2025"], ["Asia/Bakku"]) == [None]  # parse_time names the bad zone


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.one_of(
                st.from_regex(
                    r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)?)?\Z"
                ),
                st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31))  # noqa: DTZ001
                .map(lambda d: d.isoformat(sep=" ")[: len("2025-03-14 01:54:30")]),
                st.text(alphabet="0123456789-T: +Z", max_size=20),
            ),
            st.sampled_from(CLOCK_ZONES),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_bulk_times_agree_with_parse_time(items):
    assert_bulk_agrees([text for text, _ in items], [zone for _, zone in items])


# ---- date bounds, overlaps and select ---------------------------------------------------------


def test_parse_date_bound():
    assert parse_date_bound("2025-03-13") == utc(2025, 3, 13)
    assert parse_date_bound("2025-03-13", end=True) == utc(2025, 3, 14)
    assert parse_date_bound("2025-03", end=True) == utc(2025, 4, 1)
    assert parse_date_bound("2025", end=True) == utc(2026, 1, 1)
    assert parse_date_bound("2025-03-13T10:00") == utc(2025, 3, 13, 10)
    # a minute bound includes its minute
    assert parse_date_bound("2025-03-13T10:00", end=True) == utc(2025, 3, 13, 10, 1)
    assert parse_date_bound("2025-03-13T10:00:05", end=True) == utc(2025, 3, 13, 10, 0, 6)
    assert parse_date_bound("2025-03-14T01:54+03:00") == utc(2025, 3, 13, 22, 54)
    with pytest.raises(ValueError, match="is not a date or time"):
        parse_date_bound("yesterday")


def test_local_day_in_baku_overlaps_the_previous_utc_day():
    ev = make_event("2025-03-14")  # 2025-03-13T20:00Z .. 2025-03-14T20:00Z
    assert ev.start_utc == utc(2025, 3, 13, 20)
    assert overlaps(ev, None, parse_date_bound("2025-03-13", end=True))
    assert not overlaps(ev, None, parse_date_bound("2025-03-12", end=True))
    assert overlaps(ev, parse_date_bound("2025-03-14"), None)
    assert not overlaps(ev, parse_date_bound("2025-03-15"), None)


def test_overlaps_edges():
    day = make_event("2025-03-14")  # ends (exclusive) at 2025-03-14T20:00Z
    assert not overlaps(day, utc(2025, 3, 14, 20), None)
    assert overlaps(day, utc(2025, 3, 14, 19, 59), None)
    point = make_event("2025-03-14T10:00")  # 06:00Z
    assert overlaps(point, utc(2025, 3, 14, 6), utc(2025, 3, 14, 6, 1))
    assert not overlaps(point, None, utc(2025, 3, 14, 6))
    assert not overlaps(point, utc(2025, 3, 14, 6, 1), None)
    assert overlaps(point, None, None)


def test_select_with_inclusive_utc_dates():
    baku_14 = make_event("2025-03-14", eid="baku-14")  # starts 2025-03-13T20:00Z
    dc_14 = make_event("2025-03-14", where=WASHINGTON, eid="dc-14")  # starts 04:00Z on the 14th
    flight = make_event("2025-03-14T01:54", "2025-03-14T05:30", GYD, "flight", "flight")
    spring = make_event("2025-03", "2025-05", eid="spring")
    events = [spring, dc_14, flight, baku_14]

    def ids(start: str | None, end: str | None) -> list[str]:
        f = Filters(
            parse_date_bound(start) if start else None,
            parse_date_bound(end, end=True) if end else None,
        )
        return [e.id for e in select(events, f)]

    assert ids(None, "2025-03-13") == ["spring", "baku-14", "flight"]
    assert ids("2025-03-14", "2025-03-14") == ["spring", "baku-14", "flight", "dc-14"]
    assert ids("2025-03-15", None) == ["spring", "dc-14"]
    assert ids("2025-06-01", None) == []
    assert ids("2025-03-14T01:30", "2025-03-14T01:30") == ["spring", "baku-14", "flight"]
    # kinds and statuses
    only_flights = Filters(kinds=("flight",))
    assert [e.id for e in select(events, only_flights)] == ["flight"]
    assert select(events, Filters(statuses=("speculative",))) == []
    assert [e.id for e in select(events, Filters(text="BAKU"))] == ["spring", "baku-14"]


# ---- labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "where", "label"),
    [
        ("2017-02-16", "", BAKU, "16 February 2017"),
        ("2025-03-05", "2025-03-06", BAKU, "5–6 March 2025"),
        ("2025-02-27", "2025-03-02", BAKU, "27 February – 2 March 2025"),
        ("2024-12-30", "2025-01-02", BAKU, "30 December 2024 – 2 January 2025"),
        ("2025-03", "", BAKU, "March 2025"),
        ("2025-03", "2025-05", BAKU, "spring 2025"),
        ("2025-06", "2025-08", BAKU, "summer 2025"),
        ("2025-09", "2025-11", BAKU, "autumn 2025"),
        ("2024-12", "2025-02", BAKU, "winter 2024–25"),
        ("2025-01", "2025-06", BAKU, "January–June 2025"),
        ("2024-11", "2025-01", BAKU, "November 2024 – January 2025"),
        ("2025-01", "2025-03-14", BAKU, "January – 14 March 2025"),  # sent by 14 March
        ("2025-03-05", "2025-04", BAKU, "5 March – April 2025"),
        ("2024-12", "2025-03-14", BAKU, "December 2024 – 14 March 2025"),
        ("2025", "2025-03-14", BAKU, "2025 – 14 March 2025"),
        ("2025", "", WASHINGTON, "2025"),
        ("2020", "2021", WASHINGTON, "2020–2021"),
        ("2025-03-14T10:00", "", BAKU, "10:00 +04 14 Mar 2025"),
        ("2025-03-09T12:00", "", WASHINGTON, "12:00 EDT 9 Mar 2025"),
    ],
)
def test_precision_label(start, end, where, label):
    assert precision_label(make_event(start, end, where)) == label


def test_flight_label_uses_both_zones():
    flight = make_event("2025-03-14T01:54", "2025-03-14T05:30", GYD, "flight")
    assert precision_label(flight) == "01:54 MSK 14 Mar 2025 – 05:30 +04 14 Mar 2025"
    assert flight.start_utc == utc(2025, 3, 13, 22, 54)
    assert flight.end_utc == utc(2025, 3, 14, 1, 30)


def test_formatting_helpers():
    t = utc(2025, 3, 13, 22, 54)
    assert iso_utc(t) == "2025-03-13T22:54:00Z"
    assert iso_utc(t.replace(second=7)) == "2025-03-13T22:54:07Z"
    assert iso_local(t, "Europe/Moscow") == "2025-03-14T01:54:00+03:00"
    assert format_instant(t, "Europe/Moscow") == "01:54 MSK 14 Mar 2025"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["2025-03-14", "2025-03", "2025-03-14T01:54"]),
                  st.sampled_from(["", "2025-03-15", "2025-04"]), st.sampled_from("abc")),
        max_size=12,
    ),
    st.booleans(),
)
def test_in_order_is_the_event_order(rows, presorted):
    events = [make_event(start, end, eid=eid) for start, end, eid in rows]
    if presorted:
        events.sort(key=EVENT_ORDER)
    assert in_order(events) == sorted(events, key=EVENT_ORDER)
