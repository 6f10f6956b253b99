"""The bibliography: ``data/sources.csv``, the source ids cited in ``data/events.csv`` and the
seed-coverage table in ``docs/seed-coverage.md``.

Plain ``csv`` only, on purpose: these are checks of the shipped files as a reader sees them,
independent of the loader in ``geo/``.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources.csv"
EVENTS = ROOT / "data" / "events.csv"
COVERAGE = ROOT / "docs" / "seed-coverage.md"
SEED_FILES = ROOT / "tests" / "data" / "seed-files.txt"  # the seed reports' names, copied

HEADER = ["id", "outlet", "title", "author", "published", "url", "notes"]
# A sources-cell token that looks like this is a source id; anything else is free text.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
SEED_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
SEED_NAMED = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
PUBLISHED = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
BACKTICKED = re.compile(r"`([^`]+)`")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for n, row in enumerate(rows, start=2):
        assert None not in row and None not in row.values(), f"{path.name}:{n}: wrong cell count"
    return rows


@pytest.fixture(scope="module")
def sources() -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in _rows(SOURCES)}


@pytest.fixture(scope="module")
def events() -> list[dict[str, str]]:
    return _rows(EVENTS)


def _tokens(event: dict[str, str]) -> list[str]:
    return [t.strip() for t in event["sources"].split(";") if t.strip()]


def _complete(row: dict[str, str]) -> bool:
    return all(row[col].strip() for col in ("outlet", "title", "published"))


def _coverage_cells() -> list[str]:
    """The last cell of every body row of the coverage tables."""
    cells = []
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        last = line.rstrip().rstrip("|").rsplit("|", 1)[-1].strip()
        if last == "In events.csv" or set(last) <= {"-", ":"}:
            continue  # a header or separator row
        cells.append(last)
    return cells


def test_header_is_exact() -> None:
    with SOURCES.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == HEADER


def test_ids_are_unique_slugs() -> None:
    ids = [row["id"] for row in _rows(SOURCES)]
    assert [i for i in ids if not SLUG.match(i)] == []
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_published_is_an_iso_date_at_its_precision(sources) -> None:
    for sid, row in sources.items():
        published = row["published"]
        if not published:
            continue
        assert PUBLISHED.match(published), (sid, published)
        year, month, day = (published.split("-") + ["01", "01"])[:3]
        date(int(year), int(month), int(day))  # a real date: raises otherwise


def test_urls_are_empty_or_http(sources) -> None:
    bad = {
        sid: r["url"]
        for sid, r in sources.items()
        if r["url"] and not r["url"].startswith(("http://", "https://"))
    }
    assert bad == {}


def test_supplied_titles_are_bracketed_and_said_so(sources) -> None:
    for sid, row in sources.items():
        title = row["title"]
        if title.startswith("["):
            assert title.endswith("]"), sid
            assert "supplied" in row["notes"], f"{sid}: notes must say the title is supplied"


def test_every_cited_id_exists(events, sources) -> None:
    missing = [
        (e["id"], t) for e in events for t in _tokens(e) if SLUG.match(t) and t not in sources
    ]
    assert missing == []


def test_every_source_is_cited(events, sources) -> None:
    cited = {t for e in events for t in _tokens(e)}
    assert sorted(set(sources) - cited) == []


def test_every_event_cites_a_complete_source(events, sources) -> None:
    lacking = [
        e["id"]
        for e in events
        if not any(t in sources and _complete(sources[t]) for t in _tokens(e))
    ]
    assert lacking == []


def test_no_event_rests_on_seed_file_names_alone(events) -> None:
    only_files = [e["id"] for e in events if all(SEED_FILE.match(t) for t in _tokens(e))]
    assert only_files == []


def test_coverage_names_existing_events(events, sources) -> None:
    event_ids = {e["id"] for e in events}
    text = COVERAGE.read_text(encoding="utf-8")
    named = {t for t in BACKTICKED.findall(text) if SLUG.match(t)}
    assert sorted(named - event_ids - set(sources)) == []
    cells = _coverage_cells()
    assert cells, "no coverage table rows found"
    for cell in cells:
        if cell.startswith("left out:"):
            assert cell.removeprefix("left out:").strip(), "left out without a reason"
            continue
        first = BACKTICKED.match(cell)
        assert first and first.group(1) in event_ids, f"not an events.csv id: {cell!r}"


def test_coverage_has_every_seed_derived_event(events, sources) -> None:
    seed_ids = {sid for sid, r in sources.items() if SEED_NAMED.search(r["notes"])}
    named = set(BACKTICKED.findall(COVERAGE.read_text(encoding="utf-8")))
    assert sorted(seed_ids - named) == []
    from_seeds = {e["id"] for e in events if seed_ids & set(_tokens(e))}
    assert sorted(from_seeds - named) == []


def test_every_seed_file_is_in_a_source_row(sources) -> None:
    lines = SEED_FILES.read_text(encoding="utf-8").splitlines()
    seeds = sorted(x.strip() for x in lines if x.strip() and not x.startswith("#"))
    assert seeds and all(SEED_FILE.match(s) for s in seeds)
    notes = " ".join(r["notes"] for r in sources.values())
    assert [s for s in seeds if s not in notes] == []
