from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.geodesy import distance_km
from geo.layers import PRECEDENT_RADIUS_KM, map_payload, precedent_ids
from geo.model import Event, Location, is_http_url
from geo.style import KIND_STYLE, STATUS_STYLE
from geo.timeline import epoch_ms
from tests.helpers import page_data, shipped_events


def _by_id(events, event_id):
    return next(e for e in events if e.id == event_id)


def _popup_text(data: dict, event_id: str) -> dict[str, str]:
    """What the page's popup reads for an event: the payload's strings (the page composes
    none of its own)."""
    cols = data["events"]
    i = cols["id"].index(event_id)
    return {name: cols[name][i] for name in ("when", "local", "utc", "stop")}


def test_flight_popup_has_local_with_zone_and_utc() -> None:
    data = page_data(map_payload(shipped_events()))
    text = _popup_text(data, "flight-vko-gyd-2025-03-14")
    assert text["local"] == "01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025"
    assert text["utc"] == "22:54 UTC 13 Mar 2025 → 01:30 UTC 14 Mar 2025"
    facts = data["flights"][0]["facts"]
    assert facts[0] == "1,926 km great circle"
    assert facts[1] == "2 h 36 min gate to gate"
    assert facts[2] == "741 km/h average"
    assert facts[3].startswith("plausible: ")
    astra = (
        "ASTRA, [ADS-B Exchange data: Gulfstream G650ER N103WG, Moscow Vnukovo → Baku, "
        "14 Mar 2025], Mar 2025"
    )
    i = data["events"]["id"].index("flight-vko-gyd-2025-03-14")
    assert astra in data["events"]["sources"][i] and astra not in data["links"]


def test_precision_is_shown_honestly() -> None:
    data = page_data(map_payload(shipped_events()))
    assert _popup_text(data, "lightstone-baku-2025-spring")["when"] == "spring 2025"
    assert _popup_text(data, "besa-paper-2025-01")["when"] == "January 2025"
    text = _popup_text(data, "dunford-gerasimov-2017")
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
    meta, blob = map_payload(events, tz="Asia/Baku")
    data = page_data((meta, blob))
    cols = data["events"]
    assert len(cols["t0"]) == len(events)
    assert all(len(v) == len(events) for v in cols.values())
    assert cols["t0"] == sorted(cols["t0"])
    (flight_row,) = data["flights"]
    i = flight_row["event"]
    flight = _by_id(events, "flight-vko-gyd-2025-03-14")
    assert cols["id"][i] == flight.id
    assert cols["t0"][i] == epoch_ms(flight.start_utc)
    assert cols["t1"][i] == epoch_ms(flight.end_utc) + 1000  # the arrival second is inside
    assert flight_row["from"] == "Vnukovo International Airport (VKO)"
    assert cols["place"][i] == "Heydar Aliyev International Airport (GYD)"
    # one arc per origin: the 2017 meeting has two (Washington, Moscow)
    k = cols["id"].index("dunford-gerasimov-2017")
    assert sorted(a for e, a in data["arcs"] if e == k) == ["Moscow", "Washington"]
    assert "Asia/Baku" in meta["zones"] and "UTC" in meta["zones"]
    # one string table: Baku is written once however many events name it
    assert data["strings"].count("Baku") == 1
    assert cols["place"].count("Baku") >= 8
    assert cols["local"][i] == "01:54 MSK 14 Mar 2025 → 05:30 +04 14 Mar 2025"
    assert cols["local"][k] == "16 February 2017, local time at Baku (Asia/Baku)"
    assert cols["precedent"][k]
    assert meta["rule"] == {"instantMs": 1000, "zeroLengthKm": 0.001, "clusterCellPx": 44,
                            "arcStepKm": 100.0, "trackStepMinutes": 5.0, "trackStepKm": 100.0}


def test_payload_is_compact_and_deterministic() -> None:
    events = shipped_events()
    meta, blob = map_payload(events)
    assert meta["blob"]["encoding"] == "deflate"
    assert len(blob) < meta["blob"]["rawBytes"]  # base64 of the deflated parts
    assert map_payload(events) == (meta, blob)


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
