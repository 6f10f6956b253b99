from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.geodesy import distance_km
from geo.layers import PRECEDENT_RADIUS_KM, epoch_ms, map_payload, precedent_ids
from geo.model import Event, Location, is_http_url
from geo.style import KIND_STYLE, STATUS_STYLE
from tests.helpers import events_from_csv, shipped_events


def _by_id(events, event_id):
    return next(e for e in events if e.id == event_id)


def _popup_text(payload, event_id: str) -> dict[str, str]:
    """What the page's popup reads for an event: the payload's strings (the page composes
    none of its own)."""
    cols, strings = payload["events"], payload["strings"]
    i = cols["id"].index(event_id)
    return {name: strings[cols[name][i]] for name in ("when", "local", "utc", "stop")}


def test_flight_popup_has_local_with_zone_and_utc() -> None:
    payload = map_payload(shipped_events())
    text = _popup_text(payload, "flight-vko-gyd-2025-03-14")
    assert text["local"] == "01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025"
    assert text["utc"] == "22:54 UTC 13 Mar 2025 → 01:30 UTC 14 Mar 2025"
    facts = payload["flights"][0]["facts"]
    assert facts[0] == "1,926 km great circle"
    assert facts[1] == "2 h 36 min gate to gate"
    assert facts[2] == "741 km/h average"
    assert facts[3].startswith("plausible: ")
    astra = payload["strings"].index(
        "ASTRA, [ADS-B Exchange data: Gulfstream G650ER N103WG, Moscow Vnukovo → Baku, "
        "14 Mar 2025], Mar 2025"
    )
    assert astra in payload["lists"]["sources"]["items"] and str(astra) not in payload["links"]


def test_precision_is_shown_honestly() -> None:
    payload = map_payload(shipped_events())
    assert _popup_text(payload, "lightstone-baku-2025-spring")["when"] == "spring 2025"
    assert _popup_text(payload, "besa-paper-2025-01")["when"] == "January 2025"
    text = _popup_text(payload, "dunford-gerasimov-2017")
    assert text["local"].startswith("16 February 2017, local time at Baku")
    assert text["utc"] == "2017-02-15 20:00 → 2017-02-16 20:00 UTC (day precision)"
    assert text["stop"] == "16 Feb 2017 (Baku)"  # the slider's clock at its stop: no hour


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
    assert KIND_STYLE["call"].dash and not KIND_STYLE["visit"].dash
    spec, conf = STATUS_STYLE["speculative"], STATUS_STYLE["confirmed"]
    assert spec.dash and not conf.dash
    assert spec.opacity < STATUS_STYLE["reported"].opacity < conf.opacity


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
    strings = payload["strings"]
    assert strings[cols["local"][flight_index]] == "01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025"
    assert strings[cols["local"][i]] == "16 February 2017, local time at Baku (Asia/Baku)"


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
