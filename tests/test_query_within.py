"""The region is part of the one selection: ``Filters(within=...)`` in :func:`geo.query.select`,
read once where the text comes in (the CLI's ``--within``, the app's view)."""

from __future__ import annotations

from datetime import date

from geo.appstate import View
from geo.dataset import load_dataset
from geo.query import Filters, select
from geo.regions import region, region_or_none, within

EVENTS = load_dataset().events


def test_select_keeps_the_events_in_the_region_in_the_one_order() -> None:
    azerbaijan = region("Azerbaijan")
    chosen = select(EVENTS, Filters(within=azerbaijan))
    assert chosen == within(select(EVENTS, Filters()), azerbaijan)
    assert 0 < len(chosen) < len(EVENTS)
    assert {e.destination.country for e in chosen if not e.is_flight} == {"AZ"}
    in_2017 = select(EVENTS, Filters(kinds=("meeting",), within=azerbaijan))
    assert [e.kind for e in in_2017] == ["meeting"] * len(in_2017) and in_2017


def test_the_app_view_reads_its_region_once_into_the_filters() -> None:
    view = View(start=date(2017, 1, 1), within="Azerbaijan")
    assert view.filters().within is not None
    assert select(EVENTS, view.filters()) == select(
        EVENTS, Filters(view.filters().start_utc, within=region("AZE"))
    )
    assert View(within="Narnia").filters() == Filters()  # left out, said beside the field
    assert region_or_none("") is None and region_or_none("/etc/passwd") is None
