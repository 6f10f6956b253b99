"""Reference files: airports (``airports.csv``), named places (``places.csv``) and the
sources events cite (``sources.csv``).

Rows with problems are reported and left out; their codes and names go to a :data:`Broken`
map, so an event naming them says "defined on FILE:LINE, which has a problem" rather than
"unknown place".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date

from geo.io.csvfile import in_line_order, read_records, split_list
from geo.io.source import Source, default_name
from geo.model import (
    AIRPORT_COLUMNS,
    PLACE_COLUMNS,
    SOURCE_COLUMNS,
    SOURCE_ID,
    Airport,
    DataError,
    Place,
    Problem,
    Reference,
    is_http_url,
)
from geo.timeline import is_zone


def _rows(
    source: Source, name: str, columns: tuple[str, ...], problems: list[Problem],
    optional: tuple[str, ...] = (),
) -> Iterator[tuple[int, dict[str, str], bool]]:
    """``(line, row, flagged)``: a flagged row has a problem of its text already reported;
    the readers count it as a row with a problem (``n_before = len(problems) - flagged``)."""
    table = read_records(source, name, columns, problems, optional=optional)
    for line, row in table.rows():
        yield line, row, line in table.flagged


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)
"""A decimal number as a CSV writes one: ASCII digits only (``float`` also takes '٤٠.٥',
full-width digits, '4_0.5', 'inf' and 'nan')."""


def _float(
    row: dict[str, str], col: str, lo: float, hi: float, name: str, line: int, out: list[Problem]
) -> float:
    text = row.get(col, "").strip()
    if not _NUMBER.match(text):
        out.append(Problem(name, line, col, f"'{text}' is not a number (write e.g. 40.4675)"))
        return math.nan
    value = float(text)
    if not (lo <= value <= hi) or math.isnan(value):
        out.append(Problem(name, line, col, f"{text} is outside {lo:g}..{hi:g}"))
        return math.nan
    return value


def _zone(row: dict[str, str], name: str, line: int, out: list[Problem]) -> str:
    tz = row.get("tz", "").strip()
    if not is_zone(tz):
        out.append(Problem(name, line, "tz", f"'{tz}' is not an IANA time zone (e.g. 'Asia/Baku')"))
    return tz


Broken = dict[str, str]
"""Reference keys (casefolded codes, names, aliases) of rows that have problems -> FILE:LINE."""

Known = dict[str, tuple[str, tuple[object, ...]]]
"""Reference keys of an earlier file's rows -> (FILE:LINE, the row's definition): a later file
adds to it, and a key it defines differently is a clash naming both lines."""


def load_airports(source: Source, name: str | None = None) -> list[Airport]:
    """``airports.csv``: ``iata,icao,name,city,country,lat,lon,tz``."""
    name = name or default_name(source, "airports.csv")
    problems: list[Problem] = []
    out = read_airports(source, name, problems, {})
    if problems:
        raise DataError(in_line_order(problems))
    return out


def read_airports(
    source: Source, name: str, problems: list[Problem], broken: Broken, known: Known | None = None
) -> list[Airport]:
    """The airports without problems; rows with problems go to ``broken``. With ``known``
    (an earlier file's codes), a code defined again differently is a clash; the same row
    again is left out silently; ``known`` learns this file's codes."""
    out: list[Airport] = []
    seen: dict[str, int] = {}
    known = {} if known is None else known
    learned: Known = {}  # this file's codes, known to the files after it
    for line, row, flagged in _rows(source, name, AIRPORT_COLUMNS, problems):
        n_before = len(problems) - flagged
        # upper() only ASCII: 'ß'.upper() is 'SS', and a non-ASCII code must stay invalid
        iata, icao = (
            code.upper() if code.isascii() else code
            for code in (row["iata"].strip(), row["icao"].strip())
        )
        for col, code in (("iata", iata), ("icao", icao)):
            if code and code in seen:
                problems.append(
                    Problem(name, line, col, f"'{code}' is already used on line {seen[code]}")
                )
            elif code:
                seen[code] = line
        if not iata and not icao:
            problems.append(Problem(name, line, "iata", "an airport needs an IATA or ICAO code"))
        if iata and (len(iata) != 3 or not (iata.isascii() and iata.isalpha())):
            problems.append(Problem(name, line, "iata", f"'{iata}' is not a 3-letter IATA code"))
        if icao and (len(icao) != 4 or not (icao.isascii() and icao.isalnum())):
            problems.append(Problem(name, line, "icao", f"'{icao}' is not a 4-character ICAO code"))
        lat = _float(row, "lat", -90, 90, name, line, problems)
        lon = _float(row, "lon", -180, 180, name, line, problems)
        tz = _zone(row, name, line, problems)
        airport = Airport(
            iata, icao, row["name"].strip(), row["city"].strip(), row["country"].strip(),
            lat, lon, tz,
        )
        definition = (lat, lon, tz)
        repeated = False
        for col, code in (("iata", iata), ("icao", icao)):
            # a row with problems of its own is broken anyway: no clash to add
            earlier = known.get(code.casefold()) if code and len(problems) == n_before else None
            if earlier is None:
                continue
            if earlier[1] == definition:
                repeated = True
            else:
                problems.append(
                    Problem(name, line, col, f"'{code}' is already defined on {earlier[0]}, "
                            "differently (a file of your own adds to the shipped one)")
                )
        if len(problems) > n_before:
            for code in (iata, icao):
                if code:
                    broken.setdefault(code.casefold(), f"{name}:{line}")
            continue
        for code in (iata, icao):
            if code:
                learned.setdefault(code.casefold(), (f"{name}:{line}", definition))
        if not repeated:
            out.append(airport)
    for key, value in learned.items():
        known.setdefault(key, value)
    return out


def load_places(source: Source, name: str | None = None) -> list[Place]:
    """``places.csv``: ``name,country,lat,lon,tz,aliases``."""
    name = name or default_name(source, "places.csv")
    problems: list[Problem] = []
    out = read_places(source, name, problems, {})
    if problems:
        raise DataError(in_line_order(problems))
    return out


def read_places(
    source: Source, name: str, problems: list[Problem], broken: Broken, known: Known | None = None
) -> list[Place]:
    """The places without problems; rows with problems go to ``broken``. With ``known``
    (an earlier file's names and aliases), a name defined again differently is a clash naming
    both lines; the same place again is left out silently; ``known`` learns this file's."""
    out: list[Place] = []
    seen: dict[str, int] = {}
    known = {} if known is None else known
    learned: Known = {}  # this file's names, known to the files after it
    for line, row, flagged in _rows(source, name, PLACE_COLUMNS, problems, ("aliases",)):
        n_before = len(problems) - flagged
        place_name = row["name"].strip()
        if not place_name:
            problems.append(Problem(name, line, "name", "empty place name"))
        aliases = split_list(row.get("aliases", ""))
        for label in (place_name, *aliases):
            key = label.casefold()
            if key in seen and seen[key] != line:
                problems.append(
                    Problem(
                        name,
                        line,
                        "name" if label == place_name else "aliases",
                        f"'{label}' already names the place on line {seen[key]}",
                    )
                )
            seen.setdefault(key, line)
        lat = _float(row, "lat", -90, 90, name, line, problems)
        lon = _float(row, "lon", -180, 180, name, line, problems)
        tz = _zone(row, name, line, problems)
        definition = (lat, lon, tz)
        repeated = False
        for label in (place_name, *aliases):
            # a row with problems of its own is broken anyway: no clash to add
            earlier = known.get(label.casefold()) if len(problems) == n_before else None
            if earlier is None:
                continue
            if earlier[1] == definition:
                repeated = True
            else:
                problems.append(
                    Problem(
                        name, line, "name" if label == place_name else "aliases",
                        f"'{label}' already names a place on {earlier[0]}, defined differently "
                        "(a file of your own adds to the shipped one: rename one of them)",
                    )
                )
        if len(problems) > n_before:
            for label in (place_name, *aliases):
                broken.setdefault(label.casefold(), f"{name}:{line}")
            continue
        for label in (place_name, *aliases):
            learned.setdefault(label.casefold(), (f"{name}:{line}", definition))
        if not repeated:
            out.append(Place(place_name, row["country"].strip(), lat, lon, tz, aliases))
    for key, value in learned.items():
        known.setdefault(key, value)
    return out


Bibliography = dict[str, Reference]
"""Source id -> its row of ``sources.csv``."""

_PUBLISHED = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$", re.ASCII)


def _published(text: str) -> str | None:
    """The message for a ``published`` cell that is not an ISO date at some precision."""
    if not _PUBLISHED.match(text):
        return f"'{text}' is not a date; write 2025, 2025-03 or 2025-03-17"
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        return f"'{text}' is not a real date ({exc})"
    return None


def read_sources(
    source: Source, name: str, problems: list[Problem], known: Bibliography | None = None,
    where: dict[str, str] | None = None,
) -> Bibliography:
    """``sources.csv``: ``id,outlet,title,author,published,url,notes``. Rows with problems
    are left out. ``where`` (id -> ``FILE:LINE``) is filled in as rows are read; an id it
    already holds (from an earlier file, whose rows are ``known``) is a clash, reported on
    this file's line."""
    out: Bibliography = {}
    seen: dict[str, str] = {} if where is None else where
    for line, row, flagged in _rows(source, name, SOURCE_COLUMNS, problems, ("notes",)):
        n_before = len(problems) - flagged
        cells = {col: row.get(col, "").strip() for col in SOURCE_COLUMNS}
        sid = cells["id"]
        if not SOURCE_ID.match(sid):
            problems.append(
                Problem(name, line, "id", f"'{sid}' is not a source id: write a lowercase "
                        "slug with hyphens, e.g. oc-media-2025-03-17")
            )
        elif sid in seen:
            problems.append(Problem(name, line, "id", f"'{sid}' is already used on {seen[sid]}"))
        for col in ("outlet", "title"):
            if not cells[col]:
                problems.append(Problem(name, line, col, "empty; a reader needs it to find the "
                                        "source"))
        if cells["published"]:
            message = _published(cells["published"])
            if message:
                problems.append(Problem(name, line, "published", message))
        if cells["url"] and not is_http_url(cells["url"]):
            problems.append(
                Problem(name, line, "url", f"'{cells['url']}' is not an http(s) URL; leave it "
                        "empty where the address is not known")
            )
        if SOURCE_ID.match(sid):
            seen.setdefault(sid, f"{name}:{line}")
        if len(problems) > n_before:
            continue
        out[sid] = Reference(**cells)
    if known:
        return {**known, **out}
    return out


def load_sources(source: Source, name: str | None = None) -> Bibliography:
    """``sources.csv`` on its own; raises :class:`DataError`."""
    name = name or default_name(source, "sources.csv")
    problems: list[Problem] = []
    out = read_sources(source, name, problems)
    if problems:
        raise DataError(in_line_order(problems))
    return out
