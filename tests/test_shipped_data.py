"""Cross-checks of the shipped ``data/events.csv`` against its sources and the contract."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo.cli import main
from geo.dataset import load_dataset
from geo.model import KINDS, STATUSES, Event
from geo.timeline import exclusive_end

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "data" / "events.csv"
SEED_FILES = ROOT / "tests" / "data" / "seed-files.txt"  # the seed reports' names, copied


def seed_names() -> list[str]:
    """The seed reports' file names (kept in the repository: tests read nothing outside it)."""
    lines = SEED_FILES.read_text(encoding="utf-8").splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@pytest.fixture(scope="module")
def events() -> dict[str, Event]:
    data = load_dataset()  # raises DataError (and fails) on any problem
    return {e.id: e for e in data.events}


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, str]]:
    with EVENTS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_row_loads(events, raw_rows):
    assert len(events) == len(raw_rows)
    assert [r["id"] for r in raw_rows] == sorted(events, key=lambda i: events[i].line)


def test_sources_status_kind(events):
    for e in events.values():
        assert e.sources, e.id
        assert all(s.strip() for s in e.sources), e.id
        assert e.status in STATUSES, e.id
        assert e.kind in KINDS, e.id
        assert e.title, e.id


def test_ids_are_unique_slugs(raw_rows):
    ids = [r["id"] for r in raw_rows]
    assert len(ids) == len(set(ids))
    assert all(i == i.strip().lower() and " " not in i for i in ids)


def test_every_seed_is_cited(events):
    seeds = seed_names()
    assert seeds
    # each seed is a row of sources.csv (its file name in the notes), and some event cites it
    cited = {ref.notes for e in events.values() for ref in e.references if ref.id}
    assert [s for s in seeds if not any(s in notes for notes in cited)] == []


def test_cited_seed_files_exist(events):
    named = {
        word.strip(".,;:()")
        for e in events.values()
        for ref in e.references
        for word in ref.notes.split()
        if word.strip(".,;:()").endswith(".txt")
    }
    assert named and sorted(set(named) - set(seed_names())) == []


def test_the_flight(events):
    f = events["flight-vko-gyd-2025-03-14"]
    assert f.is_flight
    assert f.start_utc == datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
    assert f.end_utc == datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    assert [o.airport for o in f.origin] == ["VKO"]
    assert f.destination.airport == "GYD"
    assert (f.start_tz, f.end_tz) == ("Europe/Moscow", "Asia/Baku")
    assert f.start_precision == f.end_precision == "minute"


def test_speculation_is_marked_as_such(events):
    spec = [e.id for e in events.values() if e.status == "speculative"]
    assert spec == ["trump-putin-baku-speculation-2025-03-14"]


def test_precedent_meetings_in_baku(events):
    for eid, day in [
        ("dunford-gerasimov-2017", "2017-02-16"),
        ("scaparrotti-gerasimov-2018-04", "2018-04-19"),
        ("scaparrotti-gerasimov-2018-12", "2018-12-12"),
    ]:
        e = events[eid]
        assert e.destination.name == "Baku"
        assert e.start_text == day and e.precision == "day"
        assert e.start_utc.astimezone(UTC).hour == 20  # local midnight at UTC+4


def test_list_json_links_the_verified_sources(capsys):
    """``python -m geo list --format json``: the references carry the verified addresses."""
    assert main(["list", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    refs = [ref for row in json.loads(out) for ref in row["references"]]
    with_url = [ref for ref in refs if ref["url"]]
    assert len(with_url) >= 16
    assert len({ref["id"] for ref in with_url}) == 15
    assert all(ref["url"].startswith(("https://", "http://")) for ref in with_url)
    caliber = next(ref for ref in refs if ref["id"] == "hasanova-witkoff-baku-2025-03")
    assert caliber["url"] == (
        "https://caliber.az/en/post/"
        "the-jerusalem-post-trump-s-envoy-witkoff-arrives-in-baku-with-key-diplomatic-mission"
    )
    assert caliber["citation"].startswith("Caliber.Az, “The Jerusalem Post: Trump’s envoy")


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml"])
def test_every_flat_export_and_the_app_table_give_each_verified_address(fmt, tmp_path, capsys):
    """Not only the map's cards: the normalized CSV, GeoJSON (and so GeoPackage and
    GeoParquet, which hold the same record), KML and the app's table carry each source's
    address beside its citation."""
    from geo import panels
    from geo.dataset import load_dataset

    events = load_dataset().events
    urls = {ref.url for ev in events for ref in ev.references if ref.url}
    assert len(urls) == 15
    out = tmp_path / f"map.{fmt}"
    assert main(["export", "--format", fmt, "--out", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    if fmt == "kml":
        text = text.replace("&amp;", "&")
    assert [u for u in sorted(urls) if u not in text] == []
    table = " ".join(str(row["references"]) for row in panels.table_rows(events))
    assert [u for u in sorted(urls) if f"<{u}>" not in table] == []


def test_the_knesset_debate_covers_5_and_6_march(events):
    e = events["knesset-debate-2025-03-05"]
    assert (e.start_text, e.end_text) == ("2025-03-05", "2025-03-06")
    # local days in Jerusalem (UTC+2 in March): 5 March 00:00 to the end of 6 March
    assert e.start_utc == datetime(2025, 3, 4, 22, tzinfo=UTC)
    assert exclusive_end(e) == datetime(2025, 3, 6, 22, tzinfo=UTC)
    assert "three sources point to 6 March" in e.notes and "one to 5 March" in e.notes


def test_the_april_2018_meeting_stays_19_april_with_friday_noted(events):
    e = events["scaparrotti-gerasimov-2018-04"]
    assert e.start_text == "2018-04-19" and e.precision == "day"
    assert '"will meet in Azerbaijan on Friday"' in e.notes and "a Thursday" in e.notes
