"""Reference files: airports (``airports.csv``), named places (``places.csv``) and the
sources events cite (``sources.csv``).

Rows with problems are reported and left out; their codes and names go to a :data:`Broken`
map, so an event naming them says "defined on FILE:LINE, which has a problem" rather than
"unknown place".
"""

from __future__ import annotations

import math
import re
from datetime import date

from geo.io.csvfile import in_line_order, read_table, split_list
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


def _float(
    row: dict[str, str], col: str, lo: float, hi: float, name: str, line: int, out: list[Problem]
) -> float:
    text = row.get(col, "").strip()
    try:
        value = float(text)
    except ValueError:
        out.append(Problem(name, line, col, f"'{text}' is not a number"))
        return math.nan
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


def load_airports(source: Source, name: str | None = None) -> list[Airport]:
    """``airports.csv``: ``iata,icao,name,city,country,lat,lon,tz``."""
    name = name or default_name(source, "airports.csv")
    problems: list[Problem] = []
    out = read_airports(source, name, problems, {})
    if problems:
        raise DataError(in_line_order(problems))
    return out


def read_airports(
    source: Source, name: str, problems: list[Problem], broken: Broken
) -> list[Airport]:
    """The airports without problems; rows with problems go to ``broken``."""
    out: list[Airport] = []
    seen: dict[str, int] = {}
    for line, row in read_table(source, name, AIRPORT_COLUMNS, problems):
        n_before = len(problems)
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
        if len(problems) > n_before:
            for code in (iata, icao):
                if code:
                    broken.setdefault(code.casefold(), f"{name}:{line}")
            continue
        out.append(
            Airport(
                iata,
                icao,
                row["name"].strip(),
                row["city"].strip(),
                row["country"].strip(),
                lat,
                lon,
                tz,
            )
        )
    return out


def load_places(source: Source, name: str | None = None) -> list[Place]:
    """``places.csv``: ``name,country,lat,lon,tz,aliases``."""
    name = name or default_name(source, "places.csv")
    problems: list[Problem] = []
    out = read_places(source, name, problems, {})
    if problems:
        raise DataError(in_line_order(problems))
    return out


def read_places(source: Source, name: str, problems: list[Problem], broken: Broken) -> list[Place]:
    """The places without problems; rows with problems go to ``broken``."""
    out: list[Place] = []
    seen: dict[str, int] = {}
    for line, row in read_table(source, name, PLACE_COLUMNS, problems, optional=("aliases",)):
        n_before = len(problems)
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
        if len(problems) > n_before:
            for label in (place_name, *aliases):
                broken.setdefault(label.casefold(), f"{name}:{line}")
            continue
        out.append(Place(place_name, row["country"].strip(), lat, lon, tz, aliases))
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
    for line, row in read_table(source, name, SOURCE_COLUMNS, problems, optional=("notes",)):
        n_before = len(problems)
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
