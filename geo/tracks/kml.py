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
fetched and no entity expands (the "billion laughs").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

import numpy as np

from geo.io.csvfile import quoted
from geo.tracks._common import (
    ALT_FT,
    FEET_PER_METRE,
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


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class _Track:
    line: int
    name: str
    whens: list[tuple[int, str]] = field(default_factory=list)
    coords: list[tuple[int, str]] = field(default_factory=list)


def _ident(text: str) -> str:
    name = text.strip().upper()
    return name if 2 <= len(name) <= 10 and _IDENT.fullmatch(name) else ""


def _parse(data: bytes) -> tuple[str, list[_Track]]:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[str] = []
    names: list[str] = []  # the name of each open Placemark/Document/Folder
    tracks: list[_Track] = []
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
            tracks.append(_Track(line, next((n for n in reversed(names) if n), "")))
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
                tracks[-1].whens.append((line, value.strip()))
            else:
                tracks[-1].coords.append((line, value.strip()))
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
    parser.Parse(data, True)
    return (root[0] if root else ""), tracks


def read_kml(data: bytes, problems: Collector) -> list[Trace]:
    """The traces (one per callsign named) in the ``gx:Track`` elements of a KML document,
    or ``[]``."""
    try:
        root, tracks = _parse(data)
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
    if not tracks:
        problems.add(
            1,
            "file",
            "KML without a gx:Track: no fixes with times (a LineString has no times; "
            "export the flight as a track)",
        )
        return []

    before = problems.count
    lines: list[tuple[int, int]] = []  # (when line, coord line) per fix
    whens: list[str] = []
    coords: list[str] = []
    track_names: list[str] = []
    for track in tracks:
        if len(track.whens) != len(track.coords):
            problems.add(
                track.line,
                "gx:Track",
                f"has {len(track.whens)} <when> but {len(track.coords)} <gx:coord>; "
                "each time needs its position",
            )
            continue
        for (w_line, w), (c_line, c) in zip(track.whens, track.coords, strict=True):
            lines.append((w_line, c_line))
            whens.append(w)
            coords.append(c)
            track_names.append(track.name)

    n = len(whens)
    t = np.full(n, np.nan)
    t_ok = np.zeros(n, dtype=np.bool_)
    for k, w in enumerate(whens):
        parsed = parse_iso(w)
        if isinstance(parsed, str):
            problems.add(lines[k][0], "when", parsed)
        else:
            t[k], t_ok[k] = parsed, True
    check_times(t, t_ok, lambda k, m: problems.add(lines[k][0], "when", m))

    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    alt_m = np.full(n, np.nan)
    pos_ok = np.zeros(n, dtype=np.bool_)
    for k, c in enumerate(coords):
        parts = c.split()
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            numbers = [to_float(p) for p in parts]
        except ValueError:
            problems.add(
                lines[k][1],
                "gx:coord",
                f"{quoted(c)} is not \"lon lat [altitude_m]\" (ASCII digits 0-9 and a '.')",
            )
            continue
        lon[k], lat[k] = numbers[0], numbers[1]
        if len(numbers) == 3:
            alt_m[k] = numbers[2]
        pos_ok[k] = True

    def at(k: int, message: str) -> None:
        problems.add(lines[k][1], "gx:coord", message)

    check_range(lat, pos_ok, -90.0, 90.0, "latitude", at)
    check_range(lon, pos_ok, -180.0, 180.0, "longitude", at)
    alt_range = (ALT_FT[0] / FEET_PER_METRE, ALT_FT[1] / FEET_PER_METRE)
    check_range(
        alt_m,
        pos_ok & ~np.isnan(alt_m),
        round(alt_range[0]),
        round(alt_range[1]),
        "altitude",
        at,
        "m",
    )
    if problems.count > before:
        return []
    keys: list[str | None] = []
    for name in track_names:
        keys.append(name if name else (keys[-1] if keys else None))
    first = next((key for key in keys if key is not None), "")
    aircraft: dict[str, list[int]] = {}
    for k, key in enumerate(keys):
        aircraft.setdefault(first if key is None else key, []).append(k)
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
