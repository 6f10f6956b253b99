"""The page's data, declared once: every part of the blob (name, type, meaning), in the order
:func:`geo.layers.map_payload` writes them.

:mod:`geo.layers` writes by this table (its :class:`~geo.pack.Packer` refuses a part that is
not declared, or of another type, and a declared part left out); the page's decoder
(``geo/static/js/10-decode.js``, ``PARTS``) reads the same names and types and refuses, with a
visible message, a document whose parts differ; ``tests/test_payload.py`` holds the three
together, and ``tests/helpers.py`` decodes by it. A string part (``u32``) holds indices into
``strings``; a list field is a count per row (``.n``) and its items, concatenated. An
*optional* part is written only when it has rows (the page reads it as empty when absent), so
a document without them is byte for byte what it was before the part existed.

The rules Python owns that the page applies (the instant, the zero-length threshold, the
cluster grid, the spacing of vertices) are declared here too (:data:`RULES`: name, type,
meaning); their values live in their home modules and travel in the JSON block's ``rule``
(:func:`geo.layers.page_rules`), which the page's decoder (``RULES``) checks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the page's data."""

    name: str  # ``ev.dt0``
    type: str  # a typed column (``u8``, ``u16``, ``u32``, ``i32``, ``f64``) or ``json``
    meaning: str
    optional: bool = False  # written only when it has rows (the page's type ends in "?")


PARTS: tuple[Part, ...] = (
    Part("pl.lat", "i32", "each place's latitude, degrees × coordScale"),
    Part("pl.lon", "i32", "each place's longitude, degrees × coordScale"),
    Part("pl.label", "u32", "each place's label (string)"),
    Part("pl.zone", "u32", "each place's IANA time zone (string)"),
    Part("ev.dt0", "f64", "each event's start minus the previous one's (the first: minus "
         "meta.base), seconds"),
    Part("ev.len", "f64", "each event's length, its exclusive end minus its start, seconds"),
    Part("ev.kind", "u8", "each event's kind, an index into meta.kinds"),
    Part("ev.status", "u8", "each event's status, an index into meta.statuses"),
    Part("ev.precision", "u8", "each event's coarser precision, an index into meta.precisions"),
    Part("ev.flags", "u8", "each event's flags: 1 a precedent, 2 a flight"),
    Part("ev.place", "u32", "each event's place (its destination), a place index"),
    Part("ev.id", "json", "each event's id"),
    Part("ev.title", "json", "each event's title"),
    Part("ev.notes", "u32", "each event's notes (string)"),
    Part("ev.when", "u32", "each event's time in words (string)"),
    Part("ev.local", "u32", "each event's local times (string)"),
    Part("ev.utc", "u32", "each event's UTC times (string)"),
    Part("ev.stop", "u32", "the clock's words at each event's stop (string)"),
    Part("ev.origin.n", "u16", "how many origins each event has"),
    Part("ev.origin.items", "u32", "the origins, place indices"),
    Part("ev.who.n", "u16", "how many participants each event has"),
    Part("ev.who.items", "u32", "the participants (strings)"),
    Part("ev.src.n", "u16", "how many sources each event cites"),
    Part("ev.src.items", "u32", "the sources' citations (strings)"),
    Part("arc.event", "u32", "each contact arc's event"),
    Part("arc.from", "u32", "each contact arc's origin, a place index"),
    Part("fl.event", "u32", "each flight's event"),
    Part("fl.from", "u32", "each flight's origin airport, a place index"),
    Part("fl.facts", "u32", "the flights' facts in words, the popup's lines (strings)"),
    Part("fl.rec.n", "u16", "how many lines say what each flight's drawn path is"),
    Part("fl.rec.items", "u32", "those lines: a recorded track's source and findings, or "
         "computed (strings)"),
    Part("rec.flight", "u32", "each recorded track's flight"),
    Part("rec.n", "u32", "how many drawn fixes each recorded track has"),
    Part("rec.lat", "i32", "each drawn fix's latitude, degrees × coordScale"),
    Part("rec.lon", "i32", "each drawn fix's longitude, degrees × coordScale"),
    Part("rec.t", "f64", "each drawn fix's time, ms since the epoch"),
    Part("rec.gap", "u8", "1 where a coverage gap starts at the fix"),
    Part("rec.caption", "u32", "each recorded track's profile caption (string)"),
    Part("pr.n", "u32", "how many profile points each recorded track has"),
    Part("pr.t", "f64", "each profile point's time, ms since the epoch"),
    Part("pr.alt", "i32", "each profile point's altitude, ft (-1: unknown)"),
    Part("pr.gs", "i32", "each profile point's ground speed, kt (-1: unknown)"),
    Part("alt.flight", "u32", "each alternative's flight (another candidate of --match-from)",
         optional=True),
    Part("alt.text", "u32", "each alternative's line in the card (string)", optional=True),
    Part("alt.n", "u32", "how many drawn points each alternative's path has", optional=True),
    Part("alt.lat", "i32", "each such point's latitude, degrees × coordScale", optional=True),
    Part("alt.lon", "i32", "each such point's longitude, degrees × coordScale", optional=True),
    Part("strings", "json", "the string table the string parts index"),
    Part("links", "json", "a citation's string index -> its http(s) URL"),
)
"""Every part of the page's data, in the order it is written."""

PART_TYPES: dict[str, str] = {p.name: p.type for p in PARTS}
"""Each part's type by name (what the page's ``PARTS`` must say)."""

OPTIONAL_PARTS: frozenset[str] = frozenset(p.name for p in PARTS if p.optional)
"""The parts a document may leave out (written only when they have rows)."""


def part_problems(index: dict[str, dict[str, object]]) -> list[str]:
    """What is wrong with a blob's index against the declaration: each missing, extra or
    mistyped part, in words (as the page's decoder says it); empty when nothing is."""
    out = [f"missing part '{name}'" for name in PART_TYPES
           if name not in index and name not in OPTIONAL_PARTS]
    for name, part in index.items():
        declared = PART_TYPES.get(name)
        if declared is None:
            out.append(f"extra part '{name}'")
        elif part.get("type") != declared:
            out.append(f"part '{name}' is {part.get('type')}, not {declared}")
    return out


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule constant the page applies, sent in the JSON block's ``rule``."""

    name: str  # ``instantMs``
    type: str  # its JSON type: ``number``
    meaning: str


RULES: tuple[Rule, ...] = (
    Rule("instantMs", "number", "how long an instant lasts, ms (geo.timeline.INSTANT): a "
         "minute- or second-precise end is the exclusive end minus it"),
    Rule("zeroLengthKm", "number", "a route shorter than this is zero-length, its ends one "
         "spot (geo.geodesy.ZERO_LENGTH_KM)"),
    Rule("clusterCellPx", "number", "the screen grid that groups places into one marker, px "
         "(geo.style.CLUSTER_CELL_PX)"),
    Rule("arcStepKm", "number", "a contact arc's vertices at most this far apart, km "
         "(geo.geometry.ARC_STEP_KM)"),
    Rule("trackStepMinutes", "number", "a computed track's vertices at most this much flight "
         "time apart, minutes (geo.geodesy.TRACK_STEP_MINUTES)"),
    Rule("trackStepKm", "number", "and at most this far apart, km (geo.geodesy.TRACK_STEP_KM)"),
)
"""Every rule constant the page applies, in the order it is written."""

RULE_TYPES: dict[str, str] = {r.name: r.type for r in RULES}
"""Each rule's JSON type by name (what the page's ``RULES`` must say)."""


def _json_type(value: object) -> str:  # as the page's ``typeof`` says it
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else "object"


def rule_problems(rules: dict[str, object]) -> list[str]:
    """What is wrong with a document's rules against the declaration: each missing, extra or
    mistyped rule, in words (as the page's decoder says it); empty when nothing is."""
    out = [f"missing rule '{name}'" for name in RULE_TYPES if name not in rules]
    for name, value in rules.items():
        declared = RULE_TYPES.get(name)
        if declared is None:
            out.append(f"extra rule '{name}'")
        elif _json_type(value) != declared:
            out.append(f"rule '{name}' is {_json_type(value)}, not {declared}")
    return out
