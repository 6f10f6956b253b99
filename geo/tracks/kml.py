"""KML tracks (Google Earth, Flightradar24's KML export): ``gx:Track`` elements::

    <Placemark><name>AZG123</name>
      <gx:Track>
        <when>2025-03-13T22:54:12Z</when> ...
        <gx:coord>37.2615 55.5915 210</gx:coord> ...
      </gx:Track>
    </Placemark>

The n-th ``<when>`` of a track goes with its n-th ``<gx:coord>`` (``lon lat [alt]``, the
altitude in **metres**, converted to feet). A file may hold several Placemarks and tracks
(and ``gx:MultiTrack``). KML carries no ground state and no address: the aircraft's name is
the callsign, taken from the enclosing Placemark's (else the Document's) ``<name>`` when it
reads as one (2-10 letters and digits with at least one digit or a '-', like ``AZG123`` or
``RA-96022``). By the identity rule (address, else registration, else callsign) the fixes
make one trace per callsign named, in order of first appearance; a track without one belongs
to the track before it (the first ones, to the first named); a file naming none is one trace.

Parsed with expat (the engine of ``xml.etree``), which gives every element's line; as
defusedxml does, any DOCTYPE or entity declaration is refused, so no external entity is
fetched and no entity expands (the "billion laughs"). The document is given to expat a part
at a time, and each ``<when>`` and ``<gx:coord>`` is converted as it ends, into compact columns:
no element tree and no list of values' text is built (a 16 MiB KML peaks at about 31 MB of
Python objects, from about 100 MB). Each check keeps its own first problems, so the problems
kept are those found checking every fix one check after another.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.parsers import expat

import numpy as np

from geo.io.csvfile import quoted
from geo.tracks._common import (
    ALT_FT,
    FEET_PER_METRE,
    MAX_PROBLEMS,
    Collector,
    check_range,
    check_times,
    parse_iso,
    to_float,
)
from geo.tracks.build import callsign_codes, make_trace
from geo.tracks.model import Trace

__all__ = ["read_kml"]

_IDENT = re.compile(r"(?=[A-Z0-9-]*[0-9-])[A-Z0-9]+(?:-[A-Z0-9]+)?")
_NAMED = frozenset({"Placemark", "Document", "Folder"})
_UNSAFE = (
    "DOCTYPE and entity declarations are not allowed in a track file "
    "(they can fetch external files or expand without limit); remove the <!DOCTYPE ...>"
)
_FEED = 1 << 20
"""Bytes given to expat at a time."""
_CHECKS = ("gx:Track", "when", "time", "gx:coord", "latitude", "longitude", "altitude")
"""The checks, in the order they run over the whole file's fixes: the problems kept are the
first :data:`MAX_PROBLEMS` in this order."""


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _Found:
    """Each check's first :data:`MAX_PROBLEMS` problems ``(line, column, message)``, the
    others counted: kept check by check, they are the ones the checks, run one after another
    over every fix, would keep."""

    def __init__(self) -> None:
        self.kept: dict[str, list[tuple[int, str, str]]] = {check: [] for check in _CHECKS}
        self.more = dict.fromkeys(_CHECKS, 0)

    def add(self, check: str, line: int, column: str, message: str) -> None:
        kept = self.kept[check]
        if len(kept) < MAX_PROBLEMS:
            kept.append((line, column, message))
        else:
            self.more[check] += 1

    def extend(self, other: _Found) -> None:
        """``other``'s problems after these, check by check."""
        for check in _CHECKS:
            kept, theirs = self.kept[check], other.kept[check]
            room = max(0, MAX_PROBLEMS - len(kept))
            kept.extend(theirs[:room])
            self.more[check] += max(0, len(theirs) - room) + other.more[check]

    def __bool__(self) -> bool:
        return any(self.kept.values())

    def report(self, problems: Collector) -> None:
        for check in _CHECKS:
            for line, column, message in self.kept[check]:
                problems.add(line, column, message)
            problems.problems.dropped += self.more[check]


@dataclass
class _Track:
    """One ``gx:Track``: its fixes' values as they are read (compact columns), and the
    problems of its ``<when>`` and ``<gx:coord>`` values."""

    line: int
    name: str
    t: array[float] = field(default_factory=lambda: array("d"))
    t_ok: array[int] = field(default_factory=lambda: array("b"))
    when_line: array[int] = field(default_factory=lambda: array("q"))
    lon: array[float] = field(default_factory=lambda: array("d"))
    lat: array[float] = field(default_factory=lambda: array("d"))
    alt_m: array[float] = field(default_factory=lambda: array("d"))
    pos_ok: array[int] = field(default_factory=lambda: array("b"))
    coord_line: array[int] = field(default_factory=lambda: array("q"))
    found: _Found = field(default_factory=_Found)

    def when(self, line: int, text: str) -> None:
        parsed = parse_iso(text)
        self.when_line.append(line)
        if isinstance(parsed, str):
            self.found.add("when", line, "when", parsed)
            self.t.append(np.nan)
            self.t_ok.append(0)
        else:
            self.t.append(parsed)
            self.t_ok.append(1)

    def coord(self, line: int, text: str) -> None:
        self.coord_line.append(line)
        parts = text.split()
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            numbers = [to_float(p) for p in parts]
        except ValueError:
            self.found.add(
                "gx:coord",
                line,
                "gx:coord",
                f"{quoted(text)} is not \"lon lat [altitude_m]\" (ASCII digits 0-9 and a '.')",
            )
            numbers = []
        self.lon.append(numbers[0] if numbers else np.nan)
        self.lat.append(numbers[1] if numbers else np.nan)
        self.alt_m.append(numbers[2] if len(numbers) == 3 else np.nan)
        self.pos_ok.append(1 if numbers else 0)


@dataclass
class _Fixes:
    """The fixes of every track whose times and positions pair up, in file order."""

    whole: _Track = field(default_factory=lambda: _Track(0, ""))
    tracks: list[tuple[str, int]] = field(default_factory=list)  # (name, fixes) per track
    found: _Found = field(default_factory=_Found)  # every check's, the mismatches first
    count: int = 0  # gx:Track elements

    def add(self, track: _Track) -> None:
        """A track that is complete (no more of its values can follow)."""
        whens, coords = len(track.t), len(track.lon)
        if whens != coords:
            self.found.add(
                "gx:Track",
                track.line,
                "gx:Track",
                f"has {whens} <when> but {coords} <gx:coord>; each time needs its position",
            )
            return
        self.found.extend(track.found)
        whole = self.whole
        for name in ("t", "t_ok", "when_line", "lon", "lat", "alt_m", "pos_ok", "coord_line"):
            getattr(whole, name).extend(getattr(track, name))
        self.tracks.append((track.name, whens))


def _ident(text: str) -> str:
    name = text.strip().upper()
    return name if 2 <= len(name) <= 10 and _IDENT.fullmatch(name) else ""


def _parse(data: bytes) -> tuple[str, _Fixes]:
    """The root element's name and the fixes, each ``<when>`` and ``<gx:coord>`` converted as
    it ends (a track's values are kept as numbers, not as text or elements)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[str] = []
    names: list[str] = []  # the name of each open Placemark/Document/Folder
    fixes = _Fixes()
    last: list[_Track] = []  # the track started last: its values go to it, as before
    text: list[str] = []
    capture: list[tuple[str, int]] = []  # (what, line) while inside when/coord/name
    root: list[str] = []

    def refuse(*_args: object) -> None:
        raise _Refused(parser.CurrentLineNumber, _UNSAFE)

    def start(tag: str, _attrs: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1]
        if not stack and not root:
            root.append(local)
        parent = stack[-1] if stack else ""
        stack.append(local)
        line = parser.CurrentLineNumber
        if local in _NAMED:
            names.append("")
        elif local == "Track":
            if last:
                fixes.add(last.pop())
            fixes.count += 1
            last.append(_Track(line, next((n for n in reversed(names) if n), "")))
        elif (
            parent == "Track"
            and local in ("when", "coord")
            or (local == "name" and parent in _NAMED)
        ):
            capture.append((local, line))
            text.clear()

    def end(tag: str) -> None:
        local = stack.pop() if stack else tag
        if capture and capture[-1][0] == local:
            what, line = capture.pop()
            value = "".join(text)
            if what == "name":
                names[-1] = _ident(value)
            elif what == "when":
                last[-1].when(line, value.strip())
            else:
                last[-1].coord(line, value.strip())
        if local in _NAMED and names:
            names.pop()

    def chars(data: str) -> None:
        if capture:
            text.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    view = memoryview(data)
    for at in range(0, len(data), _FEED):
        parser.Parse(bytes(view[at : at + _FEED]), False)
    parser.Parse(b"", True)
    if last:
        fixes.add(last.pop())
    return (root[0] if root else ""), fixes


def read_kml(data: bytes, problems: Collector) -> list[Trace]:
    """The traces (one per callsign named) in the ``gx:Track`` elements of a KML document,
    or ``[]``."""
    try:
        root, fixes = _parse(data)
    except _Refused as exc:
        problems.add(exc.line, "file", exc.message)
        return []
    except LookupError as exc:  # <?xml ... encoding="..."?> names no known encoding
        problems.add(1, "file", f"the XML declaration names an {exc}; save the file as UTF-8")
        return []
    except expat.ExpatError as exc:
        problems.add(
            exc.lineno,
            "file",
            f"not well-formed XML: {expat.ErrorString(exc.code)} (column {exc.offset + 1})",
        )
        return []
    if root != "kml":
        problems.add(1, "file", f"XML, but not KML (the root element is <{root[:60]}>, not <kml>)")
        return []
    if not fixes.count:
        problems.add(
            1,
            "file",
            "KML without a gx:Track: no fixes with times (a LineString has no times; "
            "export the flight as a track)",
        )
        return []

    whole, found = fixes.whole, fixes.found
    t = np.frombuffer(whole.t, dtype=np.float64)
    when_line = np.frombuffer(whole.when_line, dtype=np.int64)
    check_times(
        t,
        np.frombuffer(whole.t_ok, dtype=np.int8).astype(np.bool_),
        lambda k, m: found.add("time", int(when_line[k]), "when", m),
    )
    lon = np.frombuffer(whole.lon, dtype=np.float64)
    lat = np.frombuffer(whole.lat, dtype=np.float64)
    alt_m = np.frombuffer(whole.alt_m, dtype=np.float64)
    pos_ok = np.frombuffer(whole.pos_ok, dtype=np.int8).astype(np.bool_)
    coord_line = np.frombuffer(whole.coord_line, dtype=np.int64)

    def at(check: str) -> Callable[[int, str], None]:
        return lambda k, m: found.add(check, int(coord_line[k]), "gx:coord", m)

    check_range(lat, pos_ok, -90.0, 90.0, "latitude", at("latitude"))
    check_range(lon, pos_ok, -180.0, 180.0, "longitude", at("longitude"))
    alt_range = (ALT_FT[0] / FEET_PER_METRE, ALT_FT[1] / FEET_PER_METRE)
    check_range(
        alt_m,
        pos_ok & ~np.isnan(alt_m),
        round(alt_range[0]),
        round(alt_range[1]),
        "altitude",
        at("altitude"),
        "m",
    )
    if found:
        found.report(problems)
        return []
    keys: list[str | None] = []  # the aircraft of each track with fixes
    track_names: list[str] = []  # each fix's
    for name, n in fixes.tracks:
        if n:
            keys.append(name if name else (keys[-1] if keys else None))
            track_names.extend([name] * n)
    first = next((key for key in keys if key is not None), "")
    aircraft: dict[str, list[int]] = {}
    k = 0
    for key, (_name, n) in zip(keys, [track for track in fixes.tracks if track[1]], strict=True):
        aircraft.setdefault(first if key is None else key, []).extend(range(k, k + n))
        k += n
    traces: list[Trace] = []
    for rows in aircraft.values():
        index = np.array(rows, dtype=np.int64)
        codes, codes_of = callsign_codes(track_names, rows)
        traces.append(
            make_trace(
                problems.name,
                t[index],
                lat[index],
                lon[index],
                alt_ft=alt_m[index] * FEET_PER_METRE,
                callsign_code=codes,
                callsigns=codes_of,
                format="kml",
            )
        )
    return traces
