from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.geodesy import distance_km
from geo.layers import (
    KIND_STYLE,
    PRECEDENT_RADIUS_KM,
    STATUS_STYLE,
    epoch_ms,
    is_http_url,
    map_payload,
    popup_fields,
    precedent_ids,
    time_lines,
)
from geo.model import Event, Location
from tests.helpers import events_from_csv, shipped_events


def _by_id(events, event_id):
    return next(e for e in events if e.id == event_id)


def test_flight_popup_has_local_with_zone_and_utc() -> None:
    flight = _by_id(shipped_events(), "flight-vko-gyd-2025-03-14")
    local, utc = time_lines(flight)
    assert local == "01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025"
    assert utc == "22:54 UTC 13 Mar 2025 → 01:30 UTC 14 Mar 2025"
    fields = popup_fields(flight)
    assert fields["flight"][0] == "1,926 km great circle"
    assert fields["flight"][1] == "2 h 36 min gate to gate"
    assert fields["flight"][2] == "741 km/h average"
    assert fields["flight"][3].startswith("plausible: ")
    assert ["ASTRA (ADS-B Exchange data)", 0] in fields["sources"]


def test_precision_is_shown_honestly() -> None:
    events = shipped_events()
    assert popup_fields(_by_id(events, "lightstone-baku-2025-spring"))["when"] == "spring 2025"
    assert popup_fields(_by_id(events, "besa-paper-2025-01"))["when"] == "January 2025"
    local, utc = time_lines(_by_id(events, "dunford-gerasimov-2017"))
    assert local.startswith("16 February 2017, local time at Baku")
    assert utc == "2017-02-15 20:00 → 2017-02-16 20:00 UTC (day precision)"


def test_baku_precedents_stand_out() -> None:
    ids = precedent_ids(shipped_events())
    assert ids == {
        "dunford-gerasimov-2017",
        "scaparrotti-gerasimov-2018-04",
        "scaparrotti-gerasimov-2018-12",
    }


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ('https://x.org/" onmouseover="alert(1)', False),
        ("Reuters", False),
        ("ftp://example.org", False),
    ],
)
def test_only_http_urls_are_links(url: str, ok: bool) -> None:
    assert is_http_url(url) is ok


def test_styles_cover_every_kind_and_status_and_set_speculative_apart() -> None:
    assert set(KIND_STYLE) == {
        "flight", "visit", "meeting", "call", "agreement", "statement", "report", "letter",
        "ruling",
    }
    assert KIND_STYLE["call"]["dash"] and not KIND_STYLE["visit"]["dash"]
    spec, conf = STATUS_STYLE["speculative"], STATUS_STYLE["confirmed"]
    assert spec["dash"] and not conf["dash"]
    assert spec["opacity"] < STATUS_STYLE["reported"]["opacity"] < conf["opacity"]


def test_payload_columns_and_arcs() -> None:
    events = shipped_events()
    payload = map_payload(events, tz="Asia/Baku")
    cols = payload["events"]
    assert len(cols["t0"]) == len(events)
    assert all(len(v) == len(events) for v in cols.values())
    assert cols["t0"] == sorted(cols["t0"])
    flight_index = payload["flights"][0]["event"]
    flight = _by_id(events, "flight-vko-gyd-2025-03-14")
    assert cols["t0"][flight_index] == epoch_ms(flight.start_utc)
    assert payload["flights"][0]["times"][0] == 0
    assert payload["flights"][0]["times"][-1] == cols["t1"][flight_index] - cols["t0"][flight_index]
    path = payload["flights"][0]["path"]
    assert path[:2] == [555915, 372615]  # VKO, in 1e-4 degree
    assert path[-2:] == [404675, 500467]  # GYD
    # one arc per origin: the 2017 meeting has two (Washington, Moscow)
    i = cols["id"].index("dunford-gerasimov-2017")
    assert payload["arcs"]["event"].count(i) == 2
    assert "Asia/Baku" in payload["zones"] and "UTC" in payload["zones"]
    # shared string table: Baku is written once however many events name it
    assert payload["strings"].count("Baku") == 1
    baku = payload["strings"].index("Baku")
    assert sum(1 for p in cols["place"] if p == baku) >= 8
    assert cols["local"][flight_index] == "01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025"
    assert cols["local"][i] == 0  # composed by the page from when, place and zone


def test_arc_is_geodesic_not_straight() -> None:
    # Washington -> Baku: the great circle passes far north of both ends (over Scandinavia)
    payload = map_payload(events_from_csv("x,visit,t,2025-01-01,,Washington,Baku,,reported,s,\n"))
    arcs = payload["arcs"]
    assert arcs["event"] == [0]
    arc = arcs["coords"][arcs["offset"][0] : arcs["offset"][1]].tolist()
    scale = payload["coordScale"]
    assert max(arc[0::2]) / scale > 60
    assert arc[:2] == [388950, -770360] and arc[-2:] == [403780, 498920]


def test_arc_across_antimeridian_is_continuous() -> None:
    events = events_from_csv(
        "x,meeting,t,2025-01-01,,Canberra,Santiago,,reported,s,\n"
    )
    payload = map_payload(events)
    arcs = payload["arcs"]
    assert arcs["event"] == [0]
    arc = arcs["coords"][arcs["offset"][0] : arcs["offset"][1]].tolist()
    lons = [x / payload["coordScale"] for x in arc[1::2]]
    assert all(abs(b - a) < 180 for a, b in zip(lons, lons[1:], strict=False))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["flight", "meeting", "visit"]),
            st.floats(49.0, 50.5),  # a box about 100 km across: some places are within 50 km
            st.floats(39.8, 41.0),
            st.integers(0, 20),  # day
        ),
        max_size=30,
    )
)
def test_precedents_are_exactly_the_meetings_a_later_flight_lands_near(rows) -> None:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    origin = Location("Vnukovo", 55.59, 37.26, "Europe/Moscow", "RU", airport="VKO")
    events = []
    for i, (kind, lon, lat, day) in enumerate(rows):
        start = base + timedelta(days=day)
        end = start + (timedelta(hours=2) if kind == "flight" else timedelta(days=1))
        code = "X" if kind == "flight" else ""
        where = Location(f"p{i}", lat, lon, "Asia/Baku", "AZ", airport=code)
        events.append(
            Event(f"e{i}", kind, "", start, end, "day", "day", "", "",
                  (origin,) if kind == "flight" else (), where, (), "reported", ("s",), "")
        )
    flights = [e for e in events if e.kind == "flight"]
    expected = {
        m.id
        for m in events
        if m.kind == "meeting"
        and any(
            distance_km(f.destination.lon, f.destination.lat, m.destination.lon,
                        m.destination.lat) <= PRECEDENT_RADIUS_KM
            and m.end_utc <= f.start_utc
            for f in flights
        )
    }
    assert precedent_ids(events) == expected
