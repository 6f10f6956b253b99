"""Names on the map (geo.labels): which places and countries, worded how, ranked how, and
the greedy placement the page shares."""

from __future__ import annotations

from geo.labels import country_labels, labels_payload, place, place_labels
from geo.layers import map_payload
from tests.helpers import events_from_csv, shipped_events


def test_every_place_the_shipped_data_names_is_labelled_most_named_first() -> None:
    labels = place_labels(shipped_events())
    texts = [lb.text for lb in labels]
    assert {"Baku", "Moscow", "Washington", "Mons", "VKO", "GYD"} <= set(texts)
    assert [lb.rank for lb in labels] == sorted((lb.rank for lb in labels), reverse=True)
    by_text = {lb.text: lb for lb in labels}
    assert by_text["Mons"].dot  # only an origin: a small marker of its own
    assert not by_text["Baku"].dot  # has its event markers
    assert by_text["VKO"].dot and by_text["VKO"].rank < by_text["Moscow"].rank


def test_an_airport_is_named_by_its_code() -> None:
    (flight,) = events_from_csv(
        "f,flight,F,2025-03-14T01:54,2025-03-14T05:30,VKO,GYD,,reported,s,\n"
    )
    assert [lb.text for lb in place_labels([flight])] == ["GYD", "VKO"]


def test_country_names_sit_inside_their_country() -> None:
    countries = {lb.text: lb for lb in country_labels()}
    assert len(countries) > 150
    az = countries["Azerbaijan"]
    assert 44.5 < az.lon < 50.5 and 38.3 < az.lat < 42  # not at a bounding box's centre
    assert countries["Russia"].rank > countries["Azerbaijan"].rank  # larger first
    usa = countries["United States of America"]
    assert -125 < usa.lon < -67 and 25 < usa.lat < 49  # the largest part, not Alaska's


def test_greedy_placement_keeps_the_first_and_moves_the_next() -> None:
    a = [(0.0, 0.0, 10.0, 10.0), (20.0, 0.0, 30.0, 10.0)]
    b = [(5.0, 5.0, 15.0, 15.0), (40.0, 0.0, 50.0, 10.0)]
    assert place([a, b]) == [(0, 0), (1, 1)]
    assert place([a, b], taken=[(0.0, 0.0, 10.0, 10.0)]) == [(0, 1), (1, 1)]
    assert place([[(0.0, 0.0, 1.0, 1.0)], [(1.0, 0.0, 2.0, 1.0)]]) == [(0, 0), (1, 0)]


def test_the_page_gets_the_labels_in_its_data() -> None:
    events = shipped_events()
    meta, _blob = map_payload(events)
    assert meta["labels"] == labels_payload(events)
    assert meta["labels"]["places"][0][2] == "Washington"
