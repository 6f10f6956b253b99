"""The bibliography: ``data/sources.csv``, the source ids cited in ``data/events.csv``, the
seed-coverage table in ``docs/seed-coverage.md`` and the record of verified addresses in
``docs/sources-verified.md``.

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
VERIFIED = ROOT / "docs" / "sources-verified.md"
README = ROOT / "README.md"
SEED_FILES = ROOT / "tests" / "data" / "seed-files.txt"  # the seed reports' names, copied

HEADER = ["id", "outlet", "title", "author", "published", "url", "notes"]
# A sources-cell token that looks like this is a source id; anything else is free text.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
SEED_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
SEED_NAMED = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
PUBLISHED = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
BACKTICKED = re.compile(r"`([^`]+)`")
URL = re.compile(r"https?://[^\s\"]+")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\b")
QUOTED = re.compile(r'^"([^"]+)"')
# what a row with an address says of it in notes: the record it comes from
CITES_RECORD = "docs/sources-verified.md"


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


# ---- verified addresses (issue 28) --------------------------------------------------------


def _verified_table() -> dict[str, dict[str, str]]:
    """The "Verified" table of the record: source id -> its cells (outlet, headline, author,
    published, url). A row whose first cell is not an id (the seed-002 republication) is left
    out: it has no row of its own in sources.csv."""
    text = VERIFIED.read_text(encoding="utf-8")
    section = text.split("\n## Verified\n", 1)[1].split("\n## ", 1)[0]
    table: dict[str, dict[str, str]] = {}
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 8, line
        sid = cells[0].split(" ", 1)[0]
        if not SLUG.match(sid):
            continue  # the header, the separator, the republication
        fields = ("outlet", "title", "author", "published", "url")
        table[sid] = dict(zip(fields, cells[1:6], strict=True))
    return table


@pytest.fixture(scope="module")
def verified() -> dict[str, dict[str, str]]:
    return _verified_table()


def _urls(text: str) -> list[str]:
    return [u.rstrip(".,;:)") for u in URL.findall(text)]


def test_the_record_lists_sixteen_verified_rows(verified) -> None:
    assert len(verified) == 16
    assert all(URL.fullmatch(cells["url"]) for cells in verified.values()), verified


def test_every_url_is_a_verified_address_of_that_row(sources, verified) -> None:
    """A row has an address only if the record verified that address for that row, and the
    row says where the address comes from."""
    with_url = {sid: r for sid, r in sources.items() if r["url"]}
    assert {sid: r["url"] for sid, r in with_url.items() if sid not in verified} == {}
    assert {sid: r["url"] for sid, r in with_url.items() if r["url"] != verified[sid]["url"]} == {}
    assert sorted(sid for sid, r in with_url.items() if CITES_RECORD not in r["notes"]) == []


def test_every_verified_address_is_used(sources, verified) -> None:
    unused = {
        sid: cells["url"]
        for sid, cells in verified.items()
        if sid in sources and sources[sid]["url"] != cells["url"]
    }
    assert unused == {}
    # the one verified id that is not a row was merged into the row of the same page
    merged = sorted(set(verified) - set(sources))
    assert merged == ["azerbaycan24-flight-2025-03"]
    kept = sources["unsigned-trump-putin-baku-2025-03-14"]
    assert kept["url"] == verified["azerbaycan24-flight-2025-03"]["url"]
    assert "azerbaycan24-flight-2025-03" in kept["notes"]


def test_verified_fields_are_the_pages(sources, verified) -> None:
    """Headline, outlet, author and day, where the page shows them, are the page's."""
    for sid, cells in verified.items():
        if sid not in sources:
            continue
        row = sources[sid]
        assert cells["outlet"].startswith(row["outlet"]), (sid, row["outlet"])
        headline = QUOTED.match(cells["title"])
        if headline:
            assert row["title"] == headline.group(1), sid
        else:  # not shown: the supplied title stays, bracketed
            assert row["title"].startswith("[") and "supplied" in row["notes"], sid
        if not cells["author"].startswith(("none shown", "as above")):
            assert row["author"] and cells["author"].startswith(row["author"]), sid
        day = ISO_DAY.match(cells["published"])
        if day:
            assert row["published"] == day.group(0), sid


def test_no_unverified_row_has_a_url_and_copies_are_said_to_be_copies(sources, verified) -> None:
    record = VERIFIED.read_text(encoding="utf-8")
    for sid, row in sources.items():
        if sid not in verified:
            assert row["url"] == "", sid
        # an address in notes (a republication, a quote) is one the record names
        assert [u for u in _urls(row["notes"]) if u not in record] == [], sid
    # a copy elsewhere is named as a republication, not as the outlet's page
    for sid in (
        "azertac-dunford-gerasimov-2017-02",
        "nato-shape-2018-12",
        "jns-rubio-netanyahu-2025-02",
        "reuters-armenia-azerbaijan-treaty-2025-03",
        "reuters-abraham-accords-azerbaijan-2025-08",
        "times-of-israel-2025-08-01",
    ):
        assert "republished at https://" in sources[sid]["notes"].replace("http://", "https://")


def test_the_mirror_is_said_to_be_one(sources) -> None:
    row = sources["jerusalem-post-842893-2025-02"]
    assert row["url"] == "https://jpost.1eye.us/israel-news/article-842893"
    assert "mirror" in row["notes"] and "jpost.com page itself was not found" in row["notes"]


def test_seed_outlets_are_the_verified_ones(sources) -> None:
    assert sources["hasanova-witkoff-baku-2025-03"]["outlet"] == "Caliber.Az"
    assert sources["unsigned-trump-putin-baku-2025-03-14"]["outlet"] == "azerbaycan24.com"
    outlets = [r["outlet"] for r in sources.values()]
    assert [o for o in outlets if o.startswith("[")] == []


def test_the_merged_id_is_gone_everywhere(sources, events) -> None:
    gone = "azerbaycan24-flight-2025-03"
    assert gone not in sources
    assert [e["id"] for e in events if gone in _tokens(e)] == []
    for path in (EVENTS, COVERAGE, README):
        assert gone not in path.read_text(encoding="utf-8"), path


def test_syndicated_pairs_say_so_and_name_the_verified_one(sources, events) -> None:
    jns, win = sources["jns-rubio-netanyahu-2025-02"], sources["world-israel-news-2025-02-16"]
    assert jns["url"] == "" and win["url"]
    assert "world-israel-news-2025-02-16" in jns["notes"] and "counted twice" in jns["notes"]
    assert "jns-rubio-netanyahu-2025-02" in win["notes"]
    toi = sources["times-of-israel-2025-08-01"]
    reuters = sources["reuters-abraham-accords-azerbaijan-2025-08"]
    assert "reuters-abraham-accords-azerbaijan-2025-08" in toi["notes"]
    assert "times-of-israel-2025-08-01" in reuters["notes"]
    by_id = {e["id"]: e for e in events}
    rubio = by_id["rubio-netanyahu-2025-02-16"]
    cited = _tokens(rubio)
    assert cited.index("world-israel-news-2025-02-16") < cited.index("jns-rubio-netanyahu-2025-02")
    assert "probably one syndicated article" in rubio["notes"]
    assert "probably one report" in by_id["toi-report-2025-08-01"]["notes"]


def test_readme_gives_the_count_of_verified_addresses(sources) -> None:
    n = sum(1 for r in sources.values() if r["url"])
    assert n == 15
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert f"{n} of the {len(sources)} sources have a verified address" in readme
