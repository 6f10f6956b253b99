"""Recorded legs linked to the events: the evidence beside the claim.

A flight event whose ``aircraft`` names a leg's aircraft, within ±3 h of it
(:func:`geo.tracks.match_legs`), carries that leg and its comparison with the report; a leg
no event claims becomes a confirmed flight of its own (:func:`geo.tracks.leg_events`). Every
reader of an event finds the record on ``event.recorded``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from geo import geodesy
from geo.model import Event
from geo.tracks.compare import (
    Comparison,
    LegFacts,
    LinkScore,
    compare,
    gap_words,
    leg_events,
    leg_facts,
    leg_words,
    match_legs,
)
from geo.tracks.geometry import TrackPosition, position_at
from geo.tracks.legs import GAP_MINUTES
from geo.tracks.model import FloatArray, IntArray, Leg, TrackSet
from geo.tracks.simplify import simplify_many

DRAW_TOLERANCE_M = 100.0  # the drawn path: within about 100 m of every fix (time kept)
PROFILE_SAMPLES = 240  # the altitude and ground-speed profile: at most this many points


@dataclass(frozen=True, slots=True, eq=False)
class RecordedFlight:
    """A flight's recorded leg, what it says against the report (``None`` for a flight that
    is its recorded leg), and the fixes to draw (trace indices, Douglas-Peucker)."""

    leg: Leg
    comparison: Comparison | None
    drawn: IntArray
    facts: LegFacts | None = None  # the leg's own facts, measured once (own legs)

    @property
    def source_line(self) -> str:
        """Where the record comes from: ``recorded track: 312 fixes (readsb) from FILE``."""
        trace = self.leg.trace
        return (
            f"recorded track: {len(self.leg):,} fixes ({trace.format or 'track'}) "
            f"from {trace.source}"
        )

    def clauses(self) -> tuple[str, ...]:
        """What the record says against the report, one finding each (for a flight that
        is its own record: what was not observed, and the coverage gaps)."""
        if self.comparison is not None:
            return self.comparison.clauses()
        leg = self.leg
        longest = max((g.duration_minutes for g in leg.gaps), default=0.0)
        return (*leg_words(leg, self.facts), gap_words(len(leg.gaps), longest))

    def lines(self) -> tuple[str, ...]:
        """The popup's lines: the source, then the findings."""
        return (self.source_line, *self.clauses())

    def profile(self, samples: int = PROFILE_SAMPLES) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``(t, alt_ft, gs_kt)`` for the profile chart: every fix of the leg when there
        are at most ``samples``, else the fix nearest each of ``samples`` evenly spaced
        times; NaN where the fix has no value, and where the nearest fix is more than a
        coverage gap (5 min) away: nothing is interpolated."""
        leg = self.leg
        t, alt, gs = leg.t, leg.alt_ft, leg.trace.gs_kt[leg.index]
        if len(leg) <= samples:
            return t, alt, gs
        at = np.linspace(float(t[0]), float(t[-1]), samples)
        right = np.clip(np.searchsorted(t, at), 1, len(t) - 1)
        nearest = np.where(at - t[right - 1] <= t[right] - at, right - 1, right)
        far = np.abs(t[nearest] - at) > GAP_MINUTES * 60.0
        alt_at = np.where(far, np.nan, alt[nearest])
        gs_at = np.where(far, np.nan, gs[nearest])
        return at, alt_at, gs_at

    def profile_caption(self) -> str:
        """What the profile chart shows, in words (its caption and its text alternative)."""
        _, alt, gs = self.profile()
        parts = []
        for name, values, unit, line in (
            ("altitude", alt, "ft", "solid"),
            ("ground speed", gs, "kt", "dashed"),
        ):
            known = values[~np.isnan(values)]
            parts.append(
                f"{name} ({line}) up to {float(known.max()):,.0f} {unit}"
                if known.size
                else f"{name}: not recorded"
            )
        return f"profile from first to last fix: {'; '.join(parts)}"

    def words(self) -> str:
        """The findings in one line (``took off 4 min after the reported time; ...``)."""
        return "; ".join(self.clauses())


def aircraft_at(event: Event, t: datetime) -> TrackPosition:
    """Where a flight's aircraft is at ``t``: on its recorded track when it has one
    (:func:`geo.tracks.positions_at`), else on the great circle at constant speed
    (:func:`geo.geodesy.position_at`); the page moves it the same way."""
    if event.recorded is not None:
        return position_at(event.recorded.leg, t)
    o, d = event.origin[0], event.destination
    pos = geodesy.position_at(o.lon, o.lat, event.start_utc, d.lon, d.lat, event.end_utc, t)
    return TrackPosition(pos.lon, pos.lat, pos.heading_deg)


COMPUTED = "computed great circle, constant speed: no recorded track"
"""What a flight without a recorded track says of its drawn path."""


def link(events: Sequence[Event], tracks: TrackSet) -> list[Event]:
    """``events`` with their recorded legs attached, then the legs no event claims as
    flights of their own (confirmed, the track file as source)."""
    matches = match_legs(events, tracks.legs)
    facts = [leg_facts(leg) for leg in matches.unmatched_legs]  # once per leg
    extra = leg_events(matches.unmatched_legs, taken=(e.id for e in events), facts=facts)
    # each leg simplified once, however many events use it (by identity: legs are records)
    distinct: dict[int, Leg] = {}
    for leg in [leg for _, leg in matches.pairs] + list(matches.unmatched_legs):
        distinct.setdefault(id(leg), leg)
    drawn_of = dict(
        zip(distinct, simplify_many(list(distinct.values()), DRAW_TOLERANCE_M), strict=True)
    )
    scores: list[LinkScore | None] = list(matches.scores) or [None] * len(matches.pairs)
    by_event: dict[str, RecordedFlight] = {}
    for (event, leg), score in zip(matches.pairs, scores, strict=True):
        by_event[event.id] = RecordedFlight(leg, compare(event, leg, score), drawn_of[id(leg)])
    own = [drawn_of[id(leg)] for leg in matches.unmatched_legs]
    out = [e._replace(recorded=by_event[e.id]) if e.id in by_event else e for e in events]
    out += [
        e._replace(recorded=RecordedFlight(leg, None, kept, fact))
        for e, leg, kept, fact in zip(extra, matches.unmatched_legs, own, facts, strict=True)
    ]
    return out
